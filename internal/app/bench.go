package app

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tandemhq/tandem/internal/config"
	"github.com/tandemhq/tandem/internal/demo"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/loadbench"
	"github.com/tandemhq/tandem/internal/partner"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/survey"
	"github.com/tandemhq/tandem/internal/tandem"
	"github.com/tandemhq/tandem/internal/web"
)

// benchHTTP measures Tandem from outside, over HTTP: it serves the demo
// workspace and a plain net/http hello-world in this process, signs in as
// the demo's owner, manager and agent, runs each scenario of benchScenarios
// against it for --duration, --repeat times, and prints the median run of
// each with its ratio to the hello-world of the same run.
//
// With --grow it measures the demo against the demo grown (store.DB.Grow:
// by default a million audit entries, 100,000 partners and 100,000
// deliverables, the size issue 16 names) by alternation, so that a swing
// of the machine's load between two phases cannot decide the comparison:
// after loading the demo it copies the database (store.Clone) — the copy
// stays the demo, the database itself is grown — serves both, each with
// its own server, sessions and ids, and runs every scenario on the demo,
// then on the grown workspace, then on the demo … (--repeat pairs). It
// prints the tables of both and, per scenario, the median of the pairs'
// ratios grown ÷ demo against the goal of issue 16 (benchGoal: every page
// keeps at least 0.8 of its rate on the demo).
//
// Without --data-dir or --database (flag or environment) it works in a new
// temporary directory, removed at the end, so that its writes (partners
// named "Bench partner N") go nowhere. A database given must be empty (the
// demo is loaded into it) or hold the demo; with --grow, it is grown (the
// demo's copy is temporary) and it must not have been grown before.
func (c *cli) benchHTTP(name string, args []string) int {
	f := c.newFlags(name)
	cfg := f.config((*config.Config).BindDB)
	dur := f.Duration("duration", 10*time.Second, "measured time of each scenario")
	conns := f.Int("connections", 50, "concurrent connections")
	repeat := f.Int("repeat", 3, "runs of each scenario (with --grow: pairs of runs, demo then grown); the median is printed")
	only := f.String("only", "", "comma-separated scenarios to run (default: all)")
	grow := f.Bool("grow", false, "copy the demo, grow the database and measure the two in alternation (issue 16)")
	growAudit := f.Int("grow-audit", 1_000_000, "audit entries --grow adds (the partners' and deliverables' creations included)")
	growPartners := f.Int("grow-partners", 100_000, "partners --grow adds")
	growDeliverables := f.Int("grow-deliverables", 100_000, "deliverables --grow adds, over the demo's engagements")
	cpuProfile := f.String("cpuprofile", "", "write a CPU profile of the measured runs (server and load together) to this file")
	if code, ok := f.parse(args); !ok {
		return code
	}
	if *dur <= 0 || *conns <= 0 || *repeat <= 0 {
		return f.usageError(c.l.T("cli.bench.positive"))
	}
	if *growAudit < 0 || *growPartners < 0 || *growDeliverables < 0 {
		return f.usageError(c.l.T("cli.bench.grow_negative"))
	}
	for _, n := range strings.Split(*only, ",") {
		if n = strings.TrimSpace(n); n != "" && !slices.Contains(benchNames, n) {
			return f.usageError(c.l.T("cli.bench.unknown", "name", n))
		}
	}
	cleanup, err := c.benchStore(f, cfg, "tandem-bench-")
	if err != nil {
		return c.fail(err)
	}
	defer cleanup()
	db, clk, err := c.openDemo(cfg)
	if err != nil {
		return c.fail(err)
	}
	defer func() { // db is closed and opened again by benchGrow
		if db != nil {
			db.Close()
		}
	}()
	if err := c.benchDemo(db, clk); err != nil {
		return c.fail(err)
	}
	// The demo's history is sealed before, not in the measured time.
	if _, err := db.SealAudit(c.ctx); err != nil {
		return c.fail(err)
	}
	dbs := []*store.DB{db}
	if *grow {
		demoDB, remove, err := c.benchGrow(cfg, clk, &db, store.GrowOptions{Audit: *growAudit, Partners: *growPartners, Deliverables: *growDeliverables})
		if err != nil {
			return c.fail(err)
		}
		defer remove()
		defer demoDB.Close()
		dbs = []*store.DB{demoDB, db}
	}

	helloURL, stopHello, err := listenAndServe(loadbench.Hello())
	if err != nil {
		return c.fail(err)
	}
	defer stopHello()
	// The audit chains are sealed meanwhile, as serve does (PostgreSQL).
	sctx, stopSealer := context.WithCancel(c.ctx)
	var swg sync.WaitGroup
	defer func() { stopSealer(); swg.Wait() }()
	sides := make([]*benchSide, len(dbs))
	for i, d := range dbs {
		s := &benchSide{}
		h, err := web.New(web.Options{DB: d, Catalog: c.cat, Version: Version,
			BaseURL: "http://127.0.0.1", Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		if err != nil {
			return c.fail(err)
		}
		u, stop, err := listenAndServe(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			s.served.Add(1)
			h.ServeHTTP(w, r)
		}))
		if err != nil {
			return c.fail(err)
		}
		defer stop()
		startSealer(sctx, &swg, slog.New(slog.NewTextHandler(io.Discard, nil)), d, store.SealInterval)
		if s.scenarios, err = benchScenarios(c.ctx, d, u, helloURL); err != nil {
			return c.fail(err)
		}
		s.scenarios = benchOnly(s.scenarios, *only)
		sides[i] = s
	}

	fmt.Fprintln(c.stdout, c.l.T("cli.bench.header", "dialect", db.Dialect(), "connections", *conns,
		"seconds", strconv.FormatFloat(dur.Seconds(), 'f', -1, 64), "repeat", *repeat))
	if *grow {
		fmt.Fprintln(c.stdout, c.l.T("cli.bench.alternation", "repeat", *repeat))
	}
	client := loadbench.Client(*conns)
	opts := loadbench.Options{Connections: *conns, Duration: *dur}
	if *cpuProfile != "" {
		out, err := os.Create(*cpuProfile)
		if err != nil {
			return c.fail(err)
		}
		defer out.Close()
		if err := pprof.StartCPUProfile(out); err != nil {
			return c.fail(err)
		}
		defer pprof.StopCPUProfile()
	}
	if !c.benchMeasure(client, sides, opts, *repeat) {
		return exitFail
	}
	var failures []string
	for i, s := range sides {
		if *grow {
			fmt.Fprintln(c.stdout, c.l.T([]string{"cli.bench.side.demo", "cli.bench.side.grown"}[i]))
		}
		failures = append(failures, c.benchTable(s)...)
	}
	fmt.Fprintln(c.stdout, c.l.T("cli.bench.footnote"))
	if *grow {
		c.benchCompare(sides[0], sides[1])
	}
	for _, fl := range failures {
		fmt.Fprintln(c.stderr, fl)
	}
	if len(failures) > 0 {
		return exitFail
	}
	return exitOK
}

