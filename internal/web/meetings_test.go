package web_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
	"github.com/tandemhq/tandem/internal/work"
)

var stockholm = func() *time.Location {
	l, err := time.LoadLocation("Europe/Stockholm")
	if err != nil {
		panic(err)
	}
	return l
}()

type apiMeetingItem struct {
	Source   string `json:"source"`
	RecordID int64  `json:"record_id"`
	Title    string `json:"title"`
}

type apiMeetingOut struct {
	ID       int64            `json:"id"`
	Kind     string           `json:"kind"`
	StartsAt time.Time        `json:"starts_at"`
	Status   string           `json:"status"`
	Sequence int              `json:"sequence"`
	Agenda   []apiMeetingItem `json:"agenda"`
}

func decode[T any](t *testing.T, r resp) T {
	t.Helper()
	var x T
	if err := json.Unmarshal([]byte(r.body), &x); err != nil {
		t.Fatalf("%d %s: %v", r.status, r.body, err)
	}
	return x
}

// A scripted week on A1 (fixture workspace in Stockholm), on both
// databases: the meetings are planned from the cadence on Monday 2 March
// 2026 at 09:00; the first check-in (10:00) records an item, a decision
// and an action item for the partner's manager and is finalised with an
// item not reached; the partner's manager sees the action item on his home.
// On Monday 9 March at 08:00 the second check-in's agenda lists exactly:
// the item carried over, the deliverable now overdue, and the open action
// item (besides the KPIs of the scorecard). Partner B reaches none of it.
func TestMeetingsScriptedWeek(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			clock := storetest.NewClock(time.Date(2026, 3, 2, 9, 0, 0, 0, stockholm))
			e := newEnvAt(t, dialect, clock.Now)
			f := e.f
			storetest.Activate(t, e.db, f.Owner, f.A1, nil)
			v, err := e.db.Contracts.InForce(ctx, f.Owner, f.A1, storeDate(t, "2026-03-02"))
			if err != nil {
				t.Fatal(err)
			}
			d := &work.Deliverable{EngagementID: f.A1, ServiceKey: v.Terms.Services[0].Key, Title: "Hotel call list",
				DueAt: time.Date(2026, 3, 4, 17, 0, 0, 0, stockholm)}
			if err := e.db.Work.Create(ctx, f.Owner, d); err != nil {
				t.Fatal(err)
			}
			a1 := fmt.Sprintf("/engagements/%d", f.A1)
			manager, vm, partnerB := e.as(f.Manager), e.as(f.VendorManager), e.as(f.VendorManagerB)
			mTok, bTok := e.token(f.Manager), e.token(f.VendorManagerB)

			if r := vm.post(a1+"/meetings/plan", nil); r.status != 303 {
				t.Fatalf("plan: %d %s", r.status, r.body)
			}
			if r := manager.post(a1+"/meetings/plan", nil); r.status != 409 || !strings.Contains(r.body, "already planned") {
				t.Fatalf("plan again: %d", r.status)
			}
			r := manager.get(a1 + "/meetings")
			if r.status != 200 || !strings.Contains(r.body, "Weekly check-in") || !strings.Contains(r.body, "Monthly review") {
				t.Fatalf("meetings page: %d", r.status)
			}
			list := decode[struct{ Items []apiMeetingOut }](t, manager.api("GET", "/api/v1"+a1+"/meetings", mTok, ""))
			var weekly []apiMeetingOut
			for _, o := range list.Items {
				if o.Kind == "weekly_checkin" {
					weekly = append(weekly, o)
				}
			}
			if len(weekly) < 5 || !weekly[0].StartsAt.Equal(time.Date(2026, 3, 2, 10, 0, 0, 0, stockholm)) {
				t.Fatalf("weekly: %+v", weekly)
			}
			first := fmt.Sprintf("%s/meetings/%d", a1, weekly[0].ID)
			// The first check-in, chaired by the partner's manager who planned it.
			if r := manager.post(first+"/items", url.Values{"title": {"Budget for April"}}); r.status != 303 {
				t.Fatalf("item: %d", r.status)
			}
			if r := manager.post(first+"/decisions", url.Values{"text": {"Call hotels first"}}); r.status != 303 {
				t.Fatalf("decision: %d", r.status)
			}
			if r := manager.post(first+"/actions", url.Values{"title": {"Send the call list"}, "owner_id": {fmt.Sprint(f.VendorManager.UserID)}, "due": {"2026-03-04"}}); r.status != 303 {
				t.Fatalf("action: %d %s", r.status, r.body)
			}
			if r := manager.post(first+"/actions", url.Values{"title": {""}, "owner_id": {""}, "due": {""}}); r.status != 422 {
				t.Fatalf("empty action: %d", r.status)
			}
			if r := manager.post(first+"/finalise", nil); r.status != 403 {
				t.Fatalf("finalised by someone not in the chair: %d", r.status)
			}
			if r := vm.post(first+"/finalise", nil); r.status != 303 {
				t.Fatalf("finalise: %d %s", r.status, r.body)
			}
			r = manager.get(first)
			if r.status != 200 || !strings.Contains(r.body, "Decision 1.") || !strings.Contains(r.body, "Correct the minutes") || strings.Contains(r.body, `action="`+first+`/decisions"`) {
				t.Fatalf("final minutes: %d", r.status)
			}
			if r := vm.get("/"); r.status != 200 || !strings.Contains(r.body, "Send the call list") {
				t.Fatalf("the action item is not on the partner manager's home: %d", r.status)
			}

			// A week later: the agenda of the second check-in.
			clock.Add(time.Date(2026, 3, 9, 8, 0, 0, 0, stockholm).Sub(clock.Now()))
			second := decode[apiMeetingOut](t, manager.api("GET", fmt.Sprintf("/api/v1%s/meetings/%d", a1, weekly[1].ID), mTok, ""))
			var got []string
			for _, it := range second.Agenda {
				if !strings.HasPrefix(it.Source, "kpi_") {
					got = append(got, it.Source+": "+it.Title)
				}
			}
			sort.Strings(got)
			want := []string{"action: Send the call list", "carried: Budget for April", "deliverables_overdue: Hotel call list"}
			if strings.Join(got, "|") != strings.Join(want, "|") {
				t.Errorf("agenda %q, want %q", got, want)
			}
			manager, partnerB = e.as(f.Manager), e.as(f.VendorManagerB) // the sessions of a week ago have expired
			r = manager.get(fmt.Sprintf("%s/meetings/%d", a1, weekly[1].ID))
			if r.status != 200 || !strings.Contains(r.body, "Hotel call list") || !strings.Contains(r.body, "Carried over") {
				t.Fatalf("second agenda page: %d", r.status)
			}

			// The cadence's health on the portfolio: the check-in and the
			// monthly review of 2 March were due, the check-in was held.
			pf := decode[struct {
				Items []struct {
					EngagementID int64 `json:"engagement_id"`
					Meetings     *struct {
						Due, Held int
						Drifting  bool
					} `json:"meetings"`
				}
			}](t, manager.api("GET", "/api/v1/portfolio", mTok, ""))
			for _, it := range pf.Items {
				if it.EngagementID == f.A1 && (it.Meetings == nil || it.Meetings.Due != 2 || it.Meetings.Held != 1 || !it.Meetings.Drifting) {
					t.Errorf("portfolio meetings of A1: %+v", it.Meetings)
				}
			}
			if r := manager.get("/portfolio"); !strings.Contains(r.body, "1 of 2 held") {
				t.Errorf("portfolio page without the cadence's health: %d", r.status)
			}

			// Partner B reaches none of it.
			if r := partnerB.get(a1 + "/meetings"); r.status != 404 {
				t.Errorf("partner B's meetings page: %d", r.status)
			}
			if r := partnerB.api("GET", fmt.Sprintf("/api/v1%s/meetings/%d", a1, weekly[1].ID), bTok, ""); r.status != 404 {
				t.Errorf("partner B's API: %d", r.status)
			}
			if r := partnerB.post(fmt.Sprintf("/engagements/%d/meetings/%d/items", f.B1, weekly[1].ID), url.Values{"title": {"x"}}); r.status != 404 {
				t.Errorf("partner B through its own engagement: %d", r.status)
			}
		})
	}
}

