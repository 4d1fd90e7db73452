// Package forecast says where the current, incomplete invoicing period of
// an engagement will land at the current pace: each KPI's projected value
// and score, and the projected invoice, with an uncertainty range. It is
// pure: the store hands it the period, today, the contract's calendar, the
// KPIs as measured so far and the invoice's inputs so far; nothing here
// reads a database or a clock.
//
// # The method
//
// The pace is measured over business days of the contract's calendar
// (calendar.work_days, less calendar.holidays): E is the business days of
// the period elapsed so far, from its first day to today inclusive, and T
// all the business days of the period. Before the first business day
// (E = 0) there is no pace and nothing is projected.
//
//   - A count or a sum (a KPI whose metric is extensive: leads, meetings,
//     deals, revenue, penalties, proposals …) is scaled: projected =
//     measured × T ÷ E, rounded once, half up, to the decimals of the KPI's
//     target (its scale: a count to a whole number, revenue with scale 2
//     to two decimals).
//     12 leads after 8 of 21 business days: 12 × 21 ÷ 8 = 31.5 → 32.
//   - A share, a ratio, a spread or a quantile (on-time share, win rate,
//     lead time p90 …) stays as measured: the pace does not change it.
//   - Each projected value is scored like the actual (kpi.ScoreExact) and
//     the projected weighted total is computed from those scores.
//
// # The uncertainty
//
// A count of independent events is read as Poisson: with n events so far
// the count over the elapsed days is n ± 1.64·√n (a 90 % band), scaled by
// T ÷ E like the count: for 12 leads, √12 = 3.4641…, the band is
// (12 ± 5.681…) × 21 ÷ 8 = 16.59… to 46.41…, shown 17 to 46 (half up). The
// low end is never below what is measured (accepted results are not taken
// back). A sum (revenue) takes the same relative band as the count of the
// facts behind it (1.64 ÷ √deals). A value that stays as measured has no
// band. The band of a KPI is scored at both ends.
//
// # The projected invoice
//
// The invoice is computed by invoice.Compute from the period's inputs so
// far plus the projected rest, so that every clause (caps, floors, SLA
// credits, bonus or malus, VAT) applies as it will: accepted results of
// each unit and service, SLA breaches of each service and clock, and
// late-notice penalties are counted and projected like a KPI count (the
// extra ones dated today, a won deal and a penalty carrying the mean
// amount of those so far, the last absorbing the remainder); approved time
// of each person and service is scaled by T ÷ E in minutes (half up), with
// no band; the KPI score is the projected total; the workflow's
// adjustments stay as decided. The range of the invoice is the lower and
// the higher of the totals computed with every count at the low and at the
// high end of its band.
package forecast

import (
	"math/big"
	"slices"
	"strconv"
	"time"

	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/invoice"
	"github.com/tandemhq/tandem/internal/kpi"
	"github.com/tandemhq/tandem/internal/money"
)

// Z is the band's multiple of √n, in hundredths: 1.64, a 90 % band.
const Z = 164

// Pace is the business days of the period elapsed (first day to today
// inclusive) and in all.
type Pace struct {
	Elapsed, Total int
}

// Known reports whether there is a pace to project with.
func (p Pace) Known() bool { return p.Elapsed > 0 && p.Total >= p.Elapsed }

// workDay reports whether day is a business day of the calendar: one of
// its work days (Sunday is 0 or 7; none set: Monday to Friday) and no
// holiday.
func workDay(c contract.Calendar, day time.Time) bool {
	wd := int(day.Weekday())
	days := c.WorkDays
	if len(days) == 0 {
		days = []int{1, 2, 3, 4, 5}
	}
	if !slices.Contains(days, wd) && !(wd == 0 && slices.Contains(days, 7)) {
		return false
	}
	return !slices.Contains(c.Holidays, day.Format(time.DateOnly))
}

