package contract

import (
	"strconv"
	"strings"

	"github.com/tandemhq/tandem/internal/tandem"
)

// Keys of services, goals and KPIs are the terms' stable ids: what a
// deliverable, a price component or a KPI refers to. A person names a
// service, a goal or a KPI; the key is made from that name when the item
// is new, and never changes afterwards, so renaming keeps every reference.

// FillKeys gives every service, goal and KPI of t without a key one made
// from its name ("Lead qualification" → "lead-qualification", "Квалификация
// лидов" → "kvalifikatsiya-lidov"), unique among the keys of its list. An
// item whose name gives no letters or digits gets its kind and position
// ("service-2"). Items that have a key keep it.
func FillKeys(t *Terms) {
	fill := func(n int, keyOf func(i int) *string, name func(i int) string, kind string) {
		seen := map[string]bool{}
		for i := 0; i < n; i++ {
			if k := *keyOf(i); k != "" {
				seen[k] = true
			}
		}
		for i := 0; i < n; i++ {
			if *keyOf(i) != "" {
				continue
			}
			base := Slug(name(i))
			if base == "" {
				base = kind + "-" + strconv.Itoa(i+1)
			}
			k := base
			for j := 2; seen[k]; j++ {
				k = base + "-" + strconv.Itoa(j)
			}
			seen[k] = true
			*keyOf(i) = k
		}
	}
	fill(len(t.Services), func(i int) *string { return &t.Services[i].Key }, func(i int) string { return t.Services[i].Name }, "service")
	fill(len(t.Goals), func(i int) *string { return &t.Goals[i].Key }, func(i int) string { return t.Goals[i].Title }, "goal")
	fill(len(t.KPIs), func(i int) *string { return &t.KPIs[i].Key }, func(i int) string { return t.KPIs[i].Name }, "kpi")
}

// Slug makes a key from a name: letters and digits, accents dropped and
// Cyrillic transliterated, words joined by "-", at most MaxKeyLen bytes
// cut at a word. It is "" when the name has no letter or digit of the
// Latin or Cyrillic alphabet.
func Slug(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range tandem.Fold(name) {
		var part string
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			part = string(r)
		case r == ' ':
			dash = b.Len() > 0
			continue
		default:
			part = latin[r]
		}
		if part == "" {
			continue
		}
		if dash {
			b.WriteByte('-')
			dash = false
		}
		b.WriteString(part)
	}
	s := b.String()
	if len(s) > MaxKeyLen {
		s = s[:MaxKeyLen]
		if i := strings.LastIndexByte(s, '-'); i > 0 {
			s = s[:i]
		}
	}
	return strings.Trim(s, "-")
}

// latin spells the letters tandem.Fold leaves outside a–z: Cyrillic (the
// Russian passport transliteration, ICAO 9303) and the Nordic letters
// without a decomposition.
var latin = map[rune]string{
	'а': "a", 'б': "b", 'в': "v", 'г': "g", 'д': "d", 'е': "e", 'ж': "zh", 'з': "z",
	'и': "i", 'й': "i", 'к': "k", 'л': "l", 'м': "m", 'н': "n", 'о': "o", 'п': "p",
	'р': "r", 'с': "s", 'т': "t", 'у': "u", 'ф': "f", 'х': "kh", 'ц': "ts", 'ч': "ch",
	'ш': "sh", 'щ': "shch", 'ъ': "ie", 'ы': "y", 'ь': "", 'э': "e", 'ю': "iu", 'я': "ia",
	'ø': "o", 'æ': "ae", 'ß': "ss", 'ð': "d", 'þ': "th", 'ł': "l", 'đ': "d",
}
