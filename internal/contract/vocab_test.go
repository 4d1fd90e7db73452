package contract

import (
	"strings"
	"testing"

	"github.com/tandemhq/tandem/internal/i18n"
)

// TestLabelsExist checks that every vocabulary value, section, form field,
// finding code and severity has a label in every language.
func TestLabelsExist(t *testing.T) {
	t.Parallel()
	c := i18n.MustLoad()
	var keys []i18n.Key
	for _, v := range Vocabularies() {
		if len(v.Values) == 0 {
			t.Errorf("vocabulary %s is empty", v.Group)
		}
		for _, val := range v.Values {
			keys = append(keys, LabelKey(v.Group, val))
		}
	}
	for _, s := range Sections {
		keys = append(keys, FieldLabel(s))
	}
	for _, p := range FieldPaths() {
		keys = append(keys, FieldLabel(p))
	}
	for _, code := range []string{
		CodeImpreciseServices, CodeNoConfidentiality, CodeNoTermination, CodeNoPrice, CodeNoPaymentTerms,
		CodeNoAcceptance, CodePeopleWithoutNDA, CodeNoAcceptor, CodeTooManyKPIs, CodeActivityKPI, CodeNoSLA,
		CodeNoGovernanceCadence, CodeNoKPIs, CodeNoNoticeDuties,
	} {
		keys = append(keys, FindingTitle(code))
	}
	keys = append(keys, SeverityLabel(SeverityError), SeverityLabel(SeverityWarning))
	for _, k := range keys {
		for _, lang := range i18n.Supported {
			if !c.Has(lang, string(k)) {
				t.Errorf("%s: no label in %s", k, lang)
			}
		}
	}
	if len(keys) < 180 {
		t.Errorf("only %d labels checked", len(keys))
	}
}

func TestVocabularies(t *testing.T) {
	t.Parallel()
	if len(Metrics) != 27+6 {
		t.Errorf("len(Metrics) = %d, want 33", len(Metrics))
	}
	for _, m := range []string{"hours_worked", "messages_sent", "calls_made", "decision_maker_conversations", "reply_speed", "tickets_touched"} {
		if !IsActivityMetric(m) || !IsMetric(m) {
			t.Errorf("%s should be an activity metric of the catalogue", m)
		}
	}
	for _, m := range []string{"qualified_leads", "first_time_acceptance", "follow_ups_on_time", "csat", "", "nonsense"} {
		if IsActivityMetric(m) {
			t.Errorf("%q is not an activity metric", m)
		}
	}
	if IsMetric("nonsense") || !IsMetric("revenue") {
		t.Error("IsMetric")
	}
	if len(DefaultNoticeCategories) != 6 {
		t.Errorf("DefaultNoticeCategories = %v", DefaultNoticeCategories)
	}
	for _, c := range DefaultNoticeCategories {
		if !contains(NoticeCategories, c) {
			t.Errorf("default notice %s not allowed", c)
		}
	}
	if got := LabelKey("price_kind", "fixed"); got != "contract.price_kind.fixed" {
		t.Errorf("LabelKey = %s", got)
	}
	if got := MetricLabel("csat"); got != "contract.metric.csat" {
		t.Errorf("MetricLabel = %s", got)
	}
	if DefaultScale("conversion_rate") != 2 || DefaultScale("csat") != 1 || DefaultScale("deals_won") != 0 {
		t.Error("DefaultScale")
	}
}

func TestFieldLabel(t *testing.T) {
	t.Parallel()
	for path, want := range map[string]i18n.Key{
		"services":                         "contract.section.services",
		"kpis.2":                           "contract.section.kpis",
		"services.0.deadline.kind":         "contract.field.services.deadline.kind",
		"services[outbound-calls].name":    "contract.field.services.name",
		"price.components.10.amount_minor": "contract.field.price.components.amount_minor",
		"calendar.work_days.3":             "contract.field.calendar.work_days",
		"confidentiality.years_after":      "contract.field.confidentiality.years_after",
		"metrics[brand_presence].formula":  "contract.field.metrics.formula",
	} {
		if got := FieldLabel(path); got != want {
			t.Errorf("FieldLabel(%q) = %s, want %s", path, got, want)
		}
	}
	paths := FieldPaths()
	if len(paths) != 104 { // 83 + the 8 fields of an engagement's own metric + 12 of the sales terms + a price component's service
		t.Errorf("len(FieldPaths()) = %d, want 104", len(paths))
	}
	if paths[0] != "shape.model" || paths[len(paths)-1] != "sales.reveal_burst_minutes" {
		t.Errorf("FieldPaths order: %s … %s", paths[0], paths[len(paths)-1])
	}
}

// TestValueLabel checks that each enumerated term names a vocabulary and a
// field the terms have, and that a stored value reads as its label's key.
func TestValueLabel(t *testing.T) {
	t.Parallel()
	groups := map[string]bool{}
	for _, v := range Vocabularies() {
		groups[v.Group] = true
	}
	fields := map[string]bool{}
	for _, p := range FieldPaths() {
		fields[strings.Join(fieldSegments(p), ".")] = true
	}
	for path, v := range vocabularies {
		if !groups[v.Group] {
			t.Errorf("%s: no vocabulary %q", path, v.Group)
		}
		if !fields[path] {
			t.Errorf("%s: not a field of the terms", path)
		}
	}
	for _, c := range []struct {
		path, value string
		want        i18n.Key
		ok          bool
	}{
		{"services[calls].deadline.kind", "none", "contract.deadline_kind.none", true},
		{"services.3.deadline.kind", "business_days", "contract.deadline_kind.business_days", true},
		{"price.components[0].unit", "qualified_lead", "contract.unit.qualified_lead", true},
		{"services[calls].name", "none", "", false},
		{"services[calls].deadline.kind", "", "", false},
	} {
		got, ok := ValueLabel(c.path, c.value)
		if got != c.want || ok != c.ok {
			t.Errorf("ValueLabel(%q, %q) = %s, %v; want %s, %v", c.path, c.value, got, ok, c.want, c.ok)
		}
	}
}
