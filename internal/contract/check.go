package contract

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/tandemhq/tandem/internal/i18n"
)

// Severities of a Finding.
const (
	// SeverityError blocks activation of the contract.
	SeverityError = "error"
	// SeverityWarning is shown and may be acknowledged.
	SeverityWarning = "warning"
)

// Finding codes. The first six are the "four mistakes" of seed 002
// (imprecise services; no confidentiality; no termination and handover;
// missing price, payment and acceptance terms).
const (
	// CodeImpreciseServices: no services, or a service described too briefly or without a deadline (error).
	CodeImpreciseServices = "imprecise_services"
	// CodeNoConfidentiality: no confidentiality clause, or one that ends with the contract (error).
	CodeNoConfidentiality = "no_confidentiality"
	// CodeNoTermination: no termination clause, or no data format or deadline for the handover (error).
	CodeNoTermination = "no_termination"
	// CodeNoPrice: no price component, or one with neither amount nor share (error).
	CodeNoPrice = "no_price"
	// CodeNoPaymentTerms: no days to pay (error).
	CodeNoPaymentTerms = "no_payment_terms"
	// CodeNoAcceptance: a service without acceptance criteria (error).
	CodeNoAcceptance = "no_acceptance"
	// CodePeopleWithoutNDA: partner people with access but no NDA on file (error).
	CodePeopleWithoutNDA = "people_without_nda"
	// CodeNoAcceptor: a service nobody on the client side accepts (error).
	CodeNoAcceptor = "no_acceptor"
	// CodeTooManyKPIs: more than MaxKPIs KPIs (warning).
	CodeTooManyKPIs = "too_many_kpis"
	// CodeActivityKPI: a KPI on an activity (vanity) metric (warning).
	CodeActivityKPI = "activity_kpi"
	// CodeNoSLA: a service of a support engagement without an SLA (warning).
	CodeNoSLA = "no_sla"
	// CodeNoGovernanceCadence: no recurring meetings (warning).
	CodeNoGovernanceCadence = "no_governance_cadence"
	// CodeNoKPIs: no KPIs at all (warning).
	CodeNoKPIs = "no_kpis"
	// CodeNoNoticeDuties: no notification duties (warning).
	CodeNoNoticeDuties = "no_notice_duties"
)

// Check thresholds.
const (
	// MinServiceDescription is the shortest description, in characters,
	// that Check accepts as a precise description of a service.
	MinServiceDescription = 30
	// MaxKPIs is the most KPIs an engagement should have (seed 002: "no
	// more than five").
	MaxKPIs = 5
)

// Finding is one problem the contract check found. Key (with Args, as
// name/value pairs for the localizer) says what is wrong, FixKey (with the
// same Args) how to fix it. Field is the dotted JSON path of the part of the
// terms concerned, as in Validate's field errors.
type Finding struct {
	Code     string
	Severity string // "error" | "warning"
	Field    string
	Key      i18n.Key
	Args     []any
	FixKey   i18n.Key
}

// ID identifies the finding for acknowledging a warning: its code and
// field, "code:field". It is stable as long as the part of the terms it
// points at keeps its position.
func (f Finding) ID() string { return f.Code + ":" + f.Field }

// CheckInput is what the check needs besides the terms.
type CheckInput struct {
	// PeopleWithoutNDA are the names of the partner's people who have
	// access to the engagement but no NDA on file.
	PeopleWithoutNDA []string
	// EngagementKind is the engagement's kind: sales, support,
	// development, accounting, executive or other.
	EngagementKind string
}

