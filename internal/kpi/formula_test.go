package kpi

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/i18n"
)

func TestFormulaEval(t *testing.T) {
	t.Parallel()
	vals := map[string]Value{"revenue": Int(1200), "invoiced": Int(1000), "deals": Int(7), "proposals": Int(30), "a": Int(2), "b": Int(3), "c": Int(-4)}
	cases := []struct {
		src  string
		want Value
	}{
		{"revenue / invoiced", Value{6, 5}},       // 1200/1000 = 6/5
		{"deals / proposals * 100", Value{70, 3}}, // 700/30 = 70/3
		{"a + b * c", Int(-10)},                   // 2 + 3·(−4)
		{"(a + b) * c", Int(-20)},                 // 5·(−4)
		{"a - b - c", Int(3)},                     // (2 − 3) − (−4): left-assoc
		{"a / b / 2", Value{1, 3}},                // (2/3)/2
		{"- -a", Int(2)},                          // unary minus twice
		{"-(a + b)", Int(-5)},                     //
		{"0.1 + 0.2", Value{3, 10}},               // exact, no float drift
		{"a × (b − c) ÷ 2", Value{7, 1}},          // Unicode operators: 2·7/2
		{"  revenue\n/\tinvoiced ", Value{6, 5}},  // whitespace
		{"12.50 * 2", Int(25)},                    //
		{"999999999999999999 * 1", Int(999999999999999999)},
	}
	for _, c := range cases {
		e, err := Parse(c.src, nil)
		if err != nil {
			t.Errorf("Parse(%q): %v", c.src, err)
			continue
		}
		got, err := e.Eval(vals)
		if err != nil || got != c.want {
			t.Errorf("%q = %v, %v; want %v", c.src, got, err, c.want)
		}
	}
}

func TestFormulaErrors(t *testing.T) {
	t.Parallel()
	known := func(s string) bool { return contract.IsMetric(s) || s == "invoiced_amount" }
	long := strings.Repeat("revenue + ", 100) + "revenue" // 1007 characters
	cases := []struct {
		src string
		key i18n.Key
		pos int
	}{
		{"", KeyFormulaEmpty, 0},
		{"  \t", KeyFormulaEmpty, 0},
		{"revenue +", KeyFormulaUnexpectedEnd, 9},
		{"revenue + * deals_won", KeyFormulaUnexpected, 10},
		{"(revenue + deals_won", KeyFormulaUnclosed, 0},
		{"revenue + (deals_won * (2)", KeyFormulaUnclosed, 10},
		{"revenue + deals_won)", KeyFormulaUnexpected, 19},
		{"revenue deals_won", KeyFormulaUnexpected, 8},
		{"2revenue", KeyFormulaUnexpected, 1},
		{"()", KeyFormulaUnexpected, 1},
		{"revnue / invoiced_amount", KeyFormulaUnknownMetric, 0},
		{"revenue / invoiced", KeyFormulaUnknownMetric, 10},
		{"1.2.3 + revenue", KeyFormulaBadNumber, 0},
		{"revenue * 1.", KeyFormulaBadNumber, 10},
		{"revenue * .5", KeyFormulaBadNumber, 10},
		{"1234567890123456789 * revenue", KeyFormulaBadNumber, 0}, // 19 digits
		{"Revenue", KeyFormulaInvalidChar, 0},
		{"revenue $ 2", KeyFormulaInvalidChar, 8},
		{"revenue × %", KeyFormulaInvalidChar, 10}, // positions count characters, not bytes
		{"выручка", KeyFormulaInvalidChar, 0},
		{"revenue; os.exit(1)", KeyFormulaInvalidChar, 7},
		{long, KeyFormulaTooLong, MaxFormulaLen},
		{strings.Repeat("(", 65) + "1" + strings.Repeat(")", 65), KeyFormulaTooDeep, 64},
		{strings.Repeat("-", 70) + "1", KeyFormulaTooDeep, 64},
	}
	for _, c := range cases {
		_, err := Parse(c.src, known)
		var fe *FormulaError
		if !errors.As(err, &fe) {
			t.Errorf("Parse(%.40q) = %v, want %s", c.src, err, c.key)
			continue
		}
		if fe.Key != c.key || fe.Pos != c.pos {
			t.Errorf("Parse(%.40q) = %s at %d, want %s at %d", c.src, fe.Key, fe.Pos, c.key, c.pos)
		}
	}
	// The message arguments carry the token and the 1-based column.
	_, err := Parse("revenue + * deals_won", known)
	if fe := err.(*FormulaError); !slices.Equal(fe.Args, []any{"token", "*", "column", 11}) {
		t.Errorf("args = %v", fe.Args)
	}
	if !strings.Contains(err.Error(), "kpi.formula.unexpected") {
		t.Errorf("Error() = %s", err)
	}
	// 64 levels are allowed.
	if _, err := Parse(strings.Repeat("(", 63)+"1"+strings.Repeat(")", 63), nil); err != nil {
		t.Errorf("63 parentheses: %v", err)
	}
	if _, err := Parse(strings.Repeat("1+", 499)+"1", nil); err != nil {
		t.Errorf("999 characters: %v", err)
	}
}

