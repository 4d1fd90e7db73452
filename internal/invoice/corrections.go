package invoice

import (
	"slices"

	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/tandem"
)

// Corrections of an issued invoice (issue 12): never an edit, always a
// document of its own referring to the original, numbered from the same
// gap-free sequence.
//
//   - A credit note takes an amount off: the whole invoice (CreditNote, a
//     net amount with VAT at the original's rate) or chosen lines
//     (CreditLines): for each chosen line of the original, all of it or a
//     part, at most what earlier credit notes left of it. Each credited
//     line is a negative line carrying the original's description, clause
//     and terms version, taxable when the original line was; the VAT line
//     is the original's rate × the credited taxable net, rounded once,
//     half up (ties away from zero: −83.3325 → −83.33, −0.125 → −0.13).
//     Together, credit notes never take off more than the original's net.
//   - A supplementary invoice adds what the period's invoice gained after
//     it was issued (Supplement): the period is computed afresh from the
//     facts as they stand (a result accepted late, for a day of the closed
//     period, is priced by the terms in force on its day); each line of the
//     fresh computation that carries more than the issued invoice and the
//     earlier supplementary invoices billed under the same line (LineKey)
//     becomes a positive line of the difference, referring to the facts
//     not yet billed; VAT at the original's rate, as for a credit note. A
//     line that now carries less is not corrected by a supplement: that is
//     a credit note.

// KindSupplement is the line kind of a supplementary invoice's lines.
const KindSupplement = "supplement"

// Correction kinds.
const (
	CorrectionCredit     = "credit"
	CorrectionSupplement = "supplement"
)

// Errors of corrections.
var (
	ErrNothingToSupplement = tandem.Errorf(tandem.EConflict, i18n.K("invoices.error.nothing_to_supplement"))
)

// CreditLine is a chosen line of an issued invoice (its LineKey) and the
// net amount to credit from it (positive).
type CreditLine struct {
	LineKey     string
	AmountMinor int64
}

// Corrected is what earlier corrections did to the lines of an invoice:
// the net credited (positive) and supplemented by line key, and the net
// credited in all (whole-invoice credit notes included).
type Corrected struct {
	Credited     map[string]int64
	Supplemented map[string]int64
	Billed       map[string][]string // the references supplements billed, by line key
	CreditedNet  int64
}

// Add counts a correction's lines (credit lines are negative).
func (c *Corrected) Add(lines []Line) {
	if c.Credited == nil {
		c.Credited, c.Supplemented, c.Billed = map[string]int64{}, map[string]int64{}, map[string][]string{}
	}
	for _, l := range lines {
		switch l.Kind {
		case KindCredit:
			if l.Clause != "" {
				c.Credited[l.Clause] -= l.AmountMinor
			}
		case KindSupplement:
			c.Supplemented[l.Clause] += l.AmountMinor
			c.Billed[l.Clause] = append(c.Billed[l.Clause], l.Refs...)
		}
	}
}

// vatRate is the VAT rate of an invoice's VAT line.
func vatRate(x *Invoice) int {
	for _, l := range x.Lines {
		if l.Kind == KindVAT {
			return l.RateBP
		}
	}
	return 0
}

// correction builds a correction's invoice from its lines (before VAT).
func correction(orig *Invoice, lines []Line) (*Invoice, error) {
	b := &builder{cur: orig.Currency}
	var net []int64
	for _, l := range lines {
		b.add(l)
		net = append(net, l.AmountMinor)
	}
	out := &Invoice{Currency: orig.Currency, From: orig.From, To: orig.To, Days: orig.Days}
	out.NetMinor = b.sum(net...)
	b.vat(vatRate(orig))
	out.Lines = b.lines
	out.VATMinor = b.lines[len(b.lines)-1].AmountMinor
	out.TotalMinor = b.sum(out.NetMinor, out.VATMinor)
	return out, b.err
}

