// Package sla is the business-hours arithmetic that SLA clocks and
// deliverable deadlines run on. It is pure computation: no storage, no I/O.
//
// A contract.Calendar is compiled once into a *Calendar, which answers
// questions such as "is the business open at t", "when is 4 business hours
// after t", "how much business time lies between a and b" and, with a Clock,
// "how much of the target has been used, excluding pauses, and when is it due".
//
// # Business hours
//
// The calendar's business hours on a local date D are the half-open window
// [open(D), close(D)), where D is a work day (its weekday is listed in
// WorkDays) that is not a holiday, open(D) is the earliest instant at which
// the wall clock in the calendar's zone reads D at or after DayStart, and
// close(D) is the earliest instant at which it reads D at or after DayEnd (or
// the first instant of the next date when DayEnd is 24:00). All arithmetic is
// on these windows, so the length of a business day is measured in real
// elapsed time:
//
//   - A window that does not contain a daylight-saving change is exactly
//     DayEnd − DayStart long: an 08:00–17:00 day has 9 hours even on the day
//     clocks change at 02:00.
//   - A window that contains a change is longer or shorter by the change: a
//     00:00–24:00 day has 23 business hours on the spring-forward day and 25
//     on the fall-back day.
//   - A DayStart or DayEnd that falls in the hour skipped by a spring-forward
//     change is taken as the instant of the change (the first instant whose
//     wall clock is at or after it): with DayStart 02:30 in Europe/Stockholm,
//     business opens at 03:00 CEST on 2026-03-29, the moment the clocks jump
//     from 02:00 to 03:00. If both lie in the gap, that day has no business
//     time.
//   - A DayStart or DayEnd that occurs twice because of a fall-back change is
//     taken at its first occurrence (summer time), so the repeated hour falls
//     inside the window when it follows DayStart.
//
// Durations passed in and returned are real elapsed time (time.Duration), and
// instants returned are in the calendar's zone.
package sla

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/tandemhq/tandem/internal/contract"
)

// ErrCalendar is wrapped by every error Compile returns, so that callers can
// tell an invalid calendar with errors.Is.
var ErrCalendar = errors.New("sla: invalid calendar")

// minutesPerDay is the DayEnd of a calendar that runs to midnight ("24:00").
const minutesPerDay = 24 * 60

// Calendar is a compiled business-hours calendar: a time zone, the work days
// of the week, the daily opening hours and the holidays. Make one with
// Compile. A *Calendar is immutable and safe for concurrent use.
type Calendar struct {
	loc         *time.Location
	work        [7]bool // indexed by time.Weekday
	perWeek     int     // number of work days in a week
	startMin    int     // DayStart, minutes after midnight (wall clock)
	endMin      int     // DayEnd, minutes after midnight; 1440 = midnight after
	nominal     time.Duration
	holidays    map[int]bool // day numbers (see dayNum) of holidays
	workHol     []int        // sorted day numbers of holidays that fall on work days
	pauseStates []string
}

