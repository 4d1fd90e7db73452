package invoice

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/notification"
	"github.com/tandemhq/tandem/internal/tandem"
)

// The workflow of an invoice (issue 12):
//
//	draft ──approve──► approved ──issue──► issued ──mark paid──► paid
//	  ▲                   │
//	  └──lines changed────┘ (a late-accepted result withdraws the approval)
//
// A draft (and an approved invoice) is kept current: the scheduled job and
// every action recompute it and store it only when its lines change;
// reading it recomputes in memory and writes nothing. An issued invoice is
// never recomputed and never changed: any write is ErrIssued; a correction
// is a credit note (CreditNote of an amount, CreditLines of chosen lines)
// or a supplementary invoice (Supplement) referring to it, numbered from
// the same sequence (corrections.go).
//
// On a draft the partner's manager disputes a line with a reason
// (OpenDispute); the client's manager or owner decides (DecideDispute):
// upheld, the line's amount becomes the agreed amount through a separate
// adjustment line (agreed − the line's amount when decided) carrying the
// reason, never an edit; rejected, nothing changes. The client may
// withhold part of a line's amount with a reason where the terms in force
// on the period's last day allow it (Withhold): a negative "withheld" line
// that both sides see. A withholding is released (Release) onto the
// engagement's next invoice that is still a draft — the same invoice when
// it is not yet issued, otherwise the following period's — as a positive
// "released" line referring to it; an issued invoice is never reopened.
// Approval needs no open dispute.
//
// Adjustment lines come after the bonus or malus and before VAT. An
// agreed amount changes the price, so it is taxable; a withholding and its
// release only move when an amount is paid, so they are not: VAT is due on
// the whole supply. The total is still the sum of the lines.

// Workflow statuses (StatusDraft is in facts.go).
const (
	StatusApproved Status = "approved"
	StatusIssued   Status = "issued"
	StatusPaid     Status = "paid"
)

// Statuses are every status of an invoice, in workflow order.
var Statuses = []Status{StatusDraft, StatusApproved, StatusIssued, StatusPaid}

// Issued reports whether an invoice in status s has been issued: it is
// immutable.
func (s Status) Issued() bool { return s == StatusIssued || s == StatusPaid }

// Adjustment kinds and their line kinds.
const (
	AdjustAgreed   = "agreed"   // a dispute upheld
	AdjustWithheld = "withheld" // part of a line withheld
	AdjustReleased = "released" // a withholding released

	KindAgreed   = "agreed"
	KindWithheld = "withheld"
	KindReleased = "released"
	KindCredit   = "credit"
)

// Dispute statuses.
const (
	DisputeOpen     = "open"
	DisputeUpheld   = "upheld"
	DisputeRejected = "rejected"
)

// Errors of the workflow.
var (
	ErrIssued          = tandem.Errorf(tandem.EConflict, i18n.K("invoices.error.issued"))
	ErrNotDraft        = tandem.Errorf(tandem.EConflict, i18n.K("invoices.error.not_draft"))
	ErrDisputeOpen     = tandem.Errorf(tandem.EConflict, i18n.K("invoices.error.dispute_open"))
	ErrNotApproved     = tandem.Errorf(tandem.EConflict, i18n.K("invoices.error.not_approved"))
	ErrNotIssued       = tandem.Errorf(tandem.EConflict, i18n.K("invoices.error.not_issued"))
	ErrWithholdRefused = tandem.Errorf(tandem.EConflict, i18n.K("invoices.error.withhold_not_allowed"))
	ErrDecided         = tandem.Errorf(tandem.EConflict, i18n.K("invoices.error.decided"))
	ErrReleased        = tandem.Errorf(tandem.EConflict, i18n.K("invoices.error.released"))
)

// MaxReason is the longest reason, in characters.
const MaxReason = 2000

// Adjustment is a decision on a draft that becomes a line of its own: an
// agreed amount, a withholding or a release. LineKey is the line it
// adjusts (LineKey), Ref what it comes from ("dispute:3",
// "withholding:5"), shown with the line.
type Adjustment struct {
	ID          int64
	Kind        string
	LineKey     string
	AmountMinor int64
	Reason      string
	Ref         string
}

// Dispute is a line disputed by the partner.
type Dispute struct {
	ID          int64
	LineKey     string
	Reason      string
	Status      string
	AgreedMinor int64
	Decision    string
}

// LineKey identifies a computed line across recomputations (positions move
// when a late result adds a line): a short digest of its kind, terms
// version and clause, and for a late-notice penalty (one line each) its
// fact — opaque, so that a form carries no clause path or fact reference.
func LineKey(l Line) string {
	k := l.Kind + "/" + strconv.Itoa(l.Version) + "/" + l.Clause
	if l.Kind == KindLateNotice && len(l.Refs) > 0 {
		k += "/" + l.Refs[0]
	}
	sum := sha256.Sum256([]byte(k))
	return "l" + hex.EncodeToString(sum[:6])
}

