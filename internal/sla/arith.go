package sla

import (
	"sort"
	"time"
)

// Between is the business time from a to b: the total length of business
// hours inside [a, b). It is 0 if b is not after a.
//
// Whole days between the first and the last are counted arithmetically
// (whole weeks at once, holidays by binary search, daylight-saving changes
// from the zone's transitions), so the cost does not grow with the number
// of days spanned beyond the zone transitions in between (about two a
// year).
func (c *Calendar) Between(a, b time.Time) time.Duration {
	if !b.After(a) {
		return 0
	}
	da, db := c.day(a), c.day(b)
	if da == db {
		return c.overlap(da, a, b)
	}
	return c.overlap(da, a, b) + c.fullDays(da+1, db) + c.overlap(db, a, b)
}

// Add is the instant at which d of business time has elapsed after start:
// the earliest t with Between(start, t) == d. If start is outside business
// hours, counting starts at the next opening; so Add(Friday 16:00, 1h) is
// Friday 17:00 in an 08:00–17:00 calendar, and Add(Friday 16:00, 2h) is
// Monday 09:00. A d of zero or less is NextOpen(start).
//
// Like Between, Add skips whole weeks arithmetically, so a span of years
// costs a handful of steps.
func (c *Calendar) Add(start time.Time, d time.Duration) time.Time {
	if d <= 0 {
		return c.NextOpen(start)
	}
	n := c.day(start)
	if c.business(n) {
		o, cl := c.window(n)
		s := start
		if s.Before(o) {
			s = o
		}
		if avail := cl.Sub(s); avail > 0 {
			if d <= avail {
				return s.Add(d).In(c.loc)
			}
			d -= avail
		}
	}
	n++

	// Jump whole weeks while more than two nominal weeks remain. The jump
	// is k weeks with k nominal weeks at most d − 1 week, so that the exact
	// business time of the jump (fewer for holidays, ± an hour for a
	// daylight-saving change) stays below d; should it not, k is halved.
	if week := time.Duration(c.perWeek) * c.nominal; week > 0 {
		for d > 2*week {
			k := int(d/week) - 1
			for k > 0 {
				if s := c.fullDays(n, n+7*k); s < d {
					d -= s
					n += 7 * k
					break
				}
				k /= 2
			}
			if k == 0 {
				break
			}
		}
	}

	for ; ; n++ {
		if !c.business(n) {
			continue
		}
		o, cl := c.window(n)
		w := cl.Sub(o)
		if d <= w {
			return o.Add(d)
		}
		d -= w
	}
}

// overlap is the length of day n's business hours inside [a, b).
func (c *Calendar) overlap(n int, a, b time.Time) time.Duration {
	if !c.business(n) {
		return 0
	}
	o, cl := c.window(n)
	if a.After(o) {
		o = a
	}
	if b.Before(cl) {
		cl = b
	}
	if cl.After(o) {
		return cl.Sub(o)
	}
	return 0
}

// fullDays is the business time of the whole days i, i+1 … j−1: the number
// of business days times the nominal day, corrected on the days whose
// window contains a change of UTC offset.
func (c *Calendar) fullDays(i, j int) time.Duration {
	if j <= i {
		return 0
	}
	total := time.Duration(c.businessDays(i, j)) * c.nominal

	// Walk the zone's transitions from a little before day i to a little
	// after day j; only the days around a transition can differ from the
	// nominal length.
	yi, mi, di := civil(i)
	yj, mj, dj := civil(j)
	t := time.Date(yi, mi, di-1, 0, 0, 0, 0, c.loc)
	limit := time.Date(yj, mj, dj+1, 0, 0, 0, 0, c.loc)
	done := [4]int{}
	nDone := 0
	for {
		_, end := t.ZoneBounds()
		if end.IsZero() || end.After(limit) {
			break
		}
		for _, n := range [2]int{c.day(end.Add(-time.Nanosecond)), c.day(end)} {
			if n < i || n >= j || !c.business(n) {
				continue
			}
			seen := false
			for _, m := range done[:nDone] {
				seen = seen || m == n
			}
			if seen {
				continue
			}
			if nDone == len(done) {
				copy(done[:], done[1:])
				nDone--
			}
			done[nDone] = n
			nDone++
			o, cl := c.window(n)
			total += cl.Sub(o) - c.nominal
		}
		t = end
	}
	return total
}

// businessDays is the number of business days among i, i+1 … j−1.
func (c *Calendar) businessDays(i, j int) int {
	if j <= i {
		return 0
	}
	weeks := (j - i) / 7
	count := weeks * c.perWeek
	for n := i + weeks*7; n < j; n++ {
		if c.work[weekday(n)] {
			count++
		}
	}
	lo := sort.SearchInts(c.workHol, i)
	hi := sort.SearchInts(c.workHol, j)
	return count - (hi - lo)
}
