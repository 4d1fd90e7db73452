package sales

// Claims of paid results (issue 11, "Results the contract pays for").
//
// The partner — an agent or a partner manager — claims one result on a
// live sales engagement: a qualified lead (the subject is an account
// assigned to the engagement, and the note says how it meets the terms'
// qualification criteria), a meeting held (the subject is a meeting
// activity, with the time it was held) or a deal won (the subject is a
// deal, with its revenue in the engagement's currency and the day the deal
// was opened). The client's owners and managers accept it, or dispute it
// with a reason, within the acceptance window; only an accepted result is
// a fact that the KPIs (and next the invoice) read.
//
// Choices the issue leaves open, decided here:
//
//   - The window ends at the close of business of the Acceptance()-th
//     business day after the day of the claim on the contract's calendar
//     (sla.Calendar.AddBusinessDays): the day of the claim itself does not
//     count, whatever the hour; weekends, the calendar's holidays and days
//     it does not work are skipped; "close of business" and "day" are read
//     in the calendar's time zone (the terms', else the workspace's), so
//     a claim made on Friday 23:30 in Stockholm is a Friday claim even
//     though it is Friday 21:30 UTC. A 5-day window from a claim on
//     Thursday 30 April 2026 (Friday 1 May a holiday) counts 4–8 May and
//     ends Friday 8 May at the close of business. The page shows the
//     business days left.
//   - A claim still open when its window ends is accepted by the system
//     (Expire; the scheduler's sweep runs it, exactly once: the store's
//     UPDATE only changes a claim that is still open). The client may still
//     accept a claim whose window ended before the sweep reached it — the
//     outcome is the same —, but no longer dispute it.
//   - One open, accepted or reversed claim per subject: a result is never
//     paid twice. A disputed claim may be claimed again once (attempt 2),
//     with a note that differs from the disputed one (the new evidence);
//     the second claim disputed stays disputed for good.
//   - A won deal accepted may be reversed by the client (the customer
//     cancelled) until the end of the ClawbackDays-th calendar day after its
//     acceptance, in the workspace's zone; it becomes a negative result (a
//     fact with minus its revenue). Later, or with a clawback of 0, a
//     reversal is refused (EConflict, sales.claim.clawback_over).
//   - The sales cycle of a won deal is the calendar days from the day it
//     was opened to the day of the claim (the day it was reported won).
//   - The subject is checked in the claim's transaction (FromDeal,
//     FromMeeting): a deal_won claim names a deal of the same engagement in
//     a won stage of the terms in force — its revenue defaults to the deal's
//     amount and the day it was opened is the deal's creation day in the
//     workspace's zone, so the partner no longer types them —; a
//     meeting_held claim names a meeting activity of the engagement whose
//     status is held, held at its (scheduled) time. A subject in the wrong
//     state is a field error on subject_id; a subject the claimant may not
//     see (another partner's, another agent's, unassigned, another
//     engagement's) is not found, like a missing one. The table keeps no
//     foreign key to deals and activities (migration 0018): the store's
//     loads are the check, and a claim outlives its subject's later changes.
//   - A deal whose deal_won claim stands accepted may not leave its won
//     stages (CheckLeaveWon): the client reverses the claim first, which
//     keeps the negative result and the win rate honest. An open claim
//     does not hold the deal: the client can dispute it.
//   - A move into a lost stage from a stage that is not lost records
//     LostFact in the move's transaction (LostOnMove), and so does a deal
//     created in a lost stage; lost → lost, or a deal reopened and lost
//     again, does not count twice: a deal is lost once for the win rate.

import (
	"slices"
	"strings"
	"time"

	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/engagement"
	"github.com/tandemhq/tandem/internal/fact"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/money"
	"github.com/tandemhq/tandem/internal/notification"
	"github.com/tandemhq/tandem/internal/sla"
	"github.com/tandemhq/tandem/internal/tandem"
)

// ClaimKind is the result a claim is for.
type ClaimKind string

// The results the contract pays for.
const (
	ClaimLead    ClaimKind = "qualified_lead"
	ClaimMeeting ClaimKind = "meeting_held"
	ClaimDeal    ClaimKind = "deal_won"
)

// ClaimKinds lists the kinds in display order.
var ClaimKinds = []ClaimKind{ClaimLead, ClaimMeeting, ClaimDeal}

// ClaimStatus is where a claim stands.
type ClaimStatus string

