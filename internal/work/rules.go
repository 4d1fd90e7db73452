package work

import (
	"strings"
	"time"

	"github.com/tandemhq/tandem/internal/access"
	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/engagement"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/notification"
	"github.com/tandemhq/tandem/internal/sla"
	"github.com/tandemhq/tandem/internal/tandem"
)

// The decisions of the work, as pure functions: the store loads what they
// need in its transaction, calls them, and persists what they decide.

// Calendar compiles the business calendar of terms, falling back to
// Monday–Friday, whole days, in the workspace's zone tz.
func Calendar(t contract.Terms, tz string) *sla.Calendar {
	c := t.Calendar
	if c.TimeZone == "" {
		c.TimeZone = tz
	}
	cal, err := sla.Compile(c)
	if err != nil {
		cal, _ = sla.Compile(contract.Calendar{TimeZone: tz})
	}
	return cal
}

// DueBy derives a due time from a service's deadline rule, counted from
// from; a rule of "none" gives the zero time.
func DueBy(rule contract.DeadlineRule, cal *sla.Calendar, from time.Time, loc *time.Location) time.Time {
	switch rule.Kind {
	case "business_days":
		return cal.AddBusinessDays(from, rule.N)
	case "calendar_days":
		return sla.AddCalendarDays(from, rule.N, loc)
	case "day_of_month":
		f := from.In(loc)
		d := time.Date(f.Year(), f.Month(), rule.N, 23, 59, 59, 0, loc)
		if !d.After(f) {
			d = time.Date(f.Year(), f.Month()+1, rule.N, 23, 59, 59, 0, loc)
		}
		return d
	}
	return time.Time{}
}

// DueOn is the due time of a deliverable due on a day, typed by hand or
// imported: the end of that day (23:59:59) in loc.
func DueOn(day tandem.Date, loc *time.Location) time.Time {
	t := day.Time()
	return time.Date(t.Year(), t.Month(), t.Day(), 23, 59, 59, 0, loc)
}

// ServiceOf returns the service of terms with key, or nil.
func ServiceOf(t contract.Terms, key string) *contract.Service {
	for i := range t.Services {
		if t.Services[i].Key == key {
			return &t.Services[i]
		}
	}
	return nil
}

// CheckPlan reports whether deliverables may be added to e: only while it
// is live (EConflict otherwise).
func CheckPlan(e *engagement.Engagement) error {
	if !e.Live() {
		return tandem.Errorf(tandem.EConflict, i18n.K("work.not_live"))
	}
	return nil
}

// MayPlan reports whether role may add deliverables to e now.
func MayPlan(role tandem.Role, e *engagement.Engagement) bool {
	return access.Allows(role, access.WorkPlan) && CheckPlan(e) == nil
}

// SearchText is what free-text search matches, folded (tandem.Fold).
func (d *Deliverable) SearchText() string { return tandem.Fold(d.Title + " " + d.Description) }

// Plan normalizes and validates a new deliverable against the terms in
// force at now: its service must be in the contract; the acceptor and, when
// not given, the due time (by the service's deadline rule on cal) come from
// the service; it may not be due before the engagement starts on startsOn
// (DueBeforeStart; zero: no start to respect). It sets the deliverable's
// status to planned.
func (d *Deliverable) Plan(t contract.Terms, cal *sla.Calendar, loc *time.Location, now time.Time, startsOn tandem.Date) error {
	d.Normalize()
	var v tandem.Validator
	for _, f := range tandem.FieldErrors(d.Validate()) {
		v.Add(f.Field, f.Key, f.Args...)
	}
	svc := ServiceOf(t, d.ServiceKey)
	if d.ServiceKey != "" {
		v.Check(svc != nil, "service_key", i18n.K("work.service_not_in_contract"))
	}
	if svc != nil {
		d.Acceptor = svc.Acceptor
		if d.DueAt.IsZero() {
			d.DueAt = DueBy(svc.Deadline, cal, now, loc)
		}
	}
	v.Check(!d.DueAt.IsZero() || v.Has("service_key"), "due_at", i18n.K("validation.required"))
	v.Check(!DueBeforeStart(d.DueAt, startsOn, loc), "due_at", i18n.K("work.due_before_start"))
	d.Status = StatusPlanned
	return v.Err()
}

// Assignee is the membership a deliverable is assigned to, as the rule
// reads it; the zero Assignee is no membership of the workspace.
type Assignee struct {
	Role      tandem.Role
	PartnerID int64
	Assigned  bool // assigned to the engagement
}

// CheckAssignee reports whether a deliverable of e may be assigned to a:
// someone who works the engagement for its partner — a partner manager of
// the partner, or a person of the partner assigned to the engagement. A
// field error on "assignee_id" if not.
func CheckAssignee(a Assignee, e *engagement.Engagement) error {
	if a.PartnerID != 0 && a.PartnerID == e.PartnerID && (a.Role == tandem.RoleVendorManager || a.Assigned) {
		return nil
	}
	var v tandem.Validator
	v.Add("assignee_id", i18n.K("work.assignee_not_on_engagement"))
	return v.Err()
}

