// Package request holds the requests a client raises against a service of
// its contract that has an SLA — support tickets, change requests — and the
// two SLA clocks each one runs: the response clock and the resolution clock.
//
// # Lifecycle
//
// A request is opened by the client (owner or manager) or logged by the
// partner's people on the client's behalf. Its states are
//
//	open → in_progress → waiting_for_client → resolved → closed
//
// with these actions (Rules lists them with the side that may take them):
//
//	respond     open → in_progress                       partner
//	ask_client  open, in_progress → waiting_for_client   partner (a note saying what is needed)
//	resume      waiting_for_client → in_progress         either side
//	resolve     open, in_progress, waiting_for_client → resolved   partner
//	close       resolved → closed                        client
//	reopen      resolved, closed → open                  client (a note saying why)
//
// Every change is one row of the request's history, with its time, actor,
// side and note; nothing is overwritten.
//
// # The clocks
//
// Both clocks start when the request is opened and run in business time on
// the calendar of the contract's terms (see package sla).
//
//   - The first response is the first transition out of "open" made by the
//     partner's side (respond, ask_client or resolve). The response clock
//     stops there, once: a reopened request does not restart it.
//   - The resolution clock stops when the request is resolved. It is paused
//     while the request is in one of the calendar's pause states (the
//     contract's Calendar.PauseStates, e.g. "waiting_for_client") and while
//     it is resolved or closed; a reopened request's clock resumes where it
//     stopped.
//   - The response clock is paused in the pause states too (a request can
//     only get there through a response, so in practice it never is).
//
// A clock is breached when its elapsed business time exceeds the target;
// stopping exactly on the target is on time.
//
// # Which terms apply
//
// A request keeps the number of the terms version in force on the local
// date it was opened, and its targets are read from that version. The
// clocks always run on that version's calendar and targets, so an
// amendment that takes effect while a request is open does not change its
// running clocks; requests opened from the amendment's date on use the new
// terms.
package request

import (
	"slices"
	"strings"
	"time"

	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/tandem"
)

// Status is where a request is in its lifecycle.
type Status string

// Request statuses.
const (
	StatusOpen       Status = "open"
	StatusInProgress Status = "in_progress"
	StatusWaiting    Status = "waiting_for_client"
	StatusResolved   Status = "resolved"
	StatusClosed     Status = "closed"
)

// Statuses lists the statuses in lifecycle order.
var Statuses = []Status{StatusOpen, StatusInProgress, StatusWaiting, StatusResolved, StatusClosed}

// Done reports whether the request is resolved or closed: the resolution
// clock does not run.
func (s Status) Done() bool { return s == StatusResolved || s == StatusClosed }

// Action is what a person does to a request.
type Action string

// Actions. ActionOpen is the first row of every history; the others are
// transitions.
const (
	ActionOpen      Action = "open"
	ActionRespond   Action = "respond"
	ActionAskClient Action = "ask_client"
	ActionResume    Action = "resume"
	ActionResolve   Action = "resolve"
	ActionClose     Action = "close"
	ActionReopen    Action = "reopen"
)

// Side is which party a person speaks for (tandem.Side).
type Side = tandem.Side

// Sides.
const (
	SideClient  = tandem.SideClient
	SidePartner = tandem.SidePartner
)

// SideOf is the side of a role (tandem.Role.Side).
func SideOf(r tandem.Role) Side { return r.Side() }

// Priorities a request may have.
var Priorities = []string{"low", DefaultPriority, "high", "urgent"}

// DefaultPriority is a request's priority unless one is given.
const DefaultPriority = "normal"

// Rule is one transition: from which statuses, to which, who may take it,
// and whether a note is required.
type Rule struct {
	Action    Action
	From      []Status
	To        Status
	Sides     []Side
	NeedsNote bool
}

// Rules are the transitions, in the order the buttons show them.
var Rules = []Rule{
	{Action: ActionRespond, From: []Status{StatusOpen}, To: StatusInProgress, Sides: []Side{SidePartner}},
	{Action: ActionAskClient, From: []Status{StatusOpen, StatusInProgress}, To: StatusWaiting, Sides: []Side{SidePartner}, NeedsNote: true},
	{Action: ActionResume, From: []Status{StatusWaiting}, To: StatusInProgress, Sides: []Side{SideClient, SidePartner}},
	{Action: ActionResolve, From: []Status{StatusOpen, StatusInProgress, StatusWaiting}, To: StatusResolved, Sides: []Side{SidePartner}},
	{Action: ActionClose, From: []Status{StatusResolved}, To: StatusClosed, Sides: []Side{SideClient}},
	{Action: ActionReopen, From: []Status{StatusResolved, StatusClosed}, To: StatusOpen, Sides: []Side{SideClient}, NeedsNote: true},
}

