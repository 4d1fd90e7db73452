package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/account"
	"github.com/tandemhq/tandem/internal/engagement"
	"github.com/tandemhq/tandem/internal/partner"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
)

var ctx = context.Background()

func TestVisibility(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := storetest.Seed(t, db)
		cases := []struct {
			name        string
			p           tandem.Principal
			partners    int
			engagements []int64
		}{
			{"owner", f.Owner, 2, []int64{f.A1, f.A2, f.B1}},
			{"viewer", f.Viewer, 2, []int64{f.A1, f.A2, f.B1}},
			{"vendor manager A", f.VendorManager, 1, []int64{f.A1, f.A2}},
			{"vendor agent A", f.VendorAgent, 1, []int64{f.A1}},
			{"vendor manager B", f.VendorManagerB, 1, []int64{f.B1}},
		}
		for _, c := range cases {
			ps, total, err := db.Partners.List(ctx, c.p, tandem.Page{}, "")
			if err != nil || total != c.partners || len(ps) != c.partners {
				t.Errorf("%s: partners = %d/%d, %v; want %d", c.name, len(ps), total, err, c.partners)
			}
			es, _, err := db.Engagements.List(ctx, c.p, tandem.Page{Sort: "created"}, store.EngagementFilter{})
			if err != nil {
				t.Fatal(err)
			}
			var got []int64
			for _, e := range es {
				got = append(got, e.ID)
			}
			if len(got) != len(c.engagements) {
				t.Errorf("%s: engagements %v, want %v", c.name, got, c.engagements)
				continue
			}
			for i := range got {
				if got[i] != c.engagements[i] {
					t.Errorf("%s: engagements %v, want %v", c.name, got, c.engagements)
				}
			}
			// Every engagement outside the list is "not found", never forbidden.
			for _, id := range []int64{f.A1, f.A2, f.B1, f.OtherEngagement} {
				_, err := db.Engagements.Get(ctx, c.p, id)
				visible := false
				for _, v := range c.engagements {
					visible = visible || v == id
				}
				if visible && err != nil {
					t.Errorf("%s: Get(%d) = %v", c.name, id, err)
				}
				if !visible && tandem.ErrorCode(err) != tandem.ENotFound {
					t.Errorf("%s: Get(%d) = %v, want not found", c.name, id, err)
				}
			}
			if _, err := db.Partners.Get(ctx, c.p, f.OtherPartner); tandem.ErrorCode(err) != tandem.ENotFound {
				t.Errorf("%s: other workspace's partner: %v", c.name, err)
			}
		}
		// Vendors and viewers cannot write.
		for _, p := range []tandem.Principal{f.Viewer, f.VendorManager, f.VendorAgent} {
			x := &partner.Partner{LegalName: "Sneaky Ltd"}
			if err := db.Partners.Create(ctx, p, x); tandem.ErrorCode(err) != tandem.EForbidden {
				t.Errorf("%s created a partner: %v", p.Role, err)
			}
		}
	})
}

