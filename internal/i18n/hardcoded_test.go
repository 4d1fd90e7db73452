package i18n

import (
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode"
)

// hardcodedAllowed lists literal texts that may appear untranslated in
// templates. Keep it tiny: everything else belongs in a catalogue.
var hardcodedAllowed = map[string]bool{
	"Tandem": true,
}

// checkedAttrs are attributes whose literal values are user-visible.
var checkedAttrs = map[string]bool{
	"placeholder": true,
	"title":       true,
	"aria-label":  true,
	"alt":         true,
}

// templFinding is a suspected hard-coded user-visible string.
type templFinding struct {
	Line int
	Text string
}

var (
	templDeclRE  = regexp.MustCompile(`^templ\s`)
	htmlEntityRE = regexp.MustCompile(`&#?[A-Za-z0-9]+;`)
	goStringRE   = regexp.MustCompile("^(\"(?:[^\"\\\\]|\\\\.)*\"|`[^`]*`)$")
)

// scanTempl reports literal user-visible text in the templ components of a
// .templ file. It is a heuristic that relies on templ's formatting: a
// component starts with a line "templ Name(...) {" at column 0 and ends with
// a "}" line at column 0; Go code outside components is ignored. Inside a
// component it skips { expressions } and {{ Go blocks }}, directive lines
// (if/for/switch/case/default/else, lines starting with "}" or "@"), HTML
// comments, <script> and <style> contents, and reports
//   - text between tags that contains a letter (after removing &entities;),
//   - literal values of placeholder, title, aria-label and alt containing a
//     letter,
//   - expressions that are just a Go string literal containing a letter,
//     e.g. { "Save" }, in text or in those attributes.
func scanTempl(src string) []templFinding {
	lines := strings.Split(src, "\n")
	var out []templFinding
	for i := 0; i < len(lines); i++ {
		decl := strings.TrimRight(lines[i], " \t\r")
		if !templDeclRE.MatchString(decl) || !strings.HasSuffix(decl, "{") {
			continue
		}
		start := i + 1
		end := start
		for end < len(lines) && strings.TrimRight(lines[end], " \t\r") != "}" {
			end++
		}
		s := &templScanner{src: strings.Join(lines[start:min(end, len(lines))], "\n"), firstLine: start + 1}
		s.scan()
		out = append(out, s.found...)
		i = end
	}
	return out
}

type templScanner struct {
	src       string
	firstLine int // 1-based line number of src[0]
	found     []templFinding
}

func (s *templScanner) report(pos int, text string) {
	text = strings.TrimSpace(text)
	if hardcodedAllowed[text] || !hasLetter(htmlEntityRE.ReplaceAllString(text, "")) {
		return
	}
	s.found = append(s.found, templFinding{Line: s.firstLine + strings.Count(s.src[:pos], "\n"), Text: text})
}

// reportLiteralExpr reports an expression { "..." } whose content is only a
// Go string literal. open and end delimit the expression including braces.
func (s *templScanner) reportLiteralExpr(open, end int) {
	inner := strings.TrimSpace(s.src[open+1 : max(open+1, end-1)])
	if goStringRE.MatchString(inner) {
		if v, err := strconv.Unquote(inner); err == nil {
			s.report(open, v)
		}
	}
}

func hasLetter(s string) bool {
	return strings.IndexFunc(s, unicode.IsLetter) >= 0
}

func isIdentByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// isDirective reports whether a line (without leading whitespace) is templ
// control flow or a component call rather than markup.
func isDirective(rest string) bool {
	if strings.HasPrefix(rest, "}") || strings.HasPrefix(rest, "@") {
		return true
	}
	n := 0
	for n < len(rest) && isIdentByte(rest[n]) {
		n++
	}
	switch rest[:n] {
	case "if", "for", "switch", "case", "default", "else":
		return n == len(rest) || !isIdentByte(rest[n])
	}
	return false
}

// skipString skips a Go string, rune or raw string literal starting at i and
// returns the index after it.
func (s *templScanner) skipString(i int) int {
	q := s.src[i]
	for j := i + 1; j < len(s.src); j++ {
		switch {
		case s.src[j] == '\\' && q != '`':
			j++
		case s.src[j] == q:
			return j + 1
		case s.src[j] == '\n' && q != '`':
			return j // unterminated: stop at the line end
		}
	}
	return len(s.src)
}

// skipBraces skips a balanced {...} Go expression starting at i (which must
// be '{') and returns the index after the closing brace.
func (s *templScanner) skipBraces(i int) int {
	depth := 0
	for j := i; j < len(s.src); {
		switch s.src[j] {
		case '"', '\'', '`':
			j = s.skipString(j)
			continue
		case '{':
			depth++
		case '}':
			depth--
			if depth == 0 {
				return j + 1
			}
		}
		j++
	}
	return len(s.src)
}

