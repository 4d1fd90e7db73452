package store_test

import (
	"sync"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/governance"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
)

// The meetings of an engagement from the cadence of its terms (weekly
// check-in and monthly review), on Monday 2 March 2026 at 09:00 in
// Stockholm: the first check-in is that day at 10:00, and they stay at
// 10:00 local time across the change to summer time on 29 March.
func TestMeetingsSeriesMinutesAndActions(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			clock := storetest.NewClock(inMarch(2, 9, 0))
			db := storetest.Open(t, dialect, clock.Now)
			f := storetest.Seed(t, db)
			storetest.Activate(t, db, f.Owner, f.A1, nil)
			must := func(err error) {
				t.Helper()
				if err != nil {
					t.Fatal(err)
				}
			}
			code := func(err error, want tandem.Code) {
				t.Helper()
				if tandem.ErrorCode(err) != want {
					t.Fatalf("got %v, want %s", err, want)
				}
			}
			_, err := db.Meetings.PlanFromCadence(ctx, f.VendorAgent, f.A1)
			code(err, tandem.EForbidden)
			_, err = db.Meetings.PlanFromCadence(ctx, f.VendorManagerB, f.A1)
			code(err, tandem.ENotFound)
			n, err := db.Meetings.PlanFromCadence(ctx, f.Manager, f.A1)
			must(err)
			if n != 2 {
				t.Fatalf("%d series", n)
			}
			_, err = db.Meetings.PlanFromCadence(ctx, f.Manager, f.A1)
			code(err, tandem.EConflict)

			ss, err := db.Meetings.Series(ctx, f.VendorManager, f.A1)
			must(err)
			if len(ss) != 2 || ss[0].Kind != "weekly_checkin" || ss[0].ChairID != f.Manager.UserID {
				t.Fatalf("series %+v", ss)
			}
			// Every person of the engagement: the client's three and the
			// partner's manager and assigned agent; not Beta's manager.
			if len(ss[0].Participants) != 5 {
				t.Errorf("participants %+v", ss[0].Participants)
			}
			all, err := db.Meetings.Occurrences(ctx, f.VendorManager, store.OccurrenceFilter{EngagementID: f.A1, To: inMarch(31, 0, 0)})
			must(err)
			var weekly []governance.Occurrence
			for _, o := range all {
				if o.Kind == "weekly_checkin" {
					weekly = append(weekly, o)
				}
			}
			want := []string{"2026-03-02T09:00:00Z", "2026-03-09T09:00:00Z", "2026-03-16T09:00:00Z", "2026-03-23T09:00:00Z", "2026-03-30T08:00:00Z"}
			if len(weekly) != len(want) {
				t.Fatalf("weekly %+v", weekly)
			}
			for i, w := range want {
				if got := weekly[i].StartsAt.Format(time.RFC3339); got != w {
					t.Errorf("check-in %d at %s, want %s", i+1, got, w)
				}
			}
			if len(all) != 6 { // and the monthly review on 2 March
				t.Errorf("%d occurrences", len(all))
			}
			// Beta's manager sees none of it.
			if os, err := db.Meetings.Occurrences(ctx, f.VendorManagerB, store.OccurrenceFilter{EngagementID: f.A1}); err != nil || len(os) != 0 {
				t.Errorf("partner B: %v %d", err, len(os))
			}
			_, err = db.Meetings.Get(ctx, f.VendorManagerB, f.A1, weekly[0].ID)
			code(err, tandem.ENotFound)

			// Move the second, cancel the third: each raises the sequence.
			must(db.Meetings.Move(ctx, f.VendorManager, f.A1, weekly[1].ID, inMarch(10, 14, 0), 45, "https://meet.example/a1"))
			code(db.Meetings.Cancel(ctx, f.VendorAgent, f.A1, weekly[2].ID), tandem.EForbidden)
			must(db.Meetings.Cancel(ctx, f.Manager, f.A1, weekly[2].ID))
			code(db.Meetings.Cancel(ctx, f.Manager, f.A1, weekly[2].ID), tandem.EConflict)
			m2, err := db.Meetings.Get(ctx, f.Owner, f.A1, weekly[1].ID)
			must(err)
			if m2.Occurrence.Sequence != 1 || !m2.Occurrence.StartsAt.Equal(inMarch(10, 14, 0)) || m2.Occurrence.DurationMin != 45 {
				t.Errorf("moved %+v", m2.Occurrence)
			}

			// The minutes of the first check-in.
			id := weekly[0].ID
			budget, err := db.Meetings.AddItem(ctx, f.Manager, f.A1, id, "Budget for April")
			must(err)
			hiring, err := db.Meetings.AddItem(ctx, f.VendorManager, f.A1, id, "Hiring")
			must(err)
			must(db.Meetings.Note(ctx, f.Manager, f.A1, id, governance.Item{ID: hiring.ID, Source: governance.SourceManual, Notes: "Two callers start", Reached: true}))
			must(db.Meetings.Note(ctx, f.Manager, f.A1, id, governance.Item{Source: "notice", RecordID: 77, Title: "Delay notice", Notes: "accepted", Reached: true}))
			must(db.Meetings.Attend(ctx, f.Manager, f.A1, id, []int64{f.Manager.UserID, f.VendorManager.UserID}))
			code(db.Meetings.Attend(ctx, f.Manager, f.A1, id, []int64{f.VendorManagerB.UserID}), tandem.EInvalid)
			d1 := &governance.Decision{Text: "Raise the price by 10 %", BeyondPowers: true}
			must(db.Meetings.Decide(ctx, f.Manager, f.A1, id, d1))
			d2 := &governance.Decision{Text: "Keep the script"}
			must(db.Meetings.Decide(ctx, f.VendorManager, f.A1, id, d2))
			if d1.Number != 1 || d2.Number != 2 {
				t.Errorf("numbers %d %d", d1.Number, d2.Number)
			}
			a := &governance.ActionItem{Title: "Send the call list", OwnerID: f.VendorManager.UserID, Due: date(t, "2026-03-04")}
			must(db.Meetings.AddAction(ctx, f.Manager, f.A1, id, a))
			code(db.Meetings.AddAction(ctx, f.Manager, f.A1, id, &governance.ActionItem{Title: "x", OwnerID: f.VendorManagerB.UserID, Due: date(t, "2026-03-04")}), tandem.EInvalid)

			code(db.Meetings.Finalise(ctx, f.Viewer, f.A1, id, nil), tandem.EForbidden)
			code(db.Meetings.Finalise(ctx, f.VendorManager, f.A1, id, nil), tandem.EForbidden) // not the chair
			gen := []governance.Item{{Source: governance.SourceAction, RecordID: 999, Title: "Earlier action"}, {Source: "notice", RecordID: 77, Title: "Delay notice"}}
			must(db.Meetings.Finalise(ctx, f.Manager, f.A1, id, gen))
			code(db.Meetings.Decide(ctx, f.Manager, f.A1, id, &governance.Decision{Text: "late"}), tandem.EConflict)
			m1, err := db.Meetings.Get(ctx, f.VendorAgent, f.A1, id)
			must(err)
			if m1.Occurrence.Status != governance.Held || len(m1.Items) != 4 || len(m1.Decisions) != 2 || len(m1.Actions) != 1 || len(m1.Attended) != 2 {
				t.Errorf("minutes %+v", m1)
			}
			if m1.Powers == "" {
				t.Error("the committee's powers are not shown")
			}
			// Budget was not reached: it comes back on the (moved) second check-in.
			m2, err = db.Meetings.Get(ctx, f.Owner, f.A1, weekly[1].ID)
			must(err)
			if len(m2.Items) != 1 || m2.Items[0].Title != budget.Title || m2.Items[0].Source != governance.SourceCarried {
				t.Errorf("carried %+v", m2.Items)
			}
			if len(m2.Open) != 1 || m2.Open[0].ID != a.ID || !m2.Previous.Equal(weekly[0].StartsAt) {
				t.Errorf("open actions %+v, previous %s", m2.Open, m2.Previous)
			}
			// A correction of final minutes.
			code(db.Meetings.Correct(ctx, f.Manager, f.A1, weekly[1].ID, governance.Correction{Target: "decision", ID: d1.ID, Text: "x", Reason: "y"}), tandem.EConflict)
			must(db.Meetings.Correct(ctx, f.Manager, f.A1, id, governance.Correction{Target: "decision", ID: d1.ID, Text: "Raise the price by 5 %", Reason: "Misheard"}))
			m1, _ = db.Meetings.Get(ctx, f.Owner, f.A1, id)
			if m1.Decisions[0].Text != "Raise the price by 5 %" {
				t.Errorf("corrected %+v", m1.Decisions[0])
			}

			// Overdue on Thursday 5 March 00:30 local: alerted once.
			if n, err := db.Meetings.SweepOverdueActions(ctx, inMarch(4, 23, 30)); err != nil || n != 0 {
				t.Errorf("due day: %d %v", n, err)
			}
			for _, want := range []int{1, 0} {
				if n, err := db.Meetings.SweepOverdueActions(ctx, inMarch(5, 0, 30)); err != nil || n != want {
					t.Errorf("sweep: %d %v, want %d", n, err, want)
				}
			}
			ns, _, err := db.Notifications.List(ctx, f.VendorManager, true, 100)
			must(err)
			kinds := map[string]int{}
			for _, x := range ns {
				kinds[x.Kind]++
			}
			if kinds["action.overdue"] != 1 || kinds["action.assigned"] != 1 || kinds["meeting.moved"] != 0 || kinds["meeting.cancelled"] != 1 {
				t.Errorf("notifications %v", kinds)
			}
			mine, err := db.Meetings.Actions(ctx, f.VendorManager, store.ActionFilter{OwnerID: f.VendorManager.UserID, Open: true})
			must(err)
			if len(mine) != 1 || !mine[0].OwnerPartner {
				t.Fatalf("mine %+v", mine)
			}
			if xs, _ := db.Meetings.Actions(ctx, f.VendorManagerB, store.ActionFilter{}); len(xs) != 0 {
				t.Errorf("partner B sees %d action items", len(xs))
			}
			code(db.Meetings.CompleteAction(ctx, f.VendorAgent, f.A1, a.ID), tandem.EForbidden)
			must(db.Meetings.CompleteAction(ctx, f.VendorManager, f.A1, a.ID))
			code(db.Meetings.CompleteAction(ctx, f.VendorManager, f.A1, a.ID), tandem.EConflict)

			// Health on 17 March 12:00: the check-ins of 2, 10 (moved) and
			// 16 (cancelled) March and the review of 2 March were due; one held.
			clock.Add(inMarch(17, 12, 0).Sub(clock.Now()))
			h, err := db.Meetings.Health(ctx, f.Owner, f.A1)
			must(err)
			if h.Due != 4 || h.Held != 1 {
				t.Errorf("health %+v", h)
			}
			// The same in one read for several engagements: A2 has no
			// meetings; partner B's manager sees none of A1's.
			hs, err := db.Meetings.HealthOf(ctx, f.Owner, []int64{f.A1, f.A2})
			must(err)
			if len(hs) != 2 || hs[f.A1].Due != 4 || hs[f.A1].Held != 1 || hs[f.A2].Due != 0 {
				t.Errorf("health of A1 and A2 %+v", hs)
			}
			if hs, err := db.Meetings.HealthOf(ctx, f.VendorManagerB, []int64{f.A1, f.B1}); err != nil || hs[f.A1].Due != 0 {
				t.Errorf("partner B's health of A1 %+v %v", hs, err)
			}

			// The calendar feed of the partner's manager.
			tok, err := db.Meetings.RegenerateFeed(ctx, f.VendorManager)
			must(err)
			feed, err := db.Meetings.FeedOf(ctx, tok)
			must(err)
			if feed.TimeZone != "Europe/Stockholm" || len(feed.Occurrences) < 6 {
				t.Errorf("feed %s %d", feed.TimeZone, len(feed.Occurrences))
			}
			tok2, err := db.Meetings.RegenerateFeed(ctx, f.VendorManager)
			must(err)
			_, err = db.Meetings.FeedOf(ctx, tok)
			code(err, tandem.ENotFound)
			tokB, err := db.Meetings.RegenerateFeed(ctx, f.VendorManagerB)
			must(err)
			if fb, err := db.Meetings.FeedOf(ctx, tokB); err != nil || len(fb.Occurrences) != 0 {
				t.Errorf("partner B's feed: %v", err)
			}
			must(db.Meetings.RevokeFeed(ctx, f.VendorManager))
			_, err = db.Meetings.FeedOf(ctx, tok2)
			code(err, tandem.ENotFound)
		})
	}
}

