package sla

import (
	"errors"
	"math/rand/v2"
	"sync"
	"testing"
	"time"
	_ "time/tzdata" // the tests must not depend on the host's zone database

	"github.com/tandemhq/tandem/internal/contract"
)

// Calendars used throughout. Dates of 2026 used below, by weekday:
// Thu 01-01; Sun 03-29 (spring forward in Europe: 02:00 CET → 03:00 CEST,
// i.e. 01:00 UTC); Fri 06-05; Mon 06-08; Wed 06-10; Thu 06-18; Fri 06-19
// (midsummer eve); Wed 12-23; Thu 12-24; Sun 10-25 (fall back: 03:00 CEST →
// 02:00 CET, i.e. 01:00 UTC); Fri 2027-01-01.
var (
	swedishHolidays = []string{"2026-01-01", "2026-06-19", "2026-12-24", "2026-12-25", "2026-12-31", "2027-01-01"}

	// se: Stockholm office, Monday–Friday 08:00–17:00, Swedish holidays.
	seCal = contract.Calendar{TimeZone: "Europe/Stockholm", WorkDays: []int{1, 2, 3, 4, 5},
		DayStart: "08:00", DayEnd: "17:00", Holidays: swedishHolidays, PauseStates: []string{"waiting_for_client"}}
	// se24: Stockholm, every day, the whole day.
	se24Cal = contract.Calendar{TimeZone: "Europe/Stockholm", WorkDays: []int{0, 1, 2, 3, 4, 5, 6}}
	// seDay: Stockholm, every day, 08:00–17:00.
	seDayCal = contract.Calendar{TimeZone: "Europe/Stockholm", WorkDays: []int{0, 1, 2, 3, 4, 5, 6},
		DayStart: "08:00", DayEnd: "17:00"}
	// seEarly: Stockholm, every day, 02:30–17:00: the opening falls in the
	// skipped hour on 2026-03-29 and in the repeated hour on 2026-10-25.
	seEarlyCal = contract.Calendar{TimeZone: "Europe/Stockholm", WorkDays: []int{0, 1, 2, 3, 4, 5, 6},
		DayStart: "02:30", DayEnd: "17:00"}
	nyCal = contract.Calendar{TimeZone: "America/New_York", DayStart: "08:00", DayEnd: "17:00",
		Holidays: []string{"2026-07-03", "2026-11-26", "2026-12-25"}}
	tokyoCal = contract.Calendar{TimeZone: "Asia/Tokyo", DayStart: "08:00", DayEnd: "17:00"}
)

func compile(t testing.TB, cc contract.Calendar) *Calendar {
	t.Helper()
	c, err := Compile(cc)
	if err != nil {
		t.Fatalf("Compile(%+v): %v", cc, err)
	}
	return c
}

