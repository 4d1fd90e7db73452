package invoice

import (
	"errors"
	"fmt"
	"math/big"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/kpi"
	"github.com/tandemhq/tandem/internal/money"
)

// Errors of Compute: the inputs are inconsistent (the caller's bug or a
// contract Tandem cannot invoice). Compare with errors.Is.
var (
	ErrPeriod        = errors.New("invoice: the period has no days")
	ErrNoTerms       = errors.New("invoice: no terms in force during the period")
	ErrCurrencyMix   = errors.New("invoice: the terms in force name different currencies")
	ErrInput         = errors.New("invoice: invalid input")
	ErrOverflow      = errors.New("invoice: an amount does not fit in int64 minor units")
	ErrOutsidePeriod = errors.New("invoice: an input's day is outside the period")
)

// MinutesPerDay is the length of a day of a day-rate time component.
const MinutesPerDay = 480

// Line kinds.
const (
	KindFixed           = "fixed"
	KindResult          = "per_result"
	KindResultClawback  = "per_result_clawback"
	KindTime            = "time"
	KindRevenueShare    = "revenue_share"
	KindRevenueClawback = "revenue_share_clawback"
	KindFloor           = "floor"
	KindCap             = "cap"
	KindSLACredit       = "sla_credit"
	KindSLACreditCap    = "sla_credit_cap"
	KindLateNotice      = "late_notice"
	KindBonus           = "bonus"
	KindMalus           = "malus"
	KindVAT             = "vat"
)

// Input is what the invoice of one period is computed from, loaded by the
// caller.
type Input struct {
	// Period is the invoicing period in the workspace's time zone.
	Period kpi.Period
	// Versions are the terms versions in force during the period (any
	// others are ignored), in any order.
	Versions  []contract.Version
	Results   []Result
	Time      []TimeEntry
	Breaches  []Breach
	Penalties []Penalty
	// Score is the period's weighted KPI score; nil when there is none.
	Score *Score
	// VATBP is the partner's VAT rate in basis points (2500 = 25 %).
	VATBP int
	// Adjustments are the workflow's decisions on the draft (an agreed
	// amount, a withholding, a release), each a line before VAT.
	Adjustments []Adjustment
}

// Result is one accepted result (a fact): its unit (contract.ResultUnits),
// the local day it was accepted and, for a deal, its won revenue. A
// clawback reverses a won deal: it counts −1 deal and its revenue is zero
// or negative.
//
// Count > 1 makes it stand for that many results alike on the same day,
// RevenueMinor their revenue together: a day's total from the daily
// aggregates, for a reader that wants only the invoice's total (the worth
// of a month, the portfolio), whose Ref then names the day's aggregate, not
// a fact. Such an invoice has the same lines and amounts; only its Refs
// are coarser. 0 and 1 are one result.
type Result struct {
	Ref          string
	Unit         string
	Service      string // the service key, for results of a service (accepted deliverables, resolved tickets)
	Day          string
	RevenueMinor int64
	Clawback     bool
	Count        int64
}

// N is how many results r stands for (Count, at least 1).
func (r Result) N() int64 { return max(r.Count, 1) }

// TimeEntry is one approved time entry.
type TimeEntry struct {
	Ref     string
	Person  string
	Day     string
	Minutes int64
	Service string
}

// Breach is one SLA breach fact: the service and the clock (response or
// resolution) are for the description. Count > 1 stands for that many
// breaches of the same day, as Result's.
type Breach struct {
	Ref     string
	Day     string
	Service string
	Clock   string
	Count   int64
}

// Penalty is one late-notice penalty fact with its amount.
type Penalty struct {
	Ref         string
	Day         string
	Category    string // the notice duty's category, when known
	AmountMinor int64
}

// Score is the period's weighted KPI score in hundredths (8500 = 85.00)
// and the reference of the scorecard it comes from.
type Score struct {
	Ref        string
	Hundredths int
}

// Quantity is an exact quantity Num/Den: 37/1 results, 2250/60 hours
// (minutes ÷ 60), 14/30 of the period's fixed fee.
type Quantity struct {
	Num, Den int64  // Den 0: the line has no quantity
	Unit     string // result unit, hour, day, period, breach, penalty, or empty
}

// Line is one line of an invoice with everything needed to explain it.
type Line struct {
	Kind        string
	Description i18n.Key
	Args        []any // the description's name/value pairs
	Quantity    Quantity
	UnitMinor   int64 // price per unit, for unit-priced lines
	RateBP      int   // for lines that are a share of a base
	BaseMinor   int64 // the base a rate applies to
	AmountMinor int64
	Taxable     bool
	Version     int    // the terms version number; 0 for VAT
	Clause      string // e.g. "price.components.1"; empty for VAT
	Refs        []string
	Basis       []int // indices of the lines this line is computed from
	Steps       []kpi.Step
}

