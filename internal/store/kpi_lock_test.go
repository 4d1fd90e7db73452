package store_test

import (
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/fact"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
)

// A fact deleted while another transaction records a fact of the same
// kind, day and engagement: the day's aggregate keeps the recorded one.
// On PostgreSQL the deletion rewrites the day from its facts; it read them
// without the other transaction's fact (not committed yet), then waited
// for the row that transaction had added to, deleted it once it committed
// and wrote the sums without its fact. The test puts the committed row in
// the recording transaction's slot, holds that transaction open while the
// deletion starts and waits for a lock, then commits it: the day must end
// with one fact, n 1 and Σ 5, and `kpi verify` clean. SQLite's single
// writer runs the two one after the other.
func TestFactDeletedWhileAnotherIsRecorded(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			db := storetest.Open(t, dialect, nil)
			f := storetest.Seed(t, db)
			at := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
			returned := func(subject, value int64) store.Fact {
				return store.Fact{EngagementID: f.A1, SubjectID: subject, At: at, Value: value, Data: fact.Returned{Submission: 1}}
			}
			if err := store.Write(ctx, db, f.Owner, func(w store.TestTx) error { return w.RecordFact(returned(1, 3)) }); err != nil {
				t.Fatal(err)
			}
			var first int64
			if err := store.QueryRowRaw(db, `SELECT id FROM facts WHERE engagement_id = ? AND subject_id = 1`, f.A1).Scan(&first); err != nil {
				t.Fatal(err)
			}
			deleted := make(chan error, 1)
			deleteFirst := func() { deleted <- db.KPI.DeleteFact(ctx, f.Owner, first) }

			if dialect != "postgres" {
				if err := store.Write(ctx, db, f.Owner, func(w store.TestTx) error { return w.RecordFact(returned(2, 5)) }); err != nil {
					t.Fatal(err)
				}
				deleteFirst()
			} else {
				slotOf, recorded, commit := make(chan int64, 1), make(chan error, 1), make(chan struct{})
				go func() {
					recorded <- store.WriteAlone(ctx, db, f.Owner, func(w store.TestTx) error {
						slot, err := w.QueryInt(store.AggSlotQuery)
						slotOf <- slot
						if err != nil {
							return err
						}
						<-commit // the committed row is in this slot now
						if err := w.RecordFact(returned(2, 5)); err != nil {
							return err
						}
						recorded <- nil
						<-commit
						return nil
					})
				}()
				slot := <-slotOf
				for _, table := range []string{"kpi_daily", "kpi_weekly"} {
					if err := store.ExecRaw(db, `UPDATE `+table+` SET slot = ? WHERE engagement_id = ?`, slot, f.A1); err != nil {
						t.Fatal(err)
					}
				}
				commit <- struct{}{}
				if err := <-recorded; err != nil {
					t.Fatal(err)
				}
				go deleteFirst()
				// The deletion waits for a lock (the rows, or the week's
				// lock of lockWeeks); then the recording commits.
				waitForLockWait(t, db, "the deletion")
				close(commit)
				if err := <-recorded; err != nil {
					t.Fatal(err)
				}
			}
			if err := <-deleted; err != nil {
				t.Fatal(err)
			}
			var n, sum int64
			if err := store.QueryRowRaw(db, `SELECT COALESCE(SUM(n), 0), COALESCE(SUM(sum_value), 0) FROM kpi_daily WHERE engagement_id = ?`, f.A1).Scan(&n, &sum); err != nil {
				t.Fatal(err)
			}
			if n != 1 || sum != 5 {
				t.Errorf("the day's aggregate: n %d, Σ %d; want the recorded fact alone, n 1, Σ 5", n, sum)
			}
			if m, err := db.KPI.Verify(ctx); err != nil || m != nil {
				t.Fatalf("verify: %v %v", m, err)
			}
		})
	}
}

// waitForLockWait returns once a session of db's PostgreSQL database
// waits for a lock (what: the statement expected to wait), and fails the
// test if none does within a minute. It asserts no duration: the minute
// only ends a test that would otherwise hang.
func waitForLockWait(t *testing.T, db *store.DB, what string) {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); ; {
		var waiting int
		if err := store.QueryRowRaw(db, `SELECT COUNT(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
			WHERE NOT l.granted AND a.datname = current_database()`).Scan(&waiting); err != nil {
			t.Fatal(err)
		}
		if waiting > 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s never waited for a lock", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
