-- PostgreSQL's aggregate rows gain a slot (postgres/0048): transactions
-- on different connections add to different rows of one key instead of
-- waiting for each other's lock. SQLite has one writer, which commits
-- its transactions in batches: one row per key, nothing to change here;
-- the number is kept so that both dialects count alike.
SELECT 1;
