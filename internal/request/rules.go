package request

import (
	"slices"
	"time"

	"github.com/tandemhq/tandem/internal/access"
	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/engagement"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/notification"
	"github.com/tandemhq/tandem/internal/sla"
	"github.com/tandemhq/tandem/internal/tandem"
)

// The decisions on requests, as pure functions: the store loads what they
// need in its transaction, calls them, and persists what they decide.

// HasSLA reports whether a service has an SLA target: a request may be
// opened for it.
func HasSLA(svc contract.Service) bool {
	return svc.SLA != nil && (svc.SLA.ResponseMinutes > 0 || svc.SLA.ResolutionMinutes > 0)
}

// SLAServices lists the services of terms that have an SLA target.
func SLAServices(t contract.Terms) []contract.Service {
	out := []contract.Service{}
	for _, svc := range t.Services {
		if HasSLA(svc) {
			out = append(out, svc)
		}
	}
	return out
}

// MayOpen reports whether role may open a request on e now: while it is
// live.
func MayOpen(role tandem.Role, e *engagement.Engagement) bool {
	return access.Allows(role, access.RequestsWrite) && e.Live()
}

// Actions lists the actions role may take on a request in status s: those
// of its side, for a role that may write requests.
func Actions(role tandem.Role, s Status) []Action {
	if !access.Allows(role, access.RequestsWrite) {
		return nil
	}
	return Available(s, SideOf(role))
}

// Open validates a new request on e by p under version (number) of the
// terms in force, and decides what is stored: open, by p's side, with the
// service's targets kept for good. Errors: EInvalid, EConflict (e is not
// live; field errors come first).
func (r *Request) Open(e *engagement.Engagement, t contract.Terms, version int, p tandem.Principal) error {
	r.Normalize()
	var v tandem.Validator
	for _, f := range tandem.FieldErrors(r.Validate()) {
		v.Add(f.Field, f.Key, f.Args...)
	}
	if !e.Live() {
		if err := v.Err(); err != nil {
			return err
		}
		return tandem.Errorf(tandem.EConflict, i18n.K("request.not_live"))
	}
	var svc *contract.Service
	for i := range t.Services {
		if t.Services[i].Key == r.ServiceKey {
			svc = &t.Services[i]
		}
	}
	if r.ServiceKey != "" && v.Check(svc != nil, "service_key", i18n.K("request.service_not_in_contract")) {
		v.Check(HasSLA(*svc), "service_key", i18n.K("request.service_without_sla"))
	}
	if err := v.Err(); err != nil {
		return err
	}
	r.WorkspaceID, r.EngagementTitle, r.Status, r.TermsVersion = p.WorkspaceID, e.Title, StatusOpen, version
	r.ResponseMinutes, r.ResolutionMinutes = svc.SLA.ResponseMinutes, svc.SLA.ResolutionMinutes
	r.OpenedBy, r.OpenedByName, r.OpenedSide = p.UserID, p.UserName, SideOf(p.Role)
	return nil
}

// Opening is the first row of the history of r, opened by p at now; it
// sets the request's times, history and clocks on cal.
func (r *Request) Opening(p tandem.Principal, cal *sla.Calendar, now time.Time) Change {
	r.OpenedAt, r.UpdatedAt = now, now
	first := Change{Seq: 1, Action: ActionOpen, To: StatusOpen, ActorID: p.UserID, ActorName: p.UserName, ActorSide: r.OpenedSide, At: now}
	r.History = []Change{first}
	r.Response, r.Resolution = Clocks(cal, r, r.History, now)
	return first
}

// Opened is who is told of a new request: the other side.
func (r *Request) Opened() notification.Message {
	return notification.Message{Kind: "request.opened", To: Told(r.OpenedSide),
		Args: map[string]any{"title": r.Title, "number": r.Number}}
}

// Told is who is told of what one side did: the partner's people when the
// client acted, the client's deciders when the partner did.
func Told(side Side) notification.Audience {
	if side == SidePartner {
		return notification.Client
	}
	return notification.Partner
}

// The clocks by name, as facts, columns and messages name them.
const (
	ClockResponse   = "response"
	ClockResolution = "resolution"
)

// Moved is a transition decided: the request as it is after it, the
// history row, and which clocks it stops for the first time (their
// compliance is recorded then, once).
type Moved struct {
	Request         Request
	Change          Change
	FirstResponse   bool
	FirstResolution bool
}

