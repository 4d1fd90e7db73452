package sales

import (
	"math/big"
	"strings"
	"time"

	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/engagement"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/money"
	"github.com/tandemhq/tandem/internal/tandem"
)

// Deals and the pipeline.
//
// A deal is a chance of a sale at one account of the base, worked on one
// sales engagement: its stage is a stage of the pipeline in the terms in
// force (contract.Sales; terms without a sales part use
// contract.DefaultSales). Every move from one stage to another is kept as
// a row of the deal's stage history, with who moved it, when, and the lost
// reason when it went into a lost stage; the funnel is computed from that
// history.
//
// Choices written down here (the issue leaves them open):
//   - The amount is in the currency of the engagement's price terms, in
//     integer minor units; it is fixed when the deal is created.
//   - A new deal starts in the first open stage unless another is given.
//   - The owner is an agent of the engagement's partner assigned to the
//     engagement (optional). A new deal's owner defaults to the account's
//     agent, or to the agent who creates it; an agent cannot give a deal
//     to another agent.
//   - Moving into a won or lost stage sets ClosedAt (again, when moved from
//     won to lost); back into an open stage clears it and the lost reason.
//     Moving to the stage the deal is in is a field error.
//   - A move into a lost stage records the deal's loss for the win rate,
//     once per deal, and a deal whose won claim the client accepted stays
//     in the won stages until the claim is reversed (claim.go: LostOnMove,
//     CheckLeaveWon). Today lists an agent's own deals that are not closed
//     and have no next step, or one already past (NeedsNextStep).
//   - The weighted value of a column is Σ amount × probability ÷ 100,
//     summed exactly in minor units and rounded once, half-up (a tie goes
//     away from zero), per column: never per deal (see Weighted).
//   - The funnel (see Funnel) counts a deal as having reached a stage when
//     its history has it in that stage or in any later stage of the
//     funnel's order (the open stages in the order of the terms, then the
//     won stages); lost stages are no step of the funnel. Its cohort is
//     the deals created in the chosen month (the workspace's calendar) —
//     so a month's funnel does not change when old deals move, only when
//     that month's deals do; per agent means per deal owner.

// Deal is a chance of a sale at an account, on a sales engagement.
type Deal struct {
	ID           int64
	WorkspaceID  int64
	EngagementID int64
	AccountID    int64
	AccountName  string
	Title        string
	Amount       money.Money
	CloseOn      tandem.Date // expected close date
	Stage        string      // a stage key of the terms in force
	OwnerID      int64       // an agent membership of the partner; 0 for none
	OwnerName    string
	LostReason   string // from the terms' list, when the stage is lost
	NextStep     string
	NextStepOn   tandem.Date
	CreatedAt    time.Time
	UpdatedAt    time.Time
	ClosedAt     time.Time // zero while open
}

// Move is one row of a deal's stage history. From is empty for the row
// that records where the deal was created.
type Move struct {
	ID         int64
	DealID     int64
	From, To   string
	At         time.Time
	UserID     int64
	UserName   string
	LostReason string
}

// Limits of a deal's fields.
const (
	MaxDealTitle    = 200
	MaxNextStep     = 500
	MaxDealAmount   = int64(1e15) // minor units: far above any deal, far below overflow of Σ amount × 100
	DealPageDefault = 20          // cards per column on the board
	MaxDealPage     = 100         // deals per page in the API
)

// SalesTerms returns the sales part of t, or contract.DefaultSales for terms
// without one (engagements older than the sales terms).
func SalesTerms(t *contract.Terms) *contract.Sales {
	if t == nil || t.Sales == nil || len(t.Sales.Stages) == 0 {
		return contract.DefaultSales()
	}
	return t.Sales
}

// Normalize trims the deal's text.
func (d *Deal) Normalize() {
	d.Title, d.NextStep = strings.TrimSpace(d.Title), strings.TrimSpace(d.NextStep)
	d.Stage, d.LostReason = strings.TrimSpace(d.Stage), strings.TrimSpace(d.LostReason)
}

// Validate reports every problem with the deal's fields against the sales
// terms s: a title, an amount from 0 up, a stage of the terms, and in a lost
// stage a lost reason of the terms' list.
func (d *Deal) Validate(s *contract.Sales) error {
	var v tandem.Validator
	if v.Required("title", d.Title) {
		v.MaxLen("title", d.Title, MaxDealTitle)
	}
	v.Check(d.Amount.Amount >= 0 && d.Amount.Amount <= MaxDealAmount, "amount", i18n.K("deals.validation.amount"))
	v.MaxLen("next_step", d.NextStep, MaxNextStep)
	checkStage(&v, s, d.Stage, d.LostReason)
	return v.Err()
}

