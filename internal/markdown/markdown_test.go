package markdown

import (
	"regexp"
	"strings"
	"testing"
)

// render keeps http, https and mailto destinations and those without a
// scheme, as package knowledge does.
func render(src string) string {
	return Render(src, Options{SafeURL: func(d string) bool {
		l := strings.ToLower(d)
		return !strings.Contains(d, ":") || strings.HasPrefix(l, "http:") || strings.HasPrefix(l, "https:") || strings.HasPrefix(l, "mailto:")
	}})
}

func TestGitHubExtensions(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ name, src, want string }{
		{"table", "| Step | Day | Owner |\n| :--- | :-: | ---: |\n| Close | 1 | *Anna* |\n| Report | 5 |\n",
			"<table>\n<thead>\n<tr>\n<th class=\"left\">Step</th>\n<th class=\"center\">Day</th>\n<th class=\"right\">Owner</th>\n</tr>\n</thead>\n" +
				"<tbody>\n<tr>\n<td class=\"left\">Close</td>\n<td class=\"center\">1</td>\n<td class=\"right\"><em>Anna</em></td>\n</tr>\n" +
				"<tr>\n<td class=\"left\">Report</td>\n<td class=\"center\">5</td>\n<td class=\"right\"></td>\n</tr>\n</tbody>\n</table>\n"},
		{"table without outer pipes, an escaped pipe, after a paragraph",
			"Costs:\na | b\n--|--\n`x \\| y` | 2\n\nafter",
			"<p>Costs:</p>\n<table>\n<thead>\n<tr>\n<th>a</th>\n<th>b</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td><code>x | y</code></td>\n<td>2</td>\n</tr>\n</tbody>\n</table>\n<p>after</p>\n"},
		{"a table ends at another block", "| a |\n| - |\n| 1 |\n> quote",
			"<table>\n<thead>\n<tr>\n<th>a</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td>1</td>\n</tr>\n</tbody>\n</table>\n<blockquote>\n<p>quote</p>\n</blockquote>\n"},
		{"a table in a list item", "- costs:\n\n  | a | b |\n  |---|--:|\n  | x | 1 |\n- next",
			"<ul>\n<li>\n<p>costs:</p>\n<table>\n<thead>\n<tr>\n<th>a</th>\n<th class=\"right\">b</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td>x</td>\n<td class=\"right\">1</td>\n</tr>\n</tbody>\n</table>\n</li>\n<li>\n<p>next</p>\n</li>\n</ul>\n"},
		{"a table in a quote ends with it", "> | a |\n> | - |\n> | 1 |\n| 2 |",
			"<blockquote>\n<table>\n<thead>\n<tr>\n<th>a</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td>1</td>\n</tr>\n</tbody>\n</table>\n</blockquote>\n<p>| 2 |</p>\n"},
		{"not a table: the counts differ", "a | b\n--|--|--\n", "<p>a | b\n--|--|--</p>\n"},
		{"strikethrough", "~~old~~ new, ~5 days, ~~~three~~~", "<p><del>old</del> new, ~5 days, ~~~three~~~</p>\n"},
		{"task list", "- [x] done\n- [ ] to do\n- [y] not a task\n",
			"<ul>\n<li class=\"task\"><input checked=\"\" disabled=\"\" type=\"checkbox\"> done</li>\n<li class=\"task\"><input disabled=\"\" type=\"checkbox\"> to do</li>\n<li>[y] not a task</li>\n</ul>\n"},
		{"loose task list", "- [x] done\n\n- [ ] next\n",
			"<ul>\n<li class=\"task\">\n<p><input checked=\"\" disabled=\"\" type=\"checkbox\"> done</p>\n</li>\n<li class=\"task\">\n<p><input disabled=\"\" type=\"checkbox\"> next</p>\n</li>\n</ul>\n"},
		{"named references", "&copy; &mdash; &auml; &unknown; &#x41;", "<p>© — ä &amp;unknown; A</p>\n"},
		{"a language", "```sql\nSELECT 1;\n```", "<pre><code class=\"language-sql\">SELECT 1;\n</code></pre>\n"},
	} {
		if got := render(c.src); got != c.want {
			t.Errorf("%s:\n%s\nwant:\n%s\ngot:\n%s", c.name, c.src, c.want, got)
		}
	}
}

