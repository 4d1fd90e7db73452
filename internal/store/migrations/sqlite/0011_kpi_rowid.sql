-- KPI engine: kpi_daily and kpi_weekly become rowid tables (same columns,
-- same primary key, now kept as a unique index), rebuilt with the rows in
-- day order. As WITHOUT ROWID tables their rows lived in the key's b-tree,
-- which caps a row kept in a page at about a quarter of it: a week's
-- lead-time sketch grows past that with a few hundred deliverables, so
-- every weekly row spilled onto an overflow page, which SQLite reads from
-- the file each time, past its page cache. A rowid table keeps rows of up
-- to nearly a page whole. Recording a batch also gets cheaper: its upserts
-- change rows of the same days, which now share a few table pages instead
-- of one page per engagement and kind; the key index changes only when a
-- day's or week's row is created.
CREATE TABLE kpi_daily_0011 (
    workspace_id  INTEGER NOT NULL,
    engagement_id INTEGER NOT NULL,
    kind          TEXT NOT NULL,
    day           TEXT NOT NULL,
    n             INTEGER NOT NULL DEFAULT 0,
    sum_value     INTEGER NOT NULL DEFAULT 0,
    sum_sq_value  INTEGER NOT NULL DEFAULT 0,
    sum_flag      INTEGER NOT NULL DEFAULT 0,
    sum_amount    INTEGER NOT NULL DEFAULT 0,
    n_zero        INTEGER NOT NULL DEFAULT 0,
    sketch        BLOB,
    PRIMARY KEY (workspace_id, engagement_id, kind, day)
);
INSERT INTO kpi_daily_0011 (workspace_id, engagement_id, kind, day, n, sum_value, sum_sq_value, sum_flag, sum_amount, n_zero, sketch)
    SELECT workspace_id, engagement_id, kind, day, n, sum_value, sum_sq_value, sum_flag, sum_amount, n_zero, sketch
    FROM kpi_daily ORDER BY day, workspace_id, engagement_id, kind;
DROP TABLE kpi_daily;
ALTER TABLE kpi_daily_0011 RENAME TO kpi_daily;

CREATE TABLE kpi_weekly_0011 (
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
);
INSERT INTO kpi_weekly_0011 (workspace_id, engagement_id, kind, week, n, sum_value, sum_sq_value, sum_flag, sum_amount, n_zero, sketch)
    SELECT workspace_id, engagement_id, kind, week, n, sum_value, sum_sq_value, sum_flag, sum_amount, n_zero, sketch
    FROM kpi_weekly ORDER BY week, workspace_id, engagement_id, kind;
DROP TABLE kpi_weekly;
ALTER TABLE kpi_weekly_0011 RENAME TO kpi_weekly;