func checkStage(v *tandem.Validator, s *contract.Sales, stage, reason string) {
	st, ok := s.Stage(stage)
	if !v.Check(ok, "stage", i18n.K("validation.one_of")) {
		return
	}
	if st.Meaning == contract.StageLost {
		if v.Required("lost_reason", reason) {
			v.Check(isLostReason(s, reason), "lost_reason", i18n.K("validation.one_of"))
		}
	}
}

func isLostReason(s *contract.Sales, reason string) bool {
	for _, r := range s.LostReasons {
		if r == reason {
			return true
		}
	}
	return false
}

// PrepareNew readies a new deal on the sales terms s at now: the first open
// stage unless one is given, closed at now when created won or lost, no
// lost reason outside a lost stage. It validates the deal.
func (d *Deal) PrepareNew(s *contract.Sales, now time.Time) error {
	d.Normalize()
	if d.Stage == "" {
		if st, ok := s.FirstOpen(); ok {
			d.Stage = st.Key
		}
	}
	if err := d.Validate(s); err != nil {
		return err
	}
	d.settle(s, now)
	return nil
}

// settle sets ClosedAt and the lost reason for the deal's stage.
func (d *Deal) settle(s *contract.Sales, now time.Time) {
	st, _ := s.Stage(d.Stage)
	switch st.Meaning {
	case contract.StageWon, contract.StageLost:
		d.ClosedAt = now
	default:
		d.ClosedAt = time.Time{}
	}
	if st.Meaning != contract.StageLost {
		d.LostReason = ""
	}
}

// Update applies the editable fields of in (title, amount, expected close,
// owner, next step) to d and validates the result; the stage changes only
// by MoveTo.
func (d *Deal) Update(s *contract.Sales, in Deal) error {
	in.Normalize()
	d.Title, d.Amount.Amount, d.CloseOn, d.OwnerID = in.Title, in.Amount.Amount, in.CloseOn, in.OwnerID
	d.NextStep, d.NextStepOn = in.NextStep, in.NextStepOn
	var v tandem.Validator
	if v.Required("title", d.Title) {
		v.MaxLen("title", d.Title, MaxDealTitle)
	}
	v.Check(d.Amount.Amount >= 0 && d.Amount.Amount <= MaxDealAmount, "amount", i18n.K("deals.validation.amount"))
	v.MaxLen("next_step", d.NextStep, MaxNextStep)
	return v.Err()
}

// MoveTo moves d into stage to of the sales terms s at now and returns the
// history row to keep. A lost stage needs a reason of the terms' list;
// won and lost close the deal, an open stage opens it again. Errors are
// field errors on "stage" and "lost_reason"; d is unchanged on error.
func (d *Deal) MoveTo(s *contract.Sales, to, reason string, now time.Time) (Move, error) {
	to, reason = strings.TrimSpace(to), strings.TrimSpace(reason)
	var v tandem.Validator
	checkStage(&v, s, to, reason)
	if !v.Has("stage") {
		v.Check(to != d.Stage, "stage", i18n.K("deals.validation.same_stage"))
	}
	if err := v.Err(); err != nil {
		return Move{}, err
	}
	m := Move{DealID: d.ID, From: d.Stage, To: to, At: now}
	d.Stage, d.LostReason, d.UpdatedAt = to, reason, now
	d.settle(s, now)
	m.LostReason = d.LostReason
	return m, nil
}

// Open reports whether d is in an open stage of s (a stage the terms no
// longer have counts as open: it still needs work).
func (d *Deal) Open(s *contract.Sales) bool {
	st, ok := s.Stage(d.Stage)
	return !ok || st.Meaning == contract.StageOpen
}

// NoNextStep reports whether d is flagged "no next step": open, with no
// next step date or one before today.
func (d *Deal) NoNextStep(s *contract.Sales, today tandem.Date) bool {
	return d.Open(s) && (d.NextStepOn.IsZero() || d.NextStepOn.Before(today))
}

// NeedsNextStep reports whether d, not closed (ClosedAt zero: in an open
// stage when it was last moved), has no next step date or one before
// today: the flag of the agent's Today, across engagements whose terms
// differ (NoNextStep with the terms at hand is the board's).
func (d *Deal) NeedsNextStep(today tandem.Date) bool {
	return d.ClosedAt.IsZero() && (d.NextStepOn.IsZero() || d.NextStepOn.Before(today))
}

