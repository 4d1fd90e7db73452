package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/tandemhq/tandem/internal/access"
	"github.com/tandemhq/tandem/internal/engagement"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/knowledge"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/tandem"
	"github.com/tandemhq/tandem/internal/web/views"
)

// The knowledge base: an engagement's pages (and the workspace's own, the
// client's), grouped by area with each area's bus factor; a page rendered
// safely with its versions and a diff; the portfolio's areas at risk
// (package knowledge decides, the store keeps pages and computes).

// knowledgeBase is the address of an engagement's knowledge base, or the
// workspace's (0).
func knowledgeBase(engagementID int64) string {
	if engagementID == 0 {
		return "/knowledge"
	}
	return recordPath("/engagements", engagementID) + "/knowledge"
}

func knowledgePagePath(id int64) string { return recordPath("/knowledge/pages", id) }

func (s *server) knowledgeEngagement(w http.ResponseWriter, r *http.Request) error {
	e, err := s.engagementOf(r)
	if err != nil {
		return err
	}
	return s.knowledgeView(w, r, http.StatusOK, e, views.Form{})
}

func (s *server) knowledgeWorkspace(w http.ResponseWriter, r *http.Request) error {
	return s.knowledgeView(w, r, http.StatusOK, nil, views.Form{})
}

// knowerText is "Anna (wrote, named)" in the reader's language.
func knowerText(l *i18n.Localizer, k knowledge.Knower) string {
	hows := make([]string, len(k.How))
	for i, h := range k.How {
		hows[i] = l.T("knowledge.how." + string(h))
	}
	return l.T("knowledge.knower", "name", k.Name, "how", strings.Join(hows, ", "))
}

func (s *server) knowledgeView(w http.ResponseWriter, r *http.Request, status int, e *engagement.Engagement, runner views.Form) error {
	st := state(r)
	ctx, p, l := r.Context(), st.principal, st.loc
	var id int64
	title := l.T("knowledge.workspace_title")
	if e != nil {
		id, title = e.ID, e.Title
	}
	d := views.KnowledgeData{Engagement: e, Runner: runner, AllLink: p.Role.IsClient()}
	if id != 0 || p.Role.IsClient() {
		kb := s.db.Knowledge()
		d.Base = knowledgeBase(id)
		d.CanWrite = access.Allows(p.Role, access.KnowledgeWrite) && knowledge.MayWrite(p.Side(), id) == nil
		pages, err := kb.Pages(ctx, p, id)
		if err != nil {
			return err
		}
		areas, err := kb.BusFactors(ctx, p, id)
		if err != nil {
			return err
		}
		today, err := kb.Today(ctx, p)
		if err != nil {
			return err
		}
		byArea := map[string]int{}
		for _, a := range areas {
			v := views.KnowledgeAreaView{Name: a.Name, BusFactor: int64(a.BusFactor), Risk: a.AtRisk()}
			for _, k := range a.Client {
				v.Client = append(v.Client, knowerText(l, k))
			}
			for _, k := range a.Partner {
				v.Partner = append(v.Partner, knowerText(l, k))
			}
			byArea[a.Name] = len(d.Areas)
			d.Areas = append(d.Areas, v)
		}
		for _, pg := range pages {
			i, ok := byArea[pg.Area]
			if !ok {
				byArea[pg.Area] = len(d.Areas)
				i = len(d.Areas)
				d.Areas = append(d.Areas, views.KnowledgeAreaView{Name: pg.Area, Risk: true})
			}
			stale := pg.Stale(today)
			if stale {
				d.Stale++
			}
			d.Areas[i].Pages = append(d.Areas[i].Pages, views.KnowledgePageRow{ID: pg.ID, Title: pg.Title, Owner: pg.OwnerName,
				ReviewOn: localDate(l, pg.ReviewOn), Stale: stale})
		}
		if d.CanWrite {
			people, err := kb.People(ctx, p, id)
			if err != nil {
				return err
			}
			d.People = knowledgePeopleOptions(l, people)
		}
	}
	if e == nil {
		risk, err := s.db.Knowledge().AtRisk(ctx, p)
		if err != nil {
			return err
		}
		for _, x := range risk {
			for _, a := range x.Areas {
				d.AtRisk = append(d.AtRisk, views.KnowledgeRiskRow{EngagementID: x.EngagementID, Engagement: x.Title, Area: a.Name, BusFactor: int64(a.BusFactor)})
			}
		}
	}
	s.render(w, r, status, views.KnowledgeBase(s.nav(r, title, "engagements"), d))
	return nil
}

