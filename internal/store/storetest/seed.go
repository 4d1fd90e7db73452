package storetest

import (
	"context"
	"sync"
	"testing"

	"github.com/tandemhq/tandem/internal/account"
	"github.com/tandemhq/tandem/internal/engagement"
	"github.com/tandemhq/tandem/internal/partner"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/tandem"
)

// Password is every seeded user's password.
const Password = "correct horse battery"

// Fixture is a small workspace with two partners, and one person per role.
// Partner A's agent is assigned to engagement A1 only; A2 is A's but not the
// agent's; B1 belongs to partner B. A second workspace holds one engagement
// that nobody of the first may see.
type Fixture struct {
	WorkspaceID        int64
	Other              int64 // a second workspace
	PartnerA, PartnerB int64
	A1, A2, B1         int64 // engagements
	OtherEngagement    int64 // in the other workspace
	OtherPartner       int64
	// Principals by role; VendorManager and VendorAgent work for partner A,
	// VendorManagerB for partner B.
	Owner, Manager, Viewer, VendorManager, VendorAgent, VendorManagerB tandem.Principal
	Emails                                                             map[tandem.Role]string
}

// passwordHash is the argon2id hash of Password, computed once per test
// binary: hashing is deliberately slow (tens of milliseconds), and every
// fixture has eight users.
var passwordHash = sync.OnceValues(func() (string, error) { return account.HashPassword(Password) })

// Seed fills db with the fixture.
func Seed(t testing.TB, db *store.DB) *Fixture {
	t.Helper()
	ctx := context.Background()
	f := &Fixture{Emails: map[tandem.Role]string{}}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	hash, err := passwordHash()
	must(err)
	user := func(email, name string) int64 {
		// Created without a password, then given the one hash of Password
		// (see passwordHash): the same as CreateUser with Password, but
		// without hashing it eight times per fixture.
		u := &account.User{Email: email, Name: name, Lang: "en"}
		must(db.Accounts.CreateUser(ctx, u, ""))
		must(Exec(db, `UPDATE users SET password_hash = ? WHERE id = ?`, hash, u.ID))
		return u.ID
	}
	ownerID := user("owner@example.com", "Olivia Owner")
	ws := &account.Workspace{Name: "Fixture AB", Currency: "SEK", Lang: "en", TimeZone: "Europe/Stockholm"}
	must(db.Accounts.CreateWorkspace(ctx, ws, ownerID))
	f.WorkspaceID = ws.ID
	sys := store.System(ws.ID, "seed")

	pa := &partner.Partner{LegalName: "Alpha Sales AB", Country: "SE", Status: partner.StatusActive}
	must(db.Partners.Create(ctx, sys, pa))
	pb := &partner.Partner{LegalName: "Beta Support OÜ", Country: "EE", Status: partner.StatusActive}
	must(db.Partners.Create(ctx, sys, pb))
	f.PartnerA, f.PartnerB = pa.ID, pb.ID
	eng := func(p tandem.Principal, partnerID int64, title string) int64 {
		start, _ := tandem.ParseDate("2026-01-01")
		e := &engagement.Engagement{PartnerID: partnerID, Title: title, Kind: engagement.KindSales, StartsOn: start}
		must(db.Engagements.Create(ctx, p, e))
		return e.ID
	}
	f.A1 = eng(sys, pa.ID, "Alpha outbound")
	f.A2 = eng(sys, pa.ID, "Alpha renewals")
	f.B1 = eng(sys, pb.ID, "Beta helpdesk")

	member := func(email, name string, role tandem.Role, partnerID int64) tandem.Principal {
		id := user(email, name)
		_, err := db.Accounts.AddMember(ctx, sys, id, role, partnerID)
		must(err)
		p, err := db.Accounts.Principal(ctx, id, ws.ID)
		must(err)
		f.Emails[role] = email
		return p
	}
	f.Owner, err = db.Accounts.Principal(ctx, ownerID, ws.ID)
	must(err)
	f.Emails[tandem.RoleOwner] = "owner@example.com"
	f.Manager = member("manager@example.com", "Mats Manager", tandem.RoleManager, 0)
	f.Viewer = member("viewer@example.com", "Vera Viewer", tandem.RoleViewer, 0)
	f.VendorManager = member("vm@alpha.example", "Vince Vendor", tandem.RoleVendorManager, pa.ID)
	f.VendorAgent = member("agent@alpha.example", "Agnes Agent", tandem.RoleVendorAgent, pa.ID)
	f.VendorManagerB = member("vm@beta.example", "Bruno Beta", tandem.RoleVendorManager, pb.ID)
	delete(f.Emails, tandem.RoleVendorManager)
	f.Emails[tandem.RoleVendorManager] = "vm@alpha.example"
	signed, _ := tandem.ParseDate("2025-12-15")
	for _, p := range []tandem.Principal{f.VendorManager, f.VendorAgent, f.VendorManagerB} {
		must(db.Contracts.RecordNDA(ctx, sys, p.MembershipID, signed, "NDA-"+p.Email+".pdf"))
	}
	must(db.Engagements.Assign(ctx, sys, f.A1, f.VendorAgent.MembershipID))

	// The other workspace, owned by someone else.
	otherOwner := user("other@example.com", "Otto Other")
	ow := &account.Workspace{Name: "Other Co", Currency: "EUR", Lang: "en", TimeZone: "UTC"}
	must(db.Accounts.CreateWorkspace(ctx, ow, otherOwner))
	f.Other = ow.ID
	osys := store.System(ow.ID, "seed")
	op := &partner.Partner{LegalName: "Gamma Consulting", Status: partner.StatusActive}
	must(db.Partners.Create(ctx, osys, op))
	f.OtherPartner = op.ID
	f.OtherEngagement = eng(osys, op.ID, "Gamma secret project")
	return f
}
