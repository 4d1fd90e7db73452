// Package fact is the catalogue of fact kinds. What happens to work is
// recorded once, with its time, as a fact (table facts); the KPI engine, the
// work figures and — next — the invoice read facts, and nothing overwrites
// them.
//
// Every kind is a constant here, with a typed payload (the fact's data,
// stored as JSON) that says what its producer knows at the moment it
// happens. A producer builds the payload; the kind comes from the payload
// (Payload.FactKind), so a kind is never spelled twice. A reader finds every
// producer of a kind by its payload type, and every reader by its constant.
//
// Spec says how facts of a kind are aggregated per day (Squares, Sketch) and
// who reads them besides the KPI metrics (ReadBy). The tests of this package
// and of metric fail when a kind is produced that nobody reads, or read that
// nobody produces; the store refuses to record a kind outside the catalogue.
package fact

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Kind names what happened, e.g. "deliverable.accepted".
type Kind string

// The kinds of the catalogue.
const (
	// DeliverableAccepted: the client accepted a deliverable's submission.
	// Value: business days late; Flag: accepted the first time. Payload Accepted.
	DeliverableAccepted Kind = "deliverable.accepted"
	// DeliverableReturned: the client returned a submission with a reason.
	// Payload Returned.
	DeliverableReturned Kind = "deliverable.returned"
	// NoticeFiled: the partner filed a written notice. Value: minutes of
	// notice before the due time; Flag: in time. Payload Filed.
	NoticeFiled Kind = "notice.filed"
	// NoticeAcknowledged: the client acknowledged a notice. Value: seconds
	// from filing; Flag: it moved a deliverable's due time. Payload
	// Acknowledged.
	NoticeAcknowledged Kind = "notice.acknowledged"
	// LateNoticePenalty: a deliverable was late without timely notice.
	// Flag: some notice was filed, too late; amount: the penalty. Recorded
	// at most once per deliverable. Payload Penalty.
	LateNoticePenalty Kind = "penalty.late_notice"
	// ProposalRaised: the partner raised a proposal or risk warning. Flag:
	// a risk warning. Payload Raised.
	ProposalRaised Kind = "proposal.raised"
	// ProposalDecided: the client answered a proposal. Value: seconds from
	// raising; Flag: accepted. Payload Decided.
	ProposalDecided Kind = "proposal.decided"
	// SLAResponse and SLAResolution: a request's clock stopped. Value:
	// business minutes elapsed; Flag: within the SLA. Payload ClockStopped.
	SLAResponse   Kind = "sla.response"
	SLAResolution Kind = "sla.resolution"
	// ResponseBreach and ResolutionBreach: a request's clock passed its
	// target. Value: business minutes over target when found. Recorded at
	// most once per request. Payload Breach.
	ResponseBreach   Kind = "breach.response"
	ResolutionBreach Kind = "breach.resolution"
	// CallMade: a partner's agent (or the client) logged a call of a sales
	// engagement. Value: duration in seconds; Flag: a decision maker was
	// reached (sales.Outcome.ReachedDecisionMaker). Payload Call.
	CallMade Kind = "sales.call_made"
	// CommercialProposalSent: a commercial proposal was sent. Amount: the proposal's
	// amount in the workspace's currency. Payload ProposalSent.
	CommercialProposalSent Kind = "sales.proposal_sent"
	// FollowUpDone: a follow-up was done. Value: seconds late (0 on time);
	// Flag: done no later than its due time. Payload FollowUp.
	FollowUpDone Kind = "sales.follow_up_done"
)

// ManualPrefix starts the kind of the values of an own metric entered by
// hand: "manual.<metric key>.<period kind>" (Manual). Payload ManualValue.
const ManualPrefix = "manual."

// Manual is the kind of the hand-entered values of own metric key for
// periods of kind period ("week", "month", "quarter"), e.g.
// "manual.brand_presence.month". The period kind is part of the kind so
// that the per-day aggregates keep a month's value apart from a week's
// that starts on the same day.
func Manual(key, period string) Kind { return Kind(ManualPrefix + key + "." + period) }

