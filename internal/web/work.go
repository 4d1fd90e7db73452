package web

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"
	"github.com/tandemhq/tandem/internal/access"
	"github.com/tandemhq/tandem/internal/file"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/kpi"
	"github.com/tandemhq/tandem/internal/notification"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/tandem"
	"github.com/tandemhq/tandem/internal/web/views"
	"github.com/tandemhq/tandem/internal/work"
)

// monthOf reads ?month=YYYY-MM (default: this month in the workspace's
// zone) and returns it with the first days of it and of the next month.
func (s *server) monthOf(r *http.Request) (string, tandem.Date, tandem.Date, error) {
	loc := state(r).loc.Location()
	m := r.URL.Query().Get("month")
	if m == "" {
		m = s.db.Now().In(loc).Format("2006-01")
	}
	t, err := time.ParseInLocation("2006-01", m, loc)
	if err != nil {
		return "", tandem.Date{}, tandem.Date{}, invalidField("month", "validation.date")
	}
	return m, tandem.DateOf(t), tandem.DateOf(t.AddDate(0, 1, 0)), nil
}

// What it shows is kept between requests until the database changes
// (kept); a form sent back with its errors is computed afresh (showWork).
func (s *server) workPage(w http.ResponseWriter, r *http.Request) error {
	return s.keptPage(w, r, func(r *http.Request) (templ.Component, error) {
		d, err := s.workData(r.Context(), r, views.Form{})
		if err != nil {
			return nil, err
		}
		return views.Work(s.nav(r, d.Engagement.Title, "engagements"), *d), nil
	})
}

// showWork renders an engagement's work: the month's figures with the
// records behind them, the deliverables, and the form for a new one
// (f, with what was sent and its errors).
func (s *server) showWork(w http.ResponseWriter, r *http.Request, f views.Form, status int) error {
	d, err := s.workData(r.Context(), r, f)
	if err != nil {
		return err
	}
	s.render(w, r, status, views.Work(s.nav(r, d.Engagement.Title, "engagements"), *d))
	return nil
}

// workData is what the work page of r shows, with the form f.
func (s *server) workData(ctx context.Context, r *http.Request, f views.Form) (*views.WorkData, error) {
	st := state(r)
	p := st.principal
	e, err := s.engagementOf(r)
	if err != nil {
		return nil, err
	}
	month, from, to, err := s.monthOf(r)
	if err != nil {
		return nil, err
	}
	q := r.URL.Query()
	pg := pageOf(q, listLimit)
	ds, total, err := s.db.Work.List(ctx, p, pg, store.DeliverableFilter{EngagementID: e.ID, Status: q.Get("status"), Overdue: q.Get("overdue") != ""})
	if err != nil {
		return nil, err
	}
	figs, outcomes, err := s.db.Work.Figures(ctx, p, e.ID, from, to)
	if err != nil {
		return nil, err
	}
	d := views.WorkData{Engagement: e, Deliverables: ds, Figures: figs, Outcomes: outcomes, Month: month,
		MonthLabel: st.loc.Month(from.Time()), Form: f, Now: s.db.Now(),
		Pager:    views.Pager{Total: total, Offset: pg.Offset, Limit: listLimit, Query: q, Path: r.URL.Path, Sort: "due"},
		Statuses: options(st.loc, "work.status.", work.Statuses, "work.all_statuses"),
		CanPlan:  work.MayPlan(p.Role, e), CanExport: access.Allows(p.Role, access.ListsExport),
	}
	// The services by name: the list shows them, the form offers them.
	v, err := s.db.Contracts.InForce(ctx, p, e.ID, s.today(r))
	if err == nil {
		for _, svc := range v.Terms.Services {
			d.Services = append(d.Services, views.Option{Value: svc.Key, Label: svc.Name})
		}
	} else if d.CanPlan {
		return nil, err
	}
	if d.CanPlan {
		d.Priorities = options(st.loc, "work.priority.", work.Priorities, "")
		team, err := s.db.Accounts.Team(ctx, p, e.ID)
		if err != nil {
			return nil, err
		}
		d.Assignees = []views.Option{{Value: "", Label: st.loc.T("work.nobody")}}
		for _, m := range team {
			d.Assignees = append(d.Assignees, views.Option{Value: strconv.FormatInt(m.ID, 10), Label: m.UserName})
		}
		if d.Form.Values == nil {
			d.Form.Values = url.Values{"priority": {work.DefaultPriority}}
		}
	}
	return &d, nil
}

