package app

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/demo"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/loadbench"
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
			"--only", "partners,scorecard_api,mixed_writes,write_partner,write_call,write_value")...)
		for _, want := range []string{"Tandem по HTTP на " + map[bool]string{true: "postgres", false: "sqlite"}[strings.Contains(strings.Join(tg.args, " "), "postgres")],
			"hello-world на Go net/http (база)", "Список партнёров (владелец)", "API оценочного листа",
			"Смесь, 5\u00a0% записей", "Создать партнёра (API, надёжная запись)", "Записать звонок (API", "× hello-world"} {
			if !strings.Contains(r.stdout, want) {
				t.Errorf("output lacks %q:\n%s", want, r.stdout)
			}
		}
		if strings.Contains(r.stdout, "Главная агента") {
			t.Errorf("--only ran a scenario it did not name:\n%s", r.stdout)
		}
		db := tg.open(t)
		p := benchOwner(t, db)
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

// benchOwner is the principal of the demo's owner in db.
func benchOwner(t *testing.T, db *store.DB) tandem.Principal {
	t.Helper()
	u, err := db.Accounts.UserByEmail(context.Background(), demo.OwnerEmail)
	if err != nil {
		t.Fatal(err)
	}
	ms, err := db.Accounts.MembershipsOf(context.Background(), u.ID)
	if err != nil || len(ms) == 0 {
		t.Fatal(ms, err)
	}
	return tandem.Principal{UserID: u.ID, WorkspaceID: ms[0].WorkspaceID, Role: ms[0].Role}
}

// TestBenchHTTPGrow runs `tandem bench http --grow` with small counts on
// each database: it copies the demo, grows the database given by exactly
// the counts asked for and runs every scenario on the demo's copy and on
// the grown database in turn, each run's requests received by its own
// side's server alone; it prints grown ÷ demo per scenario with the ratio
// of each pair. The grown workspace's audit chain verifies, and the demo's
// copy is gone afterwards (PostgreSQL: its database dropped).
func TestBenchHTTPGrow(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, tg target) {
		var events []benchRunEvent
		var mu sync.Mutex
		opts := options{benchRun: func(ev benchRunEvent) {
			mu.Lock()
			defer mu.Unlock()
			events = append(events, ev)
		}}
		tmpBefore := benchCopies(t, tg)
		args := tg.with("bench", "http", "--duration", "200ms", "--repeat", "2", "--connections", "2",
			"--only", "audit,engagement_new,work,write_partner", "--grow", "--grow-audit", "300", "--grow-partners", "40",
			"--grow-deliverables", "60")
		var stdout, stderr bytes.Buffer
		if code := runWith(context.Background(), opts, args, func(k string) string { return map[string]string{"TANDEM_LANG": "sv"}[k] }, strings.NewReader(""), &stdout, &stderr); code != 0 {
			t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout.String(), stderr.String())
		}
		out := stdout.String()
		for _, want := range []string{"Kopierar demots databas", "Växer demoarbetsytan: 300 granskningsposter, 40 partner, 60 leveranser…",
			"Växte med 300 granskningsposter, 40 partner och 60 leveranser", "i tur och ordning", "par: 2.", "Demot:", "Den vuxna arbetsytan:",
			"medianen av parens kvoter", "Vuxen ÷ demo", "Par (vuxen ÷ demo)", "Vuxen ÷ demo, anrop per CPU-sekund", "Anrop per CPU-sekund:", "en server: bruset", "Granskningslogg (ägare)",
			"Formulär för nytt uppdrag, partnerväljare (ägare)", "Uppdragets arbetssida (chef)", "Scenarier under målet:"} {
			if !strings.Contains(out, want) {
				t.Errorf("output lacks %q:\n%s", want, out)
			}
		}
		// Every scenario ran demo, grown, demo, grown; each run of a page
		// reached its side's server, which received at least the requests
		// answered (the other side's server is not checked: a request cut
		// off by the end of the run before may still reach it). The
		// hello-world, which runs first, reaches neither.
		var seq []string
		for _, ev := range events {
			seq = append(seq, fmt.Sprintf("%s/%d", ev.scenario, ev.side))
			if ev.scenario == "hello" {
				if ev.served != 0 || ev.others != 0 {
					t.Errorf("the hello-world reached a Tandem server: %+v", ev)
				}
				continue
			}
			if ev.served == 0 || ev.served < ev.requests {
				t.Errorf("side %d's server received %d requests of %s, %d answered", ev.side, ev.served, ev.scenario, ev.requests)
			}
		}
		want := "hello/0 hello/1 hello/0 hello/1 engagement_new/0 engagement_new/1 engagement_new/0 engagement_new/1 work/0 work/1 work/0 work/1 " +
			"audit/0 audit/1 audit/0 audit/1 write_partner/0 write_partner/1 write_partner/0 write_partner/1"
		if got := strings.Join(seq, " "); got != want {
			t.Errorf("runs:\n%s\nwant:\n%s", got, want)
		}
		db := tg.open(t)
		p := benchOwner(t, db)
		if _, n, err := db.Partners.List(context.Background(), p, tandem.Page{Q: "Grown partner", Limit: 1}, ""); err != nil || n != 40 {
			t.Errorf("grown partners: %d, %v", n, err)
		}
		if _, n, err := db.Work.List(context.Background(), p, tandem.Page{Q: "Grown deliverable", Limit: 1}, store.DeliverableFilter{}); err != nil || n != 60 {
			t.Errorf("grown deliverables: %d, %v", n, err)
		}
		if b, _, err := db.Audit.Verify(context.Background()); err != nil || b != nil {
			t.Errorf("audit verify: %+v, %v", b, err)
		}
		if after := benchCopies(t, tg); after != tmpBefore {
			t.Errorf("the demo's copies: %d before the run, %d after", tmpBefore, after)
		}
		// A database grown before is refused: its "demo" would be grown.
		r := must(t, 1, map[string]string{"TANDEM_LANG": "en"}, "", tg.with("bench", "http", "--duration", "10ms", "--repeat", "1",
			"--only", "healthz", "--grow", "--grow-audit", "0", "--grow-partners", "0", "--grow-deliverables", "0")...)
		if !strings.Contains(r.stderr, "has been grown already") {
			t.Errorf("stderr: %s", r.stderr)
		}
	})
}

