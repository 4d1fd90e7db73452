package forecast

import (
	"strings"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/invoice"
	"github.com/tandemhq/tandem/internal/kpi"
)

// June 2026 in Stockholm: Monday 1 to Tuesday 30, 22 weekdays; with
// Midsummer Eve (Friday 19) a holiday, 21 business days. Wednesday 10 is
// the 8th: 1–5 and 8–10.
func june(t *testing.T) kpi.Period {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Stockholm")
	if err != nil {
		t.Fatal(err)
	}
	return kpi.PeriodOf(kpi.Month, time.Date(2026, 6, 10, 12, 0, 0, 0, loc), loc)
}

var cal = contract.Calendar{WorkDays: []int{1, 2, 3, 4, 5}, Holidays: []string{"2026-06-19"}}

func TestPaceOf(t *testing.T) {
	t.Parallel()
	p := june(t)
	for _, c := range []struct {
		today          string
		elapsed, total int
	}{
		{"2026-06-10", 8, 21},
		{"2026-05-31", 0, 21}, // before the period: no pace
		{"2026-06-01", 1, 21},
		{"2026-06-19", 14, 21}, // the holiday itself does not count
		{"2026-06-30", 21, 21},
	} {
		if got := PaceOf(cal, p, c.today); got.Elapsed != c.elapsed || got.Total != c.total {
			t.Errorf("%s: pace %+v, want %d of %d", c.today, got, c.elapsed, c.total)
		}
	}
	// Sunday as 7, Saturday and Sunday work days: all 30 days less the holiday.
	all := contract.Calendar{WorkDays: []int{1, 2, 3, 4, 5, 6, 7}, Holidays: []string{"2026-06-19"}}
	if got := PaceOf(all, p, "2026-06-07"); got.Elapsed != 7 || got.Total != 29 {
		t.Errorf("seven-day week: %+v, want 7 of 29", got)
	}
	if got := (Pace{}); got.Known() {
		t.Error("no elapsed day is no pace")
	}
}

func TestProjectCount(t *testing.T) {
	t.Parallel()
	// 12 leads after 8 of 21: 12 × 21 ÷ 8 = 31.5 → 32 (half up).
	// √12 = 3.4641016…, × 1.64 = 5.6811266…; (12 − 5.6811…) × 21 ÷ 8 =
	// 16.587… → 17; (12 + 5.6811…) × 21 ÷ 8 = 46.412… → 46.
	got := ProjectCount(12, Pace{8, 21})
	if got != (Count{Measured: 12, Projected: 32, Low: 17, High: 46}) {
		t.Errorf("12 after 8 of 21: %+v", got)
	}
	// 1 lead after 20 of 21: 1.05 → 1; (1 − 1.64) × 1.05 < 1: low stays 1;
	// (1 + 1.64) × 1.05 = 2.772 → 3.
	if got := ProjectCount(1, Pace{20, 21}); got != (Count{1, 1, 1, 3}) {
		t.Errorf("1 after 20 of 21: %+v", got)
	}
	// no pace, no events: as measured
	if got := ProjectCount(5, Pace{0, 21}); got != (Count{5, 5, 5, 5}) {
		t.Errorf("no pace: %+v", got)
	}
	if got := ProjectCount(0, Pace{8, 21}); got != (Count{}) {
		t.Errorf("nothing yet: %+v", got)
	}
}

func leadsKPI() contract.KPI {
	return contract.KPI{Key: "leads", Metric: "qualified_leads", Target: 30, Threshold: 10, Direction: "higher", Weight: 1, Period: "month"}
}

func onTimeKPI() contract.KPI {
	return contract.KPI{Key: "on_time", Metric: "on_time_share", Target: 9000, Threshold: 5000, Scale: 2, Direction: "higher",
		Weight: 1, Period: "month"}
}

func results(n int, unit, day string, revenue ...int64) []invoice.Result {
	var out []invoice.Result
	for i := range n {
		r := invoice.Result{Ref: "fact:" + unit + string(rune('a'+i)), Unit: unit, Day: day}
		if i < len(revenue) {
			r.RevenueMinor = revenue[i]
		}
		out = append(out, r)
	}
	return out
}

