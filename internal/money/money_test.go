package money

import (
	"errors"
	"math"
	"testing"
)

func TestMinorDigitsAndValid(t *testing.T) {
	t.Parallel()
	for cur, want := range map[string]int{
		"SEK": 2, "EUR": 2, "USD": 2, "RUB": 2, "JPY": 0, "jpy": 0, "KRW": 0,
		"BHD": 3, "KWD": 3, "XXX": 2,
	} {
		if got := MinorDigits(cur); got != want {
			t.Errorf("MinorDigits(%q) = %d, want %d", cur, got, want)
		}
	}
	for _, c := range Currencies {
		if !ValidCurrency(c) {
			t.Errorf("ValidCurrency(%q) = false", c)
		}
	}
	for _, c := range []string{"", "sek", "KRW", "BHD", "XYZ"} {
		if ValidCurrency(c) {
			t.Errorf("ValidCurrency(%q) = true", c)
		}
	}
	if len(Currencies) != 10 {
		t.Errorf("len(Currencies) = %d, want 10", len(Currencies))
	}
}

func TestNewIsZeroNeg(t *testing.T) {
	t.Parallel()
	m := New(150, "sek")
	if m != (Money{150, "SEK"}) {
		t.Fatalf("New = %#v", m)
	}
	if m.IsZero() || !New(0, "EUR").IsZero() {
		t.Error("IsZero wrong")
	}
	if m.Neg() != (Money{-150, "SEK"}) {
		t.Errorf("Neg = %#v", m.Neg())
	}
	defer func() {
		if recover() == nil {
			t.Error("Neg(MinInt64) did not panic")
		}
	}()
	New(math.MinInt64, "SEK").Neg()
}

func TestAddSub(t *testing.T) {
	t.Parallel()
	tests := []struct {
		a, b     Money
		sum, dif int64
		sumErr   error
		difErr   error
	}{
		{New(100, "SEK"), New(250, "SEK"), 350, -150, nil, nil},
		{New(-100, "SEK"), New(-250, "SEK"), -350, 150, nil, nil},
		{New(math.MaxInt64, "SEK"), New(1, "SEK"), 0, math.MaxInt64 - 1, ErrOverflow, nil},
		{New(math.MinInt64, "SEK"), New(-1, "SEK"), 0, math.MinInt64 + 1, ErrOverflow, nil},
		{New(math.MinInt64, "SEK"), New(1, "SEK"), math.MinInt64 + 1, 0, nil, ErrOverflow},
		{New(math.MaxInt64, "SEK"), New(-1, "SEK"), math.MaxInt64 - 1, 0, nil, ErrOverflow},
		{New(0, "SEK"), New(math.MinInt64, "SEK"), math.MinInt64, 0, nil, ErrOverflow},
		{New(-1, "SEK"), New(math.MinInt64, "SEK"), 0, math.MaxInt64, ErrOverflow, nil},
		{New(1, "SEK"), New(1, "EUR"), 0, 0, ErrCurrencyMismatch, ErrCurrencyMismatch},
	}
	for i, tt := range tests {
		s, err := tt.a.Add(tt.b)
		if !errors.Is(err, tt.sumErr) || (err == nil && s != New(tt.sum, tt.a.Currency)) {
			t.Errorf("%d: %v.Add(%v) = %v, %v; want %d, %v", i, tt.a, tt.b, s, err, tt.sum, tt.sumErr)
		}
		d, err := tt.a.Sub(tt.b)
		if !errors.Is(err, tt.difErr) || (err == nil && d != New(tt.dif, tt.a.Currency)) {
			t.Errorf("%d: %v.Sub(%v) = %v, %v; want %d, %v", i, tt.a, tt.b, d, err, tt.dif, tt.difErr)
		}
	}
}

func TestMulRatio(t *testing.T) {
	t.Parallel()
	tests := []struct {
		amount, num, den int64
		want             int64
		err              error
	}{
		{1000, 25, 100, 250, nil},  // exact
		{1001, 1, 2, 501, nil},     // 500.5 → 501 (half up)
		{1003, 1, 2, 502, nil},     // 501.5 → 502 (not banker's: 502 either way)
		{1005, 1, 2, 503, nil},     // 502.5 → 503 (banker's would give 502)
		{-1005, 1, 2, -503, nil},   // -502.5 → -503 (away from zero)
		{1005, -1, 2, -503, nil},   // sign from num
		{1005, 1, -2, -503, nil},   // sign from den
		{-1005, -1, -2, -503, nil}, // three negatives
		{100, 1, 3, 33, nil},       // 33.33 → 33
		{200, 1, 3, 67, nil},       // 66.67 → 67
		{-200, 1, 3, -67, nil},     // -66.67 → -67
		{10000, 2500, 10000, 2500, nil},
		{1, 1, 0, 0, ErrDivisionByZero},
		// Intermediate product exceeds int64 but the result fits.
		{math.MaxInt64, 3, 3, math.MaxInt64, nil},
		{math.MaxInt64, 2, 1, 0, ErrOverflow},
		{math.MinInt64, -1, 1, 0, ErrOverflow},
		{math.MinInt64, 1, 1, math.MinInt64, nil},
		{0, math.MaxInt64, 1, 0, nil},
	}
	for _, tt := range tests {
		got, err := New(tt.amount, "EUR").MulRatio(tt.num, tt.den)
		if !errors.Is(err, tt.err) || (err == nil && got != New(tt.want, "EUR")) {
			t.Errorf("%d×%d/%d = %v, %v; want %d, %v", tt.amount, tt.num, tt.den, got, err, tt.want, tt.err)
		}
	}
}

