package web_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/tandemhq/tandem/internal/i18n"
)

// A browser test opens the portfolio, drills into an engagement's
// scorecard, and follows a figure to its facts. The figures are those of
// kpiAPIEnv, worked out by hand there: first-time acceptance 2/3 = 66.67 %,
// score (200/3 − 50) / (90 − 50) × 100 = 125/3 → 41.67, standing Poor.
func TestBrowserPortfolioScorecardFacts(t *testing.T) {
	t.Parallel()
	e := kpiAPIEnv(t, "sqlite")
	f := e.f
	l := browserCatalog.For(i18n.EN, nil)
	// First-time acceptance is a share: its actual carries a percent sign.
	actual, score := l.PercentValue(6667, 2), l.Decimal(4167, 2)
	if actual != "66.67%" || score != "41.67" {
		t.Fatalf("English decimals: %s %s", actual, score)
	}
	// The portfolio shows this month; its row leads to this month's scorecard.
	scorecard := fmt.Sprintf("/engagements/%d/scorecard?period=month&start=%s", f.A1, e.db.Now().Format("2006-01")+"-01")
	b := newBrowser(t, e)
	b.signIn("owner@example.com")

	// The portfolio, through the main navigation: one live engagement.
	if st := b.click(`nav.mainnav a[href="/portfolio"]`); st != 200 {
		t.Fatalf("portfolio: status %d", st)
	}
	if loc := b.location(); loc != "/portfolio" {
		t.Fatalf("the nav link led to %s", loc)
	}
	if n := b.count("#portfolio tbody tr"); n != 1 {
		t.Fatalf("portfolio rows: %d, want 1", n)
	}
	b.wantText("#portfolio tbody tr td", score)
	b.wantText("#portfolio tbody tr .badge", b.msg(i18n.EN, "kpi.standing.poor"))
	if n := b.count("#portfolio svg.chart title"); n != 1 {
		t.Errorf("the trend chart has %d titles", n)
	}
	b.shot("30-portfolio")

	// Drill into the engagement's scorecard.
	if st := b.click(`#portfolio a[href="` + scorecard + `"]`); st != 200 {
		t.Fatalf("scorecard: status %d", st)
	}
	if loc := b.location(); loc != scorecard {
		t.Fatalf("the engagement link led to %s", loc)
	}
	if n := b.count("#kpis tbody tr"); n != 1 {
		t.Fatalf("KPI rows: %d, want 1", n)
	}
	if th := b.text("#kpi-fta th"); !strings.HasPrefix(th, "First-time acceptance") || !strings.Contains(th, b.msg(i18n.EN, "contract.metric.first_time_acceptance")) {
		t.Errorf("the KPI row is headed %q", th)
	}
	b.wantText("#kpi-fta td a.figure", actual)
	b.wantText("#kpi-fta a.score", score)
	b.wantText("#kpi-fta .badge", b.msg(i18n.EN, "kpi.status.at_risk"))
	b.wantText("#total .stat-value", score)
	b.wantText("#standing .badge", b.msg(i18n.EN, "kpi.standing.poor"))
	b.shot("31-scorecard")

	// Follow the score to the facts and the arithmetic.
	explain := fmt.Sprintf("/engagements/%d/scorecard/fta?period=month&start=2026-05-01", f.A1)
	if href := b.attr("#kpi-fta a.score", "href"); href != explain {
		t.Errorf("the score links to %s, want %s", href, explain)
	}
	if st := b.click("#kpi-fta a.score"); st != 200 {
		t.Fatalf("explanation: status %d", st)
	}
	if loc := b.location(); loc != explain {
		t.Fatalf("the score led to %s", loc)
	}
	b.wantText("#actual", actual)
	b.wantText("#score", score)
	b.wantText("section:has(#facts) h2", b.msgN(i18n.EN, "scorecard.facts", 3))
	if n := b.count("#facts tbody tr"); n != 3 {
		t.Fatalf("facts behind the figure: %d rows, want 3", n)
	}
	// Every row is an accepted deliverable, two of them accepted the first time.
	kinds := evalAs[[]string](b, `[...document.querySelectorAll("#facts tbody tr td:nth-child(2)")].map(td => td.textContent.trim())`)
	flags := evalAs[[]string](b, `[...document.querySelectorAll("#facts tbody tr td:nth-child(4)")].map(td => td.textContent.trim())`)
	yes := 0
	for i := range kinds {
		if kinds[i] != b.msg(i18n.EN, "fact.kind.deliverable.accepted") {
			t.Errorf("fact %d is %q", i, kinds[i])
		}
		if flags[i] == b.msg(i18n.EN, "common.yes") {
			yes++
		}
	}
	if yes != 2 {
		t.Errorf("facts accepted the first time: %d of %v, want 2", yes, flags)
	}
	// Each fact links to its deliverable; no raw key or bare id shows.
	if txt := b.text("main"); strings.Contains(txt, "deliverable.accepted") || strings.Contains(txt, "on_track") || strings.Contains(txt, "#1") {
		t.Errorf("the explanation shows a raw key or id:\n%s", txt)
	}
	if n := b.count(`#facts tbody tr td a[href^="/deliverables/"]`); n != 3 {
		t.Errorf("facts linked to their deliverables: %d", n)
	}
	// The arithmetic, with the numbers substituted.
	steps := b.text("#steps")
	for _, want := range []string{
		"accepted first time ÷ deliverable accepted × 100 = 2 ÷ 3 × 100 = 200/3",
		"(actual − threshold) / (target − threshold) × 100 = (200/3 − 50.00) / (90.00 − 50.00) × 100 = 125/3",
		"round half up (125/3) = 41.67",
	} {
		if !strings.Contains(steps, want) {
			t.Errorf("the arithmetic lacks %q:\n%s", want, steps)
		}
	}
	b.shot("32-explanation")
}
