package web_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
)

// The wire shapes of the KPI API, as a client reads them.
type kpiExactJSON struct {
	Decimal string `json:"decimal"`
	Num     int64  `json:"num"`
	Den     int64  `json:"den"`
}

type kpiPeriodJSON struct {
	Kind, Start, End, Label, Name string
}

type kpiRowJSON struct {
	Key, Name, Metric, Direction, Status string
	StatusLabel                          string `json:"status_label"`
	HasData                              bool   `json:"has_data"`
	Weight, Scale                        int
	Actual, Target, Threshold            *kpiExactJSON
	Score                                *int
	Explain                              string
}

type kpiScorecardJSON struct {
	EngagementID  int64 `json:"engagement_id"`
	Period        kpiPeriodJSON
	TermsVersion  *int `json:"terms_version"`
	Rows          []kpiRowJSON
	Total         *int
	Standing      *string
	StandingLabel *string `json:"standing_label"`
	Rule          string
}

// kpiAPIEnv is an engagement with two KPIs and three accepted deliverables
// on Wednesday 13 May 2026, 12:00 in Stockholm (the workspace's zone):
//
//   - "fta", monthly: first-time acceptance, target 90.00 %, threshold
//     50.00 %. Two of the three were accepted on their first submission:
//     2/3 = 200/3 % = 66.67 %. Score (200/3 − 50) / (90 − 50) × 100 =
//     (50/3) / 40 × 100 = 125/3 = 41.666… → 41.67 (4167 hundredths), at
//     risk (≥ 40.00, < 70.00). The only monthly KPI, so the weighted total
//     is 41.67 too: "poor" (≥ 40, < 60).
//   - "on-time", weekly: share on time, target 90.00 %, threshold 50.00 %.
//     All three were accepted before they were due: 3/3 = 100 %, score 100
//     (at or beyond the target). The week before has no facts: no data.
func kpiAPIEnv(t *testing.T, dialect string) *env {
	t.Helper()
	clock := storetest.NewClock(time.Date(2026, 5, 13, 10, 0, 0, 0, time.UTC))
	e := newEnvAt(t, dialect, clock.Now)
	f := e.f
	storetest.Activate(t, e.db, f.Owner, f.A1, func(terms *contract.Terms) {
		terms.Goals = []contract.Goal{{Key: "quality", Title: "Right first time"}}
		terms.KPIs = []contract.KPI{
			{Key: "fta", GoalKey: "quality", Metric: "first_time_acceptance", Name: "First-time acceptance",
				Target: 9000, Threshold: 5000, Scale: 2, Direction: "higher", Weight: 1, Period: "month"},
			{Key: "on-time", GoalKey: "quality", Metric: "on_time_share", Name: "On time",
				Target: 9000, Threshold: 5000, Scale: 2, Direction: "higher", Weight: 1, Period: "week"},
		}
	})
	v, err := e.db.Contracts.InForce(ctx, f.Owner, f.A1, tandem.DateOf(e.db.Now()))
	if err != nil {
		t.Fatal(err)
	}
	for i, returned := range []bool{false, true, false} {
		e.deliverAccepted(t, v.Terms.Services[0].Key, fmt.Sprintf("List %d", i+1), 48*time.Hour, returned)
	}
	return e
}

// getJSON calls the API and decodes a 200 answer into out.
func getJSON(t *testing.T, e *env, token, lang, path string, out any) resp {
	t.Helper()
	c := e.anon()
	c.lang = lang
	r := c.api("GET", path, token, "")
	if ct := r.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("GET %s: content type %q", path, ct)
	}
	if r.status == 200 && out != nil {
		if err := json.Unmarshal([]byte(r.body), out); err != nil {
			t.Fatalf("GET %s: %v\n%s", path, err, r.body)
		}
	}
	return r
}

func exact(t *testing.T, what string, got *kpiExactJSON, decimal string, num, den int64) {
	t.Helper()
	if got == nil {
		t.Errorf("%s: null, want %s (%d/%d)", what, decimal, num, den)
		return
	}
	if got.Decimal != decimal || got.Num != num || got.Den != den {
		t.Errorf("%s: %s (%d/%d), want %s (%d/%d)", what, got.Decimal, got.Num, got.Den, decimal, num, den)
	}
}