func TestPartnerValidationAndSearch(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := storetest.Seed(t, db)
		bad := &partner.Partner{LegalName: " ", Website: "ftp://x", ContactEmail: "nope", Country: "Sweden"}
		err := db.Partners.Create(ctx, f.Manager, bad)
		fields := map[string]string{}
		for _, fe := range tandem.FieldErrors(err) {
			fields[fe.Field] = string(fe.Key)
		}
		want := map[string]string{"legal_name": "validation.required", "website": "validation.url",
			"contact_email": "validation.email", "country": "validation.country"}
		for k, v := range want {
			if fields[k] != v {
				t.Errorf("field %s: got %q, want %q (all: %v)", k, fields[k], v, fields)
			}
		}
		_, total, _ := db.Partners.List(ctx, f.Owner, tandem.Page{}, "")
		if total != 2 {
			t.Fatalf("invalid partner was written: %d partners", total)
		}
		ru := &partner.Partner{LegalName: "ООО «Продажи Плюс»", Country: "RU"}
		if err := db.Partners.Create(ctx, f.Manager, ru); err != nil {
			t.Fatal(err)
		}
		for _, q := range []string{"продажи", "ПРОДАЖИ", "alpha", "OÜ", "oü", "ou", "«продажи плюс»"} {
			ps, n, err := db.Partners.List(ctx, f.Owner, tandem.Page{Q: q}, "")
			if err != nil || n != 1 || len(ps) != 1 {
				t.Errorf("search %q: %d results, %v", q, n, err)
			}
		}
		for _, q := range []string{"%", "_", "--"} {
			if _, n, _ := db.Partners.List(ctx, f.Owner, tandem.Page{Q: q}, ""); n != 0 {
				t.Errorf("search %q: %d results, want 0 (wildcards are literal)", q, n)
			}
		}
		// Rows written before search text was folded are folded when the
		// store opens: "malmo" then finds Malmö.
		mal := &partner.Partner{LegalName: "Malmö Säljbyrå AB", Country: "SE"}
		if err := db.Partners.Create(ctx, f.Manager, mal); err != nil {
			t.Fatal(err)
		}
		if err := store.ExecRaw(db, `UPDATE partners SET search_text = '' WHERE id = ?`, mal.ID); err != nil {
			t.Fatal(err)
		}
		if _, n, _ := db.Partners.List(ctx, f.Owner, tandem.Page{Q: "malmo"}, ""); n != 0 {
			t.Fatalf("found before refolding: %d", n)
		}
		if err := store.RefoldSearch(db); err != nil {
			t.Fatal(err)
		}
		if ps, n, _ := db.Partners.List(ctx, f.Owner, tandem.Page{Q: "malmo saljbyra"}, ""); n != 1 || ps[0].ID != mal.ID {
			t.Fatalf("search after refolding: %d %+v", n, ps)
		}
		if err := store.ExecRaw(db, `DELETE FROM partners WHERE id = ?`, mal.ID); err != nil {
			t.Fatal(err)
		}
		ps, n, _ := db.Partners.List(ctx, f.Owner, tandem.Page{Sort: "-name", Limit: 2}, "")
		if n != 3 || len(ps) != 2 || ps[0].LegalName != "ООО «Продажи Плюс»" {
			t.Errorf("sort/page: n=%d %v", n, ps)
		}
		ru.Status = partner.StatusSuspended
		if err := db.Partners.Update(ctx, f.Owner, ru); err != nil {
			t.Fatal(err)
		}
		entries, _, err := db.Audit.List(ctx, f.Owner, store.AuditFilter{Action: "partner.updated"}, tandem.Page{})
		if err != nil || len(entries) != 1 || entries[0].EntityID != ru.ID || entries[0].Data != `{"status":["candidate","suspended"]}` {
			t.Fatalf("audit of update: %+v %v", entries, err)
		}
	})
}

func TestEngagementRules(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := storetest.Seed(t, db)
		s, _ := tandem.ParseDate("2026-05-01")
		e0, _ := tandem.ParseDate("2026-04-01")
		e := &engagement.Engagement{PartnerID: f.OtherPartner, Title: "x", Kind: "sales", StartsOn: s, EndsOn: e0}
		err := db.Engagements.Create(ctx, f.Owner, e)
		fe := tandem.FieldErrors(err)
		if len(fe) != 1 || fe[0].Field != "ends_on" {
			t.Fatalf("end before start: %v", err)
		}
		e.EndsOn = tandem.Date{}
		if err := db.Engagements.Create(ctx, f.Owner, e); len(tandem.FieldErrors(err)) != 1 || tandem.FieldErrors(err)[0].Field != "partner_id" {
			t.Fatalf("other workspace's partner accepted: %v", err)
		}
		e.PartnerID = f.PartnerB
		if err := db.Engagements.Create(ctx, f.Owner, e); err != nil {
			t.Fatal(err)
		}
		got, err := db.Engagements.Get(ctx, f.Viewer, e.ID)
		if err != nil || got.StartsOn.String() != "2026-05-01" || !got.EndsOn.IsZero() || got.PartnerName != "Beta Support OÜ" {
			t.Fatalf("round trip: %+v %v", got, err)
		}
		// An agent can only be assigned to its own partner's engagements.
		if err := db.Engagements.Assign(ctx, f.Owner, f.B1, f.VendorAgent.MembershipID); tandem.ErrorCode(err) != tandem.EInvalid {
			t.Fatalf("cross-partner assignment: %v", err)
		}
	})
}

