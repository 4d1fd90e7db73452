package sales

import (
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/fact"
	"github.com/tandemhq/tandem/internal/tandem"
)

var actNow = time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)

func fieldsOf(err error) map[string]bool {
	out := map[string]bool{}
	for _, f := range tandem.FieldErrors(err) {
		out[f.Field] = true
	}
	return out
}

func TestActivityValidation(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name string
		a    Activity
		bad  []string
	}{
		{"a call", Activity{Kind: KindCall, AccountID: 1, Outcome: OutcomeBusy, DurationS: 30}, nil},
		{"a call without outcome", Activity{Kind: KindCall, AccountID: 1}, []string{"outcome"}},
		{"an unknown outcome and direction", Activity{Kind: KindCall, AccountID: 1, Outcome: "yelled", Direction: "up"}, []string{"outcome", "direction"}},
		{"a call too long", Activity{Kind: KindCall, AccountID: 1, Outcome: OutcomeBusy, DurationS: MaxCallSeconds + 1}, []string{"duration_s"}},
		{"a recording link that is no URL", Activity{Kind: KindCall, AccountID: 1, Outcome: OutcomeBusy, RecordingURL: "javascript:alert(1)"}, []string{"recording_url"}},
		{"a meeting without a time", Activity{Kind: KindMeeting, AccountID: 1}, []string{"scheduled_at"}},
		{"a meeting with an outcome", Activity{Kind: KindMeeting, AccountID: 1, ScheduledAt: actNow, Outcome: OutcomeBusy}, []string{"outcome"}},
		{"a proposal without amount", Activity{Kind: KindProposal, AccountID: 1}, []string{"amount"}},
		{"a proposal in another currency", Activity{Kind: KindProposal, AccountID: 1, AmountMinor: 100, Currency: "EUR"}, []string{"currency"}},
		{"a follow-up", Activity{Kind: KindFollowUp, AccountID: 1, ScheduledAt: actNow.Add(48 * time.Hour)}, nil},
		{"a follow-up with a status", Activity{Kind: KindFollowUp, AccountID: 1, ScheduledAt: actNow, Status: MeetingHeld}, []string{"status"}},
		{"no account", Activity{Kind: KindPresentation, ScheduledAt: actNow}, []string{"account_id"}},
		{"an unknown kind", Activity{Kind: "lunch", AccountID: 1}, []string{"kind"}},
	} {
		a := c.a
		a.Normalize(actNow)
		err := a.Validate("SEK")
		got := fieldsOf(err)
		if len(got) != len(c.bad) {
			t.Errorf("%s: errors %v, want %v", c.name, got, c.bad)
		}
		for _, f := range c.bad {
			if !got[f] {
				t.Errorf("%s: no error on %s (%v)", c.name, f, err)
			}
		}
	}
	a := Activity{Kind: KindProposal, AccountID: 1, AmountMinor: 4_500_000}
	a.Normalize(actNow)
	if err := a.Validate("SEK"); err != nil || a.Currency != "SEK" || a.Status != ProposalSent || !a.At.Equal(actNow) {
		t.Errorf("proposal defaults: %+v %v", a, err)
	}
}

