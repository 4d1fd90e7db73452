package invoice

import (
	"strconv"
	"time"

	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/engagement"
	"github.com/tandemhq/tandem/internal/fact"
	"github.com/tandemhq/tandem/internal/kpi"
)

// Status is the state of a stored invoice (see workflow.go): a draft or an
// approved invoice is kept current from the facts; an issued one is never
// recomputed.
type Status string

// StatusDraft is a computed invoice not yet issued.
const StatusDraft Status = "draft"

// Recomputable reports whether an invoice in status s may be computed
// again, its lines replaced.
func (s Status) Recomputable() bool { return s == StatusDraft || s == StatusApproved }

// The units of contract.ResultUnits that recorded facts give.
const (
	UnitLead        = "qualified_lead"
	UnitMeeting     = "meeting"
	UnitDeal        = "deal"
	UnitDeliverable = "accepted_deliverable"
	UnitTicket      = "resolved_ticket"
)

// FactKinds are the kinds of fact an invoice is computed from: accepted
// results, SLA breaches and late-notice penalties (the KPI score comes
// from the scorecard, approved time from time entries).
var FactKinds = []fact.Kind{fact.LeadAccepted, fact.MeetingAccepted, fact.DealWonAccepted, fact.DealReversed,
	fact.DeliverableAccepted, fact.SLAResolution, fact.ResponseBreach, fact.ResolutionBreach, fact.LateNoticePenalty}

// FactRow is one recorded fact of FactKinds as the store reads it: its
// local day, its amount (a won deal's revenue, minus a reversed deal's, a
// penalty's amount), its payload, and for an accepted deliverable the
// service of the deliverable.
type FactRow struct {
	ID          int64
	Kind        fact.Kind
	Day         string
	SubjectID   int64
	AmountMinor int64
	Data        fact.Payload
	Service     string
}

// Ref is the reference of a fact in a line's Refs: "fact:12".
func Ref(id int64) string { return "fact:" + strconv.FormatInt(id, 10) }

// AddFact adds what the fact r gives to the input:
//   - a lead or meeting accepted: one result of qualified_lead or meeting;
//   - a won deal accepted: one deal with its revenue (the fact's amount);
//   - a won deal reversed: a clawback of one deal, its revenue minus the
//     deal's (the fact's amount, negative);
//   - a deliverable accepted: one accepted_deliverable of its service;
//   - a request's resolution clock stopped: one resolved_ticket of its
//     service;
//   - a response or resolution breach: one SLA breach;
//   - a late-notice penalty: the penalty with its recorded amount.
//
// Any other kind adds nothing.
func (in *Input) AddFact(r FactRow) {
	// Keep DataKinds in step: only these kinds' payloads are read here.
	ref := Ref(r.ID)
	res := Result{Ref: ref, Day: r.Day}
	switch r.Kind {
	case fact.LeadAccepted:
		res.Unit = UnitLead
	case fact.MeetingAccepted:
		res.Unit = UnitMeeting
	case fact.DealWonAccepted:
		res.Unit, res.RevenueMinor = UnitDeal, r.AmountMinor
	case fact.DealReversed:
		res.Unit, res.RevenueMinor, res.Clawback = UnitDeal, min(r.AmountMinor, 0), true
	case fact.DeliverableAccepted:
		res.Unit, res.Service = UnitDeliverable, r.Service
	case fact.SLAResolution:
		res.Unit = UnitTicket
		if c, ok := r.Data.(fact.ClockStopped); ok {
			res.Service = c.Service
		}
	case fact.ResponseBreach, fact.ResolutionBreach:
		b := Breach{Ref: ref, Day: r.Day, Clock: string(fact.Response)}
		if r.Kind == fact.ResolutionBreach {
			b.Clock = string(fact.Resolution)
		}
		if x, ok := r.Data.(fact.Breach); ok {
			b.Service = x.Service
		}
		in.Breaches = append(in.Breaches, b)
		return
	case fact.LateNoticePenalty:
		in.Penalties = append(in.Penalties, Penalty{Ref: ref, Day: r.Day, AmountMinor: r.AmountMinor})
		return
	default:
		return
	}
	in.Results = append(in.Results, res)
}

