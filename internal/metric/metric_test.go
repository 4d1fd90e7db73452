package metric

import (
	"testing"

	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/fact"
	"github.com/tandemhq/tandem/internal/kpi"
)

// Three deliverables accepted with lateness 0, 2, 1, the first two first
// time, one returned: figures worked out by hand.
func TestCatalogueByHand(t *testing.T) {
	t.Parallel()
	var sk kpi.Sketch
	for _, v := range []int64{100, 200, 50} {
		sk.Add(v)
	}
	a := Aggregates{
		"deliverable.accepted": {N: 3, SumValue: 3, SumSqValue: 5, SumFlag: 2, NZero: 1, Sketch: &sk},
		"deliverable.returned": {N: 1},
		"proposal.raised":      {N: 3, SumFlag: 1},
		"penalty.late_notice":  {N: 2, SumAmount: 100000},
	}
	want := map[string]kpi.Value{
		"on_time_share":           kpi.Ratio(100, 3),
		"first_time_acceptance":   kpi.Ratio(200, 3),
		"returns_per_deliverable": kpi.Ratio(1, 3),
		"lateness_spread":         {Num: 816496580927, Den: 1e12}, // sqrt(2/3) = 0.816496580927726…, truncated to 12 decimals
		"lead_time_p50":           kpi.Int(100),
		"lead_time_p90":           kpi.Int(200),
		"proposals_raised":        kpi.Int(2),
		"risk_warnings_raised":    kpi.Int(1),
		"penalties_incurred":      kpi.Int(2),
	}
	for key, w := range want {
		m, ok := Lookup(key)
		if !ok {
			t.Fatalf("%s not in the catalogue", key)
		}
		v, ok := m.Value(a)
		if !ok || v.Cmp(w) != 0 {
			t.Errorf("%s = %v (%v), want %v", key, v, ok, w)
		}
	}
	// No facts: no data, never 0.
	for _, key := range []string{"sla_response_compliance", "notice_timeliness", "proposals_accepted", "qualified_leads", "csat"} {
		m, _ := Lookup(key)
		if v, ok := m.Value(a); ok {
			t.Errorf("%s has data: %v", key, v)
		}
	}
	m, _ := Lookup("first_time_acceptance")
	if _, _, e := m.Explain(a); e.String() != "accepted first time ÷ deliverable.accepted × 100 = 2 ÷ 3 × 100 = 200/3" {
		t.Errorf("explain: %s", e)
	}
	// Every result metric has an entry; the catalogue lists only those with facts.
	for _, k := range contract.Metrics {
		if _, ok := Lookup(k); !ok {
			t.Errorf("%s missing", k)
		}
	}
	if len(Catalogue()) != 28 {
		t.Errorf("catalogue: %d", len(Catalogue()))
	}
	if _, ok := Lookup("nope"); ok {
		t.Error("unknown metric found")
	}
}

// Three calls of 60, 120 and 300 s, one reaching a decision maker; two
// proposals sent; four follow-ups done, three on time: worked by hand.
func TestSalesActivityMetricsByHand(t *testing.T) {
	t.Parallel()
	a := Aggregates{
		string(fact.CallMade):               {N: 3, SumValue: 480, SumFlag: 1},
		string(fact.CommercialProposalSent): {N: 2, SumAmount: 9_000_000},
		string(fact.FollowUpDone):           {N: 4, SumFlag: 3, SumValue: 3600},
	}
	for key, w := range map[string]kpi.Value{
		"calls_made":                   kpi.Int(3),
		"decision_maker_conversations": kpi.Int(1),
		"proposals_sent":               kpi.Int(2),
		"follow_ups_on_time":           kpi.Int(75),
	} {
		m, _ := Lookup(key)
		if v, ok := m.Value(a); !ok || v.Cmp(w) != 0 {
			t.Errorf("%s = %v (%v), want %v", key, v, ok, w)
		}
	}
	if !contract.IsActivityMetric("decision_maker_conversations") || contract.IsActivityMetric("follow_ups_on_time") {
		t.Error("calls and conversations are activity metrics; follow-ups on time a result")
	}
	m, _ := Lookup("follow_ups_on_time")
	if v, ok := m.Value(Aggregates{}); ok {
		t.Errorf("no follow-ups: %v, want no data", v)
	}
}

// Every kind a metric of the catalogue reads is a kind of the fact
// catalogue: a metric never waits for facts that nothing produces.
func TestMetricsReadCatalogueKinds(t *testing.T) {
	t.Parallel()
	for _, m := range Catalogue() {
		for _, k := range m.Kinds {
			if !fact.Known(fact.Kind(k)) {
				t.Errorf("%s reads %q, which no producer records", m.Key, k)
			}
		}
	}
	for _, k := range Kinds {
		s, ok := fact.Lookup(fact.Kind(k.Name))
		if !ok || s.Squares != k.Squares || s.SketchField != k.SketchField {
			t.Errorf("aggregation of %s differs from its spec", k.Name)
		}
	}
}