// HasPipeline decides whether e has a pipeline: only a sales engagement
// does; the board, funnel and deals of any other are "not found".
func HasPipeline(e *engagement.Engagement) error {
	if e.Kind != engagement.KindSales {
		return tandem.ErrNotFound
	}
	return nil
}

// CheckDealPlace decides whether a deal may be on account a of engagement
// e: e must be a sales engagement and a assigned to it.
func CheckDealPlace(e *engagement.Engagement, a *Account) error {
	var v tandem.Validator
	if v.Check(e.Kind == engagement.KindSales, "engagement_id", i18n.K("sales.assign.not_sales")) {
		v.Check(a.EngagementID == e.ID, "account_id", i18n.K("deals.validation.account_not_on_engagement"))
	}
	return v.Err()
}

// DefaultOwner is who owns a new deal when none is named: the agent who
// creates it, else the account's agent.
func DefaultOwner(p tandem.Principal, a *Account) int64 {
	if p.Role == tandem.RoleVendorAgent {
		return p.MembershipID
	}
	return a.AgentID
}

// CheckDealOwner decides whether ownerID (a membership, 0 for none) may own
// a deal of e set by p: an agent of e's partner assigned to e, and for an
// agent acting, only themselves.
func CheckDealOwner(p tandem.Principal, e *engagement.Engagement, ownerID int64, ownerRole tandem.Role, ownerPartner int64, onEngagement bool) error {
	if ownerID == 0 {
		return nil
	}
	var v tandem.Validator
	if v.Check(ownerRole == tandem.RoleVendorAgent && ownerPartner == e.PartnerID && onEngagement, "owner_id",
		i18n.K("sales.assign.agent_not_on_engagement")) && p.Role == tandem.RoleVendorAgent {
		v.Check(ownerID == p.MembershipID, "owner_id", i18n.K("deals.validation.owner_self"))
	}
	return v.Err()
}

// Weighed is an amount at a probability, for Weighted.
type Weighed struct {
	Amount      int64 // minor units
	Probability int   // percent
}

// Weighted is the weighted value of a column: Σ amount × probability ÷ 100,
// summed exactly and rounded once, half-up, to minor units. The store
// passes one item per stage with the column's summed amount (one stage has
// one probability, so Σ a×p = p × Σ a exactly).
func Weighted(items []Weighed) int64 {
	sum := new(big.Int)
	for _, it := range items {
		sum.Add(sum, new(big.Int).Mul(big.NewInt(it.Amount), big.NewInt(int64(it.Probability))))
	}
	return money.RoundRatio(sum, big.NewInt(100)).Int64()
}

// FunnelStep is one step of the funnel: how many deals of the cohort
// reached the stage, and of those how many reached the next step.
type FunnelStep struct {
	Stage   contract.Stage
	Reached int
	// Next is how many of them reached the next step (0 on the last).
	Next int
}

// Conversion is the share of the step's deals that reached the next step,
// as a numerator and denominator (0/0 when none reached the step).
func (f FunnelStep) Conversion() (num, den int64) { return int64(f.Next), int64(f.Reached) }

// FunnelStages are the steps of the funnel of s: its open stages in
// order, then its won stages.
func FunnelStages(s *contract.Sales) []contract.Stage {
	var out []contract.Stage
	for _, m := range []string{contract.StageOpen, contract.StageWon} {
		for _, st := range s.Stages {
			if st.Meaning == m {
				out = append(out, st)
			}
		}
	}
	return out
}

// Funnel counts, for the steps of s, how many deals reached each: reached
// holds, per deal, every stage its history has it in (the creation row
// included). A deal reached a step when it was in that step or any later
// one; lost stages and stages the terms no longer have are ignored.
func Funnel(s *contract.Sales, reached map[int64][]string) []FunnelStep {
	steps := FunnelStages(s)
	index := map[string]int{}
	for i, st := range steps {
		index[st.Key] = i
	}
	counts := make([]int, len(steps))
	for _, stages := range reached {
		top := -1
		for _, k := range stages {
			if i, ok := index[k]; ok && i > top {
				top = i
			}
		}
		for i := 0; i <= top; i++ {
			counts[i]++
		}
	}
	out := make([]FunnelStep, len(steps))
	for i, st := range steps {
		out[i] = FunnelStep{Stage: st, Reached: counts[i]}
		if i+1 < len(steps) {
			out[i].Next = counts[i+1]
		}
	}
	return out
}
