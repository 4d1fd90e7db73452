-- Outgoing webhooks (package webhook): endpoints registered by the
-- client's owners and managers (partner_id NULL) or by a partner's
-- managers (partner_id set: only that partner's engagements); the outbox
-- of messages, written in the transaction of the event; and every attempt
-- to deliver one. groups is a comma-separated list of event groups, ''
-- for every event.
CREATE TABLE webhook_endpoints (
    id               INTEGER PRIMARY KEY,
    workspace_id     INTEGER NOT NULL REFERENCES workspaces(id),
    partner_id       INTEGER REFERENCES partners(id),
    url              TEXT NOT NULL,
    description      TEXT NOT NULL DEFAULT '',
    groups           TEXT NOT NULL DEFAULT '',
    secret           TEXT NOT NULL,
    old_secret       TEXT NOT NULL DEFAULT '',
    old_secret_until TIMESTAMP,
    disabled_at      TIMESTAMP,
    disabled_reason  TEXT NOT NULL DEFAULT '',
    created_by       INTEGER NOT NULL REFERENCES users(id),
    created_at       TIMESTAMP NOT NULL
);

CREATE INDEX webhook_endpoints_workspace ON webhook_endpoints (workspace_id);

-- status: pending | delivered | failed. A sender claims a due message by
-- setting lease_until (and holder); only one sender holds it at a time.
CREATE TABLE webhook_messages (
    id            INTEGER PRIMARY KEY,
    workspace_id  INTEGER NOT NULL REFERENCES workspaces(id),
    endpoint_id   INTEGER NOT NULL REFERENCES webhook_endpoints(id),
    msg_id        TEXT NOT NULL UNIQUE,
    event_type    TEXT NOT NULL,
    engagement_id INTEGER NOT NULL,
    body          TEXT NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    status        TEXT NOT NULL,
    attempts      INTEGER NOT NULL DEFAULT 0,
    next_at       TIMESTAMP NOT NULL,
    holder        TEXT NOT NULL DEFAULT '',
    lease_until   TIMESTAMP,
    delivered_at  TIMESTAMP
);

CREATE INDEX webhook_messages_due ON webhook_messages (status, next_at);
CREATE INDEX webhook_messages_endpoint ON webhook_messages (endpoint_id, id);

CREATE TABLE webhook_attempts (
    id          INTEGER PRIMARY KEY,
    message_id  INTEGER NOT NULL REFERENCES webhook_messages(id),
    at          TIMESTAMP NOT NULL,
    status_code INTEGER NOT NULL,
    error       TEXT NOT NULL DEFAULT '',
    duration_ms INTEGER NOT NULL
);

CREATE INDEX webhook_attempts_message ON webhook_attempts (message_id, id);
