package web_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/tandem"
)

// The client's manager reads November's draft in Swedish: the leads' line
// explains its arithmetic in Swedish number format (3 × 1 500,00 =
// 4 500,00), and the PDF and XLSX download from the page's links, the PDF
// in Russian on request.
func TestBrowserInvoiceDownloads(t *testing.T) {
	t.Parallel()
	e := newInvoiceEnv(t, "sqlite")
	f := e.f
	b := newBrowser(t, e)
	b.signIn(f.Emails[tandem.RoleManager])
	base := fmt.Sprintf("/engagements/%d/invoices/2026-11", f.A1)
	if st := b.open(base); st != 200 {
		t.Fatalf("November: %d", st)
	}
	b.click(`form.langs button[value="sv"]`)
	b.do("open the leads' line", chromedp.Click(chromedp.CSS("#line-2 summary")))
	if got := strings.ReplaceAll(b.text("#line-2 ol.steps li"), "\u00a0", " "); !strings.Contains(got, b.msg(i18n.SV, "invoice.explain.count_price")) ||
		!strings.Contains(got, "3 × 1 500,00 = 4 500,00") {
		t.Errorf("the leads' arithmetic in Swedish: %q", got)
	}
	if got := b.text("#downloads"); !strings.Contains(got, b.msg(i18n.SV, "invoicedoc.download_pdf")) {
		t.Errorf("downloads: %q", got)
	}
	for _, x := range []struct{ sel, ctype string }{
		{`#downloads a[href="` + base + `/pdf"]`, "application/pdf"},
		{`#downloads a[href="` + base + `/xlsx"]`, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
		{`#downloads a[hreflang="ru"]`, "application/pdf"},
	} {
		info := fetchInfo(b, b.attr(x.sel, "href"))
		var status, size int
		var ctype string
		if _, err := fmt.Sscan(info, &status, &ctype, &size); err != nil || status != 200 || ctype != x.ctype || size < 3000 {
			t.Errorf("%s: %q", x.sel, info)
		}
	}
	b.shot("61-invoice-downloads")
}
