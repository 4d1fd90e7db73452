-- An agent's name search (issue 11: ≤ 10 ms over a million contacts):
-- each contact of an account assigned to an agent, under that agent and
-- the contact's folded search text, so that the search is one range of
-- this table's key instead of a walk over the agent's accounts and their
-- contacts. It is an index, never the rule: the search still checks each
-- row it returns against the agent's scope (salesAccountScope: the
-- account assigned to them, in an engagement of their partner they are
-- assigned to and whose access no termination closed). Triggers keep it
-- current on every write of contacts and of an account's agent, whoever
-- writes (the store, the import, a bundle).
CREATE TABLE sales_agent_contacts (
    membership_id INTEGER NOT NULL,
    search_text   TEXT NOT NULL,
    contact_id    INTEGER NOT NULL,
    account_id    INTEGER NOT NULL,
    workspace_id  INTEGER NOT NULL,
    PRIMARY KEY (membership_id, search_text, contact_id)
) WITHOUT ROWID;
CREATE INDEX sales_agent_contacts_contact ON sales_agent_contacts (contact_id);
CREATE INDEX sales_agent_contacts_account ON sales_agent_contacts (account_id);

INSERT INTO sales_agent_contacts (membership_id, search_text, contact_id, account_id, workspace_id)
SELECT a.agent_membership_id, c.search_text, c.id, c.account_id, c.workspace_id
FROM sales_contacts c JOIN sales_accounts a ON a.id = c.account_id
WHERE a.agent_membership_id IS NOT NULL;

CREATE TRIGGER sales_agent_contacts_contact_insert AFTER INSERT ON sales_contacts
BEGIN
    INSERT INTO sales_agent_contacts (membership_id, search_text, contact_id, account_id, workspace_id)
    SELECT a.agent_membership_id, NEW.search_text, NEW.id, NEW.account_id, NEW.workspace_id
    FROM sales_accounts a WHERE a.id = NEW.account_id AND a.agent_membership_id IS NOT NULL;
END;
CREATE TRIGGER sales_agent_contacts_contact_update AFTER UPDATE OF search_text, account_id, workspace_id ON sales_contacts
BEGIN
    DELETE FROM sales_agent_contacts WHERE contact_id = OLD.id;
    INSERT INTO sales_agent_contacts (membership_id, search_text, contact_id, account_id, workspace_id)
    SELECT a.agent_membership_id, NEW.search_text, NEW.id, NEW.account_id, NEW.workspace_id
    FROM sales_accounts a WHERE a.id = NEW.account_id AND a.agent_membership_id IS NOT NULL;
END;
CREATE TRIGGER sales_agent_contacts_contact_delete AFTER DELETE ON sales_contacts
BEGIN
    DELETE FROM sales_agent_contacts WHERE contact_id = OLD.id;
END;
CREATE TRIGGER sales_agent_contacts_account_agent AFTER UPDATE OF agent_membership_id ON sales_accounts
WHEN OLD.agent_membership_id IS NOT NEW.agent_membership_id
BEGIN
    DELETE FROM sales_agent_contacts WHERE account_id = OLD.id;
    INSERT INTO sales_agent_contacts (membership_id, search_text, contact_id, account_id, workspace_id)
    SELECT NEW.agent_membership_id, c.search_text, c.id, c.account_id, c.workspace_id
    FROM sales_contacts c WHERE c.account_id = NEW.id AND NEW.agent_membership_id IS NOT NULL;
END;
CREATE TRIGGER sales_agent_contacts_account_delete AFTER DELETE ON sales_accounts
BEGIN
    DELETE FROM sales_agent_contacts WHERE account_id = OLD.id;
END;
