package kpi

import (
	"math/big"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/tandem"
)

// The figures of issue 10, worked out by hand.

// σ = √(415/64) = √415 / 8 = 20.371548… / 8 = 2.546443… (late days 8, 1,
// 1, 1, 0, 0, 0, 0: n = 8, Σx = 11, Σx² = 67, 8·67 − 11² = 415; to 12
// decimals 2.546443598432). At one decimal it is 2.5 (it was 2.6, from σ
// rounded first to 2.55). Scored
// lower-is-better with target 1.0 and threshold 3.0: (3 − 2.546443…) / 2 ×
// 100 = 22.6778… → 22.68 (22.50 from the rounded σ). σ = √(500/81) =
// 22.360680… / 9 = 2.484520…: (3 − 2.484520…) / 2 × 100 = 25.7740… →
// 25.77 (26.00 from 2.48).
func TestSpreadRoundedOnce(t *testing.T) {
	t.Parallel()
	k := contract.KPI{Key: "spread", Metric: "lateness_spread", Direction: "lower", Target: 10, Threshold: 30, Scale: 1, Weight: 1, Period: Month}
	cases := []struct {
		num, den int64
		sigma    Value // truncated to 12 decimals
		shown    int64 // tenths
		score    int
	}{
		{415, 64, Ratio(2546443598432, 1e12), 25, 2268},
		{500, 81, Ratio(2484519974999, 1e12), 25, 2577},
	}
	for _, c := range cases {
		s, ok := Sqrt(big.NewInt(c.num), big.NewInt(c.den))
		if !ok || s != c.sigma {
			t.Errorf("√(%d/%d) = %v, want %v", c.num, c.den, s, c.sigma)
		}
		if got := Round(s, 1).Int64(); got != c.shown {
			t.Errorf("√(%d/%d) at one decimal: %d tenths, want %d", c.num, c.den, got, c.shown)
		}
		if got, ok := Score(s, k); !ok || got != c.score {
			t.Errorf("√(%d/%d) scores %d, want %d", c.num, c.den, got, c.score)
		}
	}
	// Exact squares stay exact: √(9/4) = 1.5.
	if s, _ := Sqrt(big.NewInt(9), big.NewInt(4)); s != (Value{3, 2}) {
		t.Errorf("√(9/4) = %v", s)
	}
	if _, ok := Sqrt(big.NewInt(-1), big.NewInt(4)); ok {
		t.Error("√ of a negative")
	}
}

// Truncating σ to 12 decimals never changes a rounded figure: compared with
// the root to 40 decimals, over random sums and random terms of up to 6
// decimals, every score and every shown value agree.
func TestSqrtDigitsEnough(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(10, 12))
	root40 := func(num, den *big.Int) *big.Rat {
		x := new(big.Int).Mul(num, new(big.Int).Exp(big.NewInt(10), big.NewInt(80), nil))
		x.Quo(x, den)
		return new(big.Rat).SetFrac(x.Sqrt(x), new(big.Int).Exp(big.NewInt(10), big.NewInt(40), nil))
	}
	for i := 0; i < 4000; i++ {
		n := rng.Int64N(40) + 1
		var sum, sumSq int64
		for j := int64(0); j < n; j++ {
			x := rng.Int64N(12)
			sum, sumSq = sum+x, sumSq+x*x
		}
		num := big.NewInt(n*sumSq - sum*sum)
		den := big.NewInt(n * n)
		s, ok := Sqrt(num, den)
		if !ok {
			t.Fatal("no root")
		}
		exact := root40(num, den)
		scale := rng.IntN(contract.MaxScale + 1)
		p := pow10[scale]
		tg, th := rng.Int64N(5*p), rng.Int64N(5*p)
		if tg == th {
			continue
		}
		k := contract.KPI{Direction: "lower", Target: tg, Threshold: th, Scale: scale}
		if tg > th {
			k.Direction = "higher"
		}
		got, _ := Score(s, k)
		// The score of the 40-decimal root, rounded once.
		f := new(big.Rat).Sub(exact, big.NewRat(th, p))
		f.Quo(f, big.NewRat(tg-th, p))
		want := RoundPoints(clampPoints(f.Mul(f, big.NewRat(100, 1))))
		if got != want {
			t.Fatalf("n %d Σ %d Σ² %d, terms %d/%d scale %d: score %d from 12 decimals, %d from 40", n, sum, sumSq, tg, th, scale, got, want)
		}
		for d := 0; d <= contract.MaxScale; d++ {
			e := new(big.Rat).Mul(exact, new(big.Rat).SetInt64(pow10[d]))
			if Round(s, d).Cmp(RoundHalfUp(e)) != 0 {
				t.Fatalf("√(%v/%v) at %d decimals differs", num, den, d)
			}
		}
	}
}

