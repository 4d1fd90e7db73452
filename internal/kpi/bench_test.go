package kpi

import (
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/contract"
)

func BenchmarkScore(b *testing.B) {
	k := kpiOf("higher", 8500, 6000, 2)
	a := Value{7250, 100}
	for b.Loop() {
		Score(a, k)
	}
}

func BenchmarkScoreBig(b *testing.B) {
	k := kpiOf("higher", 2_000_000, 1_000_000, 6)
	a := Value{3e15, 2e15} // overflows int64 intermediates
	for b.Loop() {
		Score(a, k)
	}
}

func BenchmarkExplainScore(b *testing.B) {
	k := kpiOf("lower", 20, 100, 2)
	for b.Loop() {
		ExplainScore(Value{1, 3}, k)
	}
}

func BenchmarkTotal(b *testing.B) {
	items := []Item{{"a", 9000, true, 3, nil}, {"b", 5000, false, 2, nil}, {"c", 6000, true, 1, nil}, {"d", 7312, true, 2, nil}, {"e", 4444, true, 1, nil}}
	for b.Loop() {
		Total(items)
	}
}

func BenchmarkBuildScorecard(b *testing.B) {
	kpis := []contract.KPI{
		{Key: "acceptance", Direction: "higher", Target: 9000, Threshold: 6000, Scale: 2, Weight: 3},
		{Key: "returns", Direction: "lower", Target: 20, Threshold: 100, Scale: 2, Weight: 2},
		{Key: "deals", Direction: "higher", Target: 10, Threshold: 0, Weight: 1},
		{Key: "revenue", Direction: "higher", Target: 1_000_000, Threshold: 200_000, Weight: 2},
		{Key: "lead_p90", Direction: "lower", Target: 86400, Threshold: 5 * 86400, Weight: 1},
	}
	actuals := map[string]Value{"acceptance": {8400, 100}, "returns": {1, 3}, "deals": Int(3), "revenue": Int(640_000), "lead_p90": Int(2 * 86400)}
	p := PeriodOf(Month, time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC), time.UTC)
	cfg := DefaultConfig()
	for b.Loop() {
		BuildScorecard(p, kpis, actuals, cfg)
	}
}

func BenchmarkSketchAdd(b *testing.B) {
	vals := leadTimes(1, 1<<16)
	var s Sketch
	i := 0
	for b.Loop() {
		s.Add(vals[i&(1<<16-1)])
		i++
	}
}

// BenchmarkSketchMerge merges one day (200 lead times) into a year's
// sketch, the step of rolling up per-day aggregates.
func BenchmarkSketchMerge(b *testing.B) {
	var year, day Sketch
	for _, v := range leadTimes(1, 100000) {
		year.Add(v)
	}
	for _, v := range leadTimes(2, 200) {
		day.Add(v)
	}
	for b.Loop() {
		b.StopTimer()
		y := year.Clone()
		b.StartTimer()
		y.Merge(&day)
	}
}

// BenchmarkSketchMergeYear rolls up 365 stored days (unmarshal + merge).
func BenchmarkSketchMergeYear(b *testing.B) {
	vals := leadTimes(3, 365*50)
	days := make([][]byte, 365)
	for d := range days {
		var s Sketch
		for _, v := range vals[d*50 : (d+1)*50] {
			s.Add(v)
		}
		days[d], _ = s.MarshalBinary()
	}
	for b.Loop() {
		var y Sketch
		for _, data := range days {
			var s Sketch
			if err := s.UnmarshalBinary(data); err != nil {
				b.Fatal(err)
			}
			y.Merge(&s)
		}
	}
}

func BenchmarkSketchMarshal(b *testing.B) {
	var s Sketch
	for _, v := range leadTimes(4, 200) {
		s.Add(v)
	}
	for b.Loop() {
		s.MarshalBinary()
	}
}

func BenchmarkSketchUnmarshal(b *testing.B) {
	var s Sketch
	for _, v := range leadTimes(4, 200) {
		s.Add(v)
	}
	data, _ := s.MarshalBinary()
	for b.Loop() {
		var t Sketch
		t.UnmarshalBinary(data)
	}
}

func BenchmarkSketchQuantile(b *testing.B) {
	var s Sketch
	for _, v := range leadTimes(5, 100000) {
		s.Add(v)
	}
	for b.Loop() {
		s.Quantile(0.9)
	}
}

func BenchmarkFormulaParse(b *testing.B) {
	for b.Loop() {
		Parse("(revenue - costs) / invoiced_amount * 100", nil)
	}
}

func BenchmarkFormulaEval(b *testing.B) {
	e, _ := Parse("(revenue - costs) / invoiced_amount * 100", nil)
	vals := map[string]Value{"revenue": Int(1_250_000), "costs": Int(400_000), "invoiced_amount": Int(1_000_000)}
	for b.Loop() {
		e.Eval(vals)
	}
}
