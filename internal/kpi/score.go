package kpi

import (
	"math/big"
	"math/bits"
	"slices"
	"strconv"
	"strings"

	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/i18n"
)

// Scores, totals and band limits are shown as integers in hundredths of a
// point: 0 is 0.00, 7000 is 70.00, 10000 is 100.00. Behind every shown
// figure is an exact rational (ScoreExact, TotalExact, OverallExact): a
// total is computed from the exact scores, the overall score from the exact
// totals, and each figure is rounded once, half up, to hundredths, only
// for display — never a rounded figure fed into the next computation.

// MaxScore is a score of 100.00 in hundredths of a point.
const MaxScore = 10000

// Score returns the score of a KPI whose actual value in a period is
// actual, in hundredths of a point (0..10000):
//
//	score = (actual − threshold) / (target − threshold) × 100
//
// clamped to 0..100 — 100 at or beyond the target, 0 at or beyond the
// threshold, linear in between — and rounded half up to hundredths. The
// same formula serves both directions: for "lower is better" target <
// threshold and both differences are negative. Target and Threshold are
// fixed point with k.Scale decimals. ok is false — "no data", never a
// made-up 0 or 100 — when actual is invalid (Den <= 0) or k is not
// scorable: an unknown direction, target equal to threshold, a target on
// the wrong side of the threshold for the direction, or a scale outside
// 0..18. Score is RoundPoints(ScoreExact(actual, k)).
func Score(actual Value, k contract.KPI) (score int, ok bool) {
	num, den, ok := scoreFraction(actual, k)
	if !ok {
		return 0, false
	}
	return roundFraction(num, den), true
}

// ScoreExact is Score before rounding: the exact score in points (0..100),
// the figure totals are computed from. It returns nil and false when Score
// is not ok.
func ScoreExact(actual Value, k contract.KPI) (*big.Rat, bool) {
	num, den, ok := scoreFraction(actual, k)
	if !ok {
		return nil, false
	}
	return exactPoints(num, den), true
}

// exactPoints is num/den (den > 0) clamped to [0, 1], in points (× 100).
func exactPoints(num, den fraction) *big.Rat {
	n, d := num.bigInt(), den.bigInt()
	switch {
	case n.Sign() <= 0:
		return new(big.Rat)
	case n.Cmp(d) >= 0:
		return big.NewRat(100, 1)
	}
	return new(big.Rat).SetFrac(new(big.Int).Mul(n, big.NewInt(100)), d)
}

// RoundPoints rounds an exact figure in points (a score, total or overall
// score, never negative) half up to hundredths of a point: 70.305 is 7031,
// 70.3049… is 7030. For a negative figure, which no score produces, a tie
// goes away from zero, as everywhere in Tandem (RoundHalfUp).
func RoundPoints(points *big.Rat) int {
	x := new(big.Rat).Mul(points, big.NewRat(100, 1))
	return int(RoundHalfUp(x).Int64())
}

// RoundHalfUp rounds r to the nearest integer, a tie away from zero: 2.5
// is 3 and −1.5 is −2 (the magnitude is rounded half up and the sign kept),
// the rule of every displayed figure and of money (money.RoundRatio).
func RoundHalfUp(r *big.Rat) *big.Int {
	n := new(big.Int).Abs(r.Num())
	d := r.Denom()
	q, m := new(big.Int).QuoRem(n, d, new(big.Int))
	if m.Lsh(m, 1).Cmp(d) >= 0 {
		q.Add(q, big.NewInt(1))
	}
	if r.Sign() < 0 {
		q.Neg(q)
	}
	return q
}

// Round returns v with scale decimals, rounded half up (RoundHalfUp), as
// an integer of 10^-scale units: Round(Value{51, 20}, 1) is 26 (2.55 →
// 2.6), Round(Value{-3, 2}, 0) is −2. scale is clamped to 0..18; v must be
// valid.
func Round(v Value, scale int) *big.Int {
	scale = min(max(scale, 0), 18)
	r := v.Rat()
	r.Mul(r, new(big.Rat).SetInt64(pow10[scale]))
	return RoundHalfUp(r)
}

