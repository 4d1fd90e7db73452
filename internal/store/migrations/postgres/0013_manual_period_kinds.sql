-- Manual values: the kind of period a value was entered for becomes part
-- of its fact's kind, "manual.<metric>.<week|month|quarter>" (it was
-- "manual.<metric>", with the period kind in the data only). The
-- aggregates are kept per kind and day, so a month's value and a week's
-- that start on the same day were summed together and could not be told
-- apart: a week that contains the 1st of a month picked up the month's
-- value. Now a period reads only the values that count for it (see
-- kpi.ValueCountsFor). The aggregate rows of manual facts are rebuilt from
-- the facts (manual kinds keep no squares and no sketch).
UPDATE facts SET kind = kind || '.' || (data::jsonb ->> 'period_kind')
    WHERE kind LIKE 'manual.%' AND kind NOT LIKE 'manual.%.%'
    AND (data::jsonb ->> 'period_kind') IN ('week', 'month', 'quarter');
DELETE FROM kpi_daily WHERE kind LIKE 'manual.%';
DELETE FROM kpi_weekly WHERE kind LIKE 'manual.%';
INSERT INTO kpi_daily (workspace_id, engagement_id, kind, day, n, sum_value, sum_sq_value, sum_flag, sum_amount, n_zero)
    SELECT workspace_id, engagement_id, kind, day, COUNT(*), SUM(value), 0, SUM(flag), SUM(amount_minor),
        SUM(CASE WHEN value = 0 THEN 1 ELSE 0 END)
    FROM facts WHERE kind LIKE 'manual.%' GROUP BY workspace_id, engagement_id, kind, day;
INSERT INTO kpi_weekly (workspace_id, engagement_id, kind, week, n, sum_value, sum_sq_value, sum_flag, sum_amount, n_zero)
    SELECT workspace_id, engagement_id, kind, (day - (EXTRACT(ISODOW FROM day)::int - 1))::date AS week,
        SUM(n), SUM(sum_value), 0, SUM(sum_flag), SUM(sum_amount), SUM(n_zero)
    FROM kpi_daily WHERE kind LIKE 'manual.%' GROUP BY workspace_id, engagement_id, kind, week;