func TestUnsafeDestinations(t *testing.T) {
	t.Parallel()
	got := render("[a](javascript:alert(1)) ![b](javascript:alert(2)) <javascript:alert(3)> [c][r] [ok](/x)\n\n[r]: javascript:alert(4)")
	want := `<p><a href="#">a</a> <img src="" alt="b"> <a href="#">javascript:alert(3)</a> <a href="#">c</a> <a href="/x">ok</a></p>` + "\n"
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if got := Render("[a](/x)", Options{}); got != `<p><a href="#">a</a></p>`+"\n" {
		t.Errorf("no SafeURL keeps none: %s", got)
	}
}

// allowedTag is every tag the renderer writes, with the attributes it may
// carry.
var allowedTag = regexp.MustCompile(`^</?(p|h[1-6]|hr|pre|code|blockquote|ul|ol|li|em|strong|del|br|table|thead|tbody|tr|th|td|a|img|input)` +
	`( (href|src|alt|title|class|start|checked|disabled|type)="[^"<>]*")*>$`)

// TestNothingOfTheWritersOwn renders hostile Markdown and checks that
// every tag in the output is one the renderer writes, with its own
// attributes, and no destination has a script scheme.
func TestNothingOfTheWritersOwn(t *testing.T) {
	t.Parallel()
	for _, src := range hostile {
		checkInert(t, src, render(src))
	}
}

var hostile = []string{
	"<script>alert(1)</script>",
	"<img src=x onerror=alert(1)>",
	"a <b onclick=\"alert(1)\">b</b> c",
	"<div\nonmouseover=alert(1)>x</div>",
	"[x](javascript:alert(1) \"t\\\" onmouseover=alert(1)\")",
	"![x\" onerror=\"alert(1)](/a.png)",
	"[x](</a b> 'it''s')",
	"<javascript:alert(1)>",
	"<a href=\"javascript:alert(1)\">x</a>",
	"`<script>`",
	"```\"><script>alert(1)</script>\n<script>\n```",
	"| <script> | b |\n|---|---|\n| <img src=x onerror=alert(1)> | `<b>` |",
	"- [x] <b onclick=alert(1)>done</b>",
	"<!-- <script>alert(1)</script> -->",
	"<?php echo 1; ?>",
	"<![CDATA[<script>]]>",
	"&lt;script&gt;alert(1)&lt;/script&gt;",
	"**<i>x</i>**",
	"[a](\"onmouseover=alert(1))",
	"<style>body{display:none}</style>",
	"\x00<scr\x00ipt>",
}

func checkInert(t *testing.T, src, out string) {
	t.Helper()
	for _, tag := range regexp.MustCompile(`<[^>]*>?`).FindAllString(out, -1) {
		if !allowedTag.MatchString(tag) {
			t.Errorf("%q rendered a tag of its own %q:\n%s", src, tag, out)
		}
	}
	if regexp.MustCompile(`(?i)(href|src)="[^"]*script:`).MatchString(out) {
		t.Errorf("%q rendered a script destination:\n%s", src, out)
	}
}

func FuzzRender(f *testing.F) {
	for _, s := range hostile {
		f.Add(s)
	}
	f.Add("# h\n\n- a\n  - b\n\n1. c\n> d\n\n    code\n\n***\n[l]: /u\n[l] *e* **s** ~~d~~ `c`")
	f.Fuzz(func(t *testing.T, src string) {
		checkInert(t, src, render(src))
	})
}
