package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/tandemhq/tandem/internal/engagement"
	"github.com/tandemhq/tandem/internal/money"
	"github.com/tandemhq/tandem/internal/notice"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/tandem"
	"github.com/tandemhq/tandem/internal/web/views"
)

// Pages and API of the partner's written notices and the late-notice
// penalties. (Proposals are in proposals.go, status reports in reports.go.)
// subID reads a numeric path value other than {id}; malformed is "not found".
func subID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, tandem.ErrNotFound
	}
	return id, nil
}

// deliverableOptions are the engagement's deliverables for a select box,
// with a blank first.
func (s *server) deliverableOptions(r *http.Request, engagementID int64) ([]views.Option, error) {
	ds, _, err := s.db.Work.List(r.Context(), state(r).principal, tandem.Page{Limit: 200}, store.DeliverableFilter{EngagementID: engagementID})
	if err != nil {
		return nil, err
	}
	out := []views.Option{{Value: "", Label: state(r).loc.T("common.none")}}
	for _, d := range ds {
		out = append(out, views.Option{Value: strconv.FormatInt(d.ID, 10), Label: d.Title})
	}
	return out, nil
}

// noticeCategories are the notice categories of the terms in force today.
func (s *server) noticeCategories(r *http.Request, e *engagement.Engagement) ([]views.Option, error) {
	v, err := s.db.Contracts.InForce(r.Context(), state(r).principal, e.ID, s.today(r))
	if err != nil {
		return nil, err
	}
	l := state(r).loc
	out := []views.Option{{Value: "", Label: l.T("common.none")}}
	for _, n := range v.Terms.Notices {
		out = append(out, views.Option{Value: n.Category, Label: l.T("contract.notice." + n.Category)})
	}
	return out, nil
}

// Notices.

func (s *server) noticeList(w http.ResponseWriter, r *http.Request) error {
	return s.noticesPage(w, r, http.StatusOK, views.Form{}, 0, views.Form{})
}

func (s *server) noticesPage(w http.ResponseWriter, r *http.Request, status int, file views.Form, ackID int64, ack views.Form) error {
	st := state(r)
	ctx, p, l := r.Context(), st.principal, st.loc
	e, err := s.engagementOf(r)
	if err != nil {
		return err
	}
	ns, err := s.db.Notices.List(ctx, p, e.ID, store.NoticeFilter{Open: r.URL.Query().Get("open") != ""})
	if err != nil {
		return err
	}
	ps, err := s.db.Notices.Penalties(ctx, p, e.ID)
	if err != nil {
		return err
	}
	d := views.NoticesData{Engagement: e, Notices: ns, File: file, AckID: ackID, Ack: ack,
		CanFile: notice.MayFile(p.Role, e), Role: p.Role}
	for _, x := range ps {
		d.Penalties = append(d.Penalties, views.PenaltyView{Title: x.DeliverableTitle, DueAt: l.DateTime(x.DueAt),
			Amount: l.Money(money.New(x.AmountMinor, x.Currency)), NoticeFiled: x.NoticeFiled})
	}
	if d.CanFile {
		if d.Categories, err = s.noticeCategories(r, e); err != nil {
			return err
		}
		if d.Deliverables, err = s.deliverableOptions(r, e.ID); err != nil {
			return err
		}
	}
	s.render(w, r, status, views.Notices(s.nav(r, l.T("notice.title"), "engagements"), d))
	return nil
}

func (s *server) noticeFile(w http.ResponseWriter, r *http.Request) error {
	e, err := s.engagementOf(r)
	if err != nil {
		return err
	}
	f, err := parseForm(w, r)
	if err != nil {
		return err
	}
	n := &notice.Notice{EngagementID: e.ID, Category: f.Get("category"), DeliverableID: formID(f.Get("deliverable_id")), Text: f.Get("text")}
	if err := s.db.Notices.File(r.Context(), state(r).principal, n); err != nil {
		if !withErrors(r, &f, err) {
			return err
		}
		return s.noticesPage(w, r, invalidStatus(err), f, 0, views.Form{})
	}
	return redirect(w, r, recordPath("/engagements", e.ID)+"/notices#notice-"+strconv.FormatInt(n.ID, 10))
}

// noticeOf loads the {notice} of the {id} engagement.
func (s *server) noticeOf(r *http.Request, e *engagement.Engagement) (*notice.Notice, error) {
	id, err := subID(r, "notice")
	if err != nil {
		return nil, err
	}
	return s.db.Notices.Get(r.Context(), state(r).principal, e.ID, id)
}

