package work

import (
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/engagement"
	"github.com/tandemhq/tandem/internal/tandem"
)

var stockholm = func() *time.Location {
	l, err := time.LoadLocation("Europe/Stockholm")
	if err != nil {
		panic(err)
	}
	return l
}()

// terms has one service due 3 business days after it is asked for, on a
// Monday–Friday 08:00–17:00 calendar in Stockholm.
func terms() contract.Terms {
	return contract.Terms{
		Calendar: contract.Calendar{TimeZone: "Europe/Stockholm", WorkDays: []int{1, 2, 3, 4, 5}, DayStart: "08:00", DayEnd: "17:00"},
		Services: []contract.Service{
			{Key: "calls", Acceptor: "Head of sales", Deadline: contract.DeadlineRule{Kind: "business_days", N: 3}},
			{Key: "ad-hoc", Acceptor: "CFO", Deadline: contract.DeadlineRule{Kind: "none"}},
		},
	}
}

func fields(err error) []string {
	var out []string
	for _, f := range tandem.FieldErrors(err) {
		out = append(out, f.Field+":"+string(f.Key))
	}
	return out
}

func TestDueOn(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ day, want string }{
		{"2026-03-28", "2026-03-28T22:59:59Z"}, // CET, UTC+1
		{"2026-03-29", "2026-03-29T21:59:59Z"}, // the day summer time starts: CEST, UTC+2
		{"2026-10-25", "2026-10-25T22:59:59Z"}, // the day it ends: CET again
	} {
		d, _ := tandem.ParseDate(c.day)
		if got := DueOn(d, stockholm).UTC().Format(time.RFC3339); got != c.want {
			t.Errorf("DueOn(%s) = %s, want %s", c.day, got, c.want)
		}
	}
}

func TestPlan(t *testing.T) {
	t.Parallel()
	tm := terms()
	cal := Calendar(tm, "UTC")
	now := time.Date(2026, 3, 6, 10, 0, 0, 0, stockholm) // Friday

	// The due time comes from the rule: three business days after Friday is
	// Wednesday 11 March, at the close of business.
	d := &Deliverable{Title: " Call list ", ServiceKey: "calls"}
	if err := d.Plan(tm, cal, stockholm, now, tandem.Date{}); err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2026, 3, 11, 17, 0, 0, 0, stockholm); !d.DueAt.Equal(want) || d.Acceptor != "Head of sales" ||
		d.Title != "Call list" || d.Priority != DefaultPriority || d.Status != StatusPlanned {
		t.Errorf("planned: %+v, want due %s", d, want)
	}
	// A due time given is kept.
	given := time.Date(2026, 4, 1, 12, 0, 0, 0, time.UTC)
	d = &Deliverable{Title: "x", ServiceKey: "calls", DueAt: given}
	if err := d.Plan(tm, cal, stockholm, now, tandem.Date{}); err != nil || !d.DueAt.Equal(given) {
		t.Errorf("given due: %v %v", d.DueAt, err)
	}
	// A service with no deadline rule needs a due time; an unknown service
	// is not owed.
	if got := fields((&Deliverable{Title: "x", ServiceKey: "ad-hoc"}).Plan(tm, cal, stockholm, now, tandem.Date{})); len(got) != 1 || got[0] != "due_at:validation.required" {
		t.Errorf("no due time: %v", got)
	}
	if got := fields((&Deliverable{Title: "x", ServiceKey: "gossip"}).Plan(tm, cal, stockholm, now, tandem.Date{})); len(got) != 1 || got[0] != "service_key:work.service_not_in_contract" {
		t.Errorf("unknown service: %v", got)
	}
	// Nothing is due before the engagement starts: due 1 April 12:00 UTC is
	// 1 April in Stockholm, refused for a start on 2 April, kept for 1 April.
	for start, want := range map[string]int{"2026-04-02": 1, "2026-04-01": 0} {
		on, _ := tandem.ParseDate(start)
		got := fields((&Deliverable{Title: "x", ServiceKey: "calls", DueAt: given}).Plan(tm, cal, stockholm, now, on))
		if len(got) != want || want == 1 && got[0] != "due_at:work.due_before_start" {
			t.Errorf("start %s: %v", start, got)
		}
	}
}

