package metric

import (
	"testing"

	"github.com/tandemhq/tandem/internal/fact"
	"github.com/tandemhq/tandem/internal/kpi"
)

// The sales metrics over one period, worked out by hand: 4 leads and 2
// meetings accepted; deals of 12 000,00 (30 days) and 8 000,00 (10 days)
// won, the second reversed; 3 deals lost; 3 customers gained (bases 0, 1,
// 2) and 1 lost (base 3).
func TestSalesMetricsByHand(t *testing.T) {
	t.Parallel()
	var sk kpi.Sketch
	sk.Add(30)
	sk.Add(10)
	a := Aggregates{
		string(fact.LeadAccepted):    {N: 4},
		string(fact.MeetingAccepted): {N: 2},
		string(fact.DealWonAccepted): {N: 2, SumValue: 40, SumAmount: 2000000, Sketch: &sk},
		string(fact.DealReversed):    {N: 1, SumAmount: -800000},
		string(fact.DealLost):        {N: 3},
		string(fact.CustomerGained):  {N: 3, SumValue: 3},
		string(fact.CustomerLost):    {N: 1, SumValue: 3},
	}
	want := map[string]kpi.Value{
		"qualified_leads":    kpi.Int(4),
		"meetings_held":      kpi.Int(2),
		"deals_won":          kpi.Int(1),
		"revenue":            kpi.Int(12000),
		"average_deal_size":  kpi.Int(12000),
		"sales_cycle_p50":    kpi.Int(10),
		"sales_cycle_p90":    kpi.Int(30),
		"win_rate":           kpi.Int(25),
		"conversion_rate":    kpi.Int(25),
		"client_churn":       kpi.Ratio(100, 3),
		"client_base_growth": kpi.Ratio(400, 3),
	}
	for key, w := range want {
		m, ok := Lookup(key)
		if !ok {
			t.Fatalf("%s not in the catalogue", key)
		}
		if v, ok := m.Value(a); !ok || v.Cmp(w) != 0 {
			t.Errorf("%s = %v (%v), want %v", key, v, ok, w)
		}
	}
	// No facts: no data. A reversal alone is a negative month; no deals won net: no average.
	for _, key := range []string{"qualified_leads", "deals_won", "revenue", "win_rate", "conversion_rate", "client_churn", "sales_cycle_p50"} {
		m, _ := Lookup(key)
		if v, ok := m.Value(Aggregates{}); ok {
			t.Errorf("%s has data without facts: %v", key, v)
		}
	}
	neg := Aggregates{string(fact.DealReversed): {N: 1, SumAmount: -800000}}
	for key, w := range map[string]kpi.Value{"deals_won": kpi.Int(-1), "revenue": kpi.Int(-8000)} {
		m, _ := Lookup(key)
		if v, ok := m.Value(neg); !ok || v.Cmp(w) != 0 {
			t.Errorf("%s of a reversal alone = %v (%v)", key, v, ok)
		}
	}
	if m, _ := Lookup("average_deal_size"); func() bool { _, ok := m.Value(neg); return ok }() {
		t.Error("average deal size without a deal won")
	}
	m, _ := Lookup("win_rate")
	if _, _, e := m.Explain(a); e.String() != "deals won ÷ (deals won + deals lost) × 100 = 1 ÷ (1 + 3) × 100 = 25" {
		t.Errorf("explain: %s", e)
	}
}
