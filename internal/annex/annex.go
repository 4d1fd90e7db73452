// Package annex renders the printable contract annex of an engagement: all
// terms in force, in the workspace's language, as a PDF (PDF) and as plain
// localized strings (Header and Sections) for the HTML print view. The PDF
// is built from the same Header and Sections, so both print exactly the same
// thing.
//
// Every label comes from the message catalogues (annex.* keys, enum values
// under contract.<group>.<value>); amounts, percentages, numbers and dates
// are formatted by the i18n.Localizer.
package annex

import (
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/metric"
	"github.com/tandemhq/tandem/internal/money"
)

// Input is everything the annex shows: who the contract is between, which
// version of the terms, and the terms themselves.
type Input struct {
	WorkspaceName   string // the client company
	PartnerName     string
	EngagementTitle string
	EngagementKind  string // an engagement.Kind value, e.g. "sales"
	Version         int    // the terms version number, 1, 2, 3 …
	EffectiveFrom   string // YYYY-MM-DD
	GeneratedAt     time.Time
	Terms           contract.Terms
	// Localizer selects the language and time zone. Nil means English, UTC.
	Localizer *i18n.Localizer
}

// Section is one titled part of the annex: label/value rows, followed by
// an optional table.
type Section struct {
	Title string
	Rows  []Row
	Table *Table
}

// Row is one label/value line of a section. A Row with an empty Value is a
// subheading (e.g. the name of a service, followed by its details) and is
// printed across the full width; every other Row has a non-empty Value
// ("—" when there is nothing to show).
type Row struct {
	Label string
	Value string
}

// Table is a grid of plain strings with a header row. Every row has as
// many cells as Head.
type Table struct {
	Head []string
	Rows [][]string
}

// defaultLocalizer is used when Input.Localizer is nil.
var defaultLocalizer = sync.OnceValue(func() *i18n.Localizer {
	return i18n.MustLoad().For(i18n.EN, nil)
})

func localizer(in Input) *i18n.Localizer {
	if in.Localizer != nil {
		return in.Localizer
	}
	return defaultLocalizer()
}

// Header returns the heading of the annex: its title ("Annex to the
// contract") and rows for the client, partner, engagement, terms version,
// effective date and generation time.
func Header(in Input) Section {
	l := localizer(in)
	rows := []Row{
		{l.T("annex.header.client"), text(l, in.WorkspaceName)},
		{l.T("annex.header.partner"), text(l, in.PartnerName)},
		{l.T("annex.header.engagement"), text(l, in.EngagementTitle)},
	}
	if in.EngagementKind != "" {
		rows = append(rows, Row{l.T("annex.header.kind"), l.T("engagement.kind." + in.EngagementKind)})
	}
	rows = append(rows,
		Row{l.T("annex.header.version"), l.Int(int64(in.Version))},
		Row{l.T("annex.header.effective_from"), date(l, in.EffectiveFrom)},
	)
	if !in.GeneratedAt.IsZero() {
		rows = append(rows, Row{l.T("annex.header.generated_at"), l.DateTime(in.GeneratedAt)})
	}
	return Section{Title: l.T("annex.title"), Rows: rows}
}

// Sections returns the terms as localized sections, in this order: Shape,
// Services, Business calendar, Goals and KPIs, Price and payment,
// Notification duties, Penalties and credits, Confidentiality,
// Termination and handover, Governance, and Sales for a sales engagement.
func Sections(in Input) []Section {
	l := localizer(in)
	t := in.Terms
	secs := []Section{
		shapeSection(l, t.Shape),
		servicesSection(l, t.Services),
		calendarSection(l, t.Calendar),
		goalsSection(l, t.Goals, t.Metrics, t.KPIs),
		priceSection(l, t.Price, t.Services),
		noticesSection(l, t.Notices, t.Price.Currency),
		penaltiesSection(l, t.Penalties),
		confidentialitySection(l, t.Confidentiality),
		terminationSection(l, t.Termination),
		governanceSection(l, t.Governance),
	}
	if t.Sales != nil {
		secs = append(secs, salesSection(l, t.Sales))
	}
	return secs
}

