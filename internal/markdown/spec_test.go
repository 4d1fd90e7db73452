package markdown

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// specPath is the CommonMark specification (npm commonmark-spec, pinned
// by testdata/spec/package-lock.json; .ci/run installs it).
const specPath = "testdata/spec/node_modules/commonmark-spec/spec.txt"

type specExample struct {
	n        int
	section  string
	markdown string
	html     string
}

func readSpec(t *testing.T) []specExample {
	t.Helper()
	data, err := os.ReadFile(specPath)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("the CommonMark spec is not installed (npm ci --prefix internal/markdown/testdata/spec): %v", err)
		}
		t.Skipf("the CommonMark spec is not installed (npm ci --prefix internal/markdown/testdata/spec): %v", err)
	}
	text, _, _ := strings.Cut(string(data), "<!-- END TESTS -->")
	fence := strings.Repeat("`", 32)
	var out []specExample
	section := ""
	lines := strings.Split(text, "\n")
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		if strings.HasPrefix(l, "#") {
			section = strings.TrimSpace(strings.TrimLeft(l, "#"))
			continue
		}
		if l != fence+" example" {
			continue
		}
		var md, html []string
		dst := &md
		for i++; i < len(lines) && lines[i] != fence; i++ {
			if lines[i] == "." && dst == &md {
				dst = &html
				continue
			}
			*dst = append(*dst, lines[i])
		}
		join := func(ls []string) string {
			if len(ls) == 0 {
				return ""
			}
			return strings.ReplaceAll(strings.Join(ls, "\n")+"\n", "→", "\t")
		}
		out = append(out, specExample{n: len(out) + 1, section: section, markdown: join(md), html: join(html)})
	}
	if len(out) < 600 {
		t.Fatalf("read %d examples from the spec", len(out))
	}
	return out
}

// specLeftOut are the sections whose expected HTML differs by design.
var specLeftOut = map[string]string{
	"HTML blocks": "raw HTML",
	"Raw HTML":    "raw HTML",
}

// htmlTag is a tag in the expected HTML.
var htmlTag = regexp.MustCompile(`<[^>]+>`)

// TestCommonMarkSpec renders every example of the specification and
// compares the HTML with the specification's. An example may differ only
// for what the package leaves out by design (raw HTML, the tab rule, named
// references beyond the short list); every other difference fails.
func TestCommonMarkSpec(t *testing.T) {
	t.Parallel()
	all := func(string) bool { return true }
	passed, differ := 0, map[string]int{}
	for _, ex := range readSpec(t) {
		got := Render(ex.markdown, Options{SafeURL: all})
		want := strings.NewReplacer(" />", ">").Replace(ex.html)
		if got == want {
			passed++
			continue
		}
		if why := specException(ex); why != "" {
			differ[why]++
			continue
		}
		t.Errorf("example %d (%s):\n%s\nwant:\n%s\ngot:\n%s", ex.n, ex.section, ex.markdown, want, got)
	}
	if passed < 550 {
		t.Errorf("only %d examples pass", passed)
	}
	t.Logf("%d examples pass; differ by design: %v", passed, differ)
}

// specException says why an example's HTML may differ, or "".
func specException(ex specExample) string {
	if why := specLeftOut[ex.section]; why != "" {
		return why
	}
	// A tag of the expected HTML typed as such in the Markdown is raw
	// HTML passed through.
	for _, tag := range htmlTag.FindAllString(ex.html, -1) {
		if strings.Contains(ex.markdown, tag) {
			return "raw HTML"
		}
	}
	if strings.Contains(ex.markdown, "\t") {
		return "tabs"
	}
	if strings.Contains(ex.section, "Entity") && regexp.MustCompile(`&[A-Za-z][A-Za-z0-9]*;`).MatchString(ex.markdown) {
		return "named references"
	}
	return ""
}
