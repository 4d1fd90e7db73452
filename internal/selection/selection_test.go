package selection

import (
	"strings"
	"testing"

	"github.com/tandemhq/tandem/internal/tandem"
)

// Three criteria weighted 50/30/20, two candidates, three reviewers. The
// expected values are worked out by hand below each score line:
// total = Σ w·(s−1) / (4·Σw) × 100, with Σw = 100.
func handWorked() (*Selection, []Score) {
	s := &Selection{
		Candidates: []Candidate{{PartnerID: 10, Name: "Beta"}, {PartnerID: 20, Name: "Alpha"}},
		Criteria:   []Criterion{{ID: 1, Weight: 50}, {ID: 2, Weight: 30}, {ID: 3, Weight: 20}},
		Reviewers:  []Reviewer{{UserID: 101}, {UserID: 102}, {UserID: 103}},
	}
	var scores []Score
	add := func(reviewer, partner int64, values ...int) {
		for i, v := range values {
			scores = append(scores, Score{ReviewerID: reviewer, PartnerID: partner, CriterionID: int64(i + 1), Value: v})
		}
	}
	add(101, 20, 5, 4, 3) // Alpha: 50·4 + 30·3 + 20·2 = 330 → 82.5
	add(102, 20, 4, 4, 4) // Alpha: 50·3 + 30·3 + 20·3 = 300 → 75.0
	add(103, 20, 3, 5, 2) // Alpha: 50·2 + 30·4 + 20·1 = 240 → 60.0
	add(101, 10, 4, 3, 5) // Beta:  50·3 + 30·2 + 20·4 = 290 → 72.5
	add(102, 10, 5, 3, 1) // Beta:  50·4 + 30·2 + 20·0 = 260 → 65.0
	add(103, 10, 4, 5, 4) // Beta:  50·3 + 30·4 + 20·3 = 330 → 82.5
	return s, scores
}

func TestResultsHandWorked(t *testing.T) {
	t.Parallel()
	s, scores := handWorked()
	rs := Results(s, scores)
	type row struct {
		name                  string
		totals                [3]int64 // tenths
		median, mean, spread  int64    // tenths
		rank, reviews, scored int
	}
	want := []row{
		// Alpha: median 75.0; mean (82.5+75+60)/3 = 72.5; spread 82.5−60 = 22.5.
		{"Alpha", [3]int64{825, 750, 600}, 750, 725, 225, 1, 3, 3},
		// Beta: median 72.5; mean (72.5+65+82.5)/3 = 73.33… → 73.3; spread 17.5.
		// Beta's mean is higher, but the median ranks.
		{"Beta", [3]int64{725, 650, 825}, 725, 733, 175, 2, 3, 3},
	}
	if len(rs) != len(want) {
		t.Fatalf("%d results", len(rs))
	}
	for i, w := range want {
		r := rs[i]
		if r.Name != w.name || r.Rank != w.rank || r.Reviews != w.reviews {
			t.Errorf("row %d: %s rank %d reviews %d; want %+v", i, r.Name, r.Rank, r.Reviews, w)
		}
		for j, tot := range r.Totals {
			if !tot.Complete || tot.Total.Tenths() != w.totals[j] || tot.Scored != w.scored {
				t.Errorf("%s reviewer %d: %+v (%d), want %d", r.Name, j, tot, tot.Total.Tenths(), w.totals[j])
			}
		}
		if r.Median.Tenths() != w.median || r.Mean.Tenths() != w.mean || r.Spread.Tenths() != w.spread {
			t.Errorf("%s: median %d mean %d spread %d, want %d %d %d", r.Name,
				r.Median.Tenths(), r.Mean.Tenths(), r.Spread.Tenths(), w.median, w.mean, w.spread)
		}
	}
	// Exact, not rounded: Alpha's total from reviewer 1 is 33000/400.
	if got := rs[0].Totals[0].Total; got.Num != 33000 || got.Den != 400 {
		t.Errorf("exact total %+v", got)
	}
}

