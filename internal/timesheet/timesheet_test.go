package timesheet

import (
	"testing"

	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/invoice"
	"github.com/tandemhq/tandem/internal/tandem"
)

func day(s string) tandem.Date {
	d, err := tandem.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func fields(err error) map[string]string {
	out := map[string]string{}
	for _, f := range tandem.FieldErrors(err) {
		out[f.Field] = string(f.Key)
	}
	return out
}

func TestCheck(t *testing.T) {
	t.Parallel()
	services := []contract.Service{{Key: "outbound-calls"}, {Key: "lead-qualification"}}
	today := day("2026-11-20")
	ok := func() *Entry {
		return &Entry{Day: day("2026-11-20"), Minutes: 90, Service: "outbound-calls", Note: "Calls"}
	}
	e := ok()
	if err := Check(e, today, services, 0, false); err != nil || e.State != Pending {
		t.Fatalf("a valid entry: %v, state %q", err, e.State)
	}
	for name, tc := range map[string]struct {
		edit   func(*Entry)
		other  int64
		closed bool
		field  string
		key    string
	}{
		"future day":       {edit: func(e *Entry) { e.Day = day("2026-11-21") }, field: "day", key: "time.future_day"},
		"no day":           {edit: func(e *Entry) { e.Day = tandem.Date{} }, field: "day", key: "validation.required"},
		"zero minutes":     {edit: func(e *Entry) { e.Minutes = 0 }, field: "minutes", key: "time.bad_minutes"},
		"negative minutes": {edit: func(e *Entry) { e.Minutes = -30 }, field: "minutes", key: "time.bad_minutes"},
		"over a day":       {edit: func(e *Entry) { e.Minutes = 24*60 + 1 }, field: "minutes", key: "time.bad_minutes"},
		// 23 h recorded already + 1 h 30 min = 24 h 30 min > 24 h.
		"day full":        {other: 23 * 60, field: "minutes", key: "time.day_full"},
		"unknown service": {edit: func(e *Entry) { e.Service = "gardening" }, field: "service", key: "time.unknown_service"},
		"no service":      {edit: func(e *Entry) { e.Service = " " }, field: "service", key: "validation.required"},
	} {
		e := ok()
		if tc.edit != nil {
			tc.edit(e)
		}
		e.Normalize()
		err := Check(e, today, services, tc.other, tc.closed)
		if got := fields(err)[tc.field]; got != tc.key {
			t.Errorf("%s: %v, want %s on %s", name, err, tc.key, tc.field)
		}
	}
	// Exactly 24 hours in one day is allowed: 22 h 30 min + 1 h 30 min.
	if err := Check(ok(), today, services, 22*60+30, false); err != nil {
		t.Errorf("24 h in a day: %v", err)
	}
	if err := Check(ok(), today, services, 0, true); err != ErrClosed {
		t.Errorf("closed period: %v", err)
	}
}

func TestDecide(t *testing.T) {
	t.Parallel()
	e := &Entry{ID: 7, State: Pending, Person: "Agnes", Day: day("2026-11-03"), Minutes: 150, Service: "s"}
	if _, ok := e.Priced(); ok {
		t.Error("a pending entry is priced")
	}
	if _, err := e.Decide(false, " ", false); fields(err)["reason"] != "validation.required" {
		t.Errorf("reject without a reason: %v", err)
	}
	if _, err := e.Decide(true, "", true); err != ErrClosed {
		t.Errorf("approve in a closed period: %v", err)
	}
	action, err := e.Decide(true, "", false)
	if err != nil || action != "time.approved" || e.State != Approved {
		t.Fatalf("approve: %s %v %s", action, err, e.State)
	}
	got, ok := e.Priced()
	want := invoice.TimeEntry{Ref: "time:7", Person: "Agnes", Day: "2026-11-03", Minutes: 150, Service: "s"}
	if !ok || got != want {
		t.Errorf("priced %+v %v, want %+v", got, ok, want)
	}
	if _, err := e.Decide(false, "Not ours", false); err != ErrNotPending {
		t.Errorf("reject an approved entry: %v", err)
	}
	r := &Entry{State: Pending}
	if action, err := r.Decide(false, " Not in scope ", false); err != nil || action != "time.rejected" || r.State != Rejected || r.Reason != "Not in scope" {
		t.Errorf("reject: %s %v %+v", action, err, r)
	}
}

func TestClosed(t *testing.T) {
	t.Parallel()
	if Closed("") || Closed(invoice.StatusDraft) || !Closed("issued") {
		t.Error("only an invoice no longer a draft closes its period")
	}
}

func TestParseHours(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]int64{"1:30": 90, "0:45": 45, "2": 120, "1.5": 90, "1,25": 75, " 7,5 ": 450, "0.05": 3, "24": 1440, "10:00": 600} {
		if got, ok := ParseHours(in); !ok || got != want {
			t.Errorf("%q = %d %v, want %d", in, got, ok, want)
		}
	}
	// 1.33 h = 79.8 min is no whole number of minutes.
	for _, in := range []string{"", "1.33", "1:5", "1:60", "-1", "abc", "1.2.3", "1h", "1,", ":30", "12345"} {
		if got, ok := ParseHours(in); ok {
			t.Errorf("%q = %d, want refused", in, got)
		}
	}
}
