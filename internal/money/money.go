// Package money represents monetary amounts as integer minor units
// (öre, cents, kopecks, …) tagged with an ISO 4217 currency code.
//
// Floating point is never used: arithmetic is done on int64 with explicit
// overflow detection, and parsing of user input is done with string
// arithmetic.
package money

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"strings"
)

// Sentinel errors returned by this package. Compare with errors.Is.
var (
	// ErrInvalidAmount reports input that is not a well-formed amount
	// (empty, garbage characters, misplaced separators or signs).
	ErrInvalidAmount = errors.New("money: invalid amount")
	// ErrTooManyDecimals reports more fraction digits than the currency
	// has minor digits (e.g. "1.234" for SEK, "1.5" for JPY).
	ErrTooManyDecimals = errors.New("money: too many decimal digits for currency")
	// ErrOverflow reports a result that does not fit in int64 minor units.
	ErrOverflow = errors.New("money: amount overflows int64")
	// ErrCurrencyMismatch reports arithmetic on amounts in different currencies.
	ErrCurrencyMismatch = errors.New("money: currency mismatch")
	// ErrDivisionByZero reports a zero denominator passed to MulRatio.
	ErrDivisionByZero = errors.New("money: division by zero")
)

// Currencies lists the ISO 4217 codes supported by the application, in
// display order. Treat it as read-only.
var Currencies = []string{"SEK", "EUR", "USD", "RUB", "NOK", "DKK", "GBP", "CHF", "PLN", "JPY"}

// minorDigits holds the exceptions to the default of 2 minor digits.
var minorDigits = map[string]int{
	"JPY": 0,
	"KRW": 0,
	"ISK": 0,
	"BHD": 3,
	"KWD": 3,
	"JOD": 3,
	"OMR": 3,
	"TND": 3,
}

// MinorDigits returns the number of minor-unit digits of the ISO 4217
// currency cur (case-insensitive): 0 for JPY and KRW, 3 for BHD and KWD,
// and 2 for everything else, including unknown codes.
func MinorDigits(cur string) int {
	if d, ok := minorDigits[strings.ToUpper(cur)]; ok {
		return d
	}
	return 2
}

// ValidCurrency reports whether cur is one of Currencies. The comparison is
// exact: codes must be upper-case.
func ValidCurrency(cur string) bool {
	for _, c := range Currencies {
		if c == cur {
			return true
		}
	}
	return false
}

// Money is an amount in integer minor units of Currency (an ISO 4217 code),
// e.g. Money{Amount: 12345, Currency: "SEK"} is 123.45 kr.
type Money struct {
	// Amount is the value in minor units (1/10^MinorDigits(Currency)).
	Amount int64
	// Currency is the upper-case ISO 4217 code.
	Currency string
}

// New returns a Money of amount minor units in cur. The currency code is
// upper-cased; it is not validated (see ValidCurrency).
func New(amount int64, cur string) Money {
	return Money{Amount: amount, Currency: strings.ToUpper(cur)}
}

// IsZero reports whether the amount is zero (in any currency).
func (m Money) IsZero() bool { return m.Amount == 0 }

// Neg returns -m. It panics if m.Amount is math.MinInt64, whose negation
// is not representable.
func (m Money) Neg() Money {
	if m.Amount == math.MinInt64 {
		panic(ErrOverflow)
	}
	return Money{Amount: -m.Amount, Currency: m.Currency}
}

// Add returns m+o. It fails with ErrCurrencyMismatch if the currencies
// differ and with ErrOverflow if the sum does not fit in int64.
func (m Money) Add(o Money) (Money, error) {
	if m.Currency != o.Currency {
		return Money{}, fmt.Errorf("%w: %s + %s", ErrCurrencyMismatch, m.Currency, o.Currency)
	}
	s := m.Amount + o.Amount
	// Overflow iff both operands have the same sign and the sum's sign differs.
	if (m.Amount >= 0) == (o.Amount >= 0) && (s >= 0) != (m.Amount >= 0) {
		return Money{}, ErrOverflow
	}
	return Money{Amount: s, Currency: m.Currency}, nil
}

// Sub returns m-o. It fails with ErrCurrencyMismatch if the currencies
// differ and with ErrOverflow if the difference does not fit in int64.
func (m Money) Sub(o Money) (Money, error) {
	if m.Currency != o.Currency {
		return Money{}, fmt.Errorf("%w: %s - %s", ErrCurrencyMismatch, m.Currency, o.Currency)
	}
	d := m.Amount - o.Amount
	// Overflow iff the operands have different signs and the result's sign
	// differs from m's.
	if (m.Amount >= 0) != (o.Amount >= 0) && (d >= 0) != (m.Amount >= 0) {
		return Money{}, ErrOverflow
	}
	return Money{Amount: d, Currency: m.Currency}, nil
}

// MulRatio returns m × num / den, e.g. MulRatio(25, 100) for 25 %.
//
// The exact rational result is computed with arbitrary precision and then
// rounded to an integer number of minor units, half-up: ties are rounded
// away from zero (2.5 → 3, -2.5 → -3); there is no banker's rounding.
// It fails with ErrDivisionByZero if den is 0 and ErrOverflow if the
// rounded result does not fit in int64.
func (m Money) MulRatio(num, den int64) (Money, error) {
	if den == 0 {
		return Money{}, ErrDivisionByZero
	}
	r := RoundRatio(big.NewInt(0).Mul(big.NewInt(m.Amount), big.NewInt(num)), big.NewInt(den))
	if !r.IsInt64() {
		return Money{}, ErrOverflow
	}
	return Money{Amount: r.Int64(), Currency: m.Currency}, nil
}

// RoundRatio returns num/den rounded to the nearest integer with ties away
// from zero (half-up on the magnitude). den must not be zero. The arguments
// are not modified.
func RoundRatio(num, den *big.Int) *big.Int {
	n := new(big.Int).Abs(num)
	d := new(big.Int).Abs(den)
	q, r := new(big.Int).QuoRem(n, d, new(big.Int))
	if r.Lsh(r, 1).Cmp(d) >= 0 {
		q.Add(q, big.NewInt(1))
	}
	if num.Sign()*den.Sign() < 0 {
		q.Neg(q)
	}
	return q
}

// String formats m for logs and debugging as a plain decimal followed by the
// code, e.g. "-1234.50 SEK". Use i18n's Localizer.Money for user display.
func (m Money) String() string {
	digits := MinorDigits(m.Currency)
	neg := m.Amount < 0
	mag := new(big.Int).Abs(big.NewInt(m.Amount)).String()
	if digits > 0 {
		if len(mag) <= digits {
			mag = strings.Repeat("0", digits-len(mag)+1) + mag
		}
		mag = mag[:len(mag)-digits] + "." + mag[len(mag)-digits:]
	}
	if neg {
		mag = "-" + mag
	}
	return mag + " " + m.Currency
}
