// Package timesheet holds the rules of time entries: the partner's people
// record the time they spent on an engagement (a person, a local day, the
// minutes, the service of the terms it was spent on, a note), the client's
// owner or manager approves or rejects each entry with a reason, and only
// approved entries are priced — as the time lines of the invoice of the
// period the day is in (package invoice).
//
// An entry is recorded for a day that has begun (never a future day), for
// a service of the terms in force on that day, and a person's entries of
// one day (all but the rejected ones) add up to more than nothing and at
// most 24 hours. Nothing about the entries of a day changes once the
// invoice of the period containing that day is no longer a draft (issued):
// the caller says whether that period is closed.
package timesheet

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/engagement"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/invoice"
	"github.com/tandemhq/tandem/internal/notification"
	"github.com/tandemhq/tandem/internal/tandem"
)

// States of an entry.
const (
	Pending  = "pending"  // recorded, waiting for the client
	Approved = "approved" // priced on the invoice of its period
	Rejected = "rejected" // not priced; the reason says why
)

// Limits.
const (
	MaxDayMinutes = 24 * 60 // a person's entries of one day, at most
	MaxNote       = 500     // characters of a note or a reason
)

// Errors of the decisions, with their message keys.
var (
	ErrNotPending = tandem.Errorf(tandem.EConflict, i18n.K("time.not_pending"))
	ErrClosed     = tandem.Errorf(tandem.EConflict, i18n.K("time.period_closed"))
)

// Entry is one time entry of an engagement.
type Entry struct {
	ID           int64
	EngagementID int64
	MembershipID int64 // the person's membership
	UserID       int64
	Person       string // the person's name
	Day          tandem.Date
	Minutes      int64
	Service      string // the service key in the terms
	Note         string
	State        string
	RecordedAt   time.Time
	DecidedBy    string // the decider's name
	DecidedAt    time.Time
	Reason       string
}

// Normalize trims the text fields.
func (e *Entry) Normalize() {
	e.Service, e.Note = strings.TrimSpace(e.Service), strings.TrimSpace(e.Note)
}

// Validate checks the entry's own fields: a day, a service, minutes more
// than nothing and at most a day, a bounded note. Errors: EInvalid with
// the fields "day", "service", "minutes", "note".
func (e *Entry) Validate() error {
	var v tandem.Validator
	v.Check(!e.Day.IsZero(), "day", i18n.K("validation.required"))
	v.Required("service", e.Service)
	v.Check(e.Minutes > 0 && e.Minutes <= MaxDayMinutes, "minutes", i18n.K("time.bad_minutes"))
	v.Check(utf8.RuneCountInString(e.Note) <= MaxNote, "note", i18n.K("validation.too_long"), "max", MaxNote)
	return v.Err()
}

// Check decides whether e may be recorded on today (the local day in the
// workspace's time zone): e is valid, its day is not after today, its
// service is one of services (those of the terms in force on its day),
// the person's other entries of that day that are not rejected
// (otherMinutes) and e add up to at most MaxDayMinutes, and the period of
// its day is not closed. Errors: EInvalid (fields as Validate), ErrClosed.
func Check(e *Entry, today tandem.Date, services []contract.Service, otherMinutes int64, closed bool) error {
	if err := e.Validate(); err != nil {
		return err
	}
	var v tandem.Validator
	v.Check(!today.Before(e.Day), "day", i18n.K("time.future_day"))
	found := false
	for _, s := range services {
		found = found || s.Key == e.Service
	}
	v.Check(found, "service", i18n.K("time.unknown_service"))
	v.Check(otherMinutes+e.Minutes <= MaxDayMinutes, "minutes", i18n.K("time.day_full"), "left", max(0, MaxDayMinutes-otherMinutes))
	if err := v.Err(); err != nil {
		return err
	}
	if closed {
		return ErrClosed
	}
	e.State = Pending
	return nil
}

