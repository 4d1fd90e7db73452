package notice

import (
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/sla"
	"github.com/tandemhq/tandem/internal/tandem"
)

func TestTimely(t *testing.T) {
	t.Parallel()
	cal, err := sla.Compile(contract.Calendar{TimeZone: "Europe/Stockholm", WorkDays: []int{1, 2, 3, 4, 5}, DayStart: "08:00", DayEnd: "17:00"})
	if err != nil {
		t.Fatal(err)
	}
	loc := cal.Location()
	at := func(day, hour int) time.Time { return time.Date(2026, 3, day, hour, 0, 0, 0, loc) }
	due := at(6, 17) // Friday 6 March 2026, 17:00
	for _, c := range []struct {
		filed  time.Time
		within int
		want   bool
		lead   time.Duration
	}{
		{at(3, 16), 24, true, 28 * time.Hour},  // Tue 1 + Wed 9 + Thu 9 + Fri 9
		{at(4, 11), 24, true, 24 * time.Hour},  // exactly the duty
		{at(4, 12), 24, false, 23 * time.Hour}, // an hour short
		{at(4, 16), 24, false, 19 * time.Hour},
		{at(5, 12), 24, false, 14 * time.Hour},
		{at(6, 16), 0, true, time.Hour},       // no duty of hours: any time before
		{at(6, 17), 0, false, 0},              // at the due time is too late
		{at(7, 10), 0, false, 0},              // after it, too
		{at(1, 12), 45, true, 45 * time.Hour}, // Sunday counts from Monday's opening
	} {
		if got := Timely(cal, c.within, c.filed, due); got != c.want {
			t.Errorf("Timely(%d h, %s) = %v, want %v", c.within, c.filed.Format("Mon 2 15:04"), got, c.want)
		}
		if got := Lead(cal, c.filed, due); got != c.lead {
			t.Errorf("Lead(%s) = %v, want %v", c.filed.Format("Mon 2 15:04"), got, c.lead)
		}
	}
}

func TestWeeks(t *testing.T) {
	t.Parallel()
	loc, _ := time.LoadLocation("Europe/Stockholm")
	// Sunday 8 March 2026 23:30 in Stockholm is still the week of Monday 2 March.
	if w := WeekOf(time.Date(2026, 3, 8, 22, 30, 0, 0, time.UTC), loc); w.String() != "2026-03-02" {
		t.Errorf("WeekOf Sunday night = %s", w)
	}
	if w := WeekOf(time.Date(2026, 3, 8, 23, 30, 0, 0, time.UTC), loc); w.String() != "2026-03-09" {
		t.Errorf("WeekOf Monday 00:30 local = %s", w)
	}
	for in, want := range map[string]string{"2026-03-02": "2026-03-02", "2026-W10": "2026-03-02", "2026-w01": "2025-12-29", "2020-W53": "2020-12-28"} {
		w, err := ParseWeek(in)
		if err != nil || w.String() != want {
			t.Errorf("ParseWeek(%q) = %s, %v; want %s", in, w, err, want)
		}
	}
	for _, in := range []string{"", "2026-03-03", "2026-W54", "2026-W00", "2025-W53", "monday"} {
		if _, err := ParseWeek(in); tandem.ErrorCode(err) != tandem.EInvalid {
			t.Errorf("ParseWeek(%q) accepted", in)
		}
	}
	if l := WeekLabel(tandem.DateOf(time.Date(2025, 12, 29, 0, 0, 0, 0, time.UTC))); l != "2026-W01" {
		t.Errorf("WeekLabel = %s", l)
	}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	n := Notice{Category: CategoryDeadline, Text: " "}
	n.Normalize()
	err := n.Validate([]string{CategoryDeadline})
	if fe := tandem.FieldErrors(err); len(fe) != 2 || fe[0].Field != "text" || fe[1].Field != "deliverable_id" {
		t.Errorf("notice: %v", err)
	}
	d := Decision{Status: StatusDeclined}
	if fe := tandem.FieldErrors(d.Validate()); len(fe) != 1 || fe[0].Field != "comment" {
		t.Errorf("decline without comment: %v", fe)
	}
	r := Report{Done: "x", Asks: string(make([]byte, 8001))}
	if fe := tandem.FieldErrors(r.Validate()); len(fe) != 1 || fe[0].Field != "asks" {
		t.Errorf("report: %v", fe)
	}
}
