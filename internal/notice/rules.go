package notice

import (
	"time"

	"github.com/tandemhq/tandem/internal/access"
	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/engagement"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/notification"
	"github.com/tandemhq/tandem/internal/sla"
	"github.com/tandemhq/tandem/internal/tandem"
	"github.com/tandemhq/tandem/internal/work"
)

// The decisions on notices, as pure functions: the store loads what they
// need in its transaction, calls them, and persists what they decide.

// DutyOf returns the notice duty of terms for category, or nil.
func DutyOf(t contract.Terms, category string) *contract.NoticeDuty {
	for i := range t.Notices {
		if t.Notices[i].Category == category {
			return &t.Notices[i]
		}
	}
	return nil
}

// Categories lists the categories of the notice duties of terms.
func Categories(t contract.Terms) []string {
	var out []string
	for _, n := range t.Notices {
		out = append(out, n.Category)
	}
	return out
}

// CheckLive reports whether the partner may write to the client on e
// (notices, proposals): only while it is live (EConflict otherwise).
func CheckLive(e *engagement.Engagement) error {
	if !e.Live() {
		return tandem.Errorf(tandem.EConflict, i18n.K("notice.not_live"))
	}
	return nil
}

// MayFile reports whether role may file a notice on e now.
func MayFile(role tandem.Role, e *engagement.Engagement) bool {
	return access.Allows(role, access.Notify) && e.Live()
}

// MayAcknowledge reports whether role may acknowledge n.
func MayAcknowledge(role tandem.Role, n *Notice) bool {
	return access.Allows(role, access.Respond) && !n.Acknowledged()
}

// unknownDeliverable is the field error of a deliverable that is not the
// engagement's (or that the caller may not see).
func unknownDeliverable(v *tandem.Validator, field string) {
	v.Add(field, i18n.K("notice.unknown_deliverable"))
}

// File validates a notice filed at now under the terms in force, about d
// (nil when n names no deliverable, or one that is not the engagement's),
// and decides what is stored: who filed it and when, the deliverable's
// title and — for a deadline notice — its due time and whether the notice
// is timely on cal (see the package doc). It returns the business time
// between filing and the due time (0 without one), the fact's value.
func (n *Notice) File(t contract.Terms, d *work.Deliverable, cal *sla.Calendar, p tandem.Principal, now time.Time) (time.Duration, error) {
	n.Normalize()
	var v tandem.Validator
	for _, fe := range tandem.FieldErrors(n.Validate(Categories(t))) {
		v.Add(fe.Field, fe.Key, fe.Args...)
	}
	if n.DeliverableID != 0 && d == nil {
		unknownDeliverable(&v, "deliverable_id")
	}
	if err := v.Err(); err != nil {
		return 0, err
	}
	n.WorkspaceID, n.FiledBy, n.FiledByName, n.FiledAt, n.Timely = p.WorkspaceID, p.UserID, p.UserName, now, true
	var lead time.Duration
	if d != nil {
		n.DeliverableTitle = d.Title
		if n.Category == CategoryDeadline {
			n.DueAt = d.DueAt
			lead = Lead(cal, now, d.DueAt)
			within := 0
			if duty := DutyOf(t, n.Category); duty != nil {
				within = duty.WithinHours
			}
			n.Timely = Timely(cal, within, now, d.DueAt)
		}
	}
	return lead, nil
}

// Filed is who is told of a filed notice: the client's deciders.
func (n *Notice) Filed() notification.Message {
	return notification.Message{Kind: "notice.filed", To: notification.Client,
		Args: map[string]any{"category": n.Category, "title": n.DeliverableTitle}}
}