// Created is who is told of a new deliverable: the partner's people.
func (d *Deliverable) Created() notification.Message {
	return notification.Message{Kind: "deliverable.created", To: notification.Partner, Args: map[string]any{"title": d.Title}}
}

// CheckMove reports whether a deliverable may go from one status to
// another by hand: a field error on "status" if not.
func CheckMove(from, to Status) error {
	if !CanMove(from, to) {
		var v tandem.Validator
		v.Add("status", i18n.K("work.bad_move"))
		return v.Err()
	}
	return nil
}

// MaxFiles is the most attachments one submission may carry.
const MaxFiles = 10

// MaySubmit reports whether role may submit d now.
func MaySubmit(role tandem.Role, d *Deliverable) bool {
	return access.Allows(role, access.WorkSubmit) && CanSubmit(d.Status)
}

// CheckSubmit checks a submission of d with a note (trimmed in place) and
// files attachments: EInvalid for the note or too many files, EConflict
// when d does not wait for a submission.
func CheckSubmit(d *Deliverable, note *string, files int) error {
	*note = strings.TrimSpace(*note)
	var v tandem.Validator
	v.MaxLen("note", *note, 4000)
	v.Check(files <= MaxFiles, "files", i18n.K("work.too_many_files"), "max", MaxFiles)
	if err := v.Err(); err != nil {
		return err
	}
	if !CanSubmit(d.Status) {
		return tandem.Errorf(tandem.EConflict, i18n.K("work.not_open"))
	}
	return nil
}

// Submitted is who is told of submission number of d: the client's
// deciders.
func (d *Deliverable) Submitted(number int) notification.Message {
	return notification.Message{Kind: "deliverable.submitted", To: notification.Client,
		Args: map[string]any{"title": d.Title, "number": number}}
}

// MayReview reports whether role may review d now: the client's deciders,
// while a submission waits.
func MayReview(role tandem.Role, d *Deliverable) bool {
	return access.Allows(role, access.WorkReview) && d.Status == StatusSubmitted
}

// Review decisions as the forms and the API name them.
const (
	Accept = "accept"
	Return = "return"
)

// Decisions as they are recorded (reviews, facts, notifications).
const (
	DecisionAccepted = "accepted"
	DecisionReturned = "returned"
)

// ReviewOf reads a review from a form or API body: decision is Accept or
// Return (a field error on "decision" otherwise).
func ReviewOf(decision, reason, comment string) (Review, error) {
	if decision != Accept && decision != Return {
		var v tandem.Validator
		v.Add("decision", i18n.K("validation.one_of"))
		return Review{}, v.Err()
	}
	return Review{Accepted: decision == Accept, Reason: reason, Comment: comment}, nil
}

// Decision is the review's decision as recorded: accepted or returned.
func (r *Review) Decision() string {
	if r.Accepted {
		return DecisionAccepted
	}
	return DecisionReturned
}

// Outcome of a review: what it changes on the deliverable and what its
// fact records.
type Reviewed struct {
	Status     Status
	Returns    int       // the deliverable's returns after the review
	AcceptedAt time.Time // zero for a return
	LateDays   int       // business days from the due time to the accepted submission
	FirstTime  bool      // accepted on the first submission
	LeadTime   time.Duration
}

// Apply validates r and decides what it does to d, whose latest
// submission came in at submittedAt, at now on the terms' calendar cal.
// Errors: EInvalid, EConflict (no submission waits for review).
func (r *Review) Apply(d *Deliverable, submittedAt time.Time, cal *sla.Calendar, now time.Time) (Reviewed, error) {
	if err := r.Validate(); err != nil {
		return Reviewed{}, err
	}
	if d.Status != StatusSubmitted {
		return Reviewed{}, tandem.Errorf(tandem.EConflict, i18n.K("work.nothing_to_review"))
	}
	if !r.Accepted {
		return Reviewed{Status: StatusReturned, Returns: d.Returns + 1}, nil
	}
	return Reviewed{Status: StatusAccepted, Returns: d.Returns, AcceptedAt: now,
		LateDays: sla.LatenessBusinessDays(cal, d.DueAt, submittedAt), FirstTime: d.Returns == 0,
		LeadTime: now.Sub(d.CreatedAt)}, nil
}

// Told is who is told of the review of submission number of d: the
// partner's people.
func (r *Review) Told(d *Deliverable) notification.Message {
	return notification.Message{Kind: "deliverable." + r.Decision(), To: notification.Partner,
		Args: map[string]any{"title": d.Title, "number": d.Submissions, "reason": r.Reason}}
}