// Disputable reports whether a line may be disputed, withheld from or
// adjusted: a computed line other than VAT.
func Disputable(l Line) bool {
	switch l.Kind {
	case KindVAT, KindAgreed, KindWithheld, KindReleased, KindCredit:
		return false
	}
	return true
}

func findLine(lines []Line, key string) (Line, bool) {
	for _, l := range lines {
		if Disputable(l) && LineKey(l) == key {
			return l, true
		}
	}
	return Line{}, false
}

func reason(v *tandem.Validator, s string) string {
	s = strings.TrimSpace(s)
	if v.Required("reason", s) {
		v.MaxLen("reason", s, MaxReason)
	}
	return s
}

// OpenDispute checks a dispute of the line key of an invoice in status
// with lines: only a draft, a disputable line, a reason, and no open
// dispute of the same line (open lists the keys of the open disputes).
func OpenDispute(status Status, lines []Line, open []string, key, why string) (Dispute, error) {
	if err := writable(status, StatusDraft); err != nil {
		return Dispute{}, err
	}
	var v tandem.Validator
	d := Dispute{LineKey: key, Reason: reason(&v, why), Status: DisputeOpen}
	if _, ok := findLine(lines, key); !ok {
		v.Add("line", i18n.K("validation.one_of"))
	}
	for _, k := range open {
		if k == key {
			v.Add("line", i18n.K("invoices.error.disputed"))
		}
	}
	return d, v.Err()
}

// DecideDispute decides an open dispute of a draft: upheld, it returns the
// adjustment that makes the line's amount agreed (agreed − the line's
// amount now; none when they are equal); rejected, none.
func DecideDispute(status Status, lines []Line, d *Dispute, upheld bool, agreed int64, why string) (*Adjustment, error) {
	if err := writable(status, StatusDraft); err != nil {
		return nil, err
	}
	if d.Status != DisputeOpen {
		return nil, ErrDecided
	}
	var v tandem.Validator
	d.Decision = reason(&v, why)
	if err := v.Err(); err != nil {
		return nil, err
	}
	if !upheld {
		d.Status = DisputeRejected
		return nil, nil
	}
	d.Status, d.AgreedMinor = DisputeUpheld, agreed
	l, _ := findLine(lines, d.LineKey) // a line recomputed away counts 0
	if agreed == l.AmountMinor {
		return nil, nil
	}
	return &Adjustment{Kind: AdjustAgreed, LineKey: d.LineKey, AmountMinor: agreed - l.AmountMinor, Reason: d.Decision,
		Ref: "dispute:" + strconv.FormatInt(d.ID, 10)}, nil
}

// Withhold checks withholding amount of the line key of a draft: the terms
// in force must allow it (allowed), the amount must be positive and at
// most what the line still carries (its amount less what is already
// withheld from it, withheld); it returns the negative adjustment.
func Withhold(status Status, allowed bool, lines []Line, withheld []Adjustment, key string, amount int64, why string) (*Adjustment, error) {
	if err := writable(status, StatusDraft); err != nil {
		return nil, err
	}
	if !allowed {
		return nil, ErrWithholdRefused
	}
	var v tandem.Validator
	a := &Adjustment{Kind: AdjustWithheld, LineKey: key, AmountMinor: -amount, Reason: reason(&v, why)}
	l, ok := findLine(lines, key)
	if !ok {
		v.Add("line", i18n.K("validation.one_of"))
	}
	left := l.AmountMinor
	for _, w := range withheld {
		if w.LineKey == key && w.Kind == AdjustWithheld {
			left += w.AmountMinor
		}
	}
	if ok && (amount <= 0 || amount > left) {
		v.Add("amount", i18n.K("invoices.error.withhold_amount"), "max", left)
	}
	return a, v.Err()
}

// Release returns the line that pays a withholding back, for the
// engagement's next invoice still a draft (the same when not issued).
// released tells whether it was released already.
func Release(w Adjustment, released bool) (*Adjustment, error) {
	if w.Kind != AdjustWithheld {
		return nil, tandem.ErrNotFound
	}
	if released {
		return nil, ErrReleased
	}
	return &Adjustment{Kind: AdjustReleased, LineKey: w.LineKey, AmountMinor: -w.AmountMinor, Reason: w.Reason,
		Ref: "withholding:" + strconv.FormatInt(w.ID, 10)}, nil
}

// Approve checks the approval of a draft: no dispute may be open.
func Approve(status Status, openDisputes int) error {
	if err := writable(status, StatusDraft); err != nil {
		return err
	}
	if openDisputes > 0 {
		return ErrDisputeOpen
	}
	return nil
}

// Issue checks the issue of an invoice: it must be approved.
func Issue(status Status) error { return writable(status, StatusApproved) }

