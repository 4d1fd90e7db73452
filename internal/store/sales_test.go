package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/account"
	"github.com/tandemhq/tandem/internal/audit"
	"github.com/tandemhq/tandem/internal/sales"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
)

// salesBase is the fixture with a second agent of partner A on A1 and a
// small base: one account per way of assigning it.
type salesBase struct {
	db     *store.DB
	clock  *storetest.Clock
	f      *storetest.Fixture
	agent2 tandem.Principal // partner A's second agent, on A1
	// Accounts: agent's on A1, agent2's on A1, A1's without an agent,
	// partner B's on B1, and one nobody of a partner may see.
	mine, theirs, teamOnly, otherPartner, unassigned int64
	contact                                          int64 // on mine: two phones, one e-mail
	phone, email                                     int64 // its first phone number and e-mail address
}

func newSalesBase(t *testing.T, dialect string) *salesBase {
	t.Helper()
	ctx := context.Background()
	clock := storetest.NewClock(time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC))
	db := storetest.Open(t, dialect, clock.Now)
	f := storetest.Seed(t, db)
	storetest.Activate(t, db, f.Owner, f.A1, nil)
	b := &salesBase{db: db, clock: clock, f: f}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	u := &account.User{Email: "agent2@alpha.example", Name: "Arvid Agent", Lang: "en"}
	must(db.Accounts.CreateUser(ctx, u, storetest.Password))
	sys := store.System(f.WorkspaceID, "seed")
	mid, err := db.Accounts.AddMember(ctx, sys, u.ID, tandem.RoleVendorAgent, f.PartnerA)
	must(err)
	signed, _ := tandem.ParseDate("2025-12-15")
	must(db.Contracts.RecordNDA(ctx, sys, mid, signed, "NDA-agent2.pdf"))
	must(db.Engagements.Assign(ctx, sys, f.A1, mid))
	b.agent2, err = db.Accounts.Principal(ctx, u.ID, f.WorkspaceID)
	must(err)

	add := func(name, city string, to store.Assignment) int64 {
		a := &sales.Account{Name: name, City: city, Country: "SE"}
		must(db.Sales().CreateAccount(ctx, f.Manager, a))
		if to.EngagementID != 0 {
			n, err := db.Sales().Assign(ctx, f.Manager, store.AccountFilter{IDs: []int64{a.ID}}, to)
			must(err)
			if n != 1 {
				t.Fatalf("assigned %d accounts", n)
			}
		}
		return a.ID
	}
	b.mine = add("Hotell Malmö Syd AB", "Malmö", store.Assignment{EngagementID: f.A1, AgentID: f.VendorAgent.MembershipID})
	b.theirs = add("Göteborg Kontorshotell", "Göteborg", store.Assignment{EngagementID: f.A1, AgentID: b.agent2.MembershipID})
	b.teamOnly = add("Uppsala Möbelhus", "Uppsala", store.Assignment{EngagementID: f.A1})
	b.otherPartner = add("Tallinn Office Park", "Tallinn", store.Assignment{EngagementID: f.B1})
	b.unassigned = add("Malmö Stadshotell", "Malmö", store.Assignment{})
	c := &sales.Contact{AccountID: b.mine, Name: "Karin Nilsson", Position: "Hotel manager", DecisionMaker: true,
		Phones: []sales.Detail{{Typed: "070-123 45 12"}, {Typed: "040-12 34 56"}}, Emails: []sales.Detail{{Typed: "Karin.Nilsson@Malmosyd.example"}},
		Notes: "Direct line 070-987 65 43, assistant anna@malmosyd.example"}
	must(db.Sales().AddContact(ctx, f.Manager, c))
	b.contact, b.phone, b.email = c.ID, c.Phones[0].ID, c.Emails[0].ID
	for _, id := range []int64{b.theirs, b.teamOnly, b.otherPartner, b.unassigned} {
		must(db.Sales().AddContact(ctx, f.Manager, &sales.Contact{AccountID: id, Name: "Someone",
			Phones: []sales.Detail{{Typed: "+46 8 555 123 45"}}}))
	}
	return b
}

