// Package markdown renders the Markdown people write in knowledge pages as
// HTML that is safe to put in a page.
//
// It reads CommonMark's blocks (paragraphs, ATX and setext headings,
// thematic breaks, indented and fenced code, block quotes, bullet and
// ordered lists, tight and loose) and inlines (emphasis and strong
// emphasis by the delimiter-run rules, code spans, backslash escapes,
// entity and numeric character references, inline and reference links and
// images, autolinks, hard and soft line breaks), with GitHub's tables,
// strikethrough and task lists.
//
// What it leaves out, by design: raw HTML, in blocks and inline, is
// dropped (never escaped into view, never passed through), so a page can
// write no tag, attribute or event handler of its own; every attribute the
// renderer writes is its own, with escaped values; a link's or image's
// destination reaches the page only when Options.SafeURL accepts it.
// Simplifications, against the CommonMark specification: tabs are read as
// spaces to the next multiple of four everywhere in a line (code included);
// named character references are those of a short list (the HTML5 names
// people type: &amp; &copy; &nbsp; &mdash; …); an unknown name stays as
// typed. GitHub's bare-URL autolinks are not made.
//
// Tandem used goldmark until this package: its initialisation compiled
// regular expressions with repetitions up to 256 (for autolinks Tandem
// does not use) and built the HTML5 entity table, a third of the page
// faults of every command-line start (docs/speed.md, issue 16).
package markdown

import (
	"strconv"
	"strings"
)

// Options says what a rendering may keep.
type Options struct {
	// SafeURL reports whether a link's or image's destination may be
	// written into the page. A link that fails it points to "#", an image
	// gets an empty source. Nil keeps none.
	SafeURL func(dest string) bool
}

// Render turns Markdown into HTML.
func Render(src string, o Options) string {
	p := newParser()
	for _, line := range splitLines(src) {
		p.addLine(line)
	}
	for p.tip != nil {
		p.finalize(p.tip)
	}
	r := renderer{safe: o.SafeURL, refs: p.refs}
	r.blocks(p.doc.children, false)
	return r.b.String()
}

// splitLines splits the source into lines (LF, CRLF or CR), tabs read as
// spaces to the next stop of four and NUL replaced.
func splitLines(src string) []string {
	src = strings.ReplaceAll(src, "\r\n", "\n")
	src = strings.ReplaceAll(src, "\r", "\n")
	src = strings.ReplaceAll(src, "\x00", "\uFFFD")
	src = strings.TrimSuffix(src, "\n")
	if src == "" {
		return nil
	}
	lines := strings.Split(src, "\n")
	for i, l := range lines {
		if strings.IndexByte(l, '\t') >= 0 {
			lines[i] = expandTabs(l)
		}
	}
	return lines
}

func expandTabs(l string) string {
	var b strings.Builder
	col := 0
	for _, r := range l {
		if r == '\t' {
			n := 4 - col%4
			b.WriteString("    "[:n])
			col += n
			continue
		}
		b.WriteRune(r)
		col++
	}
	return b.String()
}

type kind uint8

const (
	kDocument kind = iota
	kQuote
	kList
	kItem
	kParagraph
	kHeading
	kCode
	kRule
	kHTML
	kTable
	kRefs // a paragraph of link reference definitions only: renders nothing
)

type align uint8

const (
	alignNone align = iota
	alignLeft
	alignCenter
	alignRight
)

// A block is a node of the document's block structure.
type block struct {
	kind       kind
	parent     *block
	children   []*block
	open       bool
	start, end int // first and last line with content

	lines []string // paragraph, heading, code: the text; table: the rows

	// list and item
	ordered  bool
	marker   byte // '-', '+', '*', '.' or ')'
	startNum int
	tight    bool
	indent   int  // item: the column its content starts at
	task     int8 // item: 0 none, 1 open, 2 done

	level int // heading

	fenced      bool // code
	fenceChar   byte
	fenceLen    int
	fenceIndent int
	info        string

	htmlEnd int // html: the condition that ends it (1–7)

	aligns []align // table
}

