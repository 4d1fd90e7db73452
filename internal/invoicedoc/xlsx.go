package invoicedoc

import (
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/tandemhq/tandem/internal/money"
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
	x := excelize.NewFile()
	defer x.Close()
	lines, expl := sheetName(l.T("invoicedoc.sheet.lines")), sheetName(l.T("invoicedoc.sheet.explanation"))
	if err := x.SetSheetName("Sheet1", lines); err != nil {
		return err
	}
	if _, err := x.NewSheet(expl); err != nil {
		return err
	}
	format := "#,##0"
	if n := money.MinorDigits(cur); n > 0 {
		format += "." + strings.Repeat("0", n)
	}
	amount, err := x.NewStyle(&excelize.Style{CustomNumFmt: &format})
	if err != nil {
		return err
	}
	bold, err := x.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	s := &sheet{x: x, name: lines}
	s.row([]any{l.T("invoicedoc.col.n"), l.T("invoices.col.description"), l.T("invoices.col.quantity"), l.T("invoices.col.unit_price"),
		l.T("invoices.col.amount"), l.T("invoicedoc.col.currency"), l.T("invoicedoc.terms"), l.T("invoicedoc.col.facts")})
	s.style("A1", "H1", bold)
	for i, ln := range in.Invoice.Lines {
		v := d.Lines[i]
		unit := any("")
		if ln.UnitMinor != 0 {
			unit = number(decimal(ln.UnitMinor, cur))
		}
		s.row([]any{v.N, v.Description, v.Quantity, unit, number(decimal(ln.AmountMinor, cur)), cur, v.Terms, len(v.Facts)})
		s.style(cell("D", s.n), cell("E", s.n), amount)
	}
	for _, t := range []struct {
		label string
		minor int64
	}{{l.T("invoices.net"), in.Invoice.NetMinor}, {l.T("invoices.vat"), in.Invoice.VATMinor}, {l.T("invoices.total"), in.Invoice.TotalMinor}} {
		s.row([]any{"", t.label, "", "", number(decimal(t.minor, cur)), cur})
		s.style(cell("E", s.n), cell("E", s.n), amount)
		s.style(cell("B", s.n), cell("B", s.n), bold)
	}
	// The corrections referring to the invoice, below its totals.
	for _, c := range in.Corrections {
		s.row(nil)
		s.row([]any{"", CorrectionTitle(l, c.Kind, c.Number, c.IssuedOn, in.Number)})
		s.style(cell("B", s.n), cell("B", s.n), bold)
		s.row([]any{"", l.T("invoices.reason") + ": " + c.Reason})
		for _, ln := range c.Lines {
			s.row([]any{"", CorrectionLine(l, ln), "", "", number(decimal(ln.AmountMinor, cur)), cur})
			s.style(cell("E", s.n), cell("E", s.n), amount)
		}
		s.row([]any{"", l.T("invoices.total"), "", "", number(decimal(c.TotalMinor, cur)), cur})
		s.style(cell("E", s.n), cell("E", s.n), amount)
	}
	_ = x.SetColWidth(lines, "B", "B", 50)
	_ = x.SetColWidth(lines, "C", "E", 16)
	_ = x.SetColWidth(lines, "G", "G", 36)

	e := &sheet{x: x, name: expl}
	e.row([]any{l.T("invoicedoc.col.line"), l.T("invoices.col.description"), l.T("invoicedoc.col.what"), l.T("invoicedoc.col.detail")})
	e.style("A1", "D1", bold)
	for _, ln := range d.Lines {
		if ln.Terms != "" {
			e.row([]any{ln.N, ln.Description, l.T("invoicedoc.terms"), ln.Terms})
		}
		for _, st := range ln.Steps {
			e.row([]any{ln.N, ln.Description, st.Label, st.Arithmetic})
		}
		for _, f := range ln.Facts {
			e.row([]any{ln.N, ln.Description, f.Label, f.Day})
		}
	}
	_ = x.SetColWidth(expl, "B", "C", 45)
	_ = x.SetColWidth(expl, "D", "D", 60)
	if s.err != nil {
		return s.err
	}
	if e.err != nil {
		return e.err
	}
	if err := x.Write(w); err != nil {
		return fmt.Errorf("invoicedoc: %w", err)
	}
	return nil
}

// number is a decimal written as a number cell.
type number string

// sheet writes rows one after another; the first error sticks.
type sheet struct {
	x    *excelize.File
	name string
	n    int
	err  error
}

func (s *sheet) row(cells []any) {
	s.n++
	for i, c := range cells {
		if s.err != nil {
			return
		}
		ref := cell(column(i), s.n)
		switch v := c.(type) {
		case number:
			s.err = s.x.SetCellDefault(s.name, ref, string(v))
		default:
			s.err = s.x.SetCellValue(s.name, ref, v)
		}
	}
}

func (s *sheet) style(from, to string, style int) {
	if s.err == nil {
		s.err = s.x.SetCellStyle(s.name, from, to, style)
	}
}

func column(i int) string { return string(rune('A' + i)) }

func cell(col string, row int) string { return fmt.Sprintf("%s%d", col, row) }

// sheetName makes s a valid sheet name: at most 31 characters, none of
// : \ / ? * [ ].
func sheetName(s string) string {
	s = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`:\/?*[]`, r) {
			return ' '
		}
		return r
	}, s)
	if r := []rune(s); len(r) > 31 {
		s = string(r[:31])
	}
	return s
}
