-- Invoices (package invoice): one per engagement and invoicing period of
-- its terms (period_label "2026-11" or "2026-Q4", local days period_start
-- .. period_end inclusive), computed by invoice.Compute from the terms in
-- force and the period's facts. A draft's lines are replaced each time it
-- is computed; an issued invoice (later) is never recomputed.
-- unpriced: the inputs no clause priced, JSON [{ref, reason}].
CREATE TABLE invoices (
    id            INTEGER PRIMARY KEY,
    workspace_id  INTEGER NOT NULL REFERENCES workspaces(id),
    engagement_id INTEGER NOT NULL REFERENCES engagements(id),
    period_kind   TEXT NOT NULL,
    period_label  TEXT NOT NULL,
    period_start  TEXT NOT NULL,
    period_end    TEXT NOT NULL,
    status        TEXT NOT NULL,
    currency      TEXT NOT NULL,
    net_minor     INTEGER NOT NULL DEFAULT 0,
    vat_minor     INTEGER NOT NULL DEFAULT 0,
    total_minor   INTEGER NOT NULL DEFAULT 0,
    unpriced      TEXT NOT NULL DEFAULT '[]',
    computed_at   TIMESTAMP NOT NULL,
    UNIQUE (workspace_id, engagement_id, period_label)
);

-- The lines of an invoice, in order (position 0, 1, …), with everything an
-- invoice.Line carries: description key and args (JSON), the exact
-- quantity qty_num/qty_den (qty_den 0: none) and its unit, the unit
-- amount, rate and base, the amount, the VAT flag, the terms version and
-- clause, the input refs ("fact:12"), the lines it is computed from
-- (basis, positions) and the explanation steps (JSON [{label, args, expr,
-- result}]).
CREATE TABLE invoice_lines (
    id              INTEGER PRIMARY KEY,
    workspace_id    INTEGER NOT NULL REFERENCES workspaces(id),
    invoice_id      INTEGER NOT NULL REFERENCES invoices(id) ON DELETE CASCADE,
    position        INTEGER NOT NULL,
    kind            TEXT NOT NULL,
    description_key TEXT NOT NULL,
    args            TEXT NOT NULL DEFAULT '[]',
    qty_num         INTEGER NOT NULL DEFAULT 0,
    qty_den         INTEGER NOT NULL DEFAULT 0,
    qty_unit        TEXT NOT NULL DEFAULT '',
    unit_minor      INTEGER NOT NULL DEFAULT 0,
    rate_bp         INTEGER NOT NULL DEFAULT 0,
    base_minor      INTEGER NOT NULL DEFAULT 0,
    amount_minor    INTEGER NOT NULL,
    taxable         INTEGER NOT NULL DEFAULT 0,
    terms_version   INTEGER NOT NULL DEFAULT 0,
    clause          TEXT NOT NULL DEFAULT '',
    refs            TEXT NOT NULL DEFAULT '[]',
    basis           TEXT NOT NULL DEFAULT '[]',
    steps           TEXT NOT NULL DEFAULT '[]',
    UNIQUE (invoice_id, position)
);