func (s *server) deliverableCreate(w http.ResponseWriter, r *http.Request) error {
	st := state(r)
	e, err := s.engagementOf(r)
	if err != nil {
		return err
	}
	f, err := parseForm(w, r)
	if err != nil {
		return err
	}
	d := &work.Deliverable{EngagementID: e.ID, Title: f.Get("title"), ServiceKey: f.Get("service_key"), Priority: f.Get("priority"),
		Description: f.Get("description"), AssigneeID: formID(f.Get("assignee_id"))}
	if due := f.Get("due_on"); due != "" {
		if t, derr := time.Parse(time.DateOnly, due); derr != nil {
			err = invalidField("due_on", "validation.date")
		} else {
			d.DueAt = work.DueOn(tandem.DateOf(t), st.loc.Location())
		}
	}
	if err == nil {
		err = s.db.Work.Create(r.Context(), st.principal, d)
	}
	if err != nil {
		if !withErrors(r, &f, err) {
			return err
		}
		return s.showWork(w, r, f, invalidStatus(err))
	}
	return redirect(w, r, fmt.Sprintf("/deliverables/%d", d.ID))
}

// deliverableOf loads the {id} deliverable the caller may see.
func (s *server) deliverableOf(r *http.Request) (*work.Deliverable, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	return s.db.Work.Get(r.Context(), state(r).principal, id)
}

func (s *server) deliverablePage(w http.ResponseWriter, r *http.Request) error {
	// Kept between requests (keptPage); a form sent back with its errors
	// is shown afresh (showDeliverable).
	return s.keptPage(w, r, func(r *http.Request) (templ.Component, error) {
		return s.deliverableView(r, views.Form{}, views.Form{})
	})
}

func (s *server) showDeliverable(w http.ResponseWriter, r *http.Request, submit, review views.Form, status int) error {
	return s.rendered(w, r, status)(s.deliverableView(r, submit, review))
}

// deliverableView is the deliverable page of r with its two forms.
func (s *server) deliverableView(r *http.Request, submit, review views.Form) (templ.Component, error) {
	st := state(r)
	ctx, p := r.Context(), st.principal
	d, err := s.deliverableOf(r)
	if err != nil {
		return nil, err
	}
	e, err := s.db.Engagements.Get(ctx, p, d.EngagementID)
	if err != nil {
		return nil, err
	}
	subs, err := s.db.Work.Submissions(ctx, p, d.ID)
	if err != nil {
		return nil, err
	}
	data := views.DeliverableData{D: d, Engagement: e, Submissions: subs, Submit: submit, ReviewForm: review, Now: s.db.Now(),
		CanSubmit: work.MaySubmit(p.Role, d),
		CanReview: work.MayReview(p.Role, d),
		CanMove:   access.Allows(p.Role, access.WorkSubmit),
		Reasons:   options(st.loc, "work.reason.", work.ReturnReasons, "common.none"),
	}
	return views.Deliverable(s.nav(r, d.Title, "engagements"), data), nil
}

func (s *server) deliverableMove(w http.ResponseWriter, r *http.Request) error {
	d, err := s.deliverableOf(r)
	if err != nil {
		return err
	}
	f, err := parseForm(w, r)
	if err != nil {
		return err
	}
	if err := s.db.Work.Move(r.Context(), state(r).principal, d.ID, work.Status(f.Get("status"))); err != nil {
		return err
	}
	return redirect(w, r, fmt.Sprintf("/deliverables/%d", d.ID))
}

// maxUpload caps a submission's request body: ten files of 10 MiB and the form.
const maxUpload = 10*file.MaxFileSize + 1<<20

