package demo

import (
	"context"
	"testing"

	"github.com/tandemhq/tandem/internal/governance"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
)

// The demo's meetings: six months of weekly check-ins with final minutes,
// numbered decisions (one beyond the committee's powers), action items on
// both sides, three open and at least one overdue, and two check-ins never
// held, so the cadence is below 100 %.
func TestLoadMeetings(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	clk := NewClock(nil)
	db := storetest.Open(t, "sqlite", clk.Now)
	if _, err := Load(ctx, db, clk); err != nil {
		t.Fatal(err)
	}
	wss, err := db.Accounts.Workspaces(ctx)
	if err != nil || len(wss) != 1 {
		t.Fatalf("workspaces: %v %d", err, len(wss))
	}
	u, err := db.Accounts.UserByEmail(ctx, johan)
	if err != nil {
		t.Fatal(err)
	}
	p, err := db.Accounts.Principal(ctx, u.ID, wss[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	es, _, err := db.Engagements.List(ctx, p, tandem.Page{Limit: 50}, store.EngagementFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var e int64
	for _, x := range es {
		if x.Title == "Outbound sales to hotels and offices" {
			e = x.ID
		}
	}
	h, err := db.Meetings.Health(ctx, p, e)
	if err != nil {
		t.Fatal(err)
	}
	if h.Due < 20 || h.Held != h.Due-2-dueNotHeld(t, db, p, e) {
		t.Errorf("health %+v", h)
	}
	open, err := db.Meetings.Actions(ctx, p, store.ActionFilter{EngagementID: e, Open: true})
	if err != nil {
		t.Fatal(err)
	}
	overdue := 0
	for _, a := range open {
		if a.Overdue(db.Now(), wss[0].Location()) {
			overdue++
		}
	}
	if len(open) != 3 || overdue == 0 {
		t.Errorf("%d open action items, %d overdue", len(open), overdue)
	}
	os, err := db.Meetings.Occurrences(ctx, p, store.OccurrenceFilter{EngagementID: e, To: db.Now()})
	if err != nil {
		t.Fatal(err)
	}
	decisions, beyond := 0, 0
	for _, o := range os {
		if o.Status != governance.Held {
			continue
		}
		m, err := db.Meetings.Get(ctx, p, e, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range m.Decisions {
			decisions++
			if d.Number != decisions {
				t.Errorf("decision %d numbered %d", decisions, d.Number)
			}
			if d.BeyondPowers {
				beyond++
			}
		}
	}
	if decisions < 10 || beyond != 1 {
		t.Errorf("%d decisions, %d beyond the powers", decisions, beyond)
	}
}

// dueNotHeld counts the meetings due so far that the demo does not hold
// besides the two check-ins it skips: the monthly reviews, and a weekly
// check-in in progress when the demo was loaded (it holds only those
// that ended; one begun counts as due).
func dueNotHeld(t *testing.T, db *store.DB, p tandem.Principal, e int64) int {
	t.Helper()
	now := db.Now()
	os, err := db.Meetings.Occurrences(ctx(), p, store.OccurrenceFilter{EngagementID: e, To: now})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, o := range os {
		switch {
		case o.Kind == "monthly_review":
			n++
		case o.Kind == "weekly_checkin" && !o.StartsAt.After(now) && !o.EndsAt().Before(now):
			n++
		}
	}
	return n
}

func ctx() context.Context { return context.Background() }
