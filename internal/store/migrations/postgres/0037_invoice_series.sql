-- The numbering series of an invoice or credit note: '' for the
-- workspace's own gap-free sequence, or the name of the sender's
-- workspace for one a handover package brought in (docs/package-format.md),
-- so that an imported invoice keeps its number without clashing with the
-- receiver's own. A number is unique within its series.
ALTER TABLE invoices ADD COLUMN series TEXT NOT NULL DEFAULT '';
DROP INDEX invoices_number;
CREATE UNIQUE INDEX invoices_number ON invoices (workspace_id, series, number);

ALTER TABLE credit_notes ADD COLUMN series TEXT NOT NULL DEFAULT '';
ALTER TABLE credit_notes DROP CONSTRAINT credit_notes_workspace_id_number_key;
ALTER TABLE credit_notes ADD CONSTRAINT credit_notes_series_number UNIQUE (workspace_id, series, number);
