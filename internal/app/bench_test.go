package app

import (
	"context"
	"strings"
	"testing"

	"github.com/tandemhq/tandem/internal/demo"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/store"
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

// TestBenchHTTPGrow runs `tandem bench http --grow` with small counts on
// each database: it measures the demo, grows its workspace by exactly the
// counts asked for, measures again and prints grown ÷ demo per scenario;
// the grown workspace's audit chain verifies.
func TestBenchHTTPGrow(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, tg target) {
		r := must(t, 0, map[string]string{"TANDEM_LANG": "sv"}, "", tg.with("bench", "http", "--duration", "200ms", "--repeat", "1",
			"--connections", "2", "--only", "audit,engagement_new,work", "--grow", "--grow-audit", "300", "--grow-partners", "40",
			"--grow-deliverables", "60")...)
		for _, want := range []string{"Växer demoarbetsytan: 300 granskningsposter, 40 partner, 60 leveranser…",
			"Växte med 300 granskningsposter, 40 partner och 60 leveranser", "Vuxen ÷ demo", "Granskningslogg (ägare)",
			"Formulär för nytt uppdrag, partnerväljare (ägare)", "Uppdragets arbetssida (chef)", "Scenarier under målet:"} {
			if !strings.Contains(r.stdout, want) {
				t.Errorf("output lacks %q:\n%s", want, r.stdout)
			}
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
		if _, n, err := db.Partners.List(context.Background(), p, tandem.Page{Q: "Grown partner", Limit: 1}, ""); err != nil || n != 40 {
			t.Errorf("grown partners: %d, %v", n, err)
		}
		if _, n, err := db.Work.List(context.Background(), p, tandem.Page{Q: "Grown deliverable", Limit: 1}, store.DeliverableFilter{}); err != nil || n != 60 {
			t.Errorf("grown deliverables: %d, %v", n, err)
		}
		if b, _, err := db.Audit.Verify(context.Background()); err != nil || b != nil {
			t.Errorf("audit verify: %+v, %v", b, err)
		}
	})
}