// RuleOf returns the rule of an action, or nil for an unknown one.
func RuleOf(a Action) *Rule {
	for i := range Rules {
		if Rules[i].Action == a {
			return &Rules[i]
		}
	}
	return nil
}

// Available lists the actions a side may take on a request in status s.
func Available(s Status, side Side) []Action {
	var out []Action
	for _, r := range Rules {
		if slices.Contains(r.From, s) && slices.Contains(r.Sides, side) {
			out = append(out, r.Action)
		}
	}
	return out
}

// MaxNote is the longest note a change may carry, in characters.
const MaxNote = 4000

// Next checks a transition and returns the status it leads to. Errors:
// EInvalid with field "action" (unknown, or not possible from the current
// status) or "note" (missing or too long), EForbidden when the action
// belongs to the other side.
func Next(from Status, a Action, side Side, note string) (Status, error) {
	r := RuleOf(a)
	var v tandem.Validator
	if r == nil {
		v.Add("action", i18n.K("validation.one_of"))
		return "", v.Err()
	}
	if !slices.Contains(r.Sides, side) {
		return "", tandem.Errorf(tandem.EForbidden, i18n.K("request.other_side"))
	}
	v.Check(slices.Contains(r.From, from), "action", i18n.K("request.bad_transition"))
	note = strings.TrimSpace(note)
	if r.NeedsNote {
		v.Required("note", note)
	}
	v.MaxLen("note", note, MaxNote)
	if err := v.Err(); err != nil {
		return "", err
	}
	return r.To, nil
}

// Request is one request of a service of an engagement.
type Request struct {
	ID                int64
	WorkspaceID       int64
	EngagementID      int64
	EngagementTitle   string // joined for display
	Number            int    // numbered per engagement: 1, 2, 3 …
	ServiceKey        string
	Title             string
	Description       string
	Priority          string
	Status            Status
	TermsVersion      int // the version of the terms in force when it was opened
	ResponseMinutes   int // that version's response target, business minutes; 0 = none
	ResolutionMinutes int // that version's resolution target, business minutes; 0 = none
	OpenedBy          int64
	OpenedByName      string
	OpenedSide        Side // who opened it: the client, or the partner on the client's behalf
	OpenedAt          time.Time
	RespondedAt       time.Time // the first response; zero until then
	ResolvedAt        time.Time // the latest resolution; zero while not resolved
	UpdatedAt         time.Time

	// ResponseBreached and ResolutionBreached say whether the breach has
	// been recorded (a fact, once per request and clock).
	ResponseBreached   bool
	ResolutionBreached bool

	// Filled by the store when the request is read.
	History    []Change // oldest first
	Response   Clock
	Resolution Clock
}

// SearchText is what free-text search matches, folded (tandem.Fold).
func (r *Request) SearchText() string { return tandem.Fold(r.Title + " " + r.Description) }

// Normalize trims what a person typed and fills defaults.
func (r *Request) Normalize() {
	r.Title = strings.TrimSpace(r.Title)
	r.Description = strings.TrimSpace(r.Description)
	r.ServiceKey = strings.TrimSpace(r.ServiceKey)
	if r.Priority == "" {
		r.Priority = DefaultPriority
	}
}

// Validate reports every problem with a new request as field errors.
// Whether the service is in the contract and has an SLA is checked against
// the terms by the store.
func (r *Request) Validate() error {
	var v tandem.Validator
	if v.Required("title", r.Title) {
		v.MaxLen("title", r.Title, 200)
	}
	v.MaxLen("description", r.Description, 8000)
	v.Required("service_key", r.ServiceKey)
	v.OneOf("priority", r.Priority, Priorities...)
	return v.Err()
}

// Change is one row of a request's history: a state change (or the
// opening), when, by whom, with the note.
type Change struct {
	Seq       int
	Action    Action
	From      Status // "" for the opening
	To        Status
	Note      string
	ActorID   int64
	ActorName string
	ActorSide Side
	At        time.Time
}

// IsFirstResponse reports whether c answers the request: a move out of
// "open" by the partner's side.
func (c Change) IsFirstResponse() bool {
	return c.From == StatusOpen && c.To != StatusOpen && c.ActorSide == SidePartner
}

func trim(s string) string { return strings.TrimSpace(s) }
