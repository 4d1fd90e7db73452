package store_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
)

// instances opens two *store.DB on one fresh database — as two Tandem
// instances would: the same PostgreSQL database, or the same SQLite file —
// both reading clock.
func instances(t *testing.T, dialect string, clock *storetest.Clock) (a, b *store.DB) {
	t.Helper()
	opts := store.Options{DataDir: t.TempDir(), Now: clock.Now}
	if dialect == "postgres" {
		opts.URL = storetest.CreateDatabase(t)
	}
	open := func() *store.DB {
		db, err := store.Open(ctx, opts)
		if err != nil {
			t.Fatalf("open %s: %v", dialect, err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
	return open(), open()
}

// Fifty slots of a job are due at once (a catch-up); eight workers, four
// on each instance, race to claim and run them. Every slot runs exactly
// once, in order, and job_runs holds one finished row per slot.
func TestJobsEachSlotRunsOnce(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			start := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
			const slots = 50
			clock := storetest.NewClock(start.Add(slots*time.Minute - time.Second)) // slots 10:00 … 10:49 are due
			a, b := instances(t, dialect, clock)
			for _, db := range []*store.DB{a, b} {
				if err := db.Jobs.Ensure(ctx, "probe", start); err != nil {
					t.Fatal(err)
				}
			}
			var mu sync.Mutex
			ran := map[time.Time]int{}
			claims := map[string]int{}
			var wg sync.WaitGroup
			errs := make(chan error, 8)
			for w := range 8 {
				db := a
				if w%2 == 1 {
					db = b
				}
				holder := fmt.Sprintf("worker-%d", w)
				wg.Go(func() {
					for {
						c, err := db.Jobs.Claim(ctx, "probe", holder, time.Minute)
						if err != nil {
							errs <- err
							return
						}
						if c == nil {
							// Not due any more (all ran), or another worker holds it.
							next, h, err := db.Jobs.Next(ctx, "probe")
							if err != nil {
								errs <- err
								return
							}
							if h == "" && !next.Before(start.Add(slots*time.Minute)) {
								return
							}
							continue
						}
						mu.Lock()
						ran[c.ScheduledFor]++
						claims[holder]++
						mu.Unlock()
						ok, err := db.Jobs.Finish(ctx, c, 1, nil, c.ScheduledFor.Add(time.Minute))
						if err != nil || !ok {
							errs <- fmt.Errorf("finish %s: %v %v", c.ScheduledFor, ok, err)
							return
						}
					}
				})
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Fatal(err)
			}
			if len(ran) != slots {
				t.Fatalf("%d slots ran, want %d", len(ran), slots)
			}
			for i := range slots {
				s := start.Add(time.Duration(i) * time.Minute)
				if ran[s] != 1 {
					t.Errorf("slot %s ran %d times", s.Format("15:04"), ran[s])
				}
			}
			runs, err := b.Jobs.Runs(ctx, "probe")
			if err != nil {
				t.Fatal(err)
			}
			if len(runs) != slots {
				t.Fatalf("job_runs has %d rows, want %d", len(runs), slots)
			}
			for i, r := range runs {
				if want := start.Add(time.Duration(i) * time.Minute); !r.ScheduledFor.Equal(want) || r.Attempts != 1 || r.Finished.IsZero() || r.Result != 1 || r.Error != "" {
					t.Errorf("run %d: %+v, want slot %s finished once", i, r, want)
				}
			}
			t.Logf("%d slots, claims per worker: %v", slots, claims)
		})
	}
}

