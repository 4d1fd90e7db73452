package invoicedoc

import (
	"fmt"
	"io"

	"github.com/tandemhq/tandem/internal/pdfdoc"
)

// PDF writes the invoice as an A4 PDF to w: the parties and the period,
// the lines with the net, VAT and total, the payment schedule, what no
// clause priced, and the explanation annex (every line's terms, steps and
// facts, then the rules). A draft carries a watermark on every page.
func PDF(w io.Writer, in Input) error {
	l := in.Localizer
	d := Build(in)
	doc := pdfdoc.Document{Title: d.Title, Watermark: d.Watermark, Footer: in.EngagementTitle + " · " + in.PeriodName,
		Subject: d.Title + " — " + in.EngagementTitle + " — " + in.PeriodName, Author: in.ClientName,
		Created: in.GeneratedAt, Localizer: l}
	for _, h := range d.Head {
		doc.Rows = append(doc.Rows, pdfdoc.Row{Label: h[0], Value: h[1]})
	}

	lines := &pdfdoc.Table{Head: []string{l.T("invoicedoc.col.n"), l.T("invoices.col.description"), l.T("invoices.col.quantity"),
		l.T("invoices.col.unit_price"), l.T("invoices.col.amount")}, Right: []int{0, 2, 3, 4}}
	for _, ln := range d.Lines {
		lines.Rows = append(lines.Rows, []string{l.Int(int64(ln.N)), ln.Description, ln.Quantity, ln.UnitPrice, ln.Amount})
	}
	lines.Rows = append(lines.Rows, []string{"", l.T("invoices.net"), "", "", d.Net}, []string{"", l.T("invoices.vat"), "", "", d.VAT},
		[]string{"", l.T("invoices.total"), "", "", d.Total})
	doc.Sections = append(doc.Sections, pdfdoc.Section{Title: l.T("invoicedoc.lines"), Table: lines})

	if len(d.Schedule) > 0 {
		t := &pdfdoc.Table{Head: []string{l.T("invoicedoc.col.payment"), l.T("invoicedoc.col.due"), l.T("invoices.col.amount")}, Right: []int{2}}
		for _, p := range d.Schedule {
			t.Rows = append(t.Rows, []string{p.Label, p.Due, p.Amount})
		}
		doc.Sections = append(doc.Sections, pdfdoc.Section{Title: d.ScheduleTitle, Table: t})
	}
	for _, c := range d.Corrections {
		t := &pdfdoc.Table{Head: []string{l.T("invoices.col.description"), l.T("invoices.col.amount")}, Right: []int{1}}
		for _, ln := range c.Lines {
			t.Rows = append(t.Rows, []string{ln[0], ln[1]})
		}
		t.Rows = append(t.Rows, []string{l.T("invoices.net"), c.Net}, []string{l.T("invoices.vat"), c.VAT}, []string{l.T("invoices.total"), c.Total})
		doc.Sections = append(doc.Sections, pdfdoc.Section{Title: c.Title, Rows: []pdfdoc.Row{{Label: l.T("invoices.reason"), Value: c.Reason}},
			Table: t})
	}
	if len(d.Unpriced) > 0 {
		s := pdfdoc.Section{Title: l.T("invoices.unpriced")}
		for i, u := range d.Unpriced {
			s.Rows = append(s.Rows, pdfdoc.Row{Label: l.Int(int64(i + 1)), Value: u})
		}
		doc.Sections = append(doc.Sections, s)
	}

	// The explanation annex: one section a line.
	doc.Sections = append(doc.Sections, pdfdoc.Section{Title: l.T("invoicedoc.annex"), Rows: []pdfdoc.Row{{Label: l.T("invoicedoc.annex_lead")}}})
	for _, ln := range d.Lines {
		s := pdfdoc.Section{Title: l.T("invoicedoc.line_title", "n", ln.N, "description", ln.Description, "amount", ln.Amount)}
		if ln.Terms != "" {
			s.Rows = append(s.Rows, pdfdoc.Row{Label: l.T("invoicedoc.terms"), Value: ln.Terms})
		}
		for _, st := range ln.Steps {
			s.Rows = append(s.Rows, pdfdoc.Row{Label: st.Label, Value: st.Arithmetic})
		}
		if len(ln.Facts) > 0 {
			s.Rows = append(s.Rows, pdfdoc.Row{Label: l.N("invoices.facts", int64(len(ln.Facts)))})
			t := &pdfdoc.Table{Head: []string{l.T("invoicedoc.col.n"), l.T("invoicedoc.col.fact"), l.T("invoicedoc.col.day")}, Right: []int{0}}
			for i, f := range ln.Facts {
				t.Rows = append(t.Rows, []string{l.Int(int64(i + 1)), f.Label, f.Day})
			}
			s.Table = t
		}
		doc.Sections = append(doc.Sections, s)
	}
	rules := pdfdoc.Section{Title: l.T("invoices.rules")}
	for i, r := range d.Rules {
		rules.Rows = append(rules.Rows, pdfdoc.Row{Label: l.Int(int64(i + 1)), Value: r})
	}
	doc.Sections = append(doc.Sections, rules)
	if err := pdfdoc.Write(w, doc); err != nil {
		return fmt.Errorf("invoicedoc: %w", err)
	}
	return nil
}
