package kpi

import (
	"fmt"
	"maps"
	"math/big"
	"slices"
	"strconv"
	"strings"

	"github.com/tandemhq/tandem/internal/i18n"
)

// Formula metrics are expressions over other metrics, e.g.
// "revenue / invoiced_amount". The language is deliberately tiny and safe:
//
//	expr    = term { ("+" | "-") term }
//	term    = unary { ("*" | "/") unary }
//	unary   = "-" unary | primary
//	primary = number | metric | "(" expr ")"
//	number  = digit { digit } [ "." digit { digit } ]   (at most 18 digits)
//	metric  = [a-z_] { [a-z0-9_] }
//
// "−", "×" and "÷" may be written for "-", "*" and "/". There are no
// functions, no variables other than metric names, no loops: Parse builds
// a small tree and Eval walks it with exact rational arithmetic
// (math/big.Rat), so there is no rounding, no overflow inside the
// computation, no Inf or NaN, and no code execution. Division by zero is
// an error value. Sources are limited to MaxFormulaLen characters and
// MaxFormulaDepth levels of nesting.
//
// Errors are *FormulaError values carrying a catalogue key, the position
// of the problem and message arguments, so the form where the formula is
// edited can show a localized message at the right character.

// Limits of a formula.
const (
	MaxFormulaLen   = 1000 // characters (runes)
	MaxFormulaDepth = 64   // nesting of parentheses and unary minus
)

// The catalogue keys of formula errors. Each message may use the
// arguments listed; every positioned error also has "column" (1-based).
var (
	// KeyFormulaEmpty: the formula is blank.
	KeyFormulaEmpty = i18n.K("kpi.formula.empty")
	// KeyFormulaTooLong: more than {max} characters.
	KeyFormulaTooLong = i18n.K("kpi.formula.too_long")
	// KeyFormulaTooDeep: nested more than {max} levels.
	KeyFormulaTooDeep = i18n.K("kpi.formula.too_deep")
	// KeyFormulaInvalidChar: a character ({char}) that is not allowed.
	KeyFormulaInvalidChar = i18n.K("kpi.formula.invalid_char")
	// KeyFormulaBadNumber: a malformed or too long number ({token}).
	KeyFormulaBadNumber = i18n.K("kpi.formula.bad_number")
	// KeyFormulaUnexpected: a token ({token}) where it cannot stand.
	KeyFormulaUnexpected = i18n.K("kpi.formula.unexpected")
	// KeyFormulaUnexpectedEnd: the formula stops where an operand is due.
	KeyFormulaUnexpectedEnd = i18n.K("kpi.formula.unexpected_end")
	// KeyFormulaUnclosed: a "(" without its ")".
	KeyFormulaUnclosed = i18n.K("kpi.formula.unclosed")
	// KeyFormulaUnknownMetric: a name ({name}) that is no metric.
	KeyFormulaUnknownMetric = i18n.K("kpi.formula.unknown_metric")
	// KeyFormulaDivisionByZero: a divisor that evaluated to zero.
	KeyFormulaDivisionByZero = i18n.K("kpi.formula.division_by_zero")
	// KeyFormulaNoData: a metric ({name}) has no value in the period.
	KeyFormulaNoData = i18n.K("kpi.formula.no_data")
	// KeyFormulaOverflow: the result does not fit a Value.
	KeyFormulaOverflow = i18n.K("kpi.formula.overflow")
	// KeyFormulaCycle: formulas refer to each other in a circle ({cycle}).
	KeyFormulaCycle = i18n.K("kpi.formula.cycle")
)

// FormulaError is an error in a formula: Key is its catalogue message,
// Pos the 0-based character (rune) offset in the source it points at, or
// -1 when it has no position, and Args the message's name/value pairs.
type FormulaError struct {
	Key  i18n.Key
	Pos  int
	Args []any
}

// Error describes the error in English for logs; show Key with Args to
// users.
func (e *FormulaError) Error() string {
	var b strings.Builder
	b.WriteString("kpi formula: " + string(e.Key))
	for i := 0; i+1 < len(e.Args); i += 2 {
		fmt.Fprintf(&b, " %v=%v", e.Args[i], e.Args[i+1])
	}
	return b.String()
}

// ferr returns a FormulaError at pos with args and the 1-based "column".
func ferr(key i18n.Key, pos int, args ...any) *FormulaError {
	if pos >= 0 {
		args = append(args, "column", pos+1)
	}
	return &FormulaError{Key: key, Pos: pos, Args: args}
}

