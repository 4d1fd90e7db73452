-- Time entries (package timesheet): what the partner's people record —
-- a person (membership_id, user_id), a local day, minutes and the service
-- key of the terms — and the client's decision (state pending | approved
-- | rejected, with the reason of a rejection). Approved entries are priced
-- as the time lines of the invoice of the period containing the day.
CREATE TABLE time_entries (
    id            INTEGER PRIMARY KEY,
    workspace_id  INTEGER NOT NULL REFERENCES workspaces(id),
    engagement_id INTEGER NOT NULL REFERENCES engagements(id),
    membership_id INTEGER NOT NULL REFERENCES memberships(id),
    user_id       INTEGER NOT NULL REFERENCES users(id),
    day           TEXT NOT NULL,
    minutes       INTEGER NOT NULL CHECK (minutes > 0 AND minutes <= 1440),
    service_key   TEXT NOT NULL,
    note          TEXT NOT NULL DEFAULT '',
    state         TEXT NOT NULL,
    recorded_at   TIMESTAMP NOT NULL,
    decided_by    INTEGER REFERENCES users(id),
    decided_at    TIMESTAMP,
    reason        TEXT NOT NULL DEFAULT ''
);

CREATE INDEX time_entries_engagement_day ON time_entries (workspace_id, engagement_id, day);
CREATE INDEX time_entries_person_day ON time_entries (workspace_id, membership_id, day);