// A holder that dies mid-run stops renewing its lease; once the lease has
// run out, the other instance takes the same slot over (attempt 2), and
// the dead holder, should it wake, can neither renew nor finish it.
func TestJobsTakeOverFromDeadHolder(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			start := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
			clock := storetest.NewClock(start.Add(5 * time.Second))
			a, b := instances(t, dialect, clock)
			if err := a.Jobs.Ensure(ctx, "probe", start); err != nil {
				t.Fatal(err)
			}
			ca, err := a.Jobs.Claim(ctx, "probe", "A", 2*time.Minute)
			if err != nil || ca == nil || !ca.ScheduledFor.Equal(start) || ca.Attempt != 1 {
				t.Fatalf("A's claim: %+v %v", ca, err)
			}
			if due, err := b.Jobs.Due(ctx); err != nil || len(due) != 0 {
				t.Fatalf("due while A holds the lease: %v %v", due, err)
			}
			// A renews once, at 10:01, then dies: its lease ends at 10:03:05.
			clock.Add(time.Minute)
			if ok, err := a.Jobs.Renew(ctx, ca, 2*time.Minute); !ok || err != nil {
				t.Fatalf("renew: %v %v", ok, err)
			}
			clock.Add(2 * time.Minute) // 10:03:05: the lease ends exactly now
			if c, err := b.Jobs.Claim(ctx, "probe", "B", 2*time.Minute); c != nil || err != nil {
				t.Fatalf("B claimed a live lease: %+v %v", c, err)
			}
			clock.Add(time.Second)
			cb, err := b.Jobs.Claim(ctx, "probe", "B", 2*time.Minute)
			if err != nil || cb == nil || !cb.ScheduledFor.Equal(start) || cb.Attempt != 2 {
				t.Fatalf("B's take-over: %+v %v", cb, err)
			}
			// A wakes up: it no longer holds the job.
			if ok, err := a.Jobs.Renew(ctx, ca, 2*time.Minute); ok || err != nil {
				t.Fatalf("the dead holder renewed: %v %v", ok, err)
			}
			if ok, err := a.Jobs.Finish(ctx, ca, 7, nil, start.Add(time.Minute)); ok || err != nil {
				t.Fatalf("the dead holder finished: %v %v", ok, err)
			}
			if ok, err := b.Jobs.Finish(ctx, cb, 3, nil, start.Add(time.Minute)); !ok || err != nil {
				t.Fatalf("B's finish: %v %v", ok, err)
			}
			// A stopping instance gives its slot back at once.
			ca2, err := a.Jobs.Claim(ctx, "probe", "A", 2*time.Minute)
			if err != nil || ca2 == nil || !ca2.ScheduledFor.Equal(start.Add(time.Minute)) {
				t.Fatalf("A's next claim: %+v %v", ca2, err)
			}
			if err := a.Jobs.Release(ctx, ca2, "stopping"); err != nil {
				t.Fatal(err)
			}
			cb2, err := b.Jobs.Claim(ctx, "probe", "B", 2*time.Minute)
			if err != nil || cb2 == nil || cb2.Attempt != 2 {
				t.Fatalf("B's claim after a release: %+v %v", cb2, err)
			}
			if ok, err := b.Jobs.Finish(ctx, cb2, 0, fmt.Errorf("boom"), start.Add(2*time.Minute)); !ok || err != nil {
				t.Fatalf("finish: %v %v", ok, err)
			}

			runs, err := a.Jobs.Runs(ctx, "probe")
			if err != nil {
				t.Fatal(err)
			}
			if len(runs) != 2 {
				t.Fatalf("runs: %+v", runs)
			}
			r := runs[0]
			if !r.ScheduledFor.Equal(start) || r.Holder != "B" || r.Attempts != 2 || r.Result != 3 || r.Finished.IsZero() || r.Error != "" {
				t.Errorf("taken-over run: %+v", r)
			}
			if r := runs[1]; r.Holder != "B" || r.Attempts != 2 || r.Error != "boom" || r.Finished.IsZero() {
				t.Errorf("released run: %+v", r)
			}
			next, holder, err := a.Jobs.Next(ctx, "probe")
			if err != nil || holder != "" || !next.Equal(start.Add(2*time.Minute)) {
				t.Errorf("next: %s %q %v", next, holder, err)
			}
		})
	}
}