// Expr is a parsed formula. It is immutable and safe for concurrent use.
type Expr struct {
	root    *node
	metrics []string
}

// node kinds.
const (
	nNum = iota
	nMetric
	nNeg
	nAdd
	nSub
	nMul
	nDiv
)

// node is one node of the expression tree; pos is the rune offset of the
// number, name or operator.
type node struct {
	kind int
	pos  int
	num  *big.Rat
	name string
	l, r *node
}

// token kinds.
const (
	tEOF = iota
	tNum
	tIdent
	tOp // text is one of + - * / ( )
)

type token struct {
	kind int
	pos  int
	text string
}

// lex splits src into tokens.
func lex(src []rune) ([]token, *FormulaError) {
	var out []token
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c >= '0' && c <= '9' || c == '.':
			j := i
			for j < len(src) && (src[j] >= '0' && src[j] <= '9' || src[j] == '.') {
				j++
			}
			out = append(out, token{tNum, i, string(src[i:j])})
			i = j
		case c >= 'a' && c <= 'z' || c == '_':
			j := i
			for j < len(src) && (src[j] >= 'a' && src[j] <= 'z' || src[j] >= '0' && src[j] <= '9' || src[j] == '_') {
				j++
			}
			out = append(out, token{tIdent, i, string(src[i:j])})
			i = j
		default:
			op := ""
			switch c {
			case '+', '-', '*', '/', '(', ')':
				op = string(c)
			case '−':
				op = "-"
			case '×':
				op = "*"
			case '÷':
				op = "/"
			default:
				return nil, ferr(KeyFormulaInvalidChar, i, "char", string(c))
			}
			out = append(out, token{tOp, i, op})
			i++
		}
	}
	return append(out, token{tEOF, len(src), ""}), nil
}

// parseNumber converts a decimal literal exactly.
func parseNumber(t token) (*big.Rat, *FormulaError) {
	intPart, frac, hasDot := strings.Cut(t.text, ".")
	if intPart == "" || (hasDot && (frac == "" || strings.Contains(frac, "."))) || len(intPart)+len(frac) > 18 {
		return nil, ferr(KeyFormulaBadNumber, t.pos, "token", t.text)
	}
	n, err := strconv.ParseInt(intPart+frac, 10, 64)
	if err != nil {
		return nil, ferr(KeyFormulaBadNumber, t.pos, "token", t.text)
	}
	return new(big.Rat).SetFrac(big.NewInt(n), big.NewInt(pow10[len(frac)])), nil
}

// parser is a recursive-descent parser over tokens.
type parser struct {
	toks  []token
	i     int
	depth int
	known func(string) bool
	names map[string]bool
}

// Parse parses a formula. known reports whether a name is a metric that
// may be used (nil accepts every name). The error, if any, is a
// *FormulaError with the position of the first problem.
func Parse(src string, known func(string) bool) (*Expr, error) {
	rs := []rune(src)
	if len(rs) > MaxFormulaLen {
		return nil, ferr(KeyFormulaTooLong, MaxFormulaLen, "max", MaxFormulaLen)
	}
	toks, err := lex(rs)
	if err != nil {
		return nil, err
	}
	if len(toks) == 1 {
		return nil, ferr(KeyFormulaEmpty, 0)
	}
	p := &parser{toks: toks, known: known, names: map[string]bool{}}
	root, err := p.expr()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tEOF {
		return nil, ferr(KeyFormulaUnexpected, t.pos, "token", t.text)
	}
	e := &Expr{root: root}
	for n := range p.names {
		e.metrics = append(e.metrics, n)
	}
	slices.Sort(e.metrics)
	return e, nil
}

func (p *parser) peek() token { return p.toks[p.i] }

func (p *parser) isOp(ops ...string) (token, bool) {
	t := p.toks[p.i]
	return t, t.kind == tOp && slices.Contains(ops, t.text)
}

func (p *parser) expr() (*node, *FormulaError) {
	l, err := p.term()
	if err != nil {
		return nil, err
	}
	for {
		t, ok := p.isOp("+", "-")
		if !ok {
			return l, nil
		}
		p.i++
		r, err := p.term()
		if err != nil {
			return nil, err
		}
		kind := nAdd
		if t.text == "-" {
			kind = nSub
		}
		l = &node{kind: kind, pos: t.pos, l: l, r: r}
	}
}

