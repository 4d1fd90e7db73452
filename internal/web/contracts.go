package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/engagement"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/money"
	"github.com/tandemhq/tandem/internal/tandem"
	"github.com/tandemhq/tandem/internal/web/views"
)

// engagementOf loads the {id} engagement the caller may see.
func (s *server) engagementOf(r *http.Request) (*engagement.Engagement, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	return s.db.Engagements.Get(r.Context(), state(r).principal, id)
}

// today is the date in the workspace's time zone.
func (s *server) today(r *http.Request) tandem.Date {
	return tandem.DateOf(s.db.Now().In(state(r).loc.Location()))
}

// termsPage shows the terms in force on a date (today by default), the
// contract check, the versions, and what the caller may do next: edit a
// draft, activate, propose an amendment, print the annex.
func (s *server) termsPage(w http.ResponseWriter, r *http.Request) error {
	return s.showTerms(w, r, "", http.StatusOK)
}

// showTerms renders the terms page, with message as an error above the
// check (a refused activation) and the given status.
func (s *server) showTerms(w http.ResponseWriter, r *http.Request, message string, status int) error {
	st := state(r)
	ctx, p := r.Context(), st.principal
	e, err := s.engagementOf(r)
	if err != nil {
		return err
	}
	on := s.today(r)
	if q := r.URL.Query().Get("on"); q != "" {
		if on, err = tandem.ParseDate(q); err != nil {
			return invalidField("on", "validation.date")
		}
	}
	v, err := s.db.Contracts.InForce(ctx, p, e.ID, on)
	if err != nil {
		return err
	}
	versions, err := s.db.Contracts.Versions(ctx, p, e.ID)
	if err != nil {
		return err
	}
	check, err := s.db.Contracts.Check(ctx, p, e.ID)
	if err != nil {
		return err
	}
	d := views.TermsData{
		Engagement: e,
		Version:    v,
		Versions:   versions,
		On:         on.String(),
		Sections:   s.annexSections(r, e, v),
		Findings:   findingViews(st.loc, check),
		Errors:     check.Errors(),
		CanEdit:    contract.MayEditDraft(p, e),
		CanAmend:   contract.MayPropose(p, e),
		Message:    message,
	}
	s.render(w, r, status, views.Terms(s.nav(r, e.Title, "engagements"), d))
	return nil
}

// findingViews localizes the check's findings.
func findingViews(l *i18n.Localizer, c *contract.CheckResult) []views.Finding {
	var out []views.Finding
	for _, f := range c.Findings {
		out = append(out, views.Finding{ID: f.ID(), Code: f.Code, Severity: f.Severity, Field: f.Field,
			Message: l.T(string(f.Key), f.Args...), Fix: l.T(string(f.FixKey), f.Args...), Acknowledged: c.Acknowledged[f.ID()]})
	}
	return out
}

func (s *server) termsEdit(w http.ResponseWriter, r *http.Request) error {
	e, err := s.engagementOf(r)
	if err != nil {
		return err
	}
	v, err := s.db.Contracts.InForce(r.Context(), state(r).principal, e.ID, e.StartsOn)
	if err != nil {
		return err
	}
	f := views.Form{Values: termsCodec{l: state(r).loc}.values(v.Terms)}
	return s.termsFormPage(w, r, e, f, http.StatusOK, false)
}

// termsFormPage renders the terms form: for a draft (amend false) or for a
// proposed amendment (amend true, with an effective date and a reason).
func (s *server) termsFormPage(w http.ResponseWriter, r *http.Request, e *engagement.Engagement, f views.Form, status int, amend bool) error {
	l := state(r).loc
	title := l.T("contract.edit_title")
	if amend {
		title = l.T("contract.amend_title")
	}
	c := termsChoices(l, f)
	p := state(r).principal
	ms, err := s.db.Accounts.Members(r.Context(), p)
	if err != nil {
		return err
	}
	for _, m := range ms {
		if m.Role.IsClient() && m.UserName != "" {
			c.Acceptors = append(c.Acceptors, views.Option{Value: m.UserName, Label: m.UserName})
		}
	}
	c.Acceptors = append([]views.Option{{Value: "", Label: l.T("common.none")}}, c.Acceptors...)
	if !amend {
		check, err := s.db.Contracts.Check(r.Context(), p, e.ID)
		if err != nil {
			return err
		}
		c.Wants = map[string][]views.Finding{}
		for _, x := range findingViews(l, check) {
			sec, _, _ := strings.Cut(x.Field, ".")
			c.Wants[sec] = append(c.Wants[sec], x)
		}
	}
	s.render(w, r, status, views.TermsForm(s.nav(r, title, "engagements"), e, f, c, amend))
	return nil
}

