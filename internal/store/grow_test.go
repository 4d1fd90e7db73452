package store_test

import (
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/audit"
	"github.com/tandemhq/tandem/internal/demo"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
)

// TestGrow grows the demo workspace by small counts, in transactions and
// statements small enough to cross their boundaries: exactly the rows
// asked for are added, each creation has its audit entry about the record
// created, and the chain verifies — with an entry written by the product
// before (unsealed on PostgreSQL) and one after.
func TestGrow(t *testing.T) {
	// Parallel: the chunk sizes it sets are read by DB.Grow alone, which
	// no other test of this package calls.
	t.Parallel()
	restore := store.SetGrowChunks(7, 3)
	defer restore()
	for _, d := range storetest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			clk := demo.NewClock(time.Now)
			db := storetest.Open(t, d, clk.Now)
			if _, err := demo.Load(ctx, db, clk); err != nil {
				t.Fatal(err)
			}
			u, err := db.Accounts.UserByEmail(ctx, demo.OwnerEmail)
			if err != nil {
				t.Fatal(err)
			}
			ms, err := db.Accounts.MembershipsOf(ctx, u.ID)
			if err != nil || len(ms) == 0 {
				t.Fatal(ms, err)
			}
			owner := tandem.Principal{UserID: u.ID, Email: u.Email, WorkspaceID: ms[0].WorkspaceID, Role: ms[0].Role}
			ws := owner.WorkspaceID
			count := func(q string) int {
				t.Helper()
				var n int
				if err := store.QueryRowRaw(db, q, ws).Scan(&n); err != nil {
					t.Fatal(err)
				}
				return n
			}
			const (
				partners = `SELECT COUNT(*) FROM partners WHERE workspace_id = ?`
				delivs   = `SELECT COUNT(*) FROM deliverables WHERE workspace_id = ?`
				events   = `SELECT COUNT(*) FROM events WHERE workspace_id = ?`
			)
			p0, d0 := count(partners), count(delivs)
			if err := db.Audit.RecordExport(ctx, owner, audit.ActionExport, "workspace", ws, map[string]any{"before": true}); err != nil {
				t.Fatal(err)
			}
			e0 := count(events)
			res, err := db.Grow(ctx, ws, store.GrowOptions{Audit: 100, Partners: 17, Deliverables: 23})
			if err != nil {
				t.Fatal(err)
			}
			if res.Audit != 100 || res.Partners != 17 || res.Deliverables != 23 {
				t.Errorf("grew %+v", res)
			}
			if p, dl, e := count(partners)-p0, count(delivs)-d0, count(events)-e0; p != 17 || dl != 23 || e != 100 {
				t.Errorf("added %d partners, %d deliverables, %d entries; want 17, 23, 100", p, dl, e)
			}
			if n := count(`SELECT COUNT(*) FROM events e WHERE e.workspace_id = ? AND e.action = 'partner.created'
				AND e.entity_id IN (SELECT id FROM partners WHERE legal_name LIKE 'Grown partner %')`); n != 17 {
				t.Errorf("%d partner.created entries about the grown partners, want 17", n)
			}
			if n := count(`SELECT COUNT(*) FROM events e WHERE e.workspace_id = ? AND e.action = 'deliverable.created'
				AND e.entity = 'engagement' AND e.data LIKE '%Grown deliverable%'
				AND e.entity_id IN (SELECT engagement_id FROM deliverables WHERE title LIKE 'Grown deliverable %')`); n != 23 {
				t.Errorf("%d deliverable.created entries about the grown deliverables' engagements, want 23", n)
			}
			if n := count(`SELECT COUNT(*) FROM submissions s JOIN deliverables d ON d.id = s.deliverable_id
				WHERE s.workspace_id = ? AND d.title LIKE 'Grown deliverable %'`); n != res.Submissions || n == 0 {
				t.Errorf("%d submissions of grown deliverables, Grow says %d", n, res.Submissions)
			}
			// The product finds them and goes on writing the chain.
			_, total, err := db.Partners.List(ctx, owner, tandem.Page{Q: "grown partner", Limit: 5}, "")
			if err != nil || total != 17 {
				t.Errorf("partners found by search: %d, %v", total, err)
			}
			if err := db.Audit.RecordExport(ctx, owner, audit.ActionExport, "workspace", ws, map[string]any{"after": true}); err != nil {
				t.Fatal(err)
			}
			var all int
			if err := store.QueryRowRaw(db, `SELECT COUNT(*) FROM events`).Scan(&all); err != nil {
				t.Fatal(err)
			}
			b, checked, err := db.Audit.Verify(ctx)
			if err != nil || b != nil || checked != all {
				t.Fatalf("verify: break %+v, checked %d of %d, %v", b, checked, all, err)
			}
			if n, gapless, unsealed := chainOf(t, db, ws); !gapless || unsealed != 0 || n != count(events) {
				t.Errorf("chain: %d sealed of %d, gapless %v, %d unsealed", n, count(events), gapless, unsealed)
			}
		})
	}
}
