package selection

import (
	"fmt"
	"sort"
	"strings"

	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/tandem"
)

// Score is one reviewer's mark for one candidate on one criterion, from 1
// (poor) to 5 (excellent), with an optional note.
type Score struct {
	ReviewerID  int64 // user id
	PartnerID   int64
	CriterionID int64
	Value       int
	Note        string
}

// ScoreField is the form field name of a score: "score.<partner>.<criterion>".
// Validation errors of scores are reported under these names.
func ScoreField(partnerID, criterionID int64) string {
	return fmt.Sprintf("score.%d.%d", partnerID, criterionID)
}

// NoteField is the form field name of a score's note.
func NoteField(partnerID, criterionID int64) string {
	return fmt.Sprintf("note.%d.%d", partnerID, criterionID)
}

// ValidateScores checks one reviewer's scores against s: each must be for a
// candidate and a criterion of s, with a value from 1 to 5 (0 clears it),
// and a note of at most 1000 characters.
func (s *Selection) ValidateScores(scores []Score) error {
	var v tandem.Validator
	for _, x := range scores {
		f := ScoreField(x.PartnerID, x.CriterionID)
		if !s.IsCandidate(x.PartnerID) || s.Criterion(x.CriterionID) == nil {
			v.Add(f, i18n.K("selections.invalid.unknown_score"))
			continue
		}
		v.Check(x.Value == 0 || (x.Value >= MinScore && x.Value <= MaxScore), f,
			i18n.K("selections.invalid.score"), "min", MinScore, "max", MaxScore)
		v.MaxLen(NoteField(x.PartnerID, x.CriterionID), x.Note, 1000)
	}
	return v.Err()
}

// Ratio is an exact non-negative fraction Num/Den; the zero Ratio (Den 0)
// means "no value".
type Ratio struct{ Num, Den int64 }

// Valid reports whether r holds a value.
func (r Ratio) Valid() bool { return r.Den > 0 }

// Tenths returns r×10 rounded half up: the value to show with one decimal.
func (r Ratio) Tenths() int64 {
	if r.Den <= 0 {
		return 0
	}
	return (20*r.Num + r.Den) / (2 * r.Den)
}

// Cmp compares r and o exactly: -1, 0 or +1. An invalid Ratio is below
// every valid one.
func (r Ratio) Cmp(o Ratio) int {
	switch {
	case !r.Valid() && !o.Valid():
		return 0
	case !r.Valid():
		return -1
	case !o.Valid():
		return 1
	}
	a, b := r.Num*o.Den, o.Num*r.Den
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// ReviewerTotal is one reviewer's weighted total for one candidate.
type ReviewerTotal struct {
	ReviewerID int64
	Scored     int  // criteria this reviewer scored for the candidate
	Complete   bool // every criterion scored; only then Total is valid
	Total      Ratio
}

// Result is one candidate's standing: the weighted total per reviewer, and
// across the reviewers who scored every criterion, the median, the mean,
// the spread (highest minus lowest) and the rank.
type Result struct {
	PartnerID int64
	Name      string
	Totals    []ReviewerTotal // in the order of Selection.Reviewers
	Reviews   int             // complete reviews
	Median    Ratio
	Mean      Ratio
	Spread    Ratio
	Rank      int // 1 for the best; 0 when no reviewer has scored every criterion
}

// Results computes the scorecard of s from scores, best first.
//
// The rule: a reviewer's weighted total for a candidate is
// Σ(wᵢ·(sᵢ−1)) / (4·Σwᵢ) × 100, which maps scores 1…5 onto 0…100; it counts
// only when the reviewer scored every criterion. Candidates are ranked by
// the median of the counted totals, ties by their mean, then by name;
// candidates without a counted total come last, unranked. Every total
// shares the denominator 4·Σw, so the arithmetic is exact in integers.
func Results(s *Selection, scores []Score) []Result {
	var sumW int64
	weight := map[int64]int64{}
	for _, c := range s.Criteria {
		weight[c.ID] = int64(c.Weight)
		sumW += int64(c.Weight)
	}
	den := 4 * sumW
	type key struct{ partner, reviewer int64 }
	num := map[key]int64{}
	scored := map[key]int{}
	for _, x := range scores {
		w, ok := weight[x.CriterionID]
		if !ok || x.Value < MinScore || x.Value > MaxScore {
			continue
		}
		k := key{x.PartnerID, x.ReviewerID}
		num[k] += 100 * w * int64(x.Value-MinScore)
		scored[k]++
	}
	out := make([]Result, 0, len(s.Candidates))
	for _, c := range s.Candidates {
		r := Result{PartnerID: c.PartnerID, Name: c.Name}
		var nums []int64
		for _, rv := range s.Reviewers {
			k := key{c.PartnerID, rv.UserID}
			t := ReviewerTotal{ReviewerID: rv.UserID, Scored: scored[k]}
			if den > 0 && scored[k] == len(s.Criteria) {
				t.Complete = true
				t.Total = Ratio{num[k], den}
				nums = append(nums, num[k])
			}
			r.Totals = append(r.Totals, t)
		}
		r.Reviews = len(nums)
		if n := len(nums); n > 0 {
			sort.Slice(nums, func(i, j int) bool { return nums[i] < nums[j] })
			if n%2 == 1 {
				r.Median = Ratio{nums[n/2], den}
			} else {
				r.Median = Ratio{nums[n/2-1] + nums[n/2], 2 * den}
			}
			var sum int64
			for _, v := range nums {
				sum += v
			}
			r.Mean = Ratio{sum, int64(n) * den}
			r.Spread = Ratio{nums[n-1] - nums[0], den}
		}
		out = append(out, r)
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if c := a.Median.Cmp(b.Median); c != 0 {
			return c > 0
		}
		if c := a.Mean.Cmp(b.Mean); c != 0 {
			return c > 0
		}
		if an, bn := strings.ToLower(a.Name), strings.ToLower(b.Name); an != bn {
			return an < bn
		}
		return a.PartnerID < b.PartnerID
	})
	rank := 0
	for i := range out {
		if out[i].Reviews > 0 {
			rank++
			out[i].Rank = rank
		}
	}
	return out
}
