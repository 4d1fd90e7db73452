package web

import (
	"github.com/tandemhq/tandem/internal/access"
	"net/http"
	"strconv"
	"time"

	"github.com/tandemhq/tandem/internal/engagement"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/request"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/tandem"
	"github.com/tandemhq/tandem/internal/web/views"
)

// Requests of SLA services: the list with both clocks, the form to open
// one, the request page with its history and the actions the caller's side
// may take, and the JSON API over the same store calls.

// requestNumber reads the {number} path value; a malformed one is "not found".
func requestNumber(r *http.Request) (int, error) {
	n, err := strconv.Atoi(r.PathValue("number"))
	if err != nil || n <= 0 {
		return 0, tandem.ErrNotFound
	}
	return n, nil
}

func requestPath(engagementID int64, number int) string {
	return recordPath("/engagements", engagementID) + "/requests/" + strconv.Itoa(number)
}

// businessDuration writes a business-time span in hours and minutes with
// the language's plural forms ("2 hours 5 minutes", "2 часа 5 минут"),
// rounded up to the minute so that a few seconds left still show.
func businessDuration(l *i18n.Localizer, d time.Duration) string {
	if d < 0 {
		d = -d
	}
	m := int64((d + time.Minute - 1) / time.Minute)
	h, m := m/60, m%60
	switch {
	case h == 0:
		return l.N("request.duration.minutes", m)
	case m == 0:
		return l.N("request.duration.hours", h)
	}
	return l.T("request.duration.hours_minutes", "hours", l.N("request.duration.hours", h), "minutes", l.N("request.duration.minutes", m))
}

// clockView says where a clock stands, in words, with a tone for the badge.
func clockView(l *i18n.Localizer, c request.Clock) views.ClockView {
	var v views.ClockView
	switch {
	case !c.HasTarget():
		v.Text, v.Tone = l.T("request.clock.no_target"), "off"
	case c.Stopped && c.Breached:
		v.Text, v.Tone = l.T("request.clock.missed", "duration", businessDuration(l, c.Remaining)), "bad"
	case c.Stopped:
		v.Text, v.Tone = l.T("request.clock.met", "duration", businessDuration(l, c.Elapsed)), "ok"
	case c.Breached:
		v.Text, v.Tone = l.T("request.clock.overdue", "duration", businessDuration(l, c.Remaining)), "bad"
	case c.Paused:
		v.Text, v.Tone = l.T("request.clock.paused", "duration", businessDuration(l, c.Remaining)), "info"
	default:
		v.Text, v.Tone = l.T("request.clock.left", "duration", businessDuration(l, c.Remaining)), "ok"
		if c.RunningLow() {
			v.Tone = "warn"
		}
	}
	if c.HasTarget() {
		v.Target = businessDuration(l, c.Target)
	}
	if !c.Due.IsZero() && !c.Breached {
		v.Due = l.T("request.clock.due", "date", l.DateTime(c.Due))
	}
	return v
}

func (s *server) requestRow(l *i18n.Localizer, r *request.Request) views.RequestRow {
	return views.RequestRow{
		Number:     r.Number,
		URL:        requestPath(r.EngagementID, r.Number),
		Title:      r.Title,
		ServiceKey: r.ServiceKey,
		Priority:   l.T("request.priority." + r.Priority),
		Status:     string(r.Status),
		OpenedAt:   l.DateTime(r.OpenedAt),
		Response:   clockView(l, r.Response),
		Resolution: clockView(l, r.Resolution),
	}
}

