package web

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"

	"github.com/tandemhq/tandem/internal/access"
	"github.com/tandemhq/tandem/internal/governance"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/ical"
	"github.com/tandemhq/tandem/internal/portfolio"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/tandem"
	"github.com/tandemhq/tandem/internal/web/views"
)

// Pages and API of an engagement's meetings (package governance): series
// from the cadence, occurrences, the agenda that writes itself
// (portfolio.ReadAgenda), minutes with decisions and action items, and the
// personal calendar feed.

func meetingsPath(engagementID int64) string {
	return recordPath("/engagements", engagementID) + "/meetings"
}

func meetingPath(engagementID, id int64) string {
	return meetingsPath(engagementID) + "/" + strconv.FormatInt(id, 10)
}

// meetingTitle names an occurrence: its kind and local date.
func meetingTitle(l *i18n.Localizer, kind string, at time.Time) string {
	return l.T("meetings.kind."+kind) + " · " + l.Date(at)
}

func (s *server) meetingList(w http.ResponseWriter, r *http.Request) error {
	// Kept between requests (keptPage); a form sent back is shown afresh.
	return s.keptPage(w, r, func(r *http.Request) (templ.Component, error) {
		return s.meetingsView(r, views.Form{})
	})
}

func (s *server) meetingsPage(w http.ResponseWriter, r *http.Request, status int, f views.Form) error {
	return s.rendered(w, r, status)(s.meetingsView(r, f))
}

func (s *server) meetingsView(r *http.Request, f views.Form) (templ.Component, error) {
	st := state(r)
	ctx, p, l := r.Context(), st.principal, st.loc
	e, err := s.engagementOf(r)
	if err != nil {
		return nil, err
	}
	ss, err := s.db.Meetings.Series(ctx, p, e.ID)
	if err != nil {
		return nil, err
	}
	os, err := s.db.Meetings.Occurrences(ctx, p, store.OccurrenceFilter{EngagementID: e.ID})
	if err != nil {
		return nil, err
	}
	as, err := s.db.Meetings.Actions(ctx, p, store.ActionFilter{EngagementID: e.ID, Open: true})
	if err != nil {
		return nil, err
	}
	h, err := s.db.Meetings.Health(ctx, p, e.ID)
	if err != nil {
		return nil, err
	}
	now := s.db.Now()
	d := views.MeetingsData{Engagement: e, Form: f, CanPlan: access.Allows(p.Role, access.MeetingsPlan),
		Health: l.T("meetings.health", "held", h.Held, "due", h.Due), Drifting: h.Drifting()}
	for _, x := range ss {
		sv := views.SeriesView{Kind: l.T("meetings.kind." + x.Kind), Every: l.N("meetings.every_days", int64(x.EveryDays)),
			Chair: x.ChairName, Place: x.Place, Duration: l.N("meetings.minutes_n", int64(x.DurationMin))}
		var names []string
		for _, pp := range x.Participants {
			names = append(names, pp.Name)
		}
		sv.Participants = strings.Join(names, ", ")
		d.Series = append(d.Series, sv)
	}
	for _, o := range os {
		row := occurrenceRow(l, o)
		if o.StartsAt.After(now) {
			if len(d.Upcoming) < 12 {
				d.Upcoming = append(d.Upcoming, row)
			}
		} else {
			d.Past = append([]views.OccurrenceRow{row}, d.Past...)
		}
	}
	if len(d.Past) > 24 {
		d.Past = d.Past[:24]
	}
	for _, a := range as {
		d.Actions = append(d.Actions, actionRow(l, p, a, now))
	}
	if d.CanPlan {
		d.Kinds = kindOptions(l)
		people, err := s.db.Meetings.People(ctx, p, e.ID)
		if err != nil {
			return nil, err
		}
		d.People = personOptions(l, people)
	}
	return views.Meetings(s.nav(r, l.T("meetings.title"), "engagements"), d), nil
}

func kindOptions(l *i18n.Localizer) []views.Option {
	var out []views.Option
	for _, k := range governance.Kinds {
		out = append(out, views.Option{Value: k, Label: l.T("meetings.kind." + k)})
	}
	return out
}

func personOptions(l *i18n.Localizer, ps []governance.Person) []views.Option {
	var out []views.Option
	for _, x := range ps {
		side := l.T("meetings.side.client")
		if x.Partner {
			side = l.T("meetings.side.partner")
		}
		out = append(out, views.Option{Value: strconv.FormatInt(x.UserID, 10), Label: x.Name + " (" + side + ")"})
	}
	return out
}

