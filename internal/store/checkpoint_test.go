package store_test

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/partner"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
)

// TestCheckpointsBesideTheWriter: on SQLite the writer's connection does
// not checkpoint by itself (a COMMIT that did would make every write of
// its group wait for the copy); the checkpointer does, on its own
// connection, while writers and readers go on; the log starts again from
// its beginning afterwards instead of growing; every write is in the
// database after it closed and opened again, and the audit chain verifies.
func TestCheckpointsBesideTheWriter(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db, err := store.Open(ctx, store.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := store.WriterAutocheckpoint(db); err != nil || n != 0 {
		t.Fatalf("the writer's wal_autocheckpoint is %d (%v), want 0: its COMMITs would checkpoint", n, err)
	}
	f := storetest.Seed(t, db)
	// Writers go on until the log has started again from its beginning
	// at least twice while they did (the frames at a checkpoint fewer than
	// at the one before): a round leaves its last frames to the writer,
	// which copies them after a batch, and the next batch writes from the
	// log's beginning. Without that, a checkpoint beside a busy writer
	// never has every frame copied when a batch begins, and the log grows
	// for as long as the writes go on. One reader reads now and then
	// meanwhile: a reader that reads frames of the log holds its start
	// back until it finishes (never for long: the writer waits for it at
	// most tailWait, and tries again at the next round).
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var written atomic.Int64
	for g := range 20 {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				x := &partner.Partner{LegalName: fmt.Sprintf("Checkpoint %02d-%05d AB", g, i), Country: "SE"}
				if err := db.Partners.Create(ctx, f.Owner, x); err != nil {
					t.Error(err)
					return
				}
				written.Add(1)
			}
		})
	}
	wg.Go(func() {
		for {
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
			if _, _, err := db.Partners.List(ctx, f.Owner, tandem.Page{Limit: 50}, ""); err != nil {
				t.Error(err)
				return
			}
		}
	})
	var prev, restarts int64
	deadline := time.Now().Add(60 * time.Second)
	for restarts < 2 && !t.Failed() {
		if time.Now().After(deadline) {
			runs, tails, logged := store.Checkpoints(db)
			close(stop)
			wg.Wait()
			t.Fatalf("the log did not start again during %d writes: %d checkpoints beside the writer, %d by the writer, %d frames in the log", written.Load(), runs, tails, logged)
		}
		time.Sleep(2 * time.Millisecond)
		_, _, logged := store.Checkpoints(db)
		if logged < prev {
			restarts++
		}
		prev = logged
	}
	close(stop)
	wg.Wait()
	if runs, tails, _ := store.Checkpoints(db); runs == 0 || tails == 0 {
		t.Fatalf("%d checkpoints beside the writer, %d by the writer", runs, tails)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db, err = store.Open(ctx, store.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if n := count(t, db, `SELECT COUNT(*) FROM partners WHERE legal_name LIKE 'Checkpoint %'`); n != int(written.Load()) {
		t.Fatalf("%d partners after reopening, want %d", n, written.Load())
	}
	chainIntact(t, db)
}
