package app

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/audit"
	"github.com/tandemhq/tandem/internal/store/storetest"
)

// The sealer of serve seals what is left when it stops: with an interval
// that never comes during the test, the entries written meanwhile are
// unsealed (PostgreSQL) until the stop, and none is after it. SQLite has
// nothing to seal and no sealer.
func TestSealerSealsOnStop(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			bg := context.Background()
			db := storetest.Open(t, d, nil)
			f := storetest.Seed(t, db)
			ctx, stop := context.WithCancel(bg)
			var wg sync.WaitGroup
			startSealer(ctx, &wg, slog.New(slog.NewTextHandler(io.Discard, nil)), db, time.Hour)
			for range 3 {
				if err := db.Audit.RecordExport(bg, f.Owner, audit.ActionExport, "workspace", f.WorkspaceID, nil); err != nil {
					t.Fatal(err)
				}
			}
			w, err := db.Audit.UnsealedOf(bg, f.Owner)
			if err != nil {
				t.Fatal(err)
			}
			if pg := d == "postgres"; (w.Count >= 3) != pg {
				t.Fatalf("%s: %d unsealed before the stop", d, w.Count)
			}
			stop()
			wg.Wait()
			if w, err := db.Audit.Unsealed(bg); err != nil || w.Count != 0 {
				t.Fatalf("after the stop: %d unsealed, %v", w.Count, err)
			}
			if b, n, err := db.Audit.Verify(bg); err != nil || b != nil || n < 3 {
				t.Fatalf("verify: %+v, %d, %v", b, n, err)
			}
		})
	}
}
