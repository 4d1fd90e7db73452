// Package invoicedoc writes an engagement's invoice as a document a person
// downloads: a PDF (package pdfdoc) and an XLSX workbook, in the language
// of the localizer it is given (the workspace's or a chosen one).
//
// Both are built from one localized model (Build): the parties, the
// period, the number and status (a draft is watermarked), the lines with
// their quantities, unit prices and amounts, the net, VAT and total, the
// payment schedule, and the explanation annex — for every line the terms
// version and clause it comes from, its arithmetic step by step in the
// reader's words and number format (i18n.Localizer.Expr), and the facts
// behind it (how many, and each with its day). The workbook has the lines
// on its first sheet (amounts as numbers, so that a spreadsheet sums
// them) and the explanation on the second.
//
// The package decides nothing: the invoice is computed by package invoice
// and loaded by the store; here it is only laid out.
package invoicedoc

import (
	"strconv"
	"strings"
	"time"

	"github.com/tandemhq/tandem/internal/fact"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/invoice"
	"github.com/tandemhq/tandem/internal/kpi"
	"github.com/tandemhq/tandem/internal/money"
)

// Fact is a fact behind a line: its kind and local day ("YYYY-MM-DD").
type Fact struct {
	Kind fact.Kind
	Day  string
}

// Input is what a document shows.
type Input struct {
	Localizer       *i18n.Localizer
	ClientName      string // the workspace: the client company
	PartnerName     string
	EngagementTitle string
	PeriodName      string // "November 2026", "Q4 2026" in the reader's language
	Number          string // the invoice's number once issued; empty for a draft
	Status          invoice.Status
	ComputedAt      time.Time
	GeneratedAt     time.Time
	Invoice         invoice.Invoice
	// Facts are the facts the lines refer to, by reference ("fact:12").
	Facts map[string]Fact
	// Schedule is the payment schedule; for a draft it assumes the invoice
	// is issued on ScheduleIssued ("YYYY-MM-DD").
	Schedule       []invoice.Payment
	ScheduleIssued string
	// Corrections are the credit notes and supplementary invoices issued
	// against the invoice, each referring to it.
	Corrections []Correction
}

// Correction is a credit note or a supplementary invoice referring to the
// invoice (invoice/corrections.go): its kind (invoice.CorrectionCredit or
// CorrectionSupplement), number, local issue day, reason and lines (none
// for a credit note of an amount).
type Correction struct {
	Kind, Number, IssuedOn, Reason string
	Lines                          []invoice.Line
	NetMinor, VATMinor, TotalMinor int64
}

// CorrectionText is a correction in words: its title naming the invoice it
// refers to, the reason, its lines (description, amount) and totals.
type CorrectionText struct {
	Title, Reason   string
	Lines           [][2]string
	Net, VAT, Total string
}

// CorrectionLine describes a correction's line: "Credit: <the line>",
// "Supplement: <the line>", VAT as itself.
func CorrectionLine(l *i18n.Localizer, ln invoice.Line) string {
	d := l.T(string(ln.Description), ln.Args...)
	switch ln.Kind {
	case invoice.KindCredit:
		return l.T("invoices.correction_line.credit", "line", d)
	case invoice.KindSupplement:
		return l.T("invoices.correction_line.supplement", "line", d)
	}
	return d
}

// CorrectionTitle names a correction and the invoice it refers to.
func CorrectionTitle(l *i18n.Localizer, kind, number, issuedOn, original string) string {
	return l.T("invoices.correction_title", "kind", l.T("invoices.correction."+kind), "number", number, "date", day(l, issuedOn),
		"original", original)
}

// Draft reports whether the document is a draft (watermarked): an invoice
// not yet issued, approved or not, has no number and may still change.
func (in Input) Draft() bool { return in.Number == "" }

// Line is one invoice line, localized.
type Line struct {
	N                   int
	Description         string
	Quantity, UnitPrice string
	Amount              string
	AmountMinor         int64
	Terms               string // the terms version and clause, in words
	Steps               []Step
	Facts               []FactText
}

// Step is one step of a line's arithmetic: what it computes and
// "expression = result" in the reader's number format.
type Step struct{ Label, Arithmetic string }

