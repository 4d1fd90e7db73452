package app

import (
	"archive/zip"
	"bytes"
	"fmt"
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
	// The demo's agenda items and action items name no other row: make one
	// of each that does, so that the ids inside them are remapped too.
	sdb := src.open(t)
	for _, q := range []string{
		`INSERT INTO meeting_items (meeting_id, source, record_id, title, position)
		 SELECT MIN(id), 'returned', (SELECT MAX(id) FROM deliverables WHERE engagement_id = 1), 'Returned deliverable', 90 FROM meetings WHERE engagement_id = 1`,
		`INSERT INTO meeting_items (meeting_id, source, record_id, title, position)
		 SELECT MIN(id), 'action', (SELECT MAX(id) FROM action_items WHERE engagement_id = 1), 'Open action', 91 FROM meetings WHERE engagement_id = 1`,
		`UPDATE action_items SET link = '/deliverables/' || (SELECT MIN(id) FROM deliverables WHERE engagement_id = 1)
		 WHERE id = (SELECT MIN(id) FROM action_items WHERE engagement_id = 1)`,
	} {
		if err := store.ExecRaw(sdb, q); err != nil {
			t.Fatal(err)
		}
	}
	must(t, 0, nil, "", src.with("package", "export", "--email", demoOwner, "--engagement", "1", "--out", a)...)
	ca := content(t, a)
	vr := valueRefsOf(ca)
	for _, k := range []string{"sales_claims.subject_id", "meeting_items.record_id", "invoices.unpriced", "invoice_lines.refs", "invoice_adjustments.ref", "action_items.link"} {
		if vr[k] == 0 {
			t.Errorf("fixture has no %s naming a row", k)
		}
	}
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
	// The ids inside values name the receiver's rows of the same content.
	mdb := mid.open(t)
	// The receiver's contract versions carry the hash of their own text.
	if all, wrong := storetest.TermsHashes(t, mdb); all == 0 || wrong != 0 {
		t.Errorf("imported: %d contract versions, %d without the hash of their terms", all, wrong)
	}
	for _, q := range []string{
		`SELECT d.title FROM action_items a JOIN deliverables d ON a.link = '/deliverables/' || d.id AND d.engagement_id = a.engagement_id`,
		`SELECT d.title FROM meeting_items i JOIN deliverables d ON d.id = i.record_id AND i.source = 'returned'`,
		`SELECT a.title FROM meeting_items i JOIN action_items a ON a.id = i.record_id AND i.source = 'action'`,
		`SELECT COUNT(*) || '/' || SUM(CASE WHEN a.id IS NULL THEN 0 ELSE 1 END) FROM sales_claims c LEFT JOIN sales_accounts a ON a.id = c.subject_id AND a.engagement_id = c.engagement_id WHERE c.kind = 'qualified_lead'`,
	} {
		var want, got string
		if err := store.QueryRowRaw(sdb, q).Scan(&want); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		if err := store.QueryRowRaw(mdb, q).Scan(&got); err != nil {
			t.Fatalf("receiver: %s: %v", q, err)
		}
		if got != want {
			t.Errorf("%s: the receiver's reference names %q, the sender's %q", q, got, want)
		}
	}

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

// valueRefsOf counts, per column holding ids inside its value, the rows
// of a package's content whose value names a row of the package.
func valueRefsOf(c map[string][]map[string]any) map[string]int {
	out := map[string]int{}
	for ent, cols := range map[string][]string{"sales_claims": {"subject_id"}, "meeting_items": {"record_id"},
		"invoices": {"unpriced"}, "invoice_lines": {"refs"}, "invoice_adjustments": {"ref"}, "action_items": {"link"}} {
		for _, col := range cols {
			for _, r := range c[ent] {
				if v := fmt.Sprint(r[col]); v != "" && v != "0" && v != "[]" && !strings.Contains(v, ":0") && !strings.HasSuffix(v, "/0") {
					out[ent+"."+col]++
				}
			}
		}
	}
	return out
}

// TestPackageInvoiceSeries imports the demo's sales engagement back into
// the demo workspace, which numbered its own invoices 2026-0001 … : each
// imported invoice and credit note keeps its number under the sender's
// series (the sender workspace's name), beside the receiver's own
// numbers, and the receiver's sequence goes on where it was.
func TestPackageInvoiceSeries(t *testing.T) {
	t.Parallel()
	src := targets(t, storetest.Dialects(t)[len(storetest.Dialects(t))-1])
	a := filepath.Join(t.TempDir(), "a.zip")
	must(t, 0, nil, "", src.with("demo")...)
	must(t, 0, nil, "", src.with("package", "export", "--email", demoOwner, "--engagement", "1", "--out", a)...)
	db := src.open(t)
	own := func(q string) string {
		t.Helper()
		var s string
		if err := store.QueryRowRaw(db, q).Scan(&s); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return s
	}
	const numbers = `SELECT COALESCE(STRING_AGG(number, ',' ORDER BY number), '') FROM invoices WHERE engagement_id = %s AND number IS NOT NULL AND series = %s`
	const credits = `SELECT COALESCE(STRING_AGG(c.number, ',' ORDER BY c.number), '') FROM credit_notes c JOIN invoices i ON i.id = c.invoice_id WHERE i.engagement_id = %s AND c.series = %s`
	wantInv, wantCred := own(fmt.Sprintf(numbers, "1", "''")), own(fmt.Sprintf(credits, "1", "''"))
	counters := own(`SELECT COALESCE(STRING_AGG(CAST(year AS TEXT) || ':' || CAST(last AS TEXT), ',' ORDER BY year), '') FROM invoice_counters`)
	if wantInv == "" {
		t.Fatal("the demo's engagement 1 has no issued invoice")
	}
	must(t, 0, nil, "", src.with("package", "import", a, "--workspace", "1")...)
	eng := own(`SELECT CAST(local_id AS TEXT) FROM package_imports WHERE entity = 'engagements'`)
	series := "'" + own(`SELECT name FROM workspaces WHERE id = 1`) + "'"
	if got := own(fmt.Sprintf(numbers, eng, series)); got != wantInv {
		t.Errorf("imported invoices numbered %q under the sender's series, want %q", got, wantInv)
	}
	if got := own(fmt.Sprintf(credits, eng, series)); got != wantCred {
		t.Errorf("imported credit notes numbered %q under the sender's series, want %q", got, wantCred)
	}
	if got := own(fmt.Sprintf(numbers, eng, "''")); got != "" {
		t.Errorf("imported invoices took the receiver's own numbers %q", got)
	}
	if got := own(fmt.Sprintf(numbers, "1", "''")); got != wantInv {
		t.Errorf("the receiver's own invoices are now %q, want %q", got, wantInv)
	}
	if got := own(`SELECT COALESCE(STRING_AGG(CAST(year AS TEXT) || ':' || CAST(last AS TEXT), ',' ORDER BY year), '') FROM invoice_counters`); got != counters {
		t.Errorf("the receiver's sequence moved from %q to %q", counters, got)
	}
	must(t, 0, nil, "", src.with("audit", "verify")...)
}