func occurrenceRow(l *i18n.Localizer, o governance.Occurrence) views.OccurrenceRow {
	row := views.OccurrenceRow{Link: (meetingPath(o.EngagementID, o.ID)), Title: l.T("meetings.kind." + o.Kind),
		When: l.DateTime(o.StartsAt), Place: o.Place, Status: l.T("meetings.status." + string(o.Status)), Tone: "info"}
	switch o.Status {
	case governance.Cancelled:
		row.Tone = "bad"
	case governance.Held:
		row.Tone = "ok"
	}
	return row
}

func actionRow(l *i18n.Localizer, p tandem.Principal, a governance.ActionItem, now time.Time) views.ActionRow {
	due := a.Due.Time()
	row := views.ActionRow{ID: a.ID, Title: a.Title, Owner: a.OwnerName, Link: a.Link,
		Due:     l.Date(time.Date(due.Year(), due.Month(), due.Day(), 12, 0, 0, 0, l.Location())),
		Meeting: (meetingPath(a.EngagementID, a.MeetingID)), Topic: a.Topic, Tool: a.Tool, Done: !a.Open()}
	row.Overdue = a.Overdue(now, l.Location())
	if a.Open() && (a.OwnerID == p.UserID || access.Allows(p.Role, access.MeetingsMinutes)) && access.Allows(p.Role, access.ActionsDone) {
		row.DoneAction = (recordPath("/engagements", a.EngagementID) + "/actions/" + strconv.FormatInt(a.ID, 10) + "/done")
	}
	return row
}

func (s *server) meetingPlan(w http.ResponseWriter, r *http.Request) error {
	e, err := s.engagementOf(r)
	if err != nil {
		return err
	}
	if _, err := s.db.Meetings.PlanFromCadence(r.Context(), state(r).principal, e.ID); err != nil {
		f := views.Form{}
		if !withErrors(r, &f, err) {
			return err
		}
		return s.meetingsPage(w, r, invalidStatus(err), f)
	}
	return redirect(w, r, meetingsPath(e.ID))
}

func (s *server) meetingSeriesCreate(w http.ResponseWriter, r *http.Request) error {
	st := state(r)
	e, err := s.engagementOf(r)
	if err != nil {
		return err
	}
	f, err := parseForm(w, r)
	if err != nil {
		return err
	}
	x := &governance.Series{EngagementID: e.ID, Kind: f.Get("kind"), EveryDays: atoiForm(f.Get("every_days")),
		FirstAt: parseLocalTime(f.Get("first_at"), st.loc.Location()), DurationMin: atoiForm(f.Get("duration")), Place: f.Get("place")}
	var ids []int64
	for _, v := range f.Values["participants"] {
		ids = append(ids, formID(v))
	}
	if err := s.db.Meetings.CreateSeries(r.Context(), st.principal, x, ids); err != nil {
		if !withErrors(r, &f, err) {
			return err
		}
		return s.meetingsPage(w, r, invalidStatus(err), f)
	}
	return redirect(w, r, meetingsPath(e.ID))
}

func atoiForm(s string) int {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return 0
	}
	return n
}

// meetingOf reads the {meeting} id of the request.
func meetingOf(r *http.Request) (int64, error) { return subID(r, "meeting") }

// meetingShow shows an occurrence's agenda and minutes, kept between
// requests like the other pages read most (keptPage): its agenda reads
// two dozen statements.
func (s *server) meetingShow(w http.ResponseWriter, r *http.Request) error {
	return s.keptPage(w, r, func(r *http.Request) (templ.Component, error) { return s.meetingView(r, "", views.Form{}) })
}

// meetingPage shows an occurrence's agenda and minutes with the form
// named which shown again with its errors.
func (s *server) meetingPage(w http.ResponseWriter, r *http.Request, status int, which string, form views.Form) error {
	return s.rendered(w, r, status)(s.meetingView(r, which, form))
}

