package store

// Invoices (package invoice): the draft of an engagement's invoicing
// period, computed from the terms in force and the period's facts, stored
// with every line and its explanation.

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/tandemhq/tandem/internal/access"
	"github.com/tandemhq/tandem/internal/engagement"
	"github.com/tandemhq/tandem/internal/fact"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/invoice"
	"github.com/tandemhq/tandem/internal/kpi"
	"github.com/tandemhq/tandem/internal/tandem"
)

// InvoiceStore keeps engagements' invoices.
type InvoiceStore struct{ db *DB }

// Invoices returns the invoice store.
func (db *DB) Invoices() *InvoiceStore { return &InvoiceStore{db} }

// Invoice is a stored invoice of one engagement and period.
type Invoice struct {
	ID           int64
	EngagementID int64
	PeriodKind   string
	Label        string // "2026-11", "2026-Q4"
	Status       invoice.Status
	ComputedAt   time.Time
	invoice.Invoice
	// Facts are the facts the lines refer to, by reference ("fact:12"):
	// what a reader follows from a line to its evidence.
	Facts map[string]FactRef
	// The workflow (invoice/workflow.go): the number and days once issued
	// (local days, YYYY-MM-DD), the disputes, the adjustments of this
	// invoice, its credit notes, the payment schedule once issued, and
	// whether the terms allow withholding.
	Number, IssuedOn, DueOn, PaidOn string
	// Series is '' for the workspace's own numbering, else the series an
	// imported invoice keeps its sender's number under (docs/package-format.md).
	Series          string
	Disputes        []invoice.Dispute
	Adjustments     []Adjustment
	CreditNotes     []CreditNote
	Schedule        []invoice.Payment
	WithholdAllowed bool
	hash            string
}

// FactRef is a fact behind an invoice's line: its kind, local day and
// subject (a claim, deliverable or request; for a request also its number
// in the engagement, for its page).
type FactRef struct {
	ID        int64
	Kind      fact.Kind
	Day       string
	SubjectID int64
	Number    int
}

func factRefs(rows []invoice.FactRow) map[string]FactRef {
	out := make(map[string]FactRef, len(rows))
	for _, r := range rows {
		x := FactRef{ID: r.ID, Kind: r.Kind, Day: r.Day, SubjectID: r.SubjectID}
		switch d := r.Data.(type) {
		case fact.ClockStopped:
			x.Number = d.Number
		case fact.Breach:
			x.Number = d.Number
		}
		out[invoice.Ref(r.ID)] = x
	}
	return out
}

// Draft returns the invoice of an engagement for period (a month or a
// quarter in the workspace's time zone, e.g. kpi.PeriodOf) as it stands: an
// issued invoice as stored; a draft (or an approved one) computed afresh
// in memory from the terms versions, the period's facts (invoice.FactKinds,
// by their local day), the period's weighted KPI score from the aggregates,
// the partner's VAT rate and the workflow's adjustments — with its stored
// id, status, disputes and withholdings. A read writes nothing: the stored
// draft changes only when the scheduled job or a workflow action finds its
// lines changed (syncIn). Client roles and the partner's manager may call
// it (access.InvoicesRead; another partner's engagement is ENotFound).
// Errors: EInvalid (period), EConflict (a draft engagement, not invoiced;
// a period begun after the engagement ended, unless an invoice was issued
// for it; no terms in force during the period; terms in two currencies).
func (s *InvoiceStore) Draft(ctx context.Context, p tandem.Principal, engagementID int64, period kpi.Period) (_ *Invoice, err error) {
	defer wrap(&err, "InvoiceStore.Draft(%d, %s)", engagementID, period)
	if err := access.Can(p, access.InvoicesRead); err != nil {
		return nil, err
	}
	if period.Kind != kpi.Month && period.Kind != kpi.Quarter {
		return nil, invalid("period", "validation.one_of")
	}
	e, err := loadEngagement(ctx, s.db, p, engagementID)
	if err != nil {
		return nil, err
	}
	if !invoice.Invoiced(e.Status) {
		return nil, tandem.Errorf(tandem.EConflict, i18n.K("invoices.not_invoiced"))
	}
	stored, err := loadInvoice(ctx, s.db, p, engagementID, period.String())
	if err != nil && !errors.Is(err, tandem.ErrNotFound) {
		return nil, err
	}
	if afterEnd(e, period) && (stored == nil || stored.Status.Recomputable()) {
		return nil, tandem.Errorf(tandem.EConflict, i18n.K("invoices.after_end"))
	}
	var out *Invoice
	if stored != nil && !stored.Status.Recomputable() {
		out = stored
	} else if out, err = computeIn(ctx, s.db, p, engagementID, period, stored); err != nil {
		return nil, err
	}
	if err := workflowIn(ctx, s.db, p, out); err != nil {
		return nil, err
	}
	return out, nil
}