// Transition decides action a with note on r by p at now on cal (the
// calendar of the terms r was opened under): the status it leads to, the
// history row, the clocks after it, when it was first answered and
// resolved. Errors as Next.
func (r *Request) Transition(a Action, note string, p tandem.Principal, cal *sla.Calendar, now time.Time) (Moved, error) {
	side := SideOf(p.Role)
	to, err := Next(r.Status, a, side, note)
	if err != nil {
		return Moved{}, err
	}
	ch := Change{Seq: len(r.History) + 1, Action: a, From: r.Status, To: to, Note: trim(note),
		ActorID: p.UserID, ActorName: p.UserName, ActorSide: side, At: now}
	x := *r
	x.History = append(append([]Change(nil), r.History...), ch)
	x.Status = to
	x.Response, x.Resolution = Clocks(cal, &x, x.History, now)
	first := x.RespondedAt.IsZero() && ch.IsFirstResponse()
	if first {
		x.RespondedAt = now
	}
	firstResolution := false
	switch to {
	case StatusResolved:
		x.ResolvedAt = now
		firstResolution = !slices.ContainsFunc(r.History, func(c Change) bool { return c.To == StatusResolved })
	case StatusOpen, StatusInProgress, StatusWaiting:
		x.ResolvedAt = time.Time{}
	}
	x.UpdatedAt = now
	return Moved{Request: x, Change: ch, FirstResponse: first, FirstResolution: firstResolution}, nil
}

// Stop is the compliance of a clock that stopped: whether it met its
// target and the business minutes it ran. A clock without a target gives
// none (ok false).
type Stop struct {
	Clock   string
	Met     bool
	Minutes int64
	Target  int64 // minutes
	Over    int64 // minutes beyond the target, rounded up
}

// Stops lists what the transition's clocks record: the response clock's
// compliance at the first response, the resolution clock's at the first
// resolution — each only when it has a target.
func (m *Moved) Stops() []Stop {
	var out []Stop
	for _, c := range []struct {
		name  string
		first bool
		c     Clock
	}{{ClockResponse, m.FirstResponse, m.Request.Response}, {ClockResolution, m.FirstResolution, m.Request.Resolution}} {
		if c.first && c.c.HasTarget() {
			out = append(out, Stop{Clock: c.name, Met: !c.c.Breached, Minutes: Minutes(c.c.Elapsed), Target: Minutes(c.c.Target), Over: c.c.Over()})
		}
	}
	return out
}

// Breach is a clock found past its target.
type Breach struct {
	Clock string
	At    time.Time // when it passed the target
	Stop            // the minutes run, over, the target
}

// Unrecorded lists the clocks of r past their target whose breach is not
// recorded yet (ResponseBreached, ResolutionBreached), as found at now on
// cal.
func (r *Request) Unrecorded(cal *sla.Calendar, now time.Time) []Breach {
	var out []Breach
	for _, c := range []struct {
		name string
		c    Clock
		done bool
	}{{ClockResponse, r.Response, r.ResponseBreached}, {ClockResolution, r.Resolution, r.ResolutionBreached}} {
		if c.c.Breached && !c.done {
			out = append(out, Breach{Clock: c.name, At: c.c.BreachedAt(cal, now),
				Stop: Stop{Clock: c.name, Minutes: Minutes(c.c.Elapsed), Target: Minutes(c.c.Target), Over: c.c.Over()}})
		}
	}
	return out
}

// MarkBreached records on r that the breach of clock is recorded.
func (r *Request) MarkBreached(clock string) {
	switch clock {
	case ClockResponse:
		r.ResponseBreached = true
	case ClockResolution:
		r.ResolutionBreached = true
	}
}

// Told is who is told of the transition: the other side of whoever took it.
func (m *Moved) Told() notification.Message {
	return notification.Message{Kind: "request." + string(m.Change.Action), To: Told(m.Change.ActorSide),
		Args: map[string]any{"title": m.Request.Title, "number": m.Request.Number, "note": m.Change.Note}}
}

// Breached is who is told when a clock of r ("response" or "resolution")
// passes its target: both sides.
func (r *Request) Breached(clock string) notification.Message {
	return notification.Message{Kind: "request." + clock + "_breached", To: notification.Both,
		Args: map[string]any{"title": r.Title, "number": r.Number}}
}
