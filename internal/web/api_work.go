package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/work"
)

type apiDeliverable struct {
	ID           int64           `json:"id"`
	EngagementID int64           `json:"engagement_id"`
	ServiceKey   string          `json:"service_key"`
	Title        string          `json:"title"`
	Description  string          `json:"description"`
	DueAt        time.Time       `json:"due_at"`
	Priority     string          `json:"priority"`
	AssigneeID   *int64          `json:"assignee_membership_id"`
	Acceptor     string          `json:"acceptor"`
	Status       string          `json:"status"`
	Submissions  int             `json:"submissions"`
	Returns      int             `json:"returns"`
	AcceptedAt   *time.Time      `json:"accepted_at"`
	CreatedAt    time.Time       `json:"created_at"`
	History      []apiSubmission `json:"history,omitempty"`
}

type apiSubmission struct {
	Number      int        `json:"number"`
	Note        string     `json:"note"`
	SubmittedBy string     `json:"submitted_by"`
	SubmittedAt time.Time  `json:"submitted_at"`
	Files       []apiFile  `json:"files"`
	Review      *apiReview `json:"review"`
}

type apiFile struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
}

type apiReview struct {
	Decision   string    `json:"decision"`
	Reason     string    `json:"reason,omitempty"`
	Comment    string    `json:"comment"`
	ReviewedBy string    `json:"reviewed_by"`
	ReviewedAt time.Time `json:"reviewed_at"`
}

func toAPIDeliverable(d *work.Deliverable) apiDeliverable {
	out := apiDeliverable{ID: d.ID, EngagementID: d.EngagementID, ServiceKey: d.ServiceKey, Title: d.Title, Description: d.Description,
		DueAt: d.DueAt, Priority: d.Priority, Acceptor: d.Acceptor, Status: string(d.Status), Submissions: d.Submissions,
		Returns: d.Returns, CreatedAt: d.CreatedAt}
	if d.AssigneeID != 0 {
		out.AssigneeID = &d.AssigneeID
	}
	if !d.AcceptedAt.IsZero() {
		out.AcceptedAt = &d.AcceptedAt
	}
	return out
}

