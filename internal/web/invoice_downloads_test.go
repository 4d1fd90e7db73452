package web_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/importer"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
)

// downloadText is pdftotext's reading of a downloaded PDF, whitespace
// (U+00A0 too) collapsed to single spaces.
func downloadText(t *testing.T, pdf string) string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("pdftotext not found (install poppler-utils)")
		}
		t.Skip("pdftotext not found; install poppler-utils")
	}
	if !strings.HasPrefix(pdf, "%PDF-") {
		t.Fatalf("not a PDF: %.200q", pdf)
	}
	path := filepath.Join(t.TempDir(), "invoice.pdf")
	if err := os.WriteFile(path, []byte(pdf), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", path, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v\n%s", err, out)
	}
	return strings.Join(strings.Fields(strings.ReplaceAll(string(out), "\u00a0", " ")), " ")
}

// TestInvoiceDownloads reads November's invoice of newInvoiceEnv back from
// its PDF in Swedish and Russian and from its XLSX: 45 000,00 fixed +
// 3 × 1 500,00 = 4 500,00 for the leads + 5 % × 12 000,00 = 600,00 of the
// won revenue = 50 100,00, VAT 0 %. A partner's agent may not download
// (403), another partner's manager does not find it (404), and every
// download is in the audit trail.
func TestInvoiceDownloads(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			e := newInvoiceEnv(t, dialect)
			f := e.f
			base := fmt.Sprintf("/engagements/%d/invoices/2026-11", f.A1)

			// The page links to the downloads.
			page := e.as(f.Manager).get(base)
			for _, want := range []string{`href="` + base + `/pdf"`, `href="` + base + `/xlsx"`, `href="` + base + `/pdf?lang=ru"`} {
				if !strings.Contains(page.body, want) {
					t.Errorf("the invoice page lacks %s", want)
				}
			}

			sv := e.as(f.VendorManager).get(base + "/pdf?lang=sv")
			if sv.status != 200 || sv.header.Get("Content-Type") != "application/pdf" ||
				!strings.Contains(sv.header.Get("Content-Disposition"), fmt.Sprintf(`invoice-%d-2026-11-sv.pdf`, f.A1)) {
				t.Fatalf("sv: %d %v", sv.status, sv.header)
			}
			text := downloadText(t, sv.body)
			for _, want := range []string{"Fakturautkast", "november 2026", "45 000,00 kr", "4 500,00 kr", "600,00 kr", "0,00 kr", "50 100,00 kr",
				"3 × 1 500,00 = 4 500,00", "5 % × 12 000,00 = 600,00", "3 fakta bakom raden", "17 nov. 2026"} {
				if !strings.Contains(text, want) {
					t.Errorf("sv PDF lacks %q", want)
				}
			}

			ru := e.as(f.Owner).get(base + "/pdf?lang=ru")
			text = downloadText(t, ru.body)
			for _, want := range []string{"Черновик счёта", "ноябрь 2026", "45 000,00 SEK", "4 500,00 SEK", "600,00 SEK", "50 100,00 SEK",
				"3 × 1 500,00 = 4 500,00", "5 % × 12 000,00 = 600,00", "3 факта в основе строки"} {
				if !strings.Contains(text, want) {
					t.Errorf("ru PDF lacks %q", want)
				}
			}

			// The workbook through the API, read back with the importer's reader.
			x := e.anon().api("GET", "/api/v1"+base+"/xlsx", e.token(f.Manager), "")
			if x.status != 200 || !strings.Contains(x.header.Get("Content-Type"), "spreadsheetml") {
				t.Fatalf("xlsx: %d %.300s", x.status, x.body)
			}
			tab, err := importer.Read("invoice.xlsx", strings.NewReader(x.body), 0, 0)
			if err != nil {
				t.Fatal(err)
			}
			en := catalog.For(i18n.EN, invoiceZone)
			want := [][]string{
				{"1", en.T("invoice.line.fixed", "days", 30, "period_days", 30), "30/30", "45000.00", "45000.00"},
				{"2", en.T("invoice.line.result", "unit", contract.LabelKey("unit", "qualified_lead")), "3", "1500.00", "4500.00"},
				{"3", en.T("invoice.line.revenue_share"), "1", "", "600.00"},
				{"4", en.T("invoice.line.vat"), "", "", "0.00"},
				{"", en.T("invoices.net"), "", "", "50100.00"},
				{"", en.T("invoices.vat"), "", "", "0.00"},
				{"", en.T("invoices.total"), "", "", "50100.00"},
			}
			if len(tab.Rows) != len(want) {
				t.Fatalf("xlsx rows %q", tab.Rows)
			}
			for i, w := range want {
				if got := tab.Rows[i][:5]; strings.Join(got, "|") != strings.Join(w, "|") {
					t.Errorf("xlsx row %d = %q, want %q", i+1, got, w)
				}
			}

			// Who may not.
			for _, path := range []string{base + "/pdf", base + "/xlsx"} {
				if r := e.as(f.VendorAgent).get(path); r.status != 403 {
					t.Errorf("agent %s: %d", path, r.status)
				}
				if r := e.anon().api("GET", "/api/v1"+path, e.token(f.VendorAgent), ""); r.status != 403 {
					t.Errorf("agent API %s: %d", path, r.status)
				}
				if r := e.as(f.VendorManagerB).get(path); r.status != 404 {
					t.Errorf("partner B %s: %d", path, r.status)
				}
				if r := e.anon().api("GET", "/api/v1"+path, e.token(f.VendorManagerB), ""); r.status != 404 || !strings.Contains(r.body, `"not_found"`) {
					t.Errorf("partner B API %s: %d %s", path, r.status, r.body)
				}
			}
			if r := e.as(f.Manager).get(fmt.Sprintf("/engagements/%d/invoices/2025-06/pdf", f.A1)); r.status != 409 {
				t.Errorf("a period before the terms: %d", r.status)
			}

			// Audited: three downloads, with their format and language.
			entries, _, err := e.db.Audit.List(context.Background(), f.Owner, store.AuditFilter{Action: "invoice.downloaded"}, tandem.Page{Limit: 50})
			if err != nil {
				t.Fatal(err)
			}
			if len(entries) != 3 {
				t.Fatalf("%d download entries, want 3", len(entries))
			}
			seen := map[string]bool{}
			for _, x := range entries {
				if x.Entity != "invoice" {
					t.Errorf("entry %+v", x)
				}
				for _, k := range []string{`"format":"pdf","lang":"sv"`, `"format":"pdf","lang":"ru"`, `"format":"xlsx","lang":"en"`} {
					if strings.Contains(x.Data, k) {
						seen[k] = true
					}
				}
			}
			if len(seen) != 3 {
				t.Errorf("download entries %+v", entries)
			}
		})
	}
}
