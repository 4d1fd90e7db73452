package request

import (
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/sla"
	"github.com/tandemhq/tandem/internal/tandem"
)

var stockholm, _ = time.LoadLocation("Europe/Stockholm")

func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, stockholm)
	if err != nil {
		panic(err)
	}
	return t
}

// officeHours is 08:00–17:00, Monday to Friday, in Stockholm, pausing while
// the request waits for the client.
func officeHours(t *testing.T, holidays ...string) *sla.Calendar {
	t.Helper()
	cal, err := sla.Compile(contract.Calendar{TimeZone: "Europe/Stockholm", WorkDays: []int{1, 2, 3, 4, 5},
		DayStart: "08:00", DayEnd: "17:00", Holidays: holidays, PauseStates: []string{string(StatusWaiting)}})
	if err != nil {
		t.Fatal(err)
	}
	return cal
}

func opened(at time.Time) Change {
	return Change{Seq: 1, Action: ActionOpen, To: StatusOpen, ActorSide: SideClient, At: at}
}

func move(from, to Status, side Side, at time.Time) Change {
	return Change{From: from, To: to, ActorSide: side, At: at}
}

// Friday 16:00 with a 2-business-hour response target: one hour on Friday
// (16:00–17:00), nothing on Saturday and Sunday, one more on Monday from
// 08:00, so the response is due Monday 09:00.
func TestResponseDueOverTheWeekend(t *testing.T) {
	t.Parallel()
	cal := officeHours(t)
	r := &Request{ResponseMinutes: 120, ResolutionMinutes: 480}
	h := []Change{opened(at("2026-03-06 16:00"))}
	resp, res := Clocks(cal, r, h, at("2026-03-07 12:00"))
	if !resp.Due.Equal(at("2026-03-09 09:00")) || resp.Elapsed != time.Hour || resp.Remaining != time.Hour || resp.Breached {
		t.Fatalf("response on Saturday: %+v", resp)
	}
	// 8 hours: Friday 1, Monday 7 → Monday 15:00.
	if !res.Due.Equal(at("2026-03-09 15:00")) {
		t.Fatalf("resolution due %v", res.Due)
	}
	// Monday 09:00 exactly is on time; a minute later is a breach by one minute.
	if c, _ := Clocks(cal, r, h, at("2026-03-09 09:00")); c.Breached || c.Remaining != 0 {
		t.Fatalf("at the due time: %+v", c)
	}
	c, _ := Clocks(cal, r, h, at("2026-03-09 09:01"))
	if !c.Breached || c.Over() != 1 || c.Remaining != -time.Minute || !c.BreachedAt(cal, at("2026-03-09 09:01")).Equal(at("2026-03-09 09:00")) {
		t.Fatalf("a minute late: %+v", c)
	}
}

// The response clock stops at the partner's first move out of "open"; the
// client's own changes do not count, and a reopening does not restart it.
func TestResponseStopsAtTheFirstPartnerMove(t *testing.T) {
	t.Parallel()
	cal := officeHours(t)
	r := &Request{ResponseMinutes: 60, ResolutionMinutes: 240}
	h := []Change{
		opened(at("2026-03-10 09:00")),
		move(StatusOpen, StatusInProgress, SidePartner, at("2026-03-10 09:40")),
		move(StatusInProgress, StatusResolved, SidePartner, at("2026-03-10 11:00")),
		move(StatusResolved, StatusOpen, SideClient, at("2026-03-10 13:00")),
	}
	resp, res := Clocks(cal, r, h, at("2026-03-11 16:00"))
	if !resp.Stopped || !resp.StoppedAt.Equal(at("2026-03-10 09:40")) || resp.Elapsed != 40*time.Minute || !resp.Met() {
		t.Fatalf("response: %+v", resp)
	}
	// Resolution ran 09:00–11:00 (2h), stopped while resolved, and runs
	// again from the reopening at 13:00: 4h more to 17:00 on the 10th, then
	// 8h on the 11th up to 16:00 → 2 + 4 + 8 = 14h.
	if res.Stopped || res.Elapsed != 14*time.Hour || !res.Breached || res.Over() != 10*60 {
		t.Fatalf("resolution after a reopening: %+v", res)
	}
}

// Waiting for the client over a weekend stops the resolution clock; the
// wait is not counted even though it spans business hours on Friday and
// Monday.
func TestPauseWhileWaitingForTheClient(t *testing.T) {
	t.Parallel()
	cal := officeHours(t)
	r := &Request{ResponseMinutes: 60, ResolutionMinutes: 16 * 60}
	h := []Change{
		opened(at("2026-03-05 09:00")),                                            // Thursday
		move(StatusOpen, StatusWaiting, SidePartner, at("2026-03-06 10:00")),      // Friday: 8h + 2h run
		move(StatusWaiting, StatusInProgress, SideClient, at("2026-03-09 11:00")), // Monday
	}
	// During the pause: 10h used, 6h left, no due time while paused.
	_, res := Clocks(cal, r, h[:2], at("2026-03-07 12:00"))
	if !res.Paused || !res.Due.IsZero() || res.Elapsed != 10*time.Hour || res.Remaining != 6*time.Hour {
		t.Fatalf("paused: %+v", res)
	}
	// Resumed Monday 11:00 with 6h left → due Monday 17:00 (without the
	// pause it would have been Friday 16:00).
	_, res = Clocks(cal, r, h, at("2026-03-09 11:30"))
	if res.Paused || !res.Due.Equal(at("2026-03-09 17:00")) || res.Elapsed != 10*time.Hour+30*time.Minute {
		t.Fatalf("resumed: %+v", res)
	}
	// A contract that names no pause state keeps the clock running.
	cal2, _ := sla.Compile(contract.Calendar{TimeZone: "Europe/Stockholm", DayStart: "08:00", DayEnd: "17:00"})
	if _, res := Clocks(cal2, r, h, at("2026-03-09 11:30")); !res.Breached {
		t.Fatalf("no pause states: %+v", res)
	}
}

