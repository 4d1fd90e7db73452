package i18n

import (
	"math/big"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/tandemhq/tandem/internal/money"
)

// Separator and sign characters.
const (
	nbsp  = "\u00a0" // NO-BREAK SPACE
	minus = "\u2212" // MINUS SIGN
)

// numberSymbols returns the group separator, decimal separator and minus
// sign of the language.
//
// CLDR specifies U+00A0 NO-BREAK SPACE as the group separator for Russian
// and Swedish (newer CLDR versions use U+202F NARROW NO-BREAK SPACE for some
// locales); this package uses U+00A0 for both, which renders in all fonts
// and still prevents line breaks inside numbers. Swedish uses U+2212 MINUS
// SIGN as in CLDR; English and Russian use the hyphen-minus.
func (l *Localizer) numberSymbols() (group, decimal, neg string) {
	switch l.lang {
	case RU:
		return nbsp, ",", "-"
	case SV:
		return nbsp, ",", minus
	default:
		return ",", ".", "-"
	}
}

// number formats a non-negative decimal digit string (no leading sign)
// holding a fixed-point value with scale fraction digits, adding grouping,
// the decimal separator and, if neg, the minus sign. A zero value is never
// signed.
func (l *Localizer) number(neg bool, digits string, scale int) string {
	group, decimal, minusSign := l.numberSymbols()
	if scale < 0 {
		scale = 0
	}
	if len(digits) <= scale {
		digits = strings.Repeat("0", scale-len(digits)+1) + digits
	}
	intPart, frac := digits[:len(digits)-scale], digits[len(digits)-scale:]
	var b strings.Builder
	if neg && strings.Trim(digits, "0") != "" {
		b.WriteString(minusSign)
	}
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteString(group)
		}
		b.WriteRune(c)
	}
	if scale > 0 {
		b.WriteString(decimal)
		b.WriteString(frac)
	}
	return b.String()
}

// magnitude returns |v| as a decimal digit string, valid for math.MinInt64.
func magnitude(v int64) string {
	s := strconv.FormatInt(v, 10)
	return strings.TrimPrefix(s, "-")
}

// Int formats n with digit grouping: "1,234,567" (en), "1 234 567" (ru, sv,
// with U+00A0 NO-BREAK SPACE). Negative numbers use "-" in en and ru and
// U+2212 MINUS SIGN in sv.
func (l *Localizer) Int(n int64) string {
	return l.number(n < 0, magnitude(n), 0)
}

// Decimal formats the fixed-point value v / 10^scale with exactly scale
// fraction digits and grouping: Decimal(1234567, 2) is "12,345.67" (en) or
// "12 345,67" (ru, sv). A scale ≤ 0 formats v as an integer.
func (l *Localizer) Decimal(v int64, scale int) string {
	return l.number(v < 0, magnitude(v), scale)
}

// PercentValue formats the fixed-point percentage v / 10^scale as Decimal
// does, with the percent sign: PercentValue(9500, 2) is "95.00%" (en),
// "95,00 %" (ru, sv, with U+00A0 before the sign).
func (l *Localizer) PercentValue(v int64, scale int) string {
	return l.percentSign(l.Decimal(v, scale))
}

// percentSign appends the language's percent sign to the number s.
func (l *Localizer) percentSign(s string) string {
	if l.lang == EN {
		return s + "%"
	}
	return s + nbsp + "%"
}

// Percent formats the exact ratio num/den as a percentage with digits
// fraction digits, rounded half-up (ties away from zero): Percent(2, 3, 1)
// is "66.7%" (en), "66,7 %" (ru, sv, with U+00A0 before the sign).
// It returns "—" if den is 0. A negative digits counts as 0.
func (l *Localizer) Percent(num, den int64, digits int) string {
	if den == 0 {
		return "—"
	}
	if digits < 0 {
		digits = 0
	}
	scaled := new(big.Int).Mul(big.NewInt(num), new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(digits)+2), nil))
	r := money.RoundRatio(scaled, big.NewInt(den))
	return l.percentSign(l.number(r.Sign() < 0, new(big.Int).Abs(r).String(), digits))
}

// Money formats m with its currency, using money.MinorDigits fraction
// digits:
//
//   - en: "$1,234.50", "€1,234.50", "£1,234.50"; other currencies as
//     "SEK 1,234.50" (code, U+00A0, number). Negative: "-$1,234.50".
//   - ru: "1 234,50 ₽" for RUB, "1 234,50 €", "1 234,50 $"; others
//     "1 234,50 SEK".
//   - sv: "1 234,50 kr" for SEK, "1 234,50 €", "1 234,50 US$"; others
//     "1 234,50 NOK".
//
// In ru and sv the symbol follows the number after U+00A0 NO-BREAK SPACE
// and the minus sign leads ("−1 234,50 kr" in sv).
func (l *Localizer) Money(m money.Money) string {
	neg := m.Amount < 0
	num := l.number(false, magnitude(m.Amount), money.MinorDigits(m.Currency))
	sign := ""
	if neg {
		_, _, sign = l.numberSymbols()
	}
	switch l.lang {
	case RU:
		sym := map[string]string{"RUB": "₽", "EUR": "€", "USD": "$"}[m.Currency]
		if sym == "" {
			sym = m.Currency
		}
		return sign + num + nbsp + sym
	case SV:
		sym := map[string]string{"SEK": "kr", "EUR": "€", "USD": "US$"}[m.Currency]
		if sym == "" {
			sym = m.Currency
		}
		return sign + num + nbsp + sym
	default:
		if sym, ok := map[string]string{"USD": "$", "EUR": "€", "GBP": "£"}[m.Currency]; ok {
			return sign + sym + num
		}
		return sign + m.Currency + nbsp + num
	}
}