// Claim statuses.
const (
	ClaimOpen     ClaimStatus = "open"     // awaiting the client's decision
	ClaimAccepted ClaimStatus = "accepted" // by the client, or by the window running out
	ClaimDisputed ClaimStatus = "disputed" // with a reason
	ClaimReversed ClaimStatus = "reversed" // a won deal the customer cancelled, within the clawback
)

// ClaimStatuses lists the statuses in display order.
var ClaimStatuses = []ClaimStatus{ClaimOpen, ClaimAccepted, ClaimDisputed, ClaimReversed}

// MaxAttempts is how many times one subject may be claimed: the first
// claim and, after a dispute, one more.
const MaxAttempts = 2

// Claim is a result claimed by the partner.
type Claim struct {
	ID           int64
	WorkspaceID  int64
	EngagementID int64
	Kind         ClaimKind
	// SubjectID is an account (qualified_lead), a meeting activity
	// (meeting_held) or a deal (deal_won). The activities and deals tables
	// live in other packages' branches: no foreign key is kept for them.
	SubjectID   int64
	SubjectName string // the account's name for a lead, the deal's title for a deal, the account's name for a meeting
	AccountID   int64  // the account of the subject (the lead itself, the deal's, the meeting's); 0 when unknown
	AccountName string
	Note        string // the evidence: how the lead meets the qualification criteria …
	HeldAt      time.Time
	Revenue     money.Money
	OpenedOn    tandem.Date
	Attempt     int
	Status      ClaimStatus
	// Who claimed: the membership and user of the partner's person.
	ClaimantID     int64
	ClaimantUserID int64
	ClaimantName   string
	PartnerID      int64
	ClaimedAt      time.Time
	WindowEnds     time.Time
	DecidedAt      time.Time
	DeciderUserID  int64 // 0 when the system accepted it
	DeciderName    string
	Expired        bool // accepted by the system when the window ended
	DisputeReason  string
	ReversedAt     time.Time
	ReverseReason  string
}

// NewClaim is what the partner's person gives.
type NewClaim struct {
	Kind      ClaimKind
	SubjectID int64
	Note      string
	HeldAt    time.Time   // meeting_held
	Revenue   int64       // deal_won: minor units of the engagement's currency
	OpenedOn  tandem.Date // deal_won
}

// ValidateSubject checks the kind and that a subject is named, before the
// subject is loaded.
func (n *NewClaim) ValidateSubject() error {
	var v tandem.Validator
	if v.Check(slices.Contains(ClaimKinds, n.Kind), "kind", i18n.K("validation.one_of")) {
		v.Check(n.SubjectID > 0, "subject_id", i18n.K("validation.required"))
	}
	return v.Err()
}

// FromDeal fills a deal_won claim from its subject d, a deal of the
// claim's engagement the claimant may see, on the sales terms in force s:
// the deal must be in a won stage (else a field error on subject_id); the
// revenue defaults to the deal's amount and the opening day is the deal's
// creation day in loc, the workspace's zone.
func (n *NewClaim) FromDeal(d *Deal, s *contract.Sales, loc *time.Location) error {
	if st, ok := s.Stage(d.Stage); !ok || st.Meaning != contract.StageWon {
		return fieldErr("subject_id", "claims.deal_not_won")
	}
	if n.Revenue == 0 {
		n.Revenue = d.Amount.Amount
	}
	n.OpenedOn = tandem.DateOf(d.CreatedAt.In(loc))
	return nil
}

// FromMeeting fills a meeting_held claim from its subject a, an activity of
// the claim's engagement the claimant may see: a meeting whose status is
// held (else a field error on subject_id), held at its scheduled time.
func (n *NewClaim) FromMeeting(a *Activity) error {
	if a.Kind != KindMeeting || a.Status != MeetingHeld {
		return fieldErr("subject_id", "claims.meeting_not_held")
	}
	n.HeldAt = a.ScheduledAt
	if n.HeldAt.IsZero() {
		n.HeldAt = a.At
	}
	return nil
}

// WonStages are the keys of the won stages of s.
func WonStages(s *contract.Sales) []string {
	var out []string
	for _, st := range s.Stages {
		if st.Meaning == contract.StageWon {
			out = append(out, st.Key)
		}
	}
	return out
}

// CheckLeaveWon decides whether a deal may move from stage from to stage
// to when its deal_won claim stands accepted (accepted): it may not leave
// its won stages until the client reverses the claim (EConflict
// deals.claim_accepted).
func CheckLeaveWon(from, to contract.Stage, accepted bool) error {
	if accepted && from.Meaning == contract.StageWon && to.Meaning != contract.StageWon {
		return tandem.Errorf(tandem.EConflict, i18n.K("deals.claim_accepted"))
	}
	return nil
}