// Decide approves or rejects a pending entry (a rejection needs a reason)
// whose period is not closed, and returns the audit action. Errors:
// EInvalid ("reason"), ErrNotPending, ErrClosed.
func (e *Entry) Decide(approve bool, reason string, closed bool) (string, error) {
	reason = strings.TrimSpace(reason)
	if !approve {
		var v tandem.Validator
		if v.Required("reason", reason) {
			v.Check(utf8.RuneCountInString(reason) <= MaxNote, "reason", i18n.K("validation.too_long"), "max", MaxNote)
		}
		if err := v.Err(); err != nil {
			return "", err
		}
	}
	if e.State != Pending {
		return "", ErrNotPending
	}
	if closed {
		return "", ErrClosed
	}
	if approve {
		e.State, e.Reason = Approved, ""
		return "time.approved", nil
	}
	e.State, e.Reason = Rejected, reason
	return "time.rejected", nil
}

// Closed reports whether a period whose invoice has status st (none: "")
// is closed to changes of its time entries: once its invoice is no
// longer recomputed.
func Closed(st invoice.Status) bool {
	return st != "" && !st.Recomputable()
}

// Ref is how an invoice line refers to an entry ("time:12").
func Ref(id int64) string { return "time:" + strconv.FormatInt(id, 10) }

// Priced is the invoice's input of an approved entry; ok is false for an
// entry that is not approved (it is not priced).
func (e *Entry) Priced() (invoice.TimeEntry, bool) {
	if e.State != Approved {
		return invoice.TimeEntry{}, false
	}
	return invoice.TimeEntry{Ref: Ref(e.ID), Person: e.Person, Day: e.Day.String(), Minutes: e.Minutes, Service: e.Service}, true
}

// ErrNotLive: time is recorded only on a live engagement (a pilot or an
// active one).
var ErrNotLive = tandem.Errorf(tandem.EConflict, i18n.K("time.not_live"))

// CheckLive decides whether time may be recorded on e.
func CheckLive(e *engagement.Engagement) error {
	if !e.Live() {
		return ErrNotLive
	}
	return nil
}

// ParseHours reads a duration as a person types it — hours and minutes
// "1:30", or hours with up to two decimals "1.5", "1,25", "2" — into whole
// minutes; ok is false for anything else, or for a number of hours that
// is no whole number of minutes ("1.33").
func ParseHours(s string) (minutes int64, ok bool) {
	s = strings.TrimSpace(s)
	if h, m, found := strings.Cut(s, ":"); found {
		hh, ok1 := digits(h)
		mm, ok2 := digits(m)
		if !ok1 || !ok2 || len(m) != 2 || mm >= 60 {
			return 0, false
		}
		return hh*60 + mm, true
	}
	whole, frac, dot := strings.Cut(strings.Replace(s, ",", ".", 1), ".")
	hh, ok1 := digits(whole)
	if !ok1 || len(frac) > 2 || (dot && frac == "") {
		return 0, false
	}
	var hundredths int64
	if frac != "" {
		f, ok2 := digits(frac)
		if !ok2 {
			return 0, false
		}
		if len(frac) == 1 {
			f *= 10
		}
		hundredths = f
	}
	if hundredths*60%100 != 0 {
		return 0, false
	}
	return hh*60 + hundredths*60/100, true
}

// digits reads 1 to 4 decimal digits.
func digits(s string) (int64, bool) {
	if s == "" || len(s) > 4 {
		return 0, false
	}
	var n int64
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}

// Submitted is who hears of a recorded time entry: the client's deciders,
// who approve it (the one recording it is left out).
func (e *Entry) Submitted() notification.Message {
	return notification.Message{Kind: "time.submitted", To: notification.Client, Args: map[string]any{
		"person": e.Person, "day": e.Day.String(), "minutes": e.Minutes}}
}

// Decided is who hears of a time entry approved or rejected: the person
// who recorded it, with the reason of a rejection.
func (e *Entry) Decided() notification.Message {
	args := map[string]any{"day": e.Day.String(), "minutes": e.Minutes}
	kind := "time.approved"
	if e.State == Rejected {
		kind, args["reason"] = "time.rejected", e.Reason
	}
	return notification.Message{Kind: kind, To: notification.Audience{}.And(e.UserID), Args: args}
}
