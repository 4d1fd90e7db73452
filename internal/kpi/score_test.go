package kpi

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/contract"
)

func kpiOf(dir string, target, threshold int64, scale int) contract.KPI {
	return contract.KPI{Key: "k", Metric: "revenue", Direction: dir, Target: target, Threshold: threshold, Scale: scale, Weight: 1, Period: Month}
}

func TestScore(t *testing.T) {
	t.Parallel()
	higher := kpiOf("higher", 20, 10, 0) // target 20, threshold 10
	lower := kpiOf("lower", 5, 10, 0)    // target 5, threshold 10
	cases := []struct {
		name   string
		actual Value
		k      contract.KPI
		want   int
	}{
		// higher: (actual − 10) / (20 − 10) × 100
		{"higher between", Int(17), higher, 7000},                     // 7/10 → 70.00
		{"higher half", Value{31, 2}, higher, 5500},                   // 15.5: 5.5/10 → 55.00
		{"higher at target", Int(20), higher, 10000},                  // 100.00
		{"higher beyond target", Int(25), higher, 10000},              // clamped
		{"higher at threshold", Int(10), higher, 0},                   // 0.00
		{"higher beyond threshold", Int(-3), higher, 0},               // clamped
		{"higher just above threshold", Value{1001, 100}, higher, 10}, // 10.01: 0.01/10 = 0.1 → 0.10
		// lower: (actual − 10) / (5 − 10) × 100
		{"lower between", Int(7), lower, 6000},        // −3/−5 → 60.00
		{"lower at target", Int(5), lower, 10000},     // 100.00
		{"lower beyond target", Int(0), lower, 10000}, // clamped
		{"lower at threshold", Int(10), lower, 0},     // 0.00
		{"lower beyond threshold", Int(12), lower, 0}, // clamped
		{"lower fraction", Value{17, 2}, lower, 3000}, // 8.5: −1.5/−5 → 30.00
		// fixed point terms: target 85.00, threshold 60.00, actual 72.50:
		// 12.5/25 → 50.00
		{"scale 2", Value{7250, 100}, kpiOf("higher", 8500, 6000, 2), 5000},
		// returns per deliverable, lower: target 0.20, threshold 1.00,
		// actual 1/3: (1/3 − 1)/(0.2 − 1) = (−2/3)/(−4/5) = 5/6 →
		// 83.333… → 83.33
		{"lower scale 2 thirds", Value{1, 3}, kpiOf("lower", 20, 100, 2), 8333},
		// rounding: target 3, threshold 0: 2/3 → 66.666… → 66.67 (up),
		// 1/3 → 33.333… → 33.33 (down)
		{"round up", Int(2), kpiOf("higher", 3, 0, 0), 6667},
		{"round down", Int(1), kpiOf("higher", 3, 0, 0), 3333},
		// exactly half a hundredth: target 20000, threshold 0: 1/20000 ×
		// 10000 = 0.5 hundredths → 1 (half up), 3 → 1.5 → 2
		{"half up 0.5", Int(1), kpiOf("higher", 20000, 0, 0), 1},
		{"half up 1.5", Int(3), kpiOf("higher", 20000, 0, 0), 2},
		// 19999/20000 → 9999.5 → 10000 only by rounding; still ≤ 100
		{"half up near 100", Int(19999), kpiOf("higher", 20000, 0, 0), 10000},
		// negative terms: target −5, threshold −15 (higher): actual −8 →
		// 7/10 → 70.00
		{"negative terms", Int(-8), kpiOf("higher", -5, -15, 0), 7000},
		// beyond int64 intermediates: scale 6, target 2.000000, threshold
		// 1.000000, actual 3e15/2e15 = 1.5 → Num·10^6 overflows → big path,
		// 0.5 → 50.00
		{"big path", Value{3e15, 2e15}, kpiOf("higher", 2_000_000, 1_000_000, 6), 5000},
		{"extremes", Value{math.MaxInt64, 1}, kpiOf("lower", math.MinInt64+1, math.MaxInt64, 0), 0},
	}
	for _, c := range cases {
		got, ok := Score(c.actual, c.k)
		if !ok || got != c.want {
			t.Errorf("%s: Score(%v) = %d, %v; want %d", c.name, c.actual, got, ok, c.want)
		}
	}
}

