package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/a-h/templ"
	"github.com/tandemhq/tandem/internal/access"
	"github.com/tandemhq/tandem/internal/account"
	"github.com/tandemhq/tandem/internal/engagement"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/tandem"
	"github.com/tandemhq/tandem/internal/web/views"
)

func (s *server) engagementList(w http.ResponseWriter, r *http.Request) error {
	// Kept between requests (keptPage).
	return s.keptPage(w, r, s.engagementListView)
}

func (s *server) engagementListView(r *http.Request) (templ.Component, error) {
	st := state(r)
	q := r.URL.Query()
	pg := pageOf(q, listLimit)
	f := store.EngagementFilter{PartnerID: formID(q.Get("partner_id")), Status: q.Get("status"), Kind: q.Get("kind")}
	es, total, err := s.db.Engagements.List(r.Context(), st.principal, pg, f)
	if err != nil {
		return nil, err
	}
	partners, err := s.partnerPicker(r, views.Form{Values: url.Values{"partner_id": {q.Get("partner_id")}}}, "partner_id", "engagements.all_partners", "/engagements")
	if err != nil {
		return nil, err
	}
	filters := views.EngagementFilters{
		Partners: partners.Options,
		// Past pickerLimit partners the list is not shown: the search box
		// finds engagements by their partner's name too.
		PartnersCut: partners.More,
		Statuses:    options(st.loc, "engagement.status.", engagement.Statuses, "engagements.all_statuses"),
		Kinds:       options(st.loc, "engagement.kind.", engagement.Kinds, "engagements.all_kinds"),
	}
	pager := views.Pager{Total: total, Offset: pg.Offset, Limit: listLimit, Query: q, Path: "/engagements"}
	return views.EngagementList(s.nav(r, st.loc.T("engagements.title"), "engagements"), es, pager, filters,
		access.Allows(st.principal.Role, access.EngagementsWrite)), nil
}

func (s *server) engagementShow(w http.ResponseWriter, r *http.Request) error {
	st := state(r)
	id, err := pathID(r)
	if err != nil {
		return err
	}
	// The feed is a part kept on its own (keptPageParts): every write
	// adds to the audit trail, and the rest of the page need not be
	// computed again for it.
	feed := func(r *http.Request) (templ.Component, error) {
		es, err := s.db.Audit.Feed(r.Context(), st.principal, id, 20)
		if err != nil {
			return nil, err
		}
		return views.Feed(feedItems(i18n.From(r.Context()), st.principal, id, es)), nil
	}
	return s.keptPageParts(w, r, func(r *http.Request, parts []templ.Component) (templ.Component, error) {
		ctx := r.Context()
		var d engagementShowData
		var err error
		if d.e, err = s.db.Engagements.Get(ctx, st.principal, id); err != nil {
			return nil, err
		}
		if d.team, err = s.db.Accounts.Team(ctx, st.principal, id); err != nil {
			return nil, err
		}
		if d.term, err = s.terminationBanner(r, id); err != nil {
			return nil, err
		}
		if d.gov, err = s.engagementGovernance(ctx, st.principal, st.loc, id); err != nil {
			return nil, err
		}
		return views.EngagementShow(s.nav(r, d.e.Title, "engagements"), d.e, d.team, parts[0], access.Allows(st.principal.Role, access.EngagementsWrite), d.term, d.gov), nil
	}, feed)
}

// engagementShowData is what an engagement's page shows (kept between
// requests).
type engagementShowData struct {
	e    *engagement.Engagement
	team []account.Membership
	term *views.TerminationView
	gov  views.EngagementGovernance
}

func (s *server) engagementNew(w http.ResponseWriter, r *http.Request) error {
	if f, ok := foundForm(r); ok {
		return s.engagementFormPage(w, r, f, 0, http.StatusOK)
	}
	// Kept between requests (keptPage): the partner picker lists partners.
	return s.keptPage(w, r, func(r *http.Request) (templ.Component, error) {
		f := views.Form{Values: url.Values{
			"status":     {string(engagement.StatusDraft)},
			"kind":       {string(engagement.KindSales)},
			"partner_id": {r.URL.Query().Get("partner_id")},
			"starts_on":  {state(r).loc.DateInput(s.db.Now())},
		}}
		return s.engagementFormView(r, f, 0)
	})
}