func zone(t testing.TB, name string) *time.Location {
	t.Helper()
	l, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// at is a wall-clock time "2006-01-02 15:04" in zone name (never one of the
// hours skipped or repeated by a daylight-saving change).
func at(name, s string) time.Time {
	l, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	t, err := time.ParseInLocation("2006-01-02 15:04", s, l)
	if err != nil {
		panic(err)
	}
	return t
}

func se(s string) time.Time  { return at("Europe/Stockholm", s) }
func utc(s string) time.Time { return at("UTC", s) }

func TestAddAndBetween(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		cal   contract.Calendar
		start time.Time
		d     time.Duration
		want  time.Time
	}{
		// Friday 16:00–17:00 is 1 h; the weekend is closed; Monday
		// 08:00–09:00 is the second hour.
		{"weekend", seCal, se("2026-06-05 16:00"), 2 * time.Hour, se("2026-06-08 09:00")},
		// Exactly the rest of Friday: due at the close, not at Monday's opening.
		{"to the close", seCal, se("2026-06-05 16:00"), time.Hour, se("2026-06-05 17:00")},
		// Saturday: counting starts at Monday 08:00.
		{"start on weekend", seCal, se("2026-06-06 12:00"), 30 * time.Minute, se("2026-06-08 08:30")},
		// Before opening: 08:00 + 9 h = 17:00 the same day.
		{"before opening", seCal, se("2026-06-08 07:00"), 9 * time.Hour, se("2026-06-08 17:00")},
		// One minute more spills into Tuesday 08:01.
		{"next morning", seCal, se("2026-06-08 07:00"), 9*time.Hour + time.Minute, se("2026-06-09 08:01")},
		// After the close: Tuesday 08:00 + 1 h.
		{"after close", seCal, se("2026-06-08 18:00"), time.Hour, se("2026-06-09 09:00")},
		// A full week Monday 08:00 + 5 × 9 h = Friday 17:00.
		{"one week", seCal, se("2026-06-01 08:00"), 45 * time.Hour, se("2026-06-05 17:00")},
		// Thursday 16:00–17:00 is 1 h; midsummer eve (Fri 06-19) is a holiday,
		// then the weekend; Monday 08:00–09:00.
		{"midsummer eve", seCal, se("2026-06-18 16:00"), 2 * time.Hour, se("2026-06-22 09:00")},
		// Wednesday 15:00–17:00 is 2 h; Christmas eve (Thu) and Christmas day
		// (Fri) are holidays, then the weekend; Monday 08:00–10:00 (CET).
		{"christmas", seCal, se("2026-12-23 15:00"), 4 * time.Hour, se("2026-12-28 10:00")},
		// Wednesday 12-30 16:00–17:00 is 1 h; 12-31 and 2027-01-01 are
		// holidays; the weekend; Monday 2027-01-04 08:00–09:00.
		{"new year", seCal, se("2026-12-30 16:00"), 2 * time.Hour, se("2027-01-04 09:00")},
		// Four weeks: Monday 06-01 08:00 + 19 business days × 9 h. June has
		// 06-01…06-26 = 20 weekdays, one holiday (06-19) → 19 days, so the
		// time runs out at Friday 06-26 17:00.
		{"four weeks", seCal, se("2026-06-01 08:00"), 19 * 9 * time.Hour, se("2026-06-26 17:00")},

		// Spring forward, whole-day calendar: Sunday 00:00 CET is Saturday
		// 23:00 UTC; + 3 h = 02:00 UTC = 04:00 CEST (the clocks skipped 02:00–03:00).
		{"spring 24h", se24Cal, utc("2026-03-28 23:00"), 3 * time.Hour, utc("2026-03-29 02:00")},
		// Saturday 00:00 CET (Fri 23:00 UTC) + 24 h (Saturday) + 23 h (Sunday)
		// = Monday 00:00 CEST = Sunday 22:00 UTC.
		{"spring 24h two days", se24Cal, utc("2026-03-27 23:00"), 47 * time.Hour, utc("2026-03-29 22:00")},
		// Fall back, whole-day calendar: Sunday 00:00 CEST is Saturday 22:00
		// UTC; + 3 h = 01:00 UTC = 02:00 CET, the second 02:00 of the day.
		{"fall 24h", se24Cal, utc("2026-10-24 22:00"), 3 * time.Hour, utc("2026-10-25 01:00")},
		// The whole fall-back Sunday is 25 h: to Monday 00:00 CET = Sunday 23:00 UTC.
		{"fall 24h whole day", se24Cal, utc("2026-10-24 22:00"), 25 * time.Hour, utc("2026-10-25 23:00")},
		// 08:00–17:00 on the spring-forward Sunday is still 9 h: 17:00 CEST = 15:00 UTC.
		{"spring 08-17", seDayCal, se("2026-03-29 00:00"), 9 * time.Hour, utc("2026-03-29 15:00")},
		// … and on the fall-back Sunday: 17:00 CET = 16:00 UTC.
		{"fall 08-17", seDayCal, se("2026-10-25 00:00"), 9 * time.Hour, utc("2026-10-25 16:00")},
		// DayStart 02:30 does not exist on 2026-03-29: business opens at the
		// change, 03:00 CEST = 01:00 UTC; + 1 h = 02:00 UTC (04:00 CEST).
		{"spring opening in gap", seEarlyCal, utc("2026-03-28 23:00"), time.Hour, utc("2026-03-29 02:00")},
		// DayStart 02:30 occurs twice on 2026-10-25: business opens at the
		// first, 02:30 CEST = 00:30 UTC; + 1 h = 01:30 UTC (the second 02:30, CET).
		{"fall opening repeated", seEarlyCal, utc("2026-10-24 22:00"), time.Hour, utc("2026-10-25 01:30")},

		// Empty calendar: UTC, Monday–Friday, whole days. Friday 12:00 +
		// 12 h (rest of Friday) + 1 h → Monday 01:00.
		{"defaults", contract.Calendar{}, utc("2026-06-05 12:00"), 13 * time.Hour, utc("2026-06-08 01:00")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := compile(t, tc.cal)
			got := c.Add(tc.start, tc.d)
			if !got.Equal(tc.want) {
				t.Errorf("Add(%v, %v) = %v, want %v", tc.start, tc.d, got, tc.want.In(c.Location()))
			}
			if got.Location() != c.Location() {
				t.Errorf("Add returned a time in %v, want %v", got.Location(), c.Location())
			}
			if b := c.Between(tc.start, tc.want); b != tc.d {
				t.Errorf("Between(%v, %v) = %v, want %v", tc.start, tc.want, b, tc.d)
			}
		})
	}
}

