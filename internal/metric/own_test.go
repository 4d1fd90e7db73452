package metric

import (
	"strings"
	"testing"

	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/kpi"
	"github.com/tandemhq/tandem/internal/tandem"
)

var defs = []contract.MetricDef{
	{Key: "brand_presence", Name: "Brand presence", Kind: "manual", Source: "partner", Scale: 1},
	{Key: "invoiced", Name: "Invoiced", Kind: "manual", Source: "client"},
	{Key: "quality_per_invoice", Name: "Quality per invoice", Kind: "formula", Formula: "first_time_acceptance / invoiced"},
	{Key: "blend", Name: "Blend", Kind: "formula", Formula: "(brand_presence + quality_per_invoice * 10) / 2"},
}

// Values worked out by hand: brand presence 7.5 and 8.0 entered in the
// period (scale 1: 75 and 80) average 7.75; invoiced 4; 3 deliverables
// accepted, 2 first time, so first-time acceptance is 200/3 %.
func TestCustomMetricsByHand(t *testing.T) {
	t.Parallel()
	a := Aggregates{
		ManualKind("brand_presence", kpi.Month): {N: 2, SumValue: 155},
		ManualKind("invoiced", kpi.Month):       {N: 1, SumValue: 4},
		"deliverable.accepted":                  {N: 3, SumFlag: 2},
	}
	want := map[string]kpi.Value{
		"brand_presence":      kpi.Ratio(775, 100), // (75 + 80) ÷ 2 ÷ 10
		"invoiced":            kpi.Int(4),
		"quality_per_invoice": kpi.Ratio(50, 3),    // 200/3 ÷ 4
		"blend":               kpi.Ratio(2093, 24), // (31/4 + 50/3 × 10) ÷ 2 = (93/12 + 2000/12) ÷ 2
	}
	for key, w := range want {
		m, ok := For(key, defs, kpi.Month)
		if !ok {
			t.Fatalf("%s: not found", key)
		}
		v, ok := m.Value(a)
		if !ok || v.Cmp(w) != 0 {
			t.Errorf("%s = %v (%v), want %v", key, v, ok, w)
		}
	}
	m, _ := For("blend", defs, kpi.Month)
	if got := strings.Join(m.Kinds, ","); got != "manual.brand_presence.month,deliverable.accepted,manual.invoiced.month" {
		t.Errorf("blend reads %s", got)
	}
	_, _, e := m.Explain(a)
	s := e.String()
	for _, part := range []string{"brand_presence: Σ brand_presence ÷ n ÷ 10 = 155 ÷ 2 ÷ 10", "(brand_presence + quality_per_invoice * 10) / 2 = (7.75 + (50/3) * 10) / 2"} {
		if !strings.Contains(s, part) {
			t.Errorf("explanation lacks %q:\n%s", part, s)
		}
	}
	// A catalogue metric is still found through For.
	if m, ok := For("on_time_share", defs, kpi.Month); !ok || m.Key != "on_time_share" {
		t.Error("catalogue metric not found through For")
	}
	if _, ok := For("nope", defs, kpi.Month); ok {
		t.Error("unknown metric found")
	}
}

// No data in an input, or a divisor of 0, is no data — never 0 or 100 —
// and the explanation says why.
func TestFormulaNoDataAndDivisionByZero(t *testing.T) {
	t.Parallel()
	m, _ := For("quality_per_invoice", defs, kpi.Month)
	if v, ok := m.Value(Aggregates{"deliverable.accepted": {N: 3, SumFlag: 2}}); ok {
		t.Errorf("without invoiced: %v", v)
	}
	zero := Aggregates{"deliverable.accepted": {N: 3, SumFlag: 2}, ManualKind("invoiced", kpi.Month): {N: 1, SumValue: 0}}
	if v, ok := m.Value(zero); ok {
		t.Errorf("divided by zero: %v", v)
	}
	_, ok, e := m.Explain(zero)
	if ok || e.Steps[len(e.Steps)-1].Label != kpi.KeyFormulaDivisionByZero {
		t.Errorf("division by zero not explained: %v %s", ok, e)
	}
}

func fieldErrs(err error) map[string]string {
	out := map[string]string{}
	for _, f := range tandem.FieldErrors(err) {
		out[f.Field] = string(f.Key)
	}
	return out
}

