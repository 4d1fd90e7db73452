package sales

// Activities: what the partner's team (or the client) does on an account
// of the base — calls, meetings, presentations, commercial proposals and
// follow-ups — the rules of logging one, of its status changes, and which
// fact each records for the KPI engine.
//
// Choices the issue leaves open:
//   - An activity belongs to the engagement its account is assigned to when
//     it is logged; an unassigned account takes no activity (it is the
//     client's alone, and no engagement's KPIs could count it).
//   - The agent of an activity is the membership that logs it, the client's
//     people included; dialers send through a partner token, so the token's
//     member is the agent.
//   - A call reached a decision maker when its outcome is
//     decision_maker_reached or meeting_booked (a meeting is booked with one).
//   - A follow-up is done on time when done no later than its due time; the
//     presets ("in 2 days") set the due time to the same clock time that many
//     days on.
//   - A meeting held is a paid result: the claims of results turn it into a
//     fact after the client accepts it, so nothing here records one.

import (
	"slices"
	"strings"
	"time"

	"github.com/tandemhq/tandem/internal/fact"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/tandem"
)

// Kind is what sort of activity it is.
type Kind string

// Activity kinds.
const (
	KindCall         Kind = "call"
	KindMeeting      Kind = "meeting"
	KindPresentation Kind = "presentation"
	KindProposal     Kind = "proposal"
	KindFollowUp     Kind = "follow_up"
)

// Kinds lists the activity kinds in display order.
var Kinds = []Kind{KindCall, KindMeeting, KindPresentation, KindProposal, KindFollowUp}

// Direction is which way a call went.
type Direction string

// Call directions.
const (
	DirectionOut Direction = "out"
	DirectionIn  Direction = "in"
)

// Directions lists the call directions.
var Directions = []Direction{DirectionOut, DirectionIn}

// Outcome is how a call ended.
type Outcome string

// Call outcomes.
const (
	OutcomeNoAnswer      Outcome = "no_answer"
	OutcomeBusy          Outcome = "busy"
	OutcomeGatekeeper    Outcome = "gatekeeper"
	OutcomeDecisionMaker Outcome = "decision_maker_reached"
	OutcomeCallBack      Outcome = "call_back_later"
	OutcomeNotInterested Outcome = "not_interested"
	OutcomeMeetingBooked Outcome = "meeting_booked"
	OutcomeWrongNumber   Outcome = "wrong_number"
)

// Outcomes lists the call outcomes in the order a caller picks them (the
// Today form's keys 1–8 follow it).
var Outcomes = []Outcome{OutcomeNoAnswer, OutcomeBusy, OutcomeGatekeeper, OutcomeDecisionMaker,
	OutcomeCallBack, OutcomeNotInterested, OutcomeMeetingBooked, OutcomeWrongNumber}

// ReachedDecisionMaker reports whether a call with this outcome was a
// conversation with a decision maker.
func (o Outcome) ReachedDecisionMaker() bool {
	return o == OutcomeDecisionMaker || o == OutcomeMeetingBooked
}

// ActivityStatus is where a meeting or a commercial proposal stands.
type ActivityStatus string

// Meeting and proposal statuses; a follow-up is open until done (DoneAt).
const (
	MeetingPlanned   ActivityStatus = "planned"
	MeetingHeld      ActivityStatus = "held"
	MeetingNoShow    ActivityStatus = "no_show"
	ProposalSent     ActivityStatus = "sent"
	ProposalAccepted ActivityStatus = "accepted"
	ProposalDeclined ActivityStatus = "declined"
)

// StatusesOf lists the statuses of an activity kind, the first the default.
func StatusesOf(k Kind) []ActivityStatus {
	switch k {
	case KindMeeting, KindPresentation:
		return []ActivityStatus{MeetingPlanned, MeetingHeld, MeetingNoShow}
	case KindProposal:
		return []ActivityStatus{ProposalSent, ProposalAccepted, ProposalDeclined}
	}
	return nil
}

// MaxClockSkew is how far in the future an activity's time may lie (a
// dialer's clock running ahead): what is done is logged when it is done,
// so a KPI period cannot be filled in advance.
const MaxClockSkew = 5 * time.Minute

