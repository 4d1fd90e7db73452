package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/engagement"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
	"github.com/tandemhq/tandem/internal/webhook"
)

// A termination started by the client on 4 December with 30 days' notice
// takes effect on 3 January: until then the partner's people work as
// before; at the start of 3 January in Stockholm (23:00 UTC on the 2nd)
// the scheduler's sweep closes every path at once — the engagement leaves
// the partner's scope, the agent (with nothing else) loses sessions and API
// tokens, the manager (with another engagement) keeps them; closing twice
// changes nothing.
func TestTerminationRevokesPartnerAccess(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			clock := storetest.NewClock(time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC))
			db := storetest.Open(t, dialect, clock.Now)
			f := storetest.Seed(t, db)
			storetest.Activate(t, db, f.Owner, f.A1, func(terms *contract.Terms) {
				terms.Shape.NoticeDays = 30
				terms.Termination.DeadlineDays = 14
				terms.Termination.ConsultationHours = 8
				terms.Termination.DataFormat = "CSV export of every account and contact"
			})
			storetest.Activate(t, db, f.Owner, f.A2, nil)
			agentToken, _, err := db.Accounts.CreateToken(ctx, f.VendorAgent, "dialer")
			if err != nil {
				t.Fatal(err)
			}
			vmToken, _, err := db.Accounts.CreateToken(ctx, f.VendorManager, "reports")
			if err != nil {
				t.Fatal(err)
			}
			agentSession, err := db.Accounts.CreateSession(ctx, f.VendorAgent.UserID, f.WorkspaceID, 90*24*time.Hour, "test", "127.0.0.1")
			if err != nil {
				t.Fatal(err)
			}
			vmSession, err := db.Accounts.CreateSession(ctx, f.VendorManager.UserID, f.WorkspaceID, 90*24*time.Hour, "test", "127.0.0.1")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.Meetings.RegenerateFeed(ctx, f.VendorAgent); err != nil {
				t.Fatal(err)
			}
			hook := &webhook.Endpoint{URL: "https://hooks.alpha.example/x"}
			if err := db.Webhooks().Register(ctx, f.VendorManager, hook, false); err != nil {
				t.Fatal(err)
			}

			// The agent may not start one; the owner does.
			if err := db.Terminations().Start(ctx, f.VendorAgent, f.A1, &engagement.Termination{Reason: "x"}); tandem.ErrorCode(err) != tandem.EForbidden {
				t.Fatalf("an agent terminates: %v", err)
			}
			x := &engagement.Termination{Reason: "Targets missed three months running"}
			if err := db.Terminations().Start(ctx, f.Owner, f.A1, x); err != nil {
				t.Fatal(err)
			}
			if x.EffectiveOn.String() != "2027-01-03" || x.HandoverDue.String() != "2027-01-17" || x.Side != engagement.SideClient || len(x.Items) != 7 {
				t.Fatalf("termination %+v", x)
			}
			if err := db.Terminations().Start(ctx, f.VendorManager, f.A1, &engagement.Termination{Reason: "again"}); tandem.ErrorCode(err) != tandem.EConflict {
				t.Fatalf("a second termination: %v", err)
			}
			// Before the effective day the partner still sees it, and the termination.
			if got, err := db.Terminations().Get(ctx, f.VendorAgent, f.A1); err != nil || got.Reason != x.Reason || len(got.Items) != 7 {
				t.Fatalf("the agent reads the termination: %+v, %v", got, err)
			}
			clock.Add(time.Date(2027, 1, 2, 22, 30, 0, 0, time.UTC).Sub(clock.Now())) // 23:30 in Stockholm, still the 2nd
			if n, err := db.Terminations().RevokeDue(ctx); err != nil || n != 0 {
				t.Fatalf("the sweep before the day: %d, %v", n, err)
			}
			if _, err := db.Engagements.Get(ctx, f.VendorAgent, f.A1); err != nil {
				t.Fatalf("the agent lost the engagement early: %v", err)
			}

			clock.Add(30 * time.Minute) // midnight in Stockholm
			if n, err := db.Terminations().RevokeDue(ctx); err != nil || n != 1 {
				t.Fatalf("the sweep on the day: %d, %v", n, err)
			}
			for _, p := range []tandem.Principal{f.VendorAgent, f.VendorManager} {
				if _, err := db.Engagements.Get(ctx, p, f.A1); tandem.ErrorCode(err) != tandem.ENotFound {
					t.Errorf("%s still reads the engagement: %v", p.Role, err)
				}
				if _, err := db.Terminations().Get(ctx, p, f.A1); tandem.ErrorCode(err) != tandem.ENotFound {
					t.Errorf("%s still reads the termination: %v", p.Role, err)
				}
			}
			if e, err := db.Engagements.Get(ctx, f.Owner, f.A1); err != nil || e.Status != engagement.StatusEnded {
				t.Errorf("the client's view: %+v, %v", e, err)
			}
			// The agent had nothing else: session and token gone.
			if _, _, err := db.Accounts.Session(ctx, agentSession, 90*24*time.Hour); err == nil {
				t.Error("the agent's session still works")
			}
			if _, err := db.Accounts.PrincipalByToken(ctx, agentToken); err == nil {
				t.Error("the agent's API token still works")
			}
			if ok, err := db.Meetings.FeedExists(ctx, f.VendorAgent); err != nil || ok {
				t.Errorf("the agent's calendar feed is still there: %v, %v", ok, err)
			}
			// The manager keeps A2: session and token stay, A2 readable.
			if _, _, err := db.Accounts.Session(ctx, vmSession, 90*24*time.Hour); err != nil {
				t.Errorf("the manager's session ended: %v", err)
			}
			if _, err := db.Accounts.PrincipalByToken(ctx, vmToken); err != nil {
				t.Errorf("the manager's token was revoked: %v", err)
			}
			if _, err := db.Engagements.Get(ctx, f.VendorManager, f.A2); err != nil {
				t.Errorf("the manager lost A2: %v", err)
			}
			if hs, _ := db.Webhooks().Endpoints(ctx, f.Owner); len(hs) != 1 || hs[0].Disabled() {
				t.Errorf("the partner's endpoint (it keeps A2): %+v", hs)
			}
			if n, err := db.Terminations().RevokeDue(ctx); err != nil || n != 0 {
				t.Errorf("a second sweep: %d, %v", n, err)
			}

			// The owner closes A2 at once: the manager is left with nothing.
			y := &engagement.Termination{Reason: "Moving the work in-house", Agreed: true}
			y.EffectiveOn, _ = tandem.ParseDate("2027-02-28")
			if err := db.Terminations().Start(ctx, f.VendorManager, f.A2, y); err != nil || y.Side != engagement.SidePartner {
				t.Fatalf("the partner's manager terminates A2: %+v, %v", y, err)
			}
			if err := db.Terminations().RevokeNow(ctx, f.Manager, f.A2); tandem.ErrorCode(err) != tandem.EForbidden {
				t.Errorf("a manager closes access at once: %v", err)
			}
			if err := db.Terminations().RevokeNow(ctx, f.Owner, f.A2); err != nil {
				t.Fatal(err)
			}
			if err := db.Terminations().RevokeNow(ctx, f.Owner, f.A2); tandem.ErrorCode(err) != tandem.EConflict {
				t.Errorf("closing twice: %v", err)
			}
			if _, _, err := db.Accounts.Session(ctx, vmSession, 90*24*time.Hour); err == nil {
				t.Error("the manager's session still works")
			}
			if _, err := db.Accounts.PrincipalByToken(ctx, vmToken); err == nil {
				t.Error("the manager's API token still works")
			}
			if hs, _ := db.Webhooks().Endpoints(ctx, f.Owner); len(hs) != 1 || hs[0].DisabledReason != store.DisabledTerminated {
				t.Errorf("the partner's endpoint after its last engagement: %+v", hs)
			}
			// Partner B is untouched.
			if _, err := db.Engagements.Get(ctx, f.VendorManagerB, f.B1); err != nil {
				t.Errorf("partner B lost its engagement: %v", err)
			}
			// The handover checklist: the client ticks a step.
			if err := db.Terminations().MarkItem(ctx, f.Manager, f.A1, engagement.ItemDataReturned, true); err != nil {
				t.Fatal(err)
			}
			got, _ := db.Terminations().Get(ctx, f.Owner, f.A1)
			if !got.Items[0].Done() || got.Items[0].DoneByName != "Mats Manager" || got.Items[0].Detail != "CSV export of every account and contact" {
				t.Errorf("checklist after marking: %+v", got.Items[0])
			}
			if err := db.Terminations().MarkItem(ctx, f.Manager, f.A1, "coffee", true); tandem.ErrorCode(err) != tandem.ENotFound {
				t.Errorf("an unknown step: %v", err)
			}
		})
	}
}
