package web_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/proposal"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
)

// activateFTA activates engagement A1 with one monthly KPI, first-time
// acceptance (target 90 %, threshold 50 %), and returns its first
// service's key.
func activateFTA(t *testing.T, e *env) string {
	t.Helper()
	f := e.f
	storetest.Activate(t, e.db, f.Owner, f.A1, func(terms *contract.Terms) {
		terms.Goals = []contract.Goal{{Key: "quality", Title: "Right first time"}}
		terms.KPIs = []contract.KPI{{Key: "fta", GoalKey: "quality", Metric: "first_time_acceptance", Name: "First-time acceptance",
			Target: 9000, Threshold: 5000, Scale: 2, Direction: "higher", Weight: 1, Period: "month"}}
	})
	v, err := e.db.Contracts.InForce(ctx, f.Owner, f.A1, tandem.DateOf(e.db.Now()))
	if err != nil {
		t.Fatal(err)
	}
	return v.Terms.Services[0].Key
}

// The scorecard of a month, worked out by hand: three deliverables
// accepted, two of them on the first submission → first-time acceptance
// 2/3 = 66.67 %. With a target of 90 % and a threshold of 50 % the score is
// (66.67 − 50) / (90 − 50) × 100 = (50/3) / 40 × 100 = 41.67; it is the only
// KPI, so the weighted score is 41.67 too, which is "Poor" (≥ 40, < 60).
func TestScorecardAndExplanation(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sqlite")
	f := e.f
	service := activateFTA(t, e)
	for i, returned := range []bool{false, true, false} {
		e.deliverAccepted(t, service, fmt.Sprintf("List %d", i+1), time.Hour, returned)
	}
	c := e.as(f.Owner)
	// This month's scorecard: without ?start= the page opens on the last
	// complete month when the terms were in force in it.
	r := c.get(fmt.Sprintf("/engagements/%d/scorecard?period=month&start=%s", f.A1, e.db.Now().Format("2006-01-02")))
	if r.status != 200 {
		t.Fatalf("scorecard: %d", r.status)
	}
	// The lead and the figures in plain words: the one period with data
	// is the overall score too.
	for _, want := range []string{">66.67%<", ">90.00%<", ">41.67<", "Poor", "First-time acceptance",
		"measured against the KPIs of the contract in force (its version 1)",
		"41.67 is this period", "counted as many times as its weight",
		"41.67 is the overall score: the last three periods with data taken together", "It equals this period"} {
		if !strings.Contains(r.body, want) {
			t.Errorf("scorecard lacks %s", want)
		}
	}
	// The current month is marked "so far"; ‹ leads to the month before,
	// which has no data yet and leads back with ›; a month to come is refused.
	now := e.db.Now()
	if !strings.Contains(r.body, ">so far<") || !strings.Contains(r.body, `id="prev-period"`) || strings.Contains(r.body, `id="next-period"`) {
		t.Errorf("the current period's navigation is wrong")
	}
	before := fmt.Sprintf("/engagements/%d/scorecard?period=month&start=%s", f.A1, now.AddDate(0, -1, -now.Day()+1).Format("2006-01-02"))
	if !strings.Contains(r.body, strings.ReplaceAll(before, "&", "&amp;")) {
		t.Errorf("no link to the month before (%s)", before)
	}
	prev := c.get(before)
	if prev.status != 200 || strings.Contains(prev.body, ">66.67<") || strings.Contains(prev.body, ">so far<") || !strings.Contains(prev.body, `id="next-period"`) {
		t.Errorf("the month before: %d", prev.status)
	}
	if r := c.get(fmt.Sprintf("/engagements/%d/scorecard?period=month&start=%s", f.A1, now.AddDate(0, 2, 0).Format("2006-01-02"))); r.status != 422 || !strings.Contains(r.body, "This period has not begun yet.") {
		t.Errorf("a month to come: %d", r.status)
	}
	// One click: the facts and the arithmetic.
	r = c.get(fmt.Sprintf("/engagements/%d/scorecard/fta?period=month", f.A1))
	if r.status != 200 || !strings.Contains(r.body, "3 facts behind this figure") || strings.Count(r.body, "<td>Deliverable accepted</td>") != 3 || !strings.Contains(r.body, "(200/3 − 50.00) / (90.00 − 50.00) × 100 = 125/3") {
		t.Fatalf("explanation: %d", r.status)
	}
	// The partner sees its own scorecard; another partner gets 404.
	if r := e.as(f.VendorAgent).get(fmt.Sprintf("/engagements/%d/scorecard", f.A1)); r.status != 200 {
		t.Fatalf("agent's scorecard: %d", r.status)
	}
	if r := e.as(f.VendorManagerB).get(fmt.Sprintf("/engagements/%d/scorecard/fta", f.A1)); r.status != 404 {
		t.Fatalf("partner B: %d", r.status)
	}
	// The portfolio shows the standing and no other partner's engagements to B.
	if r := c.get("/portfolio"); r.status != 200 || !strings.Contains(r.body, "Alpha outbound") || !strings.Contains(r.body, "41.67") {
		t.Fatalf("portfolio: %d", r.status)
	}
	if r := e.as(f.VendorManagerB).get("/portfolio"); strings.Contains(r.body, "Alpha outbound") {
		t.Fatal("partner B's portfolio shows partner A's engagement")
	}
}

