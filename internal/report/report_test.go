package report

import (
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/engagement"
	"github.com/tandemhq/tandem/internal/tandem"
)

func TestWeeks(t *testing.T) {
	t.Parallel()
	loc, _ := time.LoadLocation("Europe/Stockholm")
	// Sunday 8 March 2026 23:30 in Stockholm is still the week of Monday 2 March.
	if w := WeekOf(time.Date(2026, 3, 8, 22, 30, 0, 0, time.UTC), loc); w.String() != "2026-03-02" {
		t.Errorf("WeekOf Sunday night = %s", w)
	}
	if w := WeekOf(time.Date(2026, 3, 8, 23, 30, 0, 0, time.UTC), loc); w.String() != "2026-03-09" {
		t.Errorf("WeekOf Monday 00:30 local = %s", w)
	}
	for in, want := range map[string]string{"2026-03-02": "2026-03-02", "2026-W10": "2026-03-02", "2026-w01": "2025-12-29", "2020-W53": "2020-12-28"} {
		w, err := ParseWeek(in)
		if err != nil || w.String() != want {
			t.Errorf("ParseWeek(%q) = %s, %v; want %s", in, w, err, want)
		}
	}
	for _, in := range []string{"", "2026-03-03", "2026-W54", "2026-W00", "2025-W53", "monday"} {
		if _, err := ParseWeek(in); tandem.ErrorCode(err) != tandem.EInvalid {
			t.Errorf("ParseWeek(%q) accepted", in)
		}
	}
	if l := WeekLabel(tandem.DateOf(time.Date(2025, 12, 29, 0, 0, 0, 0, time.UTC))); l != "2026-W01" {
		t.Errorf("WeekLabel = %s", l)
	}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	r := Report{Done: "x", Asks: string(make([]byte, 8001))}
	if fe := tandem.FieldErrors(r.Validate()); len(fe) != 1 || fe[0].Field != "asks" {
		t.Errorf("report: %v", fe)
	}
}

func TestWeek(t *testing.T) {
	t.Parallel()
	loc, _ := time.LoadLocation("Europe/Stockholm")
	monday, _ := tandem.ParseDate("2026-03-23")
	now := time.Date(2026, 3, 24, 9, 0, 0, 0, loc)
	// The week of 23 March runs from Monday 00:00 CET (23:00 UTC the day
	// before) to the next Monday 00:00 CEST (22:00 UTC): summer time starts
	// on the 29th.
	start, end, err := Week(monday, loc, now)
	if err != nil || start.Format(time.RFC3339) != "2026-03-22T23:00:00Z" || end.Format(time.RFC3339) != "2026-03-29T22:00:00Z" {
		t.Errorf("Week = %s, %s, %v", start, end, err)
	}
	if !AsOf(end, now).Equal(now) || !AsOf(start, now).Equal(start) {
		t.Error("AsOf")
	}
	tuesday, _ := tandem.ParseDate("2026-03-24")
	if _, _, err := Week(tuesday, loc, now); len(tandem.FieldErrors(err)) != 1 || tandem.FieldErrors(err)[0].Key != "report.bad_week" {
		t.Errorf("a Tuesday: %v", err)
	}
	if _, _, err := Week(Next(monday), loc, now); len(tandem.FieldErrors(err)) != 1 || tandem.FieldErrors(err)[0].Key != "report.future_week" {
		t.Errorf("next week: %v", err)
	}
	if Previous(monday).String() != "2026-03-16" || Next(monday).String() != "2026-03-30" {
		t.Error("Previous, Next")
	}
	r := &Report{Week: monday, Done: " x "}
	if _, _, err := r.Check(loc, now); err != nil || r.Done != "x" {
		t.Errorf("Check: %v", err)
	}
	r = &Report{Week: tuesday}
	if fe := tandem.FieldErrors(func() error { _, _, err := r.Check(loc, now); return err }()); len(fe) != 2 || fe[0].Field != "done" || fe[1].Field != "week" {
		t.Errorf("Check bad: %v", fe)
	}
}

