-- PostgreSQL's change log row is written at COMMIT (postgres/0051).
-- SQLite has one writer per file, which stamps what it changed itself:
-- nothing to add here; the number is kept so that both dialects count
-- alike.
SELECT 1;
