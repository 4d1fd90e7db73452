package contract

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/tandemhq/tandem/internal/i18n"
)

// templateTextsOf lists every free text a template writes.
func templateTextsOf(t Terms) []string {
	out := []string{t.Confidentiality.Liability, t.Termination.DataFormat, t.Governance.Powers, t.Governance.HandoverRule}
	for _, s := range t.Services {
		out = append(out, s.Name, s.Description, s.AcceptanceCriteria)
	}
	for _, g := range t.Goals {
		out = append(out, g.Title, g.Description)
	}
	for _, m := range t.Metrics {
		out = append(out, m.Name)
	}
	for _, k := range t.KPIs {
		out = append(out, k.Name)
	}
	for _, c := range t.Price.Components {
		out = append(out, c.Description)
	}
	if t.Sales != nil {
		out = append(out, t.Sales.Qualification)
	}
	return out
}

// Every template text is in all three catalogues, and a template written
// in Russian or Swedish has the same keys and figures as the English one,
// with its texts from that language's catalogue.
func TestTemplateInLanguages(t *testing.T) {
	t.Parallel()
	cat := i18n.MustLoad()
	prefixed := func(lang i18n.Lang) []string {
		var ks []string
		for _, k := range cat.Keys(lang) {
			if strings.HasPrefix(k, "templates.") {
				ks = append(ks, k)
			}
		}
		slices.Sort(ks)
		return ks
	}
	en := prefixed(i18n.EN)
	if len(en) == 0 {
		t.Fatal("no templates.* keys in the English catalogue")
	}
	for _, lang := range []i18n.Lang{i18n.RU, i18n.SV} {
		if got := prefixed(lang); !reflect.DeepEqual(got, en) {
			t.Errorf("%s templates keys differ from English: %d vs %d", lang, len(got), len(en))
		}
	}

	for _, kind := range Kinds {
		base := Template(kind, "SEK", "Europe/Stockholm")
		if got := TemplateIn(kind, "SEK", "Europe/Stockholm", i18n.EN); !reflect.DeepEqual(got, base) {
			t.Errorf("%s: TemplateIn(en) differs from Template", kind)
		}
		enTexts := templateTextsOf(base)
		for _, lang := range i18n.Supported {
			terms := TemplateIn(kind, "SEK", "Europe/Stockholm", lang)
			texts := templateTextsOf(terms)
			for i, s := range texts {
				if s == "" || strings.Contains(s, "⟦") {
					t.Errorf("%s/%s: text %d is %q", kind, lang, i, s)
				}
				// Every text is translated.
				if lang != i18n.EN && s == enTexts[i] {
					t.Errorf("%s/%s: text %q is still in English", kind, lang, s)
				}
			}
			// Only the words change: keys, metrics and figures are the same.
			for i := range terms.KPIs {
				k, b := terms.KPIs[i], base.KPIs[i]
				k.Name = b.Name
				if k != b {
					t.Errorf("%s/%s: KPI %d is %+v, want %+v", kind, lang, i, terms.KPIs[i], b)
				}
			}
			for i := range terms.Services {
				if terms.Services[i].Key != base.Services[i].Key {
					t.Errorf("%s/%s: service key %q, want %q", kind, lang, terms.Services[i].Key, base.Services[i].Key)
				}
			}
		}
	}

	ru := TemplateIn("sales", "SEK", "Europe/Stockholm", i18n.RU)
	var names []string
	for _, k := range ru.KPIs {
		names = append(names, k.Name)
	}
	want := []string{"Квалифицированные лиды", "Проведённые встречи", "Выигранные сделки", "Конверсия лидов в сделки"}
	if !reflect.DeepEqual(names, want) {
		t.Errorf("Russian sales KPIs = %q, want %q", names, want)
	}
	if got := TemplateIn("sales", "SEK", "", "xx").KPIs[0].Name; got != "Qualified leads" {
		t.Errorf("unsupported language: KPI name %q, want English", got)
	}
}
