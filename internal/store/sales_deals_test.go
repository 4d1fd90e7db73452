package store_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/engagement"
	"github.com/tandemhq/tandem/internal/money"
	"github.com/tandemhq/tandem/internal/sales"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
)

func newDeal(t *testing.T, db *store.DB, p tandem.Principal, engagementID, accountID int64, title string, amount int64, stage string) *sales.Deal {
	t.Helper()
	d := &sales.Deal{EngagementID: engagementID, AccountID: accountID, Title: title, Amount: money.Money{Amount: amount}, Stage: stage}
	if err := db.Deals().Create(context.Background(), p, d); err != nil {
		t.Fatalf("create %s: %v", title, err)
	}
	return d
}

func boardColumn(t *testing.T, db *store.DB, p tandem.Principal, engagementID int64, f store.BoardFilter, stage string) store.Column {
	t.Helper()
	b, err := db.Deals().Board(context.Background(), p, engagementID, f)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range b.Columns {
		if c.Stage.Key == stage {
			return c
		}
	}
	t.Fatalf("no column %s", stage)
	return store.Column{}
}

func TestDealsScopeBySalesScope(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			b := newSalesBase(t, dialect)
			db, f := b.db, b.f
			mine := newDeal(t, db, f.VendorAgent, f.A1, b.mine, "Chairs", 1000000, "")
			theirs := newDeal(t, db, f.Manager, f.A1, b.theirs, "Desks", 500000, "")
			team := newDeal(t, db, f.VendorManager, f.A1, b.teamOnly, "Lamps", 250050, "")
			other := newDeal(t, db, f.Manager, f.B1, b.otherPartner, "Sofas", 100, "")
			if mine.OwnerID != f.VendorAgent.MembershipID || theirs.OwnerID != b.agent2.MembershipID || team.OwnerID != 0 {
				t.Errorf("default owners: %d %d %d", mine.OwnerID, theirs.OwnerID, team.OwnerID)
			}
			if mine.Stage != "new" || mine.Amount.Currency == "" {
				t.Errorf("new deal: %+v", mine)
			}
			sees := map[string]struct {
				p   tandem.Principal
				ids []int64
			}{
				"agent":             {f.VendorAgent, []int64{mine.ID}},
				"agent2":            {b.agent2, []int64{theirs.ID}},
				"partner manager A": {f.VendorManager, []int64{mine.ID, theirs.ID, team.ID}},
				"partner manager B": {f.VendorManagerB, []int64{other.ID}},
				"viewer":            {f.Viewer, []int64{mine.ID, theirs.ID, team.ID, other.ID}},
			}
			all := []int64{mine.ID, theirs.ID, team.ID, other.ID}
			for who, x := range sees {
				visible := map[int64]bool{}
				for _, id := range x.ids {
					visible[id] = true
				}
				ds, total, err := db.Deals().List(ctx, x.p, tandem.Page{Limit: 100}, store.DealFilter{})
				if err != nil || total != len(x.ids) || len(ds) != len(x.ids) {
					t.Errorf("%s lists %d (%d) deals, want %d: %v", who, len(ds), total, len(x.ids), err)
				}
				for _, id := range all {
					_, err := db.Deals().Get(ctx, x.p, id)
					if visible[id] != (err == nil) || (err != nil && !errors.Is(err, tandem.ErrNotFound)) {
						t.Errorf("%s gets deal %d: %v", who, id, err)
					}
					if !visible[id] && x.p.Role != tandem.RoleViewer {
						if _, err := db.Deals().Move(ctx, x.p, id, "presented", ""); !errors.Is(err, tandem.ErrNotFound) {
							t.Errorf("%s moves deal %d: %v", who, id, err)
						}
						if err := db.Deals().Update(ctx, x.p, &sales.Deal{ID: id, Title: "Mine now"}); !errors.Is(err, tandem.ErrNotFound) {
							t.Errorf("%s edits deal %d: %v", who, id, err)
						}
					}
				}
			}
			// The agent's board counts only their deal; the client's every one.
			if c := boardColumn(t, db, f.VendorAgent, f.A1, store.BoardFilter{}, "new"); c.Count != 1 || len(c.Deals) != 1 || c.Deals[0].ID != mine.ID {
				t.Errorf("agent's board: %+v", c)
			}
			if c := boardColumn(t, db, f.Owner, f.A1, store.BoardFilter{}, "new"); c.Count != 3 {
				t.Errorf("owner's board: %d deals in new", c.Count)
			}
			if c := boardColumn(t, db, f.Owner, f.A1, store.BoardFilter{OwnerID: b.agent2.MembershipID}, "new"); c.Count != 1 || c.Deals[0].ID != theirs.ID {
				t.Errorf("owner's board by agent2: %+v", c)
			}
			// Partner B's board of A1 is not found; nor a deal on an account of another engagement.
			if _, err := db.Deals().Board(ctx, f.VendorManagerB, f.A1, store.BoardFilter{}); !errors.Is(err, tandem.ErrNotFound) {
				t.Errorf("partner B's board of A1: %v", err)
			}
			err := db.Deals().Create(ctx, f.VendorAgent, &sales.Deal{EngagementID: f.A1, AccountID: b.theirs, Title: "Poach"})
			if !hasField(err, "account_id") {
				t.Errorf("agent creating on another agent's account: %v", err)
			}
			err = db.Deals().Create(ctx, f.Manager, &sales.Deal{EngagementID: f.A1, AccountID: b.otherPartner, Title: "Wrong place"})
			if !hasField(err, "account_id") {
				t.Errorf("deal on an account of another engagement: %v", err)
			}
			err = db.Deals().Create(ctx, f.VendorAgent, &sales.Deal{EngagementID: f.A1, AccountID: b.mine, Title: "Gift", OwnerID: b.agent2.MembershipID})
			if !hasField(err, "owner_id") {
				t.Errorf("agent giving a deal to another agent: %v", err)
			}
			// Only a sales engagement has a pipeline.
			start, _ := tandem.ParseDate("2026-01-01")
			support := &engagement.Engagement{PartnerID: f.PartnerA, Title: "Helpdesk", Kind: engagement.KindSupport, StartsOn: start}
			if err := db.Engagements.Create(ctx, f.Owner, support); err != nil {
				t.Fatal(err)
			}
			if _, err := db.Deals().Board(ctx, f.Owner, support.ID, store.BoardFilter{}); !errors.Is(err, tandem.ErrNotFound) {
				t.Errorf("the board of a support engagement: %v", err)
			}
			// An account taken back takes its deals out of the partner's sight.
			if _, err := db.Sales().Assign(ctx, f.Manager, store.AccountFilter{IDs: []int64{b.mine}}, store.Assignment{}); err != nil {
				t.Fatal(err)
			}
			if _, err := db.Deals().Get(ctx, f.VendorAgent, mine.ID); !errors.Is(err, tandem.ErrNotFound) {
				t.Errorf("agent sees a deal of an account taken back: %v", err)
			}
		})
	}
}

