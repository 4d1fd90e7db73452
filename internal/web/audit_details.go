package web

import (
	"encoding/json"
	"sort"
	"strings"

	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/tandem"
	"github.com/tandemhq/tandem/internal/web/views"
)

// auditDetails turns an audit entry's data (JSON) into lines a person
// reads: each field labelled from the catalogue ("audit.field.<key>", or
// the key in words when the catalogue has none), values as text —
// numbers in the reader's format, yes/no, lists joined, a change as
// "before → after". What cannot be read as an object is shown as it is.
func auditDetails(l *i18n.Localizer, data string) []views.AuditDetail {
	data = strings.TrimSpace(data)
	if data == "" || data == "null" || data == "{}" {
		return nil
	}
	dec := json.NewDecoder(strings.NewReader(data))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return []views.AuditDetail{{Value: data}}
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]views.AuditDetail, 0, len(keys))
	for _, k := range keys {
		out = append(out, views.AuditDetail{Label: auditLabel(l, k), Value: auditValue(l, m[k])})
	}
	return out
}

func auditLabel(l *i18n.Localizer, key string) string {
	if k := "audit.field." + key; l.Has(k) {
		return l.T(k)
	}
	words := strings.ReplaceAll(key, "_", " ")
	if words == "" {
		return words
	}
	return strings.ToUpper(words[:1]) + words[1:]
}

func auditValue(l *i18n.Localizer, v any) string {
	switch x := v.(type) {
	case nil:
		return l.T("common.none")
	case bool:
		if x {
			return l.T("common.yes")
		}
		return l.T("common.no")
	case json.Number:
		if n, err := x.Int64(); err == nil {
			return l.Int(n)
		}
		return x.String()
	case string:
		if x == "" {
			return l.T("common.none")
		}
		return auditWord(l, x)
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = auditValue(l, e)
		}
		return strings.Join(parts, ", ")
	case map[string]any:
		// A changed term of a contract: {"field": "shape.pilot_criteria",
		// "before": …, "after": …}, the field by its label in the editor.
		if f, ok := x["field"].(string); ok && len(x) == 3 {
			a, okA := x["before"]
			b, okB := x["after"]
			if okA && okB {
				return termLabel(l, f) + ": " + termValue(l, f, a) + " → " + termValue(l, f, b)
			}
		}
		// A change: {"before": …, "after": …} or {"from": …, "to": …}.
		for _, pair := range [][2]string{{"before", "after"}, {"from", "to"}} {
			a, okA := x[pair[0]]
			b, okB := x[pair[1]]
			if okA && okB && len(x) == 2 {
				return auditValue(l, a) + " → " + auditValue(l, b)
			}
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = auditLabel(l, k) + ": " + auditValue(l, x[k])
		}
		return strings.Join(parts, "; ")
	}
	return ""
}

// termLabel is a contract term's path ("services[calls].sla.response_minutes")
// as the terms editor labels it, or its last part in words.
func termLabel(l *i18n.Localizer, path string) string {
	if k := contract.FieldLabel(path); l.Has(string(k)) {
		return l.T(string(k))
	}
	last := path[strings.LastIndexAny(path, ".]")+1:]
	return auditLabel(l, last)
}

// termValue is a changed term's value: an enumeration's by its label
// (a deadline counted "No deadline", not "none"), anything else as
// auditValue reads it.
func termValue(l *i18n.Localizer, path string, v any) string {
	if s, ok := v.(string); ok {
		if k, ok := contract.ValueLabel(path, s); ok && l.Has(string(k)) {
			return l.T(string(k))
		}
	}
	return auditValue(l, v)
}

// auditWords are the catalogue prefixes of the enumerations an audit entry
// stores by key (an evidence kind, a role, a status): such a value is shown
// by its label, never as the key.
var auditWords = []string{"evidence.kind.", "selections.criterion.", "export.what.", "role.", "kpi.status.", "engagement.status.",
	"partner.status.", "work.status.", "request.status.", "proposal.status.", "claims.status.", "invoices.status.", "selections.status.", "sales.status."}

// auditWord is a stored string as a person reads it: an enumeration's key
// by its label, anything else as it is.
func auditWord(l *i18n.Localizer, s string) string {
	if strings.ContainsAny(s, " .@/") {
		return s
	}
	if k, v, ok := strings.Cut(s, "="); ok { // a criterion and its weight: "price=20"
		return auditWord(l, k) + " = " + v
	}
	for _, p := range auditWords {
		if l.Has(p + s) {
			return l.T(p + s)
		}
	}
	if snakeKey().MatchString(s) { // another key (an own metric's): in words, as a label is
		return auditLabel(l, s)
	}
	return s
}

// snakeKey is a key written in snake_case ("customer_satisfaction").
var snakeKey = tandem.LazyRegexp(`^[a-z]+(_[a-z0-9]+)+$`)