// Check is the contract check: it returns the errors (which must be fixed
// before the contract can take effect) and warnings (which may be
// acknowledged) about t, in a stable order. It assumes t is well formed
// (see Validate) and reports what is missing or unwise: the four mistakes
// of seed 002, people without an NDA, services nobody accepts, too many or
// vanity KPIs, missing SLAs of a support engagement, governance and notice
// duties.
func Check(t Terms, in CheckInput) []Finding {
	var fs []Finding
	add := func(code, sev, field string, key, fix i18n.Key, args ...any) {
		fs = append(fs, Finding{Code: code, Severity: sev, Field: field, Key: key, Args: args, FixKey: fix})
	}

	// Mistake 1: an imprecise list of services.
	if len(t.Services) == 0 {
		add(CodeImpreciseServices, SeverityError, "services",
			i18n.K("contract.check.no_services"), i18n.K("contract.fix.no_services"))
	}
	for i, s := range t.Services {
		f := "services." + strconv.Itoa(i) + "."
		name := serviceName(s, i)
		if utf8.RuneCountInString(strings.TrimSpace(s.Description)) < MinServiceDescription {
			add(CodeImpreciseServices, SeverityError, f+"description",
				i18n.K("contract.check.service_description"), i18n.K("contract.fix.service_description"),
				"service", name, "min", MinServiceDescription)
		}
		if k := strings.TrimSpace(s.Deadline.Kind); k == "" || k == "none" {
			add(CodeImpreciseServices, SeverityError, f+"deadline",
				i18n.K("contract.check.service_deadline"), i18n.K("contract.fix.service_deadline"),
				"service", name)
		}
	}

	// Mistake 2: no confidentiality clause.
	switch {
	case !t.Confidentiality.Clause:
		add(CodeNoConfidentiality, SeverityError, "confidentiality.clause",
			i18n.K("contract.check.no_confidentiality"), i18n.K("contract.fix.no_confidentiality"))
	case t.Confidentiality.YearsAfter < 1:
		add(CodeNoConfidentiality, SeverityError, "confidentiality.years_after",
			i18n.K("contract.check.confidentiality_years"), i18n.K("contract.fix.confidentiality_years"))
	}
	if len(in.PeopleWithoutNDA) > 0 {
		add(CodePeopleWithoutNDA, SeverityError, "confidentiality",
			i18n.K("contract.check.people_without_nda"), i18n.K("contract.fix.people_without_nda"),
			"names", strings.Join(in.PeopleWithoutNDA, ", "), "count", len(in.PeopleWithoutNDA))
	}

	// Mistake 3: no termination and handover clause.
	if !t.Termination.Clause {
		add(CodeNoTermination, SeverityError, "termination.clause",
			i18n.K("contract.check.no_termination"), i18n.K("contract.fix.no_termination"))
	} else {
		if strings.TrimSpace(t.Termination.DataFormat) == "" {
			add(CodeNoTermination, SeverityError, "termination.data_format",
				i18n.K("contract.check.termination_data_format"), i18n.K("contract.fix.termination_data_format"))
		}
		if t.Termination.DeadlineDays <= 0 {
			add(CodeNoTermination, SeverityError, "termination.deadline_days",
				i18n.K("contract.check.termination_deadline"), i18n.K("contract.fix.termination_deadline"))
		}
	}

	// Mistake 4: price, payment and acceptance terms.
	if len(t.Price.Components) == 0 {
		add(CodeNoPrice, SeverityError, "price.components",
			i18n.K("contract.check.no_price"), i18n.K("contract.fix.no_price"))
	}
	for i, c := range t.Price.Components {
		if c.AmountMinor == 0 && c.ShareBP == 0 {
			add(CodeNoPrice, SeverityError, "price.components."+strconv.Itoa(i),
				i18n.K("contract.check.price_component_empty"), i18n.K("contract.fix.price_component_empty"),
				"number", i+1)
		}
	}
	if t.Price.DaysToPay <= 0 {
		add(CodeNoPaymentTerms, SeverityError, "price.days_to_pay",
			i18n.K("contract.check.no_payment_terms"), i18n.K("contract.fix.no_payment_terms"))
	}
	for i, s := range t.Services {
		if strings.TrimSpace(s.AcceptanceCriteria) == "" {
			add(CodeNoAcceptance, SeverityError, "services."+strconv.Itoa(i)+".acceptance_criteria",
				i18n.K("contract.check.no_acceptance"), i18n.K("contract.fix.no_acceptance"),
				"service", serviceName(s, i))
		}
	}
	for i, s := range t.Services {
		if strings.TrimSpace(s.Acceptor) == "" {
			add(CodeNoAcceptor, SeverityError, "services."+strconv.Itoa(i)+".acceptor",
				i18n.K("contract.check.no_acceptor"), i18n.K("contract.fix.no_acceptor"),
				"service", serviceName(s, i))
		}
	}

	// Warnings.
	if in.EngagementKind == "support" {
		for i, s := range t.Services {
			if s.SLA == nil {
				add(CodeNoSLA, SeverityWarning, "services."+strconv.Itoa(i)+".sla",
					i18n.K("contract.check.no_sla"), i18n.K("contract.fix.no_sla"),
					"service", serviceName(s, i))
			}
		}
	}
	switch n := len(t.KPIs); {
	case n == 0:
		add(CodeNoKPIs, SeverityWarning, "kpis",
			i18n.K("contract.check.no_kpis"), i18n.K("contract.fix.no_kpis"))
	case n > MaxKPIs:
		add(CodeTooManyKPIs, SeverityWarning, "kpis",
			i18n.K("contract.check.too_many_kpis"), i18n.K("contract.fix.too_many_kpis"),
			"count", n, "max", MaxKPIs)
	}
	for i, k := range t.KPIs {
		if IsActivityMetric(k.Metric) {
			name := k.Name
			if name == "" {
				name = k.Key
			}
			add(CodeActivityKPI, SeverityWarning, "kpis."+strconv.Itoa(i)+".metric",
				i18n.K("contract.check.activity_kpi"), i18n.K("contract.fix.activity_kpi"),
				"kpi", name, "metric", MetricLabel(k.Metric))
		}
	}
	if len(t.Governance.Cadence) == 0 {
		add(CodeNoGovernanceCadence, SeverityWarning, "governance.cadence",
			i18n.K("contract.check.no_governance_cadence"), i18n.K("contract.fix.no_governance_cadence"))
	}
	if len(t.Notices) == 0 {
		add(CodeNoNoticeDuties, SeverityWarning, "notices",
			i18n.K("contract.check.no_notice_duties"), i18n.K("contract.fix.no_notice_duties"))
	}
	return fs
}

// Errors counts the findings of severity "error".
func Errors(fs []Finding) int {
	n := 0
	for _, f := range fs {
		if f.Severity == SeverityError {
			n++
		}
	}
	return n
}

// Warnings returns the findings of severity "warning", in order.
func Warnings(fs []Finding) []Finding {
	var out []Finding
	for _, f := range fs {
		if f.Severity == SeverityWarning {
			out = append(out, f)
		}
	}
	return out
}

// serviceName names service i for a message: its name, else its key, else
// its position ("#1").
func serviceName(s Service, i int) string {
	if n := strings.TrimSpace(s.Name); n != "" {
		return n
	}
	if k := strings.TrimSpace(s.Key); k != "" {
		return k
	}
	return "#" + strconv.Itoa(i+1)
}

// FindingTitle returns the catalogue key of the short title of a finding
// code, "contract.finding.<code>", for grouping findings in a list.
func FindingTitle(code string) i18n.Key { return i18n.Key("contract.finding." + code) }

// SeverityLabel returns the catalogue key of a severity's label,
// "contract.severity.<severity>".
func SeverityLabel(severity string) i18n.Key { return i18n.Key("contract.severity." + severity) }
