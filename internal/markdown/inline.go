package markdown

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

type ikind uint8

const (
	iText ikind = iota
	iCode
	iEmph
	iStrong
	iDel
	iLink
	iImage
	iSoftBreak
	iHardBreak
)

// An inode is an inline node; a container's children are a linked list.
type inode struct {
	kind                    ikind
	text                    string // text, code
	dest, title             string // link, image
	parent                  *inode
	first, last, prev, next *inode
}

func (n *inode) append(c *inode) {
	c.parent, c.prev, c.next = n, n.last, nil
	if n.last != nil {
		n.last.next = c
	} else {
		n.first = c
	}
	n.last = c
}

func (n *inode) insertAfter(c *inode) {
	c.parent, c.prev, c.next = n.parent, n, n.next
	if n.next != nil {
		n.next.prev = c
	} else if n.parent != nil {
		n.parent.last = c
	}
	n.next = c
}

func (n *inode) unlink() {
	if n.prev != nil {
		n.prev.next = n.next
	} else if n.parent != nil {
		n.parent.first = n.next
	}
	if n.next != nil {
		n.next.prev = n.prev
	} else if n.parent != nil {
		n.parent.last = n.prev
	}
	n.parent, n.prev, n.next = nil, nil, nil
}

// A delim is a run of *, _ or ~ that may open or close emphasis.
type delim struct {
	node              *inode
	char              byte
	count, orig       int
	canOpen, canClose bool
	prev, next        *delim
}

// A bracket is a "[" or "![" that may start a link or an image.
type bracket struct {
	node      *inode
	prev      *bracket
	prevDelim *delim
	pos       int // just after the bracket
	image     bool
	active    bool
}

type inlineParser struct {
	s        string
	pos      int
	refs     map[string]ref
	root     *inode
	delims   *delim
	brackets *bracket
}

// parseInlines parses a paragraph's or heading's text.
func parseInlines(s string, refs map[string]ref) *inode {
	p := inlineParser{s: strings.TrimRight(s, " "), refs: refs, root: &inode{}}
	for p.pos < len(p.s) {
		p.step()
	}
	p.processEmphasis(nil)
	return p.root
}

func (p *inlineParser) text(s string) *inode {
	n := &inode{kind: iText, text: s}
	p.root.append(n)
	return n
}

func isSpecial(c byte) bool {
	switch c {
	case '\n', '\\', '`', '*', '_', '~', '[', '!', ']', '<', '&':
		return true
	}
	return false
}

func (p *inlineParser) step() {
	s := p.s
	switch c := s[p.pos]; c {
	case '\n':
		p.pos++
		hard := false
		if l := p.root.last; l != nil && l.kind == iText {
			trimmed := strings.TrimRight(l.text, " ")
			hard = len(l.text)-len(trimmed) >= 2
			l.text = trimmed
		}
		if hard {
			p.root.append(&inode{kind: iHardBreak})
		} else {
			p.root.append(&inode{kind: iSoftBreak})
		}
		for p.pos < len(s) && s[p.pos] == ' ' {
			p.pos++
		}
	case '\\':
		p.pos++
		switch {
		case p.pos < len(s) && s[p.pos] == '\n':
			p.pos++
			p.root.append(&inode{kind: iHardBreak})
			for p.pos < len(s) && s[p.pos] == ' ' {
				p.pos++
			}
		case p.pos < len(s) && isASCIIPunct(s[p.pos]):
			p.text(s[p.pos : p.pos+1])
			p.pos++
		default:
			p.text("\\")
		}
	case '`':
		p.codeSpan()
	case '*', '_', '~':
		p.delimRun(c)
	case '[':
		p.pos++
		n := p.text("[")
		p.brackets = &bracket{node: n, prev: p.brackets, prevDelim: p.delims, pos: p.pos, active: true}
	case '!':
		if p.pos+1 < len(s) && s[p.pos+1] == '[' {
			p.pos += 2
			n := p.text("![")
			p.brackets = &bracket{node: n, prev: p.brackets, prevDelim: p.delims, pos: p.pos, image: true, active: true}
		} else {
			p.pos++
			p.text("!")
		}
	case ']':
		p.closeBracket()
	case '<':
		if !p.autolink() {
			if n := p.rawHTML(); n > 0 {
				p.pos += n // raw HTML is left out
			} else {
				p.pos++
				p.text("<")
			}
		}
	case '&':
		if r, n := entity(s[p.pos:]); n > 0 {
			p.text(r)
			p.pos += n
		} else {
			p.pos++
			p.text("&")
		}
	default:
		end := p.pos + 1
		for end < len(s) && !isSpecial(s[end]) {
			end++
		}
		p.text(s[p.pos:end])
		p.pos = end
	}
}