// Acknowledge checks the client's acknowledgement a of n at now. d is the
// deliverable whose due date a moves (nil when a agrees no new date, or
// when n's deliverable is gone); a date typed on a form (NewDueOn) becomes
// a due time in loc, the workspace's zone (see NewDueAt). Errors:
// EInvalid, EConflict (already acknowledged, or the deliverable is
// accepted).
func (a *Ack) Acknowledge(n *Notice, d *work.Deliverable, loc *time.Location, now time.Time) error {
	if a.NewDueAt.IsZero() && !a.NewDueOn.IsZero() {
		old := n.DueAt
		if d != nil {
			old = d.DueAt
		}
		a.NewDueAt = NewDueAt(a.NewDueOn, old, loc)
	}
	if err := a.Validate(n, now); err != nil {
		return err
	}
	if n.Acknowledged() {
		return tandem.Errorf(tandem.EConflict, i18n.K("notice.already_acknowledged"))
	}
	if a.NewDueAt.IsZero() {
		return nil
	}
	if d == nil {
		var v tandem.Validator
		unknownDeliverable(&v, "new_due_at")
		return v.Err()
	}
	if d.Status == work.StatusAccepted {
		return tandem.Errorf(tandem.EConflict, i18n.K("notice.deliverable_accepted"))
	}
	a.NewDueAt = a.NewDueAt.UTC()
	return nil
}

// Acknowledged is who is told of an acknowledged notice: the partner's
// people and whoever filed it.
func (n *Notice) AcknowledgedMessage() notification.Message {
	return notification.Message{Kind: "notice.acknowledged", To: notification.Partner.And(n.FiledBy),
		Args: map[string]any{"category": n.Category, "title": n.DeliverableTitle}}
}

// NewDueAt turns a date typed on the acknowledge form into a due time: the
// same time of day, in loc (the workspace's zone), as the deliverable's old
// due time, so that the close of business stays the close of business.
func NewDueAt(day tandem.Date, old time.Time, loc *time.Location) time.Time {
	o := old.In(loc)
	t := day.Time()
	return time.Date(t.Year(), t.Month(), t.Day(), o.Hour(), o.Minute(), o.Second(), 0, loc)
}

// Filing is a deadline notice filed about a deliverable, as the penalty
// rule reads it.
type Filing struct {
	FiledAt  time.Time
	NewDueAt time.Time // the due time agreed on acknowledging it; zero if none
}

// Missed reports whether d has missed its deadline at now: it is past its
// due time and not accepted, and not held by the client — a deliverable
// submitted on or before its due time and awaiting review has not missed
// it. lastSubmittedAt is when its latest submission came in (zero if none).
func Missed(d *work.Deliverable, lastSubmittedAt, now time.Time) bool {
	if d.Status == work.StatusAccepted || !d.DueAt.Before(now) {
		return false
	}
	held := d.Status == work.StatusSubmitted && !lastSubmittedAt.IsZero() && !lastSubmittedAt.After(d.DueAt)
	return !held
}

// PenaltyOwed decides the late-notice penalty of d at now (see the package
// doc): t are the terms in force on its due date, cal their calendar,
// filings the deadline notices filed about it. It reports the penalty and
// whether it is owed.
func PenaltyOwed(d *work.Deliverable, lastSubmittedAt time.Time, t contract.Terms, cal *sla.Calendar, filings []Filing, now time.Time) (Penalty, bool) {
	if !Missed(d, lastSubmittedAt, now) {
		return Penalty{}, false
	}
	duty := DutyOf(t, CategoryDeadline)
	if duty == nil {
		return Penalty{}, false // the contract asks for no such notice
	}
	filed := 0
	for _, f := range filings {
		// A notice that moved the due date was about an earlier date.
		if !f.NewDueAt.IsZero() {
			continue
		}
		filed++
		if Timely(cal, duty.WithinHours, f.FiledAt, d.DueAt) {
			return Penalty{}, false
		}
	}
	return Penalty{DeliverableID: d.ID, DeliverableTitle: d.Title, DueAt: d.DueAt, AmountMinor: duty.PenaltyMinor,
		Currency: t.Price.Currency, NoticeFiled: filed > 0, LateNotices: filed, WithinHours: duty.WithinHours}, true
}

// Told is who is told of a recorded penalty: the client's deciders.
func (x *Penalty) Told() notification.Message {
	return notification.Message{Kind: "penalty.late_notice", To: notification.Client,
		Args: map[string]any{"title": x.DeliverableTitle, "amount_minor": x.AmountMinor, "currency": x.Currency}}
}