func TestBetween(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cal  contract.Calendar
		a, b time.Time
		want time.Duration
	}{
		{"empty span", seCal, se("2026-06-08 10:00"), se("2026-06-08 10:00"), 0},
		{"reversed", seCal, se("2026-06-08 12:00"), se("2026-06-08 10:00"), 0},
		{"within a day", seCal, se("2026-06-08 10:00"), se("2026-06-08 12:30"), 150 * time.Minute},
		{"all closed", seCal, se("2026-06-05 17:00"), se("2026-06-08 08:00"), 0},
		// Monday 10:00–17:00 (7 h) + Tuesday 08:00–09:00 (1 h).
		{"overnight", seCal, se("2026-06-08 10:00"), se("2026-06-09 09:00"), 8 * time.Hour},
		// Spring-forward Sunday 00:00–24:00 local is 23 h, fall-back Sunday 25 h.
		{"spring day 24h", se24Cal, se("2026-03-29 00:00"), se("2026-03-30 00:00"), 23 * time.Hour},
		{"fall day 24h", se24Cal, se("2026-10-25 00:00"), se("2026-10-26 00:00"), 25 * time.Hour},
		// An 08:00–17:00 window does not contain the 02:00/03:00 change: 9 h.
		{"spring day 08-17", seDayCal, se("2026-03-29 00:00"), se("2026-03-30 00:00"), 9 * time.Hour},
		{"fall day 08-17", seDayCal, se("2026-10-25 00:00"), se("2026-10-26 00:00"), 9 * time.Hour},
		// 02:30–17:00: opens 03:00 CEST at the change → 14 h on the spring day;
		// opens 02:30 CEST (00:30 UTC), closes 17:00 CET (16:00 UTC) → 15 h 30 on the fall day.
		{"spring day 02:30", seEarlyCal, se("2026-03-29 00:00"), se("2026-03-30 00:00"), 14 * time.Hour},
		{"fall day 02:30", seEarlyCal, se("2026-10-25 00:00"), se("2026-10-26 00:00"), 15*time.Hour + 30*time.Minute},
		// Saturday 03-28 to Tuesday 03-31 with the whole-day calendar:
		// 24 + 23 + 24 = 71 h.
		{"across spring 24h", se24Cal, se("2026-03-28 00:00"), se("2026-03-31 00:00"), 71 * time.Hour},
		// A whole year of whole days: the two changes cancel out, 365 × 24 h.
		{"year 24h", se24Cal, se("2026-01-01 00:00"), se("2027-01-01 00:00"), 365 * 24 * time.Hour},
		// 2026 starts on a Thursday and has 52 weeks + 1 day (Thu 12-31):
		// 52 × 5 + 1 = 261 weekdays; holidays on weekdays in 2026: 01-01,
		// 06-19, 12-24, 12-25, 12-31 = 5 → 256 days × 9 h = 2304 h.
		{"year 08-17", seCal, se("2026-01-01 00:00"), se("2027-01-01 00:00"), 2304 * time.Hour},
		// Defaults (UTC, Mon–Fri, whole day): Friday 12:00–24:00 + Monday 00:00–12:00.
		{"defaults", contract.Calendar{}, utc("2026-06-05 12:00"), utc("2026-06-08 12:00"), 24 * time.Hour},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := compile(t, tc.cal)
			if got := c.Between(tc.a, tc.b); got != tc.want {
				t.Errorf("Between(%v, %v) = %v, want %v", tc.a, tc.b, got, tc.want)
			}
		})
	}
}

// TestTimeZones takes the same instant, Wednesday 2026-06-10 06:00 UTC, to
// three 08:00–17:00 Monday–Friday calendars: it is 08:00 CEST in Stockholm
// (open), 02:00 EDT in New York (closed), 15:00 JST in Tokyo (open).
func TestTimeZones(t *testing.T) {
	t.Parallel()
	instant := utc("2026-06-10 06:00")
	tests := []struct {
		name     string
		cal      contract.Calendar
		open     bool
		nextOpen time.Time
		plus3h   time.Time     // Add(instant, 3h)
		to18     time.Duration // Between(instant, 18:00 UTC)
	}{
		// 08:00 + 3 h = 11:00 CEST = 09:00 UTC; 06:00–18:00 UTC is
		// 08:00–20:00 CEST, of which 08:00–17:00 = 9 h.
		{"Stockholm", seCal, true, instant, utc("2026-06-10 09:00"), 9 * time.Hour},
		// Opens 08:00 EDT = 12:00 UTC; + 3 h = 15:00 UTC; 06:00–18:00 UTC is
		// 02:00–14:00 EDT, of which 08:00–14:00 = 6 h.
		{"New York", nyCal, false, utc("2026-06-10 12:00"), utc("2026-06-10 15:00"), 6 * time.Hour},
		// 15:00–17:00 JST is 2 h, then Thursday 08:00 + 1 h = 09:00 JST =
		// Thursday 00:00 UTC; 06:00–18:00 UTC is 15:00 Wed–03:00 Thu JST → 2 h.
		{"Tokyo", tokyoCal, true, instant, utc("2026-06-11 00:00"), 2 * time.Hour},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := compile(t, tc.cal)
			if got := c.IsOpen(instant); got != tc.open {
				t.Errorf("IsOpen = %v, want %v", got, tc.open)
			}
			if got := c.NextOpen(instant); !got.Equal(tc.nextOpen) {
				t.Errorf("NextOpen = %v, want %v", got, tc.nextOpen)
			}
			if got := c.Add(instant, 3*time.Hour); !got.Equal(tc.plus3h) {
				t.Errorf("Add 3h = %v, want %v", got, tc.plus3h)
			}
			if got := c.Between(instant, utc("2026-06-10 18:00")); got != tc.to18 {
				t.Errorf("Between = %v, want %v", got, tc.to18)
			}
		})
	}
}