// LostOnMove is the fact a move of d from stage from to stage to records:
// LostFact when it enters a lost stage from one that is not lost and the
// deal was never lost before (lostBefore: a deal reopened and lost again
// is one lost deal for the win rate), with the deal's creation day in loc;
// false otherwise.
func LostOnMove(d *Deal, from, to contract.Stage, lostBefore bool, loc *time.Location) (Fact, bool) {
	if to.Meaning != contract.StageLost || from.Meaning == contract.StageLost || lostBefore {
		return Fact{}, false
	}
	return LostFact(d.ID, d.LostReason, tandem.DateOf(d.CreatedAt.In(loc))), true
}

// Validate checks what the partner gave, once the subject filled it.
func (n *NewClaim) Validate() error {
	var v tandem.Validator
	n.Note = strings.TrimSpace(n.Note)
	if !v.Check(slices.Contains(ClaimKinds, n.Kind), "kind", i18n.K("validation.one_of")) {
		return v.Err()
	}
	v.Check(n.SubjectID > 0, "subject_id", i18n.K("validation.required"))
	v.MaxLen("note", n.Note, 4000)
	switch n.Kind {
	case ClaimLead:
		if v.Required("note", n.Note) {
			v.Check(len([]rune(n.Note)) >= 10, "note", i18n.K("claims.note_short"))
		}
	case ClaimMeeting:
		v.Check(!n.HeldAt.IsZero(), "held_at", i18n.K("validation.required"))
	case ClaimDeal:
		v.Check(n.Revenue > 0, "revenue", i18n.K("claims.revenue_positive"))
		v.Check(!n.OpenedOn.IsZero(), "opened_on", i18n.K("validation.required"))
	}
	return v.Err()
}

// MayClaim reports whether a person of role may claim results: the
// partner's people.
func MayClaim(role tandem.Role) bool {
	return role == tandem.RoleVendorAgent || role == tandem.RoleVendorManager
}

// MayDecide reports whether a person of role decides claims: the client's
// owners and managers. A partner's person never decides, their own claims
// least of all.
func MayDecide(role tandem.Role) bool {
	return role == tandem.RoleOwner || role == tandem.RoleManager
}

// Prior is an earlier claim of the same subject.
type Prior struct {
	Status  ClaimStatus
	Attempt int
	Note    string
}

// Window is the acceptance window's end of a claim made at at, on the
// contract's calendar cal with the sales terms s (nil: the defaults).
func Window(s *contract.Sales, cal *sla.Calendar, at time.Time) time.Time {
	if s == nil {
		s = contract.DefaultSales()
	}
	return cal.AddBusinessDays(at, s.Acceptance())
}

// BusinessDaysLeft is how many business days of cal are left before the
// window ending at end, as of now: the business days after now's day up
// to end's day, plus today when it is a business day and the window has
// not ended. 0 once it ended.
func BusinessDaysLeft(cal *sla.Calendar, now, end time.Time) int {
	if !now.Before(end) {
		return 0
	}
	n := 0
	loc := cal.Location()
	day := time.Date(now.In(loc).Year(), now.In(loc).Month(), now.In(loc).Day(), 12, 0, 0, 0, loc)
	last := end.In(loc)
	for ; !day.After(time.Date(last.Year(), last.Month(), last.Day(), 12, 0, 0, 0, loc)); day = day.AddDate(0, 0, 1) {
		if cal.IsBusinessDay(day) {
			n++
		}
	}
	return n
}