// meetingView is the meeting page; form is the form named which.
func (s *server) meetingView(r *http.Request, which string, form views.Form) (templ.Component, error) {
	st := state(r)
	ctx, p, l := r.Context(), st.principal, st.loc
	e, err := s.engagementOf(r)
	if err != nil {
		return nil, err
	}
	id, err := meetingOf(r)
	if err != nil {
		return nil, err
	}
	a, err := portfolio.ReadAgenda(ctx, s.db, p, e.ID, id)
	if err != nil {
		return nil, err
	}
	o := a.Occurrence
	now := s.db.Now()
	d := views.MeetingData{Engagement: e, ID: o.ID, Title: meetingTitle(l, o.Kind, o.StartsAt), When: l.DateTime(o.StartsAt),
		Duration: l.N("meetings.minutes_n", int64(o.DurationMin)), Place: o.Place, Status: l.T("meetings.status." + string(o.Status)),
		Chair: a.Series.ChairName, Powers: a.Powers, Final: o.Finalised(), Cancelled: o.Status == governance.Cancelled,
		Consultation: o.Kind == governance.KindConsultation, Forms: map[string]views.Form{which: form}, Which: which}
	if !a.Previous.IsZero() {
		d.Previous = l.DateTime(a.Previous)
	}
	if !a.Window.From.IsZero() {
		d.Since = l.Date(a.Window.From)
	}
	if o.Finalised() {
		d.FinalisedAt = l.DateTime(o.FinalisedAt)
	}
	writer := access.Allows(p.Role, access.MeetingsMinutes)
	d.CanWrite = writer && o.Editable() == nil
	d.CanFinalise = d.CanWrite && o.ChairID == p.UserID
	d.CanCorrect = writer && o.Finalised()
	d.CanPlan = access.Allows(p.Role, access.MeetingsPlan) && o.Editable() == nil
	if d.CanPlan && which != "move" {
		d.Forms["move"] = views.Form{Values: map[string][]string{"starts_at": {o.StartsAt.In(l.Location()).Format("2006-01-02T15:04")},
			"duration": {strconv.Itoa(o.DurationMin)}, "place": {o.Place}}}
	}
	attended := map[int64]bool{}
	for _, u := range a.Attended {
		attended[u] = true
	}
	for _, x := range a.People {
		side := l.T("meetings.side.client")
		if x.Partner {
			side = l.T("meetings.side.partner")
		}
		d.People = append(d.People, views.PersonCheck{ID: x.UserID, Name: x.Name, Side: side, Attended: attended[x.UserID]})
	}
	d.Owners = personOptions(l, a.People)
	for _, x := range a.People {
		if !x.Partner {
			d.ClientOwners = append(d.ClientOwners, views.Option{Value: strconv.FormatInt(x.UserID, 10), Label: x.Name})
		}
	}
	for i, it := range a.Items {
		d.Items = append(d.Items, views.AgendaRow{N: i + 1, ItemID: it.ID, Source: string(it.Source), RecordID: it.RecordID, Title: it.Title,
			What: agendaWhat(l, it.Source), Notes: it.Notes, Reached: it.Reached, StillOpen: it.StillOpen, Link: agendaLink(e.ID, it)})
	}
	for _, x := range a.Decisions {
		d.Decisions = append(d.Decisions, views.DecisionRow{ID: x.ID, Number: x.Number, Text: x.Text, Beyond: x.BeyondPowers})
	}
	for _, x := range a.Actions {
		d.Actions = append(d.Actions, actionRow(l, p, x, now))
	}
	return views.Meeting(s.nav(r, d.Title, "engagements"), d), nil
}

// agendaWhat names where an agenda item comes from.
func agendaWhat(l *i18n.Localizer, src governance.Source) string {
	switch src {
	case governance.SourceManual, governance.SourceCarried, governance.SourceAction, governance.SourceAmendment:
		return l.T("meetings.source." + string(src))
	}
	return l.T(string(portfolio.Kind(src).Key()))
}

// agendaLink is the page of what an agenda item is about.
func agendaLink(engagementID int64, it governance.Item) string {
	e := recordPath("/engagements", engagementID)
	if it.Source == governance.SourceAmendment {
		return e + "/amendments"
	}
	switch portfolio.Kind(it.Source) {
	case portfolio.KindNotice:
		return fmt.Sprintf("%s/notices#notice-%d", e, it.RecordID)
	case portfolio.KindProposal:
		return fmt.Sprintf("%s/proposals#proposal-%d", e, it.RecordID)
	case portfolio.KindOverdue, portfolio.KindReturned:
		return recordPath("/deliverables", it.RecordID)
	case portfolio.KindRequestBreached:
		return requestPath(engagementID, int(it.RecordID))
	case portfolio.KindOffTrack, portfolio.KindAtRisk:
		return e + "/scorecard"
	case portfolio.KindClaim, portfolio.KindDisputed:
		return e + "/sales/claims"
	case portfolio.KindInvoiceDispute:
		return e + "/invoices"
	}
	return ""
}