func TestIsOpenNextOpen(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cal  contract.Calendar
		t    time.Time
		open bool
		next time.Time
	}{
		{"opening instant", seCal, se("2026-06-08 08:00"), true, se("2026-06-08 08:00")},
		{"closing instant is closed", seCal, se("2026-06-08 17:00"), false, se("2026-06-09 08:00")},
		{"before opening", seCal, se("2026-06-08 07:59"), false, se("2026-06-08 08:00")},
		{"friday evening", seCal, se("2026-06-05 20:00"), false, se("2026-06-08 08:00")},
		{"midsummer eve", seCal, se("2026-06-19 10:00"), false, se("2026-06-22 08:00")},
		{"christmas eve", seCal, se("2026-12-24 10:00"), false, se("2026-12-28 08:00")},
		// Spring forward with opening 02:30: 01:59 CET (00:59 UTC) is closed,
		// the next opening is the change itself, 03:00 CEST = 01:00 UTC.
		{"gap before", seEarlyCal, utc("2026-03-29 00:59"), false, utc("2026-03-29 01:00")},
		{"gap after", seEarlyCal, utc("2026-03-29 01:00"), true, utc("2026-03-29 01:00")},
		// Fall back with opening 02:30: open from the first 02:30 (00:30 UTC),
		// so the repeated 02:00–02:30 CET (01:00–01:30 UTC) is open too.
		{"repeated first", seEarlyCal, utc("2026-10-25 00:29"), false, utc("2026-10-25 00:30")},
		{"repeated second", seEarlyCal, utc("2026-10-25 01:10"), true, utc("2026-10-25 01:10")},
		{"defaults saturday", contract.Calendar{}, utc("2026-06-06 12:00"), false, utc("2026-06-08 00:00")},
		{"defaults monday midnight", contract.Calendar{}, utc("2026-06-08 00:00"), true, utc("2026-06-08 00:00")},
		{"defaults friday late", contract.Calendar{}, utc("2026-06-05 23:59"), true, utc("2026-06-05 23:59")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := compile(t, tc.cal)
			if got := c.IsOpen(tc.t); got != tc.open {
				t.Errorf("IsOpen(%v) = %v, want %v", tc.t, got, tc.open)
			}
			if got := c.NextOpen(tc.t); !got.Equal(tc.next) {
				t.Errorf("NextOpen(%v) = %v, want %v", tc.t, got, tc.next)
			}
		})
	}
}

func TestDefaults(t *testing.T) {
	t.Parallel()
	c := compile(t, contract.Calendar{})
	if c.Location() != time.UTC {
		t.Errorf("zone %v, want UTC", c.Location())
	}
	for d := time.Sunday; d <= time.Saturday; d++ {
		want := d >= time.Monday && d <= time.Friday
		day := utc("2026-06-07 12:00").AddDate(0, 0, int(d)) // 06-07 is a Sunday
		if got := c.IsBusinessDay(day); got != want {
			t.Errorf("%v business = %v, want %v", d, got, want)
		}
	}
	// Only DayEnd given: from midnight to 12:00.
	c = compile(t, contract.Calendar{DayEnd: "12:00"})
	if got := c.Between(utc("2026-06-08 00:00"), utc("2026-06-09 00:00")); got != 12*time.Hour {
		t.Errorf("00:00–12:00 day = %v, want 12h", got)
	}
	// DayEnd "24:00" is the end of the day.
	c = compile(t, contract.Calendar{DayStart: "20:00", DayEnd: "24:00"})
	if got := c.Add(utc("2026-06-08 23:00"), 2*time.Hour); !got.Equal(utc("2026-06-09 21:00")) {
		t.Errorf("Add over 24:00 = %v, want Tue 21:00", got)
	}
	if c.IsPauseState("waiting_for_client") {
		t.Error("no pause states were given")
	}
	if c = compile(t, seCal); !c.IsPauseState("waiting_for_client") || c.IsPauseState("open") {
		t.Error("IsPauseState does not follow PauseStates")
	}
}

func TestCompileErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cal  contract.Calendar
	}{
		{"bad zone", contract.Calendar{TimeZone: "Mars/Olympus_Mons"}},
		{"local zone", contract.Calendar{TimeZone: "Local"}},
		{"work day 7", contract.Calendar{WorkDays: []int{1, 7}}},
		{"work day -1", contract.Calendar{WorkDays: []int{-1}}},
		{"short time", contract.Calendar{DayStart: "8:00", DayEnd: "17:00"}},
		{"hour 25", contract.Calendar{DayStart: "08:00", DayEnd: "25:00"}},
		{"minute 60", contract.Calendar{DayStart: "08:60", DayEnd: "17:00"}},
		{"start 24:00", contract.Calendar{DayStart: "24:00"}},
		{"24:30", contract.Calendar{DayEnd: "24:30"}},
		{"letters", contract.Calendar{DayStart: "ab:cd"}},
		{"separator", contract.Calendar{DayStart: "08.00"}},
		{"start after end", contract.Calendar{DayStart: "17:00", DayEnd: "08:00"}},
		{"start equals end", contract.Calendar{DayStart: "08:00", DayEnd: "08:00"}},
		{"bad holiday date", contract.Calendar{Holidays: []string{"2026-02-30"}}},
		{"bad holiday format", contract.Calendar{Holidays: []string{"2026/12/24"}}},
		{"empty holiday", contract.Calendar{Holidays: []string{""}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Compile(tc.cal)
			if err == nil {
				t.Fatalf("Compile(%+v) = %v, want an error", tc.cal, c)
			}
			if !errors.Is(err, ErrCalendar) {
				t.Errorf("error %v does not wrap ErrCalendar", err)
			}
		})
	}
}

func TestClock(t *testing.T) {
	t.Parallel()
	h := time.Hour
	// Monday 06-08 09:00, a 10-hour target: Monday 09:00–17:00 is 8 h, so
	// without pauses it is due Tuesday 10:00.
	mon9 := se("2026-06-08 09:00")
	tests := []struct {
		name      string
		clk       Clock
		now       time.Time
		elapsed   time.Duration
		remaining time.Duration
		due       time.Time // zero: not known
		breached  bool      // Breached(clk, now)
	}{
		{"no pauses", Clock{Start: mon9, Target: 10 * h},
			se("2026-06-08 12:00"), 3 * h, 7 * h, se("2026-06-09 10:00"), false},
		// Pauses 10:00–12:00 and 11:00–13:00 overlap: paused 10:00–13:00 once.
		// By Tuesday 12:00: Monday 09–10 + 13–17 = 5 h, Tuesday 08–12 = 4 h.
		// 1 h remains → Tuesday 13:00.
		{"overlapping", Clock{Start: mon9, Target: 10 * h, Paused: []Interval{
			{se("2026-06-08 11:00"), se("2026-06-08 13:00")},
			{se("2026-06-08 10:00"), se("2026-06-08 12:00")},
			{se("2026-06-08 10:30"), se("2026-06-08 11:30")}, // inside both
		}}, se("2026-06-09 12:00"), 9 * h, h, se("2026-06-09 13:00"), false},
		// Still paused since Monday 13:00: 09–13 = 4 h counted, due unknown.
		{"open-ended", Clock{Start: mon9, Target: 10 * h, Paused: []Interval{
			{se("2026-06-08 13:00"), time.Time{}},
		}}, se("2026-06-09 12:00"), 4 * h, 6 * h, time.Time{}, false},
		// The same pause, ended at now (Tuesday 12:00): 6 h remain, Tuesday
		// 12–17 is 5 h, Wednesday 08:00 + 1 h → Wednesday 09:00.
		{"pause ended now", Clock{Start: mon9, Target: 10 * h, Paused: []Interval{
			{se("2026-06-08 13:00"), se("2026-06-09 12:00")},
		}}, se("2026-06-09 12:00"), 4 * h, 6 * h, se("2026-06-10 09:00"), false},
		// Friday 15:00 start, 4 h; paused Friday 16:00 – Monday 10:00. By
		// Monday 12:00: Friday 15–16 = 1 h, Monday 10–12 = 2 h; due Monday 13:00.
		{"pause over weekend", Clock{Start: se("2026-06-05 15:00"), Target: 4 * h, Paused: []Interval{
			{se("2026-06-05 16:00"), se("2026-06-08 10:00")},
		}}, se("2026-06-08 12:00"), 3 * h, h, se("2026-06-08 13:00"), false},
		// The same clock asked on Saturday while paused: 1 h run, due unknown.
		{"paused on weekend", Clock{Start: se("2026-06-05 15:00"), Target: 4 * h, Paused: []Interval{
			{se("2026-06-05 16:00"), se("2026-06-08 10:00")},
		}}, se("2026-06-06 12:00"), h, 3 * h, time.Time{}, false},
		// Breached in the past: 2 h target from Monday 09:00 reached at 11:00;
		// by 15:00 6 h have run, 4 h over.
		{"breached", Clock{Start: mon9, Target: 2 * h},
			se("2026-06-08 15:00"), 6 * h, -4 * h, se("2026-06-08 11:00"), true},
		// With a pause 10:00–11:00 the 2 h are reached at 12:00.
		{"breached after pause", Clock{Start: mon9, Target: 2 * h, Paused: []Interval{
			{se("2026-06-08 10:00"), se("2026-06-08 11:00")},
		}}, se("2026-06-08 15:00"), 5 * h, -3 * h, se("2026-06-08 12:00"), true},
		// A pause that began before Start counts from Start: 09:00–09:30 paused.
		{"pause before start", Clock{Start: mon9, Target: 2 * h, Paused: []Interval{
			{se("2026-06-08 07:00"), se("2026-06-08 09:30")},
		}}, se("2026-06-08 10:00"), 30 * time.Minute, 90 * time.Minute, se("2026-06-08 11:30"), false},
		// Invalid intervals (To before From, zero From) are ignored.
		{"ignored intervals", Clock{Start: mon9, Target: 2 * h, Paused: []Interval{
			{se("2026-06-08 10:00"), se("2026-06-08 09:30")},
			{time.Time{}, se("2026-06-08 10:00")},
		}}, se("2026-06-08 10:00"), h, h, se("2026-06-08 11:00"), false},
		// Now before Start: nothing has run; due is Start + target.
		{"not started", Clock{Start: mon9, Target: 2 * h},
			se("2026-06-08 07:00"), 0, 2 * h, se("2026-06-08 11:00"), false},
		// Exactly on target is not a breach.
		{"on the dot", Clock{Start: mon9, Target: 2 * h},
			se("2026-06-08 11:00"), 2 * h, 0, se("2026-06-08 11:00"), false},
		// No target: never due, never breached.
		{"no target", Clock{Start: mon9},
			se("2026-06-09 15:00"), 15 * h, 0, time.Time{}, false},
	}
	c := compile(t, seCal)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := c.Elapsed(tc.clk, tc.now); got != tc.elapsed {
				t.Errorf("Elapsed = %v, want %v", got, tc.elapsed)
			}
			if got := c.Remaining(tc.clk, tc.now); got != tc.remaining {
				t.Errorf("Remaining = %v, want %v", got, tc.remaining)
			}
			due, known := c.Due(tc.clk, tc.now)
			if known != !tc.due.IsZero() || !due.Equal(tc.due) {
				t.Errorf("Due = %v, %v; want %v, %v", due, known, tc.due, !tc.due.IsZero())
			}
			if got := c.Breached(tc.clk, tc.now); got != tc.breached {
				t.Errorf("Breached = %v, want %v", got, tc.breached)
			}
		})
	}

	// Stopping one minute after the due time of "overlapping" breaches it.
	clk := tests[1].clk
	if c.Breached(clk, se("2026-06-09 13:00")) {
		t.Error("stopped on the due time: breached")
	}
	if !c.Breached(clk, se("2026-06-09 13:01")) {
		t.Error("stopped a minute late: not breached")
	}
}

