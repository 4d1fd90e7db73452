package contract

import (
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/money"
	"github.com/tandemhq/tandem/internal/tandem"
)

// Bounds used by Validate.
const (
	// MaxBP is 100 % in basis points: the upper bound of every share.
	MaxBP = 10000
	// MaxScale is the largest number of decimals of a KPI's values.
	MaxScale = 6
	// MaxKeyLen is the longest key of a service, goal or KPI.
	MaxKeyLen = 64
	// MaxNameLen is the longest name or title in the terms (of a service,
	// goal, metric, KPI, committee member), in characters, as in the other
	// forms of Tandem.
	MaxNameLen = 200
	// MaxTextLen is the longest free text in the terms (a description,
	// criteria, a clause), in characters.
	MaxTextLen = 4000
)

var (
	keySyntax       = tandem.LazyRegexp(`^[a-z0-9][a-z0-9_-]*$`)
	metricKeySyntax = tandem.LazyRegexp(`^[a-z][a-z0-9_]*$`)
	pauseStateRE    = tandem.LazyRegexp(`^[a-z][a-z0-9_]*$`)
	timeOfDaySyntax = tandem.LazyRegexp(`^([01][0-9]|2[0-3]):[0-5][0-9]$`)
)

// Normalize tidies t in place before validation and storage: it trims
// every free-text and enumerated string, upper-cases the currency, sorts
// and de-duplicates the calendar's work days and holidays, de-duplicates
// the pause states (keeping their order), and gives a KPI without a weight
// (0) the weight 1. A negative weight is left for Validate to report.
//
// Scale is not defaulted: 0 is a legitimate scale (whole numbers, e.g. a
// count of qualified leads), so it cannot mean "unset". Forms should start
// a new KPI at DefaultScale(metric).
func (t *Terms) Normalize() {
	s := &t.Shape
	trim(&s.Model, &s.Coverage, &s.PilotEnds, &s.PilotCriteria, &s.Format, &s.Renewal)

	for i := range t.Services {
		sv := &t.Services[i]
		trim(&sv.Key, &sv.Name, &sv.Description, &sv.Deadline.Kind, &sv.AcceptanceCriteria, &sv.Acceptor)
	}

	c := &t.Calendar
	trim(&c.TimeZone, &c.DayStart, &c.DayEnd)
	if c.WorkDays != nil {
		c.WorkDays = sortedUniqueInts(c.WorkDays)
	}
	if c.Holidays != nil {
		for i := range c.Holidays {
			trim(&c.Holidays[i])
		}
		c.Holidays = sortedUniqueStrings(c.Holidays)
	}
	if c.PauseStates != nil {
		seen := map[string]bool{}
		out := c.PauseStates[:0]
		for _, p := range c.PauseStates {
			p = strings.TrimSpace(p)
			if p == "" || seen[p] {
				continue
			}
			seen[p] = true
			out = append(out, p)
		}
		c.PauseStates = out
	}

	for i := range t.Goals {
		g := &t.Goals[i]
		trim(&g.Key, &g.Title, &g.Description)
	}
	for i := range t.Metrics {
		m := &t.Metrics[i]
		trim(&m.Key, &m.Name, &m.Kind, &m.Source, &m.Formula)
	}
	for i := range t.KPIs {
		k := &t.KPIs[i]
		trim(&k.Key, &k.GoalKey, &k.Metric, &k.Name, &k.Direction, &k.Period)
		if k.Weight == 0 {
			k.Weight = 1
		}
	}

	p := &t.Price
	trim(&p.Currency, &p.Period)
	p.Currency = strings.ToUpper(p.Currency)
	for i := range p.Components {
		pc := &p.Components[i]
		trim(&pc.Kind, &pc.Description, &pc.Unit, &pc.Service)
	}
	for i := range p.Changes {
		trim(&p.Changes[i].Date, &p.Changes[i].Justification)
	}
	for i := range t.Notices {
		trim(&t.Notices[i].Category)
	}
	trim(&t.Confidentiality.Liability)
	trim(&t.Termination.DataFormat)

	g := &t.Governance
	trim(&g.Powers, &g.HandoverRule)
	for i := range g.Committee {
		m := &g.Committee[i]
		trim(&m.Name, &m.Side, &m.Role)
	}
	for i := range g.Cadence {
		trim(&g.Cadence[i].Kind)
	}
	if t.Sales != nil {
		t.Sales.normalize()
	}
}