func shapeSection(l *i18n.Localizer, s contract.Shape) Section {
	rows := []Row{
		{l.T("annex.shape.model"), enum(l, "model", s.Model)},
		{l.T("annex.shape.coverage"), enum(l, "coverage", s.Coverage)},
		{l.T("annex.shape.pilot"), yesNo(l, s.Pilot)},
	}
	if s.Pilot {
		rows = append(rows,
			Row{l.T("annex.shape.pilot_ends"), date(l, s.PilotEnds)},
			Row{l.T("annex.shape.pilot_criteria"), text(l, s.PilotCriteria)},
		)
	}
	term := l.T("annex.shape.open_ended")
	if s.TermMonths > 0 {
		term = l.N("annex.months", int64(s.TermMonths))
	}
	rows = append(rows,
		Row{l.T("annex.shape.format"), enum(l, "format", s.Format)},
		Row{l.T("annex.shape.term"), term},
		Row{l.T("annex.shape.notice"), l.N("common.days", int64(s.NoticeDays))},
		Row{l.T("annex.shape.renewal"), enum(l, "renewal", s.Renewal)},
	)
	return Section{Title: l.T("annex.section.shape"), Rows: rows}
}

func servicesSection(l *i18n.Localizer, services []contract.Service) Section {
	sec := Section{Title: l.T("annex.section.services")}
	if len(services) == 0 {
		sec.Rows = []Row{{l.T("annex.services.services"), l.T("annex.none")}}
		return sec
	}
	for i, s := range services {
		name := s.Name
		if name == "" {
			name = s.Key
		}
		sec.Rows = append(sec.Rows,
			Row{Label: l.T("annex.numbered", "n", i+1, "name", name)},
			Row{l.T("annex.services.description"), text(l, s.Description)},
			Row{l.T("annex.services.deadline"), deadline(l, s.Deadline)},
			Row{l.T("annex.services.acceptance"), text(l, s.AcceptanceCriteria)},
			Row{l.T("annex.services.acceptor"), text(l, s.Acceptor)},
			Row{l.T("annex.services.sla"), sla(l, s.SLA)},
		)
	}
	return sec
}

// deadline renders a deadline rule in words: "10 business days after the
// request", "Day 5 of each month" (an unknown kind: its label and number).
func deadline(l *i18n.Localizer, d contract.DeadlineRule) string {
	switch d.Kind {
	case "":
		return l.T("common.none")
	case "none":
		return enum(l, "deadline_kind", d.Kind)
	case "business_days", "calendar_days":
		return l.N("annex.deadline."+d.Kind, int64(d.N))
	case "day_of_month":
		return l.T("annex.deadline.day_of_month", "n", d.N)
	default:
		return l.T("annex.deadline.rule", "kind", enum(l, "deadline_kind", d.Kind), "n", d.N)
	}
}

// sla renders a service's SLA targets, or "no SLA targets".
func sla(l *i18n.Localizer, s *contract.SLA) string {
	if s == nil {
		return l.T("annex.sla.none")
	}
	var parts []string
	if s.ResponseMinutes > 0 {
		parts = append(parts, l.T("annex.sla.response", "time", businessTime(l, s.ResponseMinutes)))
	}
	if s.ResolutionMinutes > 0 {
		parts = append(parts, l.T("annex.sla.resolution", "time", businessTime(l, s.ResolutionMinutes)))
	}
	if s.OnTimeBP > 0 {
		parts = append(parts, l.T("annex.sla.on_time", "percent", percent(l, s.OnTimeBP)))
	}
	if len(parts) == 0 {
		return l.T("annex.sla.none")
	}
	return strings.Join(parts, "; ")
}

// businessTime renders business minutes, as whole business hours when
// they divide evenly.
func businessTime(l *i18n.Localizer, minutes int) string {
	if minutes%60 == 0 {
		return l.N("annex.business_hours", int64(minutes/60))
	}
	return l.N("annex.business_minutes", int64(minutes))
}

