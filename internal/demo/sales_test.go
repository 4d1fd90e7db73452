package demo

import (
	"context"
	"strings"
	"testing"

	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
)

// The demo base: the same every load, assigned as the comment of
// addSalesBase says, masked for NordCall's people, with reveals in the log.
// Loaded without a clock, so without the history (history_test.go checks
// that): the reveals are today's four of addReveals.
func TestSalesBase(t *testing.T) {
	t.Parallel()
	a, b := salesBase(), salesBase()
	if len(a) != baseSize || a[17].Account.Name != b[17].Account.Name || a[17].Contacts[0].Phones[0].Typed != b[17].Contacts[0].Phones[0].Typed {
		t.Fatal("the base is not the same at every load")
	}
	db := storetest.Open(t, "sqlite", nil)
	ctx := context.Background()
	if _, err := Load(ctx, db, nil); err != nil {
		t.Fatal(err)
	}
	person := func(email string) tandem.Principal {
		u, err := db.Accounts.UserByEmail(ctx, email)
		if err != nil {
			t.Fatal(err)
		}
		ms, _ := db.Accounts.MembershipsOf(ctx, u.ID)
		p, err := db.Accounts.Principal(ctx, u.ID, ms[0].WorkspaceID)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	owner, kadri, aleksei, liis, triin := person(OwnerEmail), person(kadri), person(aleksi), person(liis), person(triin)
	// The list counts no further than tandem.CountCap past its page:
	// asked from further on until its count is exact.
	count := func(p tandem.Principal, f store.AccountFilter) int {
		for pg := (tandem.Page{Limit: 1}); ; pg.Offset += tandem.CountCap {
			_, n, err := db.Sales().Accounts(ctx, p, pg, f)
			if err != nil {
				t.Fatal(err)
			}
			if !pg.Capped(n) {
				return n
			}
		}
	}
	all, unassigned := count(owner, store.AccountFilter{}), count(owner, store.AccountFilter{Unassigned: true})
	team, al, li, tr := count(kadri, store.AccountFilter{}), count(aleksei, store.AccountFilter{}), count(liis, store.AccountFilter{}),
		count(triin, store.AccountFilter{})
	// Dealt in turn: the three agents' lists differ by at most one.
	if all != baseSize || unassigned == 0 || team != all-unassigned || al+li+tr >= team || tr == 0 || al-tr > 1 || al < li || li < tr {
		t.Errorf("base %d, unassigned %d, NordCall %d, Aleksei %d, Liis %d, Triin %d", all, unassigned, team, al, li, tr)
	}
	as, _, _ := db.Sales().Accounts(ctx, aleksei, tandem.Page{Limit: 5}, store.AccountFilter{})
	cs, err := db.Sales().Contacts(ctx, aleksei, as[0].ID)
	if err != nil || !cs[0].Masked || !strings.Contains(cs[0].Phones[0].Value, "•") {
		t.Errorf("Aleksei's contacts: %+v %v", cs, err)
	}
	eng, _, _ := db.Engagements.List(ctx, owner, tandem.Page{Q: "Outbound sales"}, store.EngagementFilter{})
	_, n, err := db.Sales().Reveals(ctx, owner, tandem.Page{}, store.RevealFilter{EngagementID: eng[0].ID})
	if err != nil || n != 4 {
		t.Errorf("reveals: %d %v", n, err)
	}
}
