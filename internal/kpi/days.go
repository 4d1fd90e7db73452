package kpi

import "time"

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
