package contract

import (
	"strings"
	"sync"

	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/money"
)

// templateTexts is the catalogue the templates' texts come from
// (locales/*/templates.json), loaded once.
var templateTexts = sync.OnceValue(i18n.MustLoad)

// Kinds are the engagement kinds Template knows, matching the kinds of
// package engagement.
var Kinds = []string{"sales", "support", "development", "accounting", "executive", "other"}

// Template returns starting terms for an engagement of kind (sales,
// support, development, accounting, executive or other; anything else gets
// the "other" template), priced in currency and with its business calendar
// in the IANA zone tz. The defaults are drawn from the seeds: explicit
// services with deadlines and acceptance criteria, result KPIs tied to
// goals (never more than five), a price model, the six notice duties of
// seed 002 with 24 hours to notify, an NDA for the engagement plus five
// years, a termination clause with a CSV/XLSX export within 10 days and 5
// hours of consultations, and a cadence of meetings.
//
// Amounts are placeholders for the client to replace: a round number of
// major units of currency converted to minor units, e.g. the sales fixed
// fee of 45 000,00 SEK is 4500000 minor units (45 000 JPY would be 45000,
// since JPY has no minor unit). The currency is upper-cased; it is not
// checked (Validate does that).
//
// Every service's Acceptor is left empty on purpose: the client must name
// who accepts, so a fresh template fails Check with one no_acceptor error
// per service and nothing else until that is filled in.
//
// The free texts (names, descriptions, criteria, clauses) are in English;
// TemplateIn writes them in another language.
func Template(kind string, currency string, tz string) Terms {
	return TemplateIn(kind, currency, tz, i18n.EN)
}