func TestPrepareLogAndFacts(t *testing.T) {
	t.Parallel()
	agent := tandem.Principal{WorkspaceID: 7, MembershipID: 40, Role: tandem.RoleVendorAgent}
	acct := Account{ID: 3, Name: "Hotell Bris", EngagementID: 11}
	// Unassigned: the client's alone.
	a := Activity{Kind: KindCall, AccountID: 3, Outcome: OutcomeBusy}
	if err := PrepareLog(agent, Account{ID: 3}, false, &a, "SEK", actNow); err != ErrUnassigned {
		t.Errorf("unassigned account: %v", err)
	}
	// Logged ahead of time: refused past the clock skew.
	a = Activity{Kind: KindCall, AccountID: 3, Outcome: OutcomeBusy, At: actNow.Add(MaxClockSkew + time.Second)}
	if err := PrepareLog(agent, acct, false, &a, "SEK", actNow); !fieldsOf(err)["at"] {
		t.Errorf("a call in the future: %v", err)
	}
	a = Activity{Kind: KindCall, AccountID: 3, Outcome: OutcomeBusy, At: actNow.Add(MaxClockSkew)}
	if err := PrepareLog(agent, acct, false, &a, "SEK", actNow); err != nil {
		t.Errorf("a call within the skew: %v", err)
	}
	// A contact not of the account.
	a = Activity{Kind: KindCall, AccountID: 3, ContactID: 99, Outcome: OutcomeBusy}
	if err := PrepareLog(agent, acct, false, &a, "SEK", actNow); !fieldsOf(err)["contact_id"] {
		t.Errorf("foreign contact: %v", err)
	}
	// Three calls of 60, 120 and 300 s, one reaching a decision maker.
	var n, sum, dm int64
	for _, c := range []struct {
		d int64
		o Outcome
	}{{60, OutcomeGatekeeper}, {120, OutcomeDecisionMaker}, {300, OutcomeCallBack}} {
		a := Activity{Kind: KindCall, AccountID: 3, ContactID: 5, Outcome: c.o, DurationS: c.d}
		if err := PrepareLog(agent, acct, true, &a, "SEK", actNow); err != nil {
			t.Fatal(err)
		}
		if a.EngagementID != 11 || a.AgentID != 40 || a.WorkspaceID != 7 || a.Direction != DirectionOut {
			t.Errorf("prepared: %+v", a)
		}
		fs := a.LogFacts()
		if len(fs) != 1 {
			t.Fatalf("call facts: %+v", fs)
		}
		if fs[0].Data.FactKind() != fact.CallMade || fs[0].Data.(fact.Call).ContactID != 5 {
			t.Errorf("call fact: %+v", fs[0])
		}
		n++
		sum += fs[0].Value
		if fs[0].Flag {
			dm++
		}
	}
	if n != 3 || sum != 480 || dm != 1 {
		t.Errorf("calls %d, seconds %d, DM %d; want 3, 480, 1", n, sum, dm)
	}
	// A proposal sent records its amount; a meeting records nothing.
	p := Activity{Kind: KindProposal, AccountID: 3, AmountMinor: 9_000_000}
	if err := PrepareLog(agent, acct, false, &p, "SEK", actNow); err != nil {
		t.Fatal(err)
	}
	if fs := p.LogFacts(); len(fs) != 1 || fs[0].AmountMinor != 9_000_000 || fs[0].Currency != "SEK" || fs[0].Data.FactKind() != fact.CommercialProposalSent {
		t.Errorf("proposal facts: %+v", fs)
	}
	m := Activity{Kind: KindMeeting, AccountID: 3, ScheduledAt: actNow.Add(time.Hour)}
	if err := PrepareLog(agent, acct, false, &m, "SEK", actNow); err != nil {
		t.Fatal(err)
	}
	if fs := m.LogFacts(); len(fs) != 0 {
		t.Errorf("a meeting records %+v", fs)
	}
	if err := m.SetStatus(MeetingHeld); err != nil || m.Status != MeetingHeld {
		t.Errorf("held: %v", err)
	}
	if err := m.SetStatus(MeetingNoShow); err != ErrStatusDecided {
		t.Errorf("decided twice: %v", err)
	}
	if err := p.SetStatus(MeetingHeld); !fieldsOf(err)["status"] {
		t.Errorf("a proposal held: %v", err)
	}
}

// Four follow-ups, three done on time: 75 %.
func TestFollowUpsOnTime(t *testing.T) {
	t.Parallel()
	due := actNow.Add(48 * time.Hour)
	onTime := 0
	for i, done := range []time.Time{due.Add(-time.Hour), due, actNow, due.Add(90 * time.Minute)} {
		f := Activity{Kind: KindFollowUp, AccountID: 3, ScheduledAt: due}
		f.Normalize(actNow)
		if f.Overdue(due.Add(-time.Second)) || (i == 3 && !f.Overdue(done)) {
			t.Errorf("%d: overdue wrong", i)
		}
		x, err := f.Done(done)
		if err != nil {
			t.Fatal(err)
		}
		if x.Flag {
			onTime++
		}
		if i == 3 && (x.Flag || x.Value != 5400) {
			t.Errorf("late follow-up: %+v, want 5400 s late", x)
		}
		if _, err := f.Done(done); err != ErrAlreadyDone {
			t.Errorf("done twice: %v", err)
		}
		if f.Overdue(done.Add(time.Hour)) {
			t.Error("a done follow-up is overdue")
		}
	}
	if onTime != 3 {
		t.Errorf("on time %d of 4, want 3", onTime)
	}
}

func TestRatingValidation(t *testing.T) {
	t.Parallel()
	call := Activity{Kind: KindCall, RecordingURL: "https://pbx.example/r/1"}
	for _, c := range []struct {
		r   Rating
		a   Activity
		bad bool
	}{
		{Rating{Quality: 4}, call, false},
		{Rating{Quality: 0}, call, true},
		{Rating{Quality: 6}, call, true},
		{Rating{Quality: 3}, Activity{Kind: KindCall}, true},
		{Rating{Quality: 3}, Activity{Kind: KindMeeting}, true},
	} {
		if err := c.r.Validate(c.a); (err != nil) != c.bad {
			t.Errorf("%+v on %+v: %v", c.r, c.a, err)
		}
	}
}

func TestPhoneKey(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"+46 70 123 45 67": "701234567",
		"0046701234567":    "701234567",
		"070-123 45 67":    "701234567",
		"+46701234567":     "701234567",
		"12345678":         "",
		"":                 "",
	} {
		if got := PhoneKey(in); got != want {
			t.Errorf("PhoneKey(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCheckRecording(t *testing.T) {
	t.Parallel()
	for ct, ok := range map[string]bool{"audio/mpeg": true, "audio/wave": true, "application/ogg": true, "application/pdf": false, "image/png": false} {
		if err := CheckRecording(ct); (err == nil) != ok {
			t.Errorf("%s: %v", ct, err)
		}
	}
}
