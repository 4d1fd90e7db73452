package app

import (
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
		for _, want := range []string{"jämn last på 100 anrop per sekund", "före lasten", "efter 1 s", "MiB"} {
			if !strings.Contains(r.stdout, want) {
				t.Errorf("output lacks %q:\n%s", want, r.stdout)
			}
		}
		if rows := strings.Count(r.stdout, "MiB"); rows < 3*2 {
			t.Errorf("%d memory figures, want the start and two rows, RSS and peak each:\n%s", rows, r.stdout)
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
