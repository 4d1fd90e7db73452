-- PostgreSQL's check of a write queued in a batch's pipeline
-- (postgres/0052). SQLite's writer runs each statement at once and reads
-- its count: nothing to add here; the number is kept so that both
-- dialects count alike.
SELECT 1;
