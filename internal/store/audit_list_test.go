package store_test

import (
	"cmp"
	"fmt"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/audit"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
)

// TestAuditListMergesTheTwoChains: the audit trail page reads the
// workspace's own entries and its members' entries of the installation's
// chain (workspace 0) apart and merges them (issue 16). Paged through, in
// the default order and another, it shows each entry the old single query
// selected exactly once, in order, with the capped count; the entries of
// someone who is not a member do not appear.
func TestAuditListMergesTheTwoChains(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := storetest.Seed(t, db)
		ws := f.WorkspaceID
		// 1,100 entries of the workspace over the past year, and members'
		// entries of the installation's chain between them (raw rows: the
		// chain is not verified here).
		if _, err := db.Grow(ctx, ws, store.GrowOptions{Audit: 1100}); err != nil {
			t.Fatal(err)
		}
		other, err := db.Accounts.UserByEmail(ctx, "other@example.com")
		if err != nil {
			t.Fatal(err)
		}
		for i := range 60 {
			actor := f.Manager.UserID
			if i%3 == 0 {
				actor = other.ID // not a member: never shown
			}
			at := db.Now().Add(-time.Duration(i*6) * 24 * time.Hour)
			if err := storetest.Exec(db, `INSERT INTO events (workspace_id, seq, at, actor_id, actor, action, entity, entity_id, data, prev_hash, hash)
				VALUES (0, ?, ?, ?, 'x@example.com', 'session.signed_in', 'user', ?, '{}', '', '')`, 1_000_000+i, at, actor, actor); err != nil {
				t.Fatal(err)
			}
		}
		const selected = ` FROM events WHERE (workspace_id = ? OR (workspace_id = 0 AND actor_id IN (SELECT user_id FROM memberships WHERE workspace_id = ?)))`
		var want, wantSum int64
		if err := store.QueryRowRaw(db, `SELECT COUNT(*), SUM(id)`+selected, ws, ws).Scan(&want, &wantSum); err != nil {
			t.Fatal(err)
		}
		var signIns int
		if err := store.QueryRowRaw(db, `SELECT COUNT(*)`+selected+` AND action = 'session.signed_in'`, ws, ws).Scan(&signIns); err != nil {
			t.Fatal(err)
		}
		if signIns != 40 || want < 1140 {
			t.Fatalf("fixture: %d sign-ins of members, %d entries", signIns, want)
		}
		for _, sort := range []string{"", "action"} {
			var n, sum int64
			var prev *audit.Entry
			seen := map[int64]bool{}
			for offset := 0; ; offset += 50 {
				es, total, err := db.Audit.List(ctx, f.Owner, store.AuditFilter{}, tandem.Page{Sort: sort, Offset: offset, Limit: 50})
				if err != nil {
					t.Fatal(err)
				}
				if w := min(want, int64(offset+tandem.CountCap+1)); int64(total) != w {
					t.Fatalf("sort %q offset %d: total %d, want %d", sort, offset, total, w)
				}
				if len(es) == 0 {
					break
				}
				for i := range es {
					e := &es[i]
					if seen[e.ID] {
						t.Fatalf("sort %q: entry %d shown twice", sort, e.ID)
					}
					seen[e.ID] = true
					if prev != nil {
						var c int
						if sort == "" {
							c = cmp.Or(prev.At.Compare(e.At), cmp.Compare(prev.ID, e.ID)) // descending: prev first
						} else {
							c = cmp.Or(cmp.Compare(e.Action, prev.Action), cmp.Compare(e.ID, prev.ID))
						}
						if c <= 0 {
							t.Fatalf("sort %q: %s after %s", sort, describe(e), describe(prev))
						}
					}
					prev = e
					n++
					sum += e.ID
				}
			}
			if n != want || sum != wantSum {
				t.Errorf("sort %q: paged through %d entries (id sum %d), want %d (%d)", sort, n, sum, want, wantSum)
			}
		}
	})
}

func describe(e *audit.Entry) string {
	return fmt.Sprintf("%d %s %s ws %d", e.ID, e.At.Format(time.RFC3339Nano), e.Action, e.WorkspaceID)
}
