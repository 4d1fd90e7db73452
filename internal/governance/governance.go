// Package governance holds the rules of an engagement's meetings: the
// series the cadence of the terms asks for, their occurrences (moved,
// cancelled), the agenda that writes itself, the minutes with decisions and
// action items, and the cadence's health. It is pure: no SQL, no HTTP.
//
// Choices a person sees:
//   - A series repeats every EveryDays days of the cadence, stepping in the
//     workspace's local time (so a 10:00 meeting stays at 10:00 across a
//     daylight-saving change); a cadence of a multiple of 30 days repeats on
//     the same day of the month instead (a monthly review on the 5th).
//   - Occurrences are laid out up to the engagement's end, or Horizon ahead
//     when it has none; at most MaxOccurrences per series.
//   - Every change to an occurrence (moved, cancelled, place) raises its
//     Sequence, which the calendar feed publishes.
//   - The agenda lists what happened since the last meeting (Window,
//     SinceLast): the window runs from the start of the previous held
//     occurrence of the same series (or, when none was held, the start of
//     the engagement) to this occurrence's start; every occurrence belongs
//     to a series, so the engagement's other series never shorten it. Of
//     what waits now, an item whose event happened in the window is listed
//     as new (a KPI went off track or at risk, a deliverable's due time
//     passed, a notice was filed, an SLA clock ran out, a proposal or risk
//     warning was raised, an amendment was proposed, a claim or an invoice
//     line was disputed). An item whose event happened before the window
//     still waits: it was on a previous agenda (or was hidden from the
//     chair who finalised it), and is listed again, marked "still open",
//     never dropped. A KPI's status has no moment: it is still open when
//     the previous held agenda had it, else new. Something that happened
//     after this meeting started is left to the next agenda, whose window
//     starts with this meeting.
//   - Items not reached in a meeting, and every open action item (always,
//     whenever it was created), come back on the next occurrence of the
//     same series.
//   - Decisions are numbered 1, 2, 3 … per engagement in the order recorded.
//   - Minutes are finalised by the meeting's chair; afterwards they change
//     only through a correction with a reason, kept in the audit trail.
package governance

import (
	"strings"
	"time"

	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/tandem"
)

// Policy numbers.
const (
	Horizon         = 366 * 24 * time.Hour // occurrences laid out ahead when the engagement has no end
	MaxOccurrences  = 120                  // at most this many occurrences per series
	MinDuration     = 15                   // minutes
	MaxDuration     = 480                  // minutes
	MaxText         = 4000                 // a note, a decision, an item
	MaxTitle        = 300                  // an agenda item, an action item
	MaxPlace        = 500                  // a place or a link
	DefaultDuration = 60                   // minutes, for a series from the cadence
	DefaultHour     = 10                   // local hour of a series from the cadence
)

// Kinds of meeting: those of the terms' cadence.
var Kinds = contract.MeetingKinds

// KindConsultation is the weekly consultation of an executive engagement,
// whose minutes record topics, tools and who implements each.
const KindConsultation = "weekly_consultation"

// Status of an occurrence.
type Status string

// Statuses of an occurrence.
const (
	Scheduled Status = "scheduled"
	Cancelled Status = "cancelled"
	Held      Status = "held" // its minutes are finalised
)

// Series is a recurring meeting of an engagement.
type Series struct {
	ID           int64
	WorkspaceID  int64
	EngagementID int64
	Kind         string
	EveryDays    int
	FirstAt      time.Time // the first occurrence
	DurationMin  int
	Place        string // a room or a link
	ChairID      int64
	ChairName    string
	Participants []Person
	CreatedAt    time.Time
}

// Person is a participant, on the client's side or the partner's.
type Person struct {
	UserID  int64
	Name    string
	Partner bool // a partner's person
}

// Occurrence is one meeting of a series.
type Occurrence struct {
	ID              int64
	WorkspaceID     int64
	EngagementID    int64
	EngagementTitle string
	SeriesID        int64
	Kind            string
	Number          int // its place in the series, 1, 2, 3 …
	StartsAt        time.Time
	DurationMin     int
	Place           string
	Status          Status
	Sequence        int // raised on every change (RFC 5545 SEQUENCE)
	ChairID         int64
	FinalisedAt     time.Time
	UpdatedAt       time.Time
}

// EndsAt is when the occurrence ends.
func (o *Occurrence) EndsAt() time.Time {
	return o.StartsAt.Add(time.Duration(o.DurationMin) * time.Minute)
}

// Finalised reports whether the minutes are final.
func (o *Occurrence) Finalised() bool { return !o.FinalisedAt.IsZero() }

// Errors of the rules (EConflict unless said).
var (
	ErrFinalised    = tandem.Errorf(tandem.EConflict, i18n.K("meetings.error.finalised"))
	ErrNotFinalised = tandem.Errorf(tandem.EConflict, i18n.K("meetings.error.not_finalised"))
	ErrCancelled    = tandem.Errorf(tandem.EConflict, i18n.K("meetings.error.cancelled"))
	ErrNotChair     = tandem.Errorf(tandem.EForbidden, i18n.K("meetings.error.not_chair"))
	ErrSeriesExists = tandem.Errorf(tandem.EConflict, i18n.K("meetings.error.series_exists"))
	ErrNoCadence    = tandem.Errorf(tandem.EConflict, i18n.K("meetings.error.no_cadence"))
)