// PaceOf counts the business days of period (local days) on calendar c,
// elapsed up to today (YYYY-MM-DD) inclusive and in all.
func PaceOf(c contract.Calendar, period kpi.Period, today string) Pace {
	loc := period.Start.Location()
	first := period.Start.In(loc)
	var p Pace
	for d := time.Date(first.Year(), first.Month(), first.Day(), 12, 0, 0, 0, time.UTC); ; d = d.AddDate(0, 0, 1) {
		local := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, loc)
		if !local.Before(period.End) {
			break
		}
		if !workDay(c, d) {
			continue
		}
		p.Total++
		if d.Format(time.DateOnly) <= today {
			p.Elapsed++
		}
	}
	return p
}

// scale is x × T ÷ E as an exact rational.
func (p Pace) scale(x *big.Rat) *big.Rat {
	return new(big.Rat).Mul(x, big.NewRat(int64(p.Total), int64(p.Elapsed)))
}

// sqrt is √n, exact to kpi.SqrtDigits decimals (truncated).
func sqrt(n int64) *big.Rat {
	v, ok := kpi.Sqrt(big.NewInt(max(n, 0)), big.NewInt(1))
	if !ok {
		return new(big.Rat)
	}
	return v.Rat()
}

func round(r *big.Rat) int64 { return money.RoundRatio(r.Num(), r.Denom()).Int64() }

// Count is the projection of a count n: the projected count and its band.
type Count struct {
	Measured, Projected, Low, High int64
}

// ProjectCount projects a count of n events at pace p: n × T ÷ E and the
// band (n ± 1.64·√n) × T ÷ E, each rounded half up, the low end not below
// n. An unknown pace projects n as it is.
func ProjectCount(n int64, p Pace) Count {
	c := Count{Measured: n, Projected: n, Low: n, High: n}
	if !p.Known() || n <= 0 {
		return c
	}
	half := new(big.Rat).Mul(sqrt(n), big.NewRat(Z, 100))
	nr := new(big.Rat).SetInt64(n)
	c.Projected = round(p.scale(nr))
	c.Low = max(n, round(p.scale(new(big.Rat).Sub(nr, half))))
	c.High = round(p.scale(new(big.Rat).Add(nr, half)))
	return c
}

// KPIIn is one KPI of the period's scorecard as measured so far: its
// actual (when HasData), whether its metric is extensive (a count or a
// sum: metric.Metric.Extensive) and how many facts the value counts
// (metric.Metric.Events).
type KPIIn struct {
	KPI     contract.KPI
	Actual  kpi.Value
	HasData bool
	Scales  bool
	Events  int64
}

// KPI is one KPI's forecast. Projected, Low and High are meaningful when
// HasData; the scores when Scored (hundredths of a point).
type KPI struct {
	KPI                        contract.KPI
	Measured                   kpi.Value
	HasData, Scales            bool
	Projected, Low, High       kpi.Value
	Scored                     bool
	Score, LowScore, HighScore int
	exact, exactLow, exactHigh *big.Rat
}

// Input is what a forecast is computed from.
type Input struct {
	Today string // the workspace's local day, YYYY-MM-DD, in the period
	Pace  Pace
	KPIs  []KPIIn
	// Invoice is the invoice's input of the period so far (its Score is
	// replaced by the projected total); nil: no invoice is projected.
	Invoice *invoice.Input
}

// Forecast is where the period will land.
type Forecast struct {
	Today    string
	Pace     Pace
	KPIs     []KPI
	Total    int // the projected weighted total, hundredths; when HasTotal
	HasTotal bool
	// Measured is the invoice as it stands today; Projected at the current
	// pace; Low and High the totals at the ends of the band (Low ≤ High).
	Measured, Projected *invoice.Invoice
	LowMinor, HighMinor int64
}

// value rounds an extensive projection half up to scale decimals (the
// KPI's: a count has none).
func value(r *big.Rat, scale int) kpi.Value {
	one := kpi.Fixed(1, min(max(scale, 0), 6)) // 10^-scale
	return kpi.Ratio(round(new(big.Rat).Quo(r, one.Rat())), one.Den)
}