func TestAuditChainDetectsTampering(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := storetest.Seed(t, db)
		b, n, err := db.Audit.Verify(ctx)
		if err != nil || b != nil || n < 10 {
			t.Fatalf("fresh chain: break=%+v n=%d err=%v", b, n, err)
		}
		// The trail refuses changes through SQL...
		if err := storetest.Exec(db, `UPDATE events SET actor = 'mallory' WHERE workspace_id = ? AND seq = 3`, f.WorkspaceID); err == nil {
			t.Fatal("an UPDATE of the audit trail was allowed")
		}
		// ...and someone who drops the guard is caught by verify.
		storetest.DropAuditGuards(t, db)
		if err := storetest.Exec(db, `UPDATE events SET actor = 'mallory' WHERE workspace_id = ? AND seq = 3`, f.WorkspaceID); err != nil {
			t.Fatal(err)
		}
		b, _, err = db.Audit.Verify(ctx)
		if err != nil || b == nil || b.WorkspaceID != f.WorkspaceID || b.Seq != 3 || b.Reason != "altered" {
			t.Fatalf("altered entry: %+v %v", b, err)
		}
	})
}

func TestAuditChainDetectsRemoval(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := storetest.Seed(t, db)
		if _, err := db.SealAudit(ctx); err != nil { // PostgreSQL seals after commit
			t.Fatal(err)
		}
		storetest.DropAuditGuards(t, db)
		if err := storetest.Exec(db, `DELETE FROM events WHERE workspace_id = ? AND seq = 2`, f.WorkspaceID); err != nil {
			t.Fatal(err)
		}
		b, _, err := db.Audit.Verify(ctx)
		if err != nil || b == nil || b.Seq != 2 || b.Reason != "missing" {
			t.Fatalf("removed entry: %+v %v", b, err)
		}
	})
}

func TestSignInThrottleSessionsTokens(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			clock := storetest.NewClock(time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC))
			db := storetest.Open(t, d, clock.Now)
			f := storetest.Seed(t, db)
			email := f.Emails[tandem.RoleManager]
			if _, err := db.Accounts.Authenticate(ctx, email, storetest.Password, "1.2.3.4"); err != nil {
				t.Fatal(err)
			}
			for i := 0; i < account.SignInMaxFailures; i++ {
				if _, err := db.Accounts.Authenticate(ctx, email, "wrong password", "1.2.3.4"); tandem.ErrorCode(err) != tandem.EUnauthorized {
					t.Fatalf("attempt %d: %v", i, err)
				}
			}
			if _, err := db.Accounts.Authenticate(ctx, email, storetest.Password, "1.2.3.4"); tandem.ErrorCode(err) != tandem.ETooMany {
				t.Fatalf("throttled sign-in with the right password: %v", err)
			}
			clock.Add(account.SignInWindow + time.Second)
			if _, err := db.Accounts.Authenticate(ctx, email, storetest.Password, "1.2.3.4"); err != nil {
				t.Fatalf("after the window: %v", err)
			}

			// Sessions: idle expiry and revocation.
			secret, err := db.Accounts.CreateSession(ctx, f.Manager.UserID, f.WorkspaceID, 24*time.Hour, "test", "")
			if err != nil {
				t.Fatal(err)
			}
			if _, u, err := db.Accounts.Session(ctx, secret, time.Hour); err != nil || u.ID != f.Manager.UserID {
				t.Fatalf("session: %v", err)
			}
			clock.Add(2 * time.Hour)
			if _, _, err := db.Accounts.Session(ctx, secret, time.Hour); tandem.ErrorCode(err) != tandem.EUnauthorized {
				t.Fatalf("idle session still alive: %v", err)
			}

			// Tokens: created, resolve to the membership, revoked.
			tok, _, err := db.Accounts.CreateToken(ctx, f.VendorAgent, "crm sync")
			if err != nil {
				t.Fatal(err)
			}
			p, err := db.Accounts.PrincipalByToken(ctx, tok)
			if err != nil || p.MembershipID != f.VendorAgent.MembershipID || p.Role != tandem.RoleVendorAgent || p.PartnerID != f.PartnerA {
				t.Fatalf("token principal: %+v %v", p, err)
			}
			list, _ := db.Accounts.Tokens(ctx, f.VendorAgent)
			if err := db.Accounts.RevokeToken(ctx, f.Owner, list[0].ID); tandem.ErrorCode(err) != tandem.ENotFound {
				t.Fatalf("someone else revoked the token: %v", err)
			}
			if err := db.Accounts.RevokeToken(ctx, f.VendorAgent, list[0].ID); err != nil {
				t.Fatal(err)
			}
			if _, err := db.Accounts.PrincipalByToken(ctx, tok); tandem.ErrorCode(err) != tandem.EUnauthorized {
				t.Fatalf("revoked token works: %v", err)
			}
		})
	}
}