func (b *block) last() *block {
	if len(b.children) == 0 {
		return nil
	}
	return b.children[len(b.children)-1]
}

func (b *block) canContain(k kind) bool {
	switch b.kind {
	case kDocument, kQuote, kItem:
		return k != kItem
	case kList:
		return k == kItem
	}
	return false
}

func (b *block) acceptsLines() bool {
	return b.kind == kParagraph || b.kind == kCode || b.kind == kHTML || b.kind == kTable
}

type parser struct {
	doc, tip    *block
	oldtip      *block
	lastMatched *block
	allClosed   bool
	refs        map[string]ref

	line         string
	lineNo       int
	offset       int
	nextNonspace int
	indent       int
	blank        bool
	fenceOpened  bool // this line opened a fenced code block
}

type ref struct{ dest, title string }

func newParser() *parser {
	doc := &block{kind: kDocument, open: true}
	return &parser{doc: doc, tip: doc, refs: map[string]ref{}}
}

func (p *parser) findNext() {
	i := p.offset
	for i < len(p.line) && p.line[i] == ' ' {
		i++
	}
	p.nextNonspace = i
	p.indent = i - p.offset
	p.blank = i == len(p.line)
}

func (p *parser) peek(i int) byte {
	if i < len(p.line) {
		return p.line[i]
	}
	return 0
}

// touch marks line lineNo as content of b and of every block holding it.
func (p *parser) touch(b *block) {
	for ; b != nil; b = b.parent {
		b.end = p.lineNo
	}
}

func (p *parser) addChild(k kind) *block {
	for !p.tip.canContain(k) {
		p.finalize(p.tip)
	}
	b := &block{kind: k, parent: p.tip, open: true, start: p.lineNo}
	p.tip.children = append(p.tip.children, b)
	p.tip = b
	p.touch(b)
	return b
}

func (p *parser) closeUnmatched() {
	if p.allClosed {
		return
	}
	for p.oldtip != p.lastMatched {
		parent := p.oldtip.parent
		p.finalize(p.oldtip)
		p.oldtip = parent
	}
	p.allClosed = true
}

// continuation results
const (
	matched = iota
	notMatched
	consumed
)

func (p *parser) continues(b *block) int {
	switch b.kind {
	case kList:
		return matched
	case kQuote:
		if !p.blank && p.indent <= 3 && p.line[p.nextNonspace] == '>' {
			p.offset = p.nextNonspace + 1
			if p.peek(p.offset) == ' ' {
				p.offset++
			}
			p.touch(b) // a line of the quote, even when nothing follows its ">"
			return matched
		}
		return notMatched
	case kItem:
		if p.blank {
			if len(b.children) == 0 {
				return notMatched // an item may begin with one blank line, no more
			}
			p.offset = p.nextNonspace
			return matched
		}
		if p.indent >= b.indent {
			p.offset += b.indent
			return matched
		}
		return notMatched
	case kCode:
		if b.fenced {
			if p.indent <= 3 && p.peek(p.nextNonspace) == b.fenceChar {
				n := run(p.line, p.nextNonspace, b.fenceChar)
				if n >= b.fenceLen && strings.TrimRight(p.line[p.nextNonspace+n:], " ") == "" {
					p.touch(b)
					p.finalize(b)
					return consumed
				}
			}
			for i := b.fenceIndent; i > 0 && p.peek(p.offset) == ' '; i-- {
				p.offset++
			}
			return matched
		}
		if p.indent >= 4 {
			p.offset += 4
			return matched
		}
		if p.blank {
			p.offset = p.nextNonspace
			return matched
		}
		return notMatched
	case kHTML:
		if p.blank && (b.htmlEnd == 6 || b.htmlEnd == 7) {
			return notMatched
		}
		return matched
	case kParagraph, kTable:
		if p.blank {
			return notMatched
		}
		return matched
	}
	return notMatched
}