// Validate reports whether t is well formed, as a *tandem.Error of code
// EInvalid whose field errors name fields by dotted paths that mirror the
// JSON ("services.0.name", "kpis.2.weight", "price.components.0.amount_minor",
// "calendar.day_start" …). Call Normalize first.
//
// Validate checks form, not completeness: enumerated values must come from
// their vocabulary, keys of services, goals and KPIs must be present and
// unique, references must resolve, numbers must be in range, dates, times
// and zones must parse. An enumerated field of Shape, Price.Period or a
// service's deadline kind may be left empty, and whole clauses may be
// missing, so that a draft can be saved incomplete; Check reports what a
// contract still lacks.
func (t *Terms) Validate() error {
	var v tandem.Validator
	t.validateShape(&v)
	t.validateServices(&v)
	t.validateCalendar(&v)
	goals := t.validateGoals(&v)
	t.validateMetrics(&v)
	t.validateKPIs(&v, goals)
	t.validatePrice(&v)
	t.validateNotices(&v)
	t.validatePenalties(&v)
	nonNegative(&v, "confidentiality.years_after", int64(t.Confidentiality.YearsAfter))
	v.MaxLen("confidentiality.liability", t.Confidentiality.Liability, MaxTextLen)
	v.MaxLen("termination.data_format", t.Termination.DataFormat, MaxTextLen)
	nonNegative(&v, "termination.deadline_days", int64(t.Termination.DeadlineDays))
	nonNegative(&v, "termination.consultation_hours", int64(t.Termination.ConsultationHours))
	t.validateGovernance(&v)
	if t.Sales != nil {
		t.Sales.validate(&v)
	}
	return v.Err()
}

func (t *Terms) validateShape(v *tandem.Validator) {
	s := t.Shape
	optionalOneOf(v, "shape.model", s.Model, Models)
	optionalOneOf(v, "shape.coverage", s.Coverage, Coverages)
	optionalOneOf(v, "shape.format", s.Format, Formats)
	optionalOneOf(v, "shape.renewal", s.Renewal, Renewals)
	nonNegative(v, "shape.term_months", int64(s.TermMonths))
	nonNegative(v, "shape.notice_days", int64(s.NoticeDays))
	if s.PilotEnds != "" {
		date(v, "shape.pilot_ends", s.PilotEnds)
	}
	if s.Pilot {
		v.Required("shape.pilot_ends", s.PilotEnds)
		v.Required("shape.pilot_criteria", s.PilotCriteria)
	}
	v.MaxLen("shape.pilot_criteria", s.PilotCriteria, MaxTextLen)
}

func (t *Terms) validateServices(v *tandem.Validator) {
	seen := map[string]bool{}
	for i, sv := range t.Services {
		f := "services." + strconv.Itoa(i) + "."
		key(v, f+"key", sv.Key, seen)
		if v.Required(f+"name", sv.Name) {
			v.MaxLen(f+"name", sv.Name, MaxNameLen)
		}
		v.MaxLen(f+"description", sv.Description, MaxTextLen)
		v.MaxLen(f+"acceptance_criteria", sv.AcceptanceCriteria, MaxTextLen)
		v.MaxLen(f+"acceptor", sv.Acceptor, MaxNameLen)
		d := sv.Deadline
		if optionalOneOf(v, f+"deadline.kind", d.Kind, DeadlineKinds) {
			switch d.Kind {
			case "business_days", "calendar_days":
				v.Check(d.N >= 1, f+"deadline.n", i18n.K("contract.validation.days_positive"))
			case "day_of_month":
				v.Check(d.N >= 1 && d.N <= 31, f+"deadline.n", i18n.K("contract.validation.day_of_month"))
			default:
				nonNegative(v, f+"deadline.n", int64(d.N))
			}
		}
		if sla := sv.SLA; sla != nil {
			nonNegative(v, f+"sla.response_minutes", int64(sla.ResponseMinutes))
			if nonNegative(v, f+"sla.resolution_minutes", int64(sla.ResolutionMinutes)) &&
				sla.ResponseMinutes > 0 && sla.ResolutionMinutes > 0 {
				v.Check(sla.ResolutionMinutes >= sla.ResponseMinutes, f+"sla.resolution_minutes",
					i18n.K("contract.validation.resolution_before_response"))
			}
			basisPoints(v, f+"sla.on_time_bp", sla.OnTimeBP)
		}
	}
}