func (p *parser) term() (*node, *FormulaError) {
	l, err := p.unary()
	if err != nil {
		return nil, err
	}
	for {
		t, ok := p.isOp("*", "/")
		if !ok {
			return l, nil
		}
		p.i++
		r, err := p.unary()
		if err != nil {
			return nil, err
		}
		kind := nMul
		if t.text == "/" {
			kind = nDiv
		}
		l = &node{kind: kind, pos: t.pos, l: l, r: r}
	}
}

func (p *parser) unary() (*node, *FormulaError) {
	t := p.peek()
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > MaxFormulaDepth {
		return nil, ferr(KeyFormulaTooDeep, t.pos, "max", MaxFormulaDepth)
	}
	switch {
	case t.kind == tOp && t.text == "-":
		p.i++
		x, err := p.unary()
		if err != nil {
			return nil, err
		}
		return &node{kind: nNeg, pos: t.pos, l: x}, nil
	case t.kind == tOp && t.text == "(":
		p.i++
		x, err := p.expr()
		if err != nil {
			return nil, err
		}
		if _, ok := p.isOp(")"); !ok {
			if c := p.peek(); c.kind != tEOF {
				return nil, ferr(KeyFormulaUnexpected, c.pos, "token", c.text)
			}
			return nil, ferr(KeyFormulaUnclosed, t.pos)
		}
		p.i++
		return x, nil
	case t.kind == tNum:
		p.i++
		r, err := parseNumber(t)
		if err != nil {
			return nil, err
		}
		return &node{kind: nNum, pos: t.pos, num: r}, nil
	case t.kind == tIdent:
		p.i++
		if p.known != nil && !p.known(t.text) {
			return nil, ferr(KeyFormulaUnknownMetric, t.pos, "name", t.text)
		}
		p.names[t.text] = true
		return &node{kind: nMetric, pos: t.pos, name: t.text}, nil
	case t.kind == tEOF:
		return nil, ferr(KeyFormulaUnexpectedEnd, t.pos)
	}
	return nil, ferr(KeyFormulaUnexpected, t.pos, "token", t.text)
}

// Metrics returns the metric names the formula uses, sorted, each once.
func (e *Expr) Metrics() []string { return slices.Clone(e.metrics) }

// Eval evaluates the formula exactly with the metrics' values. A metric
// missing from vals, or with an invalid Value, gives a KeyFormulaNoData
// error ("no data", not 0); a zero divisor a KeyFormulaDivisionByZero
// error at the "/"; a result whose numerator or denominator does not fit
// in int64 a KeyFormulaOverflow error. The result is in lowest terms.
func (e *Expr) Eval(vals map[string]Value) (Value, error) {
	r, err := eval(e.root, vals)
	if err != nil {
		return Value{}, err
	}
	v, ok := fromRat(r)
	if !ok {
		return Value{}, ferr(KeyFormulaOverflow, -1)
	}
	return v, nil
}

func eval(n *node, vals map[string]Value) (*big.Rat, *FormulaError) {
	switch n.kind {
	case nNum:
		return new(big.Rat).Set(n.num), nil
	case nMetric:
		v, ok := vals[n.name]
		if !ok || !v.Valid() {
			return nil, ferr(KeyFormulaNoData, n.pos, "name", n.name)
		}
		return v.Rat(), nil
	case nNeg:
		x, err := eval(n.l, vals)
		if err != nil {
			return nil, err
		}
		return x.Neg(x), nil
	}
	l, err := eval(n.l, vals)
	if err != nil {
		return nil, err
	}
	r, err := eval(n.r, vals)
	if err != nil {
		return nil, err
	}
	switch n.kind {
	case nAdd:
		return l.Add(l, r), nil
	case nSub:
		return l.Sub(l, r), nil
	case nMul:
		return l.Mul(l, r), nil
	}
	if r.Sign() == 0 {
		return nil, ferr(KeyFormulaDivisionByZero, n.pos)
	}
	return l.Quo(l, r), nil
}

// String returns the formula in canonical form: ASCII operators, single
// spaces around binary operators, parentheses only where needed, numbers
// exact ("0.50" becomes "0.5").
func (e *Expr) String() string {
	var b strings.Builder
	write(&b, e.root, nil)
	return b.String()
}

