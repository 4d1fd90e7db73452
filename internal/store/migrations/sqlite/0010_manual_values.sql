-- Values of manual KPI metrics: entered by the client, or reported by the
-- partner and counting once the client confirms them. A confirmed value
-- counts through its fact (fact_id, kind "manual.<metric>", dated on the
-- period's first day); at most one value per metric and period is
-- confirmed at a time.
CREATE TABLE manual_values (
    id            INTEGER PRIMARY KEY,
    workspace_id  INTEGER NOT NULL REFERENCES workspaces(id),
    engagement_id INTEGER NOT NULL REFERENCES engagements(id),
    metric        TEXT NOT NULL,
    period_kind   TEXT NOT NULL,
    period_start  TEXT NOT NULL,
    value         INTEGER NOT NULL,
    scale         INTEGER NOT NULL,
    note          TEXT NOT NULL DEFAULT '',
    state         TEXT NOT NULL,
    side          TEXT NOT NULL,
    entered_by    INTEGER NOT NULL REFERENCES users(id),
    entered_at    TIMESTAMP NOT NULL,
    decided_by    INTEGER REFERENCES users(id),
    decided_at    TIMESTAMP,
    reason        TEXT NOT NULL DEFAULT '',
    fact_id       INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX manual_values_engagement ON manual_values (workspace_id, engagement_id, metric, period_kind, period_start);
CREATE UNIQUE INDEX manual_values_confirmed ON manual_values (workspace_id, engagement_id, metric, period_kind, period_start) WHERE state = 'confirmed';