func TestResultsEdgeCases(t *testing.T) {
	t.Parallel()
	t.Run("even reviewers take the mean of the middle two, rounded half up", func(t *testing.T) {
		s, scores := handWorked()
		s.Reviewers = s.Reviewers[:2]
		rs := Results(s, scores)
		// Alpha: (82.5 + 75.0)/2 = 78.75 → 78.8; Beta: (72.5 + 65.0)/2 = 68.75 → 68.8.
		if rs[0].Name != "Alpha" || rs[0].Median.Tenths() != 788 || rs[1].Median.Tenths() != 688 {
			t.Errorf("medians %d %d", rs[0].Median.Tenths(), rs[1].Median.Tenths())
		}
	})
	t.Run("half up", func(t *testing.T) {
		// Weights 1 and 15: scores 5 and 1 give (1·4 + 15·0)/(4·16)·100 = 6.25 → 6.3.
		s := &Selection{Candidates: []Candidate{{PartnerID: 1, Name: "X"}},
			Criteria: []Criterion{{ID: 1, Weight: 1}, {ID: 2, Weight: 15}}, Reviewers: []Reviewer{{UserID: 7}}}
		rs := Results(s, []Score{{ReviewerID: 7, PartnerID: 1, CriterionID: 1, Value: 5}, {ReviewerID: 7, PartnerID: 1, CriterionID: 2, Value: 1}})
		if got := rs[0].Totals[0].Total.Tenths(); got != 63 {
			t.Errorf("6.25 shown as %d tenths, want 63", got)
		}
	})
	t.Run("incomplete reviews do not count", func(t *testing.T) {
		s, scores := handWorked()
		// Drop reviewer 103's score for Alpha on criterion 3.
		var kept []Score
		for _, x := range scores {
			if !(x.ReviewerID == 103 && x.PartnerID == 20 && x.CriterionID == 3) {
				kept = append(kept, x)
			}
		}
		rs := Results(s, kept)
		// Alpha now has 82.5 and 75.0: median 78.75 → 78.8, still first.
		alpha := rs[0]
		if alpha.Name != "Alpha" || alpha.Reviews != 2 || alpha.Totals[2].Complete || alpha.Totals[2].Scored != 2 || alpha.Median.Tenths() != 788 {
			t.Errorf("alpha %+v", alpha)
		}
	})
	t.Run("ties by mean, then name; unscored last", func(t *testing.T) {
		s := &Selection{
			Candidates: []Candidate{{PartnerID: 1, Name: "Zeta"}, {PartnerID: 2, Name: "Eta"}, {PartnerID: 3, Name: "Theta"}, {PartnerID: 4, Name: "Nobody"}},
			Criteria:   []Criterion{{ID: 1, Weight: 1}},
			Reviewers:  []Reviewer{{UserID: 1}, {UserID: 2}, {UserID: 3}},
		}
		var sc []Score
		set := func(p int64, vs ...int) {
			for i, v := range vs {
				sc = append(sc, Score{ReviewerID: int64(i + 1), PartnerID: p, CriterionID: 1, Value: v})
			}
		}
		set(1, 3, 3, 5) // median 50, mean 66.7
		set(2, 3, 3, 3) // median 50, mean 50
		set(3, 3, 3, 3) // median 50, mean 50: tie with Eta, Eta first by name
		rs := Results(s, sc)
		var got []string
		for _, r := range rs {
			got = append(got, r.Name+":"+string(rune('0'+r.Rank)))
		}
		if strings.Join(got, " ") != "Zeta:1 Eta:2 Theta:3 Nobody:0" {
			t.Errorf("ranking %v", got)
		}
		if rs[3].Median.Valid() || rs[3].Reviews != 0 {
			t.Errorf("unscored: %+v", rs[3])
		}
	})
	t.Run("scores out of range or for unknown criteria are ignored", func(t *testing.T) {
		s, scores := handWorked()
		scores = append(scores, Score{ReviewerID: 101, PartnerID: 20, CriterionID: 99, Value: 5},
			Score{ReviewerID: 101, PartnerID: 10, CriterionID: 1, Value: 7})
		if rs := Results(s, scores); rs[0].Totals[0].Total.Tenths() != 825 {
			t.Errorf("%+v", rs[0].Totals[0])
		}
	})
}

