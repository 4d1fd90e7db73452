package ical

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func zone(t *testing.T, name string) *time.Location {
	t.Helper()
	l, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestFoldKeepsUTF8AndLength(t *testing.T) {
	t.Parallel()
	s := "SUMMARY:" + strings.Repeat("Встреча ", 30)
	f := Fold(s)
	for i, l := range strings.Split(f, "\r\n") {
		if len(l) > MaxLine {
			t.Errorf("line %d has %d octets", i, len(l))
		}
		if !utf8.ValidString(l) {
			t.Errorf("line %d splits a character: %q", i, l)
		}
		if i > 0 && !strings.HasPrefix(l, " ") {
			t.Errorf("continuation %d without a space", i)
		}
	}
	if strings.ReplaceAll(f, "\r\n ", "") != s {
		t.Error("unfolding does not give the line back")
	}
	if Fold("short") != "short" {
		t.Error("short line folded")
	}
}

// Stockholm in 2026: CET→CEST on 29 March at 01:00 UTC, back on 25 October
// at 01:00 UTC; Moscow: none (UTC+3 all year).
func TestTransitions(t *testing.T) {
	t.Parallel()
	tr := Transitions(zone(t, "Europe/Stockholm"), 2026, 2026)
	if len(tr) != 2 {
		t.Fatalf("%+v", tr)
	}
	if tr[0].at.Format(time.RFC3339) != "2026-03-29T01:00:00Z" || tr[0].from != 3600 || tr[0].to != 7200 || !tr[0].dst || tr[0].name != "CEST" {
		t.Errorf("spring %+v", tr[0])
	}
	if tr[1].at.Format(time.RFC3339) != "2026-10-25T01:00:00Z" || tr[1].dst || tr[1].name != "CET" {
		t.Errorf("autumn %+v", tr[1])
	}
	if tr := Transitions(zone(t, "Europe/Moscow"), 2026, 2026); len(tr) != 0 {
		t.Errorf("Moscow %+v", tr)
	}
	if offset(10800) != "+0300" || offset(-12600) != "-0330" {
		t.Error("offset format")
	}
}

// feed is a feed of weekly 10:00 meetings around the change to summer time
// in Stockholm and the same in Moscow, one cancelled, one moved.
func feed(t *testing.T) (string, []Event) {
	sto, msk := zone(t, "Europe/Stockholm"), zone(t, "Europe/Moscow")
	mod := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	ev := func(uid string, seq int, start time.Time, tz string, cancelled bool) Event {
		return Event{UID: uid, Sequence: seq, Start: start, End: start.Add(time.Hour), TZID: tz, Summary: "Weekly check-in; Alpha, “outbound” — Еженедельная встреча",
			Location: "https://meet.example/a1?x=1,2", Cancelled: cancelled, LastModified: mod}
	}
	es := []Event{
		ev("m-1@tandem", 0, time.Date(2026, 3, 23, 10, 0, 0, 0, sto), "Europe/Stockholm", false),
		ev("m-2@tandem", 2, time.Date(2026, 3, 30, 10, 0, 0, 0, sto), "Europe/Stockholm", false),
		ev("m-3@tandem", 1, time.Date(2026, 4, 6, 10, 0, 0, 0, sto), "Europe/Stockholm", true),
		ev("m-4@tandem", 0, time.Date(2026, 3, 30, 10, 0, 0, 0, msk), "Europe/Moscow", false),
	}
	var b bytes.Buffer
	if err := Write(&b, Calendar{ProdID: "-//Tandem//Meetings//EN", Name: "Tandem", Events: es}); err != nil {
		t.Fatal(err)
	}
	return b.String(), es
}

func TestWrite(t *testing.T) {
	t.Parallel()
	s, _ := feed(t)
	if strings.Contains(strings.ReplaceAll(s, "\r\n", ""), "\n") || !strings.HasSuffix(s, "END:VCALENDAR\r\n") {
		t.Error("lines must end in CRLF")
	}
	for _, want := range []string{"METHOD:PUBLISH\r\n", "BEGIN:VTIMEZONE\r\nTZID:Europe/Moscow\r\n", "TZID:Europe/Stockholm\r\n",
		"BEGIN:DAYLIGHT\r\nDTSTART:20260329T020000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nTZNAME:CEST\r\n",
		"DTSTART;TZID=Europe/Stockholm:20260330T100000\r\n", "STATUS:CANCELLED\r\n", "SEQUENCE:2\r\n",
		`SUMMARY:Weekly check-in\; Alpha\, “outbound” — `} {
		if !strings.Contains(s, want) {
			t.Errorf("feed lacks %q", want)
		}
	}
	for _, l := range strings.Split(s, "\r\n") {
		if len(l) > MaxLine {
			t.Errorf("long line %q", l)
		}
	}
}

// TestParsedByICALJS parses the feed with ical.js (an independent parser,
// installed by .ci/run: npm ci in internal/web/testdata/icaljs), its time
// zones taken only from the feed's VTIMEZONEs.
func TestParsedByICALJS(t *testing.T) {
	t.Parallel()
	dir := "../web/testdata/icaljs"
	if _, err := os.Stat(dir + "/node_modules/ical.js"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("ical.js is not installed (npm ci --prefix internal/web/testdata/icaljs)")
		}
		t.Skip("ical.js is not installed")
	}
	s, _ := feed(t)
	got := ParseWithICALJS(t, dir, s)
	if got.Method != "PUBLISH" || len(got.Timezones) != 2 || len(got.Events) != 4 {
		t.Fatalf("%+v", got)
	}
	want := []struct{ uid, local, utc, status string }{
		{"m-1@tandem", "2026-03-23T10:00:00", "2026-03-23T09:00:00.000Z", "CONFIRMED"},
		{"m-2@tandem", "2026-03-30T10:00:00", "2026-03-30T08:00:00.000Z", "CONFIRMED"},
		{"m-3@tandem", "2026-04-06T10:00:00", "2026-04-06T08:00:00.000Z", "CANCELLED"},
		{"m-4@tandem", "2026-03-30T10:00:00", "2026-03-30T07:00:00.000Z", "CONFIRMED"},
	}
	for i, w := range want {
		e := got.Events[i]
		if e.UID != w.uid || e.Local != w.local || e.UTC != w.utc || e.Status != w.status {
			t.Errorf("event %d: %+v, want %+v", i, e, w)
		}
	}
	if !strings.Contains(got.Events[0].Summary, "Еженедельная встреча") || got.Events[0].Location != "https://meet.example/a1?x=1,2" {
		t.Errorf("text %+v", got.Events[0])
	}
}

// Parsed is what testdata/icaljs/parse.mjs prints.
type Parsed struct {
	Method    string   `json:"method"`
	Timezones []string `json:"timezones"`
	Events    []struct {
		UID      string `json:"uid"`
		Sequence int    `json:"sequence"`
		Status   string `json:"status"`
		Summary  string `json:"summary"`
		Location string `json:"location"`
		TZID     string `json:"tzid"`
		Local    string `json:"local"`
		UTC      string `json:"utc"`
	} `json:"events"`
}

// ParseWithICALJS runs parse.mjs of dir on feed.
func ParseWithICALJS(t *testing.T, dir, feed string) Parsed {
	t.Helper()
	cmd := exec.Command("node", "parse.mjs")
	cmd.Dir = dir
	cmd.Stdin = strings.NewReader(feed)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("ical.js: %v: %s", err, stderr.String())
	}
	var p Parsed
	if err := json.Unmarshal(out, &p); err != nil {
		t.Fatal(err)
	}
	return p
}
