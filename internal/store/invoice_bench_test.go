package store_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/engagement"
	"github.com/tandemhq/tandem/internal/fact"
	"github.com/tandemhq/tandem/internal/kpi"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
)

// BenchmarkInvoiceDrafts is the speed test of issue 12: the drafts of 100
// engagements for one month, computed in memory as Draft computes them
// (terms, the month's facts, approved time, the month's weighted KPI
// score, VAT), with TANDEM_BENCH_INVOICE_FACTS facts in the workspace
// (default 20,000; the size is 10,000,000 — do not run it on a
// shared machine) spread over two years, recorded through
// KPIStore.RecordFacts (the facts and their aggregates). It reports in the
// same run:
//
//   - ns/op and agg-ms: all 100 drafts with the KPI score read from the
//     per-day aggregates (kpi_daily), as the product does;
//   - raw-ms: the same 100 drafts with the score computed from the raw
//     facts (GROUP BY over the month's facts, sketches rebuilt), median of 3;
//   - raw/agg: their ratio (the target is ≥ 100×, ≤ 50 ms for all
//     100 on SQLite, at 10,000,000 facts);
//   - est-ms and raw/est: the same 100 invoices' lines and totals as
//     InvoiceStore.Estimates computes them (the worth, the portfolio): all
//     at once, each result counted from the daily aggregates instead of
//     read one by one (median of 5), against raw-ms.
//
// Both read the month's priced facts (accepted results, breaches,
// penalties) by the facts_engagement_day index: an invoice lists each of
// them, so neither rescans history. The two sides must give the same
// totals. Durations are reported, never asserted.
//
// Run: go test -bench InvoiceDrafts -benchtime=1x -run '^$' ./internal/store/
func BenchmarkInvoiceDrafts(b *testing.B) {
	n := draftsFacts(b)
	for _, dialect := range storetest.Dialects(b) {
		b.Run(dialect, func(b *testing.B) { benchInvoiceDrafts(b, dialect, n) })
	}
}

// draftsFacts is the size of the invoice benchmarks' base:
// TANDEM_BENCH_INVOICE_FACTS, 20,000 by default.
func draftsFacts(b *testing.B) int {
	n := 20000
	if s := os.Getenv("TANDEM_BENCH_INVOICE_FACTS"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || v < 1000 {
			b.Fatalf("TANDEM_BENCH_INVOICE_FACTS=%q: want a number ≥ 1000", s)
		}
		n = v
	}
	return n
}

// BenchmarkInvoiceEstimates is InvoiceStore.Estimates alone (for a
// profile) on BenchmarkInvoiceDrafts's base, on SQLite.
func BenchmarkInvoiceEstimates(b *testing.B) {
	now := time.Date(2026, 12, 2, 9, 0, 0, 0, stockholmZone)
	db, base := openDraftsBase(b, "sqlite", draftsFacts(b), now)
	nov := kpi.PeriodOf(kpi.Month, now, stockholmZone).Prev()
	for b.Loop() {
		if _, err := store.EstimateTotals(db, base.F.Owner, base.Engs, nov); err != nil {
			b.Fatal(err)
		}
	}
}