func fieldKeys(err error) map[string]string {
	m := map[string]string{}
	for _, f := range tandem.FieldErrors(err) {
		m[f.Field] = string(f.Key)
	}
	return m
}

func TestValidate(t *testing.T) {
	t.Parallel()
	s := &Selection{Title: " ", Criteria: []Criterion{{Code: "price", Weight: 0}, {Name: "", Weight: 101}, {Code: "price", Weight: 5}, {Code: "nope", Weight: 5}}}
	s.Normalize()
	got := fieldKeys(s.Validate())
	want := map[string]string{
		"title": "validation.required", "candidates": "selections.invalid.no_candidates",
		"reviewers": "selections.invalid.no_reviewers", "criteria.0.weight": "selections.invalid.weight",
		"criteria.1.name": "validation.required", "criteria.1.weight": "selections.invalid.weight",
		"criteria.2.name": "selections.invalid.duplicate", "criteria.3.name": "validation.one_of",
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %q, want %q (all %v)", k, got[k], v, got)
		}
	}
	ok := &Selection{Title: "Sales partner 2026", Candidates: []Candidate{{PartnerID: 1}}, Reviewers: []Reviewer{{UserID: 1}}, Criteria: DefaultCriteria()}
	ok.Normalize()
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	sum := 0
	for _, c := range DefaultCriteria() {
		sum += c.Weight
	}
	if sum != 100 {
		t.Errorf("default weights add up to %d", sum)
	}
	ok.Criteria[0].ID = 5
	errs := fieldKeys(ok.ValidateScores([]Score{{PartnerID: 1, CriterionID: 5, Value: 7}, {PartnerID: 2, CriterionID: 5, Value: 3},
		{PartnerID: 1, CriterionID: 5, Value: 0}}))
	if errs["score.1.5"] != "selections.invalid.score" || errs["score.2.5"] != "selections.invalid.unknown_score" || len(errs) != 2 {
		t.Errorf("scores: %v", errs)
	}
	if errs := fieldKeys(ok.ValidateDecision(9, "")); errs["partner_id"] == "" || errs["reason"] == "" {
		t.Errorf("decision: %v", errs)
	}
	r := &PilotReview{Decision: "maybe"}
	if errs := fieldKeys(r.Validate()); errs["decision"] == "" || errs["reason"] == "" {
		t.Errorf("review: %v", errs)
	}
}

// BenchmarkResults scores 10 candidates on the 7 default criteria by 9
// reviewers: the scorecard of a large committee.
func BenchmarkResults(b *testing.B) {
	s := &Selection{Criteria: DefaultCriteria()}
	for i := range s.Criteria {
		s.Criteria[i].ID = int64(i + 1)
	}
	var scores []Score
	for c := int64(1); c <= 10; c++ {
		s.Candidates = append(s.Candidates, Candidate{PartnerID: c, Name: "Partner " + string(rune('A'+c))})
		for r := int64(1); r <= 9; r++ {
			for _, k := range s.Criteria {
				scores = append(scores, Score{ReviewerID: r, PartnerID: c, CriterionID: k.ID, Value: int(1 + (c+r+k.ID)%5)})
			}
		}
	}
	for r := int64(1); r <= 9; r++ {
		s.Reviewers = append(s.Reviewers, Reviewer{UserID: r})
	}
	b.ReportAllocs()
	for b.Loop() {
		Results(s, scores)
	}
}
