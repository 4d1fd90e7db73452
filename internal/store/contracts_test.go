package store_test

import (
	"testing"

	"github.com/tandemhq/tandem/internal/account"
	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/engagement"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
)

func date(t *testing.T, s string) tandem.Date {
	t.Helper()
	d, err := tandem.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// completeTerms fills what the template leaves to the client.
func completeTerms(t contract.Terms) contract.Terms {
	for i := range t.Services {
		t.Services[i].Acceptor = "Mats Manager"
	}
	return t
}

func TestNewEngagementStartsFromTemplateAndChecks(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := storetest.Seed(t, db)
		v, err := db.Contracts.InForce(ctx, f.Owner, f.A1, date(t, "2026-06-01"))
		if err != nil || v.Number != 1 || v.EffectiveFrom != "2026-01-01" || len(v.Terms.Services) == 0 || v.Terms.Price.Currency != "SEK" {
			t.Fatalf("version 1: %+v %v", v, err)
		}
		res, err := db.Contracts.Check(ctx, f.Owner, f.A1)
		if err != nil {
			t.Fatal(err)
		}
		// The template leaves each service's acceptor to the client.
		if n := res.Errors(); n != len(v.Terms.Services) {
			t.Fatalf("template check: %d errors, want %d (%+v)", n, len(v.Terms.Services), res.Findings)
		}
		if _, err := db.Contracts.Activate(ctx, f.Owner, f.A1, nil); tandem.ErrorCode(err) != tandem.EInvalid {
			t.Fatalf("activation with errors: %v", err)
		}
		// Partners' people cannot change terms; viewers neither.
		for _, p := range []tandem.Principal{f.Viewer, f.VendorManager, f.VendorAgent} {
			if err := db.Contracts.SaveDraft(ctx, p, f.A1, v.Terms); tandem.ErrorCode(err) != tandem.EForbidden {
				t.Errorf("%s saved terms: %v", p.Role, err)
			}
		}
		bad := v.Terms
		bad.KPIs = append(bad.KPIs, contract.KPI{Key: "x", Metric: "no_such_metric", Weight: 1})
		if err := db.Contracts.SaveDraft(ctx, f.Owner, f.A1, bad); tandem.ErrorCode(err) != tandem.EInvalid {
			t.Fatalf("invalid terms saved: %v", err)
		}
		if err := db.Contracts.SaveDraft(ctx, f.Owner, f.A1, completeTerms(v.Terms)); err != nil {
			t.Fatal(err)
		}
		res, _ = db.Contracts.Check(ctx, f.Owner, f.A1)
		if res.Errors() != 0 {
			t.Fatalf("complete terms still have errors: %+v", res.Findings)
		}
		// An edit cannot take a draft live; activation does.
		e, _ := db.Engagements.Get(ctx, f.Owner, f.A1)
		e.Status = engagement.StatusActive
		if err := db.Engagements.Update(ctx, f.Owner, e); tandem.ErrorCode(err) != tandem.EInvalid {
			t.Fatalf("status edited to active: %v", err)
		}
		var ack []string
		for _, w := range res.Unacknowledged() {
			ack = append(ack, w.ID())
		}
		if len(ack) > 0 {
			if _, err := db.Contracts.Activate(ctx, f.Owner, f.A1, nil); tandem.ErrorCode(err) != tandem.EInvalid {
				t.Fatalf("activation with unacknowledged warnings: %v", err)
			}
		}
		status, err := db.Contracts.Activate(ctx, f.Owner, f.A1, ack)
		if err != nil || status != engagement.StatusActive {
			t.Fatalf("activate: %s %v", status, err)
		}
		if err := db.Contracts.SaveDraft(ctx, f.Owner, f.A1, v.Terms); tandem.ErrorCode(err) != tandem.EConflict {
			t.Fatalf("draft edit after activation: %v", err)
		}
	})
}