// IsManual reports whether k is the kind of an own metric's values, and
// returns the metric's key and the period kind. Metric keys have no dots.
func IsManual(k Kind) (key, period string, ok bool) {
	rest, ok := strings.CutPrefix(string(k), ManualPrefix)
	if !ok {
		return "", "", false
	}
	key, period, ok = strings.Cut(rest, ".")
	return key, period, ok && key != "" && period != "" && !strings.Contains(period, ".")
}

// Clock names one of a request's two SLA clocks.
type Clock string

// The clocks of a request.
const (
	Response   Clock = "response"
	Resolution Clock = "resolution"
)

// Payload is the typed data of a fact; its type decides the fact's kind.
type Payload interface {
	FactKind() Kind
}

// Accepted is the payload of DeliverableAccepted.
type Accepted struct {
	Returns     int       `json:"returns"`
	LeadTimeS   int64     `json:"lead_time_s"`
	DueAt       time.Time `json:"due_at"`
	SubmittedAt time.Time `json:"submitted_at"`
	LateDays    int       `json:"late_days"`
}

// Returned is the payload of DeliverableReturned.
type Returned struct {
	Submission int    `json:"submission"`
	Reason     string `json:"reason"`
}

// Filed is the payload of NoticeFiled.
type Filed struct {
	Category      string     `json:"category"`
	DeliverableID int64      `json:"deliverable_id"`
	DueAt         *time.Time `json:"due_at"`
}

// Acknowledged is the payload of NoticeAcknowledged.
type Acknowledged struct {
	Category      string     `json:"category"`
	DeliverableID int64      `json:"deliverable_id"`
	NewDueAt      *time.Time `json:"new_due_at"`
}

// Penalty is the payload of LateNoticePenalty.
type Penalty struct {
	Title       string    `json:"title"`
	DueAt       time.Time `json:"due_at"`
	WithinHours int       `json:"within_hours"`
	LateNotices int       `json:"late_notices"`
}

// Raised is the payload of ProposalRaised.
type Raised struct {
	Kind          string `json:"kind"`
	Title         string `json:"title"`
	DeliverableID int64  `json:"deliverable_id"`
}

// Decided is the payload of ProposalDecided.
type Decided struct {
	Kind     string `json:"kind"`
	Decision string `json:"decision"`
}

// ClockStopped is the payload of SLAResponse and SLAResolution (by Clock).
type ClockStopped struct {
	Clock          Clock  `json:"-"`
	Number         int    `json:"number"`
	Service        string `json:"service"`
	TermsVersion   int    `json:"terms_version"`
	TargetMinutes  int64  `json:"target_minutes"`
	ElapsedMinutes int64  `json:"elapsed_minutes"`
	OverMinutes    int64  `json:"over_minutes"`
}

// Breach is the payload of ResponseBreach and ResolutionBreach (by Clock).
type Breach ClockStopped

// ManualValue is the payload of a Manual kind: the value's period kind,
// its decimals and who entered it ("client" or "partner").
type ManualValue struct {
	Metric     string `json:"-"`
	PeriodKind string `json:"period_kind"`
	Scale      int64  `json:"scale"`
	Side       string `json:"side"`
}

// Call is the payload of CallMade.
type Call struct {
	AccountID int64  `json:"account_id"`
	ContactID int64  `json:"contact_id"`
	AgentID   int64  `json:"agent_id"` // the membership who called
	Direction string `json:"direction"`
	Outcome   string `json:"outcome"`
}

// ProposalSent is the payload of CommercialProposalSent.
type ProposalSent struct {
	AccountID int64 `json:"account_id"`
	AgentID   int64 `json:"agent_id"`
}

// FollowUp is the payload of FollowUpDone.
type FollowUp struct {
	AccountID int64     `json:"account_id"`
	AgentID   int64     `json:"agent_id"`
	DueAt     time.Time `json:"due_at"`
}

