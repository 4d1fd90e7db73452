package store_test

import (
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/file"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
	"github.com/tandemhq/tandem/internal/work"
)

// A deliverable's life: created for a service of the contract, submitted,
// returned with a reason, resubmitted late, accepted — and the facts and
// figures that gives, worked out by hand.
func TestDeliverableLifecycleAndFigures(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			// Monday 2 March 2026, 09:00 in Stockholm (08:00 UTC).
			clock := storetest.NewClock(time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC))
			db := storetest.Open(t, dialect, clock.Now)
			f := storetest.Seed(t, db)
			storetest.Activate(t, db, f.Owner, f.A1, func(terms *contract.Terms) {
				terms.Calendar = contract.Calendar{TimeZone: "Europe/Stockholm", WorkDays: []int{1, 2, 3, 4, 5}, DayStart: "08:00", DayEnd: "17:00"}
			})
			v, _ := db.Contracts.InForce(ctx, f.Owner, f.A1, tandem.DateOf(clock.Now()))
			svc := v.Terms.Services[0]

			// A service that is not in the contract is not owed.
			bad := &work.Deliverable{EngagementID: f.A1, ServiceKey: "tea-making", Title: "Tea"}
			if err := db.Work.Create(ctx, f.Owner, bad); tandem.ErrorCode(err) != tandem.EInvalid || tandem.FieldErrors(err)[0].Field != "service_key" {
				t.Fatalf("service outside the contract: %v", err)
			}
			// A draft engagement gets no deliverables.
			if err := db.Work.Create(ctx, f.Owner, &work.Deliverable{EngagementID: f.A2, ServiceKey: svc.Key, Title: "x"}); tandem.ErrorCode(err) != tandem.EConflict {
				t.Fatalf("deliverable on a draft: %v", err)
			}
			// Due Wednesday 4 March 17:00 Stockholm = 16:00 UTC.
			due := time.Date(2026, 3, 4, 16, 0, 0, 0, time.UTC)
			d := &work.Deliverable{EngagementID: f.A1, ServiceKey: svc.Key, Title: "March call list", DueAt: due, AssigneeID: f.VendorAgent.MembershipID}
			if err := db.Work.Create(ctx, f.VendorManager, d); err != nil {
				t.Fatal(err)
			}
			if d.Acceptor != "Mats Manager" {
				t.Fatalf("acceptor from the contract: %q", d.Acceptor)
			}
			// Only partner people submit; only the client reviews; partner B sees nothing.
			if _, err := db.Work.Submit(ctx, f.Manager, d.ID, "", nil); tandem.ErrorCode(err) != tandem.EForbidden {
				t.Fatalf("client submitted: %v", err)
			}
			if _, err := db.Work.Get(ctx, f.VendorManagerB, d.ID); tandem.ErrorCode(err) != tandem.ENotFound {
				t.Fatalf("partner B sees A's deliverable: %v", err)
			}
			att, err := file.NewFile("calls.txt", "text/plain; charset=utf-8", []byte("Hotel Kungsträdgården, Anna, +46 8 123"))
			if err != nil {
				t.Fatal(err)
			}
			clock.Add(24 * time.Hour) // Tuesday: first submission, on time
			if n, err := db.Work.Submit(ctx, f.VendorAgent, d.ID, "First list", []*file.File{att}); err != nil || n != 1 {
				t.Fatalf("submit: %d %v", n, err)
			}
			if err := db.Work.Review(ctx, f.Manager, d.ID, work.Review{Accepted: false}); tandem.ErrorCode(err) != tandem.EInvalid {
				t.Fatalf("return without reason: %v", err)
			}
			if err := db.Work.Review(ctx, f.Manager, d.ID, work.Review{Accepted: false, Reason: "incomplete", Comment: "No phone numbers for Malmö"}); err != nil {
				t.Fatal(err)
			}
			if err := db.Work.Review(ctx, f.Manager, d.ID, work.Review{Accepted: true}); tandem.ErrorCode(err) != tandem.EConflict {
				t.Fatalf("review of a returned deliverable: %v", err)
			}
			// Resubmitted Friday 6 March 10:00 Stockholm: due Wed 17:00, so Thursday and Friday
			// are business days after the due time → 2 business days late.
			clock.Add(72*time.Hour + time.Hour)
			if n, err := db.Work.Submit(ctx, f.VendorAgent, d.ID, "With Malmö", nil); err != nil || n != 2 {
				t.Fatalf("resubmit: %d %v", n, err)
			}
			clock.Add(2 * time.Hour)
			if err := db.Work.Review(ctx, f.Owner, d.ID, work.Review{Accepted: true, Comment: "Good"}); err != nil {
				t.Fatal(err)
			}
			got, _ := db.Work.Get(ctx, f.Viewer, d.ID)
			if got.Status != work.StatusAccepted || got.Returns != 1 || got.Submissions != 2 {
				t.Fatalf("after acceptance: %+v", got)
			}
			subs, err := db.Work.Submissions(ctx, f.VendorAgent, d.ID)
			if err != nil || len(subs) != 2 || subs[0].Review == nil || subs[0].Review.Reason != "incomplete" || !subs[1].Review.Accepted ||
				len(subs[0].Files) != 1 || subs[0].Files[0].Name != "calls.txt" {
				t.Fatalf("history: %+v %v", subs, err)
			}
			// A second deliverable accepted first time, on time.
			d2 := &work.Deliverable{EngagementID: f.A1, ServiceKey: svc.Key, Title: "Follow-ups", DueAt: time.Date(2026, 3, 10, 16, 0, 0, 0, time.UTC)}
			if err := db.Work.Create(ctx, f.Owner, d2); err != nil {
				t.Fatal(err)
			}
			if _, err := db.Work.Submit(ctx, f.VendorManager, d2.ID, "", nil); err != nil {
				t.Fatal(err)
			}
			if err := db.Work.Review(ctx, f.Manager, d2.ID, work.Review{Accepted: true}); err != nil {
				t.Fatal(err)
			}
			march1, _ := tandem.ParseDate("2026-03-01")
			april1, _ := tandem.ParseDate("2026-04-01")
			figs, outcomes, err := db.Work.Figures(ctx, f.Owner, f.A1, march1, april1)
			if err != nil {
				t.Fatal(err)
			}
			// By hand: 2 accepted; on time 1 (d2); first time 1 (d2); returns 1;
			// lateness 2 and 0 → σ = 1.00 → 100 hundredths.
			want := work.Figures{Accepted: 2, OnTime: 1, FirstTime: 1, Returns: 1, LatenessSpread: 100,
				LeadTimeP50: outcomes[0].LeadTime, LeadTimeP90: outcomes[1].LeadTime}
			if outcomes[0].LateDays != 2 || outcomes[1].LateDays != 0 {
				t.Fatalf("lateness: %+v", outcomes)
			}
			if figs.Accepted != want.Accepted || figs.OnTime != want.OnTime || figs.FirstTime != want.FirstTime ||
				figs.Returns != want.Returns || figs.LatenessSpread != want.LatenessSpread {
				t.Fatalf("figures %+v, want %+v", figs, want)
			}
			// Notifications: the manager was told of the submissions; the agent of the return.
			ns, unread, err := db.Notifications.List(ctx, f.Manager, false, 50)
			if err != nil || unread < 2 || ns[0].Kind != "deliverable.submitted" {
				t.Fatalf("manager's notifications: %d %+v %v", unread, ns, err)
			}
			ns, _, _ = db.Notifications.List(ctx, f.VendorAgent, true, 50)
			kinds := map[string]bool{}
			for _, n := range ns {
				kinds[n.Kind] = true
			}
			if !kinds["deliverable.returned"] || !kinds["deliverable.accepted"] {
				t.Fatalf("agent's notifications: %+v", ns)
			}
			if err := db.Notifications.MarkRead(ctx, f.Manager, 0); err != nil {
				t.Fatal(err)
			}
			if _, unread, _ := db.Notifications.List(ctx, f.Manager, false, 50); unread != 0 {
				t.Fatalf("unread after marking all read: %d", unread)
			}
			// The activity feed: the engagement's audit entries.
			feed, _, _ := db.Audit.List(ctx, f.Owner, store.AuditFilter{Entity: "engagement"}, tandem.Page{Limit: 200})
			n := 0
			for _, e := range feed {
				if e.EntityID == f.A1 && (e.Action == "deliverable.submitted" || e.Action == "deliverable.returned" || e.Action == "deliverable.accepted") {
					n++
				}
			}
			if n != 6 {
				t.Fatalf("feed entries for the deliverables: %d, want 6", n)
			}
		})
	}
}
