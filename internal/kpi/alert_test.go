package kpi

import (
	"slices"
	"testing"
	"time"
)

func TestTurnedOffTrack(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		previous, status Status
		want             bool
	}{
		{"", OffTrack, true},        // first evaluation of the period, off track
		{OnTrack, OffTrack, true},   // turned
		{AtRisk, OffTrack, true},    // turned
		{OffTrack, OffTrack, false}, // still off track: already raised
		{OffTrack, OnTrack, false},  // recovered
		{"", OnTrack, false},
		{"", AtRisk, false},
		{OnTrack, AtRisk, false},
	} {
		if got := TurnedOffTrack(c.previous, c.status); got != c.want {
			t.Errorf("TurnedOffTrack(%q, %q) = %v, want %v", c.previous, c.status, got, c.want)
		}
	}
}

func TestEvaluatedPeriods(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 4, 1, 2, 0, 0, 0, time.UTC) // a Wednesday, the first day of April and of Q2
	var got []string
	for _, p := range EvaluatedPeriods(map[string]bool{Quarter: true, Week: true}, at, time.UTC) {
		got = append(got, p.Kind+" "+p.Start.Format(time.DateOnly))
	}
	want := []string{"week 2026-03-23", "week 2026-03-30", "quarter 2026-01-01", "quarter 2026-04-01"}
	if !slices.Equal(got, want) {
		t.Errorf("EvaluatedPeriods = %v, want %v", got, want)
	}
	if n := len(EvaluatedPeriods(nil, at, time.UTC)); n != 0 {
		t.Errorf("no kinds in use: %d periods", n)
	}
}
