package store_test

import (
	"strings"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/notice"
	"github.com/tandemhq/tandem/internal/proposal"
	"github.com/tandemhq/tandem/internal/report"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
	"github.com/tandemhq/tandem/internal/work"
)

// noticeZone is the fixture workspace's zone and the contracts' calendar zone.
var noticeZone = func() *time.Location {
	l, err := time.LoadLocation("Europe/Stockholm")
	if err != nil {
		panic(err)
	}
	return l
}()

// March 2026, in Stockholm (CET, UTC+1, until the 29th).
func inMarch(day, hour, min int) time.Time {
	return time.Date(2026, 3, day, hour, min, 0, 0, noticeZone)
}

// noticeTerms is a calendar of Monday–Friday 08:00–17:00 and a deadline
// notice duty of 24 business hours with a 2 500 SEK penalty.
func noticeTerms(terms *contract.Terms) {
	terms.Calendar = contract.Calendar{TimeZone: "Europe/Stockholm", WorkDays: []int{1, 2, 3, 4, 5}, DayStart: "08:00", DayEnd: "17:00"}
	terms.Notices = []contract.NoticeDuty{
		{Category: notice.CategoryDeadline, WithinHours: 24, PenaltyMinor: 250000},
		{Category: "missing_information", WithinHours: 24},
	}
}