// benchCopies counts the demo's copies of tg's database that exist: on
// PostgreSQL the databases named after it with "_copy_". (On SQLite they
// are temporary directories of random names, beside other tests' own.) Its
// connection is closed before it returns: PostgreSQL copies no database
// that others are connected to.
func benchCopies(t *testing.T, tg target) int {
	t.Helper()
	if tg.opts.URL == "" {
		return 0
	}
	u, err := url.Parse(tg.opts.URL)
	if err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(context.Background(), tg.opts)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := store.QueryRowRaw(db, `SELECT COUNT(*) FROM pg_database WHERE starts_with(datname, ?)`,
		strings.TrimPrefix(u.Path, "/")+"_copy_").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestBenchKept: a scenario keeps the median of its pairs' ratios, of the
// rates and of the requests a CPU second, worked out by hand; a pair whose
// demo run answered nothing, or has no CPU time, has no ratio.
func TestBenchKept(t *testing.T) {
	t.Parallel()
	run := func(n int64) loadbench.Result { return loadbench.Result{Requests: n, Elapsed: 2 * time.Second} }
	demoRuns := []loadbench.Result{run(100), run(200), run(50), run(0)}
	grownRuns := []loadbench.Result{run(90), run(100), run(50), run(70)}
	ratios := benchPairRatios(demoRuns, grownRuns, loadbench.Result.PerSecond) // 90/100, 100/200, 50/50; the fourth pair has none
	if !slices.Equal(ratios, []int64{900, 500, 1000}) {
		t.Fatalf("ratios %v", ratios)
	}
	if k, ok := benchKept(ratios); !ok || k != 900 {
		t.Errorf("kept %d, %v; want 900", k, ok)
	}
	// An even count: the lower of the two middle ones, 500 of 500, 900.
	if k, ok := benchKept([]int64{900, 500}); !ok || k != 500 {
		t.Errorf("kept %d, %v; want 500", k, ok)
	}
	// By CPU time: requests a CPU second, 100/1 s ÷ 100/2 s = 0.5 and
	// 300/1.5 s ÷ 200/1 s = 1.0, the lower middle 500; a pair without
	// CPU time has none.
	cpuRun := func(n int64, cpu time.Duration) loadbench.Result {
		return loadbench.Result{Requests: n, Elapsed: 2 * time.Second, CPU: cpu, HasCPU: true}
	}
	demoRuns = []loadbench.Result{cpuRun(100, time.Second), cpuRun(200, time.Second), run(10)}
	grownRuns = []loadbench.Result{cpuRun(100, 2*time.Second), cpuRun(300, 1500*time.Millisecond), run(10)}
	ratios = benchPairRatios(demoRuns, grownRuns, perCPUSecond)
	if !slices.Equal(ratios, []int64{500, 1000}) {
		t.Fatalf("CPU ratios %v", ratios)
	}
	if k, ok := benchKept(ratios); !ok || k != 500 {
		t.Errorf("kept by CPU %d, %v; want 500", k, ok)
	}
	if _, ok := benchKept(nil); ok {
		t.Error("no pairs, yet a ratio")
	}
}
