package invoicedoc

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/fact"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/importer"
	"github.com/tandemhq/tandem/internal/invoice"
	"github.com/tandemhq/tandem/internal/kpi"
	"github.com/tandemhq/tandem/internal/pdfdoc"
)

var (
	catalog   = i18n.MustLoad()
	stockholm = mustZone("Europe/Stockholm")
)

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// june is the invoice of June 2026 (30 days) in SEK, worked out by hand:
//
//	version 1 (from 1 January): fixed 45 000,00 a month;
//	version 2 (from 15 June): fixed 60 000,00, 1 500,00 a qualified lead, 5 % of won revenue.
//	fixed, v1: 45 000,00 × 14/30            = 21 000,00
//	fixed, v2: 60 000,00 × 16/30            = 32 000,00
//	leads, v2: 3 × 1 500,00                 =  4 500,00
//	share, v2: 5 % × 12 345,67 = 617,2835   →    617,28
//	net                                     = 58 117,28
//	VAT 25 % × 58 117,28                    = 14 529,32
//	total                                   = 72 646,60
//
// The schedule (30 days to pay, one payment) issued on 1 July: 72 646,60
// due on 31 July.
func june(t *testing.T, lang i18n.Lang) Input {
	t.Helper()
	period := kpi.PeriodOf(kpi.Month, time.Date(2026, 6, 10, 12, 0, 0, 0, stockholm), stockholm)
	v1 := contract.Version{Number: 1, EffectiveFrom: "2026-01-01", Terms: contract.Terms{Price: contract.Price{Currency: "SEK", Period: "month",
		Components: []contract.PriceComponent{{Kind: "fixed", AmountMinor: 4_500_000}}}}}
	v2 := contract.Version{Number: 2, EffectiveFrom: "2026-06-15", Terms: contract.Terms{Price: contract.Price{Currency: "SEK", Period: "month",
		DaysToPay: 30, Components: []contract.PriceComponent{{Kind: "fixed", AmountMinor: 6_000_000},
			{Kind: "per_result", Unit: "qualified_lead", AmountMinor: 150_000}, {Kind: "revenue_share", ShareBP: 500}}}}}
	in := invoice.Input{Period: period, Versions: []contract.Version{v1, v2}, VATBP: 2500, Results: []invoice.Result{
		{Ref: invoice.Ref(1), Unit: "qualified_lead", Day: "2026-06-16"},
		{Ref: invoice.Ref(2), Unit: "qualified_lead", Day: "2026-06-17"},
		{Ref: invoice.Ref(3), Unit: "qualified_lead", Day: "2026-06-20"},
		{Ref: invoice.Ref(4), Unit: "deal", Day: "2026-06-22", RevenueMinor: 1_234_567},
	}}
	inv, err := invoice.Compute(in)
	if err != nil {
		t.Fatal(err)
	}
	if inv.TotalMinor != 7_264_660 {
		t.Fatalf("total %d, worked out by hand 7 264 660", inv.TotalMinor)
	}
	sched, err := invoice.Schedule(inv.TotalMinor, v2.Terms.Price, inv.From, "2026-07-01")
	if err != nil {
		t.Fatal(err)
	}
	return Input{
		Localizer: catalog.For(lang, stockholm), ClientName: "Nordvik Handel AB", PartnerName: "Щукин и партнёры",
		EngagementTitle: "Utgående försäljning Norden", PeriodName: catalog.For(lang, stockholm).Month(period.Start),
		Status: invoice.StatusDraft, ComputedAt: time.Date(2026, 7, 1, 8, 0, 0, 0, stockholm),
		GeneratedAt: time.Date(2026, 7, 1, 9, 0, 0, 0, stockholm), Invoice: *inv,
		Facts: map[string]Fact{
			invoice.Ref(1): {Kind: fact.LeadAccepted, Day: "2026-06-16"}, invoice.Ref(2): {Kind: fact.LeadAccepted, Day: "2026-06-17"},
			invoice.Ref(3): {Kind: fact.LeadAccepted, Day: "2026-06-20"}, invoice.Ref(4): {Kind: fact.DealWonAccepted, Day: "2026-06-22"},
		},
		Schedule: sched, ScheduleIssued: "2026-07-01",
	}
}