func (p *inlineParser) codeSpan() {
	s := p.s
	n := run(s, p.pos, '`')
	start := p.pos + n
	for i := start; i < len(s); {
		j := strings.IndexByte(s[i:], '`')
		if j < 0 {
			break
		}
		i += j
		m := run(s, i, '`')
		if m == n {
			code := strings.ReplaceAll(s[start:i], "\n", " ")
			if len(code) >= 2 && code[0] == ' ' && code[len(code)-1] == ' ' && strings.Trim(code, " ") != "" {
				code = code[1 : len(code)-1]
			}
			p.root.append(&inode{kind: iCode, text: code})
			p.pos = i + m
			return
		}
		i += m
	}
	p.text(s[p.pos:start])
	p.pos = start
}

func (p *inlineParser) delimRun(c byte) {
	s := p.s
	start := p.pos
	n := run(s, start, c)
	p.pos += n
	before, after := ' ', ' '
	if start > 0 {
		before, _ = utf8.DecodeLastRuneInString(s[:start])
	}
	if p.pos < len(s) {
		after, _ = utf8.DecodeRuneInString(s[p.pos:])
	}
	spaceBefore, spaceAfter := unicode.IsSpace(before), unicode.IsSpace(after)
	punctBefore, punctAfter := isPunct(before), isPunct(after)
	left := !spaceAfter && (!punctAfter || spaceBefore || punctBefore)
	right := !spaceBefore && (!punctBefore || spaceAfter || punctAfter)
	canOpen, canClose := left, right
	if c == '_' {
		canOpen = left && (!right || punctBefore)
		canClose = right && (!left || punctAfter)
	}
	node := p.text(s[start:p.pos])
	if c == '~' && n != 2 {
		return // strikethrough takes two tildes ("~5 days" stays as typed)
	}
	if canOpen || canClose {
		d := &delim{node: node, char: c, count: n, orig: n, canOpen: canOpen, canClose: canClose, prev: p.delims}
		if p.delims != nil {
			p.delims.next = d
		}
		p.delims = d
	}
}

func (p *inlineParser) removeDelim(d *delim) {
	if d.prev != nil {
		d.prev.next = d.next
	}
	if d.next != nil {
		d.next.prev = d.prev
	} else {
		p.delims = d.prev
	}
}

type openerKey struct {
	char    byte
	canOpen bool
	mod     int
}

// processEmphasis matches the delimiter runs above bottom, CommonMark's
// "process emphasis" procedure; ~ pairs with a run of its own length.
func (p *inlineParser) processEmphasis(bottom *delim) {
	var closer *delim
	for d := p.delims; d != nil && d != bottom; d = d.prev {
		closer = d
	}
	openersBottom := map[openerKey]*delim{}
	for closer != nil {
		if !closer.canClose {
			closer = closer.next
			continue
		}
		key := openerKey{closer.char, closer.canOpen, closer.orig % 3}
		limit, limited := openersBottom[key]
		opener := closer.prev
		found := false
		for opener != nil && opener != bottom && (!limited || opener != limit) {
			if opener.char == closer.char && opener.canOpen {
				if closer.char == '~' {
					found = opener.count == closer.count
				} else {
					found = !((opener.canClose || closer.canOpen) && (opener.orig+closer.orig)%3 == 0 && !(opener.orig%3 == 0 && closer.orig%3 == 0))
				}
				if found {
					break
				}
			}
			opener = opener.prev
		}
		if !found {
			openersBottom[key] = closer.prev
			next := closer.next
			if !closer.canOpen {
				p.removeDelim(closer)
			}
			closer = next
			continue
		}
		use, kind := 1, iEmph
		switch {
		case closer.char == '~':
			use, kind = closer.count, iDel
		case closer.count >= 2 && opener.count >= 2:
			use, kind = 2, iStrong
		}
		opener.count -= use
		closer.count -= use
		opener.node.text = opener.node.text[:len(opener.node.text)-use]
		closer.node.text = closer.node.text[:len(closer.node.text)-use]
		e := &inode{kind: kind}
		for n := opener.node.next; n != nil && n != closer.node; {
			next := n.next
			n.unlink()
			e.append(n)
			n = next
		}
		opener.node.insertAfter(e)
		opener.next, closer.prev = closer, opener // the delimiters between are gone
		if opener.count == 0 {
			opener.node.unlink()
			p.removeDelim(opener)
		}
		if closer.count == 0 {
			next := closer.next
			closer.node.unlink()
			p.removeDelim(closer)
			closer = next
		}
	}
	for p.delims != bottom && p.delims != nil {
		p.removeDelim(p.delims)
	}
}