// benchGoal is the share of the demo's rate each scenario must keep on the
// grown workspace (issue 16), in thousandths.
const benchGoal = 800

// benchSide is one database under measurement: its scenarios, the runs of
// each (runs[i] those of scenarios[i], in order) and how many requests its
// server has received.
type benchSide struct {
	scenarios []loadbench.Scenario
	runs      [][]loadbench.Result
	served    atomic.Int64
}

// benchRunEvent tells a test about one run of a scenario: on which side
// (0 the demo, 1 the grown workspace), the requests answered in the
// measured time and those the side's server received meanwhile (warm-up
// included).
type benchRunEvent struct {
	scenario       string
	side           int
	requests       int64
	served, others int64 // others: received by the other sides' servers
}

// benchGrow makes the second database of --grow: it closes *db, copies its
// database (store.Clone, which on PostgreSQL needs the source closed),
// opens *db again and grows its demo workspace by o. It returns the copy,
// which stays the demo, open, and how to remove it.
func (c *cli) benchGrow(cfg *config.Config, clk *demo.Clock, db **store.DB, o store.GrowOptions) (_ *store.DB, remove func(), err error) {
	ws, err := benchWorkspace(c.ctx, *db)
	if err != nil {
		return nil, nil, err
	}
	var grown int
	if err := store.QueryRowRaw(*db, `SELECT COUNT(*) FROM partners WHERE workspace_id = ? AND legal_name LIKE 'Grown partner %'`,
		ws).Scan(&grown); err != nil {
		return nil, nil, err
	}
	if grown > 0 {
		return nil, nil, tandem.Errorf(tandem.EInvalid, i18n.K("cli.bench.already_grown"))
	}
	fmt.Fprintln(c.stdout, c.l.T("cli.bench.copying"))
	(*db).Close()
	src := store.Options{URL: cfg.DatabaseURL, DataDir: cfg.DataDir, Now: clk.Now}
	copyOpts, remove, err := store.Clone(c.ctx, src, "tandem-bench-demo-")
	// *db is opened again even when the copy failed: benchHTTP closes it
	// (nil: nothing to close).
	again, oerr := store.Open(c.ctx, src)
	if oerr != nil {
		*db = nil
		if err == nil {
			remove()
		}
		return nil, nil, oerr
	}
	*db = again
	if err != nil {
		return nil, nil, err
	}
	demoDB, err := store.Open(c.ctx, copyOpts)
	if err != nil {
		remove()
		return nil, nil, err
	}
	fmt.Fprintln(c.stdout, c.l.T("cli.bench.growing", "audit", c.l.Int(int64(o.Audit)), "partners", c.l.Int(int64(o.Partners)),
		"deliverables", c.l.Int(int64(o.Deliverables))))
	start := time.Now()
	res, err := (*db).Grow(c.ctx, ws, o)
	if err != nil {
		demoDB.Close()
		remove()
		return nil, nil, err
	}
	fmt.Fprintln(c.stdout, c.l.T("cli.bench.grown", "audit", c.l.Int(int64(res.Audit)), "partners", c.l.Int(int64(res.Partners)),
		"deliverables", c.l.Int(int64(res.Deliverables)), "seconds", c.l.Decimal(int64(time.Since(start)/(100*time.Millisecond)), 1)))
	return demoDB, remove, nil
}

