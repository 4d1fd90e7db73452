package store_test

import (
	"fmt"
	"testing"

	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
)

// TestListCountsNoFurtherThanItShows: a list's page and its count come in
// one statement, and the count stops CountCap rows past the page's start —
// exact below that, "more" above it; a page past the end still counts.
func TestListCountsNoFurtherThanItShows(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := storetest.Seed(t, db)
		// The seed has 2 partners; 1,200 more, straight into the table.
		for i := 0; i < 1200; i += 100 {
			q := `INSERT INTO partners (workspace_id, legal_name, status, created_at, updated_at) VALUES `
			var args []any
			for k := i; k < i+100; k++ {
				if k > i {
					q += ", "
				}
				q += "(?, ?, 'active', ?, ?)"
				args = append(args, f.WorkspaceID, fmt.Sprintf("Bulk %04d", k), db.Now(), db.Now())
			}
			if err := storetest.Exec(db, q, args...); err != nil {
				t.Fatal(err)
			}
		}
		for _, c := range []struct {
			offset, rows, total int
			capped              bool
		}{
			{0, 50, tandem.CountCap + 1, true},
			{150, 50, 150 + tandem.CountCap + 1, true},
			{250, 50, 1202, false}, // 250 + 1000 > 1202: counted to the end
			{1190, 12, 1202, false},
			{5000, 0, 1202, false},
		} {
			pg := tandem.Page{Offset: c.offset, Limit: 50}
			cx, n := store.WithStatementCounter(ctx)
			ps, total, err := db.Partners.List(cx, f.Owner, pg, "")
			if err != nil {
				t.Fatal(err)
			}
			if len(ps) != c.rows || total != c.total || pg.Capped(total) != c.capped {
				t.Errorf("offset %d: %d rows, total %d (capped %v), want %d, %d (%v)", c.offset, len(ps), total, pg.Capped(total), c.rows, c.total, c.capped)
			}
			if want := map[bool]int{true: 1, false: 2}[c.rows > 0]; n.N() != want {
				t.Errorf("offset %d: %d statements, want %d", c.offset, n.N(), want)
			}
		}
	})
}
