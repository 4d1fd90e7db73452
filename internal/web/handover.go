package web

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/tandemhq/tandem/internal/access"
	"github.com/tandemhq/tandem/internal/handover"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/knowledge"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/tandem"
	"github.com/tandemhq/tandem/internal/web/views"
)

// Responsible people and handovers: who is responsible on each side of an
// engagement, and the checklist made when one is replaced (package
// handover decides, the store keeps them).

func handoversPath(engagementID int64) string {
	return recordPath("/engagements", engagementID) + "/handovers"
}

// stepText is a step in the reader's language: a default step's text, or
// the line of the rule as written.
func stepText(l *i18n.Localizer, st handover.Step) string {
	if st.Key != "" {
		return l.T("handover.step." + st.Key)
	}
	return st.Text
}

func (s *server) handoversPage(w http.ResponseWriter, r *http.Request) error {
	return s.handoversView(w, r, http.StatusOK, views.Form{})
}

func (s *server) handoversView(w http.ResponseWriter, r *http.Request, status int, f views.Form) error {
	st := state(r)
	ctx, p, l := r.Context(), st.principal, st.loc
	e, err := s.engagementOf(r)
	if err != nil {
		return err
	}
	hs := s.db.Handovers()
	resp, err := hs.Responsibles(ctx, p, e.ID)
	if err != nil {
		return err
	}
	list, err := hs.List(ctx, p, e.ID)
	if err != nil {
		return err
	}
	d := views.HandoverData{Engagement: e, Form: f, CanSet: access.Allows(p.Role, access.ResponsibleSet)}
	for _, x := range resp {
		d.Responsibles = append(d.Responsibles, views.ResponsibleRow{Side: l.T("handover.side." + string(x.Side)), Name: x.Name, Since: l.DateTime(x.Since)})
	}
	if d.CanSet {
		people, err := s.db.Knowledge().People(ctx, p, e.ID)
		if err != nil {
			return err
		}
		for _, x := range people {
			if p.Role.IsClient() || x.Side == tandem.SidePartner {
				d.People = append(d.People, views.Option{Value: strconv.FormatInt(x.UserID, 10),
					Label: l.T("knowledge.person", "name", x.Name, "side", l.T("handover.side."+string(x.Side)))})
			}
		}
		sides := []tandem.Side{tandem.SideClient, tandem.SidePartner}
		if !p.Role.IsClient() {
			sides = sides[1:]
		}
		for _, sd := range sides {
			d.Sides = append(d.Sides, views.Option{Value: string(sd), Label: l.T("handover.side." + string(sd))})
		}
	}
	for _, h := range list {
		row := views.HandoverRow{ID: h.ID, Side: l.T("handover.side." + string(h.Side)), From: h.FromName, To: h.ToName,
			Started: l.DateTime(h.CreatedAt), Total: int64(len(h.Steps)), CanTick: handover.MayTick(h, p.UserID, p.Role) == nil && access.Allows(p.Role, access.HandoverWork)}
		if !h.CompletedAt.IsZero() {
			row.Completed = l.DateTime(h.CompletedAt)
		}
		if !handover.ListsSteps(h.Rule) {
			row.Rule = h.Rule
		}
		for _, x := range h.Steps {
			sr := views.HandoverStepRow{ID: x.ID, Text: stepText(l, x), Done: x.Done(), DoneBy: x.DoneByName}
			if x.Done() {
				row.Done++
				sr.DoneAt = l.DateTime(x.DoneAt)
			}
			row.Steps = append(row.Steps, sr)
		}
		d.Handovers = append(d.Handovers, row)
	}
	s.render(w, r, status, views.Handovers(s.nav(r, l.T("handover.title_page"), "engagements"), d))
	return nil
}