// computeIn computes the invoice of an engagement's period in memory
// through q, with the adjustments of its stored draft (nil: none stored);
// the result carries the stored draft's id and status.
func computeIn(ctx context.Context, q querier, p tandem.Principal, engagementID int64, period kpi.Period, stored *Invoice) (*Invoice, error) {
	in, rows, err := invoiceInput(ctx, q, p, engagementID, period)
	if err != nil {
		return nil, err
	}
	out := &Invoice{EngagementID: engagementID, PeriodKind: period.Kind, Label: period.String(), Status: invoice.StatusDraft}
	if stored != nil {
		out.ID, out.Status, out.ComputedAt = stored.ID, stored.Status, stored.ComputedAt
		adj, err := loadAdjustments(ctx, q, p, stored.ID)
		if err != nil {
			return nil, err
		}
		for _, a := range adj {
			in.Adjustments = append(in.Adjustments, a.Adjustment)
		}
	}
	inv, err := invoice.Compute(*in)
	switch {
	case errors.Is(err, invoice.ErrNoTerms), errors.Is(err, invoice.ErrPeriod):
		return nil, tandem.Errorf(tandem.EConflict, i18n.K("invoices.no_terms"))
	case errors.Is(err, invoice.ErrCurrencyMix):
		return nil, tandem.Errorf(tandem.EConflict, i18n.K("invoices.currency_mix"))
	case err != nil:
		return nil, err
	}
	out.Invoice, out.Facts = *inv, factRefs(rows)
	js, err := json.Marshal(inv)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(js)
	out.hash = hex.EncodeToString(sum[:])
	if stored != nil && stored.hash != out.hash {
		// Its lines moved since it was stored: an approval was of other
		// lines, so it reads as the draft it becomes when stored (draftIn).
		out.Status = invoice.StatusDraft
	}
	return out, nil
}

// draftIn brings the stored draft of an engagement's period up to date in
// tx, for an engagement the caller has loaded for p: it computes it
// (computeIn) and, only when its lines changed (or none is stored), replaces
// the stored lines and writes the audit entry. An approved invoice whose
// lines changed returns to draft (its approval was of other lines); an
// issued invoice is returned as stored, never recomputed.
func draftIn(ctx context.Context, tx *Tx, p tandem.Principal, engagementID int64, period kpi.Period) (*Invoice, error) {
	label := period.String()
	stored, err := loadInvoice(ctx, tx, p, engagementID, label)
	if err != nil && !errors.Is(err, tandem.ErrNotFound) {
		return nil, err
	}
	if stored != nil && !stored.Status.Recomputable() {
		return stored, nil
	}
	out, err := computeIn(ctx, tx, p, engagementID, period, stored)
	if err != nil {
		return nil, err
	}
	if stored != nil && stored.hash == out.hash {
		return out, nil
	}
	inv := &out.Invoice
	out.ComputedAt = tx.now
	unpriced, err := json.Marshal(nonNil(inv.Unpriced))
	if err != nil {
		return nil, err
	}
	// The period's row, created once: of two computing the same new draft at
	// once, the second's INSERT changes nothing (it waits for the first on
	// PostgreSQL) and both then update the one row.
	if stored == nil {
		if _, err := tx.exec(ctx, `INSERT INTO invoices (workspace_id, engagement_id, period_kind, period_label, period_start,
			period_end, status, currency, computed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (workspace_id, engagement_id, period_label) DO NOTHING`, p.WorkspaceID, engagementID, period.Kind, label,
			inv.From, inv.To, string(invoice.StatusDraft), inv.Currency, tx.now); err != nil {
			return nil, err
		}
	}
	if err := tx.queryRow(ctx, `SELECT id FROM invoices WHERE workspace_id = ? AND engagement_id = ? AND period_label = ?`,
		p.WorkspaceID, engagementID, label).Scan(&out.ID); err != nil {
		return nil, err
	}
	// Guarded: a draft or an approved invoice only (one issued meanwhile is
	// not touched); changed lines need a new approval.
	if err := changeOne(ctx, tx, i18n.K("invoices.not_draft"), `UPDATE invoices SET period_start = ?, period_end = ?,
		currency = ?, net_minor = ?, vat_minor = ?, total_minor = ?, unpriced = ?, computed_at = ?, lines_hash = ?, status = ?
		WHERE id = ? AND workspace_id = ? AND status IN (?, ?)`, inv.From, inv.To, inv.Currency, inv.NetMinor, inv.VATMinor,
		inv.TotalMinor, string(unpriced), tx.now, out.hash, string(invoice.StatusDraft), out.ID, p.WorkspaceID,
		string(invoice.StatusDraft), string(invoice.StatusApproved)); err != nil {
		return nil, err
	}
	out.Status = invoice.StatusDraft
	if _, err := tx.exec(ctx, `DELETE FROM invoice_lines WHERE invoice_id = ? AND workspace_id = ?`, out.ID, p.WorkspaceID); err != nil {
		return nil, err
	}
	for i, l := range inv.Lines {
		if err := insertInvoiceLine(ctx, tx, p.WorkspaceID, out.ID, i, l); err != nil {
			return nil, err
		}
	}
	return out, tx.record(ctx, p, "invoice.draft_computed", "invoice", out.ID, map[string]any{"engagement_id": engagementID,
		"period": label, "currency": inv.Currency, "total_minor": inv.TotalMinor, "lines": len(inv.Lines)})
}

