package store_test

import (
	"fmt"
	"math/big"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/kpi"
	"github.com/tandemhq/tandem/internal/ownmetric"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
)

// A randomized check of every scorecard figure against a recomputation
// written here, from the facts, values and terms this test itself wrote —
// exact rationals and one rounding at the end, not the scoring code.
// Three engagements get random weekly, monthly and quarterly KPIs,
// amendments effective inside a week or a month (some backdated), accepted
// deliverables around weekends, period edges and both DST switches of
// 2026 in Stockholm (29 March, 25 October), and manual values of every
// period kind entered, replaced, reported, confirmed and rejected. 2026
// has an ISO week 53 (28 December – 3 January).

// modelVersion is a version of the terms as the test wrote it.
type modelVersion struct {
	number int
	from   string // effective from
	kpis   []contract.KPI
}

type modelFact struct {
	at    time.Time
	late  int64
	first bool
}

type valueKey struct{ metric, kind, start string }

type model struct {
	versions []modelVersion
	facts    []modelFact
	counted  map[valueKey]int64 // the value that counts for each metric, period kind and period start
}

var randomMetrics = []struct {
	key, metric string
	scale       int
}{
	{"ontime", "on_time_share", 2}, {"first", "first_time_acceptance", 2}, {"spread", "lateness_spread", 1},
	{"score", "score", 1}, {"survey", "survey", 0},
}

func randomKPIs(rng *rand.Rand, goal string) []contract.KPI {
	var out []contract.KPI
	for _, kind := range []string{kpi.Week, kpi.Month, kpi.Quarter} {
		for _, m := range randomMetrics {
			if rng.IntN(10) < 4 {
				continue
			}
			k := contract.KPI{Key: m.key + "-" + kind, GoalKey: goal, Metric: m.metric, Name: m.key + " " + kind,
				Scale: m.scale, Weight: 1 + rng.IntN(5), Period: kind, Direction: "higher"}
			switch m.metric {
			case "on_time_share", "first_time_acceptance":
				k.Threshold = 2000 + rng.Int64N(5000)
				k.Target = k.Threshold + 1 + rng.Int64N(10000-k.Threshold)
			case "lateness_spread":
				k.Scale = 1 + rng.IntN(3) // 0.1, 0.01 or 0.001 business days
				p := int64(1)
				for range k.Scale {
					p *= 10
				}
				k.Direction, k.Target = "lower", rng.Int64N(2*p)
				k.Threshold = k.Target + 1 + rng.Int64N(3*p)
			case "score": // 0.0 .. 10.0
				k.Threshold = rng.Int64N(60)
				k.Target = k.Threshold + 1 + rng.Int64N(100-k.Threshold)
			case "survey": // 0 .. 10, lower is better half the time
				k.Threshold, k.Target = rng.Int64N(5), 6+rng.Int64N(5)
				if rng.IntN(2) == 0 {
					k.Direction, k.Target, k.Threshold = "lower", k.Threshold, k.Target
				}
			}
			out = append(out, k)
		}
	}
	return out
}

// randomInstant is an instant near a local midnight of 2026 in loc (the
// edges of days, weeks and months), often on a weekend, a month's first or
// last day or a DST switch.
func randomInstant(rng *rand.Rand, loc *time.Location, before time.Time) time.Time {
	special := []string{"2026-03-28", "2026-03-29", "2026-03-30", "2026-10-24", "2026-10-25", "2026-10-26",
		"2026-01-01", "2026-03-31", "2026-04-01", "2026-06-30", "2026-07-01", "2026-09-30", "2026-10-01", "2026-12-27", "2026-12-28"}
	var day time.Time
	if rng.IntN(3) == 0 {
		d, _ := time.Parse(time.DateOnly, special[rng.IntN(len(special))])
		day = d
	} else {
		day = time.Date(2026, 1, 1+rng.IntN(362), 0, 0, 0, 0, time.UTC)
		for day.Weekday() != time.Saturday && day.Weekday() != time.Sunday && day.Weekday() != time.Monday && rng.IntN(2) == 0 {
			day = day.AddDate(0, 0, 1)
		}
	}
	at := time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, loc).Add(time.Duration(rng.IntN(6*60)-3*60) * time.Minute)
	if at.Before(time.Date(2026, 1, 1, 0, 0, 0, 0, loc)) {
		at = time.Date(2026, 1, 1, 0, 30, 0, 0, loc)
	}
	if !at.Before(before) {
		at = before.Add(-time.Hour)
	}
	return at
}