// FactText is a fact behind a line in words, with its date.
type FactText struct{ Label, Day string }

// Payment is one payment of the schedule, localized.
type Payment struct{ Label, Due, Amount string }

// Doc is the localized content of the documents.
type Doc struct {
	Title     string
	Watermark string
	Head      [][2]string // label, value
	Lines     []Line
	Net, VAT  string
	Total     string
	Schedule  []Payment
	// ScheduleTitle says, for a draft, on which issue day the schedule is
	// computed.
	ScheduleTitle string
	Unpriced      []string
	Rules         []string
	Corrections   []CorrectionText
}

// Build localizes in into the content both documents print.
func Build(in Input) Doc {
	l := in.Localizer
	inv := in.Invoice
	cur := func(v int64) string { return l.Money(money.New(v, inv.Currency)) }
	d := Doc{Title: l.T("invoicedoc.title"), Net: cur(inv.NetMinor), VAT: cur(inv.VATMinor), Total: cur(inv.TotalMinor)}
	if in.Draft() {
		d.Title, d.Watermark = l.T("invoicedoc.title_draft"), l.T("invoicedoc.watermark")
	}
	period := in.PeriodName
	if from, to := day(l, inv.From), day(l, inv.To); from != "" && to != "" {
		period = l.T("invoicedoc.period_value", "name", in.PeriodName, "from", from, "to", to)
	}
	d.Head = [][2]string{
		{l.T("invoicedoc.client"), text(l, in.ClientName)},
		{l.T("invoicedoc.partner"), text(l, in.PartnerName)},
		{l.T("invoicedoc.engagement"), text(l, in.EngagementTitle)},
		{l.T("invoicedoc.period"), period},
	}
	if in.Number != "" {
		d.Head = append(d.Head, [2]string{l.T("invoicedoc.number"), in.Number})
	}
	d.Head = append(d.Head, [2]string{l.T("invoices.status"), l.T("invoices.status." + string(in.Status))})
	if !in.ComputedAt.IsZero() {
		d.Head = append(d.Head, [2]string{l.T("invoicedoc.computed"), l.DateTime(in.ComputedAt)})
	}
	if !in.GeneratedAt.IsZero() {
		d.Head = append(d.Head, [2]string{l.T("invoicedoc.generated"), l.DateTime(in.GeneratedAt)})
	}
	for i, ln := range inv.Lines {
		v := Line{N: i + 1, Description: l.T(string(ln.Description), ln.Args...), Quantity: Quantity(l, ln.Quantity),
			Amount: cur(ln.AmountMinor), AmountMinor: ln.AmountMinor, Terms: Terms(l, ln)}
		if ln.UnitMinor != 0 {
			v.UnitPrice = cur(ln.UnitMinor)
		}
		for _, s := range ln.Steps {
			v.Steps = append(v.Steps, Step{Label: l.T(string(s.Label), s.Args...), Arithmetic: l.Expr(s.Expr) + " = " + l.Expr(s.Result)})
		}
		for _, ref := range ln.Refs {
			if f, ok := in.Facts[ref]; ok {
				v.Facts = append(v.Facts, factText(l, f))
			}
		}
		d.Lines = append(d.Lines, v)
	}
	d.ScheduleTitle = l.T("invoicedoc.schedule")
	if in.Draft() && in.ScheduleIssued != "" {
		d.ScheduleTitle = l.T("invoicedoc.schedule_draft", "date", day(l, in.ScheduleIssued))
	}
	for _, p := range in.Schedule {
		label := l.T("invoicedoc.payment.prepayment")
		if p.Kind != invoice.PaymentPrepayment {
			label = l.T("invoicedoc.payment.instalment", "n", p.Number)
		}
		d.Schedule = append(d.Schedule, Payment{Label: label, Due: day(l, p.DueOn), Amount: cur(p.AmountMinor)})
	}
	for _, u := range inv.Unpriced {
		what := l.T("invoicedoc.unpriced_input")
		if f, ok := in.Facts[u.Ref]; ok {
			x := factText(l, f)
			what = x.Label + " · " + x.Day
		}
		d.Unpriced = append(d.Unpriced, l.T("invoices.unpriced_item", "what", what, "reason", u.Reason))
	}
	for _, k := range invoice.Rules() {
		d.Rules = append(d.Rules, l.T(string(k)))
	}
	for _, c := range in.Corrections {
		t := CorrectionText{Title: CorrectionTitle(l, c.Kind, c.Number, c.IssuedOn, in.Number), Reason: c.Reason, Net: cur(c.NetMinor),
			VAT: cur(c.VATMinor), Total: cur(c.TotalMinor)}
		for _, ln := range c.Lines {
			t.Lines = append(t.Lines, [2]string{CorrectionLine(l, ln), cur(ln.AmountMinor)})
		}
		d.Corrections = append(d.Corrections, t)
	}
	return d
}

