package kpi

import "testing"

func TestTurnedOffTrack(t *testing.T) {
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
