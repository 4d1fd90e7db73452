package kpi

import (
	"strings"
	"testing"
	"time"
)

func mustLoc(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Skipf("time zone %s not available: %v", name, err)
	}
	return loc
}

func TestISOWeeksAroundNewYear(t *testing.T) {
	t.Parallel()
	sto := mustLoc(t, "Europe/Stockholm")
	// 2026-01-01 is a Thursday, so 2026 has 53 ISO weeks: week 53 runs
	// Mon 2026-12-28 .. Sun 2027-01-03, and week 1 of 2027 starts Mon
	// 2027-01-04 (not 2026-12-28).
	cases := []struct {
		day        time.Time
		start, end string
		label      string
	}{
		{time.Date(2026, 12, 28, 0, 0, 0, 0, sto), "2026-12-28", "2027-01-04", "2026-W53"},
		{time.Date(2026, 12, 31, 15, 0, 0, 0, sto), "2026-12-28", "2027-01-04", "2026-W53"},
		{time.Date(2027, 1, 3, 23, 59, 59, 999999999, sto), "2026-12-28", "2027-01-04", "2026-W53"},
		{time.Date(2027, 1, 4, 0, 0, 0, 0, sto), "2027-01-04", "2027-01-11", "2027-W01"},
		// 2024-12-30 is a Monday in ISO year 2025.
		{time.Date(2024, 12, 31, 12, 0, 0, 0, sto), "2024-12-30", "2025-01-06", "2025-W01"},
		// 2021-01-01 (a Friday) still belongs to 2020-W53.
		{time.Date(2021, 1, 1, 12, 0, 0, 0, sto), "2020-12-28", "2021-01-04", "2020-W53"},
	}
	for _, c := range cases {
		p := PeriodOf(Week, c.day, sto)
		if got := p.Start.Format("2006-01-02"); got != c.start || p.Start.Hour() != 0 {
			t.Errorf("%v: start %v, want %s 00:00", c.day, p.Start, c.start)
		}
		if got := p.End.Format("2006-01-02"); got != c.end || p.End.Hour() != 0 {
			t.Errorf("%v: end %v, want %s 00:00", c.day, p.End, c.end)
		}
		if p.String() != c.label {
			t.Errorf("%v: label %s, want %s", c.day, p, c.label)
		}
		if p.Start.Weekday() != time.Monday {
			t.Errorf("%v: starts on %v", c.day, p.Start.Weekday())
		}
	}
	w53 := PeriodOf(Week, time.Date(2026, 12, 30, 0, 0, 0, 0, sto), sto)
	if n := w53.Next(); n.String() != "2027-W01" || !n.Start.Equal(w53.End) {
		t.Errorf("next of 2026-W53 = %s from %v", n, n.Start)
	}
	if p := w53.Next().Prev(); p != w53 {
		t.Errorf("prev of next = %+v, want %+v", p, w53)
	}
	if l := w53.Label(); l != (Label{Week, 2026, 53}) {
		t.Errorf("label = %+v", l)
	}
}

func TestPeriodsAcrossDST(t *testing.T) {
	t.Parallel()
	sto := mustLoc(t, "Europe/Stockholm")
	// Summer time starts Sunday 2026-03-29 (02:00 → 03:00) and ends Sunday
	// 2026-10-25 (03:00 → 02:00).
	spring := PeriodOf(Week, time.Date(2026, 3, 29, 12, 0, 0, 0, sto), sto)
	if d := spring.End.Sub(spring.Start); d != 167*time.Hour {
		t.Errorf("spring week lasts %v, want 167h", d)
	}
	autumn := PeriodOf(Week, time.Date(2026, 10, 25, 12, 0, 0, 0, sto), sto)
	if d := autumn.End.Sub(autumn.Start); d != 169*time.Hour {
		t.Errorf("autumn week lasts %v, want 169h", d)
	}
	march := PeriodOf(Month, time.Date(2026, 3, 15, 0, 0, 0, 0, sto), sto)
	if d := march.End.Sub(march.Start); d != (31*24-1)*time.Hour {
		t.Errorf("March 2026 lasts %v, want 743h", d)
	}
	for _, p := range []Period{spring, autumn, march, spring.Next(), autumn.Next()} {
		if p.Start.Hour() != 0 || p.Start.Minute() != 0 || p.End.Hour() != 0 {
			t.Errorf("%s: boundaries %v – %v not at local midnight", p, p.Start, p.End)
		}
	}
	// The instant of the change belongs to the week that contains it.
	change := time.Date(2026, 3, 29, 1, 0, 0, 0, time.UTC) // 02:00 CET = 03:00 CEST
	if !spring.Contains(change) || !spring.Contains(change.Add(-time.Nanosecond)) {
		t.Error("the DST change is outside its week")
	}
}

