// Package i18n provides message catalogues and locale-aware formatting for
// English, Russian and Swedish.
//
// Messages live in embedded JSON files under locales/<lang>/*.json. Each file
// is a flat object mapping a key (lowercase letters, digits, '_' and '.',
// e.g. "partners.ends_soon") to either a string or a plural object with
// CLDR categories ({"one": "...", "few": "...", "many": "...", "other": "..."}).
// All files of a language are merged; a key defined twice is a load error.
// Messages may contain named placeholders such as {date} or {n}.
//
// Handlers obtain a *Localizer with Catalog.For, store it in the request
// context with WithLocalizer, and templates call T and N with that context.
package i18n

import (
	"strconv"
	"strings"
)

// Lang is a supported language, identified by its ISO 639-1 code.
type Lang string

// Supported languages.
const (
	// EN is English, the default language.
	EN Lang = "en"
	// RU is Russian.
	RU Lang = "ru"
	// SV is Swedish.
	SV Lang = "sv"
)

// Supported lists all supported languages, default first. Treat it as
// read-only.
var Supported = []Lang{EN, RU, SV}

// String returns the language code.
func (l Lang) String() string { return string(l) }

// Parse maps a language tag such as "ru", "ru-RU", "sv_SE" or "EN"
// (case-insensitive, '-' or '_' separated) to a supported language by its
// primary subtag. It reports false for unsupported or malformed tags.
func Parse(s string) (Lang, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	if i := strings.IndexAny(s, "-_"); i >= 0 {
		s = s[:i]
	}
	for _, l := range Supported {
		if s == string(l) {
			return l, true
		}
	}
	return "", false
}

// Negotiate picks the best supported language for an HTTP Accept-Language
// header value, e.g. "sv-SE,sv;q=0.9,en-US;q=0.8,en;q=0.7". Entries are
// ranked by their q-value (default 1; malformed or zero q-values exclude the
// entry); ties keep header order. The wildcard "*" and unsupported languages
// are skipped. If nothing matches, EN is returned.
func Negotiate(acceptLanguage string) Lang {
	best, bestQ := EN, -1
	for _, part := range strings.Split(acceptLanguage, ",") {
		tag, params, _ := strings.Cut(part, ";")
		lang, ok := Parse(tag)
		if !ok {
			continue
		}
		q := 1000
		for _, p := range strings.Split(params, ";") {
			name, val, found := strings.Cut(strings.TrimSpace(p), "=")
			if !found || !strings.EqualFold(strings.TrimSpace(name), "q") {
				continue
			}
			if q, ok = parseQ(strings.TrimSpace(val)); !ok {
				q = 0
			}
		}
		if q > bestQ && q > 0 {
			best, bestQ = lang, q
		}
	}
	return best
}

// parseQ parses an RFC 9110 qvalue ("0", "0.5", "1.000") into thousandths.
func parseQ(s string) (int, bool) {
	intPart, frac, _ := strings.Cut(s, ".")
	if (intPart != "0" && intPart != "1") || len(frac) > 3 {
		return 0, false
	}
	for _, c := range frac {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	frac += strings.Repeat("0", 3-len(frac))
	n, _ := strconv.Atoi(intPart + frac)
	if n > 1000 {
		return 0, false
	}
	return n, true
}
