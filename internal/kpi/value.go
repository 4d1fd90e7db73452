package kpi

import (
	"math/big"
	"strconv"
	"strings"
)

// Value is an exact rational number Num/Den, the actual value of a metric
// in a period: 17 is {17, 1}, 85.25 % is {8525, 100} or {341, 4}, a
// conversion of 7 deals out of 30 proposals is {7, 30}. Den must be > 0;
// a Value with Den <= 0 is invalid and scores as "no data". Values are
// compared and scored exactly, never through floats; they need not be in
// lowest terms (Ratio and formula results are).
type Value struct{ Num, Den int64 }

// Int returns the whole number n as a Value.
func Int(n int64) Value { return Value{n, 1} }

// Fixed returns the fixed-point number v with scale decimals (v / 10^scale)
// as a Value, e.g. Fixed(8525, 2) is 85.25. It returns an invalid Value for
// a scale outside 0..18.
func Fixed(v int64, scale int) Value {
	if scale < 0 || scale > 18 {
		return Value{}
	}
	return Value{v, pow10[scale]}
}

// Ratio returns num/den in lowest terms with a positive denominator. It
// returns an invalid Value (Den == 0) when den is 0 — a ratio over nothing
// is "no data", not zero.
func Ratio(num, den int64) Value {
	if den == 0 {
		return Value{}
	}
	v, ok := fromRat(new(big.Rat).SetFrac(big.NewInt(num), big.NewInt(den)))
	if !ok {
		return Value{}
	}
	return v
}

// pow10[i] is 10^i.
var pow10 = func() [19]int64 {
	var p [19]int64
	p[0] = 1
	for i := 1; i < len(p); i++ {
		p[i] = p[i-1] * 10
	}
	return p
}()

// Valid reports whether v has a positive denominator.
func (v Value) Valid() bool { return v.Den > 0 }

// Rat returns v as a new big.Rat. v must be valid.
func (v Value) Rat() *big.Rat { return new(big.Rat).SetFrac(big.NewInt(v.Num), big.NewInt(v.Den)) }

// Cmp compares two valid values exactly: -1 if v < o, 0 if equal, +1 if
// v > o.
func (v Value) Cmp(o Value) int { return v.Rat().Cmp(o.Rat()) }

// fromRat converts r to a Value in lowest terms, reporting false when the
// numerator or denominator does not fit in an int64.
func fromRat(r *big.Rat) (Value, bool) {
	n, d := r.Num(), r.Denom()
	if !n.IsInt64() || !d.IsInt64() {
		return Value{}, false
	}
	return Value{n.Int64(), d.Int64()}, true
}

// String formats v exactly for explanations: a whole number ("17"), a
// terminating decimal with at most 18 decimals ("85.25", "-0.125"), or a
// fraction otherwise ("7/30"). The decimal separator is always "."; the
// UI may localise it. An invalid Value is "?".
func (v Value) String() string {
	if !v.Valid() {
		return "?"
	}
	return ratString(v.Rat())
}

// ratString formats r as String does.
func ratString(r *big.Rat) string {
	if r.IsInt() {
		return r.Num().String()
	}
	// r = n/d in lowest terms terminates iff d = 2^a·5^b; it then has
	// max(a, b) decimals.
	d := new(big.Int).Set(r.Denom())
	digits := 0
	two, five, zero := big.NewInt(2), big.NewInt(5), new(big.Int)
	m := new(big.Int)
	a, b := 0, 0
	for m.Mod(d, two).Cmp(zero) == 0 {
		d.Quo(d, two)
		a++
	}
	for m.Mod(d, five).Cmp(zero) == 0 {
		d.Quo(d, five)
		b++
	}
	digits = max(a, b)
	if d.Cmp(big.NewInt(1)) == 0 && digits <= 18 {
		return r.FloatString(digits)
	}
	return r.Num().String() + "/" + r.Denom().String()
}

// hundredths formats a score or total in hundredths of a point as a
// decimal with two places: 7000 → "70.00", 7 → "0.07".
func hundredths(n int) string {
	sign := ""
	if n < 0 {
		sign, n = "-", -n
	}
	frac := strconv.Itoa(n % 100)
	if len(frac) == 1 {
		frac = "0" + frac
	}
	return sign + strconv.Itoa(n/100) + "." + frac
}

// fixedString formats the fixed-point v with scale decimals exactly, e.g.
// fixedString(8525, 2) is "85.25".
func fixedString(v int64, scale int) string {
	if scale <= 0 {
		return strconv.FormatInt(v, 10)
	}
	neg := v < 0
	s := strconv.FormatUint(absU(v), 10)
	if len(s) <= scale {
		s = strings.Repeat("0", scale-len(s)+1) + s
	}
	s = s[:len(s)-scale] + "." + s[len(s)-scale:]
	if neg {
		s = "-" + s
	}
	return s
}

// absU returns |v| as a uint64 (correct for math.MinInt64 too).
func absU(v int64) uint64 {
	if v < 0 {
		return uint64(-(v + 1)) + 1
	}
	return uint64(v)
}