func accountIDs(t *testing.T, db *store.DB, p tandem.Principal, q string) []int64 {
	t.Helper()
	as, total, err := db.Sales().Accounts(context.Background(), p, tandem.Page{Q: q, Limit: 200}, store.AccountFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if total != len(as) {
		t.Errorf("total %d for %d rows", total, len(as))
	}
	var ids []int64
	for _, a := range as {
		ids = append(ids, a.ID)
	}
	return ids
}

func sameIDs(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	seen := map[int64]int{}
	for _, x := range a {
		seen[x]++
	}
	for _, x := range b {
		seen[x]--
	}
	for _, n := range seen {
		if n != 0 {
			return false
		}
	}
	return true
}

func TestSalesVisibility(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			b := newSalesBase(t, d)
			f, db, ctx := b.f, b.db, context.Background()
			all := []int64{b.mine, b.theirs, b.teamOnly, b.otherPartner, b.unassigned}
			sees := map[string]struct {
				p   tandem.Principal
				ids []int64
			}{
				"owner":             {f.Owner, all},
				"viewer":            {f.Viewer, all},
				"agent":             {f.VendorAgent, []int64{b.mine}},
				"agent2":            {b.agent2, []int64{b.theirs}},
				"partner manager A": {f.VendorManager, []int64{b.mine, b.theirs, b.teamOnly}},
				"partner manager B": {f.VendorManagerB, []int64{b.otherPartner}},
			}
			for name, s := range sees {
				if got := accountIDs(t, db, s.p, ""); !sameIDs(got, s.ids) {
					t.Errorf("%s lists %v, want %v", name, got, s.ids)
				}
				// Searching for what is not theirs finds nothing either.
				if got := accountIDs(t, db, s.p, "malmo"); len(s.ids) == 1 && s.ids[0] != b.mine && len(got) != 0 {
					t.Errorf("%s finds %v searching malmo", name, got)
				}
				for _, id := range all {
					visible := false
					for _, x := range s.ids {
						visible = visible || x == id
					}
					_, err := db.Sales().Account(ctx, s.p, id)
					_, cerr := db.Sales().Contacts(ctx, s.p, id)
					if visible != (err == nil) || visible != (cerr == nil) {
						t.Errorf("%s account %d: %v / %v, visible %v", name, id, err, cerr, visible)
					}
					if !visible && (err != tandem.ErrNotFound || cerr != tandem.ErrNotFound) {
						t.Errorf("%s account %d: %v / %v, want the not-found error", name, id, err, cerr)
					}
				}
			}
			// The search is accent-insensitive and finds the agent's own.
			if got := accountIDs(t, db, f.VendorAgent, "MALMO syd"); !sameIDs(got, []int64{b.mine}) {
				t.Errorf("agent's search: %v", got)
			}
			if got := accountIDs(t, db, f.Owner, "malmö"); !sameIDs(got, []int64{b.mine, b.unassigned}) {
				t.Errorf("owner's search: %v", got)
			}
			// The client finds an account by a contact's number or address,
			// however typed; a partner's search never matches them.
			for _, q := range []string{"070 123 45 12", "+46701234512", "KARIN.NILSSON@malmosyd.example"} {
				if got := accountIDs(t, db, f.Manager, q); !sameIDs(got, []int64{b.mine}) {
					t.Errorf("manager's search %q: %v", q, got)
				}
				for _, p := range []tandem.Principal{f.VendorAgent, f.VendorManager} {
					if got := accountIDs(t, db, p, q); len(got) != 0 {
						t.Errorf("%s's search %q matched %v", p.Role, q, got)
					}
				}
			}
			// The partner's people cannot reveal what they cannot see.
			for _, p := range []tandem.Principal{b.agent2} {
				if _, err := db.Sales().Reveal(ctx, p, b.contact, b.phone, "calling back"); err != tandem.ErrNotFound {
					t.Errorf("agent2 reveals the agent's contact: %v", err)
				}
			}
			// A detail of another contact is not this contact's.
			if _, err := db.Sales().Reveal(ctx, f.VendorAgent, b.contact+1, b.phone, "calling back"); err != tandem.ErrNotFound {
				t.Errorf("a detail under the wrong contact: %v", err)
			}
		})
	}
}