func run(s string, i int, c byte) int {
	n := 0
	for i+n < len(s) && s[i+n] == c {
		n++
	}
	return n
}

func (p *parser) addLine(line string) {
	p.line, p.offset = line, 0
	p.lineNo++
	p.oldtip = p.tip
	container := p.doc
continuing:
	for {
		last := container.last()
		if last == nil || !last.open {
			break
		}
		p.findNext()
		switch p.continues(last) {
		case consumed:
			return
		case notMatched:
			break continuing
		}
		container = last
	}
	p.allClosed = container == p.oldtip
	p.lastMatched = container

	// New blocks, containers first, until a leaf or plain text.
	for container.kind != kCode && container.kind != kHTML {
		p.findNext()
		if p.indent >= 4 {
			if p.tip.kind != kParagraph && !p.blank {
				p.offset += 4
				p.closeUnmatched()
				container = p.addChild(kCode)
			}
			break
		}
		if p.blank {
			break
		}
		nn := p.nextNonspace
		rest := p.line[nn:]
		c := rest[0]
		if c == '>' {
			p.offset = nn + 1
			if p.peek(p.offset) == ' ' {
				p.offset++
			}
			p.closeUnmatched()
			container = p.addChild(kQuote)
			continue
		}
		if level, text, ok := atxHeading(rest); ok {
			p.closeUnmatched()
			h := p.addChild(kHeading)
			h.level, h.lines = level, []string{text}
			p.offset = len(p.line)
			container = h
			break
		}
		if c == '`' || c == '~' {
			if n := run(rest, 0, c); n >= 3 && (c == '~' || !strings.Contains(rest[n:], "`")) {
				p.closeUnmatched()
				b := p.addChild(kCode)
				b.fenced, b.fenceChar, b.fenceLen, b.fenceIndent = true, c, n, p.indent
				b.info = unescapeString(strings.TrimSpace(rest[n:]))
				p.offset = len(p.line)
				p.fenceOpened = true
				container = b
				break
			}
		}
		if c == '<' {
			// The seventh kind interrupts no paragraph, a lazy one included.
			inParagraph := container.kind == kParagraph || (!p.allClosed && p.tip.kind == kParagraph)
			if end := htmlBlockStart(rest, inParagraph); end > 0 {
				p.closeUnmatched()
				b := p.addChild(kHTML)
				b.htmlEnd = end
				container = b
				break
			}
		}
		if container.kind == kParagraph && (c == '=' || c == '-') && setextLine(rest, c) {
			p.extractRefs(container)
			if len(container.lines) > 0 {
				container.kind = kHeading
				container.level = 1
				if c == '-' {
					container.level = 2
				}
				container.lines = []string{strings.Join(container.lines, "\n")}
				p.touch(container)
				p.finalize(container)
				p.offset = len(p.line)
				return
			}
		}
		if container.kind == kParagraph && len(container.lines) > 0 {
			if aligns, ok := delimiterRow(rest); ok {
				header := container.lines[len(container.lines)-1]
				if cells := splitRow(header); len(cells) == len(aligns) && (len(aligns) > 1 || strings.Contains(rest, "|") || strings.Contains(header, "|")) {
					container.lines = container.lines[:len(container.lines)-1]
					headStart := p.lineNo - 1
					if len(container.lines) == 0 {
						container.kind = kTable
						container.start = headStart
					} else {
						p.finalize(container)
						container = p.addChild(kTable)
						container.start = headStart
					}
					container.aligns = aligns
					container.lines = []string{header}
					p.touch(container)
					p.offset = len(p.line)
					return
				}
			}
		}
		if thematicBreak(rest) {
			p.closeUnmatched()
			p.addChild(kRule)
			p.finalize(p.tip)
			p.offset = len(p.line)
			return
		}
		if item, ok := p.listItem(container); ok {
			p.closeUnmatched()
			if p.tip.kind != kList || !compatible(p.tip, item) {
				l := p.addChild(kList)
				l.ordered, l.marker, l.startNum = item.ordered, item.marker, item.startNum
			}
			b := p.addChild(kItem)
			b.ordered, b.marker, b.indent = item.ordered, item.marker, item.indent
			container = b
			continue
		}
		break
	}

	// The rest of the line: lazy paragraph text, or text of the container.
	p.findNext()
	if !p.allClosed && !p.blank && p.tip.kind == kParagraph {
		p.tip.lines = append(p.tip.lines, p.line[p.nextNonspace:])
		p.touch(p.tip)
		return
	}
	p.closeUnmatched()
	switch {
	case container.acceptsLines():
		switch container.kind {
		case kParagraph, kTable:
			container.lines = append(container.lines, p.line[p.nextNonspace:])
		case kCode:
			if p.fenceOpened {
				p.fenceOpened = false
				break
			}
			container.lines = append(container.lines, p.line[p.offset:])
		case kHTML:
			container.lines = append(container.lines, p.line[p.offset:])
			if htmlBlockEnds(container.htmlEnd, p.line[p.offset:]) {
				p.touch(container)
				p.finalize(container)
				return
			}
		}
		if !p.blank || (container.kind == kCode && container.fenced) {
			p.touch(container)
		}
	case !p.blank && container.kind != kHeading:
		b := p.addChild(kParagraph)
		b.lines = append(b.lines, p.line[p.nextNonspace:])
	}
}

