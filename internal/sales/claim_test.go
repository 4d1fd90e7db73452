package sales

import (
	"errors"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/engagement"
	"github.com/tandemhq/tandem/internal/fact"
	"github.com/tandemhq/tandem/internal/money"
	"github.com/tandemhq/tandem/internal/sla"
	"github.com/tandemhq/tandem/internal/tandem"
)

var stockholm, _ = time.LoadLocation("Europe/Stockholm")

// A Monday–Friday 08:00–17:00 calendar in Stockholm with 1 May 2026
// (a Friday) a holiday.
func testCalendar(t *testing.T) *sla.Calendar {
	t.Helper()
	cal, err := sla.Compile(contract.Calendar{TimeZone: "Europe/Stockholm", WorkDays: []int{1, 2, 3, 4, 5},
		DayStart: "08:00", DayEnd: "17:00", Holidays: []string{"2026-05-01"}})
	if err != nil {
		t.Fatal(err)
	}
	return cal
}

func date(t *testing.T, s string) tandem.Date {
	t.Helper()
	d, err := tandem.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func liveSales() *engagement.Engagement {
	return &engagement.Engagement{ID: 7, WorkspaceID: 1, PartnerID: 3, Kind: engagement.KindSales, Status: engagement.StatusActive}
}

func salesTerms() contract.Terms {
	return contract.Terms{Price: contract.Price{Currency: "SEK"}, Sales: contract.DefaultSales()}
}

// The window's end across weekends, a holiday and time zones, worked out
// on a calendar: 5 business days after the day of the claim, at 17:00
// Stockholm time.
func TestWindowAcrossWeekendsAndHolidays(t *testing.T) {
	t.Parallel()
	cal := testCalendar(t)
	s := contract.DefaultSales()
	for _, c := range []struct {
		at   time.Time
		want time.Time
		why  string
	}{
		// Monday 4 May 10:00 → Mon 11 May (5, 6, 7, 8, 11 May).
		{time.Date(2026, 5, 4, 10, 0, 0, 0, stockholm), time.Date(2026, 5, 11, 17, 0, 0, 0, stockholm), "over a weekend"},
		// Thursday 30 April: Fri 1 May is a holiday → 4, 5, 6, 7, 8 May: the 5th is Fri 8 May.
		{time.Date(2026, 4, 30, 9, 0, 0, 0, stockholm), time.Date(2026, 5, 8, 17, 0, 0, 0, stockholm), "over the holiday and the weekend"},
		// Saturday 2 May: the day of the claim is not a business day → 4…8 May.
		{time.Date(2026, 5, 2, 12, 0, 0, 0, stockholm), time.Date(2026, 5, 8, 17, 0, 0, 0, stockholm), "claimed on a Saturday"},
		// Friday 8 May 23:30 Stockholm is 21:30 UTC the same Friday: 11…15 May.
		{time.Date(2026, 5, 8, 21, 30, 0, 0, time.UTC), time.Date(2026, 5, 15, 17, 0, 0, 0, stockholm), "late on Friday in Stockholm"},
		// Sunday 10 May 23:30 UTC is Monday 01:30 in Stockholm: Monday's claim → 12…18 May.
		{time.Date(2026, 5, 10, 23, 30, 0, 0, time.UTC), time.Date(2026, 5, 18, 17, 0, 0, 0, stockholm), "Monday already in Stockholm"},
	} {
		if got := Window(s, cal, c.at); !got.Equal(c.want) {
			t.Errorf("%s: window ends %s, want %s", c.why, got.In(stockholm), c.want)
		}
	}
	// Business days left: from Thursday 7 May 09:00 to Monday 11 May 17:00: 7, 8, 11 May.
	if n := BusinessDaysLeft(cal, time.Date(2026, 5, 7, 9, 0, 0, 0, stockholm), time.Date(2026, 5, 11, 17, 0, 0, 0, stockholm)); n != 3 {
		t.Errorf("days left: %d, want 3", n)
	}
	if n := BusinessDaysLeft(cal, time.Date(2026, 5, 11, 17, 0, 0, 0, stockholm), time.Date(2026, 5, 11, 17, 0, 0, 0, stockholm)); n != 0 {
		t.Errorf("days left at the end: %d", n)
	}
	// A 2-day window in the terms: Monday → Wednesday.
	if got := Window(&contract.Sales{AcceptanceDays: 2}, cal, time.Date(2026, 5, 4, 10, 0, 0, 0, stockholm)); !got.Equal(time.Date(2026, 5, 6, 17, 0, 0, 0, stockholm)) {
		t.Errorf("2-day window: %s", got)
	}
}

func code(err error) tandem.Code { return tandem.ErrorCode(err) }

func errKey(err error) string {
	if e, ok := tandem.AsError(err); ok {
		return string(e.Key)
	}
	return ""
}

func TestPrepareClaim(t *testing.T) {
	t.Parallel()
	cal := testCalendar(t)
	now := time.Date(2026, 5, 4, 10, 0, 0, 0, stockholm)
	lead := NewClaim{Kind: ClaimLead, SubjectID: 11, Note: "CFO Anna Berg, budget confirmed, demo booked 12 May"}
	c, err := Prepare(lead, liveSales(), tandem.RoleVendorAgent, 3, salesTerms(), cal, now, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Status != ClaimOpen || c.Attempt != 1 || !c.WindowEnds.Equal(time.Date(2026, 5, 11, 17, 0, 0, 0, stockholm)) || c.EngagementID != 7 {
		t.Errorf("claim: %+v", c)
	}
	// The client's people, or another partner's, do not claim.
	for _, x := range []struct {
		role    tandem.Role
		partner int64
	}{{tandem.RoleManager, 0}, {tandem.RoleOwner, 0}, {tandem.RoleVendorManager, 4}} {
		if _, err := Prepare(lead, liveSales(), x.role, x.partner, salesTerms(), cal, now, nil); !errors.Is(err, tandem.ErrForbidden) {
			t.Errorf("%s of partner %d claimed: %v", x.role, x.partner, err)
		}
	}
	// Missing evidence, a bad kind, a deal without revenue.
	for _, n := range []NewClaim{
		{Kind: ClaimLead, SubjectID: 11, Note: "ok"},
		{Kind: "bonus", SubjectID: 11},
		{Kind: ClaimDeal, SubjectID: 5, OpenedOn: date(t, "2026-04-01")},
		{Kind: ClaimMeeting, SubjectID: 5},
		{Kind: ClaimMeeting, SubjectID: 5, HeldAt: now.Add(time.Hour)},
		{Kind: ClaimLead, Note: "a long enough note"},
	} {
		if _, err := Prepare(n, liveSales(), tandem.RoleVendorAgent, 3, salesTerms(), cal, now, nil); code(err) != tandem.EInvalid {
			t.Errorf("%+v: %v", n, err)
		}
	}
	// Not live, not a sales engagement.
	draft := liveSales()
	draft.Status = engagement.StatusDraft
	if _, err := Prepare(lead, draft, tandem.RoleVendorAgent, 3, salesTerms(), cal, now, nil); code(err) != tandem.EConflict {
		t.Errorf("draft: %v", err)
	}
	// No double pay: open or accepted before; re-claim once after a dispute, with new evidence.
	for _, st := range []ClaimStatus{ClaimOpen, ClaimAccepted, ClaimReversed} {
		if _, err := Prepare(lead, liveSales(), tandem.RoleVendorAgent, 3, salesTerms(), cal, now, []Prior{{Status: st, Attempt: 1}}); code(err) != tandem.EConflict {
			t.Errorf("after %s: %v", st, err)
		}
	}
	disputed := []Prior{{Status: ClaimDisputed, Attempt: 1, Note: lead.Note}}
	if _, err := Prepare(lead, liveSales(), tandem.RoleVendorAgent, 3, salesTerms(), cal, now, disputed); code(err) != tandem.EInvalid {
		t.Errorf("same evidence again: %v", err)
	}
	more := lead
	more.Note += "; signed meeting minutes attached"
	c, err = Prepare(more, liveSales(), tandem.RoleVendorAgent, 3, salesTerms(), cal, now, disputed)
	if err != nil || c.Attempt != 2 {
		t.Fatalf("re-claim: %+v %v", c, err)
	}
	twice := append(disputed, Prior{Status: ClaimDisputed, Attempt: 2, Note: more.Note})
	more.Note += " and a recording"
	if _, err := Prepare(more, liveSales(), tandem.RoleVendorAgent, 3, salesTerms(), cal, now, twice); code(err) != tandem.EConflict {
		t.Errorf("third claim: %v", err)
	}
	// A deal: revenue in the engagement's currency.
	c, err = Prepare(NewClaim{Kind: ClaimDeal, SubjectID: 9, Revenue: 1200000, OpenedOn: date(t, "2026-04-04")}, liveSales(),
		tandem.RoleVendorManager, 3, salesTerms(), cal, now, nil)
	if err != nil || c.Revenue.Amount != 1200000 || c.Revenue.Currency != "SEK" {
		t.Fatalf("deal: %+v %v", c, err)
	}
	f := c.AcceptedFact(stockholm)
	d, ok := f.Data.(fact.DealWonData)
	if !ok || d.CycleDays != 30 || f.Value != 30 || f.AmountMinor != 1200000 || d.WonOn != "2026-05-04" {
		t.Errorf("deal fact: %+v", f)
	}
}

func TestDecideExpireReverse(t *testing.T) {
	t.Parallel()
	cal := testCalendar(t)
	now := time.Date(2026, 5, 4, 10, 0, 0, 0, stockholm)
	claim := func() *Claim {
		c, err := Prepare(NewClaim{Kind: ClaimDeal, SubjectID: 9, Revenue: 800000, OpenedOn: date(t, "2026-04-20")}, liveSales(),
			tandem.RoleVendorAgent, 3, salesTerms(), cal, now, nil)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	c := claim()
	if err := c.Decide(tandem.RoleVendorAgent, 5, Accept, "", now); !errors.Is(err, tandem.ErrForbidden) {
		t.Errorf("a partner accepted: %v", err)
	}
	if err := c.Decide(tandem.RoleViewer, 5, Accept, "", now); !errors.Is(err, tandem.ErrForbidden) {
		t.Errorf("a viewer accepted: %v", err)
	}
	if err := c.Decide(tandem.RoleManager, 5, Dispute, "  ", now); code(err) != tandem.EInvalid {
		t.Errorf("dispute without reason: %v", err)
	}
	if err := c.Decide(tandem.RoleManager, 5, Dispute, "No signed contract", now.Add(time.Hour)); err != nil || c.Status != ClaimDisputed {
		t.Fatalf("dispute: %v %s", err, c.Status)
	}
	if err := c.Decide(tandem.RoleManager, 5, Accept, "", now); code(err) != tandem.EConflict {
		t.Errorf("decided twice: %v", err)
	}
	// The window ends Monday 11 May 17:00: no dispute after it, accept still; the sweep expires it.
	c = claim()
	after := time.Date(2026, 5, 11, 17, 0, 0, 0, stockholm)
	if c.Expire(after.Add(-time.Second)) {
		t.Error("expired before the window ended")
	}
	if err := c.Decide(tandem.RoleManager, 5, Dispute, "late", after); code(err) != tandem.EConflict {
		t.Errorf("dispute after the window: %v", err)
	}
	if !c.Expire(after) || c.Status != ClaimAccepted || !c.Expired || c.Expire(after) {
		t.Errorf("expire: %+v", c)
	}
	if f := c.AcceptedFact(stockholm); !f.Flag {
		t.Error("an expired acceptance is flagged")
	}
	// Reversal within 90 calendar days of the acceptance (11 May): until the end of 9 August.
	s := contract.DefaultSales()
	if err := c.Reverse(tandem.RoleVendorManager, s, stockholm, "cancelled", after); !errors.Is(err, tandem.ErrForbidden) {
		t.Errorf("a partner reversed: %v", err)
	}
	late := c.DecidedAt.AddDate(0, 0, 91)
	if err := c.Reverse(tandem.RoleOwner, s, stockholm, "cancelled", late); code(err) != tandem.EConflict || errKey(err) != "claims.clawback_over" {
		t.Errorf("after the clawback: %v", err)
	}
	if err := c.Reverse(tandem.RoleOwner, &contract.Sales{ClawbackDays: 0, AcceptanceDays: 5}, stockholm, "cancelled", after); code(err) != tandem.EConflict {
		t.Errorf("no clawback in the terms: %v", err)
	}
	if err := c.Reverse(tandem.RoleOwner, s, stockholm, "The customer cancelled the order", time.Date(2026, 8, 9, 23, 59, 0, 0, stockholm)); err != nil || c.Status != ClaimReversed {
		t.Fatalf("reverse: %v", err)
	}
	if f := c.ReversedFact(); f.AmountMinor != -800000 || f.Data.FactKind() != fact.DealReversed {
		t.Errorf("reversal fact: %+v", f)
	}
	if err := c.Reverse(tandem.RoleOwner, s, stockholm, "again", after); code(err) != tandem.EConflict {
		t.Errorf("reversed twice: %v", err)
	}
	// Only won deals reverse.
	lead, _ := Prepare(NewClaim{Kind: ClaimLead, SubjectID: 1, Note: "qualified per the terms"}, liveSales(), tandem.RoleVendorAgent, 3, salesTerms(), cal, now, nil)
	lead.Decide(tandem.RoleOwner, 1, Accept, "", now)
	if err := lead.Reverse(tandem.RoleOwner, s, stockholm, "no", now); code(err) != tandem.EConflict {
		t.Errorf("a lead reversed: %v", err)
	}
	// Who is told.
	if m := lead.Decided(); m.Kind != "sales.claim_accepted.qualified_lead" || len(m.To.Users) != 1 || m.To.Client {
		t.Errorf("decided: %+v", m)
	}
	if m := lead.Made(); !m.To.Client || m.To.Partner {
		t.Errorf("made: %+v", m)
	}
}

func TestCustomerAndLostFacts(t *testing.T) {
	t.Parallel()
	if f, ok := CustomerFact(1, StatusProspect, StatusCustomer, 4); !ok || f.Data.FactKind() != fact.CustomerGained || f.Value != 4 {
		t.Errorf("gained: %+v", f)
	}
	if f, ok := CustomerFact(1, StatusCustomer, StatusFormer, 5); !ok || f.Data.FactKind() != fact.CustomerLost || f.Value != 5 {
		t.Errorf("lost: %+v", f)
	}
	for _, c := range [][2]Status{{StatusProspect, StatusProspect}, {StatusCustomer, StatusProspect}, {StatusProspect, StatusFormer}} {
		if _, ok := CustomerFact(1, c[0], c[1], 3); ok {
			t.Errorf("%s → %s recorded", c[0], c[1])
		}
	}
	f := LostFact(4, "price", date(t, "2026-03-01"))
	if d, ok := f.Data.(fact.DealLostData); !ok || d.DealID != 4 || d.OpenedOn != "2026-03-01" {
		t.Errorf("lost: %+v", f)
	}
	if CycleDays(date(t, "2026-03-01"), date(t, "2026-03-31")) != 30 || CycleDays(date(t, "2026-03-31"), date(t, "2026-03-01")) != 0 {
		t.Error("cycle days")
	}
}

// A deal's claim takes its revenue and opening day from the deal: created
// 3 April 2026 at 23:30 UTC is 4 April in Stockholm (UTC+2 in summer).
func TestClaimSubjects(t *testing.T) {
	t.Parallel()
	s := contract.DefaultSales()
	d := &Deal{ID: 7, Stage: "won", Amount: money.Money{Amount: 1200000, Currency: "SEK"},
		CreatedAt: time.Date(2026, 4, 3, 23, 30, 0, 0, time.UTC)}
	n := NewClaim{Kind: ClaimDeal, SubjectID: 7}
	if err := n.FromDeal(d, s, stockholm); err != nil || n.Revenue != 1200000 || n.OpenedOn.String() != "2026-04-04" {
		t.Errorf("from a won deal: %+v %v", n, err)
	}
	n = NewClaim{Kind: ClaimDeal, SubjectID: 7, Revenue: 900000}
	if err := n.FromDeal(d, s, time.UTC); err != nil || n.Revenue != 900000 || n.OpenedOn.String() != "2026-04-03" {
		t.Errorf("a revenue given stays: %+v %v", n, err)
	}
	for _, stage := range []string{"new", "lost", "gone_from_terms"} {
		d.Stage = stage
		if err := n.FromDeal(d, s, stockholm); tandem.ErrorCode(err) != tandem.EInvalid {
			t.Errorf("a deal in %s claimed: %v", stage, err)
		}
	}
	d.Stage = "support" // a won stage too
	if err := n.FromDeal(d, s, stockholm); err != nil {
		t.Errorf("a deal in support: %v", err)
	}
	at := time.Date(2026, 5, 4, 7, 0, 0, 0, time.UTC)
	m := NewClaim{Kind: ClaimMeeting, SubjectID: 9}
	if err := m.FromMeeting(&Activity{Kind: KindMeeting, Status: MeetingHeld, ScheduledAt: at, At: at.Add(time.Hour)}); err != nil || !m.HeldAt.Equal(at) {
		t.Errorf("a held meeting: %+v %v", m, err)
	}
	for _, a := range []Activity{{Kind: KindMeeting, Status: MeetingPlanned}, {Kind: KindMeeting, Status: MeetingNoShow},
		{Kind: KindPresentation, Status: MeetingHeld}, {Kind: KindCall}} {
		if err := m.FromMeeting(&a); tandem.ErrorCode(err) != tandem.EInvalid {
			t.Errorf("%s %s claimed: %v", a.Kind, a.Status, err)
		}
	}
}

func TestDealMoveRules(t *testing.T) {
	t.Parallel()
	s := contract.DefaultSales()
	st := func(k string) contract.Stage { x, _ := s.Stage(k); return x }
	if err := CheckLeaveWon(st("won"), st("lost"), true); tandem.ErrorCode(err) != tandem.EConflict {
		t.Errorf("accepted won → lost: %v", err)
	}
	if err := CheckLeaveWon(st("won"), st("new"), true); tandem.ErrorCode(err) != tandem.EConflict {
		t.Errorf("accepted won → new: %v", err)
	}
	for _, c := range []struct {
		from, to string
		accepted bool
	}{{"won", "support", true}, {"won", "lost", false}, {"new", "lost", true}} {
		if err := CheckLeaveWon(st(c.from), st(c.to), c.accepted); err != nil {
			t.Errorf("%s → %s (accepted %v): %v", c.from, c.to, c.accepted, err)
		}
	}
	d := &Deal{ID: 4, LostReason: "price", CreatedAt: time.Date(2026, 3, 31, 22, 30, 0, 0, time.UTC)}
	f, ok := LostOnMove(d, st("proposal_sent"), st("lost"), false, stockholm)
	if data, _ := f.Data.(fact.DealLostData); !ok || data.DealID != 4 || data.Reason != "price" || data.OpenedOn != "2026-04-01" {
		t.Errorf("lost fact: %+v %v", f, ok)
	}
	for _, c := range [][2]string{{"lost", "lost"}, {"new", "won"}, {"won", "new"}} {
		if _, ok := LostOnMove(d, st(c[0]), st(c[1]), false, stockholm); ok {
			t.Errorf("%s → %s recorded a loss", c[0], c[1])
		}
	}
	if _, ok := LostOnMove(d, st("new"), st("lost"), true, stockholm); ok {
		t.Errorf("a deal lost again recorded a second loss")
	}
	if _, ok := LostOnMove(d, contract.Stage{}, st("lost"), false, stockholm); !ok {
		t.Errorf("a deal created lost recorded no loss")
	}
}
