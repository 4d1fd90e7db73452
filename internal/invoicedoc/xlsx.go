package invoicedoc

import (
	"fmt"
	"io"
	"strings"

	"github.com/tandemhq/tandem/internal/money"
	"github.com/tandemhq/tandem/internal/xlsx"
)

// XLSX writes the invoice as a workbook to w. Its first sheet holds the
// lines — number, description, quantity, unit price, amount, currency,
// terms, facts — then the net, VAT and total; unit prices and amounts are
// number cells in major units (written from their exact decimal, never a
// float) with the currency's decimals. The second sheet is the
// explanation: for every line its terms, each step with its arithmetic,
// and each fact behind it with its day.
func XLSX(w io.Writer, in Input) error {
	l := in.Localizer
	d := Build(in)
	cur := in.Invoice.Currency
	x := xlsx.New()
	format := "#,##0"
	if n := money.MinorDigits(cur); n > 0 {
		format += "." + strings.Repeat("0", n)
	}
	bold, amount := x.Style(true, ""), x.Style(false, format)
	num := func(minor int64) xlsx.Value { return xlsx.Number(decimal(minor, cur)).In(amount) }
	text, empty := xlsx.Text, xlsx.Text("")
	headed := func(s *xlsx.Sheet, cols ...string) {
		cells := make([]xlsx.Value, len(cols))
		for i, c := range cols {
			cells[i] = text(c).In(bold)
		}
		s.Row(cells...)
	}

	s := x.AddSheet(l.T("invoicedoc.sheet.lines"))
	headed(s, l.T("invoicedoc.col.n"), l.T("invoices.col.description"), l.T("invoices.col.quantity"), l.T("invoices.col.unit_price"),
		l.T("invoices.col.amount"), l.T("invoicedoc.col.currency"), l.T("invoicedoc.terms"), l.T("invoicedoc.col.facts"))
	for i, ln := range in.Invoice.Lines {
		v := d.Lines[i]
		unit := empty.In(amount)
		if ln.UnitMinor != 0 {
			unit = num(ln.UnitMinor)
		}
		s.Row(xlsx.Int(int64(v.N)), text(v.Description), text(v.Quantity), unit, num(ln.AmountMinor), text(cur), text(v.Terms), xlsx.Int(int64(len(v.Facts))))
	}
	for _, t := range []struct {
		label string
		minor int64
	}{{l.T("invoices.net"), in.Invoice.NetMinor}, {l.T("invoices.vat"), in.Invoice.VATMinor}, {l.T("invoices.total"), in.Invoice.TotalMinor}} {
		s.Row(empty, text(t.label).In(bold), empty, empty, num(t.minor), text(cur))
	}
	// The corrections referring to the invoice, below its totals.
	for _, c := range in.Corrections {
		s.Row()
		s.Row(empty, text(CorrectionTitle(l, c.Kind, c.Number, c.IssuedOn, in.Number)).In(bold))
		s.Row(empty, text(l.T("invoices.reason")+": "+c.Reason))
		for _, ln := range c.Lines {
			s.Row(empty, text(CorrectionLine(l, ln)), empty, empty, num(ln.AmountMinor), text(cur))
		}
		s.Row(empty, text(l.T("invoices.total")), empty, empty, num(c.TotalMinor), text(cur))
	}
	s.Width(1, 1, 50)
	s.Width(2, 4, 16)
	s.Width(6, 6, 36)

	e := x.AddSheet(l.T("invoicedoc.sheet.explanation"))
	headed(e, l.T("invoicedoc.col.line"), l.T("invoices.col.description"), l.T("invoicedoc.col.what"), l.T("invoicedoc.col.detail"))
	for _, ln := range d.Lines {
		n := xlsx.Int(int64(ln.N))
		if ln.Terms != "" {
			e.Row(n, text(ln.Description), text(l.T("invoicedoc.terms")), text(ln.Terms))
		}
		for _, st := range ln.Steps {
			e.Row(n, text(ln.Description), text(st.Label), text(st.Arithmetic))
		}
		for _, f := range ln.Facts {
			e.Row(n, text(ln.Description), text(f.Label), text(f.Day))
		}
	}
	e.Width(1, 2, 45)
	e.Width(3, 3, 60)
	if err := x.Write(w); err != nil {
		return fmt.Errorf("invoicedoc: %w", err)
	}
	return nil
}
