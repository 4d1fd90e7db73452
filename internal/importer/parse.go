package importer

import (
	"errors"
	"net/mail"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/money"
	"github.com/tandemhq/tandem/internal/tandem"
)

// Text returns a parser keeping the cell as a string of at most max
// characters (no limit when max is 0 or less). Error:
// import.cell.too_long {n}.
func Text(max int) func(string) (any, i18n.Key) {
	return func(cell string) (any, i18n.Key) {
		if max > 0 && utf8.RuneCountInString(cell) > max {
			return Args{"n", max}, i18n.K("import.cell.too_long")
		}
		return cell, ""
	}
}

var (
	isoDateRE = tandem.LazyRegexp(`^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:[T ].*)?$`)
	dmyDateRE = tandem.LazyRegexp(`^([0-9]{1,2})([./])([0-9]{1,2})([./])([0-9]{4})$`)
	serialRE  = tandem.LazyRegexp(`^[0-9]{1,7}(?:\.[0-9]+)?$`)
)

// Largest spreadsheet date serial number: 9999-12-31.
const maxSerial = 2958465

// Date returns a parser reading a tandem.Date written as YYYY-MM-DD
// (optionally followed by a time, which is ignored), DD.MM.YYYY or
// DD/MM/YYYY (day and month may have one digit), or as a spreadsheet date
// serial number, which is how Read returns XLSX date cells ("45306" is
// 2024-01-15; a fraction, the time of day, is ignored). Serial numbers
// follow the 1900 date system. Error: import.cell.date.
func Date() func(string) (any, i18n.Key) {
	bad := i18n.K("import.cell.date")
	return func(cell string) (any, i18n.Key) {
		var y, m, d int
		if g := isoDateRE().FindStringSubmatch(cell); g != nil {
			y, m, d = atoi(g[1]), atoi(g[2]), atoi(g[3])
		} else if g := dmyDateRE().FindStringSubmatch(cell); g != nil && g[2] == g[4] {
			d, m, y = atoi(g[1]), atoi(g[3]), atoi(g[5])
		} else if serialRE().MatchString(cell) {
			whole, _, _ := strings.Cut(cell, ".")
			n := atoi(whole)
			if n < 1 || n > maxSerial {
				return nil, bad
			}
			if n < 60 {
				n++ // before the 1900 leap-year bug's phantom 29 February
			}
			t := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).AddDate(0, 0, n)
			return tandem.DateOf(t), ""
		} else {
			return nil, bad
		}
		if y < 1 || m < 1 || m > 12 || d < 1 || d > 31 {
			return nil, bad
		}
		t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
		if t.Day() != d { // 31 April and the like
			return nil, bad
		}
		return tandem.DateOf(t), ""
	}
}

// atoi converts a string of at most a few decimal digits.
func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// Int returns a parser reading an int64 from min to max inclusive. Digit
// groups separated by spaces, or by commas or dots in groups of three, are
// accepted ("1 000", "1,000"), and so is a zero fraction ("12.0", which
// is how spreadsheets may store whole numbers). Errors: import.cell.int,
// import.cell.int_range {min} {max}.
func Int(min, max int64) func(string) (any, i18n.Key) {
	return func(cell string) (any, i18n.Key) {
		v, err := parseDecimal(cell, 0)
		if errors.Is(err, money.ErrTooManyDecimals) || errors.Is(err, money.ErrInvalidAmount) {
			return nil, i18n.K("import.cell.int")
		}
		if err != nil || v < min || v > max {
			return Args{"min", min, "max", max}, i18n.K("import.cell.int_range")
		}
		return v, ""
	}
}

