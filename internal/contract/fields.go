package contract

import (
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

// valueGroups name the vocabulary of each enumerated term (see LabelKey):
// the value of "services.deadline.kind" is one of DeadlineKinds, labelled
// "contract.deadline_kind.<value>".
var valueGroups = map[string]string{
	"shape.model": "model", "shape.coverage": "coverage", "shape.format": "format", "shape.renewal": "renewal",
	"services.deadline.kind": "deadline_kind", "metrics.kind": "metric_kind", "metrics.source": "metric_source",
	"kpis.direction": "direction", "kpis.period": "period", "kpis.metric": "metric", "price.period": "period",
	"price.components.kind": "price_kind", "price.components.unit": "unit", "notices.category": "notice",
	"governance.committee.side": "side", "governance.cadence.kind": "meeting", "sales.stages.meaning": "stage_meaning",
}

// ValueLabel returns the catalogue key of the label of an enumerated
// term's stored value ("services[calls].deadline.kind", "none" gives
// "contract.deadline_kind.none"), and false for a term that is not an
// enumeration.
func ValueLabel(path, value string) (i18n.Key, bool) {
	g, ok := valueGroups[strings.Join(fieldSegments(path), ".")]
	if !ok || value == "" {
		return "", false
	}
	return LabelKey(g, value), true
}