// scoreFraction returns the unclamped fraction (actual − threshold) /
// (target − threshold) as num/den with den > 0, in int64 when that cannot
// overflow and as big.Ints otherwise, and false when Score is not ok.
func scoreFraction(actual Value, k contract.KPI) (fraction, fraction, bool) {
	if !actual.Valid() || k.Scale < 0 || k.Scale > 18 {
		return fraction{}, fraction{}, false
	}
	switch {
	case k.Direction == "higher" && k.Target > k.Threshold:
	case k.Direction == "lower" && k.Target < k.Threshold:
	default:
		return fraction{}, fraction{}, false
	}
	p := pow10[k.Scale]
	// actual − threshold = (Num·10^s − Th·Den) / (Den·10^s) and
	// target − threshold = (Tg − Th) / 10^s, so the fraction is
	// (Num·10^s − Th·Den) / (Den·(Tg − Th)).
	if a, ok1 := mul64(actual.Num, p); ok1 {
		if b, ok2 := mul64(k.Threshold, actual.Den); ok2 {
			if n, ok3 := sub64(a, b); ok3 {
				if diff, ok4 := sub64(k.Target, k.Threshold); ok4 {
					if d, ok5 := mul64(actual.Den, diff); ok5 {
						if d < 0 {
							if n == minInt64 || d == minInt64 {
								goto slow
							}
							n, d = -n, -d
						}
						return fraction{small: n}, fraction{small: d}, true
					}
				}
			}
		}
	}
slow:
	bn := new(big.Int).Mul(big.NewInt(actual.Num), big.NewInt(p))
	bn.Sub(bn, new(big.Int).Mul(big.NewInt(k.Threshold), big.NewInt(actual.Den)))
	bd := new(big.Int).Sub(big.NewInt(k.Target), big.NewInt(k.Threshold))
	bd.Mul(bd, big.NewInt(actual.Den))
	if bd.Sign() < 0 {
		bn.Neg(bn)
		bd.Neg(bd)
	}
	return fraction{big: bn}, fraction{big: bd}, true
}

const minInt64 = -1 << 63

// fraction is an integer held as an int64 unless big is set.
type fraction struct {
	small int64
	big   *big.Int
}

// bigInt returns f as a big.Int.
func (f fraction) bigInt() *big.Int {
	if f.big != nil {
		return f.big
	}
	return big.NewInt(f.small)
}

// roundFraction clamps num/den (den > 0) to [0, 1] and returns it in
// hundredths of a point, rounded half up: floor((20000·num + den) / (2·den)).
func roundFraction(num, den fraction) int {
	if num.big == nil && den.big == nil {
		n, d := num.small, den.small
		if n <= 0 {
			return 0
		}
		if n >= d {
			return MaxScore
		}
		// 0 < n < d < 2^63: 20000·n + d < 20001·d fits in 128 bits and
		// the quotient by 2d (< 2^64) is below 10001, so Div64 is safe.
		hi, lo := bits.Mul64(uint64(n), 2*MaxScore)
		lo, carry := bits.Add64(lo, uint64(d), 0)
		hi += carry
		q, _ := bits.Div64(hi, lo, 2*uint64(d))
		return int(q)
	}
	n, d := num.bigInt(), den.bigInt()
	if n.Sign() <= 0 {
		return 0
	}
	if n.Cmp(d) >= 0 {
		return MaxScore
	}
	x := new(big.Int).Mul(n, big.NewInt(2*MaxScore))
	x.Add(x, d)
	x.Quo(x, new(big.Int).Lsh(d, 1))
	return int(x.Int64())
}

// mul64 returns a·b and whether it did not overflow.
func mul64(a, b int64) (int64, bool) {
	if a == 0 || b == 0 {
		return 0, true
	}
	c := a * b
	if c/b != a || (a == -1 && b == minInt64) || (b == -1 && a == minInt64) {
		return 0, false
	}
	return c, true
}

// sub64 returns a−b and whether it did not overflow.
func sub64(a, b int64) (int64, bool) {
	c := a - b
	if (b > 0 && c > a) || (b < 0 && c < a) {
		return 0, false
	}
	return c, true
}

