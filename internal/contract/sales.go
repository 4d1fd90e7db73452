package contract

import (
	"strconv"

	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/tandem"
)

// Sales is the sales part of a sales engagement's terms (nil for other
// kinds): the pipeline's stages, the reasons a deal may be lost, what makes
// a lead qualified, how long the client has to decide a claimed result, the
// clawback period of a won deal, and the limits that keep the client's base
// the client's. Like every term it is versioned: a new stage or a longer
// acceptance window is an amendment.
//
// A zero number means "the default" (see the Default* constants), so terms
// written before a limit existed keep working; the template writes the
// defaults out so that the terms page shows them.
type Sales struct {
	Stages      []Stage  `json:"stages"`
	LostReasons []string `json:"lost_reasons"` // a key of LostReasonKeys (labelled) or the client's own text
	// Qualification says what makes a lead qualified: the partner claims a
	// qualified lead against it and the client accepts or disputes.
	Qualification string `json:"qualification"`
	// AcceptanceDays is the window, in business days of the contract's
	// calendar, in which the client accepts or disputes a claimed result;
	// a claim still open when it ends is accepted.
	AcceptanceDays int `json:"acceptance_days"`
	// ClawbackDays: a won deal reversed within this many calendar days of
	// its acceptance becomes a negative result. 0: no clawback.
	ClawbackDays int `json:"clawback_days"`
	// RevealsPerDay is each agent's daily quota of contact details shown
	// in full; more than RevealBurst within RevealBurstMinutes tells the
	// client.
	RevealsPerDay      int `json:"reveals_per_day"`
	RevealBurst        int `json:"reveal_burst"`
	RevealBurstMinutes int `json:"reveal_burst_minutes"`
}

// Stage is one column of the pipeline.
type Stage struct {
	Key string `json:"key"` // stable within the terms, e.g. "presented"
	// Name is what people see; empty for a stage of DefaultStageKeys,
	// which is then labelled from the catalogue in the reader's language.
	Name        string `json:"name"`
	Meaning     string `json:"meaning"`     // open | won | lost
	Probability int    `json:"probability"` // % of the deals at this stage that are won; won 100, lost 0
}

// Stage meanings.
const (
	StageOpen = "open"
	StageWon  = "won"
	StageLost = "lost"
)

// Defaults of the sales terms.
const (
	DefaultAcceptanceDays     = 5
	DefaultClawbackDays       = 90
	DefaultRevealsPerDay      = 50
	DefaultRevealBurst        = 20
	DefaultRevealBurstMinutes = 10
	MaxStages                 = 20
	MaxLostReasons            = 30
)

var (
	// StageMeanings are the meanings of a stage (Stage.Meaning).
	StageMeanings = []string{StageOpen, StageWon, StageLost}
	// DefaultStageKeys are the stages of seed 002's sales funnel, in order:
	// a new account, past the gatekeeper, the decision maker reached, needs
	// identified, presented, a proposal sent, objections handled, a next
	// step agreed, then won or lost, and support after the sale. Each has
	// a catalogue label, "contract.stage.<key>".
	DefaultStageKeys = []string{"new", "past_gatekeeper", "decision_maker_reached", "needs_identified",
		"presented", "proposal_sent", "objections_handled", "next_step_agreed", "won", "lost", "support"}
	// LostReasonKeys are the reasons of the default list, each labelled
	// "contract.lost_reason.<key>".
	LostReasonKeys = []string{"no_budget", "no_need", "chose_competitor", "bad_timing", "no_decision", "unreachable", "price", "other"}
)

// DefaultSales is the sales part of a new sales engagement's terms.
func DefaultSales() *Sales {
	probability := map[string]int{"new": 5, "past_gatekeeper": 10, "decision_maker_reached": 20, "needs_identified": 30,
		"presented": 40, "proposal_sent": 50, "objections_handled": 60, "next_step_agreed": 75, "won": 100, "lost": 0, "support": 100}
	s := &Sales{
		LostReasons: append([]string(nil), LostReasonKeys...),
		Qualification: "A named decision maker, a confirmed need and budget, and an agreed next step " +
			"(a meeting or a presentation) within 30 days.",
		AcceptanceDays:     DefaultAcceptanceDays,
		ClawbackDays:       DefaultClawbackDays,
		RevealsPerDay:      DefaultRevealsPerDay,
		RevealBurst:        DefaultRevealBurst,
		RevealBurstMinutes: DefaultRevealBurstMinutes,
	}
	for _, k := range DefaultStageKeys {
		meaning := StageOpen
		switch k {
		case "won", "support":
			meaning = StageWon
		case "lost":
			meaning = StageLost
		}
		s.Stages = append(s.Stages, Stage{Key: k, Meaning: meaning, Probability: probability[k]})
	}
	return s
}

// orDefault returns n, or def when n is 0.
func orDefault(n, def int) int {
	if n == 0 {
		return def
	}
	return n
}