func TestSkippedMidnight(t *testing.T) {
	t.Parallel()
	// In America/Asuncion summer time began at 00:00 on Sunday
	// 2023-10-01, so that day began at 01:00 −03 (04:00 UTC). time.Date
	// alone would give 2023-09-30 23:00 −04, an hour of September.
	asu := mustLoc(t, "America/Asuncion")
	want := time.Date(2023, 10, 1, 4, 0, 0, 0, time.UTC)
	oct := PeriodOf(Month, time.Date(2023, 10, 15, 12, 0, 0, 0, asu), asu)
	if !oct.Start.Equal(want) {
		t.Fatalf("October 2023 starts %v, want %v", oct.Start, want.In(asu))
	}
	q4 := PeriodOf(Quarter, time.Date(2023, 11, 15, 12, 0, 0, 0, asu), asu)
	if !q4.Start.Equal(want) || q4.String() != "2023-Q4" {
		t.Errorf("Q4 2023 starts %v (%s)", q4.Start, q4)
	}
	lateSept := time.Date(2023, 9, 30, 23, 30, 0, 0, asu) // 03:30 UTC, still September
	sep := PeriodOf(Month, lateSept, asu)
	if sep.String() != "2023-09" || !sep.End.Equal(want) || !sep.Contains(lateSept) {
		t.Errorf("late September: %s ending %v", sep, sep.End)
	}
	if d := oct.Start.Sub(sep.End); d != 0 {
		t.Errorf("gap between September and October: %v", d)
	}
}

func TestBoundariesAreDayStarts(t *testing.T) {
	t.Parallel()
	// Every boundary is the first instant of its local date: one
	// nanosecond earlier is the day before. Checked daily over 2000–2030
	// in zones with DST at midnight or at unusual hours.
	for _, z := range []string{"America/Asuncion", "America/Havana", "America/Sao_Paulo", "Asia/Beirut", "Europe/Stockholm", "Europe/Moscow", "Australia/Lord_Howe", "UTC"} {
		loc := mustLoc(t, z)
		for _, kind := range []string{Week, Month, Quarter} {
			ps := Periods(kind, time.Date(2000, 1, 1, 0, 0, 0, 0, loc), time.Date(2030, 12, 31, 0, 0, 0, 0, loc), loc)
			for i, p := range ps {
				s, before := p.Start.In(loc), p.Start.Add(-time.Nanosecond).In(loc)
				if s.YearDay() == before.YearDay() && s.Year() == before.Year() {
					t.Fatalf("%s %s: start %v is not the first instant of its day", z, p, s)
				}
				if i > 0 && !ps[i-1].End.Equal(p.Start) {
					t.Fatalf("%s: %s ends %v but %s starts %v", z, ps[i-1], ps[i-1].End, p, p.Start)
				}
				if kind == Week && s.Weekday() != time.Monday || kind != Week && s.Day() != 1 {
					t.Fatalf("%s %s: starts %v", z, p, s)
				}
			}
		}
	}
}

