-- KPI engine: the SQLite side of this migration turns kpi_daily and
-- kpi_weekly into rowid tables (whole rows in table pages instead of the
-- key's b-tree; see migrations/sqlite/0011_kpi_rowid.sql). PostgreSQL
-- already keeps rows in a heap apart from the primary key's index, so
-- there is nothing to rebuild; the number is kept so that both dialects
-- stay at the same schema version.
SELECT 1;