// projectKPI projects one KPI at pace p.
func projectKPI(in KPIIn, p Pace) KPI {
	out := KPI{KPI: in.KPI, Measured: in.Actual, HasData: in.HasData && in.Actual.Valid(), Scales: in.Scales}
	if !out.HasData {
		return out
	}
	out.Projected, out.Low, out.High = in.Actual, in.Actual, in.Actual
	if in.Scales && p.Known() {
		scale := in.KPI.Scale
		a := in.Actual.Rat()
		out.Projected = value(p.scale(a), scale)
		if n := in.Events; n > 0 {
			// relative half-width 1.64 ÷ √n of the value
			rel := new(big.Rat).Quo(big.NewRat(Z, 100), sqrt(n))
			half := new(big.Rat).Mul(new(big.Rat).Abs(a), rel)
			low := value(p.scale(new(big.Rat).Sub(a, half)), scale)
			if low.Cmp(in.Actual) < 0 && in.Actual.Num >= 0 {
				low = in.Actual
			}
			out.Low, out.High = low, value(p.scale(new(big.Rat).Add(a, half)), scale)
		} else {
			out.Low, out.High = out.Projected, out.Projected
		}
	}
	var ok1, ok2, ok3 bool
	out.exact, ok1 = kpi.ScoreExact(out.Projected, in.KPI)
	out.exactLow, ok2 = kpi.ScoreExact(out.Low, in.KPI)
	out.exactHigh, ok3 = kpi.ScoreExact(out.High, in.KPI)
	if out.Scored = ok1 && ok2 && ok3; out.Scored {
		out.Score, out.LowScore, out.HighScore = kpi.RoundPoints(out.exact), kpi.RoundPoints(out.exactLow), kpi.RoundPoints(out.exactHigh)
		if out.LowScore > out.HighScore { // lower is better
			out.LowScore, out.HighScore = out.HighScore, out.LowScore
		}
	}
	return out
}

// Project computes the forecast.
func Project(in Input) (*Forecast, error) {
	f := &Forecast{Today: in.Today, Pace: in.Pace}
	items := make([]kpi.Item, 0, len(in.KPIs))
	for _, k := range in.KPIs {
		x := projectKPI(k, in.Pace)
		f.KPIs = append(f.KPIs, x)
		items = append(items, kpi.Item{Key: k.KPI.Key, Score: x.Score, HasData: x.Scored, Weight: k.KPI.Weight, Exact: x.exact})
	}
	if t, ok := kpi.TotalExact(items); ok {
		f.Total, f.HasTotal = kpi.RoundPoints(t), true
	}
	if in.Invoice == nil {
		return f, nil
	}
	var err error
	if f.Measured, err = invoice.Compute(*in.Invoice); err != nil {
		return nil, err
	}
	var score *invoice.Score
	if f.HasTotal {
		score = &invoice.Score{Ref: "forecast", Hundredths: f.Total}
	} else {
		score = in.Invoice.Score
	}
	var totals []int64
	for _, end := range []int{mid, low, high} {
		x := project(*in.Invoice, in.Pace, in.Today, end)
		x.Score = score
		inv, err := invoice.Compute(x)
		if err != nil {
			return nil, err
		}
		if end == mid {
			f.Projected = inv
		}
		totals = append(totals, inv.TotalMinor)
	}
	f.LowMinor, f.HighMinor = slices.Min(totals), slices.Max(totals)
	return f, nil
}

// Which end of the band a projected input takes.
const (
	mid = iota
	low
	high
)

func pick(c Count, end int) int64 {
	switch end {
	case low:
		return c.Low
	case high:
		return c.High
	}
	return c.Projected
}

// spread splits total over n parts: each total ÷ n rounded down, the last
// absorbing the remainder.
func spread(total, n int64) []int64 {
	out := make([]int64, n)
	if n == 0 {
		return out
	}
	each := total / n
	for i := range out {
		out[i] = each
	}
	out[n-1] = total - each*(n-1)
	return out
}

