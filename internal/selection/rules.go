package selection

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/tandemhq/tandem/internal/access"
	"github.com/tandemhq/tandem/internal/engagement"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/tandem"
)

// ReviewerRoles are the roles whose people may review a selection: the
// client's people who may score (access.SelectionsScore — owners and
// managers; viewers only read). Partner people never see a selection.
func ReviewerRoles() []tandem.Role {
	var out []tandem.Role
	for _, r := range access.Roles(access.SelectionsScore) {
		if r.IsClient() {
			out = append(out, r)
		}
	}
	return out
}

// MayReview reports whether a member with role, working for partnerID (0
// for the client's own people), may be a reviewer.
func MayReview(role tandem.Role, partnerID int64) bool {
	return role.IsClient() && partnerID == 0 && access.Allows(role, access.SelectionsScore)
}

// CheckOpen refuses a change of a selection that has been decided.
func (s *Selection) CheckOpen() error {
	if s.Status != StatusOpen {
		return ErrClosed
	}
	return nil
}

// PrepareNew normalizes and checks a new selection, which starts open.
// Errors: EInvalid.
func (s *Selection) PrepareNew() error {
	s.Status = StatusOpen
	s.Normalize()
	return s.Validate()
}

// PrepareUpdate decides an edit of before into s: before must be open, s
// valid, and every criterion s names by ID one of before's. Errors:
// EConflict (ErrClosed), EInvalid.
func (s *Selection) PrepareUpdate(before *Selection) error {
	if err := before.CheckOpen(); err != nil {
		return err
	}
	if err := s.PrepareNew(); err != nil {
		return err
	}
	for i, c := range s.Criteria {
		if c.ID != 0 && before.Criterion(c.ID) == nil {
			var v tandem.Validator
			v.Add(fmt.Sprintf("criteria.%d.name", i), i18n.K("selections.invalid.unknown_criterion"))
			return v.Err()
		}
	}
	s.CreatedAt = before.CreatedAt
	return nil
}

// MayScore reports whether p may score s now: a reviewer of an open
// selection whose role scores.
func (s *Selection) MayScore(p tandem.Principal) bool {
	return s.Status == StatusOpen && s.IsReviewer(p.UserID) && access.Allows(p.Role, access.SelectionsScore)
}

// PrepareScores decides the scores p gives s: s must be open and p one of
// its reviewers, and the scores valid (ValidateScores). The scores are
// marked as p's and their notes trimmed. Errors: EConflict (ErrClosed),
// EForbidden (ErrNotReviewer), EInvalid.
func (s *Selection) PrepareScores(p tandem.Principal, scores []Score) error {
	for i := range scores {
		scores[i].ReviewerID = p.UserID
		scores[i].Note = strings.TrimSpace(scores[i].Note)
	}
	if err := s.CheckOpen(); err != nil {
		return err
	}
	if !s.IsReviewer(p.UserID) {
		return ErrNotReviewer
	}
	return s.ValidateScores(scores)
}

// ChangedScores returns the scores of given that change a reviewer's old
// ones: a score with Value 0 clears an existing one, any other is set
// unless it equals the old score (value and note). Clearing a score that
// does not exist changes nothing.
func ChangedScores(old, given []Score) []Score {
	type key struct{ partner, criterion int64 }
	had := map[key]Score{}
	for _, sc := range old {
		had[key{sc.PartnerID, sc.CriterionID}] = sc
	}
	var out []Score
	for _, sc := range given {
		prev, ok := had[key{sc.PartnerID, sc.CriterionID}]
		switch {
		case sc.Value == 0 && !ok, ok && prev.Value == sc.Value && prev.Note == sc.Note:
			continue
		}
		out = append(out, sc)
	}
	return out
}

// ScoresLabel is what the audit trail records of changed scores:
// "partner/criterion=value", sorted.
func ScoresLabel(changed []Score) []string {
	out := make([]string, len(changed))
	for i, sc := range changed {
		out[i] = fmt.Sprintf("%d/%d=%d", sc.PartnerID, sc.CriterionID, sc.Value)
	}
	sort.Strings(out)
	return out
}

// Decide records the choice of partnerID for reason by actor at now and
// closes s. Errors: EConflict (ErrClosed), EInvalid (ValidateDecision).
func (s *Selection) Decide(partnerID int64, reason, actor string, now time.Time) error {
	reason = strings.TrimSpace(reason)
	if err := s.CheckOpen(); err != nil {
		return err
	}
	if err := s.ValidateDecision(partnerID, reason); err != nil {
		return err
	}
	s.Status, s.DecidedPartnerID, s.DecisionReason, s.DecidedBy, s.DecidedAt, s.UpdatedAt = StatusDecided, partnerID, reason, actor, now, now
	return nil
}

// PreparePilot decides the start of s's pilot with e: s must be decided and
// have no pilot yet. e becomes a draft engagement with the chosen partner
// (its title, kind and dates are the caller's). Errors: EConflict
// (ErrNotDecided, ErrPilotStarted).
func (s *Selection) PreparePilot(e *engagement.Engagement) error {
	switch {
	case s.Status != StatusDecided:
		return ErrNotDecided
	case s.EngagementID != 0:
		return ErrPilotStarted
	}
	e.PartnerID, e.Status = s.DecidedPartnerID, engagement.StatusDraft
	return nil
}

