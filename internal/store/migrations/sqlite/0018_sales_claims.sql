-- Claims of paid results (package sales, claim.go): a result the partner
-- claims on a sales engagement — a qualified lead (subject: an account),
-- a meeting held (subject: a meeting activity) or a deal won (subject: a
-- deal) — and the client's decision. subject_id has NO foreign key: the
-- activities (0017) and deals (0016) tables come from other branches and
-- the checks are wired when they are merged; for a lead it is an account
-- of sales_accounts, checked by the store.
-- One open, accepted or reversed claim per subject (no double pay), and
-- each attempt once (a disputed claim may be claimed again once).
-- window_ends is when an open claim is accepted by the system
-- (claims_due serves the sweep).
CREATE TABLE sales_claims (
    id                 INTEGER PRIMARY KEY,
    workspace_id       INTEGER NOT NULL REFERENCES workspaces(id),
    engagement_id      INTEGER NOT NULL REFERENCES engagements(id),
    kind               TEXT NOT NULL,
    subject_id         INTEGER NOT NULL,
    note               TEXT NOT NULL DEFAULT '',
    held_at            TIMESTAMP,
    revenue_minor      INTEGER NOT NULL DEFAULT 0,
    currency           TEXT NOT NULL DEFAULT '',
    opened_on          TEXT NOT NULL DEFAULT '',
    attempt            INTEGER NOT NULL DEFAULT 1,
    status             TEXT NOT NULL,
    membership_id      INTEGER NOT NULL REFERENCES memberships(id),
    user_id            INTEGER NOT NULL REFERENCES users(id),
    partner_id         INTEGER NOT NULL REFERENCES partners(id),
    claimed_at         TIMESTAMP NOT NULL,
    window_ends        TIMESTAMP NOT NULL,
    decided_at         TIMESTAMP,
    decided_by         INTEGER REFERENCES users(id),
    expired            INTEGER NOT NULL DEFAULT 0,
    dispute_reason     TEXT NOT NULL DEFAULT '',
    reversed_at        TIMESTAMP,
    reverse_reason     TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX sales_claims_once ON sales_claims (workspace_id, kind, subject_id) WHERE status IN ('open', 'accepted', 'reversed');
CREATE UNIQUE INDEX sales_claims_attempt ON sales_claims (workspace_id, kind, subject_id, attempt);
CREATE INDEX sales_claims_engagement ON sales_claims (engagement_id, status, claimed_at);
CREATE INDEX sales_claims_due ON sales_claims (window_ends) WHERE status = 'open';
