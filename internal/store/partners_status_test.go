package store_test

import (
	"strings"
	"testing"

	"github.com/tandemhq/tandem/internal/partner"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
)

// The partners of one status — the homes count the active ones — are read
// through the index partners_status (migration 0043): the page in name
// order without a sort, the count from the index alone, not the partners
// one by one until the count's cap (issue 16: a few milliseconds a home
// with 100,000 partners).
func TestPartnersByStatusUseTheirIndex(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := storetest.Seed(t, db)
		ix, err := store.Indexes(db, "partners")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(strings.Join(ix, " "), "partners_status") {
			t.Fatalf("indexes of partners: %v", ix)
		}
		// The list still answers: the seeded partners are active.
		ps, n, err := db.Partners.List(ctx, f.Owner, tandem.Page{Limit: 1}, string(partner.StatusActive))
		mustDo(t, err)
		if n != 2 || len(ps) != 1 {
			t.Errorf("active partners: %d, page of %d", n, len(ps))
		}
		q, args := store.PartnerListQuery(f.Owner, tandem.Page{Limit: 1}, string(partner.StatusActive))
		if db.Dialect() == "postgres" {
			plan, err := store.QueryPlanPG(db, q, args...)
			if err != nil {
				t.Fatal(err)
			}
			all := strings.Join(plan, "\n")
			if !strings.Contains(all, "Index Only Scan using partners_status on partners") ||
				!strings.Contains(all, "Index Scan using partners_status on partners") || strings.Contains(all, "Sort") {
				t.Errorf("the plan of the active partners does not read partners_status in order:\n%s", all)
			}
			return
		}
		// Without statistics, as a fresh database runs, and with them.
		for _, analyze := range []bool{false, true} {
			if analyze {
				if err := storetest.Exec(db, "ANALYZE"); err != nil {
					t.Fatal(err)
				}
			}
			plan, err := store.QueryPlan(db, q, args...)
			if err != nil {
				t.Fatal(err)
			}
			all := strings.Join(plan, "\n")
			if !strings.Contains(all, "SEARCH pa USING INDEX partners_status (workspace_id=? AND status=?)") ||
				!strings.Contains(all, "SEARCH pa USING COVERING INDEX partners_status (workspace_id=? AND status=?)") ||
				strings.Contains(all, "TEMP B-TREE") || strings.Contains(all, "SCAN pa") {
				t.Errorf("analyzed %v: the plan of the active partners does not read partners_status in order:\n%s", analyze, all)
			}
		}
	})
}