func TestScoreNotScorable(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		actual Value
		k      contract.KPI
	}{
		{"no denominator", Value{5, 0}, kpiOf("higher", 20, 10, 0)},
		{"negative denominator", Value{5, -1}, kpiOf("higher", 20, 10, 0)},
		{"target equals threshold", Int(5), kpiOf("higher", 10, 10, 0)},
		{"higher with target below threshold", Int(5), kpiOf("higher", 10, 20, 0)},
		{"lower with target above threshold", Int(5), kpiOf("lower", 20, 10, 0)},
		{"unknown direction", Int(5), kpiOf("sideways", 20, 10, 0)},
		{"bad scale", Int(5), kpiOf("higher", 20, 10, 19)},
	}
	for _, c := range cases {
		if s, ok := Score(c.actual, c.k); ok {
			t.Errorf("%s: scored %d, want no data", c.name, s)
		}
	}
}

// refScore is the definition of Score in big.Rat arithmetic.
func refScore(a Value, k contract.KPI) int {
	p := new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(k.Scale)), nil))
	tg := new(big.Rat).Quo(new(big.Rat).SetInt64(k.Target), p)
	th := new(big.Rat).Quo(new(big.Rat).SetInt64(k.Threshold), p)
	f := new(big.Rat).Quo(new(big.Rat).Sub(a.Rat(), th), new(big.Rat).Sub(tg, th))
	if f.Sign() < 0 {
		f.SetInt64(0)
	}
	if f.Cmp(big.NewRat(1, 1)) > 0 {
		f.SetInt64(1)
	}
	f.Mul(f, big.NewRat(10000, 1))
	f.Add(f, big.NewRat(1, 2))
	return int(new(big.Int).Quo(f.Num(), f.Denom()).Int64()) // floor(x + 1/2)
}

func TestScoreMatchesReference(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	rnd := func() int64 {
		switch r.IntN(3) {
		case 0:
			return r.Int64N(200) - 100
		case 1:
			return r.Int64N(2e9) - 1e9
		}
		return int64(r.Uint64())
	}
	for i := 0; i < 200000; i++ {
		tg, th := rnd(), rnd()
		if tg == th {
			continue
		}
		dir := "higher"
		if tg < th {
			dir = "lower"
		}
		k := kpiOf(dir, tg, th, r.IntN(7))
		a := Value{rnd(), max(1, rnd()&math.MaxInt64)}
		if r.IntN(2) == 0 {
			// near the interesting range
			a = Value{tg/2 + th/2 + r.Int64N(100) - 50, int64(math.Pow10(k.Scale))}
		}
		got, ok := Score(a, k)
		if want := refScore(a, k); !ok || got != want {
			t.Fatalf("Score(%v, %+v) = %d, %v; reference %d", a, k, got, ok, want)
		}
	}
}

func TestExplainScore(t *testing.T) {
	t.Parallel()
	s, ok, e := ExplainScore(Int(17), kpiOf("higher", 20, 10, 0))
	want := "(actual − threshold) / (target − threshold) × 100 = (17 − 10) / (20 − 10) × 100 = 70.00"
	if !ok || s != 7000 || e.String() != want {
		t.Errorf("got %d %v\n%s\nwant\n%s", s, ok, e, want)
	}
	if e.Steps[0].Label != "kpi.explain.score" || e.Steps[0].Result != "70.00" {
		t.Errorf("step = %+v", e.Steps[0])
	}
	// 2/3 of the way: the exact value 200/3 is shown, then rounded.
	_, _, e = ExplainScore(Int(2), kpiOf("higher", 3, 0, 0))
	want = "(actual − threshold) / (target − threshold) × 100 = (2 − 0) / (3 − 0) × 100 = 200/3\nround half up (200/3) = 66.67"
	if e.String() != want {
		t.Errorf("got\n%s\nwant\n%s", e, want)
	}
	_, _, e = ExplainScore(Value{7250, 100}, kpiOf("higher", 8500, 6000, 2))
	if want := "(actual − threshold) / (target − threshold) × 100 = (72.5 − 60.00) / (85.00 − 60.00) × 100 = 50.00"; e.String() != want {
		t.Errorf("got\n%s\nwant\n%s", e, want)
	}
	_, _, e = ExplainScore(Int(3), kpiOf("lower", 5, 10, 0))
	if want := "score (actual 3 ≤ target 5) = 100.00"; e.String() != want {
		t.Errorf("got %s, want %s", e, want)
	}
	_, _, e = ExplainScore(Int(-12), kpiOf("higher", 5, -10, 0))
	if want := "score (actual −12 ≤ threshold −10) = 0.00"; e.String() != want {
		t.Errorf("got %s, want %s", e, want)
	}
	_, _, e = ExplainScore(Int(0), kpiOf("higher", 5, -10, 0))
	if want := "(actual − threshold) / (target − threshold) × 100 = (0 − (−10)) / (5 − (−10)) × 100 = 200/3\nround half up (200/3) = 66.67"; e.String() != want {
		t.Errorf("got\n%s\nwant\n%s", e, want)
	}
	if _, ok, e := ExplainScore(Value{}, kpiOf("higher", 5, 0, 0)); ok || e.Steps[0].Result != "no_data" {
		t.Errorf("no data explained as %v", e)
	}
}