// The scorecard page opens on the last complete month; its overall score
// is that month's, not one pulled down by the first days of the month in
// progress. Worked out by hand: November, three deliverables accepted on
// the first submission, first-time acceptance 100 % (target 90, threshold
// 50): score 100. December so far, one deliverable returned once then
// accepted: 0 %, score 0. As of November the only period with data is
// November: overall 100.00, equal to the period's. As of December the
// last periods with data, weighted 1, 2: (100 × 1 + 0 × 2) / 3 = 33.33,
// higher than December's 0.
func TestScorecardOverallIsThePeriodShown(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	at := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	e := newEnvAt(t, "sqlite", func() time.Time { mu.Lock(); defer mu.Unlock(); return at })
	set := func(t2 time.Time) { mu.Lock(); at = t2; mu.Unlock() }
	f := e.f
	service := activateFTA(t, e)
	deliver := func(title string, returned bool) {
		t.Helper()
		e.deliverAccepted(t, service, title, time.Hour, returned)
	}
	set(time.Date(2026, 11, 10, 10, 0, 0, 0, time.UTC))
	for i := range 3 {
		deliver(fmt.Sprintf("November list %d", i+1), false)
	}
	set(time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC))
	deliver("December list", true)

	c := e.as(f.Owner)
	page := fmt.Sprintf("/engagements/%d/scorecard?period=month", f.A1)
	r := c.get(page)
	if r.status != 200 || !strings.Contains(r.body, "November 2026") {
		t.Fatalf("scorecard: %d", r.status)
	}
	for _, want := range []string{"100.00 is the overall score", "It equals this period"} {
		if !strings.Contains(r.body, want) {
			t.Errorf("November lacks %q", want)
		}
	}
	if strings.Contains(r.body, "33.33") {
		t.Error("November's overall score counts December's first days")
	}
	// The trend draws December apart: a hollow dot, a dashed line to it,
	// "so far" in the chart's description; November is on the solid line.
	for _, want := range []string{`class="line so-far"`, `class="dot dot-so-far"`, "December 2026 (so far): 0.00", "November 2026: 100.00"} {
		if !strings.Contains(r.body, want) {
			t.Errorf("the trend lacks %q", want)
		}
	}
	r = c.get(page + "&start=2026-12-01")
	for _, want := range []string{"33.33 is the overall score", "higher than this period"} {
		if r.status != 200 || !strings.Contains(r.body, want) {
			t.Errorf("December (%d) lacks %q", r.status, want)
		}
	}
}