// RefPrefix starts the reference of a projected input ("forecast:3"): it
// names no fact.
const RefPrefix = "forecast:"

// project returns the invoice input with the rest of the period added at
// pace p: counts at the given end of their band, dated today.
func project(in invoice.Input, p Pace, today string, end int) invoice.Input {
	out := in
	out.Results = slices.Clone(in.Results)
	out.Time = slices.Clone(in.Time)
	out.Breaches = slices.Clone(in.Breaches)
	out.Penalties = slices.Clone(in.Penalties)
	if !p.Known() {
		return out
	}
	seq := 0
	ref := func() string { seq++; return RefPrefix + strconv.Itoa(seq) }
	// Results by unit, service and clawback.
	type rkey struct {
		unit, service string
		clawback      bool
	}
	rn, rsum := map[rkey]int64{}, map[rkey]int64{}
	var rkeys []rkey
	for _, r := range in.Results {
		k := rkey{r.Unit, r.Service, r.Clawback}
		if _, ok := rn[k]; !ok {
			rkeys = append(rkeys, k)
		}
		rn[k]++
		rsum[k] += r.RevenueMinor
	}
	for _, k := range rkeys {
		n := rn[k]
		extra := pick(ProjectCount(n, p), end) - n
		// the revenue of the extra deals: the mean of those so far
		rev := round(new(big.Rat).Mul(big.NewRat(rsum[k], n), new(big.Rat).SetInt64(extra)))
		for _, a := range spread(rev, extra) {
			out.Results = append(out.Results, invoice.Result{Ref: ref(), Unit: k.unit, Service: k.service, Day: today,
				RevenueMinor: a, Clawback: k.clawback})
		}
	}
	// Breaches by service and clock.
	type bkey struct{ service, clock string }
	bn := map[bkey]int64{}
	var bkeys []bkey
	for _, b := range in.Breaches {
		k := bkey{b.Service, b.Clock}
		if _, ok := bn[k]; !ok {
			bkeys = append(bkeys, k)
		}
		bn[k]++
	}
	for _, k := range bkeys {
		for range pick(ProjectCount(bn[k], p), end) - bn[k] {
			out.Breaches = append(out.Breaches, invoice.Breach{Ref: ref(), Day: today, Service: k.service, Clock: k.clock})
		}
	}
	// Penalties by category, at their mean amount.
	pn, psum := map[string]int64{}, map[string]int64{}
	var pkeys []string
	for _, x := range in.Penalties {
		if _, ok := pn[x.Category]; !ok {
			pkeys = append(pkeys, x.Category)
		}
		pn[x.Category]++
		psum[x.Category] += x.AmountMinor
	}
	for _, k := range pkeys {
		n := pn[k]
		extra := pick(ProjectCount(n, p), end) - n
		amt := round(new(big.Rat).Mul(big.NewRat(psum[k], n), new(big.Rat).SetInt64(extra)))
		for _, a := range spread(amt, extra) {
			out.Penalties = append(out.Penalties, invoice.Penalty{Ref: ref(), Day: today, Category: k, AmountMinor: a})
		}
	}
	// Time by person and service, scaled in minutes.
	type tkey struct{ person, service string }
	tm := map[tkey]int64{}
	var tkeys []tkey
	for _, t := range in.Time {
		k := tkey{t.Person, t.Service}
		if _, ok := tm[k]; !ok {
			tkeys = append(tkeys, k)
		}
		tm[k] += t.Minutes
	}
	for _, k := range tkeys {
		if extra := round(p.scale(new(big.Rat).SetInt64(tm[k]))) - tm[k]; extra > 0 {
			out.Time = append(out.Time, invoice.TimeEntry{Ref: ref(), Person: k.person, Day: today, Minutes: extra, Service: k.service})
		}
	}
	return out
}