func (p *inlineParser) closeBracket() {
	p.pos++
	op := p.brackets
	if op == nil {
		p.text("]")
		return
	}
	if !op.active {
		p.brackets = op.prev
		p.text("]")
		return
	}
	after := p.pos
	var dest, title string
	ok := false
	if p.pos < len(p.s) && p.s[p.pos] == '(' {
		p.pos++
		p.spaceWithOneNewline()
		if p.pos < len(p.s) && p.s[p.pos] == ')' {
			p.pos++
			ok = true
		} else if d, good := p.linkDest(); good {
			dest = d
			beforeTitle := p.pos
			p.spaceWithOneNewline()
			if p.pos > beforeTitle {
				if t, good := p.linkTitle(); good {
					title = t
				} else {
					p.pos = beforeTitle
				}
			}
			p.spaceWithOneNewline()
			if p.pos < len(p.s) && p.s[p.pos] == ')' {
				p.pos++
				ok = true
			}
		}
		if !ok {
			p.pos = after
		}
	}
	if !ok {
		label := ""
		if n := p.linkLabel(); n > 2 {
			label = p.s[p.pos+1 : p.pos+n-1]
			p.pos += n
		} else {
			if n == 2 {
				p.pos += n
			}
			label = p.s[op.pos : after-1]
		}
		if label == "" || len(label) > 999 {
			label = "" // a label is at most 999 characters
		}
		if r, found := p.refs[normalizeLabel(label)]; found && label != "" {
			dest, title, ok = r.dest, r.title, true
		} else {
			p.pos = after
		}
	}
	if !ok {
		p.brackets = op.prev
		p.text("]")
		return
	}
	k := iLink
	if op.image {
		k = iImage
	}
	link := &inode{kind: k, dest: dest, title: title}
	for n := op.node.next; n != nil; {
		next := n.next
		n.unlink()
		link.append(n)
		n = next
	}
	p.root.append(link)
	p.processEmphasis(op.prevDelim)
	p.brackets = op.prev
	op.node.unlink()
	if !op.image {
		for b := p.brackets; b != nil; b = b.prev {
			if !b.image {
				b.active = false
			}
		}
	}
}

// spaceWithOneNewline skips spaces and at most one line ending.
func (p *inlineParser) spaceWithOneNewline() {
	nl := false
	for p.pos < len(p.s) {
		switch p.s[p.pos] {
		case ' ':
		case '\n':
			if nl {
				return
			}
			nl = true
		default:
			return
		}
		p.pos++
	}
}

// linkLabel answers the length of the "[label]" at pos, brackets
// included, or 0.
func (p *inlineParser) linkLabel() int {
	s := p.s
	if p.pos >= len(s) || s[p.pos] != '[' {
		return 0
	}
	for i := p.pos + 1; i < len(s) && i-p.pos <= 1000; i++ {
		switch s[i] {
		case '\\':
			i++
		case '[':
			return 0
		case ']':
			return i - p.pos + 1
		}
	}
	return 0
}

func (p *inlineParser) linkDest() (string, bool) {
	s := p.s
	if p.pos < len(s) && s[p.pos] == '<' {
		for i := p.pos + 1; i < len(s); i++ {
			switch s[i] {
			case '\\':
				i++
			case '\n', '<':
				return "", false
			case '>':
				d := unescapeString(s[p.pos+1 : i])
				p.pos = i + 1
				return d, true
			}
		}
		return "", false
	}
	depth, i := 0, p.pos
loop:
	for ; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s) && isASCIIPunct(s[i+1]):
			i++
		case c == '(':
			depth++
			if depth > 32 {
				return "", false
			}
		case c == ')':
			if depth == 0 {
				break loop
			}
			depth--
		case c <= ' ' || c == 0x7f:
			break loop
		}
	}
	if i == p.pos || depth != 0 {
		return "", false
	}
	d := unescapeString(s[p.pos:i])
	p.pos = i
	return d, true
}

