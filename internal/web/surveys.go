package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/tandemhq/tandem/internal/access"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/survey"
	"github.com/tandemhq/tandem/internal/tandem"
	"github.com/tandemhq/tandem/internal/web/views"
)

// Pulse surveys: the engagement's results and settings, the page where a
// client person answers a round, and the JSON API (package survey decides,
// the store keeps rounds and answers and feeds the own metrics). No page
// or answer of the API names who answered.

func surveysPath(engagementID int64) string {
	return recordPath("/engagements", engagementID) + "/surveys"
}

// tenthsText is a mean score with one decimal in the reader's format.
func tenthsText(l *i18n.Localizer, tenths int64) string { return l.Decimal(tenths, 1) }

func (s *server) surveysPage(w http.ResponseWriter, r *http.Request) error {
	return s.surveysView(w, r, http.StatusOK, views.Form{})
}

func (s *server) surveysView(w http.ResponseWriter, r *http.Request, status int, settings views.Form) error {
	st := state(r)
	ctx, p, l := r.Context(), st.principal, st.loc
	e, err := s.engagementOf(r)
	if err != nil {
		return err
	}
	rounds, err := s.db.Surveys().Rounds(ctx, p, e.ID)
	if err != nil {
		return err
	}
	d := views.SurveysData{Engagement: e, Settings: settings, CanManage: access.Allows(p.Role, access.SurveysManage)}
	canAnswer := access.Allows(p.Role, access.SurveysAnswer) && survey.MayAnswer(p.Side()) == nil
	for _, rd := range rounds {
		row := views.SurveyRoundRow{ID: rd.ID, Period: periodLabel(l, rd.Period), Answered: int64(rd.Result.Answered), Needed: int64(rd.MinAnswers),
			Shown: rd.Result.Shown, Comments: rd.Result.Comments, CanAnswer: canAnswer, AnsweredByReader: rd.Answered}
		for _, m := range rd.Result.Means {
			row.Means = append(row.Means, views.SurveyMeanRow{Question: l.T("survey.q." + m.Question), Mean: tenthsText(l, m.Tenths)})
		}
		for _, k := range []string{survey.MetricTransparency, survey.MetricInitiative} {
			if v, ok := rd.Result.Metrics[k]; ok {
				row.Metrics = append(row.Metrics, views.SurveyMeanRow{Question: l.T("survey.metric." + k), Mean: tenthsText(l, v)})
			}
		}
		d.Rounds = append(d.Rounds, row)
	}
	if d.CanManage {
		for _, q := range survey.Questions {
			d.Questions = append(d.Questions, views.Option{Value: q, Label: l.T("survey.q." + q)})
		}
		for _, k := range []string{survey.Month, survey.Quarter} {
			d.Every = append(d.Every, views.Option{Value: k, Label: l.T("survey.every." + k)})
		}
		if d.Settings.Values == nil {
			cur, err := s.db.Surveys().Settings(ctx, p, e.ID)
			if err != nil {
				return err
			}
			d.Settings.Values = url.Values{"questions": cur.Questions, "every": {cur.Every}, "min_answers": {strconv.Itoa(cur.MinAnswers)}}
		}
	}
	s.render(w, r, status, views.Surveys(s.nav(r, l.T("survey.title"), "engagements"), d))
	return nil
}

func (s *server) surveySettings(w http.ResponseWriter, r *http.Request) error {
	e, err := s.engagementOf(r)
	if err != nil {
		return err
	}
	f, err := parseForm(w, r)
	if err != nil {
		return err
	}
	st := &survey.Settings{EngagementID: e.ID, Questions: f.Values["questions"], Every: f.Get("every")}
	n, convErr := strconv.Atoi(strings.TrimSpace(f.Get("min_answers")))
	st.MinAnswers = n
	if convErr != nil {
		err = invalidField("min_answers", "validation.number")
	} else {
		err = s.db.Surveys().Configure(r.Context(), state(r).principal, st)
	}
	if err != nil {
		if !withErrors(r, &f, err) {
			return err
		}
		return s.surveysView(w, r, invalidStatus(err), f)
	}
	return redirect(w, r, surveysPath(e.ID)+"#settings")
}

func (s *server) surveySend(w http.ResponseWriter, r *http.Request) error {
	e, err := s.engagementOf(r)
	if err != nil {
		return err
	}
	f, err := parseForm(w, r)
	if err != nil {
		return err
	}
	rd, err := s.db.Surveys().Send(r.Context(), state(r).principal, e.ID)
	if err != nil {
		if !withErrors(r, &f, err) {
			return err
		}
		return s.surveysView(w, r, invalidStatus(err), views.Form{Message: f.Message})
	}
	return redirect(w, r, surveysPath(e.ID)+"#round-"+strconv.FormatInt(rd.ID, 10))
}

func (s *server) surveyAnswerPage(w http.ResponseWriter, r *http.Request) error {
	return s.surveyAnswerView(w, r, http.StatusOK, views.Form{})
}

func (s *server) surveyAnswerView(w http.ResponseWriter, r *http.Request, status int, f views.Form) error {
	st := state(r)
	l := st.loc
	id, err := pathID(r)
	if err != nil {
		return err
	}
	rd, err := s.db.Surveys().Round(r.Context(), st.principal, id)
	if err != nil {
		return err
	}
	d := views.SurveyAnswerData{RoundID: rd.ID, Engagement: rd.EngagementTitle, Period: periodLabel(l, rd.Period), Form: f, Answered: rd.Answered}
	for _, q := range rd.Questions {
		d.Questions = append(d.Questions, views.Option{Value: q, Label: l.T("survey.q." + q)})
	}
	s.render(w, r, status, views.SurveyAnswer(s.nav(r, l.T("survey.answer_title", "engagement", rd.EngagementTitle), "engagements"), d))
	return nil
}