func TestDealsWeightedValuesAndMoves(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			b := newSalesBase(t, dialect)
			db, f := b.db, b.f
			// The default terms: presented 40 %, proposal sent 50 %.
			d1 := newDeal(t, db, f.VendorAgent, f.A1, b.mine, "Chairs", 1000000, "presented")
			newDeal(t, db, f.VendorAgent, f.A1, b.mine, "Desks", 500000, "proposal_sent")
			newDeal(t, db, f.VendorAgent, f.A1, b.mine, "Lamps", 250050, "proposal_sent")
			c := boardColumn(t, db, f.Owner, f.A1, store.BoardFilter{}, "presented")
			// 10 000,00 × 40 % = 4 000,00.
			if c.Count != 1 || len(c.Weighted) != 1 || c.Weighted[0].Amount != 400000 || c.Sums[0].Amount != 1000000 {
				t.Errorf("presented: %+v", c)
			}
			// (5 000,00 + 2 500,50) × 50 % = 3 750,25.
			c = boardColumn(t, db, f.Owner, f.A1, store.BoardFilter{}, "proposal_sent")
			if c.Count != 2 || c.Weighted[0].Amount != 375025 || c.Sums[0].Amount != 750050 {
				t.Errorf("proposal sent: %+v", c)
			}
			// Lost without a reason: a field error, nothing changes.
			before, _ := db.Deals().Get(ctx, f.VendorAgent, d1.ID)
			audits, _, _ := db.Audit.List(ctx, f.Owner, store.AuditFilter{Action: "sales.deal_moved"}, tandem.Page{Limit: 50})
			if _, err := db.Deals().Move(ctx, f.VendorAgent, d1.ID, "lost", ""); !hasField(err, "lost_reason") {
				t.Errorf("lost without a reason: %v", err)
			}
			after, _ := db.Deals().Get(ctx, f.VendorAgent, d1.ID)
			audits2, _, _ := db.Audit.List(ctx, f.Owner, store.AuditFilter{Action: "sales.deal_moved"}, tandem.Page{Limit: 50})
			if after.Deal.Stage != "presented" || len(after.Moves) != len(before.Moves) || len(audits2) != len(audits) {
				t.Errorf("a refused move changed something: %s, %d moves, %d audits", after.Deal.Stage, len(after.Moves), len(audits2))
			}
			// Three moves: every one is a history row and an audit entry.
			b.clock.Add(time.Hour)
			if _, err := db.Deals().Move(ctx, f.VendorAgent, d1.ID, "proposal_sent", ""); err != nil {
				t.Fatal(err)
			}
			b.clock.Add(time.Hour)
			lost, err := db.Deals().Move(ctx, f.VendorManager, d1.ID, "lost", "price")
			if err != nil || lost.ClosedAt.IsZero() || lost.LostReason != "price" {
				t.Fatalf("lost: %v %+v", err, lost)
			}
			b.clock.Add(time.Hour)
			back, err := db.Deals().Move(ctx, f.Manager, d1.ID, "presented", "")
			if err != nil || !back.ClosedAt.IsZero() || back.LostReason != "" {
				t.Fatalf("back: %v %+v", err, back)
			}
			page, err := db.Deals().Get(ctx, f.Owner, d1.ID)
			if err != nil {
				t.Fatal(err)
			}
			want := []struct{ from, to, reason, who string }{{"", "presented", "", "Agnes Agent"}, {"presented", "proposal_sent", "", "Agnes Agent"},
				{"proposal_sent", "lost", "price", ""}, {"lost", "presented", "", ""}}
			if len(page.Moves) != len(want) {
				t.Fatalf("history: %+v", page.Moves)
			}
			for i, w := range want {
				m := page.Moves[i]
				if m.From != w.from || m.To != w.to || m.LostReason != w.reason || (w.who != "" && m.UserName != w.who) || m.UserID == 0 {
					t.Errorf("move %d: %+v, want %+v", i, m, w)
				}
			}
			if !page.Moves[3].At.After(page.Moves[2].At) {
				t.Errorf("history times: %v, %v", page.Moves[2].At, page.Moves[3].At)
			}
			audits3, _, _ := db.Audit.List(ctx, f.Owner, store.AuditFilter{Action: "sales.deal_moved"}, tandem.Page{Limit: 50})
			if len(audits3) != len(audits)+3 {
				t.Errorf("audit entries of moves: %d, want %d", len(audits3), len(audits)+3)
			}
			// The viewer reads but does not move.
			if _, err := db.Deals().Move(ctx, f.Viewer, d1.ID, "won", ""); !errors.Is(err, tandem.ErrForbidden) {
				t.Errorf("viewer moves: %v", err)
			}
		})
	}
}