func (p *inlineParser) linkTitle() (string, bool) {
	s := p.s
	if p.pos >= len(s) {
		return "", false
	}
	closing := s[p.pos]
	switch closing {
	case '"', '\'':
	case '(':
		closing = ')'
	default:
		return "", false
	}
	for i := p.pos + 1; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\':
			i++
		case c == closing:
			t := unescapeString(s[p.pos+1 : i])
			p.pos = i + 1
			return t, true
		case c == '(' && closing == ')':
			return "", false
		}
	}
	return "", false
}

// autolink reads "<scheme:…>" or "<name@domain>" at pos.
func (p *inlineParser) autolink() bool {
	s := p.s[p.pos:]
	end := strings.IndexByte(s, '>')
	if end < 0 {
		return false
	}
	inner := s[1:end]
	if strings.ContainsAny(inner, " <\n") || inner == "" {
		return false
	}
	if colon := strings.IndexByte(inner, ':'); colon >= 2 && colon <= 32 && isASCIILetter(inner[0]) {
		scheme := inner[:colon]
		if strings.IndexFunc(scheme, func(r rune) bool {
			return !(r < 128 && (isASCIILetter(byte(r)) || r >= '0' && r <= '9' || r == '+' || r == '.' || r == '-'))
		}) < 0 {
			for i := 0; i < len(inner); i++ {
				if inner[i] < ' ' || inner[i] == 0x7f {
					return false
				}
			}
			link := &inode{kind: iLink, dest: inner}
			link.append(&inode{kind: iText, text: inner})
			p.root.append(link)
			p.pos += end + 1
			return true
		}
	}
	if isEmail(inner) {
		link := &inode{kind: iLink, dest: "mailto:" + inner}
		link.append(&inode{kind: iText, text: inner})
		p.root.append(link)
		p.pos += end + 1
		return true
	}
	return false
}

