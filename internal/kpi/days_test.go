package kpi

import (
	"slices"
	"testing"
	"time"
)

// March 2026 runs Sunday 1 to Tuesday 31: its whole ISO weeks are 2 – 29
// March, read weekly; 1 March and 30 – 31 March are read by day. With
// April (Wednesday 1 to Thursday 30) after it, the days at the month
// boundary merge into one range, 30 March – 5 April, and April's whole
// weeks are 6 – 26 April. A week period is its own whole week.
func TestCoverage(t *testing.T) {
	t.Parallel()
	weeks, days := Coverage([]Span{{"2026-03-01", "2026-04-01"}, {"2026-04-01", "2026-05-01"}})
	if want := []Span{{"2026-03-02", "2026-03-30"}, {"2026-04-06", "2026-04-27"}}; !slices.Equal(weeks, want) {
		t.Errorf("weeks %v, want %v", weeks, want)
	}
	if want := []Span{{"2026-03-01", "2026-03-02"}, {"2026-03-30", "2026-04-06"}, {"2026-04-27", "2026-05-01"}}; !slices.Equal(days, want) {
		t.Errorf("days %v, want %v", days, want)
	}
	weeks, days = Coverage([]Span{{"2026-12-28", "2027-01-04"}}) // 2026-W53
	if !slices.Equal(weeks, []Span{{"2026-12-28", "2027-01-04"}}) || len(days) != 0 {
		t.Errorf("W53: %v %v", weeks, days)
	}
	if w, _ := WeekOf("2027-01-03"); w != "2026-12-28" || AddDays("2026-02-28", 1) != "2026-03-01" || AddDays("2028-02-28", 1) != "2028-02-29" {
		t.Error("day arithmetic")
	}
}

func TestDayCache(t *testing.T) {
	t.Parallel()
	if Zone("Nowhere/Atlantis") != time.UTC {
		t.Fatal("an unknown zone is not UTC")
	}
	sto := Zone("Europe/Stockholm")
	if sto.String() != "Europe/Stockholm" || Zone("Europe/Stockholm") != sto {
		t.Fatalf("Zone(Europe/Stockholm) = %v", sto)
	}
	c := DayCache{Loc: sto}
	// In Stockholm (UTC+1 in winter) 23:30 UTC on Sunday 1 March 2026 is
	// already Monday 2 March, the Monday of its own week; 22:59 UTC is still
	// Sunday, of the week of Monday 23 February. Asked again, in and out of
	// order, the cached day answers the same.
	for _, c2 := range []struct {
		at        time.Time
		day, week string
	}{
		{time.Date(2026, 3, 1, 23, 30, 0, 0, time.UTC), "2026-03-02", "2026-03-02"},
		{time.Date(2026, 3, 2, 22, 59, 0, 0, time.UTC), "2026-03-02", "2026-03-02"},
		{time.Date(2026, 3, 2, 23, 0, 0, 0, time.UTC), "2026-03-03", "2026-03-02"},
		{time.Date(2026, 3, 1, 22, 59, 0, 0, time.UTC), "2026-03-01", "2026-02-23"},
		{time.Date(2026, 3, 1, 23, 0, 0, 0, time.UTC), "2026-03-02", "2026-03-02"},
		// Sunday 29 March 2026 has 23 hours in Stockholm (clocks go forward
		// at 01:00 UTC): it starts at 23:00 UTC on the 28th and ends at
		// 22:00 UTC.
		{time.Date(2026, 3, 28, 23, 0, 0, 0, time.UTC), "2026-03-29", "2026-03-23"},
		{time.Date(2026, 3, 29, 21, 59, 0, 0, time.UTC), "2026-03-29", "2026-03-23"},
		{time.Date(2026, 3, 29, 22, 0, 0, 0, time.UTC), "2026-03-30", "2026-03-30"},
	} {
		day, week := c.Of(c2.at)
		if day != c2.day || week != c2.week {
			t.Errorf("Of(%v) = %s, %s; want %s, %s", c2.at, day, week, c2.day, c2.week)
		}
	}
}