// Amendments take effect on their date; every reader asks for the terms in
// force on a date, so a period split by an amendment reads both versions.
func TestAmendmentsTakeEffectOnTheirDate(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := storetest.Seed(t, db)
		v1, _ := db.Contracts.InForce(ctx, f.Owner, f.A1, date(t, "2026-01-01"))
		terms := completeTerms(v1.Terms)
		if err := db.Contracts.SaveDraft(ctx, f.Owner, f.A1, terms); err != nil {
			t.Fatal(err)
		}
		res, _ := db.Contracts.Check(ctx, f.Owner, f.A1)
		var ack []string
		for _, w := range res.Unacknowledged() {
			ack = append(ack, w.ID())
		}
		if _, err := db.Contracts.Activate(ctx, f.Owner, f.A1, ack); err != nil {
			t.Fatal(err)
		}

		// The partner proposes a higher price from 15 March (mid-month).
		raised := terms
		raised.Price.Components = append([]contract.PriceComponent{}, terms.Price.Components...)
		raised.Price.Components[0].AmountMinor += 500000
		raised.Price.Changes = append(raised.Price.Changes, contract.PriceChange{Date: "2026-03-15", Justification: "Two more callers for the spring campaign"})
		if _, err := db.Contracts.Propose(ctx, f.VendorAgent, f.A1, date(t, "2026-03-15"), "More callers", raised); tandem.ErrorCode(err) != tandem.EForbidden {
			t.Fatalf("an agent proposed: %v", err)
		}
		if _, err := db.Contracts.Propose(ctx, f.VendorManager, f.A1, date(t, "2025-12-01"), "Too early", raised); tandem.ErrorCode(err) != tandem.EInvalid {
			t.Fatalf("amendment before the start: %v", err)
		}
		if _, err := db.Contracts.Propose(ctx, f.VendorManager, f.A1, date(t, "2026-03-15"), "Nothing", terms); tandem.ErrorCode(err) != tandem.EInvalid {
			t.Fatalf("amendment without a change: %v", err)
		}
		a, err := db.Contracts.Propose(ctx, f.VendorManager, f.A1, date(t, "2026-03-15"), "Two more callers for the spring campaign", raised)
		if err != nil || a.Number != 1 {
			t.Fatalf("propose: %+v %v", a, err)
		}
		// Proposed is not in force.
		if v, _ := db.Contracts.InForce(ctx, f.Owner, f.A1, date(t, "2026-04-01")); v.Number != 1 {
			t.Fatalf("a proposal is in force: version %d", v.Number)
		}
		// The proposer's side cannot accept its own proposal; another partner's manager cannot see it.
		if err := db.Contracts.Decide(ctx, f.VendorManager, f.A1, 1, true, ""); tandem.ErrorCode(err) != tandem.EForbidden {
			t.Fatalf("self-acceptance: %v", err)
		}
		if err := db.Contracts.Decide(ctx, f.VendorManagerB, f.A1, 1, true, ""); tandem.ErrorCode(err) != tandem.ENotFound {
			t.Fatalf("partner B decided: %v", err)
		}
		if err := db.Contracts.Decide(ctx, f.Manager, f.A1, 1, true, "Agreed at the steering committee"); err != nil {
			t.Fatal(err)
		}
		if err := db.Contracts.Decide(ctx, f.Manager, f.A1, 1, false, ""); tandem.ErrorCode(err) != tandem.EConflict {
			t.Fatalf("decided twice: %v", err)
		}
		base := terms.Price.Components[0].AmountMinor
		for _, c := range []struct {
			on      string
			version int
			fee     int64
		}{
			{"2026-03-01", 1, base},
			{"2026-03-14", 1, base},
			{"2026-03-15", 2, base + 500000},
			{"2026-03-31", 2, base + 500000},
			{"2027-01-01", 2, base + 500000},
		} {
			v, err := db.Contracts.InForce(ctx, f.Viewer, f.A1, date(t, c.on))
			if err != nil || v.Number != c.version || v.Terms.Price.Components[0].AmountMinor != c.fee {
				t.Errorf("terms on %s: version %d fee %d (%v); want %d, %d", c.on, v.Number, v.Terms.Price.Components[0].AmountMinor, err, c.version, c.fee)
			}
		}
		// The agent assigned to A1 reads the terms; the one not assigned to A2 cannot.
		if _, err := db.Contracts.InForce(ctx, f.VendorAgent, f.A1, date(t, "2026-04-01")); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Contracts.InForce(ctx, f.VendorAgent, f.A2, date(t, "2026-04-01")); tandem.ErrorCode(err) != tandem.ENotFound {
			t.Fatalf("agent read A2's terms: %v", err)
		}
		vs, _ := db.Contracts.Versions(ctx, f.Owner, f.A1)
		if len(vs) != 2 || vs[1].AmendmentID != a.ID {
			t.Fatalf("versions: %+v", vs)
		}
		// A client proposal is decided by the partner.
		later := raised
		later.Price.DaysToPay = 20
		if _, err := db.Contracts.Propose(ctx, f.Owner, f.A1, date(t, "2026-07-01"), "Faster payment", later); err != nil {
			t.Fatal(err)
		}
		if err := db.Contracts.Decide(ctx, f.Manager, f.A1, 2, true, ""); tandem.ErrorCode(err) != tandem.EForbidden {
			t.Fatalf("client accepted its own proposal: %v", err)
		}
		if err := db.Contracts.Decide(ctx, f.VendorManager, f.A1, 2, false, "Not this year"); err != nil {
			t.Fatal(err)
		}
		if v, _ := db.Contracts.InForce(ctx, f.Owner, f.A1, date(t, "2026-08-01")); v.Number != 2 || v.Terms.Price.DaysToPay == 20 {
			t.Fatalf("a rejected amendment took effect: %+v", v)
		}
		if entries, _, _ := db.Audit.List(ctx, f.Owner, store.AuditFilter{Action: "amendment."}, tandem.Page{}); len(entries) != 4 {
			t.Fatalf("amendment audit entries: %d", len(entries))
		}
	})
}