// ExplainScore is Score with the explanation of how the score came about,
// for the UI: the formula with the KPI's numbers substituted and the
// result, e.g. "(actual − threshold) / (target − threshold) × 100 =
// (17 − 10) / (20 − 10) × 100" = "70.00", or "score (actual 25 ≥ target
// 20)" = "100.00" when the score is clamped, plus a rounding step when the exact
// value has more than two decimals.
func ExplainScore(actual Value, k contract.KPI) (int, bool, Explanation) {
	var e Explanation
	tg, th := fixedString(k.Target, k.Scale), fixedString(k.Threshold, k.Scale)
	num, den, ok := scoreFraction(actual, k)
	if !ok {
		if !actual.Valid() {
			e.add(i18n.K("kpi.explain.no_data"), "actual = ?", string(NoData))
		} else {
			e.add(i18n.K("kpi.explain.not_scorable"),
				"target "+neg(tg)+", threshold "+neg(th)+", direction "+k.Direction, string(NoData))
		}
		return 0, false, e
	}
	a := neg(actual.String())
	s := roundFraction(num, den)
	cmpBetter, cmpWorse := "≥", "≤"
	if k.Direction == "lower" {
		cmpBetter, cmpWorse = "≤", "≥"
	}
	n, d := num.bigInt(), den.bigInt()
	switch {
	case n.Cmp(d) >= 0:
		e.add(i18n.K("kpi.explain.score_target"), "score (actual "+a+" "+cmpBetter+" target "+neg(tg)+")", hundredths(s))
	case n.Sign() <= 0:
		e.add(i18n.K("kpi.explain.score_threshold"), "score (actual "+a+" "+cmpWorse+" threshold "+neg(th)+")", hundredths(s))
	default:
		exact := new(big.Rat).SetFrac(new(big.Int).Mul(n, big.NewInt(100)), d)
		expr := "(actual − threshold) / (target − threshold) × 100 = (" + a + " − " + paren(th) + ") / (" +
			neg(tg) + " − " + paren(th) + ") × 100"
		if x := new(big.Rat).Mul(exact, big.NewRat(100, 1)); x.IsInt() {
			e.add(i18n.K("kpi.explain.score"), expr, hundredths(s))
		} else {
			e.add(i18n.K("kpi.explain.score"), expr, neg(ratString(exact)))
			e.add(i18n.K("kpi.explain.rounded"), "round half up ("+neg(ratString(exact))+")", hundredths(s))
		}
	}
	return s, true, e
}

// neg writes a leading minus sign as "−" (U+2212), as in the formulas.
func neg(s string) string {
	if strings.HasPrefix(s, "-") {
		return "−" + s[1:]
	}
	return s
}

// paren formats a number that is subtracted, in parentheses when negative:
// "10", "(−10)".
func paren(s string) string {
	if strings.HasPrefix(s, "-") {
		return "(" + neg(s) + ")"
	}
	return s
}

// Status is how a KPI stands in a period.
type Status string

// The statuses of a KPI in a period.
const (
	OnTrack  Status = "on_track"  // score at or above StatusBands.OnTrack
	AtRisk   Status = "at_risk"   // score at or above StatusBands.AtRisk
	OffTrack Status = "off_track" // score below StatusBands.AtRisk
	NoData   Status = "no_data"   // no facts in the period: no score at all
)

// Key returns the catalogue key of the status label, "kpi.status.<s>".
func (s Status) Key() i18n.Key {
	switch s {
	case OnTrack:
		return i18n.K("kpi.status.on_track")
	case AtRisk:
		return i18n.K("kpi.status.at_risk")
	case OffTrack:
		return i18n.K("kpi.status.off_track")
	}
	return i18n.K("kpi.status.no_data")
}

// StatusBands are the lowest scores, in hundredths of a point, at which a
// KPI is on track and at risk; below AtRisk it is off track.
type StatusBands struct {
	OnTrack int
	AtRisk  int
}

// DefaultStatusBands: on track from 70.00, at risk from 40.00, off track
// below 40.00.
var DefaultStatusBands = StatusBands{OnTrack: 7000, AtRisk: 4000}

// Valid reports whether 0 <= AtRisk <= OnTrack <= 10000.
func (b StatusBands) Valid() bool {
	return 0 <= b.AtRisk && b.AtRisk <= b.OnTrack && b.OnTrack <= MaxScore
}

