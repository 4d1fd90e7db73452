package web

import (
	"net/http"
	"time"

	"github.com/tandemhq/tandem/internal/access"
	"github.com/tandemhq/tandem/internal/engagement"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/tandem"
	"github.com/tandemhq/tandem/internal/web/views"
)

// Terminations: the engagement's termination page (the countdown, the
// handover checklist, closing access) and its API (package engagement
// decides, the store closes access).

func terminationPath(engagementID int64) string {
	return recordPath("/engagements", engagementID) + "/termination"
}

// terminationView is a termination as the pages show it.
func (s *server) terminationView(r *http.Request, t *engagement.Termination) *views.TerminationView {
	if t == nil {
		return nil
	}
	l := state(r).loc
	today := tandem.DateOf(s.db.Now().In(l.Location()))
	v := &views.TerminationView{Side: l.T("termination.side." + t.Side), StartedBy: t.StartedByName,
		NoticeOn: l.Date(t.NoticeOn.Time()), EffectiveOn: l.Date(t.EffectiveOn.Time()), HandoverDue: l.Date(t.HandoverDue.Time()),
		Reason: t.Reason, Hours: t.ConsultationHours, Revoked: t.Revoked()}
	switch left := t.DaysLeft(today); {
	case t.Revoked():
		v.Countdown = l.T("termination.closed_at", "when", l.DateTime(t.RevokedAt))
	case left > 0:
		v.Countdown = l.N("termination.days_left", int64(left))
	default:
		v.Countdown = l.T("termination.today")
	}
	if t.Agreed {
		v.Basis = l.T("termination.basis_agreed")
	} else {
		v.Basis = l.T("termination.basis_notice")
	}
	for _, it := range t.Items {
		x := views.HandoverItemView{Key: it.Key, Label: l.T("termination.item." + it.Key), Detail: it.Detail, Done: it.Done()}
		if it.Done() {
			x.DoneBy = l.T("termination.done_by", "name", it.DoneByName, "when", l.Date(it.DoneAt))
		}
		v.Items = append(v.Items, x)
	}
	return v
}