func (s *server) termsSave(w http.ResponseWriter, r *http.Request) error {
	st := state(r)
	e, err := s.engagementOf(r)
	if err != nil {
		return err
	}
	f, err := parseForm(w, r)
	if err != nil {
		return err
	}
	t, err := termsCodec{l: st.loc}.terms(f.Values)
	if err == nil {
		err = s.db.Contracts.SaveDraft(r.Context(), st.principal, e.ID, t)
	}
	if err != nil {
		if !withErrors(r, &f, err) {
			return err
		}
		return s.termsFormPage(w, r, e, f, invalidStatus(err), false)
	}
	return redirect(w, r, recordPath("/engagements", e.ID)+"/terms")
}

func (s *server) activate(w http.ResponseWriter, r *http.Request) error {
	e, err := s.engagementOf(r)
	if err != nil {
		return err
	}
	f, err := parseForm(w, r)
	if err != nil {
		return err
	}
	if _, err := s.db.Contracts.Activate(r.Context(), state(r).principal, e.ID, f.Values["ack"]); err != nil {
		if !withErrors(r, &f, err) {
			return err
		}
		msg := f.Message
		if m := f.Err("check"); m != "" {
			msg = m
		}
		return s.showTerms(w, r, msg, invalidStatus(err))
	}
	return redirect(w, r, recordPath("/engagements", e.ID)+"/terms")
}

func (s *server) amendmentList(w http.ResponseWriter, r *http.Request) error {
	st := state(r)
	ctx, p := r.Context(), st.principal
	e, err := s.engagementOf(r)
	if err != nil {
		return err
	}
	as, err := s.db.Contracts.Amendments(ctx, p, e.ID)
	if err != nil {
		return err
	}
	var rows []views.AmendmentView
	for i := range as {
		a := &as[i]
		changes, err := s.amendmentChanges(r, e, a)
		if err != nil {
			return err
		}
		rows = append(rows, views.AmendmentView{A: a, Changes: changeViews(st.loc, changes, a.Terms.Price.Currency), CanDecide: a.MayDecide(p)})
	}
	return s.page(w, r, views.Amendments(s.nav(r, st.loc.T("contract.amendments_title"), "engagements"), e, rows, contract.MayPropose(p, e)))
}

// amendmentChanges compares an amendment's terms with those in force the
// day before it takes effect.
func (s *server) amendmentChanges(r *http.Request, e *engagement.Engagement, a *contract.Amendment) ([]contract.Change, error) {
	eff, err := tandem.ParseDate(a.EffectiveFrom)
	if err != nil {
		return nil, err
	}
	before, err := s.db.Contracts.InForce(r.Context(), state(r).principal, e.ID, tandem.DateOf(eff.Time().AddDate(0, 0, -1)))
	if err != nil {
		return nil, err
	}
	return contract.Diff(before.Terms, a.Terms), nil
}

// changeViews makes a diff readable: each term by its label, amounts and
// percentages in the reader's format.
func changeViews(l *i18n.Localizer, changes []contract.Change, currency string) []views.ChangeView {
	out := make([]views.ChangeView, len(changes))
	value := func(field, v string) string {
		n, err := strconv.ParseInt(v, 10, 64)
		switch {
		case v == "":
			return l.T("common.none")
		case err == nil && strings.HasSuffix(field, "_minor"):
			return l.Money(money.New(n, currency))
		case err == nil && strings.HasSuffix(field, "_bp"):
			return l.T("annex.percent", "value", l.Decimal(n, 2))
		case err == nil && slaTime(field):
			return fmt.Sprintf("%d:%02d", n/60, n%60)
		}
		return v
	}
	for i, c := range changes {
		out[i] = views.ChangeView{Path: c.Field, Label: l.T(string(contract.FieldLabel(c.Field))),
			Before: value(c.Field, c.Before), After: value(c.Field, c.After)}
	}
	return out
}

func (s *server) amendmentNew(w http.ResponseWriter, r *http.Request) error {
	st := state(r)
	e, err := s.engagementOf(r)
	if err != nil {
		return err
	}
	if !contract.MayPropose(st.principal, e) {
		return tandem.Errorf(tandem.EConflict, i18n.K("contract.amend_draft"))
	}
	v, err := s.db.Contracts.InForce(r.Context(), st.principal, e.ID, s.today(r))
	if err != nil {
		return err
	}
	f := views.Form{Values: termsCodec{l: st.loc}.values(v.Terms)}
	f.Values.Set("effective_from", s.today(r).Time().AddDate(0, 1, 0).Format("2006-01-02"))
	return s.termsFormPage(w, r, e, f, http.StatusOK, true)
}

