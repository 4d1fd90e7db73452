package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/sales"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
)

// Twelve answers of 100 accounts read at once with one partner token:
// the hour's 1,000 records admit exactly ten, the other two are ETooMany,
// and the client's owner and manager are told once. A second token of the
// same person has its own count; the next hour the first reads again.
func TestSalesReadLimitConcurrent(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			b := newSalesBase(t, d)
			f, db, ctx := b.f, b.db, context.Background()
			rows := make([]store.NewAccount, 100)
			for i := range rows {
				rows[i].Account = sales.Account{Name: fmt.Sprintf("Konto %03d", i), Country: "SE"}
			}
			if err := db.Sales().CreateAccounts(ctx, f.Manager, rows); err != nil {
				t.Fatal(err)
			}
			if _, err := db.Sales().Assign(ctx, f.Manager, store.AccountFilter{Q: "konto"}, store.Assignment{EngagementID: f.A1}); err != nil {
				t.Fatal(err)
			}
			p := f.VendorManager
			p.TokenID = 41
			var mu sync.Mutex
			var wg sync.WaitGroup
			got := map[tandem.Code]int{}
			for range 12 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					as, _, err := db.Sales().Accounts(ctx, p, tandem.Page{Limit: 100}, store.AccountFilter{})
					mu.Lock()
					defer mu.Unlock()
					switch {
					case err == nil && len(as) == 100:
						got["ok"]++
					default:
						got[tandem.ErrorCode(err)]++
					}
				}()
			}
			wg.Wait()
			if got["ok"] != 10 || got[tandem.ETooMany] != 2 {
				t.Errorf("answers: %v, want 10 ok and 2 too_many", got)
			}
			for _, u := range []tandem.Principal{f.Owner, f.Manager} {
				ns, _, err := db.Notifications.List(ctx, u, true, 100)
				if err != nil {
					t.Fatal(err)
				}
				n := 0
				for _, x := range ns {
					if x.Kind == sales.ReadLimitNotice {
						n++
					}
				}
				if n != 1 {
					t.Errorf("%s told %d times", u.Role, n)
				}
			}
			other := p
			other.TokenID = 42
			if _, err := db.Sales().Contacts(ctx, other, b.mine); err != nil {
				t.Errorf("another token: %v", err)
			}
			if _, err := db.Sales().Contacts(ctx, p, b.mine); tandem.ErrorCode(err) != tandem.ETooMany {
				t.Errorf("contacts past the limit: %v", err)
			}
			b.clock.Add(time.Hour)
			if _, _, err := db.Sales().Accounts(ctx, p, tandem.Page{Limit: 100}, store.AccountFilter{}); err != nil {
				t.Errorf("next hour: %v", err)
			}
		})
	}
}