// The late-notice rule, worked out by hand on a 9-hour business day
// (08:00–17:00), for deliverables due Friday 6 March 17:00 with a duty of
// 24 business hours:
//
//	Tue 3 Mar 16:00 → Tue 1 h + Wed 9 h + Thu 9 h + Fri 9 h = 28 h: timely
//	Wed 4 Mar 11:00 → Wed 6 h + Thu 9 h + Fri 9 h           = 24 h: timely (just)
//	Wed 4 Mar 16:00 → Wed 1 h + Thu 9 h + Fri 9 h           = 19 h: late
//	Thu 5 Mar 12:00 → Thu 5 h + Fri 9 h                      = 14 h: late
//
// (So with this calendar a Wednesday 16:00 notice is not timely: 24
// business hours before Friday 17:00 is Wednesday 11:00.)
func TestLateNoticePenalty(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			clock := storetest.NewClock(inMarch(2, 9, 0)) // Monday
			at := func(when time.Time) { clock.Add(when.Sub(clock.Now())) }
			db := storetest.Open(t, dialect, clock.Now)
			f := storetest.Seed(t, db)
			storetest.Activate(t, db, f.Owner, f.A1, noticeTerms)
			v, err := db.Contracts.InForce(ctx, f.Owner, f.A1, date(t, "2026-03-02"))
			if err != nil {
				t.Fatal(err)
			}
			due := inMarch(6, 17, 0)
			newDeliverable := func(title string) *work.Deliverable {
				t.Helper()
				d := &work.Deliverable{EngagementID: f.A1, ServiceKey: v.Terms.Services[0].Key, Title: title, DueAt: due}
				if err := db.Work.Create(ctx, f.VendorManager, d); err != nil {
					t.Fatal(err)
				}
				return d
			}
			early, boundary, wed, thu := newDeliverable("Early"), newDeliverable("Boundary"), newDeliverable("Wednesday"), newDeliverable("Thursday")
			silent, moved, held := newDeliverable("Silent"), newDeliverable("Moved"), newDeliverable("Held")
			file := func(when time.Time, d *work.Deliverable, category string, wantTimely bool) *notice.Notice {
				t.Helper()
				at(when)
				n := &notice.Notice{EngagementID: f.A1, Category: category, DeliverableID: d.ID, Text: "We cannot make it: " + d.Title}
				if err := db.Notices.File(ctx, f.VendorAgent, n); err != nil {
					t.Fatal(err)
				}
				if n.Timely != wantTimely {
					t.Errorf("%s notice at %s: timely = %v, want %v", d.Title, when.Format("Mon 15:04"), n.Timely, wantTimely)
				}
				return n
			}
			nMoved := file(inMarch(3, 10, 0), moved, notice.CategoryDeadline, true)
			file(inMarch(3, 16, 0), early, notice.CategoryDeadline, true)
			file(inMarch(3, 16, 30), silent, "missing_information", true) // not a deadline notice
			file(inMarch(4, 11, 0), boundary, notice.CategoryDeadline, true)
			file(inMarch(4, 16, 0), wed, notice.CategoryDeadline, false)
			file(inMarch(5, 12, 0), thu, notice.CategoryDeadline, false)

			// The held deliverable is submitted on time and waits for review.
			at(inMarch(5, 13, 0))
			if _, err := db.Work.Submit(ctx, f.VendorAgent, held.ID, "Done", nil); err != nil {
				t.Fatal(err)
			}
			// The client agrees a new date for the moved one: Tuesday 10 March 17:00.
			at(inMarch(5, 14, 0))
			if err := db.Notices.Acknowledge(ctx, f.VendorManager, f.A1, nMoved.ID, notice.Ack{}); tandem.ErrorCode(err) != tandem.EForbidden {
				t.Fatalf("partner acknowledged: %v", err)
			}
			if err := db.Notices.Acknowledge(ctx, f.Manager, f.A1, nMoved.ID, notice.Ack{NewDueAt: inMarch(5, 8, 0)}); tandem.ErrorCode(err) != tandem.EInvalid {
				t.Fatalf("new due date in the past: %v", err)
			}
			if err := db.Notices.Acknowledge(ctx, f.Manager, f.A1, nMoved.ID, notice.Ack{Comment: "Agreed", NewDueAt: inMarch(10, 17, 0)}); err != nil {
				t.Fatal(err)
			}
			if err := db.Notices.Acknowledge(ctx, f.Manager, f.A1, nMoved.ID, notice.Ack{}); tandem.ErrorCode(err) != tandem.EConflict {
				t.Fatalf("acknowledged twice: %v", err)
			}
			if d, _ := db.Work.Get(ctx, f.Owner, moved.ID); !d.DueAt.Equal(inMarch(10, 17, 0)) {
				t.Fatalf("moved due date: %v", d.DueAt)
			}
			entries, _, err := db.Audit.List(ctx, f.Owner, store.AuditFilter{Action: "notice.acknowledged"}, tandem.Page{})
			if err != nil || len(entries) != 1 || !strings.Contains(entries[0].Data, `"old_due_at":"2026-03-06T16:00:00Z"`) ||
				!strings.Contains(entries[0].Data, `"new_due_at":"2026-03-10T16:00:00Z"`) {
				t.Fatalf("audit of the new date: %+v %v", entries, err)
			}

			// Nothing is due before Friday 17:00.
			if n, err := db.Notices.SweepOverdue(ctx, inMarch(6, 16, 59)); err != nil || n != 0 {
				t.Fatalf("sweep before the due time: %d %v", n, err)
			}
			at(inMarch(6, 18, 0))
			if n, err := db.Notices.SweepOverdue(ctx, clock.Now()); err != nil || n != 3 {
				t.Fatalf("sweep after the due time: %d penalties, %v; want 3", n, err)
			}
			if n, err := db.Notices.SweepOverdue(ctx, clock.Now()); err != nil || n != 0 {
				t.Fatalf("second sweep: %d %v", n, err)
			}
			ps, err := db.Notices.Penalties(ctx, f.Viewer, f.A1)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]notice.Penalty{}
			for _, p := range ps {
				got[p.DeliverableTitle] = p
				if p.AmountMinor != 250000 || p.Currency != "SEK" || !p.DueAt.Equal(due) {
					t.Errorf("penalty %+v", p)
				}
			}
			if len(ps) != 3 || !got["Wednesday"].NoticeFiled || !got["Thursday"].NoticeFiled || got["Silent"].NoticeFiled {
				t.Fatalf("penalties: %+v", ps)
			}
			ns, _, err := db.Notifications.List(ctx, f.Owner, true, 100)
			if err != nil {
				t.Fatal(err)
			}
			kinds := map[string]int{}
			for _, n := range ns {
				kinds[n.Kind]++
			}
			if kinds["penalty.late_notice"] != 3 || kinds["notice.filed"] != 6 {
				t.Fatalf("the owner's notifications: %v", kinds)
			}
			// The week's status report counts them.
			r, err := db.Reports.Draft(ctx, f.VendorManager, f.A1, date(t, "2026-03-02"))
			if err != nil {
				t.Fatal(err)
			}
			if r.Saved() || r.Figures.Penalties != 3 || r.Figures.OpenNotices != 5 || r.Figures.Overdue != 6 ||
				!strings.Contains(r.Blockers, "- Silent (2026-03-06)") || !strings.Contains(r.Next, "- Moved (2026-03-10)") {
				t.Fatalf("pre-filled report: %+v", r)
			}

			// The moved deliverable is judged against its new date; the
			// notice that moved it does not cover the new date.
			if n, err := db.Notices.SweepOverdue(ctx, inMarch(10, 16, 0)); err != nil || n != 0 {
				t.Fatalf("sweep before the new date: %d %v", n, err)
			}
			if n, err := db.Notices.SweepOverdue(ctx, inMarch(11, 9, 0)); err != nil || n != 1 {
				t.Fatalf("sweep after the new date: %d %v", n, err)
			}
			ps, _ = db.Notices.Penalties(ctx, f.Owner, f.A1)
			if len(ps) != 4 || ps[0].DeliverableTitle != "Moved" || !ps[0].DueAt.Equal(inMarch(10, 17, 0)) {
				t.Fatalf("penalties after the new date: %+v", ps)
			}
			// Partner B sees none of it.
			if _, err := db.Notices.Penalties(ctx, f.VendorManagerB, f.A1); tandem.ErrorCode(err) != tandem.ENotFound {
				t.Fatalf("partner B reads A's penalties: %v", err)
			}
		})
	}
}

