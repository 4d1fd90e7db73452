// Package proposal holds the partner's proposals for improvement and early
// risk warnings (seed 001's initiative and transparency), which the client
// accepts, declines or notes.
//
// # Facts
//
//   - proposal.raised: subject = the proposal; flag = it is a risk warning
//     (false for an improvement proposal).
//   - proposal.decided: subject = the proposal; flag = accepted; value =
//     seconds from raising to the decision; data.decision = accepted,
//     declined or noted.
//
// These are the facts behind the initiative KPIs.
package proposal

import (
	"strings"
	"time"

	"github.com/tandemhq/tandem/internal/access"
	"github.com/tandemhq/tandem/internal/engagement"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/notification"
	"github.com/tandemhq/tandem/internal/tandem"
	"github.com/tandemhq/tandem/internal/work"
)

// Kinds of what a partner raises.
const (
	KindProposal = "proposal" // a proposal for improvement
	KindRisk     = "risk"     // an early warning of a risk
)

// Kinds lists the proposal kinds.
var Kinds = []string{KindProposal, KindRisk}

// Proposal statuses: open until the client decides.
const (
	StatusOpen     = "open"
	StatusAccepted = "accepted"
	StatusDeclined = "declined"
	StatusNoted    = "noted"
)

// Decisions are the statuses a client's decision may set.
var Decisions = []string{StatusAccepted, StatusDeclined, StatusNoted}

// Proposal is a partner's proposal for improvement or early risk warning.
type Proposal struct {
	ID               int64
	WorkspaceID      int64
	EngagementID     int64
	Kind             string
	Title            string
	Text             string
	DeliverableID    int64 // optional
	DeliverableTitle string
	RaisedBy         int64
	RaisedByName     string
	RaisedAt         time.Time
	Status           string
	DecidedBy        int64
	DecidedByName    string
	DecidedAt        time.Time
	Comment          string // the client's, with the decision
}

// Normalize trims what a person typed.
func (x *Proposal) Normalize() {
	x.Kind = strings.TrimSpace(x.Kind)
	x.Title = strings.TrimSpace(x.Title)
	x.Text = strings.TrimSpace(x.Text)
}

// Validate reports every problem with p as field errors.
func (x *Proposal) Validate() error {
	var v tandem.Validator
	if v.Required("kind", x.Kind) {
		v.OneOf("kind", x.Kind, Kinds...)
	}
	if v.Required("title", x.Title) {
		v.MaxLen("title", x.Title, 200)
	}
	v.MaxLen("text", x.Text, 8000)
	return v.Err()
}

// Decision is the client's answer to a proposal.
type Decision struct {
	Status  string // accepted | declined | noted
	Comment string
}

// Validate checks a decision: declining needs a comment saying why.
func (d *Decision) Validate() error {
	d.Comment = strings.TrimSpace(d.Comment)
	var v tandem.Validator
	if v.Required("decision", d.Status) {
		v.OneOf("decision", d.Status, Decisions...)
	}
	if d.Status == StatusDeclined {
		v.Check(d.Comment != "", "comment", i18n.K("proposal.decline_needs_comment"))
	}
	v.MaxLen("comment", d.Comment, 4000)
	return v.Err()
}

// IsRisk reports whether the proposal is a risk warning.
func (x *Proposal) IsRisk() bool { return x.Kind == KindRisk }

// Open reports whether the client has not decided yet.
func (x *Proposal) Open() bool { return x.Status == StatusOpen }

// CheckLive reports whether the partner may raise proposals on e: only
// while it is live (EConflict otherwise).
func CheckLive(e *engagement.Engagement) error {
	if !e.Live() {
		return tandem.Errorf(tandem.EConflict, i18n.K("notice.not_live"))
	}
	return nil
}

// MayRaise reports whether role may raise a proposal on e now.
func MayRaise(role tandem.Role, e *engagement.Engagement) bool {
	return access.Allows(role, access.Notify) && e.Live()
}

// MayDecide reports whether role may decide x.
func MayDecide(role tandem.Role, x *Proposal) bool {
	return access.Allows(role, access.Respond) && x.Open()
}

// Raise validates a proposal raised by p at now, about d (nil when it names
// no deliverable, or one that is not the engagement's), and decides what is
// stored: open, by p, at now, with the deliverable's title.
func (x *Proposal) Raise(d *work.Deliverable, p tandem.Principal, now time.Time) error {
	x.Normalize()
	var v tandem.Validator
	for _, fe := range tandem.FieldErrors(x.Validate()) {
		v.Add(fe.Field, fe.Key, fe.Args...)
	}
	if x.DeliverableID != 0 {
		if d == nil {
			v.Add("deliverable_id", i18n.K("notice.unknown_deliverable"))
		} else {
			x.DeliverableTitle = d.Title
		}
	}
	if err := v.Err(); err != nil {
		return err
	}
	x.WorkspaceID, x.Status, x.RaisedBy, x.RaisedByName, x.RaisedAt = p.WorkspaceID, StatusOpen, p.UserID, p.UserName, now
	return nil
}

// Raised is who is told of a raised proposal: the client's deciders.
func (x *Proposal) Raised() notification.Message {
	return notification.Message{Kind: "proposal.raised", To: notification.Client,
		Args: map[string]any{"kind": x.Kind, "title": x.Title}}
}

// Apply checks the client's decision on x. Errors: EInvalid, EConflict
// (already decided).
func (d *Decision) Apply(x *Proposal) error {
	if err := d.Validate(); err != nil {
		return err
	}
	if !x.Open() {
		return tandem.Errorf(tandem.EConflict, i18n.K("proposal.already_decided"))
	}
	return nil
}

// Accepted reports whether the decision accepts the proposal.
func (d *Decision) Accepted() bool { return d.Status == StatusAccepted }

// Told is who is told of the decision on x: the partner's people and
// whoever raised it.
func (d *Decision) Told(x *Proposal) notification.Message {
	return notification.Message{Kind: "proposal.decided", To: notification.Partner.And(x.RaisedBy),
		Args: map[string]any{"kind": x.Kind, "title": x.Title, "decision": d.Status}}
}