func TestInvitationWorksOnceAndExpires(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			clock := storetest.NewClock(time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC))
			db := storetest.Open(t, d, clock.Now)
			f := storetest.Seed(t, db)
			inv := &account.Invitation{Email: "New.Agent@Alpha.example", Role: tandem.RoleVendorAgent, PartnerID: f.PartnerA,
				EngagementIDs: []int64{f.A2}, NDASignedOn: "2026-11-01"}
			if _, err := db.Accounts.Invite(ctx, f.Manager, &account.Invitation{Email: "x@example.com", Role: tandem.RoleOwner}); tandem.ErrorCode(err) != tandem.EInvalid {
				t.Fatalf("manager invited an owner: %v", err)
			}
			if _, err := db.Accounts.Invite(ctx, f.VendorManager, inv); tandem.ErrorCode(err) != tandem.EForbidden {
				t.Fatalf("vendor manager invited: %v", err)
			}
			secret, err := db.Accounts.Invite(ctx, f.Manager, inv)
			if err != nil {
				t.Fatal(err)
			}
			uid, err := db.Accounts.AcceptInvitation(ctx, secret, 0, &account.User{Name: "Nils Agent"}, "a long enough password")
			if err != nil {
				t.Fatal(err)
			}
			p, err := db.Accounts.Principal(ctx, uid, f.WorkspaceID)
			if err != nil || p.Role != tandem.RoleVendorAgent || p.Email != "new.agent@alpha.example" {
				t.Fatalf("accepted: %+v %v", p, err)
			}
			es, _, _ := db.Engagements.List(ctx, p, tandem.Page{}, store.EngagementFilter{})
			if len(es) != 1 || es[0].ID != f.A2 {
				t.Fatalf("new agent sees %v", es)
			}
			if _, err := db.Accounts.AcceptInvitation(ctx, secret, 0, &account.User{Name: "Again"}, "a long enough password"); tandem.ErrorCode(err) != tandem.ENotFound {
				t.Fatalf("second use: %v", err)
			}
			secret2, err := db.Accounts.Invite(ctx, f.Owner, &account.Invitation{Email: "late@example.com", Role: tandem.RoleViewer})
			if err != nil {
				t.Fatal(err)
			}
			clock.Add(account.InvitationTTL + time.Minute)
			if _, err := db.Accounts.AcceptInvitation(ctx, secret2, 0, &account.User{Name: "Late"}, "a long enough password"); tandem.ErrorCode(err) != tandem.ENotFound {
				t.Fatalf("expired invitation: %v", err)
			}
		})
	}
}

