-- Notices, proposals and risk warnings, weekly status reports: what the
-- partner tells the client in writing, and the client's answers.
CREATE TABLE notices (
    id              INTEGER PRIMARY KEY,
    workspace_id    INTEGER NOT NULL REFERENCES workspaces(id),
    engagement_id   INTEGER NOT NULL REFERENCES engagements(id),
    category        TEXT NOT NULL,
    deliverable_id  INTEGER REFERENCES deliverables(id),
    body            TEXT NOT NULL,
    due_at          TIMESTAMP,
    timely          INTEGER NOT NULL DEFAULT 0,
    filed_by        INTEGER NOT NULL REFERENCES users(id),
    filed_at        TIMESTAMP NOT NULL,
    acknowledged_by INTEGER REFERENCES users(id),
    acknowledged_at TIMESTAMP,
    ack_comment     TEXT NOT NULL DEFAULT '',
    new_due_at      TIMESTAMP
);
CREATE INDEX notices_engagement ON notices (workspace_id, engagement_id, filed_at);
CREATE INDEX notices_deliverable ON notices (deliverable_id, category);

CREATE TABLE proposals (
    id             INTEGER PRIMARY KEY,
    workspace_id   INTEGER NOT NULL REFERENCES workspaces(id),
    engagement_id  INTEGER NOT NULL REFERENCES engagements(id),
    kind           TEXT NOT NULL,
    title          TEXT NOT NULL,
    body           TEXT NOT NULL DEFAULT '',
    deliverable_id INTEGER REFERENCES deliverables(id),
    raised_by      INTEGER NOT NULL REFERENCES users(id),
    raised_at      TIMESTAMP NOT NULL,
    status         TEXT NOT NULL,
    decided_by     INTEGER REFERENCES users(id),
    decided_at     TIMESTAMP,
    comment        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX proposals_engagement ON proposals (workspace_id, engagement_id, raised_at);

-- One status report per engagement and ISO week (its Monday, local date).
CREATE TABLE status_reports (
    id            INTEGER PRIMARY KEY,
    workspace_id  INTEGER NOT NULL REFERENCES workspaces(id),
    engagement_id INTEGER NOT NULL REFERENCES engagements(id),
    week          TEXT NOT NULL,
    done          TEXT NOT NULL DEFAULT '',
    next          TEXT NOT NULL DEFAULT '',
    risks         TEXT NOT NULL DEFAULT '',
    blockers      TEXT NOT NULL DEFAULT '',
    asks          TEXT NOT NULL DEFAULT '',
    figures       TEXT NOT NULL DEFAULT '{}',
    author_id     INTEGER NOT NULL REFERENCES users(id),
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL,
    comment       TEXT NOT NULL DEFAULT '',
    commented_by  INTEGER REFERENCES users(id),
    commented_at  TIMESTAMP,
    UNIQUE (workspace_id, engagement_id, week)
);
