package notice

import (
	"strings"
	"time"

	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/tandem"
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
func (p *Proposal) Normalize() {
	p.Kind = strings.TrimSpace(p.Kind)
	p.Title = strings.TrimSpace(p.Title)
	p.Text = strings.TrimSpace(p.Text)
}

// Validate reports every problem with p as field errors.
func (p *Proposal) Validate() error {
	var v tandem.Validator
	if v.Required("kind", p.Kind) {
		v.OneOf("kind", p.Kind, Kinds...)
	}
	if v.Required("title", p.Title) {
		v.MaxLen("title", p.Title, 200)
	}
	v.MaxLen("text", p.Text, 8000)
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
