-- Speed at scale (issue 11): a name search over a million contacts, an
-- agent's Today over ten million activities, and cheaper batch ingestion.
--
-- A contact's search_text starts with its folded name (sales.Fold): a
-- name search is a range of this index (search_text >= q AND < q + the
-- last code point, compared in byte order: COLLATE "C", whatever the
-- database's collation), read in order and stopped at the page's end.
CREATE INDEX sales_contacts_search ON sales_contacts (workspace_id, search_text COLLATE "C");

-- Today's open follow-ups and meetings, by agent and time: only rows with
-- a time that are not done (a meeting is never "done"; a follow-up leaves
-- when done), so calls, most of a dialer's batch, no longer pay for an
-- entry, and Today reads neither the agent's done follow-ups nor their
-- calls. With the account, the accounts that have a follow-up due are read
-- from the index alone.
DROP INDEX sales_activities_today;
CREATE INDEX sales_activities_today ON sales_activities (agent_membership_id, kind, scheduled_at, account_id)
    WHERE scheduled_at IS NOT NULL AND done_at IS NULL;

-- An agent's accounts (Today's call list) without reading the workspace's.
CREATE INDEX sales_accounts_agent ON sales_accounts (agent_membership_id, workspace_id);

-- An account's last call (the call list's order) is the end of a range of
-- this index instead of a read of every activity of the account; the
-- timeline (every kind, newest first) sorts the account's rows.
DROP INDEX sales_activities_account;
CREATE INDEX sales_activities_account ON sales_activities (account_id, kind, at);
