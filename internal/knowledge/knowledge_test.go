package knowledge

import (
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/tandemhq/tandem/internal/tandem"
)

const (
	client  = tandem.SideClient
	partner = tandem.SidePartner
)

// Hand-built areas, each bus factor worked out by hand:
//
//   - "Invoicing": Anna (client) wrote a page, Boris (client) reviewed it,
//     Pavel (partner) wrote one too. If Anna leaves, Boris still runs it;
//     if Anna and Boris leave, nobody on the client's side does. Pavel's
//     departure changes nothing for the client. Bus factor 2, not flagged.
//   - "CRM": only Pavel (partner) wrote and is named. Nobody on the
//     client's side can run it now: bus factor 0, flagged.
//   - "Onboarding": Anna wrote a page, reviewed it and is named (three
//     ways, one person); Clara (client) wrote one but has left the
//     workspace, so she counts for nobody. Anna's departure alone leaves
//     nobody: bus factor 1, flagged.
//   - "Segment: retail": Anna named, Boris named, Dmitri (client) wrote;
//     Pavel and Petra (partner) reviewed. Three client people must leave
//     before nobody is left: bus factor 3.
func TestBusFactors(t *testing.T) {
	t.Parallel()
	src := []Source{
		{"Invoicing", 1, "Anna", client, Wrote, true},
		{"Invoicing", 2, "Boris", client, Reviewed, true},
		{"Invoicing", 10, "Pavel", partner, Wrote, true},
		{"CRM", 10, "Pavel", partner, Wrote, true},
		{"CRM", 10, "Pavel", partner, Named, true},
		{"Onboarding", 1, "Anna", client, Named, true},
		{"Onboarding", 1, "Anna", client, Wrote, true},
		{"Onboarding", 1, "Anna", client, Reviewed, true},
		{"Onboarding", 3, "Clara", client, Wrote, false},
		{"Segment: retail", 1, "Anna", client, Named, true},
		{"Segment: retail", 2, "Boris", client, Named, true},
		{"Segment: retail", 4, "Dmitri", client, Wrote, true},
		{"Segment: retail", 10, "Pavel", partner, Reviewed, true},
		{"Segment: retail", 11, "Petra", partner, Reviewed, true},
	}
	areas := BusFactors(src)
	want := map[string]struct {
		bf      int
		risk    bool
		clients []string
		parts   []string
	}{
		"CRM":             {0, true, nil, []string{"Pavel"}},
		"Invoicing":       {2, false, []string{"Anna", "Boris"}, []string{"Pavel"}},
		"Onboarding":      {1, true, []string{"Anna"}, nil},
		"Segment: retail": {3, false, []string{"Anna", "Boris", "Dmitri"}, []string{"Pavel", "Petra"}},
	}
	var names []string
	for _, a := range areas {
		names = append(names, a.Name)
		w := want[a.Name]
		if a.BusFactor != w.bf || a.AtRisk() != w.risk || !reflect.DeepEqual(knowerNames(a.Client), w.clients) || !reflect.DeepEqual(knowerNames(a.Partner), w.parts) {
			t.Errorf("%s: %+v, want %+v", a.Name, a, w)
		}
	}
	if !reflect.DeepEqual(names, []string{"CRM", "Invoicing", "Onboarding", "Segment: retail"}) {
		t.Fatalf("areas %v", names)
	}
	// Anna knows Onboarding three ways, listed in a fixed order.
	if got := areas[2].Client[0].How; !reflect.DeepEqual(got, []How{Wrote, Reviewed, Named}) {
		t.Fatalf("how: %v", got)
	}
	risky := AtRiskAreas(areas)
	if len(risky) != 2 || risky[0].Name != "CRM" || risky[1].Name != "Onboarding" {
		t.Fatalf("at risk: %+v", risky)
	}
	// An area only a departed person knew: bus factor 0.
	if a := BusFactors([]Source{{"Payroll", 3, "Clara", client, Wrote, false}}); len(a) != 1 || a[0].BusFactor != 0 || !a[0].AtRisk() {
		t.Fatalf("payroll: %+v", a)
	}
}