// Summary lists every stored invoice of an engagement, the latest period
// first, without lines, with the current and previous invoicing periods
// (the period kind of the terms in force today, in the workspace's time
// zone; a period without terms in force, or begun after the engagement
// ended, is skipped) computed in memory
// while they are drafts, so that the list shows what they stand at; none
// for a draft engagement. It writes nothing. Access as Draft.
func (s *InvoiceStore) Summary(ctx context.Context, p tandem.Principal, engagementID int64) (_ []Invoice, err error) {
	defer wrap(&err, "InvoiceStore.Summary(%d)", engagementID)
	if err := access.Can(p, access.InvoicesRead); err != nil {
		return nil, err
	}
	q := s.db
	e, err := loadEngagement(ctx, q, p, engagementID)
	if err != nil {
		return nil, err
	}
	if !invoice.Invoiced(e.Status) {
		return []Invoice{}, nil
	}
	_, loc, err := workspaceZone(ctx, q, p.WorkspaceID)
	if err != nil {
		return nil, err
	}
	now := s.db.now()
	v, err := termsInForce(ctx, q, p, engagementID, tandem.DateOf(now.In(loc)))
	if err != nil {
		return nil, err
	}
	kind := v.Terms.Price.Period
	if kind != kpi.Quarter {
		kind = kpi.Month
	}
	out, err := scanAll(ctx, q, scanInvoice, `SELECT `+invoiceCols+` FROM invoices
		WHERE workspace_id = ? AND engagement_id = ? ORDER BY period_start DESC, id DESC`, p.WorkspaceID, engagementID)
	if err != nil {
		return nil, err
	}
	cur := kpi.PeriodOf(kind, now, loc)
	for _, period := range []kpi.Period{cur.Prev(), cur} {
		if afterEnd(e, period) {
			continue
		}
		i := slices.IndexFunc(out, func(x Invoice) bool { return x.Label == period.String() })
		var stored *Invoice
		if i >= 0 {
			if !out[i].Status.Recomputable() {
				continue
			}
			stored = &out[i]
		}
		x, err := computeIn(ctx, q, p, engagementID, period, stored)
		if tandem.ErrorCode(err) == tandem.EConflict {
			continue
		}
		if err != nil {
			return nil, err
		}
		x.Lines, x.Facts = nil, nil
		if i >= 0 {
			out[i] = *x
		} else {
			out = append(out, *x)
		}
	}
	slices.SortStableFunc(out, func(a, b Invoice) int { return strings.Compare(b.From, a.From) })
	return out, nil
}

// afterEnd reports whether period began after the last day of e (which
// has an end).
func afterEnd(e *engagement.Engagement, period kpi.Period) bool {
	return !e.EndsOn.IsZero() && period.Start.Format(time.DateOnly) > e.EndsOn.String()
}

