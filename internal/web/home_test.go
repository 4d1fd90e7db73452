package web_test

import (
	"html"
	"strings"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/notice"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
	"github.com/tandemhq/tandem/internal/work"
)

// homeEnv is the fixture on Monday 2 March 2026, 09:00 in Stockholm, with
// A1 (partner A) and B1 (partner B) live and, waiting:
//   - on A1, the agent's notice about "Stockholm hotels" (the client's to
//     acknowledge), the submitted "Call list" (the client's to review) and
//     "Weekly report" due Thursday, assigned to the agent, and "Scripts",
//     returned to the partner;
//   - on B1, partner B's notice "Beta is short of staff".
type homeEnv struct {
	*env
	clock          *storetest.Clock
	notice, report int64
}

func newHomeEnv(t *testing.T, dialect string) *homeEnv {
	t.Helper()
	clock := storetest.NewClock(time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC))
	e := newEnvAt(t, dialect, clock.Now)
	f := e.f
	terms := func(terms *contract.Terms) {
		terms.Calendar = contract.Calendar{TimeZone: "Europe/Stockholm", WorkDays: []int{1, 2, 3, 4, 5}, DayStart: "08:00", DayEnd: "17:00"}
		terms.Notices = []contract.NoticeDuty{{Category: notice.CategoryDeadline, WithinHours: 24}, {Category: "missing_information", WithinHours: 24}}
	}
	storetest.Activate(t, e.db, f.Owner, f.A1, terms)
	storetest.Activate(t, e.db, f.Owner, f.B1, terms)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	v, err := e.db.Contracts.InForce(ctx, f.Owner, f.A1, tandem.DateOf(e.db.Now()))
	must(err)
	svc := v.Terms.Services[0].Key
	add := func(title string, due time.Duration, assignee int64) *work.Deliverable {
		d := &work.Deliverable{EngagementID: f.A1, ServiceKey: svc, Title: title, DueAt: e.db.Now().Add(due), AssigneeID: assignee}
		must(e.db.Work.Create(ctx, f.Owner, d))
		return d
	}
	hotels := add("Stockholm hotels", 10*24*time.Hour, 0)
	call := add("Call list", 10*24*time.Hour, 0)
	_, err = e.db.Work.Submit(ctx, f.VendorAgent, call.ID, "", nil)
	must(err)
	scripts := add("Scripts", 10*24*time.Hour, 0)
	_, err = e.db.Work.Submit(ctx, f.VendorAgent, scripts.ID, "", nil)
	must(err)
	must(e.db.Work.Review(ctx, f.Manager, scripts.ID, work.Review{Reason: work.ReturnReasons[0]}))
	report := add("Weekly report", 3*24*time.Hour, f.VendorAgent.MembershipID)
	n := &notice.Notice{EngagementID: f.A1, Category: notice.CategoryDeadline, DeliverableID: hotels.ID, Text: "The register is late."}
	must(e.db.Notices.File(ctx, f.VendorAgent, n))
	must(e.db.Notices.File(ctx, f.VendorManagerB, &notice.Notice{EngagementID: f.B1, Category: "missing_information", Text: "Beta is short of staff"}))
	return &homeEnv{env: e, clock: clock, notice: n.ID, report: report.ID}
}

// section is the HTML of the section with id in body, "" when absent.
func section(body, id string) string {
	i := strings.Index(body, `id="`+id+`"`)
	if i < 0 {
		return ""
	}
	j := strings.Index(body[i:], "</section>")
	return html.UnescapeString(body[i : i+j])
}