func calendarSection(l *i18n.Localizer, c contract.Calendar) Section {
	days := make([]string, 0, len(c.WorkDays))
	for _, d := range c.WorkDays {
		days = append(days, weekday(l, d))
	}
	hours := l.T("common.none")
	if c.DayStart != "" || c.DayEnd != "" {
		hours = l.T("annex.calendar.hours_range", "start", c.DayStart, "end", c.DayEnd)
	}
	holidays := make([]string, 0, len(c.Holidays))
	for _, h := range c.Holidays {
		holidays = append(holidays, date(l, h))
	}
	pauses := make([]string, 0, len(c.PauseStates))
	for _, p := range c.PauseStates {
		pauses = append(pauses, pauseState(l, p))
	}
	return Section{Title: l.T("annex.section.calendar"), Rows: []Row{
		{l.T("annex.calendar.time_zone"), text(l, c.TimeZone)},
		{l.T("annex.calendar.work_days"), list(l, days)},
		{l.T("annex.calendar.hours"), hours},
		{l.T("annex.calendar.holidays"), list(l, holidays)},
		{l.T("annex.calendar.pause_states"), list(l, pauses)},
	}}
}

// weekday names a time.Weekday value (0 = Sunday … 6 = Saturday).
func weekday(l *i18n.Localizer, d int) string {
	if d < 0 || d > 6 {
		return strconv.Itoa(d)
	}
	// 7 January 2024 was a Sunday; noon in the localizer's own zone keeps
	// the day when Weekday converts to that zone.
	return l.Weekday(time.Date(2024, time.January, 7+d, 12, 0, 0, 0, l.Location()))
}

// pauseState names a request state that stops the SLA clock. States are
// not a closed set, so an unknown one is shown as stored.
func pauseState(l *i18n.Localizer, s string) string {
	if v := l.T("annex.pause_state." + s); !strings.HasPrefix(v, "⟦") {
		return v
	}
	return s
}

func goalsSection(l *i18n.Localizer, goals []contract.Goal, metrics []contract.MetricDef, kpis []contract.KPI) Section {
	sec := Section{Title: l.T("annex.section.goals")}
	if len(goals) == 0 {
		sec.Rows = append(sec.Rows, Row{l.T("annex.goals.goals"), l.T("annex.none")})
	}
	for i, g := range goals {
		title := g.Title
		if title == "" {
			title = g.Key
		}
		v := title
		if g.Description != "" {
			v = l.T("annex.goals.goal_value", "title", title, "description", g.Description)
		}
		sec.Rows = append(sec.Rows, Row{l.T("annex.goals.goal", "n", i+1), text(l, v)})
	}
	// The engagement's own metrics: who enters them, or their formula.
	for i, m := range metrics {
		v := l.T("annex.metric.formula", "name", m.Name, "formula", m.Formula)
		if m.Kind == "manual" {
			v = l.T("annex.metric.manual", "name", m.Name, "source", enum(l, "metric_source", m.Source))
		}
		sec.Rows = append(sec.Rows, Row{l.T("annex.metric.own", "n", i+1), v})
	}
	if len(kpis) == 0 {
		sec.Rows = append(sec.Rows, Row{l.T("annex.kpi.kpis"), l.T("annex.none")})
		return sec
	}
	tab := &Table{Head: []string{
		l.T("annex.kpi.name"),
		l.T("annex.kpi.metric"),
		l.T("annex.kpi.target"),
		l.T("annex.kpi.threshold"),
		l.T("annex.kpi.direction"),
		l.T("annex.kpi.weight"),
		l.T("annex.kpi.period"),
	}}
	for _, k := range kpis {
		name := k.Name
		if name == "" {
			name = k.Key
		}
		tab.Rows = append(tab.Rows, []string{
			text(l, name),
			kpiMetric(l, metrics, k.Metric),
			kpiTerm(l, metrics, k, k.Target),
			kpiTerm(l, metrics, k, k.Threshold),
			enum(l, "direction", k.Direction),
			l.Int(int64(k.Weight)),
			enum(l, "period", k.Period),
		})
	}
	sec.Table = tab
	return sec
}