// Get returns the stored invoice of an engagement for a period label
// ("2026-11"), with its lines; ENotFound when none is stored or p may not
// see the engagement.
func (s *InvoiceStore) Get(ctx context.Context, p tandem.Principal, engagementID int64, label string) (_ *Invoice, err error) {
	defer wrap(&err, "InvoiceStore.Get(%d, %s)", engagementID, label)
	if err := access.Can(p, access.InvoicesRead); err != nil {
		return nil, err
	}
	if _, err := loadEngagement(ctx, s.db, p, engagementID); err != nil {
		return nil, err
	}
	x, err := loadInvoice(ctx, s.db, p, engagementID, label)
	if err != nil {
		return nil, err
	}
	return x, workflowIn(ctx, s.db, p, x)
}

func nonNil[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}

// invoiceInput loads what the invoice of an engagement's period is
// computed from, through q (the caller has checked that p sees it).
func invoiceInput(ctx context.Context, q querier, p tandem.Principal, engagementID int64, period kpi.Period) (*invoice.Input, []invoice.FactRow, error) {
	return invoiceInputFrom(ctx, q, p, engagementID, period, fromAggregates)
}

// invoiceInputFrom is invoiceInput with the period's KPI score read from
// src: the aggregates, or the raw facts for the benchmark's baseline.
func invoiceInputFrom(ctx context.Context, q querier, p tandem.Principal, engagementID int64, period kpi.Period, src source) (*invoice.Input, []invoice.FactRow, error) {
	ins, rows, err := invoiceInputsFrom(ctx, q, p, engagementID, []kpi.Period{period}, src)
	if err != nil {
		return nil, nil, err
	}
	return ins[0], rows[0], nil
}

// invoiceInputsFrom is invoiceInputFrom for several periods of one
// engagement at once (in the same time zone): the terms, the VAT rate,
// the facts and the time entries of all of them are read once and shared
// out by day, and their scorecards are computed together.
func invoiceInputsFrom(ctx context.Context, q querier, p tandem.Principal, engagementID int64, periods []kpi.Period, src source) ([]*invoice.Input, [][]invoice.FactRow, error) {
	versions, err := loadVersions(ctx, q, p, engagementID)
	if err != nil {
		return nil, nil, err
	}
	vat, err := vatRates(ctx, q, p.WorkspaceID, []int64{engagementID})
	if err != nil {
		return nil, nil, err
	}
	vatBP := vat[engagementID]
	loc := periods[0].Start.Location()
	days := make([][2]string, len(periods)) // each period's first and last day
	from, to := "", ""
	for i, per := range periods {
		days[i] = [2]string{invoice.DayOf(per.Start, loc), invoice.DayOf(per.End.AddDate(0, 0, -1), loc)}
		if from == "" || days[i][0] < from {
			from = days[i][0]
		}
		if days[i][1] > to {
			to = days[i][1]
		}
	}
	byID, err := invoiceFactRows(ctx, q, p.WorkspaceID, []int64{engagementID}, invoice.FactKinds, from, to)
	if err != nil {
		return nil, nil, err
	}
	rows := byID[engagementID]
	entries, err := approvedTime(ctx, q, p, engagementID, from, to)
	if err != nil {
		return nil, nil, err
	}
	scs, _, err := scorecardsOf(ctx, q, p, engagementID, versions, periods, src, false)
	if err != nil {
		return nil, nil, err
	}
	ins, perRows := make([]*invoice.Input, len(periods)), make([][]invoice.FactRow, len(periods))
	for i, per := range periods {
		in := &invoice.Input{Period: per, Versions: versions, VATBP: vatBP, Time: []invoice.TimeEntry{}}
		perRows[i] = []invoice.FactRow{}
		first, last := days[i][0], days[i][1]
		for _, r := range rows {
			if r.Day >= first && r.Day <= last {
				in.AddFact(r)
				perRows[i] = append(perRows[i], r)
			}
		}
		for _, te := range entries {
			if te.Day >= first && te.Day <= last {
				in.Time = append(in.Time, te)
			}
		}
		if i < len(scs) && scs[i].HasTotal {
			in.Score = &invoice.Score{Ref: "scorecard:" + per.String(), Hundredths: scs[i].Total}
		}
		ins[i] = in
	}
	return ins, perRows, nil
}

