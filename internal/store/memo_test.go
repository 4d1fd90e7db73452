package store_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/partner"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
)

// memoKey is this test's kind of Remember key.
type memoKey struct{ name string }

// TestRemember: a result is computed once while nothing is written and the
// clock stays within MemoTTL; a write through the store, ExecRaw, the
// clock passing MemoTTL (or going back) each make it computed again; an
// error is not kept; callers at the same time share one computation; keys
// of other names are other results.
func TestRemember(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			clk := storetest.NewClock(time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC))
			db := storetest.Open(t, dialect, clk.Now)
			f := storetest.Seed(t, db)
			var computed atomic.Int64
			get := func(name string) int64 {
				t.Helper()
				v, err := db.Remember(ctx, memoKey{name}, func(context.Context) (any, error) {
					return computed.Add(1), nil
				})
				if err != nil {
					t.Fatal(err)
				}
				return v.(int64)
			}
			// On PostgreSQL the revision is the cluster's WAL position,
			// which the other tests running meanwhile move: a result may
			// be computed again at any time there, so only what must be
			// computed again is checked (n beyond every n before: a
			// computation newer than every result seen before).
			pg := dialect == "postgres"
			var maxN, maxGot int64
			want := func(step string, name string, n int64) {
				t.Helper()
				got := get(name)
				switch {
				case pg && n > maxN && got <= maxGot:
					t.Errorf("%s: got computation %d, want one after %d", step, got, maxGot)
				case !pg && got != n:
					t.Errorf("%s: got computation %d, want %d", step, got, n)
				}
				maxN, maxGot = max(maxN, n), max(maxGot, got)
			}
			want("first", "a", 1)
			want("again", "a", 1)
			want("another key", "b", 2)
			want("the first key again", "a", 1)
			clk.Add(store.MemoTTL - time.Second)
			want("within the TTL", "a", 1)
			if err := db.Partners.Create(ctx, f.Owner, &partner.Partner{LegalName: "Memo AB", Country: "SE", Status: partner.StatusActive}); err != nil {
				t.Fatal(err)
			}
			want("after a write", "a", 3)
			want("after the write, again", "a", 3)
			if err := store.ExecRaw(db, `UPDATE partners SET legal_name = 'Memo 2 AB' WHERE legal_name = 'Memo AB'`); err != nil {
				t.Fatal(err)
			}
			want("after ExecRaw", "a", 4)
			clk.Add(store.MemoTTL)
			want("after the TTL", "a", 5)
			clk.Add(-time.Second)
			want("clock back", "a", 6)

			// An error is not kept.
			boom := errors.New("boom")
			if _, err := db.Remember(ctx, memoKey{"err"}, func(context.Context) (any, error) { return nil, boom }); !errors.Is(err, boom) {
				t.Fatalf("error: %v", err)
			}
			want("after an error", "err", 7)
			base := computed.Load()

			// Callers at the same time share one computation (SQLite: on
			// PostgreSQL other tests move the revision meanwhile).
			if pg {
				return
			}
			clk.Add(store.MemoTTL)
			release := make(chan struct{})
			var wg sync.WaitGroup
			got := make([]int64, 8)
			for i := range got {
				wg.Add(1)
				go func() {
					defer wg.Done()
					v, err := db.Remember(ctx, memoKey{"shared"}, func(context.Context) (any, error) {
						<-release
						return computed.Add(1), nil
					})
					if err != nil {
						t.Error(err)
						return
					}
					got[i] = v.(int64)
				}()
			}
			time.Sleep(50 * time.Millisecond) // let them all ask (not a timing assertion: sharing is checked below)
			close(release)
			wg.Wait()
			for i, v := range got {
				if v != got[0] {
					t.Errorf("caller %d got computation %d, caller 0 got %d", i, v, got[0])
				}
			}
			if n := computed.Load() - base; n > 8 {
				t.Errorf("%d computations", n)
			}
		})
	}
}

// TestRememberSeesAnotherInstance: on PostgreSQL a write by another
// instance (another store.DB on the same database) ends a kept result.
func TestRememberSeesAnotherInstance(t *testing.T) {
	t.Parallel()
	if !slices.Contains(storetest.Dialects(t), "postgres") {
		t.Skip("PostgreSQL only: a SQLite file has one server")
	}
	url := storetest.CreateDatabase(t)
	open := func() *store.DB {
		db, err := store.Open(ctx, store.Options{URL: url, DataDir: t.TempDir()})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
	a := open()
	f := storetest.Seed(t, a)
	b := open()
	n := 0
	get := func() int {
		v, err := a.Remember(ctx, memoKey{"x"}, func(context.Context) (any, error) { n++; return n, nil })
		if err != nil {
			t.Fatal(err)
		}
		return v.(int)
	}
	// Other tests move the cluster's WAL meanwhile (see TestRemember):
	// only the new computation after the write is checked.
	before := get()
	if err := b.Partners.Create(ctx, f.Owner, &partner.Partner{LegalName: fmt.Sprintf("Other instance %d AB", n), Country: "SE", Status: partner.StatusActive}); err != nil {
		t.Fatal(err)
	}
	if got := get(); got <= before {
		t.Errorf("after another instance's write: computation %d, want one after %d", got, before)
	}
}