func TestStatus(t *testing.T) {
	t.Parallel()
	b := DefaultStatusBands
	cases := []struct {
		score int
		data  bool
		want  Status
	}{
		{10000, true, OnTrack}, {7000, true, OnTrack}, {6999, true, AtRisk}, {4000, true, AtRisk},
		{3999, true, OffTrack}, {0, true, OffTrack}, {0, false, NoData}, {10000, false, NoData},
	}
	for _, c := range cases {
		if got := b.Status(c.score, c.data); got != c.want {
			t.Errorf("Status(%d, %v) = %s, want %s", c.score, c.data, got, c.want)
		}
	}
	custom := StatusBands{OnTrack: 9000, AtRisk: 5000}
	if custom.Status(8999, true) != AtRisk || !custom.Valid() || (StatusBands{OnTrack: 10, AtRisk: 20}).Valid() {
		t.Error("custom bands")
	}
	if OnTrack.Key() != "kpi.status.on_track" || NoData.Key() != "kpi.status.no_data" {
		t.Error("status keys")
	}
}

func TestTotal(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		items []Item
		want  int
		ok    bool
	}{
		// weights 3, 2, 1, scores 90, 50, 60: (270 + 100 + 60) / 6 =
		// 71.666… → 71.67
		{"all", []Item{{"a", 9000, true, 3, nil}, {"b", 5000, true, 2, nil}, {"c", 6000, true, 1, nil}}, 7167, true},
		// the weight-2 KPI has no data: (3·90 + 1·60) / (3 + 1) = 330/4 =
		// 82.50 — not (270 + 0 + 60) / 6 = 55.00
		{"missing renormalised", []Item{{"a", 9000, true, 3, nil}, {"b", 5000, false, 2, nil}, {"c", 6000, true, 1, nil}}, 8250, true},
		// a missing KPI's score is ignored whatever it is
		{"missing score ignored", []Item{{"a", 9000, true, 3, nil}, {"b", 0, false, 2, nil}, {"c", 6000, true, 1, nil}}, 8250, true},
		// half up: (70.00 + 70.01) / 2 = 70.005 → 70.01
		{"half up", []Item{{"a", 7000, true, 1, nil}, {"b", 7001, true, 1, nil}}, 7001, true},
		// zero weight is left out
		{"zero weight", []Item{{"a", 9000, true, 0, nil}, {"b", 5000, true, 1, nil}}, 5000, true},
		{"none with data", []Item{{"a", 9000, false, 3, nil}, {"b", 5000, false, 2, nil}}, 0, false},
		{"empty", nil, 0, false},
		// huge weights take the big path: (2^40·100 + 1·0) / (2^40 + 1) →
		// 9999.99999… → 100.00
		{"huge weights", []Item{{"a", 10000, true, 1 << 40, nil}, {"b", 0, true, 1, nil}}, 10000, true},
		// (1·0 + 3·100) / 4 = 75.00 with both weights small enough …
		{"quarter", []Item{{"a", 0, true, 1, nil}, {"b", 10000, true, 3, nil}}, 7500, true},
		// … and the same through the big path: 2^21 and 3·2^21
		{"quarter big", []Item{{"a", 0, true, 1 << 21, nil}, {"b", 10000, true, 3 << 21, nil}}, 7500, true},
	}
	for _, c := range cases {
		got, ok := Total(c.items)
		if got != c.want || ok != c.ok {
			t.Errorf("%s: Total = %d, %v; want %d, %v", c.name, got, ok, c.want, c.ok)
		}
	}
	_, _, e := ExplainTotal([]Item{{"a", 9000, true, 3, nil}, {"b", 5000, false, 2, nil}, {"c", 6000, true, 1, nil}})
	want := "b = no_data\n(3 × 90.00 + 1 × 60.00) / (3 + 1) = 82.50"
	if e.String() != want {
		t.Errorf("got\n%s\nwant\n%s", e, want)
	}
}

