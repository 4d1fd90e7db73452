package store_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/tandemhq/tandem/internal/partner"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
)

// A batch's partner creations keep their rows for the batch's end
// (keptrows.go; on PostgreSQL — SQLite inserts them at once, and the test
// holds there too). What the batch's later jobs see is unchanged: a job
// reading partners counts the ones created before it in the batch, and a
// job inserting a row that refers to one of them (a foreign key, its text
// naming no partner) finds it. A batch of creations alone writes its rows
// in one statement (on PostgreSQL, rows of one INSERT share their command
// id, cmin). A kept row the database refuses fails its own job only, and
// a failing job takes only its own creation with it. Ids grow in the order
// of the creations, every audit entry names a stored partner, and the
// chain verifies.
func TestBatchKeepsRows(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := storetest.Seed(t, db)
		create := func(x *partner.Partner) func() error {
			return func() error { return db.Partners.Create(ctx, f.Owner, x) }
		}
		named := func(name string) *partner.Partner { return &partner.Partner{LegalName: name, Country: "SE"} }
		k1, k2, k3 := named("Kept 1 AB"), named("Kept 2 AB"), named("Kept 3 AB")
		var seen int64
		errs := batchOf(db, create(k1), create(k2), create(k3),
			func() error {
				return store.Write(ctx, db, f.Owner, func(w store.TestTx) (err error) {
					seen, err = w.QueryInt(`SELECT COUNT(*) FROM partners WHERE legal_name LIKE 'Kept %'`)
					return err
				})
			},
			func() error {
				return store.Write(ctx, db, f.Owner, func(w store.TestTx) error {
					// k3.ID was set by the job before this one, on the
					// writer's goroutine that runs this one too.
					return w.Exec(`INSERT INTO engagements (workspace_id, partner_id, title, kind, status, starts_on, created_at, updated_at)
						VALUES (?, ?, 'Kept engagement', 'service', 'active', '2026-01-01', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')`,
						f.WorkspaceID, k3.ID)
				})
			})
		for i, err := range errs {
			if err != nil {
				t.Fatalf("first batch, job %d: %v", i, err)
			}
		}
		if seen != 3 {
			t.Errorf("a job after three creations in the batch saw %d of them", seen)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM engagements WHERE partner_id = ? AND title = 'Kept engagement'`, k3.ID); n != 1 {
			t.Errorf("%d engagements of the partner created in the same batch, want 1", n)
		}
		if !(k1.ID > 0 && k1.ID < k2.ID && k2.ID < k3.ID) {
			t.Errorf("ids %d, %d, %d: want them growing in the order of the creations", k1.ID, k2.ID, k3.ID)
		}

		// Creations alone: one statement on PostgreSQL.
		var alone []func() error
		for i := range 6 {
			alone = append(alone, create(named(fmt.Sprintf("Alone %d AB", i))))
		}
		for i, err := range batchOf(db, alone...) {
			if err != nil {
				t.Fatalf("second batch, job %d: %v", i, err)
			}
		}
		if n := count(t, db, `SELECT COUNT(*) FROM partners WHERE legal_name LIKE 'Alone %'`); n != 6 {
			t.Fatalf("%d of the 6 partners stored", n)
		}
		if db.Dialect() == "postgres" {
			if n := count(t, db, `SELECT COUNT(DISTINCT cmin::text) FROM partners WHERE legal_name LIKE 'Alone %'`); n != 1 {
				t.Errorf("the batch's 6 partners were inserted by %d statements, want 1", n)
			}
		}

		// A row refused (a workspace that does not exist) and a failing job.
		stranger := f.Owner
		stranger.WorkspaceID = 987654
		boom := errors.New("boom")
		errs = batchOf(db, create(named("Fine 1 AB")),
			func() error { return db.Partners.Create(ctx, stranger, named("Refused AB")) },
			create(named("Fine 2 AB")),
			func() error {
				return store.Write(ctx, db, f.Owner, func(w store.TestTx) error {
					if _, err := w.CreatePartner("Never AB"); err != nil {
						return err
					}
					return boom
				})
			},
			create(named("Fine 3 AB")))
		if errs[0] != nil || errs[1] == nil || errs[2] != nil || !errors.Is(errs[3], boom) || errs[4] != nil {
			t.Fatalf("third batch: %v, want an error for the second and the fourth job only", errs)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM partners WHERE legal_name LIKE 'Fine %'`); n != 3 {
			t.Errorf("%d of the 3 fine partners stored", n)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM partners WHERE legal_name IN ('Refused AB', 'Never AB')`); n != 0 {
			t.Errorf("%d refused or rolled back partners stored", n)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM events e WHERE action = 'partner.created'
			AND NOT EXISTS (SELECT 1 FROM partners p WHERE p.id = e.entity_id AND p.workspace_id = e.workspace_id)`); n != 0 {
			t.Errorf("%d audit entries of created partners name no stored partner", n)
		}
		chainIntact(t, db)
	})
}