// meetingAction runs one form of the meeting page: do gets the form and
// the ids; on a validation error the page is shown again with the form
// named which; on success the browser goes back to the page at anchor.
func (s *server) meetingAction(w http.ResponseWriter, r *http.Request, which, anchor string,
	do func(f views.Form, p tandem.Principal, engagementID, id int64) error) error {
	e, err := s.engagementOf(r)
	if err != nil {
		return err
	}
	id, err := meetingOf(r)
	if err != nil {
		return err
	}
	f, err := parseForm(w, r)
	if err != nil {
		return err
	}
	if err := do(f, state(r).principal, e.ID, id); err != nil {
		if !withErrors(r, &f, err) {
			return err
		}
		return s.meetingPage(w, r, invalidStatus(err), which, f)
	}
	return redirect(w, r, meetingPath(e.ID, id)+anchor)
}

func (s *server) meetingMove(w http.ResponseWriter, r *http.Request) error {
	loc := state(r).loc.Location()
	return s.meetingAction(w, r, "move", "", func(f views.Form, p tandem.Principal, eid, id int64) error {
		return s.db.Meetings.Move(r.Context(), p, eid, id, parseLocalTime(f.Get("starts_at"), loc), atoiForm(f.Get("duration")), f.Get("place"))
	})
}

func (s *server) meetingCancel(w http.ResponseWriter, r *http.Request) error {
	return s.meetingAction(w, r, "move", "", func(_ views.Form, p tandem.Principal, eid, id int64) error {
		return s.db.Meetings.Cancel(r.Context(), p, eid, id)
	})
}

func (s *server) meetingItemAdd(w http.ResponseWriter, r *http.Request) error {
	return s.meetingAction(w, r, "item", "#agenda", func(f views.Form, p tandem.Principal, eid, id int64) error {
		_, err := s.db.Meetings.AddItem(r.Context(), p, eid, id, f.Get("title"))
		return err
	})
}

func (s *server) meetingNote(w http.ResponseWriter, r *http.Request) error {
	return s.meetingAction(w, r, "note", "#agenda", func(f views.Form, p tandem.Principal, eid, id int64) error {
		return s.db.Meetings.Note(r.Context(), p, eid, id, governance.Item{ID: formID(f.Get("item_id")), Source: governance.Source(f.Get("source")),
			RecordID: formID(f.Get("record_id")), Title: f.Get("title"), Notes: f.Get("notes"), Reached: f.Get("reached") != ""})
	})
}

func (s *server) meetingAttendance(w http.ResponseWriter, r *http.Request) error {
	return s.meetingAction(w, r, "attendance", "#attendance", func(f views.Form, p tandem.Principal, eid, id int64) error {
		var ids []int64
		for _, v := range f.Values["attended"] {
			ids = append(ids, formID(v))
		}
		return s.db.Meetings.Attend(r.Context(), p, eid, id, ids)
	})
}

func (s *server) meetingDecide(w http.ResponseWriter, r *http.Request) error {
	return s.meetingAction(w, r, "decision", "#decisions", func(f views.Form, p tandem.Principal, eid, id int64) error {
		return s.db.Meetings.Decide(r.Context(), p, eid, id, &governance.Decision{Text: f.Get("text"), BeyondPowers: f.Get("beyond_powers") != ""})
	})
}

func (s *server) meetingActionAdd(w http.ResponseWriter, r *http.Request) error {
	return s.meetingAction(w, r, "action", "#actions", func(f views.Form, p tandem.Principal, eid, id int64) error {
		due, err := tandem.ParseDate(strings.TrimSpace(f.Get("due")))
		if err != nil && f.Get("due") != "" {
			return invalidField("due", "validation.date")
		}
		return s.db.Meetings.AddAction(r.Context(), p, eid, id, &governance.ActionItem{Title: f.Get("title"), OwnerID: formID(f.Get("owner_id")),
			Due: due, Link: f.Get("link"), Topic: f.Get("topic"), Tool: f.Get("tool")})
	})
}

func (s *server) meetingFinalise(w http.ResponseWriter, r *http.Request) error {
	return s.meetingAction(w, r, "finalise", "", func(_ views.Form, p tandem.Principal, eid, id int64) error {
		a, err := portfolio.ReadAgenda(r.Context(), s.db, p, eid, id)
		if err != nil {
			return err
		}
		return s.db.Meetings.Finalise(r.Context(), p, eid, id, a.Generated)
	})
}

func (s *server) meetingCorrect(w http.ResponseWriter, r *http.Request) error {
	return s.meetingAction(w, r, "correct", "", func(f views.Form, p tandem.Principal, eid, id int64) error {
		target, ref, _ := strings.Cut(f.Get("target_ref"), ":")
		err := s.db.Meetings.Correct(r.Context(), p, eid, id, governance.Correction{Target: target, ID: formID(ref),
			Text: f.Get("text"), Reason: f.Get("reason")})
		if fs := tandem.FieldErrors(err); len(fs) > 0 {
			for i := range fs {
				if fs[i].Field == "target" || fs[i].Field == "id" {
					return invalidField("target_ref", "validation.required")
				}
			}
		}
		return err
	})
}