// Status returns the status of a score (hundredths of a point); hasData
// false gives NoData whatever the score.
func (b StatusBands) Status(score int, hasData bool) Status {
	switch {
	case !hasData:
		return NoData
	case score >= b.OnTrack:
		return OnTrack
	case score >= b.AtRisk:
		return AtRisk
	}
	return OffTrack
}

// Item is one KPI's part of a weighted total: its score in hundredths of a
// point, whether it had data in the period, and its relative weight. Key
// names it in explanations. Exact, when set, is the exact score in points
// (ScoreExact) and is what the total uses; without it the score is taken
// as Score/100 exactly.
type Item struct {
	Key     string
	Score   int
	HasData bool
	Weight  int
	Exact   *big.Rat
}

// points is the item's exact score in points, clamped to 0..100.
func (it Item) points() *big.Rat {
	if it.Exact != nil {
		return clampPoints(it.Exact)
	}
	return big.NewRat(int64(clampScore(it.Score)), 100)
}

// clampPoints clamps r to 0..100 (a new value).
func clampPoints(r *big.Rat) *big.Rat {
	switch {
	case r.Sign() < 0:
		return new(big.Rat)
	case r.Cmp(big.NewRat(100, 1)) > 0:
		return big.NewRat(100, 1)
	}
	return new(big.Rat).Set(r)
}

// Total returns the weighted total of items in hundredths of a point:
//
//	total = Σ weight·score / Σ weight
//
// over the items that have data and a positive weight, computed from the
// exact scores and rounded once, half up (TotalExact). Items without data
// are left out and the weights renormalised over the rest, so a missing
// KPI neither helps nor hurts; with weights 3, 2, 1 and the weight-2 KPI
// missing, the others count 3/4 and 1/4. ok is false ("no data") when no
// item has data. Scores are clamped to 0..100.
//
// Scores 50, 63.4456, 39.7233 and 98.1466 (shown 50.00, 63.45, 39.72,
// 98.15) with weights 2, 1, 3, 5 total 773.3485 / 11 = 70.3044… → 70.30;
// the shown scores would give 70.3054… → 70.31.
func Total(items []Item) (total int, ok bool) {
	t, ok := TotalExact(items)
	if !ok {
		return 0, false
	}
	return RoundPoints(t), true
}

// TotalExact is Total before rounding, in points.
func TotalExact(items []Item) (*big.Rat, bool) {
	sw, sws := new(big.Int), new(big.Rat)
	ok := false
	for _, it := range items {
		if it.HasData && it.Weight > 0 {
			w := big.NewInt(int64(it.Weight))
			sw.Add(sw, w)
			sws.Add(sws, new(big.Rat).Mul(new(big.Rat).SetInt(w), it.points()))
			ok = true
		}
	}
	if !ok {
		return nil, false
	}
	return sws.Quo(sws, new(big.Rat).SetInt(sw)), true
}

func clampScore(s int) int { return min(max(s, 0), MaxScore) }

// pointsString formats an exact figure in points for an explanation: with
// two decimals when that is exact ("63.45", "50.00"), else exactly
// ("63.4456", "1903/30").
func pointsString(r *big.Rat) string {
	if x := new(big.Rat).Mul(r, big.NewRat(100, 1)); x.IsInt() {
		return hundredths(int(x.Num().Int64()))
	}
	return neg(ratString(r))
}

// explainRounded adds the step of a figure computed as expr with the exact
// result r: "expr = r" and, when r has more than two decimals, "round half
// up (r) = shown"; it returns the shown figure in hundredths.
func explainRounded(e *Explanation, label i18n.Key, expr string, r *big.Rat) int {
	shown := RoundPoints(r)
	if x := new(big.Rat).Mul(r, big.NewRat(100, 1)); x.IsInt() {
		e.add(label, expr, hundredths(shown))
		return shown
	}
	e.add(label, expr, pointsString(r))
	e.add(i18n.K("kpi.explain.rounded"), "round half up ("+pointsString(r)+")", hundredths(shown))
	return shown
}

