-- Speed at scale (issue 11): a name search over a million contacts, an
-- agent's Today over ten million activities, and cheaper batch ingestion.
--
-- A contact's search_text starts with its folded name (sales.Fold): a
-- name search is a range of this index (search_text >= q AND < q + the
-- last code point, compared in byte order: COLLATE "C", whatever the
-- database's collation), read in order and stopped at the page's end.
CREATE INDEX sales_contacts_search ON sales_contacts (workspace_id, search_text COLLATE "C");

-- Today's follow-ups and meetings have a time; calls have none and no
-- longer pay for an entry here (most of a dialer's batch).
DROP INDEX sales_activities_today;
CREATE INDEX sales_activities_today ON sales_activities (agent_membership_id, kind, scheduled_at) WHERE scheduled_at IS NOT NULL;

-- An agent's open (not done) follow-ups: the follow-ups Today lists and
-- the accounts of its call list that have one due, without reading the
-- agent's done ones.
CREATE INDEX sales_activities_open ON sales_activities (agent_membership_id, kind, scheduled_at, account_id)
    WHERE scheduled_at IS NOT NULL AND done_at IS NULL;

-- An account's last call (the call list's order) is the end of a range of
-- this index instead of a read of every activity of the account; the
-- timeline (every kind, newest first) sorts the account's rows.
DROP INDEX sales_activities_account;
CREATE INDEX sales_activities_account ON sales_activities (account_id, kind, at);
