package money

import (
	"math"
	"strings"
	"unicode/utf8"
)

// ParseAmount parses a human-entered amount in currency cur into minor units,
// exactly and without floating point.
//
// decimalSep is the decimal separator of the user's locale and must be '.'
// or ','; the other one of the two is accepted as a digit-grouping
// separator, as are the space, U+00A0 NO-BREAK SPACE and U+202F NARROW
// NO-BREAK SPACE. Grouping separators may only appear in the integer part
// and must split it into groups of exactly three digits (after a leading
// group of one to three), so "1 234,50", "1,234.50" and "1234" are accepted
// while "12.5" with decimalSep ',' is rejected rather than misread as 125.
// A leading '-' or '+' (or U+2212 MINUS SIGN) is allowed; surrounding
// whitespace is ignored. A fraction part may be shorter than the currency's
// minor digits ("-12.5" in SEK is -1250) but not longer.
//
// Errors: ErrInvalidAmount for empty or malformed input (or an unsupported
// decimalSep), ErrTooManyDecimals when the fraction has more digits than
// MinorDigits(cur), ErrOverflow when the result does not fit in int64.
func ParseAmount(s string, cur string, decimalSep rune) (int64, error) {
	return ParseFixed(s, MinorDigits(cur), decimalSep)
}

// ParseFixed parses a human-entered decimal number into a fixed-point
// integer with scale fraction digits ("95,5" with scale 2 is 9550), by the
// same rules and with the same errors as ParseAmount. It is how percentages
// (basis points) and KPI targets are read without floats.
func ParseFixed(s string, scale int, decimalSep rune) (int64, error) {
	var groupSep rune
	switch decimalSep {
	case '.':
		groupSep = ','
	case ',':
		groupSep = '.'
	default:
		return 0, ErrInvalidAmount
	}
	isGroup := func(r rune) bool {
		return r == groupSep || r == ' ' || r == '\u00a0' || r == '\u202f'
	}
	s = strings.TrimFunc(s, func(r rune) bool {
		return r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\u00a0' || r == '\u202f'
	})
	if s == "" {
		return 0, ErrInvalidAmount
	}
	neg := false
	if r, size := utf8.DecodeRuneInString(s); r == '-' || r == '+' || r == '\u2212' {
		neg = r != '+'
		s = s[size:]
	}

	intPart, fracPart, hasFrac := strings.Cut(s, string(decimalSep))
	if hasFrac && strings.ContainsRune(fracPart, decimalSep) {
		return 0, ErrInvalidAmount
	}

	// Integer part: digits in groups; validate grouping and collect digits.
	var digits []byte
	groupLen := 0    // digits in the current group
	groups := 0      // completed groups before the current one
	lastSep := false // previous rune was a separator
	for _, r := range intPart {
		switch {
		case r >= '0' && r <= '9':
			digits = append(digits, byte(r))
			groupLen++
			lastSep = false
		case isGroup(r):
			if lastSep || groupLen == 0 || (groups == 0 && groupLen > 3) || (groups > 0 && groupLen != 3) {
				return 0, ErrInvalidAmount
			}
			groups++
			groupLen = 0
			lastSep = true
		default:
			return 0, ErrInvalidAmount
		}
	}
	if groups > 0 && groupLen != 3 {
		return 0, ErrInvalidAmount
	}

	// Fraction part: plain digits only.
	if hasFrac {
		if fracPart == "" {
			return 0, ErrInvalidAmount
		}
		for i := 0; i < len(fracPart); i++ {
			if fracPart[i] < '0' || fracPart[i] > '9' {
				return 0, ErrInvalidAmount
			}
		}
	}
	if len(digits) == 0 && fracPart == "" {
		return 0, ErrInvalidAmount
	}
	if len(fracPart) > scale {
		return 0, ErrTooManyDecimals
	}
	digits = append(digits, fracPart...)
	for i := len(fracPart); i < scale; i++ {
		digits = append(digits, '0')
	}

	// Accumulate the magnitude as uint64; the negative range is one larger.
	limit := uint64(math.MaxInt64)
	if neg {
		limit++
	}
	var v uint64
	for _, d := range digits {
		x := uint64(d - '0')
		if v > (limit-x)/10 {
			return 0, ErrOverflow
		}
		v = v*10 + x
	}
	if neg {
		return int64(-v), nil // -v wraps correctly for v == MaxInt64+1
	}
	return int64(v), nil
}
