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
    workspace_id  BIGINT NOT NULL,
    engagement_id BIGINT NOT NULL,
    kind          TEXT NOT NULL,
    day           DATE NOT NULL,
    n             BIGINT NOT NULL DEFAULT 0,
    sum_value     BIGINT NOT NULL DEFAULT 0,
    sum_sq_value  BIGINT NOT NULL DEFAULT 0,
    sum_flag      BIGINT NOT NULL DEFAULT 0,
    sum_amount    BIGINT NOT NULL DEFAULT 0,
    n_zero        BIGINT NOT NULL DEFAULT 0,
    sketch        BYTEA,
    PRIMARY KEY (workspace_id, engagement_id, kind, day)
);