func (s *server) engagementEdit(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if f, ok := foundForm(r); ok {
		if _, err := s.db.Engagements.Get(r.Context(), state(r).principal, id); err != nil {
			return err
		}
		return s.engagementFormPage(w, r, f, id, http.StatusOK)
	}
	e, err := s.db.Engagements.Get(r.Context(), state(r).principal, id)
	if err != nil {
		return err
	}
	f := views.Form{Values: url.Values{
		"title": {e.Title}, "partner_id": {strconv.FormatInt(e.PartnerID, 10)}, "kind": {string(e.Kind)},
		"status": {string(e.Status)}, "starts_on": {e.StartsOn.String()}, "ends_on": {e.EndsOn.String()},
		"description": {e.Description},
	}}
	return s.engagementFormPage(w, r, f, id, http.StatusOK)
}

func (s *server) engagementFormPage(w http.ResponseWriter, r *http.Request, f views.Form, id int64, status int) error {
	return s.rendered(w, r, status)(s.engagementFormView(r, f, id))
}

// engagementFormView is the form of a new engagement (id 0) or of
// engagement id's edit, filled with f.
func (s *server) engagementFormView(r *http.Request, f views.Form, id int64) (templ.Component, error) {
	l := state(r).loc
	partners, err := s.partnerPicker(r, f, "partner_id", "engagements.choose_partner", formPageURL("/engagements", id))
	if err != nil {
		return nil, err
	}
	title := l.T("engagements.new")
	if id != 0 {
		title = l.T("engagements.edit")
	}
	return views.EngagementForm(s.nav(r, title, "engagements"), f, id, partners,
		options(l, "engagement.kind.", engagement.Kinds, ""), options(l, "engagement.status.", engagement.Statuses, "")), nil
}

func (s *server) engagementCreate(w http.ResponseWriter, r *http.Request) error {
	return s.engagementSave(w, r, 0)
}

func (s *server) engagementUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	return s.engagementSave(w, r, id)
}

func (s *server) engagementSave(w http.ResponseWriter, r *http.Request, id int64) error {
	f, err := parseForm(w, r)
	if err != nil {
		return err
	}
	e, err := engagementFromValues(f.Values)
	if err == nil {
		e.ID = id
		ctx, p := r.Context(), state(r).principal
		if id == 0 {
			// The template's texts are written in the language the
			// creator reads this page in.
			p.Lang = string(state(r).loc.Lang())
			err = s.db.Engagements.Create(ctx, p, e)
		} else {
			err = s.db.Engagements.Update(ctx, p, e)
		}
	}
	if err != nil {
		if !withErrors(r, &f, err) {
			return err
		}
		return s.engagementFormPage(w, r, f, id, invalidStatus(err))
	}
	return redirect(w, r, recordPath("/engagements", e.ID))
}

// engagementFromValues reads an engagement from form values; dates that do
// not parse are reported as field errors.
func engagementFromValues(v url.Values) (*engagement.Engagement, error) {
	e := &engagement.Engagement{PartnerID: formID(v.Get("partner_id")), Title: v.Get("title"),
		Kind: engagement.Kind(v.Get("kind")), Status: engagement.Status(v.Get("status")), Description: v.Get("description")}
	var val tandem.Validator
	var err error
	if e.StartsOn, err = tandem.ParseDate(v.Get("starts_on")); err != nil {
		val.Add("starts_on", i18n.K("validation.date"))
	}
	if e.EndsOn, err = tandem.ParseDate(v.Get("ends_on")); err != nil {
		val.Add("ends_on", i18n.K("validation.date"))
	}
	return e, val.Err()
}

func recordPath(base string, id int64) string { return base + "/" + strconv.FormatInt(id, 10) }
