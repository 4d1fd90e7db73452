package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/sales"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
)

// The claims page reads 50 claims a page, open ones first and then the
// newest, with the count of each status and kind: 60 lead claims, 3 of
// them accepted → 57 open, page 1 holds 50 open claims, page 2 the other
// 7 open ones and then the 3 accepted, newest first.
func TestClaimsBoardPages(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			b := newClaimsBase(t, dialect)
			db, clock, f := b.db, b.clock, b.f
			leads := addAccounts(t, b, 60, f.VendorAgent)
			var ids []int64
			for i, acc := range leads {
				clock.Add(time.Minute)
				c, err := db.Claims().Create(ctx, f.VendorAgent, f.A1, sales.NewClaim{Kind: sales.ClaimLead, SubjectID: acc,
					Note: fmt.Sprintf("Decision maker %d named, budget confirmed", i)})
				mustDo(t, err)
				ids = append(ids, c.ID)
			}
			for _, id := range ids[:3] {
				_, err := db.Claims().Decide(ctx, f.Manager, f.A1, id, sales.Accept, "")
				mustDo(t, err)
			}
			page := func(n int, filter store.ClaimFilter) *store.ClaimsBoard {
				t.Helper()
				bd, err := db.Claims().Board(ctx, f.Manager, f.A1, filter, tandem.Page{Offset: (n - 1) * 50, Limit: 50})
				mustDo(t, err)
				return bd
			}
			p1 := page(1, store.ClaimFilter{})
			if p1.Total != 60 || len(p1.Claims) != 50 || p1.ByStatus[sales.ClaimOpen] != 57 || p1.ByStatus[sales.ClaimAccepted] != 3 ||
				p1.ByKind[sales.ClaimLead] != 60 || p1.ByKind[sales.ClaimDeal] != 0 {
				t.Fatalf("page 1: total %d, %d rows, by status %v, by kind %v", p1.Total, len(p1.Claims), p1.ByStatus, p1.ByKind)
			}
			for _, c := range p1.Claims {
				if c.Status != sales.ClaimOpen {
					t.Fatalf("page 1 holds a %s claim before the open ones end", c.Status)
				}
			}
			p2 := page(2, store.ClaimFilter{})
			if len(p2.Claims) != 10 || p2.Claims[7].ID != ids[2] || p2.Claims[9].ID != ids[0] {
				t.Fatalf("page 2: %d rows, the decided ones should be the newest first: %v", len(p2.Claims), p2.Claims[7:])
			}
			acc := page(1, store.ClaimFilter{Status: sales.ClaimAccepted})
			if acc.Total != 3 || len(acc.Claims) != 3 || acc.ByKind[sales.ClaimLead] != 3 || acc.ByStatus[sales.ClaimOpen] != 57 {
				t.Fatalf("accepted: total %d, by kind %v, by status %v", acc.Total, acc.ByKind, acc.ByStatus)
			}
			if none := page(1, store.ClaimFilter{Kind: sales.ClaimDeal}); none.Total != 0 || len(none.Claims) != 0 || none.ByStatus[sales.ClaimOpen] != 0 {
				t.Fatalf("deals: total %d, by status %v", none.Total, none.ByStatus)
			}
			// What waits: the open claims and those disputed since a day ago
			// — not one disputed three days ago, nor the accepted ones.
			_, err := db.Claims().Decide(ctx, f.Manager, f.A1, ids[3], sales.Dispute, "No budget named in the call")
			mustDo(t, err)
			clock.Add(72 * time.Hour)
			_, err = db.Claims().Decide(ctx, f.Manager, f.A1, ids[4], sales.Dispute, "Not the decision maker")
			mustDo(t, err)
			waiting, err := db.ReadOpenWork(ctx, f.Manager, []int64{f.A1}, clock.Now().Add(-24*time.Hour))
			mustDo(t, err)
			open, recent := 0, 0
			for _, c := range waiting.Claims {
				switch {
				case c.Status == sales.ClaimOpen:
					open++
				case c.ID == ids[4]:
					recent++
				default:
					t.Errorf("claim %d (%s) does not wait", c.ID, c.Status)
				}
			}
			if open != 55 || recent != 1 {
				t.Fatalf("waiting: %d open (want 55), %d recently disputed (want 1)", open, recent)
			}
			// Partner B sees no claim of A1 (the engagement is not theirs).
			if _, err := db.Claims().Board(ctx, f.VendorManagerB, f.A1, store.ClaimFilter{}, tandem.Page{}); tandem.ErrorCode(err) != tandem.ENotFound {
				t.Fatalf("partner B: %v", err)
			}
		})
	}
}