func (t *Terms) validateCalendar(v *tandem.Validator) {
	c := t.Calendar
	if c.TimeZone != "" {
		_, err := time.LoadLocation(c.TimeZone)
		v.Check(err == nil && c.TimeZone != "Local", "calendar.time_zone", i18n.K("validation.time_zone"))
	}
	for i, d := range c.WorkDays {
		v.Check(d >= 0 && d <= 6, "calendar.work_days."+strconv.Itoa(i), i18n.K("contract.validation.work_day"))
	}
	okStart := timeOfDay(v, "calendar.day_start", c.DayStart, c.DayEnd != "")
	okEnd := timeOfDay(v, "calendar.day_end", c.DayEnd, c.DayStart != "")
	if okStart && okEnd && c.DayStart != "" {
		// "HH:MM" with leading zeros compares as text.
		v.Check(c.DayStart < c.DayEnd, "calendar.day_end", i18n.K("contract.validation.day_end_before_start"))
	}
	for i, h := range c.Holidays {
		date(v, "calendar.holidays."+strconv.Itoa(i), h)
	}
	for i, p := range c.PauseStates {
		v.Check(len(p) <= MaxKeyLen && pauseStateRE().MatchString(p), "calendar.pause_states."+strconv.Itoa(i), i18n.K("contract.validation.pause_state"))
	}
}

func (t *Terms) validateGoals(v *tandem.Validator) map[string]bool {
	seen := map[string]bool{}
	for i, g := range t.Goals {
		f := "goals." + strconv.Itoa(i) + "."
		key(v, f+"key", g.Key, seen)
		if v.Required(f+"title", g.Title) {
			v.MaxLen(f+"title", g.Title, MaxNameLen)
		}
		v.MaxLen(f+"description", g.Description, MaxTextLen)
	}
	return seen
}

// MaxFormulaLen is the longest formula of a formula metric, in
// characters (the same bound as kpi.MaxFormulaLen).
const MaxFormulaLen = 1000

// validateMetrics checks the form of the engagement's own metrics. Whether
// a formula parses, names known metrics and is free of cycles needs the
// formula language and the catalogue: metric.Validate checks that.
func (t *Terms) validateMetrics(v *tandem.Validator) {
	seen := map[string]bool{}
	for i, m := range t.Metrics {
		f := "metrics." + strconv.Itoa(i) + "."
		if v.Required(f+"key", m.Key) &&
			v.Check(len(m.Key) <= MaxKeyLen && metricKeySyntax().MatchString(m.Key), f+"key", i18n.K("contract.validation.metric_key_format"), "max", MaxKeyLen) &&
			v.Check(!IsMetric(m.Key), f+"key", i18n.K("contract.validation.metric_key_catalogue")) {
			v.Check(!seen[m.Key], f+"key", i18n.K("contract.validation.duplicate_key"))
			seen[m.Key] = true
		}
		if v.Required(f+"name", m.Name) {
			v.MaxLen(f+"name", m.Name, MaxNameLen)
		}
		v.Check(m.Scale >= 0 && m.Scale <= MaxScale, f+"scale", i18n.K("contract.validation.scale"), "max", MaxScale)
		if m.Min != nil && m.Max != nil {
			v.Check(*m.Min <= *m.Max, f+"max", i18n.K("contract.validation.metric_range"))
		}
		if !v.Required(f+"kind", m.Kind) || !v.OneOf(f+"kind", m.Kind, MetricKinds...) {
			continue
		}
		switch m.Kind {
		case "manual":
			if v.Required(f+"source", m.Source) {
				v.OneOf(f+"source", m.Source, MetricSources...)
			}
			v.Check(m.Formula == "", f+"formula", i18n.K("contract.validation.formula_not_allowed"))
		case "formula":
			v.Check(m.Source == "", f+"source", i18n.K("contract.validation.source_not_allowed"))
			v.Check(m.Min == nil && m.Max == nil, f+"min", i18n.K("contract.validation.range_not_allowed"))
			if v.Required(f+"formula", m.Formula) {
				v.MaxLen(f+"formula", m.Formula, MaxFormulaLen)
			}
		}
	}
}