// Month names and weekday names per language, indexed by time.Month-1 and
// time.Weekday.
var (
	enMonthsShort = [12]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}
	enMonths      = [12]string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}
	// CLDR ru abbreviated months, format (genitive) context.
	ruMonthsShort = [12]string{"янв.", "февр.", "мар.", "апр.", "мая", "июн.", "июл.", "авг.", "сент.", "окт.", "нояб.", "дек."}
	// CLDR ru abbreviated months, stand-alone (nominative) context.
	ruMonthsAbbr = [12]string{"янв.", "февр.", "март", "апр.", "май", "июнь", "июль", "авг.", "сент.", "окт.", "нояб.", "дек."}
	// CLDR ru wide months, stand-alone (nominative) context.
	ruMonths      = [12]string{"январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь", "октябрь", "ноябрь", "декабрь"}
	svMonthsShort = [12]string{"jan.", "feb.", "mars", "apr.", "maj", "juni", "juli", "aug.", "sep.", "okt.", "nov.", "dec."}
	svMonths      = [12]string{"januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober", "november", "december"}

	enWeekdays = [7]string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}
	ruWeekdays = [7]string{"воскресенье", "понедельник", "вторник", "среда", "четверг", "пятница", "суббота"}
	svWeekdays = [7]string{"söndag", "måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag"}
)

// Date formats the date of t in the localizer's time zone (CLDR medium
// style): "22 Nov 2026" (en), "22 нояб. 2026 г." (ru), "22 nov. 2026" (sv).
func (l *Localizer) Date(t time.Time) string {
	t = t.In(l.loc)
	d, m, y := strconv.Itoa(t.Day()), t.Month()-1, strconv.Itoa(t.Year())
	switch l.lang {
	case RU:
		return d + " " + ruMonthsShort[m] + " " + y + " г."
	case SV:
		return d + " " + svMonthsShort[m] + " " + y
	default:
		return d + " " + enMonthsShort[m] + " " + y
	}
}

// DateTime formats the date and 24-hour time of t in the localizer's time
// zone: "22 Nov 2026, 14:05" (en), "22 нояб. 2026 г., 14:05" (ru),
// "22 nov. 2026 14:05" (sv).
func (l *Localizer) DateTime(t time.Time) string {
	t = t.In(l.loc)
	hm := t.Format("15:04")
	if l.lang == SV {
		return l.Date(t) + " " + hm
	}
	return l.Date(t) + ", " + hm
}

// DateInput formats the date of t in the localizer's time zone as
// "2006-01-02", the value format of <input type="date">.
func (l *Localizer) DateInput(t time.Time) string {
	return t.In(l.loc).Format("2006-01-02")
}

// Month formats the month and year of t in the localizer's time zone:
// "November 2026" (en), "ноябрь 2026 г." (ru, stand-alone nominative),
// "november 2026" (sv).
func (l *Localizer) Month(t time.Time) string {
	t = t.In(l.loc)
	m, y := t.Month()-1, strconv.Itoa(t.Year())
	switch l.lang {
	case RU:
		return ruMonths[m] + " " + y + " г."
	case SV:
		return svMonths[m] + " " + y
	default:
		return enMonths[m] + " " + y
	}
}

// MonthAbbr is t's month, abbreviated and standing alone (a chart's axis):
// "Jul" (en), "июль" (ru), "juli" (sv), in the localizer's time zone.
func (l *Localizer) MonthAbbr(t time.Time) string {
	m := t.In(l.loc).Month() - 1
	switch l.lang {
	case RU:
		return ruMonthsAbbr[m]
	case SV:
		return svMonthsShort[m]
	default:
		return enMonthsShort[m]
	}
}

// Weekday returns the full weekday name of t in the localizer's time zone:
// "Monday" (en), "понедельник" (ru), "måndag" (sv).
func (l *Localizer) Weekday(t time.Time) string {
	wd := t.In(l.loc).Weekday()
	switch l.lang {
	case RU:
		return ruWeekdays[wd]
	case SV:
		return svWeekdays[wd]
	default:
		return enWeekdays[wd]
	}
}

// UpperFirst is s with its first letter in upper case: a text that starts
// with a month or a weekday, which Russian and Swedish write in lower
// case ("ноябрь 2026 г. · …"), at the start of a line.
func UpperFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 || r == utf8.RuneError || unicode.IsUpper(r) {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}