// benchOnly keeps the scenarios only names (comma-separated; all when
// empty), and the hello-world, which always runs.
func benchOnly(scenarios []loadbench.Scenario, only string) []loadbench.Scenario {
	for i, s := range scenarios {
		if s.Name != benchNames[i] {
			panic("app: benchNames is not the list of benchScenarios") // a programming error
		}
	}
	if only == "" {
		return scenarios
	}
	want := map[string]bool{}
	for _, n := range strings.Split(only, ",") {
		want[strings.TrimSpace(n)] = true
	}
	var kept []loadbench.Scenario
	for i, s := range scenarios {
		if i == 0 || want[s.Name] {
			kept = append(kept, s)
		}
	}
	return kept
}

// benchMeasure runs each scenario repeat times on every side, in turn: the
// scenario on side 0, on side 1, on side 0 … so that each run of side 1
// has a run of side 0 just before it, under the same load of the machine.
// ok is false when the command was interrupted.
func (c *cli) benchMeasure(client *http.Client, sides []*benchSide, o loadbench.Options, repeat int) (ok bool) {
	for _, s := range sides {
		s.runs = make([][]loadbench.Result, len(s.scenarios))
	}
	for i := range sides[0].scenarios {
		for range repeat {
			for k, s := range sides {
				before := make([]int64, len(sides))
				for j, t := range sides {
					before[j] = t.served.Load()
				}
				r := loadbench.Run(c.ctx, client, s.scenarios[i], o)
				if c.ctx.Err() != nil {
					return false
				}
				s.runs[i] = append(s.runs[i], r)
				if c.opts.benchRun != nil {
					ev := benchRunEvent{scenario: s.scenarios[i].Name, side: k, requests: r.Requests}
					for j, t := range sides {
						if n := t.served.Load() - before[j]; j == k {
							ev.served = n
						} else {
							ev.others += n
						}
					}
					c.opts.benchRun(ev)
				}
			}
		}
	}
	return true
}