func (s *server) apiDeliverableList(w http.ResponseWriter, r *http.Request) error {
	e, err := s.engagementOf(r)
	if err != nil {
		return err
	}
	pg := apiPage(r)
	ds, total, err := s.db.Work.List(r.Context(), state(r).principal, pg, store.DeliverableFilter{EngagementID: e.ID,
		Status: r.URL.Query().Get("status"), Overdue: r.URL.Query().Get("overdue") == "true"})
	if err != nil {
		return err
	}
	out := apiList[apiDeliverable]{Items: make([]apiDeliverable, len(ds)), Total: total, Limit: pg.Limit, Offset: pg.Offset}
	for i := range ds {
		out.Items[i] = toAPIDeliverable(&ds[i])
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *server) apiDeliverableCreate(w http.ResponseWriter, r *http.Request) error {
	e, err := s.engagementOf(r)
	if err != nil {
		return err
	}
	var in struct {
		Title       string     `json:"title"`
		ServiceKey  string     `json:"service_key"`
		Description string     `json:"description"`
		Priority    string     `json:"priority"`
		DueAt       *time.Time `json:"due_at"`
		AssigneeID  int64      `json:"assignee_membership_id"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	d := &work.Deliverable{EngagementID: e.ID, Title: in.Title, ServiceKey: in.ServiceKey, Description: in.Description,
		Priority: in.Priority, AssigneeID: in.AssigneeID}
	if in.DueAt != nil {
		d.DueAt = in.DueAt.UTC()
	}
	if err := s.db.Work.Create(r.Context(), state(r).principal, d); err != nil {
		return err
	}
	got, err := s.db.Work.Get(r.Context(), state(r).principal, d.ID)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/deliverables/"+strconv.FormatInt(d.ID, 10))
	writeJSON(w, http.StatusCreated, toAPIDeliverable(got))
	return nil
}

func (s *server) apiDeliverableGet(w http.ResponseWriter, r *http.Request) error {
	d, err := s.deliverableOf(r)
	if err != nil {
		return err
	}
	subs, err := s.db.Work.Submissions(r.Context(), state(r).principal, d.ID)
	if err != nil {
		return err
	}
	out := toAPIDeliverable(d)
	out.History = []apiSubmission{}
	for _, x := range subs {
		as := apiSubmission{Number: x.Number, Note: x.Note, SubmittedBy: x.SubmitterName, SubmittedAt: x.SubmittedAt, Files: []apiFile{}}
		for _, f := range x.Files {
			as.Files = append(as.Files, apiFile{f.ID, f.Name, f.ContentType, f.Size})
		}
		if rv := x.Review; rv != nil {
			as.Review = &apiReview{Decision: rv.Decision(), Reason: rv.Reason, Comment: rv.Comment, ReviewedBy: rv.ReviewerName, ReviewedAt: rv.ReviewedAt}
		}
		out.History = append(out.History, as)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *server) apiDeliverableSubmit(w http.ResponseWriter, r *http.Request) error {
	d, err := s.deliverableOf(r)
	if err != nil {
		return err
	}
	var in struct {
		Note string `json:"note"`
	}
	if err := decodeOptionalJSON(w, r, &in); err != nil {
		return err
	}
	n, err := s.db.Work.Submit(r.Context(), state(r).principal, d.ID, in.Note, nil)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{"number": n, "status": work.StatusSubmitted})
	return nil
}

func (s *server) apiDeliverableReview(w http.ResponseWriter, r *http.Request) error {
	d, err := s.deliverableOf(r)
	if err != nil {
		return err
	}
	var in struct {
		Decision string `json:"decision"`
		Reason   string `json:"reason"`
		Comment  string `json:"comment"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	rv, err := work.ReviewOf(in.Decision, in.Reason, in.Comment)
	if err != nil {
		return err
	}
	if err := s.db.Work.Review(r.Context(), state(r).principal, d.ID, rv); err != nil {
		return err
	}
	got, err := s.db.Work.Get(r.Context(), state(r).principal, d.ID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toAPIDeliverable(got))
	return nil
}

func (s *server) apiFigures(w http.ResponseWriter, r *http.Request) error {
	e, err := s.engagementOf(r)
	if err != nil {
		return err
	}
	month, from, to, err := s.monthOf(r)
	if err != nil {
		return err
	}
	f, outcomes, err := s.db.Work.Figures(r.Context(), state(r).principal, e.ID, from, to)
	if err != nil {
		return err
	}
	type outcome struct {
		DeliverableID int64     `json:"deliverable_id"`
		Title         string    `json:"title"`
		AcceptedAt    time.Time `json:"accepted_at"`
		LateDays      int       `json:"late_business_days"`
		Returns       int       `json:"returns"`
		LeadTime      int64     `json:"lead_time_seconds"`
	}
	out := struct {
		Month                 string    `json:"month"`
		Accepted              int       `json:"accepted"`
		OnTime                int       `json:"on_time"`
		FirstTime             int       `json:"first_time"`
		Returns               int       `json:"returns"`
		LatenessSpreadHundred int64     `json:"lateness_spread_hundredths"`
		LeadTimeP50           int64     `json:"lead_time_p50_seconds"`
		LeadTimeP90           int64     `json:"lead_time_p90_seconds"`
		Overdue               int       `json:"overdue_now"`
		Outcomes              []outcome `json:"outcomes"`
	}{month, f.Accepted, f.OnTime, f.FirstTime, f.Returns, f.LatenessSpread, f.LeadTimeP50, f.LeadTimeP90, f.Overdue, []outcome{}}
	for _, o := range outcomes {
		out.Outcomes = append(out.Outcomes, outcome{o.DeliverableID, o.Title, o.AcceptedAt, o.LateDays, o.Returns, o.LeadTime})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *server) apiNotifications(w http.ResponseWriter, r *http.Request) error {
	st := state(r)
	ns, unread, err := s.db.Notifications.List(r.Context(), st.principal, r.URL.Query().Get("all") == "true", notificationsShown)
	if err != nil {
		return err
	}
	type item struct {
		ID           int64     `json:"id"`
		Kind         string    `json:"kind"`
		Message      string    `json:"message"`
		EngagementID int64     `json:"engagement_id"`
		SubjectID    int64     `json:"subject_id"`
		CreatedAt    time.Time `json:"created_at"`
		Read         bool      `json:"read"`
	}
	out := struct {
		Unread int    `json:"unread"`
		Items  []item `json:"items"`
	}{Unread: unread, Items: []item{}}
	for _, n := range ns {
		out.Items = append(out.Items, item{n.ID, n.Kind, notificationMessage(st.loc, n), n.EngagementID, n.SubjectID, n.CreatedAt, n.Read()})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
