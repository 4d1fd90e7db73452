-- E-mail (internal/mail): the durable outbox, each person's choices, and
-- the key that signs unsubscribe links.

-- One e-mail to send. Written in the transaction of what it tells
-- (a notification, an invitation, a password reset) or by the digest job
-- (dedupe names the digest, so that it is written once). A sender claims a
-- due row with a lease (holder, lease_until); status is pending, sent or
-- failed (after mail.MaxTries attempts, or a permanent refusal).
-- workspace_id is 0 for a password reset (a person, not a workspace).
CREATE TABLE mail_outbox (
    id              INTEGER PRIMARY KEY,
    workspace_id    INTEGER NOT NULL,
    user_id         INTEGER,
    to_addr         TEXT NOT NULL,
    kind            TEXT NOT NULL,
    notification_id INTEGER,
    args            TEXT NOT NULL DEFAULT '{}',
    dedupe          TEXT UNIQUE,
    status          TEXT NOT NULL DEFAULT 'pending',
    tries           INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    holder          TEXT,
    lease_until     TIMESTAMP,
    last_error      TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMP NOT NULL,
    sent_at         TIMESTAMP
);
CREATE INDEX mail_outbox_due ON mail_outbox (status, next_attempt_at);
CREATE INDEX mail_outbox_workspace ON mail_outbox (workspace_id, id);

-- A person's choice for one area of notifications in a workspace
-- (mail.Mode); an area without a row is sent right away.
CREATE TABLE mail_preferences (
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
    user_id      INTEGER NOT NULL REFERENCES users(id),
    area         TEXT NOT NULL,
    mode         TEXT NOT NULL,
    PRIMARY KEY (workspace_id, user_id, area)
);

-- A person's digest in a workspace: how often, and when the last one was
-- written (the next lists what came after).
CREATE TABLE mail_digests (
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
    user_id      INTEGER NOT NULL REFERENCES users(id),
    frequency    TEXT NOT NULL DEFAULT 'daily',
    last_at      TIMESTAMP,
    PRIMARY KEY (workspace_id, user_id)
);

-- The installation's key for unsubscribe links, made on first use.
CREATE TABLE mail_keys (
    id     INTEGER PRIMARY KEY,
    secret TEXT NOT NULL
);