func TestScorecardsAgainstIndependentRecomputation(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			// Wednesday 30 December 2026, in ISO week 53.
			clock := storetest.NewClock(time.Date(2026, 12, 30, 11, 0, 0, 0, time.UTC))
			db := storetest.Open(t, dialect, clock.Now)
			f := storetest.Seed(t, db)
			rng := rand.New(rand.NewPCG(2026, 10))
			partners := map[int64]tandem.Principal{f.A1: f.VendorManager, f.A2: f.VendorManager, f.B1: f.VendorManagerB}
			models := map[int64]*model{}
			for _, eng := range []int64{f.A1, f.A2, f.B1} {
				m := &model{counted: map[valueKey]int64{}}
				models[eng] = m
				var goal string
				storetest.Activate(t, db, f.Owner, eng, func(t *contract.Terms) {
					goal = t.Goals[0].Key
					t.Metrics = []contract.MetricDef{{Key: "score", Name: "Score", Kind: "manual", Source: "client", Scale: 1},
						{Key: "survey", Name: "Survey", Kind: "manual", Source: "partner"}}
					t.KPIs = randomKPIs(rng, goal)
					m.versions = append(m.versions, modelVersion{number: 1, from: "2026-01-01", kpis: t.KPIs})
				})
				// Amendments effective inside a week or a month, some backdated.
				for i := 0; i < 4; i++ {
					eff := tandem.DateOf(time.Date(2026, time.Month(1+rng.IntN(12)), 2+rng.IntN(26), 12, 0, 0, 0, time.UTC))
					cur, err := db.Contracts.InForce(ctx, f.Owner, eng, eff)
					if err != nil {
						t.Fatal(err)
					}
					terms := cur.Terms
					terms.KPIs = randomKPIs(rng, goal)
					a, err := db.Contracts.Propose(ctx, f.Manager, eng, eff, fmt.Sprintf("Amendment %d", i+1), terms)
					if err != nil {
						t.Fatal(err)
					}
					if err := db.Contracts.Decide(ctx, partners[eng], eng, a.Number, true, ""); err != nil {
						t.Fatal(err)
					}
					m.versions = append(m.versions, modelVersion{number: len(m.versions) + 1, from: eff.String(), kpis: terms.KPIs})
				}
				// Accepted deliverables.
				var facts []store.Fact
				for i := 0; i < 150; i++ {
					mf := modelFact{at: randomInstant(rng, kpiZone, clock.Now()).UTC().Truncate(time.Microsecond), late: rng.Int64N(7), first: rng.IntN(3) > 0}
					if rng.IntN(2) == 0 {
						mf.late = 0
					}
					m.facts = append(m.facts, mf)
					facts = append(facts, accepted(eng, mf.at, mf.late, mf.first, 60+rng.Int64N(86400)))
				}
				if _, err := db.KPI.RecordFacts(ctx, f.Owner, facts); err != nil {
					t.Fatal(err)
				}
				// Manual values.
				type pendingValue struct {
					id  int64
					key valueKey
					v   int64
				}
				var pending []pendingValue
				for i := 0; i < 120; i++ {
					kind := []string{kpi.Week, kpi.Month, kpi.Quarter}[rng.IntN(3)]
					day := tandem.DateOf(randomInstant(rng, kpiZone, clock.Now()).In(kpiZone))
					metricKey, scale, v := "score", 1, rng.Int64N(101)
					if rng.IntN(2) == 0 {
						metricKey, scale, v = "survey", 0, rng.Int64N(11)
					}
					// The period's first day, worked out here.
					d := day.Time()
					switch kind {
					case kpi.Week:
						d = d.AddDate(0, 0, -((int(d.Weekday()) + 6) % 7))
					case kpi.Month:
						d = time.Date(d.Year(), d.Month(), 1, 0, 0, 0, 0, time.UTC)
					case kpi.Quarter:
						d = time.Date(d.Year(), (d.Month()-1)/3*3+1, 1, 0, 0, 0, 0, time.UTC)
					}
					key := valueKey{metricKey, kind, d.Format(time.DateOnly)}
					mv := &ownmetric.Value{EngagementID: eng, Metric: metricKey, PeriodKind: kind, PeriodStart: day, Value: v, Scale: scale}
					byPartner := metricKey == "survey" && rng.IntN(3) > 0
					p := f.Manager
					if byPartner {
						p = partners[eng]
					}
					if err := db.OwnMetrics.Enter(ctx, p, mv); err != nil {
						t.Fatalf("enter %+v: %v", key, err)
					}
					if mv.PeriodStart.String() != key.start {
						t.Fatalf("period start %s, worked out %s", mv.PeriodStart, key.start)
					}
					// Any entry supersedes the pending reports of its period.
					kept := pending[:0]
					for _, pv := range pending {
						if pv.key != key {
							kept = append(kept, pv)
						}
					}
					pending = kept
					if byPartner {
						pending = append(pending, pendingValue{mv.ID, key, v})
					} else {
						m.counted[key] = v
					}
					// Now and then the client answers a pending report.
					if len(pending) > 0 && rng.IntN(3) == 0 {
						j := rng.IntN(len(pending))
						pv := pending[j]
						pending = append(pending[:j], pending[j+1:]...)
						if rng.IntN(3) > 0 {
							if err := db.OwnMetrics.Confirm(ctx, f.Manager, pv.id); err != nil {
								t.Fatal(err)
							}
							m.counted[pv.key] = pv.v
						} else if err := db.OwnMetrics.Reject(ctx, f.Manager, pv.id, "Not what we measured"); err != nil {
							t.Fatal(err)
						}
					}
				}
			}
			verifyClean(t, db)

			// What the comparison covered, so that it cannot pass vacuously.
			checked, withData, irrational, manualRows, unscored, amendedMid := 0, 0, 0, 0, 0, 0
			for _, eng := range []int64{f.A1, f.A2, f.B1} {
				m := models[eng]
				// 54 weeks from 2025-W52 (before the start) to 2026-W53, 13
				// months from December 2025, 5 quarters from 2025-Q4.
				for kind, n := range map[string]int{kpi.Week: 54, kpi.Month: 13, kpi.Quarter: 5} {
					tr, err := db.KPI.Trend(ctx, f.Viewer, eng, kind, n)
					if err != nil {
						t.Fatal(err)
					}
					var totals []*big.Rat // exact totals of the periods with data, oldest first
					for _, sc := range tr {
						from, to := periodDays(t, kind, sc.Period)
						want := m.scorecard(t, kind, from, to)
						compareScorecard(t, fmt.Sprintf("engagement %d %s %s", eng, kind, from), sc, want)
						if want.hasTotal {
							totals = append(totals, want.exact)
						}
						checked += len(want.rows)
						if want.version == 0 {
							unscored++
						}
						for _, v := range m.versions[1:] {
							if from < v.from && v.from < to {
								amendedMid++
							}
						}
						for _, r := range want.rows {
							if r.hasData {
								withData++
								if !r.rational {
									irrational++
								}
								if r.key[:5] == "score" || r.key[:6] == "survey" {
									manualRows++
								}
							}
						}
					}
					cards := make([]kpi.Scorecard, len(tr))
					for i := range tr {
						cards[i] = tr[i].Scorecard
					}
					got, ok := kpi.OverallOf(cards, 3)
					if len(totals) > 3 {
						totals = totals[len(totals)-3:]
					}
					sum, den := new(big.Rat), int64(0)
					for i, x := range totals {
						sum.Add(sum, new(big.Rat).Mul(big.NewRat(int64(i+1), 1), x))
						den += int64(i + 1)
					}
					if ok != (len(totals) > 0) || (ok && got != roundHundredths(sum.Quo(sum, big.NewRat(den, 1)))) {
						t.Errorf("engagement %d %s: overall %d (%v), want %v", eng, kind, got, ok, sum)
					}
					sameTrends(t, db, f.Viewer, eng, kind, n)
				}
			}
			t.Logf("%d rows, %d with data (%d σ irrational, %d manual), %d periods before the start, %d amended mid-period",
				checked, withData, irrational, manualRows, unscored, amendedMid)
			if withData < 300 || irrational < 10 || manualRows < 50 || unscored < 3 || amendedMid < 10 {
				t.Fatalf("the comparison covered too little")
			}
		})
	}
}

