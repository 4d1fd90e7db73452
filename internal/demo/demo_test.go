package demo

import (
	"context"
	"testing"

	"github.com/tandemhq/tandem/internal/engagement"
	"github.com/tandemhq/tandem/internal/partner"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
)

func TestLoad(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		logins, err := Load(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		roles := map[string]bool{}
		for _, l := range logins {
			roles[l.Role] = true
			if (l.Partner != "") != tandem.Role(l.Role).IsVendor() {
				t.Errorf("%s: partner %q for role %s", l.Email, l.Partner, l.Role)
			}
			if _, err := db.Accounts.Authenticate(ctx, l.Email, l.Password, ""); err != nil {
				t.Errorf("sign in as %s: %v", l.Email, err)
			}
		}
		for _, r := range tandem.Roles {
			if !roles[string(r)] {
				t.Errorf("no demo person with role %s", r)
			}
		}

		owner, err := db.Accounts.UserByEmail(ctx, OwnerEmail)
		if err != nil {
			t.Fatal(err)
		}
		ms, err := db.Accounts.MembershipsOf(ctx, owner.ID)
		if err != nil || len(ms) != 1 || ms[0].WorkspaceName != WorkspaceName {
			t.Fatalf("owner memberships %v, %v", ms, err)
		}
		sys := store.System(ms[0].WorkspaceID, "test")
		ps, _, err := db.Partners.List(ctx, sys, tandem.Page{}, "")
		if err != nil {
			t.Fatal(err)
		}
		statuses := map[partner.Status]int{}
		for _, p := range ps {
			statuses[p.Status]++
		}
		if statuses[partner.StatusActive] != 3 || statuses[partner.StatusCandidate] != 1 {
			t.Errorf("partner statuses %v", statuses)
		}
		es, _, err := db.Engagements.List(ctx, sys, tandem.Page{}, store.EngagementFilter{})
		if err != nil {
			t.Fatal(err)
		}
		kinds := map[engagement.Status]int{}
		for _, e := range es {
			kinds[e.Status]++
		}
		if kinds[engagement.StatusActive] != 2 || kinds[engagement.StatusPilot] != 1 || kinds[engagement.StatusEnded] != 1 {
			t.Errorf("engagement statuses %v", kinds)
		}

		// An agent sees only the engagements assigned to them.
		agent, err := db.Accounts.UserByEmail(ctx, "aleksei.smirnov@nordcall.example")
		if err != nil {
			t.Fatal(err)
		}
		p, err := db.Accounts.Principal(ctx, agent.ID, ms[0].WorkspaceID)
		if err != nil {
			t.Fatal(err)
		}
		mine, _, err := db.Engagements.List(ctx, p, tandem.Page{}, store.EngagementFilter{})
		if err != nil || len(mine) != 1 || mine[0].Title != "Outbound sales to hotels and offices" {
			t.Errorf("agent sees %v, %v", mine, err)
		}

		if _, err := Load(ctx, db); err != ErrExists {
			t.Errorf("second Load: %v, want ErrExists", err)
		}
		if b, _, err := db.Audit.Verify(ctx); err != nil || b != nil {
			t.Errorf("audit chain after demo: %v, %v", b, err)
		}
	})
}
