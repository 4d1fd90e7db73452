package governance

import (
	"strings"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/tandem"
)

func zone(t *testing.T, name string) *time.Location {
	t.Helper()
	l, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// A weekly 10:00 meeting in Stockholm stays at 10:00 local across the
// change to summer time on 29 March 2026 (09:00 UTC before, 08:00 after).
func TestScheduleKeepsLocalTimeAcrossDST(t *testing.T) {
	t.Parallel()
	sto := zone(t, "Europe/Stockholm")
	first := time.Date(2026, 3, 23, 10, 0, 0, 0, sto)
	got := Schedule(first, 7, time.Date(2026, 4, 7, 0, 0, 0, 0, sto), sto)
	want := []string{"2026-03-23T09:00:00Z", "2026-03-30T08:00:00Z", "2026-04-06T08:00:00Z"}
	if len(got) != len(want) {
		t.Fatalf("got %v", got)
	}
	for i, w := range want {
		if got[i].Format(time.RFC3339) != w {
			t.Errorf("occurrence %d at %s, want %s", i, got[i].Format(time.RFC3339), w)
		}
	}
	// Monthly: same day of the month.
	m := Schedule(time.Date(2026, 1, 5, 14, 0, 0, 0, sto), 30, time.Date(2026, 4, 1, 0, 0, 0, 0, sto), sto)
	if len(m) != 3 || m[2].In(sto).Format("01-02 15:04") != "03-05 14:00" {
		t.Errorf("monthly: %v", m)
	}
}

func TestFromCadence(t *testing.T) {
	t.Parallel()
	sto := zone(t, "Europe/Stockholm")
	terms := contract.Terms{Governance: contract.Governance{Cadence: []contract.Meeting{
		{Kind: "weekly_checkin", EveryDays: 7}, {Kind: "monthly_review", EveryDays: 30}}}}
	// Friday 4 Dec 2026 11:00 local: the next working day at 10:00 is Monday 7 Dec.
	now := time.Date(2026, 12, 4, 11, 0, 0, 0, sto)
	ss := FromCadence(terms, []string{"monthly_review"}, now, sto)
	if len(ss) != 1 || ss[0].Kind != "weekly_checkin" || ss[0].FirstAt.In(sto).Format("2006-01-02 15:04") != "2026-12-07 10:00" {
		t.Fatalf("got %+v", ss)
	}
}

func TestOccurrenceMoveCancelFinalise(t *testing.T) {
	t.Parallel()
	o := Occurrence{Status: Scheduled, ChairID: 7, DurationMin: 60, StartsAt: time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)}
	if err := o.Move(o.StartsAt.Add(time.Hour), 45, " Room 3 "); err != nil || o.Sequence != 1 || o.Place != "Room 3" {
		t.Fatalf("move: %v %+v", err, o)
	}
	if err := o.Move(o.StartsAt, 5, ""); tandem.ErrorCode(err) != tandem.EInvalid {
		t.Errorf("too short: %v", err)
	}
	if err := o.Finalise(8); tandem.ErrorCode(err) != tandem.EForbidden {
		t.Errorf("not the chair: %v", err)
	}
	if err := o.Finalise(7); err != nil {
		t.Fatal(err)
	}
	o.FinalisedAt = time.Now()
	if err := o.Cancel(); err != ErrFinalised {
		t.Errorf("cancel finalised: %v", err)
	}
	c := Correction{Target: "decision", ID: 3, Text: "x", Reason: "typo"}
	if err := c.Check(&o); err != nil {
		t.Errorf("correction: %v", err)
	}
	o2 := Occurrence{Status: Scheduled}
	if err := o2.Cancel(); err != nil || o2.Status != Cancelled || o2.Sequence != 1 {
		t.Errorf("cancel: %v %+v", err, o2)
	}
	if err := c.Check(&o2); err != ErrNotFinalised {
		t.Errorf("correction of open minutes: %v", err)
	}
}

func TestAgendaAndCarry(t *testing.T) {
	t.Parallel()
	stored := []Item{
		{ID: 2, Source: SourceManual, Title: "Budget", Position: 2},
		{ID: 1, Source: SourceCarried, Title: "Hiring", Position: 1, Reached: true},
		{ID: 3, Source: "notice", RecordID: 40, Title: "Delay", Notes: "discussed"},
	}
	gen := []Item{{Source: "notice", RecordID: 40, Title: "Delay"}, {Source: SourceAction, RecordID: 9, Title: "Send plan"}}
	a := Agenda(stored, gen, false)
	var titles []string
	for _, it := range a {
		titles = append(titles, it.Title+"/"+it.Notes)
	}
	want := []string{"Hiring/", "Budget/", "Delay/discussed", "Send plan/"}
	if len(titles) != len(want) {
		t.Fatalf("got %v", titles)
	}
	for i := range want {
		if titles[i] != want[i] {
			t.Errorf("item %d: %s, want %s", i, titles[i], want[i])
		}
	}
	if f := Agenda(stored, gen, true); len(f) != 3 {
		t.Errorf("final agenda: %v", f)
	}
	c := Carried(a)
	if len(c) != 1 || c[0].Title != "Budget" || c[0].Source != SourceCarried {
		t.Errorf("carried: %+v", c)
	}
}

