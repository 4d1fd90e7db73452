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

-- Budgets (package worth): what the client means to spend on an
-- engagement in a month (period_label "2026-11"), in the currency of the
-- terms in force that month; set by the client's owner or manager.
CREATE TABLE budgets (
    id            INTEGER PRIMARY KEY,
    workspace_id  INTEGER NOT NULL REFERENCES workspaces(id),
    engagement_id INTEGER NOT NULL REFERENCES engagements(id),
    period_label  TEXT NOT NULL,
    amount_minor  INTEGER NOT NULL CHECK (amount_minor >= 0),
    currency      TEXT NOT NULL,
    set_by        INTEGER NOT NULL REFERENCES users(id),
    set_at        TIMESTAMP NOT NULL,
    UNIQUE (workspace_id, engagement_id, period_label)
);

-- The in-house calculator of an engagement (package worth.InHouse), as
-- the client last saved it: one row per engagement.
CREATE TABLE inhouse_calcs (
    id               INTEGER PRIMARY KEY,
    workspace_id     INTEGER NOT NULL REFERENCES workspaces(id),
    engagement_id    INTEGER NOT NULL REFERENCES engagements(id),
    country          TEXT NOT NULL,
    currency         TEXT NOT NULL,
    people           INTEGER NOT NULL,
    salary_minor     INTEGER NOT NULL,
    employer_bp      INTEGER NOT NULL,
    office_minor     INTEGER NOT NULL,
    hiring_minor     INTEGER NOT NULL,
    turnover_bp      INTEGER NOT NULL,
    management_minor INTEGER NOT NULL,
    saved_by         INTEGER NOT NULL REFERENCES users(id),
    saved_at         TIMESTAMP NOT NULL,
    UNIQUE (workspace_id, engagement_id)
);