func (s *server) actionDone(w http.ResponseWriter, r *http.Request) error {
	e, err := s.engagementOf(r)
	if err != nil {
		return err
	}
	id, err := subID(r, "action")
	if err != nil {
		return err
	}
	if err := s.db.Meetings.CompleteAction(r.Context(), state(r).principal, e.ID, id); err != nil {
		return err
	}
	back := meetingsPath(e.ID) + "#actions"
	if ref := r.Referer(); ref != "" && strings.Contains(ref, "/meetings/") {
		back = ref
	}
	return redirect(w, r, localPath(back))
}

// localPath keeps only the path, query and fragment of u (a redirect stays
// on this site).
func localPath(u string) string {
	if i := strings.Index(u, "://"); i >= 0 {
		rest := u[i+3:]
		if j := strings.Index(rest, "/"); j >= 0 {
			return rest[j:]
		}
		return "/"
	}
	return u
}

// The calendar feed.

func (s *server) calendarURL(token string) string {
	return s.opts.BaseURL + "/calendar/" + token + ".ics"
}

func (s *server) calendarRegenerate(w http.ResponseWriter, r *http.Request) error {
	tok, err := s.db.Meetings.RegenerateFeed(r.Context(), state(r).principal)
	if err != nil {
		return err
	}
	return s.showAccount(w, r, views.AccountData{NewCalendarURL: s.calendarURL(tok)}, http.StatusOK)
}

func (s *server) calendarRevoke(w http.ResponseWriter, r *http.Request) error {
	if err := s.db.Meetings.RevokeFeed(r.Context(), state(r).principal); err != nil {
		return err
	}
	return redirect(w, r, "/account")
}

// calendarFeed serves GET /calendar/{token}.ics without a session: the
// token is the key. Unknown or revoked tokens are 404.
func (s *server) calendarFeed(w http.ResponseWriter, r *http.Request) error {
	token, ok := strings.CutSuffix(r.PathValue("token"), ".ics")
	if !ok || token == "" {
		return tandem.ErrNotFound
	}
	f, err := s.db.Meetings.FeedOf(r.Context(), token)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	if err := ical.Write(&b, s.feedCalendar(f)); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Cache-Control", "private, no-store")
	_, err = w.Write(b.Bytes())
	return err
}

// feedCalendar turns the occurrences of a feed into events: the UID is
// the occurrence's own and never changes; the summary names the kind in
// English (a feed has no reader's language) and the engagement.
func (s *server) feedCalendar(f *store.Feed) ical.Calendar {
	base, l := s.opts.BaseURL, s.cat.For(i18n.EN, nil)
	c := ical.Calendar{ProdID: "-//Tandem//Meetings//EN", Name: "Tandem"}
	for _, o := range f.Occurrences {
		c.Events = append(c.Events, ical.Event{
			UID: fmt.Sprintf("meeting-%d-%d@tandem", f.WorkspaceID, o.ID), Sequence: o.Sequence,
			Start: o.StartsAt, End: o.EndsAt(), TZID: f.TimeZone,
			Summary:  l.T("meetings.kind."+o.Kind) + " — " + o.EngagementTitle,
			Location: o.Place, URL: base + meetingPath(o.EngagementID, o.ID),
			Cancelled: o.Status == governance.Cancelled, LastModified: o.UpdatedAt,
		})
	}
	return c
}

// The JSON API.

// apiMeetingHealth is the cadence's health on the portfolio.
type apiMeetingHealth struct {
	Due      int  `json:"due"`
	Held     int  `json:"held"`
	Drifting bool `json:"drifting"`
}

type apiSeries struct {
	ID           int64       `json:"id"`
	EngagementID int64       `json:"engagement_id"`
	Kind         string      `json:"kind"`
	EveryDays    int         `json:"every_days"`
	FirstAt      time.Time   `json:"first_at"`
	DurationMin  int         `json:"duration_minutes"`
	Place        string      `json:"place"`
	ChairID      int64       `json:"chair_id"`
	Participants []apiPerson `json:"participants"`
}

type apiPerson struct {
	UserID int64  `json:"user_id"`
	Name   string `json:"name"`
	Side   string `json:"side"`
}