// Acceptance is the acceptance window in business days.
func (s *Sales) Acceptance() int { return orDefault(s.AcceptanceDays, DefaultAcceptanceDays) }

// DailyReveals is each agent's daily reveal quota.
func (s *Sales) DailyReveals() int { return orDefault(s.RevealsPerDay, DefaultRevealsPerDay) }

// Burst is the number of reveals within BurstMinutes that may pass
// without telling the client.
func (s *Sales) Burst() int { return orDefault(s.RevealBurst, DefaultRevealBurst) }

// BurstMinutes is the window of Burst.
func (s *Sales) BurstMinutes() int { return orDefault(s.RevealBurstMinutes, DefaultRevealBurstMinutes) }

// Stage returns the stage of key, and false when the terms have none.
func (s *Sales) Stage(key string) (Stage, bool) {
	for _, st := range s.Stages {
		if st.Key == key {
			return st, true
		}
	}
	return Stage{}, false
}

// FirstOpen is the first open stage: where a new deal starts.
func (s *Sales) FirstOpen() (Stage, bool) {
	for _, st := range s.Stages {
		if st.Meaning == StageOpen {
			return st, true
		}
	}
	return Stage{}, false
}

// StageLabel returns what a person sees for st: its name, or for a stage
// of DefaultStageKeys without one the catalogue label.
func StageLabel(l *i18n.Localizer, st Stage) string {
	if st.Name == "" && contains(DefaultStageKeys, st.Key) {
		return l.T(string(LabelKey("stage", st.Key)))
	}
	return st.Name
}

// LostReasonLabel returns what a person sees for a lost reason: the label
// of a key of LostReasonKeys, or the client's own text.
func LostReasonLabel(l *i18n.Localizer, reason string) string {
	if contains(LostReasonKeys, reason) {
		return l.T(string(LabelKey("lost_reason", reason)))
	}
	return reason
}

func (s *Sales) normalize() {
	trim(&s.Qualification)
	for i := range s.Stages {
		st := &s.Stages[i]
		trim(&st.Key, &st.Name, &st.Meaning)
	}
	for i := range s.LostReasons {
		trim(&s.LostReasons[i])
	}
}

// validate checks the sales terms: between 2 and MaxStages stages with
// unique keys, at least one open, one won and one lost; probabilities from
// 0 to 100, a won stage 100 and a lost one 0; a stage outside the default
// keys needs a name; limits within range.
func (s *Sales) validate(v *tandem.Validator) {
	if v.Check(len(s.Stages) >= 2 && len(s.Stages) <= MaxStages, "sales.stages", i18n.K("contract.validation.stages_count"), "max", MaxStages) {
		seen := map[string]bool{}
		has := map[string]bool{}
		meaningsOK := true
		for i, st := range s.Stages {
			f := "sales.stages." + strconv.Itoa(i) + "."
			key(v, f+"key", st.Key, seen)
			if st.Name == "" && !contains(DefaultStageKeys, st.Key) {
				v.Add(f+"name", i18n.K("validation.required"))
			}
			v.MaxLen(f+"name", st.Name, MaxNameLen)
			if !v.Required(f+"meaning", st.Meaning) || !v.OneOf(f+"meaning", st.Meaning, StageMeanings...) {
				meaningsOK = false
				continue
			}
			has[st.Meaning] = true
			switch st.Meaning {
			case StageWon:
				v.Check(st.Probability == 100, f+"probability", i18n.K("contract.validation.won_probability"))
			case StageLost:
				v.Check(st.Probability == 0, f+"probability", i18n.K("contract.validation.lost_probability"))
			default:
				v.Check(st.Probability >= 0 && st.Probability <= 100, f+"probability", i18n.K("contract.validation.probability_range"))
			}
		}
		if meaningsOK {
			v.Check(has[StageOpen] && has[StageWon] && has[StageLost], "sales.stages", i18n.K("contract.validation.stage_meanings"))
		}
	}
	v.Check(len(s.LostReasons) <= MaxLostReasons, "sales.lost_reasons", i18n.K("contract.validation.lost_reasons_count"), "max", MaxLostReasons)
	for i, r := range s.LostReasons {
		v.MaxLen("sales.lost_reasons."+strconv.Itoa(i), r, MaxNameLen)
	}
	v.MaxLen("sales.qualification", s.Qualification, MaxTextLen)
	inRange := func(field string, n, lo, hi int) {
		v.Check(n >= lo && n <= hi, field, i18n.K("contract.validation.range"), "min", lo, "max", hi)
	}
	inRange("sales.acceptance_days", s.AcceptanceDays, 0, 60)
	inRange("sales.clawback_days", s.ClawbackDays, 0, 730)
	inRange("sales.reveals_per_day", s.RevealsPerDay, 0, 1000)
	inRange("sales.reveal_burst", s.RevealBurst, 0, 1000)
	inRange("sales.reveal_burst_minutes", s.RevealBurstMinutes, 0, 1440)
}