func intIs(t *testing.T, what string, got *int, want int) {
	t.Helper()
	if got == nil || *got != want {
		t.Errorf("%s: %v, want %d", what, ptrString(got), want)
	}
}

func ptrString[T any](p *T) string {
	if p == nil {
		return "null"
	}
	return fmt.Sprint(*p)
}

func TestAPIKPIScorecard(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			e := kpiAPIEnv(t, dialect)
			f := e.f
			owner := e.token(f.Owner)
			base := fmt.Sprintf("/api/v1/engagements/%d", f.A1)

			// The month: worked out by hand above.
			var sc kpiScorecardJSON
			if r := getJSON(t, e, owner, "", base+"/scorecard", &sc); r.status != 200 {
				t.Fatalf("scorecard: %d %s", r.status, r.body)
			}
			if sc.EngagementID != f.A1 || sc.Period != (kpiPeriodJSON{"month", "2026-05-01", "2026-05-31", "2026-05", "May 2026"}) {
				t.Errorf("period: %+v", sc.Period)
			}
			intIs(t, "terms version", sc.TermsVersion, 1)
			if len(sc.Rows) != 1 {
				t.Fatalf("monthly rows: %+v", sc.Rows)
			}
			row := sc.Rows[0]
			if row.Key != "fta" || row.Name != "First-time acceptance" || row.Metric != "first_time_acceptance" || !row.HasData || row.Weight != 1 || row.Scale != 2 {
				t.Errorf("row: %+v", row)
			}
			exact(t, "actual", row.Actual, "66.67", 200, 3)
			exact(t, "target", row.Target, "90.00", 90, 1)
			exact(t, "threshold", row.Threshold, "50.00", 50, 1)
			intIs(t, "score", row.Score, 4167)
			if row.Status != "at_risk" || row.StatusLabel != "At risk" {
				t.Errorf("status %q %q", row.Status, row.StatusLabel)
			}
			if want := base + "/scorecard/fta?period=month&start=2026-05-01"; row.Explain != want {
				t.Errorf("explain link %q, want %q", row.Explain, want)
			}
			intIs(t, "total", sc.Total, 4167)
			if ptrString(sc.Standing) != "poor" || ptrString(sc.StandingLabel) != "Poor" || !strings.Contains(sc.Rule, "100 at or beyond its target") {
				t.Errorf("standing %s %s, rule %q", ptrString(sc.Standing), ptrString(sc.StandingLabel), sc.Rule)
			}
			// The same month asked for by any of its days.
			var again kpiScorecardJSON
			getJSON(t, e, owner, "", base+"/scorecard?period=month&start=2026-05-31", &again)
			if again.Total == nil || *again.Total != 4167 || again.Period.Start != "2026-05-01" {
				t.Errorf("month by its last day: %+v", again)
			}

			// This week: 3 of 3 on time, 100.
			var week kpiScorecardJSON
			getJSON(t, e, owner, "", base+"/scorecard?period=week&start=2026-05-13", &week)
			if week.Period != (kpiPeriodJSON{"week", "2026-05-11", "2026-05-17", "2026-W20", "Week 20, 2026"}) || len(week.Rows) != 1 {
				t.Fatalf("week: %+v", week)
			}
			exact(t, "week actual", week.Rows[0].Actual, "100.00", 100, 1)
			intIs(t, "week score", week.Rows[0].Score, 10000)
			intIs(t, "week total", week.Total, 10000)
			if ptrString(week.Standing) != "excellent" || week.Rows[0].Status != "on_track" {
				t.Errorf("week standing %s, status %s", ptrString(week.Standing), week.Rows[0].Status)
			}

			// The week before has no facts: no data — not 0, not 100.
			var empty kpiScorecardJSON
			r := getJSON(t, e, owner, "", base+"/scorecard?period=week&start=2026-05-06", &empty)
			if r.status != 200 || empty.Period.Label != "2026-W19" || len(empty.Rows) != 1 {
				t.Fatalf("empty week: %d %s", r.status, r.body)
			}
			er := empty.Rows[0]
			if er.HasData || er.Actual != nil || er.Score != nil || er.Status != "no_data" || er.StatusLabel != "No data" ||
				empty.Total != nil || empty.Standing != nil || er.Target == nil {
				t.Errorf("a week without facts: %s", r.body)
			}
			for _, made := range []string{`"score":0`, `"score":10000`, `"total":0`, `"total":10000`} {
				if strings.Contains(r.body, made) {
					t.Errorf("a week without facts has %s", made)
				}
			}
		})
	}
}

