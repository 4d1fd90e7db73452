package web_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/notice"
	"github.com/tandemhq/tandem/internal/report"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
	"github.com/tandemhq/tandem/internal/work"
)

// liveNotices takes A1 and B1 live, with a deadline notice duty on A1, and
// gives A1 a deliverable due in a month.
func liveNotices(t *testing.T, e *env) *work.Deliverable {
	t.Helper()
	f := e.f
	storetest.Activate(t, e.db, f.Owner, f.A1, func(terms *contract.Terms) {
		terms.Notices = []contract.NoticeDuty{{Category: notice.CategoryDeadline, WithinHours: 24, PenaltyMinor: 100000},
			{Category: "missing_information", WithinHours: 24}}
	})
	storetest.Activate(t, e.db, f.Owner, f.B1, nil)
	v, err := e.db.Contracts.InForce(ctx, f.Owner, f.A1, tandem.DateOf(time.Now()))
	if err != nil {
		t.Fatal(err)
	}
	d := &work.Deliverable{EngagementID: f.A1, ServiceKey: v.Terms.Services[0].Key, Title: "Hotel call list",
		DueAt: time.Now().Add(30 * 24 * time.Hour).UTC().Truncate(time.Hour)}
	if err := e.db.Work.Create(ctx, f.Owner, d); err != nil {
		t.Fatal(err)
	}
	return d
}