// Money returns a parser reading an amount exactly as an int64 in minor
// units of a currency with currencyDigits fraction digits ("1 234,50" is
// 123450 with 2). Both the comma and the dot are accepted as the decimal
// mark: the last of them followed by one or two digits at the end is the
// decimal mark and the other is a digit-group separator, so "1,234.50",
// "1.234,50", "1234.5" and "1 234" all read as expected while "1,234" is
// one thousand two hundred and thirty-four. A number that only reads the
// other way is read that way ("1234.567" with three currency digits).
// A sign is allowed. Errors: import.cell.money,
// import.cell.money_decimals {n} (import.cell.money_whole when
// currencyDigits is 0), import.cell.money_range.
func Money(currencyDigits int) func(string) (any, i18n.Key) {
	return func(cell string) (any, i18n.Key) {
		v, err := parseDecimal(cell, currencyDigits)
		switch {
		case err == nil:
			return v, ""
		case errors.Is(err, money.ErrTooManyDecimals) && currencyDigits <= 0:
			return nil, i18n.K("import.cell.money_whole")
		case errors.Is(err, money.ErrTooManyDecimals):
			return Args{"n", currencyDigits}, i18n.K("import.cell.money_decimals")
		case errors.Is(err, money.ErrOverflow):
			return nil, i18n.K("import.cell.money_range")
		default:
			return nil, i18n.K("import.cell.money")
		}
	}
}

// parseDecimal parses s as a fixed-point number with scale fraction
// digits by money.ParseFixed, choosing the decimal mark as Money
// describes. Zeros ending a fraction longer than scale are dropped
// ("12.50" with scale 1 is 125).
func parseDecimal(s string, scale int) (int64, error) {
	sep := decimalMark(s)
	v, err := parseFixed(s, scale, sep)
	if errors.Is(err, money.ErrInvalidAmount) {
		// The other reading, for "1234.567" in a three-digit currency or
		// a message about decimals rather than the format.
		other := ','
		if sep == ',' {
			other = '.'
		}
		if v2, err2 := parseFixed(s, scale, other); !errors.Is(err2, money.ErrInvalidAmount) {
			return v2, err2
		}
	}
	return v, err
}

// parseFixed is money.ParseFixed after dropping the zeros that make a
// fraction longer than scale.
func parseFixed(s string, scale int, sep rune) (int64, error) {
	if i := strings.LastIndexByte(s, byte(sep)); i >= 0 {
		frac := s[i+1:]
		trimmed := strings.TrimRight(frac, "0")
		if len(frac) > scale && len(trimmed) <= scale && allDigits(frac) {
			s = s[:i+1] + trimmed
			if trimmed == "" {
				s = s[:i]
			}
		}
	}
	return money.ParseFixed(s, scale, sep)
}

// decimalMark returns the decimal mark of s: the last comma or dot when
// it is followed by one or two digits that end s; otherwise the one of the
// two that s does not end with a group of, as a group separator (dot when
// s has neither).
func decimalMark(s string) rune {
	i := strings.LastIndexAny(s, ",.")
	if i < 0 {
		return '.'
	}
	last := rune(s[i])
	if digits := s[i+1:]; len(digits) <= 2 && allDigits(digits) {
		return last
	}
	if last == ',' {
		return '.'
	}
	return ','
}

// allDigits reports whether s is a non-empty string of ASCII digits.
func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// Enum returns a parser accepting the spellings in values (compared with
// Fold, so case and accents do not matter) and returning the canonical
// value each maps to. Error: import.cell.enum {values}, the accepted
// spellings.
func Enum(values map[string]string) func(string) (any, i18n.Key) {
	folded := make(map[string]string, len(values))
	spellings := make([]string, 0, len(values))
	for k, v := range values {
		folded[Fold(k)] = v
		spellings = append(spellings, k)
	}
	slices.Sort(spellings)
	list := strings.Join(spellings, ", ")
	return func(cell string) (any, i18n.Key) {
		if k := Fold(cell); k != "" {
			if v, ok := folded[k]; ok {
				return v, ""
			}
		}
		return Args{"values", list}, i18n.K("import.cell.enum")
	}
}

// maxEmailLen is the longest address accepted (RFC 5321 path limit).
const maxEmailLen = 254

// Email returns a parser accepting a bare e-mail address, such as
// "anna@example.se" (not "Anna <anna@example.se>"). The address is
// returned as written. Error: import.cell.email.
func Email() func(string) (any, i18n.Key) {
	return func(cell string) (any, i18n.Key) {
		a, err := mail.ParseAddress(cell)
		if err != nil || a.Address != cell || len(cell) > maxEmailLen || !strings.Contains(cell[strings.LastIndexByte(cell, '@')+1:], ".") {
			return nil, i18n.K("import.cell.email")
		}
		return cell, ""
	}
}