// pdfText renders in as PDF and returns pdftotext's output with all
// whitespace (including U+00A0) collapsed to single spaces.
func pdfText(t *testing.T, in Input) string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("pdftotext not found (install poppler-utils)")
		}
		t.Skip("pdftotext not found; install poppler-utils")
	}
	var buf bytes.Buffer
	if err := PDF(&buf, in); err != nil {
		t.Fatal(err)
	}
	return PDFText(t, buf.Bytes())
}

// PDFText is pdftotext's reading of a PDF, whitespace collapsed.
func PDFText(t *testing.T, pdf []byte) string {
	t.Helper()
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatal("not a PDF")
	}
	path := filepath.Join(t.TempDir(), "invoice.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", path, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v\n%s", err, out)
	}
	if dir := os.Getenv("INVOICE_PDF_DIR"); dir != "" { // keep the PDF for a look
		_ = os.WriteFile(filepath.Join(dir, "invoice-"+strings.Fields(string(out))[0]+".pdf"), pdf, 0o644)
	}
	return norm(string(out))
}

func norm(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\u00a0", " ")), " ")
}

func TestPDFSwedish(t *testing.T) {
	t.Parallel()
	in := june(t, i18n.SV)
	text := pdfText(t, in)
	l := in.Localizer
	for _, want := range []string{
		"Fakturautkast", "Nordvik Handel AB", "Щукин и партнёры", "juni 2026",
		// The lines and totals in Swedish number format (see june).
		"21 000,00 kr", "32 000,00 kr", "4 500,00 kr", "617,28 kr", "58 117,28 kr", "14 529,32 kr", "72 646,60 kr",
		// The arithmetic in Swedish number format.
		"45 000,00 × 14 / 30 = 21 000,00", "3 × 1 500,00 = 4 500,00", "5 % × 12 345,67 = 617,2835", "617,2835 = 617,28",
		"25 % × 58 117,28 = 14 529,32",
		l.T("invoicedoc.annex"), l.N("invoices.facts", 3), l.T("invoices.fact.sales_lead_accepted"), "20 juni 2026",
		l.T("invoices.terms", "version", 2, "clause", l.T("invoices.clause.component", "n", 2)),
		l.T("invoicedoc.schedule_draft", "date", "1 juli 2026"), "31 juli 2026",
		l.T("invoice.rule.rounding"),
	} {
		if !strings.Contains(text, norm(want)) {
			t.Errorf("PDF text lacks %q", want)
		}
	}
	for _, bad := range []string{"45000.00", "⟦", "fact:", "price.components", pdfdoc.PagesAlias} {
		if strings.Contains(text, bad) {
			t.Errorf("PDF text shows %q", bad)
		}
	}
}

func TestPDFRussian(t *testing.T) {
	t.Parallel()
	in := june(t, i18n.RU)
	text := pdfText(t, in)
	for _, want := range []string{
		"Черновик счёта", "июнь 2026",
		"21 000,00 SEK", "32 000,00 SEK", "4 500,00 SEK", "617,28 SEK", "58 117,28 SEK", "14 529,32 SEK", "72 646,60 SEK",
		"45 000,00 × 14 / 30 = 21 000,00", "5 % × 12 345,67 = 617,2835",
		"3 факта в основе строки", "Квалифицированный лид принят", "20 июн. 2026 г.",
	} {
		if !strings.Contains(text, norm(want)) {
			t.Errorf("PDF text lacks %q", want)
		}
	}
}

