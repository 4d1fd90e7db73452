package metric

import (
	"slices"
	"testing"

	"github.com/tandemhq/tandem/internal/fact"
)

func TestDeltas(t *testing.T) {
	t.Parallel()
	b := NewDeltas()
	// Two acceptances on Tuesday 3 March 2026 (2 and 0 days late, the
	// first at the first submission, lead times one and two hours) and a
	// return on Thursday 5 March of the same week, on engagement 7; an
	// acceptance on engagement 6 the Monday after.
	b.Add(7, fact.DeliverableAccepted, "2026-03-03", "2026-03-02", 2, true, 0, fact.Accepted{LeadTimeS: 3600})
	b.Add(7, fact.DeliverableAccepted, "2026-03-03", "2026-03-02", 0, false, 0, fact.Accepted{LeadTimeS: 7200})
	b.Add(7, fact.DeliverableReturned, "2026-03-05", "2026-03-02", 3, false, 0, fact.Returned{Submission: 1})
	b.Add(6, fact.DeliverableAccepted, "2026-03-09", "2026-03-09", 1, true, 0, nil)

	acc := b.Daily[AggKey{EngagementID: 7, Kind: "deliverable.accepted", Day: "2026-03-03"}]
	// Σvalue 2+0, Σvalue² 4+0 (acceptance keeps squares), Σflag 1, one
	// value 0, a sketch of both lead times.
	if acc == nil || acc.N != 2 || acc.SumValue != 2 || acc.SumSqValue != 4 || acc.SumFlag != 1 || acc.NZero != 1 ||
		acc.Sketch == nil || acc.Sketch.Count() != 2 || acc.Sketch.Min() != 3600 || acc.Sketch.Max() != 7200 {
		t.Fatalf("the day's acceptances: %+v", acc)
	}
	ret := b.Daily[AggKey{EngagementID: 7, Kind: "deliverable.returned", Day: "2026-03-05"}]
	if ret == nil || ret.N != 1 || ret.SumValue != 3 || ret.SumSqValue != 0 || ret.Sketch != nil {
		t.Fatalf("the return (no squares, no sketch): %+v", ret)
	}
	wk := b.Weekly[AggKey{EngagementID: 7, Kind: "deliverable.accepted", Day: "2026-03-02"}]
	if wk == nil || wk.N != 2 || wk.SumSqValue != 4 || wk.Sketch.Count() != 2 {
		t.Fatalf("the week's acceptances: %+v", wk)
	}
	// A fact without its payload counts, with no sketch value.
	if six := b.Daily[AggKey{EngagementID: 6, Kind: "deliverable.accepted", Day: "2026-03-09"}]; six == nil || six.N != 1 || six.Sketch != nil {
		t.Fatalf("an acceptance without data: %+v", six)
	}
	if len(b.Daily) != 3 || len(b.Weekly) != 3 {
		t.Fatalf("%d daily and %d weekly rows, want 3 and 3", len(b.Daily), len(b.Weekly))
	}
	var got []string
	for _, k := range SortedKeys(b.Daily) {
		got = append(got, k.Kind+" "+k.Day)
	}
	want := []string{"deliverable.accepted 2026-03-09", "deliverable.accepted 2026-03-03", "deliverable.returned 2026-03-05"}
	if !slices.Equal(got, want) {
		t.Fatalf("SortedKeys = %v, want %v (engagement 6 first)", got, want)
	}
}

func TestDeltasChange(t *testing.T) {
	t.Parallel()
	b := NewDeltas()
	kind := fact.Manual("nps", "month")
	// A month's value of 40 recorded, then corrected to 0 and that to 25:
	// the day keeps one fact (n +1 in all), Σvalue 25, no zero value.
	b.Add(7, kind, "2026-03-01", "2026-02-23", 40, false, 0, fact.ManualValue{Metric: "nps", PeriodKind: "month"})
	if !b.Change(7, kind, "2026-03-01", "2026-02-23", 40, 0) {
		t.Fatal("a manual value's change was refused")
	}
	if d := b.Daily[AggKey{EngagementID: 7, Kind: string(kind), Day: "2026-03-01"}]; d.N != 1 || d.SumValue != 0 || d.NZero != 1 {
		t.Fatalf("after 40 → 0: %+v, want n 1, Σ 0, one zero", d)
	}
	if !b.Change(7, kind, "2026-03-01", "2026-02-23", 0, 25) {
		t.Fatal("a manual value's change was refused")
	}
	for _, m := range []map[AggKey]*Sums{b.Daily, b.Weekly} {
		if len(m) != 1 {
			t.Fatalf("%d rows, want 1", len(m))
		}
		for _, d := range m {
			if d.N != 1 || d.SumValue != 25 || d.NZero != 0 || d.SumSqValue != 0 {
				t.Fatalf("after 0 → 25: %+v, want n 1, Σ 25, no zero", d)
			}
		}
	}
	// A kind that keeps a sketch is computed again instead.
	c := NewDeltas()
	if c.Change(7, fact.DeliverableAccepted, "2026-03-03", "2026-03-02", 2, 3) {
		t.Fatal("a change of a kind with a sketch was taken")
	}
	if len(c.Daily) != 0 || len(c.Weekly) != 0 {
		t.Fatal("a refused change added rows")
	}
}