// benchTable prints the table of a side's median runs and returns the
// failures to report.
func (c *cli) benchTable(s *benchSide) (failures []string) {
	tw := table(c.stdout)
	fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", c.l.T("cli.bench.col.scenario"), c.l.T("cli.bench.col.rate"),
		c.l.T("cli.bench.col.ratio"), c.l.T("cli.bench.col.p50"), c.l.T("cli.bench.col.p95"), c.l.T("cli.bench.col.p99"), c.l.T("cli.bench.col.failed"))
	var hello float64
	for i, sc := range s.scenarios {
		m := loadbench.Median(s.runs[i])
		if i == 0 {
			hello = m.PerSecond()
		}
		ratio := "—"
		if hello > 0 {
			ratio = c.l.Decimal(int64(m.PerSecond()/hello*1000+0.5), 3) + "×"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", c.l.T("cli.bench.scenario."+sc.Name), c.l.Int(int64(m.PerSecond()+0.5)),
			ratio, millis(c.l, m.P50), millis(c.l, m.P95), millis(c.l, m.P99), c.l.Int(m.Failures))
		if m.Failures > 0 {
			failures = append(failures, c.l.T("cli.bench.failure", "scenario", c.l.T("cli.bench.scenario."+sc.Name), "detail", m.FirstFailure))
		}
	}
	tw.Flush()
	return failures
}

// benchPairRatios are the ratios f(grown) ÷ f(demo) of the pairs of runs
// (demo's run k, grown's run k), in thousandths; a pair whose demo run has
// f 0 has none.
func benchPairRatios(demoRuns, grownRuns []loadbench.Result, f func(loadbench.Result) float64) []int64 {
	var out []int64
	for k := range min(len(demoRuns), len(grownRuns)) {
		if d := f(demoRuns[k]); d > 0 {
			out = append(out, int64(f(grownRuns[k])/d*1000+0.5))
		}
	}
	return out
}

// perCPUSecond is a run's requests answered per second of the process's
// CPU time (0 where the system does not tell).
func perCPUSecond(r loadbench.Result) float64 {
	if c := r.CPUPerRequest(); c > 0 {
		return float64(time.Second) / float64(c)
	}
	return 0
}

// benchKept is what a scenario keeps on the grown workspace: the median of
// its pairs' ratios (the lower of the two middle ones for an even count,
// as loadbench.Median), not the ratio of the two sides' medians. The two
// runs of a pair follow each other, so a change of the machine's load
// between pairs moves both and leaves their ratio; the median then drops
// the pair a burst fell into the middle of. The medians of the sides may
// come from different pairs, under different loads. ok is false when no
// pair has a ratio.
func benchKept(ratios []int64) (kept int64, ok bool) {
	if len(ratios) == 0 {
		return 0, false
	}
	s := slices.Clone(ratios)
	slices.Sort(s)
	return s[(len(s)-1)/2], true
}

// benchCompare prints, per scenario, the median rate on the demo and on
// the grown workspace, the ratio of each pair of runs and their median
// (benchKept), marking those under benchGoal, and beside them the same
// median for the requests answered per second of the process's CPU time
// (perCPUSecond), which the machine's other load hardly moves: what the
// rate would keep where the CPU alone decides it. The hello-world's pairs run
// on the same server: their ratios show how much the measurement itself
// swings, and are held to no goal.
func (c *cli) benchCompare(demoSide, grownSide *benchSide) {
	fmt.Fprintln(c.stdout, c.l.T("cli.bench.compare", "goal", c.l.Decimal(benchGoal, 3)))
	tw := table(c.stdout)
	fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", c.l.T("cli.bench.col.scenario"), c.l.T("cli.bench.col.demo"),
		c.l.T("cli.bench.col.grown"), c.l.T("cli.bench.col.kept"), c.l.T("cli.bench.col.pairs"), c.l.T("cli.bench.col.cpu"),
		c.l.T("cli.bench.col.goal"))
	below := 0
	for i, s := range demoSide.scenarios {
		d, g := loadbench.Median(demoSide.runs[i]).PerSecond(), loadbench.Median(grownSide.runs[i]).PerSecond()
		ratios := benchPairRatios(demoSide.runs[i], grownSide.runs[i], loadbench.Result.PerSecond)
		cpu := "—"
		if k, ok := benchKept(benchPairRatios(demoSide.runs[i], grownSide.runs[i], perCPUSecond)); ok {
			cpu = c.l.Decimal(k, 3) + "×"
		}
		pairs := make([]string, len(ratios))
		for j, r := range ratios {
			pairs[j] = c.l.Decimal(r, 3)
		}
		kept, goal := "—", "—"
		if k, ok := benchKept(ratios); ok {
			kept = c.l.Decimal(k, 3) + "×"
			switch {
			case i == 0:
				goal = c.l.T("cli.bench.goal.noise")
			case k < benchGoal:
				goal = c.l.T("cli.bench.goal.missed")
				below++
			default:
				goal = c.l.T("cli.bench.goal.met")
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", c.l.T("cli.bench.scenario."+s.Name), c.l.Int(int64(d+0.5)), c.l.Int(int64(g+0.5)),
			kept, strings.Join(pairs, " "), cpu, goal)
	}
	tw.Flush()
	fmt.Fprintln(c.stdout, c.l.T("cli.bench.below", "count", below))
	fmt.Fprintln(c.stdout, c.l.T("cli.bench.cpu_note"))
}