// skipLine skips a directive line starting at i, continuing over newlines
// inside unbalanced parentheses or brackets, and returns the index after
// the terminating newline.
func (s *templScanner) skipLine(i int) int {
	depth := 0
	for j := i; j < len(s.src); {
		switch s.src[j] {
		case '"', '\'', '`':
			j = s.skipString(j)
			continue
		case '(', '[':
			depth++
		case ')', ']':
			depth--
		case '\n':
			if depth <= 0 {
				return j + 1
			}
		}
		j++
	}
	return len(s.src)
}

// skipPast returns the index after the first occurrence of marker at or after
// i (case-insensitive), or len(src).
func (s *templScanner) skipPast(i int, marker string) int {
	k := strings.Index(strings.ToLower(s.src[i:]), marker)
	if k < 0 {
		return len(s.src)
	}
	return i + k + len(marker)
}

// tag scans an opening tag starting at i ('<' followed by a letter), checks
// its attributes and skips <script>/<style> contents. It returns the index
// after the tag (or after the closing script/style tag).
func (s *templScanner) tag(i int) int {
	j := i + 1
	for j < len(s.src) && (isIdentByte(s.src[j]) || s.src[j] == '-' || s.src[j] == ':' || s.src[j] == '.') {
		j++
	}
	name := strings.ToLower(s.src[i+1 : j])
	selfClosed := false
loop:
	for j < len(s.src) {
		switch c := s.src[j]; {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			j++
		case c == '>':
			j++
			break loop
		case strings.HasPrefix(s.src[j:], "/>"):
			j += 2
			selfClosed = true
			break loop
		case c == '{':
			j = s.skipBraces(j) // spread attributes or conditional attribute block
		case c == '"' || c == '\'' || c == '/' || c == '=' || c == '?':
			j++ // stray character (e.g. inside an attribute condition)
		default:
			start := j
			for j < len(s.src) && !strings.ContainsRune(" \t\r\n=>{/?\"'", rune(s.src[j])) {
				j++
			}
			attr := strings.ToLower(s.src[start:j])
			if j < len(s.src) && s.src[j] == '?' {
				j++
			}
			if j >= len(s.src) || s.src[j] != '=' {
				continue
			}
			j++
			for j < len(s.src) && (s.src[j] == ' ' || s.src[j] == '\t') {
				j++
			}
			if j >= len(s.src) {
				break loop
			}
			switch s.src[j] {
			case '"', '\'':
				q := s.src[j]
				end := strings.IndexByte(s.src[j+1:], q)
				if end < 0 {
					return len(s.src)
				}
				if checkedAttrs[attr] {
					s.report(j, s.src[j+1:j+1+end])
				}
				j += end + 2
			case '{':
				end := s.skipBraces(j)
				if checkedAttrs[attr] {
					s.reportLiteralExpr(j, end)
				}
				j = end
			default:
				vstart := j
				for j < len(s.src) && !strings.ContainsRune(" \t\r\n>", rune(s.src[j])) {
					j++
				}
				if checkedAttrs[attr] {
					s.report(vstart, s.src[vstart:j])
				}
			}
		}
	}
	if !selfClosed && (name == "script" || name == "style") {
		return s.skipPast(j, "</"+name)
	}
	return j
}

func (s *templScanner) scan() {
	textStart := -1
	flush := func(end int) {
		if textStart >= 0 {
			s.report(textStart, s.src[textStart:end])
			textStart = -1
		}
	}
	atLineStart := true
	for i := 0; i < len(s.src); {
		if atLineStart {
			j := i
			for j < len(s.src) && (s.src[j] == ' ' || s.src[j] == '\t' || s.src[j] == '\r') {
				j++
			}
			rest := s.src[j:]
			switch {
			case isDirective(rest):
				i = s.skipLine(j)
				continue
			case strings.HasPrefix(rest, "//"):
				i = s.skipPast(j, "\n")
				continue
			case strings.HasPrefix(rest, "/*"):
				i = s.skipPast(j, "*/")
				continue
			}
			atLineStart = false
			i = j
			continue
		}
		c := s.src[i]
		next := byte(0)
		if i+1 < len(s.src) {
			next = s.src[i+1]
		}
		switch {
		case c == '\n':
			flush(i)
			atLineStart = true
			i++
		case strings.HasPrefix(s.src[i:], "<!--"):
			flush(i)
			i = s.skipPast(i, "-->")
		case c == '<' && (next >= 'a' && next <= 'z' || next >= 'A' && next <= 'Z'):
			flush(i)
			i = s.tag(i)
		case c == '<' && (next == '/' || next == '!'):
			flush(i)
			i = s.skipPast(i, ">")
		case c == '{':
			flush(i)
			end := s.skipBraces(i)
			s.reportLiteralExpr(i, end)
			i = end
		case c == '@' && isIdentByte(next) && (i == 0 || strings.IndexByte(" \t>}", s.src[i-1]) >= 0):
			flush(i)
			i = s.skipCall(i + 1)
		default:
			if textStart < 0 {
				textStart = i
			}
			i++
		}
	}
	flush(len(s.src))
}

