package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/tandemhq/tandem/internal/engagement"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/partner"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/tandem"
)

// The JSON API's shapes. They are separate from the domain types so that
// the wire format is stated here, once, and documented in openapi.json.

type apiList[T any] struct {
	Items  []T `json:"items"`
	Total  int `json:"total"`
	Limit  int `json:"limit"`
	Offset int `json:"offset"`
}

// wholeList is every item of xs as one page, each turned by conv.
func wholeList[T, U any](xs []T, conv func(T) U) apiList[U] {
	out := apiList[U]{Items: make([]U, len(xs)), Total: len(xs), Limit: len(xs)}
	for i, x := range xs {
		out.Items[i] = conv(x)
	}
	return out
}

type apiPartner struct {
	ID           int64     `json:"id"`
	LegalName    string    `json:"legal_name"`
	RegNumber    string    `json:"reg_number"`
	Country      string    `json:"country"`
	Website      string    `json:"website"`
	ContactName  string    `json:"contact_name"`
	ContactEmail string    `json:"contact_email"`
	ContactPhone string    `json:"contact_phone"`
	VATBP        int       `json:"vat_bp"`
	Status       string    `json:"status"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
}

func toAPIPartner(p *partner.Partner) apiPartner {
	return apiPartner{p.ID, p.LegalName, p.RegNumber, p.Country, p.Website, p.ContactName, p.ContactEmail,
		p.ContactPhone, p.VATBP, string(p.Status), p.CreatedAt, p.UpdatedAt}
}

// partnerInput is a create or patch body; nil fields are left unchanged.
type partnerInput struct {
	LegalName    *string `json:"legal_name"`
	RegNumber    *string `json:"reg_number"`
	Country      *string `json:"country"`
	Website      *string `json:"website"`
	ContactName  *string `json:"contact_name"`
	ContactEmail *string `json:"contact_email"`
	ContactPhone *string `json:"contact_phone"`
	VATBP        *int    `json:"vat_bp"`
	Status       *string `json:"status"`
}

func (in partnerInput) apply(p *partner.Partner) {
	set(&p.LegalName, in.LegalName)
	set(&p.RegNumber, in.RegNumber)
	set(&p.Country, in.Country)
	set(&p.Website, in.Website)
	set(&p.ContactName, in.ContactName)
	set(&p.ContactEmail, in.ContactEmail)
	set(&p.ContactPhone, in.ContactPhone)
	if in.VATBP != nil {
		p.VATBP = *in.VATBP
	}
	if in.Status != nil {
		p.Status = partner.Status(*in.Status)
	}
}

type apiEngagement struct {
	ID          int64     `json:"id"`
	PartnerID   int64     `json:"partner_id"`
	PartnerName string    `json:"partner_name"`
	Title       string    `json:"title"`
	Kind        string    `json:"kind"`
	Status      string    `json:"status"`
	StartsOn    string    `json:"starts_on"`
	EndsOn      *string   `json:"ends_on"`
	Description string    `json:"description"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

func toAPIEngagement(e *engagement.Engagement) apiEngagement {
	out := apiEngagement{ID: e.ID, PartnerID: e.PartnerID, PartnerName: e.PartnerName, Title: e.Title, Kind: string(e.Kind),
		Status: string(e.Status), StartsOn: e.StartsOn.String(), Description: e.Description, CreatedAt: e.CreatedAt, UpdatedAt: e.UpdatedAt}
	if !e.EndsOn.IsZero() {
		s := e.EndsOn.String()
		out.EndsOn = &s
	}
	return out
}

type engagementInput struct {
	PartnerID   *int64  `json:"partner_id"`
	Title       *string `json:"title"`
	Kind        *string `json:"kind"`
	Status      *string `json:"status"`
	StartsOn    *string `json:"starts_on"`
	EndsOn      *string `json:"ends_on"`
	Description *string `json:"description"`
}

func (in engagementInput) apply(e *engagement.Engagement) error {
	if in.PartnerID != nil {
		e.PartnerID = *in.PartnerID
	}
	set(&e.Title, in.Title)
	set(&e.Description, in.Description)
	if in.Kind != nil {
		e.Kind = engagement.Kind(*in.Kind)
	}
	if in.Status != nil {
		e.Status = engagement.Status(*in.Status)
	}
	var v tandem.Validator
	var err error
	if in.StartsOn != nil {
		if e.StartsOn, err = tandem.ParseDate(*in.StartsOn); err != nil {
			v.Add("starts_on", i18n.K("validation.date"))
		}
	}
	if in.EndsOn != nil {
		if e.EndsOn, err = tandem.ParseDate(*in.EndsOn); err != nil {
			v.Add("ends_on", i18n.K("validation.date"))
		}
	}
	return v.Err()
}

func set(dst *string, src *string) {
	if src != nil {
		*dst = *src
	}
}

// apiPage reads limit, offset, q and sort.
func apiPage(r *http.Request) tandem.Page {
	q := r.URL.Query()
	limit, _ := strconv.Atoi(q.Get("limit"))
	offset, _ := strconv.Atoi(q.Get("offset"))
	return tandem.Page{Q: q.Get("q"), Sort: q.Get("sort"), Limit: limit, Offset: offset}.Normalize()
}

type apiMe struct {
	User struct {
		ID    int64  `json:"id"`
		Email string `json:"email"`
		Name  string `json:"name"`
		Lang  string `json:"lang"`
	} `json:"user"`
	Workspace struct {
		ID       int64  `json:"id"`
		Name     string `json:"name"`
		Currency string `json:"currency"`
		Lang     string `json:"lang"`
		TimeZone string `json:"time_zone"`
	} `json:"workspace"`
	MembershipID int64  `json:"membership_id"`
	Role         string `json:"role"`
	PartnerID    *int64 `json:"partner_id"`
	// CalendarFeed is the person's calendar feed address ("" when none);
	// POST /api/v1/me/calendar-feed makes a new one, …/revoke removes it.
	CalendarFeed struct {
		Active     bool   `json:"active"`
		URL        string `json:"url"`
		Regenerate string `json:"regenerate"`
	} `json:"calendar_feed"`
}

func (s *server) apiMe(w http.ResponseWriter, r *http.Request) error {
	st := state(r)
	p, ws := st.principal, st.workspace
	var me apiMe
	me.User.ID, me.User.Email, me.User.Name, me.User.Lang = p.UserID, p.Email, p.UserName, p.Lang
	me.Workspace.ID, me.Workspace.Name, me.Workspace.Currency = ws.ID, ws.Name, ws.Currency
	me.Workspace.Lang, me.Workspace.TimeZone = string(ws.Lang), ws.TimeZone
	me.MembershipID, me.Role = p.MembershipID, string(p.Role)
	if p.PartnerID != 0 {
		me.PartnerID = &p.PartnerID
	}
	var err error
	tok, err := s.db.Meetings.FeedToken(r.Context(), p)
	if err != nil {
		return err
	}
	if me.CalendarFeed.Active = tok != ""; me.CalendarFeed.Active {
		me.CalendarFeed.URL = s.calendarURL(tok)
	}
	me.CalendarFeed.Regenerate = "/api/v1/me/calendar-feed"
	writeJSON(w, http.StatusOK, me)
	return nil
}

func (s *server) apiPartnerList(w http.ResponseWriter, r *http.Request) error {
	pg := apiPage(r)
	ps, total, err := s.db.Partners.List(r.Context(), state(r).principal, pg, r.URL.Query().Get("status"))
	if err != nil {
		return err
	}
	out := apiList[apiPartner]{Items: make([]apiPartner, len(ps)), Total: total, Limit: pg.Limit, Offset: pg.Offset}
	for i := range ps {
		out.Items[i] = toAPIPartner(&ps[i])
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *server) apiPartnerGet(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	p, err := s.db.Partners.Get(r.Context(), state(r).principal, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toAPIPartner(p))
	return nil
}

func (s *server) apiPartnerCreate(w http.ResponseWriter, r *http.Request) error {
	var in partnerInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	p := &partner.Partner{}
	in.apply(p)
	if err := s.db.Partners.Create(r.Context(), state(r).principal, p); err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/partners/"+strconv.FormatInt(p.ID, 10))
	writeJSON(w, http.StatusCreated, toAPIPartner(p))
	return nil
}

func (s *server) apiPartnerPatch(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	p, err := s.db.Partners.Get(r.Context(), state(r).principal, id)
	if err != nil {
		return err
	}
	var in partnerInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	in.apply(p)
	if err := s.db.Partners.Update(r.Context(), state(r).principal, p); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toAPIPartner(p))
	return nil
}

func (s *server) apiEngagementList(w http.ResponseWriter, r *http.Request) error {
	pg := apiPage(r)
	q := r.URL.Query()
	f := store.EngagementFilter{PartnerID: formID(q.Get("partner_id")), Status: q.Get("status"), Kind: q.Get("kind")}
	es, total, err := s.db.Engagements.List(r.Context(), state(r).principal, pg, f)
	if err != nil {
		return err
	}
	out := apiList[apiEngagement]{Items: make([]apiEngagement, len(es)), Total: total, Limit: pg.Limit, Offset: pg.Offset}
	for i := range es {
		out.Items[i] = toAPIEngagement(&es[i])
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *server) apiEngagementGet(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	e, err := s.db.Engagements.Get(r.Context(), state(r).principal, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toAPIEngagement(e))
	return nil
}

func (s *server) apiEngagementCreate(w http.ResponseWriter, r *http.Request) error {
	var in engagementInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	e := &engagement.Engagement{}
	if err := in.apply(e); err != nil {
		return err
	}
	if err := s.db.Engagements.Create(r.Context(), state(r).principal, e); err != nil {
		return err
	}
	// Re-read for the joined partner name.
	got, err := s.db.Engagements.Get(r.Context(), state(r).principal, e.ID)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/engagements/"+strconv.FormatInt(e.ID, 10))
	writeJSON(w, http.StatusCreated, toAPIEngagement(got))
	return nil
}

func (s *server) apiEngagementPatch(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	p := state(r).principal
	e, err := s.db.Engagements.Get(r.Context(), p, id)
	if err != nil {
		return err
	}
	var in engagementInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	if err := in.apply(e); err != nil {
		return err
	}
	if err := s.db.Engagements.Update(r.Context(), p, e); err != nil {
		return err
	}
	got, err := s.db.Engagements.Get(r.Context(), p, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toAPIEngagement(got))
	return nil
}