// periodDays checks that p is the week (Monday to Monday), month or
// quarter it claims to be, starting at local midnight, and returns its
// local days [from, to).
func periodDays(t *testing.T, kind string, p kpi.Period) (string, string) {
	t.Helper()
	s, e := p.Start.In(kpiZone), p.End.In(kpiZone)
	if s.Hour() != 0 || s.Minute() != 0 || e.Hour() != 0 || e.Minute() != 0 {
		t.Fatalf("%s does not start and end at midnight: %v %v", p, s, e)
	}
	sd := time.Date(s.Year(), s.Month(), s.Day(), 0, 0, 0, 0, time.UTC)
	ed := time.Date(e.Year(), e.Month(), e.Day(), 0, 0, 0, 0, time.UTC)
	var want time.Time
	switch kind {
	case kpi.Week:
		if sd.Weekday() != time.Monday {
			t.Fatalf("week %s starts on %s", p, sd.Weekday())
		}
		want = sd.AddDate(0, 0, 7)
	case kpi.Month:
		want = sd.AddDate(0, 1, 0)
	case kpi.Quarter:
		want = sd.AddDate(0, 3, 0)
	}
	if kind != kpi.Week && (sd.Day() != 1 || (kind == kpi.Quarter && (sd.Month()-1)%3 != 0)) {
		t.Fatalf("%s starts on %s", p, sd)
	}
	if !ed.Equal(want) {
		t.Fatalf("%s ends on %s", p, ed)
	}
	return sd.Format(time.DateOnly), ed.Format(time.DateOnly)
}