// CreditLines computes a credit note of chosen lines of an issued invoice
// orig (status), after the corrections done: each chosen line at most once,
// a positive amount at most what is left of it (its amount less what was
// credited from it, plus what supplements added under it), and in all at
// most what is left of the original's net. The credited lines come in
// the order of the invoice's. It returns the credit note and the reason.
func CreditLines(status Status, orig *Invoice, done Corrected, chosen []CreditLine, why string) (*Invoice, string, error) {
	if !status.Issued() {
		return nil, "", ErrNotIssued
	}
	var v tandem.Validator
	r := reason(&v, why)
	if len(chosen) == 0 {
		v.Add("lines", i18n.K("invoices.error.credit_lines"))
	}
	// In the order of the invoice's lines, whatever the order chosen.
	pos := map[string]int{}
	for i, l := range orig.Lines {
		if Disputable(l) {
			pos[LineKey(l)] = i + 1
		}
	}
	chosen = slices.Clone(chosen)
	slices.SortStableFunc(chosen, func(a, b CreditLine) int {
		pa, pb := pos[a.LineKey], pos[b.LineKey]
		if pa == 0 {
			pa = len(orig.Lines) + 1
		}
		if pb == 0 {
			pb = len(orig.Lines) + 1
		}
		return pa - pb
	})
	var lines []Line
	var seen []string
	var total int64
	for _, c := range chosen {
		l, ok := findLine(orig.Lines, c.LineKey)
		if !ok || slices.Contains(seen, c.LineKey) {
			v.Add("lines", i18n.K("validation.one_of"))
			continue
		}
		seen = append(seen, c.LineKey)
		left := l.AmountMinor - done.Credited[c.LineKey] + done.Supplemented[c.LineKey]
		if c.AmountMinor <= 0 || c.AmountMinor > left {
			v.Add("lines."+c.LineKey, i18n.K("invoices.error.credit_amount"), "max", max(left, 0))
			continue
		}
		total += c.AmountMinor
		cl := Line{Kind: KindCredit, Description: l.Description, Args: l.Args, AmountMinor: -c.AmountMinor, Taxable: l.Taxable,
			Version: l.Version, Clause: c.LineKey, Refs: l.Refs}
		b := &builder{cur: orig.Currency}
		step(&cl, "invoice.explain.credit_line", b.amount(l.AmountMinor), b.amount(-c.AmountMinor))
		lines = append(lines, cl)
	}
	if left := orig.NetMinor - done.CreditedNet; v.Err() == nil && total > left {
		v.Add("lines", i18n.K("invoices.error.credit_amount"), "max", max(left, 0))
	}
	if err := v.Err(); err != nil {
		return nil, "", err
	}
	out, err := correction(orig, lines)
	return out, r, err
}

// Supplement computes the supplementary invoice of an issued invoice orig
// (status) from now, the period computed afresh, after the corrections
// done: a line for each line key whose amount now exceeds what orig and
// earlier supplements billed, referring to the facts orig did not.
func Supplement(status Status, orig, now *Invoice, done Corrected, why string) (*Invoice, string, error) {
	if !status.Issued() {
		return nil, "", ErrNotIssued
	}
	var v tandem.Validator
	r := reason(&v, why)
	if err := v.Err(); err != nil {
		return nil, "", err
	}
	if now.Currency != orig.Currency {
		return nil, "", tandem.Errorf(tandem.EConflict, i18n.K("invoices.currency_mix"))
	}
	var lines []Line
	for _, l := range now.Lines {
		if !Disputable(l) {
			continue
		}
		key := LineKey(l)
		billed := done.Supplemented[key]
		billedRefs := done.Billed[key]
		if o, ok := findLine(orig.Lines, key); ok {
			billed += o.AmountMinor
			billedRefs = append(slices.Clone(billedRefs), o.Refs...)
		}
		diff := l.AmountMinor - billed
		if diff <= 0 {
			continue
		}
		sl := Line{Kind: KindSupplement, Description: l.Description, Args: l.Args, AmountMinor: diff, Taxable: l.Taxable,
			Version: l.Version, Clause: key}
		if l.UnitMinor > 0 && diff%l.UnitMinor == 0 && l.Quantity.Den == 1 {
			// whole units more at the unit price: 1 lead × 1 500.00
			sl.Quantity, sl.UnitMinor = Quantity{Num: diff / l.UnitMinor, Den: 1, Unit: l.Quantity.Unit}, l.UnitMinor
		}
		for _, ref := range l.Refs {
			if !slices.Contains(billedRefs, ref) {
				sl.Refs = append(sl.Refs, ref)
			}
		}
		b := &builder{cur: orig.Currency}
		step(&sl, "invoice.explain.supplement", b.amount(l.AmountMinor)+" − "+b.amount(billed), b.amount(diff))
		lines = append(lines, sl)
	}
	if len(lines) == 0 {
		return nil, "", ErrNothingToSupplement
	}
	out, err := correction(orig, lines)
	return out, r, err
}
