-- The invoice workflow (invoice/workflow.go).
-- A partner's VAT rate in basis points (2500 = 25 %), used by the VAT line.
ALTER TABLE partners ADD COLUMN vat_bp INTEGER NOT NULL DEFAULT 0;

-- lines_hash: a digest of the stored lines, so that recomputing a draft
-- writes (and audits) only when its lines changed. number: from the
-- workspace's sequence when issued ("2026-0001"); issued_on, due_on,
-- paid_on: local days.
ALTER TABLE invoices ADD COLUMN lines_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE invoices ADD COLUMN number TEXT;
ALTER TABLE invoices ADD COLUMN issued_on TEXT;
ALTER TABLE invoices ADD COLUMN due_on TEXT;
ALTER TABLE invoices ADD COLUMN paid_on TEXT;
CREATE UNIQUE INDEX invoices_number ON invoices (workspace_id, number);

-- The gap-free sequence of invoice and credit note numbers per workspace
-- and year: last is the last number given, raised by a guarded UPDATE in
-- the issuing transaction.
CREATE TABLE invoice_counters (
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
    year         INTEGER NOT NULL,
    last         INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (workspace_id, year)
);

-- A line disputed by the partner's manager (line_key: invoice.LineKey),
-- open until the client decides: upheld (agreed_minor) or rejected.
CREATE TABLE invoice_disputes (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
    invoice_id   INTEGER NOT NULL REFERENCES invoices(id),
    line_key     TEXT NOT NULL,
    reason       TEXT NOT NULL,
    status       TEXT NOT NULL,
    agreed_minor INTEGER NOT NULL DEFAULT 0,
    decision     TEXT NOT NULL DEFAULT '',
    opened_by    INTEGER NOT NULL,
    decided_by   INTEGER,
    created_at   TIMESTAMP NOT NULL,
    decided_at   TIMESTAMP
);
CREATE INDEX invoice_disputes_invoice ON invoice_disputes (workspace_id, invoice_id);

-- The adjustments of a draft, each a line of its own (invoice.Adjustment):
-- agreed (a dispute upheld), withheld, released (of withholding
-- released_from, onto the next draft). A withholding's released_into is
-- the adjustment that released it.
CREATE TABLE invoice_adjustments (
    id            INTEGER PRIMARY KEY,
    workspace_id  INTEGER NOT NULL REFERENCES workspaces(id),
    invoice_id    INTEGER NOT NULL REFERENCES invoices(id),
    kind          TEXT NOT NULL,
    line_key      TEXT NOT NULL,
    amount_minor  INTEGER NOT NULL,
    reason        TEXT NOT NULL,
    ref           TEXT NOT NULL DEFAULT '',
    released_into INTEGER,
    created_by    INTEGER NOT NULL,
    created_at    TIMESTAMP NOT NULL
);
CREATE INDEX invoice_adjustments_invoice ON invoice_adjustments (workspace_id, invoice_id);

-- A credit note against an issued invoice: its own number from the same
-- sequence, the reason, a negative credit line and its VAT at the
-- original's rate (vat_bp).
CREATE TABLE credit_notes (
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
    UNIQUE (workspace_id, number)
);
CREATE INDEX credit_notes_invoice ON credit_notes (workspace_id, invoice_id);