func priceSection(l *i18n.Localizer, p contract.Price, services []contract.Service) Section {
	rows := []Row{{l.T("annex.price.currency"), text(l, p.Currency)}}
	if len(p.Components) == 0 {
		rows = append(rows, Row{l.T("annex.price.components"), l.T("annex.none")})
	}
	for i, c := range p.Components {
		v := componentPrice(l, p, c)
		if c.Service != "" {
			name := c.Service
			for _, s := range services {
				if s.Key == c.Service && s.Name != "" {
					name = s.Name
				}
			}
			v = l.T("annex.price.for_service", "price", v, "service", name)
		}
		if c.Description != "" {
			v = l.T("annex.price.component_value", "price", v, "description", c.Description)
		}
		rows = append(rows, Row{l.T("annex.numbered", "n", i+1, "name", enum(l, "price_kind", c.Kind)), v})
	}
	instalments := l.T("annex.price.at_once")
	if p.Instalments > 1 {
		instalments = l.Int(int64(p.Instalments))
	}
	rows = append(rows,
		Row{l.T("annex.price.period"), enum(l, "period", p.Period)},
		Row{l.T("annex.price.cap"), optMoney(l, p.CapMinor, p.Currency)},
		Row{l.T("annex.price.floor"), optMoney(l, p.FloorMinor, p.Currency)},
		Row{l.T("annex.price.prepayment"), percent(l, p.PrepaymentBP)},
		Row{l.T("annex.price.instalments"), instalments},
		Row{l.T("annex.price.days_to_pay"), l.N("common.days", int64(p.DaysToPay))},
		Row{l.T("annex.price.withhold"), yesNo(l, p.WithholdAllowed)},
	)
	if len(p.Changes) == 0 {
		rows = append(rows, Row{l.T("annex.price.changes"), l.T("annex.none")})
	}
	for _, c := range p.Changes {
		rows = append(rows, Row{l.T("annex.price.change", "date", date(l, c.Date)), text(l, c.Justification)})
	}
	return Section{Title: l.T("annex.section.price"), Rows: rows}
}

// componentPrice renders what a price component costs: an amount per
// invoicing period (fixed), per unit (time, per result) or a share of
// revenue.
func componentPrice(l *i18n.Localizer, p contract.Price, c contract.PriceComponent) string {
	amount := l.Money(money.New(c.AmountMinor, p.Currency))
	switch c.Kind {
	case "revenue_share":
		return l.T("annex.price.share", "percent", percent(l, c.ShareBP))
	case "fixed":
		if p.Period != "" {
			return l.T("annex.price.per", "amount", amount, "unit", enum(l, "period", p.Period))
		}
	default:
		if c.Unit != "" {
			return l.T("annex.price.per", "amount", amount, "unit", enum(l, "unit", c.Unit))
		}
	}
	return amount
}

func noticesSection(l *i18n.Localizer, notices []contract.NoticeDuty, currency string) Section {
	sec := Section{Title: l.T("annex.section.notices")}
	if len(notices) == 0 {
		sec.Rows = []Row{{l.T("annex.notices.duties"), l.T("annex.none")}}
		return sec
	}
	tab := &Table{Head: []string{
		l.T("annex.notices.category"),
		l.T("annex.notices.within"),
		l.T("annex.notices.penalty"),
	}}
	for _, n := range notices {
		penalty := l.T("annex.notices.no_penalty")
		if n.PenaltyMinor != 0 {
			penalty = l.Money(money.New(n.PenaltyMinor, currency))
		}
		tab.Rows = append(tab.Rows, []string{
			enum(l, "notice", n.Category),
			l.N("annex.hours", int64(n.WithinHours)),
			penalty,
		})
	}
	sec.Table = tab
	return sec
}

