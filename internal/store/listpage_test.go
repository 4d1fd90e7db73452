package store_test

import (
	"fmt"
	"testing"

	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
)

// TestListCountsNoFurtherThanItShows: a list's page and its count come in
// one statement, and the count stops CountCap rows past the page's start —
// exact below that, "more" above it; a page past the end still counts.
func TestListCountsNoFurtherThanItShows(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := storetest.Seed(t, db)
		// The seed has 2 partners; 1,200 more, straight into the table.
		for i := 0; i < 1200; i += 100 {
			q := `INSERT INTO partners (workspace_id, legal_name, status, created_at, updated_at) VALUES `
			var args []any
			for k := i; k < i+100; k++ {
				if k > i {
					q += ", "
				}
				q += "(?, ?, 'active', ?, ?)"
				args = append(args, f.WorkspaceID, fmt.Sprintf("Bulk %04d", k), db.Now(), db.Now())
			}
			if err := storetest.Exec(db, q, args...); err != nil {
				t.Fatal(err)
			}
		}
		for _, c := range []struct {
			offset, rows, total int
			capped              bool
		}{
			{0, 50, tandem.CountCap + 1, true},
			{150, 50, 150 + tandem.CountCap + 1, true},
			{250, 50, 1202, false}, // 250 + 1000 > 1202: counted to the end
			{1190, 12, 1202, false},
			{5000, 0, 1202, false},
		} {
			pg := tandem.Page{Offset: c.offset, Limit: 50}
			cx, n := store.WithStatementCounter(ctx)
			ps, total, err := db.Partners.List(cx, f.Owner, pg, "")
			if err != nil {
				t.Fatal(err)
			}
			if len(ps) != c.rows || total != c.total || pg.Capped(total) != c.capped {
				t.Errorf("offset %d: %d rows, total %d (capped %v), want %d, %d (%v)", c.offset, len(ps), total, pg.Capped(total), c.rows, c.total, c.capped)
			}
			if want := map[bool]int{true: 1, false: 2}[c.rows > 0]; n.N() != want {
				t.Errorf("offset %d: %d statements, want %d", c.offset, n.N(), want)
			}
		}
	})
}

// TestSalesListsCountNoFurtherThanTheyShow: the sales base's accounts and
// an engagement's deals are counted as every list is (listPage): in the
// page's statement, no further than CountCap past the page's start — a
// base of a million accounts costs its pager no more than one of 1,200.
// The agent's list counts only their own accounts, exactly.
func TestSalesListsCountNoFurtherThanTheyShow(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			b := newSalesBase(t, dialect)
			db, f := b.db, b.f
			base, _, err := db.Sales().Accounts(ctx, f.Owner, tandem.Page{Limit: 50}, store.AccountFilter{})
			if err != nil {
				t.Fatal(err)
			}
			have := len(base) // the sales base's own accounts
			mine, _, err := db.Sales().Accounts(ctx, f.VendorAgent, tandem.Page{Limit: 50}, store.AccountFilter{})
			if err != nil {
				t.Fatal(err)
			}
			// 1,200 accounts of the client's alone and 1,200 deals on the
			// agent's account, straight into the tables.
			if err := storetest.Exec(db, `INSERT INTO sales_accounts (workspace_id, name, status, created_at, updated_at)
				WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1200)
				SELECT ?, 'Bulk account', 'prospect', ?, ? FROM n`, f.WorkspaceID, db.Now(), db.Now()); err != nil {
				t.Fatal(err)
			}
			if err := storetest.Exec(db, `INSERT INTO sales_deals (workspace_id, engagement_id, account_id, title, amount, currency, stage,
				owner_membership_id, created_at, updated_at)
				WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1200)
				SELECT ?, ?, ?, 'Bulk deal', 100, 'SEK', 'new', CAST(? AS BIGINT), ?, ? FROM n`,
				f.WorkspaceID, f.A1, b.mine, f.VendorAgent.MembershipID, db.Now(), db.Now()); err != nil {
				t.Fatal(err)
			}
			for _, c := range []struct {
				offset, rows, total int
			}{
				{0, 50, tandem.CountCap + 1},
				{150, 50, 150 + tandem.CountCap + 1},
				{300, 50, 1200 + have}, // counted to the end
				{5000, 0, 1200 + have},
			} {
				pg := tandem.Page{Offset: c.offset, Limit: 50}
				as, total, err := db.Sales().Accounts(ctx, f.Owner, pg, store.AccountFilter{})
				if err != nil || len(as) != c.rows || total != c.total {
					t.Errorf("accounts from %d: %d rows, total %d, want %d, %d (%v)", c.offset, len(as), total, c.rows, c.total, err)
				}
				ds, total, err := db.Deals().List(ctx, f.Owner, pg, store.DealFilter{EngagementID: f.A1})
				if want := min(1200, pg.Offset+tandem.CountCap+1); err != nil || len(ds) != c.rows || total != want {
					t.Errorf("deals from %d: %d rows, total %d, want %d, %d (%v)", c.offset, len(ds), total, c.rows, want, err)
				}
			}
			as, total, err := db.Sales().Accounts(ctx, f.VendorAgent, tandem.Page{Limit: 50}, store.AccountFilter{})
			if err != nil || len(as) != len(mine) || total != len(mine) {
				t.Errorf("the agent's accounts: %d rows, total %d, want %d (%v)", len(as), total, len(mine), err)
			}
		})
	}
}