func TestAPIKPIExplainTrendPortfolio(t *testing.T) {
	t.Parallel()
	e := kpiAPIEnv(t, "sqlite")
	f := e.f
	owner := e.token(f.Owner)
	base := fmt.Sprintf("/api/v1/engagements/%d", f.A1)

	// The figure explained: the arithmetic and the facts, with their ids.
	var x struct {
		Period       kpiPeriodJSON
		TermsVersion *int `json:"terms_version"`
		KPI          kpiRowJSON
		Steps        []struct{ Label, Expr, Result string }
		Facts        []struct {
			ID          int64
			Kind, Day   string
			SubjectID   int64 `json:"subject_id"`
			Subject     string
			Value       int64
			Flag        bool
			At          time.Time
			Data        map[string]any
			AmountMinor int64 `json:"amount_minor"`
			Currency    string
		}
		FactsTotal int `json:"facts_total"`
	}
	if r := getJSON(t, e, owner, "", base+"/scorecard/fta?period=month&start=2026-05-01", &x); r.status != 200 {
		t.Fatalf("explain: %d %s", r.status, r.body)
	}
	exact(t, "explained actual", x.KPI.Actual, "66.67", 200, 3)
	intIs(t, "explained score", x.KPI.Score, 4167)
	var steps []string
	for _, s := range x.Steps {
		steps = append(steps, s.Expr+" = "+s.Result)
	}
	for _, want := range []string{
		"accepted first time ÷ deliverable.accepted × 100 = 2 ÷ 3 × 100 = 200/3",
		"(actual − threshold) / (target − threshold) × 100 = (200/3 − 50.00) / (90.00 − 50.00) × 100 = 125/3",
		"round half up (125/3) = 41.67",
	} {
		if !slices.Contains(steps, want) {
			t.Errorf("steps lack %q:\n%s", want, strings.Join(steps, "\n"))
		}
	}
	if len(x.Steps) == 0 || x.Steps[0].Label != "Formula" {
		t.Errorf("steps are not labelled: %+v", x.Steps)
	}
	from, to := storetestDate(t, "2026-05-01"), storetestDate(t, "2026-06-01")
	stored, err := e.db.KPI.Facts(ctx, f.Owner, f.A1, []string{"deliverable.accepted"}, from, to, 100)
	if err != nil {
		t.Fatal(err)
	}
	if x.FactsTotal != 3 || len(x.Facts) != 3 || len(stored) != 3 {
		t.Fatalf("facts: %d listed of %d, %d stored", len(x.Facts), x.FactsTotal, len(stored))
	}
	firstTime := 0
	for i, fa := range x.Facts {
		if fa.ID != stored[i].ID || fa.Kind != "deliverable.accepted" || fa.Day != "2026-05-13" || fa.SubjectID != stored[i].SubjectID ||
			fa.Subject != fmt.Sprintf("/api/v1/deliverables/%d", fa.SubjectID) || fa.Value != 0 || fa.Data == nil {
			t.Errorf("fact %d: %+v", i, fa)
		}
		if fa.Flag {
			firstTime++
		}
	}
	if firstTime != 2 {
		t.Errorf("facts accepted first time: %d, want 2", firstTime)
	}
	if r := getJSON(t, e, owner, "", base+"/scorecard/nope", nil); r.status != 404 {
		t.Errorf("an unknown KPI: %d", r.status)
	}
	// A weekly KPI is not on the monthly scorecard.
	if r := getJSON(t, e, owner, "", base+"/scorecard/on-time?period=month", nil); r.status != 404 {
		t.Errorf("a weekly KPI explained monthly: %d", r.status)
	}

	// The trend: March and April without facts, May 41.67; the overall
	// score over the periods with data is May's.
	var tr struct {
		Kind    string
		Periods []kpiScorecardJSON
		Overall *int
	}
	if r := getJSON(t, e, owner, "", base+"/trend?period=month&n=3", &tr); r.status != 200 {
		t.Fatalf("trend: %d %s", r.status, r.body)
	}
	if tr.Kind != "month" || len(tr.Periods) != 3 || tr.Periods[0].Period.Label != "2026-03" || tr.Periods[2].Period.Label != "2026-05" {
		t.Fatalf("trend periods: %+v", tr)
	}
	if tr.Periods[0].Total != nil || tr.Periods[1].Total != nil || tr.Periods[1].Rows[0].Status != "no_data" {
		t.Errorf("months without facts have figures: %+v", tr.Periods[:2])
	}
	intIs(t, "May in the trend", tr.Periods[2].Total, 4167)
	intIs(t, "overall", tr.Overall, 4167)
	var def struct{ Periods []kpiScorecardJSON }
	getJSON(t, e, owner, "", base+"/trend", &def)
	if len(def.Periods) != 6 {
		t.Errorf("default trend: %d periods", len(def.Periods))
	}
	var weeks struct{ Periods []kpiScorecardJSON }
	if r := getJSON(t, e, owner, "", base+"/trend?period=week&n=52", &weeks); r.status != 200 || len(weeks.Periods) != 52 ||
		weeks.Periods[51].Period.Label != "2026-W20" || weeks.Periods[50].Total != nil {
		t.Errorf("52 weeks: %d periods", len(weeks.Periods))
	}

	// The portfolio: A1 is the only engagement that is not a draft.
	type portfolio struct {
		Period kpiPeriodJSON
		Items  []struct {
			EngagementID int64 `json:"engagement_id"`
			Title        string
			PartnerName  string `json:"partner_name"`
			Status       string
			Total        *int
			Standing     *string
			Trend        []struct {
				Label string
				Total *int
			}
			OffTrack []string `json:"off_track"`
			Overdue  int
		}
	}
	var pf portfolio
	if r := getJSON(t, e, owner, "", "/api/v1/portfolio", &pf); r.status != 200 {
		t.Fatalf("portfolio: %d %s", r.status, r.body)
	}
	if pf.Period.Label != "2026-05" || len(pf.Items) != 1 {
		t.Fatalf("portfolio: %+v", pf)
	}
	it := pf.Items[0]
	if it.EngagementID != f.A1 || it.Title != "Alpha outbound" || it.PartnerName != "Alpha Sales AB" || it.Status != "active" ||
		ptrString(it.Standing) != "poor" || len(it.Trend) != 6 || it.Trend[0].Label != "2025-12" || it.Trend[4].Total != nil ||
		len(it.OffTrack) != 0 || it.Overdue != 0 {
		t.Errorf("portfolio item: %+v", it)
	}
	intIs(t, "portfolio total", it.Total, 4167)
	intIs(t, "portfolio trend, May", it.Trend[5].Total, 4167)
	// The partner's agent sees its own engagement.
	var agent portfolio
	getJSON(t, e, e.token(f.VendorAgent), "", "/api/v1/portfolio", &agent)
	if len(agent.Items) != 1 || agent.Items[0].EngagementID != f.A1 {
		t.Errorf("agent's portfolio: %+v", agent.Items)
	}
}

