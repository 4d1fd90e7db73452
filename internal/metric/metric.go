// Package metric is the catalogue of built-in KPI metrics: for each metric
// of contract.ResultMetrics, which fact kinds it reads and how its value for
// a period is computed, exactly, from the per-day aggregates of the
// period's days summed together (Sums). It is pure computation; the store
// keeps the aggregates (table kpi_daily) current in the transaction that
// records each fact.
//
// Every metric is one entry of the same kind — a key, the fact kinds it
// reads, a formula for people and a function of the summed aggregates — so
// the sales facts of a later issue (calls, meetings, deals, revenue) plug in
// as more entries built with Count (of any part of Sums: facts, Σflag,
// Σamount for revenue), Share, PerUnit, Spread or Quantile.
//
// A period without a fact of the kinds a metric reads has no data: Value
// reports false, never a made-up 0 or 100. Metrics of the catalogue that no
// fact feeds yet (qualified_leads, revenue, csat …) always report no data.
//
// Units follow the KPI terms (contract.DefaultScale): shares are percent
// (85.00 % is the Value 85, a KPI's target 8500 with scale 2), durations
// seconds, lateness spread business days, counts whole numbers.
package metric

import (
	"math/big"
	"strconv"

	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/fact"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/kpi"
)

// Kind says how the facts of one kind are aggregated per day. Every kind
// keeps n (facts), Σvalue, Σflag, Σamount_minor and the number of facts
// whose value is 0; Squares adds Σvalue² (for a spread), SketchField a
// quantile sketch of the integer data field of that name (kpi.Sketch).
type Kind struct {
	Name        string
	Squares     bool
	SketchField string
}

// Kinds are the fact kinds with more than the default aggregates, from
// the fact catalogue (fact.Spec). Squares
// are kept only where a metric needs them: Σvalue² of a kind whose value is
// seconds could overflow 64 bits.
var Kinds = func() []Kind {
	var out []Kind
	for _, s := range fact.Specs() {
		if s.Squares || s.SketchField != "" {
			out = append(out, Kind{Name: string(s.Kind), Squares: s.Squares, SketchField: s.SketchField})
		}
	}
	return out
}()

// KindOf returns how facts of kind name are aggregated (the defaults for a
// kind not in Kinds).
func KindOf(name string) Kind {
	for _, k := range Kinds {
		if k.Name == name {
			return k
		}
	}
	return Kind{Name: name}
}

// Sums are the aggregates of one fact kind summed over some days: the
// facts, Σvalue, Σvalue², Σflag, Σamount_minor, the facts with value 0, and
// the merged sketch (nil when the kind keeps none or no day had one).
type Sums struct {
	N, SumValue, SumSqValue, SumFlag, SumAmount, NZero int64
	Sketch                                             *kpi.Sketch
}

// Add adds o to s, merging sketches (o's sketch is not changed).
func (s *Sums) Add(o Sums) {
	s.N += o.N
	s.SumValue += o.SumValue
	s.SumSqValue += o.SumSqValue
	s.SumFlag += o.SumFlag
	s.SumAmount += o.SumAmount
	s.NZero += o.NZero
	if o.Sketch != nil {
		if s.Sketch == nil {
			s.Sketch = o.Sketch.Clone()
		} else {
			s.Sketch.Merge(o.Sketch)
		}
	}
}

// Aggregates are a period's Sums by fact kind.
type Aggregates map[string]Sums

// Metric is one entry of the catalogue.
type Metric struct {
	Key     string   // a metric of contract.Metrics
	Kinds   []string // the fact kinds it reads; none: no facts feed it yet
	Formula string   // for people, e.g. "on time ÷ accepted × 100"
	// UsesSketch says the metric reads the kinds' sketches (a quantile).
	UsesSketch bool
	// Extensive says the value grows with the days of the period (a count
	// or a sum): a forecast scales it by the period's pace (package
	// forecast); a share, ratio, spread or quantile stays as measured.
	Extensive bool
	// Percent says the value is a percentage (a share, a rate): it is
	// shown with a percent sign, as are its KPI's target and threshold.
	Percent bool
	// events, when set, is how many facts an extensive value counts (its
	// uncertainty); without it, the value itself.
	events func(a Aggregates) int64
	// compute returns the value, the formula with the numbers substituted,
	// and false for no data.
	compute func(a Aggregates) (kpi.Value, string, bool)
	// explain, when set, replaces the one-step explanation of Explain
	// (a formula metric explains its inputs first).
	explain func(a Aggregates) (kpi.Value, bool, kpi.Explanation)
}