func TestStanding(t *testing.T) {
	t.Parallel()
	cases := []struct {
		total int
		want  string
	}{
		{10000, "excellent"}, {8000, "excellent"}, {7999, "good"}, // 79.99 → good
		{6000, "good"}, {5999, "poor"}, {4000, "poor"}, {3999, "very_poor"}, {0, "very_poor"},
	}
	for _, c := range cases {
		if got := DefaultBands.Standing(c.total); got != c.want {
			t.Errorf("Standing(%d) = %s, want %s", c.total, got, c.want)
		}
	}
	// Order does not matter; custom names are kept.
	custom := Bands{{0, "red"}, {9000, "green"}, {5000, "amber"}}
	if custom.Standing(8999) != "amber" || custom.Standing(9000) != "green" || !custom.Valid() {
		t.Error("custom bands")
	}
	for _, b := range []Bands{nil, {{100, "x"}}, {{0, "x"}, {0, "y"}}, {{0, "x"}, {10, "x"}}, {{0, ""}}, {{0, "x"}, {10001, "y"}}} {
		if b.Valid() {
			t.Errorf("%v valid", b)
		}
	}
	if !DefaultBands.Valid() || (Bands{{100, "x"}}).Standing(50) != "" {
		t.Error("default bands")
	}
	if k, ok := StandingKey("very_poor"); !ok || k != "kpi.standing.very_poor" {
		t.Error("standing key")
	}
	if _, ok := StandingKey("red"); ok {
		t.Error("custom band has a key")
	}
}

func TestOverall(t *testing.T) {
	t.Parallel()
	utc := time.UTC
	m := func(month int, total int, data bool) PeriodTotal {
		return PeriodTotal{PeriodOf(Month, time.Date(2026, time.Month(month), 1, 0, 0, 0, 0, utc), utc), total, data, nil}
	}
	// 60, 70, 80 oldest → newest, weights 1, 2, 3:
	// (60 + 140 + 240) / 6 = 440/6 = 73.333… → 73.33
	three := []PeriodTotal{m(1, 6000, true), m(2, 7000, true), m(3, 8000, true)}
	if got, ok := Overall(three, 3); !ok || got != 7333 {
		t.Errorf("Overall = %d, %v; want 7333", got, ok)
	}
	// Given newest first: the same.
	if got, _ := Overall([]PeriodTotal{three[2], three[0], three[1]}, 3); got != 7333 {
		t.Errorf("unsorted: %d", got)
	}
	// A period without data is skipped, an older one takes its place:
	// 50 (Jan) is out, 60 (Feb), 70 (Apr), 80 (May) → 73.33.
	gap := []PeriodTotal{m(1, 5000, true), m(2, 6000, true), m(3, 0, false), m(4, 7000, true), m(5, 8000, true)}
	if got, ok := Overall(gap, 3); !ok || got != 7333 {
		t.Errorf("with gap = %d, %v", got, ok)
	}
	// n = 2: (70 + 2·80) / 3 = 230/3 = 76.666… → 76.67
	if got, _ := Overall(three, 2); got != 7667 {
		t.Errorf("n=2: %d", got)
	}
	// Fewer periods than n: weights 1, 2 over what there is.
	if got, _ := Overall(three[:2], 3); got != 6667 { // (60 + 140) / 3 = 66.666… → 66.67
		t.Errorf("short: %d", got)
	}
	if _, ok := Overall([]PeriodTotal{m(1, 0, false)}, 3); ok {
		t.Error("no data scored")
	}
	if _, ok := Overall(three, 0); ok {
		t.Error("n=0 scored")
	}
	_, _, e := ExplainOverall(gap, 3)
	// 440/6 = 220/3 exactly, rounded once to 73.33.
	want := "2026-02, 2026-04, 2026-05 = 3\n(1 × 60.00 + 2 × 70.00 + 3 × 80.00) / (1 + 2 + 3) = 220/3\nround half up (220/3) = 73.33"
	if e.String() != want {
		t.Errorf("got\n%s\nwant\n%s", e, want)
	}
}

