package markdown

import (
	"strconv"
	"strings"
)

type renderer struct {
	b    strings.Builder
	safe func(string) bool
	refs map[string]ref
}

func (r *renderer) blocks(bs []*block, tight bool) {
	for _, b := range bs {
		r.block(b, tight)
	}
}

func (r *renderer) block(b *block, tight bool) {
	w := &r.b
	switch b.kind {
	case kParagraph:
		if tight {
			r.inlines(parseInlines(strings.Join(b.lines, "\n"), r.refs))
			return
		}
		w.WriteString("<p>")
		r.inlines(parseInlines(strings.Join(b.lines, "\n"), r.refs))
		w.WriteString("</p>\n")
	case kHeading:
		tag := "h" + strconv.Itoa(b.level)
		w.WriteString("<" + tag + ">")
		r.inlines(parseInlines(strings.Join(b.lines, "\n"), r.refs))
		w.WriteString("</" + tag + ">\n")
	case kRule:
		w.WriteString("<hr>\n")
	case kCode:
		w.WriteString("<pre><code")
		if lang, _, _ := strings.Cut(b.info, " "); lang != "" {
			w.WriteString(` class="language-`)
			escape(w, lang)
			w.WriteString(`"`)
		}
		w.WriteString(">")
		for _, l := range b.lines {
			escape(w, l)
			w.WriteString("\n")
		}
		w.WriteString("</code></pre>\n")
	case kQuote:
		w.WriteString("<blockquote>\n")
		r.blocks(b.children, false)
		w.WriteString("</blockquote>\n")
	case kList:
		tag := "ul"
		if b.ordered {
			tag = "ol"
		}
		w.WriteString("<" + tag)
		if b.ordered && b.startNum != 1 {
			w.WriteString(` start="` + strconv.Itoa(b.startNum) + `"`)
		}
		w.WriteString(">\n")
		for _, item := range b.children {
			r.item(item, b.tight)
		}
		w.WriteString("</" + tag + ">\n")
	case kTable:
		r.table(b)
	case kHTML, kRefs:
		// Raw HTML is left out; definitions show nothing.
	}
}

func (r *renderer) item(b *block, tight bool) {
	w := &r.b
	box := ""
	switch b.task {
	case 1:
		box = `<input disabled="" type="checkbox"> `
	case 2:
		box = `<input checked="" disabled="" type="checkbox"> `
	}
	if box != "" {
		w.WriteString(`<li class="task">`)
	} else {
		w.WriteString("<li>")
	}
	for i, c := range b.children {
		if c.kind == kRefs {
			continue
		}
		inline := tight && c.kind == kParagraph
		if !inline && (i == 0 || (tight && b.children[i-1].kind == kParagraph)) {
			w.WriteString("\n")
		}
		if i == 0 && box != "" {
			// The box goes in the item's first paragraph.
			if !inline {
				w.WriteString("<p>")
			}
			w.WriteString(box)
			r.inlines(parseInlines(strings.Join(c.lines, "\n"), r.refs))
			if !inline {
				w.WriteString("</p>\n")
			}
			continue
		}
		r.block(c, tight)
	}
	w.WriteString("</li>\n")
}

func (r *renderer) table(b *block) {
	w := &r.b
	cell := func(tag, text string, i int) {
		w.WriteString("<" + tag)
		if i < len(b.aligns) {
			switch b.aligns[i] {
			case alignLeft:
				w.WriteString(` class="left"`)
			case alignCenter:
				w.WriteString(` class="center"`)
			case alignRight:
				w.WriteString(` class="right"`)
			}
		}
		w.WriteString(">")
		r.inlines(parseInlines(text, r.refs))
		w.WriteString("</" + tag + ">\n")
	}
	w.WriteString("<table>\n<thead>\n<tr>\n")
	for i, c := range splitRow(b.lines[0]) {
		cell("th", c, i)
	}
	w.WriteString("</tr>\n</thead>\n")
	if len(b.lines) > 1 {
		w.WriteString("<tbody>\n")
		for _, row := range b.lines[1:] {
			cells := splitRow(row)
			w.WriteString("<tr>\n")
			for i := range b.aligns {
				c := ""
				if i < len(cells) {
					c = cells[i]
				}
				cell("td", c, i)
			}
			w.WriteString("</tr>\n")
		}
		w.WriteString("</tbody>\n")
	}
	w.WriteString("</table>\n")
}

func (r *renderer) inlines(n *inode) {
	w := &r.b
	for c := n.first; c != nil; c = c.next {
		switch c.kind {
		case iText:
			escape(w, c.text)
		case iCode:
			w.WriteString("<code>")
			escape(w, c.text)
			w.WriteString("</code>")
		case iEmph:
			w.WriteString("<em>")
			r.inlines(c)
			w.WriteString("</em>")
		case iStrong:
			w.WriteString("<strong>")
			r.inlines(c)
			w.WriteString("</strong>")
		case iDel:
			w.WriteString("<del>")
			r.inlines(c)
			w.WriteString("</del>")
		case iSoftBreak:
			w.WriteString("\n")
		case iHardBreak:
			w.WriteString("<br>\n")
		case iLink:
			w.WriteString(`<a href="`)
			escape(w, encodeURL(r.destination(c.dest, "#")))
			w.WriteString(`"`)
			r.title(c.title)
			w.WriteString(">")
			r.inlines(c)
			w.WriteString("</a>")
		case iImage:
			w.WriteString(`<img src="`)
			escape(w, encodeURL(r.destination(c.dest, "")))
			w.WriteString(`" alt="`)
			var alt strings.Builder
			plainText(&alt, c)
			escape(w, alt.String())
			w.WriteString(`"`)
			r.title(c.title)
			w.WriteString(">")
		}
	}
}

// destination is d when SafeURL accepts it, otherwise instead.
func (r *renderer) destination(d, instead string) string {
	if r.safe != nil && r.safe(d) {
		return d
	}
	return instead
}

func (r *renderer) title(t string) {
	if t != "" {
		r.b.WriteString(` title="`)
		escape(&r.b, t)
		r.b.WriteString(`"`)
	}
}

// plainText writes the text of n's inlines, for an image's alt.
func plainText(w *strings.Builder, n *inode) {
	for c := n.first; c != nil; c = c.next {
		switch c.kind {
		case iText, iCode:
			w.WriteString(c.text)
		case iSoftBreak, iHardBreak:
			w.WriteString(" ")
		default:
			plainText(w, c)
		}
	}
}

// escape writes s with &, <, > and " escaped.
func escape(w *strings.Builder, s string) {
	last := 0
	for i := 0; i < len(s); i++ {
		var rep string
		switch s[i] {
		case '&':
			rep = "&amp;"
		case '<':
			rep = "&lt;"
		case '>':
			rep = "&gt;"
		case '"':
			rep = "&quot;"
		default:
			continue
		}
		w.WriteString(s[last:i])
		w.WriteString(rep)
		last = i + 1
	}
	w.WriteString(s[last:])
}

// encodeURL percent-encodes what may not stand in a URL as typed (spaces,
// quotes, non-ASCII), keeping reserved characters and existing escapes.
func encodeURL(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			b.WriteByte(c)
		case isASCIILetter(c) || c >= '0' && c <= '9' || strings.IndexByte(";/?:@&=+$,-_.!~*'()#", c) >= 0:
			b.WriteByte(c)
		default:
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		}
	}
	return b.String()
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}