// The portfolio, its API and the owner's home judge the month in progress
// by its pace; the scorecard keeps it as measured. Worked by hand: May
// 2026 on a Monday-to-Friday calendar with 1 May a holiday has 20
// business days, 8 passed by Wednesday 13 May. A1's one KPI is proposals
// raised (target 10, threshold 2) and 3 are raised: as measured (3 − 2) /
// 8 → 12.50, off track; judged 3 × 20 / 8 = 7.5 → 8, (8 − 2) / 8 → 75.00,
// on track, standing good.
func TestPortfolioJudgesTheMonthByItsPace(t *testing.T) {
	t.Parallel()
	clock := storetest.NewClock(time.Date(2026, 5, 13, 10, 0, 0, 0, time.UTC))
	e := newEnvAt(t, "sqlite", clock.Now)
	f := e.f
	storetest.Activate(t, e.db, f.Owner, f.A1, func(terms *contract.Terms) {
		terms.Calendar.WorkDays = []int{1, 2, 3, 4, 5}
		terms.Calendar.Holidays = []string{"2026-05-01"}
		terms.KPIs = []contract.KPI{{Key: "raised", GoalKey: terms.Goals[0].Key, Metric: "proposals_raised", Name: "Proposals raised",
			Target: 10, Threshold: 2, Direction: "higher", Weight: 1, Period: "month"}}
	})
	for _, title := range []string{"Batch the lists", "Call earlier", "Share the script"} {
		if err := e.db.Proposals.Raise(ctx, f.VendorManager, &proposal.Proposal{EngagementID: f.A1, Kind: proposal.KindProposal, Title: title}); err != nil {
			t.Fatal(err)
		}
	}
	c := e.as(f.Owner)
	r := c.get("/portfolio")
	for _, want := range []string{">75.00", "projected from 8 of 20 business days", ">Good<"} {
		if !strings.Contains(r.body, want) {
			t.Errorf("portfolio lacks %q", want)
		}
	}
	// May as measured is only the trend's point "so far".
	for _, not := range []string{">12.50", "Proposals raised is off track"} {
		if strings.Contains(r.body, not) {
			t.Errorf("portfolio shows %q", not)
		}
	}
	if err := e.db.Accounts.SetLanguage(ctx, f.Manager.UserID, "ru"); err != nil {
		t.Fatal(err)
	}
	if r := e.as(f.Manager).get("/portfolio"); !strings.Contains(r.body, "прогноз по 8 из 20 рабочих дней") {
		t.Error("the Russian portfolio lacks its projection's note")
	}
	home := c.get("/").body
	for _, want := range []string{"projected from 8 of 20 business days", `<span class="stat-value">0</span> <span class="stat-label">engagements with a KPI off track`} {
		if !strings.Contains(home, want) {
			t.Errorf("the owner's home lacks %q", want)
		}
	}
	var pf struct {
		Items []struct {
			Total     *int
			Standing  *string
			Projected *struct {
				Elapsed int `json:"business_days_elapsed"`
				Total   int `json:"business_days"`
			}
			OffTrack []string `json:"off_track"`
			Trend    []struct{ Total *int }
		}
	}
	if r := getJSON(t, e, e.token(f.Owner), "", "/api/v1/portfolio", &pf); r.status != 200 || len(pf.Items) != 1 {
		t.Fatalf("portfolio API: %d %s", r.status, r.body)
	}
	it := pf.Items[0]
	intIs(t, "judged total", it.Total, 7500)
	intIs(t, "May as measured, in the trend", it.Trend[5].Total, 1250)
	if it.Projected == nil || it.Projected.Elapsed != 8 || it.Projected.Total != 20 || len(it.OffTrack) != 0 || ptrString(it.Standing) != "good" {
		t.Errorf("portfolio API item: %+v, projected %+v", it, it.Projected)
	}
	// The scorecard the portfolio links to shows May as measured, and
	// beside it where May heads at its pace, as the portfolio judged it.
	r = c.get(fmt.Sprintf("/engagements/%d/scorecard?period=month&start=2026-05-01", f.A1))
	if !strings.Contains(r.body, ">12.50<") {
		t.Error("the scorecard does not show May as measured")
	}
	_, pace, _ := strings.Cut(r.body, `id="pace"`)
	pace, _, _ = strings.Cut(pace, "</div>")
	for _, want := range []string{"75.00", ">Good<", "At the current pace", "projected from 8 of 20 business days"} {
		if !strings.Contains(pace, want) {
			t.Errorf("the scorecard's pace lacks %q", want)
		}
	}
	// April, ended, has none.
	if r := c.get(fmt.Sprintf("/engagements/%d/scorecard?period=month&start=2026-04-01", f.A1)); strings.Contains(r.body, `id="pace"`) {
		t.Error("an ended month is judged at a pace")
	}
	// Two weeks on, Wednesday 27 May, 18 of 20 days passed and still 3
	// raised: 3 × 20 / 18 = 3.33 → 3, 12.50, off track at the pace. The
	// partner's manager sees the KPI wait on him, said to be judged so.
	clock.Add(14 * 24 * time.Hour)
	vm := e.as(f.VendorManager).get("/").body
	for _, want := range []string{"Proposals raised", "May 2026, at the current pace"} {
		if !strings.Contains(vm, want) {
			t.Errorf("the partner manager's home lacks %q", want)
		}
	}
}