func knowledgePeopleOptions(l *i18n.Localizer, people []store.KnowledgePerson) []views.Option {
	out := make([]views.Option, 0, len(people))
	for _, x := range people {
		out = append(out, views.Option{Value: strconv.FormatInt(x.UserID, 10), Label: l.T("knowledge.person", "name", x.Name, "side", l.T("handover.side."+string(x.Side)))})
	}
	return out
}

// knowledgeHomeOf reads the engagement of an engagement's route ({id}), or
// none for the workspace's routes.
func (s *server) knowledgeHomeOf(r *http.Request) (int64, error) {
	if r.PathValue("id") == "" {
		return 0, nil
	}
	e, err := s.engagementOf(r)
	if err != nil {
		return 0, err
	}
	return e.ID, nil
}

func (s *server) knowledgeNew(w http.ResponseWriter, r *http.Request) error {
	id, err := s.knowledgeHomeOf(r)
	if err != nil {
		return err
	}
	f := views.Form{Values: url.Values{"area": {r.URL.Query().Get("area")}, "owner_id": {strconv.FormatInt(state(r).principal.UserID, 10)}}}
	return s.knowledgeFormView(w, r, http.StatusOK, id, nil, f)
}

// knowledgeFormView shows the form of a new page of a base (pg nil) or of
// a new version of pg.
func (s *server) knowledgeFormView(w http.ResponseWriter, r *http.Request, status int, engagementID int64, pg *knowledge.Page, f views.Form) error {
	st := state(r)
	l := st.loc
	people, err := s.db.Knowledge().People(r.Context(), st.principal, engagementID)
	if err != nil {
		return err
	}
	d := views.KnowledgeFormData{Title: l.T("knowledge.new_page"), Action: knowledgeBase(engagementID), Back: knowledgeBase(engagementID),
		Form: f, People: knowledgePeopleOptions(l, people)}
	if pg != nil {
		d.Title, d.Action, d.Back, d.Version = l.T("knowledge.edit_title", "title", pg.Title), knowledgePagePath(pg.ID), knowledgePagePath(pg.ID), int64(pg.Version)
	}
	s.render(w, r, status, views.KnowledgeForm(s.nav(r, d.Title, "engagements"), d))
	return nil
}

// pageFromForm reads a page's fields.
func pageFromForm(f views.Form) (*knowledge.Page, error) {
	pg := &knowledge.Page{Area: f.Get("area"), Title: f.Get("title"), Body: f.Get("body"), OwnerID: formID(f.Get("owner_id"))}
	if v := strings.TrimSpace(f.Get("review_on")); v != "" {
		d, err := tandem.ParseDate(v)
		if err != nil {
			return nil, invalidField("review_on", "validation.date")
		}
		pg.ReviewOn = d
	}
	return pg, nil
}

func (s *server) knowledgeCreate(w http.ResponseWriter, r *http.Request) error {
	id, err := s.knowledgeHomeOf(r)
	if err != nil {
		return err
	}
	f, err := parseForm(w, r)
	if err != nil {
		return err
	}
	pg, err := pageFromForm(f)
	if err == nil {
		pg.EngagementID = id
		err = s.db.Knowledge().Save(r.Context(), state(r).principal, pg)
	}
	if err != nil {
		if !withErrors(r, &f, err) {
			return err
		}
		return s.knowledgeFormView(w, r, invalidStatus(err), id, nil, f)
	}
	return redirect(w, r, knowledgePagePath(pg.ID))
}

func (s *server) knowledgePage(w http.ResponseWriter, r *http.Request) error {
	return s.knowledgePageView(w, r, http.StatusOK, views.Form{})
}

