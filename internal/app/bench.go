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
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tandemhq/tandem/internal/config"
	"github.com/tandemhq/tandem/internal/demo"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/loadbench"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/tandem"
	"github.com/tandemhq/tandem/internal/web"
)

// benchHTTP measures Tandem from outside, over HTTP: it serves the demo
// workspace and a plain net/http hello-world in this process, signs in as
// the demo's owner, manager and agent, runs each scenario of benchScenarios
// against it for --duration, --repeat times, and prints the median run of
// each with its ratio to the hello-world of the same run.
//
// With --grow it then grows the demo workspace (store.DB.Grow: by default
// a million audit entries, 100,000 partners and 100,000 deliverables, the
// size issue 16 names), runs the same scenarios again and prints, per
// scenario, the rate on the demo, on the grown workspace and their ratio,
// against the goal of issue 16 (benchGoal: every page keeps at least 0.8
// of its rate on the demo).
//
// Without --data-dir or --database (flag or environment) it works in a new
// temporary directory, removed at the end, so that its writes (partners
// named "Bench partner N") go nowhere. A database given must be empty (the
// demo is loaded into it) or hold the demo.
func (c *cli) benchHTTP(name string, args []string) int {
	f := c.newFlags(name)
	cfg := f.config((*config.Config).BindDB)
	dur := f.Duration("duration", 10*time.Second, "measured time of each scenario")
	conns := f.Int("connections", 50, "concurrent connections")
	repeat := f.Int("repeat", 3, "runs of each scenario; the median is printed")
	only := f.String("only", "", "comma-separated scenarios to run (default: all)")
	grow := f.Bool("grow", false, "after measuring the demo, grow its workspace and measure again (issue 16)")
	growAudit := f.Int("grow-audit", 1_000_000, "audit entries --grow adds (the partners' and deliverables' creations included)")
	growPartners := f.Int("grow-partners", 100_000, "partners --grow adds")
	growDeliverables := f.Int("grow-deliverables", 100_000, "deliverables --grow adds, over the demo's engagements")
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
	defer db.Close()
	if err := c.benchDemo(db, clk); err != nil {
		return c.fail(err)
	}

	tandemURL, stopTandem, err := serveOn(web.Options{DB: db, Catalog: c.cat, Version: Version,
		BaseURL: "http://127.0.0.1", Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		return c.fail(err)
	}
	defer stopTandem()
	// The audit chain is sealed meanwhile, as serve does (PostgreSQL); the
	// demo's history is sealed before, not in the measured time.
	if _, err := db.SealAudit(c.ctx); err != nil {
		return c.fail(err)
	}
	sctx, stopSealer := context.WithCancel(c.ctx)
	var swg sync.WaitGroup
	startSealer(sctx, &swg, slog.New(slog.NewTextHandler(io.Discard, nil)), db, store.SealInterval)
	defer func() { stopSealer(); swg.Wait() }()
	helloURL, stopHello, err := listenAndServe(loadbench.Hello())
	if err != nil {
		return c.fail(err)
	}
	defer stopHello()

	scenarios, err := benchScenarios(c.ctx, db, tandemURL, helloURL)
	if err != nil {
		return c.fail(err)
	}
	for i, s := range scenarios {
		if s.Name != benchNames[i] {
			panic("app: benchNames is not the list of benchScenarios") // a programming error
		}
	}
	if *only != "" {
		want := map[string]bool{}
		for _, n := range strings.Split(*only, ",") {
			want[strings.TrimSpace(n)] = true
		}
		var kept []loadbench.Scenario
		for i, s := range scenarios {
			if i == 0 || want[s.Name] { // the hello-world always runs
				kept = append(kept, s)
			}
		}
		scenarios = kept
	}

	fmt.Fprintln(c.stdout, c.l.T("cli.bench.header", "dialect", db.Dialect(), "connections", *conns,
		"seconds", strconv.FormatFloat(dur.Seconds(), 'f', -1, 64), "repeat", *repeat))
	client := loadbench.Client(*conns)
	opts := loadbench.Options{Connections: *conns, Duration: *dur}
	demoRuns, failures, ok := c.benchRun(client, scenarios, opts, *repeat)
	if !ok {
		return exitFail
	}
	fmt.Fprintln(c.stdout, c.l.T("cli.bench.footnote"))
	if *grow {
		ws, err := benchWorkspace(c.ctx, db)
		if err != nil {
			return c.fail(err)
		}
		o := store.GrowOptions{Audit: *growAudit, Partners: *growPartners, Deliverables: *growDeliverables}
		fmt.Fprintln(c.stdout, c.l.T("cli.bench.growing", "audit", c.l.Int(int64(o.Audit)), "partners", c.l.Int(int64(o.Partners)),
			"deliverables", c.l.Int(int64(o.Deliverables))))
		start := time.Now()
		res, err := db.Grow(c.ctx, ws, o)
		if err != nil {
			return c.fail(err)
		}
		fmt.Fprintln(c.stdout, c.l.T("cli.bench.grown", "audit", c.l.Int(int64(res.Audit)), "partners", c.l.Int(int64(res.Partners)),
			"deliverables", c.l.Int(int64(res.Deliverables)), "seconds", c.l.Decimal(int64(time.Since(start)/(100*time.Millisecond)), 1)))
		grownRuns, more, ok := c.benchRun(client, scenarios, opts, *repeat)
		if !ok {
			return exitFail
		}
		failures = append(failures, more...)
		c.benchCompare(scenarios, demoRuns, grownRuns)
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

// benchRun runs each scenario repeat times, prints the table of the
// median runs and returns them with the failures to report; ok is false
// when the command was interrupted.
func (c *cli) benchRun(client *http.Client, scenarios []loadbench.Scenario, o loadbench.Options, repeat int) (medians []loadbench.Result, failures []string, ok bool) {
	tw := table(c.stdout)
	fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", c.l.T("cli.bench.col.scenario"), c.l.T("cli.bench.col.rate"),
		c.l.T("cli.bench.col.ratio"), c.l.T("cli.bench.col.p50"), c.l.T("cli.bench.col.p99"), c.l.T("cli.bench.col.failed"))
	var hello float64
	for i, s := range scenarios {
		var runs []loadbench.Result
		for range repeat {
			runs = append(runs, loadbench.Run(c.ctx, client, s, o))
			if c.ctx.Err() != nil {
				return nil, nil, false
			}
		}
		m := loadbench.Median(runs)
		medians = append(medians, m)
		if i == 0 {
			hello = m.PerSecond()
		}
		ratio := "—"
		if hello > 0 {
			ratio = c.l.Decimal(int64(m.PerSecond()/hello*1000+0.5), 3) + "×"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", c.l.T("cli.bench.scenario."+s.Name), c.l.Int(int64(m.PerSecond()+0.5)),
			ratio, millis(c.l, m.P50), millis(c.l, m.P99), c.l.Int(m.Failures))
		if m.Failures > 0 {
			failures = append(failures, c.l.T("cli.bench.failure", "scenario", c.l.T("cli.bench.scenario."+s.Name), "detail", m.FirstFailure))
		}
	}
	tw.Flush()
	return medians, failures, true
}

// benchCompare prints, per scenario, the rate on the demo and on the grown
// workspace and their ratio, marking the ratios under benchGoal.
func (c *cli) benchCompare(scenarios []loadbench.Scenario, demoRuns, grownRuns []loadbench.Result) {
	fmt.Fprintln(c.stdout, c.l.T("cli.bench.compare", "goal", c.l.Decimal(benchGoal, 3)))
	tw := table(c.stdout)
	fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", c.l.T("cli.bench.col.scenario"), c.l.T("cli.bench.col.demo"),
		c.l.T("cli.bench.col.grown"), c.l.T("cli.bench.col.kept"), c.l.T("cli.bench.col.goal"))
	below := 0
	for i, s := range scenarios {
		d, g := demoRuns[i].PerSecond(), grownRuns[i].PerSecond()
		kept, goal := "—", "—"
		if d > 0 {
			k := int64(g/d*1000 + 0.5)
			kept, goal = c.l.Decimal(k, 3)+"×", c.l.T("cli.bench.goal.met")
			if k < benchGoal {
				goal = c.l.T("cli.bench.goal.missed")
				below++
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", c.l.T("cli.bench.scenario."+s.Name), c.l.Int(int64(d+0.5)), c.l.Int(int64(g+0.5)), kept, goal)
	}
	tw.Flush()
	fmt.Fprintln(c.stdout, c.l.T("cli.bench.below", "count", below))
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
	_, err = demo.Load(c.ctx, db, clk)
	return err
}

// serveOn serves Tandem's handler on a free loopback port.
func serveOn(o web.Options) (string, func(), error) {
	h, err := web.New(o)
	if err != nil {
		return "", nil, err
	}
	return listenAndServe(h)
}

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
	"notifications", "mixed_reads", "mixed_writes", "write_partner"}

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
	}
	order := []string{"healthz", "partners", "engagement", "portfolio", "scorecard_api", "scorecard_page", "owner_home", "manager_home", "agent_home"}
	// The pages added for issue 16 (lists, pickers, the audit trail) are
	// not in the mixes, which stay comparable with earlier runs.
	more := []string{"engagements", "engagement_new", "work", "deliverable", "audit", "notifications"}
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
	), nil
}