func (p *parser) finalize(b *block) {
	b.open = false
	switch b.kind {
	case kParagraph:
		p.extractRefs(b)
		if len(b.lines) == 0 {
			b.kind = kRefs // kept: its lines still make a list loose
		}
	case kCode:
		if !b.fenced {
			for len(b.lines) > 0 && strings.TrimSpace(b.lines[len(b.lines)-1]) == "" {
				b.lines = b.lines[:len(b.lines)-1]
			}
		}
	case kList:
		b.tight = true
		for i, item := range b.children {
			if i+1 < len(b.children) && b.children[i+1].start > item.end+1 {
				b.tight = false
			}
			for j, sub := range item.children {
				if j+1 < len(item.children) && item.children[j+1].start > sub.end+1 {
					b.tight = false
				}
			}
		}
	case kItem:
		if len(b.children) > 0 && b.children[0].kind == kParagraph && len(b.children[0].lines) > 0 {
			first := b.children[0]
			l := first.lines[0]
			if len(l) >= 3 && l[0] == '[' && l[2] == ']' && (len(l) == 3 || l[3] == ' ') {
				switch l[1] {
				case ' ':
					b.task = 1
				case 'x', 'X':
					b.task = 2
				}
				if b.task != 0 {
					first.lines[0] = strings.TrimLeft(l[3:], " ")
				}
			}
		}
	}
	if p.tip == b {
		p.tip = b.parent
	}
}

// extractRefs takes the link reference definitions off the start of a
// paragraph.
func (p *parser) extractRefs(b *block) {
	if len(b.lines) == 0 || !strings.HasPrefix(b.lines[0], "[") {
		return
	}
	text := strings.Join(b.lines, "\n")
	for {
		n, label, r, ok := parseRefDef(text)
		if !ok {
			break
		}
		if _, seen := p.refs[label]; !seen {
			p.refs[label] = r
		}
		text = text[n:]
	}
	if text == "" {
		b.lines = nil
	} else {
		b.lines = strings.Split(text, "\n")
	}
}