type wantRow struct {
	key      string
	hasData  bool
	actual   *big.Rat // exact; for σ the root to 40 decimals (truncated) unless it is rational
	rational bool
	score    int
	exact    *big.Rat // points
}

type wantCard struct {
	version  int
	rows     []wantRow
	hasTotal bool
	exact    *big.Rat
	total    int
	standing string
}

// roundHundredths rounds a non-negative number of points half up to
// hundredths: floor(100x + 1/2).
func roundHundredths(x *big.Rat) int {
	y := new(big.Rat).Mul(x, big.NewRat(100, 1))
	y.Add(y, big.NewRat(1, 2))
	return int(new(big.Int).Quo(y.Num(), y.Denom()).Int64())
}

func pow10(n int) *big.Int { return new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(n)), nil) }

// scorecard works out the scorecard of the local days [from, to).
func (m *model) scorecard(t *testing.T, kind, from, to string) wantCard {
	last := mustDay(to).AddDate(0, 0, -1).Format(time.DateOnly)
	var v *modelVersion
	for i := range m.versions {
		x := &m.versions[i]
		if x.from <= last && (v == nil || x.from > v.from || (x.from == v.from && x.number > v.number)) {
			v = x
		}
	}
	var w wantCard
	if v == nil {
		return w
	}
	w.version = v.number
	// The deliverables accepted on the period's local days.
	var n, zeros, firsts, sum, sumSq int64
	for _, f := range m.facts {
		d := f.at.In(kpiZone).Format(time.DateOnly)
		if d < from || d >= to {
			continue
		}
		n++
		if f.late == 0 {
			zeros++
		}
		if f.first {
			firsts++
		}
		sum += f.late
		sumSq += f.late * f.late
	}
	// The manual values that count: a week's own; a month's own; a
	// quarter's own and its months'.
	manual := func(metric string, scale int) (*big.Rat, bool) {
		var s, c int64
		for k, val := range m.counted {
			if k.metric != metric || k.start < from || k.start >= to {
				continue
			}
			if k.kind == kind || (kind == kpi.Quarter && k.kind == kpi.Month) {
				s += val
				c++
			}
		}
		if c == 0 {
			return nil, false
		}
		return new(big.Rat).SetFrac(big.NewInt(s), new(big.Int).Mul(big.NewInt(c), pow10(scale))), true
	}
	var sw int64
	sws := new(big.Rat)
	for _, k := range v.kpis {
		if k.Period != kind {
			continue
		}
		r := wantRow{key: k.Key, rational: true}
		switch k.Metric {
		case "on_time_share":
			if n > 0 {
				r.actual, r.hasData = big.NewRat(100*zeros, n), true
			}
		case "first_time_acceptance":
			if n > 0 {
				r.actual, r.hasData = big.NewRat(100*firsts, n), true
			}
		case "lateness_spread":
			if n > 0 {
				v := n*sumSq - sum*sum
				root := new(big.Int).Sqrt(big.NewInt(v))
				r.hasData = true
				if root.Int64()*root.Int64() == v {
					r.actual = new(big.Rat).SetFrac(root, big.NewInt(n))
				} else {
					x := new(big.Int).Mul(big.NewInt(v), pow10(80))
					x.Quo(x, big.NewInt(n*n))
					r.actual, r.rational = new(big.Rat).SetFrac(x.Sqrt(x), pow10(40)), false
				}
			}
		case "score":
			r.actual, r.hasData = manual("score", 1)
		case "survey":
			r.actual, r.hasData = manual("survey", 0)
		}
		if r.hasData {
			tg := new(big.Rat).SetFrac(big.NewInt(k.Target), pow10(k.Scale))
			th := new(big.Rat).SetFrac(big.NewInt(k.Threshold), pow10(k.Scale))
			x := new(big.Rat).Sub(r.actual, th)
			x.Quo(x, new(big.Rat).Sub(tg, th))
			switch {
			case x.Sign() < 0:
				x.SetInt64(0)
			case x.Cmp(big.NewRat(1, 1)) > 0:
				x.SetInt64(1)
			}
			r.exact = x.Mul(x, big.NewRat(100, 1))
			r.score = roundHundredths(r.exact)
			sw += int64(k.Weight)
			sws.Add(sws, new(big.Rat).Mul(big.NewRat(int64(k.Weight), 1), r.exact))
		}
		w.rows = append(w.rows, r)
	}
	if sw > 0 {
		w.hasTotal, w.exact = true, sws.Quo(sws, big.NewRat(sw, 1))
		w.total = roundHundredths(w.exact)
		switch {
		case w.total >= 8000:
			w.standing = "excellent"
		case w.total >= 6000:
			w.standing = "good"
		case w.total >= 4000:
			w.standing = "poor"
		default:
			w.standing = "very_poor"
		}
	}
	return w
}