// Partner B cannot reach partner A's scorecards, not even through the
// portfolio; the answer is the 404 of a record that does not exist.
func TestAPIKPIPartnerBSeesNothingOfA(t *testing.T) {
	t.Parallel()
	e := kpiAPIEnv(t, "sqlite")
	f := e.f
	b := e.token(f.VendorManagerB)
	base := fmt.Sprintf("/api/v1/engagements/%d", f.A1)
	notFound := getJSON(t, e, b, "", "/api/v1/engagements/999999/scorecard", nil)
	for _, p := range []string{base + "/scorecard", base + "/scorecard/fta?period=month", base + "/trend", base + "/scorecard?period=week"} {
		r := getJSON(t, e, b, "", p, nil)
		if r.status != 404 || r.body != notFound.body || strings.Contains(r.body, "Alpha") {
			t.Errorf("partner B GET %s: %d %s", p, r.status, r.body)
		}
	}
	r := getJSON(t, e, b, "", "/api/v1/portfolio", nil)
	if r.status != 200 || strings.Contains(r.body, "Alpha") || !strings.Contains(r.body, `"items":[]`) {
		t.Errorf("partner B's portfolio: %d %s", r.status, r.body)
	}
}

// Bad parameters are 422 with the field and a message in the caller's
// language.
func TestAPIKPIInvalidParameters(t *testing.T) {
	t.Parallel()
	e := kpiAPIEnv(t, "sqlite")
	f := e.f
	owner := e.token(f.Owner)
	base := fmt.Sprintf("/api/v1/engagements/%d", f.A1)
	cat := i18n.MustLoad()
	for _, c := range []struct {
		lang       i18n.Lang
		path       string
		field, key string
		args       []any
	}{
		{i18n.EN, base + "/scorecard?period=year", "period", "validation.one_of", nil},
		{i18n.SV, base + "/scorecard?period=fortnight", "period", "validation.one_of", nil},
		{i18n.RU, base + "/scorecard/fta?period=day", "period", "validation.one_of", nil},
		{i18n.RU, base + "/trend?period=decade", "period", "validation.one_of", nil},
		{i18n.EN, base + "/scorecard?start=13.05.2026", "start", "validation.date", nil},
		{i18n.SV, base + "/scorecard/fta?start=2026-02-30", "start", "validation.date", nil},
		{i18n.EN, base + "/trend?n=53", "n", "import.cell.int_range", []any{"min", 1, "max", 52}},
		{i18n.RU, base + "/trend?n=0", "n", "import.cell.int_range", []any{"min", 1, "max", 52}},
		{i18n.EN, base + "/trend?n=six", "n", "import.cell.int_range", []any{"min", 1, "max", 52}},
	} {
		r := getJSON(t, e, owner, string(c.lang), c.path, nil)
		var body struct {
			Error struct {
				Code   string
				Fields []struct{ Field, Message string }
			}
		}
		_ = json.Unmarshal([]byte(r.body), &body)
		msg := cat.For(c.lang, nil).T(c.key, c.args...)
		if r.status != 422 || body.Error.Code != "invalid" || len(body.Error.Fields) != 1 ||
			body.Error.Fields[0].Field != c.field || body.Error.Fields[0].Message != msg {
			t.Errorf("%s GET %s: %d %s; want 422 %s %q", c.lang, c.path, r.status, r.body, c.field, msg)
		}
	}
}

