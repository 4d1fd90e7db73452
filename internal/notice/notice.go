// Package notice holds the partner's written notices and the late-notice
// penalties (seed 002's notification duties): the situations the contract
// names (Terms.Notices) in which the partner must notify the client in
// writing — a deadline that cannot be met, missing information, a document
// that conflicts with the law … The client acknowledges a notice, and for a
// deadline notice may agree a new due date for the deliverable it is about.
// (Proposals and risk warnings are package proposal; weekly status reports
// are package report.)
//
// # When a deadline notice is timely
//
// A "cannot meet the deadline" notice (category deadline_at_risk) about a
// deliverable is timely when it is filed at least WithinHours business hours
// (on the business calendar of the contract's terms) before the
// deliverable's due time; a duty of 0 hours means any time before the due
// time. A notice filed at or after the due time is never timely.
//
// # The late-notice penalty
//
// When a deliverable passes its due time without being accepted, and no
// timely deadline notice about it exists, Tandem records a
// "penalty.late_notice" fact with the duty's PenaltyMinor in the price's
// currency (the terms in force on the due date; a contract without a
// deadline_at_risk duty owes no such penalty). It is recorded at most once
// per deliverable. Two refinements:
//
//   - A deliverable whose due date was moved by an acknowledged notice is
//     judged against the new date, and the notice that moved it does not
//     count for the new date: it was about the old one, and the new date is
//     a fresh deadline the partner must warn about again if it slips.
//   - A deliverable submitted on or before its due time and still awaiting
//     the client's review has not missed its deadline: it is not penalized
//     while the client holds it.
//
// # Facts
//
//   - notice.filed: subject = the notice; flag = timely (always true for a
//     notice that is not about a deadline, which has no due time to judge it
//     by); value = business minutes between filing and the due time (0
//     without one).
//   - notice.acknowledged: subject = the notice; flag = a new due date was
//     agreed; value = seconds from filing to acknowledgement.
//   - penalty.late_notice: subject = the deliverable; amount = the duty's
//     penalty; flag = a (late) notice had been filed; at = the due time.
//
// These are the facts behind the notice-timeliness KPIs.
package notice

import (
	"slices"
	"strings"
	"time"

	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/sla"
	"github.com/tandemhq/tandem/internal/tandem"
)

// CategoryDeadline is the notice category of a deadline that cannot be met:
// the one whose timeliness is judged and whose absence is penalized.
const CategoryDeadline = "deadline_at_risk"

// Notice is one written notice of the partner to the client.
type Notice struct {
	ID               int64
	WorkspaceID      int64
	EngagementID     int64
	Category         string // one of the contract's notice duties
	DeliverableID    int64  // 0 when the notice is not about a deliverable
	DeliverableTitle string
	Text             string
	DueAt            time.Time // the deliverable's due time when the notice was filed
	Timely           bool      // see the package doc
	FiledBy          int64
	FiledByName      string
	FiledAt          time.Time

	AcknowledgedBy     int64
	AcknowledgedByName string
	AcknowledgedAt     time.Time
	Comment            string    // the client's, on acknowledging
	NewDueAt           time.Time // the due time agreed on acknowledging; zero if none
}

// Acknowledged reports whether the client has acknowledged the notice.
func (n *Notice) Acknowledged() bool { return !n.AcknowledgedAt.IsZero() }

// Normalize trims what a person typed.
func (n *Notice) Normalize() {
	n.Category = strings.TrimSpace(n.Category)
	n.Text = strings.TrimSpace(n.Text)
}

// Validate checks a notice against the categories of the contract's notice
// duties. A deadline notice must name its deliverable; whether the
// deliverable belongs to the engagement is checked by the store.
func (n *Notice) Validate(categories []string) error {
	var v tandem.Validator
	if v.Required("category", n.Category) {
		v.Check(slices.Contains(categories, n.Category), "category", i18n.K("notice.category_not_in_contract"))
	}
	if v.Required("text", n.Text) {
		v.MaxLen("text", n.Text, 8000)
	}
	if n.Category == CategoryDeadline && n.DeliverableID == 0 {
		v.Add("deliverable_id", i18n.K("notice.deadline_needs_deliverable"))
	}
	return v.Err()
}

// Ack is the client's acknowledgement of a notice.
type Ack struct {
	Comment  string
	NewDueAt time.Time   // zero: no new date
	NewDueOn tandem.Date // a new due date as typed on a form: see NewDueAt; used when NewDueAt is zero
}

// MovesDue reports whether the acknowledgement agrees a new due date.
func (a *Ack) MovesDue() bool { return !a.NewDueAt.IsZero() || !a.NewDueOn.IsZero() }

// Validate checks an acknowledgement of n at now: a new due date needs a
// deliverable and must lie in the future.
func (a *Ack) Validate(n *Notice, now time.Time) error {
	a.Comment = strings.TrimSpace(a.Comment)
	var v tandem.Validator
	v.MaxLen("comment", a.Comment, 4000)
	if !a.NewDueAt.IsZero() {
		if n.DeliverableID == 0 {
			v.Add("new_due_at", i18n.K("notice.no_deliverable"))
		} else {
			v.Check(a.NewDueAt.After(now), "new_due_at", i18n.K("notice.due_in_past"))
		}
	}
	return v.Err()
}

// Lead is the business time between filing and the due time on cal, zero
// when the notice was filed at or after the due time.
func Lead(cal *sla.Calendar, filedAt, dueAt time.Time) time.Duration {
	if !filedAt.Before(dueAt) {
		return 0
	}
	return cal.Between(filedAt, dueAt)
}

// Timely reports whether a deadline notice filed at filedAt about a
// deliverable due at dueAt satisfies a duty of withinHours business hours
// on cal (see the package doc).
func Timely(cal *sla.Calendar, withinHours int, filedAt, dueAt time.Time) bool {
	if !filedAt.Before(dueAt) {
		return false
	}
	return cal.Between(filedAt, dueAt) >= time.Duration(withinHours)*time.Hour
}

// Penalty is one recorded late-notice penalty.
type Penalty struct {
	DeliverableID    int64
	DeliverableTitle string
	DueAt            time.Time
	AmountMinor      int64
	Currency         string
	NoticeFiled      bool // a notice was filed, but too late
	RecordedAt       time.Time

	// Known when the penalty is decided (not read back from the facts).
	LateNotices int // how many deadline notices were filed, all too late
	WithinHours int // the duty's business hours
}