// Scores 50, 63.4456, 39.7233, 98.1466 — shown 50.00, 63.45, 39.72, 98.15
// — with weights 2, 1, 3, 5: Σ w·s = 100 + 63.4456 + 119.1699 + 490.733 =
// 773.3485, / 11 = 70.30440… → 70.30. From the shown scores: 773.36 / 11 =
// 70.3054… → 70.31.
func TestTotalFromExactScores(t *testing.T) {
	t.Parallel()
	k := func(key string, w int) contract.KPI {
		return contract.KPI{Key: key, Metric: key, Direction: "higher", Target: 1_000_000, Threshold: 0, Scale: 4, Weight: w, Period: Month}
	}
	kpis := []contract.KPI{k("a", 2), k("b", 1), k("c", 3), k("d", 5)}
	actuals := map[string]Value{"a": Fixed(500000, 4), "b": Fixed(634456, 4), "c": Fixed(397233, 4), "d": Fixed(981466, 4)}
	p := PeriodOf(Month, time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC), time.UTC)
	for _, explain := range []bool{false, true} {
		cfg := DefaultConfig()
		cfg.Explain = explain
		sc := BuildScorecard(p, kpis, actuals, cfg)
		var shown []int
		for _, r := range sc.Rows {
			shown = append(shown, r.Score)
		}
		if len(shown) != 4 || shown[0] != 5000 || shown[1] != 6345 || shown[2] != 3972 || shown[3] != 9815 {
			t.Fatalf("scores %v", shown)
		}
		if !sc.HasTotal || sc.Total != 7030 || sc.Exact.Cmp(big.NewRat(7733485, 110000)) != 0 || sc.Standing != "good" {
			t.Fatalf("explain %v: total %d exact %v %s", explain, sc.Total, sc.Exact, sc.Standing)
		}
		if explain {
			want := "(2 × 50.00 + 1 × 63.4456 + 3 × 39.7233 + 5 × 98.1466) / (2 + 1 + 3 + 5) = 1546697/22000\n" +
				"round half up (1546697/22000) = 70.30\nstanding (70.30 ≥ 60.00) = good"
			if sc.Explanation.String() != want {
				t.Errorf("got\n%s\nwant\n%s", sc.Explanation, want)
			}
		}
	}
	// The rounded scores alone give the old figure, 70.31.
	if got, _ := Total([]Item{{"a", 5000, true, 2, nil}, {"b", 6345, true, 1, nil}, {"c", 3972, true, 3, nil}, {"d", 9815, true, 5, nil}}); got != 7031 {
		t.Errorf("from shown scores: %d", got)
	}
}

// Exact totals 36.375, 36.375, 36.369 (shown 36.38, 36.38, 36.37) weigh
// 1, 2, 3: (36.375 + 72.75 + 109.107) / 6 = 218.232 / 6 = 36.372 → 36.37.
// The shown totals give 218.25 / 6 = 36.375 → 36.38.
func TestOverallFromExactTotals(t *testing.T) {
	t.Parallel()
	utc := time.UTC
	m := func(month int, exact *big.Rat) Scorecard {
		return Scorecard{Period: PeriodOf(Month, time.Date(2026, time.Month(month), 1, 0, 0, 0, 0, utc), utc),
			Total: RoundPoints(exact), Exact: exact, HasTotal: true}
	}
	cards := []Scorecard{m(1, big.NewRat(36375, 1000)), m(2, big.NewRat(36375, 1000)), m(3, big.NewRat(36369, 1000))}
	if cards[0].Total != 3638 || cards[2].Total != 3637 {
		t.Fatalf("shown totals %d %d", cards[0].Total, cards[2].Total)
	}
	if got, ok := OverallOf(cards, DefaultRecent); !ok || got != 3637 {
		t.Errorf("overall %d, want 3637", got)
	}
	var shown []PeriodTotal
	for _, c := range cards {
		shown = append(shown, PeriodTotal{Period: c.Period, Total: c.Total, HasData: true})
	}
	if got, _ := Overall(shown, DefaultRecent); got != 3638 {
		t.Errorf("overall from shown totals %d, want 3638", got)
	}
	_, _, e := ExplainOverall([]PeriodTotal{cards[0].PeriodTotal(), cards[1].PeriodTotal(), cards[2].PeriodTotal()}, 3)
	want := "2026-01, 2026-02, 2026-03 = 3\n(1 × 36.375 + 2 × 36.375 + 3 × 36.369) / (1 + 2 + 3) = 36.372\nround half up (36.372) = 36.37"
	if e.String() != want {
		t.Errorf("got\n%s\nwant\n%s", e, want)
	}
}

