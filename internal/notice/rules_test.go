package notice

import (
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/engagement"
	"github.com/tandemhq/tandem/internal/sla"
	"github.com/tandemhq/tandem/internal/tandem"
	"github.com/tandemhq/tandem/internal/work"
)

// noticeTerms: Monday–Friday 08:00–17:00 in Stockholm, a deadline notice
// due 24 business hours ahead with a 2 500 SEK penalty.
func noticeTerms(t *testing.T) (contract.Terms, *sla.Calendar, *time.Location) {
	tm := contract.Terms{
		Calendar: contract.Calendar{TimeZone: "Europe/Stockholm", WorkDays: []int{1, 2, 3, 4, 5}, DayStart: "08:00", DayEnd: "17:00"},
		Notices: []contract.NoticeDuty{{Category: CategoryDeadline, WithinHours: 24, PenaltyMinor: 250000},
			{Category: "missing_information", WithinHours: 8}},
		Price: contract.Price{Currency: "SEK"},
	}
	cal, err := sla.Compile(tm.Calendar)
	if err != nil {
		t.Fatal(err)
	}
	return tm, cal, cal.Location()
}

func codes(err error) []string {
	var out []string
	for _, f := range tandem.FieldErrors(err) {
		out = append(out, f.Field+":"+string(f.Key))
	}
	return out
}

func TestFile(t *testing.T) {
	t.Parallel()
	tm, cal, loc := noticeTerms(t)
	due := time.Date(2026, 3, 6, 17, 0, 0, 0, loc) // Friday
	d := &work.Deliverable{ID: 7, Title: "Call list", DueAt: due}
	p := tandem.Principal{WorkspaceID: 1, UserID: 3, UserName: "Aleksei"}

	// Wednesday 16:00: Wed 1 h + Thu 9 h + Fri 9 h = 19 business hours, short of 24.
	n := &Notice{Category: CategoryDeadline, DeliverableID: 7, Text: " We cannot make it "}
	lead, err := n.File(tm, d, cal, p, time.Date(2026, 3, 4, 16, 0, 0, 0, loc))
	if err != nil || lead != 19*time.Hour || n.Timely || !n.DueAt.Equal(due) || n.DeliverableTitle != "Call list" ||
		n.FiledBy != 3 || n.Text != "We cannot make it" {
		t.Errorf("late deadline notice: lead %v, %+v, %v", lead, n, err)
	}
	// Tuesday 16:00: 28 hours, timely.
	n = &Notice{Category: CategoryDeadline, DeliverableID: 7, Text: "x"}
	if lead, _ := n.File(tm, d, cal, p, time.Date(2026, 3, 3, 16, 0, 0, 0, loc)); lead != 28*time.Hour || !n.Timely {
		t.Errorf("timely deadline notice: lead %v, timely %v", lead, n.Timely)
	}
	// Another category has no due time to judge it by: timely, no lead.
	n = &Notice{Category: "missing_information", DeliverableID: 7, Text: "x"}
	if lead, _ := n.File(tm, d, cal, p, time.Date(2026, 3, 6, 16, 59, 0, 0, loc)); lead != 0 || !n.Timely || !n.DueAt.IsZero() {
		t.Errorf("other notice: lead %v, %+v", lead, n)
	}
	// A deliverable that is not the engagement's, and a category not in the contract.
	n = &Notice{Category: "gossip", DeliverableID: 9, Text: "x"}
	if got := codes(func() error { _, err := n.File(tm, nil, cal, p, due); return err }()); len(got) != 2 ||
		got[0] != "category:notice.category_not_in_contract" || got[1] != "deliverable_id:notice.unknown_deliverable" {
		t.Errorf("bad notice: %v", got)
	}
	if m := n.Filed(); m.Kind != "notice.filed" || !m.To.Client || m.To.Partner {
		t.Errorf("filed: %+v", m)
	}
}

