package survey

import (
	"reflect"
	"testing"

	"github.com/tandemhq/tandem/internal/tandem"
)

// Three answers to the five default questions, worked out by hand:
//
//	clarity 4, 5, 4 → 13/3 = 4.333… → 4.3 (43 tenths)
//	feedback 3, 3, 4 → 10/3 = 3.333… → 3.3
//	business_language 5, 4, 4 → 13/3 → 4.3
//	risks 2, 3, 2 → 7/3 = 2.333… → 2.3
//	ideas 3, 3, 2 → 8/3 = 2.666… → 2.7
//	transparency (KPI 5): (13 + 10 + 13) / 9 = 4.0 → 40
//	initiative (KPI 4): (7 + 8) / 6 = 2.5 → 25 (half up)
func TestResults(t *testing.T) {
	t.Parallel()
	a := func(c, f, l, r, i int, comment string) Answer {
		return Answer{Scores: map[string]int{QClarity: c, QFeedback: f, QLanguage: l, QRisks: r, QIdeas: i}, Comment: comment}
	}
	answers := []Answer{a(4, 3, 5, 2, 3, "zebra"), a(5, 3, 4, 3, 3, ""), a(4, 4, 4, 2, 2, "  apple ")}
	// Two answers of three needed: nothing shown but the count.
	if r := Results(Questions, 3, answers[:2]); r.Shown || r.Answered != 2 || r.Means != nil || r.Comments != nil || r.Metrics != nil {
		t.Fatalf("below the minimum: %+v", r)
	}
	r := Results(Questions, 3, answers)
	if !r.Shown || r.Answered != 3 {
		t.Fatalf("%+v", r)
	}
	var got []int64
	for _, m := range r.Means {
		got = append(got, m.Tenths)
	}
	if !reflect.DeepEqual(got, []int64{43, 33, 43, 23, 27}) {
		t.Fatalf("means %v", got)
	}
	if r.Metrics[MetricTransparency] != 40 || r.Metrics[MetricInitiative] != 25 {
		t.Fatalf("metrics %v", r.Metrics)
	}
	// Sorted, not in the order given (the order would tell who wrote which).
	if !reflect.DeepEqual(r.Comments, []string{"apple", "zebra"}) {
		t.Fatalf("comments %q", r.Comments)
	}
	// Only KPI 5 questions asked: no initiative metric.
	if r := Results([]string{QClarity, QFeedback, QLanguage}, 1, answers[:1]); len(r.Metrics) != 1 || r.Metrics[MetricTransparency] != 40 {
		t.Fatalf("kpi 5 only: %v", r.Metrics) // (4 + 3 + 5) / 3 = 4.0
	}
}

func TestSettingsAndAnswers(t *testing.T) {
	t.Parallel()
	s := Settings{Questions: []string{QIdeas, QClarity, QIdeas, QRisks}, Every: Month, MinAnswers: 3}
	s.Normalize()
	if !reflect.DeepEqual(s.Questions, []string{QClarity, QRisks, QIdeas}) {
		t.Fatalf("normalized %v", s.Questions)
	}
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []Settings{
		{Questions: []string{QClarity, QRisks}, Every: Month, MinAnswers: 3},
		{Questions: Questions, Every: "week", MinAnswers: 3},
		{Questions: Questions, Every: Month, MinAnswers: 0},
		{Questions: []string{QClarity, QRisks, "mood"}, Every: Month, MinAnswers: 3},
	} {
		bad.Normalize()
		if bad.Validate() == nil {
			t.Errorf("valid: %+v", bad)
		}
	}
	d := Default(7)
	if err := d.Validate(); err != nil || d.MinAnswers != 3 || len(d.Questions) != 5 {
		t.Fatalf("default %+v %v", d, err)
	}
	ok := Answer{Scores: map[string]int{QClarity: 5, QRisks: 1, QIdeas: 3}}
	if err := ok.Check(s.Questions); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []Answer{
		{Scores: map[string]int{QClarity: 5, QRisks: 1}},
		{Scores: map[string]int{QClarity: 6, QRisks: 1, QIdeas: 3}},
		{Scores: map[string]int{QClarity: 5, QRisks: 0, QIdeas: 3}},
		{Scores: map[string]int{QClarity: 5, QRisks: 1, QIdeas: 3, QFeedback: 2}},
	} {
		if bad.Check(s.Questions) == nil {
			t.Errorf("valid answer %+v", bad)
		}
	}
	if MayAnswer(tandem.SidePartner) == nil || MayAnswer(tandem.SideClient) != nil {
		t.Fatal("MayAnswer")
	}
}