func TestDealsFunnelFromHistory(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			b := newSalesBase(t, dialect)
			db, f := b.db, b.f
			// November: ten deals reach "new", four of them "past the
			// gatekeeper" (one by skipping straight to presented), one is won.
			b.clock.Add(-30 * 24 * time.Hour) // 2026-11-03
			var ids []int64
			for i := 0; i < 10; i++ {
				owner := f.VendorAgent
				acc := b.mine
				if i >= 7 {
					owner, acc = b.agent2, b.theirs
				}
				ids = append(ids, newDeal(t, db, owner, f.A1, acc, "Deal", 100000, "").ID)
			}
			b.clock.Add(time.Hour)
			for _, id := range ids[:3] {
				if _, err := db.Deals().Move(ctx, f.Manager, id, "past_gatekeeper", ""); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := db.Deals().Move(ctx, f.Manager, ids[8], "presented", ""); err != nil {
				t.Fatal(err)
			}
			if _, err := db.Deals().Move(ctx, f.Manager, ids[0], "won", ""); err != nil {
				t.Fatal(err)
			}
			if _, err := db.Deals().Move(ctx, f.Manager, ids[5], "lost", "no_budget"); err != nil {
				t.Fatal(err)
			}
			// December: one more deal, not in November's cohort.
			b.clock.Add(30 * 24 * time.Hour)
			newDeal(t, db, f.VendorAgent, f.A1, b.mine, "Later", 100000, "")

			fu, err := db.Deals().Funnel(ctx, f.Owner, f.A1, store.FunnelFilter{Month: "2026-11"})
			if err != nil {
				t.Fatal(err)
			}
			step := func(fu *store.Funnel, key string) sales.FunnelStep {
				for _, s := range fu.Steps {
					if s.Stage.Key == key {
						return s
					}
				}
				t.Fatalf("no step %s", key)
				return sales.FunnelStep{}
			}
			if s := step(fu, "new"); fu.Deals != 10 || s.Reached != 10 || s.Next != 4 {
				t.Errorf("new: %d deals, %+v; want 10 → 4 (40 %%)", fu.Deals, s)
			}
			if s := step(fu, "past_gatekeeper"); s.Reached != 4 || s.Next != 2 {
				t.Errorf("past the gatekeeper: %+v; want 4 → 2", s)
			}
			if s := step(fu, "won"); s.Reached != 1 {
				t.Errorf("won: %+v", s)
			}
			if len(fu.Months) != 2 || fu.Months[0] != "2026-12" || fu.Months[1] != "2026-11" {
				t.Errorf("months: %v", fu.Months)
			}
			// Per agent: agent2 owns three of November's deals, one of which skipped ahead.
			fu, err = db.Deals().Funnel(ctx, f.Owner, f.A1, store.FunnelFilter{Month: "2026-11", OwnerID: b.agent2.MembershipID})
			if err != nil {
				t.Fatal(err)
			}
			if s := step(fu, "new"); s.Reached != 3 || s.Next != 1 {
				t.Errorf("agent2's new: %+v; want 3 → 1", s)
			}
			// Every month; and what the agent sees is their own deals only.
			fu, _ = db.Deals().Funnel(ctx, f.Owner, f.A1, store.FunnelFilter{})
			if fu.Deals != 11 {
				t.Errorf("all months: %d deals", fu.Deals)
			}
			fu, _ = db.Deals().Funnel(ctx, f.VendorAgent, f.A1, store.FunnelFilter{})
			if fu.Deals != 8 {
				t.Errorf("agent's funnel: %d deals, want 8", fu.Deals)
			}
			if _, err := db.Deals().Funnel(ctx, f.Owner, f.A1, store.FunnelFilter{Month: "November"}); !hasField(err, "month") {
				t.Errorf("a malformed month: %v", err)
			}
		})
	}
}