// Raw is the payload of a stored fact whose kind the catalogue does not
// know (written by an older version): its JSON as stored.
type Raw struct {
	Of   Kind            `json:"-"`
	JSON json.RawMessage `json:"-"`
}

// FactKind implementations: the kind each payload records.
func (Accepted) FactKind() Kind     { return DeliverableAccepted }
func (Returned) FactKind() Kind     { return DeliverableReturned }
func (Filed) FactKind() Kind        { return NoticeFiled }
func (Acknowledged) FactKind() Kind { return NoticeAcknowledged }
func (Penalty) FactKind() Kind      { return LateNoticePenalty }
func (Raised) FactKind() Kind       { return ProposalRaised }
func (Decided) FactKind() Kind      { return ProposalDecided }
func (m ManualValue) FactKind() Kind {
	return Manual(m.Metric, m.PeriodKind)
}
func (r Raw) FactKind() Kind        { return r.Of }
func (Call) FactKind() Kind         { return CallMade }
func (ProposalSent) FactKind() Kind { return CommercialProposalSent }
func (FollowUp) FactKind() Kind     { return FollowUpDone }

// FactKind is SLAResponse or SLAResolution.
func (c ClockStopped) FactKind() Kind {
	if c.Clock == Resolution {
		return SLAResolution
	}
	return SLAResponse
}

// FactKind is ResponseBreach or ResolutionBreach.
func (b Breach) FactKind() Kind {
	if b.Clock == Resolution {
		return ResolutionBreach
	}
	return ResponseBreach
}

// MarshalJSON writes Breach as ClockStopped (the same fields).
func (b Breach) MarshalJSON() ([]byte, error) { return json.Marshal(ClockStopped(b)) }

// UnmarshalJSON reads Breach as ClockStopped.
func (b *Breach) UnmarshalJSON(p []byte) error { return json.Unmarshal(p, (*ClockStopped)(b)) }

// MarshalJSON writes the stored JSON back ("{}" when empty).
func (r Raw) MarshalJSON() ([]byte, error) {
	if len(r.JSON) == 0 {
		return []byte("{}"), nil
	}
	return r.JSON, nil
}

// Subject names what a fact's subject id refers to.
type Subject string

// The subjects of facts.
const (
	SubjectDeliverable Subject = "deliverable"
	SubjectNotice      Subject = "notice"
	SubjectProposal    Subject = "proposal"
	SubjectRequest     Subject = "request"
	SubjectValue       Subject = "value"    // an own metric's value entered by hand
	SubjectActivity    Subject = "activity" // a sales activity (sales_activities)
)

// Spec describes a kind of the catalogue.
type Spec struct {
	Kind Kind
	// Subject is what the fact's subject id refers to.
	Subject Subject
	// Squares keeps Σvalue² per day (a spread metric reads it). Only for
	// kinds whose value is small: Σvalue² of seconds could overflow.
	Squares bool
	// SketchField names the payload's integer field kept in a per-day
	// quantile sketch (kpi.Sketch), "" for none; Sketch reads it.
	SketchField string
	Sketch      func(Payload) (int64, bool)
	// OnceOnly kinds are recorded at most once per subject (a partial
	// unique index on facts; prefixes "penalty." and "breach.").
	OnceOnly bool
	// ReadBy names who reads the kind besides the KPI metrics (the work
	// figures, a request's clock history, the engagement feed …).
	ReadBy []string
	// decode returns an empty payload of the kind to decode into.
	decode func(k Kind) Payload
}

