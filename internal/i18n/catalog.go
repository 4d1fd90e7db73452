package i18n

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

//go:embed locales
var localesFS embed.FS

// pluralCategories are the CLDR plural category names accepted in plural
// objects.
var pluralCategories = map[string]bool{
	"zero": true, "one": true, "two": true, "few": true, "many": true, "other": true,
}

// message is one catalogue entry: either a plain text or a set of plural
// forms keyed by CLDR category.
type message struct {
	text   string
	plural map[string]string // nil for plain messages
	file   string            // source file, for error messages
}

// Catalog holds the messages of all supported languages. Each language is
// read from the embedded files once, when first needed (Load reads them
// all at once); after that it is immutable. It is safe for concurrent use.
type Catalog struct {
	langs map[Lang]*langMsgs
}

// langMsgs is one language's messages, read on first use.
type langMsgs struct {
	once sync.Once
	read func() (map[string]message, error)
	msgs map[string]message
	err  error
}

// get returns the language's messages, reading them the first time. A
// language that fails to read has none (every key shows as ⟦key⟧); Load
// and Check report the error.
func (m *langMsgs) get() (map[string]message, error) {
	m.once.Do(func() {
		m.msgs, m.err = m.read()
		if m.err != nil {
			m.msgs = map[string]message{}
		}
	})
	return m.msgs, m.err
}

// Load reads and merges the embedded catalogue files locales/<lang>/*.json
// of every supported language. It fails on a missing language directory,
// malformed JSON, a value that is neither a string nor an object of plural
// forms, an unknown plural category, an invalid key, or a key defined more
// than once (in one file or across files of the same language).
func Load() (*Catalog, error) {
	c := Lazy()
	if err := c.Check(); err != nil {
		return nil, err
	}
	return c, nil
}

// Lazy returns the embedded catalogues without reading them: each
// language is read when a message of it is first looked up. The command
// line uses it, so that a command that prints nothing translated (tandem
// version) or one language only does not read all three; a server calls
// Check (or uses Load) to fail at start on a broken catalogue.
func Lazy() *Catalog {
	return lazyFS(localesFS, "locales")
}

// MustLoad is like Load but panics on error. Use it at program start-up.
func MustLoad() *Catalog {
	c, err := Load()
	if err != nil {
		panic(err)
	}
	return c
}

// lazyFS is the catalogue of dir/<lang>/*.json in fsys, each language read
// on first use.
func lazyFS(fsys fs.FS, dir string) *Catalog {
	c := &Catalog{langs: make(map[Lang]*langMsgs, len(Supported))}
	for _, lang := range Supported {
		ldir := path.Join(dir, string(lang))
		c.langs[lang] = &langMsgs{read: func() (map[string]message, error) { return loadLang(fsys, ldir) }}
	}
	return c
}

// loadFS loads catalogues from dir/<lang>/*.json in fsys, every language
// read at once.
func loadFS(fsys fs.FS, dir string) (*Catalog, error) {
	c := lazyFS(fsys, dir)
	if err := c.Check(); err != nil {
		return nil, err
	}
	return c, nil
}

// Check reads every language not read yet, side by side, and returns the
// first language's error in the order of Supported.
func (c *Catalog) Check() error {
	var wg sync.WaitGroup
	for _, lang := range Supported {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.langs[lang].get()
		}()
	}
	wg.Wait()
	for _, lang := range Supported {
		if _, err := c.langs[lang].get(); err != nil {
			return err
		}
	}
	return nil
}

// messages returns lang's messages (nil for an unsupported language).
func (c *Catalog) messages(lang Lang) map[string]message {
	if c == nil {
		return nil
	}
	m := c.langs[lang]
	if m == nil {
		return nil
	}
	msgs, _ := m.get()
	return msgs
}