func TestFormulaEvalErrors(t *testing.T) {
	t.Parallel()
	// 1 / (a − a): the divisor is 0; the error points at the "/" (position
	// 2, column 3), not a panic, not Inf.
	e, err := Parse("1 / (a - a)", nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.Eval(map[string]Value{"a": Int(5)})
	var fe *FormulaError
	if !errors.As(err, &fe) || fe.Key != KeyFormulaDivisionByZero || fe.Pos != 2 {
		t.Errorf("division by zero: %v", err)
	}
	// revenue / invoiced with nothing invoiced this period
	e, _ = Parse("revenue / invoiced", nil)
	if _, err := e.Eval(map[string]Value{"revenue": Int(5), "invoiced": Int(0)}); !errors.As(err, &fe) || fe.Key != KeyFormulaDivisionByZero || fe.Pos != 8 {
		t.Errorf("division by zero metric: %v", err)
	}
	// A missing metric is "no data", never 0.
	if _, err := e.Eval(map[string]Value{"revenue": Int(5)}); !errors.As(err, &fe) || fe.Key != KeyFormulaNoData || fe.Args[1] != "invoiced" {
		t.Errorf("missing metric: %v", err)
	}
	if _, err := e.Eval(map[string]Value{"revenue": Int(5), "invoiced": {1, 0}}); !errors.As(err, &fe) || fe.Key != KeyFormulaNoData {
		t.Errorf("invalid value: %v", err)
	}
	// (2^62)² does not fit a Value.
	e, _ = Parse("a * a", nil)
	if _, err := e.Eval(map[string]Value{"a": Int(1 << 62)}); !errors.As(err, &fe) || fe.Key != KeyFormulaOverflow {
		t.Errorf("overflow: %v", err)
	}
	// … but large intermediates that cancel are fine: (2^62·2^62)/2^62.
	e, _ = Parse("a * a / a", nil)
	if v, err := e.Eval(map[string]Value{"a": Int(1 << 62)}); err != nil || v != Int(1<<62) {
		t.Errorf("cancelling: %v %v", v, err)
	}
}

func TestFormulaMetricsStringExplain(t *testing.T) {
	t.Parallel()
	e, err := Parse("b + a * b - (c)", nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := e.Metrics(); !slices.Equal(got, []string{"a", "b", "c"}) {
		t.Errorf("Metrics = %v", got)
	}
	cases := map[string]string{
		"(a * b) + c":     "a * b + c",
		"a - (b - c)":     "a - (b - c)",
		"(a - b) - c":     "a - b - c",
		"a / (b * c)":     "a / (b * c)",
		"-(a + b) × 0.50": "-(a + b) * 0.5",
		"--a":             "--a",
		"a*-b":            "a * -b",
	}
	for src, want := range cases {
		e, err := Parse(src, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got := e.String(); got != want {
			t.Errorf("String(%q) = %q, want %q", src, got, want)
		}
		// the canonical form parses to itself
		if again, err := Parse(e.String(), nil); err != nil || again.String() != want {
			t.Errorf("re-parse of %q: %v", want, err)
		}
	}
	e, _ = Parse("revenue / invoiced", nil)
	v, x, err := e.Explain(map[string]Value{"revenue": Int(1200), "invoiced": Int(1000)})
	if err != nil || v != (Value{6, 5}) || x.String() != "revenue / invoiced = 1200 / 1000 = 1.2" {
		t.Errorf("Explain = %v %v\n%s", v, err, x)
	}
	e, _ = Parse("deals - lost", nil)
	_, x, _ = e.Explain(map[string]Value{"deals": {7, 30}, "lost": Int(-2)})
	if x.String() != "deals - lost = (7/30) - (−2) = 67/30" { // fractions in parentheses: "a / (7/30)"
		t.Errorf("Explain = %s", x)
	}
	_, x, err = e.Explain(map[string]Value{"deals": Int(1)})
	if err == nil || x.String() != "deals - lost = 1 - ? = no_data" {
		t.Errorf("Explain without data = %s, %v", x, err)
	}
}

func TestCheckCycles(t *testing.T) {
	t.Parallel()
	p := func(src string) *Expr {
		e, err := Parse(src, nil)
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	ok := map[string]*Expr{
		"conversion": p("deals / proposals"),
		"pct":        p("conversion * 100"),
		"margin":     p("pct - conversion + revenue"),
	}
	if err := CheckCycles(ok); err != nil {
		t.Errorf("no cycle: %v", err)
	}
	cases := []struct {
		defs map[string]*Expr
		want string
	}{
		{map[string]*Expr{"a": p("a + 1")}, "a → a"},
		{map[string]*Expr{"a": p("b * 2"), "b": p("revenue / a")}, "a → b → a"},
		{map[string]*Expr{"x": p("revenue"), "a": p("b"), "b": p("c + x"), "c": p("a")}, "a → b → c → a"},
	}
	for _, c := range cases {
		err := CheckCycles(c.defs)
		var fe *FormulaError
		if !errors.As(err, &fe) || fe.Key != KeyFormulaCycle || fe.Args[1] != c.want || fe.Pos != -1 {
			t.Errorf("CheckCycles = %v, want cycle %s", err, c.want)
		}
	}
	if CheckCycles(map[string]*Expr{"a": nil, "b": p("a")}) != nil {
		t.Error("nil definition")
	}
}

func TestEvalFormulas(t *testing.T) {
	t.Parallel()
	p := func(src string) *Expr { e, _ := Parse(src, nil); return e }
	defs := map[string]*Expr{
		"conversion": p("deals / proposals"), // 7/28 = 1/4
		"pct":        p("conversion * 100"),  // 25
		"per_deal":   p("revenue / deals"),   // no revenue → no data
		"broken":     p("per_deal + 1"),      // depends on a failed one
		"ratio":      p("deals / lost"),      // lost = 0
	}
	vals, errs := EvalFormulas(defs, map[string]Value{"deals": Int(7), "proposals": Int(28), "lost": Int(0), "pct": Int(99)})
	if vals["conversion"] != (Value{1, 4}) || vals["pct"] != Int(25) || len(vals) != 2 {
		t.Errorf("vals = %v", vals)
	}
	var fe *FormulaError
	if !errors.As(errs["per_deal"], &fe) || fe.Key != KeyFormulaNoData {
		t.Errorf("per_deal: %v", errs["per_deal"])
	}
	if !errors.As(errs["broken"], &fe) || fe.Key != KeyFormulaNoData || fe.Args[1] != "per_deal" {
		t.Errorf("broken: %v", errs["broken"])
	}
	if !errors.As(errs["ratio"], &fe) || fe.Key != KeyFormulaDivisionByZero {
		t.Errorf("ratio: %v", errs["ratio"])
	}
	_, errs = EvalFormulas(map[string]*Expr{"a": p("b"), "b": p("a"), "c": p("1")}, nil)
	if len(errs) != 3 {
		t.Errorf("cycle errors = %v", errs)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"revenue / invoiced", "(a+b)*-c", "1.5 × (x − y) ÷ 2", "((((", "a/0", "-", "1..2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		e, err := Parse(src, nil)
		if err != nil {
			var fe *FormulaError
			if !errors.As(err, &fe) || fe.Pos < 0 || fe.Pos > len([]rune(src)) {
				t.Fatalf("%q: bad error %v", src, err)
			}
			return
		}
		s := e.String()
		again, err := Parse(s, nil)
		if err != nil || again.String() != s {
			t.Fatalf("%q: canonical %q does not re-parse: %v", src, s, err)
		}
		vals := map[string]Value{}
		for _, m := range e.Metrics() {
			vals[m] = Value{int64(len(m)) - 3, 2}
		}
		v1, err1 := e.Eval(vals)
		v2, err2 := again.Eval(vals)
		if v1 != v2 || (err1 == nil) != (err2 == nil) {
			t.Fatalf("%q and %q evaluate differently: %v %v / %v %v", src, s, v1, err1, v2, err2)
		}
	})
}
