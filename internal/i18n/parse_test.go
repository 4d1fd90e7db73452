package i18n

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// keyRE is the syntax of message keys, as the reference parser checks it.
var keyRE = regexp.MustCompile(`^[a-z0-9_]+(\.[a-z0-9_]+)*$`)

// parseFileJSON is the catalogue parser as encoding/json reads the files
// (tokens streamed, so that duplicate keys are seen): the reference
// TestParseFileAgrees holds parseFile to.
func parseFileJSON(name string, data []byte, msgs map[string]message) error {
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

// TestParseFileAgrees: every catalogue file, and strings with every
// escape, read by parseFile give what encoding/json reads.
func TestParseFileAgrees(t *testing.T) {
	t.Parallel()
	files := map[string][]byte{
		"escapes.json": []byte(`{"a.b": "q\" b\\ s\/ \b\f\n\r\t \u00e9\u0416 \ud83d\ude00 lone \ud83d x \ude00 \ud83d\u0041 end",
			"c": {"one": "\u0041", "other": "plain"}, "d": {}}`),
		"empty.json": []byte(` { } `),
	}
	err := fs.WalkDir(localesFS, "locales", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".json") {
			return err
		}
		files[p], err = fs.ReadFile(localesFS, p)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 10 {
		t.Fatalf("only %d files", len(files))
	}
	for name, data := range files {
		got, want := map[string]message{}, map[string]message{}
		if err := parseFile(name, data, got); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if err := parseFileJSON(name, data, want); err != nil {
			t.Fatalf("%s (encoding/json): %v", name, err)
		}
		if !reflect.DeepEqual(got, want) {
			for _, k := range slices.Sorted(maps.Keys(want)) {
				if !reflect.DeepEqual(got[k], want[k]) {
					t.Errorf("%s: %q: got %+v, want %+v", name, k, got[k], want[k])
					break
				}
			}
			t.Errorf("%s: %d messages, want %d", name, len(got), len(want))
		}
	}
	// What encoding/json refuses, parseFile refuses too.
	for _, bad := range []string{`{"a": "x`, `{"a": "\q"}`, `{"a": "\u12"}`, `{"a" "x"}`, `{"a": "x" "b": "y"}`, "{\"a\": \"x\ny\"}",
		`{"a": {"one": "x",}}`, `{"a": "x",}`, `{`, ``, `{"a": "x"}}`} {
		if err := parseFile("bad.json", []byte(bad), map[string]message{}); err == nil {
			t.Errorf("%q: no error", bad)
		}
		if err := parseFileJSON("bad.json", []byte(bad), map[string]message{}); err == nil {
			t.Errorf("%q: encoding/json finds no error either; drop the case", bad)
		}
	}
}
