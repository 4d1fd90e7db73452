package knowledge

import (
	"net/url"
	"strings"

	"github.com/tandemhq/tandem/internal/markdown"
)

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

// Render turns a page's Markdown (CommonMark with GitHub's tables,
// strikethrough and task lists, package markdown) into HTML that is safe
// to put in a page: raw HTML is left out, so a page can write no tag,
// attribute or event handler of its own, and a link or image whose
// destination is not SafeURL loses it (the link's text stays).
func Render(src string) string {
	return markdown.Render(src, markdown.Options{SafeURL: SafeURL})
}