func (t *Terms) validateKPIs(v *tandem.Validator, goals map[string]bool) {
	seen := map[string]bool{}
	for i, k := range t.KPIs {
		f := "kpis." + strconv.Itoa(i) + "."
		key(v, f+"key", k.Key, seen)
		v.MaxLen(f+"name", k.Name, MaxNameLen)
		if v.Required(f+"goal_key", k.GoalKey) {
			v.Check(goals[k.GoalKey], f+"goal_key", i18n.K("contract.validation.unknown_goal"))
		}
		if v.Required(f+"metric", k.Metric) {
			v.Check(KnownMetric(t.Metrics, k.Metric), f+"metric", i18n.K("contract.validation.unknown_metric"))
		}
		v.Check(k.Scale >= 0 && k.Scale <= MaxScale, f+"scale", i18n.K("contract.validation.scale"), "max", MaxScale)
		v.Check(k.Weight > 0, f+"weight", i18n.K("contract.validation.weight_positive"))
		if v.Required(f+"period", k.Period) {
			v.OneOf(f+"period", k.Period, Periods...)
		}
		if v.Required(f+"direction", k.Direction) && v.OneOf(f+"direction", k.Direction, Directions...) {
			switch {
			case k.Target == k.Threshold:
				v.Add(f+"target", i18n.K("contract.validation.target_equals_threshold"))
			case k.Direction == "higher" && k.Target < k.Threshold:
				v.Add(f+"target", i18n.K("contract.validation.target_below_threshold"))
			case k.Direction == "lower" && k.Target > k.Threshold:
				v.Add(f+"target", i18n.K("contract.validation.target_above_threshold"))
			}
		}
	}
}

func (t *Terms) validatePrice(v *tandem.Validator) {
	p := t.Price
	if p.Currency != "" {
		v.Check(money.ValidCurrency(p.Currency), "price.currency", i18n.K("validation.currency"))
	} else if len(p.Components) > 0 {
		v.Required("price.currency", p.Currency)
	}
	for i, pc := range p.Components {
		f := "price.components." + strconv.Itoa(i) + "."
		if v.Required(f+"kind", pc.Kind) && v.OneOf(f+"kind", pc.Kind, PriceKinds...) {
			switch pc.Kind {
			case "time":
				if v.Required(f+"unit", pc.Unit) {
					v.OneOf(f+"unit", pc.Unit, TimeUnits...)
				}
			case "per_result":
				if v.Required(f+"unit", pc.Unit) {
					v.OneOf(f+"unit", pc.Unit, ResultUnits...)
				}
			default:
				v.Check(pc.Unit == "", f+"unit", i18n.K("contract.validation.unit_not_allowed"))
			}
		}
		if pc.Service != "" {
			if pc.Kind == "time" || pc.Kind == "per_result" {
				v.Check(slices.ContainsFunc(t.Services, func(s Service) bool { return s.Key == pc.Service }),
					f+"service", i18n.K("contract.validation.unknown_service"))
			} else {
				v.Check(false, f+"service", i18n.K("contract.validation.service_not_allowed"))
			}
		}
		v.MaxLen(f+"description", pc.Description, MaxTextLen)
		nonNegative(v, f+"amount_minor", pc.AmountMinor)
		basisPoints(v, f+"share_bp", pc.ShareBP)
	}
	capOK := nonNegative(v, "price.cap_minor", p.CapMinor)
	floorOK := nonNegative(v, "price.floor_minor", p.FloorMinor)
	if capOK && floorOK && p.CapMinor > 0 && p.FloorMinor > 0 {
		v.Check(p.CapMinor >= p.FloorMinor, "price.cap_minor", i18n.K("contract.validation.cap_below_floor"))
	}
	optionalOneOf(v, "price.period", p.Period, InvoicePeriods)
	basisPoints(v, "price.prepayment_bp", p.PrepaymentBP)
	nonNegative(v, "price.instalments", int64(p.Instalments))
	nonNegative(v, "price.days_to_pay", int64(p.DaysToPay))
	for i, ch := range p.Changes {
		f := "price.changes." + strconv.Itoa(i) + "."
		if v.Required(f+"date", ch.Date) {
			date(v, f+"date", ch.Date)
		}
		if v.Required(f+"justification", ch.Justification) {
			v.MaxLen(f+"justification", ch.Justification, MaxTextLen)
		}
	}
}

func (t *Terms) validateNotices(v *tandem.Validator) {
	seen := map[string]bool{}
	for i, n := range t.Notices {
		f := "notices." + strconv.Itoa(i) + "."
		if v.Required(f+"category", n.Category) && v.OneOf(f+"category", n.Category, NoticeCategories...) {
			v.Check(!seen[n.Category], f+"category", i18n.K("contract.validation.duplicate_category"))
			seen[n.Category] = true
		}
		v.Check(n.WithinHours >= 1, f+"within_hours", i18n.K("contract.validation.hours_positive"))
		nonNegative(v, f+"penalty_minor", n.PenaltyMinor)
	}
}