func TestNDAGatesAccess(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := storetest.Seed(t, db)
		// A new agent of partner A, without an NDA, cannot be assigned.
		u := mustUser(t, db, "new@alpha.example")
		mid, err := db.Accounts.AddMember(ctx, f.Owner, u, tandem.RoleVendorAgent, f.PartnerA)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.Engagements.Assign(ctx, f.Owner, f.A2, mid); tandem.ErrorCode(err) != tandem.EInvalid {
			t.Fatalf("assigned without NDA: %v", err)
		}
		if err := db.Contracts.RecordNDA(ctx, f.VendorManager, mid, date(t, "2026-01-05"), "nda.pdf"); tandem.ErrorCode(err) != tandem.EForbidden {
			t.Fatalf("partner recorded its own NDA: %v", err)
		}
		if err := db.Contracts.RecordNDA(ctx, f.Owner, f.Manager.MembershipID, date(t, "2026-01-05"), ""); tandem.ErrorCode(err) != tandem.EInvalid {
			t.Fatalf("NDA for client staff: %v", err)
		}
		if err := db.Contracts.RecordNDA(ctx, f.Owner, mid, date(t, "2026-01-05"), "NDA Nils.pdf"); err != nil {
			t.Fatal(err)
		}
		if err := db.Engagements.Assign(ctx, f.Owner, f.A2, mid); err != nil {
			t.Fatal(err)
		}
		ndas, err := db.Contracts.NDAs(ctx, f.VendorManager, f.PartnerA)
		if err != nil || len(ndas) != 3 {
			t.Fatalf("partner A's register: %d %v", len(ndas), err)
		}
		if _, err := db.Contracts.NDAs(ctx, f.VendorManager, f.PartnerB); tandem.ErrorCode(err) != tandem.ENotFound {
			t.Fatalf("partner A read B's register: %v", err)
		}
		// A vendor manager without an NDA blocks activation.
		u2 := mustUser(t, db, "boss@alpha.example")
		if _, err := db.Accounts.AddMember(ctx, f.Owner, u2, tandem.RoleVendorManager, f.PartnerA); err != nil {
			t.Fatal(err)
		}
		res, _ := db.Contracts.Check(ctx, f.Owner, f.A1)
		found := false
		for _, fd := range res.Findings {
			found = found || fd.Code == contract.CodePeopleWithoutNDA
		}
		if !found {
			t.Fatalf("a partner manager without NDA was not flagged: %+v", res.Findings)
		}
	})
}

func mustUser(t *testing.T, db *store.DB, email string) int64 {
	t.Helper()
	u := &account.User{Email: email, Name: "Nils Nilsson", Lang: "sv"}
	if err := db.Accounts.CreateUser(ctx, u, "a long enough password"); err != nil {
		t.Fatal(err)
	}
	return u.ID
}