// Validate checks a series before it is created.
func (s *Series) Validate() error {
	s.Place = strings.TrimSpace(s.Place)
	var v tandem.Validator
	v.OneOf("kind", s.Kind, Kinds...)
	v.Check(s.EveryDays >= 1 && s.EveryDays <= 366, "every_days", i18n.K("meetings.error.every_days"))
	v.Check(!s.FirstAt.IsZero(), "first_at", i18n.K("validation.required"))
	v.Check(s.DurationMin >= MinDuration && s.DurationMin <= MaxDuration, "duration", i18n.K("meetings.error.duration"), "min", MinDuration, "max", MaxDuration)
	v.MaxLen("place", s.Place, MaxPlace)
	return v.Err()
}

// FromCadence drafts the series the cadence of terms asks for that the
// engagement does not have yet (have lists the kinds it has): each starts
// on the first working day on or after from at DefaultHour local time.
func FromCadence(t contract.Terms, have []string, from time.Time, loc *time.Location) []Series {
	var out []Series
	seen := map[string]bool{}
	for _, k := range have {
		seen[k] = true
	}
	l := from.In(loc)
	d := time.Date(l.Year(), l.Month(), l.Day(), DefaultHour, 0, 0, 0, loc)
	if !d.After(from) {
		d = d.AddDate(0, 0, 1)
	}
	for d.Weekday() == time.Saturday || d.Weekday() == time.Sunday {
		d = d.AddDate(0, 0, 1)
	}
	for _, m := range t.Governance.Cadence {
		if seen[m.Kind] || m.EveryDays <= 0 {
			continue
		}
		seen[m.Kind] = true
		out = append(out, Series{Kind: m.Kind, EveryDays: m.EveryDays, FirstAt: d.UTC(), DurationMin: DefaultDuration})
	}
	return out
}

// Schedule lays out the start times of a series from first up to (not
// including) until, in loc's wall-clock time: every everyDays days, or
// every everyDays/30 months for a multiple of 30. At most MaxOccurrences.
func Schedule(first time.Time, everyDays int, until time.Time, loc *time.Location) []time.Time {
	if everyDays <= 0 {
		return nil
	}
	f := first.In(loc)
	var out []time.Time
	for i := 0; i < MaxOccurrences; i++ {
		var t time.Time
		if everyDays%30 == 0 {
			t = f.AddDate(0, i*everyDays/30, 0)
		} else {
			t = f.AddDate(0, 0, i*everyDays)
		}
		if !t.Before(until) {
			break
		}
		out = append(out, t.UTC())
	}
	return out
}

// Until is up to when a series of an engagement ending on end (zero: open)
// is laid out from now.
func Until(end tandem.Date, now time.Time, loc *time.Location) time.Time {
	if end.IsZero() {
		return now.Add(Horizon)
	}
	e := end.Time()
	return time.Date(e.Year(), e.Month(), e.Day(), 0, 0, 0, 0, loc).AddDate(0, 0, 1)
}

// Move checks that o may be moved to startsAt with durationMin and place,
// and applies it, raising the sequence.
func (o *Occurrence) Move(startsAt time.Time, durationMin int, place string) error {
	if o.Finalised() {
		return ErrFinalised
	}
	if o.Status == Cancelled {
		return ErrCancelled
	}
	place = strings.TrimSpace(place)
	var v tandem.Validator
	v.Check(!startsAt.IsZero(), "starts_at", i18n.K("validation.required"))
	v.Check(durationMin >= MinDuration && durationMin <= MaxDuration, "duration", i18n.K("meetings.error.duration"), "min", MinDuration, "max", MaxDuration)
	v.MaxLen("place", place, MaxPlace)
	if err := v.Err(); err != nil {
		return err
	}
	o.StartsAt, o.DurationMin, o.Place = startsAt.UTC(), durationMin, place
	o.Sequence++
	return nil
}

// Cancel cancels o, raising the sequence: it stays in the calendar as
// cancelled.
func (o *Occurrence) Cancel() error {
	if o.Finalised() {
		return ErrFinalised
	}
	if o.Status == Cancelled {
		return ErrCancelled
	}
	o.Status = Cancelled
	o.Sequence++
	return nil
}

// Editable reports whether the minutes of o may be written without a
// correction.
func (o *Occurrence) Editable() error {
	if o.Status == Cancelled {
		return ErrCancelled
	}
	if o.Finalised() {
		return ErrFinalised
	}
	return nil
}

// Finalise checks that userID, the chair, may finalise o's minutes.
func (o *Occurrence) Finalise(userID int64) error {
	if err := o.Editable(); err != nil {
		return err
	}
	if userID != o.ChairID {
		return ErrNotChair
	}
	return nil
}

// Correction is a change to finalised minutes: which note, decision or
// action item, the new text, and why.
type Correction struct {
	Target string // "item", "decision" or "action"
	ID     int64
	Text   string
	Reason string
}

// CorrectionTargets are what a correction may change.
var CorrectionTargets = []string{"item", "decision", "action"}

// Check checks a correction of o's minutes: only once they are final.
func (c *Correction) Check(o *Occurrence) error {
	if !o.Finalised() {
		return ErrNotFinalised
	}
	c.Text, c.Reason = strings.TrimSpace(c.Text), strings.TrimSpace(c.Reason)
	var v tandem.Validator
	v.OneOf("target", c.Target, CorrectionTargets...)
	v.Check(c.ID > 0, "id", i18n.K("validation.required"))
	v.Required("text", c.Text)
	v.MaxLen("text", c.Text, MaxText)
	v.Required("reason", c.Reason)
	v.MaxLen("reason", c.Reason, MaxText)
	return v.Err()
}
