package kpi

import (
	"sync"
	"time"
)

// The day arithmetic of the KPI aggregates: local days are "2006-01-02"
// strings (a fact's day in its workspace's zone), weeks are named by their
// Monday, and a period's days are a Span.

// MondayOf returns the Monday of the ISO week of date (a date at midnight
// UTC, as time.Parse of a day gives it).
func MondayOf(date time.Time) time.Time {
	return date.AddDate(0, 0, -((int(date.Weekday()) + 6) % 7))
}

// WeekOf returns the Monday of the ISO week of day, both "2006-01-02".
func WeekOf(day string) (string, error) {
	d, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return "", err
	}
	return MondayOf(d).Format(time.DateOnly), nil
}

// AddDays returns day plus n days, "2006-01-02" (day itself when it is not
// a date).
func AddDays(day string, n int) string {
	d, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return day
	}
	return d.AddDate(0, 0, n).Format(time.DateOnly)
}

// Span is a run of local days [From, To), "2006-01-02": a period's days.
type Span struct{ From, To string }

// Coverage splits spans (consecutive periods, oldest first) into the ISO
// weeks that lie wholly inside one span — read from the weekly aggregates —
// and the remaining days — read from the daily ones —, each as ascending,
// merged ranges. Week periods are all weeks; a month reads its whole weeks
// and the days at its edges: March 2026 (Sunday 1 to Tuesday 31) is the
// weeks [2026-03-02, 2026-03-30) and the days [2026-03-01, 2026-03-02) and
// [2026-03-30, 2026-04-01).
func Coverage(spans []Span) (weeks, days []Span) {
	add := func(list []Span, from, to string) []Span {
		if from >= to {
			return list
		}
		if n := len(list); n > 0 && list[n-1].To == from {
			list[n-1].To = to
			return list
		}
		return append(list, Span{from, to})
	}
	for _, sp := range spans {
		first, err1 := WeekOf(sp.From)
		last, err2 := WeekOf(sp.To) // the Monday on or before To
		if err1 != nil || err2 != nil {
			days = add(days, sp.From, sp.To)
			continue
		}
		if first < sp.From {
			first = AddDays(first, 7)
		}
		if first >= last {
			days = add(days, sp.From, sp.To)
			continue
		}
		days = add(days, sp.From, first)
		weeks = add(weeks, first, last)
		days = add(days, last, sp.To)
	}
	return weeks, days
}

// zones caches time.LoadLocation, which reads the zone file every time.
var zones sync.Map // IANA name → *time.Location

// Zone returns the location named tz, UTC when unknown.
func Zone(tz string) *time.Location {
	if l, ok := zones.Load(tz); ok {
		return l.(*time.Location)
	}
	l, err := time.LoadLocation(tz)
	if err != nil {
		return time.UTC
	}
	zones.Store(tz, l)
	return l
}

// DayCache gives the local day (and the Monday of its ISO week) of
// instants in one time zone, remembering the last day's bounds: facts come
// mostly in time order, so most take no time-zone arithmetic.
type DayCache struct {
	Loc       *time.Location
	lo, hi    time.Time // the cached day is [lo, hi); hi zero: none cached
	day, week string
}

// Of returns the local date of t and of the Monday of its week,
// "2006-01-02".
func (c *DayCache) Of(t time.Time) (day, week string) {
	if !c.hi.IsZero() && !t.Before(c.lo) && t.Before(c.hi) {
		return c.day, c.week
	}
	lt := t.In(c.Loc)
	y, m, d := lt.Date()
	date := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	day, week = date.Format(time.DateOnly), MondayOf(date).Format(time.DateOnly)
	// Cache the day's bounds only when one UTC offset holds all day (no DST
	// change): then local midnight and the next one are exact.
	c.hi = time.Time{}
	lo, hi := time.Date(y, m, d, 0, 0, 0, 0, c.Loc), time.Date(y, m, d+1, 0, 0, 0, 0, c.Loc)
	if start, end := lt.ZoneBounds(); !lo.Before(start) && (end.IsZero() || !hi.After(end)) {
		c.lo, c.hi, c.day, c.week = lo, hi, day, week
	}
	return day, week
}
