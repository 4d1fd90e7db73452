package app

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/tandemhq/tandem/internal/config"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/loadbench"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/tandem"
)

// benchSoak runs the demo in a `tandem serve` process of its own and loads
// it at a steady --rate for --duration, printing every --every the rate it
// reached, p99, failures and the server's resident memory (VmRSS and its
// peak VmHWM, read from /proc: Linux) — the server alone, not the load
// generator, so that a person sees whether memory stays flat under load.
//
// The mix is the pages a steady day is made of and that the server can
// answer at 1,000 a second on two cores: the partners list, an engagement
// page and the scorecard API of the owner, and the health check, with
// every 20th request a durable write (a new partner), so that the data
// grows during the run. The portfolio and the homes are measured by
// `bench http`; they do not yet reach that rate (issue 16).
func (c *cli) benchSoak(name string, args []string) int {
	f := c.newFlags(name)
	cfg := f.config((*config.Config).BindDB)
	rate := f.Int("rate", 1000, "requests a second in all")
	dur := f.Duration("duration", 10*time.Minute, "how long the load lasts")
	every := f.Duration("every", time.Minute, "a row of the table this often")
	conns := f.Int("connections", 50, "concurrent connections")
	bin := f.String("server", "", "the tandem binary that serves (default: this one)")
	if code, ok := f.parse(args); !ok {
		return code
	}
	if *rate <= 0 || *dur <= 0 || *every <= 0 || *conns <= 0 {
		return f.usageError(c.l.T("cli.bench.soak.positive"))
	}
	if *bin == "" {
		exe, err := os.Executable()
		if err != nil {
			return c.fail(err)
		}
		*bin = exe
	}
	cleanup, err := c.benchStore(f, cfg, "tandem-soak-")
	if err != nil {
		return c.fail(err)
	}
	defer cleanup()

	// The demo and the sign-ins are written here; the server runs apart.
	addr, err := freeAddr()
	if err != nil {
		return c.fail(err)
	}
	base := "http://" + addr
	db, clk, err := c.openDemo(cfg)
	if err != nil {
		return c.fail(err)
	}
	if err := c.benchDemo(db, clk); err != nil {
		db.Close()
		return c.fail(err)
	}
	scenarios, err := benchScenarios(c.ctx, db, base, "")
	dialect := db.Dialect()
	db.Close()
	if err != nil {
		return c.fail(err)
	}
	pick := map[string]loadbench.Request{}
	for _, s := range scenarios {
		pick[s.Name] = s.Pick(0)
	}
	mix := loadbench.Rotate("soak", []loadbench.Request{pick["partners"], pick["engagement"], pick["scorecard_api"], pick["healthz"]},
		[]loadbench.Request{pick["write_partner"]}, 20)

	serveArgs := []string{"serve", "--addr", addr, "--log-level", "error"}
	if cfg.DatabaseURL != "" {
		serveArgs = append(serveArgs, "--database", cfg.DatabaseURL)
	} else {
		serveArgs = append(serveArgs, "--data-dir", cfg.DataDir)
	}
	srv := exec.Command(*bin, serveArgs...)
	srv.Stderr = c.stderr
	if err := srv.Start(); err != nil {
		return c.fail(err)
	}
	defer func() {
		_ = srv.Process.Signal(syscall.SIGTERM)
		_ = srv.Wait()
	}()
	client := loadbench.Client(*conns)
	if err := waitHealthy(c.ctx, client, base+"/healthz", 30*time.Second); err != nil {
		return c.fail(err)
	}

	fmt.Fprintln(c.stdout, c.l.T("cli.bench.soak.header", "dialect", dialect, "rate", c.l.Int(int64(*rate)),
		"connections", *conns, "pid", strconv.Itoa(srv.Process.Pid)))
	// Each row is printed when it is measured, so the cells are padded to
	// one width instead of aligned by the whole table.
	tw := tabwriter.NewWriter(c.stdout, 22, 4, 1, ' ', 0)
	fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", c.l.T("cli.bench.soak.col.at"), c.l.T("cli.bench.col.rate"),
		c.l.T("cli.bench.col.p99"), c.l.T("cli.bench.col.failed"), c.l.T("cli.bench.soak.col.rss"), c.l.T("cli.bench.soak.col.peak"),
		c.l.T("cli.bench.soak.col.anon"), c.l.T("cli.bench.soak.col.file"), c.l.T("cli.bench.soak.col.db"), c.l.T("cli.bench.soak.col.wal"))
	// The database file and its write-ahead log on disk (SQLite;
	// PostgreSQL's files belong to another process and are not shown).
	dbFiles := func() (db, wal int64) { return 0, 0 }
	if cfg.DatabaseURL == "" {
		path := filepath.Join(cfg.DataDir, store.DBFile)
		dbFiles = func() (db, wal int64) { return fileSize(path), fileSize(path + "-wal") }
	}
	mem := memoryOf(srv.Process.Pid)
	fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", c.l.T("cli.bench.soak.before"), "—", "—", "—", memoryCells(c.l, mem, dbFiles))
	var failed int64
	var first string
	start := time.Now()
	for elapsed := time.Duration(0); elapsed < *dur; elapsed = time.Since(start) {
		res := loadbench.Run(c.ctx, client, mix, loadbench.Options{Connections: *conns, Duration: min(*every, *dur-elapsed),
			Warmup: -1, Rate: float64(*rate)})
		if c.ctx.Err() != nil {
			return exitFail
		}
		if err := srv.Process.Signal(syscall.Signal(0)); err != nil {
			return c.fail(fmt.Errorf("the server stopped: %w", err))
		}
		mem := memoryOf(srv.Process.Pid)
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", c.l.T("cli.bench.soak.at", "seconds", c.l.Int(int64(time.Since(start).Round(time.Second)/time.Second))),
			c.l.Int(int64(res.PerSecond()+0.5)), millis(c.l, res.P99), c.l.Int(res.Failures), memoryCells(c.l, mem, dbFiles))
		tw.Flush()
		failed += res.Failures
		if first == "" {
			first = res.FirstFailure
		}
	}
	tw.Flush()
	if failed > 0 {
		fmt.Fprintln(c.stderr, c.l.T("cli.bench.failure", "scenario", c.l.T("cli.bench.soak.name"), "detail", first))
		return exitFail
	}
	return exitOK
}

