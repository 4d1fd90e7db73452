package metric

import (
	"github.com/tandemhq/tandem/internal/fact"
	"github.com/tandemhq/tandem/internal/kpi"
)

// The metrics of outsourced sales. They read only the facts of accepted
// results (package sales: a claim accepted by the client or by the window
// running out), so a claim still open or disputed counts nowhere.
//
//   - qualified_leads, meetings_held: accepted claims of the period.
//   - deals_won: accepted won deals minus reversals recorded in the period
//     (a reversal counts in the period it is recorded, as a negative
//     result; a period may go below zero).
//   - revenue: Σ revenue of the deals won minus the reversed ones, in the
//     currency's major units (two minor digits, as SEK, EUR, USD and RUB).
//   - average_deal_size: revenue ÷ deals_won (net); no data at 0 deals.
//   - sales_cycle_p50, sales_cycle_p90: the median and 90th percentile of
//     the days from a deal's opening to its win, of the deals won in the
//     period (from the per-day sketch; a later reversal does not remove a
//     deal from the sketch).
//   - win_rate: deals won (net) ÷ (deals won (net) + deals lost) × 100.
//   - conversion_rate: deals won (net) ÷ qualified leads × 100, both of the
//     period (the template's KPI, usually quarterly).
//   - client_churn: customers lost ÷ the customer base they were lost from
//     × 100, where the base is the mean, over the period's losses, of the
//     engagement's customers just before each loss: n² × 100 ÷ Σbase. With
//     one loss it is exactly lost ÷ customers before it; the per-day sums
//     keep no order, so "customers at the period's start" is approximated
//     by that mean.
//   - client_base_growth: (gained − lost) ÷ the mean base before each change
//     × 100; no data while the base before every change was empty.
func init() {
	lead, meet, won, rev, lost := string(fact.LeadAccepted), string(fact.MeetingAccepted), string(fact.DealWonAccepted),
		string(fact.DealReversed), string(fact.DealLost)
	gained, churned := string(fact.CustomerGained), string(fact.CustomerLost)
	netWon := func(a Aggregates) int64 { return a[won].N - a[rev].N }
	netRevenue := func(a Aggregates) int64 { return a[won].SumAmount + a[rev].SumAmount }
	has := func(a Aggregates, kinds ...string) bool {
		for _, k := range kinds {
			if a[k].N > 0 {
				return true
			}
		}
		return false
	}
	for _, m := range []Metric{
		Count("qualified_leads", lead, "qualified leads accepted", n),
		Count("meetings_held", meet, "meetings held accepted", n),
		{Key: "deals_won", Kinds: []string{won, rev}, Formula: "deals won − deals reversed", Extensive: true,
			events: func(a Aggregates) int64 { return a[won].N + a[rev].N },
			compute: func(a Aggregates) (kpi.Value, string, bool) {
				if !has(a, won, rev) {
					return kpi.Value{}, "", false
				}
				return kpi.Int(netWon(a)), i64(a[won].N) + " − " + i64(a[rev].N), true
			}},
		{Key: "revenue", Kinds: []string{won, rev}, Formula: "(Σ revenue won − Σ revenue reversed) ÷ 100", Extensive: true,
			events: func(a Aggregates) int64 { return a[won].N + a[rev].N },
			compute: func(a Aggregates) (kpi.Value, string, bool) {
				if !has(a, won, rev) {
					return kpi.Value{}, "", false
				}
				return kpi.Ratio(netRevenue(a), 100), "(" + i64(a[won].SumAmount) + " − " + i64(-a[rev].SumAmount) + ") ÷ 100", true
			}},
		{Key: "average_deal_size", Kinds: []string{won, rev}, Formula: "revenue ÷ deals won",
			compute: func(a Aggregates) (kpi.Value, string, bool) {
				d := netWon(a)
				if d <= 0 {
					return kpi.Value{}, "", false
				}
				return kpi.Ratio(netRevenue(a), 100*d), i64(netRevenue(a)) + " ÷ 100 ÷ " + i64(d), true
			}},
		Quantile("sales_cycle_p50", won, "sales cycle p50 (days)", 1, 2),
		Quantile("sales_cycle_p90", won, "sales cycle p90 (days)", 9, 10),
		{Key: "win_rate", Percent: true, Kinds: []string{won, rev, lost}, Formula: "deals won ÷ (deals won + deals lost) × 100",
			compute: func(a Aggregates) (kpi.Value, string, bool) {
				w, l := netWon(a), a[lost].N
				if w < 0 {
					w = 0
				}
				if w+l == 0 {
					return kpi.Value{}, "", false
				}
				return kpi.Ratio(100*w, w+l), i64(w) + " ÷ (" + i64(w) + " + " + i64(l) + ") × 100", true
			}},
		{Key: "conversion_rate", Percent: true, Kinds: []string{won, rev, lead}, Formula: "deals won ÷ qualified leads × 100",
			compute: func(a Aggregates) (kpi.Value, string, bool) {
				l := a[lead].N
				if l == 0 {
					return kpi.Value{}, "", false
				}
				return kpi.Ratio(100*netWon(a), l), i64(netWon(a)) + " ÷ " + i64(l) + " × 100", true
			}},
		{Key: "client_churn", Percent: true, Kinds: []string{churned}, Formula: "lost² × 100 ÷ Σ customers before each loss",
			compute: func(a Aggregates) (kpi.Value, string, bool) {
				s := a[churned]
				if s.N == 0 || s.SumValue <= 0 {
					return kpi.Value{}, "", false
				}
				return kpi.Ratio(100*s.N*s.N, s.SumValue), i64(s.N) + "² × 100 ÷ " + i64(s.SumValue), true
			}},
		{Key: "client_base_growth", Percent: true, Kinds: []string{gained, churned}, Formula: "(gained − lost) × changes × 100 ÷ Σ customers before each change",
			compute: func(a Aggregates) (kpi.Value, string, bool) {
				g, l := a[gained], a[churned]
				base := g.SumValue + l.SumValue
				if g.N+l.N == 0 || base <= 0 {
					return kpi.Value{}, "", false
				}
				return kpi.Ratio(100*(g.N-l.N)*(g.N+l.N), base),
					"(" + i64(g.N) + " − " + i64(l.N) + ") × " + i64(g.N+l.N) + " × 100 ÷ " + i64(base), true
			}},
	} {
		register(m)
	}
}