// Quantity is a line's quantity: a whole number, or a fraction such as
// 14/30 (days of the period) or 2250/60 (minutes in hours); none for a
// line without one.
func Quantity(l *i18n.Localizer, q invoice.Quantity) string {
	switch q.Den {
	case 0:
		return ""
	case 1:
		return l.Int(q.Num)
	}
	return l.Int(q.Num) + "/" + l.Int(q.Den)
}

// Terms names the terms version and clause a line comes from, in words;
// empty for a line from no clause (VAT).
func Terms(l *i18n.Localizer, ln invoice.Line) string {
	if ln.Version == 0 {
		return ""
	}
	var clause string
	switch c := ln.Clause; {
	case strings.HasPrefix(c, "price.components."):
		n, _ := strconv.Atoi(strings.TrimPrefix(c, "price.components."))
		clause = l.T("invoices.clause.component", "n", n+1)
	case strings.HasPrefix(c, "penalties.bonus_malus."):
		n, _ := strconv.Atoi(strings.TrimPrefix(c, "penalties.bonus_malus."))
		clause = l.T("invoices.clause.band", "n", n+1)
	case c == "price.floor_minor":
		clause = l.T("invoices.clause.floor")
	case c == "price.cap_minor":
		clause = l.T("invoices.clause.cap")
	case c == "penalties.sla_credit_bp":
		clause = l.T("invoices.clause.sla_credit")
	case c == "penalties.sla_credit_cap_bp":
		clause = l.T("invoices.clause.sla_credit_cap")
	default:
		clause = l.T("invoices.clause.notices")
	}
	return l.T("invoices.terms", "version", ln.Version, "clause", clause)
}

func factText(l *i18n.Localizer, f Fact) FactText {
	return FactText{Label: l.T("invoices.fact." + strings.ReplaceAll(string(f.Kind), ".", "_")), Day: day(l, f.Day)}
}

// day is a local day "YYYY-MM-DD" as a date in the reader's language.
func day(l *i18n.Localizer, s string) string {
	d, err := time.ParseInLocation(time.DateOnly, s, l.Location())
	if err != nil {
		return ""
	}
	return l.Date(d) // midnight in the reader's zone: that very day
}

func text(l *i18n.Localizer, s string) string {
	if strings.TrimSpace(s) == "" {
		return l.T("common.none")
	}
	return s
}

// decimal is x minor units of cur as a plain decimal ("-1234.50"), for a
// spreadsheet's number cell.
func decimal(x int64, cur string) string {
	digits := money.MinorDigits(cur)
	s := strconv.FormatInt(x, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	if digits > 0 {
		if len(s) <= digits {
			s = strings.Repeat("0", digits-len(s)+1) + s
		}
		s = s[:len(s)-digits] + "." + s[len(s)-digits:]
	}
	if neg {
		s = "-" + s
	}
	return s
}

// Formats a document is downloaded in.
const (
	FormatPDF  = "pdf"
	FormatXLSX = "xlsx"
)

// ValidFormat reports whether f is a format a document is written in.
func ValidFormat(f string) bool { return f == FormatPDF || f == FormatXLSX }

// PeriodName is a period in words in the reader's language: "November
// 2026", "Q4 2026".
func PeriodName(l *i18n.Localizer, p kpi.Period) string {
	if p.Kind == kpi.Quarter {
		lb := p.Label()
		return l.T("invoices.quarter", "quarter", lb.Number, "year", strconv.Itoa(lb.Year))
	}
	return l.Month(p.Start)
}