// vatRates reads the VAT rate of the partner of each engagement of ids,
// in one statement (an engagement without a partner: none, 0).
func vatRates(ctx context.Context, q querier, workspaceID int64, ids []int64) (map[int64]int, error) {
	type rate struct {
		id int64
		bp int
	}
	rs, err := scanAll(ctx, q, func(r scanner, x *rate) error { return r.Scan(&x.id, &x.bp) },
		`SELECT e.id, pa.vat_bp FROM engagements e JOIN partners pa ON pa.id = e.partner_id AND pa.workspace_id = e.workspace_id
		WHERE e.workspace_id = ? AND e.id IN (`+placeholders(len(ids))+`)`, append([]any{workspaceID}, anyArgs(ids...)...)...)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]int, len(rs))
	for _, r := range rs {
		out[r.id] = r.bp
	}
	return out, nil
}

// invoiceFactRows reads the facts of kinds (of invoice.FactKinds) of the
// engagements of ids on the local days from..to (inclusive), in one
// statement, each engagement's by day and id. Only the kinds whose payload
// the invoice reads (invoice.DataKinds) bring it along: a month of
// thousands of accepted results is read without copying and decoding
// their JSON.
func invoiceFactRows(ctx context.Context, q querier, workspaceID int64, ids []int64, kinds []fact.Kind, from, to string) (map[int64][]invoice.FactRow, error) {
	args := make([]any, 0, len(invoice.DataKinds)+4+len(ids)+len(kinds))
	for _, k := range invoice.DataKinds {
		args = append(args, string(k))
	}
	args = append(append(append(args, string(fact.DeliverableAccepted), workspaceID), anyArgs(ids...)...), from, to)
	for _, k := range kinds {
		args = append(args, string(k))
	}
	out := map[int64][]invoice.FactRow{}
	rows, err := q.query(ctx, `SELECT f.engagement_id, f.id, f.kind, f.day, f.subject_id, f.amount_minor,
		CASE WHEN f.kind IN (`+placeholders(len(invoice.DataKinds))+`) THEN f.data END, COALESCE(d.service_key, '') FROM facts f
		LEFT JOIN deliverables d ON f.kind = ? AND d.id = f.subject_id AND d.workspace_id = f.workspace_id
		WHERE f.workspace_id = ? AND f.engagement_id IN (`+placeholders(len(ids))+`) AND f.day >= ? AND f.day <= ?
		AND f.kind IN (`+placeholders(len(kinds))+`) ORDER BY f.day, f.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var x invoice.FactRow
		var id int64
		var kind string
		var js sql.NullString
		var day tandem.Date
		if err := rows.Scan(&id, &x.ID, &kind, dateScan{&day}, &x.SubjectID, &x.AmountMinor, &js, &x.Service); err != nil {
			return nil, err
		}
		x.Kind, x.Day = fact.Kind(kind), day.String()
		if js.Valid {
			if x.Data, err = fact.Decode(x.Kind, []byte(js.String)); err != nil {
				return nil, err
			}
		}
		out[id] = append(out[id], x)
	}
	return out, rows.Err()
}

// storedStep is a kpi.Step as stored in invoice_lines.steps.
type storedStep struct {
	Label  string      `json:"label"`
	Args   []storedArg `json:"args,omitempty"`
	Expr   string      `json:"expr"`
	Result string      `json:"result"`
}

// storedArg is one value of a message's name/value arguments as stored, its
// type kept so that it reads back as it was given: a message key (i18n.Key,
// translated when shown), an integer (formatted in the reader's locale) or
// a string.
type storedArg struct {
	Key *string `json:"key,omitempty"`
	Int *int64  `json:"int,omitempty"`
	Str *string `json:"str,omitempty"`
}

func storeArgs(args []any) []storedArg {
	out := make([]storedArg, len(args))
	for i, a := range args {
		switch v := a.(type) {
		case i18n.Key:
			s := string(v)
			out[i].Key = &s
		case int:
			n := int64(v)
			out[i].Int = &n
		case int64:
			out[i].Int = &v
		default:
			s := fmt.Sprint(v)
			out[i].Str = &s
		}
	}
	return out
}

func loadArgs(args []storedArg) []any {
	if len(args) == 0 {
		return nil
	}
	out := make([]any, len(args))
	for i, a := range args {
		switch {
		case a.Key != nil:
			out[i] = i18n.Key(*a.Key)
		case a.Int != nil:
			out[i] = *a.Int
		case a.Str != nil:
			out[i] = *a.Str
		}
	}
	return out
}

func insertInvoiceLine(ctx context.Context, tx *Tx, workspaceID, invoiceID int64, pos int, l invoice.Line) error {
	steps := make([]storedStep, len(l.Steps))
	for i, s := range l.Steps {
		steps[i] = storedStep{Label: string(s.Label), Args: storeArgs(s.Args), Expr: s.Expr, Result: s.Result}
	}
	var js [4][]byte
	for i, v := range []any{storeArgs(l.Args), nonNil(l.Refs), nonNil(l.Basis), steps} {
		var err error
		if js[i], err = json.Marshal(v); err != nil {
			return err
		}
	}
	taxable := 0
	if l.Taxable {
		taxable = 1
	}
	_, err := tx.exec(ctx, `INSERT INTO invoice_lines (workspace_id, invoice_id, position, kind, description_key, args, qty_num,
		qty_den, qty_unit, unit_minor, rate_bp, base_minor, amount_minor, taxable, terms_version, clause, refs, basis, steps)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, workspaceID, invoiceID, pos, l.Kind, string(l.Description),
		string(js[0]), l.Quantity.Num, l.Quantity.Den, l.Quantity.Unit, l.UnitMinor, l.RateBP, l.BaseMinor, l.AmountMinor, taxable,
		l.Version, l.Clause, string(js[1]), string(js[2]), string(js[3]))
	return err
}