func countNotices(t *testing.T, e *env, engagementID int64) int {
	t.Helper()
	ns, err := e.db.Notices.List(ctx, e.f.Owner, engagementID, store.NoticeFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return len(ns)
}

func TestNoticePages(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, dialect)
			f := e.f
			d := liveNotices(t, e)
			a1 := fmt.Sprintf("/engagements/%d", f.A1)
			agent, owner, viewer, partnerB := e.as(f.VendorAgent), e.as(f.Owner), e.as(f.Viewer), e.as(f.VendorManagerB)
			if err := e.db.Accounts.SetLanguage(ctx, f.VendorAgent.UserID, "ru"); err != nil {
				t.Fatal(err)
			}

			r := agent.get(a1 + "/notices")
			if r.status != 200 || !strings.Contains(r.body, `action="`+a1+`/notices"`) || !strings.Contains(r.body, "Hotel call list") {
				t.Fatalf("notices page for the agent: %d", r.status)
			}
			// Bad input: localized field errors, nothing written.
			r = agent.post(a1+"/notices", url.Values{"category": {"accounting_error"}, "text": {""}})
			if r.status != 422 || !strings.Contains(r.body, "Выберите ситуацию, предусмотренную договором.") || !strings.Contains(r.body, "Заполните это поле.") {
				t.Fatalf("bad notice: %d", r.status)
			}
			r = agent.post(a1+"/notices", url.Values{"category": {notice.CategoryDeadline}, "text": {"Late"}})
			if r.status != 422 || !strings.Contains(r.body, "Выберите результат, срок которого не удаётся соблюсти.") || !strings.Contains(r.body, `>Late</textarea>`) {
				t.Fatalf("deadline notice without a deliverable: %d", r.status)
			}
			if n := countNotices(t, e, f.A1); n != 0 {
				t.Fatalf("bad input wrote %d notices", n)
			}
			// Viewers read but do not file; the client does not file either.
			if r := viewer.get(a1 + "/notices"); r.status != 200 || strings.Contains(r.body, `action="`+a1+`/notices"`) {
				t.Fatalf("viewer's notices page: %d", r.status)
			}
			if r := viewer.post(a1+"/notices", url.Values{"category": {"missing_information"}, "text": {"x"}}); r.status != 403 {
				t.Fatalf("viewer filed: %d", r.status)
			}
			// The agent files a deadline notice.
			r = agent.post(a1+"/notices", url.Values{"category": {notice.CategoryDeadline}, "deliverable_id": {fmt.Sprint(d.ID)},
				"text": {"Half the hotels are closed for the season."}})
			if r.status != 303 || !strings.HasPrefix(r.location, a1+"/notices#notice-") {
				t.Fatalf("file: %d %s", r.status, r.location)
			}
			id := idFrom(t, r.location, a1+"/notices#notice-")
			ackPath := fmt.Sprintf("%s/notices/%d/acknowledge", a1, id)

			// Partner B sees none of it, by page or API, and cannot reach it through its own engagement.
			if r := partnerB.get(a1 + "/notices"); r.status != 404 {
				t.Fatalf("partner B reads A's notices page: %d", r.status)
			}
			tokenB := e.token(f.VendorManagerB)
			if r := partnerB.api("GET", fmt.Sprintf("/api/v1/engagements/%d/notices", f.A1), tokenB, ""); r.status != 404 {
				t.Fatalf("partner B lists A's notices: %d", r.status)
			}
			if r := partnerB.api("GET", fmt.Sprintf("/api/v1/engagements/%d/notices", f.B1), tokenB, ""); r.status != 200 || strings.Contains(r.body, "hotels") {
				t.Fatalf("partner B's own notices: %d %s", r.status, r.body)
			}
			if r := owner.post(fmt.Sprintf("/engagements/%d/notices/%d/acknowledge", f.B1, id), nil); r.status != 404 {
				t.Fatalf("A's notice acknowledged through B1: %d", r.status)
			}
			if r := agent.post(ackPath, nil); r.status != 403 {
				t.Fatalf("agent acknowledged: %d", r.status)
			}

			// The owner acknowledges: a bad date changes nothing; a good one moves the deliverable.
			r = owner.post(ackPath, url.Values{"comment": {"Understood"}, "new_due_on": {"2026-13-40"}})
			if r.status != 422 || !strings.Contains(r.body, "Enter a date as YYYY-MM-DD.") {
				t.Fatalf("bad new date: %d", r.status)
			}
			if n, _ := e.db.Notices.Get(ctx, f.Owner, f.A1, id); n.Acknowledged() {
				t.Fatal("a bad acknowledgement was recorded")
			}
			newDay := time.Now().AddDate(0, 2, 0).Format(time.DateOnly)
			if r := owner.post(ackPath, url.Values{"comment": {"Understood"}, "new_due_on": {newDay}}); r.status != 303 {
				t.Fatalf("acknowledge: %d %s", r.status, r.body)
			}
			moved, err := e.db.Work.Get(ctx, f.Owner, d.ID)
			if err != nil {
				t.Fatal(err)
			}
			if moved.DueAt.In(time.Local).Format(time.DateOnly) == d.DueAt.In(time.Local).Format(time.DateOnly) ||
				tandem.DateOf(moved.DueAt.In(mustZone(t, "Europe/Stockholm"))).String() != newDay {
				t.Fatalf("due date not moved: %v → %v", d.DueAt, moved.DueAt)
			}
			if r := owner.post(ackPath, url.Values{"comment": {"Again"}}); r.status != 409 {
				t.Fatalf("acknowledged twice: %d", r.status)
			}
			if r := viewer.get(a1 + "/notices"); r.status != 200 || !strings.Contains(r.body, "Understood") || !strings.Contains(r.body, "Olivia Owner") {
				t.Fatalf("acknowledged notice on the page: %d", r.status)
			}
		})
	}
}

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	l, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestProposalAndReportPages(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sqlite")
	f := e.f
	liveNotices(t, e)
	a1 := fmt.Sprintf("/engagements/%d", f.A1)
	vm, manager := e.as(f.VendorManager), e.as(f.Manager)

	// Proposals: bad input is refused with field errors; the client decides.
	r := vm.post(a1+"/proposals", url.Values{"kind": {"wish"}, "title": {""}})
	if r.status != 422 || !strings.Contains(r.body, "Choose one of the offered values.") || !strings.Contains(r.body, "Fill this in.") {
		t.Fatalf("bad proposal: %d", r.status)
	}
	if ps, _ := e.db.Proposals.List(ctx, f.Owner, f.A1, ""); len(ps) != 0 {
		t.Fatalf("bad proposal written: %+v", ps)
	}
	r = vm.post(a1+"/proposals", url.Values{"kind": {"risk"}, "title": {"Season ends in May"}, "text": {"Fewer hotels to call."}})
	if r.status != 303 {
		t.Fatalf("raise: %d", r.status)
	}
	pid := idFrom(t, r.location, a1+"/proposals#proposal-")
	decide := fmt.Sprintf("%s/proposals/%d/decision", a1, pid)
	if r := manager.post(decide, url.Values{"decision": {"declined"}}); r.status != 422 || !strings.Contains(r.body, "Say why you decline.") {
		t.Fatalf("decline without comment: %d", r.status)
	}
	if r := manager.post(decide, url.Values{"decision": {"noted"}, "comment": {"We knew"}}); r.status != 303 {
		t.Fatalf("decide: %d", r.status)
	}
	if r := vm.get(a1 + "/proposals"); r.status != 200 || !strings.Contains(r.body, "Noted") || !strings.Contains(r.body, "We knew") {
		t.Fatalf("proposals page: %d", r.status)
	}

	// Status reports: the edit form is pre-filled; the report is kept per week.
	week := report.WeekOf(time.Now(), mustZone(t, "Europe/Stockholm")).String()
	rp := a1 + "/status-reports/" + week
	if r := vm.get(a1 + "/status-reports"); r.status != 200 || !strings.Contains(r.body, rp+"/edit") {
		t.Fatalf("reports page: %d", r.status)
	}
	if r := vm.post(a1+"/proposals", url.Values{"kind": {"risk"}, "title": {"Key contact leaves"}}); r.status != 303 {
		t.Fatalf("raise: %d", r.status)
	}
	if r := vm.get(rp + "/edit"); r.status != 200 || !strings.Contains(r.body, "- Key contact leaves (") || strings.Contains(r.body, "- Season ends in May") {
		t.Fatalf("pre-filled form: %d", r.status)
	}
	if r := vm.post(rp, url.Values{"done": {""}, "asks": {strings.Repeat("x", 8001)}}); r.status != 422 ||
		!strings.Contains(r.body, "Fill this in.") || !strings.Contains(r.body, "At most 8,000 characters.") {
		t.Fatalf("bad report: %d", r.status)
	}
	if rs, _ := e.db.Reports.List(ctx, f.Owner, f.A1); len(rs) != 0 {
		t.Fatal("a bad report was written")
	}
	if r := vm.get(rp); r.status != 404 {
		t.Fatalf("unsaved report: %d", r.status)
	}
	if r := vm.post(rp, url.Values{"done": {"Called 40 hotels"}, "asks": {"The CRM export"}}); r.status != 303 || r.location != rp {
		t.Fatalf("save: %d %s", r.status, r.location)
	}
	if r := manager.post(rp+"/comment", url.Values{"comment": {""}}); r.status != 422 {
		t.Fatalf("empty comment: %d", r.status)
	}
	if r := manager.post(rp+"/comment", url.Values{"comment": {"Thanks, export is coming"}}); r.status != 303 {
		t.Fatalf("comment: %d", r.status)
	}
	if r := vm.post(rp, url.Values{"done": {"Changed"}}); r.status != 409 {
		t.Fatalf("edit after comment: %d", r.status)
	}
	if r := vm.get(rp + "/edit"); r.status != 303 {
		t.Fatalf("edit form after comment: %d", r.status)
	}
	if r := e.as(f.Viewer).get(rp); r.status != 200 || !strings.Contains(r.body, "Called 40 hotels") || !strings.Contains(r.body, "Thanks, export is coming") {
		t.Fatalf("report page: %d", r.status)
	}
	if r := e.as(f.VendorManagerB).get(rp); r.status != 404 {
		t.Fatalf("partner B reads A's report: %d", r.status)
	}
	if r := vm.get(a1 + "/status-reports/2026-03-03"); r.status != 404 {
		t.Fatalf("a Tuesday as a week: %d", r.status)
	}

	// Every page in every language, with no missing message.
	for _, lang := range i18n.Supported {
		if err := e.db.Accounts.SetLanguage(ctx, f.VendorManager.UserID, lang); err != nil {
			t.Fatal(err)
		}
		if err := e.db.Accounts.SetLanguage(ctx, f.Manager.UserID, lang); err != nil {
			t.Fatal(err)
		}
		for _, c := range []*client{vm, manager} {
			for _, p := range []string{"/notices", "/proposals", "/status-reports", "/status-reports/" + week} {
				if r := c.get(a1 + p); r.status != 200 || strings.Contains(r.body, "⟦") {
					t.Errorf("%s %s: %d, missing messages: %v", lang, p, r.status, strings.Contains(r.body, "⟦"))
				}
			}
		}
	}
}

