package web_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/money"
	"github.com/tandemhq/tandem/internal/tandem"
)

// The invoice workflow, clicked through by both sides. November of A1
// (newInvoiceEnv) is 45 000,00 + 3 leads × 1 500,00 + 5 % × 12 000,00 =
// 50 100,00 at 0 % VAT. The partner's manager disputes the leads' line; the
// client's manager upholds it at 6 000,00 (four leads): +1 500,00 →
// 51 600,00; withholds 5 000,00 of the fixed fee (the terms allow it) →
// 46 600,00; approves; issues it as 2026-0001 on 2 December 2026, due 30
// days later on 1 January 2027; marks it paid today; and issues a credit
// note of chosen lines.
func TestBrowserInvoiceWorkflow(t *testing.T) {
	t.Parallel()
	e := newInvoiceEnv(t, "sqlite")
	f := e.f
	en := browserCatalog.For(i18n.EN, invoiceZone)
	sek := func(v int64) string { return en.Money(money.New(v, "SEK")) }
	path := fmt.Sprintf("/engagements/%d/invoices/2026-11", f.A1)

	partner := newBrowser(t, e)
	partner.signIn(f.Emails[tandem.RoleVendorManager])
	if st := partner.open(path); st != 200 {
		t.Fatalf("November: %d", st)
	}
	partner.wantText("#total", sek(5_010_000))
	leads := partner.attr("#dispute-line option:nth-child(2)", "value")
	partner.do("dispute the leads' line",
		chromedp.SetValue(chromedp.CSS("#dispute-line"), leads),
		chromedp.SendKeys(chromedp.CSS("#dispute-reason"), "The lead of 28 November is missing"))
	if st := partner.click(`#dispute-form button[type="submit"]`); st != 200 {
		t.Fatalf("dispute: %d", st)
	}
	partner.wantText(".flash", en.T("flash.engagements.invoices.disputes"))
	if got := partner.text("#disputes li"); !strings.Contains(got, "The lead of 28 November is missing") ||
		!strings.Contains(got, en.T("invoices.dispute_status.open")) {
		t.Errorf("the dispute: %q", got)
	}
	if partner.count("#approve") != 0 || partner.count("#withhold-form") != 0 {
		t.Error("the partner may approve or withhold")
	}

	client := newBrowser(t, e)
	client.signIn(f.Emails[tandem.RoleManager])
	// The dispute waits for the manager on his home, linked to the invoice.
	client.open("/")
	if got := client.text("main"); !strings.Contains(got, en.T("attention.kind.invoice_dispute")) ||
		!strings.Contains(got, "The lead of 28 November is missing") {
		t.Errorf("the manager's home does not list the dispute:\n%s", got)
	}
	if client.count(fmt.Sprintf(`main a[href="%s"]`, path)) == 0 {
		t.Errorf("no link to %s on the manager's home", path)
	}
	if st := client.open(path); st != 200 {
		t.Fatalf("November for the client: %d", st)
	}
	// Approving with the dispute open is refused.
	if st := client.click("#approve"); st != 409 {
		t.Errorf("approve with a dispute open: %d", st)
	}
	client.wantText(".alert", en.T("invoices.error.dispute_open"))
	client.do("uphold the dispute at 6 000,00",
		chromedp.SetValue(chromedp.CSS("#disputes select[name=decision]"), "upheld"),
		chromedp.SendKeys(chromedp.CSS("#disputes input[name=agreed]"), "6000.00"),
		chromedp.SendKeys(chromedp.CSS("#disputes input[name=reason]"), "Agreed: four leads"))
	if st := client.click(`#disputes form button[type="submit"]`); st != 200 {
		t.Fatalf("decide: %d", st)
	}
	client.wantText(".flash", en.T("flash.engagements.invoices.disputes.decide"))
	client.wantText("#total", sek(5_160_000))

	fixed := client.attr("#withhold-line option:nth-child(1)", "value")
	client.do("withhold 5 000,00 of the fixed fee",
		chromedp.SetValue(chromedp.CSS("#withhold-line"), fixed),
		chromedp.SendKeys(chromedp.CSS("#withhold-amount"), "5000"),
		chromedp.SendKeys(chromedp.CSS("#withhold-reason"), "Week 47 report not delivered"))
	if st := client.click(`#withhold-form button[type="submit"]`); st != 200 {
		t.Fatalf("withhold: %d", st)
	}
	client.wantText("#total", sek(4_660_000))
	if got := client.text("#withholdings li"); !strings.Contains(got, sek(500_000)) || !strings.Contains(got, "Week 47 report not delivered") {
		t.Errorf("the withholding: %q", got)
	}

	if st := client.click("#approve"); st != 200 {
		t.Fatalf("approve: %d", st)
	}
	client.wantText(".flash", en.T("flash.engagements.invoices.approve"))
	if st := client.click("#issue"); st != 200 {
		t.Fatalf("issue: %d", st)
	}
	client.wantText("#number", "2026-0001")
	client.wantText("#due-on", en.Date(time.Date(2027, 1, 1, 0, 0, 0, 0, invoiceZone)))
	client.wantText("#schedule tbody td.num", sek(4_660_000))
	if client.count("#dispute-form") != 0 || client.count("#withhold-form") != 0 || client.count("#approve") != 0 {
		t.Error("an issued invoice still offers changes")
	}
	if st := client.click("#mark-paid"); st != 200 {
		t.Fatalf("mark paid: %d", st)
	}
	client.wantText("#paid-on", en.Date(time.Date(2026, 12, 2, 0, 0, 0, 0, invoiceZone)))
	client.shot("61-invoice-paid")

	// A credit note of chosen lines: 1 000,00 of the fixed fee and one
	// lead's 1 500,00, at 0 % VAT −2 500,00, numbered 2026-0002; invoice
	// and corrections together 46 600,00 − 2 500,00 = 44 100,00.
	client.do("credit 1 000,00 of the fixed fee and 1 500,00 of the leads",
		chromedp.SendKeys(chromedp.CSS("#credit-line-"+fixed), "1000"),
		chromedp.SendKeys(chromedp.CSS("#credit-line-"+leads), "1500"),
		chromedp.SendKeys(chromedp.CSS("#credit-lines-reason"), "A day without calls and a duplicate lead"))
	if st := client.click(`#credit-lines-form button[type="submit"]`); st != 200 {
		t.Fatalf("credit lines: %d", st)
	}
	client.wantText(".flash", en.T("flash.engagements.invoices.credit_lines"))
	if got := client.text("#credit-notes tbody"); !strings.Contains(got, "2026-0002") || !strings.Contains(got, sek(-250_000)) ||
		!strings.Contains(got, "A day without calls and a duplicate lead") || !strings.Contains(got, sek(-100_000)) ||
		!strings.Contains(got, sek(-150_000)) {
		t.Errorf("the credit note: %q", got)
	}
	client.wantText("#with-credits", sek(4_410_000))
	client.shot("62-invoice-credit-lines")
	asked := client.asked()
	for _, key := range []string{"invoices.confirm_decide", "invoices.confirm_withhold", "invoices.confirm_issue", "invoices.confirm_paid",
		"invoices.confirm_credit"} {
		if !slices.Contains(asked, en.T(key)) {
			t.Errorf("not asked to confirm %s: %q", key, asked)
		}
	}

	// The partner sees the outcome: the agreed and withheld lines, the number.
	if st := partner.open(path); st != 200 {
		t.Fatalf("November again: %d", st)
	}
	partner.wantText("#number", "2026-0001")
	partner.wantText("#total", sek(4_660_000))
}