const invoiceCols = `id, engagement_id, period_kind, period_label, period_start, period_end, status, currency, net_minor,
	vat_minor, total_minor, unpriced, computed_at, lines_hash, COALESCE(number, ''), COALESCE(issued_on, ''), COALESCE(due_on, ''),
	COALESCE(paid_on, ''), series`

func scanInvoice(r scanner, x *Invoice) error {
	var status, unpriced string
	if err := r.Scan(&x.ID, &x.EngagementID, &x.PeriodKind, &x.Label, &x.From, &x.To, &status, &x.Currency, &x.NetMinor,
		&x.VATMinor, &x.TotalMinor, &unpriced, &x.ComputedAt, &x.hash, &x.Number, &x.IssuedOn, &x.DueOn, &x.PaidOn, &x.Series); err != nil {
		return err
	}
	x.Status, x.ComputedAt = invoice.Status(status), x.ComputedAt.UTC()
	return json.Unmarshal([]byte(unpriced), &x.Unpriced)
}

// loadInvoice reads a stored invoice with its lines through q, for an
// engagement the caller has loaded for p; ENotFound when there is none.
func loadInvoice(ctx context.Context, q querier, p tandem.Principal, engagementID int64, label string) (*Invoice, error) {
	x, err := scanOne(ctx, q, scanInvoice, `SELECT `+invoiceCols+` FROM invoices
		WHERE workspace_id = ? AND engagement_id = ? AND period_label = ?`, p.WorkspaceID, engagementID, label)
	if err != nil {
		return nil, err
	}
	x.Lines, err = scanAll(ctx, q, func(r scanner, l *invoice.Line) error {
		var desc, args, refs, basis, steps string
		var taxable int64
		if err := r.Scan(&l.Kind, &desc, &args, &l.Quantity.Num, &l.Quantity.Den, &l.Quantity.Unit, &l.UnitMinor, &l.RateBP,
			&l.BaseMinor, &l.AmountMinor, &taxable, &l.Version, &l.Clause, &refs, &basis, &steps); err != nil {
			return err
		}
		l.Description, l.Taxable = i18n.Key(desc), taxable != 0
		var ss []storedStep
		var as []storedArg
		for _, e := range []error{json.Unmarshal([]byte(args), &as), json.Unmarshal([]byte(refs), &l.Refs),
			json.Unmarshal([]byte(basis), &l.Basis), json.Unmarshal([]byte(steps), &ss)} {
			if e != nil {
				return e
			}
		}
		l.Args = loadArgs(as)
		for _, s := range ss {
			l.Steps = append(l.Steps, kpi.Step{Label: i18n.Key(s.Label), Args: loadArgs(s.Args), Expr: s.Expr, Result: s.Result})
		}
		return nil
	}, `SELECT kind, description_key, args, qty_num, qty_den, qty_unit, unit_minor, rate_bp, base_minor, amount_minor, taxable,
		terms_version, clause, refs, basis, steps FROM invoice_lines WHERE workspace_id = ? AND invoice_id = ? ORDER BY position`,
		p.WorkspaceID, x.ID)
	if err != nil {
		return nil, err
	}
	var ids []any
	for _, l := range x.Lines {
		for _, ref := range l.Refs {
			if id, ok := strings.CutPrefix(ref, "fact:"); ok {
				ids = append(ids, id)
			}
		}
	}
	x.Facts = map[string]FactRef{}
	if len(ids) == 0 {
		return x, nil
	}
	// The facts are read by id (no more than an invoice's lines refer to),
	// still scoped to the workspace and engagement.
	rows, err := scanAll(ctx, q, func(r scanner, x *invoice.FactRow) error {
		var kind, js string
		var day tandem.Date
		if err := r.Scan(&x.ID, &kind, dateScan{&day}, &x.SubjectID, &js); err != nil {
			return err
		}
		x.Kind, x.Day = fact.Kind(kind), day.String()
		x.Data, err = fact.Decode(x.Kind, []byte(js))
		return err
	}, `SELECT id, kind, day, subject_id, data FROM facts WHERE workspace_id = ? AND engagement_id = ? AND id IN (`+
		placeholders(len(ids))+`)`, append([]any{p.WorkspaceID, engagementID}, ids...)...)
	if err != nil {
		return nil, err
	}
	x.Facts = factRefs(rows)
	return x, nil
}