func TestAddBusinessDays(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		from time.Time
		n    int
		want time.Time
	}{
		// Thursday and Friday are Christmas holidays, then the weekend.
		{"over christmas", se("2026-12-23 10:00"), 1, se("2026-12-28 17:00")},
		{"same day", se("2026-12-23 10:00"), 0, se("2026-12-23 17:00")},
		{"same day after close", se("2026-12-23 20:00"), 0, se("2026-12-23 17:00")},
		{"same day from saturday", se("2026-06-06 10:00"), 0, se("2026-06-08 17:00")},
		// The first business day after Saturday is Monday, as for n = 0.
		{"from saturday", se("2026-06-06 10:00"), 1, se("2026-06-08 17:00")},
		{"two from saturday", se("2026-06-06 10:00"), 2, se("2026-06-09 17:00")},
		{"friday evening", se("2026-06-05 20:00"), 1, se("2026-06-08 17:00")},
		{"over midsummer eve", se("2026-06-18 09:00"), 1, se("2026-06-22 17:00")},
		// Monday 06-01 + 20: 06-02…05 (4), 08…12 (9), 15…18 (13; 19 is a
		// holiday), 22…26 (18), 29 (19), 30 (20) → Tuesday 06-30.
		{"twenty", se("2026-06-01 09:00"), 20, se("2026-06-30 17:00")},
	}
	c := compile(t, seCal)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := c.AddBusinessDays(tc.from, tc.n); !got.Equal(tc.want) {
				t.Errorf("AddBusinessDays(%v, %d) = %v, want %v", tc.from, tc.n, got, tc.want)
			}
		})
	}
	// A whole-day calendar ends a business day at the next midnight.
	d := compile(t, contract.Calendar{})
	if got := d.AddBusinessDays(utc("2026-06-05 10:00"), 1); !got.Equal(utc("2026-06-09 00:00")) {
		t.Errorf("whole-day AddBusinessDays = %v, want Tue 00:00", got)
	}
}

