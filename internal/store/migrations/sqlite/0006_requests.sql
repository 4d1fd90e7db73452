-- Requests of SLA services (support tickets, change requests) and the
-- history of their states, from which the SLA clocks are computed.
-- terms_version is the version of the terms in force when the request was
-- opened; the targets are copied from it. The *_due_at columns are when a
-- running clock will pass its target (NULL while paused or stopped), kept
-- up to date at every change so that the breach sweep reads an index.
CREATE TABLE requests (
    id                  INTEGER PRIMARY KEY,
    workspace_id        INTEGER NOT NULL REFERENCES workspaces(id),
    engagement_id       INTEGER NOT NULL REFERENCES engagements(id),
    number              INTEGER NOT NULL,
    service_key         TEXT NOT NULL,
    title               TEXT NOT NULL,
    description         TEXT NOT NULL DEFAULT '',
    priority            TEXT NOT NULL,
    status              TEXT NOT NULL,
    terms_version       INTEGER NOT NULL,
    response_minutes    INTEGER NOT NULL DEFAULT 0,
    resolution_minutes  INTEGER NOT NULL DEFAULT 0,
    opened_by           INTEGER REFERENCES users(id),
    opened_side         TEXT NOT NULL,
    opened_at           TIMESTAMP NOT NULL,
    responded_at        TIMESTAMP,
    resolved_at         TIMESTAMP,
    response_due_at     TIMESTAMP,
    resolution_due_at   TIMESTAMP,
    response_breached   INTEGER NOT NULL DEFAULT 0,
    resolution_breached INTEGER NOT NULL DEFAULT 0,
    search_text         TEXT NOT NULL DEFAULT '',
    updated_at          TIMESTAMP NOT NULL,
    UNIQUE (engagement_id, number)
);
CREATE INDEX requests_engagement ON requests (workspace_id, engagement_id, status);
CREATE INDEX requests_response_due ON requests (response_due_at) WHERE response_breached = 0;
CREATE INDEX requests_resolution_due ON requests (resolution_due_at) WHERE resolution_breached = 0;

CREATE TABLE request_changes (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
    request_id   INTEGER NOT NULL REFERENCES requests(id),
    seq          INTEGER NOT NULL,
    action       TEXT NOT NULL,
    from_status  TEXT NOT NULL DEFAULT '',
    to_status    TEXT NOT NULL,
    note         TEXT NOT NULL DEFAULT '',
    actor_id     INTEGER REFERENCES users(id),
    actor_side   TEXT NOT NULL,
    at           TIMESTAMP NOT NULL,
    UNIQUE (request_id, seq)
);