// Two instances sweeping at the same time alert the owner of an overdue
// action item once.
func TestMeetingsOverdueSweepOnceAcrossInstances(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			clock := storetest.NewClock(inMarch(2, 9, 0))
			db := storetest.Open(t, dialect, clock.Now)
			f := storetest.Seed(t, db)
			storetest.Activate(t, db, f.Owner, f.A1, nil)
			if _, err := db.Meetings.PlanFromCadence(ctx, f.Manager, f.A1); err != nil {
				t.Fatal(err)
			}
			os, err := db.Meetings.Occurrences(ctx, f.Manager, store.OccurrenceFilter{EngagementID: f.A1})
			if err != nil {
				t.Fatal(err)
			}
			for i := 0; i < 3; i++ {
				a := &governance.ActionItem{Title: "Item", OwnerID: f.VendorAgent.UserID, Due: date(t, "2026-03-03")}
				if err := db.Meetings.AddAction(ctx, f.Manager, f.A1, os[0].ID, a); err != nil {
					t.Fatal(err)
				}
			}
			var wg sync.WaitGroup
			counts := make([]int, 4)
			for i := range counts {
				wg.Add(1)
				go func() {
					defer wg.Done()
					n, err := db.Meetings.SweepOverdueActions(ctx, inMarch(4, 9, 0))
					if err != nil {
						t.Error(err)
					}
					counts[i] = n
				}()
			}
			wg.Wait()
			total := 0
			for _, n := range counts {
				total += n
			}
			ns, _, err := db.Notifications.List(ctx, f.VendorAgent, true, 100)
			if err != nil {
				t.Fatal(err)
			}
			alerts := 0
			for _, x := range ns {
				if x.Kind == "action.overdue" {
					alerts++
				}
			}
			if total != 3 || alerts != 3 {
				t.Errorf("swept %v (total %d), %d alerts; want 3", counts, total, alerts)
			}
		})
	}
}