// skipCall skips an inline component call such as @components.Icon("x")
// starting after the '@'.
func (s *templScanner) skipCall(i int) int {
	for i < len(s.src) && (isIdentByte(s.src[i]) || s.src[i] == '.') {
		i++
	}
	if i < len(s.src) && s.src[i] == '(' {
		depth := 0
		for i < len(s.src) {
			switch s.src[i] {
			case '"', '\'', '`':
				i = s.skipString(i)
				continue
			case '(':
				depth++
			case ')':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
			i++
		}
	}
	return i
}

func TestTemplScannerPasses(t *testing.T) {
	t.Parallel()
	samples := map[string]string{
		"brief example": `package views

templ Hello(name string) {
	<div class="card">
		<h1>{ i18n.T(ctx, "hello.title", "name", name) }</h1>
		if name != "" {
			<p aria-label={ i18n.T(ctx, "x.y") }>{ name }</p>
		}
	</div>
}
`,
		"rich": `package views

import (
	"fmt"
	"github.com/tandemhq/tandem/internal/i18n"
)

// Go code outside components is not scanned.
func label(s string) string { return "Some Go string " + fmt.Sprint(s) }

var x = struct{ A string }{A: "text"}

css card() {
	color: red;
}

templ (p Page) Layout(title string, items []Item) {
	<!DOCTYPE html>
	<html lang={ string(i18n.From(ctx).Lang()) }>
		<head>
			<title>Tandem</title>
			<style>
				body { font-family: sans-serif; }
			</style>
			<script src="/static/app.js"></script>
			<script>
				document.title = "Hello world";
			</script>
		</head>
		<body class="page" data-x="Some value">
			<!-- A comment with words -->
			// a templ comment with words
			{{ greeting := i18n.T(ctx, "a.b") }}
			{{
				m := map[string]string{"k": "v {"}
				_ = m
			}}
			<h1>{ greeting }&nbsp;&mdash; { title }</h1>
			<input
				type="text"
				name="q"
				placeholder={ i18n.T(ctx, "common.search") }
				disabled?={ p.Disabled }
				{ attrs... }
			/>
			<img src="/logo.svg" alt=""/>
			<span title="42"></span>
			@components.Button(components.ButtonProps{
				Label: "Save",
			}) {
				{ i18n.T(ctx, "common.save") }
			}
			<p>@components.Icon("check") { i18n.N(ctx, "common.results", int64(len(items))) }</p>
			for i, it := range items {
				<li>{ fmt.Sprint(i + 1) }. { it.Name }: { i18n.Money(ctx, it.Price) } (×{ it.Qty })</li>
			}
			switch p.Kind {
				case "a", "b":
					<b>{ p.Kind }</b>
				default:
					<i>—</i>
			}
			if p.X {
				<em>{ "—" }</em>
			} else if strings.Contains(p.Y, "}") {
				<em>{ ` + "`" + `}` + "`" + ` }</em>
			} else {
				<em>123 %</em>
			}
			{ children... }
		</body>
	</html>
}
`,
	}
	for name, src := range samples {
		if got := scanTempl(src); len(got) != 0 {
			t.Errorf("%s: unexpected findings %+v", name, got)
		}
	}
}

func TestTemplScannerFinds(t *testing.T) {
	t.Parallel()
	src := `package views

templ Bad(name string) {
	<div class="card">
		<p>Hello</p>
		<input placeholder="Search">
		<h1>{ i18n.T(ctx, "x.y") } items</h1>
		if name != "" {
			<span title="Edit item" aria-label={ "Close" }>{ name }</span>
		}
		<img src="/a.png" alt='Logo'/>
		<p>
			Welcome to
			<b>Привет</b>
		</p>
		<button aria-label=Open>{ "Save" }</button>
		<p>Tandem</p>
	</div>
}

templ Other() {
	<p>Tandem rocks</p>
}
`
	want := []templFinding{
		{5, "Hello"},
		{6, "Search"},
		{7, "items"},
		{9, "Edit item"},
		{9, "Close"},
		{11, "Logo"},
		{13, "Welcome to"},
		{14, "Привет"},
		{16, "Open"},
		{16, "Save"},
		{22, "Tandem rocks"},
	}
	if got := scanTempl(src); !reflect.DeepEqual(got, want) {
		t.Errorf("scanTempl findings:\n got %+v\nwant %+v", got, want)
	}
}

// TestNoHardcodedTemplText fails on literal user-visible text in any .templ
// file of the module. Add translations with i18n.T / i18n.N instead.
func TestNoHardcodedTemplText(t *testing.T) {
	t.Parallel()
	root := moduleRoot(t)
	walkSources(t, root, []string{".templ"}, func(path string) {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(root, path)
		for _, f := range scanTempl(string(data)) {
			t.Errorf("%s:%d: hard-coded text %q (use i18n.T)", rel, f.Line, f.Text)
		}
	})
}
