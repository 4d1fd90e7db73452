package request

import (
	"time"

	"github.com/tandemhq/tandem/internal/sla"
)

// Clock is the state of one SLA clock of a request at an instant.
type Clock struct {
	Target    time.Duration // the target in business time; 0 = no target
	Elapsed   time.Duration // business time run, pauses excluded
	Remaining time.Duration // Target − Elapsed; negative when overdue; 0 without a target
	Due       time.Time     // when it reaches the target if not paused again; zero while paused, stopped or without a target
	Paused    bool          // in a pause state now
	Stopped   bool          // the clock has stopped (responded; resolved)
	StoppedAt time.Time
	Breached  bool // Elapsed > Target
	Spec      sla.Clock
}

// Clock states, as the API names them.
const (
	StateRunning = "running"
	StatePaused  = "paused"
	StateStopped = "stopped"
	StateNone    = "none" // no target
)

// State is where the clock stands: stopped, without a target, paused or
// running.
func (c Clock) State() string {
	switch {
	case c.Stopped:
		return StateStopped
	case !c.HasTarget():
		return StateNone
	case c.Paused:
		return StatePaused
	}
	return StateRunning
}

// RunningLow reports whether a running clock has a quarter of its target
// or less left: time to hurry.
func (c Clock) RunningLow() bool { return c.Remaining*4 <= c.Target }

// HasTarget reports whether the clock has a target at all.
func (c Clock) HasTarget() bool { return c.Target > 0 }

// Met reports whether a stopped clock stopped within its target.
func (c Clock) Met() bool { return c.Stopped && c.HasTarget() && !c.Breached }

// Over is the business time beyond the target, in whole minutes rounded
// up (a breach by a second is a minute over); 0 when not breached.
func (c Clock) Over() int64 {
	if !c.Breached {
		return 0
	}
	return int64((c.Elapsed - c.Target + time.Minute - 1) / time.Minute)
}

// Minutes is d in whole business minutes, rounded down.
func Minutes(d time.Duration) int64 { return int64(d / time.Minute) }

// Clocks computes a request's response and resolution clocks at now from
// its history (oldest first; the first row is the opening) on the calendar
// of the terms it was opened under. See the package comment for the rules.
func Clocks(cal *sla.Calendar, r *Request, history []Change, now time.Time) (response, resolution Clock) {
	if len(history) == 0 {
		return Clock{}, Clock{}
	}
	start := history[0].At
	var pauses, done []sla.Interval
	var responded time.Time
	for i, c := range history {
		var to time.Time // zero: still in this state
		if i+1 < len(history) {
			to = history[i+1].At
		}
		if cal.IsPauseState(string(c.To)) {
			pauses = append(pauses, sla.Interval{From: c.At, To: to})
		}
		if c.To.Done() {
			done = append(done, sla.Interval{From: c.At, To: to})
		}
		if responded.IsZero() && c.IsFirstResponse() {
			responded = c.At
		}
	}
	last := history[len(history)-1]

	rspec := sla.Clock{Start: start, Target: time.Duration(r.ResponseMinutes) * time.Minute, Paused: pauses}
	response = evaluate(cal, rspec, responded, now)

	var resolvedAt time.Time
	if last.To.Done() {
		// The clock stopped at the latest resolution: the closing, if any,
		// came after it.
		for i := len(history) - 1; i >= 0; i-- {
			if history[i].To == StatusResolved {
				resolvedAt = history[i].At
				break
			}
		}
		if resolvedAt.IsZero() {
			resolvedAt = last.At
		}
	}
	sspec := sla.Clock{Start: start, Target: time.Duration(r.ResolutionMinutes) * time.Minute,
		Paused: append(append([]sla.Interval{}, pauses...), done...)}
	resolution = evaluate(cal, sspec, resolvedAt, now)
	return response, resolution
}

// evaluate reads a clock at now, stopped at stop when stop is set.
func evaluate(cal *sla.Calendar, spec sla.Clock, stop, now time.Time) Clock {
	c := Clock{Target: spec.Target, Spec: spec}
	at := now
	if !stop.IsZero() {
		c.Stopped, c.StoppedAt = true, stop
		if stop.Before(now) {
			at = stop
		}
	}
	c.Elapsed = cal.Elapsed(spec, at)
	if !c.HasTarget() {
		return c
	}
	c.Remaining = c.Target - c.Elapsed
	c.Breached = c.Elapsed > c.Target
	if c.Stopped {
		return c
	}
	if due, known := cal.Due(spec, now); known {
		c.Due = due
	} else {
		c.Paused = true
	}
	return c
}

// BreachedAt is the instant a breached clock passed its target: the first
// instant after the due time, or, for a clock that stopped late, the due
// time computed over its running spans.
func (c Clock) BreachedAt(cal *sla.Calendar, now time.Time) time.Time {
	if !c.Breached {
		return time.Time{}
	}
	at := now
	if c.Stopped && c.StoppedAt.Before(now) {
		at = c.StoppedAt
	}
	spec := c.Spec
	// Due on the running spans up to at: the clock is not paused at at
	// unless it stopped in a pause, so drop what comes after.
	due, known := cal.Due(sla.Clock{Start: spec.Start, Target: spec.Target, Paused: clip(spec.Paused, at)}, at)
	if !known {
		return at
	}
	return due
}

// clip cuts the intervals at t: an interval open at t ends there.
func clip(ps []sla.Interval, t time.Time) []sla.Interval {
	var out []sla.Interval
	for _, p := range ps {
		if !p.From.Before(t) {
			continue
		}
		if p.To.IsZero() || p.To.After(t) {
			p.To = t
		}
		out = append(out, p)
	}
	return out
}