// Prepare decides a new claim on e at now: the engagement must be a live
// sales engagement, the claimant one of its partner's people, the subject
// not claimed already (prior are the earlier claims of the same subject,
// any order). It fills the claim's attempt, status, window and revenue's
// currency. Errors: EInvalid, EForbidden, EConflict.
func Prepare(n NewClaim, e *engagement.Engagement, role tandem.Role, partnerID int64, terms contract.Terms,
	cal *sla.Calendar, now time.Time, prior []Prior) (*Claim, error) {
	if !MayClaim(role) || partnerID != e.PartnerID {
		return nil, tandem.ErrForbidden
	}
	if err := n.Validate(); err != nil {
		return nil, err
	}
	if e.Kind != engagement.KindSales {
		return nil, tandem.Errorf(tandem.EConflict, i18n.K("claims.not_sales"))
	}
	if !e.Live() {
		return nil, tandem.Errorf(tandem.EConflict, i18n.K("claims.not_live"))
	}
	attempt := 1
	for _, p := range prior {
		switch {
		case p.Status != ClaimDisputed:
			return nil, tandem.Errorf(tandem.EConflict, i18n.K("claims.already_claimed"))
		case p.Attempt >= MaxAttempts:
			return nil, tandem.Errorf(tandem.EConflict, i18n.K("claims.reclaimed_once"))
		case strings.EqualFold(strings.TrimSpace(p.Note), n.Note):
			var v tandem.Validator
			v.Add("note", i18n.K("claims.more_evidence"))
			return nil, v.Err()
		}
		attempt = max(attempt, p.Attempt+1)
	}
	if n.Kind == ClaimMeeting && n.HeldAt.After(now) {
		var v tandem.Validator
		v.Add("subject_id", i18n.K("claims.not_yet_held"))
		return nil, v.Err()
	}
	c := &Claim{WorkspaceID: e.WorkspaceID, EngagementID: e.ID, Kind: n.Kind, SubjectID: n.SubjectID, Note: n.Note,
		Attempt: attempt, Status: ClaimOpen, PartnerID: partnerID, ClaimedAt: now, WindowEnds: Window(terms.Sales, cal, now).UTC()}
	switch n.Kind {
	case ClaimMeeting:
		c.HeldAt = n.HeldAt.UTC()
	case ClaimDeal:
		// The opening day is the deal's creation day (FromDeal): never in the future.
		c.Revenue, c.OpenedOn = money.New(n.Revenue, terms.Price.Currency), n.OpenedOn
	}
	return c, nil
}

// Decision is what the client decides on an open claim.
type Decision string

// Decisions as the forms and the API name them.
const (
	Accept  Decision = "accept"
	Dispute Decision = "dispute"
)

// Decide applies the decision of a client's owner or manager (userID) at
// now: accept, or dispute with a reason while the window runs. Errors:
// EForbidden, EInvalid (no reason), EConflict (not open; the window ended
// for a dispute).
func (c *Claim) Decide(role tandem.Role, userID int64, d Decision, reason string, now time.Time) error {
	if !MayDecide(role) {
		return tandem.ErrForbidden
	}
	reason = strings.TrimSpace(reason)
	var v tandem.Validator
	if v.Check(d == Accept || d == Dispute, "decision", i18n.K("validation.one_of")) && d == Dispute {
		if v.Required("reason", reason) {
			v.MaxLen("reason", reason, 2000)
		}
	}
	if err := v.Err(); err != nil {
		return err
	}
	if c.Status != ClaimOpen {
		return tandem.Errorf(tandem.EConflict, i18n.K("claims.not_open"))
	}
	c.DecidedAt, c.DeciderUserID = now, userID
	if d == Accept {
		c.Status = ClaimAccepted
		return nil
	}
	if !now.Before(c.WindowEnds) {
		return tandem.Errorf(tandem.EConflict, i18n.K("claims.window_ended"))
	}
	c.Status, c.DisputeReason = ClaimDisputed, reason
	return nil
}

// Expire accepts the claim on the system's behalf when its window has
// ended unanswered; false when it is not open or the window still runs.
func (c *Claim) Expire(now time.Time) bool {
	if c.Status != ClaimOpen || now.Before(c.WindowEnds) {
		return false
	}
	c.Status, c.Expired, c.DecidedAt, c.DeciderUserID = ClaimAccepted, true, now, 0
	return true
}

// ClawbackEnds is the last instant a won deal accepted at acceptedAt may
// be reversed: the end of the clawbackDays-th calendar day after it in loc.
func ClawbackEnds(acceptedAt time.Time, clawbackDays int, loc *time.Location) time.Time {
	return sla.AddCalendarDays(acceptedAt, clawbackDays, loc)
}

// Reverse records that the customer cancelled an accepted won deal, at now,
// within the clawback of the sales terms s (nil: the defaults). Errors:
// EForbidden, EInvalid (no reason), EConflict (not an accepted won deal;
// the clawback period is over).
func (c *Claim) Reverse(role tandem.Role, s *contract.Sales, loc *time.Location, reason string, now time.Time) error {
	if !MayDecide(role) {
		return tandem.ErrForbidden
	}
	reason = strings.TrimSpace(reason)
	var v tandem.Validator
	if v.Required("reason", reason) {
		v.MaxLen("reason", reason, 2000)
	}
	if err := v.Err(); err != nil {
		return err
	}
	if c.Kind != ClaimDeal || c.Status != ClaimAccepted {
		return tandem.Errorf(tandem.EConflict, i18n.K("claims.not_reversible"))
	}
	if s == nil {
		s = contract.DefaultSales()
	}
	if s.ClawbackDays <= 0 || !now.Before(ClawbackEnds(c.DecidedAt, s.ClawbackDays, loc)) {
		return tandem.Errorf(tandem.EConflict, i18n.K("claims.clawback_over"), "days", s.ClawbackDays)
	}
	c.Status, c.ReversedAt, c.ReverseReason = ClaimReversed, now, reason
	return nil
}