// parseRefDef reads "[label]: destination "title"" at the start of s and
// answers how many bytes it took (its line ending included).
func parseRefDef(s string) (int, string, ref, bool) {
	il := inlineParser{s: s}
	n := il.linkLabel()
	if n <= 2 || il.pos+n >= len(s) || s[n] != ':' {
		return 0, "", ref{}, false
	}
	label := normalizeLabel(s[1 : n-1])
	if label == "" {
		return 0, "", ref{}, false
	}
	il.pos = n + 1
	il.spaceWithOneNewline()
	dest, ok := il.linkDest()
	if !ok {
		return 0, "", ref{}, false
	}
	afterDest := il.pos
	// A title, on the same line or the next, must end its line.
	il.spaceWithOneNewline()
	if il.pos > afterDest {
		if title, ok := il.linkTitle(); ok {
			if end, ok := lineEnd(s, il.pos); ok {
				return end, label, ref{dest, title}, true
			}
		}
	}
	end, ok := lineEnd(s, afterDest)
	if !ok {
		return 0, "", ref{}, false
	}
	return end, label, ref{dest: dest}, true
}

// lineEnd answers where the line ends after i when only spaces follow.
func lineEnd(s string, i int) (int, bool) {
	for i < len(s) && s[i] == ' ' {
		i++
	}
	if i == len(s) {
		return i, true
	}
	if s[i] == '\n' {
		return i + 1, true
	}
	return 0, false
}

func normalizeLabel(s string) string {
	// Unicode case folding, as far as labels need it: ß and ẞ fold to ss.
	return strings.ReplaceAll(strings.ToLower(strings.ToUpper(strings.Join(strings.Fields(s), " "))), "ß", "ss")
}

func atxHeading(s string) (int, string, bool) {
	n := run(s, 0, '#')
	if n == 0 || n > 6 || (n < len(s) && s[n] != ' ') {
		return 0, "", false
	}
	text := strings.TrimSpace(s[n:])
	// An optional closing sequence of #s, after a space (or alone).
	if i := strings.LastIndexFunc(text, func(r rune) bool { return r != '#' }); i < 0 {
		text = ""
	} else if i < len(text)-1 && text[i] == ' ' {
		text = strings.TrimRight(text[:i], " ")
	}
	return n, text, true
}

func setextLine(s string, c byte) bool {
	n := run(s, 0, c)
	return strings.TrimRight(s[n:], " ") == ""
}

func thematicBreak(s string) bool {
	c := s[0]
	if c != '*' && c != '-' && c != '_' {
		return false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case c:
			n++
		case ' ':
		default:
			return false
		}
	}
	return n >= 3
}

// listItem reads a list marker at the line's next non-space.
func (p *parser) listItem(container *block) (block, bool) {
	nn := p.nextNonspace
	rest := p.line[nn:]
	var b block
	width := 0
	switch c := rest[0]; {
	case c == '-' || c == '+' || c == '*':
		b.marker, width = c, 1
	case c >= '0' && c <= '9':
		n := 0
		for n < len(rest) && n < 10 && rest[n] >= '0' && rest[n] <= '9' {
			n++
		}
		if n > 9 || n == len(rest) || (rest[n] != '.' && rest[n] != ')') {
			return b, false
		}
		num, _ := strconv.Atoi(rest[:n])
		if container.kind == kParagraph && num != 1 {
			return b, false
		}
		b.ordered, b.marker, b.startNum, width = true, rest[n], num, n+1
	default:
		return b, false
	}
	if width < len(rest) && rest[width] != ' ' {
		return b, false
	}
	after := rest[width:]
	spaces := len(after) - len(strings.TrimLeft(after, " "))
	blankAfter := spaces == len(after)
	if container.kind == kParagraph && blankAfter {
		return b, false
	}
	p.offset = nn + width
	if blankAfter || spaces >= 5 {
		b.indent = p.indent + width + 1
		if !blankAfter {
			p.offset++
		}
	} else {
		b.indent = p.indent + width + spaces
		p.offset += spaces
	}
	if blankAfter {
		p.offset = len(p.line)
	}
	return b, true
}

func compatible(list *block, item block) bool {
	return list.ordered == item.ordered && list.marker == item.marker
}

