package web_test

import (
	"fmt"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/notice"
	"github.com/tandemhq/tandem/internal/proposal"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/work"
)

type apiWindowItem struct {
	Source    string `json:"source"`
	Title     string `json:"title"`
	StillOpen bool   `json:"still_open"`
}

type apiWindowAgenda struct {
	Since  time.Time       `json:"agenda_since"`
	Agenda []apiWindowItem `json:"agenda"`
}

// A scripted week on A1 (Stockholm), on both databases, with a fixed
// clock. The first weekly check-in (Monday 2 March 2026, 10:00) lists what
// happened since the engagement started (1 January): a notice filed and a deliverable
// overdue that morning; it records an action item and an item not reached,
// and is finalised. During the week: that notice is acknowledged, a notice
// is filed at 10:15 (after the first meeting started), another on
// Tuesday, a deliverable's due time passes on Thursday, a risk is raised on
// Friday. The second check-in's agenda (Monday 9 March) lists exactly
// those, the action item, the item carried over, and the morning's overdue
// deliverable again, marked still open; its window starts on 2 March. The
// action item, left open at the second meeting, is on the third's agenda.
func TestAgendaScriptedWeek(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			at := func(day, hour, min int) time.Time { return time.Date(2026, 3, day, hour, min, 0, 0, stockholm) }
			clock := storetest.NewClock(at(2, 8, 0))
			set := func(t time.Time) { clock.Add(t.Sub(clock.Now())) }
			e := newEnvAt(t, dialect, clock.Now)
			f := e.f
			storetest.Activate(t, e.db, f.Owner, f.A1, nil)
			v, err := e.db.Contracts.InForce(ctx, f.Owner, f.A1, storeDate(t, "2026-03-02"))
			if err != nil {
				t.Fatal(err)
			}
			deliverable := func(title string, due time.Time) {
				t.Helper()
				d := &work.Deliverable{EngagementID: f.A1, ServiceKey: v.Terms.Services[0].Key, Title: title, DueAt: due}
				if err := e.db.Work.Create(ctx, f.Owner, d); err != nil {
					t.Fatal(err)
				}
			}
			file := func(text string) int64 {
				t.Helper()
				n := &notice.Notice{EngagementID: f.A1, Category: "missing_information", Text: text}
				if err := e.db.Notices.File(ctx, f.VendorAgent, n); err != nil {
					t.Fatal(err)
				}
				return n.ID
			}
			a1 := fmt.Sprintf("/engagements/%d", f.A1)
			mTok := e.token(f.Manager)
			agenda := func(id int64) apiWindowAgenda {
				t.Helper()
				return decode[apiWindowAgenda](t, e.anon().api("GET", fmt.Sprintf("/api/v1%s/meetings/%d", a1, id), mTok, ""))
			}
			// The agenda without the KPIs of the scorecard (their status depends on no event here).
			lines := func(a apiWindowAgenda) []string {
				var out []string
				for _, it := range a.Agenda {
					if strings.HasPrefix(it.Source, "kpi_") {
						continue
					}
					s := it.Source + ": " + it.Title
					if it.StillOpen {
						s += " (still open)"
					}
					out = append(out, s)
				}
				sort.Strings(out)
				return out
			}

			// Monday 2 March, before the first meeting.
			deliverable("Old list", at(2, 9, 0))
			deliverable("Hotel call list", at(5, 17, 0))
			deliverable("Spring plan", at(20, 17, 0)) // due later: on no agenda
			n0 := file("Need the CRM export")
			vm := e.as(f.VendorManager)
			if r := vm.post(a1+"/meetings/plan", nil); r.status != 303 {
				t.Fatalf("plan: %d %s", r.status, r.body)
			}
			list := decode[struct{ Items []apiMeetingOut }](t, e.anon().api("GET", "/api/v1"+a1+"/meetings", mTok, ""))
			var weekly []int64
			for _, o := range list.Items {
				if o.Kind == "weekly_checkin" {
					weekly = append(weekly, o.ID)
				}
			}
			if len(weekly) < 3 {
				t.Fatalf("weekly check-ins: %v", weekly)
			}
			first := fmt.Sprintf("%s/meetings/%d", a1, weekly[0])

			// The first meeting, 10:00-10:30; a notice filed at 10:15 belongs to the next window.
			set(at(2, 10, 15))
			file("Need the price list")
			a := agenda(weekly[0])
			want := []string{"deliverables_overdue: Old list", "notice: Need the CRM export"}
			if got := lines(a); strings.Join(got, "|") != strings.Join(want, "|") || !a.Since.Equal(time.Date(2026, 1, 1, 0, 0, 0, 0, stockholm)) {
				t.Errorf("first agenda since %s: %q, want since the engagement's start on 1 January: %q", a.Since, got, want)
			}
			manager := e.as(f.Manager)
			if r := manager.post(first+"/items", url.Values{"title": {"Budget for April"}}); r.status != 303 {
				t.Fatalf("item: %d", r.status)
			}
			if r := manager.post(first+"/actions", url.Values{"title": {"Send the call list"}, "owner_id": {fmt.Sprint(f.VendorManager.UserID)}, "due": {"2026-03-04"}}); r.status != 303 {
				t.Fatalf("action: %d %s", r.status, r.body)
			}
			set(at(2, 10, 30))
			vm = e.as(f.VendorManager)
			if r := vm.post(first+"/finalise", nil); r.status != 303 {
				t.Fatalf("finalise: %d %s", r.status, r.body)
			}

			// The week.
			set(at(2, 14, 0))
			if err := e.db.Notices.Acknowledge(ctx, f.Owner, f.A1, n0, notice.Ack{}); err != nil {
				t.Fatal(err)
			}
			set(at(3, 12, 0))
			file("Need a meeting room")
			set(at(6, 11, 0))
			if err := e.db.Proposals.Raise(ctx, f.VendorManager, &proposal.Proposal{EngagementID: f.A1, Kind: proposal.KindRisk, Title: "Key contact leaves"}); err != nil {
				t.Fatal(err)
			}

			// Monday 9 March, 08:00: the second agenda.
			set(at(9, 8, 0))
			a = agenda(weekly[1])
			want = []string{"action: Send the call list", "carried: Budget for April", "deliverables_overdue: Hotel call list",
				"deliverables_overdue: Old list (still open)", "notice: Need a meeting room", "notice: Need the price list", "proposal: Key contact leaves"}
			if got := lines(a); strings.Join(got, "|") != strings.Join(want, "|") || !a.Since.Equal(at(2, 10, 0)) {
				t.Errorf("second agenda since %s:\n got %q\nwant %q", a.Since, got, want)
			}
			manager = e.as(f.Manager) // the sessions of a week ago have expired
			second := fmt.Sprintf("%s/meetings/%d", a1, weekly[1])
			r := manager.get(second)
			if r.status != 200 || !strings.Contains(r.body, "Since 2 Mar 2026") || !strings.Contains(r.body, "Still open") {
				t.Errorf("second agenda page: %d", r.status)
			}
			if r := manager.post("/language", url.Values{"lang": {"ru"}, "next": {second}}); r.status != 303 {
				t.Fatalf("language: %d", r.status)
			}
			if r := manager.get(second); !strings.Contains(r.body, "С 2 мар. 2026 г.") || !strings.Contains(r.body, "Всё ещё открыто") {
				t.Errorf("the Russian agenda page does not show its window")
			}
			set(at(9, 10, 30))
			vm = e.as(f.VendorManager)
			if r := vm.post(second+"/finalise", nil); r.status != 303 {
				t.Fatalf("finalise the second: %d %s", r.status, r.body)
			}
			// The final agenda keeps what it listed, still open as it was.
			if got := lines(agenda(weekly[1])); strings.Join(got, "|") != strings.Join(want, "|") {
				t.Errorf("second agenda once final:\n got %q\nwant %q", got, want)
			}

			// Monday 16 March: the action item, still open, is on the third
			// agenda, as is the item not reached again.
			set(at(16, 8, 0))
			a = agenda(weekly[2])
			want = []string{"action: Send the call list", "carried: Budget for April", "deliverables_overdue: Hotel call list (still open)", "deliverables_overdue: Old list (still open)",
				"notice: Need a meeting room (still open)", "notice: Need the price list (still open)", "proposal: Key contact leaves (still open)"}
			if got := lines(a); strings.Join(got, "|") != strings.Join(want, "|") || !a.Since.Equal(at(9, 10, 0)) {
				t.Errorf("third agenda since %s:\n got %q\nwant %q", a.Since, got, want)
			}
		})
	}
}
