package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/tandemhq/tandem/internal/engagement"
	"github.com/tandemhq/tandem/internal/money"
	"github.com/tandemhq/tandem/internal/notice"
	"github.com/tandemhq/tandem/internal/proposal"
	"github.com/tandemhq/tandem/internal/report"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/tandem"
	"github.com/tandemhq/tandem/internal/web/views"
)

// Pages and API of what the partner tells the client in writing: notices,
// proposals and risk warnings, weekly status reports.

// subID reads a numeric path value other than {id}; malformed is "not found".
func subID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, tandem.ErrNotFound
	}
	return id, nil
}

// weekOf reads the {week} path value: a Monday or an ISO week; anything
// else is "not found".
func weekOf(r *http.Request) (tandem.Date, error) {
	w, err := report.ParseWeek(r.PathValue("week"))
	if err != nil {
		return tandem.Date{}, tandem.ErrNotFound
	}
	return w, nil
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

// Proposals and risk warnings.

func (s *server) proposalList(w http.ResponseWriter, r *http.Request) error {
	return s.proposalsPage(w, r, http.StatusOK, views.Form{}, 0, views.Form{})
}

func (s *server) proposalsPage(w http.ResponseWriter, r *http.Request, status int, raise views.Form, decideID int64, decide views.Form) error {
	st := state(r)
	p, l := st.principal, st.loc
	e, err := s.engagementOf(r)
	if err != nil {
		return err
	}
	ps, err := s.db.Proposals.List(r.Context(), p, e.ID, r.URL.Query().Get("kind"))
	if err != nil {
		return err
	}
	d := views.ProposalsData{Engagement: e, Proposals: ps, Raise: raise, DecideID: decideID, Decide: decide,
		CanRaise: proposal.MayRaise(p.Role, e), Role: p.Role,
		Kinds: options(l, "proposal.kind.", proposal.Kinds, "")}
	if d.CanRaise {
		if d.Deliverables, err = s.deliverableOptions(r, e.ID); err != nil {
			return err
		}
	}
	s.render(w, r, status, views.Proposals(s.nav(r, l.T("proposal.title"), "engagements"), d))
	return nil
}

func (s *server) proposalRaise(w http.ResponseWriter, r *http.Request) error {
	e, err := s.engagementOf(r)
	if err != nil {
		return err
	}
	f, err := parseForm(w, r)
	if err != nil {
		return err
	}
	x := &proposal.Proposal{EngagementID: e.ID, Kind: f.Get("kind"), Title: f.Get("title"), Text: f.Get("text"),
		DeliverableID: formID(f.Get("deliverable_id"))}
	if err := s.db.Proposals.Raise(r.Context(), state(r).principal, x); err != nil {
		if !withErrors(r, &f, err) {
			return err
		}
		return s.proposalsPage(w, r, invalidStatus(err), f, 0, views.Form{})
	}
	return redirect(w, r, recordPath("/engagements", e.ID)+"/proposals#proposal-"+strconv.FormatInt(x.ID, 10))
}

// proposalOf loads the {proposal} of the {id} engagement.
func (s *server) proposalOf(r *http.Request, e *engagement.Engagement) (*proposal.Proposal, error) {
	id, err := subID(r, "proposal")
	if err != nil {
		return nil, err
	}
	return s.db.Proposals.Get(r.Context(), state(r).principal, e.ID, id)
}

func (s *server) proposalDecide(w http.ResponseWriter, r *http.Request) error {
	e, err := s.engagementOf(r)
	if err != nil {
		return err
	}
	x, err := s.proposalOf(r, e)
	if err != nil {
		return err
	}
	f, err := parseForm(w, r)
	if err != nil {
		return err
	}
	if err := s.db.Proposals.Decide(r.Context(), state(r).principal, e.ID, x.ID, proposal.Decision{Status: f.Get("decision"), Comment: f.Get("comment")}); err != nil {
		if !withErrors(r, &f, err) {
			return err
		}
		return s.proposalsPage(w, r, invalidStatus(err), views.Form{}, x.ID, f)
	}
	return redirect(w, r, recordPath("/engagements", e.ID)+"/proposals#proposal-"+strconv.FormatInt(x.ID, 10))
}

// Status reports.

func (s *server) reportList(w http.ResponseWriter, r *http.Request) error {
	st := state(r)
	e, err := s.engagementOf(r)
	if err != nil {
		return err
	}
	rs, err := s.db.Reports.List(r.Context(), st.principal, e.ID)
	if err != nil {
		return err
	}
	this := report.WeekOf(s.db.Now(), st.loc.Location())
	d := views.ReportsData{Engagement: e, Reports: rs, CanWrite: report.MayWrite(st.principal.Role, e),
		ThisWeek: this.String(), LastWeek: report.Previous(this).String()}
	return s.page(w, r, views.Reports(s.nav(r, st.loc.T("report.title"), "engagements"), d))
}

func reportValues(rep *report.Report) views.Form {
	f := views.Form{Values: map[string][]string{}, Errors: map[string]string{}}
	f.Values.Set("done", rep.Done)
	f.Values.Set("next", rep.Next)
	f.Values.Set("risks", rep.Risks)
	f.Values.Set("blockers", rep.Blockers)
	f.Values.Set("asks", rep.Asks)
	return f
}

func (s *server) reportData(r *http.Request, e *engagement.Engagement, rep *report.Report, f views.Form) views.ReportData {
	return views.ReportData{Engagement: e, Report: rep, Week: rep.Week.String(), WeekLabel: report.WeekLabel(rep.Week), Form: f,
		Role: state(r).principal.Role}
}

func (s *server) reportShow(w http.ResponseWriter, r *http.Request) error {
	st := state(r)
	e, err := s.engagementOf(r)
	if err != nil {
		return err
	}
	week, err := weekOf(r)
	if err != nil {
		return err
	}
	rep, err := s.db.Reports.Get(r.Context(), st.principal, e.ID, week)
	if err != nil {
		return err
	}
	return s.page(w, r, views.ReportShow(s.nav(r, st.loc.T("report.title"), "engagements"), s.reportData(r, e, rep, views.Form{})))
}

func (s *server) reportEdit(w http.ResponseWriter, r *http.Request) error {
	st := state(r)
	e, err := s.engagementOf(r)
	if err != nil {
		return err
	}
	week, err := weekOf(r)
	if err != nil {
		return err
	}
	rep, err := s.db.Reports.Draft(r.Context(), st.principal, e.ID, week)
	if err != nil {
		return err
	}
	if rep.Commented() {
		return redirect(w, r, recordPath("/engagements", e.ID)+"/status-reports/"+week.String())
	}
	return s.page(w, r, views.ReportForm(s.nav(r, st.loc.T("report.title"), "engagements"), s.reportData(r, e, rep, reportValues(rep))))
}

func (s *server) reportSave(w http.ResponseWriter, r *http.Request) error {
	st := state(r)
	e, err := s.engagementOf(r)
	if err != nil {
		return err
	}
	week, err := weekOf(r)
	if err != nil {
		return err
	}
	f, err := parseForm(w, r)
	if err != nil {
		return err
	}
	rep := &report.Report{EngagementID: e.ID, Week: week, Done: f.Get("done"), Next: f.Get("next"), Risks: f.Get("risks"),
		Blockers: f.Get("blockers"), Asks: f.Get("asks")}
	if _, err := s.db.Reports.Save(r.Context(), st.principal, rep); err != nil {
		if !withErrors(r, &f, err) {
			return err
		}
		if m, ok := f.Errors["week"]; ok {
			f.Message = m
		}
		s.render(w, r, invalidStatus(err), views.ReportForm(s.nav(r, st.loc.T("report.title"), "engagements"), s.reportData(r, e, rep, f)))
		return nil
	}
	return redirect(w, r, recordPath("/engagements", e.ID)+"/status-reports/"+week.String())
}

func (s *server) reportComment(w http.ResponseWriter, r *http.Request) error {
	st := state(r)
	e, err := s.engagementOf(r)
	if err != nil {
		return err
	}
	week, err := weekOf(r)
	if err != nil {
		return err
	}
	f, err := parseForm(w, r)
	if err != nil {
		return err
	}
	if err := s.db.Reports.Comment(r.Context(), st.principal, e.ID, week, f.Get("comment")); err != nil {
		if !withErrors(r, &f, err) {
			return err
		}
		rep, rerr := s.db.Reports.Get(r.Context(), st.principal, e.ID, week)
		if rerr != nil {
			return rerr
		}
		s.render(w, r, invalidStatus(err), views.ReportShow(s.nav(r, st.loc.T("report.title"), "engagements"), s.reportData(r, e, rep, f)))
		return nil
	}
	return redirect(w, r, recordPath("/engagements", e.ID)+"/status-reports/"+week.String())
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
	if r.ContentLength != 0 {
		if err := decodeJSON(w, r, &in); err != nil {
			return err
		}
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

type apiProposal struct {
	ID            int64      `json:"id"`
	EngagementID  int64      `json:"engagement_id"`
	Kind          string     `json:"kind"`
	Title         string     `json:"title"`
	Text          string     `json:"text"`
	DeliverableID *int64     `json:"deliverable_id"`
	RaisedBy      string     `json:"raised_by"`
	RaisedAt      time.Time  `json:"raised_at"`
	Status        string     `json:"status"`
	DecidedBy     string     `json:"decided_by,omitempty"`
	DecidedAt     *time.Time `json:"decided_at"`
	Comment       string     `json:"comment"`
}

func toAPIProposal(x *proposal.Proposal) apiProposal {
	return apiProposal{ID: x.ID, EngagementID: x.EngagementID, Kind: x.Kind, Title: x.Title, Text: x.Text, DeliverableID: optID(x.DeliverableID),
		RaisedBy: x.RaisedByName, RaisedAt: x.RaisedAt, Status: x.Status, DecidedBy: x.DecidedByName, DecidedAt: optTime(x.DecidedAt), Comment: x.Comment}
}

func (s *server) apiProposalList(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	ps, err := s.db.Proposals.List(r.Context(), state(r).principal, id, r.URL.Query().Get("kind"))
	if err != nil {
		return err
	}
	out := make([]apiProposal, len(ps))
	for i := range ps {
		out[i] = toAPIProposal(&ps[i])
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": out})
	return nil
}

func (s *server) apiProposalRaise(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in struct {
		Kind          string `json:"kind"`
		Title         string `json:"title"`
		Text          string `json:"text"`
		DeliverableID int64  `json:"deliverable_id"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	x := &proposal.Proposal{EngagementID: id, Kind: in.Kind, Title: in.Title, Text: in.Text, DeliverableID: in.DeliverableID}
	if err := s.db.Proposals.Raise(r.Context(), state(r).principal, x); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, toAPIProposal(x))
	return nil
}

func (s *server) apiProposalDecide(w http.ResponseWriter, r *http.Request) error {
	e, err := s.engagementOf(r)
	if err != nil {
		return err
	}
	x, err := s.proposalOf(r, e)
	if err != nil {
		return err
	}
	var in struct {
		Decision string `json:"decision"`
		Comment  string `json:"comment"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	p := state(r).principal
	if err := s.db.Proposals.Decide(r.Context(), p, e.ID, x.ID, proposal.Decision{Status: in.Decision, Comment: in.Comment}); err != nil {
		return err
	}
	if x, err = s.db.Proposals.Get(r.Context(), p, e.ID, x.ID); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toAPIProposal(x))
	return nil
}

type apiReport struct {
	EngagementID int64          `json:"engagement_id"`
	Week         string         `json:"week"`
	ISOWeek      string         `json:"iso_week"`
	Saved        bool           `json:"saved"`
	Done         string         `json:"done"`
	Next         string         `json:"next"`
	Risks        string         `json:"risks"`
	Blockers     string         `json:"blockers"`
	Asks         string         `json:"asks"`
	Figures      report.Figures `json:"figures"`
	Author       string         `json:"author,omitempty"`
	UpdatedAt    *time.Time     `json:"updated_at"`
	Comment      string         `json:"comment"`
	CommentedBy  string         `json:"commented_by,omitempty"`
	CommentedAt  *time.Time     `json:"commented_at"`
}

func toAPIReport(x *report.Report) apiReport {
	return apiReport{EngagementID: x.EngagementID, Week: x.Week.String(), ISOWeek: report.WeekLabel(x.Week), Saved: x.Saved(),
		Done: x.Done, Next: x.Next, Risks: x.Risks, Blockers: x.Blockers, Asks: x.Asks, Figures: x.Figures,
		Author: x.AuthorName, UpdatedAt: optTime(x.UpdatedAt), Comment: x.Comment, CommentedBy: x.CommenterName, CommentedAt: optTime(x.CommentedAt)}
}

func (s *server) apiReportList(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	rs, err := s.db.Reports.List(r.Context(), state(r).principal, id)
	if err != nil {
		return err
	}
	out := make([]apiReport, len(rs))
	for i := range rs {
		out[i] = toAPIReport(&rs[i])
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": out})
	return nil
}

// apiReportGet returns the week's stored report, or the pre-filled draft
// ("saved": false) when there is none yet.
func (s *server) apiReportGet(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	week, err := weekOf(r)
	if err != nil {
		return err
	}
	rep, err := s.db.Reports.Draft(r.Context(), state(r).principal, id, week)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toAPIReport(rep))
	return nil
}

func (s *server) apiReportPut(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	week, err := weekOf(r)
	if err != nil {
		return err
	}
	var in struct {
		Done     string `json:"done"`
		Next     string `json:"next"`
		Risks    string `json:"risks"`
		Blockers string `json:"blockers"`
		Asks     string `json:"asks"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	p := state(r).principal
	rep := &report.Report{EngagementID: id, Week: week, Done: in.Done, Next: in.Next, Risks: in.Risks, Blockers: in.Blockers, Asks: in.Asks}
	created, err := s.db.Reports.Save(r.Context(), p, rep)
	if err != nil {
		return err
	}
	if rep, err = s.db.Reports.Get(r.Context(), p, id, week); err != nil {
		return err
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	writeJSON(w, status, toAPIReport(rep))
	return nil
}

func (s *server) apiReportComment(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	week, err := weekOf(r)
	if err != nil {
		return err
	}
	var in struct {
		Comment string `json:"comment"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	p := state(r).principal
	if err := s.db.Reports.Comment(r.Context(), p, id, week, in.Comment); err != nil {
		return err
	}
	rep, err := s.db.Reports.Get(r.Context(), p, id, week)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toAPIReport(rep))
	return nil
}