// Unpriced is an input no clause prices, with the reason key.
type Unpriced struct {
	Ref    string
	Reason i18n.Key
}

// Invoice is the computed invoice of one period.
type Invoice struct {
	Currency   string
	From, To   string // first and last day of the period
	Days       int
	Lines      []Line
	NetMinor   int64 // sum of the lines before VAT
	VATMinor   int64
	TotalMinor int64 // NetMinor + VATMinor: the sum of all lines
	Unpriced   []Unpriced
}

// DayOf returns the local day of t in loc as "YYYY-MM-DD" (nil loc: UTC).
func DayOf(t time.Time, loc *time.Location) string {
	if loc == nil {
		loc = time.UTC
	}
	return t.In(loc).Format(time.DateOnly)
}

// civil is a day number: days since 1970-01-01.
type civil int64

func parseDay(s string) (civil, bool) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return 0, false
	}
	return civil(t.Unix() / 86400), true
}

func localDay(t time.Time) civil {
	y, m, d := t.Date()
	return civil(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

func (c civil) String() string { return time.Unix(int64(c)*86400, 0).UTC().Format(time.DateOnly) }

// segment is a run of the period's days with one version in force.
type segment struct {
	v          *contract.Version
	from, to   civil // [from, to)
	days       int64
	components []contract.PriceComponent
}

// builder accumulates lines; the first overflow sticks.
type builder struct {
	cur   string
	days  int64
	lines []Line
	err   error
}

func (b *builder) add(l Line) int {
	b.lines = append(b.lines, l)
	return len(b.lines) - 1
}

// Compute computes the invoice of in.Period.
func Compute(in Input) (*Invoice, error) {
	from, to := localDay(in.Period.Start), localDay(in.Period.End)
	if to <= from {
		return nil, ErrPeriod
	}
	segs, err := segments(in.Versions, from, to)
	if err != nil {
		return nil, err
	}
	if err := checkInput(in, from, to); err != nil {
		return nil, err
	}
	b := &builder{cur: segs[0].v.Terms.Price.Currency, days: int64(to - from)}
	inv := &Invoice{Currency: b.cur, From: from.String(), To: (to - 1).String(), Days: int(to - from)}
	at := func(day string) *segment {
		d, _ := parseDay(day)
		for i := range segs {
			if segs[i].from <= d && d < segs[i].to {
				return &segs[i]
			}
		}
		return nil
	}
	unpriced := func(ref string, reason i18n.Key) {
		inv.Unpriced = append(inv.Unpriced, Unpriced{Ref: ref, Reason: reason})
	}

	b.fixed(segs)
	b.results(segs, in.Results, at, unpriced)
	b.time(segs, in.Time, at, unpriced)
	b.revenue(segs, in.Results, at)
	priceLines := indices(0, len(b.lines))
	fee, feeLines := b.bounds(segs, priceLines)
	last := &segs[len(segs)-1]
	b.credits(segs, last, in.Breaches, fee, feeLines, at, unpriced)
	b.penalties(in.Penalties, at, unpriced)
	b.bonus(last, in.Score, fee, feeLines)
	b.adjust(in.Adjustments)
	b.vat(in.VATBP)
	for _, l := range b.lines {
		if l.Kind == KindVAT {
			inv.VATMinor = b.sum(inv.VATMinor, l.AmountMinor)
		} else {
			inv.NetMinor = b.sum(inv.NetMinor, l.AmountMinor)
		}
	}
	inv.TotalMinor = b.sum(inv.NetMinor, inv.VATMinor)
	if b.err != nil {
		return nil, b.err
	}
	inv.Lines = b.lines
	sort.SliceStable(inv.Unpriced, func(i, j int) bool { return inv.Unpriced[i].Ref < inv.Unpriced[j].Ref })
	return inv, nil
}

// segments splits [from, to) into the runs of days of each version in force.
func segments(versions []contract.Version, from, to civil) ([]segment, error) {
	type ver struct {
		v   *contract.Version
		eff civil
	}
	var vs []ver
	for i := range versions {
		eff, ok := parseDay(versions[i].EffectiveFrom)
		if !ok {
			return nil, fmt.Errorf("%w: version %d effective %q", ErrInput, versions[i].Number, versions[i].EffectiveFrom)
		}
		vs = append(vs, ver{&versions[i], eff})
	}
	sort.SliceStable(vs, func(i, j int) bool {
		if vs[i].eff != vs[j].eff {
			return vs[i].eff < vs[j].eff
		}
		return vs[i].v.Number < vs[j].v.Number
	})
	for i := 1; i < len(vs); i++ {
		if slices.ContainsFunc(vs[:i], func(y ver) bool { return y.v.Number == vs[i].v.Number }) {
			return nil, fmt.Errorf("%w: version %d given twice", ErrInput, vs[i].v.Number)
		}
	}
	var segs []segment
	for i, x := range vs {
		end := to
		for _, y := range vs[i+1:] {
			if y.eff > x.eff || y.v.Number > x.v.Number {
				end = min(end, max(y.eff, x.eff))
				break
			}
		}
		s, e := max(x.eff, from), min(end, to)
		if e <= s {
			continue
		}
		segs = append(segs, segment{v: x.v, from: s, to: e, days: int64(e - s), components: x.v.Terms.Price.Components})
	}
	if len(segs) == 0 {
		return nil, ErrNoTerms
	}
	cur := segs[0].v.Terms.Price.Currency
	for _, s := range segs[1:] {
		if s.v.Terms.Price.Currency != cur {
			return nil, fmt.Errorf("%w: %s, %s", ErrCurrencyMix, cur, s.v.Terms.Price.Currency)
		}
	}
	if cur == "" {
		return nil, fmt.Errorf("%w: the terms name no currency", ErrInput)
	}
	return segs, nil
}

// checkInput refuses what the caller must not hand over: missing or
// repeated references, days outside the period, impossible values.
func checkInput(in Input, from, to civil) error {
	seen := map[string]bool{}
	day := func(ref, s string) error {
		if ref == "" {
			return fmt.Errorf("%w: an input without a reference", ErrInput)
		}
		if seen[ref] {
			return fmt.Errorf("%w: reference %q given twice", ErrInput, ref)
		}
		seen[ref] = true
		d, ok := parseDay(s)
		if !ok {
			return fmt.Errorf("%w: %s: day %q", ErrInput, ref, s)
		}
		if d < from || d >= to {
			return fmt.Errorf("%w: %s on %s", ErrOutsidePeriod, ref, s)
		}
		return nil
	}
	for _, r := range in.Results {
		if err := day(r.Ref, r.Day); err != nil {
			return err
		}
		isUnit := false
		for _, u := range contract.ResultUnits {
			isUnit = isUnit || u == r.Unit
		}
		switch {
		case !isUnit:
			return fmt.Errorf("%w: %s: unit %q", ErrInput, r.Ref, r.Unit)
		case r.Unit != "deal" && (r.RevenueMinor != 0 || r.Clawback):
			return fmt.Errorf("%w: %s: only a deal has revenue or a clawback", ErrInput, r.Ref)
		case r.Clawback && r.RevenueMinor > 0, !r.Clawback && r.RevenueMinor < 0:
			return fmt.Errorf("%w: %s: a clawback's revenue is negative, a deal's positive", ErrInput, r.Ref)
		case r.Count < 0:
			return fmt.Errorf("%w: %s: count %d", ErrInput, r.Ref, r.Count)
		}
	}
	for _, e := range in.Time {
		if err := day(e.Ref, e.Day); err != nil {
			return err
		}
		if e.Minutes <= 0 {
			return fmt.Errorf("%w: %s: %d minutes", ErrInput, e.Ref, e.Minutes)
		}
	}
	for _, x := range in.Breaches {
		if err := day(x.Ref, x.Day); err != nil {
			return err
		}
		if x.Count < 0 {
			return fmt.Errorf("%w: %s: count %d", ErrInput, x.Ref, x.Count)
		}
	}
	for _, p := range in.Penalties {
		if err := day(p.Ref, p.Day); err != nil {
			return err
		}
		if p.AmountMinor < 0 {
			return fmt.Errorf("%w: %s: negative penalty", ErrInput, p.Ref)
		}
	}
	if s := in.Score; s != nil {
		if s.Ref == "" || seen[s.Ref] || s.Hundredths < 0 || s.Hundredths > kpi.MaxScore {
			return fmt.Errorf("%w: score %q %d", ErrInput, s.Ref, s.Hundredths)
		}
	}
	if in.VATBP < 0 || in.VATBP > contract.MaxBP {
		return fmt.Errorf("%w: VAT %d bp", ErrInput, in.VATBP)
	}
	return nil
}

func indices(from, to int) []int {
	out := make([]int, 0, to-from)
	for i := from; i < to; i++ {
		out = append(out, i)
	}
	return out
}

func clause(i int) string { return "price.components." + strconv.Itoa(i) }

// rat is num/den in big integers.
func rat(num, den int64) *big.Rat { return new(big.Rat).SetFrac64(num, den) }

// round rounds r half up (ties away from zero) to an int64.
func (b *builder) round(r *big.Rat) int64 {
	x := money.RoundRatio(r.Num(), r.Denom())
	if !x.IsInt64() {
		if b.err == nil {
			b.err = ErrOverflow
		}
		return 0
	}
	return x.Int64()
}

// sum adds amounts, noting an overflow.
func (b *builder) sum(xs ...int64) int64 {
	var s big.Int
	for _, x := range xs {
		s.Add(&s, big.NewInt(x))
	}
	if !s.IsInt64() {
		if b.err == nil {
			b.err = ErrOverflow
		}
		return 0
	}
	return s.Int64()
}

func (b *builder) mul(x, y int64) int64 {
	p := new(big.Int).Mul(big.NewInt(x), big.NewInt(y))
	if !p.IsInt64() {
		if b.err == nil {
			b.err = ErrOverflow
		}
		return 0
	}
	return p.Int64()
}

func (b *builder) amount(x int64) string { return amountString(x, b.cur) }

// amountString is x minor units of cur as a plain decimal, "-1234.50".
func amountString(x int64, cur string) string {
	s := money.New(x, cur).String()
	return neg(s[:len(s)-len(cur)-1])
}

// neg writes a leading minus sign as "−", as kpi explanations do.
func neg(s string) string {
	if rest, ok := strings.CutPrefix(s, "-"); ok {
		return "−" + rest
	}
	return s
}

// sumExpr is "a + b − c" for the amounts xs ("0.00" for none).
func (b *builder) sumExpr(xs []int64) string {
	if len(xs) == 0 {
		return b.amount(0)
	}
	s := b.amount(xs[0])
	for _, x := range xs[1:] {
		if x < 0 {
			s += " − " + b.amount(-x)
		} else {
			s += " + " + b.amount(x)
		}
	}
	return s
}

// exact shows r in major units: exactly when it terminates within four
// more digits than the currency has, otherwise with "…".
func (b *builder) exact(r *big.Rat) string {
	d := money.MinorDigits(b.cur)
	scaled := new(big.Rat).Quo(r, new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(d)), nil)))
	for extra := 0; extra <= 4; extra++ {
		if x := new(big.Rat).Mul(scaled, new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(d+extra)), nil))); x.IsInt() {
			return neg(scaled.FloatString(d + extra))
		}
	}
	return neg(scaled.FloatString(d+4)) + "…"
}

