// Package report holds the partner's weekly status reports: one per
// engagement and ISO week, pre-filled with the week's facts; the partner may
// edit it until the client comments on it.
package report

import (
	"fmt"
	"strings"
	"time"

	"github.com/tandemhq/tandem/internal/access"
	"github.com/tandemhq/tandem/internal/engagement"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/notification"
	"github.com/tandemhq/tandem/internal/tandem"
)

// Report is the partner's weekly status report for one engagement and ISO
// week, named by the week's Monday in the workspace's zone. The partner may
// edit it until the client comments.
type Report struct {
	ID           int64
	WorkspaceID  int64
	EngagementID int64
	Week         tandem.Date // a Monday
	Done         string
	Next         string
	Risks        string
	Blockers     string
	Asks         string
	Figures      Figures // the week's facts, as of the last save
	AuthorID     int64
	AuthorName   string
	CreatedAt    time.Time
	UpdatedAt    time.Time

	Comment       string
	CommentedBy   int64
	CommenterName string
	CommentedAt   time.Time
}

// Saved reports whether the report is stored (a pre-filled draft is not).
func (r *Report) Saved() bool { return r.ID != 0 }

// Commented reports whether the client has commented; the report is then
// final.
func (r *Report) Commented() bool { return !r.CommentedAt.IsZero() }

// Figures are a week's facts for an engagement.
type Figures struct {
	Accepted    int `json:"accepted"`     // deliverables accepted in the week
	Returned    int `json:"returned"`     // submissions returned in the week
	Overdue     int `json:"overdue"`      // deliverables past due and not accepted at the week's end (or now)
	OpenNotices int `json:"open_notices"` // notices filed and not acknowledged at the week's end (or now)
	Breaches    int `json:"breaches"`     // breach.* facts of the week
	Penalties   int `json:"penalties"`    // penalty.* facts of the week
	Proposals   int `json:"proposals"`    // proposals raised in the week
	Risks       int `json:"risks"`        // risk warnings raised in the week
}

// Normalize trims what a person typed.
func (r *Report) Normalize() {
	for _, s := range []*string{&r.Done, &r.Next, &r.Risks, &r.Blockers, &r.Asks} {
		*s = strings.TrimSpace(*s)
	}
}

// Validate reports every problem with r as field errors: what was done is
// required, every section is at most 8000 characters.
func (r *Report) Validate() error {
	var v tandem.Validator
	v.Required("done", r.Done)
	for _, f := range []struct {
		name, s string
	}{{"done", r.Done}, {"next", r.Next}, {"risks", r.Risks}, {"blockers", r.Blockers}, {"asks", r.Asks}} {
		v.MaxLen(f.name, f.s, 8000)
	}
	return v.Err()
}

// WeekOf is the Monday of the ISO week of t in loc.
func WeekOf(t time.Time, loc *time.Location) tandem.Date {
	l := t.In(loc)
	back := (int(l.Weekday()) + 6) % 7 // days since Monday
	return tandem.DateOf(time.Date(l.Year(), l.Month(), l.Day()-back, 12, 0, 0, 0, time.UTC))
}

// ParseWeek reads a week as its Monday ("2026-03-02") or in ISO form
// ("2026-W10").
func ParseWeek(s string) (tandem.Date, error) {
	var bad = tandem.Errorf(tandem.EInvalid, i18n.K("report.bad_week"))
	if y, w, ok := isoWeek(s); ok {
		// 4 January is always in week 1.
		jan4 := time.Date(y, 1, 4, 12, 0, 0, 0, time.UTC)
		monday := WeekOf(jan4, time.UTC).Time().AddDate(0, 0, 7*(w-1))
		if _, ww := monday.ISOWeek(); ww != w {
			return tandem.Date{}, bad
		}
		return tandem.DateOf(monday), nil
	}
	d, err := tandem.ParseDate(s)
	if err != nil || d.IsZero() || d.Time().Weekday() != time.Monday {
		return tandem.Date{}, bad
	}
	return d, nil
}

func isoWeek(s string) (year, week int, ok bool) {
	if len(s) != 8 || s[4] != '-' || (s[5] != 'W' && s[5] != 'w') {
		return 0, 0, false
	}
	if _, err := fmt.Sscanf(s[:4]+" "+s[6:], "%d %d", &year, &week); err != nil || week < 1 || week > 53 {
		return 0, 0, false
	}
	return year, week, true
}

// WeekLabel is the ISO name of the week starting on monday, e.g.
// "2026-W10": stable, for storage and notifications' data, never shown
// as it is (WeekNumber is what a person reads, with the week's first day).
func WeekLabel(monday tandem.Date) string {
	y, w := monday.Time().ISOWeek()
	return fmt.Sprintf("%04d-W%02d", y, w)
}

// WeekNumber is the ISO number of the week starting on monday (1–53).
func WeekNumber(monday tandem.Date) int {
	_, w := monday.Time().ISOWeek()
	return w
}

// CheckWrite reports whether the partner may write reports on e: on any
// engagement past its draft, an ended one included (EConflict otherwise).
func CheckWrite(e *engagement.Engagement) error {
	if e.Status == engagement.StatusDraft {
		return tandem.Errorf(tandem.EConflict, i18n.K("notice.not_live"))
	}
	return nil
}

