// Package selection holds how a client chooses an outsourcing partner and
// tries it out before committing (seeds 000 and 002): evidence about each
// candidate partner, a weighted scorecard that several reviewers fill in,
// the recorded decision, and the go/no-go review at the end of a pilot.
//
// It imports no storage and no HTTP package. The arithmetic of the scorecard
// (Results) is exact: integers and shared denominators, rounded only for
// display.
package selection

import (
	"strconv"
	"strings"
	"time"

	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/tandem"
)

// Status is where a selection stands.
type Status string

// Selection statuses: open while candidates are scored, decided once the
// partner is chosen (the selection is then closed to changes).
const (
	StatusOpen    Status = "open"
	StatusDecided Status = "decided"
)

// Limits on what a selection holds.
const (
	MinScore      = 1
	MaxScore      = 5
	MinWeight     = 1
	MaxWeight     = 100
	MaxCriteria   = 20
	MaxCandidates = 30
)

// Criterion is one thing candidates are scored on, with its weight. A
// criterion from the defaults has a Code (its name is translated); one a
// person added has a Name.
type Criterion struct {
	ID     int64
	Code   string
	Name   string
	Weight int
}

// DefaultCriteria are the criteria a new selection starts with, from the
// seeds: expertise and track record, cultural and operational fit, flexible
// contract terms (000); price, reputation, official registration and client
// reviews (002). The weights add up to 100.
func DefaultCriteria() []Criterion {
	return []Criterion{
		{Code: "expertise_track_record", Weight: 25},
		{Code: "cultural_operational_fit", Weight: 15},
		{Code: "contract_flexibility", Weight: 10},
		{Code: "price", Weight: 20},
		{Code: "reputation", Weight: 10},
		{Code: "official_registration", Weight: 10},
		{Code: "client_reviews", Weight: 10},
	}
}

// CriterionCodes lists the codes of the default criteria.
func CriterionCodes() []string {
	var out []string
	for _, c := range DefaultCriteria() {
		out = append(out, c.Code)
	}
	return out
}

// Candidate is a partner of the workspace under consideration.
type Candidate struct {
	PartnerID int64
	Name      string // read-only, joined for display
}

// Reviewer is a client member who scores the candidates.
type Reviewer struct {
	UserID int64
	Name   string // read-only, joined for display
}

// Selection is one choice of a partner among candidates.
type Selection struct {
	ID          int64
	WorkspaceID int64
	Title       string
	Description string
	Status      Status
	Candidates  []Candidate
	Criteria    []Criterion
	Reviewers   []Reviewer

	// The decision, once made.
	DecidedPartnerID   int64
	DecidedPartnerName string // read-only
	DecisionReason     string
	DecidedBy          string // actor label (e-mail) of who decided
	DecidedAt          time.Time

	// The pilot engagement started from the decision, if any.
	EngagementID int64
	PilotReviews []PilotReview // oldest first

	CreatedAt time.Time
	UpdatedAt time.Time
}

// Summary is a selection as the list shows it.
type Summary struct {
	ID                 int64
	Title              string
	Status             Status
	Candidates         int
	DecidedPartnerName string
	EngagementID       int64
	CreatedAt          time.Time
}

// Normalize trims what a person typed and fills defaults.
func (s *Selection) Normalize() {
	s.Title = strings.TrimSpace(s.Title)
	s.Description = strings.TrimSpace(s.Description)
	if s.Status == "" {
		s.Status = StatusOpen
	}
	for i := range s.Criteria {
		s.Criteria[i].Code = strings.TrimSpace(s.Criteria[i].Code)
		s.Criteria[i].Name = strings.TrimSpace(s.Criteria[i].Name)
	}
}