// MaxCallSeconds is the longest call that may be logged (ten hours).
const MaxCallSeconds = 10 * 3600

// Activity is one thing done on an account of the base.
type Activity struct {
	ID           int64
	WorkspaceID  int64
	EngagementID int64
	AccountID    int64
	AccountName  string
	ContactID    int64 // 0: none
	ContactName  string
	DealID       int64 // 0: none (deals are the pipeline's)
	AgentID      int64 // the membership who did it
	AgentName    string
	Kind         Kind
	At           time.Time // when it happened (a call, a proposal sent) or was logged
	// Calls.
	Direction       Direction
	Outcome         Outcome
	DurationS       int64
	RecordingFileID int64  // an uploaded audio file, 0 for none
	RecordingURL    string // or a link from the telephony system
	// Meetings, presentations and proposals.
	Status ActivityStatus
	// ScheduledAt is a meeting's or presentation's planned time and a
	// follow-up's due time; zero for the other kinds.
	ScheduledAt time.Time
	DoneAt      time.Time // a follow-up done; zero while open
	// Commercial proposals: the amount in the workspace's currency and a file.
	AmountMinor int64
	Currency    string
	FileID      int64
	Notes       string
	// The client's rating of a recorded call's quality, 1–5 (0: not rated).
	Quality        int
	QualityComment string
	CreatedAt      time.Time
	// Claimed: a meeting_held claim holds this meeting (open, accepted, or
	// disputed on its last attempt); read on the account's timeline only.
	Claimed bool
}

// HasRecording reports whether a call has a recording to listen to.
func (a Activity) HasRecording() bool { return a.RecordingFileID != 0 || a.RecordingURL != "" }

// Overdue reports whether a follow-up is open past its due time at now.
func (a Activity) Overdue(now time.Time) bool {
	return a.Kind == KindFollowUp && a.DoneAt.IsZero() && !a.ScheduledAt.IsZero() && a.ScheduledAt.Before(now)
}

// Normalize trims the activity's text and fills the defaults of its kind:
// a call goes out, a meeting is planned, a proposal sent; At defaults to now.
func (a *Activity) Normalize(now time.Time) {
	a.Notes = strings.TrimSpace(a.Notes)
	a.RecordingURL = strings.TrimSpace(a.RecordingURL)
	if a.At.IsZero() {
		a.At = now
	}
	// In UTC to the microsecond, as both databases keep a time: the
	// activity as logged is the activity as it will be read.
	a.At = a.At.UTC().Truncate(time.Microsecond)
	if !a.ScheduledAt.IsZero() {
		a.ScheduledAt = a.ScheduledAt.UTC().Truncate(time.Microsecond)
	}
	if !a.DoneAt.IsZero() {
		a.DoneAt = a.DoneAt.UTC().Truncate(time.Microsecond)
	}
	if a.Kind == KindCall && a.Direction == "" {
		a.Direction = DirectionOut
	}
	if st := StatusesOf(a.Kind); st != nil && a.Status == "" {
		a.Status = st[0]
	}
}

