package app

import (
	"archive/zip"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
)

const demoOwner = "karin.lindqvist@norrsken.example"

// localEngagement is the receiver's id of the package's engagement.
func localEngagement(t *testing.T, tg target) string {
	t.Helper()
	db := tg.open(t)
	var id string
	if err := store.QueryRowRaw(db, `SELECT CAST(local_id AS TEXT) FROM package_imports WHERE entity = 'engagements'`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

func content(t *testing.T, path string) map[string][]map[string]any {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	c, err := store.PackageContent(b)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func sameContent(t *testing.T, a, b map[string][]map[string]any) {
	t.Helper()
	for ent, rows := range a {
		if !reflect.DeepEqual(rows, b[ent]) {
			n := min(len(rows), len(b[ent]))
			for i := 0; i < n; i++ {
				if !reflect.DeepEqual(rows[i], b[ent][i]) {
					t.Errorf("%s row %d differs:\n%v\n%v", ent, i+1, rows[i], b[ent][i])
					break
				}
			}
			if len(rows) != len(b[ent]) {
				t.Errorf("%s: %d rows, then %d", ent, len(rows), len(b[ent]))
			}
		}
	}
}

// TestPackageRoundTrip exports the demo's sales engagement (deliverables
// with files, activities, facts, invoices) from one database, imports it
// into a fresh database of the other dialect, exports it again and
// imports that into a third; the content is the same at every step, the
// receivers' audit trails and KPI aggregates verify, importing twice
// creates nothing, a dry run changes nothing and a changed byte is refused
// naming its file.
func TestPackageRoundTrip(t *testing.T) {
	t.Parallel()
	dialects := storetest.Dialects(t)
	other := dialects[len(dialects)-1] // postgres when it is under test
	src, mid, dst := targets(t, dialects[0]), targets(t, other), targets(t, dialects[0])
	dir := t.TempDir()
	a, b, c := filepath.Join(dir, "a.zip"), filepath.Join(dir, "b.zip"), filepath.Join(dir, "c.zip")

	must(t, 0, nil, "", src.with("demo")...)
	must(t, 0, nil, "", src.with("package", "export", "--email", demoOwner, "--engagement", "1", "--out", a)...)
	ca := content(t, a)
	if len(ca["deliverables"]) == 0 || len(ca["submission_files"]) == 0 || len(ca["facts"]) == 0 || len(ca["sales_activities"]) == 0 {
		t.Fatalf("fixture engagement too thin: %d deliverables, %d files", len(ca["deliverables"]), len(ca["submission_files"]))
	}

	// A dry run changes nothing.
	must(t, 0, nil, "", mid.with("migrate")...)
	r := must(t, 0, nil, "", mid.with("package", "import", a, "--dry-run")...)
	if !strings.Contains(r.stdout, "nothing was changed") {
		t.Errorf("dry run said:\n%s", r.stdout)
	}
	var n int
	if err := store.QueryRowRaw(mid.open(t), `SELECT COUNT(*) FROM engagements`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("dry run left %d engagements (%v)", n, err)
	}

	must(t, 0, nil, "", mid.with("package", "import", a)...)
	must(t, 0, nil, "", mid.with("audit", "verify")...)
	must(t, 0, nil, "", mid.with("kpi", "verify")...)
	// Safe to run twice: the second import creates nothing.
	r = must(t, 0, nil, "", mid.with("package", "import", a)...)
	for _, line := range strings.Split(r.stdout, "\n")[2:] {
		if f := strings.Fields(line); len(f) == 4 && f[1] != "0" {
			t.Errorf("second import created %s", line)
		}
	}
	must(t, 0, nil, "", mid.with("package", "export", "--email", demoOwner, "--engagement", localEngagement(t, mid), "--out", b)...)
	sameContent(t, ca, content(t, b))

	must(t, 0, nil, "", dst.with("migrate")...)
	must(t, 0, nil, "", dst.with("package", "import", b)...)
	must(t, 0, nil, "", dst.with("audit", "verify")...)
	must(t, 0, nil, "", dst.with("kpi", "verify")...)
	must(t, 0, nil, "", dst.with("package", "export", "--email", demoOwner, "--engagement", localEngagement(t, dst), "--out", c)...)
	sameContent(t, ca, content(t, c))

	// One changed byte in one file: refused, naming that file.
	bad := filepath.Join(dir, "bad.zip")
	tamper(t, a, bad, "deliverables.jsonl")
	r = must(t, 1, nil, "", dst.with("package", "import", bad)...)
	if !strings.Contains(r.stderr, "deliverables.jsonl") {
		t.Errorf("tampered package refused without naming the file:\n%s", r.stderr)
	}
	// Partner people never export.
	r = must(t, 1, nil, "", src.with("package", "export", "--email", "oskar.holm@ksnorrland.example", "--all", "--out", filepath.Join(dir, "p.zip"))...)
	if _, err := os.Stat(filepath.Join(dir, "p.zip")); err == nil {
		t.Error("a partner person exported a package")
	}
}

// tamper copies the package from to to with one byte of name changed.
func tamper(t *testing.T, from, to, name string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	z, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range z.File {
		rc, _ := f.Open()
		body, _ := io.ReadAll(rc)
		rc.Close()
		if f.Name == name {
			body[len(body)/2] ^= 1
		}
		w, _ := zw.Create(f.Name)
		w.Write(body)
	}
	zw.Close()
	if err := os.WriteFile(to, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestPackageFileArgument(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		in   []string
		file string
		rest string
	}{
		{[]string{"p.zip", "--dry-run", "--data-dir", "d"}, "p.zip", "--dry-run --data-dir d"},
		{[]string{"--data-dir", "d", "p.zip"}, "p.zip", "--data-dir d"},
		{[]string{"--database=x", "--dry-run", "p.zip"}, "p.zip", "--database=x --dry-run"},
		{[]string{"--dry-run"}, "", "--dry-run"},
	} {
		file, rest := packageFile(c.in)
		if file != c.file || strings.Join(rest, " ") != c.rest {
			t.Errorf("%q: %q %q", c.in, file, rest)
		}
	}
}
