package contract

import (
	"fmt"
	"strings"
	"time"

	"github.com/tandemhq/tandem/internal/access"
	"github.com/tandemhq/tandem/internal/engagement"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/tandem"
)

// Amendment statuses: proposed by one side, then accepted or rejected by
// the other.
const (
	AmendmentProposed = "proposed"
	AmendmentAccepted = "accepted"
	AmendmentRejected = "rejected"
)

// MaxAmendmentText is the longest reason of an amendment or note of its
// decision.
const MaxAmendmentText = 4000

// MayEditDraft reports whether p may edit e's terms directly: only while e
// is a draft, by those who write engagements. After activation the terms
// change only by amendment.
func MayEditDraft(p tandem.Principal, e *engagement.Engagement) bool {
	return e.Status == engagement.StatusDraft && access.Allows(p.Role, access.EngagementsWrite)
}

// CheckDraft refuses a change of draft terms (or an activation) once e is
// no longer a draft. Errors: EConflict.
func CheckDraft(e *engagement.Engagement) error {
	if e.Status != engagement.StatusDraft {
		return ErrNotDraft
	}
	return nil
}

// ErrNotDraft refuses a change that only a draft takes.
var ErrNotDraft = tandem.Errorf(tandem.EConflict, i18n.K("contract.not_draft"))

// MayPropose reports whether p may propose an amendment of e: e is live
// (a draft is edited directly; an ended engagement is not amended) and p's
// role amends (the client's owners and managers, the partner's vendor
// managers).
func MayPropose(p tandem.Principal, e *engagement.Engagement) bool {
	return e.Live() && access.Allows(p.Role, access.Amend)
}

// CheckAmendable refuses an amendment of an engagement that is not live.
// Errors: EConflict.
func CheckAmendable(e *engagement.Engagement) error {
	switch {
	case e.Status == engagement.StatusDraft:
		return tandem.Errorf(tandem.EConflict, i18n.K("contract.amend_draft"))
	case !e.Live():
		return tandem.Errorf(tandem.EConflict, i18n.K("contract.amend_ended"))
	}
	return nil
}

// Propose decides a proposal by p to amend e from effectiveFrom with terms
// t, for reason: the reason is required, the date not before e starts, and
// termsErr (the validation of t, which the caller runs: metric formulas are
// checked outside this package) is reported with them. It returns the
// proposed amendment, not yet numbered. Check the change against the terms
// then in force with CheckChange. Errors: EInvalid.
func Propose(p tandem.Principal, e *engagement.Engagement, effectiveFrom tandem.Date, reason string, t Terms, termsErr error) (*Amendment, error) {
	reason = strings.TrimSpace(reason)
	var v tandem.Validator
	if v.Required("reason", reason) {
		v.MaxLen("reason", reason, MaxAmendmentText)
	}
	if v.Check(!effectiveFrom.IsZero(), "effective_from", i18n.K("validation.required")) {
		v.Check(!effectiveFrom.Before(e.StartsOn), "effective_from", i18n.K("contract.effective_before_start"))
	}
	for _, f := range tandem.FieldErrors(termsErr) {
		v.Add(f.Field, f.Key, f.Args...)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	return &Amendment{WorkspaceID: p.WorkspaceID, EngagementID: e.ID, EffectiveFrom: effectiveFrom.String(),
		Reason: reason, Terms: t, Status: AmendmentProposed, ProposedBy: p.UserID, ProposedByName: p.UserName,
		ProposedSide: string(p.Side())}, nil
}

// CheckChange checks proposed terms against the terms in force from the
// same date: they must change something, and a manual metric keeps its
// decimals (values entered by hand are stored with them, and would be
// misread). Errors: EInvalid.
func CheckChange(current, proposed Terms) error {
	var v tandem.Validator
	if len(Diff(current, proposed)) == 0 {
		v.Add("terms", i18n.K("contract.amend_no_change"))
		return v.Err()
	}
	for i, m := range proposed.Metrics {
		if old := current.MetricDef(m.Key); old != nil && old.Kind == MetricKindManual && m.Kind == MetricKindManual && old.Scale != m.Scale {
			v.Add(fmt.Sprintf("metrics.%d.scale", i), i18n.K("contract.validation.manual_scale_fixed"), "n", old.Scale)
			return v.Err()
		}
	}
	return nil
}

// MayDecide reports whether p may accept or reject a: a proposed one, put
// forward by the other side.
func (a *Amendment) MayDecide(p tandem.Principal) bool {
	return a.Status == AmendmentProposed && access.Allows(p.Role, access.Amend) && a.ProposedSide != string(p.Side())
}

// Decide accepts or rejects a for p at now, with a note: only a proposed
// amendment, only by the other side. Errors: EConflict (already decided),
// EInvalid (the note), EForbidden (the proposing side).
func (a *Amendment) Decide(p tandem.Principal, accept bool, note string, now time.Time) error {
	if a.Status != AmendmentProposed {
		return tandem.Errorf(tandem.EConflict, i18n.K("contract.amend_decided"))
	}
	note = strings.TrimSpace(note)
	var v tandem.Validator
	if !v.MaxLen("note", note, MaxAmendmentText) {
		return v.Err()
	}
	if !a.MayDecide(p) {
		return tandem.Errorf(tandem.EForbidden, i18n.K("contract.amend_other_side"))
	}
	a.Status = AmendmentRejected
	if accept {
		a.Status = AmendmentAccepted
	}
	a.DecidedBy, a.DecidedByName, a.DecidedAt, a.DecisionNote = p.UserID, p.UserName, now, note
	return nil
}