func (s *server) responsibleSet(w http.ResponseWriter, r *http.Request) error {
	e, err := s.engagementOf(r)
	if err != nil {
		return err
	}
	f, err := parseForm(w, r)
	if err != nil {
		return err
	}
	if _, err := s.db.Handovers().SetResponsible(r.Context(), state(r).principal, e.ID, tandem.Side(f.Get("side")), formID(f.Get("user_id"))); err != nil {
		if !withErrors(r, &f, err) {
			return err
		}
		return s.handoversView(w, r, invalidStatus(err), f)
	}
	return redirect(w, r, handoversPath(e.ID))
}

func (s *server) handoverTick(w http.ResponseWriter, r *http.Request) error {
	e, err := s.engagementOf(r)
	if err != nil {
		return err
	}
	hid, err := subID(r, "handover")
	if err != nil {
		return err
	}
	sid, err := subID(r, "step")
	if err != nil {
		return err
	}
	f, err := parseForm(w, r)
	if err != nil {
		return err
	}
	if _, err := s.db.Handovers().Tick(r.Context(), state(r).principal, e.ID, hid, sid); err != nil {
		if !withErrors(r, &f, err) {
			return err
		}
		return s.handoversView(w, r, invalidStatus(err), views.Form{Message: f.Message})
	}
	return redirect(w, r, handoversPath(e.ID)+"#handover-"+strconv.FormatInt(hid, 10))
}

// The JSON API.

type apiHandoverStep struct {
	ID     int64      `json:"id"`
	Key    string     `json:"key,omitempty"`
	Text   string     `json:"text"`
	DoneBy string     `json:"done_by,omitempty"`
	DoneAt *time.Time `json:"done_at,omitempty"`
}

type apiHandover struct {
	ID          int64             `json:"id"`
	Side        string            `json:"side"`
	FromUserID  int64             `json:"from_user_id"`
	From        string            `json:"from"`
	ToUserID    int64             `json:"to_user_id"`
	To          string            `json:"to"`
	Rule        string            `json:"rule"`
	CreatedAt   time.Time         `json:"created_at"`
	CompletedAt *time.Time        `json:"completed_at"`
	Steps       []apiHandoverStep `json:"steps"`
}

func toAPIHandover(l *i18n.Localizer, h *handover.Handover) apiHandover {
	out := apiHandover{ID: h.ID, Side: string(h.Side), FromUserID: h.FromID, From: h.FromName, ToUserID: h.ToID, To: h.ToName, Rule: h.Rule,
		CreatedAt: h.CreatedAt, Steps: []apiHandoverStep{}}
	if !h.CompletedAt.IsZero() {
		t := h.CompletedAt
		out.CompletedAt = &t
	}
	for _, x := range h.Steps {
		st := apiHandoverStep{ID: x.ID, Key: x.Key, Text: stepText(l, x), DoneBy: x.DoneByName}
		if x.Done() {
			t := x.DoneAt
			st.DoneAt = &t
		}
		out.Steps = append(out.Steps, st)
	}
	return out
}

type apiResponsible struct {
	Side   string    `json:"side"`
	UserID int64     `json:"user_id"`
	Name   string    `json:"name"`
	Since  time.Time `json:"since"`
}

func toAPIResponsibles(rs []store.Responsible) []apiResponsible {
	out := []apiResponsible{}
	for _, x := range rs {
		out = append(out, apiResponsible{string(x.Side), x.UserID, x.Name, x.Since})
	}
	return out
}

func (s *server) apiHandovers(w http.ResponseWriter, r *http.Request) error {
	st := state(r)
	ctx, p := r.Context(), st.principal
	e, err := s.engagementOf(r)
	if err != nil {
		return err
	}
	resp, err := s.db.Handovers().Responsibles(ctx, p, e.ID)
	if err != nil {
		return err
	}
	list, err := s.db.Handovers().List(ctx, p, e.ID)
	if err != nil {
		return err
	}
	items := []apiHandover{}
	for _, h := range list {
		items = append(items, toAPIHandover(st.loc, h))
	}
	writeJSON(w, http.StatusOK, map[string]any{"responsibles": toAPIResponsibles(resp), "handovers": items})
	return nil
}

