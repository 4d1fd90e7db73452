// Package contract holds an engagement's terms as data: the shape of the
// outsourcing, the explicit list of services with deadlines, acceptance and
// SLA, goals and KPIs, the price model and payment terms, notification
// duties, penalties and credits, confidentiality, termination and handover,
// and governance. The rest of Tandem reads the terms in force on a date:
// deliverables read the services, the KPI engine the KPIs, the SLA clocks
// the calendar, the invoice the price.
//
// Terms are versioned as whole snapshots: version 1 is written while the
// engagement is a draft; after that, only an accepted Amendment makes a new
// version, effective from its date. Check finds the "four mistakes" of a
// contract (and more) before activation.
//
// Amounts are integer minor units of Price.Currency; percentages are basis
// points (1 % = 100) so that no float is ever stored.
package contract

import "time"

// Terms is one version of an engagement's contract.
type Terms struct {
	Shape           Shape           `json:"shape"`
	Services        []Service       `json:"services"`
	Calendar        Calendar        `json:"calendar"`
	Goals           []Goal          `json:"goals"`
	Metrics         []MetricDef     `json:"metrics"`
	KPIs            []KPI           `json:"kpis"`
	Price           Price           `json:"price"`
	Notices         []NoticeDuty    `json:"notices"`
	Penalties       Penalties       `json:"penalties"`
	Confidentiality Confidentiality `json:"confidentiality"`
	Termination     Termination     `json:"termination"`
	Governance      Governance      `json:"governance"`
	Sales           *Sales          `json:"sales,omitempty"` // sales engagements only
}

// Shape is what kind of outsourcing this is and on what footing.
type Shape struct {
	Model         string `json:"model"`          // functional | resource | operational
	Coverage      string `json:"coverage"`       // full | partial
	Pilot         bool   `json:"pilot"`          // a pilot before a decision
	PilotEnds     string `json:"pilot_ends"`     // YYYY-MM-DD, for a pilot
	PilotCriteria string `json:"pilot_criteria"` // what the pilot will be judged on
	Format        string `json:"format"`         // remote | on_site | hybrid
	TermMonths    int    `json:"term_months"`    // 0 = open-ended
	NoticeDays    int    `json:"notice_days"`    // notice period to terminate
	Renewal       string `json:"renewal"`        // automatic | by_agreement | none
}

// Service is one item of the explicit scope: what is owed.
type Service struct {
	Key                string       `json:"key"` // stable id within the contract, e.g. "outbound-calls"
	Name               string       `json:"name"`
	Description        string       `json:"description"`
	Deadline           DeadlineRule `json:"deadline"`
	AcceptanceCriteria string       `json:"acceptance_criteria"`
	Acceptor           string       `json:"acceptor"` // who on the client side accepts: a person or a role
	SLA                *SLA         `json:"sla,omitempty"`
}

// DeadlineRule says when a deliverable of a service is due.
type DeadlineRule struct {
	Kind string `json:"kind"` // business_days | calendar_days | day_of_month | none
	N    int    `json:"n"`    // days after the request, or the day of the month
}

// SLA is a service's service-level targets; zero means "no target".
type SLA struct {
	ResponseMinutes   int `json:"response_minutes"`   // business minutes to first response
	ResolutionMinutes int `json:"resolution_minutes"` // business minutes to resolution
	OnTimeBP          int `json:"on_time_bp"`         // share of deadlines met, basis points
}

// Calendar is the business-hours calendar SLA clocks run on.
type Calendar struct {
	TimeZone    string   `json:"time_zone"`    // IANA zone
	WorkDays    []int    `json:"work_days"`    // time.Weekday values, 1 = Monday
	DayStart    string   `json:"day_start"`    // "08:00"
	DayEnd      string   `json:"day_end"`      // "17:00"
	Holidays    []string `json:"holidays"`     // YYYY-MM-DD
	PauseStates []string `json:"pause_states"` // request states that stop the clock, e.g. "waiting_for_client"
}

// Goal is a business goal the engagement serves.
type Goal struct {
	Key         string `json:"key"`
	Title       string `json:"title"`
	Description string `json:"description"`
}