func (s *server) knowledgePageView(w http.ResponseWriter, r *http.Request, status int, review views.Form) error {
	st := state(r)
	ctx, p, l := r.Context(), st.principal, st.loc
	id, err := pathID(r)
	if err != nil {
		return err
	}
	kb := s.db.Knowledge()
	pg, err := kb.Page(ctx, p, id)
	if err != nil {
		return err
	}
	versions, err := kb.Versions(ctx, p, id)
	if err != nil {
		return err
	}
	today, err := kb.Today(ctx, p)
	if err != nil {
		return err
	}
	d := views.KnowledgePageData{ID: pg.ID, Title: pg.Title, Area: pg.Area, Owner: pg.OwnerName, ReviewOn: localDate(l, pg.ReviewOn),
		Updated: l.DateTime(pg.UpdatedAt), Version: int64(pg.Version), Stale: pg.Stale(today), HTML: knowledge.Render(pg.Body),
		Back: knowledgeBase(pg.EngagementID), Review: review,
		CanWrite: access.Allows(p.Role, access.KnowledgeWrite) && knowledge.MayWrite(p.Side(), pg.EngagementID) == nil}
	byNumber := map[int64]knowledge.Version{}
	for _, v := range versions {
		byNumber[int64(v.Version)] = v
		d.Versions = append(d.Versions, views.KnowledgeVersionRow{Version: int64(v.Version), Author: v.AuthorName, At: l.DateTime(v.At)})
	}
	q := r.URL.Query()
	from, to := formID(q.Get("from")), formID(q.Get("to"))
	if a, ok := byNumber[from]; ok {
		if b, ok := byNumber[to]; ok {
			d.DiffFrom, d.DiffTo = from, to
			for _, line := range knowledge.Diff(a.Body, b.Body) {
				d.Diff = append(d.Diff, views.DiffLine{Op: string(line.Op), Text: line.Text})
			}
		}
	}
	s.render(w, r, status, views.KnowledgePage(s.nav(r, pg.Title, "engagements"), d))
	return nil
}

func (s *server) knowledgeEdit(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	pg, err := s.db.Knowledge().Page(r.Context(), state(r).principal, id)
	if err != nil {
		return err
	}
	f := views.Form{Values: url.Values{"area": {pg.Area}, "title": {pg.Title}, "body": {pg.Body}, "owner_id": {strconv.FormatInt(pg.OwnerID, 10)},
		"review_on": {pg.ReviewOn.String()}}}
	return s.knowledgeFormView(w, r, http.StatusOK, pg.EngagementID, pg, f)
}

func (s *server) knowledgeUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	old, err := s.db.Knowledge().Page(r.Context(), state(r).principal, id)
	if err != nil {
		return err
	}
	f, err := parseForm(w, r)
	if err != nil {
		return err
	}
	pg, err := pageFromForm(f)
	if err == nil {
		pg.ID, pg.Version = id, int(formID(f.Get("version")))
		err = s.db.Knowledge().Save(r.Context(), state(r).principal, pg)
	}
	if err != nil {
		if !withErrors(r, &f, err) {
			return err
		}
		return s.knowledgeFormView(w, r, invalidStatus(err), old.EngagementID, old, f)
	}
	return redirect(w, r, knowledgePagePath(id))
}

func (s *server) knowledgeReview(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	f, err := parseForm(w, r)
	if err != nil {
		return err
	}
	var next tandem.Date
	if v := strings.TrimSpace(f.Get("review_on")); v != "" {
		if next, err = tandem.ParseDate(v); err != nil {
			err = invalidField("review_on", "validation.date")
		}
	}
	if err == nil {
		err = s.db.Knowledge().Review(r.Context(), state(r).principal, id, next)
	}
	if err != nil {
		if !withErrors(r, &f, err) {
			return err
		}
		return s.knowledgePageView(w, r, invalidStatus(err), f)
	}
	return redirect(w, r, knowledgePagePath(id))
}

func (s *server) knowledgeRunner(w http.ResponseWriter, r *http.Request) error {
	id, err := s.knowledgeHomeOf(r)
	if err != nil {
		return err
	}
	f, err := parseForm(w, r)
	if err != nil {
		return err
	}
	if err := s.db.Knowledge().NameRunner(r.Context(), state(r).principal, id, f.Get("area"), formID(f.Get("user_id")), f.Get("remove") != ""); err != nil {
		if !withErrors(r, &f, err) {
			return err
		}
		var e *engagement.Engagement
		if id != 0 {
			var lerr error
			if e, lerr = s.engagementOf(r); lerr != nil {
				return lerr
			}
		}
		return s.knowledgeView(w, r, invalidStatus(err), e, f)
	}
	return redirect(w, r, knowledgeBase(id)+"#runners")
}

// knowledgeRisk is, per engagement, its knowledge areas at risk as
// attention lines of the portfolio ("Knowledge: CRM, bus factor 1").
func (s *server) knowledgeRisk(ctx context.Context, p tandem.Principal, l *i18n.Localizer) (map[int64][]string, error) {
	list, err := s.db.Knowledge().AtRisk(ctx, p)
	if err != nil {
		return nil, err
	}
	out := map[int64][]string{}
	for _, x := range list {
		for _, a := range x.Areas {
			out[x.EngagementID] = append(out[x.EngagementID], l.T("knowledge.portfolio_line", "area", a.Name, "n", a.BusFactor))
		}
	}
	return out, nil
}

