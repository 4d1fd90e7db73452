package request

import (
	"slices"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/engagement"
	"github.com/tandemhq/tandem/internal/tandem"
)

func TestOpen(t *testing.T) {
	t.Parallel()
	tm := contract.Terms{Services: []contract.Service{
		{Key: "desk", SLA: &contract.SLA{ResponseMinutes: 60, ResolutionMinutes: 480}},
		{Key: "reports"},
	}}
	client := tandem.Principal{WorkspaceID: 1, UserID: 2, UserName: "Johan", Role: tandem.RoleManager}
	live := &engagement.Engagement{ID: 4, Title: "Support desk", Status: engagement.StatusActive}
	r := &Request{EngagementID: 4, ServiceKey: "desk", Title: " Printer down "}
	if err := r.Open(live, tm, 3, client); err != nil {
		t.Fatal(err)
	}
	if r.Status != StatusOpen || r.TermsVersion != 3 || r.ResponseMinutes != 60 || r.ResolutionMinutes != 480 ||
		r.OpenedSide != SideClient || r.Priority != DefaultPriority || r.Title != "Printer down" || r.EngagementTitle != "Support desk" {
		t.Errorf("opened: %+v", r)
	}
	if m := r.Opened(); !m.To.Partner || m.To.Client {
		t.Errorf("the client opened it: tell the partner, not %+v", m.To)
	}
	if got := tandem.FieldErrors((&Request{ServiceKey: "reports", Title: "x"}).Open(live, tm, 3, client)); len(got) != 1 || got[0].Key != "request.service_without_sla" {
		t.Errorf("service without an SLA: %v", got)
	}
	ended := &engagement.Engagement{Status: engagement.StatusEnded}
	if err := (&Request{ServiceKey: "desk", Title: "x"}).Open(ended, tm, 3, client); tandem.ErrorCode(err) != tandem.EConflict {
		t.Errorf("ended engagement: %v", err)
	}
	if err := (&Request{ServiceKey: "desk"}).Open(ended, tm, 3, client); tandem.ErrorCode(err) != tandem.EInvalid {
		t.Errorf("field errors come first: %v", err)
	}
	if s := SLAServices(tm); len(s) != 1 || s[0].Key != "desk" {
		t.Errorf("SLAServices: %+v", s)
	}
	if !MayOpen(tandem.RoleVendorAgent, live) || MayOpen(tandem.RoleViewer, live) || MayOpen(tandem.RoleOwner, ended) {
		t.Error("MayOpen")
	}
}

func TestTransition(t *testing.T) {
	t.Parallel()
	cal := officeHours(t)
	partner := tandem.Principal{UserID: 7, UserName: "Emma", Role: tandem.RoleVendorManager}
	client := tandem.Principal{UserID: 2, UserName: "Johan", Role: tandem.RoleManager}
	r := &Request{Number: 12, Title: "Printer down", Status: StatusOpen, ResponseMinutes: 60, ResolutionMinutes: 480,
		History: []Change{opened(at("2026-03-02 09:00"))}}

	// The partner responds at 09:30: the first response, 30 business minutes in.
	m, err := r.Transition(ActionRespond, " on it ", partner, cal, at("2026-03-02 09:30"))
	if err != nil {
		t.Fatal(err)
	}
	x := m.Request
	if x.Status != StatusInProgress || !m.FirstResponse || !x.RespondedAt.Equal(at("2026-03-02 09:30")) || m.Change.Seq != 2 ||
		m.Change.Note != "on it" || x.Response.Elapsed != 30*time.Minute || !x.Response.Stopped || len(r.History) != 1 {
		t.Errorf("respond: %+v", m)
	}
	if told := m.Told(); !told.To.Client || told.To.Partner || told.Kind != "request.respond" || told.Args["note"] != "on it" {
		t.Errorf("told: %+v", told)
	}
	// Resolved at 11:00; the client reopens at 13:00 with a reason: the
	// resolution is undone, the response is not answered again.
	m, _ = x.Transition(ActionResolve, "", partner, cal, at("2026-03-02 11:00"))
	x = m.Request
	if x.Status != StatusResolved || !x.ResolvedAt.Equal(at("2026-03-02 11:00")) || m.FirstResponse {
		t.Errorf("resolve: %+v", m)
	}
	if _, err := x.Transition(ActionReopen, "", client, cal, at("2026-03-02 13:00")); tandem.FieldErrors(err)[0].Field != "note" {
		t.Errorf("reopen without a note: %v", err)
	}
	m, _ = x.Transition(ActionReopen, "Still broken", client, cal, at("2026-03-02 13:00"))
	if m.Request.Status != StatusOpen || !m.Request.ResolvedAt.IsZero() || !m.Request.RespondedAt.Equal(at("2026-03-02 09:30")) {
		t.Errorf("reopen: %+v", m.Request)
	}
	if _, err := x.Transition(ActionClose, "", partner, cal, at("2026-03-02 13:00")); tandem.ErrorCode(err) != tandem.EForbidden {
		t.Errorf("the partner closed: %v", err)
	}
	if got := Actions(tandem.RoleVendorAgent, StatusOpen); !slices.Equal(got, []Action{ActionRespond, ActionAskClient, ActionResolve}) {
		t.Errorf("Actions(agent, open) = %v", got)
	}
	if got := Actions(tandem.RoleViewer, StatusResolved); got != nil {
		t.Errorf("Actions(viewer) = %v", got)
	}
	if b := r.Breached("response"); !b.To.Client || !b.To.Partner || b.Kind != "request.response_breached" {
		t.Errorf("breached: %+v", b)
	}
}

