package contract

import (
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/tandemhq/tandem/internal/tandem"
)

// good returns well-formed, complete sales terms: the sales template with
// acceptors named.
func good() Terms {
	t := Template("sales", "SEK", "Europe/Stockholm")
	for i := range t.Services {
		t.Services[i].Acceptor = "Head of sales"
	}
	return t
}

// fieldErrs returns "field=key" for every field error of err, sorted.
func fieldErrs(t *testing.T, err error) []string {
	t.Helper()
	if err == nil {
		return nil
	}
	e, ok := tandem.AsError(err)
	if !ok || e.Code != tandem.EInvalid {
		t.Fatalf("want an EInvalid *tandem.Error, got %v", err)
	}
	var out []string
	for _, f := range e.Fields {
		out = append(out, f.Field+"="+string(f.Key))
	}
	sort.Strings(out)
	return out
}

func TestValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		edit func(*Terms)
		want []string // field=key, sorted
	}{
		{"good", func(*Terms) {}, nil},
		{"metric bounds", func(t *Terms) {
			lo, hi := int64(50), int64(10)
			t.Metrics = []MetricDef{
				{Key: "rating", Name: "Rating", Kind: MetricKindManual, Source: "client", Scale: 1, Min: &lo, Max: &hi},
				{Key: "ok", Name: "Bounded", Kind: MetricKindManual, Source: "client", Scale: 1, Min: &hi, Max: &lo},
				{Key: "ratio", Name: "Ratio", Kind: "formula", Formula: "rating / 2", Min: &lo},
			}
		}, []string{
			"metrics.0.max=contract.validation.metric_range",
			"metrics.2.min=contract.validation.range_not_allowed",
		}},
		{"empty draft", func(t *Terms) { *t = Terms{} }, nil},
		{"bad enums", func(t *Terms) {
			t.Shape.Model = "outstaff"
			t.Shape.Format = "office"
			t.Services[0].Deadline.Kind = "soon"
			t.Price.Period = "week"
		}, []string{
			"price.period=validation.one_of",
			"services.0.deadline.kind=validation.one_of",
			"shape.format=validation.one_of",
			"shape.model=validation.one_of",
		}},
		{"service keys", func(t *Terms) {
			t.Services[1].Key = "outbound-calls"
			t.Services = append(t.Services, Service{Key: "", Name: "Third"}, Service{Key: "Bad Key", Name: ""})
		}, []string{
			"services.1.key=contract.validation.duplicate_key",
			"services.2.key=validation.required",
			"services.3.key=contract.validation.key_format",
			"services.3.name=validation.required",
		}},
		{"deadline numbers", func(t *Terms) {
			t.Services[0].Deadline = DeadlineRule{Kind: "day_of_month", N: 32}
			t.Services[1].Deadline = DeadlineRule{Kind: "business_days", N: 0}
		}, []string{
			"services.0.deadline.n=contract.validation.day_of_month",
			"services.1.deadline.n=contract.validation.days_positive",
		}},
		{"sla", func(t *Terms) {
			t.Services[0].SLA = &SLA{ResponseMinutes: 120, ResolutionMinutes: 60, OnTimeBP: 10001}
			t.Services[1].SLA = &SLA{ResponseMinutes: -1}
		}, []string{
			"services.0.sla.on_time_bp=contract.validation.basis_points",
			"services.0.sla.resolution_minutes=contract.validation.resolution_before_response",
			"services.1.sla.response_minutes=contract.validation.negative",
		}},
		{"calendar", func(t *Terms) {
			t.Calendar = Calendar{TimeZone: "Europe/Atlantis", WorkDays: []int{1, 7}, DayStart: "17:00", DayEnd: "08:00",
				Holidays: []string{"2026-12-25", "2026-02-30", "25.12.2026"}, PauseStates: []string{"waiting for client"}}
		}, []string{
			"calendar.day_end=contract.validation.day_end_before_start",
			"calendar.holidays.1=validation.date",
			"calendar.holidays.2=validation.date",
			"calendar.pause_states.0=contract.validation.pause_state",
			"calendar.time_zone=validation.time_zone",
			"calendar.work_days.1=contract.validation.work_day",
		}},
		{"times of day", func(t *Terms) {
			t.Calendar.DayStart = "8:00"
			t.Calendar.DayEnd = ""
		}, []string{
			"calendar.day_end=validation.required",
			"calendar.day_start=contract.validation.time_of_day",
		}},
		{"equal day start and end", func(t *Terms) {
			t.Calendar.DayStart, t.Calendar.DayEnd = "09:00", "09:00"
		}, []string{"calendar.day_end=contract.validation.day_end_before_start"}},
		{"goals", func(t *Terms) {
			t.Goals[1].Key = "grow-sales"
			t.Goals[0].Title = " "
		}, []string{
			"goals.0.title=validation.required",
			"goals.1.key=contract.validation.duplicate_key",
			// the KPIs on the goal that is gone:
			"kpis.0.goal_key=contract.validation.unknown_goal",
			"kpis.1.goal_key=contract.validation.unknown_goal",
		}},
		{"kpis", func(t *Terms) {
			t.KPIs[0].GoalKey = "world-peace"
			t.KPIs[1].Weight = 0
			t.KPIs[1].Metric = "likes"
			t.KPIs[2].Target, t.KPIs[2].Threshold = 5, 5
			t.KPIs[3].Direction = "higher"
			t.KPIs[3].Target, t.KPIs[3].Threshold = 100, 200
			t.KPIs = append(t.KPIs, KPI{Key: "deals", GoalKey: "grow-sales", Metric: "returns_per_deliverable",
				Direction: "lower", Target: 50, Threshold: 20, Weight: 1, Period: "year", Scale: 7})
		}, []string{
			"kpis.0.goal_key=contract.validation.unknown_goal",
			"kpis.1.metric=contract.validation.unknown_metric",
			"kpis.1.weight=contract.validation.weight_positive",
			"kpis.2.target=contract.validation.target_equals_threshold",
			"kpis.3.target=contract.validation.target_below_threshold",
			"kpis.4.key=contract.validation.duplicate_key",
			"kpis.4.period=validation.one_of",
			"kpis.4.scale=contract.validation.scale",
			"kpis.4.target=contract.validation.target_above_threshold",
		}},
		{"kpi required parts", func(t *Terms) {
			t.KPIs = []KPI{{Key: "x", Weight: 1, Target: 1}}
		}, []string{
			"kpis.0.direction=validation.required",
			"kpis.0.goal_key=validation.required",
			"kpis.0.metric=validation.required",
			"kpis.0.period=validation.required",
		}},
		{"price", func(t *Terms) {
			t.Price.Currency = "SEKK"
			t.Price.Components[0].AmountMinor = -1
			t.Price.Components[0].Unit = "hour"
			t.Price.Components[1].Unit = "hour"
			t.Price.Components[2].ShareBP = 10001
			t.Price.Components = append(t.Price.Components, PriceComponent{Kind: "time"}, PriceComponent{Kind: "barter"})
			t.Price.CapMinor, t.Price.FloorMinor = 100, 200
			t.Price.PrepaymentBP = -5
			t.Price.DaysToPay = -1
			t.Price.Changes = []PriceChange{{Date: "2026-13-01"}}
		}, []string{
			"price.cap_minor=contract.validation.cap_below_floor",
			"price.changes.0.date=validation.date",
			"price.changes.0.justification=validation.required",
			"price.components.0.amount_minor=contract.validation.negative",
			"price.components.0.unit=contract.validation.unit_not_allowed",
			"price.components.1.unit=validation.one_of",
			"price.components.2.share_bp=contract.validation.basis_points",
			"price.components.3.unit=validation.required",
			"price.components.4.kind=validation.one_of",
			"price.currency=validation.currency",
			"price.days_to_pay=contract.validation.negative",
			"price.prepayment_bp=contract.validation.basis_points",
		}},
		{"price for a service", func(t *Terms) {
			t.Price.Components[0].Service = t.Services[0].Key // fixed: no service
			t.Price.Components[1].Service = "no-such-service"
			t.Price.Components = append(t.Price.Components,
				PriceComponent{Kind: "time", Unit: "hour", AmountMinor: 100000, Service: t.Services[0].Key},
				PriceComponent{Kind: "per_result", Unit: "meeting", AmountMinor: 100000, Service: t.Services[1].Key})
		}, []string{
			"price.components.0.service=contract.validation.service_not_allowed",
			"price.components.1.service=contract.validation.unknown_service",
		}},
		{"lower-case currency before Normalize", func(t *Terms) { t.Price.Currency = "sek" },
			[]string{"price.currency=validation.currency"}},
		{"components need a currency", func(t *Terms) { t.Price.Currency = "" },
			[]string{"price.currency=validation.required"}},
		{"notices", func(t *Terms) {
			t.Notices[1].Category = "deadline_at_risk"
			t.Notices[2].Category = "gossip"
			t.Notices[3].WithinHours = 0
			t.Notices[4].PenaltyMinor = -100
		}, []string{
			"notices.1.category=contract.validation.duplicate_category",
			"notices.2.category=validation.one_of",
			"notices.3.within_hours=contract.validation.hours_positive",
			"notices.4.penalty_minor=contract.validation.negative",
		}},
		{"penalties", func(t *Terms) {
			t.Penalties = Penalties{SLACreditBP: 20000, SLACreditCapBP: -1,
				BonusMalus: []BonusMalus{{MinScore: 90, AdjustBP: 1000}, {MinScore: 101, AdjustBP: -10001}}}
		}, []string{
			"penalties.bonus_malus.1.adjust_bp=contract.validation.adjust_range",
			"penalties.bonus_malus.1.min_score=contract.validation.score_range",
			"penalties.sla_credit_bp=contract.validation.basis_points",
			"penalties.sla_credit_cap_bp=contract.validation.basis_points",
		}},
		{"pilot", func(t *Terms) { t.Shape.Pilot = true }, []string{
			"shape.pilot_criteria=validation.required",
			"shape.pilot_ends=validation.required",
		}},
		{"pilot complete", func(t *Terms) {
			t.Shape.Pilot, t.Shape.PilotEnds, t.Shape.PilotCriteria = true, "2026-09-30", "20 qualified leads"
		}, nil},
		{"pilot date", func(t *Terms) {
			t.Shape.Pilot, t.Shape.PilotEnds, t.Shape.PilotCriteria = true, "2026-9-30", "x"
		}, []string{"shape.pilot_ends=validation.date"}},
		{"negative counts", func(t *Terms) {
			t.Shape.TermMonths = -1
			t.Shape.NoticeDays = -1
			t.Confidentiality.YearsAfter = -1
			t.Termination.DeadlineDays = -1
			t.Termination.ConsultationHours = -1
		}, []string{
			"confidentiality.years_after=contract.validation.negative",
			"shape.notice_days=contract.validation.negative",
			"shape.term_months=contract.validation.negative",
			"termination.consultation_hours=contract.validation.negative",
			"termination.deadline_days=contract.validation.negative",
		}},
		{"governance", func(t *Terms) {
			t.Governance.Committee = []CommitteeMember{{Name: "Anna", Side: "client"}, {Name: "", Side: "vendor"}}
			t.Governance.Cadence = append(t.Governance.Cadence, Meeting{Kind: "party", EveryDays: 0})
		}, []string{
			"governance.cadence.2.every_days=contract.validation.every_days",
			"governance.cadence.2.kind=validation.one_of",
			"governance.committee.1.name=validation.required",
			"governance.committee.1.side=validation.one_of",
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			terms := good()
			tc.edit(&terms)
			got := fieldErrs(t, terms.Validate())
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Validate:\n got  %s\n want %s", strings.Join(got, "\n      "), strings.Join(tc.want, "\n      "))
			}
		})
	}
}