// The JSON API.

type apiKnowledgePage struct {
	ID           int64     `json:"id"`
	EngagementID *int64    `json:"engagement_id"`
	Area         string    `json:"area"`
	Title        string    `json:"title"`
	Body         string    `json:"body,omitempty"`
	HTML         string    `json:"html,omitempty"`
	Version      int       `json:"version"`
	OwnerID      int64     `json:"owner_id"`
	Owner        string    `json:"owner"`
	ReviewOn     string    `json:"review_on"`
	Stale        bool      `json:"stale"`
	UpdatedBy    string    `json:"updated_by"`
	UpdatedAt    time.Time `json:"updated_at"`
}

func toAPIKnowledgePage(pg *knowledge.Page, today tandem.Date, full bool) apiKnowledgePage {
	out := apiKnowledgePage{ID: pg.ID, Area: pg.Area, Title: pg.Title, Version: pg.Version, OwnerID: pg.OwnerID, Owner: pg.OwnerName,
		ReviewOn: pg.ReviewOn.String(), Stale: pg.Stale(today), UpdatedBy: pg.UpdatedName, UpdatedAt: pg.UpdatedAt}
	if pg.EngagementID != 0 {
		id := pg.EngagementID
		out.EngagementID = &id
	}
	if full {
		out.Body, out.HTML = pg.Body, knowledge.Render(pg.Body)
	}
	return out
}

type apiKnower struct {
	UserID int64    `json:"user_id"`
	Name   string   `json:"name"`
	How    []string `json:"how"`
}

type apiArea struct {
	Name      string      `json:"name"`
	BusFactor int         `json:"bus_factor"`
	AtRisk    bool        `json:"at_risk"`
	Client    []apiKnower `json:"client"`
	Partner   []apiKnower `json:"partner"`
}

func toAPIAreas(areas []knowledge.Area) []apiArea {
	conv := func(ks []knowledge.Knower) []apiKnower {
		out := []apiKnower{}
		for _, k := range ks {
			x := apiKnower{UserID: k.UserID, Name: k.Name}
			for _, h := range k.How {
				x.How = append(x.How, string(h))
			}
			out = append(out, x)
		}
		return out
	}
	out := []apiArea{}
	for _, a := range areas {
		out = append(out, apiArea{Name: a.Name, BusFactor: a.BusFactor, AtRisk: a.AtRisk(), Client: conv(a.Client), Partner: conv(a.Partner)})
	}
	return out
}

func (s *server) apiKnowledgeList(w http.ResponseWriter, r *http.Request) error {
	st := state(r)
	ctx, p := r.Context(), st.principal
	id, err := s.knowledgeHomeOf(r)
	if err != nil {
		return err
	}
	kb := s.db.Knowledge()
	pages, err := kb.Pages(ctx, p, id)
	if err != nil {
		return err
	}
	areas, err := kb.BusFactors(ctx, p, id)
	if err != nil {
		return err
	}
	today, err := kb.Today(ctx, p)
	if err != nil {
		return err
	}
	items := []apiKnowledgePage{}
	for i := range pages {
		items = append(items, toAPIKnowledgePage(&pages[i], today, false))
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items, "areas": toAPIAreas(areas)})
	return nil
}

type apiKnowledgeIn struct {
	Area     string `json:"area"`
	Title    string `json:"title"`
	Body     string `json:"body"`
	OwnerID  int64  `json:"owner_id"`
	ReviewOn string `json:"review_on"`
	Version  int    `json:"version"`
}

func (in apiKnowledgeIn) page() (*knowledge.Page, error) {
	pg := &knowledge.Page{Area: in.Area, Title: in.Title, Body: in.Body, OwnerID: in.OwnerID, Version: in.Version}
	if in.ReviewOn != "" {
		d, err := tandem.ParseDate(in.ReviewOn)
		if err != nil {
			return nil, invalidField("review_on", "validation.date")
		}
		pg.ReviewOn = d
	}
	return pg, nil
}