func TestNoticesProposalsAndReports(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := storetest.Seed(t, db)
		storetest.Activate(t, db, f.Owner, f.A1, noticeTerms)
		storetest.Activate(t, db, f.Owner, f.B1, nil)
		v, err := db.Contracts.InForce(ctx, f.Owner, f.A1, tandem.DateOf(time.Now().In(noticeZone)))
		if err != nil {
			t.Fatal(err)
		}
		d := &work.Deliverable{EngagementID: f.A1, ServiceKey: v.Terms.Services[0].Key, Title: "Call list", DueAt: time.Now().Add(30 * 24 * time.Hour)}
		if err := db.Work.Create(ctx, f.Owner, d); err != nil {
			t.Fatal(err)
		}
		vb, _ := db.Contracts.InForce(ctx, f.Owner, f.B1, tandem.DateOf(time.Now().In(noticeZone)))
		db2 := &work.Deliverable{EngagementID: f.B1, ServiceKey: vb.Terms.Services[0].Key, Title: "Beta thing", DueAt: time.Now().Add(30 * 24 * time.Hour)}
		if err := db.Work.Create(ctx, f.Owner, db2); err != nil {
			t.Fatal(err)
		}

		// Notices: categories of the contract only; a deadline needs its deliverable, of this engagement.
		fields := func(err error) string {
			var out []string
			for _, fe := range tandem.FieldErrors(err) {
				out = append(out, fe.Field+":"+string(fe.Key))
			}
			return strings.Join(out, ",")
		}
		err = db.Notices.File(ctx, f.VendorManager, &notice.Notice{EngagementID: f.A1, Category: "accounting_error", Text: ""})
		if got := fields(err); got != "category:notice.category_not_in_contract,text:validation.required" {
			t.Fatalf("bad notice: %s (%v)", got, err)
		}
		err = db.Notices.File(ctx, f.VendorManager, &notice.Notice{EngagementID: f.A1, Category: notice.CategoryDeadline, Text: "Late"})
		if got := fields(err); got != "deliverable_id:notice.deadline_needs_deliverable" {
			t.Fatalf("deadline notice without deliverable: %s", got)
		}
		err = db.Notices.File(ctx, f.VendorManager, &notice.Notice{EngagementID: f.A1, Category: notice.CategoryDeadline, DeliverableID: db2.ID, Text: "Late"})
		if got := fields(err); got != "deliverable_id:notice.unknown_deliverable" {
			t.Fatalf("notice about another partner's deliverable: %s", got)
		}
		for _, p := range []tandem.Principal{f.Owner, f.Manager, f.Viewer} {
			if err := db.Notices.File(ctx, p, &notice.Notice{EngagementID: f.A1, Category: "missing_information", Text: "x"}); tandem.ErrorCode(err) != tandem.EForbidden {
				t.Fatalf("%s filed a notice: %v", p.Role, err)
			}
		}
		if err := db.Notices.File(ctx, f.VendorAgent, &notice.Notice{EngagementID: f.A2, Category: "missing_information", Text: "x"}); tandem.ErrorCode(err) != tandem.ENotFound {
			t.Fatalf("agent filed on an engagement not assigned: %v", err)
		}
		if err := db.Notices.File(ctx, f.VendorManager, &notice.Notice{EngagementID: f.A2, Category: "missing_information", Text: "x"}); tandem.ErrorCode(err) != tandem.EConflict {
			t.Fatalf("notice on a draft: %v", err)
		}
		n := &notice.Notice{EngagementID: f.A1, Category: notice.CategoryDeadline, DeliverableID: d.ID, Text: "The list will slip a week."}
		if err := db.Notices.File(ctx, f.VendorAgent, n); err != nil || !n.Timely {
			t.Fatalf("file: %v %+v", err, n)
		}
		if _, err := db.Notices.Get(ctx, f.VendorManagerB, f.A1, n.ID); tandem.ErrorCode(err) != tandem.ENotFound {
			t.Fatalf("partner B reads A's notice: %v", err)
		}
		if _, err := db.Notices.List(ctx, f.VendorManagerB, f.A1, store.NoticeFilter{}); tandem.ErrorCode(err) != tandem.ENotFound {
			t.Fatalf("partner B lists A's notices: %v", err)
		}
		if err := db.Notices.Acknowledge(ctx, f.Manager, f.A1, n.ID, notice.Ack{NewDueAt: time.Now().Add(40 * 24 * time.Hour)}); err != nil {
			t.Fatal(err)
		}
		ns, err := db.Notices.List(ctx, f.Viewer, f.A1, store.NoticeFilter{})
		if err != nil || len(ns) != 1 || !ns[0].Acknowledged() || ns[0].AcknowledgedByName != "Mats Manager" || ns[0].DeliverableTitle != "Call list" {
			t.Fatalf("notices: %+v %v", ns, err)
		}
		if open, _ := db.Notices.List(ctx, f.Owner, f.A1, store.NoticeFilter{Open: true}); len(open) != 0 {
			t.Fatalf("open notices: %+v", open)
		}

		// Proposals and risk warnings.
		err = db.Proposals.Raise(ctx, f.VendorManager, &proposal.Proposal{EngagementID: f.A1, Kind: "wish", Title: ""})
		if got := fields(err); got != "kind:validation.one_of,title:validation.required" {
			t.Fatalf("bad proposal: %s", got)
		}
		if err := db.Proposals.Raise(ctx, f.Manager, &proposal.Proposal{EngagementID: f.A1, Kind: "risk", Title: "x"}); tandem.ErrorCode(err) != tandem.EForbidden {
			t.Fatalf("client raised: %v", err)
		}
		risk := &proposal.Proposal{EngagementID: f.A1, Kind: proposal.KindRisk, Title: "Key contact leaves in April", DeliverableID: d.ID}
		if err := db.Proposals.Raise(ctx, f.VendorAgent, risk); err != nil {
			t.Fatal(err)
		}
		idea := &proposal.Proposal{EngagementID: f.A1, Kind: proposal.KindProposal, Title: "Call in the mornings", Text: "Reach rate is higher."}
		if err := db.Proposals.Raise(ctx, f.VendorManager, idea); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Proposals.Get(ctx, f.VendorManagerB, f.A1, risk.ID); tandem.ErrorCode(err) != tandem.ENotFound {
			t.Fatalf("partner B reads A's risk: %v", err)
		}
		if err := db.Proposals.Decide(ctx, f.VendorManager, f.A1, idea.ID, proposal.Decision{Status: "accepted"}); tandem.ErrorCode(err) != tandem.EForbidden {
			t.Fatalf("partner decided: %v", err)
		}
		if got := fields(db.Proposals.Decide(ctx, f.Owner, f.A1, idea.ID, proposal.Decision{Status: "declined"})); got != "comment:proposal.decline_needs_comment" {
			t.Fatalf("decline without comment: %s", got)
		}
		if err := db.Proposals.Decide(ctx, f.Owner, f.A1, idea.ID, proposal.Decision{Status: "accepted", Comment: "Try it in April"}); err != nil {
			t.Fatal(err)
		}
		if err := db.Proposals.Decide(ctx, f.Owner, f.A1, idea.ID, proposal.Decision{Status: "noted"}); tandem.ErrorCode(err) != tandem.EConflict {
			t.Fatalf("decided twice: %v", err)
		}
		ps, err := db.Proposals.List(ctx, f.VendorAgent, f.A1, "")
		if err != nil || len(ps) != 2 || ps[0].Status != proposal.StatusAccepted || ps[0].DecidedByName != "Olivia Owner" || ps[1].DeliverableTitle != "Call list" {
			t.Fatalf("proposals: %+v %v", ps, err)
		}

		// Status reports: one per engagement and week, editable until the client comments.
		week := report.WeekOf(time.Now(), noticeZone)
		r, err := db.Reports.Draft(ctx, f.VendorManager, f.A1, week)
		if err != nil || r.Saved() || !strings.Contains(r.Risks, "Key contact leaves in April") || r.Figures.Risks != 1 || r.Figures.Proposals != 1 {
			t.Fatalf("draft: %+v %v", r, err)
		}
		if _, err := db.Reports.Draft(ctx, f.VendorManager, f.A1, tandem.DateOf(week.Time().AddDate(0, 0, 1))); tandem.ErrorCode(err) != tandem.EInvalid {
			t.Fatalf("a Tuesday as a week: %v", err)
		}
		if _, err := db.Reports.Draft(ctx, f.VendorManager, f.A1, tandem.DateOf(week.Time().AddDate(0, 0, 7))); tandem.ErrorCode(err) != tandem.EInvalid {
			t.Fatalf("next week: %v", err)
		}
		if _, err := db.Reports.Save(ctx, f.VendorManager, &report.Report{EngagementID: f.A1, Week: week}); fields(err) != "done:validation.required" {
			t.Fatalf("report without done: %v", err)
		}
		if _, err := db.Reports.Save(ctx, f.Manager, &report.Report{EngagementID: f.A1, Week: week, Done: "x"}); tandem.ErrorCode(err) != tandem.EForbidden {
			t.Fatalf("client wrote the report: %v", err)
		}
		r.Done, r.Asks = "Called 40 hotels", "Access to the CRM export"
		if created, err := db.Reports.Save(ctx, f.VendorManager, r); err != nil || !created {
			t.Fatalf("save: %v %v", created, err)
		}
		r2 := &report.Report{EngagementID: f.A1, Week: week, Done: "Called 45 hotels"}
		if created, err := db.Reports.Save(ctx, f.VendorAgent, r2); err != nil || created || r2.ID != r.ID {
			t.Fatalf("update: %v %v %d/%d", created, err, r2.ID, r.ID)
		}
		if _, err := db.Reports.Get(ctx, f.VendorManagerB, f.A1, week); tandem.ErrorCode(err) != tandem.ENotFound {
			t.Fatalf("partner B reads A's report: %v", err)
		}
		if err := db.Reports.Comment(ctx, f.VendorManager, f.A1, week, "Fine"); tandem.ErrorCode(err) != tandem.EForbidden {
			t.Fatalf("partner commented: %v", err)
		}
		if fields(db.Reports.Comment(ctx, f.Owner, f.A1, week, " ")) != "comment:validation.required" {
			t.Fatal("empty comment accepted")
		}
		if err := db.Reports.Comment(ctx, f.Owner, f.A1, week, "Good week"); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Reports.Save(ctx, f.VendorManager, r2); tandem.ErrorCode(err) != tandem.EConflict {
			t.Fatalf("edited after the comment: %v", err)
		}
		rs, err := db.Reports.List(ctx, f.Viewer, f.A1)
		if err != nil || len(rs) != 1 || rs[0].Done != "Called 45 hotels" || rs[0].Comment != "Good week" || rs[0].CommenterName != "Olivia Owner" ||
			rs[0].Week.String() != week.String() || rs[0].Figures.Risks != 1 {
			t.Fatalf("reports: %+v %v", rs, err)
		}
		if rs, err := db.Reports.List(ctx, f.VendorManagerB, f.B1); err != nil || len(rs) != 0 {
			t.Fatalf("partner B's reports: %+v %v", rs, err)
		}
	})
}