// benchWorkspace is the demo workspace's id.
func benchWorkspace(ctx context.Context, db *store.DB) (int64, error) {
	u, err := db.Accounts.UserByEmail(ctx, demo.OwnerEmail)
	if err != nil {
		return 0, err
	}
	ms, err := db.Accounts.MembershipsOf(ctx, u.ID)
	if err != nil {
		return 0, err
	}
	if len(ms) == 0 {
		return 0, fmt.Errorf("%s has no workspace", demo.OwnerEmail)
	}
	return ms[0].WorkspaceID, nil
}

// benchStore points cfg at a new temporary directory (named with prefix)
// unless a database was given (--data-dir, --database or their
// environment variables), so that a benchmark's writes go nowhere; cleanup
// removes the directory.
func (c *cli) benchStore(f *flags, cfg *config.Config, prefix string) (cleanup func(), err error) {
	given := cfg.DatabaseURL != "" || c.getenv(config.EnvDataDir) != ""
	f.Visit(func(fl *flag.Flag) { given = given || fl.Name == "data-dir" })
	if given {
		return func() {}, nil
	}
	dir, err := os.MkdirTemp("", prefix)
	if err != nil {
		return nil, err
	}
	cfg.DataDir = dir
	return func() { os.RemoveAll(dir) }, nil
}

// millis formats a duration in milliseconds with one decimal.
func millis(l *i18n.Localizer, d time.Duration) string {
	return l.T("cli.bench.ms", "ms", l.Decimal(int64(d/(100*time.Microsecond)), 1))
}

// benchDemo loads the demo into an empty database and refuses one that
// holds other workspaces.
func (c *cli) benchDemo(db *store.DB, clk *demo.Clock) error {
	exists, err := demo.Exists(c.ctx, db)
	if err != nil || exists {
		return err
	}
	wss, err := db.Accounts.Workspaces(c.ctx)
	if err != nil {
		return err
	}
	if len(wss) > 0 {
		return tandem.Errorf(tandem.EInvalid, i18n.K("cli.bench.not_demo"))
	}
	fmt.Fprintln(c.stdout, c.l.T("cli.bench.loading"))
	if _, err = demo.Load(c.ctx, db, clk); err != nil {
		return err
	}
	// The partners list shows a full page, as issue 16 measures it ("50
	// rows"): the demo has a few partners, so more are added.
	ws, err := benchWorkspace(c.ctx, db)
	if err != nil {
		return err
	}
	sys := store.System(ws, "bench")
	_, total, err := db.Partners.List(c.ctx, sys, tandem.Page{Limit: 1}, "")
	if err != nil {
		return err
	}
	for i := total; i < benchListRows; i++ {
		p := &partner.Partner{LegalName: fmt.Sprintf("Bench list partner %02d AB", i), Country: "SE", Status: partner.StatusActive}
		if err := db.Partners.Create(c.ctx, sys, p); err != nil {
			return err
		}
	}
	return nil
}

// benchListRows is how many rows the partners list of the benchmark's
// demo shows: a full page.
const benchListRows = 50

// listenAndServe serves h on a free loopback port and returns its URL and
// how to stop it.
func listenAndServe(h http.Handler) (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return "http://" + ln.Addr().String(), func() { _ = srv.Close() }, nil
}

// benchPerson is a demo person signed in for the benchmark: a session
// cookie for pages and an API token.
type benchPerson struct {
	cookie, bearer http.Header
	p              tandem.Principal
}