// AcceptedFact is the fact of an accepted claim; loc is the workspace's
// zone (the days of the sales cycle).
func (c *Claim) AcceptedFact(loc *time.Location) Fact {
	switch c.Kind {
	case ClaimMeeting:
		return Fact{Data: fact.MeetingAcceptedData{ClaimID: c.ID, ActivityID: c.SubjectID, HeldAt: c.HeldAt, Expired: c.Expired}, Flag: c.Expired}
	case ClaimDeal:
		won := tandem.DateOf(c.ClaimedAt.In(loc))
		days := CycleDays(c.OpenedOn, won)
		return Fact{Data: fact.DealWonData{ClaimID: c.ID, DealID: c.SubjectID, OpenedOn: c.OpenedOn.String(), WonOn: won.String(),
			CycleDays: days, Expired: c.Expired}, Value: days, Flag: c.Expired, AmountMinor: c.Revenue.Amount, Currency: c.Revenue.Currency}
	}
	return Fact{Data: fact.LeadAcceptedData{ClaimID: c.ID, AccountID: c.SubjectID, Expired: c.Expired}, Flag: c.Expired}
}

// ReversedFact is the negative fact of a reversed won deal.
func (c *Claim) ReversedFact() Fact {
	return Fact{Data: fact.DealReversedData{ClaimID: c.ID, DealID: c.SubjectID, Reason: c.ReverseReason},
		AmountMinor: -c.Revenue.Amount, Currency: c.Revenue.Currency}
}

// CycleDays is the calendar days from opened to won (0 the same day,
// never negative).
func CycleDays(opened, won tandem.Date) int64 {
	d := int64(won.Time().Sub(opened.Time()).Round(24*time.Hour) / (24 * time.Hour))
	return max(d, 0)
}

// LostFact is the fact of a deal moved to a lost stage, for the pipeline
// to record in the transaction of the move (win rate reads it): the deal,
// its lost reason and the day it was opened.
func LostFact(dealID int64, reason string, openedOn tandem.Date) Fact {
	return Fact{Data: fact.DealLostData{DealID: dealID, Reason: reason, OpenedOn: openedOn.String()}}
}

// CustomerFact is the fact of an account's status change on the
// engagement it is assigned to, with base customers of that engagement
// before the change: CustomerGained when it becomes a customer,
// CustomerLost when a customer becomes a former customer; false for any
// other change (none, or a correction such as customer → prospect).
func CustomerFact(accountID int64, from, to Status, base int64) (Fact, bool) {
	switch {
	case from == to:
		return Fact{}, false
	case to == StatusCustomer:
		return Fact{Data: fact.CustomerChange{AccountID: accountID, From: string(from), To: string(to), Base: base}, Value: base}, true
	case from == StatusCustomer && to == StatusFormer:
		return Fact{Data: fact.CustomerChange{Lost: true, AccountID: accountID, From: string(from), To: string(to), Base: base}, Value: base}, true
	}
	return Fact{}, false
}

// Notification kinds of claims: each is followed by the claim's kind,
// "sales.claim_made.qualified_lead" (catalogue "notify.<kind>").
const (
	NoticeClaimMade     = "sales.claim_made"
	NoticeClaimAccepted = "sales.claim_accepted"
	NoticeClaimDisputed = "sales.claim_disputed"
	NoticeClaimReversed = "sales.claim_reversed"
)

// Made is who is told of a new claim: the client's owners and managers.
func (c *Claim) Made() notification.Message {
	return notification.Message{Kind: NoticeClaimMade + "." + string(c.Kind), To: notification.Client,
		Args: map[string]any{"by": c.ClaimantName}}
}

// Decided is who is told of the decision on a claim (accepted, by a person
// or the system; disputed; reversed): the person who claimed it.
func (c *Claim) Decided() notification.Message {
	kind := NoticeClaimAccepted
	switch c.Status {
	case ClaimDisputed:
		kind = NoticeClaimDisputed
	case ClaimReversed:
		kind = NoticeClaimReversed
	}
	return notification.Message{Kind: kind + "." + string(c.Kind), To: notification.Audience{}.And(c.ClaimantUserID),
		Args: map[string]any{}}
}