// A notice or proposal is found by its engagement and id: asked for under
// another engagement the caller may see, it does not exist.
func TestNestedRecordsByEngagement(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := storetest.Seed(t, db)
		storetest.Activate(t, db, f.Owner, f.A1, noticeTerms)
		storetest.Activate(t, db, f.Owner, f.A2, noticeTerms)
		n := &notice.Notice{EngagementID: f.A1, Category: "missing_information", Text: "We need the price list"}
		if err := db.Notices.File(ctx, f.VendorManager, n); err != nil {
			t.Fatal(err)
		}
		x := &proposal.Proposal{EngagementID: f.A1, Kind: proposal.KindProposal, Title: "Call in the mornings"}
		if err := db.Proposals.Raise(ctx, f.VendorManager, x); err != nil {
			t.Fatal(err)
		}
		if got, err := db.Notices.Get(ctx, f.Owner, f.A1, n.ID); err != nil || got.Text != n.Text {
			t.Fatalf("notice under its engagement: %v", err)
		}
		if _, err := db.Notices.Get(ctx, f.Owner, f.A2, n.ID); tandem.ErrorCode(err) != tandem.ENotFound {
			t.Errorf("notice under another engagement: %v", err)
		}
		if err := db.Notices.Acknowledge(ctx, f.Owner, f.A2, n.ID, notice.Ack{}); tandem.ErrorCode(err) != tandem.ENotFound {
			t.Errorf("acknowledged under another engagement: %v", err)
		}
		if got, err := db.Proposals.Get(ctx, f.Owner, f.A1, x.ID); err != nil || got.Title != x.Title {
			t.Fatalf("proposal under its engagement: %v", err)
		}
		if _, err := db.Proposals.Get(ctx, f.Owner, f.A2, x.ID); tandem.ErrorCode(err) != tandem.ENotFound {
			t.Errorf("proposal under another engagement: %v", err)
		}
		if err := db.Proposals.Decide(ctx, f.Owner, f.A2, x.ID, proposal.Decision{Status: proposal.StatusNoted}); tandem.ErrorCode(err) != tandem.ENotFound {
			t.Errorf("decided under another engagement: %v", err)
		}
		if ns, _ := db.Notices.List(ctx, f.Owner, f.A1, store.NoticeFilter{Open: true}); len(ns) != 1 {
			t.Errorf("the refused acknowledgement changed the notice: %+v", ns)
		}
	})
}