// PrepareReview decides a go/no-go review r of s's pilot: s must have a
// pilot that has not ended in go or no-go, and r must be valid. Errors:
// EConflict (ErrNoPilot, ErrPilotClosed), EInvalid.
func (s *Selection) PrepareReview(r *PilotReview) error {
	switch {
	case s.EngagementID == 0:
		return ErrNoPilot
	case s.PilotClosed():
		return ErrPilotClosed
	}
	r.Normalize()
	return r.Validate()
}

// EngagementStatus is the status a final decision moves the pilot
// engagement to: go makes it active, no-go ends it. ok is false for a
// decision that leaves the engagement as it is (extend).
func (d PilotDecision) EngagementStatus() (s engagement.Status, ok bool) {
	switch d {
	case DecisionGo:
		return engagement.StatusActive, true
	case DecisionNoGo:
		return engagement.StatusEnded, true
	}
	return "", false
}

// EngagementRefused turns the engagement's refusal of a review's status
// change (EInvalid or EConflict, such as a draft that goes live only through
// activation) into an EInvalid on the review's field "decision", carrying
// the engagement's reasons. Other errors come back unchanged.
func EngagementRefused(err error) error {
	te, ok := tandem.AsError(err)
	if !ok || (te.Code != tandem.EInvalid && te.Code != tandem.EConflict) {
		return err
	}
	out := &tandem.Error{Code: tandem.EInvalid, Key: i18n.K("selections.error.engagement_refused"), Err: err}
	for _, f := range te.Fields {
		out.Fields = append(out.Fields, tandem.FieldError{Field: "decision", Key: f.Key, Args: f.Args})
	}
	if len(out.Fields) == 0 {
		out.Fields = append(out.Fields, tandem.FieldError{Field: "decision", Key: te.Key, Args: te.Args})
	}
	return out
}

// Decided reports whether the partner has been chosen.
func (s *Selection) Decided() bool { return s.Status == StatusDecided }

// AuditFields is what the audit trail records of a selection: title,
// description, candidate and reviewer IDs (sorted) and criteria as
// "label=weight".
func (s *Selection) AuditFields() map[string]any {
	var cands, revs []int64
	for _, c := range s.Candidates {
		cands = append(cands, c.PartnerID)
	}
	for _, r := range s.Reviewers {
		revs = append(revs, r.UserID)
	}
	sort.Slice(cands, func(i, j int) bool { return cands[i] < cands[j] })
	sort.Slice(revs, func(i, j int) bool { return revs[i] < revs[j] })
	var crit []string
	for _, c := range s.Criteria {
		label := c.Code
		if label == "" {
			label = c.Name
		}
		crit = append(crit, fmt.Sprintf("%s=%d", label, c.Weight))
	}
	return map[string]any{"title": s.Title, "description": s.Description, "candidates": cands,
		"reviewers": revs, "criteria": crit}
}

// Parts is how an edit changes a selection's candidates, reviewers and
// criteria. A removed candidate, reviewer or criterion takes its scores
// with it.
type Parts struct {
	AddCandidates, RemoveCandidates []int64 // partner IDs
	AddReviewers, RemoveReviewers   []int64 // user IDs
	RemoveCriteria                  []int64 // criterion IDs; s.Criteria are all written, those without ID added
}

// PartsFrom compares s with before (nil for a new selection). A default
// criterion (with a Code) keeps no name of its own; s's criteria are
// changed so.
func (s *Selection) PartsFrom(before *Selection) Parts {
	if before == nil {
		before = &Selection{}
	}
	var d Parts
	keep := map[int64]bool{}
	for _, c := range s.Candidates {
		keep[c.PartnerID] = true
		if !before.IsCandidate(c.PartnerID) {
			d.AddCandidates = append(d.AddCandidates, c.PartnerID)
		}
	}
	for _, c := range before.Candidates {
		if !keep[c.PartnerID] {
			d.RemoveCandidates = append(d.RemoveCandidates, c.PartnerID)
		}
	}
	keep = map[int64]bool{}
	for _, r := range s.Reviewers {
		keep[r.UserID] = true
		if !before.IsReviewer(r.UserID) {
			d.AddReviewers = append(d.AddReviewers, r.UserID)
		}
	}
	for _, r := range before.Reviewers {
		if !keep[r.UserID] {
			d.RemoveReviewers = append(d.RemoveReviewers, r.UserID)
		}
	}
	keep = map[int64]bool{}
	for i := range s.Criteria {
		if s.Criteria[i].Code != "" {
			s.Criteria[i].Name = ""
		}
		keep[s.Criteria[i].ID] = true
	}
	for _, c := range before.Criteria {
		if !keep[c.ID] {
			d.RemoveCriteria = append(d.RemoveCriteria, c.ID)
		}
	}
	return d
}
