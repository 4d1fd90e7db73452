package contract

import (
	"maps"
	"reflect"
	"strconv"
	"strings"

	"github.com/tandemhq/tandem/internal/i18n"
)

// Sections are the top-level sections of the terms form, in the order of
// the Terms fields (their JSON names).
var Sections = []string{
	"shape", "services", "calendar", "goals", "metrics", "kpis", "price", "notices",
	"penalties", "confidentiality", "termination", "governance", "sales",
}

// FieldPaths returns the generic dotted path of every field of Terms below
// the sections, without list indices, in declaration order: groups such as
// "services.deadline" and "price.components" as well as leaves such as
// "services.deadline.kind". Each has a label, see FieldLabel.
func FieldPaths() []string {
	var out []string
	var walk func(prefix string, t reflect.Type)
	walk = func(prefix string, t reflect.Type) {
		for i := range t.NumField() {
			f := t.Field(i)
			name := strings.Split(f.Tag.Get("json"), ",")[0]
			if name == "" || name == "-" {
				continue
			}
			path := name
			if prefix != "" {
				path = prefix + "." + name
				out = append(out, path)
			}
			ft := f.Type
			for ft.Kind() == reflect.Pointer || ft.Kind() == reflect.Slice {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				walk(path, ft)
			}
		}
	}
	walk("", reflect.TypeFor[Terms]())
	return out
}

// FieldLabel returns the catalogue key of the label of a field path as used
// in field errors, findings and changes ("services.0.deadline.kind",
// "services[outbound-calls].name", "kpis"): list indices and bracketed keys
// are dropped, a section's path gives "contract.section.<section>" and any
// other path "contract.field.<path>", e.g.
// "contract.field.services.deadline.kind".
func FieldLabel(path string) i18n.Key {
	segs := fieldSegments(path)
	if len(segs) <= 1 {
		return i18n.Key("contract.section." + strings.Join(segs, ""))
	}
	return i18n.Key("contract.field." + strings.Join(segs, "."))
}

// fieldSegments are a field path's names without list indices and
// bracketed keys: "services[calls].deadline.kind" and
// "services.0.deadline.kind" both give [services deadline kind].
func fieldSegments(path string) []string {
	var segs []string
	for _, s := range strings.Split(path, ".") {
		if i := strings.IndexByte(s, '['); i >= 0 {
			s = s[:i]
		}
		if _, err := strconv.Atoi(s); err == nil || s == "" {
			continue
		}
		segs = append(segs, s)
	}
	return segs
}

// vocabularies are the enumerated terms, by field path without indexes:
// the value of "services.deadline.kind" is one of DeadlineKinds, labelled
// "contract.deadline_kind.<value>". The terms editor's choices, the audit
// trail's labels and the OpenAPI check all read this one table.
var vocabularies = map[string]Vocabulary{
	"shape.model":               {"model", Models},
	"shape.coverage":            {"coverage", Coverages},
	"shape.format":              {"format", Formats},
	"shape.renewal":             {"renewal", Renewals},
	"services.deadline.kind":    {"deadline_kind", DeadlineKinds},
	"metrics.kind":              {"metric_kind", MetricKinds},
	"metrics.source":            {"metric_source", MetricSources},
	"kpis.direction":            {"direction", Directions},
	"kpis.period":               {"period", Periods},
	"kpis.metric":               {"metric", Metrics},
	"price.period":              {"period", InvoicePeriods},
	"price.components.kind":     {"price_kind", PriceKinds},
	"price.components.unit":     {"unit", append(append([]string{}, TimeUnits...), ResultUnits...)},
	"notices.category":          {"notice", NoticeCategories},
	"governance.committee.side": {"side", Sides},
	"governance.cadence.kind":   {"meeting", MeetingKinds},
	"sales.stages.meaning":      {"stage_meaning", StageMeanings},
}

// VocabularyOf returns the vocabulary of an enumerated term, by its path
// with or without indexes ("kpis[0].period", "kpis.period"), and false
// for a term that is not an enumeration.
func VocabularyOf(path string) (Vocabulary, bool) {
	v, ok := vocabularies[strings.Join(fieldSegments(path), ".")]
	return v, ok
}

// TermVocabularies returns every enumerated term's path (without indexes)
// and vocabulary.
func TermVocabularies() map[string]Vocabulary { return maps.Clone(vocabularies) }

// ValueLabel returns the catalogue key of the label of an enumerated
// term's stored value ("services[calls].deadline.kind", "none" gives
// "contract.deadline_kind.none"), and false for a term that is not an
// enumeration.
func ValueLabel(path, value string) (i18n.Key, bool) {
	v, ok := VocabularyOf(path)
	if !ok || value == "" {
		return "", false
	}
	return LabelKey(v.Group, value), true
}