func penaltiesSection(l *i18n.Localizer, p contract.Penalties) Section {
	ofFee := func(bp int) string {
		if bp == 0 {
			return l.T("annex.not_set")
		}
		return l.T("annex.penalties.of_fee", "percent", percent(l, bp))
	}
	sec := Section{Title: l.T("annex.section.penalties"), Rows: []Row{
		{l.T("annex.penalties.sla_credit"), ofFee(p.SLACreditBP)},
		{l.T("annex.penalties.sla_credit_cap"), ofFee(p.SLACreditCapBP)},
	}}
	if len(p.BonusMalus) == 0 {
		sec.Rows = append(sec.Rows, Row{l.T("annex.penalties.bonus_malus"), l.T("annex.none_single")})
		return sec
	}
	tab := &Table{Head: []string{l.T("annex.penalties.min_score"), l.T("annex.penalties.adjust")}}
	for _, b := range p.BonusMalus {
		adj := percent(l, b.AdjustBP)
		if b.AdjustBP > 0 {
			adj = "+" + adj
		}
		tab.Rows = append(tab.Rows, []string{l.Int(int64(b.MinScore)), adj})
	}
	sec.Table = tab
	return sec
}

func confidentialitySection(l *i18n.Localizer, c contract.Confidentiality) Section {
	rows := []Row{{l.T("annex.confidentiality.clause"), yesNo(l, c.Clause)}}
	if c.Clause {
		term := l.T("annex.confidentiality.engagement_only")
		if c.YearsAfter > 0 {
			term = l.N("annex.confidentiality.years_after", int64(c.YearsAfter))
		}
		rows = append(rows,
			Row{l.T("annex.confidentiality.term"), term},
			Row{l.T("annex.confidentiality.liability"), text(l, c.Liability)},
		)
	}
	return Section{Title: l.T("annex.section.confidentiality"), Rows: rows}
}

func terminationSection(l *i18n.Localizer, t contract.Termination) Section {
	rows := []Row{{l.T("annex.termination.clause"), yesNo(l, t.Clause)}}
	if t.Clause {
		rows = append(rows,
			Row{l.T("annex.termination.data_format"), text(l, t.DataFormat)},
			Row{l.T("annex.termination.deadline"), l.N("common.days", int64(t.DeadlineDays))},
			Row{l.T("annex.termination.records_access_included"), yesNo(l, t.RecordsAccessIncluded)},
			Row{l.T("annex.termination.records_access_paid"), yesNo(l, t.RecordsAccessPaid)},
			Row{l.T("annex.termination.consultations"), l.N("annex.hours", int64(t.ConsultationHours))},
		)
	}
	return Section{Title: l.T("annex.section.termination"), Rows: rows}
}

func governanceSection(l *i18n.Localizer, g contract.Governance) Section {
	rows := []Row{{l.T("annex.governance.powers"), text(l, g.Powers)}}
	if len(g.Cadence) == 0 {
		rows = append(rows, Row{l.T("annex.governance.cadence"), l.T("annex.none")})
	}
	for _, m := range g.Cadence {
		rows = append(rows, Row{enum(l, "meeting", m.Kind), l.N("annex.governance.every_days", int64(m.EveryDays))})
	}
	rows = append(rows, Row{l.T("annex.governance.handover_rule"), text(l, g.HandoverRule)})
	sec := Section{Title: l.T("annex.section.governance"), Rows: rows}
	if len(g.Committee) == 0 {
		sec.Rows = append(sec.Rows, Row{l.T("annex.governance.committee"), l.T("annex.none_single")})
		return sec
	}
	tab := &Table{Head: []string{
		l.T("annex.governance.member"),
		l.T("annex.governance.side"),
		l.T("annex.governance.role"),
	}}
	for _, m := range g.Committee {
		tab.Rows = append(tab.Rows, []string{text(l, m.Name), enum(l, "side", m.Side), text(l, m.Role)})
	}
	sec.Table = tab
	return sec
}