func TestAddCalendarDays(t *testing.T) {
	t.Parallel()
	sto, tokyo := zone(t, "Europe/Stockholm"), zone(t, "Asia/Tokyo")
	tests := []struct {
		name string
		from time.Time
		n    int
		loc  *time.Location
		want time.Time
	}{
		// End of Sunday 03-29 (23 h long) = Monday 00:00 CEST = Sunday 22:00 UTC.
		{"over spring forward", se("2026-03-28 15:00"), 1, sto, utc("2026-03-29 22:00")},
		// End of Saturday 03-28 = Sunday 00:00 CET = Saturday 23:00 UTC.
		{"same day", se("2026-03-28 15:00"), 0, sto, utc("2026-03-28 23:00")},
		// nil: from's location (UTC): end of Sunday 06-07.
		{"nil location", utc("2026-06-05 10:00"), 2, nil, utc("2026-06-08 00:00")},
		// 10:00 UTC is already 19:00 JST: end of that Friday in Tokyo is
		// Saturday 00:00 JST = Friday 15:00 UTC.
		{"other zone", utc("2026-06-05 10:00"), 0, tokyo, utc("2026-06-05 15:00")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := AddCalendarDays(tc.from, tc.n, tc.loc); !got.Equal(tc.want) {
				t.Errorf("AddCalendarDays(%v, %d) = %v, want %v", tc.from, tc.n, got, tc.want)
			}
		})
	}
}

func TestLatenessBusinessDays(t *testing.T) {
	t.Parallel()
	dueMon := se("2026-06-08 17:00")
	tests := []struct {
		name      string
		cal       contract.Calendar
		due, done time.Time
		want      int
	}{
		{"early", seCal, dueMon, se("2026-06-08 12:00"), 0},
		{"on the dot", seCal, dueMon, dueMon, 0},
		{"same evening", seCal, dueMon, se("2026-06-08 17:30"), 0},
		// Tuesday's opening at 08:00 is not before done.
		{"at next opening", seCal, dueMon, se("2026-06-09 08:00"), 0},
		{"just after opening", seCal, dueMon, se("2026-06-09 08:01"), 1},
		{"end of tuesday", seCal, dueMon, se("2026-06-09 16:00"), 1},
		// Tuesday and Wednesday openings.
		{"wednesday", seCal, dueMon, se("2026-06-10 12:00"), 2},
		// Due Thursday 06-18 17:00; Friday is midsummer eve, then the weekend:
		// only Monday's opening counts.
		{"over midsummer", seCal, se("2026-06-18 17:00"), se("2026-06-22 10:00"), 1},
		// Due Monday 17:00, done the Monday after at 10:00: Tue–Fri + Mon = 5.
		{"a week", seCal, dueMon, se("2026-06-15 10:00"), 5},
		// Mid-day deadline: lateness within the due day's hours is no day.
		{"mid-day due", seCal, se("2026-06-08 12:00"), se("2026-06-08 15:00"), 0},
		// Midnight deadline (end of Monday) with a whole-day calendar:
		// Tuesday opens at the deadline, done at 10:00 is 1 day late.
		{"midnight 24h", se24Cal, se("2026-06-09 00:00"), se("2026-06-09 10:00"), 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := compile(t, tc.cal)
			if got := LatenessBusinessDays(c, tc.due, tc.done); got != tc.want {
				t.Errorf("LatenessBusinessDays(%v, %v) = %d, want %d", tc.due, tc.done, got, tc.want)
			}
		})
	}
}

// randomCalendars are the calendars of the property tests, with a
// Monday–Friday one holding many holidays.
func randomCalendars(t testing.TB) map[string]*Calendar {
	return map[string]*Calendar{
		"se":      compile(t, seCal),
		"se24":    compile(t, se24Cal),
		"seDay":   compile(t, seDayCal),
		"seEarly": compile(t, seEarlyCal),
		"ny":      compile(t, nyCal),
		"tokyo":   compile(t, tokyoCal),
		"default": compile(t, contract.Calendar{}),
		"weekend": compile(t, contract.Calendar{TimeZone: "America/New_York", WorkDays: []int{0, 6},
			DayStart: "00:30", DayEnd: "02:30"}), // contains the US changes at 02:00
	}
}