func TestNoticeAPI(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, dialect)
			f := e.f
			d := liveNotices(t, e)
			base := fmt.Sprintf("/api/v1/engagements/%d", f.A1)
			c := e.anon()
			agent, owner, partnerB := e.token(f.VendorAgent), e.token(f.Owner), e.token(f.VendorManagerB)

			r := c.api("POST", base+"/notices", agent, `{"category":"penalty_risk","text":""}`)
			if r.status != 422 || !strings.Contains(r.body, `"field":"category"`) || !strings.Contains(r.body, `"field":"text"`) {
				t.Fatalf("bad notice: %d %s", r.status, r.body)
			}
			r = c.api("POST", base+"/notices", agent, fmt.Sprintf(`{"category":"deadline_at_risk","deliverable_id":%d,"text":"Slipping"}`, d.ID))
			var n struct {
				ID     int64  `json:"id"`
				Timely bool   `json:"timely"`
				DueAt  string `json:"due_at"`
			}
			if r.status != 201 || json.Unmarshal([]byte(r.body), &n) != nil || !n.Timely || n.DueAt == "" {
				t.Fatalf("file: %d %s", r.status, r.body)
			}
			if r := c.api("POST", fmt.Sprintf("%s/notices/%d/acknowledge", base, n.ID), partnerB, ""); r.status != 403 {
				t.Fatalf("partner B acknowledged: %d", r.status)
			}
			if r := c.api("POST", fmt.Sprintf("%s/notices/%d/acknowledge", base, n.ID), owner, `{"new_due_at":"2020-01-01T00:00:00Z"}`); r.status != 422 {
				t.Fatalf("new due in the past: %d %s", r.status, r.body)
			}
			newDue := time.Now().Add(60 * 24 * time.Hour).UTC().Truncate(time.Second).Format(time.RFC3339)
			r = c.api("POST", fmt.Sprintf("%s/notices/%d/acknowledge", base, n.ID), owner, `{"comment":"OK","new_due_at":"`+newDue+`"}`)
			if r.status != 200 || !strings.Contains(r.body, `"new_due_at":"`+newDue+`"`) {
				t.Fatalf("acknowledge: %d %s", r.status, r.body)
			}
			if r := c.api("GET", base+"/notices?open=true", owner, ""); r.status != 200 || !strings.Contains(r.body, `"items":[]`) {
				t.Fatalf("open notices: %d %s", r.status, r.body)
			}

			// Proposals.
			if r := c.api("POST", base+"/proposals", agent, `{"kind":"idea","title":""}`); r.status != 422 {
				t.Fatalf("bad proposal: %d", r.status)
			}
			r = c.api("POST", base+"/proposals", agent, `{"kind":"proposal","title":"Morning calls"}`)
			var x struct {
				ID int64 `json:"id"`
			}
			if r.status != 201 || json.Unmarshal([]byte(r.body), &x) != nil {
				t.Fatalf("raise: %d %s", r.status, r.body)
			}
			if r := c.api("GET", base+"/proposals", partnerB, ""); r.status != 404 {
				t.Fatalf("partner B lists A's proposals: %d", r.status)
			}
			r = c.api("POST", fmt.Sprintf("%s/proposals/%d/decision", base, x.ID), owner, `{"decision":"accepted","comment":"Go"}`)
			if r.status != 200 || !strings.Contains(r.body, `"status":"accepted"`) {
				t.Fatalf("decide: %d %s", r.status, r.body)
			}

			// Status reports.
			week := report.WeekLabel(report.WeekOf(time.Now(), mustZone(t, "Europe/Stockholm")))
			rp := base + "/status-reports/" + week
			if r := c.api("GET", rp, agent, ""); r.status != 200 || !strings.Contains(r.body, `"saved":false`) {
				t.Fatalf("draft: %d %s", r.status, r.body)
			}
			if r := c.api("PUT", rp, agent, `{"done":""}`); r.status != 422 {
				t.Fatalf("bad report: %d", r.status)
			}
			if r := c.api("PUT", rp, agent, `{"done":"Calls","figures":{}}`); r.status != 422 {
				t.Fatalf("unknown field: %d", r.status)
			}
			if r := c.api("PUT", rp, agent, `{"done":"Calls"}`); r.status != 201 || !strings.Contains(r.body, `"saved":true`) || !strings.Contains(r.body, `"proposals":1`) {
				t.Fatalf("create: %d %s", r.status, r.body)
			}
			if r := c.api("PUT", rp, agent, `{"done":"More calls","next":"Visits"}`); r.status != 200 {
				t.Fatalf("update: %d %s", r.status, r.body)
			}
			if r := c.api("GET", rp, partnerB, ""); r.status != 404 {
				t.Fatalf("partner B reads A's report: %d", r.status)
			}
			if r := c.api("POST", rp+"/comment", owner, `{"comment":"Good"}`); r.status != 200 || !strings.Contains(r.body, `"commented_by":"Olivia Owner"`) {
				t.Fatalf("comment: %d %s", r.status, r.body)
			}
			if r := c.api("PUT", rp, agent, `{"done":"Late change"}`); r.status != 409 {
				t.Fatalf("update after comment: %d", r.status)
			}
			if r := c.api("GET", base+"/status-reports", e.token(f.Viewer), ""); r.status != 200 || !strings.Contains(r.body, `"done":"More calls"`) {
				t.Fatalf("list: %d %s", r.status, r.body)
			}
		})
	}
}
