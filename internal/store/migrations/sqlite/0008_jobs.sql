-- Scheduled work that runs once across every Tandem instance sharing the
-- database (see store/jobs.go), and the KPI alerts of the daily evaluation
-- (see store/alerts.go).
--
-- jobs: one row per job. next_run is the slot due next; an instance claims
-- it with one conditional UPDATE (due, and not held or the lease expired),
-- runs it while renewing lease_until, then clears the lease and moves
-- next_run on in one transaction.
CREATE TABLE jobs (
    name        TEXT PRIMARY KEY,
    next_run    TIMESTAMP NOT NULL,
    holder      TEXT,
    lease_until TIMESTAMP
);

-- job_runs: one row per slot run (unique on job and slot). A run taken over
-- from a holder that died updates the same row (attempts + 1).
CREATE TABLE job_runs (
    id            INTEGER PRIMARY KEY,
    job           TEXT NOT NULL,
    scheduled_for TIMESTAMP NOT NULL,
    holder        TEXT NOT NULL,
    attempts      INTEGER NOT NULL DEFAULT 1,
    started_at    TIMESTAMP NOT NULL,
    finished_at   TIMESTAMP,
    result        INTEGER NOT NULL DEFAULT 0,
    error         TEXT NOT NULL DEFAULT '',
    UNIQUE (job, scheduled_for)
);

-- kpi_status: the status each KPI had for a period when last evaluated.
-- Derived, like kpi_daily: no foreign keys.
CREATE TABLE kpi_status (
    workspace_id  INTEGER NOT NULL,
    engagement_id INTEGER NOT NULL,
    kpi_key       TEXT NOT NULL,
    period_kind   TEXT NOT NULL,
    period_start  TEXT NOT NULL,
    status        TEXT NOT NULL,
    score         INTEGER,
    evaluated_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (workspace_id, engagement_id, kpi_key, period_kind, period_start)
) WITHOUT ROWID;

-- alerts: the events to tell people about, kept for e-mail and webhooks
-- (delivered_at is theirs to set); the in-app notifications are written
-- with them. One alert per engagement, KPI, period and status.
CREATE TABLE alerts (
    id            INTEGER PRIMARY KEY,
    workspace_id  INTEGER NOT NULL REFERENCES workspaces(id),
    engagement_id INTEGER NOT NULL REFERENCES engagements(id),
    kind          TEXT NOT NULL,
    kpi_key       TEXT NOT NULL,
    period_kind   TEXT NOT NULL,
    period_start  TEXT NOT NULL,
    period        TEXT NOT NULL,
    status        TEXT NOT NULL,
    previous      TEXT NOT NULL DEFAULT '',
    score         INTEGER,
    data          TEXT NOT NULL DEFAULT '{}',
    created_at    TIMESTAMP NOT NULL,
    delivered_at  TIMESTAMP,
    UNIQUE (workspace_id, engagement_id, kpi_key, period_kind, period_start, status)
);
CREATE INDEX alerts_undelivered ON alerts (created_at) WHERE delivered_at IS NULL;