// Value returns the metric's value over the aggregates of a period, and
// false when there is no data.
func (m Metric) Value(a Aggregates) (kpi.Value, bool) {
	if m.compute == nil {
		return kpi.Value{}, false
	}
	v, _, ok := m.compute(a)
	return v, ok && v.Valid()
}

// Explain is Value with its arithmetic as explanation steps.
func (m Metric) Explain(a Aggregates) (kpi.Value, bool, kpi.Explanation) {
	if m.explain != nil {
		return m.explain(a)
	}
	var e kpi.Explanation
	if m.compute == nil {
		e.Steps = append(e.Steps, kpi.Step{Label: i18n.K("kpi.explain.no_data"), Expr: m.Key + " (no facts feed this metric yet)", Result: string(kpi.NoData)})
		return kpi.Value{}, false, e
	}
	v, expr, ok := m.compute(a)
	if !ok || !v.Valid() {
		e.Steps = append(e.Steps, kpi.Step{Label: i18n.K("kpi.explain.no_data"), Expr: m.Formula, Result: string(kpi.NoData)})
		return kpi.Value{}, false, e
	}
	e.Steps = append(e.Steps, kpi.Step{Label: i18n.K("kpi.explain.formula"), Expr: m.Formula + " = " + expr, Result: v.String()})
	return v, true, e
}

// Events returns how many facts an extensive metric's value over a
// counts: the value itself for a count, the deals for revenue.
func (m Metric) Events(a Aggregates) int64 {
	if m.events != nil {
		return m.events(a)
	}
	v, ok := m.Value(a)
	if !ok || v.Den != 1 {
		return 0
	}
	return max(v.Num, 0)
}

// Lookup returns the catalogue entry of key. Every metric of
// contract.Metrics has one; metrics without a source have no Kinds and
// always report no data. ok is false for a key outside the catalogue.
func Lookup(key string) (Metric, bool) {
	m, ok := catalogue[key]
	if !ok && contract.IsMetric(key) {
		return Metric{Key: key}, true
	}
	return m, ok
}

// Catalogue returns the metrics that facts feed today, in the order of
// contract.Metrics.
func Catalogue() []Metric {
	var out []Metric
	for _, k := range contract.Metrics {
		if m, ok := catalogue[k]; ok {
			out = append(out, m)
		}
	}
	return out
}

var catalogue = map[string]Metric{}

func register(m Metric) { catalogue[m.Key] = m }

func i64(n int64) string { return strconv.FormatInt(n, 10) }

// Share is part(kind) ÷ n(kind) × 100, in percent; no data without facts.
func Share(key, kind, partName string, part func(Sums) int64) Metric {
	return Metric{Key: key, Kinds: []string{kind}, Formula: partName + " ÷ " + kind + " × 100", Percent: true,
		compute: func(a Aggregates) (kpi.Value, string, bool) {
			s := a[kind]
			if s.N == 0 {
				return kpi.Value{}, "", false
			}
			p := part(s)
			return kpi.Ratio(100*p, s.N), i64(p) + " ÷ " + i64(s.N) + " × 100", true
		}}
}

// Count is a count over the facts of kind (part of Sums); no data without
// facts.
func Count(key, kind, name string, part func(Sums) int64) Metric {
	return Metric{Key: key, Kinds: []string{kind}, Formula: name, Extensive: true,
		compute: func(a Aggregates) (kpi.Value, string, bool) {
			s := a[kind]
			if s.N == 0 {
				return kpi.Value{}, "", false
			}
			return kpi.Int(part(s)), i64(part(s)), true
		}}
}

// PerUnit is n(kind) ÷ n(unit): e.g. returns per accepted deliverable. No
// data without a fact of unit.
func PerUnit(key, kind, unit string) Metric {
	return Metric{Key: key, Kinds: []string{kind, unit}, Formula: kind + " ÷ " + unit,
		compute: func(a Aggregates) (kpi.Value, string, bool) {
			u := a[unit]
			if u.N == 0 {
				return kpi.Value{}, "", false
			}
			n := a[kind].N
			return kpi.Ratio(n, u.N), i64(n) + " ÷ " + i64(u.N), true
		}}
}

// Quantile is the num/den quantile of the sketch of kind (nearest rank,
// within the sketch's 1/256 relative value error); no data without facts.
func Quantile(key, kind, name string, num, den uint64) Metric {
	return Metric{Key: key, Kinds: []string{kind}, Formula: name, UsesSketch: true,
		compute: func(a Aggregates) (kpi.Value, string, bool) {
			s := a[kind]
			if s.Sketch == nil || s.Sketch.Count() == 0 {
				return kpi.Value{}, "", false
			}
			q := s.Sketch.QuantileRank(num, den)
			return kpi.Int(q), "rank ⌈" + strconv.FormatUint(num, 10) + "/" + strconv.FormatUint(den, 10) +
				" × " + i64(s.Sketch.Count()) + "⌉ of " + i64(s.Sketch.Count()), true
		}}
}