func (s *server) noticeAcknowledge(w http.ResponseWriter, r *http.Request) error {
	st := state(r)
	e, err := s.engagementOf(r)
	if err != nil {
		return err
	}
	n, err := s.noticeOf(r, e)
	if err != nil {
		return err
	}
	f, err := parseForm(w, r)
	if err != nil {
		return err
	}
	// A date typed on the form becomes a due time in the store (see
	// notice.NewDueAt).
	day, err := tandem.ParseDate(f.Get("new_due_on"))
	if err != nil {
		err = invalidField("new_due_on", "validation.date")
	} else {
		err = s.db.Notices.Acknowledge(r.Context(), st.principal, e.ID, n.ID, notice.Ack{Comment: f.Get("comment"), NewDueOn: day})
	}
	if err != nil {
		if !withErrors(r, &f, err) {
			return err
		}
		if m, ok := f.Errors["new_due_at"]; ok {
			f.Errors["new_due_on"] = m
		}
		return s.noticesPage(w, r, invalidStatus(err), views.Form{}, n.ID, f)
	}
	return redirect(w, r, recordPath("/engagements", e.ID)+"/notices#notice-"+strconv.FormatInt(n.ID, 10))
}

// The JSON API.

type apiNotice struct {
	ID             int64      `json:"id"`
	EngagementID   int64      `json:"engagement_id"`
	Category       string     `json:"category"`
	DeliverableID  *int64     `json:"deliverable_id"`
	Text           string     `json:"text"`
	DueAt          *time.Time `json:"due_at"`
	Timely         bool       `json:"timely"`
	FiledBy        string     `json:"filed_by"`
	FiledAt        time.Time  `json:"filed_at"`
	AcknowledgedBy string     `json:"acknowledged_by,omitempty"`
	AcknowledgedAt *time.Time `json:"acknowledged_at"`
	Comment        string     `json:"comment"`
	NewDueAt       *time.Time `json:"new_due_at"`
}

func optID(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

func optTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func toAPINotice(n *notice.Notice) apiNotice {
	return apiNotice{ID: n.ID, EngagementID: n.EngagementID, Category: n.Category, DeliverableID: optID(n.DeliverableID), Text: n.Text,
		DueAt: optTime(n.DueAt), Timely: n.Timely, FiledBy: n.FiledByName, FiledAt: n.FiledAt, AcknowledgedBy: n.AcknowledgedByName,
		AcknowledgedAt: optTime(n.AcknowledgedAt), Comment: n.Comment, NewDueAt: optTime(n.NewDueAt)}
}

func (s *server) apiNoticeList(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	ns, err := s.db.Notices.List(r.Context(), state(r).principal, id, store.NoticeFilter{Open: q.Get("open") == "true", Category: q.Get("category")})
	if err != nil {
		return err
	}
	out := make([]apiNotice, len(ns))
	for i := range ns {
		out[i] = toAPINotice(&ns[i])
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": out})
	return nil
}

func (s *server) apiNoticeFile(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in struct {
		Category      string `json:"category"`
		DeliverableID int64  `json:"deliverable_id"`
		Text          string `json:"text"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	n := &notice.Notice{EngagementID: id, Category: in.Category, DeliverableID: in.DeliverableID, Text: in.Text}
	if err := s.db.Notices.File(r.Context(), state(r).principal, n); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, toAPINotice(n))
	return nil
}

func (s *server) apiNoticeAcknowledge(w http.ResponseWriter, r *http.Request) error {
	e, err := s.engagementOf(r)
	if err != nil {
		return err
	}
	n, err := s.noticeOf(r, e)
	if err != nil {
		return err
	}
	var in struct {
		Comment  string     `json:"comment"`
		NewDueAt *time.Time `json:"new_due_at"`
	}
	if err := decodeOptionalJSON(w, r, &in); err != nil {
		return err
	}
	a := notice.Ack{Comment: in.Comment}
	if in.NewDueAt != nil {
		a.NewDueAt = *in.NewDueAt
	}
	p := state(r).principal
	if err := s.db.Notices.Acknowledge(r.Context(), p, e.ID, n.ID, a); err != nil {
		return err
	}
	if n, err = s.db.Notices.Get(r.Context(), p, e.ID, n.ID); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toAPINotice(n))
	return nil
}