func TestBuildScorecard(t *testing.T) {
	t.Parallel()
	kpis := []contract.KPI{
		{Key: "acceptance", Metric: "first_time_acceptance", Direction: "higher", Target: 9000, Threshold: 6000, Scale: 2, Weight: 3, Period: Month},
		{Key: "returns", Metric: "returns_per_deliverable", Direction: "lower", Target: 20, Threshold: 100, Scale: 2, Weight: 2, Period: Month},
		{Key: "deals", Metric: "deals_won", Direction: "higher", Target: 10, Threshold: 0, Scale: 0, Weight: 1, Period: Month},
	}
	p := PeriodOf(Month, time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC), time.UTC)
	// acceptance 84.00 %: (84 − 60)/(90 − 60) = 0.8 → 80.00, on track
	// returns: no facts → no data, left out
	// deals 3: 3/10 → 30.00, off track
	// total (3·80 + 1·30) / 4 = 270/4 = 67.50 → good
	sc := BuildScorecard(p, kpis, map[string]Value{"acceptance": {8400, 100}, "deals": Int(3)}, DefaultConfig())
	if r := sc.Rows[0]; !r.Scored || r.Score != 8000 || r.Status != OnTrack || r.Target != (Value{9000, 100}) {
		t.Errorf("acceptance row %+v", r)
	}
	if r := sc.Rows[1]; r.HasData || r.Scored || r.Status != NoData || r.Score != 0 {
		t.Errorf("returns row %+v", r)
	}
	if r := sc.Rows[2]; r.Score != 3000 || r.Status != OffTrack {
		t.Errorf("deals row %+v", r)
	}
	if !sc.HasTotal || sc.Total != 6750 || sc.Standing != "good" {
		t.Errorf("total %d %v %s", sc.Total, sc.HasTotal, sc.Standing)
	}
	want := "returns = no_data\n(3 × 80.00 + 1 × 30.00) / (3 + 1) = 67.50\nstanding (67.50 ≥ 60.00) = good"
	if sc.Explanation.String() != want {
		t.Errorf("got\n%s\nwant\n%s", sc.Explanation, want)
	}
	empty := BuildScorecard(p, kpis, nil, DefaultConfig())
	if empty.HasTotal || empty.Standing != "" {
		t.Errorf("no data gave %+v", empty)
	}
}

func TestValueString(t *testing.T) {
	t.Parallel()
	cases := map[Value]string{
		{17, 1}: "17", {8525, 100}: "85.25", {-1, 8}: "-0.125", {7, 30}: "7/30", {2, 4}: "0.5", {0, 5}: "0", {1, 0}: "?",
	}
	for v, want := range cases {
		if got := v.String(); got != want {
			t.Errorf("%v.String() = %s, want %s", v, got, want)
		}
	}
	if Ratio(6, -4) != (Value{-3, 2}) || Ratio(1, 0).Valid() || Fixed(8525, 2) != (Value{8525, 100}) || Fixed(1, 19).Valid() {
		t.Error("constructors")
	}
	if Int(1).Cmp(Value{2, 3}) != 1 || (Value{2, 4}).Cmp(Value{1, 2}) != 0 {
		t.Error("Cmp")
	}
	if fixedString(5, 3) != "0.005" || fixedString(-1250, 2) != "-12.50" || fixedString(math.MinInt64, 0) != "-9223372036854775808" {
		t.Error("fixedString")
	}
}