func (s *server) requestList(w http.ResponseWriter, r *http.Request) error {
	st := state(r)
	e, err := s.engagementOf(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	pg := pageOf(q, 50)
	rs, total, err := s.db.Requests.List(r.Context(), st.principal, pg, store.RequestFilter{EngagementID: e.ID, Status: q.Get("status")})
	if err != nil {
		return err
	}
	d := views.RequestListData{
		Engagement: e,
		Pager:      views.Pager{Total: total, Offset: pg.Offset, Limit: pg.Limit, Query: q, Path: r.URL.Path},
		Statuses:   options(st.loc, "request.status.", request.Statuses, "request.all_statuses"),
		CanOpen:    request.MayOpen(st.principal.Role, e), CanExport: access.Allows(st.principal.Role, access.ListsExport),
	}
	for i := range rs {
		d.Rows = append(d.Rows, s.requestRow(st.loc, &rs[i]))
	}
	return s.page(w, r, views.Requests(s.nav(r, st.loc.T("request.list_title"), "engagements"), d))
}

func (s *server) requestNew(w http.ResponseWriter, r *http.Request) error {
	e, err := s.engagementOf(r)
	if err != nil {
		return err
	}
	f := views.Form{Values: map[string][]string{"priority": {request.DefaultPriority}}}
	return s.requestFormPage(w, r, e, f, http.StatusOK)
}

func (s *server) requestFormPage(w http.ResponseWriter, r *http.Request, e *engagement.Engagement, f views.Form, status int) error {
	st := state(r)
	svcs, err := s.db.Requests.SLAServices(r.Context(), st.principal, e.ID)
	if err != nil {
		return err
	}
	services := []views.Option{{Value: "", Label: st.loc.T("common.none")}}
	for _, svc := range svcs {
		services = append(services, views.Option{Value: svc.Key, Label: svc.Name})
	}
	d := views.RequestFormData{Engagement: e, Form: f, Services: services, Live: e.Live(),
		Priorities: options(st.loc, "request.priority.", request.Priorities, "")}
	s.render(w, r, status, views.RequestForm(s.nav(r, st.loc.T("request.new_title"), "engagements"), d))
	return nil
}

func (s *server) requestCreate(w http.ResponseWriter, r *http.Request) error {
	e, err := s.engagementOf(r)
	if err != nil {
		return err
	}
	f, err := parseForm(w, r)
	if err != nil {
		return err
	}
	req := &request.Request{EngagementID: e.ID, ServiceKey: f.Get("service_key"), Title: f.Get("title"),
		Description: f.Get("description"), Priority: f.Get("priority")}
	if err := s.db.Requests.Create(r.Context(), state(r).principal, req); err != nil {
		if !withErrors(r, &f, err) {
			return err
		}
		return s.requestFormPage(w, r, e, f, invalidStatus(err))
	}
	return redirect(w, r, requestPath(e.ID, req.Number))
}

func (s *server) requestShow(w http.ResponseWriter, r *http.Request) error {
	return s.showRequest(w, r, views.Form{}, http.StatusOK)
}

// showRequest renders a request's page, with the action form f (its errors
// after a refused action) and the given status.
func (s *server) showRequest(w http.ResponseWriter, r *http.Request, f views.Form, status int) error {
	st := state(r)
	e, err := s.engagementOf(r)
	if err != nil {
		return err
	}
	n, err := requestNumber(r)
	if err != nil {
		return err
	}
	req, err := s.db.Requests.Get(r.Context(), st.principal, e.ID, n)
	if err != nil {
		return err
	}
	l := st.loc
	d := views.RequestPageData{Engagement: e, Request: req, Row: s.requestRow(l, req), Form: f,
		Description: req.Description, OpenedBy: req.OpenedByName,
		OpenedSide: l.T("request.side." + string(req.OpenedSide)), TermsVersion: req.TermsVersion}
	if d.OpenedBy == "" {
		d.OpenedBy = l.T("common.none")
	}
	for _, a := range request.Actions(st.principal.Role, req.Status) {
		d.Actions = append(d.Actions, views.Option{Value: string(a), Label: l.T("request.action." + string(a))})
	}
	for i := len(req.History) - 1; i >= 0; i-- {
		c := req.History[i]
		row := views.ChangeRow{At: l.DateTime(c.At), Actor: c.ActorName, Side: l.T("request.side." + string(c.ActorSide)),
			Action: l.T("request.action." + string(c.Action)), To: l.T("request.status." + string(c.To)), Note: c.Note}
		if row.Actor == "" {
			row.Actor = l.T("common.none")
		}
		d.History = append(d.History, row)
	}
	title := l.T("request.page_title", "number", req.Number)
	s.render(w, r, status, views.RequestPage(s.nav(r, title, "engagements"), d))
	return nil
}

func (s *server) requestTransition(w http.ResponseWriter, r *http.Request) error {
	e, err := s.engagementOf(r)
	if err != nil {
		return err
	}
	n, err := requestNumber(r)
	if err != nil {
		return err
	}
	f, err := parseForm(w, r)
	if err != nil {
		return err
	}
	if _, err := s.db.Requests.Transition(r.Context(), state(r).principal, e.ID, n, request.Action(f.Get("action")), f.Get("note")); err != nil {
		if !withErrors(r, &f, err) {
			return err
		}
		return s.showRequest(w, r, f, invalidStatus(err))
	}
	return redirect(w, r, requestPath(e.ID, n))
}

// ---- JSON API

// apiClock is one SLA clock as the API shows it; minutes are business
// minutes, whole, and remaining_minutes is negative once overdue.
type apiClock struct {
	State            string     `json:"state"` // running | paused | stopped | none
	TargetMinutes    int64      `json:"target_minutes"`
	ElapsedMinutes   int64      `json:"elapsed_minutes"`
	RemainingMinutes int64      `json:"remaining_minutes"`
	DueAt            *time.Time `json:"due_at"`
	StoppedAt        *time.Time `json:"stopped_at"`
	Breached         bool       `json:"breached"`
}

func toAPIClock(c request.Clock) apiClock {
	out := apiClock{State: c.State(), TargetMinutes: request.Minutes(c.Target), ElapsedMinutes: request.Minutes(c.Elapsed),
		RemainingMinutes: request.Minutes(c.Remaining), Breached: c.Breached}
	if c.Stopped {
		t := c.StoppedAt.UTC()
		out.StoppedAt = &t
	}
	if !c.Due.IsZero() {
		t := c.Due.UTC()
		out.DueAt = &t
	}
	return out
}

type apiRequestChange struct {
	Seq    int       `json:"seq"`
	Action string    `json:"action"`
	From   string    `json:"from"`
	To     string    `json:"to"`
	Note   string    `json:"note"`
	Actor  string    `json:"actor"`
	Side   string    `json:"side"`
	At     time.Time `json:"at"`
}

type apiRequest struct {
	ID           int64              `json:"id"`
	EngagementID int64              `json:"engagement_id"`
	Number       int                `json:"number"`
	ServiceKey   string             `json:"service_key"`
	Title        string             `json:"title"`
	Description  string             `json:"description"`
	Priority     string             `json:"priority"`
	Status       string             `json:"status"`
	TermsVersion int                `json:"terms_version"`
	OpenedBy     string             `json:"opened_by"`
	OpenedSide   string             `json:"opened_side"`
	OpenedAt     time.Time          `json:"opened_at"`
	RespondedAt  *time.Time         `json:"responded_at"`
	ResolvedAt   *time.Time         `json:"resolved_at"`
	UpdatedAt    time.Time          `json:"updated_at"`
	Response     apiClock           `json:"response"`
	Resolution   apiClock           `json:"resolution"`
	Actions      []string           `json:"actions"`
	History      []apiRequestChange `json:"history,omitempty"`
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	t = t.UTC()
	return &t
}

func toAPIRequest(p tandem.Principal, r *request.Request, history bool) apiRequest {
	out := apiRequest{ID: r.ID, EngagementID: r.EngagementID, Number: r.Number, ServiceKey: r.ServiceKey, Title: r.Title,
		Description: r.Description, Priority: r.Priority, Status: string(r.Status), TermsVersion: r.TermsVersion,
		OpenedBy: r.OpenedByName, OpenedSide: string(r.OpenedSide), OpenedAt: r.OpenedAt, RespondedAt: timePtr(r.RespondedAt),
		ResolvedAt: timePtr(r.ResolvedAt), UpdatedAt: r.UpdatedAt, Response: toAPIClock(r.Response),
		Resolution: toAPIClock(r.Resolution), Actions: []string{}}
	for _, a := range request.Actions(p.Role, r.Status) {
		out.Actions = append(out.Actions, string(a))
	}
	if history {
		out.History = []apiRequestChange{}
		for _, c := range r.History {
			out.History = append(out.History, apiRequestChange{Seq: c.Seq, Action: string(c.Action), From: string(c.From),
				To: string(c.To), Note: c.Note, Actor: c.ActorName, Side: string(c.ActorSide), At: c.At})
		}
	}
	return out
}

func (s *server) apiRequestList(w http.ResponseWriter, r *http.Request) error {
	p := state(r).principal
	e, err := s.engagementOf(r)
	if err != nil {
		return err
	}
	pg := apiPage(r)
	q := r.URL.Query()
	rs, total, err := s.db.Requests.List(r.Context(), p, pg, store.RequestFilter{EngagementID: e.ID, Status: q.Get("status"),
		Active: q.Get("active") == "true"})
	if err != nil {
		return err
	}
	out := apiList[apiRequest]{Items: make([]apiRequest, len(rs)), Total: total, Limit: pg.Limit, Offset: pg.Offset}
	for i := range rs {
		out.Items[i] = toAPIRequest(p, &rs[i], false)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

type requestInput struct {
	ServiceKey  string `json:"service_key"`
	Title       string `json:"title"`
	Description string `json:"description"`
	Priority    string `json:"priority"`
}

func (s *server) apiRequestCreate(w http.ResponseWriter, r *http.Request) error {
	p := state(r).principal
	e, err := s.engagementOf(r)
	if err != nil {
		return err
	}
	var in requestInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	req := &request.Request{EngagementID: e.ID, ServiceKey: in.ServiceKey, Title: in.Title, Description: in.Description, Priority: in.Priority}
	if err := s.db.Requests.Create(r.Context(), p, req); err != nil {
		return err
	}
	got, err := s.db.Requests.Get(r.Context(), p, e.ID, req.Number)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1"+requestPath(e.ID, req.Number))
	writeJSON(w, http.StatusCreated, toAPIRequest(p, got, true))
	return nil
}

func (s *server) apiRequestGet(w http.ResponseWriter, r *http.Request) error {
	p := state(r).principal
	e, err := s.engagementOf(r)
	if err != nil {
		return err
	}
	n, err := requestNumber(r)
	if err != nil {
		return err
	}
	req, err := s.db.Requests.Get(r.Context(), p, e.ID, n)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toAPIRequest(p, req, true))
	return nil
}

type transitionInput struct {
	Action string `json:"action"`
	Note   string `json:"note"`
}

func (s *server) apiRequestTransition(w http.ResponseWriter, r *http.Request) error {
	p := state(r).principal
	e, err := s.engagementOf(r)
	if err != nil {
		return err
	}
	n, err := requestNumber(r)
	if err != nil {
		return err
	}
	var in transitionInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	req, err := s.db.Requests.Transition(r.Context(), p, e.ID, n, request.Action(in.Action), in.Note)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toAPIRequest(p, req, true))
	return nil
}
