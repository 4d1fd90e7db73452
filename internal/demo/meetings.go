package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/tandemhq/tandem/internal/governance"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/tandem"
)

// meetingMonths is how far back the demo's meetings go.
const meetingMonths = 6

// addMeetings gives the outbound sales engagement a weekly check-in (Johan
// in the chair, Kadri and Liis for the partner) and a monthly review, with
// six months of minutes when the demo has a clock: each held check-in has
// attendance, notes, a numbered decision every other week and an action
// item alternately for Kadri and for Johan; older ones are done, the last
// three are open (one of them overdue). Two check-ins were never held, so
// the cadence's health reads below 100 %. Without a clock only the series
// are planned.
func addMeetings(ctx context.Context, db *store.DB, clk *Clock, ids *loaded) error {
	e := ids.engagements["Outbound sales to hotels and offices"]
	p, err := db.Accounts.Principal(ctx, ids.users[johan], ids.workspace)
	if err != nil {
		return err
	}
	if clk == nil {
		_, err := db.Meetings.PlanFromCadence(ctx, p, e)
		return err
	}
	ws, err := db.Accounts.Workspace(ctx, ids.workspace)
	if err != nil {
		return err
	}
	loc := ws.Location()
	now := clk.Base()
	first := now.In(loc).AddDate(0, -meetingMonths, 0)
	if start := time.Date(2026, 2, 2, 0, 0, 0, 0, loc); first.Before(start) {
		first = start
	}
	for first.Weekday() != time.Monday {
		first = first.AddDate(0, 0, 1)
	}
	first = time.Date(first.Year(), first.Month(), first.Day(), 10, 0, 0, 0, loc)
	clk.Set(first.Add(-72 * time.Hour))
	defer clk.Reset()
	people, err := db.Meetings.People(ctx, p, e)
	if err != nil {
		return err
	}
	var everyone []int64
	for _, x := range people {
		everyone = append(everyone, x.UserID)
	}
	for _, s := range []governance.Series{
		{EngagementID: e, Kind: "weekly_checkin", EveryDays: 7, FirstAt: first, DurationMin: 45, Place: "https://meet.example/norrsken-nordcall"},
		{EngagementID: e, Kind: "monthly_review", EveryDays: 30, FirstAt: first.Add(4 * time.Hour), DurationMin: 90, Place: "Norrsken, room Aurora"},
	} {
		if err := db.Meetings.CreateSeries(ctx, p, &s, everyone); err != nil {
			return err
		}
	}
	os, err := db.Meetings.Occurrences(ctx, p, store.OccurrenceFilter{EngagementID: e, To: now})
	if err != nil {
		return err
	}
	kadriID, johanID := ids.users[kadri], ids.users[johan]
	var weekly []governance.Occurrence
	for _, o := range os {
		if o.Kind == "weekly_checkin" && o.EndsAt().Before(now) {
			weekly = append(weekly, o)
		}
	}
	topics := []string{"Call list for the hotels in Gothenburg", "Script for the office segment", "Follow-up of the fair leads",
		"Meetings booked vs target", "Quality of the CRM notes", "Hand-over of warm leads to sales"}
	for i, o := range weekly {
		if i == 5 || i == len(weekly)-4 { // two check-ins were never held
			continue
		}
		clk.Set(o.EndsAt().Add(-10 * time.Minute))
		topic := topics[i%len(topics)]
		it, err := db.Meetings.AddItem(ctx, p, e, o.ID, topic)
		if err != nil {
			return err
		}
		if err := db.Meetings.Note(ctx, p, e, o.ID, governance.Item{ID: it.ID, Source: governance.SourceManual,
			Notes: "Went through the figures of the week; agreed the next steps below.", Reached: true}); err != nil {
			return err
		}
		if err := db.Meetings.Attend(ctx, p, e, o.ID, []int64{johanID, kadriID}); err != nil {
			return err
		}
		if i%2 == 0 {
			d := &governance.Decision{Text: fmt.Sprintf("%s: go ahead as proposed by NordCall.", topic), BeyondPowers: i == 8}
			if err := db.Meetings.Decide(ctx, p, e, o.ID, d); err != nil {
				return err
			}
		}
		owner := kadriID
		if i%2 == 1 {
			owner = johanID
		}
		due := tandem.DateOf(o.StartsAt.In(loc).AddDate(0, 0, 4))
		a := &governance.ActionItem{Title: "Report back on: " + topic, OwnerID: owner, Due: due}
		if err := db.Meetings.AddAction(ctx, p, e, o.ID, a); err != nil {
			return err
		}
		if err := db.Meetings.Finalise(ctx, p, e, o.ID, nil); err != nil {
			return err
		}
		if i < len(weekly)-3 { // done before the next check-in
			clk.Set(o.StartsAt.Add(3 * 24 * time.Hour))
			doer := p
			if owner == kadriID {
				if doer, err = db.Accounts.Principal(ctx, kadriID, ids.workspace); err != nil {
					return err
				}
			}
			if err := db.Meetings.CompleteAction(ctx, doer, e, a.ID); err != nil {
				return err
			}
		}
	}
	return nil
}