func toAPIPerson(x governance.Person) apiPerson {
	side := "client"
	if x.Partner {
		side = "partner"
	}
	return apiPerson{UserID: x.UserID, Name: x.Name, Side: side}
}

type apiOccurrence struct {
	ID           int64      `json:"id"`
	EngagementID int64      `json:"engagement_id"`
	SeriesID     int64      `json:"series_id"`
	Kind         string     `json:"kind"`
	Number       int        `json:"number"`
	StartsAt     time.Time  `json:"starts_at"`
	DurationMin  int        `json:"duration_minutes"`
	Place        string     `json:"place"`
	Status       string     `json:"status"`
	Sequence     int        `json:"sequence"`
	FinalisedAt  *time.Time `json:"finalised_at"`
}

func toAPIOccurrence(o governance.Occurrence) apiOccurrence {
	return apiOccurrence{ID: o.ID, EngagementID: o.EngagementID, SeriesID: o.SeriesID, Kind: o.Kind, Number: o.Number, StartsAt: o.StartsAt,
		DurationMin: o.DurationMin, Place: o.Place, Status: string(o.Status), Sequence: o.Sequence, FinalisedAt: optTime(o.FinalisedAt)}
}

type apiAgendaItem struct {
	ID        *int64 `json:"id"`
	Source    string `json:"source"`
	RecordID  int64  `json:"record_id"`
	Title     string `json:"title"`
	Notes     string `json:"notes"`
	Reached   bool   `json:"reached"`
	StillOpen bool   `json:"still_open"`
}

type apiMeetingDecision struct {
	ID           int64     `json:"id"`
	Number       int       `json:"number"`
	Text         string    `json:"text"`
	BeyondPowers bool      `json:"beyond_powers"`
	CreatedAt    time.Time `json:"created_at"`
}

type apiAction struct {
	ID           int64      `json:"id"`
	EngagementID int64      `json:"engagement_id"`
	MeetingID    int64      `json:"meeting_id"`
	Title        string     `json:"title"`
	OwnerID      int64      `json:"owner_id"`
	OwnerName    string     `json:"owner_name"`
	OwnerSide    string     `json:"owner_side"`
	Due          string     `json:"due"`
	Link         string     `json:"link"`
	Topic        string     `json:"topic"`
	Tool         string     `json:"tool"`
	DoneAt       *time.Time `json:"done_at"`
}

func toAPIAction(a governance.ActionItem) apiAction {
	side := "client"
	if a.OwnerPartner {
		side = "partner"
	}
	return apiAction{ID: a.ID, EngagementID: a.EngagementID, MeetingID: a.MeetingID, Title: a.Title, OwnerID: a.OwnerID, OwnerName: a.OwnerName,
		OwnerSide: side, Due: a.Due.String(), Link: a.Link, Topic: a.Topic, Tool: a.Tool, DoneAt: optTime(a.DoneAt)}
}

