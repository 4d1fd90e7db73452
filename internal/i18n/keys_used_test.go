package i18n

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// moduleRoot walks up from the working directory to the directory holding
// go.mod.
func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found above the working directory")
		}
		dir = parent
	}
}

// walkSources calls f for every regular file under root whose name has one
// of the given suffixes, skipping hidden directories, vendor, node_modules
// and testdata.
func walkSources(t *testing.T, root string, suffixes []string, f func(path string)) {
	t.Helper()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			name := d.Name()
			if path != root && (strings.HasPrefix(name, ".") || name == "vendor" || name == "node_modules" || name == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		for _, s := range suffixes {
			if strings.HasSuffix(path, s) {
				f(path)
				break
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// keyRefs maps a referenced message key to the places ("file:line") using it.
type keyRefs map[string][]string

func (r keyRefs) add(key, where string) { r[key] = append(r[key], where) }

// goKeys finds message keys in Go source by syntax: calls named T, N or K
// (plain or selector, e.g. i18n.T, l.N) whose key argument is a string
// literal. The key is the first argument if it is a literal (l.T("k"),
// K("k")), otherwise the second (T(ctx, "k")). Comments are ignored.
func goKeys(fset *token.FileSet, file *ast.File, refs keyRefs) {
	ast.Inspect(file, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		var name string
		switch fun := call.Fun.(type) {
		case *ast.Ident:
			name = fun.Name
		case *ast.SelectorExpr:
			name = fun.Sel.Name
		}
		if name != "T" && name != "N" && name != "K" {
			return true
		}
		for i, arg := range call.Args {
			if i > 1 || (name == "K" && i > 0) {
				break
			}
			if lit, ok := arg.(*ast.BasicLit); ok && lit.Kind == token.STRING {
				if s, err := strconv.Unquote(lit.Value); err == nil {
					refs.add(s, fset.Position(lit.Pos()).String())
				}
				break
			}
		}
		return true
	})
}

// templKeyREs find message keys in templ files, where Go expressions are
// embedded in markup: T(ctx, "k" / N(ctx, "k" (any simple context
// expression), .T("k" / .N("k", and K("k").
var templKeyREs = []*regexp.Regexp{
	regexp.MustCompile(`\b[TN]\s*\(\s*[A-Za-z_][\w.]*(?:\(\s*\))?\s*,\s*"((?:[^"\\]|\\.)*)"`),
	regexp.MustCompile(`\.[TN]\s*\(\s*"((?:[^"\\]|\\.)*)"`),
	regexp.MustCompile(`\bK\s*\(\s*"((?:[^"\\]|\\.)*)"\s*\)`),
}

// templKeys finds message keys in templ source.
func templKeys(path, src string, refs keyRefs) {
	for _, re := range templKeyREs {
		for _, m := range re.FindAllStringSubmatchIndex(src, -1) {
			key := src[m[2]:m[3]]
			line := 1 + strings.Count(src[:m[2]], "\n")
			refs.add(key, path+":"+strconv.Itoa(line))
		}
	}
}

func TestTemplKeysScanner(t *testing.T) {
	t.Parallel()
	src := `templ X() {
	<h1>{ i18n.T(ctx, "a.one") }</h1>
	<p title={ i18n.N( r.Context() , "a.two", 3) }>{ l.T("a.three", "x", 1) }</p>
	{ loc.N("a.four", n) } { i18n.K("a.five") }
	{ fmt.Sprint("not.a_key") }
}`
	refs := keyRefs{}
	templKeys("x.templ", src, refs)
	var got []string
	for k := range refs {
		got = append(got, k)
	}
	sort.Strings(got)
	if want := "a.five a.four a.one a.three a.two"; strings.Join(got, " ") != want {
		t.Errorf("templKeys = %v, want %s", got, want)
	}
	if w := refs["a.three"]; len(w) != 1 || w[0] != "x.templ:3" {
		t.Errorf("position = %v", w)
	}

	goSrc := `package p
// l.T("in.comment") is ignored
func f() {
	_ = i18n.T(ctx, "g.one", "name", v)
	_ = l.N("g.two", 2)
	_ = K("g.three")
	_ = i18n.T(ctx, key)
	_ = other("g.nope")
}`
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, "x.go", goSrc, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	refs = keyRefs{}
	goKeys(fset, file, refs)
	got = got[:0]
	for k := range refs {
		got = append(got, k)
	}
	sort.Strings(got)
	if want := "g.one g.three g.two"; strings.Join(got, " ") != want {
		t.Errorf("goKeys = %v, want %s", got, want)
	}
}

// TestKeysUsedExist scans all non-test, non-generated Go and templ files of
// the module for message keys and fails if any is missing from a language.
func TestKeysUsedExist(t *testing.T) {
	t.Parallel()
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	root := moduleRoot(t)
	refs := keyRefs{}
	fset := token.NewFileSet()
	walkSources(t, root, []string{".go", ".templ"}, func(path string) {
		if strings.HasSuffix(path, "_test.go") || strings.HasSuffix(path, "_templ.go") {
			return
		}
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(root, path)
		if strings.HasSuffix(path, ".templ") {
			templKeys(rel, string(data), refs)
			return
		}
		file, err := parser.ParseFile(fset, rel, data, parser.SkipObjectResolution)
		if err != nil {
			t.Errorf("parse %s: %v", rel, err)
			return
		}
		goKeys(fset, file, refs)
	})

	var missing []string
	for key, where := range refs {
		for _, lang := range Supported {
			// A key ending in "." is the prefix of keys built at run time
			// ("role." + role); the catalogue must have some key under it.
			// The full sets are checked where the values are enumerated.
			if strings.HasSuffix(key, ".") && hasPrefix(c, lang, key) {
				continue
			}
			if !c.Has(lang, key) {
				missing = append(missing, key+" ["+string(lang)+"] used at "+strings.Join(where, ", "))
			}
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("message keys missing from catalogues (%d):\n  %s", len(missing), strings.Join(missing, "\n  "))
	}
}

func hasPrefix(c *Catalog, lang Lang, prefix string) bool {
	for _, k := range c.Keys(lang) {
		if strings.HasPrefix(k, prefix) {
			return true
		}
	}
	return false
}