func TestStopsAndBreaches(t *testing.T) {
	t.Parallel()
	cal := officeHours(t)
	partner := tandem.Principal{UserID: 7, Role: tandem.RoleVendorAgent}
	// Opened Monday 09:00 with a 60-minute response and 120-minute
	// resolution target; resolved at 10:30 without a response first: the
	// resolve is the first response too (90 minutes: 30 over), and the
	// first resolution (90 minutes: met).
	r := &Request{Status: StatusOpen, ResponseMinutes: 60, ResolutionMinutes: 120, History: []Change{opened(at("2026-03-02 09:00"))}}
	r.Response, r.Resolution = Clocks(cal, r, r.History, at("2026-03-02 10:30"))
	if b := r.Unrecorded(cal, at("2026-03-02 10:30")); len(b) != 1 || b[0].Clock != ClockResponse || !b[0].At.Equal(at("2026-03-02 10:00")) || b[0].Over != 30 {
		t.Errorf("unrecorded: %+v", b)
	}
	r.MarkBreached(ClockResponse)
	if b := r.Unrecorded(cal, at("2026-03-02 10:30")); len(b) != 0 {
		t.Errorf("recorded breach listed again: %+v", b)
	}
	m, err := r.Transition(ActionResolve, "", partner, cal, at("2026-03-02 10:30"))
	if err != nil {
		t.Fatal(err)
	}
	want := []Stop{{Clock: ClockResponse, Met: false, Minutes: 90, Target: 60, Over: 30}, {Clock: ClockResolution, Met: true, Minutes: 90, Target: 120}}
	if got := m.Stops(); !slices.Equal(got, want) {
		t.Errorf("stops = %+v, want %+v", got, want)
	}
	// Reopened and resolved again: neither clock records again.
	x := m.Request
	m, _ = x.Transition(ActionReopen, "again", tandem.Principal{Role: tandem.RoleOwner}, cal, at("2026-03-02 11:00"))
	x = m.Request
	m, _ = x.Transition(ActionResolve, "", partner, cal, at("2026-03-02 11:30"))
	if m.FirstResolution || m.FirstResponse || len(m.Stops()) != 0 {
		t.Errorf("second resolution: %+v", m)
	}
}

func TestClockState(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		c     Clock
		state string
		low   bool
	}{
		{Clock{Target: time.Hour, Remaining: 16 * time.Minute}, StateRunning, false},
		{Clock{Target: time.Hour, Remaining: 15 * time.Minute}, StateRunning, true}, // a quarter left
		{Clock{Target: time.Hour, Remaining: 10 * time.Minute, Paused: true}, StatePaused, true},
		{Clock{Target: time.Hour, Stopped: true}, StateStopped, true},
		{Clock{}, StateNone, true},
	} {
		if c.c.State() != c.state || c.c.RunningLow() != c.low {
			t.Errorf("%+v: state %s low %v", c.c, c.c.State(), c.c.RunningLow())
		}
	}
}
