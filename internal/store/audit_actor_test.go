package store_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/tandemhq/tandem/internal/partner"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
)

// The index events_actor holds the installation's entries only (migration
// 0053): the members' sign-ins the audit trail shows, looked up by actor,
// and not the entry every write of a workspace adds — one index fewer for
// each of them to write. TestAuditListMergesTheTwoChains checks the trail
// still shows the members' sign-ins.
func TestEventsActorHoldsTheInstallationOnly(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := storetest.Seed(t, db)
		for i := range 30 {
			x := &partner.Partner{LegalName: fmt.Sprintf("Actor index %02d AB", i), Country: "SE", Status: partner.StatusActive}
			if err := db.Partners.Create(ctx, f.Owner, x); err != nil {
				t.Fatal(err)
			}
		}
		q := `SELECT sql FROM sqlite_master WHERE type = 'index' AND name = 'events_actor'`
		if db.Dialect() == "postgres" {
			q = `SELECT indexdef FROM pg_indexes WHERE indexname = 'events_actor'`
		}
		var def string
		if err := store.QueryRowRaw(db, q).Scan(&def); err != nil {
			t.Fatal(err)
		}
		if d := strings.NewReplacer("(", "", ")", "").Replace(def); !strings.HasSuffix(d, "WHERE workspace_id = 0") {
			t.Errorf("events_actor is not the installation's alone: %s", def)
		}
		if db.Dialect() == "postgres" {
			return
		}
		// On SQLite, count the index's entries (an index b-tree keeps
		// entries in its interior pages too).
		var indexed, installation, all int
		if err := store.QueryRowRaw(db, `SELECT (SELECT SUM(ncell) FROM dbstat WHERE name = 'events_actor'),
			(SELECT COUNT(*) FROM events WHERE workspace_id = 0), (SELECT COUNT(*) FROM events)`).Scan(&indexed, &installation, &all); err != nil {
			t.Fatal(err)
		}
		if indexed != installation || all < installation+30 {
			t.Errorf("events_actor holds %d entries; the installation has %d of %d", indexed, installation, all)
		}
	})
}