func TestMonthsQuartersAndRanges(t *testing.T) {
	t.Parallel()
	loc := mustLoc(t, "Europe/Moscow")
	p := PeriodOf(Quarter, time.Date(2026, 5, 15, 0, 0, 0, 0, loc), loc)
	if p.Start.Format("2006-01-02") != "2026-04-01" || p.End.Format("2006-01-02") != "2026-07-01" || p.String() != "2026-Q2" {
		t.Errorf("Q2 = %v – %v %s", p.Start, p.End, p)
	}
	q4 := PeriodOf(Quarter, time.Date(2026, 12, 31, 23, 0, 0, 0, loc), loc)
	if n := q4.Next(); n.String() != "2027-Q1" || n.End.Format("2006-01-02") != "2027-04-01" {
		t.Errorf("after %s: %s ending %v", q4, n, n.End)
	}
	dec := PeriodOf(Month, time.Date(2026, 12, 5, 0, 0, 0, 0, loc), loc)
	if dec.String() != "2026-12" || dec.Next().String() != "2027-01" || dec.Prev().String() != "2026-11" {
		t.Errorf("months around %s: %s %s", dec, dec.Prev(), dec.Next())
	}
	// A UTC instant late on 31 Dec is already January in Moscow (UTC+3).
	if got := PeriodOf(Month, time.Date(2026, 12, 31, 22, 0, 0, 0, time.UTC), loc).String(); got != "2027-01" {
		t.Errorf("zone ignored: %s", got)
	}

	qs := Periods(Quarter, time.Date(2026, 2, 10, 0, 0, 0, 0, loc), time.Date(2026, 11, 1, 0, 0, 0, 0, loc), loc)
	if len(qs) != 4 || qs[0].String() != "2026-Q1" || qs[3].String() != "2026-Q4" {
		t.Errorf("quarters = %v", qs)
	}
	// to exactly at a period start includes that period.
	ms := Periods(Month, time.Date(2026, 1, 31, 0, 0, 0, 0, loc), time.Date(2026, 3, 1, 0, 0, 0, 0, loc), loc)
	if len(ms) != 3 || ms[2].String() != "2026-03" {
		t.Errorf("months = %v", ms)
	}
	same := time.Date(2026, 6, 6, 0, 0, 0, 0, loc)
	if ps := Periods(Week, same, same, loc); len(ps) != 1 {
		t.Errorf("one instant: %v", ps)
	}
	if ps := Periods(Week, same, same.Add(-time.Second), loc); ps != nil {
		t.Errorf("reversed range: %v", ps)
	}
	if ps := Periods("year", same, same, loc); ps != nil || !PeriodOf("year", same, loc).IsZero() {
		t.Errorf("unknown kind: %v", ps)
	}
	if p := PeriodOf(Month, time.Date(2026, 6, 6, 12, 0, 0, 0, time.UTC), nil); p.Start.Location() != time.UTC {
		t.Errorf("nil location: %v", p.Start)
	}
}

func TestLastPeriods(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 4, 12, 0, 0, 0, time.UTC) // Wednesday of ISO week 10
	var got []string
	for _, p := range LastPeriods(Week, 3, now, time.UTC) {
		got = append(got, p.String())
	}
	if want := "2026-W08 2026-W09 2026-W10"; strings.Join(got, " ") != want {
		t.Fatalf("LastPeriods(week, 3) = %v, want %s", got, want)
	}
	if ps := LastPeriods(Quarter, 2, now, time.UTC); len(ps) != 2 || ps[0].String() != "2025-Q4" || ps[1].String() != "2026-Q1" {
		t.Fatalf("LastPeriods(quarter, 2) = %v", ps)
	}
	for _, c := range []struct {
		kind string
		n    int
	}{{"day", 1}, {Week, 0}, {Month, MaxPeriods + 1}} {
		if ps := LastPeriods(c.kind, c.n, now, time.UTC); ps != nil {
			t.Errorf("LastPeriods(%s, %d) = %v, want nil", c.kind, c.n, ps)
		}
	}
}

// A label's text reads back into the period it names, around New Year's
// ISO weeks too; anything else is refused.
func TestParseLabel(t *testing.T) {
	t.Parallel()
	loc, _ := time.LoadLocation("Europe/Stockholm")
	for _, d := range []time.Time{
		time.Date(2024, 12, 30, 9, 0, 0, 0, loc), // 2025-W01
		time.Date(2026, 12, 31, 9, 0, 0, 0, loc), // 2026-W53
		time.Date(2027, 1, 2, 9, 0, 0, 0, loc),   // still 2026-W53
		time.Date(2026, 3, 29, 9, 0, 0, 0, loc),  // DST day
	} {
		for _, kind := range []string{Week, Month, Quarter} {
			p := PeriodOf(kind, d, loc)
			l, ok := ParseLabel(p.String())
			if !ok || l.Period(loc) != p {
				t.Errorf("%s %s: ParseLabel(%q) = %v %v → %v", kind, d, p.String(), l, ok, l.Period(loc))
			}
		}
	}
	for _, s := range []string{"", "2026", "2026-13", "2026-00", "2026-W54", "2026-Q5", "2026-W1", "20x6-05", "2026-1a", "2026/05"} {
		if l, ok := ParseLabel(s); ok {
			t.Errorf("ParseLabel(%q) = %v, want refused", s, l)
		}
	}
}
