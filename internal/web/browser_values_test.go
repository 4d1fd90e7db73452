package web_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/ownmetric"
	"github.com/tandemhq/tandem/internal/store/storetest"
)

// The partner reports a value of a manual metric, the client confirms it,
// and the scorecard scores it and shows the fact behind it; a value with
// too many decimals and a formula that does not parse are refused where
// they were typed. Figures by hand: brand presence 60 against target 100
// and threshold 20 scores (60 − 20) / (100 − 20) × 100 = 50.00.
func TestBrowserManualValues(t *testing.T) {
	t.Parallel()
	clock := storetest.NewClock(time.Date(2026, 5, 13, 10, 0, 0, 0, time.UTC))
	e := newEnvAt(t, "sqlite", clock.Now)
	f := e.f
	storetest.Activate(t, e.db, f.Owner, f.A1, func(terms *contract.Terms) {
		terms.Goals = []contract.Goal{{Key: "brand", Title: "Known brand"}}
		terms.Metrics = []contract.MetricDef{
			{Key: "brand_presence", Name: "Brand presence", Kind: "manual", Source: "partner"},
			{Key: "satisfaction", Name: "Satisfaction", Kind: "manual", Source: "client", Scale: 1},
		}
		terms.KPIs = []contract.KPI{{Key: "presence", GoalKey: "brand", Metric: "brand_presence", Name: "Presence",
			Target: 100, Threshold: 20, Direction: "higher", Weight: 1, Period: "month"}}
	})
	values := fmt.Sprintf("/engagements/%d/values", f.A1)
	// This month's scorecard (without ?start= the page opens on the last
	// complete month).
	scorecard := fmt.Sprintf("/engagements/%d/scorecard?period=month&start=%s", f.A1, e.db.Now().Format("2006-01")+"-01")
	b := newBrowser(t, e)

	// The partner's manager reports 60 for May from the engagement's tabs;
	// only the metric the partner reports is offered.
	b.signIn(f.Emails["vendor_manager"])
	b.open(scorecard)
	if st := b.click(`nav.tabs a[href="` + values + `"]`); st != 200 {
		t.Fatalf("values: status %d", st)
	}
	if opts := evalAs[[]string](b, `[...document.querySelectorAll("#f-metric option")].map(o => o.value)`); strings.Join(opts, ",") != "brand_presence" {
		t.Errorf("the partner is offered %v", opts)
	}
	b.do("report", chromedp.SetValue(chromedp.CSS("#f-metric"), "brand_presence"),
		chromedp.SendKeys(chromedp.CSS("#f-value"), "60"),
		chromedp.SendKeys(chromedp.CSS("#f-note"), "Survey of 200 buyers"))
	b.click(`#enter button[type="submit"]`)
	b.wantText("#values tbody tr .badge", b.msg(i18n.EN, "values.state.pending"))
	b.shot("40-value-reported")
	// Pending: the scorecard has no data yet, and the row leads to the values.
	b.open(scorecard)
	b.wantText("#kpi-presence td a.figure", b.msg(i18n.EN, "kpi.status.no_data"))
	if href := b.attr("#kpi-presence th a", "href"); href != values {
		t.Errorf("the manual KPI links to %q, want %s", href, values)
	}

	// The client's manager confirms it.
	b.click(`form[action="/signout"] button`)
	if err := signInAt(b, f.Emails["manager"]); err != nil {
		t.Fatal(err)
	}
	b.open(values)
	// On a phone the value's state and the buttons to decide are on the
	// screen, not past its edge in a table that scrolls sideways.
	b.viewport(phoneW, phoneH, true)
	b.open(values)
	for _, sel := range []string{"#values tbody tr .badge", `#values form[action$="/confirm"] button`, `#values form[action$="/reject"] button`} {
		if right := b.eval(`Math.ceil(document.querySelector(` + jsString(sel) + `).getBoundingClientRect().right)`); right > phoneW {
			t.Errorf("on a %d px phone %s ends at %d px", phoneW, sel, right)
		}
	}
	b.shot("values-phone")
	b.click(`#values form[action$="/confirm"] button`)
	b.wantText("#values tbody tr .badge", b.msg(i18n.EN, "values.state.confirmed"))
	b.viewport(1280, 900, false)

	// Too many decimals for satisfaction (one decimal): refused in the
	// page, nothing recorded.
	b.do("enter", chromedp.SetValue(chromedp.CSS("#f-metric"), "satisfaction"),
		chromedp.SendKeys(chromedp.CSS("#f-value"), "7.55"))
	b.click(`#enter button[type="submit"]`)
	b.wantText(`[id="e-value"]`, b.msgN(i18n.EN, "values.bad_value", 1))
	if n := b.count("#values tbody tr"); n != 1 {
		t.Errorf("values after the refused one: %d, want 1", n)
	}
	b.shot("41-value-refused")

	// The scorecard scores the confirmed value and shows the fact behind it.
	b.open(scorecard)
	b.wantText("#kpi-presence td a.figure", "60")
	b.wantText("#kpi-presence a.score", "50.00")
	if th := b.text("#kpi-presence th"); !strings.Contains(th, "Brand presence") {
		t.Errorf("the KPI row is headed %q, without the metric's name", th)
	}
	b.click("#kpi-presence a.score")
	if n := b.count("#facts tbody tr"); n != 1 {
		t.Fatalf("facts behind the figure: %d, want 1", n)
	}
	b.wantText("#facts tbody tr td:nth-child(2)", "Value of Brand presence (monthly)")
	steps := b.text("#steps")
	if !strings.Contains(steps, "Σ Brand presence ÷ n = 60 ÷ 1") {
		t.Errorf("the arithmetic lacks the mean:\n%s", steps)
	}
	v, err := e.db.OwnMetrics.Values(ctx, f.Owner, f.A1, "")
	if err != nil || len(v) != 1 || v[0].State != ownmetric.Confirmed || v[0].Value != 60 {
		t.Fatalf("stored values: %+v %v", v, err)
	}

	// A formula that does not parse is refused at the formula field, with
	// the column of the problem.
	b.open(fmt.Sprintf("/engagements/%d/amendments/new", f.A1))
	b.do("formula", chromedp.SendKeys(chromedp.CSS("#f-reason"), "A blended measure"),
		chromedp.SendKeys(chromedp.CSS(`input[name="metrics.2.key"]`), "blend"),
		chromedp.SendKeys(chromedp.CSS(`input[name="metrics.2.name"]`), "Blend"),
		chromedp.SetValue(chromedp.CSS(`select[name="metrics.2.kind"]`), "formula"),
		chromedp.SendKeys(chromedp.CSS(`input[name="metrics.2.formula"]`), "brand_presence / (satisfaction"))
	b.click(`.sticky-actions button[type="submit"]`)
	b.wantText(`[id="e-metrics.2.formula"]`, b.msg(i18n.EN, "kpi.formula.unclosed", "column", 18))
	b.shot("42-formula-error")
}
