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

func TestValidate(t *testing.T) {
	t.Parallel()
	n := Notice{Category: CategoryDeadline, Text: " "}
	n.Normalize()
	err := n.Validate([]string{CategoryDeadline})
	if fe := tandem.FieldErrors(err); len(fe) != 2 || fe[0].Field != "text" || fe[1].Field != "deliverable_id" {
		t.Errorf("notice: %v", err)
	}
}
