package work

import "testing"

// Five accepted deliverables, worked out by hand:
//
//	late days 0, 0, 2, 0, 3 → on time 3 of 5; mean 1; Σx² = 13;
//	  σ = sqrt((5·13 − 5²) / 25) = sqrt(40/25) = sqrt(1.6) = 1.2649… → 126 hundredths
//	returns  0, 1, 0, 2, 0 → first time 3 of 5; returns 3
//	lead (h) 10, 50, 20, 40, 30 → sorted 10 20 30 40 50;
//	  p50 rank ceil(2.5) = 3 → 30 h; p90 rank ceil(4.5) = 5 → 50 h
func TestCompute(t *testing.T) {
	t.Parallel()
	h := int64(3600)
	f := Compute([]Outcome{
		{LateDays: 0, Returns: 0, LeadTime: 10 * h},
		{LateDays: 0, Returns: 1, LeadTime: 50 * h},
		{LateDays: 2, Returns: 0, LeadTime: 20 * h},
		{LateDays: 0, Returns: 2, LeadTime: 40 * h},
		{LateDays: 3, Returns: 0, LeadTime: 30 * h},
	})
	want := Figures{Accepted: 5, OnTime: 3, FirstTime: 3, Returns: 3, LatenessSpread: 126, LeadTimeP50: 30 * h, LeadTimeP90: 50 * h}
	if f != want {
		t.Fatalf("got %+v\nwant %+v", f, want)
	}
	if got := Compute(nil); got != (Figures{}) {
		t.Fatalf("no outcomes: %+v", got)
	}
	// All equally late: no spread. One value: p50 = p90 = it.
	if f := Compute([]Outcome{{LateDays: 4, LeadTime: 7}, {LateDays: 4, LeadTime: 7}}); f.LatenessSpread != 0 || f.OnTime != 0 || f.LeadTimeP90 != 7 {
		t.Fatalf("equal lateness: %+v", f)
	}
	// σ of 0 and 1 = 0.5 exactly → 50; of 0, 0, 1 = sqrt(2)/3 = 0.4714 → 47.
	if s := Compute([]Outcome{{LateDays: 0}, {LateDays: 1}}).LatenessSpread; s != 50 {
		t.Fatalf("σ(0,1) = %d", s)
	}
	if s := Compute([]Outcome{{LateDays: 0}, {LateDays: 0}, {LateDays: 1}}).LatenessSpread; s != 47 {
		t.Fatalf("σ(0,0,1) = %d", s)
	}
}

func TestReviewAndMoves(t *testing.T) {
	t.Parallel()
	r := Review{Accepted: false}
	if r.Validate() == nil {
		t.Fatal("a return without a reason passed")
	}
	r = Review{Accepted: false, Reason: "bad"}
	if r.Validate() == nil {
		t.Fatal("an unknown reason passed")
	}
	r = Review{Accepted: true, Reason: "quality"}
	if r.Validate() != nil || r.Reason != "" {
		t.Fatal("an acceptance keeps a reason")
	}
	if !CanMove(StatusPlanned, StatusInProgress) || CanMove(StatusSubmitted, StatusAccepted) || CanMove(StatusAccepted, StatusPlanned) {
		t.Fatal("moves")
	}
	if CanSubmit(StatusSubmitted) || CanSubmit(StatusAccepted) || !CanSubmit(StatusReturned) {
		t.Fatal("submit")
	}
}