// The catalogue: every metric a KPI may use, labelled in the caller's
// language, with the facts it reads and its formula.
func TestAPIKPIMetrics(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sqlite")
	var out struct {
		Items []struct {
			Key, Label, Formula string
			Activity            bool
			HasSource           bool `json:"has_source"`
			Kinds               []string
			UsesSketch          bool `json:"uses_sketch"`
			DefaultScale        int  `json:"default_scale"`
		}
	}
	if r := getJSON(t, e, e.token(e.f.VendorAgent), "ru", "/api/v1/metrics", &out); r.status != 200 {
		t.Fatalf("metrics: %d %s", r.status, r.body)
	}
	if len(out.Items) != len(contract.Metrics) {
		t.Fatalf("%d metrics, want %d", len(out.Items), len(contract.Metrics))
	}
	ru := i18n.MustLoad().For(i18n.RU, nil)
	seen := 0
	for _, m := range out.Items {
		if m.Label != ru.T(string(contract.MetricLabel(m.Key))) || m.Label == "" || strings.HasPrefix(m.Label, "⟦") {
			t.Errorf("%s: label %q", m.Key, m.Label)
		}
		if m.Activity != contract.IsActivityMetric(m.Key) || m.Kinds == nil {
			t.Errorf("%s: %+v", m.Key, m)
		}
		switch m.Key {
		case "first_time_acceptance":
			seen++
			if !m.HasSource || !slices.Equal(m.Kinds, []string{"deliverable.accepted"}) || m.Formula != "accepted first time ÷ deliverable.accepted × 100" || m.DefaultScale != 2 {
				t.Errorf("first_time_acceptance: %+v", m)
			}
		case "lead_time_p90":
			seen++
			if !m.UsesSketch || !m.HasSource {
				t.Errorf("lead_time_p90: %+v", m)
			}
		case "hours_worked":
			seen++
			if !m.Activity || m.HasSource || len(m.Kinds) != 0 {
				t.Errorf("hours_worked: %+v", m)
			}
		}
	}
	if seen != 3 {
		t.Errorf("saw %d of the checked metrics", seen)
	}
}
