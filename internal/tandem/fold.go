package tandem

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Fold is the search form of a text: lower case, without accents or
// diacritics ("Malmö" and "malmo", "OÜ" and "ou", "Ёлка" and "елка" fold
// alike), other characters than letters and digits turned into single
// spaces. Every search_text column holds folded text and every query is
// folded the same way, so search behaves alike on SQLite and PostgreSQL.
func Fold(s string) string {
	var b strings.Builder
	space := true
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(unicode.ToLower(r))
			space = false
		case !space:
			b.WriteByte(' ')
			space = true
		}
	}
	return strings.TrimSpace(b.String())
}