func hasField(err error, field string) bool {
	for _, f := range tandem.FieldErrors(err) {
		if f.Field == field {
			return true
		}
	}
	return false
}

// The board's counts read a covering index and never the table, for the
// client, a partner manager, an agent and the filter by agent (SQLite's
// plan; without statistics and with them).
// TestDealsBoardCardsPlan: the one statement reading the client's board
// cards reads each column's page through sales_deals_column, in its
// order, instead of sorting the column's deals (on PostgreSQL with
// sequential scans off: on a test's small tables it would scan them).
func TestDealsBoardCardsPlan(t *testing.T) {
	t.Parallel()
	cols := []string{"new", "presented", "proposal_sent"}
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			b := newSalesBase(t, dialect)
			f := b.f
			q, args := store.BoardCards(dialect == "postgres", f.Owner, f.A1, cols, 20)
			plan, err := store.QueryPlan(b.db, q, args...)
			if dialect == "postgres" {
				plan, err = store.QueryPlanPG(b.db, q, args...)
			}
			if err != nil {
				t.Fatal(err)
			}
			all := strings.Join(plan, "\n")
			sorted := strings.Contains(all, "TEMP B-TREE FOR ORDER BY") || strings.Contains(all, "Sort")
			if strings.Count(all, "sales_deals_column") < map[string]int{"sqlite": len(cols), "postgres": 1}[dialect] || sorted {
				t.Errorf("the board's cards are not read in the order of sales_deals_column:\n%s", all)
			}
		})
	}
}