func (s *server) apiMeetingSeries(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	ss, err := s.db.Meetings.Series(r.Context(), state(r).principal, id)
	if err != nil {
		return err
	}
	out := []apiSeries{}
	for _, x := range ss {
		a := apiSeries{ID: x.ID, EngagementID: x.EngagementID, Kind: x.Kind, EveryDays: x.EveryDays, FirstAt: x.FirstAt, DurationMin: x.DurationMin,
			Place: x.Place, ChairID: x.ChairID, Participants: []apiPerson{}}
		for _, pp := range x.Participants {
			a.Participants = append(a.Participants, toAPIPerson(pp))
		}
		out = append(out, a)
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": out})
	return nil
}

func (s *server) apiMeetingSeriesCreate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in struct {
		Kind         string    `json:"kind"`
		EveryDays    int       `json:"every_days"`
		FirstAt      time.Time `json:"first_at"`
		DurationMin  int       `json:"duration_minutes"`
		Place        string    `json:"place"`
		Participants []int64   `json:"participants"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	x := &governance.Series{EngagementID: id, Kind: in.Kind, EveryDays: in.EveryDays, FirstAt: in.FirstAt, DurationMin: in.DurationMin, Place: in.Place}
	if err := s.db.Meetings.CreateSeries(r.Context(), state(r).principal, x, in.Participants); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{"id": x.ID})
	return nil
}

func (s *server) apiMeetingPlan(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	n, err := s.db.Meetings.PlanFromCadence(r.Context(), state(r).principal, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{"created": n})
	return nil
}

func (s *server) apiMeetingList(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	f := store.OccurrenceFilter{EngagementID: id}
	q := r.URL.Query()
	for name, dst := range map[string]*time.Time{"from": &f.From, "to": &f.To} {
		if v := q.Get(name); v != "" {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				return invalidField(name, "validation.date")
			}
			*dst = t
		}
	}
	if _, err := s.db.Engagements.Get(r.Context(), state(r).principal, id); err != nil {
		return err
	}
	os, err := s.db.Meetings.Occurrences(r.Context(), state(r).principal, f)
	if err != nil {
		return err
	}
	out := []apiOccurrence{}
	for _, o := range os {
		out = append(out, toAPIOccurrence(o))
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": out})
	return nil
}

func (s *server) writeAPIMeeting(w http.ResponseWriter, r *http.Request, eid, id int64, status int) error {
	a, err := portfolio.ReadAgenda(r.Context(), s.db, state(r).principal, eid, id)
	if err != nil {
		return err
	}
	return writeAPIAgenda(w, a, status)
}

// writeAPIAgenda answers a meeting with its agenda, which it only reads
// (it may be kept between requests).
func writeAPIAgenda(w http.ResponseWriter, a *portfolio.Agenda, status int) error {
	out := struct {
		apiOccurrence
		ChairID   int64                `json:"chair_id"`
		Powers    string               `json:"powers"`
		Since     time.Time            `json:"agenda_since"`
		Agenda    []apiAgendaItem      `json:"agenda"`
		Attended  []int64              `json:"attended"`
		Decisions []apiMeetingDecision `json:"decisions"`
		Actions   []apiAction          `json:"actions"`
	}{apiOccurrence: toAPIOccurrence(a.Occurrence), ChairID: a.Occurrence.ChairID, Powers: a.Powers, Since: a.Window.From, Agenda: []apiAgendaItem{},
		Attended: append([]int64{}, a.Attended...), Decisions: []apiMeetingDecision{}, Actions: []apiAction{}}
	for _, it := range a.Items {
		out.Agenda = append(out.Agenda, apiAgendaItem{ID: optID(it.ID), Source: string(it.Source), RecordID: it.RecordID, Title: it.Title,
			Notes: it.Notes, Reached: it.Reached, StillOpen: it.StillOpen})
	}
	for _, d := range a.Decisions {
		out.Decisions = append(out.Decisions, apiMeetingDecision{ID: d.ID, Number: d.Number, Text: d.Text, BeyondPowers: d.BeyondPowers, CreatedAt: d.CreatedAt})
	}
	for _, x := range a.Actions {
		out.Actions = append(out.Actions, toAPIAction(x))
	}
	writeJSON(w, status, out)
	return nil
}

func (s *server) apiMeetingGet(w http.ResponseWriter, r *http.Request) error {
	eid, err := pathID(r)
	if err != nil {
		return err
	}
	id, err := meetingOf(r)
	if err != nil {
		return err
	}
	// Kept between requests like the meeting page (meetingShow).
	v, err := s.kept(r, func(r *http.Request) (any, error) {
		return portfolio.ReadAgenda(r.Context(), s.db, state(r).principal, eid, id)
	})
	if err != nil {
		return err
	}
	return writeAPIAgenda(w, v.(*portfolio.Agenda), http.StatusOK)
}

// apiMeetingDo decodes the body into in (optional when in is nil), runs
// do and answers the meeting.
func (s *server) apiMeetingDo(w http.ResponseWriter, r *http.Request, in any, do func(p tandem.Principal, eid, id int64) error) error {
	eid, err := pathID(r)
	if err != nil {
		return err
	}
	id, err := meetingOf(r)
	if err != nil {
		return err
	}
	if in != nil {
		if err := decodeJSON(w, r, in); err != nil {
			return err
		}
	}
	if err := do(state(r).principal, eid, id); err != nil {
		return err
	}
	return s.writeAPIMeeting(w, r, eid, id, http.StatusOK)
}

func (s *server) apiMeetingMove(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		StartsAt    time.Time `json:"starts_at"`
		DurationMin int       `json:"duration_minutes"`
		Place       string    `json:"place"`
	}
	return s.apiMeetingDo(w, r, &in, func(p tandem.Principal, eid, id int64) error {
		return s.db.Meetings.Move(r.Context(), p, eid, id, in.StartsAt, in.DurationMin, in.Place)
	})
}

func (s *server) apiMeetingCancel(w http.ResponseWriter, r *http.Request) error {
	return s.apiMeetingDo(w, r, nil, func(p tandem.Principal, eid, id int64) error {
		return s.db.Meetings.Cancel(r.Context(), p, eid, id)
	})
}

func (s *server) apiMeetingItemAdd(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Title string `json:"title"`
	}
	return s.apiMeetingDo(w, r, &in, func(p tandem.Principal, eid, id int64) error {
		_, err := s.db.Meetings.AddItem(r.Context(), p, eid, id, in.Title)
		return err
	})
}

func (s *server) apiMeetingNote(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		ID       int64  `json:"id"`
		Source   string `json:"source"`
		RecordID int64  `json:"record_id"`
		Title    string `json:"title"`
		Notes    string `json:"notes"`
		Reached  bool   `json:"reached"`
	}
	return s.apiMeetingDo(w, r, &in, func(p tandem.Principal, eid, id int64) error {
		return s.db.Meetings.Note(r.Context(), p, eid, id, governance.Item{ID: in.ID, Source: governance.Source(in.Source), RecordID: in.RecordID,
			Title: in.Title, Notes: in.Notes, Reached: in.Reached})
	})
}

func (s *server) apiMeetingAttendance(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Attended []int64 `json:"attended"`
	}
	return s.apiMeetingDo(w, r, &in, func(p tandem.Principal, eid, id int64) error {
		return s.db.Meetings.Attend(r.Context(), p, eid, id, in.Attended)
	})
}

func (s *server) apiMeetingDecide(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Text         string `json:"text"`
		BeyondPowers bool   `json:"beyond_powers"`
	}
	return s.apiMeetingDo(w, r, &in, func(p tandem.Principal, eid, id int64) error {
		return s.db.Meetings.Decide(r.Context(), p, eid, id, &governance.Decision{Text: in.Text, BeyondPowers: in.BeyondPowers})
	})
}

func (s *server) apiMeetingActionAdd(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Title   string `json:"title"`
		OwnerID int64  `json:"owner_id"`
		Due     string `json:"due"`
		Link    string `json:"link"`
		Topic   string `json:"topic"`
		Tool    string `json:"tool"`
	}
	return s.apiMeetingDo(w, r, &in, func(p tandem.Principal, eid, id int64) error {
		due, err := tandem.ParseDate(in.Due)
		if err != nil && in.Due != "" {
			return invalidField("due", "validation.date")
		}
		return s.db.Meetings.AddAction(r.Context(), p, eid, id, &governance.ActionItem{Title: in.Title, OwnerID: in.OwnerID, Due: due,
			Link: in.Link, Topic: in.Topic, Tool: in.Tool})
	})
}

func (s *server) apiMeetingFinalise(w http.ResponseWriter, r *http.Request) error {
	return s.apiMeetingDo(w, r, nil, func(p tandem.Principal, eid, id int64) error {
		a, err := portfolio.ReadAgenda(r.Context(), s.db, p, eid, id)
		if err != nil {
			return err
		}
		return s.db.Meetings.Finalise(r.Context(), p, eid, id, a.Generated)
	})
}

func (s *server) apiMeetingCorrect(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Target string `json:"target"`
		ID     int64  `json:"id"`
		Text   string `json:"text"`
		Reason string `json:"reason"`
	}
	return s.apiMeetingDo(w, r, &in, func(p tandem.Principal, eid, id int64) error {
		return s.db.Meetings.Correct(r.Context(), p, eid, id, governance.Correction{Target: in.Target, ID: in.ID, Text: in.Text, Reason: in.Reason})
	})
}

func (s *server) apiActionList(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	p := state(r).principal
	if _, err := s.db.Engagements.Get(r.Context(), p, id); err != nil {
		return err
	}
	q := r.URL.Query()
	f := store.ActionFilter{EngagementID: id, Open: q.Get("open") == "true"}
	if q.Get("mine") == "true" {
		f.OwnerID = p.UserID
	}
	as, err := s.db.Meetings.Actions(r.Context(), p, f)
	if err != nil {
		return err
	}
	out := []apiAction{}
	for _, a := range as {
		out = append(out, toAPIAction(a))
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": out})
	return nil
}

func (s *server) apiActionDone(w http.ResponseWriter, r *http.Request) error {
	eid, err := pathID(r)
	if err != nil {
		return err
	}
	id, err := subID(r, "action")
	if err != nil {
		return err
	}
	if err := s.db.Meetings.CompleteAction(r.Context(), state(r).principal, eid, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *server) apiCalendarRegenerate(w http.ResponseWriter, r *http.Request) error {
	tok, err := s.db.Meetings.RegenerateFeed(r.Context(), state(r).principal)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{"url": s.calendarURL(tok)})
	return nil
}

func (s *server) apiCalendarRevoke(w http.ResponseWriter, r *http.Request) error {
	if err := s.db.Meetings.RevokeFeed(r.Context(), state(r).principal); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
