package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/money"
	"github.com/tandemhq/tandem/internal/sales"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
)

// BenchmarkDealBoard fills an engagement with 20,000 open deals spread over
// the eight open stages of the default pipeline (half of them the agent's)
// and reports one board — counts and weighted values per stage with one
// GROUP BY, and the first 20 cards of each column — as the owner sees it
// (ns/op and ms; cpu-ms: the CPU time of this process per board, on SQLite
// all of the work, steadier than wall-clock time on a shared machine) and
// as the agent sees it (agent-ms), next to a same-run baseline:
// the same store path listing an empty stage (baseline-ms: scope, terms
// and one indexed COUNT).
//
// Run: go test -bench DealBoard -run '^$' ./internal/store/ (PostgreSQL too
// when TANDEM_TEST_POSTGRES is set). Durations are reported, never asserted.
func BenchmarkDealBoard(b *testing.B) {
	for _, dialect := range storetest.Dialects(b) {
		b.Run(dialect, func(b *testing.B) { benchDealBoard(b, dialect) })
	}
}

func benchDealBoard(b *testing.B, dialect string) {
	ctx := context.Background()
	now := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	db := storetest.Open(b, dialect, func() time.Time { return now })
	f := storetest.Seed(b, db)
	storetest.Activate(b, db, f.Owner, f.A1, nil)
	a := &sales.Account{Name: "Hotell Malmö Syd AB", Country: "SE"}
	if err := db.Sales().CreateAccount(ctx, f.Manager, a); err != nil {
		b.Fatal(err)
	}
	if _, err := db.Sales().Assign(ctx, f.Manager, store.AccountFilter{IDs: []int64{a.ID}},
		store.Assignment{EngagementID: f.A1, AgentID: f.VendorAgent.MembershipID}); err != nil {
		b.Fatal(err)
	}
	if err := db.Deals().Create(ctx, f.VendorAgent, &sales.Deal{EngagementID: f.A1, AccountID: a.ID, Title: "Seed", Amount: money.Money{Amount: 100}}); err != nil {
		b.Fatal(err)
	}
	err := store.ExecRaw(db, `INSERT INTO sales_deals (workspace_id, engagement_id, account_id, title, amount, currency, stage,
		owner_membership_id, created_at, updated_at)
		WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 19999)
		SELECT ?, ?, ?, 'Deal', 10000 + (i * 37) % 1000000, 'SEK',
			CASE i % 8 WHEN 0 THEN 'new' WHEN 1 THEN 'past_gatekeeper' WHEN 2 THEN 'decision_maker_reached' WHEN 3 THEN 'needs_identified'
			WHEN 4 THEN 'presented' WHEN 5 THEN 'proposal_sent' WHEN 6 THEN 'objections_handled' ELSE 'next_step_agreed' END,
			CASE i % 2 WHEN 0 THEN CAST(? AS BIGINT) ELSE NULL END, ?, ? FROM n`,
		f.WorkspaceID, f.A1, a.ID, f.VendorAgent.MembershipID, now, now)
	if err != nil {
		b.Fatal(err)
	}
	if dialect == "postgres" { // as autovacuum would, after a load
		if err := store.ExecRaw(db, `ANALYZE`); err != nil {
			b.Fatal(err)
		}
	}
	timeIt := func(fn func()) time.Duration {
		best := time.Duration(1 << 62)
		for range 5 {
			start := time.Now()
			fn()
			best = min(best, time.Since(start))
		}
		return best
	}
	count := timeIt(func() {
		if _, total, err := db.Deals().List(ctx, f.Owner, tandem.Page{Limit: 1}, store.DealFilter{EngagementID: f.A1, Stage: "none"}); err != nil || total != 0 {
			b.Fatal(err)
		}
	})
	agent := timeIt(func() {
		if _, err := db.Deals().Board(ctx, f.VendorAgent, f.A1, store.BoardFilter{}); err != nil {
			b.Fatal(err)
		}
	})
	b.ResetTimer()
	start, cpu, n := time.Now(), cpuTime(), 0
	for b.Loop() {
		n++
		board, err := db.Deals().Board(ctx, f.Owner, f.A1, store.BoardFilter{})
		if err != nil {
			b.Fatal(err)
		}
		total := 0
		for _, c := range board.Columns {
			total += c.Count
		}
		if total != 20000 {
			b.Fatalf("board holds %d deals", total)
		}
	}
	b.ReportMetric(float64((time.Since(start)/time.Duration(n)).Microseconds())/1000, "ms")
	b.ReportMetric(float64((cpuTime()-cpu)/time.Duration(n))/1e6, "cpu-ms")
	b.ReportMetric(float64(agent.Microseconds())/1000, "agent-ms")
	b.ReportMetric(float64(count.Microseconds())/1000, "baseline-ms")
}