// ExplainTotal is Total with its explanation: the KPIs left out for lack
// of data, and the weighted mean with the exact scores substituted, e.g.
// "(3 × 70.00 + 1 × 50.00) / (3 + 1)" = "65.00", then the rounding when
// the exact total has more than two decimals.
func ExplainTotal(items []Item) (int, bool, Explanation) {
	var e Explanation
	exact, ok := TotalExact(items)
	var missing, terms, weights []string
	for _, it := range items {
		if it.HasData && it.Weight > 0 {
			terms = append(terms, strconv.Itoa(it.Weight)+" × "+pointsString(it.points()))
			weights = append(weights, strconv.Itoa(it.Weight))
		} else {
			missing = append(missing, it.Key)
		}
	}
	if len(missing) > 0 {
		e.add(i18n.K("kpi.explain.left_out"), strings.Join(missing, ", "), string(NoData))
	}
	if !ok {
		e.add(i18n.K("kpi.explain.total"), "—", string(NoData))
		return 0, false, e
	}
	total := explainRounded(&e, i18n.K("kpi.explain.total"),
		"("+strings.Join(terms, " + ")+") / ("+strings.Join(weights, " + ")+")", exact)
	return total, true, e
}

// Band is one standing band: a total of at least Min hundredths of a point
// earns Name.
type Band struct {
	Min  int
	Name string
}

// Bands are the standing bands of a workspace, in any order. The standing
// of a total is the band with the highest Min not above it.
type Bands []Band

// DefaultBands: excellent from 80.00, good from 60.00, poor from 40.00,
// very poor below.
var DefaultBands = Bands{
	{Min: 8000, Name: "excellent"},
	{Min: 6000, Name: "good"},
	{Min: 4000, Name: "poor"},
	{Min: 0, Name: "very_poor"},
}

// Standing returns the name of the band of total (hundredths of a point):
// the band with the highest Min <= total, the first one listed on a tie.
// 7999 (79.99) is "good" under DefaultBands. It returns "" if total is
// below every band; bands that pass Valid always cover 0..10000.
func (b Bands) Standing(total int) string {
	best := -1
	for i, band := range b {
		if band.Min <= total && (best < 0 || band.Min > b[best].Min) {
			best = i
		}
	}
	if best < 0 {
		return ""
	}
	return b[best].Name
}

// Valid reports whether b is usable: at least one band, one band with Min
// 0, every Min within 0..10000 and distinct, every Name non-empty and
// distinct.
func (b Bands) Valid() bool {
	mins, names := map[int]bool{}, map[string]bool{}
	for _, band := range b {
		if band.Min < 0 || band.Min > MaxScore || band.Name == "" || mins[band.Min] || names[band.Name] {
			return false
		}
		mins[band.Min], names[band.Name] = true, true
	}
	return mins[0]
}

// StandingKey returns the catalogue key of the label of a default band
// name ("kpi.standing.<name>"); for a workspace's own band names it
// returns false and the UI shows the name as configured.
func StandingKey(name string) (i18n.Key, bool) {
	switch name {
	case "excellent":
		return i18n.K("kpi.standing.excellent"), true
	case "good":
		return i18n.K("kpi.standing.good"), true
	case "poor":
		return i18n.K("kpi.standing.poor"), true
	case "very_poor":
		return i18n.K("kpi.standing.very_poor"), true
	}
	return "", false
}

// explainStanding explains Standing.
func (b Bands) explainStanding(total int, e *Explanation) string {
	name := b.Standing(total)
	for _, band := range b {
		if band.Name == name {
			e.add(i18n.K("kpi.explain.standing"), "standing ("+hundredths(total)+" ≥ "+hundredths(band.Min)+")", name)
			break
		}
	}
	return name
}

// PeriodTotal is an engagement's weighted total in one period; HasData is
// false when no KPI had data in it. Exact, when set, is the exact total in
// points (Scorecard.Exact) and is what the overall score uses; without it
// the total is taken as Total/100 exactly.
type PeriodTotal struct {
	Period  Period
	Total   int
	HasData bool
	Exact   *big.Rat
}

// points is the period's exact total in points, clamped to 0..100.
func (t PeriodTotal) points() *big.Rat {
	if t.Exact != nil {
		return clampPoints(t.Exact)
	}
	return big.NewRat(int64(clampScore(t.Total)), 100)
}

// DefaultRecent is the number of recent periods the overall score looks
// at by default: with weights 1, 2, 3 the latest period counts 3/6 = 50 %,
// the one before 2/6 and the oldest 1/6.
const DefaultRecent = 3

