package i18n

import (
	"fmt"
	"strings"
	"time"

	"github.com/tandemhq/tandem/internal/money"
)

// Localizer translates messages and formats values for one language and
// time zone. It is immutable and safe for concurrent use.
type Localizer struct {
	cat  *Catalog
	lang Lang
	loc  *time.Location
}

// For returns a Localizer for lang that shows times in loc (nil means UTC).
// An unsupported lang is replaced by EN.
func (c *Catalog) For(lang Lang, loc *time.Location) *Localizer {
	if _, ok := c.langs[lang]; !ok {
		lang = EN
	}
	if loc == nil {
		loc = time.UTC
	}
	return &Localizer{cat: c, lang: lang, loc: loc}
}

// Lang returns the localizer's language.
func (l *Localizer) Lang() Lang { return l.lang }

// Location returns the time zone used by Date, DateTime and friends.
func (l *Localizer) Location() *time.Location { return l.loc }

// Has reports whether the localizer's language has a message for key.
func (l *Localizer) Has(key string) bool { return l.cat.Has(l.lang, key) }

// missing renders a missing message key visibly.
func missing(key string) string { return "⟦" + key + "⟧" }

// T returns the message key with placeholders replaced. args are name/value
// pairs: l.T("partners.ends", "date", "22 Nov 2026") replaces {date}.
// Values of type int, int64 (and the other integer types) are formatted with
// Int, time.Time with Date, money.Money with Money, Key by translating it,
// and anything else with fmt's %v. Placeholders without a value are left as
// they are; a trailing name without a value is ignored.
//
// If key is missing in the language, T returns it as "⟦key⟧" so the gap is
// visible; it never panics. For a plural message T uses the "other" form.
func (l *Localizer) T(key string, args ...any) string {
	m, ok := l.cat.lookup(l.lang, key)
	if !ok {
		return missing(key)
	}
	text := m.text
	if m.plural != nil {
		// A plural message given an integer "n" takes the form for it, so
		// that messages carried as data (a field error with its arguments)
		// still agree with their number.
		if n, ok := intArg(args, "n"); ok {
			return l.N(key, n, args...)
		}
		if text, ok = m.plural["other"]; !ok {
			return missing(key)
		}
	}
	return l.substitute(text, args, nil)
}

// intArg finds the integer value of the name/value pair called name.
func intArg(args []any, name string) (int64, bool) {
	for i := 0; i+1 < len(args); i += 2 {
		if args[i] != name {
			continue
		}
		switch v := args[i+1].(type) {
		case int:
			return int64(v), true
		case int64:
			return v, true
		case int32:
			return int64(v), true
		}
	}
	return 0, false
}

// N returns the plural form of message key selected for n by the CLDR
// cardinal plural rules of the language, with {n} replaced by Int(n) and
// other placeholders replaced from the name/value pairs in args as in T.
// A missing form falls back to "other"; a missing key (or missing "other"
// form) gives "⟦key⟧". A plain (non-plural) message is used as is.
func (l *Localizer) N(key string, n int64, args ...any) string {
	m, ok := l.cat.lookup(l.lang, key)
	if !ok {
		return missing(key)
	}
	text := m.text
	if m.plural != nil {
		if text, ok = m.plural[PluralCategory(l.lang, n)]; !ok {
			if text, ok = m.plural["other"]; !ok {
				return missing(key)
			}
		}
	}
	nStr := l.Int(n)
	return l.substitute(text, args, &nStr)
}

// PluralCategory returns the CLDR cardinal plural category ("one", "few",
// "many" or "other") of the integer n in lang. The sign of n is ignored.
//
//   - en, sv: one if n = 1, otherwise other.
//   - ru: one if n%10 = 1 and n%100 ≠ 11; few if n%10 ∈ 2..4 and
//     n%100 ∉ 12..14; otherwise many. ("other" is used only for fractions,
//     which N does not take.)
func PluralCategory(lang Lang, n int64) string {
	u := uint64(n)
	if n < 0 {
		u = -u
	}
	switch lang {
	case RU:
		mod10, mod100 := u%10, u%100
		switch {
		case mod10 == 1 && mod100 != 11:
			return "one"
		case mod10 >= 2 && mod10 <= 4 && (mod100 < 12 || mod100 > 14):
			return "few"
		default:
			return "many"
		}
	default: // EN, SV
		if u == 1 {
			return "one"
		}
		return "other"
	}
}

// substitute replaces {name} placeholders in text in a single pass, so
// substituted values are never re-expanded. If n is non-nil it is the value
// of {n} unless args provide one.
func (l *Localizer) substitute(text string, args []any, n *string) string {
	if !strings.Contains(text, "{") {
		return text
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(text, '{')
		if i < 0 {
			break
		}
		j := strings.IndexByte(text[i+1:], '}')
		if j < 0 {
			break
		}
		name := text[i+1 : i+1+j]
		b.WriteString(text[:i])
		if v, ok := l.arg(name, args, n); ok {
			b.WriteString(v)
		} else {
			b.WriteString(text[i : i+2+j])
		}
		text = text[i+2+j:]
	}
	b.WriteString(text)
	return b.String()
}

// arg finds and formats the value for placeholder name.
func (l *Localizer) arg(name string, args []any, n *string) (string, bool) {
	for i := 0; i+1 < len(args); i += 2 {
		if k, ok := args[i].(string); ok && k == name {
			return l.format(args[i+1]), true
		}
	}
	if n != nil && name == "n" {
		return *n, true
	}
	return "", false
}

// Fixed is a fixed-point number for a placeholder: V with Scale decimals,
// shown in the reader's number format (45 with scale 1 is "4.5" or "4,5").
type Fixed struct {
	V     int64
	Scale int
}

// format renders a placeholder value.
func (l *Localizer) format(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case int:
		return l.Int(int64(v))
	case int8:
		return l.Int(int64(v))
	case int16:
		return l.Int(int64(v))
	case int32:
		return l.Int(int64(v))
	case int64:
		return l.Int(v)
	case uint:
		return l.formatUint(uint64(v))
	case uint8:
		return l.Int(int64(v))
	case uint16:
		return l.Int(int64(v))
	case uint32:
		return l.Int(int64(v))
	case uint64:
		return l.formatUint(v)
	case time.Time:
		return l.Date(v)
	case money.Money:
		return l.Money(v)
	case Fixed:
		return l.Decimal(v.V, v.Scale)
	case Key:
		return l.T(string(v))
	default:
		return fmt.Sprintf("%v", v)
	}
}

// formatUint formats an unsigned integer with grouping.
func (l *Localizer) formatUint(u uint64) string {
	return l.number(false, fmt.Sprint(u), 0)
}
