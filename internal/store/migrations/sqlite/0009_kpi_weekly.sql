-- KPI engine: per-week rollup of kpi_daily (store/kpi.go), kept current in
-- the same transaction as the day's row, so that a 52-week scorecard reads
-- about 52 rows per fact kind instead of 364. week is the local date of the
-- Monday that starts the ISO week (in the workspace's time zone, like
-- kpi_daily.day); the columns are the sums of that week's kpi_daily rows and
-- the merge of their sketches. A row exists only while the week has facts
-- of the kind. Months and quarters use the weeks that lie wholly inside them
-- and kpi_daily for the days at their edges. Rows for data recorded before
-- this migration are built from kpi_daily when the store opens.
CREATE TABLE kpi_weekly (
    workspace_id  INTEGER NOT NULL,
    engagement_id INTEGER NOT NULL,
    kind          TEXT NOT NULL,
    week          TEXT NOT NULL,
    n             INTEGER NOT NULL DEFAULT 0,
    sum_value     INTEGER NOT NULL DEFAULT 0,
    sum_sq_value  INTEGER NOT NULL DEFAULT 0,
    sum_flag      INTEGER NOT NULL DEFAULT 0,
    sum_amount    INTEGER NOT NULL DEFAULT 0,
    n_zero        INTEGER NOT NULL DEFAULT 0,
    sketch        BLOB,
    PRIMARY KEY (workspace_id, engagement_id, kind, week)
) WITHOUT ROWID;