// step appends a step to l.
func step(l *Line, label, expr, result string) {
	l.Steps = append(l.Steps, kpi.Step{Label: i18n.Key(label), Expr: expr, Result: result})
}

// roundStep rounds exact into l's amount, explaining the rounding when it
// changes anything.
func (b *builder) roundStep(l *Line, exact *big.Rat) int64 {
	x := b.round(exact)
	if !exact.IsInt() {
		step(l, "invoice.explain.rounded", b.exact(exact), b.amount(x))
	}
	return x
}

func bp(x int) string {
	s := strconv.Itoa(x / 100)
	if r := x % 100; r != 0 {
		if r < 0 {
			r = -r
		}
		s += fmt.Sprintf(".%02d", r)
	}
	if x < 0 && x > -100 {
		s = "-" + s
	}
	return neg(s) + " %"
}

// fixed adds the fixed-fee lines: each part prorated by days, the last
// absorbing the difference to the once-rounded whole.
func (b *builder) fixed(segs []segment) {
	whole := new(big.Rat)
	var idx []int
	var parts []int64
	for si := range segs {
		s := &segs[si]
		for ci, c := range s.components {
			if c.Kind != "fixed" {
				continue
			}
			exact := rat(b.mul(c.AmountMinor, s.days), b.days)
			whole.Add(whole, exact)
			l := Line{
				Kind: KindFixed, Description: i18n.K("invoice.line.fixed"),
				Args:      []any{"days", s.days, "period_days", b.days},
				Quantity:  Quantity{Num: s.days, Den: b.days, Unit: "period"},
				UnitMinor: c.AmountMinor, Taxable: true, Version: s.v.Number, Clause: clause(ci),
			}
			step(&l, "invoice.explain.fixed", b.amount(c.AmountMinor)+" × "+strconv.FormatInt(s.days, 10)+" / "+strconv.FormatInt(b.days, 10), b.exact(exact))
			l.AmountMinor = b.roundStep(&l, exact)
			parts = append(parts, l.AmountMinor)
			idx = append(idx, b.add(l))
		}
	}
	if len(idx) < 2 {
		return
	}
	total := b.round(whole)
	rest := b.sum(parts[:len(parts)-1]...)
	l := &b.lines[idx[len(idx)-1]]
	if want := b.sum(total, -rest); want != l.AmountMinor {
		step(l, "invoice.explain.fixed_whole", b.exact(whole), b.amount(total))
		step(l, "invoice.explain.remainder", b.amount(total)+" − "+b.amount(rest), b.amount(want))
		l.AmountMinor = want
	}
}