func benchInvoiceDrafts(b *testing.B, dialect string, n int) {
	now := time.Date(2026, 12, 2, 9, 0, 0, 0, stockholmZone)
	db, base := openDraftsBase(b, dialect, n, now)
	f, engs := &base.F, base.Engs
	b.Logf("%s: the base of %d facts was built in %s", dialect, n, base.Built)
	nov := kpi.PeriodOf(kpi.Month, now, stockholmZone).Prev()

	// One run of each side first, so that neither is measured cold.
	for _, raw := range []bool{false, true} {
		if _, err := store.DraftTotals(db, f.Owner, engs, nov, raw); err != nil {
			b.Fatal(err)
		}
	}
	var agg []int64
	for b.Loop() {
		var err error
		if agg, err = store.DraftTotals(db, f.Owner, engs, nov, false); err != nil {
			b.Fatal(err)
		}
	}
	aggMS := float64(b.Elapsed().Nanoseconds()) / float64(b.N) / 1e6
	var raws []time.Duration
	var raw []int64
	for range 3 {
		t0 := time.Now()
		var err error
		if raw, err = store.DraftTotals(db, f.Owner, engs, nov, true); err != nil {
			b.Fatal(err)
		}
		raws = append(raws, time.Since(t0))
	}
	sort.Slice(raws, func(i, j int) bool { return raws[i] < raws[j] })
	rawMS := float64(raws[1].Nanoseconds()) / 1e6
	if !slices.Equal(agg, raw) {
		b.Fatalf("the aggregates and the raw facts give different totals: %v, %v", agg, raw)
	}
	var ests []time.Duration
	for range 5 {
		t0 := time.Now()
		est, err := store.EstimateTotals(db, f.Owner, engs, nov)
		if err != nil {
			b.Fatal(err)
		}
		ests = append(ests, time.Since(t0))
		if !slices.Equal(est, raw) {
			b.Fatalf("the estimates and the drafts give different totals: %v, %v", est, raw)
		}
	}
	slices.Sort(ests)
	estMS := float64(ests[2].Nanoseconds()) / 1e6
	b.ReportMetric(estMS, "est-ms")
	b.ReportMetric(rawMS/estMS, "raw/est")
	b.Logf("%s: the 100 invoices from the daily aggregates at once (Estimates): %.2f ms (%.1f× faster than from facts)", dialect, estMS, rawMS/estMS)
	// The score alone, the part the aggregates serve (ScoreTotals), each
	// side the median of 5 runs.
	scoreMS := func(raw bool) (float64, []int64) {
		var ds []time.Duration
		var out []int64
		for range 5 {
			t0 := time.Now()
			var err error
			if out, err = store.ScoreTotals(db, f.Owner, engs, nov, raw); err != nil {
				b.Fatal(err)
			}
			ds = append(ds, time.Since(t0))
		}
		slices.Sort(ds)
		return float64(ds[2].Nanoseconds()) / 1e6, out
	}
	scoreAgg, sa := scoreMS(false)
	scoreRaw, sr := scoreMS(true)
	if !slices.Equal(sa, sr) {
		b.Fatalf("the scores from the aggregates and from the facts differ: %v, %v", sa, sr)
	}
	b.ReportMetric(scoreAgg, "score-agg-ms")
	b.ReportMetric(scoreRaw, "score-raw-ms")
	b.ReportMetric(scoreRaw/scoreAgg, "score-raw/agg")
	b.Logf("%s: the 100 scores alone: %.2f ms from the aggregates, %.1f ms from facts (%.1f×)", dialect, scoreAgg, scoreRaw, scoreRaw/scoreAgg)
	b.ReportMetric(aggMS, "agg-ms")
	b.ReportMetric(rawMS, "raw-ms")
	b.ReportMetric(rawMS/aggMS, "raw/agg")
	b.Logf("%s: %d facts; 100 drafts of %s: %.2f ms from the aggregates, %.1f ms from facts (%.1f×)",
		dialect, n, nov, aggMS, rawMS, rawMS/aggMS)
}

// draftsBase is the invoice benchmark's workspace: the fixture, its 100
// engagements and how long building it took.
type draftsBase struct {
	F     storetest.Fixture
	Engs  []int64
	Built string
}

// benchDir is where the benchmarks keep the bases they build:
// TANDEM_BENCH_DIR, or the temporary directory.
func benchDir() string {
	if d := os.Getenv("TANDEM_BENCH_DIR"); d != "" {
		return d
	}
	return os.TempDir()
}