func mustDay(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}

func compareScorecard(t *testing.T, name string, sc store.Scorecard, w wantCard) {
	t.Helper()
	if sc.TermsVersion != w.version || len(sc.Rows) != len(w.rows) {
		t.Fatalf("%s: version %d with %d rows, want version %d with %d", name, sc.TermsVersion, len(sc.Rows), w.version, len(w.rows))
	}
	for i, r := range sc.Rows {
		x := w.rows[i]
		if r.KPI.Key != x.key || r.HasData != x.hasData || r.Scored != x.hasData {
			t.Fatalf("%s %s: %+v, want %+v", name, x.key, r, x)
		}
		if !x.hasData {
			if r.Status != kpi.NoData {
				t.Errorf("%s %s: status %s without data", name, x.key, r.Status)
			}
			continue
		}
		got := r.Actual.Rat()
		if x.rational {
			if got.Cmp(x.actual) != 0 {
				t.Errorf("%s %s: actual %v, want %v", name, x.key, got, x.actual)
			}
		} else {
			// σ truncated to 12 decimals: at most 10^-12 below the root.
			d := new(big.Rat).Sub(x.actual, got)
			if d.Sign() < 0 || d.Cmp(big.NewRat(1, 1e12)) >= 0 {
				t.Errorf("%s %s: σ %v, root %v", name, x.key, r.Actual, x.actual.FloatString(20))
			}
		}
		status := kpi.OffTrack
		switch {
		case x.score >= 7000:
			status = kpi.OnTrack
		case x.score >= 4000:
			status = kpi.AtRisk
		}
		if r.Score != x.score || r.Status != status {
			t.Errorf("%s %s: score %d %s, want %d %s (exact %v)", name, x.key, r.Score, r.Status, x.score, status, x.exact.FloatString(8))
		}
	}
	if sc.HasTotal != w.hasTotal || (w.hasTotal && (sc.Total != w.total || sc.Standing != w.standing)) {
		t.Errorf("%s: total %d (%v) %s, want %d (%v) %s", name, sc.Total, sc.HasTotal, sc.Standing, w.total, w.hasTotal, w.standing)
	}
	if w.hasTotal && w.rowsRational() && w.exact.Cmp(sc.Exact) != 0 {
		t.Errorf("%s: exact total %v, want %v", name, sc.Exact, w.exact)
	}
}

func (w wantCard) rowsRational() bool {
	for _, r := range w.rows {
		if r.hasData && !r.rational {
			return false
		}
	}
	return true
}
