package web_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/money"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
)

// The partner's agent records 2 h 30 min on 16 November from the Time tab
// (a typo in the hours is refused where it was typed), the client's
// manager approves it, and November's invoice draft shows the time line.
// Figures by hand: 150 min ÷ 60 × 1 200,00 = 3 000,00; with the fixed fee
// of 10 000,00 the total is 13 000,00 (VAT 0 %).
func TestBrowserTimeApprovedOnInvoice(t *testing.T) {
	t.Parallel()
	clock := storetest.NewClock(time.Date(2026, 12, 2, 9, 0, 0, 0, invoiceZone))
	e := newEnvAt(t, "sqlite", clock.Now)
	f := e.f
	storetest.Activate(t, e.db, f.Owner, f.A1, func(t *contract.Terms) {
		t.Price.Currency, t.Price.Period, t.Price.FloorMinor, t.Price.CapMinor = "SEK", "month", 0, 0
		t.Price.Components = []contract.PriceComponent{
			{Kind: "fixed", Description: "Monthly fee", AmountMinor: 1_000_000},
			{Kind: "time", Description: "Consulting", AmountMinor: 120_000, Unit: "hour"},
		}
		t.Penalties = contract.Penalties{}
	})
	en := browserCatalog.For(i18n.EN, invoiceZone)
	timePage := fmt.Sprintf("/engagements/%d/time", f.A1)

	agent := newBrowser(t, e)
	agent.signIn(f.Emails[tandem.RoleVendorAgent])
	agent.open(fmt.Sprintf("/engagements/%d/work", f.A1))
	if st := agent.click(`nav.tabs a[href="` + timePage + `"]`); st != 200 {
		t.Fatalf("time tab: %d", st)
	}
	agent.do("record", chromedp.SetValue(chromedp.CSS("#f-day"), "2026-11-16"),
		chromedp.SendKeys(chromedp.CSS("#f-hours"), "2:3"),
		chromedp.SetValue(chromedp.CSS("#f-service"), "outbound-calls"),
		chromedp.SendKeys(chromedp.CSS("#f-note"), "Calls to the Q4 list"))
	agent.click(`#record button[type="submit"]`)
	agent.wantText(`[id="e-hours"]`, en.T("time.bad_hours"))
	agent.do("fix the hours", chromedp.SetValue(chromedp.CSS("#f-hours"), "2:30"))
	agent.click(`#record button[type="submit"]`)
	agent.wantText("#time-entries tbody tr .badge", en.T("time.state.pending"))
	agent.wantText("#time-entries tbody tr td.figure", en.T("time.duration", "h", 2, "m", 30))
	agent.shot("70-time-recorded")
	// At 390 px the page fits the phone.
	agent.viewport(phoneW, phoneH, true)
	agent.open(timePage)
	if w := agent.eval("document.documentElement.scrollWidth"); w > phoneW {
		t.Errorf("the time page is %d px wide on a %d px phone", w, phoneW)
	}
	agent.shot("71-time-phone")

	manager := newBrowser(t, e)
	manager.signIn(f.Emails[tandem.RoleManager])
	manager.open(timePage)
	if n := manager.count("#record"); n != 0 {
		t.Error("the client is offered to record time")
	}
	manager.click(`#time-entries form[action$="/approve"] button`)
	manager.wantText("#time-entries tbody tr .badge", en.T("time.state.approved"))

	manager.open(fmt.Sprintf("/engagements/%d/invoices/2026-11", f.A1))
	manager.wantText("#total", en.Money(money.New(1_300_000, "SEK")))
	want := en.T("invoice.line.time", "unit", contract.LabelKey("unit", "hour"))
	lines := evalAs[[]string](manager, `[...document.querySelectorAll("details.invoice-line summary")].map(s => s.textContent.trim())`)
	found := false
	for _, l := range lines {
		found = found || l == want
	}
	if !found {
		t.Errorf("the invoice lines %q lack the time line %q", lines, want)
	}
	if body := manager.text("main"); !strings.Contains(body, en.Money(money.New(300_000, "SEK"))) {
		t.Errorf("the invoice lacks the time line's 3 000,00")
	}
	manager.shot("72-time-on-invoice")

	// The portfolio, with spend, cost per result and return, still fits a
	// 390 px phone.
	manager.viewport(phoneW, phoneH, true)
	manager.open("/portfolio")
	if n := manager.count("#portfolio td.worth"); n != 1 {
		t.Errorf("%d engagements with spend on the portfolio, want 1", n)
	}
	if w := manager.eval("document.documentElement.scrollWidth"); w > phoneW {
		t.Errorf("the portfolio is %d px wide on a %d px phone", w, phoneW)
	}
	manager.shot("73-portfolio-phone")
}