func (s *server) deliverableSubmit(w http.ResponseWriter, r *http.Request) error {
	d, err := s.deliverableOf(r)
	if err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxUpload)
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		return tandem.Errorf(tandem.EInvalid, i18n.K("error.bad_form"))
	}
	f := views.Form{Values: r.MultipartForm.Value, Errors: map[string]string{}}
	var files []*file.File
	for _, fh := range r.MultipartForm.File["files"] {
		if fh.Size == 0 && fh.Filename == "" {
			continue
		}
		up, err := fh.Open()
		if err != nil {
			return err
		}
		data, err := io.ReadAll(io.LimitReader(up, file.MaxFileSize+1))
		up.Close()
		if err != nil {
			return err
		}
		ff, ferr := file.NewFile(fh.Filename, http.DetectContentType(data), data)
		if ferr != nil {
			withErrors(r, &f, renameField(ferr, "file", "files"))
			return s.showDeliverable(w, r, f, views.Form{}, http.StatusUnprocessableEntity)
		}
		files = append(files, ff)
	}
	if _, err := s.db.Work.Submit(r.Context(), state(r).principal, d.ID, f.Get("note"), files); err != nil {
		if !withErrors(r, &f, err) {
			return err
		}
		return s.showDeliverable(w, r, f, views.Form{}, invalidStatus(err))
	}
	return redirect(w, r, fmt.Sprintf("/deliverables/%d", d.ID))
}

// renameField moves field errors on one field to another name.
func renameField(err error, from, to string) error {
	e, ok := tandem.AsError(err)
	if !ok {
		return err
	}
	c := *e
	c.Fields = append([]tandem.FieldError(nil), e.Fields...)
	for i := range c.Fields {
		if c.Fields[i].Field == from {
			c.Fields[i].Field = to
		}
	}
	return &c
}

func (s *server) deliverableReview(w http.ResponseWriter, r *http.Request) error {
	d, err := s.deliverableOf(r)
	if err != nil {
		return err
	}
	f, err := parseForm(w, r)
	if err != nil {
		return err
	}
	rv, err := work.ReviewOf(f.Get("decision"), f.Get("reason"), f.Get("comment"))
	if err == nil {
		err = s.db.Work.Review(r.Context(), state(r).principal, d.ID, rv)
	}
	if err != nil {
		if !withErrors(r, &f, err) {
			return err
		}
		return s.showDeliverable(w, r, views.Form{}, f, invalidStatus(err))
	}
	return redirect(w, r, fmt.Sprintf("/deliverables/%d", d.ID))
}

func (s *server) deliverableFile(w http.ResponseWriter, r *http.Request) error {
	d, err := s.deliverableOf(r)
	if err != nil {
		return err
	}
	fid, err := strconv.ParseInt(r.PathValue("file"), 10, 64)
	if err != nil {
		return tandem.ErrNotFound
	}
	f, err := s.db.Work.Attachment(r.Context(), state(r).principal, d.ID, fid)
	if err != nil {
		return err
	}
	serveFile(w, r, f)
	return nil
}

// serveFile sends a stored file as a download that a browser will not
// run, a range of it when asked (an <audio> player reads a recording's
// header for its length, then the part it plays).
func serveFile(w http.ResponseWriter, r *http.Request, f *file.File) {
	h := w.Header()
	h.Set("Content-Type", f.ContentType)
	h.Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(f.Name))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "sandbox")
	h.Set("Cache-Control", "private, no-store")
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(f.Data))
}

// notificationsShown is how many notifications the page and the API show.
const notificationsShown = 100

// notificationsPage lists the person's notifications in this workspace.
func (s *server) notificationsPage(w http.ResponseWriter, r *http.Request) error {
	// Kept between requests (keptPage): reading marks nothing read.
	return s.keptPage(w, r, s.notificationsView)
}

func (s *server) notificationsView(r *http.Request) (templ.Component, error) {
	st := state(r)
	all := r.URL.Query().Get("all") != ""
	ns, unread, err := s.db.Notifications.List(r.Context(), st.principal, all, notificationsShown)
	if err != nil {
		return nil, err
	}
	items := make([]views.NotificationView, len(ns))
	for i, n := range ns {
		items[i] = views.NotificationView{ID: n.ID, Message: notificationMessage(st.loc, n), Link: notificationLink(n),
			At: n.CreatedAt, Unread: !n.Read()}
	}
	return views.Notifications(s.nav(r, st.loc.T("notify.title"), ""), items, unread, all), nil
}