var specs = []Spec{
	{Kind: DeliverableAccepted, Subject: SubjectDeliverable, Squares: true, SketchField: "lead_time_s",
		Sketch: func(p Payload) (int64, bool) {
			a, ok := p.(Accepted)
			return a.LeadTimeS, ok
		},
		ReadBy: []string{"work figures", "invoice"}, decode: func(Kind) Payload { return &Accepted{} }},
	{Kind: DeliverableReturned, Subject: SubjectDeliverable, ReadBy: []string{"work figures"}, decode: func(Kind) Payload { return &Returned{} }},
	{Kind: NoticeFiled, Subject: SubjectNotice, ReadBy: []string{"notices"}, decode: func(Kind) Payload { return &Filed{} }},
	{Kind: NoticeAcknowledged, Subject: SubjectNotice, ReadBy: []string{"notices"}, decode: func(Kind) Payload { return &Acknowledged{} }},
	{Kind: LateNoticePenalty, Subject: SubjectDeliverable, OnceOnly: true, ReadBy: []string{"work figures", "invoice"}, decode: func(Kind) Payload { return &Penalty{} }},
	{Kind: ProposalRaised, Subject: SubjectProposal, ReadBy: []string{"proposals"}, decode: func(Kind) Payload { return &Raised{} }},
	{Kind: ProposalDecided, Subject: SubjectProposal, ReadBy: []string{"proposals"}, decode: func(Kind) Payload { return &Decided{} }},
	{Kind: SLAResponse, Subject: SubjectRequest, ReadBy: []string{"request clocks"}, decode: func(Kind) Payload { return &ClockStopped{Clock: Response} }},
	{Kind: SLAResolution, Subject: SubjectRequest, ReadBy: []string{"request clocks", "invoice"}, decode: func(Kind) Payload { return &ClockStopped{Clock: Resolution} }},
	{Kind: ResponseBreach, Subject: SubjectRequest, OnceOnly: true, ReadBy: []string{"request clocks", "invoice"}, decode: func(Kind) Payload { return &Breach{Clock: Response} }},
	{Kind: ResolutionBreach, Subject: SubjectRequest, OnceOnly: true, ReadBy: []string{"request clocks", "invoice"}, decode: func(Kind) Payload { return &Breach{Clock: Resolution} }},
	{Kind: CallMade, Subject: SubjectActivity, ReadBy: []string{"sales activity"}, decode: func(Kind) Payload { return &Call{} }},
	{Kind: CommercialProposalSent, Subject: SubjectActivity, ReadBy: []string{"sales activity"}, decode: func(Kind) Payload { return &ProposalSent{} }},
	{Kind: FollowUpDone, Subject: SubjectActivity, ReadBy: []string{"sales activity"}, decode: func(Kind) Payload { return &FollowUp{} }},
}

// manualSpec is the Spec of every Manual kind.
var manualSpec = Spec{Subject: SubjectValue, ReadBy: []string{"own metrics"}, decode: func(k Kind) Payload {
	key, period, _ := IsManual(k)
	return &ManualValue{Metric: key, PeriodKind: period}
}}

// Specs returns the catalogue's kinds, the Manual family aside.
func Specs() []Spec { return specs }

// Lookup returns the Spec of kind k (a Manual kind included) and false for
// a kind outside the catalogue.
func Lookup(k Kind) (Spec, bool) {
	for _, s := range specs {
		if s.Kind == k {
			return s, true
		}
	}
	if _, _, ok := IsManual(k); ok {
		s := manualSpec
		s.Kind = k
		return s, true
	}
	return Spec{Kind: k}, false
}

// SubjectOf is what the subject id of a fact of kind k refers to ("" for
// a kind outside the catalogue).
func SubjectOf(k Kind) Subject {
	s, _ := Lookup(k)
	return s.Subject
}

// Known reports whether k is a kind of the catalogue.
func Known(k Kind) bool {
	_, ok := Lookup(k)
	return ok
}

// Encode returns a payload's stored JSON ("{}" for nil).
func Encode(p Payload) ([]byte, error) {
	switch v := p.(type) {
	case nil:
		return []byte("{}"), nil
	case Accepted:
		// The commonest fact, recorded in bulk: written by hand, byte for
		// byte what json.Marshal writes (a test holds them equal).
		return v.appendJSON(make([]byte, 0, 160)), nil
	case Call:
		// The commonest sales fact (a dialer's batch is thousands of
		// calls): by hand as well, byte for byte json.Marshal's, when its
		// strings need no escaping (they are names from a list).
		if plainJSON(v.Direction) && plainJSON(v.Outcome) {
			return v.appendJSON(make([]byte, 0, 128)), nil
		}
	}
	return json.Marshal(p)
}