func TestPasswordReset(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := storetest.Seed(t, db)
		if _, err := db.Accounts.CreatePasswordReset(ctx, f.Owner, 99999); tandem.ErrorCode(err) != tandem.ENotFound {
			t.Fatalf("reset for a stranger: %v", err)
		}
		secret, err := db.Accounts.CreatePasswordReset(ctx, f.Owner, f.Viewer.UserID)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.Accounts.ResetPassword(ctx, secret, "short"); tandem.ErrorCode(err) != tandem.EInvalid {
			t.Fatalf("short password: %v", err)
		}
		if err := db.Accounts.ResetPassword(ctx, secret, "a brand new password"); err != nil {
			t.Fatal(err)
		}
		if err := db.Accounts.ResetPassword(ctx, secret, "a second new password"); tandem.ErrorCode(err) != tandem.ENotFound {
			t.Fatalf("reset used twice: %v", err)
		}
		if _, err := db.Accounts.Authenticate(ctx, f.Emails[tandem.RoleViewer], "a brand new password", ""); err != nil {
			t.Fatal(err)
		}
	})
}

// A person who knows their password changes it: the other sessions end,
// the one that asked stays. A person who forgot it asks the owners of their
// workspaces, once per quarter of an hour, without learning whether the
// address is known.
func TestPasswordChangeAndForgot(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := storetest.Seed(t, db)
		here, err := db.Accounts.CreateSession(ctx, f.Viewer.UserID, f.Viewer.WorkspaceID, time.Hour, "here", "")
		if err != nil {
			t.Fatal(err)
		}
		there, err := db.Accounts.CreateSession(ctx, f.Viewer.UserID, f.Viewer.WorkspaceID, time.Hour, "there", "")
		if err != nil {
			t.Fatal(err)
		}
		cur, _, err := db.Accounts.Session(ctx, here, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		err = db.Accounts.ChangePassword(ctx, f.Viewer.UserID, cur.ID, "not my password", "a brand new password")
		if fe := tandem.FieldErrors(err); len(fe) != 1 || fe[0].Field != "current_password" {
			t.Fatalf("wrong current password: %v", err)
		}
		if _, _, err := db.Accounts.Session(ctx, there, time.Hour); err != nil {
			t.Fatalf("a refused change ended a session: %v", err)
		}
		if err := db.Accounts.ChangePassword(ctx, f.Viewer.UserID, cur.ID, storetest.Password, "a brand new password"); err != nil {
			t.Fatal(err)
		}
		if _, _, err := db.Accounts.Session(ctx, here, time.Hour); err != nil {
			t.Fatalf("the session that changed the password ended: %v", err)
		}
		if _, _, err := db.Accounts.Session(ctx, there, time.Hour); err == nil {
			t.Fatal("another session survived the change")
		}
		if _, err := db.Accounts.Authenticate(ctx, f.Emails[tandem.RoleViewer], "a brand new password", ""); err != nil {
			t.Fatal(err)
		}

		// Forgot: the owner is told once; unknown addresses change nothing.
		for range 2 {
			if err := db.Accounts.RequestReset(ctx, " "+strings.ToUpper(f.Emails[tandem.RoleViewer]), "192.0.2.1"); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.Accounts.RequestReset(ctx, "nobody@example.com", ""); err != nil {
			t.Fatal(err)
		}
		ns, _, err := db.Notifications.List(ctx, f.Owner, true, 100)
		if err != nil {
			t.Fatal(err)
		}
		asked := 0
		for _, n := range ns {
			if n.Kind == account.ActionResetRequested {
				asked++
				if n.SubjectID != f.Viewer.UserID || n.Args["email"] != f.Emails[tandem.RoleViewer] {
					t.Errorf("request: %+v", n)
				}
			}
		}
		if asked != 1 {
			t.Fatalf("the owner was asked %d times, want 1", asked)
		}
		if ns, _, _ := db.Notifications.List(ctx, f.Manager, true, 100); len(ns) != 0 {
			t.Fatalf("a manager was asked: %+v", ns)
		}
	})
}
