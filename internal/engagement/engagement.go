// Package engagement holds engagements: one piece of outsourced work with one
// partner, from draft through pilot and active to ended. The contract terms
// hang off an engagement as versions (see the contracts capability); this
// package keeps the engagement's identity and lifecycle.
package engagement

import (
	"strings"
	"time"

	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/tandem"
)

// Kind is what is outsourced.
type Kind string

// Engagement kinds.
const (
	KindSales       Kind = "sales"
	KindSupport     Kind = "support"
	KindDevelopment Kind = "development"
	KindAccounting  Kind = "accounting"
	KindExecutive   Kind = "executive"
	KindOther       Kind = "other"
)

// Kinds lists every kind in display order.
var Kinds = []Kind{KindSales, KindSupport, KindDevelopment, KindAccounting, KindExecutive, KindOther}

// Status is where an engagement is in its life.
type Status string

// Engagement statuses.
const (
	StatusDraft  Status = "draft"
	StatusPilot  Status = "pilot"
	StatusActive Status = "active"
	StatusEnded  Status = "ended"
)

// Statuses lists every status in lifecycle order.
var Statuses = []Status{StatusDraft, StatusPilot, StatusActive, StatusEnded}

// Engagement is a piece of outsourced work with one partner.
type Engagement struct {
	ID          int64
	WorkspaceID int64
	PartnerID   int64
	PartnerName string // read-only, joined for display
	Title       string
	Kind        Kind
	Status      Status
	StartsOn    tandem.Date
	EndsOn      tandem.Date
	Description string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Normalize trims what a person typed and fills defaults.
func (e *Engagement) Normalize() {
	e.Title = strings.TrimSpace(e.Title)
	e.Description = strings.TrimSpace(e.Description)
	if e.Status == "" {
		e.Status = StatusDraft
	}
}

// Validate reports every problem with e as field errors.
func (e *Engagement) Validate() error {
	var v tandem.Validator
	v.Check(e.PartnerID > 0, "partner_id", i18n.K("validation.required"))
	if v.Required("title", e.Title) {
		v.MaxLen("title", e.Title, 200)
	}
	v.OneOf("kind", string(e.Kind), kindStrings()...)
	v.OneOf("status", string(e.Status), statusStrings()...)
	v.MaxLen("description", e.Description, 4000)
	v.Check(!e.StartsOn.IsZero(), "starts_on", i18n.K("validation.required"))
	if !e.StartsOn.IsZero() && !e.EndsOn.IsZero() {
		v.Check(!e.EndsOn.Before(e.StartsOn), "ends_on", i18n.K("validation.end_before_start"))
	}
	return v.Err()
}

// SearchText is what free-text search matches, folded (tandem.Fold).
func (e *Engagement) SearchText() string { return tandem.Fold(e.Title + " " + e.Description) }

func kindStrings() []string {
	s := make([]string, len(Kinds))
	for i, x := range Kinds {
		s[i] = string(x)
	}
	return s
}

func statusStrings() []string {
	s := make([]string, len(Statuses))
	for i, x := range Statuses {
		s[i] = string(x)
	}
	return s
}

// transitions lists the status changes an edit may make. A draft goes live
// only through activation (the contract check), never by editing its status.
var transitions = map[Status][]Status{
	StatusDraft:  {StatusEnded},
	StatusPilot:  {StatusActive, StatusEnded},
	StatusActive: {StatusEnded},
}

// CheckTransition reports whether an edit may move an engagement from one
// status to another.
func CheckTransition(from, to Status) error {
	if from == to {
		return nil
	}
	for _, s := range transitions[from] {
		if s == to {
			return nil
		}
	}
	var v tandem.Validator
	if from == StatusDraft {
		v.Add("status", i18n.K("engagement.use_activate"))
	} else {
		v.Add("status", i18n.K("engagement.bad_transition"))
	}
	return v.Err()
}

// Live reports whether work happens under the engagement: it is in its
// pilot or active. Deliverables, notices, requests and values are recorded
// only while it is live.
func (s Status) Live() bool { return s == StatusPilot || s == StatusActive }

// Live reports whether the engagement is in its pilot or active (Status.Live).
func (e *Engagement) Live() bool { return e != nil && e.Status.Live() }

// PrepareNew normalizes and checks an engagement about to be created: valid,
// and a draft (it goes live only through activation). Errors: EInvalid.
func (e *Engagement) PrepareNew() error {
	e.Normalize()
	if err := e.Validate(); err != nil {
		return err
	}
	if e.Status != StatusDraft {
		var v tandem.Validator
		v.Add("status", i18n.K("engagement.use_activate"))
		return v.Err()
	}
	return nil
}

// PrepareUpdate normalizes and checks an edit of before into e: valid, an
// allowed status change (CheckTransition), and the partner fixed once the
// engagement has left its draft. Errors: EInvalid.
func (e *Engagement) PrepareUpdate(before *Engagement) error {
	e.Normalize()
	if err := e.Validate(); err != nil {
		return err
	}
	if err := CheckTransition(before.Status, e.Status); err != nil {
		return err
	}
	if before.Status != StatusDraft && e.PartnerID != before.PartnerID {
		var v tandem.Validator
		v.Add("partner_id", i18n.K("engagement.partner_fixed"))
		return v.Err()
	}
	return nil
}

// MovesTermsStart reports whether an edit of before into e moves the date
// from which the draft terms (version 1) take effect: a draft's terms start
// when the engagement starts.
func (e *Engagement) MovesTermsStart(before *Engagement) bool {
	return before.Status == StatusDraft && !e.StartsOn.Time().Equal(before.StartsOn.Time())
}

// AuditFields is what the audit trail records of an engagement; an edit
// records the fields that differ.
func (e *Engagement) AuditFields() map[string]any {
	return map[string]any{"partner_id": e.PartnerID, "title": e.Title, "kind": e.Kind, "status": e.Status,
		"starts_on": e.StartsOn.String(), "ends_on": e.EndsOn.String(), "description": e.Description}
}
