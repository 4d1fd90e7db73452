-- A period's values by state: entering a value reads who reported the
-- period's pending values and marks them replaced (OwnMetricStore.Enter).
-- The index ended with the period, so each entry read every value ever
-- entered for the period, the replaced ones included — thousands when a
-- value is entered again and again (`tandem bench http`'s write_value:
-- 291 a second, 1.4 ms of each in that read alone). With the state, it
-- reads the pending ones only.
DROP INDEX manual_values_engagement;
CREATE INDEX manual_values_engagement ON manual_values (workspace_id, engagement_id, metric, period_kind, period_start, state);