func TestAcknowledge(t *testing.T) {
	t.Parallel()
	_, _, loc := noticeTerms(t)
	now := time.Date(2026, 3, 5, 9, 0, 0, 0, loc)
	n := &Notice{ID: 1, DeliverableID: 7, FiledBy: 3, DueAt: time.Date(2026, 3, 6, 17, 0, 0, 0, loc)}
	d := &work.Deliverable{ID: 7, Status: work.StatusInProgress, DueAt: time.Date(2026, 3, 6, 16, 30, 0, 0, loc)}

	// A date typed on the form keeps the deliverable's time of day, in the
	// workspace's zone, across the change to summer time on 29 March.
	day, _ := tandem.ParseDate("2026-03-31")
	a := Ack{NewDueOn: day}
	if err := a.Acknowledge(n, d, loc, now); err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2026, 3, 31, 14, 30, 0, 0, time.UTC); !a.NewDueAt.Equal(want) || a.NewDueAt.Location() != time.UTC {
		t.Errorf("new due = %s, want %s", a.NewDueAt, want)
	}
	// Without a deliverable the form's date is refused; in the past too.
	a = Ack{NewDueOn: day}
	if got := codes(a.Acknowledge(&Notice{FiledBy: 3}, nil, loc, now)); len(got) != 1 || got[0] != "new_due_at:notice.no_deliverable" {
		t.Errorf("no deliverable: %v", got)
	}
	a = Ack{NewDueAt: now.Add(-time.Hour)}
	if got := codes(a.Acknowledge(n, d, loc, now)); len(got) != 1 || got[0] != "new_due_at:notice.due_in_past" {
		t.Errorf("past: %v", got)
	}
	a = Ack{NewDueAt: now.Add(time.Hour)}
	if got := codes(a.Acknowledge(n, nil, loc, now)); len(got) != 1 || got[0] != "new_due_at:notice.unknown_deliverable" {
		t.Errorf("deliverable gone: %v", got)
	}
	if err := a.Acknowledge(n, &work.Deliverable{Status: work.StatusAccepted}, loc, now); tandem.ErrorCode(err) != tandem.EConflict {
		t.Errorf("accepted deliverable: %v", err)
	}
	if err := (&Ack{}).Acknowledge(&Notice{AcknowledgedAt: now}, nil, loc, now); tandem.ErrorCode(err) != tandem.EConflict {
		t.Errorf("acknowledged twice: %v", err)
	}
	if m := n.AcknowledgedMessage(); !m.To.Partner || m.To.Client || len(m.To.Users) != 1 || m.To.Users[0] != 3 {
		t.Errorf("acknowledged: %+v", m)
	}
}

func TestPenaltyOwed(t *testing.T) {
	t.Parallel()
	tm, cal, loc := noticeTerms(t)
	due := time.Date(2026, 3, 6, 17, 0, 0, 0, loc)
	after := time.Date(2026, 3, 9, 9, 0, 0, 0, loc)
	at := func(day, hour int) time.Time { return time.Date(2026, 3, day, hour, 0, 0, 0, loc) }
	open := &work.Deliverable{ID: 7, Title: "Call list", Status: work.StatusInProgress, DueAt: due}
	for _, c := range []struct {
		name      string
		d         *work.Deliverable
		submitted time.Time
		filings   []Filing
		now       time.Time
		owed      bool
		late      int
	}{
		{"silent", open, time.Time{}, nil, after, true, 0},
		{"timely notice", open, time.Time{}, []Filing{{FiledAt: at(3, 16)}}, after, false, 0},
		{"late notices", open, time.Time{}, []Filing{{FiledAt: at(4, 16)}, {FiledAt: at(5, 12)}}, after, true, 2},
		{"the notice moved an earlier date", open, time.Time{}, []Filing{{FiledAt: at(2, 9), NewDueAt: due}}, after, true, 0},
		{"not yet due", open, time.Time{}, nil, due, false, 0},
		{"accepted", &work.Deliverable{Status: work.StatusAccepted, DueAt: due}, time.Time{}, nil, after, false, 0},
		{"submitted in time, held by the client", &work.Deliverable{Status: work.StatusSubmitted, DueAt: due}, at(6, 16), nil, after, false, 0},
		{"submitted late", &work.Deliverable{Status: work.StatusSubmitted, DueAt: due}, at(6, 18), nil, after, true, 0},
	} {
		x, owed := PenaltyOwed(c.d, c.submitted, tm, cal, c.filings, c.now)
		if owed != c.owed {
			t.Errorf("%s: owed = %v", c.name, owed)
			continue
		}
		if owed && (x.AmountMinor != 250000 || x.Currency != "SEK" || x.LateNotices != c.late || x.NoticeFiled != (c.late > 0) ||
			x.WithinHours != 24 || !x.DueAt.Equal(due)) {
			t.Errorf("%s: %+v", c.name, x)
		}
	}
	noDuty := tm
	noDuty.Notices = noDuty.Notices[1:]
	if _, owed := PenaltyOwed(open, time.Time{}, noDuty, cal, nil, after); owed {
		t.Error("penalty without a deadline duty")
	}
	x, _ := PenaltyOwed(open, time.Time{}, tm, cal, nil, after)
	if m := x.Told(); m.Kind != "penalty.late_notice" || !m.To.Client || m.Args["amount_minor"] != int64(250000) {
		t.Errorf("told: %+v", m)
	}
}

func TestMay(t *testing.T) {
	t.Parallel()
	live, ended := &engagement.Engagement{Status: engagement.StatusPilot}, &engagement.Engagement{Status: engagement.StatusEnded}
	if !MayFile(tandem.RoleVendorAgent, live) || MayFile(tandem.RoleVendorAgent, ended) || MayFile(tandem.RoleOwner, live) {
		t.Error("MayFile")
	}
	if tandem.ErrorCode(CheckLive(ended)) != tandem.EConflict {
		t.Error("CheckLive")
	}
	if !MayAcknowledge(tandem.RoleManager, &Notice{}) || MayAcknowledge(tandem.RoleManager, &Notice{AcknowledgedAt: time.Now()}) ||
		MayAcknowledge(tandem.RoleViewer, &Notice{}) {
		t.Error("MayAcknowledge")
	}
}