// Validate reports every problem with an activity about to be logged:
// fields that do not belong to its kind are refused, not silently dropped.
// currency is the workspace's, which a proposal's amount is in.
func (a *Activity) Validate(currency string) error {
	var v tandem.Validator
	if !v.Check(slices.Contains(Kinds, a.Kind), "kind", i18n.K("validation.one_of")) {
		return v.Err()
	}
	v.Check(a.AccountID > 0, "account_id", i18n.K("validation.required"))
	v.MaxLen("notes", a.Notes, 5000)
	isCall := a.Kind == KindCall
	if isCall {
		v.Check(slices.Contains(Directions, a.Direction), "direction", i18n.K("validation.one_of"))
		if a.Outcome == "" {
			v.Add("outcome", i18n.K("validation.required"))
		} else {
			v.Check(slices.Contains(Outcomes, a.Outcome), "outcome", i18n.K("validation.one_of"))
		}
		v.Check(a.DurationS >= 0 && a.DurationS <= MaxCallSeconds, "duration_s", i18n.K("sales.activity.duration_range"), "max", MaxCallSeconds/3600)
		if a.RecordingURL != "" {
			if v.MaxLen("recording_url", a.RecordingURL, 1000) {
				v.URL("recording_url", a.RecordingURL)
			}
			v.Check(a.RecordingFileID == 0, "recording_url", i18n.K("sales.activity.one_recording"))
		}
	} else {
		v.Check(a.Outcome == "", "outcome", i18n.K("sales.activity.not_for_kind"))
		v.Check(a.DurationS == 0, "duration_s", i18n.K("sales.activity.not_for_kind"))
		v.Check(a.RecordingURL == "" && a.RecordingFileID == 0, "recording_url", i18n.K("sales.activity.not_for_kind"))
	}
	if st := StatusesOf(a.Kind); st != nil {
		v.Check(slices.Contains(st, a.Status), "status", i18n.K("validation.one_of"))
	} else {
		v.Check(a.Status == "", "status", i18n.K("sales.activity.not_for_kind"))
	}
	switch a.Kind {
	case KindMeeting, KindPresentation, KindFollowUp:
		v.Check(!a.ScheduledAt.IsZero(), "scheduled_at", i18n.K("validation.required"))
	default:
		v.Check(a.ScheduledAt.IsZero(), "scheduled_at", i18n.K("sales.activity.not_for_kind"))
	}
	if a.Kind == KindProposal {
		v.Check(a.AmountMinor > 0, "amount", i18n.K("sales.activity.amount_positive"))
		v.Check(a.Currency == "" || a.Currency == currency, "currency", i18n.K("sales.activity.currency"), "currency", currency)
	} else {
		v.Check(a.AmountMinor == 0, "amount", i18n.K("sales.activity.not_for_kind"))
		v.Check(a.FileID == 0, "file", i18n.K("sales.activity.not_for_kind"))
	}
	if err := v.Err(); err != nil {
		return err
	}
	if a.Kind == KindProposal {
		a.Currency = currency
	}
	return nil
}

// ErrUnassigned: the account is not assigned to a sales engagement, so no
// activity can be logged on it.
var ErrUnassigned = tandem.Errorf(tandem.EConflict, i18n.K("sales.activity.unassigned"))

// PrepareLog decides an activity p logs on acct (an account p may see, as
// the store loaded it): it belongs to the account's engagement and to p's
// membership; contact, when given, must be one of the account's (the store
// says so with contactOK). It normalizes and validates the activity.
func PrepareLog(p tandem.Principal, acct Account, contactOK bool, a *Activity, currency string, now time.Time) error {
	a.Normalize(now)
	if err := a.Validate(currency); err != nil {
		return err
	}
	if a.At.After(now.Add(MaxClockSkew)) {
		return fieldErr("at", "sales.activity.future")
	}
	if a.ContactID != 0 && !contactOK {
		return fieldErr("contact_id", "validation.one_of")
	}
	if acct.EngagementID == 0 {
		return ErrUnassigned
	}
	a.WorkspaceID, a.EngagementID, a.AgentID = p.WorkspaceID, acct.EngagementID, p.MembershipID
	a.AccountName = acct.Name
	a.CreatedAt = now
	return nil
}

// Fact is a fact the sales capability decides to record — of an activity, a
// claim's acceptance or reversal, a lost deal, a customer gained or lost —
// for the store to write in the same transaction. A zero At is the
// transaction's time.
type Fact struct {
	Data        fact.Payload
	At          time.Time
	Value       int64
	Flag        bool
	AmountMinor int64
	Currency    string
}

// LogFacts are the facts logging a (already prepared) records: a call
// made (duration, decision maker reached); a proposal logged as sent; a
// follow-up logged as already done.
func (a Activity) LogFacts() []Fact {
	var out []Fact
	switch a.Kind {
	case KindCall:
		out = append(out, Fact{At: a.At, Value: a.DurationS, Flag: a.Outcome.ReachedDecisionMaker(),
			Data: fact.Call{AccountID: a.AccountID, ContactID: a.ContactID, AgentID: a.AgentID, Direction: string(a.Direction), Outcome: string(a.Outcome)}})
	case KindProposal:
		if a.Status == ProposalSent {
			out = append(out, a.proposalFact())
		}
	case KindFollowUp:
		if !a.DoneAt.IsZero() {
			out = append(out, a.followUpFact())
		}
	}
	return out
}