// group is inputs priced together by one clause of one version.
type group struct {
	seg   *segment
	ci    int
	refs  []string
	n     int64 // results or minutes
	total int64 // revenue
}

type groupKey struct {
	seg, ci int
	neg     bool
}

func segIndex(segs []segment, s *segment) int {
	for i := range segs {
		if &segs[i] == s {
			return i
		}
	}
	return -1
}

// sortedGroups returns the groups in version, clause, sign order.
func sortedGroups(m map[groupKey]*group) ([]groupKey, []*group) {
	keys := make([]groupKey, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, c := keys[i], keys[j]
		if a.seg != c.seg {
			return a.seg < c.seg
		}
		if a.ci != c.ci {
			return a.ci < c.ci
		}
		return !a.neg && c.neg
	})
	gs := make([]*group, len(keys))
	for i, k := range keys {
		gs[i] = m[k]
	}
	return keys, gs
}

// forService returns service when some component that match accepts names
// it, otherwise "": the components naming no service.
func forService(cs []contract.PriceComponent, service string, match func(contract.PriceComponent) bool) string {
	if service == "" {
		return ""
	}
	for _, c := range cs {
		if match(c) && c.Service == service {
			return service
		}
	}
	return ""
}

// serviceName is the name of service key in t, or the key when it has none.
func serviceName(t contract.Terms, key string) string {
	for _, s := range t.Services {
		if s.Key == key && s.Name != "" {
			return s.Name
		}
	}
	return key
}