func TestSalesMasking(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			b := newSalesBase(t, d)
			f, db, ctx := b.f, b.db, context.Background()
			for _, p := range []tandem.Principal{f.VendorAgent, f.VendorManager} {
				cs, err := db.Sales().Contacts(ctx, p, b.mine)
				if err != nil || len(cs) != 1 {
					t.Fatalf("%s: %v %v", p.Role, cs, err)
				}
				c := cs[0]
				if !c.Masked || c.Phones[0].Value != "+46 70 ••• •• 12" || c.Phones[1].Value != "+46 40 •• •• 56" ||
					c.Emails[0].Value != "k•••@malmosyd.example" || c.Phones[0].Typed != "" || c.Emails[0].Typed != "" {
					t.Errorf("%s sees %+v", p.Role, c)
				}
				if c.Notes != "Direct line •••-••• •• 43, assistant a•••@malmosyd.example" {
					t.Errorf("%s sees the notes %q", p.Role, c.Notes)
				}
			}
			cs, err := db.Sales().Contacts(ctx, f.Viewer, b.mine)
			if err != nil || cs[0].Masked || cs[0].Phones[0].Value != "+46701234512" || cs[0].Phones[0].Typed != "070-123 45 12" ||
				cs[0].Emails[0].Value != "karin.nilsson@malmosyd.example" || cs[0].Emails[0].Typed != "Karin.Nilsson@Malmosyd.example" {
				t.Errorf("the client's viewer sees %+v, %v", cs, err)
			}
			// A bad number is refused with its field, and nothing is written.
			err = db.Sales().AddContact(ctx, f.Manager, &sales.Contact{AccountID: b.mine, Name: "X", Phones: []sales.Detail{{Typed: "070 12"}}})
			if fe := tandem.FieldErrors(err); len(fe) != 1 || fe[0].Field != "phones" || fe[0].Key != "sales.phone.invalid" {
				t.Errorf("bad phone: %v", err)
			}
			if cs, _ := db.Sales().Contacts(ctx, f.Manager, b.mine); len(cs) != 1 {
				t.Errorf("%d contacts after a refused one", len(cs))
			}
			// The partner's people may not add to the base.
			if err := db.Sales().AddContact(ctx, f.VendorManager, &sales.Contact{AccountID: b.mine, Name: "X"}); err != tandem.ErrForbidden {
				t.Errorf("partner manager adds a contact: %v", err)
			}
		})
	}
}

func TestSalesAssign(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			b := newSalesBase(t, d)
			f, db, ctx := b.f, b.db, context.Background()
			// An agent not on the engagement, a partner manager, another partner's engagement's agent.
			for _, to := range []store.Assignment{{EngagementID: f.A2, AgentID: f.VendorAgent.MembershipID},
				{EngagementID: f.A1, AgentID: f.VendorManager.MembershipID}, {EngagementID: f.B1, AgentID: f.VendorAgent.MembershipID},
				{EngagementID: f.OtherEngagement}, {AgentID: f.VendorAgent.MembershipID}} {
				_, err := db.Sales().Assign(ctx, f.Owner, store.AccountFilter{IDs: []int64{b.unassigned}}, to)
				if tandem.ErrorCode(err) != tandem.EInvalid {
					t.Errorf("assign to %+v: %v", to, err)
				}
			}
			if _, err := db.Sales().Assign(ctx, f.VendorManager, store.AccountFilter{IDs: []int64{b.unassigned}},
				store.Assignment{EngagementID: f.A1}); err != tandem.ErrForbidden {
				t.Errorf("a partner manager assigns: %v", err)
			}
			if got := accountIDs(t, db, f.VendorManager, ""); len(got) != 3 {
				t.Errorf("refused assignments changed what partner A sees: %v", got)
			}
			// By filter: every unassigned account in Malmö goes to the agent.
			n, err := db.Sales().Assign(ctx, f.Owner, store.AccountFilter{Unassigned: true, Q: "malmo"},
				store.Assignment{EngagementID: f.A1, AgentID: f.VendorAgent.MembershipID})
			if err != nil || n != 1 {
				t.Fatalf("assign by filter: %d, %v", n, err)
			}
			if got := accountIDs(t, db, f.VendorAgent, ""); !sameIDs(got, []int64{b.mine, b.unassigned}) {
				t.Errorf("after the assignment the agent sees %v", got)
			}
			// Taken back: the client's alone again.
			if n, err := db.Sales().Assign(ctx, f.Owner, store.AccountFilter{IDs: []int64{b.unassigned, b.mine}}, store.Assignment{}); err != nil || n != 2 {
				t.Fatalf("take back: %d %v", n, err)
			}
			if got := accountIDs(t, db, f.VendorAgent, ""); len(got) != 0 {
				t.Errorf("after taking back the agent sees %v", got)
			}
			entries, _, err := db.Audit.List(ctx, f.Owner, store.AuditFilter{Action: "sales.assigned"}, tandem.Page{Limit: 50})
			if err != nil || len(entries) != 6 { // four in the fixture, two here
				t.Errorf("assign entries: %d %v", len(entries), err)
			}
		})
	}
}

