package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/tandemhq/tandem/internal/engagement"
	"github.com/tandemhq/tandem/internal/report"
	"github.com/tandemhq/tandem/internal/tandem"
	"github.com/tandemhq/tandem/internal/web/views"
)

// Pages and API of the partner's weekly status reports.

// weekOf reads the {week} path value: a Monday or an ISO week; anything
// else is "not found".
func weekOf(r *http.Request) (tandem.Date, error) {
	w, err := report.ParseWeek(r.PathValue("week"))
	if err != nil {
		return tandem.Date{}, tandem.ErrNotFound
	}
	return w, nil
}

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
	return views.ReportData{Engagement: e, Report: rep, Week: rep.Week.String(), WeekLabel: strconv.Itoa(report.WeekNumber(rep.Week)), Form: f,
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
