package web_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/money"
	"github.com/tandemhq/tandem/internal/tandem"
)

// The partner's manager follows the Invoices tab to November's draft,
// opens the leads' line and reads its arithmetic and the three accepted
// leads behind it, each a link to the claims.
func TestBrowserInvoiceExplained(t *testing.T) {
	t.Parallel()
	e := newInvoiceEnv(t, "sqlite")
	f := e.f
	en := browserCatalog.For(i18n.EN, invoiceZone)
	b := newBrowser(t, e)
	b.signIn(f.Emails[tandem.RoleVendorManager])
	if st := b.open(fmt.Sprintf("/engagements/%d/terms", f.A1)); st != 200 {
		t.Fatalf("terms: %d", st)
	}
	if st := b.click(fmt.Sprintf(`nav.tabs a[href="/engagements/%d/invoices"]`, f.A1)); st != 200 {
		t.Fatalf("invoices tab: %d", st)
	}
	if st := b.click(fmt.Sprintf(`#invoices a[href="/engagements/%d/invoices/2026-11"]`, f.A1)); st != 200 {
		t.Fatalf("November: %d", st)
	}
	b.wantText("#total", en.Money(money.New(5_010_000, "SEK")))
	if n := b.count("#line-2 ol.steps li"); n == 0 {
		t.Fatal("the leads' line has no steps")
	}
	b.do("open the leads' line", chromedp.Click(chromedp.CSS("#line-2 summary")))
	if got := b.text("#line-2 ol.steps li"); !strings.Contains(got, en.T("invoice.explain.count_price")) ||
		!strings.Contains(got, "3 × 1,500.00 = 4,500.00") {
		t.Errorf("the leads' arithmetic: %q", got)
	}
	if got := b.text("#line-2 p.muted"); got != en.T("invoices.terms", "version", 1, "clause", en.T("invoices.clause.component", "n", 2)) {
		t.Errorf("the leads' clause: %q", got)
	}
	if n := b.count(fmt.Sprintf(`#line-2 ul.facts a[href="/engagements/%d/sales/claims"]`, f.A1)); n != 3 {
		t.Errorf("%d links to the accepted leads, want 3", n)
	}
	b.shot("60-invoice-explained")
	// The heading names the invoice and its month.
	b.wantText("main h1", en.T("invoices.heading", "period", en.Month(time.Date(2026, 11, 15, 12, 0, 0, 0, invoiceZone))))
	// On a phone every amount and the total are on the screen.
	b.viewport(phoneW, phoneH, true)
	b.open(fmt.Sprintf("/engagements/%d/invoices/2026-11", f.A1))
	if n := b.count("#lines td"); n == 0 {
		t.Fatal("no lines")
	}
	if right := b.eval(`Math.ceil(Math.max(...[...document.querySelectorAll("#lines td")].map(c => c.getBoundingClientRect().right)))`); right > phoneW {
		t.Errorf("on a %d px phone the lines' cells end at %d px", phoneW, right)
	}
	b.shot("60-invoice-phone")
}