// Spread is the population standard deviation of the values of kind:
// σ = sqrt((n·Σx² − (Σx)²) / n²), the square root of an exact rational,
// kept to kpi.SqrtDigits decimals (truncated) — enough that it rounds,
// compares and scores exactly as the exact root does (see kpi.Sqrt) — and
// rounded only for display. kind must keep squares (Kind.Squares).
func Spread(key, kind string) Metric {
	return Metric{Key: key, Kinds: []string{kind}, Formula: "sqrt((n × Σx² − (Σx)²) ÷ n²)",
		compute: func(a Aggregates) (kpi.Value, string, bool) {
			s := a[kind]
			if s.N == 0 {
				return kpi.Value{}, "", false
			}
			v, ok := Stddev(s.N, s.SumValue, s.SumSqValue)
			return v, "sqrt((" + i64(s.N) + " × " + i64(s.SumSqValue) + " − " + i64(s.SumValue) + "²) ÷ " + i64(s.N) + "²)", ok
		}}
}

// Stddev is the population standard deviation of n values with sum and
// sum of squares, sqrt((n·Σx² − (Σx)²) / n²), computed with integer
// square roots and truncated to kpi.SqrtDigits decimals (kpi.Sqrt): for
// late days 8, 1, 1, 1, 0, 0, 0, 0 it is √(415/64) = 2.546443598432….
func Stddev(n, sum, sumSq int64) (kpi.Value, bool) {
	if n <= 0 {
		return kpi.Value{}, false
	}
	v := new(big.Int).Mul(big.NewInt(n), big.NewInt(sumSq))
	v.Sub(v, new(big.Int).Mul(big.NewInt(sum), big.NewInt(sum)))
	if v.Sign() < 0 {
		v.SetInt64(0)
	}
	return kpi.Sqrt(v, new(big.Int).Mul(big.NewInt(n), big.NewInt(n)))
}

func n(s Sums) int64       { return s.N }
func flag(s Sums) int64    { return s.SumFlag }
func notFlag(s Sums) int64 { return s.N - s.SumFlag }
func zero(s Sums) int64    { return s.NZero }

func init() {
	for _, m := range []Metric{
		// Deliverables: value = business days late, flag = accepted first time.
		Share("on_time_share", string(fact.DeliverableAccepted), "on time (0 days late)", zero),
		Share("first_time_acceptance", string(fact.DeliverableAccepted), "accepted first time", flag),
		PerUnit("returns_per_deliverable", string(fact.DeliverableReturned), string(fact.DeliverableAccepted)),
		Spread("lateness_spread", string(fact.DeliverableAccepted)),
		Quantile("lead_time_p50", string(fact.DeliverableAccepted), "lead time p50 (s)", 1, 2),
		Quantile("lead_time_p90", string(fact.DeliverableAccepted), "lead time p90 (s)", 9, 10),
		// SLA clocks: flag = met.
		Share("sla_response_compliance", string(fact.SLAResponse), "responses within SLA", flag),
		Share("sla_resolution_compliance", string(fact.SLAResolution), "resolutions within SLA", flag),
		// Notices: flag = filed in time.
		Share("notice_timeliness", string(fact.NoticeFiled), "notices in time", flag),
		// Proposals: flag of proposal.raised = a risk warning; of proposal.decided = accepted.
		Count("proposals_raised", string(fact.ProposalRaised), "proposals raised (not risk warnings)", notFlag),
		Count("proposals_accepted", string(fact.ProposalDecided), "proposals and risk warnings accepted", flag),
		Count("risk_warnings_raised", string(fact.ProposalRaised), "risk warnings raised", flag),
		// Penalties: one fact per penalty; the amount is in the facts.
		Count("penalties_incurred", string(fact.LateNoticePenalty), "penalties incurred", n),
		// Sales activity: a call's flag = a decision maker reached; a
		// follow-up's flag = done on time. Calls and conversations are
		// activity metrics (contract.ActivityMetrics): the contract check
		// warns on a KPI over them.
		Count("calls_made", string(fact.CallMade), "calls made", n),
		Count("decision_maker_conversations", string(fact.CallMade), "calls that reached a decision maker", flag),
		Count("proposals_sent", string(fact.CommercialProposalSent), "commercial proposals sent", n),
		Share("follow_ups_on_time", string(fact.FollowUpDone), "follow-ups done on time", flag),
	} {
		register(m)
	}
}