// The calendar feed through its route, parsed by ical.js (an independent
// parser; .ci/run installs it in testdata/icaljs): weekly check-ins at 10:00
// in Stockholm across the change to summer time on 29 March 2026, one
// moved (its SEQUENCE grows, its UID does not change), one cancelled; then
// the same instants in a Moscow workspace, which has no DST.
func TestCalendarFeedParsedByICALJS(t *testing.T) {
	t.Parallel()
	if _, err := os.Stat("testdata/icaljs/node_modules/ical.js"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("ical.js is not installed (npm ci --prefix internal/web/testdata/icaljs)")
		}
		t.Skip("ical.js is not installed")
	}
	dialect := storetest.Dialects(t)[0]
	clock := storetest.NewClock(time.Date(2026, 3, 20, 9, 0, 0, 0, stockholm))
	e := newEnvAt(t, dialect, clock.Now)
	f := e.f
	storetest.Activate(t, e.db, f.Owner, f.A1, nil)
	a1 := fmt.Sprintf("/api/v1/engagements/%d", f.A1)
	vm := e.as(f.VendorManager)
	tok := e.token(f.VendorManager)
	if r := vm.api("POST", a1+"/meetings/series", tok, `{"kind":"weekly_checkin","every_days":7,"first_at":"2026-03-23T10:00:00+01:00","duration_minutes":60,"place":"Room 3, Sveavägen"}`); r.status != 201 {
		t.Fatalf("series: %d %s", r.status, r.body)
	}
	r := vm.api("POST", "/api/v1/me/calendar-feed", tok, "")
	feedURL := decode[struct{ URL string }](t, r).URL
	if r.status != 201 || !strings.HasSuffix(feedURL, ".ics") {
		t.Fatalf("feed: %d %s", r.status, r.body)
	}
	me := decode[struct {
		CalendarFeed struct {
			Active bool
			URL    string
		} `json:"calendar_feed"`
	}](t, vm.api("GET", "/api/v1/me", tok, ""))
	if !me.CalendarFeed.Active || me.CalendarFeed.URL != feedURL {
		t.Errorf("/api/v1/me: feed %+v, want %s", me.CalendarFeed, feedURL)
	}
	feedPath := feedURL[strings.Index(feedURL, "/calendar/"):]
	read := func() icalParsed {
		t.Helper()
		r := e.anon().get(feedPath)
		if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/calendar") {
			t.Fatalf("feed: %d %s", r.status, r.header.Get("Content-Type"))
		}
		return parseICALJS(t, r.body)
	}
	before := read()
	if before.Method != "PUBLISH" || len(before.Events) < 4 {
		t.Fatalf("%+v", before)
	}
	list := decode[struct{ Items []apiMeetingOut }](t, vm.api("GET", a1+"/meetings", tok, ""))
	if r := vm.api("POST", fmt.Sprintf("%s/meetings/%d/move", a1, list.Items[2].ID), tok, `{"starts_at":"2026-04-07T11:00:00+02:00","duration_minutes":45}`); r.status != 200 {
		t.Fatalf("move: %d %s", r.status, r.body)
	}
	if r := vm.api("POST", fmt.Sprintf("%s/meetings/%d/cancel", a1, list.Items[3].ID), tok, ""); r.status != 200 {
		t.Fatalf("cancel: %d %s", r.status, r.body)
	}
	after := read()
	if len(after.Events) != len(before.Events) {
		t.Fatalf("%d events, then %d", len(before.Events), len(after.Events))
	}
	want := []struct {
		local, utc, status string
		seq                int
	}{
		{"2026-03-23T10:00:00", "2026-03-23T09:00:00.000Z", "CONFIRMED", 0}, // CET
		{"2026-03-30T10:00:00", "2026-03-30T08:00:00.000Z", "CONFIRMED", 0}, // CEST
		{"2026-04-07T11:00:00", "2026-04-07T09:00:00.000Z", "CONFIRMED", 1}, // moved
		{"2026-04-13T10:00:00", "2026-04-13T08:00:00.000Z", "CANCELLED", 1},
	}
	for i, w := range want {
		b, a := before.Events[i], after.Events[i]
		if a.UID != b.UID {
			t.Errorf("event %d: UID %s became %s", i, b.UID, a.UID)
		}
		if a.Local != w.local || a.UTC != w.utc || a.Status != w.status || a.Sequence != w.seq || a.TZID != "Europe/Stockholm" {
			t.Errorf("event %d: %+v, want %+v", i, a, w)
		}
	}
	if !strings.Contains(after.Events[0].Location, "Sveavägen") {
		t.Errorf("location %q", after.Events[0].Location)
	}
	// The same meetings for a workspace in Moscow (UTC+3 all year).
	if err := storetest.Exec(e.db, `UPDATE workspaces SET time_zone = 'Europe/Moscow' WHERE id = ?`, f.WorkspaceID); err != nil {
		t.Fatal(err)
	}
	msk := read()
	for i, w := range []string{"2026-03-23T12:00:00", "2026-03-30T11:00:00", "2026-04-07T12:00:00"} {
		if ev := msk.Events[i]; ev.Local != w || ev.UTC != after.Events[i].UTC || ev.TZID != "Europe/Moscow" || ev.UID != after.Events[i].UID {
			t.Errorf("Moscow event %d: %+v, want local %s", i, ev, w)
		}
	}
	// A revoked address answers 404.
	if r := vm.api("POST", "/api/v1/me/calendar-feed/revoke", tok, ""); r.status != 204 {
		t.Fatalf("revoke: %d", r.status)
	}
	if r := e.anon().get(feedPath); r.status != 404 {
		t.Errorf("revoked feed: %d", r.status)
	}
}

type icalParsed struct {
	Method string `json:"method"`
	Events []struct {
		UID      string `json:"uid"`
		Sequence int    `json:"sequence"`
		Status   string `json:"status"`
		Location string `json:"location"`
		TZID     string `json:"tzid"`
		Local    string `json:"local"`
		UTC      string `json:"utc"`
	} `json:"events"`
}

func parseICALJS(t *testing.T, feed string) icalParsed {
	t.Helper()
	cmd := exec.Command("node", "parse.mjs")
	cmd.Dir = "testdata/icaljs"
	cmd.Stdin = strings.NewReader(feed)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("ical.js: %v: %s", err, stderr.String())
	}
	var p icalParsed
	if err := json.Unmarshal(out, &p); err != nil {
		t.Fatal(err)
	}
	return p
}

func storeDate(t *testing.T, s string) tandem.Date {
	t.Helper()
	d, err := tandem.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}
