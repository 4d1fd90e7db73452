package kpi

import (
	"slices"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/contract"
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

func TestOffTrackMessage(t *testing.T) {
	t.Parallel()
	r := Row{Score: 4250, Status: OffTrack}
	r.KPI.Name = "On time"
	if m := OffTrackMessage(r, "2026-03", "Support desk", true); m.Kind != AlertKPIOffPace {
		t.Errorf("a projected one is %s, want %s", m.Kind, AlertKPIOffPace)
	}
	m := OffTrackMessage(r, "2026-03", "Support desk", false)
	if m.Kind != AlertKPIOffTrack || !m.To.Client || !m.To.Partner || len(m.To.Users) != 0 {
		t.Fatalf("OffTrackMessage = %+v, want both sides told of %s", m, AlertKPIOffTrack)
	}
	// The deciders 1 and 2 and the partner's 3 are told, the actor (the
	// scheduler, 0) is not, each once.
	if got := m.To.Recipients(0, []int64{1, 2}, []int64{3, 2}); !slices.Equal(got, []int64{1, 2, 3}) {
		t.Errorf("recipients %v, want [1 2 3]", got)
	}
	if m.Args["kpi"] != "On time" || m.Args["period"] != "2026-03" || m.Args["engagement"] != "Support desk" || m.Args["score"] != 4250 {
		t.Errorf("args %v", m.Args)
	}
}

func TestKindsInUse(t *testing.T) {
	t.Parallel()
	var v1, v2 contract.Version
	v1.Terms.KPIs = []contract.KPI{{Key: "a", Period: Month}, {Key: "b", Period: Month}}
	v2.Terms.KPIs = []contract.KPI{{Key: "a", Period: Quarter}}
	got := KindsInUse([]contract.Version{v1, v2})
	if len(got) != 2 || !got[Month] || !got[Quarter] || got[Week] {
		t.Fatalf("KindsInUse = %v, want month and quarter", got)
	}
	if len(KindsInUse(nil)) != 0 {
		t.Fatal("no versions, kinds in use")
	}
}
