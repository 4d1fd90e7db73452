package contract

import (
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/tandemhq/tandem/internal/i18n"
)

// ids returns the IDs of fs.
func ids(fs []Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.ID())
	}
	return out
}

func TestTemplatesValidateAndCheck(t *testing.T) {
	t.Parallel()
	wantServices := map[string]int{"sales": 2, "support": 1, "development": 2, "accounting": 1, "executive": 1, "other": 1}
	for _, kind := range Kinds {
		for _, lang := range i18n.Supported {
			t.Run(kind+"/"+string(lang), func(t *testing.T) {
				t.Parallel()
				checkTemplate(t, TemplateIn(kind, "SEK", "Europe/Stockholm", lang), kind, wantServices[kind])
			})
		}
	}
}

// checkTemplate checks a fresh template of kind: valid, n services, and
// Check wants only the acceptors.
func checkTemplate(t *testing.T, terms Terms, kind string, nServices int) {
	t.Helper()
	if err := terms.Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	if n := len(terms.Services); n != nServices {
		t.Fatalf("%d services, want %d", n, nServices)
	}
	if n := len(terms.KPIs); n == 0 || n > MaxKPIs {
		t.Errorf("%d KPIs", n)
	}
	in := CheckInput{EngagementKind: kind}

	// Fresh: exactly one no_acceptor error per service, nothing else.
	fs := Check(terms, in)
	var want []string
	for i := range terms.Services {
		want = append(want, "no_acceptor:services."+strconv.Itoa(i)+".acceptor")
	}
	if got := ids(fs); !reflect.DeepEqual(got, want) {
		t.Errorf("fresh template findings = %v, want %v", got, want)
	}
	if Errors(fs) != len(terms.Services) || len(Warnings(fs)) != 0 {
		t.Errorf("Errors = %d, Warnings = %d", Errors(fs), len(Warnings(fs)))
	}

	// Acceptors named: clean.
	for i := range terms.Services {
		terms.Services[i].Acceptor = "Engagement manager"
	}
	if fs := Check(terms, in); len(fs) != 0 {
		t.Errorf("findings with acceptors = %v", ids(fs))
	}
}

func TestTemplateContents(t *testing.T) {
	t.Parallel()
	s := Template("sales", "sek", "Europe/Stockholm")
	if s.Price.Currency != "SEK" {
		t.Errorf("currency = %q", s.Price.Currency)
	}
	// 45 000,00 SEK fixed, 1 500,00 SEK per qualified lead, 5 % of revenue.
	want := []PriceComponent{
		{Kind: "fixed", AmountMinor: 4500000},
		{Kind: "per_result", AmountMinor: 150000, Unit: "qualified_lead"},
		{Kind: "revenue_share", ShareBP: 500},
	}
	for i, w := range want {
		c := s.Price.Components[i]
		if c.Kind != w.Kind || c.AmountMinor != w.AmountMinor || c.Unit != w.Unit || c.ShareBP != w.ShareBP {
			t.Errorf("component %d = %+v, want %+v", i, c, w)
		}
	}
	if s.Services[1].AcceptanceCriteria != "A qualified lead has a named decision maker, a confirmed need and a next step." {
		t.Errorf("lead qualification criteria = %q", s.Services[1].AcceptanceCriteria)
	}
	var metrics []string
	for _, k := range s.KPIs {
		metrics = append(metrics, k.Metric)
	}
	if !reflect.DeepEqual(metrics, []string{"qualified_leads", "meetings_held", "deals_won", "conversion_rate"}) {
		t.Errorf("sales metrics = %v", metrics)
	}
	if len(s.Notices) != 6 || s.Notices[0].WithinHours != 24 || s.Confidentiality.YearsAfter != 5 ||
		s.Termination.DeadlineDays != 10 || s.Termination.ConsultationHours != 5 ||
		!strings.Contains(s.Termination.DataFormat, "CSV/XLSX") {
		t.Errorf("sales clauses: %+v %+v %+v", s.Notices, s.Confidentiality, s.Termination)
	}
	if got := s.Governance.Cadence; !reflect.DeepEqual(got, []Meeting{{"weekly_checkin", 7}, {"monthly_review", 30}}) {
		t.Errorf("sales cadence = %v", got)
	}

	// JPY has no minor unit: 45 000 JPY is 45000 minor units.
	if a := Template("sales", "JPY", "Asia/Tokyo").Price.Components[0].AmountMinor; a != 45000 {
		t.Errorf("JPY fixed fee = %d, want 45000", a)
	}

	sup := Template("support", "EUR", "Europe/Berlin")
	if sla := sup.Services[0].SLA; sla == nil || *sla != (SLA{ResponseMinutes: 60, ResolutionMinutes: 480, OnTimeBP: 9500}) {
		t.Errorf("support SLA = %+v", sla)
	}
	c := sup.Calendar
	if c.TimeZone != "Europe/Berlin" || !reflect.DeepEqual(c.WorkDays, []int{1, 2, 3, 4, 5}) || c.DayStart != "08:00" ||
		c.DayEnd != "17:00" || !reflect.DeepEqual(c.PauseStates, []string{"waiting_for_client"}) {
		t.Errorf("support calendar = %+v", c)
	}

	ex := Template("executive", "RUB", "Europe/Moscow")
	if ex.Governance.Cadence[0].Kind != "weekly_consultation" {
		t.Errorf("executive cadence = %v", ex.Governance.Cadence)
	}
	acc := Template("accounting", "SEK", "Europe/Stockholm")
	for _, want := range []string{"accounting_error", "penalty_risk", "third_party_request"} {
		found := false
		for _, n := range acc.Notices {
			found = found || n.Category == want
		}
		if !found {
			t.Errorf("accounting template lacks notice %s", want)
		}
	}
	dev := Template("development", "USD", "America/New_York")
	if dev.KPIs[0].Metric != "first_time_acceptance" {
		t.Errorf("development KPIs = %+v", dev.KPIs)
	}
	if other := Template("unknown kind", "SEK", "UTC"); other.Services[0].Key != "work-orders" {
		t.Errorf("unknown kind should get the other template")
	}
}

