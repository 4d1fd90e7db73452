-- PostgreSQL's contact search index gains the id (postgres/0046). SQLite's
-- (search_text, workspace_id) already ends with the rowid, the contact's
-- id: nothing to change here; the number is kept so that both dialects
-- count alike.
SELECT 1;