// delimiterRow reads a table's delimiter row ("| :-- | --: |").
func delimiterRow(s string) ([]align, bool) {
	if !strings.Contains(s, "-") {
		return nil, false
	}
	cells := splitRow(s)
	if len(cells) == 0 {
		return nil, false
	}
	aligns := make([]align, len(cells))
	for i, c := range cells {
		left, right := strings.HasPrefix(c, ":"), strings.HasSuffix(c, ":")
		mid := strings.TrimSuffix(strings.TrimPrefix(c, ":"), ":")
		if mid == "" || strings.Trim(mid, "-") != "" {
			return nil, false
		}
		switch {
		case left && right:
			aligns[i] = alignCenter
		case left:
			aligns[i] = alignLeft
		case right:
			aligns[i] = alignRight
		}
	}
	return aligns, true
}

// splitRow splits a table row at its unescaped pipes; a leading and a
// trailing pipe are optional, "\|" is a pipe in a cell.
func splitRow(s string) []string {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(s, "|")
	if strings.HasSuffix(s, "|") && !strings.HasSuffix(s, `\|`) {
		s = s[:len(s)-1]
	}
	var cells []string
	var cell strings.Builder
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '\\' && i+1 < len(s) && s[i+1] == '|':
			cell.WriteByte('|')
			i++
		case s[i] == '|':
			cells = append(cells, strings.TrimSpace(cell.String()))
			cell.Reset()
		default:
			cell.WriteByte(s[i])
		}
	}
	return append(cells, strings.TrimSpace(cell.String()))
}

// htmlBlockNames are the tags of CommonMark's sixth kind of HTML block,
// each between spaces.
const htmlBlockNames = ` address article aside base basefont blockquote body caption center col
 colgroup dd details dialog dir div dl dt fieldset figcaption figure footer form frame frameset
 h1 h2 h3 h4 h5 h6 head header hr html iframe legend li link main menu menuitem nav noframes ol
 optgroup option p param search section summary table tbody td tfoot th thead title tr track ul `

// htmlBlockStart answers which of CommonMark's seven kinds of HTML block
// s starts (0 for none); the seventh cannot interrupt a paragraph.
func htmlBlockStart(s string, inParagraph bool) int {
	lower := strings.ToLower(s)
	for _, t := range []string{"<script", "<pre", "<style", "<textarea"} {
		if strings.HasPrefix(lower, t) {
			if r := lower[len(t):]; r == "" || r[0] == ' ' || r[0] == '>' {
				return 1
			}
		}
	}
	switch {
	case strings.HasPrefix(s, "<!--"):
		return 2
	case strings.HasPrefix(s, "<?"):
		return 3
	case strings.HasPrefix(s, "<![CDATA["):
		return 5
	case len(s) > 2 && s[1] == '!' && isASCIILetter(s[2]):
		return 4
	}
	name := strings.TrimPrefix(lower[1:], "/")
	n := 0
	for n < len(name) && (isASCIILetter(name[n]) || (n > 0 && (name[n] >= '0' && name[n] <= '9' || name[n] == '-'))) {
		n++
	}
	if n > 0 && strings.Contains(htmlBlockNames, " "+name[:n]+" ") {
		if r := name[n:]; r == "" || r[0] == ' ' || r[0] == '>' || strings.HasPrefix(r, "/>") {
			return 6
		}
	}
	if !inParagraph {
		il := inlineParser{s: s}
		if m := il.rawHTML(); m > 0 && strings.TrimSpace(s[m:]) == "" && (s[1] == '/' || isASCIILetter(s[1])) {
			return 7
		}
	}
	return 0
}

func htmlBlockEnds(kind int, line string) bool {
	lower := strings.ToLower(line)
	switch kind {
	case 1:
		return strings.Contains(lower, "</script>") || strings.Contains(lower, "</pre>") || strings.Contains(lower, "</style>") || strings.Contains(lower, "</textarea>")
	case 2:
		return strings.Contains(line, "-->")
	case 3:
		return strings.Contains(line, "?>")
	case 4:
		return strings.Contains(line, ">")
	case 5:
		return strings.Contains(line, "]]>")
	}
	return false
}

func isASCIILetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
