package kpi

import (
	"fmt"
	"time"

	"github.com/tandemhq/tandem/internal/tandem"
)

// The kinds of period a KPI is measured over (contract.KPI.Period).
const (
	Week    = "week"    // an ISO 8601 week, Monday to Sunday
	Month   = "month"   // a calendar month
	Quarter = "quarter" // a calendar quarter: Jan–Mar, Apr–Jun, Jul–Sep, Oct–Dec
)

// ValidKind reports whether kind is Week, Month or Quarter.
func ValidKind(kind string) bool { return kind == Week || kind == Month || kind == Quarter }

// Period is one week, month or quarter in a workspace's time zone: the
// half-open interval [Start, End). Start and End carry the time zone the
// period was computed in, and both are the first instant of a local day —
// local midnight, or the first instant after a DST gap in zones that skip
// midnight (e.g. America/Sao_Paulo until 2019). A period is therefore not
// always 7×24 hours long: a week with a DST change lasts 167 or 169 hours.
type Period struct {
	Kind       string
	Start, End time.Time
}

// Label identifies a period for display and storage: the year and the
// number of the week (ISO 8601, 1–53), month (1–12) or quarter (1–4). For a
// week, Year is the ISO week-numbering year, which differs from the
// calendar year around New Year (Monday 2024-12-30 starts 2025-W01).
type Label struct {
	Kind   string
	Year   int
	Number int
}

// String is the stable text of the label: "2026-W53", "2026-12" or
// "2026-Q4". It sorts chronologically within one kind.
func (l Label) String() string {
	switch l.Kind {
	case Week:
		return fmt.Sprintf("%04d-W%02d", l.Year, l.Number)
	case Month:
		return fmt.Sprintf("%04d-%02d", l.Year, l.Number)
	case Quarter:
		return fmt.Sprintf("%04d-Q%d", l.Year, l.Number)
	}
	return ""
}

// ParseLabel reads a label's stable text ("2026-W53", "2026-12",
// "2026-Q4"), as String writes it.
func ParseLabel(s string) (Label, bool) {
	var l Label
	if len(s) < 6 || s[4] != '-' {
		return l, false
	}
	y, ok := digits(s[:4])
	if !ok {
		return l, false
	}
	rest := s[5:]
	switch {
	case len(rest) == 3 && rest[0] == 'W':
		l.Kind, rest = Week, rest[1:]
	case len(rest) == 2 && rest[0] == 'Q':
		l.Kind, rest = Quarter, rest[1:]
	case len(rest) == 2:
		l.Kind = Month
	default:
		return l, false
	}
	n, ok := digits(rest)
	if max := map[string]int{Week: 53, Month: 12, Quarter: 4}[l.Kind]; !ok || n < 1 || n > max {
		return Label{}, false
	}
	l.Year, l.Number = y, n
	return l, true
}

// digits reads a string of ASCII digits only.
func digits(s string) (int, bool) {
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, s != ""
}

// Period returns the period l names, in loc.
func (l Label) Period(loc *time.Location) Period {
	switch l.Kind {
	case Week:
		// January 4th is always in week 1 of its ISO year.
		jan4 := time.Date(l.Year, 1, 4, 12, 0, 0, 0, time.UTC)
		w1 := jan4.AddDate(0, 0, -((int(jan4.Weekday()) + 6) % 7))
		d := w1.AddDate(0, 0, 7*(l.Number-1))
		return PeriodOfDate(Week, tandem.DateOf(d), loc)
	case Month:
		return PeriodOfDate(Month, tandem.DateOf(time.Date(l.Year, time.Month(l.Number), 1, 12, 0, 0, 0, time.UTC)), loc)
	case Quarter:
		return PeriodOfDate(Quarter, tandem.DateOf(time.Date(l.Year, time.Month(3*l.Number-2), 1, 12, 0, 0, 0, time.UTC)), loc)
	}
	return Period{}
}

// PeriodOf returns the period of the given kind that contains t in loc
// (nil loc means UTC). Weeks start on Monday (ISO 8601), months and
// quarters on their first day; every boundary is the start of a local day
// in loc, computed from the calendar date so that DST changes never shift
// it. For an unknown kind it returns the zero Period.
func PeriodOf(kind string, t time.Time, loc *time.Location) Period {
	if loc == nil {
		loc = time.UTC
	}
	lt := t.In(loc)
	y, m, d := lt.Date()
	switch kind {
	case Week:
		off := (int(lt.Weekday()) + 6) % 7 // days since Monday
		return Period{Kind: kind, Start: dayStart(y, m, d-off, loc), End: dayStart(y, m, d-off+7, loc)}
	case Month:
		return Period{Kind: kind, Start: dayStart(y, m, 1, loc), End: dayStart(y, m+1, 1, loc)}
	case Quarter:
		qm := time.Month((int(m)-1)/3*3 + 1)
		return Period{Kind: kind, Start: dayStart(y, qm, 1, loc), End: dayStart(y, qm+3, 1, loc)}
	}
	return Period{}
}

