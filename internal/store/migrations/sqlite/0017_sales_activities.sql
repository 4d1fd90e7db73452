-- Sales activities: calls, meetings, presentations, commercial proposals
-- and follow-ups on the accounts of the base, each of the engagement its
-- account was assigned to when logged, done by a membership (the agent).
-- scheduled_at is a meeting's planned time and a follow-up's due time.
-- deal_id has no foreign key yet: deals land with the pipeline (0016), and
-- a later migration adds the reference.
CREATE TABLE sales_activities (
    id                  INTEGER PRIMARY KEY,
    workspace_id        INTEGER NOT NULL REFERENCES workspaces(id),
    engagement_id       INTEGER NOT NULL REFERENCES engagements(id),
    account_id          INTEGER NOT NULL REFERENCES sales_accounts(id),
    contact_id          INTEGER REFERENCES sales_contacts(id),
    deal_id             INTEGER,
    agent_membership_id INTEGER NOT NULL REFERENCES memberships(id),
    kind                TEXT NOT NULL,
    at                  TIMESTAMP NOT NULL,
    direction           TEXT NOT NULL DEFAULT '',
    outcome             TEXT NOT NULL DEFAULT '',
    duration_s          INTEGER NOT NULL DEFAULT 0,
    recording_file_id   INTEGER REFERENCES files(id),
    recording_url       TEXT NOT NULL DEFAULT '',
    status              TEXT NOT NULL DEFAULT '',
    scheduled_at        TIMESTAMP,
    done_at             TIMESTAMP,
    amount_minor        INTEGER NOT NULL DEFAULT 0,
    currency            TEXT NOT NULL DEFAULT '',
    file_id             INTEGER REFERENCES files(id),
    notes               TEXT NOT NULL DEFAULT '',
    quality             INTEGER NOT NULL DEFAULT 0,
    quality_comment     TEXT NOT NULL DEFAULT '',
    rated_by            INTEGER REFERENCES memberships(id),
    rated_at            TIMESTAMP,
    created_at          TIMESTAMP NOT NULL
);
-- An account's timeline, newest first.
CREATE INDEX sales_activities_account ON sales_activities (account_id, at);
-- Today: an agent's open follow-ups and meetings by time.
CREATE INDEX sales_activities_today ON sales_activities (agent_membership_id, kind, scheduled_at);
-- The engagement's calls (recordings to review), and the call list's
-- "last called" per account.
CREATE INDEX sales_activities_engagement ON sales_activities (engagement_id, kind, at);

-- The answers of the batch ingestion API by Idempotency-Key, per caller
-- (membership): the same key replays the stored status and body; a key
-- sent with another request (hash of method, path and body) is refused.
CREATE TABLE sales_idempotency (
    workspace_id  INTEGER NOT NULL REFERENCES workspaces(id),
    membership_id INTEGER NOT NULL REFERENCES memberships(id),
    key           TEXT NOT NULL,
    request_hash  TEXT NOT NULL,
    status        INTEGER NOT NULL,
    body          TEXT NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    PRIMARY KEY (workspace_id, membership_id, key)
);
