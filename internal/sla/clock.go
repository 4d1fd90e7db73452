package sla

import (
	"slices"
	"time"
)

// Interval is a span of time [From, To). A zero To means the interval is
// still open ("still paused"): it runs up to whatever instant is asked about.
type Interval struct {
	From, To time.Time
}

// Clock is an SLA clock: it starts at Start (e.g. when a request is
// received) and runs in business time towards Target (e.g. the contract's
// response or resolution time), except during the Paused intervals (e.g.
// while the request waits for the client).
//
// Paused intervals may overlap each other and may be in any order; an
// interval with a zero To is open-ended. Intervals with a zero From or with
// To before From are ignored, and so is any part of an interval before
// Start. A Target of zero or less means "no target": such a clock is never
// due and never breached.
type Clock struct {
	Start  time.Time
	Target time.Duration
	Paused []Interval
}

// Elapsed is the business time the clock has run from Start up to now,
// excluding the paused intervals (counted once where they overlap). It is 0
// if now is not after Start.
func (c *Calendar) Elapsed(clk Clock, now time.Time) time.Duration {
	var total time.Duration
	for _, s := range running(clk, now) {
		total += c.Between(s.From, s.To)
	}
	return total
}

// Remaining is Target − Elapsed(clk, now): the business time left before
// the clock is breached, negative once it has been. It is 0 for a clock
// without a target.
func (c *Calendar) Remaining(clk Clock, now time.Time) time.Duration {
	if clk.Target <= 0 {
		return 0
	}
	return clk.Target - c.Elapsed(clk, now)
}

// Due is the instant at which the clock reaches its target if it is not
// paused again after now. If the target was already reached before now, due
// is that past instant (the moment of the breach). known is false, and due
// the zero time, while the clock is paused at now (an interval with From at
// or before now and To zero or after now) and for a clock without a target.
func (c *Calendar) Due(clk Clock, now time.Time) (due time.Time, known bool) {
	if clk.Target <= 0 || pausedAt(clk, now) {
		return time.Time{}, false
	}
	var acc time.Duration
	for _, s := range running(clk, now) {
		b := c.Between(s.From, s.To)
		if acc+b >= clk.Target {
			return c.Add(s.From, clk.Target-acc), true
		}
		acc += b
	}
	from := clk.Start
	if now.After(from) {
		from = now
	}
	return c.Add(from, clk.Target-acc), true
}

// Breached reports whether a clock stopped at stoppedAt (e.g. at the first
// response or at resolution) had run longer than its target, pauses
// excluded. Stopping exactly on the target is on time. A clock without a
// target is never breached.
func (c *Calendar) Breached(clk Clock, stoppedAt time.Time) bool {
	return clk.Target > 0 && c.Elapsed(clk, stoppedAt) > clk.Target
}

// pausedAt reports whether an interval of the clock covers now.
func pausedAt(clk Clock, now time.Time) bool {
	for _, p := range clk.Paused {
		if p.From.IsZero() || now.Before(p.From) {
			continue
		}
		if p.To.IsZero() || p.To.After(now) {
			return true
		}
	}
	return false
}

// running is the list of spans in [Start, now) during which the clock ran,
// in order: [Start, now) minus the union of the paused intervals.
func running(clk Clock, now time.Time) []Interval {
	if !now.After(clk.Start) {
		return nil
	}
	var ps []Interval
	for _, p := range clk.Paused {
		if p.From.IsZero() {
			continue
		}
		from, to := p.From, p.To
		if to.IsZero() || to.After(now) {
			to = now
		}
		if from.Before(clk.Start) {
			from = clk.Start
		}
		if to.After(from) {
			ps = append(ps, Interval{from, to})
		}
	}
	slices.SortFunc(ps, func(a, b Interval) int { return a.From.Compare(b.From) })

	var out []Interval
	cur := clk.Start
	for _, p := range ps {
		if p.From.After(cur) {
			out = append(out, Interval{cur, p.From})
		}
		if p.To.After(cur) {
			cur = p.To
		}
	}
	if now.After(cur) {
		out = append(out, Interval{cur, now})
	}
	return out
}
