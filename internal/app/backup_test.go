package app

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/tandemhq/tandem/internal/store/storetest"
)

// tandem backup and tandem restore on the command line: a backup of a
// migrated installation restores into another data directory, which then
// migrates as a no-op; bad command lines and PostgreSQL get a clear message
// in the reader's language and change nothing.
func TestBackupRestoreCommands(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	must(t, 0, nil, "", "migrate", "--data-dir", dir)
	out := filepath.Join(t.TempDir(), "tandem-2026-12-04.db")
	r := must(t, 0, nil, "", "backup", "--data-dir", dir, "--out", out)
	if !strings.Contains(r.stdout, "Backup written to "+out) || !strings.Contains(r.stdout, "sha256 ") {
		t.Errorf("backup printed %q", r.stdout)
	}
	r = must(t, 1, map[string]string{"TANDEM_LANG": "sv"}, "", "backup", "--data-dir", dir, "--out", out)
	if !strings.Contains(r.stderr, "skriver aldrig över en fil") {
		t.Errorf("backup onto an existing file, in Swedish: %q", r.stderr)
	}
	r = must(t, 2, map[string]string{"TANDEM_LANG": "ru"}, "", "backup", "--data-dir", dir)
	if !strings.Contains(r.stderr, "--out") {
		t.Errorf("backup without --out: %q", r.stderr)
	}

	other := t.TempDir()
	r = must(t, 0, nil, "", "restore", "--data-dir", other, "--from", out)
	if !strings.Contains(r.stdout, "Restored ") || strings.Contains(r.stdout, "kept as") {
		t.Errorf("restore printed %q", r.stdout)
	}
	must(t, 0, nil, "", "migrate", "--data-dir", other)
	r = must(t, 0, nil, "", "restore", "--data-dir", other, "--from", out)
	if !strings.Contains(r.stdout, "kept as ") {
		t.Errorf("restore over a database printed %q", r.stdout)
	}
	r = must(t, 1, map[string]string{"TANDEM_LANG": "ru"}, "", "restore", "--data-dir", other, "--from", filepath.Join(dir, "nothing.db"))
	if !strings.Contains(r.stderr, "нет") {
		t.Errorf("restore of a missing file, in Russian: %q", r.stderr)
	}

	if len(storetest.Dialects(t)) > 1 {
		url := storetest.CreateDatabase(t)
		r = must(t, 1, nil, "", "backup", "--database", url, "--out", filepath.Join(t.TempDir(), "pg.db"))
		if !strings.Contains(r.stderr, "pg_dump") {
			t.Errorf("backup of PostgreSQL: %q", r.stderr)
		}
	}
}
