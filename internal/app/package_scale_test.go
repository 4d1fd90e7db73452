package app

import (
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
)

// cpuTime is the process's user + system CPU time so far.
func cpuTime(t *testing.T) time.Duration {
	t.Helper()
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		t.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// TestPackageScale measures the handover package of the demo workspace
// and of the demo workspace with TANDEM_SCALE_CONTACTS (default 1,000,000)
// more sales contacts on engagement 1: the file's size and the export and
// import times, wall and CPU (logged, never asserted: the machine is
// shared), on every dialect under test. Run with TANDEM_SCALE=1; peak
// memory is measured on the CLI with /usr/bin/time -v (docs/package-format.md).
func TestPackageScale(t *testing.T) {
	t.Parallel()
	if os.Getenv("TANDEM_SCALE") == "" {
		t.Skip("TANDEM_SCALE=1 measures the package of a million contacts")
	}
	n := 1_000_000
	if v, err := strconv.Atoi(os.Getenv("TANDEM_SCALE_CONTACTS")); err == nil && v > 0 {
		n = v
	}
	for _, dialect := range storetest.Dialects(t) {
		src := targets(t, dialect)
		must(t, 0, nil, "", src.with("demo")...)
		measure := func(label string) {
			dir := t.TempDir()
			file := filepath.Join(dir, "p.zip")
			w, c := time.Now(), cpuTime(t)
			must(t, 0, nil, "", src.with("package", "export", "--email", demoOwner, "--all", "--out", file)...)
			ew, ec := time.Since(w), cpuTime(t)-c
			st, err := os.Stat(file)
			if err != nil {
				t.Fatal(err)
			}
			dst := targets(t, dialect)
			must(t, 0, nil, "", dst.with("migrate")...)
			w, c = time.Now(), cpuTime(t)
			must(t, 0, nil, "", dst.with("package", "import", file)...)
			iw, ic := time.Since(w), cpuTime(t)-c
			var contacts int
			if err := store.QueryRowRaw(dst.open(t), `SELECT COUNT(*) FROM sales_contacts`).Scan(&contacts); err != nil {
				t.Fatal(err)
			}
			t.Logf("%s, %s: %d contacts imported; package %.2f MB; export %.1f s (CPU %.1f s); import %.1f s (CPU %.1f s)",
				dialect, label, contacts, float64(st.Size())/1e6, ew.Seconds(), ec.Seconds(), iw.Seconds(), ic.Seconds())
		}
		measure("demo workspace")
		if err := store.ExecRaw(src.open(t), `
			WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < `+strconv.Itoa(n)+`),
			acc AS (SELECT id, workspace_id, ROW_NUMBER() OVER (ORDER BY id) - 1 AS k, COUNT(*) OVER () AS total FROM sales_accounts WHERE engagement_id = 1),
			tmpl AS (SELECT MIN(created_at) AS at FROM sales_contacts)
			INSERT INTO sales_contacts (workspace_id, account_id, name, position, decision_maker, notes, search_text, created_at, updated_at)
			SELECT acc.workspace_id, acc.id, 'Contact ' || n.i, 'Buyer', CASE WHEN n.i % 7 = 0 THEN 1 ELSE 0 END, '', 'contact ' || n.i, tmpl.at, tmpl.at
			FROM n JOIN acc ON acc.k = n.i % acc.total CROSS JOIN tmpl`); err != nil {
			t.Fatal(err)
		}
		measure("demo workspace + " + strconv.Itoa(n) + " contacts")
	}
}
