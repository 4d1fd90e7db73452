-- A name search as the client's people or a partner's manager reads the
-- contacts in the order of this index and stops at the page's end
-- (SalesStore.FindContacts): ORDER BY the folded name, then the id. The
-- index ended with the folded name, so ties needed a sort, and PostgreSQL
-- then chose to read the whole range and sort it whenever its statistics
-- put the range at a row or two — after a VACUUM of a million contacts,
-- all 4,000 "karin l…" for a page of 20 (17 ms instead of under one).
DROP INDEX sales_contacts_search;
CREATE INDEX sales_contacts_search ON sales_contacts (workspace_id, search_text COLLATE "C", id);