func TestLines(t *testing.T) {
	t.Parallel()
	loc, _ := time.LoadLocation("Europe/Stockholm")
	// 23:30 UTC on the 2nd is already the 3rd in Stockholm.
	got := Lines([]Item{{"Call list", time.Date(2026, 3, 2, 23, 30, 0, 0, time.UTC)}, {"Report", time.Date(2026, 3, 4, 9, 0, 0, 0, time.UTC)}}, loc)
	if want := "- Call list (2026-03-03)\n- Report (2026-03-04)"; got != want {
		t.Errorf("Lines = %q, want %q", got, want)
	}
	if Lines(nil, loc) != "" {
		t.Error("no lines")
	}
}

func TestComment(t *testing.T) {
	t.Parallel()
	r := &Report{ID: 1, AuthorID: 4, Week: tandem.DateOf(time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC))}
	c := "  good week "
	if err := r.CheckComment(&c); err != nil || c != "good week" {
		t.Errorf("CheckComment: %v %q", err, c)
	}
	blank := " "
	if fe := tandem.FieldErrors(r.CheckComment(&blank)); len(fe) != 1 || fe[0].Key != "validation.required" {
		t.Errorf("blank comment: %v", fe)
	}
	if !MayComment(tandem.RoleOwner, r) || MayComment(tandem.RoleOwner, &Report{}) || MayComment(tandem.RoleVendorManager, r) ||
		!MayEdit(tandem.RoleVendorAgent, r) {
		t.Error("MayComment, MayEdit")
	}
	if m := r.CommentedMessage(); !m.To.Partner || m.To.Users[0] != 4 || m.Args["week"] != "2026-W10" {
		t.Errorf("commented: %+v", m)
	}
	r.CommentedAt = time.Now()
	if err := r.CheckComment(&c); tandem.ErrorCode(err) != tandem.EConflict || MayEdit(tandem.RoleVendorAgent, r) || MayComment(tandem.RoleOwner, r) {
		t.Errorf("commented twice: %v", err)
	}
	draft, ended := &engagement.Engagement{Status: engagement.StatusDraft}, &engagement.Engagement{Status: engagement.StatusEnded}
	if MayWrite(tandem.RoleVendorAgent, draft) || !MayWrite(tandem.RoleVendorAgent, ended) || MayWrite(tandem.RoleManager, ended) {
		t.Error("MayWrite")
	}
}

func TestPrefillFor(t *testing.T) {
	t.Parallel()
	loc, _ := time.LoadLocation("Europe/Stockholm")
	monday, _ := tandem.ParseDate("2026-03-02")
	// The week 2–9 March 2026 in Stockholm (UTC+1): 1 March 23:00 UTC to 8 March 23:00 UTC.
	start, end, err := Week(monday, loc, time.Date(2026, 3, 4, 12, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2026, 3, 1, 23, 0, 0, 0, time.UTC); !start.Equal(want) {
		t.Fatalf("start %s, want %s", start, want)
	}
	// While the week runs, blockers are what is overdue now.
	now := time.Date(2026, 3, 4, 12, 0, 0, 0, time.UTC)
	p := PrefillFor(monday, end, now)
	if p.DoneFrom.String() != "2026-03-02" || p.DoneTo.String() != "2026-03-09" {
		t.Errorf("done %s–%s", p.DoneFrom, p.DoneTo)
	}
	if want := time.Date(2026, 3, 8, 23, 0, 0, 0, time.UTC); !p.NextFrom.Equal(want) || !p.RisksBefore.Equal(want) {
		t.Errorf("next from %s, risks before %s, want %s", p.NextFrom, p.RisksBefore, want)
	}
	if want := time.Date(2026, 3, 15, 23, 0, 0, 0, time.UTC); !p.NextTo.Equal(want) {
		t.Errorf("next to %s, want %s", p.NextTo, want)
	}
	if !p.OverdueBefore.Equal(now) {
		t.Errorf("overdue before %s, want now %s", p.OverdueBefore, now)
	}
	// After the week, blockers are what was overdue at its end.
	if p := PrefillFor(monday, end, time.Date(2026, 3, 20, 0, 0, 0, 0, time.UTC)); !p.OverdueBefore.Equal(end) {
		t.Errorf("overdue before %s after the week, want its end %s", p.OverdueBefore, end)
	}
}