func (s *server) apiKnowledgeCreate(w http.ResponseWriter, r *http.Request) error {
	id, err := s.knowledgeHomeOf(r)
	if err != nil {
		return err
	}
	var in apiKnowledgeIn
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	pg, err := in.page()
	if err != nil {
		return err
	}
	pg.EngagementID = id
	pg.Version = 0
	if err := s.db.Knowledge().Save(r.Context(), state(r).principal, pg); err != nil {
		return err
	}
	return s.apiKnowledgePageAnswer(w, r, pg.ID, http.StatusCreated)
}

func (s *server) apiKnowledgePageAnswer(w http.ResponseWriter, r *http.Request, id int64, status int) error {
	ctx, p := r.Context(), state(r).principal
	kb := s.db.Knowledge()
	pg, err := kb.Page(ctx, p, id)
	if err != nil {
		return err
	}
	versions, err := kb.Versions(ctx, p, id)
	if err != nil {
		return err
	}
	today, err := kb.Today(ctx, p)
	if err != nil {
		return err
	}
	type apiVersion struct {
		Version int       `json:"version"`
		Author  string    `json:"author"`
		At      time.Time `json:"at"`
	}
	vs := []apiVersion{}
	for _, v := range versions {
		vs = append(vs, apiVersion{v.Version, v.AuthorName, v.At})
	}
	writeJSON(w, status, map[string]any{"page": toAPIKnowledgePage(pg, today, true), "versions": vs})
	return nil
}

func (s *server) apiKnowledgeGet(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	return s.apiKnowledgePageAnswer(w, r, id, http.StatusOK)
}

func (s *server) apiKnowledgeDiff(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	versions, err := s.db.Knowledge().Versions(r.Context(), state(r).principal, id)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	from, to := int(formID(q.Get("from"))), int(formID(q.Get("to")))
	var a, b *knowledge.Version
	for i := range versions {
		switch versions[i].Version {
		case from:
			a = &versions[i]
		case to:
			b = &versions[i]
		}
	}
	if a == nil || b == nil {
		return tandem.ErrNotFound
	}
	type apiLine struct {
		Op   string `json:"op"`
		Text string `json:"text"`
	}
	lines := []apiLine{}
	for _, l := range knowledge.Diff(a.Body, b.Body) {
		lines = append(lines, apiLine{string(l.Op), l.Text})
	}
	writeJSON(w, http.StatusOK, map[string]any{"from": from, "to": to, "lines": lines})
	return nil
}

func (s *server) apiKnowledgeUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in apiKnowledgeIn
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	pg, err := in.page()
	if err != nil {
		return err
	}
	pg.ID = id
	if err := s.db.Knowledge().Save(r.Context(), state(r).principal, pg); err != nil {
		return err
	}
	return s.apiKnowledgePageAnswer(w, r, id, http.StatusOK)
}

func (s *server) apiKnowledgeReview(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in struct {
		ReviewOn string `json:"review_on"`
	}
	if err := decodeOptionalJSON(w, r, &in); err != nil {
		return err
	}
	var next tandem.Date
	if in.ReviewOn != "" {
		if next, err = tandem.ParseDate(in.ReviewOn); err != nil {
			return invalidField("review_on", "validation.date")
		}
	}
	if err := s.db.Knowledge().Review(r.Context(), state(r).principal, id, next); err != nil {
		return err
	}
	return s.apiKnowledgePageAnswer(w, r, id, http.StatusOK)
}

func (s *server) apiKnowledgeRunner(w http.ResponseWriter, r *http.Request) error {
	id, err := s.knowledgeHomeOf(r)
	if err != nil {
		return err
	}
	var in struct {
		Area   string `json:"area"`
		UserID int64  `json:"user_id"`
		Remove bool   `json:"remove"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	if err := s.db.Knowledge().NameRunner(r.Context(), state(r).principal, id, in.Area, in.UserID, in.Remove); err != nil {
		return err
	}
	areas, err := s.db.Knowledge().BusFactors(r.Context(), state(r).principal, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"areas": toAPIAreas(areas)})
	return nil
}

func (s *server) apiKnowledgeAtRisk(w http.ResponseWriter, r *http.Request) error {
	list, err := s.db.Knowledge().AtRisk(r.Context(), state(r).principal)
	if err != nil {
		return err
	}
	type item struct {
		EngagementID int64     `json:"engagement_id"`
		Title        string    `json:"title"`
		Areas        []apiArea `json:"areas"`
	}
	out := []item{}
	for _, x := range list {
		out = append(out, item{x.EngagementID, x.Title, toAPIAreas(x.Areas)})
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": out})
	return nil
}
