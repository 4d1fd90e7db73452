package web

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/web/views"
)

// An audit entry's data reads as labelled lines in the reader's language,
// not as JSON.
func TestAuditDetails(t *testing.T) {
	t.Parallel()
	cat := i18n.MustLoad()
	got := auditDetails(cat.For(i18n.SV, nil), `{"count": 1234, "verified": true, "title": {"before": "A", "after": "B"}, "files": ["a.pdf", "b.pdf"], "some_key": ""}`)
	want := []views.AuditDetail{
		{Label: "Antal", Value: "1\u00a0234"}, {Label: "Filer", Value: "a.pdf, b.pdf"}, {Label: "Some key", Value: "—"}, {Label: "Titel", Value: "A → B"}, {Label: "Verifierat", Value: "Ja"},
	}
	if len(got) != len(want) {
		t.Fatalf("details %q", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("detail %d = %q, want %q", i, got[i], want[i])
		}
	}
	// Stored enumerations read as words: a status, criteria with weights, an export.
	got = auditDetails(cat.For(i18n.EN, nil), `{"status": {"before": "planned", "after": "in_progress"}, "criteria": ["price=20"], "what": "contract_annex", "note": "in_progress is a word here", "metric": "customer_satisfaction"}`)
	wantValues := []string{"Price = 20", "Customer satisfaction", "in_progress is a word here", "Planned → In progress", "Contract annex"}
	if len(got) != len(wantValues) {
		t.Fatalf("details %q", got)
	}
	for i, want := range wantValues {
		if got[i].Value != want {
			t.Errorf("detail %d = %q, want %q", i, got[i].Value, want)
		}
	}
	// A contract's changed terms, each by the editor's label.
	got = auditDetails(cat.For(i18n.EN, nil), `{"changes": [{"field": "shape.pilot_criteria", "before": "", "after": "Close on time"}, {"field": "services[calls].deadline.n", "before": "5", "after": "10"}]}`)
	if len(got) != 1 || got[0].Value != "What the pilot is judged on: — → Close on time, Days, or day of the month: 5 → 10" {
		t.Errorf("changed terms: %q", got)
	}
	// An enumerated term's values by their labels, in the reader's language.
	got = auditDetails(cat.For(i18n.EN, nil), `{"changes": [{"field": "services[calls].deadline.kind", "before": "business_days", "after": "none"}]}`)
	if len(got) != 1 || got[0].Value != "How the deadline is counted: Business days after the request → No deadline" {
		t.Errorf("changed enumeration: %q", got)
	}
	if d := auditDetails(cat.For(i18n.EN, nil), `not json`); len(d) != 1 || d[0].Value != "not json" {
		t.Errorf("unreadable data: %q", d)
	}
	if d := auditDetails(cat.For(i18n.EN, nil), `{}`); d != nil {
		t.Errorf("empty data: %q", d)
	}
	if auditLink("engagement", 7) != "/engagements/7" || auditLink("token", 7) != "" {
		t.Error("audit links")
	}
}

// Every kind of record the store writes to the audit trail has a name in
// every language, so the trail never shows a key.
func TestAuditEntitiesNamed(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("../store/*.go")
	if err != nil || len(files) == 0 {
		t.Fatalf("store sources: %v", err)
	}
	re := regexp.MustCompile(`record(?:Changes)?\(ctx, [a-zA-Z.]+, [^,]+, "([a-z_]+)"`)
	cat := i18n.MustLoad()
	seen := map[string]bool{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(src), -1) {
			seen[m[1]] = true
		}
	}
	if len(seen) < 10 {
		t.Fatalf("found only %d audited kinds: %v", len(seen), seen)
	}
	for entity := range seen {
		for _, lang := range i18n.Supported {
			if !cat.Has(lang, "audit.entity."+entity) {
				t.Errorf("audit.entity.%s: no name in %s", entity, lang)
			}
		}
	}
}
