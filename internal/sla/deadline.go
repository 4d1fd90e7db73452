package sla

import "time"

// Deadlines of deliverables are instants at the end of a day: a deliverable
// is late if it is done after its deadline (done.After(due)); done exactly
// at the deadline is on time.

// AddBusinessDays is the deadline "n business days after from": the close
// of business (DayEnd, in the calendar's zone) of the n-th business day
// after from's date. Only from's date matters, not its time of day: a
// request received on Friday evening or Friday morning with n = 1 is due at
// the close of the next business day. An n of zero or less is the close of
// the first business day on or after from's date ("same day").
func (c *Calendar) AddBusinessDays(from time.Time, n int) time.Time {
	day := c.day(from)
	if n <= 0 {
		for !c.business(day) {
			day++
		}
		_, cl := c.window(day)
		return cl
	}
	// Jump whole weeks while many business days remain; a jump of k weeks
	// holds at most k·perWeek business days, fewer than n.
	for c.perWeek > 0 && n > 2*c.perWeek {
		k := n/c.perWeek - 1
		n -= c.businessDays(day+1, day+1+7*k)
		day += 7 * k
	}
	for n > 0 {
		day++
		if c.business(day) {
			n--
		}
	}
	_, cl := c.window(day)
	return cl
}

// AddCalendarDays is the deadline "n calendar days after from": the end of
// the day n days after from's date in loc, that is the first instant of the
// following day (midnight, or the first instant after it on a day whose
// midnight is skipped by a daylight-saving change). n = 0 is the end of
// from's own date. A nil loc means from's location.
func AddCalendarDays(from time.Time, n int, loc *time.Location) time.Time {
	if loc == nil {
		loc = from.Location()
	}
	y, m, d := from.In(loc).Date()
	return wallInstant(loc, y, m, d+n+1, 0)
}

// LatenessBusinessDays is how many business days late something due at due
// and done at done is: the number of business days whose opening (DayStart;
// see the package documentation for daylight-saving changes) is at or after
// due and before done. It is 0 when done is not after due.
//
// With the usual deadlines at the close of a business day: due Monday 17:00
// and done Monday 17:30 or Tuesday 08:00 is 0 days late, done Tuesday 08:01
// or Tuesday 16:00 is 1, done Wednesday 12:00 is 2; holidays and weekends
// in between do not count. An opening exactly at due counts, so that with a
// deadline at midnight (AddCalendarDays) and a calendar open 00:00–24:00,
// done at 10:00 the next day is 1 day late. Lateness within the business
// hours of the day that holds due, before the next opening, does not count
// a day.
func LatenessBusinessDays(c *Calendar, due, done time.Time) int {
	if !done.After(due) {
		return 0
	}
	// opensIn reports whether business day n opens in [due, done).
	opensIn := func(n int) bool {
		if !c.business(n) {
			return false
		}
		o, _ := c.window(n)
		return !o.Before(due) && o.Before(done)
	}
	da, db := c.day(due), c.day(done)
	if da == db {
		if opensIn(da) {
			return 1
		}
		return 0
	}
	late := c.businessDays(da+1, db)
	if opensIn(da) {
		late++
	}
	if opensIn(db) {
		late++
	}
	return late
}