// Explain evaluates the formula like Eval and explains it: the canonical
// formula with each metric's value substituted, e.g. "revenue / invoiced
// = 1200 / 1000" = "6/5".
func (e *Expr) Explain(vals map[string]Value) (Value, Explanation, error) {
	var x Explanation
	var b strings.Builder
	write(&b, e.root, nil)
	b.WriteString(" = ")
	write(&b, e.root, func(name string) string {
		if v, ok := vals[name]; ok && v.Valid() {
			if v.Num < 0 || (v.Den != 1 && !strings.Contains(v.String(), ".")) {
				return "(" + neg(v.String()) + ")"
			}
			return v.String()
		}
		return "?"
	})
	v, err := e.Eval(vals)
	result := string(NoData)
	if err == nil {
		result = neg(v.String())
	} else if fe, ok := err.(*FormulaError); ok && fe.Key != KeyFormulaNoData {
		result = "—"
	}
	x.add(i18n.K("kpi.explain.formula"), b.String(), result)
	return v, x, err
}

// prec is the binding strength of a node.
func prec(n *node) int {
	switch n.kind {
	case nAdd, nSub:
		return 1
	case nMul, nDiv:
		return 2
	case nNeg:
		return 3
	}
	return 4
}

// write prints n; subst, when set, replaces metric names.
func write(b *strings.Builder, n *node, subst func(string) string) {
	child := func(c *node, need bool) {
		if need {
			b.WriteByte('(')
		}
		write(b, c, subst)
		if need {
			b.WriteByte(')')
		}
	}
	switch n.kind {
	case nNum:
		b.WriteString(ratString(n.num))
	case nMetric:
		if subst != nil {
			b.WriteString(subst(n.name))
		} else {
			b.WriteString(n.name)
		}
	case nNeg:
		b.WriteByte('-')
		child(n.l, prec(n.l) < 3)
	default:
		op := map[int]string{nAdd: " + ", nSub: " - ", nMul: " * ", nDiv: " / "}[n.kind]
		child(n.l, prec(n.l) < prec(n))
		b.WriteString(op)
		child(n.r, prec(n.r) <= prec(n))
	}
}

// CheckCycles reports a *FormulaError with KeyFormulaCycle when formulas
// refer to each other in a circle — directly ("a" uses "a") or through
// others ("a" uses "b", "b" uses "a"). defs maps a formula metric's name
// to its parsed formula; names a formula uses that are not in defs are
// plain metrics. The "cycle" argument lists the circle, "a → b → a"; the
// search runs over names in sorted order, so the report is stable.
func CheckCycles(defs map[string]*Expr) error {
	const (
		white = iota
		grey
		black
	)
	color := make(map[string]int, len(defs))
	var stack []string
	var visit func(name string) error
	visit = func(name string) error {
		color[name] = grey
		stack = append(stack, name)
		for _, m := range defs[name].metrics {
			if defs[m] == nil { // a plain metric
				continue
			}
			switch color[m] {
			case grey:
				i := slices.Index(stack, m)
				cycle := append(slices.Clone(stack[i:]), m)
				return &FormulaError{Key: KeyFormulaCycle, Pos: -1, Args: []any{"cycle", strings.Join(cycle, " → ")}}
			case white:
				if err := visit(m); err != nil {
					return err
				}
			}
		}
		stack = stack[:len(stack)-1]
		color[name] = black
		return nil
	}
	names := make([]string, 0, len(defs))
	for n := range defs {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		if defs[n] == nil {
			continue
		}
		if color[n] == white {
			if err := visit(n); err != nil {
				return err
			}
		}
	}
	return nil
}

// EvalFormulas evaluates every formula of defs over the base metric
// values, formulas that use other formulas after those. It returns the
// values of the formulas that evaluated and the error of each that did
// not; a formula using one that failed has no data for it. If the
// formulas have a cycle (see CheckCycles), every formula gets that error.
func EvalFormulas(defs map[string]*Expr, base map[string]Value) (map[string]Value, map[string]error) {
	defs = maps.Clone(defs)
	maps.DeleteFunc(defs, func(_ string, e *Expr) bool { return e == nil })
	vals := make(map[string]Value, len(defs))
	errs := map[string]error{}
	if err := CheckCycles(defs); err != nil {
		for n := range defs {
			errs[n] = err
		}
		return vals, errs
	}
	env := make(map[string]Value, len(base)+len(defs))
	for k, v := range base {
		env[k] = v
	}
	for k := range defs {
		delete(env, k) // a formula's own value is computed, never given
	}
	done := map[string]bool{}
	var run func(name string)
	run = func(name string) {
		if done[name] {
			return
		}
		done[name] = true
		for _, m := range defs[name].metrics {
			if _, ok := defs[m]; ok {
				run(m)
			}
		}
		v, err := defs[name].Eval(env)
		if err != nil {
			errs[name] = err
			return
		}
		vals[name], env[name] = v, v
	}
	for name := range defs {
		run(name)
	}
	return vals, errs
}