func TestNormalize(t *testing.T) {
	t.Parallel()
	terms := Terms{
		Shape:    Shape{Model: " functional ", PilotCriteria: "  leads  "},
		Services: []Service{{Key: " calls ", Name: " Calls\n", Deadline: DeadlineRule{Kind: "business_days "}}},
		Calendar: Calendar{
			TimeZone:    " Europe/Moscow ",
			WorkDays:    []int{5, 1, 3, 1, 5},
			DayStart:    " 09:00",
			Holidays:    []string{"2026-12-31", " 2026-01-01", "2026-12-31", ""},
			PauseStates: []string{"waiting_for_client", " waiting_for_client", "", "on_hold"},
		},
		KPIs:  []KPI{{Key: "a", Weight: 0}, {Key: "b", Weight: 3}, {Key: "c", Weight: -2, Scale: 0}},
		Price: Price{Currency: " eur ", Components: []PriceComponent{{Kind: " fixed", Unit: " "}}},
	}
	terms.Normalize()
	if terms.Shape.Model != "functional" || terms.Shape.PilotCriteria != "leads" {
		t.Errorf("shape not trimmed: %+v", terms.Shape)
	}
	if s := terms.Services[0]; s.Key != "calls" || s.Name != "Calls" || s.Deadline.Kind != "business_days" {
		t.Errorf("service not trimmed: %+v", s)
	}
	c := terms.Calendar
	if c.TimeZone != "Europe/Moscow" || c.DayStart != "09:00" {
		t.Errorf("calendar not trimmed: %+v", c)
	}
	if !reflect.DeepEqual(c.WorkDays, []int{1, 3, 5}) {
		t.Errorf("WorkDays = %v, want [1 3 5]", c.WorkDays)
	}
	if !reflect.DeepEqual(c.Holidays, []string{"2026-01-01", "2026-12-31"}) {
		t.Errorf("Holidays = %v", c.Holidays)
	}
	if !reflect.DeepEqual(c.PauseStates, []string{"waiting_for_client", "on_hold"}) {
		t.Errorf("PauseStates = %v", c.PauseStates)
	}
	if w := []int{terms.KPIs[0].Weight, terms.KPIs[1].Weight, terms.KPIs[2].Weight}; !reflect.DeepEqual(w, []int{1, 3, -2}) {
		t.Errorf("weights = %v, want [1 3 -2]", w)
	}
	if terms.Price.Currency != "EUR" || terms.Price.Components[0].Kind != "fixed" || terms.Price.Components[0].Unit != "" {
		t.Errorf("price = %+v", terms.Price)
	}

	// Normalizing a template changes nothing.
	tpl := Template("support", "rub", "Europe/Moscow")
	before := Template("support", "rub", "Europe/Moscow")
	tpl.Normalize()
	if !reflect.DeepEqual(tpl, before) {
		t.Errorf("Normalize changed a template:\n%v", Diff(before, tpl))
	}
}