func TestActionItemsAndHealth(t *testing.T) {
	t.Parallel()
	msk := zone(t, "Europe/Moscow")
	due, _ := tandem.ParseDate("2026-03-10")
	a := ActionItem{Title: "Plan", OwnerID: 3, Due: due}
	if err := a.Check("weekly_checkin"); err != nil {
		t.Fatal(err)
	}
	// 10 March 23:30 Moscow is still the due day; 11 March 00:30 is past it.
	if a.Overdue(time.Date(2026, 3, 10, 23, 30, 0, 0, msk), msk) || !a.Overdue(time.Date(2026, 3, 11, 0, 30, 0, 0, msk), msk) {
		t.Error("overdue boundary")
	}
	c := ActionItem{Topic: "Pricing", Tool: "Price list", OwnerID: 3, Due: due}
	if err := c.Check(KindConsultation); err != nil || c.Title != "Pricing — Price list" {
		t.Errorf("consultation: %v %q", err, c.Title)
	}
	if err := (&ActionItem{OwnerID: 3, Due: due, Title: "x"}).Check(KindConsultation); tandem.ErrorCode(err) != tandem.EInvalid {
		t.Errorf("consultation without topic: %v", err)
	}
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	os := []Occurrence{
		{StartsAt: now.AddDate(0, 0, -21), FinalisedAt: now},
		{StartsAt: now.AddDate(0, 0, -14), Status: Cancelled},
		{StartsAt: now.AddDate(0, 0, -7), FinalisedAt: now},
		{StartsAt: now.AddDate(0, 0, -1)},
		{StartsAt: now.AddDate(0, 0, 6)},
	}
	h := HealthOf(os, now)
	if h.Due != 4 || h.Held != 2 || h.Missed() != 2 || !h.Drifting() {
		t.Errorf("health %+v", h)
	}
}

// The agenda's window runs from the previous held meeting (or the
// engagement's start) to this one; of what waits, what happened in it is
// new, what happened before and still waits is still open (on the
// previous agenda or not), what happened after the start belongs to the
// next; open action items and KPIs (no moment) are listed, a KPI still
// open when the previous agenda had it.
func TestSinceLast(t *testing.T) {
	t.Parallel()
	day := func(d int) time.Time { return time.Date(2026, 3, d, 10, 0, 0, 0, time.UTC) }
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	if w := WindowOf(time.Time{}, start, day(2)); !w.From.Equal(start) || !w.To.Equal(day(2)) {
		t.Errorf("first window %+v", w)
	}
	w := WindowOf(day(2), start, day(9))
	if !w.Contains(day(2)) || w.Contains(day(9)) || w.Contains(day(1)) {
		t.Errorf("window %+v", w)
	}
	previous := []Item{{ID: 1, Source: "notice", RecordID: 1}, {ID: 2, Source: "kpi_off_track", Title: "Calls"}}
	generated := []Item{
		{Source: "notice", RecordID: 1, Title: "old, on the previous agenda", Since: day(1)},
		{Source: "notice", RecordID: 2, Title: "in the window", Since: day(3)},
		{Source: "notice", RecordID: 3, Title: "old, on no agenda", Since: day(1)},
		{Source: "notice", RecordID: 4, Title: "after the start", Since: day(9).Add(time.Minute)},
		{Source: "kpi_off_track", Title: "Calls"},
		{Source: "kpi_at_risk", Title: "Meetings"},
		{Source: SourceAction, RecordID: 7, Title: "an old action item", Since: day(1).AddDate(0, -1, 0)},
	}
	var got []string
	for _, it := range SinceLast(generated, w, previous) {
		s := it.Title
		if it.StillOpen {
			s += " (still open)"
		}
		got = append(got, s)
	}
	want := []string{"old, on the previous agenda (still open)", "in the window", "old, on no agenda (still open)", "Calls (still open)", "Meetings",
		"an old action item"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("SinceLast = %q, want %q", got, want)
	}
}
