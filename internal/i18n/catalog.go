package i18n

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"
)

//go:embed locales
var localesFS embed.FS

// keyRE is the syntax of message keys.
var keyRE = regexp.MustCompile(`^[a-z0-9_]+(\.[a-z0-9_]+)*$`)

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

// Catalog holds the messages of all supported languages. It is immutable
// after loading and safe for concurrent use.
type Catalog struct {
	msgs map[Lang]map[string]message
}

// Load reads and merges the embedded catalogue files locales/<lang>/*.json
// of every supported language. It fails on a missing language directory,
// malformed JSON, a value that is neither a string nor an object of plural
// forms, an unknown plural category, an invalid key, or a key defined more
// than once (in one file or across files of the same language).
func Load() (*Catalog, error) {
	return loadFS(localesFS, "locales")
}

// MustLoad is like Load but panics on error. Use it at program start-up.
func MustLoad() *Catalog {
	c, err := Load()
	if err != nil {
		panic(err)
	}
	return c
}

// loadFS loads catalogues from dir/<lang>/*.json in fsys.
func loadFS(fsys fs.FS, dir string) (*Catalog, error) {
	c := &Catalog{msgs: make(map[Lang]map[string]message, len(Supported))}
	for _, lang := range Supported {
		ldir := path.Join(dir, string(lang))
		entries, err := fs.ReadDir(fsys, ldir)
		if err != nil {
			return nil, fmt.Errorf("i18n: %w", err)
		}
		msgs := make(map[string]message)
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
		c.msgs[lang] = msgs
	}
	return c, nil
}

// parseFile decodes one catalogue file into msgs, streaming tokens so that
// duplicate keys are detected (encoding/json would silently keep the last).
func parseFile(name string, data []byte, msgs map[string]message) error {
	fail := func(format string, args ...any) error {
		return fmt.Errorf("i18n: %s: "+format, append([]any{name}, args...)...)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return fail("want a JSON object at top level")
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return fail("%v", err)
		}
		key := tok.(string) // object keys are always strings
		if !keyRE.MatchString(key) {
			return fail("invalid key %q (want lowercase letters, digits, '_' and '.')", key)
		}
		if prev, dup := msgs[key]; dup {
			return fail("key %q already defined in %s", key, prev.file)
		}
		m := message{file: name}
		tok, err = dec.Token()
		if err != nil {
			return fail("key %q: %v", key, err)
		}
		switch v := tok.(type) {
		case string:
			m.text = v
		case json.Delim:
			if v != '{' {
				return fail("key %q: want a string or an object of plural forms", key)
			}
			m.plural = make(map[string]string)
			for dec.More() {
				ctok, err := dec.Token()
				if err != nil {
					return fail("key %q: %v", key, err)
				}
				cat := ctok.(string)
				if !pluralCategories[cat] {
					return fail("key %q: unknown plural category %q", key, cat)
				}
				if _, dup := m.plural[cat]; dup {
					return fail("key %q: plural category %q defined twice", key, cat)
				}
				vtok, err := dec.Token()
				if err != nil {
					return fail("key %q: %v", key, err)
				}
				s, ok := vtok.(string)
				if !ok {
					return fail("key %q: plural form %q must be a string", key, cat)
				}
				m.plural[cat] = s
			}
			if _, err := dec.Token(); err != nil { // closing '}'
				return fail("key %q: %v", key, err)
			}
		default:
			return fail("key %q: want a string or an object of plural forms", key)
		}
		msgs[key] = m
	}
	if _, err := dec.Token(); err != nil { // closing '}'
		return fail("%v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return fail("trailing data after top-level object")
	}
	return nil
}

// Keys returns the sorted message keys defined for lang (nil for an
// unsupported language).
func (c *Catalog) Keys(lang Lang) []string {
	msgs := c.msgs[lang]
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
	_, ok := c.msgs[lang][key]
	return ok
}

// lookup returns the message for key in lang.
func (c *Catalog) lookup(lang Lang, key string) (message, bool) {
	if c == nil {
		return message{}, false
	}
	m, ok := c.msgs[lang][key]
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