// Validate reports every problem with s as field errors. Criterion fields
// are named "criteria.<i>.name" and "criteria.<i>.weight" after their
// position in s.Criteria.
func (s *Selection) Validate() error {
	var v tandem.Validator
	if v.Required("title", s.Title) {
		v.MaxLen("title", s.Title, 200)
	}
	v.MaxLen("description", s.Description, 4000)
	v.Check(len(s.Candidates) >= 1, "candidates", i18n.K("selections.invalid.no_candidates"))
	v.Check(len(s.Candidates) <= MaxCandidates, "candidates", i18n.K("selections.invalid.too_many_candidates"), "max", MaxCandidates)
	v.Check(hasUnique(len(s.Candidates), func(i int) int64 { return s.Candidates[i].PartnerID }), "candidates", i18n.K("selections.invalid.duplicate"))
	v.Check(len(s.Reviewers) >= 1, "reviewers", i18n.K("selections.invalid.no_reviewers"))
	v.Check(hasUnique(len(s.Reviewers), func(i int) int64 { return s.Reviewers[i].UserID }), "reviewers", i18n.K("selections.invalid.duplicate"))
	v.Check(len(s.Criteria) >= 1, "criteria", i18n.K("selections.invalid.no_criteria"))
	v.Check(len(s.Criteria) <= MaxCriteria, "criteria", i18n.K("selections.invalid.too_many_criteria"), "max", MaxCriteria)
	codes := map[string]bool{}
	for i, c := range s.Criteria {
		f := "criteria." + strconv.Itoa(i) + "."
		if c.Code != "" {
			v.OneOf(f+"name", c.Code, CriterionCodes()...)
			v.Check(!codes[c.Code], f+"name", i18n.K("selections.invalid.duplicate"))
			codes[c.Code] = true
		} else if v.Required(f+"name", c.Name) {
			v.MaxLen(f+"name", c.Name, 120)
		}
		v.Check(c.Weight >= MinWeight && c.Weight <= MaxWeight, f+"weight", i18n.K("selections.invalid.weight"), "min", MinWeight, "max", MaxWeight)
	}
	v.OneOf("status", string(s.Status), string(StatusOpen), string(StatusDecided))
	return v.Err()
}

// IsCandidate reports whether partnerID is one of the candidates.
func (s *Selection) IsCandidate(partnerID int64) bool {
	for _, c := range s.Candidates {
		if c.PartnerID == partnerID {
			return true
		}
	}
	return false
}

// IsReviewer reports whether userID is one of the reviewers.
func (s *Selection) IsReviewer(userID int64) bool {
	for _, r := range s.Reviewers {
		if r.UserID == userID {
			return true
		}
	}
	return false
}

// Criterion returns the criterion with id, or nil.
func (s *Selection) Criterion(id int64) *Criterion {
	for i := range s.Criteria {
		if s.Criteria[i].ID == id {
			return &s.Criteria[i]
		}
	}
	return nil
}

// ValidateDecision checks a decision for s: the partner must be a candidate
// and the reason must be given. Fields: partner_id, reason.
func (s *Selection) ValidateDecision(partnerID int64, reason string) error {
	var v tandem.Validator
	v.Check(partnerID != 0 && s.IsCandidate(partnerID), "partner_id", i18n.K("selections.invalid.not_candidate"))
	if v.Required("reason", reason) {
		v.MaxLen("reason", reason, 4000)
	}
	return v.Err()
}

// ErrClosed is returned when a decided selection is asked to change.
var ErrClosed = tandem.Errorf(tandem.EConflict, i18n.K("selections.error.closed"))

// ErrNotDecided is returned when a pilot is started before the decision.
var ErrNotDecided = tandem.Errorf(tandem.EConflict, i18n.K("selections.error.not_decided"))

// ErrPilotStarted is returned when a second pilot is started.
var ErrPilotStarted = tandem.Errorf(tandem.EConflict, i18n.K("selections.error.pilot_started"))

// ErrNoPilot is returned when a pilot is reviewed before it was started.
var ErrNoPilot = tandem.Errorf(tandem.EConflict, i18n.K("selections.error.no_pilot"))

// ErrPilotClosed is returned when a pilot that ended in go or no-go is
// reviewed again.
var ErrPilotClosed = tandem.Errorf(tandem.EConflict, i18n.K("selections.error.pilot_closed"))

// ErrNotReviewer is returned when someone who is not a reviewer scores.
var ErrNotReviewer = tandem.Errorf(tandem.EForbidden, i18n.K("selections.error.not_reviewer"))

func hasUnique(n int, id func(int) int64) bool {
	seen := make(map[int64]bool, n)
	for i := 0; i < n; i++ {
		if seen[id(i)] {
			return false
		}
		seen[id(i)] = true
	}
	return true
}