// MarkPaid checks marking an issued invoice paid on a day (YYYY-MM-DD),
// not before it was issued.
func MarkPaid(status Status, issuedOn, paidOn string) error {
	if status != StatusIssued {
		if status.Issued() {
			return ErrIssued
		}
		return ErrNotIssued
	}
	var v tandem.Validator
	if _, err := time.Parse(time.DateOnly, paidOn); err != nil || paidOn < issuedOn {
		v.Add("paid_on", i18n.K("invoices.error.paid_on"))
	}
	return v.Err()
}

// writable checks that an invoice in status may be changed by an action
// that needs want: an issued one never.
func writable(status, want Status) error {
	switch {
	case status.Issued():
		return ErrIssued
	case status != want && want == StatusApproved:
		return ErrNotApproved
	case status != want:
		return ErrNotDraft
	}
	return nil
}

// Number is an invoice's or credit note's number: the year it was issued
// and its place in the workspace's sequence of that year, "2026-0001".
func Number(year int, n int64) string { return fmt.Sprintf("%d-%04d", year, n) }

// DueOn is the day an invoice issued on issued (YYYY-MM-DD) is due: days
// to pay later.
func DueOn(issued string, daysToPay int) string {
	t, err := time.Parse(time.DateOnly, issued)
	if err != nil {
		return ""
	}
	return t.AddDate(0, 0, daysToPay).Format(time.DateOnly)
}

// CreditNote computes a credit note against an issued invoice: net
// (positive, at most the original's net less what earlier credit notes
// credited, credited) taken off with VAT at the original's rate, as two
// negative lines: the credit and its VAT (rounded once, half up).
func CreditNote(status Status, orig *Invoice, credited int64, net int64, why string) (*Invoice, string, error) {
	if !status.Issued() {
		return nil, "", ErrNotIssued
	}
	var v tandem.Validator
	r := reason(&v, why)
	if left := orig.NetMinor - credited; net <= 0 || net > left {
		v.Add("amount", i18n.K("invoices.error.credit_amount"), "max", max(left, 0))
	}
	if err := v.Err(); err != nil {
		return nil, "", err
	}
	rate := 0
	for _, l := range orig.Lines {
		if l.Kind == KindVAT {
			rate = l.RateBP
		}
	}
	b := &builder{cur: orig.Currency}
	cl := Line{Kind: KindCredit, Description: i18n.K("invoice.line.credit"), AmountMinor: -net, Taxable: true}
	step(&cl, "invoice.explain.credit", "0 − "+b.amount(net), b.amount(-net))
	b.add(cl)
	b.vat(rate)
	out := &Invoice{Currency: orig.Currency, From: orig.From, To: orig.To, Days: orig.Days, Lines: b.lines,
		NetMinor: -net, VATMinor: b.lines[1].AmountMinor}
	out.TotalMinor = b.sum(out.NetMinor, out.VATMinor)
	return out, r, b.err
}

// adjust adds the adjustment lines, in the order given.
func (b *builder) adjust(as []Adjustment) {
	for _, a := range as {
		l := Line{AmountMinor: a.AmountMinor, Refs: []string{a.Ref}, Args: []any{"reason", a.Reason}, Clause: a.LineKey}
		switch a.Kind {
		case AdjustAgreed:
			l.Kind, l.Description, l.Taxable = KindAgreed, i18n.K("invoice.line.agreed"), true
		case AdjustWithheld:
			l.Kind, l.Description = KindWithheld, i18n.K("invoice.line.withheld")
		case AdjustReleased:
			l.Kind, l.Description = KindReleased, i18n.K("invoice.line.released")
		default:
			if b.err == nil {
				b.err = fmt.Errorf("%w: adjustment %q", ErrInput, a.Kind)
			}
			continue
		}
		for i, x := range b.lines {
			if Disputable(x) && LineKey(x) == a.LineKey {
				l.Basis = []int{i}
			}
		}
		step(&l, "invoice.explain."+l.Kind, b.amount(a.AmountMinor), b.amount(a.AmountMinor))
		b.add(l)
	}
}

// UnpricedGroup is the inputs no clause priced for one reason.
type UnpricedGroup struct {
	Reason i18n.Key
	Refs   []string
}

// GroupUnpriced groups the unpriced inputs by reason, in the order the
// reasons first appear.
func GroupUnpriced(us []Unpriced) []UnpricedGroup {
	var out []UnpricedGroup
	idx := map[i18n.Key]int{}
	for _, u := range us {
		i, ok := idx[u.Reason]
		if !ok {
			i = len(out)
			idx[u.Reason] = i
			out = append(out, UnpricedGroup{Reason: u.Reason})
		}
		out[i].Refs = append(out[i].Refs, u.Ref)
	}
	return out
}

// Told is who hears of a workflow step: the side that did not act. The
// partner's steps (a dispute) tell the client's deciders; the client's
// steps tell the partner's people (the store leaves out the one acting).
func Told(kind string, byPartner bool, args map[string]any) notification.Message {
	to := notification.PartnerManagers // agents see no invoices
	if byPartner {
		to = notification.Client
	}
	return notification.Message{Kind: "invoice." + kind, To: to, Args: args}
}
