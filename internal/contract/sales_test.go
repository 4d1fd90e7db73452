package contract

import (
	"slices"
	"testing"

	"github.com/tandemhq/tandem/internal/i18n"
)

func TestDefaultSalesIsValidAndFollowsTheFunnel(t *testing.T) {
	t.Parallel()
	tm := Template("sales", "SEK", "Europe/Stockholm")
	if tm.Sales == nil {
		t.Fatal("the sales template has no sales terms")
	}
	tm.Normalize()
	if err := tm.Validate(); err != nil {
		t.Fatalf("default sales terms: %v", err)
	}
	s := tm.Sales
	var keys []string
	for _, st := range s.Stages {
		keys = append(keys, st.Key)
	}
	if !slices.Equal(keys, DefaultStageKeys) {
		t.Errorf("stages %v, want %v", keys, DefaultStageKeys)
	}
	if first, _ := s.FirstOpen(); first.Key != "new" {
		t.Errorf("first open stage %q, want new", first.Key)
	}
	if st, ok := s.Stage("proposal_sent"); !ok || st.Probability != 50 || st.Meaning != StageOpen {
		t.Errorf("proposal_sent = %+v, %v", st, ok)
	}
	if s.Acceptance() != 5 || s.DailyReveals() != 50 || s.Burst() != 20 || s.BurstMinutes() != 10 {
		t.Errorf("limits %d %d %d %d", s.Acceptance(), s.DailyReveals(), s.Burst(), s.BurstMinutes())
	}
	if (&Sales{}).Acceptance() != DefaultAcceptanceDays {
		t.Error("a zero acceptance window is not the default")
	}
	if Template("support", "SEK", "Europe/Stockholm").Sales != nil {
		t.Error("support terms have a sales part")
	}
}

func TestSalesTermsValidation(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name string
		edit func(s *Sales)
		want []string
	}{
		{"won not 100", func(s *Sales) { s.Stages[8].Probability = 90 }, []string{"sales.stages.8.probability=contract.validation.won_probability"}},
		{"lost not 0", func(s *Sales) { s.Stages[9].Probability = 5 }, []string{"sales.stages.9.probability=contract.validation.lost_probability"}},
		{"open over 100", func(s *Sales) { s.Stages[1].Probability = 101 }, []string{"sales.stages.1.probability=contract.validation.probability_range"}},
		{"own stage needs a name", func(s *Sales) { s.Stages[2].Key = "demo_booked" }, []string{"sales.stages.2.name=validation.required"}},
		{"duplicate key", func(s *Sales) { s.Stages[3].Key = "new" }, []string{"sales.stages.3.key=contract.validation.duplicate_key"}},
		{"bad meaning", func(s *Sales) { s.Stages[0].Meaning = "maybe" }, []string{"sales.stages.0.meaning=validation.one_of"}},
		{"no lost stage", func(s *Sales) { s.Stages = s.Stages[:9] }, []string{"sales.stages=contract.validation.stage_meanings"}},
		{"one stage", func(s *Sales) { s.Stages = s.Stages[:1] }, []string{"sales.stages=contract.validation.stages_count"}},
		{"window too long", func(s *Sales) { s.AcceptanceDays = 61 }, []string{"sales.acceptance_days=contract.validation.range"}},
		{"negative quota", func(s *Sales) { s.RevealsPerDay = -1 }, []string{"sales.reveals_per_day=contract.validation.range"}},
	} {
		tm := good()
		tm.Sales = DefaultSales()
		c.edit(tm.Sales)
		tm.Normalize()
		if got := fieldErrs(t, tm.Validate()); !slices.Equal(got, c.want) {
			t.Errorf("%s: errors %v, want %v", c.name, got, c.want)
		}
	}
}

func TestStageAndLostReasonLabels(t *testing.T) {
	t.Parallel()
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	sv := cat.For(i18n.SV, nil)
	if got := StageLabel(sv, Stage{Key: "won"}); got == "" || got == "contract.stage.won" {
		t.Errorf("won in Swedish = %q", got)
	}
	if got := StageLabel(sv, Stage{Key: "won", Name: "Avtal klart"}); got != "Avtal klart" {
		t.Errorf("a named stage shows %q", got)
	}
	if got := LostReasonLabel(sv, "Flyttade till Norge"); got != "Flyttade till Norge" {
		t.Errorf("own reason shows %q", got)
	}
	if got := LostReasonLabel(sv, "no_budget"); got == "no_budget" {
		t.Errorf("no_budget unlabelled")
	}
}
