-- The client's sales base: accounts (companies) and their contacts, each
-- contact's phone numbers and e-mail addresses (normalized, and as typed),
-- and every reveal of one detail to a partner's agent. An account is
-- assigned to a sales engagement and optionally to an agent (a membership)
-- of its partner; NULL means the client's alone. search_text is folded in
-- Go (lower case, no accents) and never holds a phone number or an e-mail
-- address.
CREATE TABLE sales_accounts (
    id                  INTEGER PRIMARY KEY,
    workspace_id        INTEGER NOT NULL REFERENCES workspaces(id),
    name                TEXT NOT NULL,
    reg_number          TEXT NOT NULL DEFAULT '',
    country             TEXT NOT NULL DEFAULT '',
    city                TEXT NOT NULL DEFAULT '',
    website             TEXT NOT NULL DEFAULT '',
    industry            TEXT NOT NULL DEFAULT '',
    size                TEXT NOT NULL DEFAULT '',
    status              TEXT NOT NULL,
    source              TEXT NOT NULL DEFAULT '',
    tags                TEXT NOT NULL DEFAULT '',
    notes               TEXT NOT NULL DEFAULT '',
    engagement_id       INTEGER REFERENCES engagements(id),
    agent_membership_id INTEGER REFERENCES memberships(id),
    search_text         TEXT NOT NULL DEFAULT '',
    created_at          TIMESTAMP NOT NULL,
    updated_at          TIMESTAMP NOT NULL
);
CREATE INDEX sales_accounts_name ON sales_accounts (workspace_id, name);
CREATE INDEX sales_accounts_engagement ON sales_accounts (engagement_id, agent_membership_id);

CREATE TABLE sales_contacts (
    id             INTEGER PRIMARY KEY,
    workspace_id   INTEGER NOT NULL REFERENCES workspaces(id),
    account_id     INTEGER NOT NULL REFERENCES sales_accounts(id),
    name           TEXT NOT NULL,
    position       TEXT NOT NULL DEFAULT '',
    decision_maker INTEGER NOT NULL DEFAULT 0,
    notes          TEXT NOT NULL DEFAULT '',
    search_text    TEXT NOT NULL DEFAULT '',
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL
);
CREATE INDEX sales_contacts_account ON sales_contacts (account_id);

CREATE TABLE sales_contact_details (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
    contact_id   INTEGER NOT NULL REFERENCES sales_contacts(id),
    field        TEXT NOT NULL,
    value        TEXT NOT NULL,
    typed        TEXT NOT NULL,
    position     INTEGER NOT NULL
);
CREATE INDEX sales_contact_details_contact ON sales_contact_details (contact_id, position);
CREATE INDEX sales_contact_details_value ON sales_contact_details (workspace_id, field, value);

CREATE TABLE sales_reveals (
    id            INTEGER PRIMARY KEY,
    workspace_id  INTEGER NOT NULL REFERENCES workspaces(id),
    engagement_id INTEGER NOT NULL REFERENCES engagements(id),
    account_id    INTEGER NOT NULL REFERENCES sales_accounts(id),
    contact_id    INTEGER NOT NULL REFERENCES sales_contacts(id),
    detail_id     INTEGER NOT NULL REFERENCES sales_contact_details(id),
    field         TEXT NOT NULL,
    membership_id INTEGER NOT NULL REFERENCES memberships(id),
    user_id       INTEGER NOT NULL REFERENCES users(id),
    reason        TEXT NOT NULL,
    at            TIMESTAMP NOT NULL
);
CREATE INDEX sales_reveals_engagement ON sales_reveals (workspace_id, engagement_id, at);
CREATE INDEX sales_reveals_membership ON sales_reveals (membership_id, at);