func (c Call) appendJSON(b []byte) []byte {
	b = append(b, `{"account_id":`...)
	b = strconv.AppendInt(b, c.AccountID, 10)
	b = append(b, `,"contact_id":`...)
	b = strconv.AppendInt(b, c.ContactID, 10)
	b = append(b, `,"agent_id":`...)
	b = strconv.AppendInt(b, c.AgentID, 10)
	b = append(b, `,"direction":"`...)
	b = append(b, c.Direction...)
	b = append(b, `","outcome":"`...)
	b = append(b, c.Outcome...)
	return append(b, `"}`...)
}

// plainJSON reports whether json.Marshal writes s as it is between its
// quotes: printable ASCII without '"', '\\', '<', '>' and '&'.
func plainJSON(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c < 0x20 || c >= 0x7f, c == '"', c == '\\', c == '<', c == '>', c == '&':
			return false
		}
	}
	return true
}

func (a Accepted) appendJSON(b []byte) []byte {
	b = append(b, `{"returns":`...)
	b = strconv.AppendInt(b, int64(a.Returns), 10)
	b = append(b, `,"lead_time_s":`...)
	b = strconv.AppendInt(b, a.LeadTimeS, 10)
	b = append(b, `,"due_at":"`...)
	b = a.DueAt.AppendFormat(b, time.RFC3339Nano)
	b = append(b, `","submitted_at":"`...)
	b = a.SubmittedAt.AppendFormat(b, time.RFC3339Nano)
	b = append(b, `","late_days":`...)
	b = strconv.AppendInt(b, int64(a.LateDays), 10)
	return append(b, '}')
}

// Decode reads a stored fact's JSON as the typed payload of kind k; a kind
// outside the catalogue comes back as Raw.
func Decode(k Kind, js []byte) (Payload, error) {
	s, ok := Lookup(k)
	if !ok {
		return Raw{Of: k, JSON: append(json.RawMessage(nil), js...)}, nil
	}
	p := s.decode(k)
	if len(js) > 0 && string(js) != "null" {
		if err := json.Unmarshal(js, p); err != nil {
			return nil, fmt.Errorf("fact: %s data: %w", k, err)
		}
	}
	return deref(p), nil
}

// deref turns the pointer Decode filled into the value type producers use.
func deref(p Payload) Payload {
	switch v := p.(type) {
	case *Accepted:
		return *v
	case *Returned:
		return *v
	case *Filed:
		return *v
	case *Acknowledged:
		return *v
	case *Penalty:
		return *v
	case *Raised:
		return *v
	case *Decided:
		return *v
	case *ClockStopped:
		return *v
	case *Breach:
		return *v
	case *ManualValue:
		return *v
	case *LeadAcceptedData:
		return *v
	case *MeetingAcceptedData:
		return *v
	case *DealWonData:
		return *v
	case *DealReversedData:
		return *v
	case *DealLostData:
		return *v
	case *CustomerChange:
		return *v
	case *Call:
		return *v
	case *ProposalSent:
		return *v
	case *FollowUp:
		return *v
	}
	return p
}

// OptTime is t, or nil when t is zero (a JSON null in the payload).
func OptTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// SketchValue reads the sketch field of a stored fact's data js through the
// typed payload of its kind (Spec.Sketch); false when the kind keeps no
// sketch, no payload was recorded, or the payload lacks the value.
func SketchValue(kind Kind, js string) (int64, bool, error) {
	s, ok := Lookup(kind)
	if !ok || s.Sketch == nil || js == "{}" || js == "null" || js == "" {
		return 0, false, nil // no payload recorded: nothing to sketch, as when recorded
	}
	p, err := Decode(kind, []byte(js))
	if err != nil {
		return 0, false, err
	}
	v, ok := s.Sketch(p)
	return v, ok, nil
}