// results adds the per-result lines, clawbacks apart.
func (b *builder) results(segs []segment, rs []Result, at func(string) *segment, unpriced func(string, i18n.Key)) {
	m := map[groupKey]*group{}
	for _, r := range rs {
		s := at(r.Day)
		if s == nil {
			unpriced(r.Ref, i18n.K("invoice.unpriced.no_terms"))
			continue
		}
		priced := false
		named := forService(s.components, r.Service, func(c contract.PriceComponent) bool {
			return c.Kind == "per_result" && c.Unit == r.Unit
		})
		for ci, c := range s.components {
			if c.Kind == "per_result" && c.Unit == r.Unit && c.Service == named {
				k := groupKey{segIndex(segs, s), ci, r.Clawback}
				g := m[k]
				if g == nil {
					g = &group{seg: s, ci: ci}
					m[k] = g
				}
				g.refs = append(g.refs, r.Ref)
				g.n += r.N()
				priced = true
			}
			if c.Kind == "revenue_share" && r.Unit == "deal" {
				priced = true // priced by revenue
			}
		}
		if !priced {
			unpriced(r.Ref, i18n.K("invoice.unpriced.no_clause"))
		}
	}
	keys, gs := sortedGroups(m)
	for i, g := range gs {
		c := g.seg.components[g.ci]
		n := g.n
		l := Line{
			Kind: KindResult, Description: i18n.K("invoice.line.result"),
			Args:      []any{"unit", contract.LabelKey("unit", c.Unit)},
			UnitMinor: c.AmountMinor, Taxable: true, Version: g.seg.v.Number, Clause: clause(g.ci), Refs: g.refs,
		}
		if keys[i].neg {
			n = -n
			l.Kind, l.Description = KindResultClawback, i18n.K("invoice.line.result_clawback")
		}
		if c.Service != "" {
			l.Description = i18n.K("invoice.line.result_service")
			if keys[i].neg {
				l.Description = i18n.K("invoice.line.result_clawback_service")
			}
			l.Args = append(l.Args, "service", serviceName(g.seg.v.Terms, c.Service))
		}
		l.Quantity = Quantity{Num: n, Den: 1, Unit: c.Unit}
		l.AmountMinor = b.mul(n, c.AmountMinor)
		step(&l, "invoice.explain.count_price", strconv.FormatInt(n, 10)+" × "+b.amount(c.AmountMinor), b.amount(l.AmountMinor))
		b.add(l)
	}
}

