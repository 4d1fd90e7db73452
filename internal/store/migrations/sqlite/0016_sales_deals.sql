-- Deals and the pipeline: a deal is a chance of a sale at an account of the
-- base, on one sales engagement; its stage is a stage key of the terms in
-- force. amount is in minor units of currency (the engagement's price
-- currency when the deal was made). Every move between stages is a row of
-- sales_deal_moves (from_stage '' for the row that records the creation).
CREATE TABLE sales_deals (
    id                  INTEGER PRIMARY KEY,
    workspace_id        INTEGER NOT NULL REFERENCES workspaces(id),
    engagement_id       INTEGER NOT NULL REFERENCES engagements(id),
    account_id          INTEGER NOT NULL REFERENCES sales_accounts(id),
    title               TEXT NOT NULL,
    amount              INTEGER NOT NULL,
    currency            TEXT NOT NULL,
    close_on            TEXT,
    stage               TEXT NOT NULL,
    owner_membership_id INTEGER REFERENCES memberships(id),
    lost_reason         TEXT NOT NULL DEFAULT '',
    next_step           TEXT NOT NULL DEFAULT '',
    next_step_on        TEXT,
    created_by          INTEGER,
    created_at          TIMESTAMP NOT NULL,
    updated_at          TIMESTAMP NOT NULL,
    closed_at           TIMESTAMP
);
-- The board: counts and summed amounts per stage with one GROUP BY over an
-- engagement (covering), and the cards of one column paged newest first.
CREATE INDEX sales_deals_board ON sales_deals (workspace_id, engagement_id, stage, currency, amount, account_id);
CREATE INDEX sales_deals_column ON sales_deals (workspace_id, engagement_id, stage, updated_at, id);
-- The board filtered by agent.
CREATE INDEX sales_deals_owner ON sales_deals (workspace_id, engagement_id, owner_membership_id, stage, currency, amount, account_id);
-- The partner's board (and an account's deals): through the accounts of
-- the engagement, or of the agent, covering the GROUP BY.
CREATE INDEX sales_deals_account ON sales_deals (account_id, engagement_id, stage, currency, amount);
-- The funnel's cohort: deals created in a month.
CREATE INDEX sales_deals_created ON sales_deals (engagement_id, created_at);

CREATE TABLE sales_deal_moves (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
    deal_id      INTEGER NOT NULL REFERENCES sales_deals(id),
    from_stage   TEXT NOT NULL,
    to_stage     TEXT NOT NULL,
    at           TIMESTAMP NOT NULL,
    user_id      INTEGER,
    lost_reason  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sales_deal_moves_deal ON sales_deal_moves (deal_id, at, id);