func signInForBench(ctx context.Context, db *store.DB, email string) (benchPerson, error) {
	u, err := db.Accounts.UserByEmail(ctx, email)
	if err != nil {
		return benchPerson{}, err
	}
	ms, err := db.Accounts.MembershipsOf(ctx, u.ID)
	if err != nil {
		return benchPerson{}, err
	}
	if len(ms) == 0 {
		return benchPerson{}, fmt.Errorf("%s has no workspace", email)
	}
	secret, err := db.Accounts.CreateSession(ctx, u.ID, ms[0].WorkspaceID, 24*time.Hour, "tandem bench", "127.0.0.1")
	if err != nil {
		return benchPerson{}, err
	}
	id, err := db.Accounts.Identify(ctx, secret, 24*time.Hour)
	if err != nil {
		return benchPerson{}, err
	}
	tok, _, err := db.Accounts.CreateToken(ctx, id.Principal, "tandem bench")
	if err != nil {
		return benchPerson{}, err
	}
	return benchPerson{
		cookie: http.Header{"Cookie": {"tandem_session=" + secret}},
		bearer: http.Header{"Authorization": {"Bearer " + tok}},
		p:      id.Principal,
	}, nil
}

// benchNames are the scenarios benchScenarios returns, in order.
var benchNames = []string{"hello", "healthz", "partners", "engagement", "portfolio", "scorecard_api", "scorecard_page",
	"owner_home", "manager_home", "agent_home", "engagements", "engagement_new", "work", "deliverable", "audit",
	"notifications", "sales_today", "sales_board", "sales_account", "mixed_reads", "mixed_writes", "write_partner", "write_call", "write_value"}

