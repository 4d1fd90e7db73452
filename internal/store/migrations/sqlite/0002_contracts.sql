-- Contracts: versioned terms, amendments, acknowledged check warnings and
-- the register of NDAs signed by partners' people.
CREATE TABLE contract_versions (
    id             INTEGER PRIMARY KEY,
    workspace_id   INTEGER NOT NULL REFERENCES workspaces(id),
    engagement_id  INTEGER NOT NULL REFERENCES engagements(id),
    number         INTEGER NOT NULL,
    effective_from TEXT NOT NULL,
    amendment_id   INTEGER,
    terms          TEXT NOT NULL,
    created_at     TIMESTAMP NOT NULL,
    UNIQUE (engagement_id, number)
);
CREATE INDEX contract_versions_in_force ON contract_versions (workspace_id, engagement_id, effective_from);

CREATE TABLE amendments (
    id             INTEGER PRIMARY KEY,
    workspace_id   INTEGER NOT NULL REFERENCES workspaces(id),
    engagement_id  INTEGER NOT NULL REFERENCES engagements(id),
    number         INTEGER NOT NULL,
    effective_from TEXT NOT NULL,
    reason         TEXT NOT NULL,
    terms          TEXT NOT NULL,
    status         TEXT NOT NULL,
    proposed_by    INTEGER NOT NULL REFERENCES users(id),
    proposed_side  TEXT NOT NULL,
    proposed_at    TIMESTAMP NOT NULL,
    decided_by     INTEGER REFERENCES users(id),
    decided_at     TIMESTAMP,
    decision_note  TEXT NOT NULL DEFAULT '',
    UNIQUE (engagement_id, number)
);

CREATE TABLE check_acknowledgements (
    id              INTEGER PRIMARY KEY,
    workspace_id    INTEGER NOT NULL REFERENCES workspaces(id),
    engagement_id   INTEGER NOT NULL REFERENCES engagements(id),
    finding         TEXT NOT NULL,
    acknowledged_by INTEGER NOT NULL REFERENCES users(id),
    acknowledged_at TIMESTAMP NOT NULL,
    UNIQUE (engagement_id, finding)
);

CREATE TABLE ndas (
    id            INTEGER PRIMARY KEY,
    workspace_id  INTEGER NOT NULL REFERENCES workspaces(id),
    partner_id    INTEGER NOT NULL REFERENCES partners(id),
    membership_id INTEGER REFERENCES memberships(id) ON DELETE SET NULL,
    person_name   TEXT NOT NULL,
    person_email  TEXT NOT NULL,
    signed_on     TEXT NOT NULL,
    document      TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMP NOT NULL
);
CREATE INDEX ndas_membership ON ndas (membership_id);
CREATE INDEX ndas_partner ON ndas (workspace_id, partner_id);

ALTER TABLE invitations ADD COLUMN nda_signed_on TEXT NOT NULL DEFAULT '';