// MetricDef defines a metric of this engagement beyond the catalogue, which
// its KPIs may use like a catalogue metric:
//
//   - manual: a value per period entered by the client (Source "client"),
//     or reported by the partner and counting only once the client
//     confirms it (Source "partner") — a brand presence, a satisfaction
//     score. Values are fixed point with Scale decimals; a period's value
//     is the mean of the values confirmed for the periods inside it.
//   - formula: an expression over other metrics, of the catalogue or
//     defined here, e.g. "revenue / invoiced_amount" (see kpi.Parse).
//
// Keys are names a formula can use: lowercase letters, digits and "_",
// starting with a letter, and never a catalogue metric.
type MetricDef struct {
	Key     string `json:"key"`
	Name    string `json:"name"`
	Kind    string `json:"kind"`    // manual | formula
	Source  string `json:"source"`  // manual: client | partner
	Formula string `json:"formula"` // formula: the expression
	Scale   int    `json:"scale"`   // manual: decimals of the values entered
	// Min and Max bound the values entered by hand (fixed point with Scale
	// decimals, e.g. 10 and 50 for a 1–5 rating with one decimal); nil
	// leaves that side open. A value outside them is refused.
	Min *int64 `json:"min,omitempty"`
	Max *int64 `json:"max,omitempty"`
}

// InRange reports whether value (with the metric's Scale decimals) lies
// within the metric's bounds.
func (m *MetricDef) InRange(value int64) bool {
	return (m.Min == nil || value >= *m.Min) && (m.Max == nil || value <= *m.Max)
}

// MetricDef returns the definition of metric key in t, or nil when t
// defines none (a catalogue metric or an unknown key).
func (t *Terms) MetricDef(key string) *MetricDef { return FindMetric(t.Metrics, key) }

// FindMetric returns the definition of metric key among defs, or nil.
func FindMetric(defs []MetricDef, key string) *MetricDef {
	for i := range defs {
		if defs[i].Key == key {
			return &defs[i]
		}
	}
	return nil
}

// KnownMetric reports whether key is a metric of the catalogue or of defs:
// one a KPI or a formula may use.
func KnownMetric(defs []MetricDef, key string) bool {
	return IsMetric(key) || FindMetric(defs, key) != nil
}

// KPI is a result measure tied to a goal. Target and Threshold are fixed
// point values with Scale decimals (e.g. 8500 with scale 2 is 85.00).
type KPI struct {
	Key       string `json:"key"`
	GoalKey   string `json:"goal_key"`
	Metric    string `json:"metric"` // a metric of the catalogue, e.g. "first_time_acceptance", or of Terms.Metrics
	Name      string `json:"name"`
	Target    int64  `json:"target"`
	Threshold int64  `json:"threshold"` // the value at which the score is 0
	Scale     int    `json:"scale"`
	Direction string `json:"direction"` // higher | lower (is better)
	Weight    int    `json:"weight"`    // relative weight, > 0
	Period    string `json:"period"`    // week | month | quarter
}

// Price is the price model: one or more components, bounds and payment terms.
type Price struct {
	Currency        string           `json:"currency"`
	Components      []PriceComponent `json:"components"`
	CapMinor        int64            `json:"cap_minor"`   // most per period, 0 = none
	FloorMinor      int64            `json:"floor_minor"` // least per period, 0 = none
	Period          string           `json:"period"`      // month | quarter — the invoicing period
	PrepaymentBP    int              `json:"prepayment_bp"`
	Instalments     int              `json:"instalments"` // 0 or 1 = paid at once
	DaysToPay       int              `json:"days_to_pay"`
	WithholdAllowed bool             `json:"withhold_allowed"` // the client may withhold payment for work not done in full
	Changes         []PriceChange    `json:"changes"`          // every change of price, justified
}

// PriceComponent is one part of the price.
type PriceComponent struct {
	Kind        string `json:"kind"`         // fixed | time | per_result | revenue_share
	Description string `json:"description"`  // as written in the contract
	AmountMinor int64  `json:"amount_minor"` // fixed fee per period, rate per unit, price per result
	Unit        string `json:"unit"`         // time: hour | day; per_result: qualified_lead | meeting | deal | accepted_deliverable
	ShareBP     int    `json:"share_bp"`     // revenue_share: basis points of revenue
	// Service is the key of the service (Terms.Services) whose time or
	// results a time or per_result component prices; empty: every
	// service's. An input is priced by the components naming its service,
	// or, when none does, by those naming none (see package invoice).
	Service string `json:"service"`
}