func (s *server) surveyAnswer(w http.ResponseWriter, r *http.Request) error {
	st := state(r)
	id, err := pathID(r)
	if err != nil {
		return err
	}
	rd, err := s.db.Surveys().Round(r.Context(), st.principal, id)
	if err != nil {
		return err
	}
	f, err := parseForm(w, r)
	if err != nil {
		return err
	}
	a := survey.Answer{Scores: map[string]int{}, Comment: f.Get("comment")}
	var v tandem.Validator
	for _, q := range rd.Questions {
		raw := f.Get("q_" + q)
		if raw == "" {
			continue // Answer.Check says it is required
		}
		n, err := strconv.Atoi(raw)
		if v.Check(err == nil, "q_"+q, i18n.K("validation.number")) {
			a.Scores[q] = n
		}
	}
	err = v.Err()
	if err == nil {
		err = s.db.Surveys().Answer(r.Context(), st.principal, id, a)
	}
	if err != nil {
		if !withErrors(r, &f, err) {
			return err
		}
		return s.surveyAnswerView(w, r, invalidStatus(err), f)
	}
	return redirect(w, r, surveysPath(rd.EngagementID)+"#round-"+strconv.FormatInt(id, 10))
}

// The JSON API.

type apiSurveySettings struct {
	Questions  []string `json:"questions"`
	Every      string   `json:"every"`
	MinAnswers int      `json:"min_answers"`
}

type apiSurveyMean struct {
	Key  string      `json:"key"`
	Mean json.Number `json:"mean"` // one decimal, exact
}

// apiSurveyRound is a round's result: never who answered.
type apiSurveyRound struct {
	ID          int64           `json:"id"`
	Period      string          `json:"period"`
	PeriodStart string          `json:"period_start"`
	Questions   []string        `json:"questions"`
	MinAnswers  int             `json:"min_answers"`
	SentAt      time.Time       `json:"sent_at"`
	Answered    int             `json:"answered"`
	Shown       bool            `json:"shown"`
	Means       []apiSurveyMean `json:"means"`
	Metrics     []apiSurveyMean `json:"metrics"`
	Comments    []string        `json:"comments"`
}

func tenthsNumber(t int64) json.Number {
	sign := ""
	if t < 0 {
		sign, t = "-", -t
	}
	return json.Number(sign + strconv.FormatInt(t/10, 10) + "." + strconv.FormatInt(t%10, 10))
}

func toAPISurveyRound(rd *store.SurveyRound) apiSurveyRound {
	out := apiSurveyRound{ID: rd.ID, Period: rd.Period.String(), PeriodStart: tandem.DateOf(rd.Period.Start).String(), Questions: rd.Questions,
		MinAnswers: rd.MinAnswers, SentAt: rd.SentAt, Answered: rd.Result.Answered, Shown: rd.Result.Shown,
		Means: []apiSurveyMean{}, Metrics: []apiSurveyMean{}, Comments: []string{}}
	for _, m := range rd.Result.Means {
		out.Means = append(out.Means, apiSurveyMean{m.Question, tenthsNumber(m.Tenths)})
	}
	for _, k := range []string{survey.MetricTransparency, survey.MetricInitiative} {
		if v, ok := rd.Result.Metrics[k]; ok {
			out.Metrics = append(out.Metrics, apiSurveyMean{k, tenthsNumber(v)})
		}
	}
	out.Comments = append(out.Comments, rd.Result.Comments...)
	return out
}

func (s *server) apiSurveys(w http.ResponseWriter, r *http.Request) error {
	ctx, p := r.Context(), state(r).principal
	e, err := s.engagementOf(r)
	if err != nil {
		return err
	}
	st, err := s.db.Surveys().Settings(ctx, p, e.ID)
	if err != nil {
		return err
	}
	rounds, err := s.db.Surveys().Rounds(ctx, p, e.ID)
	if err != nil {
		return err
	}
	items := []apiSurveyRound{}
	for _, rd := range rounds {
		items = append(items, toAPISurveyRound(rd))
	}
	writeJSON(w, http.StatusOK, map[string]any{"settings": apiSurveySettings{st.Questions, st.Every, st.MinAnswers}, "rounds": items})
	return nil
}

func (s *server) apiSurveySettings(w http.ResponseWriter, r *http.Request) error {
	e, err := s.engagementOf(r)
	if err != nil {
		return err
	}
	var in apiSurveySettings
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	st := &survey.Settings{EngagementID: e.ID, Questions: in.Questions, Every: in.Every, MinAnswers: in.MinAnswers}
	if err := s.db.Surveys().Configure(r.Context(), state(r).principal, st); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, apiSurveySettings{st.Questions, st.Every, st.MinAnswers})
	return nil
}

func (s *server) apiSurveySend(w http.ResponseWriter, r *http.Request) error {
	e, err := s.engagementOf(r)
	if err != nil {
		return err
	}
	if err := decodeOptionalJSON(w, r, &struct{}{}); err != nil {
		return err
	}
	rd, err := s.db.Surveys().Send(r.Context(), state(r).principal, e.ID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, toAPISurveyRound(rd))
	return nil
}

func (s *server) apiSurveyAnswer(w http.ResponseWriter, r *http.Request) error {
	ctx, p := r.Context(), state(r).principal
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in struct {
		Scores  map[string]int `json:"scores"`
		Comment string         `json:"comment"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	if err := s.db.Surveys().Answer(ctx, p, id, survey.Answer{Scores: in.Scores, Comment: in.Comment}); err != nil {
		return err
	}
	rd, err := s.db.Surveys().Round(ctx, p, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, toAPISurveyRound(rd))
	return nil
}
