package app

import (
	"context"
	"strings"
	"testing"

	"github.com/tandemhq/tandem/internal/demo"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/tandem"
)

// TestBenchHTTP runs a short `tandem bench http` on each database: every
// scenario asked for answers without a failure, the table is in the
// person's language, and the writes it reports are in the database.
func TestBenchHTTP(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, tg target) {
		env := map[string]string{"TANDEM_LANG": "ru"}
		r := must(t, 0, env, "", tg.with("bench", "http", "--duration", "300ms", "--repeat", "1", "--connections", "4",
			"--only", "partners,scorecard_api,mixed_writes,write_partner")...)
		for _, want := range []string{"Tandem по HTTP на " + map[bool]string{true: "postgres", false: "sqlite"}[strings.Contains(strings.Join(tg.args, " "), "postgres")],
			"hello-world на Go net/http (база)", "Список партнёров (владелец)", "API оценочного листа",
			"Смесь, 5 % записей", "Создать партнёра (API, надёжная запись)", "× hello-world"} {
			if !strings.Contains(r.stdout, want) {
				t.Errorf("output lacks %q:\n%s", want, r.stdout)
			}
		}
		if strings.Contains(r.stdout, "Главная агента") {
			t.Errorf("--only ran a scenario it did not name:\n%s", r.stdout)
		}
		db := tg.open(t)
		u, err := db.Accounts.UserByEmail(context.Background(), demo.OwnerEmail)
		if err != nil {
			t.Fatal(err)
		}
		ms, err := db.Accounts.MembershipsOf(context.Background(), u.ID)
		if err != nil || len(ms) == 0 {
			t.Fatal(ms, err)
		}
		p := tandem.Principal{UserID: u.ID, WorkspaceID: ms[0].WorkspaceID, Role: ms[0].Role}
		_, n, err := db.Partners.List(context.Background(), p, tandem.Page{Q: "Bench partner", Limit: 1}, "")
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			t.Error("the benchmark's writes are not in the database")
		}
		// A second run on the same database finds the demo and writes
		// partners of other names.
		must(t, 0, env, "", tg.with("bench", "http", "--duration", "100ms", "--repeat", "1", "--connections", "2", "--only", "write_partner")...)
	})
}

func TestBenchHTTPBadFlags(t *testing.T) {
	t.Parallel()
	r := must(t, 2, nil, "", "bench", "http", "--duration", "0s")
	if !strings.Contains(r.stderr, "--duration, --connections and --repeat must be greater than zero") {
		t.Errorf("stderr: %s", r.stderr)
	}
	r = must(t, 2, map[string]string{"TANDEM_LANG": "sv"}, "", "bench", "http", "--only", "nope", "--data-dir", t.TempDir(), "--duration", "10ms", "--repeat", "1")
	if !strings.Contains(r.stderr, "inget scenario ”nope”") {
		t.Errorf("stderr: %s", r.stderr)
	}
}

// TestBenchLabels: every scenario has a label in every language.
func TestBenchLabels(t *testing.T) {
	t.Parallel()
	cat := i18n.MustLoad()
	for _, n := range benchNames {
		for _, lang := range i18n.Supported {
			if !cat.Has(lang, "cli.bench.scenario."+n) {
				t.Errorf("%s: no label for scenario %s", lang, n)
			}
		}
	}
}
