package contract

import (
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/tandem"
)

// The vocabularies: the values an enumerated field of Terms may take, in
// display order. Every value has a catalogue label, see LabelKey.
var (
	// Models are the kinds of outsourcing (Shape.Model): doing given tasks,
	// supplying resources, or running a whole process (seed 002).
	Models = []string{"functional", "resource", "operational"}
	// Coverages say whether all or part of a function is outsourced
	// (Shape.Coverage).
	Coverages = []string{"full", "partial"}
	// Formats are the formats of cooperation (Shape.Format).
	Formats = []string{"remote", "on_site", "hybrid"}
	// Renewals are how the contract renews at the end of its term
	// (Shape.Renewal).
	Renewals = []string{"automatic", "by_agreement", "none"}
	// DeadlineKinds are the kinds of deadline rule (DeadlineRule.Kind).
	DeadlineKinds = []string{"business_days", "calendar_days", "day_of_month", "none"}
	// PriceKinds are the kinds of price component (PriceComponent.Kind).
	PriceKinds = []string{"fixed", "time", "per_result", "revenue_share"}
	// TimeUnits are the units of a time-based price component.
	TimeUnits = []string{"hour", "day"}
	// ResultUnits are the units of a pay-for-result price component.
	ResultUnits = []string{"qualified_lead", "meeting", "presentation", "proposal_sent", "deal", "accepted_deliverable", "resolved_ticket"}
	// Periods are the periods of a KPI (KPI.Period); invoicing periods
	// (Price.Period) are the subset InvoicePeriods.
	Periods = []string{"week", "month", "quarter"}
	// InvoicePeriods are the invoicing periods (Price.Period).
	InvoicePeriods = []string{"month", "quarter"}
	// MetricKinds are the kinds of metric an engagement may define
	// (MetricDef.Kind).
	MetricKinds = []string{"manual", "formula"}
	// MetricSources say who enters the values of a manual metric: the
	// client, or the partner with the client confirming
	// (MetricDef.Source).
	MetricSources = []string{string(tandem.SideClient), string(tandem.SidePartner)}
	// Directions say whether a higher or a lower KPI value is better.
	Directions = []string{"higher", "lower"}
	// MeetingKinds are the kinds of recurring meeting (Meeting.Kind).
	MeetingKinds = []string{"weekly_checkin", "monthly_review", "steering_committee", "weekly_consultation"}
	// Sides are the two sides of an engagement (CommitteeMember.Side).
	Sides = []string{string(tandem.SideClient), string(tandem.SidePartner)}
	// NoticeCategories are the situations a notice duty may name
	// (NoticeDuty.Category).
	NoticeCategories = []string{"deadline_at_risk", "missing_information", "unlawful_document", "accounting_error", "penalty_risk", "third_party_request"}
	// DefaultNoticeCategories are the situations in which, per seed 002,
	// the partner must notify the client in writing: a deadline that
	// cannot be met, missing information, documents or deals that conflict
	// with the law, errors in accounting documents, a risk of penalties, and
	// third-party requests for information about the client.
	DefaultNoticeCategories = []string{"deadline_at_risk", "missing_information", "unlawful_document", "accounting_error", "penalty_risk", "third_party_request"}
)

// Metric kinds (MetricKinds).
const (
	MetricKindManual  = "manual"
	MetricKindFormula = "formula"
)

// ResultMetrics are the metrics of the KPI catalogue that measure results
// (seed 001): contribution to business goals, deadlines and predictability,
// first-time quality, initiative and transparency, and sales results.
var ResultMetrics = []string{
	"on_time_share",
	"first_time_acceptance",
	"returns_per_deliverable",
	"lateness_spread",
	"lead_time_p50",
	"lead_time_p90",
	"sla_response_compliance",
	"sla_resolution_compliance",
	"notice_timeliness",
	"proposals_raised",
	"proposals_accepted",
	"risk_warnings_raised",
	"penalties_incurred",
	"qualified_leads",
	"meetings_held",
	"proposals_sent",
	"follow_ups_on_time",
	"deals_won",
	"revenue",
	"average_deal_size",
	"sales_cycle_p50",
	"sales_cycle_p90",
	"win_rate",
	"conversion_rate",
	"client_churn",
	"client_base_growth",
	"csat",
}

// ActivityMetrics are the metrics of the KPI catalogue that count activity
// rather than results. Seed 001 calls them vanity KPIs: a KPI may use one,
// but Check warns about it.
var ActivityMetrics = []string{
	"hours_worked",
	"messages_sent",
	"calls_made",
	"decision_maker_conversations",
	"reply_speed",
	"tickets_touched",
}

// Metrics is the whole KPI metric catalogue: ResultMetrics followed by
// ActivityMetrics.
var Metrics = append(append([]string{}, ResultMetrics...), ActivityMetrics...)

// IsActivityMetric reports whether metric is an activity (vanity) metric.
func IsActivityMetric(metric string) bool { return contains(ActivityMetrics, metric) }

// IsMetric reports whether metric is in the catalogue.
func IsMetric(metric string) bool { return contains(Metrics, metric) }

// Vocabulary is one group of allowed values with the label group used in
// its catalogue keys: value v of group g is labelled "contract.<g>.<v>".
type Vocabulary struct {
	Group  string
	Values []string
}

// Vocabularies lists every vocabulary with its label group. Time and result
// units share the group "unit"; KPI and invoicing periods the group
// "period".
func Vocabularies() []Vocabulary {
	return []Vocabulary{
		{"model", Models},
		{"coverage", Coverages},
		{"format", Formats},
		{"renewal", Renewals},
		{"deadline_kind", DeadlineKinds},
		{"price_kind", PriceKinds},
		{"unit", TimeUnits},
		{"unit", ResultUnits},
		{"period", Periods},
		{"period", InvoicePeriods},
		{"direction", Directions},
		{"metric_kind", MetricKinds},
		{"metric_source", MetricSources},
		{"meeting", MeetingKinds},
		{"side", Sides},
		{"notice", NoticeCategories},
		{"metric", Metrics},
		{"stage", DefaultStageKeys},
		{"stage_meaning", StageMeanings},
		{"lost_reason", LostReasonKeys},
	}
}

// LabelKey returns the catalogue key of the label of value in group, e.g.
// LabelKey("price_kind", "fixed") is "contract.price_kind.fixed".
func LabelKey(group, value string) i18n.Key {
	return i18n.Key("contract." + group + "." + value)
}

// MetricLabel returns the catalogue key of a metric's label,
// "contract.metric.<metric>".
func MetricLabel(metric string) i18n.Key { return LabelKey("metric", metric) }

// contains reports whether list holds s.
func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// DefaultScale is the number of decimals a new KPI on metric starts with:
// 2 for shares and rates (85.00 %), for returns per deliverable and for
// amounts of money (revenue, average deal size: major units), 1 for
// customer satisfaction, 0 for counts and durations.
func DefaultScale(metric string) int {
	switch metric {
	case "on_time_share", "first_time_acceptance", "sla_response_compliance", "sla_resolution_compliance",
		"notice_timeliness", "follow_ups_on_time", "conversion_rate", "win_rate", "client_churn", "client_base_growth",
		"returns_per_deliverable", "revenue", "average_deal_size":
		return 2
	case "csat":
		return 1
	}
	return 0
}