// ParsePeriod reads an invoicing period's label, "2026-11" (a month) or
// "2026-Q4" (a quarter), as the period in loc; false for anything else.
func ParsePeriod(s string, loc *time.Location) (kpi.Period, bool) {
	var year, n int
	kind := kpi.Month
	if len(s) == 7 && s[4] == '-' && s[5] == 'Q' {
		kind = kpi.Quarter
		y, err1 := strconv.Atoi(s[:4])
		q, err2 := strconv.Atoi(s[6:])
		if err1 != nil || err2 != nil || q < 1 || q > 4 {
			return kpi.Period{}, false
		}
		year, n = y, (q-1)*3+1
	} else {
		t, err := time.Parse("2006-01", s)
		if err != nil {
			return kpi.Period{}, false
		}
		year, n = t.Year(), int(t.Month())
	}
	if year < 1900 || year > 9999 {
		return kpi.Period{}, false
	}
	p := kpi.PeriodOf(kind, time.Date(year, time.Month(n), 15, 12, 0, 0, 0, loc), loc)
	return p, p.String() == s
}

// Invoiced reports whether an engagement in status s is invoiced: not
// while its terms are a draft (nothing was agreed yet); a pilot, an active
// and an ended engagement are.
func Invoiced(s engagement.Status) bool { return s != engagement.StatusDraft }

// EndedIn returns the period of kind (month or quarter) in loc that ended
// in the window [from, to) — its end, the next period's first local
// midnight, falls in the window — and false when none did. The scheduled
// drafts use it: each period's draft is computed once, in the window of
// its end.
func EndedIn(kind string, loc *time.Location, from, to time.Time) (kpi.Period, bool) {
	if !to.After(from) {
		return kpi.Period{}, false
	}
	cur := kpi.PeriodOf(kind, to.Add(-time.Nanosecond), loc)
	if cur.IsZero() || cur.Start.Before(from) {
		return kpi.Period{}, false
	}
	return cur.Prev(), true
}

// DataKinds are the kinds of FactKinds whose payload AddFact reads (a
// ticket's service, a breach's service and clock); of the others it needs
// only the id, day, subject and amount, so a reader may leave their
// payloads unread (FactRow.Data nil).
var DataKinds = []fact.Kind{fact.SLAResolution, fact.ResponseBreach, fact.ResolutionBreach}

// AddDay adds what n facts of kind on day give to the input, from a day's
// aggregate (their count and their amounts' sum), as AddFact adds them one
// by one — for a reader that wants only the invoice's total and its
// results' counts: the lines and amounts are the same, their Refs name the
// day ("day:KIND:DAY") instead of the facts. Results of a service are
// given without it, so the caller must read accepted deliverables and
// resolved tickets fact by fact (AddFact) where the terms price them by
// service (ByService). A day's reversed deals take min(sum, 0) as one
// reversal does. Any other kind, or n < 1, adds nothing.
func (in *Input) AddDay(kind fact.Kind, day string, n, amountMinor int64) {
	if n < 1 {
		return
	}
	ref := "day:" + string(kind) + ":" + day
	res := Result{Ref: ref, Day: day, Count: n}
	switch kind {
	case fact.LeadAccepted:
		res.Unit = UnitLead
	case fact.MeetingAccepted:
		res.Unit = UnitMeeting
	case fact.DealWonAccepted:
		res.Unit, res.RevenueMinor = UnitDeal, amountMinor
	case fact.DealReversed:
		res.Unit, res.RevenueMinor, res.Clawback = UnitDeal, min(amountMinor, 0), true
	case fact.DeliverableAccepted:
		res.Unit = UnitDeliverable
	case fact.SLAResolution:
		res.Unit = UnitTicket
	case fact.ResponseBreach, fact.ResolutionBreach:
		in.Breaches = append(in.Breaches, Breach{Ref: ref, Day: day, Count: n})
		return
	case fact.LateNoticePenalty:
		in.Penalties = append(in.Penalties, Penalty{Ref: ref, Day: day, AmountMinor: amountMinor})
		return
	default:
		return
	}
	in.Results = append(in.Results, res)
}

// ByService reports whether some version of vs prices results of unit by
// service (a per_result component of the unit naming one): then each
// result's service matters and AddDay cannot stand for its facts.
func ByService(vs []contract.Version, unit string) bool {
	for _, v := range vs {
		for _, c := range v.Terms.Price.Components {
			if c.Kind == "per_result" && c.Unit == unit && c.Service != "" {
				return true
			}
		}
	}
	return false
}

// ServiceKinds are the kinds of FactKinds whose results belong to a
// service, with their unit: read fact by fact where ByService.
var ServiceKinds = map[fact.Kind]string{fact.DeliverableAccepted: UnitDeliverable, fact.SLAResolution: UnitTicket}