// time adds the time lines: minutes ÷ 60 (or ÷ 480) × rate.
func (b *builder) time(segs []segment, es []TimeEntry, at func(string) *segment, unpriced func(string, i18n.Key)) {
	m := map[groupKey]*group{}
	for _, e := range es {
		s := at(e.Day)
		if s == nil {
			unpriced(e.Ref, i18n.K("invoice.unpriced.no_terms"))
			continue
		}
		named := forService(s.components, e.Service, func(c contract.PriceComponent) bool { return c.Kind == "time" })
		ci := -1
		for i, c := range s.components {
			if c.Kind == "time" && c.Service == named {
				ci = i
				break
			}
		}
		if ci < 0 {
			unpriced(e.Ref, i18n.K("invoice.unpriced.no_clause"))
			continue
		}
		k := groupKey{segIndex(segs, s), ci, false}
		g := m[k]
		if g == nil {
			g = &group{seg: s, ci: ci}
			m[k] = g
		}
		g.refs = append(g.refs, e.Ref)
		g.n += e.Minutes
	}
	_, gs := sortedGroups(m)
	for _, g := range gs {
		c := g.seg.components[g.ci]
		per := int64(60)
		if c.Unit == "day" {
			per = MinutesPerDay
		}
		l := Line{
			Kind: KindTime, Description: i18n.K("invoice.line.time"),
			Args:      []any{"unit", contract.LabelKey("unit", c.Unit)},
			Quantity:  Quantity{Num: g.n, Den: per, Unit: c.Unit},
			UnitMinor: c.AmountMinor, Taxable: true, Version: g.seg.v.Number, Clause: clause(g.ci), Refs: g.refs,
		}
		if c.Service != "" {
			l.Description = i18n.K("invoice.line.time_service")
			l.Args = append(l.Args, "service", serviceName(g.seg.v.Terms, c.Service))
		}
		exact := rat(b.mul(g.n, c.AmountMinor), per)
		step(&l, "invoice.explain.minutes_rate", strconv.FormatInt(g.n, 10)+" / "+strconv.FormatInt(per, 10)+" × "+b.amount(c.AmountMinor), b.exact(exact))
		l.AmountMinor = b.roundStep(&l, exact)
		b.add(l)
	}
}

// revenue adds the revenue-share lines, clawbacks apart.
func (b *builder) revenue(segs []segment, rs []Result, at func(string) *segment) {
	m := map[groupKey]*group{}
	for _, r := range rs {
		s := at(r.Day)
		if s == nil || r.Unit != "deal" {
			continue
		}
		for ci, c := range s.components {
			if c.Kind != "revenue_share" {
				continue
			}
			k := groupKey{segIndex(segs, s), ci, r.Clawback}
			g := m[k]
			if g == nil {
				g = &group{seg: s, ci: ci}
				m[k] = g
			}
			g.refs = append(g.refs, r.Ref)
			g.n += r.N()
			g.total = b.sum(g.total, r.RevenueMinor)
		}
	}
	keys, gs := sortedGroups(m)
	for i, g := range gs {
		c := g.seg.components[g.ci]
		l := Line{
			Kind: KindRevenueShare, Description: i18n.K("invoice.line.revenue_share"),
			Quantity: Quantity{Num: g.n, Den: 1, Unit: "deal"},
			RateBP:   c.ShareBP, BaseMinor: g.total, Taxable: true, Version: g.seg.v.Number, Clause: clause(g.ci), Refs: g.refs,
		}
		if keys[i].neg {
			l.Kind, l.Description = KindRevenueClawback, i18n.K("invoice.line.revenue_clawback")
			l.Quantity.Num = -g.n
		}
		exact := rat(b.mul(g.total, int64(c.ShareBP)), 10000)
		step(&l, "invoice.explain.share", bp(c.ShareBP)+" × "+b.amount(g.total), b.exact(exact))
		l.AmountMinor = b.roundStep(&l, exact)
		b.add(l)
	}
}

// prorate is Σ amount(version) × days ÷ period days, exact.
func (b *builder) prorate(segs []segment, amount func(*segment) int64) (*big.Rat, string) {
	r := new(big.Rat)
	expr := ""
	for i := range segs {
		s := &segs[i]
		r.Add(r, rat(b.mul(amount(s), s.days), b.days))
		if i > 0 {
			expr += " + "
		}
		expr += b.amount(amount(s)) + " × " + strconv.FormatInt(s.days, 10) + " / " + strconv.FormatInt(b.days, 10)
	}
	return r, expr
}

