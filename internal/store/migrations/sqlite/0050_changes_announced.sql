-- PostgreSQL's change log announces itself (postgres/0050, store/
-- pglisten.go). SQLite has one writer per file, which stamps what it
-- changed itself: nothing to add here; the number is kept so that both
-- dialects count alike.
SELECT 1;