// loadLang loads the catalogue files of one language's directory.
func loadLang(fsys fs.FS, ldir string) (map[string]message, error) {
	entries, err := fs.ReadDir(fsys, ldir)
	if err != nil {
		return nil, fmt.Errorf("i18n: %w", err)
	}
	msgs := make(map[string]message, 4096)
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".json") {
			continue
		}
		name := path.Join(ldir, e.Name())
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("i18n: %w", err)
		}
		if err := parseFile(name, data, msgs); err != nil {
			return nil, err
		}
	}
	return msgs, nil
}

// parseFile decodes one catalogue file into msgs. The files are JSON of
// one shape — an object of keys to a string or to an object of plural
// forms — read by a scanner of that shape alone: every command of the CLI
// loads the catalogues before it starts, and encoding/json's token stream
// took most of that time. Duplicate keys are errors (encoding/json would
// silently keep the last). TestParseFileAgrees holds it to encoding/json's
// reading of every catalogue file.
func parseFile(name string, data []byte, msgs map[string]message) error {
	fail := func(format string, args ...any) error {
		return fmt.Errorf("i18n: %s: "+format, append([]any{name}, args...)...)
	}
	if !utf8.Valid(data) {
		return fail("not UTF-8")
	}
	sc := &scanner{data: data}
	syntax := func() error {
		return fail("invalid JSON at offset %d", sc.i)
	}
	if sc.ws(); sc.peek() != '{' {
		return fail("want a JSON object at top level")
	}
	sc.i++
	if sc.ws(); sc.peek() == '}' {
		sc.i++
	} else {
		for {
			key, ok := sc.str()
			if !ok {
				return syntax()
			}
			if !validKey(key) {
				return fail("invalid key %q (want lowercase letters, digits, '_' and '.')", key)
			}
			if prev, dup := msgs[key]; dup {
				return fail("key %q already defined in %s", key, prev.file)
			}
			if !sc.colon() {
				return syntax()
			}
			m := message{file: name}
			switch sc.peek() {
			case '"':
				if m.text, ok = sc.str(); !ok {
					return syntax()
				}
			case '{':
				sc.i++
				m.plural = make(map[string]string)
				if sc.ws(); sc.peek() == '}' {
					sc.i++
					break
				}
				for {
					cat, ok := sc.str()
					if !ok {
						return syntax()
					}
					if !pluralCategories[cat] {
						return fail("key %q: unknown plural category %q", key, cat)
					}
					if _, dup := m.plural[cat]; dup {
						return fail("key %q: plural category %q defined twice", key, cat)
					}
					if !sc.colon() {
						return syntax()
					}
					if sc.peek() != '"' {
						return fail("key %q: plural form %q must be a string", key, cat)
					}
					if m.plural[cat], ok = sc.str(); !ok {
						return syntax()
					}
					if more, ok := sc.next('}'); !ok {
						return syntax()
					} else if !more {
						break
					}
				}
			default:
				return fail("key %q: want a string or an object of plural forms", key)
			}
			msgs[key] = m
			if more, ok := sc.next('}'); !ok {
				return syntax()
			} else if !more {
				break
			}
		}
	}
	if sc.ws(); sc.i != len(data) {
		return fail("trailing data after top-level object")
	}
	return nil
}

// scanner reads the JSON of a catalogue file (parseFile).
type scanner struct {
	data []byte
	i    int
}