// TestAddBetweenInverse checks on random inputs (fixed seed) that Add and
// Between are inverse: Between(a, Add(a, d)) == d, and Add(a, Between(a, b))
// is the earliest instant with that much business time, so that nothing is
// left between it and b.
func TestAddBetweenInverse(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(2026, 6))
	base := utc("2025-01-01 00:00")
	span := int64(4 * 365 * 24 * time.Hour / time.Second)
	for name, c := range randomCalendars(t) {
		for i := 0; i < 2000; i++ {
			a := base.Add(time.Duration(rng.Int64N(span)) * time.Second)
			d := time.Duration(rng.Int64N(int64(2000*time.Hour/time.Second))) * time.Second
			if i%4 == 0 {
				d = time.Duration(rng.Int64N(int64(20 * time.Hour))) // nanoseconds, short
			}
			b := c.Add(a, d)
			if got := c.Between(a, b); got != d {
				t.Fatalf("%s: Between(%v, Add(%v, %v) = %v) = %v", name, a, a, d, b, got)
			}
			if d > 0 && b.Before(a) {
				t.Fatalf("%s: Add(%v, %v) = %v is before start", name, a, d, b)
			}
			e := a.Add(time.Duration(rng.Int64N(span/4)) * time.Second)
			x := c.Between(a, e)
			if x == 0 {
				continue
			}
			f := c.Add(a, x)
			if f.After(e) || c.Between(f, e) != 0 {
				t.Fatalf("%s: Add(%v, Between(%v, %v) = %v) = %v", name, a, a, e, x, f)
			}
			if c.IsOpen(e) && !f.Equal(e) {
				t.Fatalf("%s: open at %v but Add(a, Between(a, e)) = %v", name, e, f)
			}
		}
	}
}

// naiveBetween sums the windows day by day, with no arithmetic shortcuts.
func naiveBetween(c *Calendar, a, b time.Time) time.Duration {
	var total time.Duration
	for n := c.day(a); n <= c.day(b); n++ {
		total += c.overlap(n, a, b)
	}
	return total
}

// naiveAddBusinessDays counts business days one by one.
func naiveAddBusinessDays(c *Calendar, from time.Time, n int) time.Time {
	day := c.day(from)
	for ; n > 0; n-- {
		day++
		for !c.business(day) {
			day++
		}
	}
	_, cl := c.window(day)
	return cl
}

// TestShortcutsMatchDayByDay checks the week-skipping arithmetic against a
// plain day-by-day walk over random spans of up to six years.
func TestShortcutsMatchDayByDay(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(7, 11))
	base := utc("2024-01-01 00:00")
	span := int64(6 * 365 * 24 * time.Hour / time.Second)
	for name, c := range randomCalendars(t) {
		for i := 0; i < 200; i++ {
			a := base.Add(time.Duration(rng.Int64N(span)) * time.Second)
			b := a.Add(time.Duration(rng.Int64N(span)) * time.Second)
			if got, want := c.Between(a, b), naiveBetween(c, a, b); got != want {
				t.Fatalf("%s: Between(%v, %v) = %v, day by day %v", name, a, b, got, want)
			}
			n := rng.IntN(1500)
			if got, want := c.AddBusinessDays(a, n), naiveAddBusinessDays(c, a, n); !got.Equal(want) {
				t.Fatalf("%s: AddBusinessDays(%v, %d) = %v, day by day %v", name, a, n, got, want)
			}
		}
	}
}

// TestConcurrentUse shares one *Calendar between goroutines (run with -race
// to check there is no shared mutable state).
func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	c := compile(t, seCal)
	want := c.Between(se("2026-01-01 00:00"), se("2027-01-01 00:00"))
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 50 {
				if got := c.Between(se("2026-01-01 00:00"), se("2027-01-01 00:00")); got != want {
					t.Errorf("concurrent Between = %v, want %v", got, want)
					return
				}
				c.Add(se("2026-06-05 16:00"), 100*time.Hour)
			}
		})
	}
	wg.Wait()
}

func BenchmarkBetween5Years(b *testing.B) {
	c := compile(b, seCal)
	from, to := se("2026-01-05 10:00"), se("2031-01-05 10:00")
	for b.Loop() {
		c.Between(from, to)
	}
}

func BenchmarkAdd5Years(b *testing.B) {
	c := compile(b, seCal)
	from := se("2026-01-05 10:00")
	d := c.Between(from, se("2031-01-05 10:00"))
	for b.Loop() {
		c.Add(from, d)
	}
}

func BenchmarkAdd5Years24h(b *testing.B) {
	c := compile(b, se24Cal)
	from := se("2026-01-05 10:00")
	d := c.Between(from, se("2031-01-05 10:00"))
	for b.Loop() {
		c.Add(from, d)
	}
}

func BenchmarkAddShort(b *testing.B) {
	c := compile(b, seCal)
	from := se("2026-06-05 16:00")
	for b.Loop() {
		c.Add(from, 4*time.Hour)
	}
}

func BenchmarkElapsedWithPauses(b *testing.B) {
	c := compile(b, seCal)
	clk := Clock{Start: se("2026-06-05 15:00"), Target: 8 * time.Hour, Paused: []Interval{
		{se("2026-06-05 16:00"), se("2026-06-08 10:00")},
		{se("2026-06-08 11:00"), se("2026-06-08 12:00")},
		{se("2026-06-09 09:00"), time.Time{}},
	}}
	now := se("2026-06-10 12:00")
	for b.Loop() {
		c.Elapsed(clk, now)
	}
}

func BenchmarkAddBusinessDays5Years(b *testing.B) {
	c := compile(b, seCal)
	from := se("2026-01-05 10:00")
	for b.Loop() {
		c.AddBusinessDays(from, 5*250)
	}
}