// Compile checks a contract calendar and compiles it for computation.
//
// The rules:
//   - TimeZone is an IANA zone name; empty means UTC. "Local" is refused, as
//     the server's zone is not part of a contract.
//   - WorkDays are time.Weekday values (0 = Sunday, 1 = Monday … 6 =
//     Saturday); duplicates are harmless; empty means Monday to Friday.
//   - DayStart and DayEnd are "HH:MM" (24-hour, two digits each). Empty
//     DayStart means 00:00 and empty DayEnd means 24:00, so an empty pair is
//     the whole day. DayEnd may be "24:00" (midnight at the end of the day).
//     DayStart must be before DayEnd.
//   - Holidays are dates "YYYY-MM-DD", taken as dates in the calendar's zone.
//   - PauseStates are kept as they are (see IsPauseState).
func Compile(cc contract.Calendar) (*Calendar, error) {
	c := &Calendar{holidays: map[int]bool{}}

	switch cc.TimeZone {
	case "":
		c.loc = time.UTC
	case "Local":
		return nil, fmt.Errorf("%w: time zone %q: name an IANA zone", ErrCalendar, cc.TimeZone)
	default:
		loc, err := time.LoadLocation(cc.TimeZone)
		if err != nil {
			return nil, fmt.Errorf("%w: time zone %q: %v", ErrCalendar, cc.TimeZone, err)
		}
		c.loc = loc
	}

	if len(cc.WorkDays) == 0 {
		for d := time.Monday; d <= time.Friday; d++ {
			c.work[d] = true
		}
	}
	for _, d := range cc.WorkDays {
		if d < 0 || d > 6 {
			return nil, fmt.Errorf("%w: work day %d is not a weekday (0 = Sunday … 6 = Saturday)", ErrCalendar, d)
		}
		c.work[d] = true
	}
	for _, w := range c.work {
		if w {
			c.perWeek++
		}
	}

	var err error
	c.startMin = 0
	if cc.DayStart != "" {
		if c.startMin, err = parseClock(cc.DayStart, false); err != nil {
			return nil, fmt.Errorf("%w: day start: %v", ErrCalendar, err)
		}
	}
	c.endMin = minutesPerDay
	if cc.DayEnd != "" {
		if c.endMin, err = parseClock(cc.DayEnd, true); err != nil {
			return nil, fmt.Errorf("%w: day end: %v", ErrCalendar, err)
		}
	}
	if c.startMin >= c.endMin {
		return nil, fmt.Errorf("%w: day start %s is not before day end %s",
			ErrCalendar, formatClock(c.startMin), formatClock(c.endMin))
	}
	c.nominal = time.Duration(c.endMin-c.startMin) * time.Minute

	for _, h := range cc.Holidays {
		d, err := time.Parse(time.DateOnly, h)
		if err != nil {
			return nil, fmt.Errorf("%w: holiday %q is not a date YYYY-MM-DD", ErrCalendar, h)
		}
		n := dayNum(d.Date())
		if c.holidays[n] {
			continue
		}
		c.holidays[n] = true
		if c.work[weekday(n)] {
			c.workHol = append(c.workHol, n)
		}
	}
	slices.Sort(c.workHol)

	c.pauseStates = slices.Clone(cc.PauseStates)
	return c, nil
}

// parseClock parses "HH:MM" into minutes after midnight. allow24 admits
// "24:00", the end of the day.
func parseClock(s string, allow24 bool) (int, error) {
	if len(s) != 5 || s[2] != ':' {
		return 0, fmt.Errorf("%q is not a time HH:MM", s)
	}
	digits := [4]byte{s[0], s[1], s[3], s[4]}
	for _, b := range digits {
		if b < '0' || b > '9' {
			return 0, fmt.Errorf("%q is not a time HH:MM", s)
		}
	}
	h := int(s[0]-'0')*10 + int(s[1]-'0')
	m := int(s[3]-'0')*10 + int(s[4]-'0')
	switch {
	case allow24 && h == 24 && m == 0:
		return minutesPerDay, nil
	case h > 23 || m > 59:
		return 0, fmt.Errorf("%q is not a time of day", s)
	}
	return h*60 + m, nil
}

func formatClock(min int) string {
	return fmt.Sprintf("%02d:%02d", min/60, min%60)
}

// Location is the calendar's time zone.
func (c *Calendar) Location() *time.Location { return c.loc }

// IsPauseState reports whether a request in the given state stops the clock,
// that is whether the state is one of the calendar's PauseStates.
func (c *Calendar) IsPauseState(state string) bool {
	return slices.Contains(c.pauseStates, state)
}

// IsBusinessDay reports whether t's date in the calendar's zone is a work
// day that is not a holiday.
func (c *Calendar) IsBusinessDay(t time.Time) bool {
	return c.business(c.day(t))
}