func (s *server) apiResponsibleSet(w http.ResponseWriter, r *http.Request) error {
	st := state(r)
	e, err := s.engagementOf(r)
	if err != nil {
		return err
	}
	var in struct {
		Side   string `json:"side"`
		UserID int64  `json:"user_id"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	h, err := s.db.Handovers().SetResponsible(r.Context(), st.principal, e.ID, tandem.Side(in.Side), in.UserID)
	if err != nil {
		return err
	}
	out := map[string]any{"handover": nil}
	if h != nil {
		out["handover"] = toAPIHandover(st.loc, h)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *server) apiHandoverTick(w http.ResponseWriter, r *http.Request) error {
	st := state(r)
	e, err := s.engagementOf(r)
	if err != nil {
		return err
	}
	hid, err := subID(r, "handover")
	if err != nil {
		return err
	}
	sid, err := subID(r, "step")
	if err != nil {
		return err
	}
	if err := decodeOptionalJSON(w, r, &struct{}{}); err != nil {
		return err
	}
	h, err := s.db.Handovers().Tick(r.Context(), st.principal, e.ID, hid, sid)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toAPIHandover(st.loc, h))
	return nil
}

// governanceItems are what waits on p from this capability, for the home
// page: the pulse surveys p has not answered and the handovers waiting on
// p (the outgoing or incoming person).
func (s *server) governanceItems(ctx context.Context, p tandem.Principal, l *i18n.Localizer) ([]views.HomeItem, error) {
	var out []views.HomeItem
	rounds, err := s.db.Surveys().Pending(ctx, p)
	if err != nil {
		return nil, err
	}
	for _, rd := range rounds {
		out = append(out, views.HomeItem{What: l.T("survey.home_what"), Title: periodLabel(l, rd.Period), When: l.DateTime(rd.SentAt), Tone: "warn",
			Engagement: rd.EngagementTitle, EngagementLink: recordPath("/engagements", rd.EngagementID), Link: recordPath("/surveys", rd.ID), Yours: true})
	}
	hs, err := s.db.Handovers().Waiting(ctx, p)
	if err != nil {
		return nil, err
	}
	for _, h := range hs {
		done := 0
		for _, st := range h.Steps {
			if st.Done() {
				done++
			}
		}
		title := ""
		if e, err := s.db.Engagements.Get(ctx, p, h.EngagementID); err == nil {
			title = e.Title
		}
		out = append(out, views.HomeItem{What: l.T("handover.home_what"), Engagement: title, Title: l.T("handover.title", "side", l.T("handover.side."+string(h.Side)), "from", h.FromName, "to", h.ToName),
			When: l.T("handover.progress", "done", done, "total", len(h.Steps)), Tone: "warn", EngagementLink: recordPath("/engagements", h.EngagementID),
			Link: handoversPath(h.EngagementID) + "#handover-" + strconv.FormatInt(h.ID, 10), Yours: true})
	}
	return out, nil
}

// engagementGovernance is the overview's summary of an engagement's
// responsible people, open handovers and knowledge areas at risk.
func (s *server) engagementGovernance(ctx context.Context, p tandem.Principal, l *i18n.Localizer, engagementID int64) (views.EngagementGovernance, error) {
	var g views.EngagementGovernance
	resp, open, err := s.db.Handovers().Governance(ctx, p, engagementID)
	if err != nil {
		return g, err
	}
	for _, x := range resp {
		g.Responsibles = append(g.Responsibles, views.ResponsibleRow{Side: l.T("handover.side." + string(x.Side)), Name: x.Name})
	}
	g.OpenHandovers = int64(open)
	areas, err := s.db.Knowledge().BusFactors(ctx, p, engagementID)
	if err != nil {
		return g, err
	}
	for _, a := range knowledge.AtRiskAreas(areas) {
		g.RiskAreas = append(g.RiskAreas, l.T("knowledge.area_risk", "area", a.Name, "n", a.BusFactor))
	}
	return g, nil
}