func (t *Terms) validatePenalties(v *tandem.Validator) {
	p := t.Penalties
	basisPoints(v, "penalties.sla_credit_bp", p.SLACreditBP)
	basisPoints(v, "penalties.sla_credit_cap_bp", p.SLACreditCapBP)
	for i, bm := range p.BonusMalus {
		f := "penalties.bonus_malus." + strconv.Itoa(i) + "."
		v.Check(bm.MinScore >= 0 && bm.MinScore <= 100, f+"min_score", i18n.K("contract.validation.score_range"))
		v.Check(bm.AdjustBP >= -MaxBP && bm.AdjustBP <= MaxBP, f+"adjust_bp", i18n.K("contract.validation.adjust_range"))
	}
}

func (t *Terms) validateGovernance(v *tandem.Validator) {
	g := t.Governance
	v.MaxLen("governance.powers", g.Powers, MaxTextLen)
	v.MaxLen("governance.handover_rule", g.HandoverRule, MaxTextLen)
	for i, m := range g.Committee {
		f := "governance.committee." + strconv.Itoa(i) + "."
		if v.Required(f+"name", m.Name) {
			v.MaxLen(f+"name", m.Name, MaxNameLen)
		}
		v.MaxLen(f+"role", m.Role, MaxNameLen)
		if v.Required(f+"side", m.Side) {
			v.OneOf(f+"side", m.Side, Sides...)
		}
	}
	for i, m := range g.Cadence {
		f := "governance.cadence." + strconv.Itoa(i) + "."
		if v.Required(f+"kind", m.Kind) {
			v.OneOf(f+"kind", m.Kind, MeetingKinds...)
		}
		v.Check(m.EveryDays >= 1, f+"every_days", i18n.K("contract.validation.every_days"))
	}
}

// key checks a list item's key: present, of key syntax, unique in seen.
func key(v *tandem.Validator, field, k string, seen map[string]bool) {
	if !v.Required(field, k) {
		return
	}
	if !v.Check(len(k) <= MaxKeyLen && keySyntax().MatchString(k), field, i18n.K("contract.validation.key_format"), "max", MaxKeyLen) {
		return
	}
	v.Check(!seen[k], field, i18n.K("contract.validation.duplicate_key"))
	seen[k] = true
}

// optionalOneOf checks that s, when not empty, is one of allowed. It
// reports whether s is acceptable.
func optionalOneOf(v *tandem.Validator, field, s string, allowed []string) bool {
	if s == "" {
		return true
	}
	return v.OneOf(field, s, allowed...)
}

// nonNegative checks n ≥ 0.
func nonNegative(v *tandem.Validator, field string, n int64) bool {
	return v.Check(n >= 0, field, i18n.K("contract.validation.negative"))
}

// basisPoints checks that a share is within 0..MaxBP.
func basisPoints(v *tandem.Validator, field string, bp int) bool {
	return v.Check(bp >= 0 && bp <= MaxBP, field, i18n.K("contract.validation.basis_points"))
}

// date checks a YYYY-MM-DD date.
func date(v *tandem.Validator, field, s string) bool {
	_, err := time.Parse(time.DateOnly, s)
	return v.Check(err == nil && len(s) == len(time.DateOnly), field, i18n.K("validation.date"))
}

// timeOfDay checks an "HH:MM" time; empty is accepted unless required. It
// reports whether s is a valid time (false when empty).
func timeOfDay(v *tandem.Validator, field, s string, required bool) bool {
	if s == "" {
		if required {
			v.Required(field, s)
		}
		return false
	}
	return v.Check(timeOfDaySyntax().MatchString(s), field, i18n.K("contract.validation.time_of_day"))
}

// trim trims every string in place.
func trim(ss ...*string) {
	for _, s := range ss {
		*s = strings.TrimSpace(*s)
	}
}

func sortedUniqueInts(in []int) []int {
	out := append([]int{}, in...)
	sort.Ints(out)
	w := 0
	for i, n := range out {
		if i == 0 || n != out[w-1] {
			out[w] = n
			w++
		}
	}
	return out[:w]
}

func sortedUniqueStrings(in []string) []string {
	out := make([]string, 0, len(in))
	for _, s := range in {
		if s != "" {
			out = append(out, s)
		}
	}
	sort.Strings(out)
	w := 0
	for i, s := range out {
		if i == 0 || s != out[w-1] {
			out[w] = s
			w++
		}
	}
	return out[:w]
}
