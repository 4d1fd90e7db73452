package knowledge

import (
	"bytes"
	"net/url"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// md renders Markdown with GitHub's tables, strikethrough and task lists;
// raw HTML is left out (goldmark's renderer is not "unsafe"), and no
// attribute syntax is enabled, so a page can write no tag, no attribute
// and no event handler of its own.
var md = goldmark.New(goldmark.WithExtensions(extension.Table, extension.Strikethrough, extension.TaskList))

// safeSchemes are the URL schemes a link or an image may use; a relative
// link (no scheme) is kept too.
var safeSchemes = map[string]bool{"http": true, "https": true, "mailto": true}

// SafeURL reports whether a link's destination may be kept: a relative
// link, or http, https or mailto.
func SafeURL(dest string) bool {
	d := strings.TrimSpace(dest)
	// Browsers ignore control characters and spaces inside a scheme
	// ("java\tscript:"); strip them before reading it.
	d = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == ' ' {
			return -1
		}
		return r
	}, d)
	u, err := url.Parse(d)
	if err != nil {
		return false
	}
	if u.Scheme == "" {
		// "javascript&#58;…" decodes to a scheme later; refuse a colon
		// before the first slash in what is meant as a relative link.
		if i := strings.IndexByte(d, ':'); i >= 0 && (strings.IndexByte(d, '/') < 0 || i < strings.IndexByte(d, '/')) {
			return false
		}
		return true
	}
	return safeSchemes[strings.ToLower(u.Scheme)]
}

// Render turns a page's Markdown into HTML that is safe to put in a page:
// raw HTML is omitted, and a link or image whose destination is not
// SafeURL loses it (the link's text stays, as text).
func Render(src string) string {
	source := []byte(src)
	doc := md.Parser().Parse(text.NewReader(source), parser.WithContext(parser.NewContext()))
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch x := n.(type) {
		case *ast.Link:
			if !SafeURL(string(x.Destination)) {
				x.Destination = []byte("#")
			}
		case *ast.Image:
			if !SafeURL(string(x.Destination)) {
				x.Destination = []byte("")
			}
		case *ast.AutoLink:
			if !SafeURL(string(x.URL(source))) {
				// Replace the autolink by its text.
				t := ast.NewString(x.Label(source))
				n.Parent().ReplaceChild(n.Parent(), n, t)
			}
		}
		return ast.WalkContinue, nil
	})
	var buf bytes.Buffer
	if err := md.Renderer().Render(&buf, source, doc); err != nil {
		return ""
	}
	return buf.String()
}