// DraftEnded is the scheduled work of the drafts: for every workspace in
// which an invoicing period (a month or a quarter, in its time zone) ended
// in [from, to), it computes the draft of that period for every live
// engagement whose terms in force on the period's last day invoice by that
// kind of period (price.period; month when unset) — each engagement in its
// own transaction, acting as System(workspace, "scheduler"). A period
// without terms in force is skipped; an engagement that fails does not stop
// the others. It is idempotent (a draft is recomputed, an issued invoice
// left alone) and returns how many drafts it computed.
func (s *InvoiceStore) DraftEnded(ctx context.Context, from, to time.Time) (_ int, err error) {
	defer wrap(&err, "InvoiceStore.DraftEnded")
	type ws struct {
		id int64
		tz string
	}
	wss, err := scanAll(ctx, s.db, func(r scanner, w *ws) error { return r.Scan(&w.id, &w.tz) }, `SELECT id, time_zone FROM workspaces ORDER BY id`)
	if err != nil {
		return 0, err
	}
	in, live := liveStatuses()
	total := 0
	var errs []error
	for _, w := range wss {
		loc := kpi.Zone(w.tz)
		ended := map[string]kpi.Period{}
		for _, kind := range []string{kpi.Month, kpi.Quarter} {
			if p, ok := invoice.EndedIn(kind, loc, from, to); ok {
				ended[kind] = p
			}
		}
		if len(ended) == 0 {
			continue
		}
		ids, err := scanAll(ctx, s.db, scanInt64, `SELECT id FROM engagements WHERE workspace_id = ? AND status IN (`+in+`) ORDER BY id`,
			append([]any{w.id}, live...)...)
		if err != nil {
			return total, err
		}
		p := System(w.id, "scheduler")
		for _, id := range ids {
			done := false
			err := s.db.transact(ctx, func(tx *Tx) error {
				done = false
				e, err := loadEngagement(ctx, tx, p, id)
				if err != nil || !invoice.Invoiced(e.Status) {
					return err
				}
				for kind, period := range ended {
					v, err := termsInForce(ctx, tx, p, id, tandem.DateOf(period.End.AddDate(0, 0, -1)))
					if err != nil {
						return err
					}
					if k := v.Terms.Price.Period; k != kind && (k != "" || kind != kpi.Month) {
						continue
					}
					if _, err := draftIn(ctx, tx, p, id, period); err != nil {
						if tandem.ErrorCode(err) == tandem.EConflict {
							continue // no terms in force during the period
						}
						return err
					}
					done = true
				}
				return nil
			})
			if done && err == nil {
				total++
			}
			if err != nil {
				if ctx.Err() != nil {
					return total, err
				}
				errs = append(errs, fmt.Errorf("engagement %d: %w", id, err))
			}
		}
	}
	return total, errors.Join(errs...)
}