func TestCheckEachFinding(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		kind string
		nda  []string
		edit func(*Terms)
		want []string // IDs
	}{
		{"clean", "sales", nil, func(*Terms) {}, nil},
		{"no services", "sales", nil, func(t *Terms) { t.Services = nil },
			[]string{"imprecise_services:services"}},
		{"short description", "sales", nil, func(t *Terms) { t.Services[1].Description = "Qualify leads well, promptly." }, // 29 characters
			[]string{"imprecise_services:services.1.description"}},
		{"description of exactly 30 characters", "sales", nil, func(t *Terms) { t.Services[1].Description = "Qualify leads well, promptly!!" }, nil},
		{"short description in Cyrillic", "sales", nil, func(t *Terms) {
			t.Services[0].Description = "Обзвон базы клиентов по списку" // 30 runes, 57 bytes
			t.Services[1].Description = "Квалификация лидов по скрипту"  // 29 runes
		}, []string{"imprecise_services:services.1.description"}},
		{"deadline none", "sales", nil, func(t *Terms) { t.Services[0].Deadline = DeadlineRule{Kind: "none"} },
			[]string{"imprecise_services:services.0.deadline"}},
		{"deadline missing", "sales", nil, func(t *Terms) { t.Services[1].Deadline = DeadlineRule{} },
			[]string{"imprecise_services:services.1.deadline"}},
		{"no confidentiality clause", "sales", nil, func(t *Terms) { t.Confidentiality.Clause = false },
			[]string{"no_confidentiality:confidentiality.clause"}},
		{"confidentiality ends with the contract", "sales", nil, func(t *Terms) { t.Confidentiality.YearsAfter = 0 },
			[]string{"no_confidentiality:confidentiality.years_after"}},
		{"people without NDA", "sales", []string{"Ivan Petrov", "Eva Berg"}, func(*Terms) {},
			[]string{"people_without_nda:confidentiality"}},
		{"no termination clause", "sales", nil, func(t *Terms) { t.Termination.Clause = false },
			[]string{"no_termination:termination.clause"}},
		{"termination without format and deadline", "sales", nil, func(t *Terms) {
			t.Termination.DataFormat = " "
			t.Termination.DeadlineDays = 0
		}, []string{"no_termination:termination.data_format", "no_termination:termination.deadline_days"}},
		{"no price", "sales", nil, func(t *Terms) { t.Price.Components = nil },
			[]string{"no_price:price.components"}},
		{"empty price component", "sales", nil, func(t *Terms) { t.Price.Components[1].AmountMinor = 0 },
			[]string{"no_price:price.components.1"}},
		{"revenue share without share", "sales", nil, func(t *Terms) { t.Price.Components[2].ShareBP = 0 },
			[]string{"no_price:price.components.2"}},
		{"no payment terms", "sales", nil, func(t *Terms) { t.Price.DaysToPay = 0 },
			[]string{"no_payment_terms:price.days_to_pay"}},
		{"no acceptance", "sales", nil, func(t *Terms) { t.Services[0].AcceptanceCriteria = "" },
			[]string{"no_acceptance:services.0.acceptance_criteria"}},
		{"no acceptor", "sales", nil, func(t *Terms) { t.Services[1].Acceptor = "  " },
			[]string{"no_acceptor:services.1.acceptor"}},
		{"five KPIs is fine", "sales", nil, func(t *Terms) {
			t.KPIs = append(t.KPIs, KPI{Key: "revenue", GoalKey: "grow-sales", Metric: "revenue", Target: 2, Threshold: 1, Direction: "higher", Weight: 1, Period: "month"})
		}, nil},
		{"six KPIs", "sales", nil, func(t *Terms) {
			t.KPIs = append(t.KPIs,
				KPI{Key: "revenue", GoalKey: "grow-sales", Metric: "revenue", Target: 2, Threshold: 1, Direction: "higher", Weight: 1, Period: "month"},
				KPI{Key: "churn", GoalKey: "grow-base", Metric: "client_churn", Target: 1, Threshold: 2, Direction: "lower", Weight: 1, Period: "month"})
		}, []string{"too_many_kpis:kpis"}},
		{"activity KPI", "sales", nil, func(t *Terms) { t.KPIs[1].Metric = "calls_made" },
			[]string{"activity_kpi:kpis.1.metric"}},
		{"no KPIs", "sales", nil, func(t *Terms) { t.KPIs = nil },
			[]string{"no_kpis:kpis"}},
		{"no cadence", "sales", nil, func(t *Terms) { t.Governance.Cadence = nil },
			[]string{"no_governance_cadence:governance.cadence"}},
		{"no notice duties", "sales", nil, func(t *Terms) { t.Notices = nil },
			[]string{"no_notice_duties:notices"}},
		{"no SLA on a support engagement", "support", nil, func(t *Terms) { t.Services[1].SLA = nil },
			[]string{"no_sla:services.1.sla"}},
		{"no SLA elsewhere is fine", "sales", nil, func(t *Terms) { t.Services[1].SLA = nil }, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			terms := good()
			if tc.kind == "support" {
				sla := &SLA{ResponseMinutes: 60, ResolutionMinutes: 480, OnTimeBP: 9500}
				for i := range terms.Services {
					terms.Services[i].SLA = sla
				}
			}
			tc.edit(&terms)
			fs := Check(terms, CheckInput{PeopleWithoutNDA: tc.nda, EngagementKind: tc.kind})
			if got := ids(fs); !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("findings = %v, want %v", got, tc.want)
			}
			for _, f := range fs {
				if f.Key == "" || f.FixKey == "" {
					t.Errorf("%s: missing message or fix key", f.ID())
				}
				wantSev := SeverityError
				switch f.Code {
				case CodeTooManyKPIs, CodeActivityKPI, CodeNoSLA, CodeNoGovernanceCadence, CodeNoKPIs, CodeNoNoticeDuties:
					wantSev = SeverityWarning
				}
				if f.Severity != wantSev {
					t.Errorf("%s: severity %s, want %s", f.ID(), f.Severity, wantSev)
				}
			}
		})
	}
}