// benchScenarios are the scenarios of `tandem bench http`, the hello-world
// first (the baseline of the ratios). Their names are catalogue keys
// "cli.bench.scenario.<name>".
func benchScenarios(ctx context.Context, db *store.DB, base, hello string) ([]loadbench.Scenario, error) {
	owner, err := signInForBench(ctx, db, demo.OwnerEmail)
	if err != nil {
		return nil, err
	}
	manager, err := signInForBench(ctx, db, "johan.bergstrom@norrsken.example")
	if err != nil {
		return nil, err
	}
	agent, err := signInForBench(ctx, db, "aleksei.smirnov@nordcall.example")
	if err != nil {
		return nil, err
	}
	engs, _, err := db.Engagements.List(ctx, owner.p, tandem.Page{Limit: 1}, store.EngagementFilter{})
	if err != nil {
		return nil, err
	}
	if len(engs) == 0 {
		return nil, fmt.Errorf("the demo has no engagement")
	}
	eng := strconv.FormatInt(engs[0].ID, 10)
	// The work page and the deliverable page: the demo's first
	// deliverable and its engagement.
	var deliv, workEng int64
	if err := store.QueryRowRaw(db, `SELECT id, engagement_id FROM deliverables WHERE workspace_id = ? ORDER BY id LIMIT 1`,
		owner.p.WorkspaceID).Scan(&deliv, &workEng); err != nil {
		return nil, fmt.Errorf("the demo's first deliverable: %w", err)
	}
	// The sales agent's screens: Today, the board of the engagement of
	// the agent's first account, and that account's page.
	var acct, salesEng int64
	if err := store.QueryRowRaw(db, `SELECT id, engagement_id FROM sales_accounts WHERE workspace_id = ? AND agent_membership_id = ? ORDER BY id LIMIT 1`,
		owner.p.WorkspaceID, agent.p.MembershipID).Scan(&acct, &salesEng); err != nil {
		return nil, fmt.Errorf("the demo agent's first account: %w", err)
	}
	// Calls the agent logs, in turn on up to 50 of their accounts (as a
	// day of calling spreads over the call list).
	var calls []loadbench.Request
	rows, err := store.QueryRaw(db, `SELECT id FROM sales_accounts WHERE workspace_id = ? AND agent_membership_id = ? ORDER BY id LIMIT 50`,
		owner.p.WorkspaceID, agent.p.MembershipID)
	if err != nil {
		return nil, fmt.Errorf("the demo agent's accounts: %w", err)
	}
	callHeader := agent.bearer.Clone()
	callHeader.Set("Content-Type", "application/json")
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		calls = append(calls, loadbench.Request{Method: http.MethodPost, URL: base + "/api/v1/sales/accounts/" + strconv.FormatInt(id, 10) + "/activities",
			Header: callHeader, Body: func(n int64) []byte {
				return fmt.Appendf(nil, `{"kind":"call","direction":"out","outcome":"no_answer","duration_s":%d}`, 5+n%50)
			}})
	}
	if err := rows.Close(); err != nil {
		return nil, err
	}
	get := func(who benchPerson, path string) loadbench.Request {
		h := who.cookie
		if strings.HasPrefix(path, "/api/") {
			h = who.bearer
		}
		return loadbench.Request{Method: http.MethodGet, URL: base + path, Header: h}
	}
	jsonHeader := owner.bearer.Clone()
	jsonHeader.Set("Content-Type", "application/json")
	writePartner := loadbench.Request{Method: http.MethodPost, URL: base + "/api/v1/partners", Header: jsonHeader,
		Body: func(n int64) []byte {
			// Unique per process run and request: the run may be repeated
			// on the same database.
			return fmt.Appendf(nil, `{"legal_name":"Bench partner %d-%d","country":"SE"}`, time.Now().UnixNano(), n)
		}}
	// A value the owner records: the pulse survey's manual metric of the
	// sales engagement (the demo's terms), the value of the month of today
	// entered again and again, each replacing the last and counted anew.
	today := db.Now().UTC().Format(time.DateOnly)
	writeValue := loadbench.Request{Method: http.MethodPost, URL: base + "/api/v1/engagements/" + strconv.FormatInt(salesEng, 10) + "/values",
		Header: jsonHeader, Body: func(n int64) []byte {
			return fmt.Appendf(nil, `{"metric":%q,"period":"month","period_start":%q,"value":"4.%d"}`, survey.MetricTransparency, today, 1+n%9)
		}}
	reads := map[string]loadbench.Request{
		"healthz":        {Method: http.MethodGet, URL: base + "/healthz"},
		"partners":       get(owner, "/partners"),
		"engagement":     get(owner, "/engagements/"+eng),
		"portfolio":      get(owner, "/portfolio"),
		"scorecard_api":  get(owner, "/api/v1/engagements/"+eng+"/scorecard"),
		"scorecard_page": get(owner, "/engagements/"+eng+"/scorecard"),
		"owner_home":     get(owner, "/"),
		"manager_home":   get(manager, "/"),
		"agent_home":     get(agent, "/"),
		"engagements":    get(owner, "/engagements"),
		"engagement_new": get(owner, "/engagements/new"),
		"work":           get(manager, "/engagements/"+strconv.FormatInt(workEng, 10)+"/work"),
		"deliverable":    get(manager, "/deliverables/"+strconv.FormatInt(deliv, 10)),
		"audit":          get(owner, "/audit"),
		"notifications":  get(manager, "/notifications"),
		"sales_today":    get(agent, "/sales/today"),
		"sales_board":    get(agent, "/engagements/"+strconv.FormatInt(salesEng, 10)+"/sales/board"),
		"sales_account":  get(agent, "/sales/accounts/"+strconv.FormatInt(acct, 10)),
	}
	order := []string{"healthz", "partners", "engagement", "portfolio", "scorecard_api", "scorecard_page", "owner_home", "manager_home", "agent_home"}
	// The pages added for issue 16 (lists, pickers, the audit trail) are
	// not in the mixes, which stay comparable with earlier runs.
	more := []string{"engagements", "engagement_new", "work", "deliverable", "audit", "notifications", "sales_today", "sales_board", "sales_account"}
	out := []loadbench.Scenario{loadbench.Only("hello", loadbench.Request{Method: http.MethodGet, URL: hello})}
	var mix []loadbench.Request
	for _, n := range order {
		out = append(out, loadbench.Only(n, reads[n]))
		if n != "healthz" {
			mix = append(mix, reads[n])
		}
	}
	for _, n := range more {
		out = append(out, loadbench.Only(n, reads[n]))
	}
	return append(out,
		loadbench.Rotate("mixed_reads", mix, nil, 0),
		loadbench.Rotate("mixed_writes", mix, []loadbench.Request{writePartner}, 20),
		loadbench.Only("write_partner", writePartner),
		loadbench.Rotate("write_call", calls, nil, 0),
		loadbench.Only("write_value", writeValue),
	), nil
}
