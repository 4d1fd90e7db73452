package selection

import (
	"strings"
	"time"

	"github.com/tandemhq/tandem/internal/tandem"
)

// PilotDecision is the outcome of the review at the end of a pilot (seed
// 002: outsource part of the functions first, evaluate, then decide).
type PilotDecision string

// Pilot decisions. Go makes the engagement active and NoGo ends it; both
// close the pilot. Extend keeps it running and allows a later review.
const (
	DecisionGo     PilotDecision = "go"
	DecisionNoGo   PilotDecision = "no_go"
	DecisionExtend PilotDecision = "extend"
)

// PilotDecisions lists every decision in display order.
var PilotDecisions = []PilotDecision{DecisionGo, DecisionNoGo, DecisionExtend}

// FinalDecisions are the decisions that close the pilot.
var FinalDecisions = []PilotDecision{DecisionGo, DecisionNoGo}

// Final reports whether d closes the pilot.
func (d PilotDecision) Final() bool {
	for _, f := range FinalDecisions {
		if d == f {
			return true
		}
	}
	return false
}

// PilotReview is one go/no-go review of the pilot engagement.
type PilotReview struct {
	ID           int64
	SelectionID  int64
	EngagementID int64
	Decision     PilotDecision
	Reason       string
	DecidedBy    string // actor label
	DecidedAt    time.Time
}

// Normalize trims what a person typed.
func (r *PilotReview) Normalize() { r.Reason = strings.TrimSpace(r.Reason) }

// Validate reports every problem with r as field errors.
func (r *PilotReview) Validate() error {
	var v tandem.Validator
	v.OneOf("decision", string(r.Decision), string(DecisionGo), string(DecisionNoGo), string(DecisionExtend))
	if v.Required("reason", r.Reason) {
		v.MaxLen("reason", r.Reason, 4000)
	}
	return v.Err()
}

// PilotClosed reports whether the pilot already ended in go or no-go.
func (s *Selection) PilotClosed() bool {
	for _, r := range s.PilotReviews {
		if r.Decision.Final() {
			return true
		}
	}
	return false
}
