package store_test

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/kpi"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
)

// A page's reads through the read cache (store.WithReadCache: the terms
// versions read with the engagement, the version in force chosen from
// them, aggregate rows read once and reused for a period inside a trend
// already read, the workspace's zone) give what the same reads give
// without it: the versions in force on days around an amendment, the
// versions, trends and scorecards of weeks and months (with a sketch
// metric), and the invoice forecast.
func TestReadCacheAgrees(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			clock := storetest.NewClock(time.Date(2026, 1, 5, 8, 0, 0, 0, time.UTC))
			db := storetest.Open(t, dialect, clock.Now)
			f := storetest.Seed(t, db)
			storetest.Activate(t, db, f.Owner, f.A1, func(tm *contract.Terms) {
				salesPrice(tm)
				weeklyKPIs(tm)
			})
			v, err := db.Contracts.InForce(ctx, f.Owner, f.A1, tandem.DateOf(clock.Now()))
			mustDo(t, err)
			amended := v.Terms
			amended.KPIs = append([]contract.KPI(nil), amended.KPIs...)
			amended.KPIs[1].Target = 8000
			eff, _ := tandem.ParseDate("2026-02-15")
			a, err := db.Contracts.Propose(ctx, f.Manager, f.A1, eff, "A lower target", amended)
			mustDo(t, err)
			mustDo(t, db.Contracts.Decide(ctx, f.VendorManager, f.A1, a.Number, true, ""))
			var facts []store.Fact
			for i := range 40 {
				at := time.Date(2026, 1, 5, 10, 0, 0, 0, time.UTC).Add(time.Duration(i) * 53 * time.Hour)
				facts = append(facts, accepted(f.A1, at, int64(i%3), i%4 != 0, int64(600+i*97)))
			}
			_, err = db.KPI.RecordFacts(ctx, f.Owner, facts)
			mustDo(t, err)
			clock.Add(time.Date(2026, 3, 20, 8, 0, 0, 0, time.UTC).Sub(clock.Now()))

			// Each read twice: without the cache and within one request's.
			page := store.WithReadCache(ctx)
			same := func(what string, read func(c context.Context) (any, error)) {
				t.Helper()
				want, err := read(ctx)
				mustDo(t, err)
				got, err := read(page)
				mustDo(t, err)
				if !reflect.DeepEqual(got, want) {
					t.Errorf("%s through the read cache:\n%+v\nwithout:\n%+v", what, got, want)
				}
			}
			for _, day := range []string{"2025-12-31", "2026-01-05", "2026-02-14", "2026-02-15", "2026-03-20"} {
				d, _ := tandem.ParseDate(day)
				same("terms in force on "+day, func(c context.Context) (any, error) { return db.Contracts.InForce(c, f.Owner, f.A1, d) })
			}
			same("versions", func(c context.Context) (any, error) { return db.Contracts.Versions(c, f.Owner, f.A1) })
			for _, kind := range []string{kpi.Month, kpi.Week} {
				same(kind+" trend", func(c context.Context) (any, error) { return db.KPI.TrendTo(c, f.Owner, f.A1, kind, 6, time.Time{}) })
				periods, err := db.KPI.Periods(ctx, f.Owner, kind, 6)
				mustDo(t, err)
				for _, per := range periods {
					same(per.String(), func(c context.Context) (any, error) { return db.KPI.Scorecard(c, f.Owner, f.A1, per) })
				}
			}
			same("forecast", func(c context.Context) (any, error) { return db.Invoices().Forecast(c, f.Manager, f.A1) })
			// Another partner's manager, who may not see the engagement,
			// does not see it through a cache another caller filled.
			if _, err := db.Contracts.InForce(page, f.VendorManagerB, f.A1, tandem.DateOf(clock.Now())); err == nil {
				t.Error("another partner's manager read the terms through the cache")
			}
		})
	}
}

// TestReadCacheSalesAccount: within a request that only reads, the
// account's page (the account, its contacts, its timeline) reads the
// account once, each caller's as that caller may see it: an agent asking
// in the same request after the client read an account that is not
// theirs still gets ENotFound from every one of the three, and the
// client's read does not reach the agent masked or not.
func TestReadCacheSalesAccount(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			b := newSalesBase(t, dialect)
			db, f := b.db, b.f
			page := store.WithReadCache(ctx)
			cx, n := store.WithStatementCounter(page)
			a, err := db.Sales().Account(cx, f.Owner, b.theirs)
			mustDo(t, err)
			_, err = db.Sales().Contacts(cx, f.Owner, b.theirs)
			mustDo(t, err)
			_, err = db.Sales().Activities(cx, f.Owner, b.theirs)
			mustDo(t, err)
			reads := 0
			for _, q := range n.Texts() {
				if strings.HasPrefix(q, "SELECT a.id, a.workspace_id, a.name") || strings.Contains(q, "COUNT(*) FROM sales_accounts") {
					reads++
				}
			}
			if a.ID != b.theirs || reads != 1 {
				t.Errorf("the account %d read %d times in one request, want once:\n%s", a.ID, reads, strings.Join(n.Texts(), "\n"))
			}
			if _, err := db.Sales().Account(page, f.VendorAgent, b.theirs); tandem.ErrorCode(err) != tandem.ENotFound {
				t.Errorf("the agent reads another agent's account after the client did: %v", err)
			}
			if _, err := db.Sales().Contacts(page, f.VendorAgent, b.theirs); tandem.ErrorCode(err) != tandem.ENotFound {
				t.Errorf("the agent reads another agent's contacts after the client did: %v", err)
			}
			if _, err := db.Sales().Activities(page, f.VendorAgent, b.theirs); tandem.ErrorCode(err) != tandem.ENotFound {
				t.Errorf("the agent reads another agent's timeline after the client did: %v", err)
			}
		})
	}
}