// bounds adds a floor true-up or a cap reduction and returns the period's
// fee with the lines it is the sum of.
func (b *builder) bounds(segs []segment, price []int) (int64, []int) {
	var amounts []int64
	for _, li := range price {
		amounts = append(amounts, b.lines[li].AmountMinor)
	}
	terms := b.sumExpr(amounts)
	fee := b.sum(amounts...)
	last := &segs[len(segs)-1]
	floorExact, floorExpr := b.prorate(segs, func(s *segment) int64 { return s.v.Terms.Price.FloorMinor })
	floor := b.round(floorExact)
	hasCap := true
	for i := range segs {
		hasCap = hasCap && segs[i].v.Terms.Price.CapMinor > 0
	}
	capExact, capExpr := b.prorate(segs, func(s *segment) int64 { return s.v.Terms.Price.CapMinor })
	limit := b.round(capExact)
	var l Line
	switch {
	case floor > 0 && fee < floor:
		l = Line{Kind: KindFloor, Description: i18n.K("invoice.line.floor"), BaseMinor: floor, Clause: "price.floor_minor"}
		step(&l, "invoice.explain.floor", floorExpr, b.exact(floorExact))
		if !floorExact.IsInt() {
			step(&l, "invoice.explain.rounded", b.exact(floorExact), b.amount(floor))
		}
	case hasCap && fee > limit:
		l = Line{Kind: KindCap, Description: i18n.K("invoice.line.cap"), BaseMinor: limit, Clause: "price.cap_minor"}
		step(&l, "invoice.explain.cap", capExpr, b.exact(capExact))
		if !capExact.IsInt() {
			step(&l, "invoice.explain.rounded", b.exact(capExact), b.amount(limit))
		}
	default:
		return fee, price
	}
	l.Taxable, l.Version, l.Basis = true, last.v.Number, price
	step(&l, "invoice.explain.fee", terms, b.amount(fee))
	l.AmountMinor = b.sum(l.BaseMinor, -fee)
	step(&l, "invoice.explain.difference", b.sumExpr([]int64{l.BaseMinor, -fee}), b.amount(l.AmountMinor))
	i := b.add(l)
	return b.sum(fee, l.AmountMinor), append(append([]int{}, price...), i)
}

// credits adds the SLA credit lines and, beyond the cap, the line that
// gives the excess back.
func (b *builder) credits(segs []segment, last *segment, bs []Breach, fee int64, feeLines []int, at func(string) *segment, unpriced func(string, i18n.Key)) {
	base := max(fee, 0)
	m := map[groupKey]*group{}
	for _, x := range bs {
		s := at(x.Day)
		switch {
		case s == nil:
			unpriced(x.Ref, i18n.K("invoice.unpriced.no_terms"))
			continue
		case s.v.Terms.Penalties.SLACreditBP == 0:
			unpriced(x.Ref, i18n.K("invoice.unpriced.no_clause"))
			continue
		}
		k := groupKey{segIndex(segs, s), 0, false}
		g := m[k]
		if g == nil {
			g = &group{seg: s}
			m[k] = g
		}
		g.refs = append(g.refs, x.Ref)
		g.n += max(x.Count, 1)
	}
	_, gs := sortedGroups(m)
	var credit []int
	var total int64
	for _, g := range gs {
		rate := g.seg.v.Terms.Penalties.SLACreditBP
		l := Line{
			Kind: KindSLACredit, Description: i18n.K("invoice.line.sla_credit"),
			Quantity: Quantity{Num: g.n, Den: 1, Unit: "breach"},
			RateBP:   rate, BaseMinor: base, Taxable: true, Version: g.seg.v.Number,
			Clause: "penalties.sla_credit_bp", Refs: g.refs, Basis: feeLines,
		}
		exact := rat(-b.mul(b.mul(g.n, int64(rate)), base), 10000)
		step(&l, "invoice.explain.sla_credit", "−"+strconv.FormatInt(g.n, 10)+" × "+bp(rate)+" × "+b.amount(base), b.exact(exact))
		l.AmountMinor = b.roundStep(&l, exact)
		total = b.sum(total, l.AmountMinor)
		credit = append(credit, b.add(l))
	}
	capBP := last.v.Terms.Penalties.SLACreditCapBP
	if len(credit) == 0 || capBP == 0 {
		return
	}
	capExact := rat(b.mul(int64(capBP), base), 10000)
	limit := b.round(capExact)
	if -total <= limit {
		return
	}
	l := Line{
		Kind: KindSLACreditCap, Description: i18n.K("invoice.line.sla_credit_cap"),
		RateBP: capBP, BaseMinor: base, Taxable: true, Version: last.v.Number,
		Clause: "penalties.sla_credit_cap_bp", Basis: credit,
	}
	step(&l, "invoice.explain.sla_cap", bp(capBP)+" × "+b.amount(base), b.exact(capExact))
	if !capExact.IsInt() {
		step(&l, "invoice.explain.rounded", b.exact(capExact), b.amount(limit))
	}
	l.AmountMinor = b.sum(-total, -limit)
	step(&l, "invoice.explain.sla_excess", b.amount(-total)+" − "+b.amount(limit), b.amount(l.AmountMinor))
	b.add(l)
}

