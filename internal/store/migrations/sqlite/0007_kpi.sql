-- KPI engine: per-day aggregates of the facts, kept current in the
-- transaction that records, edits or deletes a fact (see store/kpi.go), so
-- that scorecards read a few hundred rows however long the history.
-- n_zero counts the facts whose value is 0 (deliverables on time);
-- sum_sq_value is kept only for the kinds that need it (metric.Kinds);
-- sketch is a kpi.Sketch of the data field metric.Kinds names (lead_time_s
-- of deliverable.accepted), NULL for other kinds. A row exists only while
-- the day has facts of the kind (n > 0). No foreign keys: the rows derive
-- from facts, which already enforce them, and every upsert stays one lookup.
CREATE TABLE kpi_daily (
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
) WITHOUT ROWID;