// ws skips white space.
func (s *scanner) ws() {
	for s.i < len(s.data) {
		switch s.data[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// peek is the next byte, 0 at the end.
func (s *scanner) peek() byte {
	if s.i < len(s.data) {
		return s.data[s.i]
	}
	return 0
}

// colon reads the ':' after a key and the space around it.
func (s *scanner) colon() bool {
	s.ws()
	if s.peek() != ':' {
		return false
	}
	s.i++
	s.ws()
	return true
}

// next reads what follows a member: ',' (more, and the space before the
// next key) or end (no more); anything else is not ok.
func (s *scanner) next(end byte) (more, ok bool) {
	s.ws()
	switch s.peek() {
	case ',':
		s.i++
		s.ws()
		return true, true
	case end:
		s.i++
		return false, true
	}
	return false, false
}

// str reads a JSON string, as encoding/json decodes it (a lone surrogate
// is U+FFFD).
func (s *scanner) str() (string, bool) {
	if s.peek() != '"' {
		return "", false
	}
	s.i++
	start := s.i
	for s.i < len(s.data) {
		switch c := s.data[s.i]; {
		case c == '"':
			v := string(s.data[start:s.i])
			s.i++
			return v, true
		case c == '\\':
			return s.escaped(start)
		case c < 0x20:
			return "", false
		}
		s.i++
	}
	return "", false
}

// escaped reads the rest of a string that holds an escape, from start.
func (s *scanner) escaped(start int) (string, bool) {
	b := append([]byte(nil), s.data[start:s.i]...)
	for s.i < len(s.data) {
		c := s.data[s.i]
		switch {
		case c == '"':
			s.i++
			return string(b), true
		case c < 0x20:
			return "", false
		case c != '\\':
			b = append(b, c)
			s.i++
			continue
		}
		if s.i+1 >= len(s.data) {
			return "", false
		}
		e := s.data[s.i+1]
		s.i += 2
		switch e {
		case '"', '\\', '/':
			b = append(b, e)
		case 'b':
			b = append(b, '\b')
		case 'f':
			b = append(b, '\f')
		case 'n':
			b = append(b, '\n')
		case 'r':
			b = append(b, '\r')
		case 't':
			b = append(b, '\t')
		case 'u':
			r, ok := s.hex4()
			if !ok {
				return "", false
			}
			if utf16.IsSurrogate(r) {
				r2 := unicode.ReplacementChar
				if save := s.i; s.i+1 < len(s.data) && s.data[s.i] == '\\' && s.data[s.i+1] == 'u' {
					s.i += 2
					lo, ok := s.hex4()
					if !ok {
						return "", false
					}
					if d := utf16.DecodeRune(r, lo); d != unicode.ReplacementChar {
						r2 = d
					} else {
						s.i = save // not a pair: the second escape stands alone
					}
				}
				r = r2
			}
			b = utf8.AppendRune(b, r)
		default:
			return "", false
		}
	}
	return "", false
}

// hex4 reads the four hex digits of a \u escape.
func (s *scanner) hex4() (rune, bool) {
	if s.i+4 > len(s.data) {
		return 0, false
	}
	var r rune
	for _, c := range s.data[s.i : s.i+4] {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	s.i += 4
	return r, true
}

// validKey reports whether k is a message key: lowercase letters, digits
// and '_' in parts joined by '.', none empty.
func validKey(k string) bool {
	part := 0
	for i := 0; i < len(k); i++ {
		switch c := k[i]; {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '_':
			part++
		case c == '.' && part > 0:
			part = 0
		default:
			return false
		}
	}
	return part > 0
}

// Keys returns the sorted message keys defined for lang (nil for an
// unsupported language).
func (c *Catalog) Keys(lang Lang) []string {
	msgs := c.messages(lang)
	if msgs == nil {
		return nil
	}
	keys := make([]string, 0, len(msgs))
	for k := range msgs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Has reports whether key is defined for lang.
func (c *Catalog) Has(lang Lang, key string) bool {
	_, ok := c.messages(lang)[key]
	return ok
}

// lookup returns the message for key in lang.
func (c *Catalog) lookup(lang Lang, key string) (message, bool) {
	m, ok := c.messages(lang)[key]
	return m, ok
}

// Key is a message key stored as data, e.g. the message of a validation
// error that is translated later when rendered. Passing a Key as a
// placeholder value to T or N translates it in the localizer's language.
type Key string

// K marks s as a message key. Always call it with a string literal
// (K("form.required")): the key-scan test (keys_used_test.go) finds keys
// referenced from Go and templ code through T(ctx, "..."), .T("..."),
// N(ctx, "..."), .N("...") and K("...") calls, and fails if any of them is
// missing from a catalogue. Keys built dynamically are invisible to it.
func K(s string) Key { return Key(s) }
