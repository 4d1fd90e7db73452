-- A phone number's match key: its last nine digits (sales.PhoneKey), the
-- part of a number a dialer's batch carries. The batch ingestion looks the
-- batch's keys up in an index instead of reading every number of the
-- engagement (store/sales_batch.go). Stored numbers are E.164 ("+" and
-- digits), so the key is the end of the value; e-mails have none.
ALTER TABLE sales_contact_details ADD COLUMN match_key TEXT NOT NULL DEFAULT '';
UPDATE sales_contact_details SET match_key = substr(value, length(value) - 8)
    WHERE field = 'phone' AND length(value) >= 10;
CREATE INDEX sales_contact_details_key ON sales_contact_details (workspace_id, match_key) WHERE match_key <> '';