// keptPostgres returns the URL of the PostgreSQL database a benchmark
// keeps for key and the directory of its fixture (under benchDir). When
// the fixture is missing the database is made afresh, empty, the
// directory too, and fresh is true: the caller builds the base and saves
// its fixture last, so that a build cut short is built again.
func keptPostgres(b *testing.B, key string) (dbURL, dir string, fresh bool) {
	b.Helper()
	admin := os.Getenv("TANDEM_TEST_POSTGRES")
	if admin == "" {
		b.Skip("TANDEM_TEST_POSTGRES is not set")
	}
	u, err := url.Parse(admin)
	if err != nil {
		b.Fatal(err)
	}
	name := strings.ReplaceAll(key, "-", "_")
	u.Path = "/" + name
	dir = filepath.Join(benchDir(), key+"-postgres")
	if _, err := os.Stat(filepath.Join(dir, "fixture.json")); err == nil {
		return u.String(), dir, false
	}
	adb, err := sql.Open("pgx", admin)
	if err != nil {
		b.Fatal(err)
	}
	defer adb.Close()
	adb.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`)
	if _, err := adb.Exec(`CREATE DATABASE ` + name); err != nil {
		b.Fatal(err)
	}
	os.RemoveAll(dir)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		b.Fatal(err)
	}
	return u.String(), dir, true
}

// saveFixture writes what a benchmark needs of a kept base beside it;
// loadFixture reads it back into v.
func saveFixture(b *testing.B, path string, v any) {
	b.Helper()
	js, err := json.Marshal(v)
	if err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(path, js, 0o600); err != nil {
		b.Fatal(err)
	}
}

func loadFixture(b *testing.B, path string, v any) {
	b.Helper()
	js, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	if err := json.Unmarshal(js, v); err != nil {
		b.Fatal(err)
	}
}

// openDraftsBase opens the invoice benchmark's workspace of n facts,
// building it the first time and keeping it for later runs: on SQLite a
// file under benchDir, on PostgreSQL a database named by the size and the
// schema (its fixture beside the SQLite files). Built, it must pass
// KPIStore.Verify (what "tandem kpi verify" runs).
func openDraftsBase(b *testing.B, dialect string, n int, now time.Time) (*store.DB, *draftsBase) {
	b.Helper()
	ctx := context.Background()
	clock := func() time.Time { return now }
	key := fmt.Sprintf("tandem-bench-drafts-%d-%s", n, migrationsKey(b))
	dir := filepath.Join(benchDir(), key)
	opts := store.Options{DataDir: dir, Now: clock}
	meta := filepath.Join(dir, "fixture.json")
	_, err := os.Stat(meta)
	fresh := err != nil
	if dialect == "postgres" {
		var u string
		u, dir, fresh = keptPostgres(b, key)
		opts = store.Options{DataDir: dir, URL: u, Now: clock}
		meta = filepath.Join(dir, "fixture.json")
	} else if fresh {
		os.RemoveAll(dir)
		if err := os.MkdirAll(dir, 0o700); err != nil {
			b.Fatal(err)
		}
	}
	if fresh {
		db, err := store.Open(ctx, opts)
		if err != nil {
			b.Fatal(err)
		}
		began := time.Now()
		base := buildDraftsBase(b, db, n, now)
		loaded := time.Since(began)
		if dialect == "postgres" {
			if err := store.ExecRaw(db, `ANALYZE`); err != nil {
				b.Fatal(err)
			}
		}
		t0 := time.Now()
		if m, err := db.KPI.Verify(ctx); err != nil || m != nil {
			b.Fatalf("verify: %v %+v", err, m)
		}
		base.Built = fmt.Sprintf("%s (%.0f facts/s), verified in %s", loaded.Round(time.Second), float64(n)/loaded.Seconds(), time.Since(t0).Round(time.Second))
		if err := db.Close(); err != nil {
			b.Fatal(err)
		}
		saveFixture(b, meta, base)
	}
	base := &draftsBase{}
	loadFixture(b, meta, base)
	db, err := store.Open(ctx, opts)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	return db, base
}

// buildDraftsBase seeds db with 100 active engagements under the
// benchmark's terms and n facts over the two years before now, half of
// them accepted leads, half accepted deliverables, written with their
// aggregates by store.BulkFacts.
func buildDraftsBase(b *testing.B, db *store.DB, n int, now time.Time) *draftsBase {
	ctx := context.Background()
	f := storetest.Seed(b, db)
	start, _ := tandem.ParseDate("2024-11-01")
	terms := func(t *contract.Terms) {
		salesPrice(t)
		goal := t.Goals[0].Key
		t.KPIs = []contract.KPI{
			{Key: "leads", GoalKey: goal, Metric: "qualified_leads", Name: "Leads", Target: 60, Threshold: 10, Direction: "higher", Weight: 2, Period: "month"},
			{Key: "on-time", GoalKey: goal, Metric: "on_time_share", Name: "On time", Target: 9000, Threshold: 5000, Scale: 2, Direction: "higher", Weight: 1, Period: "month"},
			{Key: "lead-time", GoalKey: goal, Metric: "lead_time_p90", Name: "Lead time", Target: 86400, Threshold: 10 * 86400, Direction: "lower", Weight: 1, Period: "month"},
		}
		t.Penalties.BonusMalus = []contract.BonusMalus{{MinScore: 0, AdjustBP: -500}, {MinScore: 80, AdjustBP: 300}}
	}
	engs := []int64{f.A1, f.A2}
	for len(engs) < 100 {
		e := &engagement.Engagement{PartnerID: f.PartnerA, Title: fmt.Sprintf("Bench %d", len(engs)), Kind: engagement.KindSales, StartsOn: start}
		if err := db.Engagements.Create(ctx, f.Owner, e); err != nil {
			b.Fatal(err)
		}
		engs = append(engs, e.ID)
	}
	for _, id := range engs {
		storetest.Activate(b, db, f.Owner, id, terms)
	}
	from := now.AddDate(-2, 0, 0)
	step := now.Sub(from) / time.Duration(n)
	if err := store.BulkFacts(db, f.WorkspaceID, n, func(i int, rec *store.Fact) {
		x := uint64(i) * 2654435761
		*rec = store.Fact{EngagementID: engs[i%len(engs)], SubjectID: int64(i + 1), At: from.Add(time.Duration(i) * step)}
		if i%2 == 0 {
			rec.Data = fact.LeadAcceptedData{ClaimID: int64(i + 1)}
		} else {
			rec.Kind, rec.Value, rec.Flag = fact.DeliverableAccepted, int64(x%3), x%5 != 0
			rec.Data = fact.Accepted{LeadTimeS: int64(3600 + x%(14*86400))}
		}
	}); err != nil {
		b.Fatal(err)
	}
	return &draftsBase{F: *f, Engs: engs}
}