// TestBuild checks what the PDF cannot show in its text: a draft is
// watermarked, an invoice with a number shows it and has no watermark.
func TestBuild(t *testing.T) {
	t.Parallel()
	in := june(t, i18n.RU)
	if d := Build(in); d.Watermark != "ЧЕРНОВИК" || d.Title != "Черновик счёта" {
		t.Errorf("draft: %q %q", d.Watermark, d.Title)
	}
	in.Status, in.Number = "issued", "2026-0007"
	d := Build(in)
	if d.Watermark != "" || d.Title != "Счёт" {
		t.Errorf("issued: %q %q", d.Watermark, d.Title)
	}
	found := false
	for _, h := range d.Head {
		found = found || h == [2]string{"Номер счёта", "2026-0007"}
	}
	if !found {
		t.Errorf("no number in %q", d.Head)
	}
}

// TestXLSX reads the workbook back with the importer's reader (its first
// sheet, the lines): the amounts are numbers, exactly as worked out in june.
func TestXLSX(t *testing.T) {
	t.Parallel()
	in := june(t, i18n.SV)
	var buf bytes.Buffer
	if err := XLSX(&buf, in); err != nil {
		t.Fatal(err)
	}
	// Amounts are number cells (a spreadsheet sums them), texts are texts.
	x, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	sheets := x.GetSheetList()
	if len(sheets) != 2 || sheets[1] != in.Localizer.T("invoicedoc.sheet.explanation") {
		t.Errorf("sheets %q", sheets)
	}
	// (A cell without a type attribute is a number in SpreadsheetML.)
	for cell, want := range map[string]excelize.CellType{"E2": excelize.CellTypeUnset, "D4": excelize.CellTypeUnset, "B2": excelize.CellTypeSharedString} {
		if typ, err := x.GetCellType(sheets[0], cell); err != nil || typ != want {
			t.Errorf("%s: type %v, want %v (%v)", cell, typ, want, err)
		}
	}
	expl, err := x.GetRows(sheets[1])
	if err != nil {
		t.Fatal(err)
	}
	joined := ""
	for _, r := range expl {
		joined += strings.Join(r, " | ") + "\n"
	}
	for _, want := range []string{"3 × 1 500,00 = 4 500,00", "5 % × 12 345,67 = 617,2835", "20 juni 2026"} {
		if !strings.Contains(joined, strings.ReplaceAll(want, " ", "\u00a0")) && !strings.Contains(norm(joined), want) {
			t.Errorf("the explanation sheet lacks %q", want)
		}
	}
	x.Close()
	tab, err := importer.Read("invoice.xlsx", &buf, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	l := in.Localizer
	if tab.Header[1] != l.T("invoices.col.description") || tab.Header[4] != l.T("invoices.col.amount") {
		t.Fatalf("header %q", tab.Header)
	}
	want := [][]string{
		{"1", l.T("invoice.line.fixed", "days", 14, "period_days", 30), "14/30", "45000.00", "21000.00", "SEK"},
		{"2", l.T("invoice.line.fixed", "days", 16, "period_days", 30), "16/30", "60000.00", "32000.00", "SEK"},
		{"3", l.T("invoice.line.result", "unit", contract.LabelKey("unit", "qualified_lead")), "3", "1500.00", "4500.00", "SEK"},
		{"4", l.T("invoice.line.revenue_share"), "1", "", "617.28", "SEK"},
		{"5", l.T("invoice.line.vat"), "", "", "14529.32", "SEK"},
		{"", l.T("invoices.net"), "", "", "58117.28", "SEK"},
		{"", l.T("invoices.vat"), "", "", "14529.32", "SEK"},
		{"", l.T("invoices.total"), "", "", "72646.60", "SEK"},
	}
	if len(tab.Rows) != len(want) {
		t.Fatalf("%d rows: %q", len(tab.Rows), tab.Rows)
	}
	for i, w := range want {
		got := tab.Rows[i][:6]
		for j := range w {
			if got[j] != strings.ReplaceAll(w[j], "\u00a0", " ") && got[j] != w[j] {
				t.Errorf("row %d column %d = %q, want %q", i+1, j+1, got[j], w[j])
			}
		}
	}
	if tab.Rows[2][7] != "3" {
		t.Errorf("the leads' line: %s facts, want 3", tab.Rows[2][7])
	}
}