func TestString(t *testing.T) {
	t.Parallel()
	for m, want := range map[Money]string{
		New(123450, "SEK"):        "1234.50 SEK",
		New(-5, "EUR"):            "-0.05 EUR",
		New(0, "USD"):             "0.00 USD",
		New(1234, "JPY"):          "1234 JPY",
		New(-1, "KWD"):            "-0.001 KWD",
		New(math.MinInt64, "SEK"): "-92233720368547758.08 SEK",
	} {
		if got := m.String(); got != want {
			t.Errorf("%#v.String() = %q, want %q", m, got, want)
		}
	}
}

func TestParseAmount(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		cur  string
		sep  rune
		want int64
		err  error
	}{
		{"1 234,50", "SEK", ',', 123450, nil},
		{"1\u00a0234,50", "SEK", ',', 123450, nil},
		{"1\u202f234,5", "SEK", ',', 123450, nil},
		{"1.234,50", "EUR", ',', 123450, nil},
		{"1,234.50", "USD", '.', 123450, nil},
		{"1 234.50", "USD", '.', 123450, nil},
		{"1234", "SEK", ',', 123400, nil},
		{"1234", "SEK", '.', 123400, nil},
		{"-12.5", "USD", '.', -1250, nil},
		{"-12,5", "SEK", ',', -1250, nil},
		{"\u221212,5", "SEK", ',', -1250, nil},
		{"+7", "SEK", ',', 700, nil},
		{"  42  ", "SEK", ',', 4200, nil},
		{"0", "SEK", ',', 0, nil},
		{"-0", "SEK", ',', 0, nil},
		{",5", "SEK", ',', 50, nil},
		{"0,05", "SEK", ',', 5, nil},
		{"1 000 000", "JPY", ',', 1000000, nil},
		{"1,000,000", "JPY", '.', 1000000, nil},
		{"1.234", "KWD", '.', 1234, nil},
		{"1,5", "KWD", ',', 1500, nil},
		{"12 345 678,90", "RUB", ',', 1234567890, nil},
		// Too many decimals.
		{"1,234", "SEK", ',', 0, ErrTooManyDecimals},
		{"1.5", "JPY", '.', 0, ErrTooManyDecimals},
		{"1.0", "JPY", '.', 0, ErrTooManyDecimals},
		{"0.0001", "KWD", '.', 0, ErrTooManyDecimals},
		// Garbage and bad structure.
		{"", "SEK", ',', 0, ErrInvalidAmount},
		{"   ", "SEK", ',', 0, ErrInvalidAmount},
		{"-", "SEK", ',', 0, ErrInvalidAmount},
		{",", "SEK", ',', 0, ErrInvalidAmount},
		{"12,", "SEK", ',', 0, ErrInvalidAmount},
		{"abc", "SEK", ',', 0, ErrInvalidAmount},
		{"12kr", "SEK", ',', 0, ErrInvalidAmount},
		{"1e5", "SEK", ',', 0, ErrInvalidAmount},
		{"1,2,3", "SEK", ',', 0, ErrInvalidAmount},
		{"12.5", "SEK", ',', 0, ErrInvalidAmount}, // '.' is grouping here: bad group
		{"1,23", "USD", '.', 0, ErrInvalidAmount}, // bad group
		{"1234 567", "SEK", ',', 0, ErrInvalidAmount},
		{"1  234", "SEK", ',', 0, ErrInvalidAmount},
		{" 234,5", "SEK", ',', 23450, nil},            // leading space trimmed
		{"1 234 ,5", "SEK", ',', 0, ErrInvalidAmount}, // separator before decimal
		{"1,5 0", "SEK", ',', 0, ErrInvalidAmount},    // grouping in fraction
		{"--5", "SEK", ',', 0, ErrInvalidAmount},
		{"5-", "SEK", ',', 0, ErrInvalidAmount},
		{"1.5", "SEK", 'x', 0, ErrInvalidAmount},
		{"١٢", "SEK", ',', 0, ErrInvalidAmount}, // non-ASCII digits
		// Overflow boundaries (SEK: 2 minor digits; JPY: 0).
		{"9223372036854775807", "JPY", ',', math.MaxInt64, nil},
		{"9223372036854775808", "JPY", ',', 0, ErrOverflow},
		{"-9223372036854775808", "JPY", ',', math.MinInt64, nil},
		{"-9223372036854775809", "JPY", ',', 0, ErrOverflow},
		{"92233720368547758,07", "SEK", ',', math.MaxInt64, nil},
		{"92233720368547758,08", "SEK", ',', 0, ErrOverflow},
		{"-92233720368547758,08", "SEK", ',', math.MinInt64, nil},
		{"99999999999999999999999", "SEK", ',', 0, ErrOverflow},
	}
	for _, tt := range tests {
		got, err := ParseAmount(tt.in, tt.cur, tt.sep)
		if !errors.Is(err, tt.err) || got != tt.want {
			t.Errorf("ParseAmount(%q, %s, %q) = %d, %v; want %d, %v", tt.in, tt.cur, tt.sep, got, err, tt.want, tt.err)
		}
	}
}