// penalties adds one line per late-notice penalty.
func (b *builder) penalties(ps []Penalty, at func(string) *segment, unpriced func(string, i18n.Key)) {
	sorted := append([]Penalty{}, ps...)
	sort.SliceStable(sorted, func(i, j int) bool {
		if sorted[i].Day != sorted[j].Day {
			return sorted[i].Day < sorted[j].Day
		}
		return sorted[i].Ref < sorted[j].Ref
	})
	for _, p := range sorted {
		s := at(p.Day)
		if s == nil {
			unpriced(p.Ref, i18n.K("invoice.unpriced.no_terms"))
			continue
		}
		l := Line{
			Kind: KindLateNotice, Description: i18n.K("invoice.line.late_notice"),
			Quantity:  Quantity{Num: 1, Den: 1, Unit: "penalty"},
			UnitMinor: p.AmountMinor, AmountMinor: -p.AmountMinor, Version: s.v.Number, Clause: "notices", Refs: []string{p.Ref},
		}
		for i, n := range s.v.Terms.Notices {
			if p.Category != "" && n.Category == p.Category {
				l.Clause = "notices." + strconv.Itoa(i) + ".penalty_minor"
				l.Description = i18n.K("invoice.line.late_notice_duty")
				l.Args = []any{"category", contract.LabelKey("notice", p.Category)}
			}
		}
		step(&l, "invoice.explain.penalty", "0 − "+b.amount(p.AmountMinor), b.amount(l.AmountMinor))
		b.add(l)
	}
}

// bonus adds the bonus or malus of the band the score reaches.
func (b *builder) bonus(last *segment, score *Score, fee int64, feeLines []int) {
	if score == nil {
		return
	}
	bands := last.v.Terms.Penalties.BonusMalus
	best := -1
	for i, band := range bands {
		if score.Hundredths >= band.MinScore*100 && (best < 0 || band.MinScore > bands[best].MinScore) {
			best = i
		}
	}
	if best < 0 || bands[best].AdjustBP == 0 {
		return
	}
	band := bands[best]
	base := max(fee, 0)
	l := Line{
		Kind: KindBonus, Description: i18n.K("invoice.line.bonus"),
		RateBP: band.AdjustBP, BaseMinor: base, Taxable: true, Version: last.v.Number,
		Clause: "penalties.bonus_malus." + strconv.Itoa(best), Refs: []string{score.Ref}, Basis: feeLines,
	}
	if band.AdjustBP < 0 {
		l.Kind, l.Description = KindMalus, i18n.K("invoice.line.malus")
	}
	step(&l, "invoice.explain.band", fmt.Sprintf("%d.%02d ≥ %d", score.Hundredths/100, score.Hundredths%100, band.MinScore), bp(band.AdjustBP))
	exact := rat(b.mul(int64(band.AdjustBP), base), 10000)
	step(&l, "invoice.explain.adjust", bp(band.AdjustBP)+" × "+b.amount(base), b.exact(exact))
	l.AmountMinor = b.roundStep(&l, exact)
	b.add(l)
}

// vat adds the VAT line on the taxable lines.
func (b *builder) vat(rate int) {
	var basis []int
	var amounts []int64
	for i, l := range b.lines {
		if l.Taxable {
			basis = append(basis, i)
			amounts = append(amounts, l.AmountMinor)
		}
	}
	base := b.sum(amounts...)
	l := Line{Kind: KindVAT, Description: i18n.K("invoice.line.vat"), RateBP: rate, BaseMinor: base, Basis: basis}
	step(&l, "invoice.explain.taxable", b.sumExpr(amounts), b.amount(base))
	exact := rat(b.mul(int64(rate), base), 10000)
	step(&l, "invoice.explain.vat", bp(rate)+" × "+b.amount(base), b.exact(exact))
	l.AmountMinor = b.roundStep(&l, exact)
	b.add(l)
}

// Rules are the catalogue keys of the rules an invoice follows, in the
// order of the package documentation, for the page that shows an invoice.
func Rules() []i18n.Key {
	return []i18n.Key{
		i18n.K("invoice.rule.terms_in_force"),
		i18n.K("invoice.rule.proration"),
		i18n.K("invoice.rule.order"),
		i18n.K("invoice.rule.bounds"),
		i18n.K("invoice.rule.credits"),
		i18n.K("invoice.rule.vat"),
		i18n.K("invoice.rule.rounding"),
		i18n.K("invoice.rule.remainder"),
		i18n.K("invoice.rule.unpriced"),
		i18n.K("invoice.rule.schedule"),
	}
}