// Each role's home lists what waits for it and nothing of an engagement
// it may not see; on SQLite and PostgreSQL.
func TestHomeByRole(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			h := newHomeEnv(t, dialect)
			f := h.f
			for _, c := range []struct {
				who       string
				p         tandem.Principal
				yours     []string // in "home-yours"
				others    []string // in "home-others"
				never     []string // nowhere on the page
				yoursGone bool     // no "home-yours" section at all
			}{
				{"owner", f.Owner, []string{"Stockholm hotels", "Call list", "Beta is short of staff"}, []string{"Scripts"}, []string{"Weekly report"}, false},
				{"manager", f.Manager, []string{"Stockholm hotels", "Call list", "Beta is short of staff"}, []string{"Scripts"}, []string{"Weekly report"}, false},
				{"viewer", f.Viewer, nil, []string{"Stockholm hotels", "Call list", "Beta is short of staff", "Scripts"}, []string{"Weekly report"}, true},
				{"partner manager A", f.VendorManager, []string{"Weekly report", "Scripts"}, []string{"Stockholm hotels", "Call list"}, []string{"Beta is short of staff"}, false},
				{"partner manager B", f.VendorManagerB, nil, []string{"Beta is short of staff"}, []string{"Stockholm hotels", "Call list", "Weekly report", "Scripts"}, false},
				{"agent", f.VendorAgent, []string{"Weekly report", "Scripts"}, nil, []string{"Beta is short of staff", "Stockholm hotels", "Call list"}, false},
			} {
				r := h.as(c.p).get("/")
				if r.status != 200 {
					t.Fatalf("%s: status %d", c.who, r.status)
				}
				yours, others := section(r.body, "home-yours"), section(r.body, "home-others")
				if c.yoursGone != (yours == "") {
					t.Errorf("%s: waiting-for-you section present = %v", c.who, yours != "")
				}
				for _, s := range c.yours {
					if !strings.Contains(yours, s) {
						t.Errorf("%s: %q not waiting for them", c.who, s)
					}
				}
				for _, s := range c.others {
					if !strings.Contains(others, s) {
						t.Errorf("%s: %q not among the others' items", c.who, s)
					}
				}
				for _, s := range c.never {
					if strings.Contains(r.body, s) {
						t.Errorf("%s sees %q", c.who, s)
					}
				}
			}
			// The owner's portfolio by risk: A1 (work returned, three things
			// waiting) before B1 (one notice), each with its first reason.
			risk := section(h.as(f.Owner).get("/").body, "home-risk")
			if a, b := strings.Index(risk, "Alpha outbound"), strings.Index(risk, "Beta helpdesk"); a < 0 || b < a ||
				!strings.Contains(risk[a:b], "1 notice to acknowledge") || !strings.Contains(risk[a:b], "and 2 more") {
				t.Errorf("owner's portfolio by risk: %s", risk)
			}
			if section(h.as(f.Manager).get("/").body, "home-risk") != "" {
				t.Error("the manager's home shows the portfolio by risk")
			}
			// The API's portfolio counts the same, and what the caller acts on:
			// on A1 for the owner 1 notice, 1 submission (hers) and 1 returned
			// deliverable (the partner's).
			api := h.anon().api("GET", "/api/v1/portfolio", h.token(f.Owner), "")
			for _, want := range []string{`"kind":"notice","label":"1 notice to acknowledge","count":1,"yours":1`,
				`"kind":"submission","label":"1 submission to review","count":1,"yours":1`, `"kind":"returned","label":"1 deliverable returned","count":1,"yours":0`} {
				if !strings.Contains(api.body, want) {
					t.Errorf("API portfolio lacks %s: %s", want, api.body)
				}
			}
			// The manager's "waiting for you" comes before his engagements.
			body := h.as(f.Manager).get("/").body
			if strings.Index(body, `id="home-yours"`) > strings.Index(body, "Alpha outbound") {
				t.Error("the manager's engagements come before what waits for him")
			}
			// The portfolio's attention column counts the same: on A1 a notice
			// and a submission, on B1 a notice.
			pf := h.as(f.Owner).get("/portfolio").body
			for _, want := range []string{"1 notice to acknowledge", "1 submission to review"} {
				if !strings.Contains(pf, want) {
					t.Errorf("portfolio lacks %q", want)
				}
			}
		})
	}
}