// A holiday counts as no business time.
func TestHoliday(t *testing.T) {
	t.Parallel()
	cal := officeHours(t, "2026-06-19") // Midsummer Eve, a Friday
	r := &Request{ResponseMinutes: 120}
	resp, _ := Clocks(cal, r, []Change{opened(at("2026-06-18 16:00"))}, at("2026-06-19 12:00"))
	if !resp.Due.Equal(at("2026-06-22 09:00")) || resp.Elapsed != time.Hour {
		t.Fatalf("over Midsummer: %+v", resp)
	}
}

// Durations are real elapsed time, so the autumn change of 25 October 2026
// (03:00 CEST → 02:00 CET) is handled by the zone, not by the wall clock.
func TestDaylightSavingChange(t *testing.T) {
	t.Parallel()
	cal := officeHours(t)
	r := &Request{ResponseMinutes: 120}
	// Friday 16:00 CEST (14:00 UTC) → Monday 09:00 CET (08:00 UTC).
	resp, _ := Clocks(cal, r, []Change{opened(at("2026-10-23 16:00"))}, at("2026-10-24 12:00"))
	if want := time.Date(2026, 10, 26, 8, 0, 0, 0, time.UTC); !resp.Due.Equal(want) {
		t.Fatalf("due %v, want %v", resp.Due.UTC(), want)
	}
	// Round the clock, every day: 24 business hours after Saturday 12:00
	// CEST is Sunday 11:00 CET, because that Sunday has 25 hours.
	allDay, _ := sla.Compile(contract.Calendar{TimeZone: "Europe/Stockholm", WorkDays: []int{0, 1, 2, 3, 4, 5, 6}})
	r = &Request{ResolutionMinutes: 24 * 60}
	_, res := Clocks(allDay, r, []Change{opened(at("2026-10-24 12:00"))}, at("2026-10-24 13:00"))
	if !res.Due.Equal(at("2026-10-25 11:00")) || res.Due.UTC().Hour() != 10 {
		t.Fatalf("due %v", res.Due)
	}
}

// The same instants seen from another zone give the same answers: the
// calendar's zone decides, not the caller's.
func TestTimeZonesOfTheInstants(t *testing.T) {
	t.Parallel()
	cal := officeHours(t)
	r := &Request{ResponseMinutes: 120}
	ny, _ := time.LoadLocation("America/New_York")
	open := at("2026-03-06 16:00").In(ny) // 10:00 in New York
	resp, _ := Clocks(cal, r, []Change{opened(open)}, at("2026-03-07 12:00").In(time.UTC))
	if !resp.Due.Equal(at("2026-03-09 09:00")) {
		t.Fatalf("due %v", resp.Due)
	}
}

func TestTransitions(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		from Status
		a    Action
		side Side
		note string
		to   Status
		code tandem.Code
	}{
		{StatusOpen, ActionRespond, SidePartner, "", StatusInProgress, ""},
		{StatusOpen, ActionRespond, SideClient, "", "", tandem.EForbidden},
		{StatusOpen, ActionAskClient, SidePartner, "", "", tandem.EInvalid},
		{StatusOpen, ActionAskClient, SidePartner, "Which invoice?", StatusWaiting, ""},
		{StatusWaiting, ActionResume, SideClient, "", StatusInProgress, ""},
		{StatusInProgress, ActionResume, SideClient, "", "", tandem.EInvalid},
		{StatusInProgress, ActionResolve, SidePartner, "", StatusResolved, ""},
		{StatusResolved, ActionClose, SideClient, "", StatusClosed, ""},
		{StatusResolved, ActionClose, SidePartner, "", "", tandem.EForbidden},
		{StatusClosed, ActionReopen, SideClient, "Still broken", StatusOpen, ""},
		{StatusClosed, "explode", SideClient, "", "", tandem.EInvalid},
	} {
		to, err := Next(c.from, c.a, c.side, c.note)
		if to != c.to || tandem.ErrorCode(err) != c.code {
			t.Errorf("%s %s by %s: %s %v", c.from, c.a, c.side, to, err)
		}
	}
	if got := Available(StatusOpen, SidePartner); len(got) != 3 {
		t.Errorf("partner actions on an open request: %v", got)
	}
	if got := Available(StatusOpen, SideClient); len(got) != 0 {
		t.Errorf("client actions on an open request: %v", got)
	}
}