// MayWrite reports whether role may write reports on e.
func MayWrite(role tandem.Role, e *engagement.Engagement) bool {
	return access.Allows(role, access.Notify) && CheckWrite(e) == nil
}

// MayEdit reports whether role may edit r: a writer, until the client
// comments.
func MayEdit(role tandem.Role, r *Report) bool {
	return access.Allows(role, access.Notify) && !r.Commented()
}

// MayComment reports whether role may comment on r: the client's deciders,
// once, on a stored report.
func MayComment(role tandem.Role, r *Report) bool {
	return access.Allows(role, access.Respond) && r.Saved() && !r.Commented()
}

// Week checks that monday names a week that has begun at now in loc (the
// workspace's zone), and returns its start and end instants in UTC.
// Errors: EInvalid on field "week".
func Week(monday tandem.Date, loc *time.Location, now time.Time) (start, end time.Time, err error) {
	var v tandem.Validator
	if monday.IsZero() || monday.Time().Weekday() != time.Monday {
		v.Add("week", i18n.K("report.bad_week"))
		return start, end, v.Err()
	}
	m := monday.Time()
	start = time.Date(m.Year(), m.Month(), m.Day(), 0, 0, 0, 0, loc)
	end = time.Date(m.Year(), m.Month(), m.Day()+7, 0, 0, 0, 0, loc)
	if !start.Before(now) {
		v.Add("week", i18n.K("report.future_week"))
		return start, end, v.Err()
	}
	return start.UTC(), end.UTC(), nil
}

// Next is the Monday of the week after monday.
func Next(monday tandem.Date) tandem.Date { return tandem.DateOf(monday.Time().AddDate(0, 0, 7)) }

// Previous is the Monday of the week before monday.
func Previous(monday tandem.Date) tandem.Date { return tandem.DateOf(monday.Time().AddDate(0, 0, -7)) }

// AsOf is the instant a week's states are taken at: its end, or now when
// the week has not ended.
func AsOf(end, now time.Time) time.Time {
	if end.Before(now) {
		return end
	}
	return now
}

// Prefill is what a new draft for a week is pre-filled from (Draft):
//
//   - Done: the deliverables accepted in the week, local days
//     [DoneFrom, DoneTo);
//   - Next: the deliverables not accepted that fall due in the week after,
//     [NextFrom, NextTo);
//   - Risks: the risk warnings open now that were raised before RisksBefore,
//     the week's end;
//   - Blockers: the deliverables not accepted that were overdue at
//     OverdueBefore, the week's end or now when it has not ended.
type Prefill struct {
	DoneFrom, DoneTo tandem.Date
	NextFrom, NextTo time.Time
	RisksBefore      time.Time
	OverdueBefore    time.Time
}

// PrefillFor decides what a draft for the week starting on monday, from
// start to end (Week), is pre-filled from at now.
func PrefillFor(monday tandem.Date, end, now time.Time) Prefill {
	return Prefill{DoneFrom: monday, DoneTo: Next(monday), NextFrom: end, NextTo: end.AddDate(0, 0, 7),
		RisksBefore: end, OverdueBefore: AsOf(end, now)}
}

// Item is one line a draft is pre-filled with: a deliverable, a risk.
type Item struct {
	Title string
	At    time.Time
}

// Lines writes items one a line, "- title (date)", dates in loc.
func Lines(items []Item, loc *time.Location) string {
	var b strings.Builder
	for _, it := range items {
		fmt.Fprintf(&b, "- %s (%s)\n", it.Title, it.At.In(loc).Format(time.DateOnly))
	}
	return strings.TrimSpace(b.String())
}

// Check validates a report saved for a week: its sections, and the week
// (see Week). It normalizes r in place and returns the week's bounds.
func (r *Report) Check(loc *time.Location, now time.Time) (start, end time.Time, err error) {
	r.Normalize()
	var v tandem.Validator
	for _, fe := range tandem.FieldErrors(r.Validate()) {
		v.Add(fe.Field, fe.Key, fe.Args...)
	}
	start, end, werr := Week(r.Week, loc, now)
	for _, fe := range tandem.FieldErrors(werr) {
		v.Add(fe.Field, fe.Key, fe.Args...)
	}
	return start, end, v.Err()
}

// Filed is who is told of a new report: the client's deciders.
func (r *Report) Filed() notification.Message {
	return notification.Message{Kind: "status_report.filed", To: notification.Client,
		Args: map[string]any{"week": WeekLabel(r.Week), "monday": r.Week.String()}}
}

// CheckComment checks the client's comment on r (trimmed in place).
// Errors: EInvalid, EConflict (already commented).
func (r *Report) CheckComment(comment *string) error {
	*comment = strings.TrimSpace(*comment)
	var v tandem.Validator
	if v.Required("comment", *comment) {
		v.MaxLen("comment", *comment, 4000)
	}
	if err := v.Err(); err != nil {
		return err
	}
	if r.Commented() {
		return tandem.Errorf(tandem.EConflict, i18n.K("report.commented"))
	}
	return nil
}

// CommentedMessage is who is told of the client's comment on r: the
// partner's people and its author.
func (r *Report) CommentedMessage() notification.Message {
	return notification.Message{Kind: "status_report.commented", To: notification.Partner.And(r.AuthorID),
		Args: map[string]any{"week": WeekLabel(r.Week), "monday": r.Week.String()}}
}