// IsOpen reports whether t lies within business hours.
func (c *Calendar) IsOpen(t time.Time) bool {
	n := c.day(t)
	if !c.business(n) {
		return false
	}
	o, cl := c.window(n)
	return !t.Before(o) && t.Before(cl)
}

// NextOpen is t itself if the business is open at t, and otherwise the next
// opening after t.
func (c *Calendar) NextOpen(t time.Time) time.Time {
	n := c.day(t)
	if c.business(n) {
		o, cl := c.window(n)
		if t.Before(cl) && o.Before(cl) {
			if t.Before(o) {
				return o
			}
			return t.In(c.loc)
		}
	}
	for {
		n++
		if !c.business(n) {
			continue
		}
		if o, cl := c.window(n); o.Before(cl) {
			return o
		}
	}
}

// --- days ---------------------------------------------------------------

// Days are handled as day numbers: the count of days since 1970-01-01 of a
// civil (wall-clock) date, independent of any zone.

// dayNum is the day number of a civil date; out-of-range months and days are
// normalised as time.Date does.
func dayNum(y int, m time.Month, d int) int {
	return floorDiv(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix(), 86400)
}

// civil is the date of a day number.
func civil(n int) (int, time.Month, int) {
	return time.Unix(int64(n)*86400, 0).UTC().Date()
}

// weekday is the day of the week of a day number (1970-01-01 was a Thursday).
func weekday(n int) time.Weekday {
	return time.Weekday(((n+4)%7 + 7) % 7)
}

func floorDiv(a, b int64) int {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return int(q)
}

// day is the day number of t's date in the calendar's zone.
func (c *Calendar) day(t time.Time) int {
	return dayNum(t.In(c.loc).Date())
}

// business reports whether day n is a work day and not a holiday.
func (c *Calendar) business(n int) bool {
	return c.work[weekday(n)] && !c.holidays[n]
}

// window is day n's business hours [open, close), whether or not n is a
// business day. close is never before open.
func (c *Calendar) window(n int) (open, close time.Time) {
	y, m, d := civil(n)
	open = wallInstant(c.loc, y, m, d, c.startMin)
	if c.endMin == minutesPerDay {
		close = wallInstant(c.loc, y, m, d+1, 0)
	} else {
		close = wallInstant(c.loc, y, m, d, c.endMin)
	}
	if close.Before(open) {
		close = open
	}
	return open, close
}

// wallInstant is the earliest instant at which the wall clock in loc reads
// the date y-m-d (normalised) at or after min minutes past midnight:
//   - a wall time that exists once is that instant;
//   - one that exists twice (a fall-back change) is its first occurrence;
//   - one that does not exist (skipped by a spring-forward change) is the
//     instant of the change, when the wall clock jumps past it.
func wallInstant(loc *time.Location, y int, m time.Month, d, min int) time.Time {
	want := time.Date(y, m, d, min/60, min%60, 0, 0, time.UTC)
	t := time.Date(y, m, d, min/60, min%60, 0, 0, loc)
	got := wallOf(t)
	start, end := t.ZoneBounds()
	switch {
	case got.Equal(want):
		// It exists; is there an earlier occurrence in the previous zone?
		if !start.IsZero() {
			_, prevOff := start.Add(-time.Second).Zone()
			u := time.Unix(want.Unix()-int64(prevOff), 0).In(loc)
			if u.Before(start) && wallOf(u).Equal(want) {
				return u
			}
		}
		return t
	case got.After(want) && !start.IsZero():
		// time.Date moved it forward past the gap: the gap ends at start.
		return start.In(loc)
	case got.Before(want) && !end.IsZero():
		// time.Date left it before the gap: the gap begins at end.
		return end.In(loc)
	}
	return t
}

// wallOf is t's wall clock reading (in t's location) as a UTC time, for
// comparing wall clocks.
func wallOf(t time.Time) time.Time {
	y, m, d := t.Date()
	hh, mm, ss := t.Clock()
	return time.Date(y, m, d, hh, mm, ss, t.Nanosecond(), time.UTC)
}
