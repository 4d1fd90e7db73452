// Package work holds what a partner delivers and how the client receives
// it: deliverables of the contract's services, numbered submissions, reviews
// that accept or return them with a reason, and the figures these facts
// give — on time or late, accepted first time or not, returns, lead time —
// per deliverable and per engagement and period.
//
// Everything here is recorded as facts with timestamps and never
// overwritten; the figures are computed from them.
package work

import (
	"strings"
	"time"

	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/tandem"
)

// Status is where a deliverable is in its lifecycle.
type Status string

// Deliverable statuses: planned → in progress → submitted → accepted, or →
// returned → submitted again → …
const (
	StatusPlanned    Status = "planned"
	StatusInProgress Status = "in_progress"
	StatusSubmitted  Status = "submitted"
	StatusReturned   Status = "returned"
	StatusAccepted   Status = "accepted"
)

// Statuses lists the statuses in lifecycle order.
var Statuses = []Status{StatusPlanned, StatusInProgress, StatusSubmitted, StatusReturned, StatusAccepted}

// Priorities a deliverable may have.
var Priorities = []string{"low", DefaultPriority, "high", "urgent"}

// DefaultPriority is a deliverable's priority unless one is given.
const DefaultPriority = "normal"

// ReturnReasons are why a client returns a submission.
var ReturnReasons = []string{"quality", "incomplete", "not_what_was_asked", "other"}

// Deliverable is one piece of owed work, of one service of the contract.
type Deliverable struct {
	ID               int64
	WorkspaceID      int64
	EngagementID     int64
	EngagementTitle  string // joined for display
	ServiceKey       string
	Title            string
	Description      string
	DueAt            time.Time
	Priority         string
	AssigneeID       int64 // a membership of the partner; 0 = nobody yet
	AssigneeName     string
	Acceptor         string // who accepts, as the contract names them
	Status           Status
	Submissions      int
	Returns          int
	FirstSubmittedAt time.Time
	AcceptedAt       time.Time
	CreatedAt        time.Time
	UpdatedAt        time.Time
}

// Normalize trims what a person typed and fills defaults.
func (d *Deliverable) Normalize() {
	d.Title = strings.TrimSpace(d.Title)
	d.Description = strings.TrimSpace(d.Description)
	d.ServiceKey = strings.TrimSpace(d.ServiceKey)
	if d.Priority == "" {
		d.Priority = DefaultPriority
	}
	if d.Status == "" {
		d.Status = StatusPlanned
	}
}

// Validate reports every problem with d as field errors. Whether the
// service is in the contract is checked against the terms by the store.
func (d *Deliverable) Validate() error {
	var v tandem.Validator
	if v.Required("title", d.Title) {
		v.MaxLen("title", d.Title, 200)
	}
	v.MaxLen("description", d.Description, 8000)
	v.Required("service_key", d.ServiceKey)
	v.OneOf("priority", d.Priority, Priorities...)
	return v.Err()
}

// DueBeforeStart reports whether a deliverable due at due is due before
// its engagement starts: its due day, in the workspace's zone loc, is
// earlier than startsOn. Such a deliverable cannot be created — nothing is
// owed before the terms take effect, so it could neither be scored nor
// earn a late-notice penalty.
func DueBeforeStart(due time.Time, startsOn tandem.Date, loc *time.Location) bool {
	if due.IsZero() || startsOn.IsZero() {
		return false
	}
	if loc == nil {
		loc = time.UTC
	}
	return tandem.DateOf(due.In(loc)).Before(startsOn)
}

// Submission is one numbered delivery of a deliverable.
type Submission struct {
	ID            int64
	DeliverableID int64
	Number        int
	Note          string
	SubmittedBy   int64
	SubmitterName string
	SubmittedAt   time.Time
	Files         []FileRef
	Review        *Review // the decision on it, if any
}

// FileRef names an attachment without its bytes.
type FileRef struct {
	ID          int64
	Name        string
	ContentType string
	Size        int64
}

// Review is the client's decision on one submission.
type Review struct {
	ID               int64
	DeliverableID    int64
	SubmissionNumber int
	Accepted         bool
	Reason           string // for a return: one of ReturnReasons
	Comment          string
	ReviewedBy       int64
	ReviewerName     string
	ReviewedAt       time.Time
}

// Validate checks a review: a return needs a reason.
func (r *Review) Validate() error {
	r.Comment = strings.TrimSpace(r.Comment)
	var v tandem.Validator
	if !r.Accepted {
		if r.Reason == "" {
			v.Add("reason", i18n.K("validation.required"))
		} else {
			v.OneOf("reason", r.Reason, ReturnReasons...)
		}
	} else {
		r.Reason = ""
	}
	v.MaxLen("comment", r.Comment, 4000)
	return v.Err()
}

// Overdue reports whether d is past its due time at now and not accepted.
func (d *Deliverable) Overdue(now time.Time) bool {
	return d.Status != StatusAccepted && d.DueAt.Before(now)
}

// CanMove reports whether a deliverable may go from one status to another
// by hand (submitting, accepting and returning have their own actions).
func CanMove(from, to Status) bool {
	switch {
	case from == to:
		return true
	case from == StatusPlanned && to == StatusInProgress, from == StatusInProgress && to == StatusPlanned:
		return true
	case from == StatusReturned && to == StatusInProgress:
		return true
	}
	return false
}

// CanSubmit reports whether a new version may be submitted.
func CanSubmit(s Status) bool {
	return s == StatusPlanned || s == StatusInProgress || s == StatusReturned
}