// terminationBanner is what the engagement's overview says of its
// termination: nil when none was started.
func (s *server) terminationBanner(r *http.Request, engagementID int64) (*views.TerminationView, error) {
	t, err := s.db.Terminations().Get(r.Context(), state(r).principal, engagementID)
	if tandem.ErrorCode(err) == tandem.ENotFound {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return s.terminationView(r, t), nil
}

func (s *server) terminationPage(w http.ResponseWriter, r *http.Request) error {
	return s.showTermination(w, r, views.Form{}, http.StatusOK)
}

func (s *server) showTermination(w http.ResponseWriter, r *http.Request, f views.Form, status int) error {
	st := state(r)
	e, err := s.engagementOf(r)
	if err != nil {
		return err
	}
	t, err := s.terminationBanner(r, e.ID)
	if err != nil {
		return err
	}
	p := st.principal
	_, mayStart := engagement.MayTerminate(p.Role)
	d := views.TerminationData{Engagement: e, Termination: t, Form: f,
		CanStart:  t == nil && e.Live() && mayStart && access.Allows(p.Role, access.Terminate),
		CanTick:   access.Allows(p.Role, access.EngagementsWrite),
		CanRevoke: t != nil && !t.Revoked && access.Allows(p.Role, access.TerminationClose)}
	if d.CanStart {
		if f.Values == nil {
			d.Form.Values = map[string][]string{"notice_on": {st.loc.DateInput(s.db.Now())}}
		}
		v, err := s.db.Contracts.InForce(r.Context(), p, e.ID, tandem.DateOf(s.db.Now().In(st.loc.Location())))
		if err == nil {
			d.NoticeDays = v.Terms.Shape.NoticeDays
		}
	}
	s.render(w, r, status, views.Termination(s.nav(r, e.Title, "engagements"), d))
	return nil
}

// terminationInput reads the start form or body into a termination.
func terminationInput(notice, effective, reason string) (*engagement.Termination, error) {
	t := &engagement.Termination{Reason: reason}
	var v tandem.Validator
	var err error
	if t.NoticeOn, err = tandem.ParseDate(notice); err != nil {
		v.Add("notice_on", i18n.K("validation.date"))
	}
	if effective != "" {
		t.Agreed = true
		if t.EffectiveOn, err = tandem.ParseDate(effective); err != nil {
			v.Add("effective_on", i18n.K("validation.date"))
		}
	}
	return t, v.Err()
}

func (s *server) terminationStart(w http.ResponseWriter, r *http.Request) error {
	e, err := s.engagementOf(r)
	if err != nil {
		return err
	}
	f, err := parseForm(w, r)
	if err != nil {
		return err
	}
	t, err := terminationInput(f.Get("notice_on"), f.Get("effective_on"), f.Get("reason"))
	if err == nil {
		err = s.db.Terminations().Start(r.Context(), state(r).principal, e.ID, t)
	}
	if err != nil {
		if !withErrors(r, &f, err) {
			return err
		}
		return s.showTermination(w, r, f, invalidStatus(err))
	}
	return redirect(w, r, terminationPath(e.ID))
}

func (s *server) terminationItem(w http.ResponseWriter, r *http.Request) error {
	e, err := s.engagementOf(r)
	if err != nil {
		return err
	}
	f, err := parseForm(w, r)
	if err != nil {
		return err
	}
	if err := s.db.Terminations().MarkItem(r.Context(), state(r).principal, e.ID, r.PathValue("key"), f.Get("done") == "1"); err != nil {
		return err
	}
	return redirect(w, r, terminationPath(e.ID))
}

func (s *server) terminationRevoke(w http.ResponseWriter, r *http.Request) error {
	e, err := s.engagementOf(r)
	if err != nil {
		return err
	}
	if err := s.db.Terminations().RevokeNow(r.Context(), state(r).principal, e.ID); err != nil {
		return err
	}
	return redirect(w, r, terminationPath(e.ID))
}

// The API.

type apiTermination struct {
	Side              string            `json:"side"`
	StartedBy         string            `json:"started_by"`
	NoticeOn          string            `json:"notice_on"`
	Reason            string            `json:"reason"`
	EffectiveOn       string            `json:"effective_on"`
	Agreed            bool              `json:"agreed"`
	HandoverDue       string            `json:"handover_due"`
	ConsultationHours int               `json:"consultation_hours"`
	RevokedAt         *time.Time        `json:"revoked_at"`
	Items             []apiHandoverItem `json:"items"`
}

type apiHandoverItem struct {
	Key    string     `json:"key"`
	Label  string     `json:"label"`
	Detail string     `json:"detail"`
	DoneAt *time.Time `json:"done_at"`
}

func toAPITermination(l *i18n.Localizer, t *engagement.Termination) apiTermination {
	out := apiTermination{Side: t.Side, StartedBy: t.StartedByName, NoticeOn: t.NoticeOn.String(), Reason: t.Reason,
		EffectiveOn: t.EffectiveOn.String(), Agreed: t.Agreed, HandoverDue: t.HandoverDue.String(), ConsultationHours: t.ConsultationHours,
		Items: []apiHandoverItem{}}
	if t.Revoked() {
		out.RevokedAt = &t.RevokedAt
	}
	for i, it := range t.Items {
		x := apiHandoverItem{Key: it.Key, Label: l.T("termination.item." + it.Key), Detail: it.Detail}
		if it.Done() {
			x.DoneAt = &t.Items[i].DoneAt
		}
		out.Items = append(out.Items, x)
	}
	return out
}

func (s *server) apiTerminationGet(w http.ResponseWriter, r *http.Request) error {
	e, err := s.engagementOf(r)
	if err != nil {
		return err
	}
	t, err := s.db.Terminations().Get(r.Context(), state(r).principal, e.ID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toAPITermination(state(r).loc, t))
	return nil
}

func (s *server) apiTerminationStart(w http.ResponseWriter, r *http.Request) error {
	e, err := s.engagementOf(r)
	if err != nil {
		return err
	}
	var in struct {
		NoticeOn    string `json:"notice_on"`
		EffectiveOn string `json:"effective_on"`
		Reason      string `json:"reason"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	t, err := terminationInput(in.NoticeOn, in.EffectiveOn, in.Reason)
	if err != nil {
		return err
	}
	if err := s.db.Terminations().Start(r.Context(), state(r).principal, e.ID, t); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, toAPITermination(state(r).loc, t))
	return nil
}

func (s *server) apiTerminationItem(w http.ResponseWriter, r *http.Request) error {
	e, err := s.engagementOf(r)
	if err != nil {
		return err
	}
	var in struct {
		Done bool `json:"done"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	if err := s.db.Terminations().MarkItem(r.Context(), state(r).principal, e.ID, r.PathValue("key"), in.Done); err != nil {
		return err
	}
	return s.apiTerminationGet(w, r)
}

func (s *server) apiTerminationRevoke(w http.ResponseWriter, r *http.Request) error {
	e, err := s.engagementOf(r)
	if err != nil {
		return err
	}
	if err := decodeOptionalJSON(w, r, &struct{}{}); err != nil {
		return err
	}
	if err := s.db.Terminations().RevokeNow(r.Context(), state(r).principal, e.ID); err != nil {
		return err
	}
	return s.apiTerminationGet(w, r)
}