func (s *server) amendmentPropose(w http.ResponseWriter, r *http.Request) error {
	st := state(r)
	e, err := s.engagementOf(r)
	if err != nil {
		return err
	}
	f, err := parseForm(w, r)
	if err != nil {
		return err
	}
	var v tandem.Validator
	eff, derr := tandem.ParseDate(f.Get("effective_from"))
	v.Check(derr == nil, "effective_from", i18n.K("validation.date"))
	t, err := termsCodec{l: st.loc}.terms(f.Values)
	for _, fe := range tandem.FieldErrors(err) {
		v.Add(fe.Field, fe.Key, fe.Args...)
	}
	err = v.Err()
	if err == nil {
		_, err = s.db.Contracts.Propose(r.Context(), st.principal, e.ID, eff, f.Get("reason"), t)
	}
	if err != nil {
		if !withErrors(r, &f, err) {
			return err
		}
		return s.termsFormPage(w, r, e, f, invalidStatus(err), true)
	}
	return redirect(w, r, recordPath("/engagements", e.ID)+"/amendments")
}

func (s *server) amendmentDecide(w http.ResponseWriter, r *http.Request) error {
	e, err := s.engagementOf(r)
	if err != nil {
		return err
	}
	n, err := strconv.Atoi(r.PathValue("number"))
	if err != nil {
		return tandem.ErrNotFound
	}
	f, err := parseForm(w, r)
	if err != nil {
		return err
	}
	switch f.Get("decision") {
	case "accept", "reject":
	default:
		return invalidField("decision", "validation.one_of")
	}
	if err := s.db.Contracts.Decide(r.Context(), state(r).principal, e.ID, n, f.Get("decision") == "accept", f.Get("note")); err != nil {
		return err
	}
	return redirect(w, r, recordPath("/engagements", e.ID)+"/amendments")
}

// invalidField is a one-field validation error.
func invalidField(field, key string) error {
	var v tandem.Validator
	v.Add(field, i18n.K(key))
	return v.Err()
}

// formRows are the rows of a list of the terms form that have a key, as
// options labelled by their name field (the key when it has none).
func formRows(f views.Form, list, name string) []views.Option {
	var out []views.Option
	for _, i := range f.Rows(list) {
		key := f.Get(list + "." + strconv.Itoa(i) + ".key")
		if key == "" {
			continue
		}
		label := f.Get(list + "." + strconv.Itoa(i) + "." + name)
		if label == "" {
			label = key
		}
		out = append(out, views.Option{Value: key, Label: label})
	}
	return out
}

// termsChoices are the localized options of the terms form's select boxes.
// A KPI's metric may be one of the form's own metrics (those with a key),
// listed before the catalogue.
func termsChoices(l *i18n.Localizer, f views.Form) views.TermsChoices {
	opts := func(path string) []views.Option {
		v, _ := contract.VocabularyOf(path)
		out := make([]views.Option, 0, len(v.Values))
		for _, x := range v.Values {
			out = append(out, views.Option{Value: x, Label: l.T(string(contract.LabelKey(v.Group, x)))})
		}
		return out
	}
	// Selects inside repeated rows start blank, so that the empty row the
	// form offers for adding stays empty and is dropped.
	blank := func(o []views.Option) []views.Option {
		return append([]views.Option{{Value: "", Label: l.T("common.none")}}, o...)
	}
	c := views.TermsChoices{
		Models:         opts("shape.model"),
		Coverages:      opts("shape.coverage"),
		Formats:        opts("shape.format"),
		Renewals:       opts("shape.renewal"),
		DeadlineKinds:  blank(opts("services.deadline.kind")),
		PriceKinds:     blank(opts("price.components.kind")),
		Units:          blank(opts("price.components.unit")),
		Periods:        blank(opts("kpis.period")),
		InvoicePeriods: opts("price.period"),
		Directions:     blank(opts("kpis.direction")),
		MeetingKinds:   blank(opts("governance.cadence.kind")),
		Notices:        blank(opts("notices.category")),
		Metrics:        blank(append(formRows(f, "metrics", "name"), opts("kpis.metric")...)),
		MetricKinds:    blank(opts("metrics.kind")),
		MetricSources:  blank(opts("metrics.source")),
		Sides:          blank(opts("governance.committee.side")),
		StageMeanings:  blank(opts("sales.stages.meaning")),
	}
	c.Goals = blank(formRows(f, "goals", "title"))
	c.Services = append([]views.Option{{Value: "", Label: l.T("contract.every_service")}}, formRows(f, "services", "name")...)
	for _, cur := range money.Currencies {
		c.Currencies = append(c.Currencies, views.Option{Value: cur, Label: cur})
	}
	for d := 1; d <= 7; d++ {
		c.Weekdays = append(c.Weekdays, views.Option{Value: strconv.Itoa(d % 7),
			Label: l.Weekday(time.Date(2026, 11, 22+d, 12, 0, 0, 0, time.UTC))}) // 23 Nov 2026 is a Monday
	}
	return c
}
