package report

import (
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/tandem"
)

func TestWeeks(t *testing.T) {
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
	r := Report{Done: "x", Asks: string(make([]byte, 8001))}
	if fe := tandem.FieldErrors(r.Validate()); len(fe) != 1 || fe[0].Field != "asks" {
		t.Errorf("report: %v", fe)
	}
}