func knowerNames(ks []Knower) []string {
	var out []string
	for _, k := range ks {
		out = append(out, k.Name)
	}
	return out
}

// Markdown with a script, raw HTML, javascript: links and event
// attributes renders inert.
func TestRenderInert(t *testing.T) {
	t.Parallel()
	src := strings.Join([]string{
		"# Title",
		"",
		"<script>alert(1)</script>",
		"",
		`<img src="x" onerror="alert(2)">`,
		"",
		`Text with <b onclick="alert(3)">inline html</b>.`,
		"",
		"[click](javascript:alert(4)) and [tab](java\tscript:alert(5)) and [ok](https://example.com/a?b=1)",
		"",
		"[data](data:text/html;base64,PHNjcmlwdD4=) [vb](VBScript:msgbox) [rel](/engagements/1/knowledge)",
		"",
		"![pic](javascript:alert(6))",
		"",
		"<javascript:alert(7)>",
		"",
		"<div style=\"x\" onmouseover=\"alert(8)\">block</div>",
		"",
		"- [x] done",
	}, "\n")
	out := Render(src)
	// Left as text, "javascript:alert(7)" is inert; no tag, attribute or
	// destination of the page's own may remain.
	for _, bad := range []*regexp.Regexp{
		regexp.MustCompile(`(?i)<script`), regexp.MustCompile(`(?i)<(img|div|b)\s[^>]*(src="x"|style|on[a-z]+=)`),
		regexp.MustCompile(`(?i)\son[a-z]+=`), regexp.MustCompile(`(?i)(href|src)="[^"]*(script|data|vbscript):`),
	} {
		if bad.MatchString(out) {
			t.Errorf("rendered %s in:\n%s", bad, out)
		}
	}
	for _, good := range []string{"<h1>Title</h1>", `<a href="https://example.com/a?b=1">ok</a>`, `<a href="/engagements/1/knowledge">rel</a>`, `<a href="#">click</a>`, "checked"} {
		if !strings.Contains(out, good) {
			t.Errorf("missing %q in:\n%s", good, out)
		}
	}
}

func TestDiff(t *testing.T) {
	t.Parallel()
	a := "one\ntwo\nthree\nfour"
	b := "one\nTWO\nthree\nfour\nfive"
	// LCS: one, three, four. two → TWO is a change; five added.
	want := []Line{{Same, "one"}, {Removed, "two"}, {Added, "TWO"}, {Same, "three"}, {Same, "four"}, {Added, "five"}}
	if got := Diff(a, b); !reflect.DeepEqual(got, want) {
		t.Fatalf("diff %+v", got)
	}
	if got := Diff("", "x"); !reflect.DeepEqual(got, []Line{{Added, "x"}}) {
		t.Fatalf("from empty %+v", got)
	}
	if got := Diff("x", "x"); !reflect.DeepEqual(got, []Line{{Same, "x"}}) {
		t.Fatalf("same %+v", got)
	}
}

func TestStaleAndValidate(t *testing.T) {
	t.Parallel()
	day := func(s string) tandem.Date { d, _ := tandem.ParseDate(s); return d }
	p := Page{Area: "  Invoicing   process ", Title: " T ", Body: "x\r\n", ReviewOn: day("2026-06-30")}
	p.Normalize()
	if p.Area != "Invoicing process" || p.Title != "T" || p.Body != "x" {
		t.Fatalf("normalized %+v", p)
	}
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	if p.Stale(day("2026-06-30")) || !p.Stale(day("2026-07-01")) {
		t.Fatal("stale on the day after the review date only")
	}
	if got := DefaultReview(day("2026-01-31")).String(); got != "2026-07-31" {
		t.Fatalf("default review %s", got)
	}
	if err := (&Page{}).Validate(); err == nil {
		t.Fatal("empty page valid")
	}
	if MayWrite(partner, 0) == nil || MayWrite(partner, 5) != nil || MayWrite(client, 0) != nil {
		t.Fatal("MayWrite")
	}
}