func isEmail(s string) bool {
	at := strings.IndexByte(s, '@')
	if at <= 0 || at == len(s)-1 {
		return false
	}
	for i := 0; i < at; i++ {
		c := s[i]
		if !(isASCIILetter(c) || c >= '0' && c <= '9' || strings.IndexByte(".!#$%&'*+/=?^_`{|}~-", c) >= 0) {
			return false
		}
	}
	for _, label := range strings.Split(s[at+1:], ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for i := 0; i < len(label); i++ {
			if c := label[i]; !(isASCIILetter(c) || c >= '0' && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return true
}

// rawHTML answers the length of the HTML tag, comment, processing
// instruction, declaration or CDATA section at pos, or 0.
func (p *inlineParser) rawHTML() int {
	s := p.s[p.pos:]
	if len(s) < 3 || s[0] != '<' {
		return 0
	}
	switch {
	case strings.HasPrefix(s, "<!--"):
		if strings.HasPrefix(s, "<!-->") {
			return 5
		}
		if strings.HasPrefix(s, "<!--->") {
			return 6
		}
		if i := strings.Index(s[4:], "-->"); i >= 0 {
			return 4 + i + 3
		}
		return 0
	case strings.HasPrefix(s, "<?"):
		if i := strings.Index(s[2:], "?>"); i >= 0 {
			return 2 + i + 2
		}
		return 0
	case strings.HasPrefix(s, "<![CDATA["):
		if i := strings.Index(s[9:], "]]>"); i >= 0 {
			return 9 + i + 3
		}
		return 0
	case s[1] == '!' && isASCIILetter(s[2]):
		if i := strings.IndexByte(s, '>'); i >= 0 {
			return i + 1
		}
		return 0
	case s[1] == '/':
		i := 2 + tagName(s[2:])
		if i == 2 {
			return 0
		}
		i = skipSpace(s, i)
		if i < len(s) && s[i] == '>' {
			return i + 1
		}
		return 0
	}
	i := 1 + tagName(s[1:])
	if i == 1 {
		return 0
	}
	for {
		j := skipSpace(s, i)
		if j < len(s) && s[j] == '>' {
			return j + 1
		}
		if j+1 < len(s) && s[j] == '/' && s[j+1] == '>' {
			return j + 2
		}
		if j == i {
			return 0 // an attribute needs a space before it
		}
		n := attribute(s[j:])
		if n == 0 {
			return 0
		}
		i = j + n
	}
}

func tagName(s string) int {
	if s == "" || !isASCIILetter(s[0]) {
		return 0
	}
	i := 1
	for i < len(s) && (isASCIILetter(s[i]) || s[i] >= '0' && s[i] <= '9' || s[i] == '-') {
		i++
	}
	return i
}

func skipSpace(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\n') {
		i++
	}
	return i
}

// attribute answers the length of an HTML attribute (name, and an
// optional value) at the start of s.
func attribute(s string) int {
	if s == "" || !(isASCIILetter(s[0]) || s[0] == '_' || s[0] == ':') {
		return 0
	}
	i := 1
	for i < len(s) && (isASCIILetter(s[i]) || s[i] >= '0' && s[i] <= '9' || strings.IndexByte("_.:-", s[i]) >= 0) {
		i++
	}
	j := skipSpace(s, i)
	if j >= len(s) || s[j] != '=' {
		return i
	}
	j = skipSpace(s, j+1)
	if j >= len(s) {
		return 0
	}
	switch q := s[j]; q {
	case '"', '\'':
		k := strings.IndexByte(s[j+1:], q)
		if k < 0 {
			return 0
		}
		return j + 1 + k + 1
	}
	k := j
	for k < len(s) && !strings.ContainsRune(" \n\"'=<>`", rune(s[k])) {
		k++
	}
	if k == j {
		return 0
	}
	return k
}

func isASCIIPunct(c byte) bool {
	return c >= '!' && c <= '/' || c >= ':' && c <= '@' || c >= '[' && c <= '`' || c >= '{' && c <= '~'
}

func isPunct(r rune) bool {
	if r < 128 {
		return isASCIIPunct(byte(r))
	}
	return unicode.IsPunct(r) || unicode.IsSymbol(r)
}

// unescapeString resolves backslash escapes and character references.
func unescapeString(s string) string {
	if !strings.ContainsAny(s, `\&`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\' && i+1 < len(s) && isASCIIPunct(s[i+1]):
			b.WriteByte(s[i+1])
			i++
		case c == '&':
			if r, n := entity(s[i:]); n > 0 {
				b.WriteString(r)
				i += n - 1
				continue
			}
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// entities are the named character references read; others stay as
// typed.
const entities = "amp&lt<gt>quot\"apos'nbsp\u00a0copy©reg®trade™hellip…mdash—ndash–laquo«raquo»lsquo‘rsquo’ldquo“rdquo”bdquo„" +
	"euro€pound£yen¥cent¢sect§para¶deg°plusmn±times×divide÷middot·bull•larr←rarr→uarr↑darr↓harr↔le≤ge≥ne≠minus−" +
	"frac12½frac14¼frac34¾shy\u00adensp\u2002emsp\u2003thinsp\u2009zwj\u200dzwnj\u200c" +
	"aringåaumläoumlöAringÅAumlÄOumlÖeacuteéEacuteÉuumlüUumlÜszligß"

// entity reads the character reference at the start of s ("&amp;",
// "&#228;", "&#xE4;") and answers what it stands for and its length.
func entity(s string) (string, int) {
	end := strings.IndexByte(s, ';')
	if end < 2 || end > 33 {
		return "", 0
	}
	body := s[1:end]
	if body[0] == '#' {
		num, base := body[1:], 10
		if num != "" && (num[0] == 'x' || num[0] == 'X') {
			num, base = num[1:], 16
		}
		if num == "" || (base == 10 && len(num) > 7) || (base == 16 && len(num) > 6) {
			return "", 0
		}
		v, err := strconv.ParseUint(num, base, 32)
		if err != nil {
			return "", 0
		}
		r := rune(v)
		if r == 0 || !utf8.ValidRune(r) {
			r = unicode.ReplacementChar
		}
		return string(r), end + 1
	}
	for i := 0; i < len(body); i++ {
		if c := body[i]; !(isASCIILetter(c) || i > 0 && c >= '0' && c <= '9') {
			return "", 0
		}
	}
	if r, ok := namedEntity(body); ok {
		return r, end + 1
	}
	return "", 0
}

// namedEntity looks a name up in entities: each name is followed by its
// character (a rune that is not an ASCII letter or digit).
func namedEntity(name string) (string, bool) {
	for i := 0; i < len(entities); {
		j := i
		for j < len(entities) && entities[j] < 128 && (isASCIILetter(entities[j]) || entities[j] >= '0' && entities[j] <= '9') {
			j++
		}
		_, size := utf8.DecodeRuneInString(entities[j:])
		if entities[i:j] == name {
			return entities[j : j+size], true
		}
		i = j + size
	}
	return "", false
}
