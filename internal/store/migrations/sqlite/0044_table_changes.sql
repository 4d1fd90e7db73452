-- PostgreSQL's change log of the tables each transaction changed
-- (postgres/0044_table_changes.sql, store/pgchanges.go). SQLite's writer
-- learns the same from its pre-update hook (store/tables.go): nothing to
-- add here; the number is kept so that both dialects count alike.
SELECT 1;