// freeAddr returns a loopback address with a port free now.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// waitHealthy waits until url answers 200, for at most limit.
func waitHealthy(ctx context.Context, client *http.Client, url string, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		if res, err := client.Get(url); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return tandem.Errorf(tandem.EInvalid, i18n.K("cli.bench.soak.no_server"), "url", url)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// memory is what /proc/PID/status says of a process, in bytes: its
// resident memory (VmRSS) and peak (VmHWM), and the resident memory split
// into anonymous pages (RssAnon: the Go heap, goroutine stacks and what
// SQLite allocates, its page caches included) and file pages (RssFile: the
// binary and the files the process maps, such as the database read
// through SQLite's mmap — page cache the kernel can reclaim).
type memory struct {
	rss, peak, anon, file int64
}

// memoryOf reads the memory of process pid from /proc (zeros where there
// is none: not Linux, or the process is gone).
func memoryOf(pid int) memory {
	var m memory
	fh, err := os.Open("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return m
	}
	defer fh.Close()
	fields := map[string]*int64{"VmRSS": &m.rss, "VmHWM": &m.peak, "RssAnon": &m.anon, "RssFile": &m.file}
	sc := bufio.NewScanner(fh)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		dst := fields[k]
		if !ok || dst == nil {
			continue
		}
		kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
		if err != nil {
			continue
		}
		*dst = kb * 1024
	}
	return m
}

// memoryCells formats the memory columns of a row, tab-separated: RSS,
// peak, anonymous, file-backed, then the database file and its
// write-ahead log on disk (dbFiles).
func memoryCells(l *i18n.Localizer, m memory, dbFiles func() (db, wal int64)) string {
	db, wal := dbFiles()
	return strings.Join([]string{mebibytes(l, m.rss), mebibytes(l, m.peak), mebibytes(l, m.anon), mebibytes(l, m.file),
		mebibytes(l, db), mebibytes(l, wal)}, "\t")
}

// fileSize is the size of the file at path, 0 if there is none.
func fileSize(path string) int64 {
	st, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return st.Size()
}

// mebibytes formats bytes as MiB with one decimal, or "—" for unknown.
func mebibytes(l *i18n.Localizer, b int64) string {
	if b <= 0 {
		return "—"
	}
	return l.T("cli.bench.soak.mib", "mib", l.Decimal(b*10/(1<<20), 1))
}