// Half up is a tie away from zero: 2.5 → 3, −1.5 → −2, −2.5 → −3, and at
// two decimals −0.125 → −0.13; not a tie rounds to the nearest.
func TestRoundHalfUpNegativeTies(t *testing.T) {
	t.Parallel()
	cases := []struct {
		v     Value
		scale int
		want  int64
	}{
		{Value{5, 2}, 0, 3}, {Value{-3, 2}, 0, -2}, {Value{-5, 2}, 0, -3}, {Value{-1, 8}, 2, -13}, {Value{1, 8}, 2, 13},
		{Value{-14, 10}, 0, -1}, {Value{-16, 10}, 0, -2}, {Value{51, 20}, 1, 26}, {Value{0, 1}, 2, 0},
	}
	for _, c := range cases {
		if got := Round(c.v, c.scale).Int64(); got != c.want {
			t.Errorf("Round(%v, %d) = %d, want %d", c.v, c.scale, got, c.want)
		}
	}
	if RoundPoints(big.NewRat(70305, 1000)) != 7031 || RoundPoints(big.NewRat(703049, 10000)) != 7030 {
		t.Error("RoundPoints")
	}
}

// Which values count for which period.
func TestValueCountsFor(t *testing.T) {
	t.Parallel()
	want := map[[2]string]bool{
		{Week, Week}: true, {Week, Month}: false, {Week, Quarter}: false,
		{Month, Week}: false, {Month, Month}: true, {Month, Quarter}: true,
		{Quarter, Week}: false, {Quarter, Month}: false, {Quarter, Quarter}: true,
	}
	for k, w := range want {
		if got := ValueCountsFor(k[0], k[1]); got != w {
			t.Errorf("a %s value counts for a %s: %v, want %v", k[0], k[1], got, w)
		}
	}
}

// An engagement starting Wednesday 1 July 2026, amended from 15 August
// (version 2) and, twice on 1 October (versions 3 and 4, the higher
// number wins): June ends before the first terms and has none; the week of
// 29 June – 5 July ends under version 1; August ends under version 2.
func TestTermsFor(t *testing.T) {
	t.Parallel()
	vs := []contract.Version{{Number: 1, EffectiveFrom: "2026-07-01"}, {Number: 2, EffectiveFrom: "2026-08-15"},
		{Number: 4, EffectiveFrom: "2026-10-01"}, {Number: 3, EffectiveFrom: "2026-10-01"}}
	loc, _ := time.LoadLocation("Europe/Stockholm")
	at := func(kind, day string) Period {
		d, _ := tandem.ParseDate(day)
		return PeriodOfDate(kind, d, loc)
	}
	cases := []struct {
		p    Period
		want int // 0: none
	}{
		{at(Month, "2026-06-10"), 0}, {at(Quarter, "2026-04-01"), 0}, {at(Week, "2026-06-24"), 0},
		{at(Week, "2026-06-30"), 1}, {at(Month, "2026-07-31"), 1}, {at(Week, "2026-08-12"), 2},
		{at(Month, "2026-08-01"), 2}, {at(Quarter, "2026-07-01"), 2}, {at(Month, "2026-10-01"), 4},
	}
	for _, c := range cases {
		got := TermsFor(vs, c.p)
		if (got == nil && c.want != 0) || (got != nil && got.Number != c.want) {
			t.Errorf("%s: %v, want version %d", c.p, got, c.want)
		}
	}
	v := &contract.Version{Terms: contract.Terms{KPIs: []contract.KPI{{Key: "a", Period: Week}, {Key: "b", Period: Month}, {Key: "c", Period: Week}}}}
	if ks := PeriodKPIs(v, Week); len(ks) != 2 || ks[0].Key != "a" || ks[1].Key != "c" {
		t.Errorf("weekly KPIs %v", ks)
	}
	if PeriodKPIs(nil, Week) != nil {
		t.Error("KPIs without terms")
	}
}
