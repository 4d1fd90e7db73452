package metric

import (
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/fact"
	"github.com/tandemhq/tandem/internal/kpi"
	"github.com/tandemhq/tandem/internal/tandem"
)

// An engagement's own metrics (contract.MetricDef) are entries of the same
// kind as the catalogue's, built by For from the terms in force:
//
//   - A manual metric reads the facts of kinds ManualKind(key, k), one
//     per value entered by the client or confirmed by it for a period of
//     kind k and dated on that period's first day; its value for a period
//     is the mean of the values that count for it (kpi.ValueCountsFor),
//     Σvalue ÷ n ÷ 10^scale, exactly. A weekly value counts for its week
//     only; a monthly value for its month and the quarter containing it; a
//     quarterly value for its quarter. So a week's KPI reads the week's
//     value (never the value of a month that starts inside the week), a
//     month's KPI the month's value (never the quarter's), and a quarter's
//     KPI the mean of its months' values and its own.
//   - A formula metric reads every kind its metrics read and evaluates the
//     formula over their values in the period (kpi.Parse, exact rational
//     arithmetic). If a metric it uses has no data, or a divisor is 0, the
//     formula has no data; the explanation says which.
//
// Formulas are parsed from the terms each time For is called; terms are
// validated by Validate when saved, so a stored formula always parses.

// ManualPrefix starts the fact kind of a manual metric's values
// (fact.ManualPrefix).
const ManualPrefix = fact.ManualPrefix

// ManualKind is the fact kind of manual metric key's values entered for
// periods of kind period (kpi.Week, kpi.Month, kpi.Quarter):
// "manual.<key>.<period>", e.g. "manual.brand_presence.month". The period
// kind is part of the fact kind so that the aggregates, which are kept per
// kind and day, keep a month's value apart from a week's that starts on
// the same day.
func ManualKind(key, period string) string { return string(fact.Manual(key, period)) }

// manualKinds are the fact kinds of key's values that count for a period
// of kind period (kpi.ValueCountsFor); for "" (no period: a listing of
// what a metric reads) every kind.
func manualKinds(key, period string) []string {
	var out []string
	for _, k := range []string{kpi.Week, kpi.Month, kpi.Quarter} {
		if period == "" || kpi.ValueCountsFor(k, period) {
			out = append(out, ManualKind(key, k))
		}
	}
	return out
}

// maxDepth bounds how deeply formulas may use other formulas when resolved;
// Validate rejects cycles, so only corrupt terms come near it.
const maxDepth = 16

// For returns the metric key as the terms defining defs see it over
// periods of kind period (kpi.Week, kpi.Month, kpi.Quarter): an
// engagement's own metric of defs, or else the catalogue's (Lookup). The
// period matters to manual metrics only, which read the values that count
// for such a period; "" reads every value (for listings, never for a
// score). ok is false for a key that is neither.
func For(key string, defs []contract.MetricDef, period string) (Metric, bool) {
	return resolve(key, defs, period, 0)
}

func resolve(key string, defs []contract.MetricDef, period string, depth int) (Metric, bool) {
	d := contract.FindMetric(defs, key)
	if d == nil {
		return Lookup(key)
	}
	if depth > maxDepth {
		return Metric{Key: key}, true
	}
	return custom(*d, defs, period, depth), true
}

func custom(d contract.MetricDef, defs []contract.MetricDef, period string, depth int) Metric {
	switch d.Kind {
	case "manual":
		return manual(d, period)
	case "formula":
		return formula(d, defs, period, depth)
	}
	return Metric{Key: d.Key}
}

func manual(d contract.MetricDef, period string) Metric {
	kinds := manualKinds(d.Key, period)
	scale := int64(1)
	for range d.Scale {
		scale *= 10
	}
	f := "Σ " + d.Key + " ÷ n"
	if d.Scale > 0 {
		f += " ÷ " + i64(scale)
	}
	return Metric{Key: d.Key, Kinds: kinds, Formula: f,
		compute: func(a Aggregates) (kpi.Value, string, bool) {
			var s Sums
			for _, k := range kinds {
				s.Add(a[k])
			}
			if s.N == 0 {
				return kpi.Value{}, "", false
			}
			expr := i64(s.SumValue) + " ÷ " + i64(s.N)
			if d.Scale > 0 {
				expr += " ÷ " + i64(scale)
			}
			return kpi.Ratio(s.SumValue, s.N*scale), expr, true
		}}
}