func TestSalesReveal(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			b := newSalesBase(t, d)
			f, db, ctx := b.f, b.db, context.Background()
			if _, err := db.Sales().Reveal(ctx, f.VendorAgent, b.contact, b.phone, " "); tandem.ErrorCode(err) != tandem.EInvalid {
				t.Errorf("a reveal without a reason: %v", err)
			}
			if _, err := db.Sales().Reveal(ctx, f.VendorManager, b.contact, b.phone, "calling"); err != tandem.ErrForbidden {
				t.Errorf("a partner manager reveals: %v", err)
			}
			got, err := db.Sales().Reveal(ctx, f.VendorAgent, b.contact, b.phone, "Calling back as agreed")
			if err != nil || got.Value != "+46701234512" || got.Typed != "070-123 45 12" {
				t.Fatalf("reveal: %+v %v", got, err)
			}
			if got, err := db.Sales().Reveal(ctx, f.VendorAgent, b.contact, b.email, "Sending the offer"); err != nil || got.Value != "karin.nilsson@malmosyd.example" {
				t.Fatalf("reveal e-mail: %+v %v", got, err)
			}
			// Every other read stays masked.
			cs, _ := db.Sales().Contacts(ctx, f.VendorAgent, b.mine)
			if cs[0].Phones[0].Value != "+46 70 ••• •• 12" {
				t.Errorf("after a reveal the list shows %q", cs[0].Phones[0].Value)
			}
			// Audited: who, which contact, which field, why.
			entries, _, err := db.Audit.List(ctx, f.Owner, store.AuditFilter{Action: audit.ActionReveal}, tandem.Page{Limit: 50})
			if err != nil || len(entries) != 2 {
				t.Fatalf("reveal entries: %d %v", len(entries), err)
			}
			e := entries[1]
			if e.Actor != "agent@alpha.example" || e.Entity != "sales_contact" || e.EntityID != b.contact ||
				!strings.Contains(e.Data, `"field":"phone"`) || !strings.Contains(e.Data, `"reason":"Calling back as agreed"`) ||
				strings.Contains(e.Data, "70123") {
				t.Errorf("audit entry: %+v", e)
			}
			// The log: per engagement, newest first, per agent.
			rs, total, err := db.Sales().Reveals(ctx, f.Manager, tandem.Page{}, store.RevealFilter{EngagementID: f.A1})
			if err != nil || total != 2 || rs[0].Field != sales.FieldEmail || rs[1].Reason != "Calling back as agreed" ||
				rs[1].UserName != "Agnes Agent" || rs[1].ContactName != "Karin Nilsson" || rs[1].AccountName != "Hotell Malmö Syd AB" {
				t.Errorf("reveals log: %+v %d %v", rs, total, err)
			}
			if _, total, _ := db.Sales().Reveals(ctx, f.Manager, tandem.Page{}, store.RevealFilter{EngagementID: f.A1, AgentID: b.agent2.MembershipID}); total != 0 {
				t.Errorf("agent2's reveals: %d", total)
			}
			if _, _, err := db.Sales().Reveals(ctx, f.Manager, tandem.Page{}, store.RevealFilter{EngagementID: f.OtherEngagement}); err != tandem.ErrNotFound {
				t.Errorf("another workspace's log: %v", err)
			}
			if _, _, err := db.Sales().Reveals(ctx, f.VendorManager, tandem.Page{}, store.RevealFilter{EngagementID: f.A1}); err != tandem.ErrForbidden {
				t.Errorf("the partner reads the log: %v", err)
			}
		})
	}
}

