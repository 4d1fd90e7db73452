// Package ical writes iCalendar (RFC 5545) feeds: a VCALENDAR with
// METHOD:PUBLISH, one VEVENT per event with a stable UID and its SEQUENCE,
// cancelled events kept with STATUS:CANCELLED, and a VTIMEZONE for every
// TZID used, generated from Go's time zone data with the offset changes of
// the years the events cover. Lines end in CRLF and are folded at 75
// octets without splitting a UTF-8 character. It is pure: no I/O but the
// writer given.
package ical

import (
	"bytes"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

// Calendar is a feed.
type Calendar struct {
	ProdID string // e.g. "-//Tandem//Meetings//EN"
	Name   string // X-WR-CALNAME, shown by clients as the calendar's name
	Events []Event
}

// Event is one VEVENT.
type Event struct {
	UID          string // stable across every version of the event
	Sequence     int    // raised on every change
	Start, End   time.Time
	TZID         string // an IANA zone; the start and end are written in its local time
	Summary      string
	Location     string
	Description  string
	URL          string
	Cancelled    bool
	LastModified time.Time // also DTSTAMP
}

// Write writes c to w.
func Write(w io.Writer, c Calendar) error {
	var b lineWriter
	b.line("BEGIN:VCALENDAR")
	b.line("VERSION:2.0")
	b.line("PRODID:" + c.ProdID)
	b.line("CALSCALE:GREGORIAN")
	b.line("METHOD:PUBLISH")
	if c.Name != "" {
		b.line("X-WR-CALNAME:" + Escape(c.Name))
	}
	zones := map[string][2]int{} // TZID → first and last year
	for _, e := range c.Events {
		if e.TZID == "" {
			continue
		}
		y0, y1 := e.Start.Year(), e.End.Year()
		if r, ok := zones[e.TZID]; ok {
			y0, y1 = min(y0, r[0]), max(y1, r[1])
		}
		zones[e.TZID] = [2]int{y0, y1}
	}
	names := make([]string, 0, len(zones))
	for n := range zones {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		loc, err := time.LoadLocation(n)
		if err != nil {
			return fmt.Errorf("ical: time zone %q: %w", n, err)
		}
		writeZone(&b, n, loc, zones[n][0], zones[n][1])
	}
	for _, e := range c.Events {
		if err := writeEvent(&b, e); err != nil {
			return err
		}
	}
	b.line("END:VCALENDAR")
	_, err := w.Write(b.Bytes())
	return err
}

func writeEvent(b *lineWriter, e Event) error {
	b.line("BEGIN:VEVENT")
	b.line("UID:" + Escape(e.UID))
	stamp := e.LastModified.UTC().Format(utcFormat)
	b.line("DTSTAMP:" + stamp)
	b.line("LAST-MODIFIED:" + stamp)
	b.line(fmt.Sprintf("SEQUENCE:%d", e.Sequence))
	if e.TZID != "" {
		loc, err := time.LoadLocation(e.TZID)
		if err != nil {
			return fmt.Errorf("ical: time zone %q: %w", e.TZID, err)
		}
		b.line("DTSTART;TZID=" + e.TZID + ":" + e.Start.In(loc).Format(localFormat))
		b.line("DTEND;TZID=" + e.TZID + ":" + e.End.In(loc).Format(localFormat))
	} else {
		b.line("DTSTART:" + e.Start.UTC().Format(utcFormat))
		b.line("DTEND:" + e.End.UTC().Format(utcFormat))
	}
	b.line("SUMMARY:" + Escape(e.Summary))
	if e.Location != "" {
		b.line("LOCATION:" + Escape(e.Location))
	}
	if e.Description != "" {
		b.line("DESCRIPTION:" + Escape(e.Description))
	}
	if e.URL != "" {
		b.line("URL:" + e.URL)
	}
	if e.Cancelled {
		b.line("STATUS:CANCELLED")
	} else {
		b.line("STATUS:CONFIRMED")
	}
	b.line("END:VEVENT")
	return nil
}

const (
	utcFormat   = "20060102T150405Z"
	localFormat = "20060102T150405"
)

// transition is an offset change of a zone at an instant.
type transition struct {
	at       time.Time
	from, to int // offsets in seconds
	name     string
	dst      bool
}

// Transitions lists the offset changes of loc from the start of year y0 to
// the end of year y1, found from Go's zone data: a day-by-day scan, then a
// binary search to the second.
func Transitions(loc *time.Location, y0, y1 int) []transition {
	start := time.Date(y0, 1, 1, 0, 0, 0, 0, time.UTC)
	end := time.Date(y1+1, 1, 1, 0, 0, 0, 0, time.UTC)
	var out []transition
	_, prev := start.In(loc).Zone()
	for t := start; t.Before(end); t = t.Add(24 * time.Hour) {
		next := t.Add(24 * time.Hour)
		_, off := next.In(loc).Zone()
		if off == prev {
			continue
		}
		lo, hi := t, next // offset at lo is prev, at hi is off
		for hi.Sub(lo) > time.Second {
			mid := lo.Add(hi.Sub(lo) / 2).Truncate(time.Second)
			if _, o := mid.In(loc).Zone(); o == prev {
				lo = mid
			} else {
				hi = mid
			}
		}
		name, _ := hi.In(loc).Zone()
		out = append(out, transition{at: hi, from: prev, to: off, name: name, dst: hi.In(loc).IsDST()})
		prev = off
	}
	return out
}

// writeZone writes the VTIMEZONE of loc for the years y0…y1: the offset in
// force at the start of y0, then one observance per change within them.
func writeZone(b *lineWriter, tzid string, loc *time.Location, y0, y1 int) {
	b.line("BEGIN:VTIMEZONE")
	b.line("TZID:" + tzid)
	start := time.Date(y0, 1, 1, 0, 0, 0, 0, time.UTC).In(loc)
	name, off := start.Zone()
	first := transition{at: start, from: off, to: off, name: name, dst: start.IsDST()}
	for _, t := range append([]transition{first}, Transitions(loc, y0, y1)...) {
		kind := "STANDARD"
		if t.dst {
			kind = "DAYLIGHT"
		}
		b.line("BEGIN:" + kind)
		// DTSTART is the local time of the onset in the offset before it.
		b.line("DTSTART:" + t.at.In(time.FixedZone("", t.from)).Format(localFormat))
		b.line("TZOFFSETFROM:" + offset(t.from))
		b.line("TZOFFSETTO:" + offset(t.to))
		b.line("TZNAME:" + Escape(t.name))
		b.line("END:" + kind)
	}
	b.line("END:VTIMEZONE")
}

// offset formats seconds east of UTC as ±HHMM (±HHMMSS when needed).
func offset(s int) string {
	sign := "+"
	if s < 0 {
		sign, s = "-", -s
	}
	if s%60 != 0 {
		return fmt.Sprintf("%s%02d%02d%02d", sign, s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%s%02d%02d", sign, s/3600, s/60%60)
}

// Escape escapes a TEXT value: backslash, semicolon, comma and newlines.
func Escape(s string) string {
	r := strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\r\n", `\n`, "\n", `\n`, "\r", `\n`)
	return r.Replace(s)
}

// lineWriter collects content lines, folded and ended by CRLF.
type lineWriter struct{ bytes.Buffer }

// MaxLine is the most octets of a line, CRLF excluded (RFC 5545 3.1).
const MaxLine = 75

func (b *lineWriter) line(s string) {
	b.WriteString(Fold(s))
	b.WriteString("\r\n")
}

// Fold folds a content line into lines of at most MaxLine octets joined by
// CRLF and a space, never inside a UTF-8 character.
func Fold(s string) string {
	if len(s) <= MaxLine {
		return s
	}
	var out strings.Builder
	limit := MaxLine
	for len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		out.WriteString(s[:cut])
		out.WriteString("\r\n ")
		s = s[cut:]
		limit = MaxLine - 1 // the leading space counts
	}
	out.WriteString(s)
	return out.String()
}
