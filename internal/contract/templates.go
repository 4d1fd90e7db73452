package contract

import (
	"strings"

	"github.com/tandemhq/tandem/internal/money"
)

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
// The free texts (descriptions, criteria, clauses) are in English: they
// are contract wording for the parties to edit, not interface text.
func Template(kind string, currency string, tz string) Terms {
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
			Liability: "The partner is liable for any disclosure of the client's commercial, official or other secrets, " +
				"including by its staff, and compensates the client's losses in full.",
		},
		Termination: Termination{
			Clause:                true,
			DataFormat:            "All records, documents and contacts of the engagement as a CSV/XLSX export",
			DeadlineDays:          10,
			RecordsAccessIncluded: true,
			ConsultationHours:     5,
		},
		Governance: Governance{
			Powers: "The steering committee approves changes of scope, price and KPIs, and decides on escalations.",
			Cadence: []Meeting{
				{Kind: "weekly_checkin", EveryDays: 7},
				{Kind: "monthly_review", EveryDays: 30},
			},
			HandoverRule: "When a responsible person changes, the outgoing person hands over all information and " +
				"documents to the successor in writing within 5 business days, and the other side is notified.",
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
				Key:  "outbound-calls",
				Name: "Outbound calling",
				Description: "Calling the target accounts of the agreed lists: getting past the gatekeeper, reaching the " +
					"decision maker, identifying needs, presenting, handling objections and following up until a next step is agreed.",
				Deadline: DeadlineRule{Kind: "business_days", N: 10},
				AcceptanceCriteria: "Every account of a list is worked within the deadline; every call is recorded in Tandem " +
					"with its outcome, recording and agreed next step.",
			},
			{
				Key:  "lead-qualification",
				Name: "Lead qualification",
				Description: "Qualifying the prospects found by calling and handing each qualified lead over to the " +
					"client's sales team with the notes of the conversation.",
				Deadline:           DeadlineRule{Kind: "business_days", N: 2},
				AcceptanceCriteria: "A qualified lead has a named decision maker, a confirmed need and a next step.",
			},
		}
		t.Goals = []Goal{
			{Key: "grow-sales", Title: "Grow sales in the target segment", Description: "More closed deals and revenue from new clients."},
			{Key: "grow-base", Title: "Grow the client base", Description: "More qualified prospects in the pipeline."},
		}
		t.KPIs = []KPI{
			{Key: "qualified-leads", GoalKey: "grow-base", Metric: "qualified_leads", Name: "Qualified leads", Target: 40, Threshold: 10, Direction: "higher", Weight: 3, Period: "month"},
			{Key: "meetings", GoalKey: "grow-base", Metric: "meetings_held", Name: "Meetings held", Target: 12, Threshold: 3, Direction: "higher", Weight: 2, Period: "month"},
			{Key: "deals", GoalKey: "grow-sales", Metric: "deals_won", Name: "Deals won", Target: 4, Threshold: 0, Direction: "higher", Weight: 3, Period: "month"},
			{Key: "conversion", GoalKey: "grow-sales", Metric: "conversion_rate", Name: "Lead-to-deal conversion", Target: 1000, Threshold: 200, Scale: 2, Direction: "higher", Weight: 2, Period: "quarter"},
		}
		t.Price.Components = []PriceComponent{
			{Kind: "fixed", Description: "Monthly fee", AmountMinor: major(45000)},
			{Kind: "per_result", Description: "Per qualified lead accepted by the client", AmountMinor: major(1500), Unit: "qualified_lead"},
			{Kind: "revenue_share", Description: "Share of the revenue of deals won", ShareBP: 500},
		}
		t.Sales = DefaultSales()

	case "support":
		t.Shape.Model = "operational"
		t.Calendar.PauseStates = []string{"waiting_for_client"}
		t.Services = []Service{{
			Key:  "ticket-handling",
			Name: "Ticket handling",
			Description: "Answering and resolving the end users' support requests by e-mail, chat and phone in the " +
				"client's help desk, following the knowledge base and escalating what cannot be resolved at this level.",
			Deadline: DeadlineRule{Kind: "business_days", N: 1},
			AcceptanceCriteria: "A ticket counts as resolved when the requester confirms the solution or does not reopen " +
				"it within 5 business days, and the answer is consistent with the knowledge base.",
			SLA: &SLA{ResponseMinutes: 60, ResolutionMinutes: 480, OnTimeBP: 9500},
		}}
		t.Goals = []Goal{
			{Key: "satisfied-customers", Title: "Keep customers satisfied", Description: "Fast, correct answers to the client's customers."},
		}
		// The help desk's satisfaction surveys: the partner reports the
		// month's average score, the client confirms it.
		t.Metrics = []MetricDef{{Key: "customer_satisfaction", Name: "Customer satisfaction (1–5, surveys)", Kind: "manual", Source: "partner", Scale: 1,
			Min: ptr(int64(10)), Max: ptr(int64(50))}}
		t.KPIs = []KPI{
			{Key: "response", GoalKey: "satisfied-customers", Metric: "sla_response_compliance", Name: "Responses within SLA", Target: 9500, Threshold: 8500, Scale: 2, Direction: "higher", Weight: 2, Period: "month"},
			{Key: "resolution", GoalKey: "satisfied-customers", Metric: "sla_resolution_compliance", Name: "Resolutions within SLA", Target: 9500, Threshold: 8000, Scale: 2, Direction: "higher", Weight: 3, Period: "month"},
			{Key: "csat", GoalKey: "satisfied-customers", Metric: "customer_satisfaction", Name: "Customer satisfaction", Target: 45, Threshold: 35, Scale: 1, Direction: "higher", Weight: 2, Period: "month"},
		}
		t.Price.Components = []PriceComponent{
			{Kind: "fixed", Description: "Monthly fee for the help desk", AmountMinor: major(45000)},
			{Kind: "per_result", Description: "Per resolved ticket", AmountMinor: major(50), Unit: "resolved_ticket"},
		}
		t.Penalties = Penalties{SLACreditBP: 500, SLACreditCapBP: 2000}

	case "development":
		t.Services = []Service{
			{
				Key:  "sprint-deliverables",
				Name: "Sprint deliverables",
				Description: "Developing the user stories agreed at each sprint planning, with automated tests, code " +
					"review and documentation, delivered to the client's staging environment at the end of the sprint.",
				Deadline: DeadlineRule{Kind: "business_days", N: 10},
				AcceptanceCriteria: "A deliverable is accepted when the acceptance tests of its user stories pass on staging, " +
					"the code is reviewed and merged, and the documentation is updated.",
			},
			{
				Key:  "bug-fixes",
				Name: "Bug fixes",
				Description: "Fixing defects reported by the client in the delivered software, with a regression test " +
					"for each fix.",
				Deadline:           DeadlineRule{Kind: "business_days", N: 3},
				AcceptanceCriteria: "The defect can no longer be reproduced on staging and a regression test covers it.",
			},
		}
		t.Goals = []Goal{
			{Key: "deliver-roadmap", Title: "Deliver the product roadmap", Description: "Working software on time and right the first time."},
		}
		t.KPIs = []KPI{
			{Key: "first-time", GoalKey: "deliver-roadmap", Metric: "first_time_acceptance", Name: "Accepted the first time", Target: 8500, Threshold: 5000, Scale: 2, Direction: "higher", Weight: 3, Period: "month"},
			{Key: "on-time", GoalKey: "deliver-roadmap", Metric: "on_time_share", Name: "Delivered on time", Target: 9000, Threshold: 6000, Scale: 2, Direction: "higher", Weight: 2, Period: "month"},
			{Key: "returns", GoalKey: "deliver-roadmap", Metric: "returns_per_deliverable", Name: "Returns per deliverable", Target: 20, Threshold: 100, Scale: 2, Direction: "lower", Weight: 1, Period: "month"},
		}
		t.Price.Components = []PriceComponent{
			{Kind: "time", Description: "Hourly rate of the development team", AmountMinor: major(1100), Unit: "hour"},
		}

	case "accounting":
		t.Shape.Model = "operational"
		t.Services = []Service{{
			Key:  "monthly-closing",
			Name: "Monthly closing",
			Description: "Booking all vouchers of the month, reconciling bank and ledger accounts, preparing the VAT " +
				"return and delivering the monthly closing report.",
			Deadline: DeadlineRule{Kind: "day_of_month", N: 10},
			AcceptanceCriteria: "The closing report is accepted when all accounts are reconciled, the VAT return is ready " +
				"to file and the client's controller has no open questions.",
		}}
		t.Goals = []Goal{
			{Key: "reliable-books", Title: "Reliable books on time", Description: "Correct accounts every month and no penalties from the authorities."},
		}
		t.KPIs = []KPI{
			{Key: "on-time", GoalKey: "reliable-books", Metric: "on_time_share", Name: "Closings on time", Target: 10000, Threshold: 8000, Scale: 2, Direction: "higher", Weight: 3, Period: "quarter"},
			{Key: "first-time", GoalKey: "reliable-books", Metric: "first_time_acceptance", Name: "Closings accepted the first time", Target: 9000, Threshold: 6000, Scale: 2, Direction: "higher", Weight: 2, Period: "quarter"},
			{Key: "notices", GoalKey: "reliable-books", Metric: "notice_timeliness", Name: "Notices in time", Target: 10000, Threshold: 8000, Scale: 2, Direction: "higher", Weight: 1, Period: "quarter"},
		}
		t.Price.Components = []PriceComponent{
			{Kind: "fixed", Description: "Monthly fee for bookkeeping and closing", AmountMinor: major(25000)},
		}

	case "executive":
		t.Services = []Service{{
			Key:  "weekly-consultation",
			Name: "Weekly consultation",
			Description: "A weekly consultation of the outsourced executive with the client's own manager: reviewing " +
				"results, choosing management tools and planning their introduction, which the client's manager carries out.",
			Deadline: DeadlineRule{Kind: "calendar_days", N: 7},
			AcceptanceCriteria: "Each consultation ends with written notes in Tandem: the decisions taken, the tools to " +
				"introduce and the action items with owners and dates.",
		}}
		t.Goals = []Goal{
			{Key: "stronger-management", Title: "Stronger management", Description: "The client's own manager introduces working tools, and the knowledge stays in the company."},
		}
		t.KPIs = []KPI{
			{Key: "proposals", GoalKey: "stronger-management", Metric: "proposals_accepted", Name: "Proposals put in place", Target: 4, Threshold: 1, Direction: "higher", Weight: 2, Period: "month"},
			{Key: "on-time", GoalKey: "stronger-management", Metric: "on_time_share", Name: "Action items done on time", Target: 8500, Threshold: 5000, Scale: 2, Direction: "higher", Weight: 1, Period: "month"},
		}
		t.Price.Components = []PriceComponent{
			{Kind: "per_result", Description: "Per consultation held", AmountMinor: major(17500), Unit: "meeting"},
		}
		t.Governance.Cadence = []Meeting{
			{Kind: "weekly_consultation", EveryDays: 7},
			{Kind: "monthly_review", EveryDays: 30},
		}

	default:
		t.Services = []Service{{
			Key:  "work-orders",
			Name: "Work orders",
			Description: "The work described in each work order the client places, delivered in the agreed form, with " +
				"its status reported weekly.",
			Deadline: DeadlineRule{Kind: "business_days", N: 10},
			AcceptanceCriteria: "The deliverable matches the work order; a returned deliverable is reworked within 5 " +
				"business days.",
		}}
		t.Goals = []Goal{
			{Key: "main-goal", Title: "The business goal of the engagement", Description: "Replace with what the business gains from this work."},
		}
		t.KPIs = []KPI{
			{Key: "on-time", GoalKey: "main-goal", Metric: "on_time_share", Name: "Delivered on time", Target: 9000, Threshold: 6000, Scale: 2, Direction: "higher", Weight: 1, Period: "month"},
			{Key: "first-time", GoalKey: "main-goal", Metric: "first_time_acceptance", Name: "Accepted the first time", Target: 8500, Threshold: 5000, Scale: 2, Direction: "higher", Weight: 1, Period: "month"},
		}
		t.Price.Components = []PriceComponent{
			{Kind: "fixed", Description: "Monthly fee", AmountMinor: major(45000)},
		}
	}
	return t
}

func ptr[T any](v T) *T { return &v }