// The quota: 50 a day per agent, the 51st refused; the next day counts
// afresh. One reveal a minute never makes a burst (at most 10 in 10 minutes).
func TestSalesRevealQuota(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			b := newSalesBase(t, d)
			f, db, ctx := b.f, b.db, context.Background()
			for i := 1; i <= 50; i++ {
				if _, err := db.Sales().Reveal(ctx, f.VendorAgent, b.contact, b.phone, "call"); err != nil {
					t.Fatalf("reveal %d: %v", i, err)
				}
				b.clock.Add(time.Minute)
			}
			_, err := db.Sales().Reveal(ctx, f.VendorAgent, b.contact, b.phone, "call")
			e, ok := tandem.AsError(err)
			if !ok || e.Code != tandem.ETooMany || e.Key != "sales.reveal.quota_reached" || len(e.Args) != 2 || e.Args[1] != 50 {
				t.Fatalf("the 51st reveal: %v", err)
			}
			if _, total, _ := db.Sales().Reveals(ctx, f.Owner, tandem.Page{}, store.RevealFilter{EngagementID: f.A1}); total != 50 {
				t.Errorf("%d reveals kept", total)
			}
			entries, _, _ := db.Audit.List(ctx, f.Owner, store.AuditFilter{Action: audit.ActionReveal}, tandem.Page{Limit: 100})
			if len(entries) != 50 {
				t.Errorf("%d reveals audited", len(entries))
			}
			if ns, _, _ := db.Notifications.List(ctx, f.Owner, true, 100); len(ns) != 0 {
				t.Errorf("a steady pace notified the client: %+v", ns)
			}
			// The quota is per agent.
			if err := assignTo(db, f, b.theirs, b.agent2); err != nil {
				t.Fatal(err)
			}
			// It is 09:50 UTC, 10:50 in Stockholm; at 23:00 UTC it is the next day there.
			b.clock.Add(13*time.Hour + 10*time.Minute)
			if _, err := db.Sales().Reveal(ctx, f.VendorAgent, b.contact, b.phone, "call"); err != nil {
				t.Errorf("the next day: %v", err)
			}
		})
	}
}

func assignTo(db *store.DB, f *storetest.Fixture, accountID int64, agent tandem.Principal) error {
	_, err := db.Sales().Assign(context.Background(), f.Owner, store.AccountFilter{IDs: []int64{accountID}},
		store.Assignment{EngagementID: f.A1, AgentID: agent.MembershipID})
	return err
}

// A burst: the 21st reveal within ten minutes tells the client's owners
// and managers, once; the partner is not told.
func TestSalesRevealBurst(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			b := newSalesBase(t, d)
			f, db, ctx := b.f, b.db, context.Background()
			count := func(p tandem.Principal) int {
				ns, _, err := db.Notifications.List(ctx, p, true, 100)
				if err != nil {
					t.Fatal(err)
				}
				n := 0
				for _, x := range ns {
					if x.Kind == sales.BurstNotice {
						n++
						if x.Args["agent"] != "Agnes Agent" || x.Args["n"] != float64(21) || x.EngagementID != f.A1 {
							t.Errorf("notification: %+v", x)
						}
					}
				}
				return n
			}
			for i := 1; i <= 20; i++ {
				if _, err := db.Sales().Reveal(ctx, f.VendorAgent, b.contact, b.phone, "call"); err != nil {
					t.Fatal(err)
				}
				b.clock.Add(25 * time.Second) // 20 reveals in 8 min 20 s
			}
			if count(f.Owner) != 0 {
				t.Fatal("20 reveals notified")
			}
			if _, err := db.Sales().Reveal(ctx, f.VendorAgent, b.contact, b.phone, "call"); err != nil {
				t.Fatal(err)
			}
			b.clock.Add(time.Second)
			if _, err := db.Sales().Reveal(ctx, f.VendorAgent, b.contact, b.phone, "call"); err != nil {
				t.Fatal(err)
			}
			if count(f.Owner) != 1 || count(f.Manager) != 1 || count(f.Viewer) != 0 || count(f.VendorManager) != 0 {
				t.Errorf("burst notifications: owner %d, manager %d, viewer %d, partner manager %d",
					count(f.Owner), count(f.Manager), count(f.Viewer), count(f.VendorManager))
			}
		})
	}
}