func TestCheckArgsAndMessages(t *testing.T) {
	t.Parallel()
	terms := good()
	terms.Services[0].Description = "Calls"
	terms.KPIs[1].Metric = "hours_worked"
	terms.KPIs = append(terms.KPIs,
		KPI{Key: "k5", Metric: "revenue"}, KPI{Key: "k6", Metric: "revenue"}, KPI{Key: "k7", Metric: "revenue"})
	fs := Check(terms, CheckInput{PeopleWithoutNDA: []string{"Ivan Petrov", "Eva Berg"}, EngagementKind: "sales"})
	if Errors(fs) != 2 || len(Warnings(fs)) != 2 {
		t.Fatalf("findings = %v", ids(fs))
	}
	byCode := map[string]Finding{}
	for _, f := range fs {
		byCode[f.Code] = f
	}
	c := i18n.MustLoad()
	for _, tc := range []struct {
		code string
		lang i18n.Lang
		want string
	}{
		{CodeImpreciseServices, i18n.EN, "The description of “Outbound calling” is too short to say what is owed."},
		{CodePeopleWithoutNDA, i18n.EN, "Partner people with access but no NDA on file: Ivan Petrov, Eva Berg."},
		{CodeTooManyKPIs, i18n.SV, "7 KPI:er är för många; behåll högst 5."},
		{CodeActivityKPI, i18n.RU, "KPI «Meetings held» измеряет активность (Отработанные часы), а не результат."},
	} {
		f := byCode[tc.code]
		if got := c.For(tc.lang, nil).T(string(f.Key), f.Args...); got != tc.want {
			t.Errorf("%s [%s] = %q, want %q", tc.code, tc.lang, got, tc.want)
		}
	}
	f := byCode[CodeImpreciseServices]
	if got := c.For(i18n.EN, nil).T(string(f.FixKey), f.Args...); !strings.Contains(got, "at least 30 characters") {
		t.Errorf("fix = %q", got)
	}
	// Every key a finding carries exists in every language.
	for _, f := range fs {
		for _, k := range []i18n.Key{f.Key, f.FixKey, FindingTitle(f.Code)} {
			for _, lang := range i18n.Supported {
				if !c.Has(lang, string(k)) {
					t.Errorf("%s missing in %s", k, lang)
				}
			}
		}
	}
}

func TestErrorsAndWarnings(t *testing.T) {
	t.Parallel()
	fs := []Finding{
		{Code: "a", Severity: SeverityError, Field: "x"},
		{Code: "b", Severity: SeverityWarning, Field: "y"},
		{Code: "c", Severity: SeverityError, Field: "z"},
		{Code: "d", Severity: SeverityWarning, Field: "w.0"},
	}
	if Errors(fs) != 2 {
		t.Errorf("Errors = %d", Errors(fs))
	}
	if got := ids(Warnings(fs)); !reflect.DeepEqual(got, []string{"b:y", "d:w.0"}) {
		t.Errorf("Warnings = %v", got)
	}
	if Errors(nil) != 0 || Warnings(nil) != nil {
		t.Error("nil input")
	}
}