// dayStart returns the first instant of the local date y-m-d in loc
// (the date is normalised as by time.Date). time.Date alone is not enough:
// where midnight is skipped by a DST change it may return 23:00 of the day
// before, so the instant is moved to the end of that zone period, which is
// the transition and the first instant of the wanted day.
func dayStart(y int, m time.Month, d int, loc *time.Location) time.Time {
	t := time.Date(y, m, d, 0, 0, 0, 0, loc)
	want := time.Date(y, m, d, 0, 0, 0, 0, time.UTC) // the normalised date
	for i := 0; i < 3; i++ {
		ty, tm, td := t.Date()
		if ty == want.Year() && tm == want.Month() && td == want.Day() {
			return t
		}
		if !time.Date(ty, tm, td, 0, 0, 0, 0, time.UTC).Before(want) {
			return t // not expected: time.Date never lands after the day
		}
		_, end := t.ZoneBounds()
		if end.IsZero() || !end.After(t) {
			return t
		}
		t = end
	}
	return t
}

// PeriodOfDate returns the period of the given kind that contains the
// local date d in loc (nil loc means UTC).
func PeriodOfDate(kind string, d tandem.Date, loc *time.Location) Period {
	if loc == nil {
		loc = time.UTC
	}
	t := d.Time()
	return PeriodOf(kind, time.Date(t.Year(), t.Month(), t.Day(), 12, 0, 0, 0, loc), loc)
}

// IsZero reports whether p is the zero Period (an unknown kind).
func (p Period) IsZero() bool { return p.Kind == "" }

// Contains reports whether t lies in [p.Start, p.End).
func (p Period) Contains(t time.Time) bool { return !t.Before(p.Start) && t.Before(p.End) }

// Next returns the period of the same kind that follows p, in p's zone.
func (p Period) Next() Period {
	if p.IsZero() {
		return Period{}
	}
	return PeriodOf(p.Kind, p.End, p.End.Location())
}

// Prev returns the period of the same kind that precedes p, in p's zone.
func (p Period) Prev() Period {
	if p.IsZero() {
		return Period{}
	}
	return PeriodOf(p.Kind, p.Start.Add(-time.Nanosecond), p.Start.Location())
}

// Label returns the year and number of p (see Label). The zero Period has
// the zero Label.
func (p Period) Label() Label {
	switch p.Kind {
	case Week:
		y, w := p.Start.ISOWeek()
		return Label{Kind: Week, Year: y, Number: w}
	case Month:
		return Label{Kind: Month, Year: p.Start.Year(), Number: int(p.Start.Month())}
	case Quarter:
		return Label{Kind: Quarter, Year: p.Start.Year(), Number: (int(p.Start.Month())-1)/3 + 1}
	}
	return Label{}
}

// String is the label of p, e.g. "2026-W53" (see Label.String).
func (p Period) String() string { return p.Label().String() }

// MaxPeriods bounds the number of periods Periods returns (about 100
// years of weeks), so that a bad range cannot exhaust memory.
const MaxPeriods = 5300

// Periods returns, in chronological order, the periods of kind from the
// one containing from to the one containing to, both included. It returns
// nil for an unknown kind or when to is before from, and at most
// MaxPeriods periods.
func Periods(kind string, from, to time.Time, loc *time.Location) []Period {
	if !ValidKind(kind) || to.Before(from) {
		return nil
	}
	var out []Period
	for p := PeriodOf(kind, from, loc); !p.Start.After(to); p = p.Next() {
		out = append(out, p)
		if len(out) == MaxPeriods {
			break
		}
	}
	return out
}

// LastPeriods returns the last n periods of kind in loc, oldest first, the
// last one containing now; nil for an unknown kind or n outside 1 …
// MaxPeriods.
func LastPeriods(kind string, n int, now time.Time, loc *time.Location) []Period {
	if !ValidKind(kind) || n < 1 || n > MaxPeriods {
		return nil
	}
	out := make([]Period, n)
	per := PeriodOf(kind, now, loc)
	for i := n - 1; i >= 0; i-- {
		out[i] = per
		per = per.Prev()
	}
	return out
}