func TestValidateFormulas(t *testing.T) {
	t.Parallel()
	base := func() contract.Terms {
		return contract.Terms{Goals: []contract.Goal{{Key: "g", Title: "Goal"}}, Metrics: append([]contract.MetricDef{}, defs...)}
	}
	tm := base()
	tm.KPIs = []contract.KPI{{Key: "k", GoalKey: "g", Metric: "blend", Name: "Blend", Target: 80, Threshold: 20, Direction: "higher", Weight: 1, Period: "month"}}
	tm.Normalize()
	if err := Validate(&tm); err != nil {
		t.Fatalf("valid terms: %v", err)
	}
	cases := []struct {
		name  string
		edit  func(*contract.Terms)
		field string
		key   string
	}{
		{"unknown metric", func(t *contract.Terms) { t.Metrics[2].Formula = "revenue / invoicd" }, "metrics.2.formula", "kpi.formula.unknown_metric"},
		{"syntax", func(t *contract.Terms) { t.Metrics[2].Formula = "revenue / (invoiced" }, "metrics.2.formula", "kpi.formula.unclosed"},
		{"cycle", func(t *contract.Terms) { t.Metrics[2].Formula = "blend * 2" }, "metrics.2.formula", "kpi.formula.cycle"},
		{"catalogue key", func(t *contract.Terms) { t.Metrics[0].Key = "revenue" }, "metrics.0.key", "contract.validation.metric_key_catalogue"},
		{"key syntax", func(t *contract.Terms) { t.Metrics[0].Key = "brand-presence" }, "metrics.0.key", "contract.validation.metric_key_format"},
		{"duplicate", func(t *contract.Terms) { t.Metrics[1].Key = "brand_presence" }, "metrics.1.key", "contract.validation.duplicate_key"},
		{"source", func(t *contract.Terms) { t.Metrics[0].Source = "" }, "metrics.0.source", "validation.required"},
		{"kind", func(t *contract.Terms) { t.Metrics[0].Kind = "magic" }, "metrics.0.kind", "validation.one_of"},
		{"formula on manual", func(t *contract.Terms) { t.Metrics[0].Formula = "1" }, "metrics.0.formula", "contract.validation.formula_not_allowed"},
		{"kpi on undefined", func(t *contract.Terms) {
			t.KPIs = append(t.KPIs, contract.KPI{Key: "x", GoalKey: "g", Metric: "nothing", Target: 2, Threshold: 1, Direction: "higher", Weight: 1, Period: "month"})
		}, "kpis.0.metric", "contract.validation.unknown_metric"},
	}
	for _, c := range cases {
		tm := base()
		c.edit(&tm)
		tm.Normalize()
		errs := fieldErrs(Validate(&tm))
		if errs[c.field] != c.key {
			t.Errorf("%s: %s = %q, want %q (all: %v)", c.name, c.field, errs[c.field], c.key, errs)
		}
	}
	// The position of the problem is in the message's arguments.
	tm = base()
	tm.Metrics[2].Formula = "first_time_acceptance / invoicd"
	for _, f := range tandem.FieldErrors(Validate(&tm)) {
		if f.Field == "metrics.2.formula" {
			if got := argOf(f.Args, "column"); got != 25 {
				t.Errorf("column %v, want 25", got)
			}
		}
	}
}

func argOf(args []any, name string) any {
	for i := 0; i+1 < len(args); i += 2 {
		if args[i] == name {
			return args[i+1]
		}
	}
	return nil
}

// A value counts for its own period kind only (issue 10): the week 30
// November – 6 December 2026 holds the week's value 4 and December's
// monthly value 5 (dated 1 December), and Q4's quarterly value 3 is dated
// 1 October with October's monthly value 2. The week reads 4, not (4 + 5)
// / 2; a month reads its own value; the quarter the mean of its months'
// values and its own, (2 + 5 + 3) / 3 = 10/3.
func TestManualValuesCountForTheirPeriodKind(t *testing.T) {
	t.Parallel()
	week := Aggregates{ManualKind("invoiced", kpi.Week): {N: 1, SumValue: 4}, ManualKind("invoiced", kpi.Month): {N: 1, SumValue: 5}}
	october := Aggregates{ManualKind("invoiced", kpi.Month): {N: 1, SumValue: 2}, ManualKind("invoiced", kpi.Quarter): {N: 1, SumValue: 3}}
	q4 := Aggregates{ManualKind("invoiced", kpi.Month): {N: 2, SumValue: 7}, ManualKind("invoiced", kpi.Quarter): {N: 1, SumValue: 3}}
	cases := []struct {
		period string
		a      Aggregates
		want   kpi.Value
	}{
		{kpi.Week, week, kpi.Int(4)},
		{kpi.Month, week, kpi.Int(5)},
		{kpi.Month, october, kpi.Int(2)},
		{kpi.Quarter, q4, kpi.Ratio(10, 3)},
	}
	for _, c := range cases {
		m, _ := For("invoiced", defs, c.period)
		if v, ok := m.Value(c.a); !ok || v.Cmp(c.want) != 0 {
			t.Errorf("%s: %v (%v), want %v", c.period, v, ok, c.want)
		}
	}
	if m, _ := For("invoiced", defs, kpi.Week); len(m.Kinds) != 1 || m.Kinds[0] != "manual.invoiced.week" {
		t.Errorf("a week reads %v", m.Kinds)
	}
	if m, _ := For("invoiced", defs, kpi.Quarter); strings.Join(m.Kinds, ",") != "manual.invoiced.month,manual.invoiced.quarter" {
		t.Errorf("a quarter reads %v", m.Kinds)
	}
	if m, _ := For("invoiced", defs, ""); len(m.Kinds) != 3 {
		t.Errorf("a listing reads %v", m.Kinds)
	}
}
