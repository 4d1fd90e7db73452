-- KPI engine: the aggregate rows of a key (workspace, engagement, kind,
-- day or week) are split into up to eight slots on PostgreSQL. Every
-- fact recorded adds to its day's and week's rows, and the upsert holds
-- the row's lock until its transaction's COMMIT is flushed: with one row
-- per key, the calls an engagement logs in a day waited for each other
-- (`tandem bench http`'s write_call under 50 connections, 300–430 a
-- second). A transaction now adds to the slot of its connection
-- (pg_backend_pid() % 8, store/kpi_aggregates.go): transactions on
-- connections of different slots do not wait for each other. A key's
-- aggregate is the sum of its slots' rows (n and the sums add up,
-- sketches merge), and a key has rows only while it has facts. Rewriting
-- a key from its facts (editing or deleting one) deletes every slot's row
-- and writes slot 0. Existing rows are slot 0.
ALTER TABLE kpi_daily ADD COLUMN slot SMALLINT NOT NULL DEFAULT 0;
ALTER TABLE kpi_daily DROP CONSTRAINT kpi_daily_pkey;
ALTER TABLE kpi_daily ADD PRIMARY KEY (workspace_id, engagement_id, kind, day, slot);
ALTER TABLE kpi_weekly ADD COLUMN slot SMALLINT NOT NULL DEFAULT 0;
ALTER TABLE kpi_weekly DROP CONSTRAINT kpi_weekly_pkey;
ALTER TABLE kpi_weekly ADD PRIMARY KEY (workspace_id, engagement_id, kind, week, slot);