func formula(d contract.MetricDef, defs []contract.MetricDef, period string, depth int) Metric {
	expr, err := kpi.Parse(d.Formula, func(name string) bool { return contract.KnownMetric(defs, name) })
	if err != nil {
		return Metric{Key: d.Key, Formula: d.Formula}
	}
	m := Metric{Key: d.Key, Formula: expr.String()}
	refs := map[string]Metric{}
	for _, name := range expr.Metrics() {
		r, _ := resolve(name, defs, period, depth+1)
		refs[name] = r
		for _, k := range r.Kinds {
			if !slices.Contains(m.Kinds, k) {
				m.Kinds = append(m.Kinds, k)
			}
		}
		m.UsesSketch = m.UsesSketch || r.UsesSketch
	}
	values := func(a Aggregates) map[string]kpi.Value {
		vals := make(map[string]kpi.Value, len(refs))
		for name, r := range refs {
			if v, ok := r.Value(a); ok {
				vals[name] = v
			}
		}
		return vals
	}
	m.compute = func(a Aggregates) (kpi.Value, string, bool) {
		v, x, err := expr.Explain(values(a))
		if err != nil {
			return kpi.Value{}, "", false
		}
		// x's one step is "formula = substituted"; keep the substitution.
		s, _ := strings.CutPrefix(x.Steps[0].Expr, m.Formula+" = ")
		return v, s, true
	}
	m.explain = func(a Aggregates) (kpi.Value, bool, kpi.Explanation) {
		var e kpi.Explanation
		for _, name := range expr.Metrics() {
			_, _, sub := refs[name].Explain(a)
			for _, st := range sub.Steps {
				st.Expr = name + ": " + st.Expr
				e.Steps = append(e.Steps, st)
			}
		}
		v, x, err := expr.Explain(values(a))
		e.Steps = append(e.Steps, x.Steps...)
		if err != nil {
			var fe *kpi.FormulaError
			if errors.As(err, &fe) && fe.Key != kpi.KeyFormulaNoData {
				e.Steps = append(e.Steps, kpi.Step{Label: fe.Key, Expr: m.Formula, Result: string(kpi.NoData), Args: fe.Args})
			}
			return kpi.Value{}, false, e
		}
		return v, true, e
	}
	return m
}

// Validate is t.Validate (call t.Normalize first) with the formulas of
// t's own metrics checked as well: each must parse (kpi.Parse), name only
// metrics of the catalogue or of t, and no two may use each other in a
// circle. A formula's error names the field "metrics.<i>.formula" with the
// formula error's message and arguments, among them the column of the
// problem, so the form shows it where the formula is edited.
func Validate(t *contract.Terms) error {
	var v tandem.Validator
	for _, f := range tandem.FieldErrors(t.Validate()) {
		v.Add(f.Field, f.Key, f.Args...)
	}
	known := func(name string) bool { return contract.KnownMetric(t.Metrics, name) }
	parsed := map[string]*kpi.Expr{}
	index := map[string]int{}
	for i, d := range t.Metrics {
		field := "metrics." + strconv.Itoa(i) + ".formula"
		if d.Kind != "formula" || d.Formula == "" || v.Has(field) {
			continue
		}
		e, err := kpi.Parse(d.Formula, known)
		var fe *kpi.FormulaError
		if errors.As(err, &fe) {
			v.Add(field, fe.Key, fe.Args...)
			continue
		}
		if _, dup := index[d.Key]; !dup {
			parsed[d.Key], index[d.Key] = e, i
		}
	}
	var fe *kpi.FormulaError
	if err := kpi.CheckCycles(parsed); errors.As(err, &fe) {
		// Report it on the first formula of the circle, in the terms' order.
		first := -1
		for name, i := range index {
			if (first < 0 || i < first) && inCycle(fe, name) {
				first = i
			}
		}
		if first >= 0 {
			v.Add("metrics."+strconv.Itoa(first)+".formula", fe.Key, fe.Args...)
		}
	}
	return v.Err()
}

// inCycle reports whether name is one of the cycle's names.
func inCycle(fe *kpi.FormulaError, name string) bool {
	for i := 0; i+1 < len(fe.Args); i += 2 {
		if fe.Args[i] == "cycle" {
			c, _ := fe.Args[i+1].(string)
			if slices.Contains(strings.Split(c, " → "), name) {
				return true
			}
		}
	}
	return false
}