// notificationMessage is a notification in the reader's language: the
// catalogue's "notify.<kind>" with the stored arguments.
func notificationMessage(l *i18n.Localizer, n notification.Notification) string {
	args := make([]any, 0, 2*len(n.Args))
	for k, v := range n.Args {
		if f, ok := v.(float64); ok { // JSON numbers
			v = int64(f)
			if k == notification.ScoreArg { // hundredths of a point, in the reader's format
				v = l.Decimal(int64(f), 2)
			}
		}
		if s, ok := v.(string); ok && k == "date" { // a day stored as 2006-01-02, in the reader's format
			if d, err := tandem.ParseDate(s); err == nil && !d.IsZero() {
				v = l.Date(d.Time())
			}
		}
		if s, ok := v.(string); ok && k == "period" { // a period's stable label, named in the reader's language
			if lb, ok := kpi.ParseLabel(s); ok {
				v = periodLabel(l, lb.Period(l.Location()))
			}
		}
		if strings.HasPrefix(n.Kind, "time.") { // a time entry's local day ("2026-11-03") and duration ("2 h 30 min")
			if s, ok := v.(string); ok && k == "day" {
				if d, err := time.ParseInLocation(time.DateOnly, s, l.Location()); err == nil {
					v = l.Date(d)
				}
			}
			if m, ok := v.(int64); ok && k == "minutes" {
				v = durationText(l, m)
			}
		}
		if s, ok := v.(string); ok && k == "week" { // "2026-W49" stored; "49" read ("week 49")
			if lb, ok := kpi.ParseLabel(s); ok && lb.Kind == kpi.Week {
				v = lb.Number
			}
		}
		args = append(args, k, v)
	}
	return l.T("notify."+n.Kind, args...)
}

// notificationLink is where a notification leads.
func notificationLink(n notification.Notification) string {
	switch {
	case strings.HasPrefix(n.Kind, "deliverable.") && n.SubjectID != 0:
		return fmt.Sprintf("/deliverables/%d", n.SubjectID)
	case strings.HasPrefix(n.Kind, "penalty.") && n.SubjectID != 0:
		return fmt.Sprintf("/deliverables/%d", n.SubjectID)
	case strings.HasPrefix(n.Kind, "notice."):
		return fmt.Sprintf("/engagements/%d/notices", n.EngagementID)
	case strings.HasPrefix(n.Kind, "proposal."):
		return fmt.Sprintf("/engagements/%d/proposals", n.EngagementID)
	case strings.HasPrefix(n.Kind, "status_report."):
		return fmt.Sprintf("/engagements/%d/status-reports", n.EngagementID)
	case strings.HasPrefix(n.Kind, "user."): // a person asked for a new password: reset links are issued there
		return "/members"
	case strings.HasPrefix(n.Kind, "alert."):
		return fmt.Sprintf("/engagements/%d/scorecard", n.EngagementID)
	case strings.HasPrefix(n.Kind, "request."):
		return fmt.Sprintf("/engagements/%d/requests", n.EngagementID)
	case strings.HasPrefix(n.Kind, "sales.claim_"):
		return salesClaimsPath(n.EngagementID)
	case strings.HasPrefix(n.Kind, "time."):
		return fmt.Sprintf("/engagements/%d/time", n.EngagementID)
	case strings.HasPrefix(n.Kind, "survey.") && n.SubjectID != 0:
		return fmt.Sprintf("/surveys/%d", n.SubjectID)
	case strings.HasPrefix(n.Kind, "handover."):
		return handoversPath(n.EngagementID)
	case strings.HasPrefix(n.Kind, "invoice."):
		if p, ok := n.Args["period"].(string); ok {
			return invoicesPath(n.EngagementID) + "/" + url.PathEscape(p)
		}
		return invoicesPath(n.EngagementID)
	}
	if n.EngagementID != 0 {
		return fmt.Sprintf("/engagements/%d", n.EngagementID)
	}
	return "/"
}

func (s *server) notificationsRead(w http.ResponseWriter, r *http.Request) error {
	f, err := parseForm(w, r)
	if err != nil {
		return err
	}
	if err := s.db.Notifications.MarkRead(r.Context(), state(r).principal, formID(f.Get("id"))); err != nil {
		return err
	}
	return redirect(w, r, "/notifications")
}