func TestDueBy(t *testing.T) {
	t.Parallel()
	cal := Calendar(terms(), "UTC")
	from := time.Date(2026, 3, 20, 10, 0, 0, 0, stockholm)
	for _, c := range []struct {
		rule contract.DeadlineRule
		want time.Time
	}{
		{contract.DeadlineRule{Kind: "day_of_month", N: 25}, time.Date(2026, 3, 25, 23, 59, 59, 0, stockholm)},
		{contract.DeadlineRule{Kind: "day_of_month", N: 15}, time.Date(2026, 4, 15, 23, 59, 59, 0, stockholm)}, // passed: next month
		{contract.DeadlineRule{Kind: "business_days", N: 1}, time.Date(2026, 3, 23, 17, 0, 0, 0, stockholm)},   // Friday → Monday
		{contract.DeadlineRule{Kind: "none"}, time.Time{}},
	} {
		if got := DueBy(c.rule, cal, from, stockholm); !got.Equal(c.want) {
			t.Errorf("DueBy(%+v) = %s, want %s", c.rule, got, c.want)
		}
	}
}

func TestMayAndChecks(t *testing.T) {
	t.Parallel()
	live := &engagement.Engagement{Status: engagement.StatusActive}
	draft := &engagement.Engagement{Status: engagement.StatusDraft}
	if !MayPlan(tandem.RoleVendorManager, live) || MayPlan(tandem.RoleVendorAgent, live) || MayPlan(tandem.RoleOwner, draft) {
		t.Error("MayPlan")
	}
	if tandem.ErrorCode(CheckPlan(draft)) != tandem.EConflict || CheckPlan(live) != nil {
		t.Error("CheckPlan")
	}
	submitted, planned := &Deliverable{Status: StatusSubmitted}, &Deliverable{Status: StatusPlanned}
	if !MayReview(tandem.RoleManager, submitted) || MayReview(tandem.RoleManager, planned) || MayReview(tandem.RoleVendorManager, submitted) {
		t.Error("MayReview")
	}
	if !MaySubmit(tandem.RoleVendorAgent, planned) || MaySubmit(tandem.RoleVendorAgent, submitted) || MaySubmit(tandem.RoleOwner, planned) {
		t.Error("MaySubmit")
	}
	if got := fields(CheckMove(StatusPlanned, StatusAccepted)); len(got) != 1 || got[0] != "status:work.bad_move" {
		t.Errorf("CheckMove: %v", got)
	}
	note := "  done  "
	if err := CheckSubmit(planned, &note, MaxFiles); err != nil || note != "done" {
		t.Errorf("CheckSubmit: %v %q", err, note)
	}
	if got := fields(CheckSubmit(planned, &note, MaxFiles+1)); len(got) != 1 || got[0] != "files:work.too_many_files" {
		t.Errorf("too many files: %v", got)
	}
	if err := CheckSubmit(submitted, &note, 0); tandem.ErrorCode(err) != tandem.EConflict {
		t.Errorf("submitted twice: %v", err)
	}
	if _, err := ReviewOf("maybe", "", ""); len(fields(err)) != 1 || fields(err)[0] != "decision:validation.one_of" {
		t.Errorf("ReviewOf: %v", err)
	}
}