// A list enters the base all or nothing; the first problem names its row.
func TestSalesCreateAccountsAndUpdate(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := storetest.Seed(t, db)
		rows := []store.NewAccount{
			{Account: sales.Account{Name: "Oslo Fjordhotell", Country: "no"}, Contacts: []sales.Contact{{Name: "Ola", Phones: []sales.Detail{{Typed: "412 34 567"}}}}},
			{Account: sales.Account{Name: "Kaliningrad Office Park"}, Contacts: []sales.Contact{{Name: "Ivan", Phones: []sales.Detail{{Typed: "912 345-67-89"}}}}},
		}
		// The fixture's workspace is in Stockholm: a Russian number without
		// its country code reads as Swedish, and ten digits are too many.
		err := db.Sales().CreateAccounts(ctx, f.Manager, rows)
		if fe := tandem.FieldErrors(err); len(fe) != 1 || fe[0].Field != "accounts.1.contacts.0.phones" {
			t.Fatalf("CreateAccounts: %v", err)
		}
		if _, n, _ := db.Sales().Accounts(ctx, f.Owner, tandem.Page{}, store.AccountFilter{}); n != 0 {
			t.Fatalf("%d accounts written by a refused list", n)
		}
		rows[1].Account.Country = "RU"
		rows[1].Contacts[0].Phones[0].ID = 0
		if err := db.Sales().CreateAccounts(ctx, f.Manager, rows); err != nil {
			t.Fatal(err)
		}
		entries, _, err := db.Audit.List(ctx, f.Owner, store.AuditFilter{Action: "sales."}, tandem.Page{Limit: 50})
		if err != nil || len(entries) != 1 || entries[0].Action != "sales.accounts_created" ||
			!strings.Contains(entries[0].Data, `"accounts":2`) || !strings.Contains(entries[0].Data, `"contacts":2`) {
			t.Errorf("one entry for the list: %+v %v", entries, err)
		}
		cs, _ := db.Sales().Contacts(ctx, f.Owner, rows[1].Account.ID)
		if len(cs) != 1 || cs[0].Phones[0].Value != "+79123456789" {
			t.Errorf("Russian contact: %+v", cs)
		}
		cs, _ = db.Sales().Contacts(ctx, f.Owner, rows[0].Account.ID)
		if len(cs) != 1 || cs[0].Phones[0].Value != "+4741234567" || rows[0].Account.Country != "NO" {
			t.Errorf("Norwegian contact: %+v", cs)
		}
		a := rows[0].Account
		a.Status, a.Website, a.Tags = sales.StatusCustomer, "fjordhotell.example", []string{"Hotel", "hotel", " spa "}
		if err := db.Sales().UpdateAccount(ctx, f.Manager, &a); err != nil {
			t.Fatal(err)
		}
		got, err := db.Sales().Account(ctx, f.Viewer, a.ID)
		if err != nil || got.Status != sales.StatusCustomer || got.Website != "https://fjordhotell.example" || strings.Join(got.Tags, ",") != "hotel,spa" {
			t.Errorf("updated: %+v %v", got, err)
		}
		if err := db.Sales().UpdateAccount(ctx, f.VendorManager, &a); err != tandem.ErrForbidden {
			t.Errorf("a partner manager edits an account: %v", err)
		}
		a.ID = 999999
		if err := db.Sales().UpdateAccount(ctx, f.Manager, &a); err != tandem.ErrNotFound {
			t.Errorf("editing a missing account: %v", err)
		}
	})
}

// TestAccountDetailsPlan: an account's contacts and their details are
// read from its contacts (sales_contacts_account) to their details
// (sales_contact_details_contact), never by a range of the workspace's
// details — with statistics and without, as a fresh database runs.
func TestAccountDetailsPlan(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, "sqlite", nil)
	storetest.Seed(t, db)
	for _, analyze := range []bool{false, true} {
		if analyze {
			if err := storetest.Exec(db, "ANALYZE"); err != nil {
				t.Fatal(err)
			}
		}
		plan, err := store.QueryPlan(db, store.AccountContactsQuery, 1, 1, 1)
		if err != nil {
			t.Fatal(err)
		}
		all := strings.Join(plan, "\n")
		if len(plan) < 2 || !strings.HasPrefix(plan[0], "SEARCH c USING INDEX sales_contacts_account") ||
			!strings.HasPrefix(plan[1], "SEARCH d USING INDEX sales_contact_details_contact") {
			t.Errorf("analyzed %v: the plan does not go from the account's contacts to their details:\n%s", analyze, all)
		}
	}
}
