package app

import (
	"os"
	"strings"
	"testing"
)

// TestBenchSoak runs a short `tandem bench soak`: the server runs in a
// process of its own, and every row of the table is printed in the
// person's language with the server's memory. SQLite only: the command
// does nothing of its own with the database (TestBenchHTTP runs the same
// scenarios on both), and loading the demo into PostgreSQL costs CI a
// minute.
func TestBenchSoak(t *testing.T) {
	t.Parallel()
	bin := buildTandem(t) // crash_test.go
	{
		tg := targets(t, "sqlite")
		r := must(t, 0, map[string]string{"TANDEM_LANG": "sv"}, "", tg.with("bench", "soak", "--server", bin,
			"--rate", "100", "--duration", "1s", "--every", "500ms", "--connections", "4")...)
		for _, want := range []string{"jämn last på 100 anrop per sekund", "före lasten", "efter 1 s", "MiB",
			"Anonymt (RssAnon)", "Mappade filer (RssFile)", "Databasfil", "Skrivlogg (WAL)"} {
			if !strings.Contains(r.stdout, want) {
				t.Errorf("output lacks %q:\n%s", want, r.stdout)
			}
		}
		// RSS, peak, anonymous, file-backed and the database file in every
		// row (the write-ahead log may not exist before the load).
		if rows := strings.Count(r.stdout, "MiB"); rows < 3*5 {
			t.Errorf("%d memory figures, want the start and two rows, five each:\n%s", rows, r.stdout)
		}
	}
}

func TestBenchSoakBadFlags(t *testing.T) {
	t.Parallel()
	r := must(t, 2, nil, "", "bench", "soak", "--rate", "0")
	if !strings.Contains(r.stderr, "--rate, --duration, --every and --connections must be greater than zero") {
		t.Errorf("stderr: %s", r.stderr)
	}
}

// TestMemoryOf reads this test's own process: /proc splits its resident
// memory into anonymous and file-backed pages, which add up to at most the
// whole (the rest is shared memory).
func TestMemoryOf(t *testing.T) {
	t.Parallel()
	if _, err := os.Stat("/proc/self/status"); err != nil {
		t.Skip("no /proc: not Linux")
	}
	m := memoryOf(os.Getpid())
	if m.rss <= 0 || m.peak < m.rss || m.anon <= 0 || m.file <= 0 || m.anon+m.file > m.rss {
		t.Errorf("memoryOf(self) = %+v: want RSS > 0, peak ≥ RSS, anonymous and file-backed > 0 and together ≤ RSS", m)
	}
	if m := memoryOf(-1); m != (memory{}) {
		t.Errorf("memoryOf(-1) = %+v, want zeros", m)
	}
}
