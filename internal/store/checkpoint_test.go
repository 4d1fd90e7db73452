package store_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/partner"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
)

// TestCheckpointsBesideTheWriter: on SQLite the writer's connection never
// checkpoints (a COMMIT that did would make every write of its group wait
// for the copy), the checkpointer does, on its own connection, while
// writers and readers go on; every write is in the database after it
// closed and opened again, and the audit chain verifies.
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
	runs0, _ := store.Checkpoints(db)
	var wg sync.WaitGroup
	for g := range 20 {
		wg.Go(func() {
			for i := range 50 {
				x := &partner.Partner{LegalName: fmt.Sprintf("Checkpoint %02d-%02d AB", g, i), Country: "SE"}
				if err := db.Partners.Create(ctx, f.Owner, x); err != nil {
					t.Error(err)
					return
				}
			}
		})
		wg.Go(func() { // readers hold snapshots meanwhile
			for range 20 {
				if _, _, err := db.Partners.List(ctx, f.Owner, tandem.Page{Limit: 50}, ""); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	// The checkpointer runs after the first COMMIT it hears of, and then
	// at most once a second while writes go on.
	deadline := time.Now().Add(30 * time.Second)
	for {
		runs, copied := store.Checkpoints(db)
		if runs > runs0 && copied > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no checkpoint after the writes: %d run (%d before), %d frames copied", runs, runs0, copied)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db, err = store.Open(ctx, store.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if n := count(t, db, `SELECT COUNT(*) FROM partners WHERE legal_name LIKE 'Checkpoint %'`); n != 1000 {
		t.Fatalf("%d partners after reopening, want 1000", n)
	}
	chainIntact(t, db)
}