func (a Activity) proposalFact() Fact {
	return Fact{At: a.At, AmountMinor: a.AmountMinor, Currency: a.Currency,
		Data: fact.ProposalSent{AccountID: a.AccountID, AgentID: a.AgentID}}
}

func (a Activity) followUpFact() Fact {
	late := int64(0)
	if a.DoneAt.After(a.ScheduledAt) {
		late = int64(a.DoneAt.Sub(a.ScheduledAt) / time.Second)
	}
	return Fact{At: a.DoneAt, Value: late, Flag: late == 0,
		Data: fact.FollowUp{AccountID: a.AccountID, AgentID: a.AgentID, DueAt: a.ScheduledAt}}
}

// Errors of status changes.
var (
	ErrAlreadyDone   = tandem.Errorf(tandem.EConflict, i18n.K("sales.activity.already_done"))
	ErrStatusDecided = tandem.Errorf(tandem.EConflict, i18n.K("sales.activity.status_decided"))
)

// Done marks a follow-up done at now and returns its fact (on time or not).
func (a *Activity) Done(now time.Time) (Fact, error) {
	if a.Kind != KindFollowUp {
		return Fact{}, fieldErr("kind", "sales.activity.not_for_kind")
	}
	if !a.DoneAt.IsZero() {
		return Fact{}, ErrAlreadyDone
	}
	a.DoneAt = now.UTC()
	return a.followUpFact(), nil
}

// SetStatus moves a meeting or presentation from planned to held or no-show,
// and a proposal from sent to accepted or declined; a decided status does
// not change again. No fact: a meeting held counts once the client accepts
// its claim, and a proposal counted when it was sent.
func (a *Activity) SetStatus(to ActivityStatus) error {
	st := StatusesOf(a.Kind)
	if st == nil || !slices.Contains(st[1:], to) {
		return fieldErr("status", "validation.one_of")
	}
	if a.Status != st[0] {
		return ErrStatusDecided
	}
	a.Status = to
	return nil
}

// Rating is the client's rating of a recorded call.
type Rating struct {
	Quality int
	Comment string
}

// Validate checks a rating: 1 to 5, a comment of at most 2,000 characters,
// and a call with a recording to rate.
func (r *Rating) Validate(a Activity) error {
	var v tandem.Validator
	r.Comment = strings.TrimSpace(r.Comment)
	v.Check(r.Quality >= 1 && r.Quality <= 5, "quality", i18n.K("sales.recording.quality_range"))
	v.MaxLen("comment", r.Comment, 2000)
	v.Check(a.Kind == KindCall && a.HasRecording(), "quality", i18n.K("sales.recording.none"))
	return v.Err()
}

// FollowUpPresets are the Today form's one-key due times, in days from now.
var FollowUpPresets = []int{1, 2, 7}

// fieldErr is an EInvalid error on one field.
func fieldErr(field string, key i18n.Key) error {
	var v tandem.Validator
	v.Add(field, key)
	return v.Err()
}

// PhoneMatchDigits is how many trailing digits match a dialer's number to
// a contact's: dialers send numbers in every form (+46 70…, 0046 70…,
// 070…), and the last nine digits survive all of them.
const PhoneMatchDigits = 9

// PhoneKey is the key a phone number is matched by: its last
// PhoneMatchDigits digits, "" when it has fewer.
func PhoneKey(s string) string {
	var d []byte
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			d = append(d, s[i])
		}
	}
	if len(d) < PhoneMatchDigits {
		return ""
	}
	return string(d[len(d)-PhoneMatchDigits:])
}

// CheckRecording refuses a call's recording that is not audio (the file
// package has already accepted it as some stored type).
func CheckRecording(contentType string) error {
	if strings.HasPrefix(contentType, "audio/") || contentType == "application/ogg" {
		return nil
	}
	return fieldErr("recording", "sales.activity.recording_audio")
}

// ViewActivity is what role may see of a: all of it for the client's
// people; for a partner's, the notes with phone numbers and e-mail
// addresses dotted out (MaskText), like a contact's notes.
func ViewActivity(role tandem.Role, a Activity) Activity {
	if !SeesDetails(role) {
		a.Notes = MaskText(a.Notes)
	}
	return a
}