func salesSection(l *i18n.Localizer, s *contract.Sales) Section {
	reasons := make([]string, len(s.LostReasons))
	for i, r := range s.LostReasons {
		reasons[i] = contract.LostReasonLabel(l, r)
	}
	lost := l.T("annex.none")
	if len(reasons) > 0 {
		lost = strings.Join(reasons, ", ")
	}
	sec := Section{Title: l.T("annex.section.sales"), Rows: []Row{
		{l.T("annex.sales.qualification"), text(l, s.Qualification)},
		{l.T("annex.sales.acceptance"), l.N("annex.business_days", int64(s.Acceptance()))},
		{l.T("annex.sales.clawback"), l.N("common.days", int64(s.ClawbackDays))},
		{l.T("annex.sales.reveals"), l.N("annex.sales.reveals_per_day", int64(s.DailyReveals()))},
		{l.T("annex.sales.burst"), l.T("annex.sales.burst_rule", "n", l.Int(int64(s.Burst())), "minutes", l.Int(int64(s.BurstMinutes())))},
		{l.T("annex.sales.lost_reasons"), lost},
	}}
	tab := &Table{Head: []string{l.T("annex.sales.stage"), l.T("annex.sales.meaning"), l.T("annex.sales.probability")}}
	for _, st := range s.Stages {
		tab.Rows = append(tab.Rows, []string{contract.StageLabel(l, st), enum(l, "stage_meaning", st.Meaning), l.Percent(int64(st.Probability), 100, 0)})
	}
	sec.Table = tab
	return sec
}

// enum renders an enumerated value through its catalogue label
// contract.<group>.<value>; an empty value is "—".
// kpiTerm formats a KPI's target or threshold v with its decimals, and
// with a percent sign when its metric is a percentage.
func kpiTerm(l *i18n.Localizer, metrics []contract.MetricDef, k contract.KPI, v int64) string {
	if m, _ := metric.For(k.Metric, metrics, k.Period); m.Percent {
		return l.PercentValue(v, k.Scale)
	}
	return l.Decimal(v, k.Scale)
}

// kpiMetric is a KPI's metric as the annex names it: an own metric by its
// name, a catalogue metric by its label.
func kpiMetric(l *i18n.Localizer, metrics []contract.MetricDef, key string) string {
	if m := contract.FindMetric(metrics, key); m != nil {
		return m.Name
	}
	return enum(l, "metric", key)
}

func enum(l *i18n.Localizer, group, value string) string {
	if value == "" {
		return l.T("common.none")
	}
	return l.T("contract." + group + "." + value)
}

// text returns free text as written, or "—" if it is empty.
func text(l *i18n.Localizer, s string) string {
	if strings.TrimSpace(s) == "" {
		return l.T("common.none")
	}
	return s
}

// list joins values with commas, or says "none".
func list(l *i18n.Localizer, values []string) string {
	if len(values) == 0 {
		return l.T("annex.none")
	}
	return strings.Join(values, ", ")
}

func yesNo(l *i18n.Localizer, b bool) string {
	if b {
		return l.T("common.yes")
	}
	return l.T("common.no")
}

// percent renders basis points as a percentage with two decimals.
func percent(l *i18n.Localizer, bp int) string {
	return l.T("annex.percent", "value", l.Decimal(int64(bp), 2))
}

// optMoney renders an amount, or "not set" for zero.
func optMoney(l *i18n.Localizer, minor int64, currency string) string {
	if minor == 0 {
		return l.T("annex.not_set")
	}
	return l.Money(money.New(minor, currency))
}

// date renders a YYYY-MM-DD date in the localizer's format; anything that
// does not parse is shown as stored, and an empty date as "—".
func date(l *i18n.Localizer, s string) string {
	if s == "" {
		return l.T("common.none")
	}
	t, err := time.ParseInLocation(time.DateOnly, s, l.Location())
	if err != nil {
		return s
	}
	return l.Date(t)
}
