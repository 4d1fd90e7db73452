-- The numbering series of an invoice or credit note: '' for the
-- workspace's own gap-free sequence, or the name of the sender's
-- workspace for one a handover package brought in (docs/package-format.md),
-- so that an imported invoice keeps its number without clashing with the
-- receiver's own. A number is unique within its series.
ALTER TABLE invoices ADD COLUMN series TEXT NOT NULL DEFAULT '';
DROP INDEX invoices_number;
CREATE UNIQUE INDEX invoices_number ON invoices (workspace_id, series, number);

-- credit_notes' UNIQUE (workspace_id, number) is part of the table: rebuilt.
CREATE TABLE credit_notes_0037 (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
    invoice_id   INTEGER NOT NULL REFERENCES invoices(id),
    number       TEXT NOT NULL,
    reason       TEXT NOT NULL,
    currency     TEXT NOT NULL,
    vat_bp       INTEGER NOT NULL,
    net_minor    INTEGER NOT NULL,
    vat_minor    INTEGER NOT NULL,
    total_minor  INTEGER NOT NULL,
    issued_on    TEXT NOT NULL,
    created_by   INTEGER NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    kind         TEXT NOT NULL DEFAULT 'credit',
    lines        TEXT NOT NULL DEFAULT '[]',
    series       TEXT NOT NULL DEFAULT '',
    UNIQUE (workspace_id, series, number)
);
INSERT INTO credit_notes_0037 (id, workspace_id, invoice_id, number, reason, currency, vat_bp, net_minor, vat_minor, total_minor,
    issued_on, created_by, created_at, kind, lines)
SELECT id, workspace_id, invoice_id, number, reason, currency, vat_bp, net_minor, vat_minor, total_minor,
    issued_on, created_by, created_at, kind, lines FROM credit_notes;
DROP TABLE credit_notes;
ALTER TABLE credit_notes_0037 RENAME TO credit_notes;
CREATE INDEX credit_notes_invoice ON credit_notes (workspace_id, invoice_id);