// TemplateIn is Template with its texts — service, goal, KPI, metric and
// price names, descriptions, acceptance criteria and clauses — in lang, the
// language of the person who creates the contract (catalogue
// templates.json). Keys, metrics and figures are the same in every
// language. An unsupported lang writes English.
func TemplateIn(kind string, currency string, tz string, lang i18n.Lang) Terms {
	l := templateTexts().For(lang, nil) // For writes English for an unsupported lang
	tx := func(key string) string { return l.T(key) }
	currency = strings.ToUpper(strings.TrimSpace(currency))
	major := func(n int64) int64 {
		for range money.MinorDigits(currency) {
			n *= 10
		}
		return n
	}
	t := Terms{
		Shape: Shape{
			Model:      "functional",
			Coverage:   "partial",
			Format:     "remote",
			TermMonths: 12,
			NoticeDays: 30,
			Renewal:    "by_agreement",
		},
		Calendar: Calendar{
			TimeZone: tz,
			WorkDays: []int{1, 2, 3, 4, 5},
			DayStart: "08:00",
			DayEnd:   "17:00",
		},
		Price: Price{
			Currency:        currency,
			Period:          "month",
			DaysToPay:       30,
			WithholdAllowed: true,
		},
		Confidentiality: Confidentiality{
			Clause:     true,
			YearsAfter: 5,
			Liability:  tx("templates.common.liability"),
		},
		Termination: Termination{
			Clause:                true,
			DataFormat:            tx("templates.common.data_format"),
			DeadlineDays:          10,
			RecordsAccessIncluded: true,
			ConsultationHours:     5,
		},
		Governance: Governance{
			Powers: tx("templates.common.powers"),
			Cadence: []Meeting{
				{Kind: "weekly_checkin", EveryDays: 7},
				{Kind: "monthly_review", EveryDays: 30},
			},
			HandoverRule: tx("templates.common.handover"),
		},
	}
	for _, c := range DefaultNoticeCategories {
		n := NoticeDuty{Category: c, WithinHours: 24}
		if c == "deadline_at_risk" {
			n.PenaltyMinor = major(1000)
		}
		t.Notices = append(t.Notices, n)
	}

	switch kind {
	case "sales":
		t.Services = []Service{
			{
				Key:                "outbound-calls",
				Name:               tx("templates.sales.calls.name"),
				Description:        tx("templates.sales.calls.description"),
				Deadline:           DeadlineRule{Kind: "business_days", N: 10},
				AcceptanceCriteria: tx("templates.sales.calls.criteria"),
			},
			{
				Key:                "lead-qualification",
				Name:               tx("templates.sales.qualification.name"),
				Description:        tx("templates.sales.qualification.description"),
				Deadline:           DeadlineRule{Kind: "business_days", N: 2},
				AcceptanceCriteria: tx("templates.sales.qualification.criteria"),
			},
		}
		t.Goals = []Goal{
			{Key: "grow-sales", Title: tx("templates.sales.goal_sales.title"), Description: tx("templates.sales.goal_sales.description")},
			{Key: "grow-base", Title: tx("templates.sales.goal_base.title"), Description: tx("templates.sales.goal_base.description")},
		}
		t.KPIs = []KPI{
			{Key: "qualified-leads", GoalKey: "grow-base", Metric: "qualified_leads", Name: tx("templates.sales.kpi.leads"), Target: 40, Threshold: 10, Direction: "higher", Weight: 3, Period: "month"},
			{Key: "meetings", GoalKey: "grow-base", Metric: "meetings_held", Name: tx("templates.sales.kpi.meetings"), Target: 12, Threshold: 3, Direction: "higher", Weight: 2, Period: "month"},
			{Key: "deals", GoalKey: "grow-sales", Metric: "deals_won", Name: tx("templates.sales.kpi.deals"), Target: 4, Threshold: 0, Direction: "higher", Weight: 3, Period: "month"},
			{Key: "conversion", GoalKey: "grow-sales", Metric: "conversion_rate", Name: tx("templates.sales.kpi.conversion"), Target: 1000, Threshold: 200, Scale: 2, Direction: "higher", Weight: 2, Period: "quarter"},
		}
		t.Price.Components = []PriceComponent{
			{Kind: "fixed", Description: tx("templates.sales.price.fixed"), AmountMinor: major(45000)},
			{Kind: "per_result", Description: tx("templates.sales.price.per_lead"), AmountMinor: major(1500), Unit: "qualified_lead"},
			{Kind: "revenue_share", Description: tx("templates.sales.price.share"), ShareBP: 500},
		}
		t.Sales = DefaultSales()
		t.Sales.Qualification = tx("templates.sales.lead_definition")

	case "support":
		t.Shape.Model = "operational"
		t.Calendar.PauseStates = []string{"waiting_for_client"}
		t.Services = []Service{{
			Key:                "ticket-handling",
			Name:               tx("templates.support.tickets.name"),
			Description:        tx("templates.support.tickets.description"),
			Deadline:           DeadlineRule{Kind: "business_days", N: 1},
			AcceptanceCriteria: tx("templates.support.tickets.criteria"),
			SLA:                &SLA{ResponseMinutes: 60, ResolutionMinutes: 480, OnTimeBP: 9500},
		}}
		t.Goals = []Goal{
			{Key: "satisfied-customers", Title: tx("templates.support.goal.title"), Description: tx("templates.support.goal.description")},
		}
		// The help desk's satisfaction surveys: the partner reports the
		// month's average score, the client confirms it.
		t.Metrics = []MetricDef{{Key: "customer_satisfaction", Name: tx("templates.support.metric.satisfaction"), Kind: "manual", Source: "partner", Scale: 1,
			Min: ptr(int64(10)), Max: ptr(int64(50))}}
		t.KPIs = []KPI{
			{Key: "response", GoalKey: "satisfied-customers", Metric: "sla_response_compliance", Name: tx("templates.support.kpi.response"), Target: 9500, Threshold: 8500, Scale: 2, Direction: "higher", Weight: 2, Period: "month"},
			{Key: "resolution", GoalKey: "satisfied-customers", Metric: "sla_resolution_compliance", Name: tx("templates.support.kpi.resolution"), Target: 9500, Threshold: 8000, Scale: 2, Direction: "higher", Weight: 3, Period: "month"},
			{Key: "csat", GoalKey: "satisfied-customers", Metric: "customer_satisfaction", Name: tx("templates.support.kpi.satisfaction"), Target: 45, Threshold: 35, Scale: 1, Direction: "higher", Weight: 2, Period: "month"},
		}
		t.Price.Components = []PriceComponent{
			{Kind: "fixed", Description: tx("templates.support.price.fixed"), AmountMinor: major(45000)},
			{Kind: "per_result", Description: tx("templates.support.price.per_ticket"), AmountMinor: major(50), Unit: "resolved_ticket"},
		}
		t.Penalties = Penalties{SLACreditBP: 500, SLACreditCapBP: 2000}

	case "development":
		t.Services = []Service{
			{
				Key:                "sprint-deliverables",
				Name:               tx("templates.development.sprint.name"),
				Description:        tx("templates.development.sprint.description"),
				Deadline:           DeadlineRule{Kind: "business_days", N: 10},
				AcceptanceCriteria: tx("templates.development.sprint.criteria"),
			},
			{
				Key:                "bug-fixes",
				Name:               tx("templates.development.bugs.name"),
				Description:        tx("templates.development.bugs.description"),
				Deadline:           DeadlineRule{Kind: "business_days", N: 3},
				AcceptanceCriteria: tx("templates.development.bugs.criteria"),
			},
		}
		t.Goals = []Goal{
			{Key: "deliver-roadmap", Title: tx("templates.development.goal.title"), Description: tx("templates.development.goal.description")},
		}
		t.KPIs = []KPI{
			{Key: "first-time", GoalKey: "deliver-roadmap", Metric: "first_time_acceptance", Name: tx("templates.development.kpi.first_time"), Target: 8500, Threshold: 5000, Scale: 2, Direction: "higher", Weight: 3, Period: "month"},
			{Key: "on-time", GoalKey: "deliver-roadmap", Metric: "on_time_share", Name: tx("templates.development.kpi.on_time"), Target: 9000, Threshold: 6000, Scale: 2, Direction: "higher", Weight: 2, Period: "month"},
			{Key: "returns", GoalKey: "deliver-roadmap", Metric: "returns_per_deliverable", Name: tx("templates.development.kpi.returns"), Target: 20, Threshold: 100, Scale: 2, Direction: "lower", Weight: 1, Period: "month"},
		}
		t.Price.Components = []PriceComponent{
			{Kind: "time", Description: tx("templates.development.price.hourly"), AmountMinor: major(1100), Unit: "hour"},
		}

	case "accounting":
		t.Shape.Model = "operational"
		t.Services = []Service{{
			Key:                "monthly-closing",
			Name:               tx("templates.accounting.closing.name"),
			Description:        tx("templates.accounting.closing.description"),
			Deadline:           DeadlineRule{Kind: "day_of_month", N: 10},
			AcceptanceCriteria: tx("templates.accounting.closing.criteria"),
		}}
		t.Goals = []Goal{
			{Key: "reliable-books", Title: tx("templates.accounting.goal.title"), Description: tx("templates.accounting.goal.description")},
		}
		t.KPIs = []KPI{
			{Key: "on-time", GoalKey: "reliable-books", Metric: "on_time_share", Name: tx("templates.accounting.kpi.on_time"), Target: 10000, Threshold: 8000, Scale: 2, Direction: "higher", Weight: 3, Period: "quarter"},
			{Key: "first-time", GoalKey: "reliable-books", Metric: "first_time_acceptance", Name: tx("templates.accounting.kpi.first_time"), Target: 9000, Threshold: 6000, Scale: 2, Direction: "higher", Weight: 2, Period: "quarter"},
			{Key: "notices", GoalKey: "reliable-books", Metric: "notice_timeliness", Name: tx("templates.accounting.kpi.notices"), Target: 10000, Threshold: 8000, Scale: 2, Direction: "higher", Weight: 1, Period: "quarter"},
		}
		t.Price.Components = []PriceComponent{
			{Kind: "fixed", Description: tx("templates.accounting.price.fixed"), AmountMinor: major(25000)},
		}

	case "executive":
		t.Services = []Service{{
			Key:                "weekly-consultation",
			Name:               tx("templates.executive.consultation.name"),
			Description:        tx("templates.executive.consultation.description"),
			Deadline:           DeadlineRule{Kind: "calendar_days", N: 7},
			AcceptanceCriteria: tx("templates.executive.consultation.criteria"),
		}}
		t.Goals = []Goal{
			{Key: "stronger-management", Title: tx("templates.executive.goal.title"), Description: tx("templates.executive.goal.description")},
		}
		t.KPIs = []KPI{
			{Key: "proposals", GoalKey: "stronger-management", Metric: "proposals_accepted", Name: tx("templates.executive.kpi.proposals"), Target: 4, Threshold: 1, Direction: "higher", Weight: 2, Period: "month"},
			{Key: "on-time", GoalKey: "stronger-management", Metric: "on_time_share", Name: tx("templates.executive.kpi.on_time"), Target: 8500, Threshold: 5000, Scale: 2, Direction: "higher", Weight: 1, Period: "month"},
		}
		t.Price.Components = []PriceComponent{
			{Kind: "per_result", Description: tx("templates.executive.price.per_meeting"), AmountMinor: major(17500), Unit: "meeting"},
		}
		t.Governance.Cadence = []Meeting{
			{Kind: "weekly_consultation", EveryDays: 7},
			{Kind: "monthly_review", EveryDays: 30},
		}

	default:
		t.Services = []Service{{
			Key:                "work-orders",
			Name:               tx("templates.other.orders.name"),
			Description:        tx("templates.other.orders.description"),
			Deadline:           DeadlineRule{Kind: "business_days", N: 10},
			AcceptanceCriteria: tx("templates.other.orders.criteria"),
		}}
		t.Goals = []Goal{
			{Key: "main-goal", Title: tx("templates.other.goal.title"), Description: tx("templates.other.goal.description")},
		}
		t.KPIs = []KPI{
			{Key: "on-time", GoalKey: "main-goal", Metric: "on_time_share", Name: tx("templates.other.kpi.on_time"), Target: 9000, Threshold: 6000, Scale: 2, Direction: "higher", Weight: 1, Period: "month"},
			{Key: "first-time", GoalKey: "main-goal", Metric: "first_time_acceptance", Name: tx("templates.other.kpi.first_time"), Target: 8500, Threshold: 5000, Scale: 2, Direction: "higher", Weight: 1, Period: "month"},
		}
		t.Price.Components = []PriceComponent{
			{Kind: "fixed", Description: tx("templates.other.price.fixed"), AmountMinor: major(45000)},
		}
	}
	return t
}

func ptr[T any](v T) *T { return &v }
