package kpi

import (
	"slices"
	"testing"
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
