package i18n

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// requiredForms are the plural categories every plural message must define
// per language (CLDR cardinal categories; ru "other" covers fractions).
var requiredForms = map[Lang][]string{
	EN: {"one", "other"},
	SV: {"one", "other"},
	RU: {"one", "few", "many", "other"},
}

var placeholderRE = regexp.MustCompile(`\{([A-Za-z0-9_]+)\}`)

// placeholders returns the sorted set of {name} placeholders used in any
// form of m.
func placeholders(m message) string {
	set := map[string]bool{}
	texts := []string{m.text}
	for _, s := range m.plural {
		texts = append(texts, s)
	}
	for _, s := range texts {
		for _, match := range placeholderRE.FindAllStringSubmatch(s, -1) {
			set[match[1]] = true
		}
	}
	names := make([]string, 0, len(set))
	for k := range set {
		names = append(names, "{"+k+"}")
	}
	sort.Strings(names)
	return strings.Join(names, " ")
}

func TestCatalogCompleteness(t *testing.T) {
	t.Parallel()
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	all := map[string]bool{}
	for _, lang := range Supported {
		for _, k := range c.Keys(lang) {
			all[k] = true
		}
	}
	keys := make([]string, 0, len(all))
	for k := range all {
		keys = append(keys, k)
	}
	sort.Strings(keys)

	var problems []string
	report := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	for _, key := range keys {
		var ref *message
		var refLang Lang
		for _, lang := range Supported {
			m, ok := c.lookup(lang, key)
			if !ok {
				report("%s: missing in %s", key, lang)
				continue
			}
			if m.plural != nil {
				for _, form := range requiredForms[lang] {
					if _, ok := m.plural[form]; !ok {
						report("%s [%s]: plural form %q missing (%s)", key, lang, form, m.file)
					}
				}
			} else if m.text == "" {
				report("%s [%s]: empty message (%s)", key, lang, m.file)
			}
			if ref == nil {
				ref, refLang = &m, lang
				continue
			}
			if (m.plural != nil) != (ref.plural != nil) {
				report("%s: plural in one of %s/%s but not the other", key, refLang, lang)
			}
			if p, rp := placeholders(m), placeholders(*ref); p != rp {
				report("%s: placeholders differ: %s has [%s], %s has [%s]", key, refLang, rp, lang, p)
			}
		}
	}
	if len(problems) > 0 {
		t.Errorf("catalogue problems (%d):\n  %s", len(problems), strings.Join(problems, "\n  "))
	}
}