func TestDealsBoardQueryPlan(t *testing.T) {
	t.Parallel()
	b := newSalesBase(t, "sqlite")
	f := b.f
	for _, analyze := range []bool{false, true} {
		if analyze {
			if err := storetest.Exec(b.db, "ANALYZE"); err != nil {
				t.Fatal(err)
			}
		}
		for _, x := range []struct {
			who   string
			p     tandem.Principal
			owner int64
		}{{"owner", f.Owner, 0}, {"owner by agent", f.Owner, f.VendorAgent.MembershipID}, {"partner manager", f.VendorManager, 0},
			{"agent", f.VendorAgent, 0}} {
			q, args := store.BoardCounts(x.p, f.A1, x.owner)
			plan, err := store.QueryPlan(b.db, q, args...)
			if err != nil {
				t.Fatal(err)
			}
			all := strings.Join(plan, "\n")
			if !strings.Contains(all, "USING COVERING INDEX sales_deals_") || strings.Contains(all, "SCAN d") {
				t.Errorf("analyzed %v, %s: the board's counts do not read a covering index:\n%s", analyze, x.who, all)
			}
		}
	}
}

// TestDealsBoardColumnsInOneRead: the board reads the cards of all its
// columns in one statement (a LATERAL page per column on PostgreSQL, a
// UNION ALL of pages on SQLite); each column still holds its own deals,
// most recently changed first (ties: the higher id first), a page of
// Limit, and the column asked for (Stage, Offset) its own page — for the
// client and, among their own deals only, for the agent.
func TestDealsBoardColumnsInOneRead(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			b := newSalesBase(t, dialect)
			db, f := b.db, b.f
			// Three stages; 5 deals in presented, the agent's 3 of them.
			// Each deal a minute after the one before, the second and the
			// third of presented at the same moment.
			byStage := map[string][]int64{}
			mineIn := map[string][]int64{}
			for i, x := range []struct {
				stage string
				agent bool
				same  bool
			}{{"new", true, false}, {"presented", true, false}, {"presented", false, false}, {"presented", true, true},
				{"proposal_sent", false, false}, {"presented", true, false}, {"presented", false, false}} {
				if !x.same {
					b.clock.Add(time.Minute)
				}
				p, acc := f.Manager, b.theirs
				if x.agent {
					p, acc = f.VendorAgent, b.mine
				}
				d := newDeal(t, db, p, f.A1, acc, "Deal "+string(rune('A'+i)), int64(1000*(i+1)), x.stage)
				byStage[x.stage] = append([]int64{d.ID}, byStage[x.stage]...) // newest first
				if x.agent {
					mineIn[x.stage] = append([]int64{d.ID}, mineIn[x.stage]...)
				}
			}
			ids := func(c store.Column) []int64 {
				var out []int64
				for _, d := range c.Deals {
					out = append(out, d.ID)
				}
				return out
			}
			check := func(who string, p tandem.Principal, bf store.BoardFilter, want map[string][]int64, counts map[string]int) {
				t.Helper()
				board, err := db.Deals().Board(ctx, p, f.A1, bf)
				if err != nil {
					t.Fatal(err)
				}
				for _, c := range board.Columns {
					if c.Count != counts[c.Stage.Key] || !slices.Equal(ids(c), want[c.Stage.Key]) {
						t.Errorf("%s, column %s: %d deals %v, want %d %v", who, c.Stage.Key, c.Count, ids(c), counts[c.Stage.Key], want[c.Stage.Key])
					}
				}
			}
			counts := map[string]int{"new": 1, "presented": 5, "proposal_sent": 1}
			check("owner", f.Owner, store.BoardFilter{}, byStage, counts)
			p := byStage["presented"]
			check("owner, presented from the third, two a page", f.Owner, store.BoardFilter{Stage: "presented", Offset: 2, Limit: 2},
				map[string][]int64{"new": byStage["new"], "presented": p[2:4], "proposal_sent": byStage["proposal_sent"]}, counts)
			check("agent", f.VendorAgent, store.BoardFilter{}, mineIn, map[string]int{"new": 1, "presented": 3})
			check("agent, presented from the second", f.VendorAgent, store.BoardFilter{Stage: "presented", Offset: 1},
				map[string][]int64{"new": mineIn["new"], "presented": mineIn["presented"][1:]}, map[string]int{"new": 1, "presented": 3})
		})
	}
}