func TestProject(t *testing.T) {
	t.Parallel()
	p := june(t)
	// 10 000.00 kr a month, 500.00 kr a qualified lead, VAT 25 %.
	v := contract.Version{Number: 1, EffectiveFrom: "2026-01-01", Terms: contract.Terms{Price: contract.Price{Currency: "SEK",
		Period: "month", Components: []contract.PriceComponent{{Kind: "fixed", AmountMinor: 1000000},
			{Kind: "per_result", Unit: "qualified_lead", AmountMinor: 50000}}}}}
	in := Input{Today: "2026-06-10", Pace: Pace{8, 21},
		KPIs: []KPIIn{
			{KPI: leadsKPI(), Actual: kpi.Int(12), HasData: true, Scales: true, Events: 12},
			{KPI: onTimeKPI(), Actual: kpi.Int(80), HasData: true}, // 80 %: stays
		},
		Invoice: &invoice.Input{Period: p, Versions: []contract.Version{v}, VATBP: 2500,
			Results: results(12, "qualified_lead", "2026-06-03")},
	}
	f, err := Project(in)
	if err != nil {
		t.Fatal(err)
	}
	// Leads: 32 (17 to 46); scores (32 − 10) ÷ 20 → 100.00, 17 → 35.00, 46 → 100.00.
	l := f.KPIs[0]
	if l.Projected != kpi.Int(32) || l.Low != kpi.Int(17) || l.High != kpi.Int(46) || !l.Scored || l.Score != 10000 ||
		l.LowScore != 3500 || l.HighScore != 10000 {
		t.Errorf("leads: %+v", l)
	}
	// On time: 80 % stays, (80 − 50) ÷ 40 → 75.00, no band.
	o := f.KPIs[1]
	if o.Projected != kpi.Int(80) || o.Low != o.Projected || o.High != o.Projected || o.Score != 7500 {
		t.Errorf("on time: %+v", o)
	}
	// Total (100 + 75) ÷ 2 = 87.50.
	if !f.HasTotal || f.Total != 8750 {
		t.Errorf("total %d (%v), want 8750", f.Total, f.HasTotal)
	}
	// Measured: 10 000 + 12 × 500 = 16 000.00 + 25 % = 20 000.00.
	// Projected: 10 000 + 32 × 500 = 26 000.00 + 6 500.00 = 32 500.00.
	// Low 17 leads: 18 500.00 × 1.25 = 23 125.00; high 46: 33 000.00 × 1.25 = 41 250.00.
	if f.Measured.TotalMinor != 2000000 || f.Projected.TotalMinor != 3250000 || f.LowMinor != 2312500 || f.HighMinor != 4125000 {
		t.Errorf("invoice: measured %d, projected %d (%d to %d)", f.Measured.TotalMinor, f.Projected.TotalMinor, f.LowMinor, f.HighMinor)
	}
	for _, l := range f.Projected.Lines {
		if l.Kind == invoice.KindResult && (l.Quantity.Num != 32 || len(l.Refs) != 32 || !strings.HasPrefix(l.Refs[31], RefPrefix)) {
			t.Errorf("leads line: %+v", l.Quantity)
		}
	}
}

func TestProjectInputs(t *testing.T) {
	t.Parallel()
	p := june(t)
	in := invoice.Input{Period: p,
		// 3 deals of 100.00, 200.00 and 400.00: 3 × 21 ÷ 8 = 7.875 → 8, 5
		// more at 700.00 ÷ 3 × 5 = 1 166.666… → 1 166.67, four of 233.33
		// and the last 233.35.
		Results: results(3, "deal", "2026-06-02", 10000, 20000, 40000),
		// 600 minutes × 21 ÷ 8 = 1 575: 975 more.
		Time: []invoice.TimeEntry{{Ref: "time:1", Person: "Ann", Day: "2026-06-04", Minutes: 600}},
		// 2 breaches: 5.25 → 5, 3 more.
		Breaches: []invoice.Breach{{Ref: "fact:b1", Day: "2026-06-02", Service: "s", Clock: "response"},
			{Ref: "fact:b2", Day: "2026-06-03", Service: "s", Clock: "response"}},
		// 1 penalty of 150.00: 2.625 → 3, 2 more of 150.00.
		Penalties: []invoice.Penalty{{Ref: "fact:p1", Day: "2026-06-05", AmountMinor: 15000}},
	}
	out := project(in, Pace{8, 21}, "2026-06-10", mid)
	var extra []int64
	for _, r := range out.Results[3:] {
		if r.Day != "2026-06-10" || r.Unit != "deal" {
			t.Errorf("extra deal %+v", r)
		}
		extra = append(extra, r.RevenueMinor)
	}
	if len(extra) != 5 || extra[0] != 23333 || extra[4] != 23335 {
		t.Errorf("extra deals' revenue %v, want 4 × 23333 and 23335", extra)
	}
	if len(out.Time) != 2 || out.Time[1].Minutes != 975 || out.Time[1].Person != "Ann" {
		t.Errorf("time %+v", out.Time)
	}
	if len(out.Breaches) != 5 || len(out.Penalties) != 3 || out.Penalties[2].AmountMinor != 15000 {
		t.Errorf("breaches %d, penalties %+v", len(out.Breaches), out.Penalties)
	}
	if len(in.Results) != 3 || len(in.Time) != 1 {
		t.Error("project changed its input")
	}
}

func TestProjectRevenueKPI(t *testing.T) {
	t.Parallel()
	// Revenue 700.00 from 4 deals after 8 of 21: 1 837.50; band ± 1.64 ÷ √4
	// = 82 %: 700 × 0.18 × 2.625 = 330.75 and 700 × 1.82 × 2.625 = 3 344.25.
	k := KPIIn{KPI: contract.KPI{Key: "rev", Metric: "revenue", Target: 200000, Threshold: 0, Scale: 2, Direction: "higher", Weight: 1},
		Actual: kpi.Ratio(70000, 100), HasData: true, Scales: true, Events: 4}
	x := projectKPI(k, Pace{8, 21})
	if x.Projected != kpi.Ratio(183750, 100) || x.Low != kpi.Int(700) || x.High != kpi.Ratio(334425, 100) {
		t.Errorf("revenue: %v (%v to %v)", x.Projected, x.Low, x.High)
	}
}