func TestReviewApply(t *testing.T) {
	t.Parallel()
	cal := Calendar(terms(), "UTC")
	created := time.Date(2026, 3, 2, 9, 0, 0, 0, stockholm)
	due := time.Date(2026, 3, 9, 17, 0, 0, 0, stockholm) // Monday, close of business
	now := time.Date(2026, 3, 12, 9, 0, 0, 0, stockholm)
	d := &Deliverable{Title: "Call list", Status: StatusSubmitted, Submissions: 2, Returns: 1, DueAt: due, CreatedAt: created}

	// Submitted Wednesday 12:00: Tuesday's and Wednesday's openings are after
	// the due time, so it is 2 business days late; one return before: not
	// first time; lead time from creation to now is 10 days.
	accept, _ := ReviewOf(Accept, "quality", "")
	got, err := accept.Apply(d, time.Date(2026, 3, 11, 12, 0, 0, 0, stockholm), cal, now)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != StatusAccepted || got.Returns != 1 || !got.AcceptedAt.Equal(now) || got.LateDays != 2 || got.FirstTime ||
		got.LeadTime != 10*24*time.Hour || accept.Reason != "" || accept.Decision() != DecisionAccepted {
		t.Errorf("accepted: %+v (reason %q)", got, accept.Reason)
	}
	// Submitted at 17:30 the same day: not late; a first submission is first time.
	first := &Deliverable{Status: StatusSubmitted, Submissions: 1, DueAt: due, CreatedAt: created}
	if got, _ := accept.Apply(first, due.Add(30*time.Minute), cal, now); got.LateDays != 0 || !got.FirstTime {
		t.Errorf("on time, first time: %+v", got)
	}
	ret, _ := ReviewOf(Return, "incomplete", " missing Q2 ")
	got, err = ret.Apply(d, due, cal, now)
	if err != nil || got.Status != StatusReturned || got.Returns != 2 || !got.AcceptedAt.IsZero() || ret.Comment != "missing Q2" {
		t.Errorf("returned: %+v %v", got, err)
	}
	if m := ret.Told(d); m.Kind != "deliverable.returned" || m.To.Client || !m.To.Partner || m.Args["number"] != 2 {
		t.Errorf("told: %+v", m)
	}
	noReason, _ := ReviewOf(Return, "", "")
	if got := fields(func() error { _, err := noReason.Apply(d, due, cal, now); return err }()); len(got) != 1 || got[0] != "reason:validation.required" {
		t.Errorf("return without a reason: %v", got)
	}
	if _, err := accept.Apply(&Deliverable{Status: StatusAccepted}, due, cal, now); tandem.ErrorCode(err) != tandem.EConflict {
		t.Errorf("nothing to review: %v", err)
	}
	if m := d.Submitted(3); !m.To.Client || m.To.Partner || m.Kind != "deliverable.submitted" {
		t.Errorf("submitted: %+v", m)
	}
}

func TestOverdue(t *testing.T) {
	t.Parallel()
	due := time.Date(2026, 3, 6, 17, 0, 0, 0, stockholm)
	if (&Deliverable{Status: StatusInProgress, DueAt: due}).Overdue(due) || !(&Deliverable{Status: StatusSubmitted, DueAt: due}).Overdue(due.Add(time.Second)) ||
		(&Deliverable{Status: StatusAccepted, DueAt: due}).Overdue(due.Add(time.Hour)) {
		t.Error("Overdue")
	}
}

func TestCheckAssignee(t *testing.T) {
	t.Parallel()
	e := &engagement.Engagement{ID: 4, PartnerID: 9}
	for _, c := range []struct {
		a  Assignee
		ok bool
	}{
		{Assignee{Role: tandem.RoleVendorManager, PartnerID: 9}, true},
		{Assignee{Role: tandem.RoleVendorAgent, PartnerID: 9, Assigned: true}, true},
		{Assignee{Role: tandem.RoleVendorAgent, PartnerID: 9}, false},   // not on this engagement
		{Assignee{Role: tandem.RoleVendorManager, PartnerID: 8}, false}, // another partner's
		{Assignee{Role: tandem.RoleManager}, false},                     // the client's
		{Assignee{}, false}, // no membership
	} {
		err := CheckAssignee(c.a, e)
		if (err == nil) != c.ok || (err != nil && fields(err)[0] != "assignee_id:work.assignee_not_on_engagement") {
			t.Errorf("%+v: %v", c.a, err)
		}
	}
}