// Overall returns the overall score over recent periods, in hundredths of
// a point: of totals (ordered by Period.Start, oldest first — Overall
// sorts a copy, keeping the given order for equal starts) it takes the
// last n that have data and weighs them linearly, 1 for the oldest taken
// up to m for the newest (m = how many were taken, at most n):
//
//	overall = Σ i·total_i / Σ i,   i = 1..m
//
// over the exact totals, rounded once, half up: exact totals 36.375,
// 36.375, 36.369 give 218.232 / 6 = 36.372 → 36.37, where the shown
// totals 36.38, 36.38, 36.37 would give 36.375 → 36.38. Periods without
// data are skipped, not counted as 0. ok is false when n < 1 or no period
// has data. Callers bound how far back "recent" reaches by the totals they
// pass.
func Overall(totals []PeriodTotal, n int) (int, bool) {
	o, ok, _ := overall(totals, n, false)
	return o, ok
}

// OverallOf is Overall over scorecards (their exact totals), oldest
// first: the overall score of a trend, for the page and the API alike.
func OverallOf(cards []Scorecard, n int) (int, bool) {
	totals := make([]PeriodTotal, len(cards))
	for i, sc := range cards {
		totals[i] = sc.PeriodTotal()
	}
	return Overall(totals, n)
}

// ExplainOverall is Overall with its explanation, e.g.
// "(1 × 60.00 + 2 × 70.00 + 3 × 80.00) / (1 + 2 + 3)" = "73.33", naming
// the periods taken.
func ExplainOverall(totals []PeriodTotal, n int) (int, bool, Explanation) {
	return overall(totals, n, true)
}

func overall(totals []PeriodTotal, n int, explain bool) (int, bool, Explanation) {
	var e Explanation
	if n < 1 {
		return 0, false, e
	}
	ts := slices.Clone(totals)
	slices.SortStableFunc(ts, func(a, b PeriodTotal) int { return a.Period.Start.Compare(b.Period.Start) })
	var taken []PeriodTotal
	for i := len(ts) - 1; i >= 0 && len(taken) < n; i-- {
		if ts[i].HasData {
			taken = append(taken, ts[i])
		}
	}
	if len(taken) == 0 {
		if explain {
			e.add(i18n.K("kpi.explain.overall"), "—", string(NoData))
		}
		return 0, false, e
	}
	slices.Reverse(taken)
	num, den := new(big.Rat), int64(0)
	var terms, ws, names []string
	for i, t := range taken {
		w := int64(i + 1)
		num.Add(num, new(big.Rat).Mul(big.NewRat(w, 1), t.points()))
		den += w
		if explain {
			terms = append(terms, strconv.FormatInt(w, 10)+" × "+pointsString(t.points()))
			ws = append(ws, strconv.FormatInt(w, 10))
			names = append(names, t.Period.String())
		}
	}
	exact := num.Quo(num, big.NewRat(den, 1))
	if !explain {
		return RoundPoints(exact), true, e
	}
	e.add(i18n.K("kpi.explain.overall_periods"), strings.Join(names, ", "), strconv.Itoa(len(taken)))
	o := explainRounded(&e, i18n.K("kpi.explain.overall"),
		"("+strings.Join(terms, " + ")+") / ("+strings.Join(ws, " + ")+")", exact)
	return o, true, e
}

// Step is one line of an explanation: Label is a catalogue key naming the
// step ("kpi.explain.score" — "Score"), Expr the computation with the
// numbers substituted, Result its result. Numbers use "." as decimal
// separator and "−", "×" as operators.
type Step struct {
	Label  i18n.Key
	Args   []any // the label's message arguments, if it has any
	Expr   string
	Result string
}

// String is "Expr = Result".
func (s Step) String() string { return s.Expr + " = " + s.Result }

// Explanation is how a figure was computed, step by step, so that every
// figure on a scorecard can be explained.
type Explanation struct {
	Steps []Step
}

func (e *Explanation) add(label i18n.Key, expr, result string) {
	e.Steps = append(e.Steps, Step{Label: label, Expr: expr, Result: result})
}

// String joins the steps, one per line.
func (e Explanation) String() string {
	lines := make([]string, len(e.Steps))
	for i, s := range e.Steps {
		lines[i] = s.String()
	}
	return strings.Join(lines, "\n")
}