// PriceChange records a change of price with its reason.
type PriceChange struct {
	Date          string `json:"date"`
	Justification string `json:"justification"`
}

// NoticeDuty is a situation in which the partner must notify the client in
// writing, how soon, and the penalty for a missed notice.
type NoticeDuty struct {
	Category     string `json:"category"` // e.g. deadline_at_risk, missing_information …
	WithinHours  int    `json:"within_hours"`
	PenaltyMinor int64  `json:"penalty_minor"`
}

// Penalties are credits and bonus/malus rules, as data.
type Penalties struct {
	SLACreditBP    int          `json:"sla_credit_bp"`     // credit per SLA breach, basis points of the period's fee
	SLACreditCapBP int          `json:"sla_credit_cap_bp"` // most credit per period
	BonusMalus     []BonusMalus `json:"bonus_malus"`
}

// BonusMalus adjusts the period's fee by the weighted KPI score.
type BonusMalus struct {
	MinScore int `json:"min_score"` // 0–100: applies when the score is at least this
	AdjustBP int `json:"adjust_bp"` // + bonus / − malus, basis points of the fee
}

// Confidentiality is the NDA clause.
type Confidentiality struct {
	Clause     bool   `json:"clause"`      // there is a confidentiality clause
	YearsAfter int    `json:"years_after"` // the NDA runs for the engagement plus this many years
	Liability  string `json:"liability"`   // the partner's liability for a leak
}

// Termination is the termination and handover clause.
type Termination struct {
	Clause                bool   `json:"clause"`
	DataFormat            string `json:"data_format"` // what data comes back, in what format
	DeadlineDays          int    `json:"deadline_days"`
	RecordsAccessIncluded bool   `json:"records_access_included"` // access to the records system is part of the handover
	RecordsAccessPaid     bool   `json:"records_access_paid"`
	ConsultationHours     int    `json:"consultation_hours"` // post-termination consultations
}

// Governance is the steering committee, the meeting cadence and the rule for
// handing over when a responsible person changes.
type Governance struct {
	Committee    []CommitteeMember `json:"committee"`
	Powers       string            `json:"powers"`
	Cadence      []Meeting         `json:"cadence"`
	HandoverRule string            `json:"handover_rule"`
}

// CommitteeMember is one seat on the steering committee.
type CommitteeMember struct {
	Name string `json:"name"`
	Side string `json:"side"` // client | partner
	Role string `json:"role"`
}

// Meeting is a recurring meeting of the cadence.
type Meeting struct {
	Kind      string `json:"kind"`       // weekly_checkin | monthly_review | steering_committee | weekly_consultation
	EveryDays int    `json:"every_days"` // 7, 30, 90 …
}

// Version is one stored version of an engagement's terms.
type Version struct {
	ID            int64
	WorkspaceID   int64
	EngagementID  int64
	Number        int    // 1, 2, 3 …
	EffectiveFrom string // YYYY-MM-DD
	AmendmentID   int64  // 0 for version 1
	Terms         Terms
	CreatedAt     time.Time
}

// Amendment is a proposed or decided change of terms ("supplementary
// agreement"): numbered per engagement, dated, with a reason and the full
// proposed terms.
type Amendment struct {
	ID             int64
	WorkspaceID    int64
	EngagementID   int64
	Number         int
	EffectiveFrom  string // YYYY-MM-DD
	Reason         string
	Terms          Terms  // the terms as they will read from EffectiveFrom
	Status         string // proposed | accepted | rejected
	ProposedBy     int64
	ProposedByName string
	ProposedSide   string // client | partner: the other side decides
	ProposedAt     time.Time
	DecidedBy      int64
	DecidedByName  string
	DecidedAt      time.Time
	DecisionNote   string
}

// NDA is one entry of the NDA register: a partner's person who signed the
// confidentiality agreement, when, and which document holds it.
type NDA struct {
	ID           int64
	PartnerID    int64
	MembershipID int64 // 0 once the person has left the workspace
	PersonName   string
	PersonEmail  string
	SignedOn     string // YYYY-MM-DD
	Document     string
}
