package store

// Pulse surveys (package survey): an engagement's settings, the rounds
// sent to the client's people for a period, their answers, and the
// results. A round's results feed the engagement's own metrics
// survey.MetricTransparency and survey.MetricInitiative (when the terms
// define them as manual metrics) as confirmed values of the round's
// period, through the same path as a value the client enters
// (OwnMetricStore), so they are KPIs with a real source.

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/tandemhq/tandem/internal/access"
	"github.com/tandemhq/tandem/internal/engagement"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/kpi"
	"github.com/tandemhq/tandem/internal/ownmetric"
	"github.com/tandemhq/tandem/internal/survey"
	"github.com/tandemhq/tandem/internal/tandem"
)

// SurveyStore keeps pulse surveys.
type SurveyStore struct{ db *DB }

// Surveys returns the survey store.
func (db *DB) Surveys() *SurveyStore { return &SurveyStore{db} }

// SurveyRound is one round of an engagement's survey: the period it asks
// about, its questions, whether the caller answered it, and its result
// (survey.Results: nothing but the count below the minimum; never who
// answered).
type SurveyRound struct {
	ID              int64
	EngagementID    int64
	EngagementTitle string
	Period          kpi.Period
	Questions       []string
	MinAnswers      int
	SentAt          time.Time
	Answered        bool // by the caller
	Result          survey.Result
}

// MaxSurveyRounds bounds the rounds Rounds lists.
const MaxSurveyRounds = 36

// Settings returns an engagement's survey settings (survey.Default when
// none were saved). Anyone who may see the engagement may call it.
func (s *SurveyStore) Settings(ctx context.Context, p tandem.Principal, engagementID int64) (_ *survey.Settings, err error) {
	defer wrap(&err, "SurveyStore.Settings(%d)", engagementID)
	if err := canSeeEngagement(ctx, s.db, p, access.SurveysRead, engagementID); err != nil {
		return nil, err
	}
	return surveySettings(ctx, s.db, p.WorkspaceID, engagementID)
}

func surveySettings(ctx context.Context, q querier, workspaceID, engagementID int64) (*survey.Settings, error) {
	st := survey.Default(engagementID)
	var qs string
	err := q.queryRow(ctx, `SELECT questions, every, min_answers FROM survey_settings WHERE workspace_id = ? AND engagement_id = ?`,
		workspaceID, engagementID).Scan(&qs, &st.Every, &st.MinAnswers)
	if err != nil {
		if notFound(err) == tandem.ErrNotFound {
			return &st, nil
		}
		return nil, err
	}
	st.Questions = strings.Split(qs, ",")
	return &st, nil
}

// Configure saves an engagement's survey settings; rounds already sent
// keep theirs. Owners and managers. Errors: EInvalid, ENotFound,
// EForbidden.
func (s *SurveyStore) Configure(ctx context.Context, p tandem.Principal, st *survey.Settings) (err error) {
	defer wrap(&err, "SurveyStore.Configure(%d)", st.EngagementID)
	if err := access.Can(p, access.SurveysManage); err != nil {
		return err
	}
	st.Normalize()
	if err := st.Validate(); err != nil {
		return err
	}
	return s.db.transact(ctx, func(tx *Tx) error {
		if _, err := engagementIn(ctx, tx, p, st.EngagementID); err != nil {
			return err
		}
		n, err := tx.changed(ctx, `UPDATE survey_settings SET questions = ?, every = ?, min_answers = ?, updated_by = ?, updated_at = ?
			WHERE workspace_id = ? AND engagement_id = ?`, strings.Join(st.Questions, ","), st.Every, st.MinAnswers, p.UserID, tx.now,
			p.WorkspaceID, st.EngagementID)
		if err != nil {
			return err
		}
		if n == 0 {
			if _, err := tx.exec(ctx, `INSERT INTO survey_settings (workspace_id, engagement_id, questions, every, min_answers, updated_by, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?)`, p.WorkspaceID, st.EngagementID, strings.Join(st.Questions, ","), st.Every, st.MinAnswers,
				p.UserID, tx.now); err != nil {
				return err
			}
		}
		return tx.record(ctx, p, survey.ActionConfigured, "engagement", st.EngagementID, map[string]any{
			"questions": st.Questions, "every": st.Every, "min_answers": st.MinAnswers})
	})
}

// Send opens the round of the current period (of the settings' length, in
// the workspace's time zone) and notifies the client's people, each with a
// link to answer it. Owners and managers, on a live engagement. Errors:
// EConflict (not live, or already sent for the period), ENotFound,
// EForbidden.
func (s *SurveyStore) Send(ctx context.Context, p tandem.Principal, engagementID int64) (_ *SurveyRound, err error) {
	defer wrap(&err, "SurveyStore.Send(%d)", engagementID)
	if err := access.Can(p, access.SurveysManage); err != nil {
		return nil, err
	}
	var out *SurveyRound
	err = s.db.transact(ctx, func(tx *Tx) error {
		out, err = sendRound(ctx, tx, p, engagementID, p.UserID)
		return err
	})
	return out, err
}

// sendRound opens the current period's round of an engagement p may see,
// sent in the name of sentBy, and tells the client's people.
func sendRound(ctx context.Context, tx *Tx, p tandem.Principal, engagementID, sentBy int64) (*SurveyRound, error) {
	e, err := engagementIn(ctx, tx, p, engagementID)
	if err != nil {
		return nil, err
	}
	if !e.Live() {
		return nil, tandem.Errorf(tandem.EConflict, i18n.K("notice.not_live"))
	}
	st, err := surveySettings(ctx, tx, p.WorkspaceID, engagementID)
	if err != nil {
		return nil, err
	}
	_, loc, err := workspaceZone(ctx, tx, p.WorkspaceID)
	if err != nil {
		return nil, err
	}
	per := kpi.PeriodOf(st.Every, tx.now, loc)
	var dup int
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM survey_rounds WHERE workspace_id = ? AND engagement_id = ? AND period_kind = ? AND period_start = ?`,
		p.WorkspaceID, engagementID, per.Kind, tandem.DateOf(per.Start).String()).Scan(&dup); err != nil {
		return nil, err
	}
	if dup > 0 {
		return nil, tandem.Errorf(tandem.EConflict, i18n.K("survey.already_sent"))
	}
	id, err := tx.insert(ctx, `INSERT INTO survey_rounds (workspace_id, engagement_id, period_kind, period_start, questions, min_answers, sent_by, sent_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, p.WorkspaceID, engagementID, per.Kind, tandem.DateOf(per.Start).String(),
		strings.Join(st.Questions, ","), st.MinAnswers, sentBy, tx.now)
	if err != nil {
		return nil, err
	}
	out := &SurveyRound{ID: id, EngagementID: engagementID, EngagementTitle: e.Title, Period: per, Questions: st.Questions,
		MinAnswers: st.MinAnswers, SentAt: tx.now}
	people, err := clientPeople(ctx, tx, p.WorkspaceID)
	if err != nil {
		return nil, err
	}
	if err := tell(ctx, tx, p, engagementID, id, survey.Sent(people, e.Title, per.String())); err != nil {
		return nil, err
	}
	return out, tx.record(ctx, p, survey.ActionSent, "engagement", engagementID, map[string]any{"round_id": id, "period": per.String()})
}

// SendDue is the scheduled work of pulse surveys: for every live
// engagement whose survey was configured (SurveyStore.Configure), it opens
// the round of the period containing the store's now, unless it was sent, in the name
// of whoever last saved the settings. It returns how many rounds it sent;
// each period's round is sent once, however often it runs.
func (s *SurveyStore) SendDue(ctx context.Context) (n int, err error) {
	defer wrap(&err, "SurveyStore.SendDue")
	type due struct{ workspaceID, engagementID, by int64 }
	list, err := scanAll(ctx, s.db, func(sc scanner, d *due) error { return sc.Scan(&d.workspaceID, &d.engagementID, &d.by) },
		`SELECT s.workspace_id, s.engagement_id, s.updated_by FROM survey_settings s JOIN engagements e ON e.id = s.engagement_id AND e.workspace_id = s.workspace_id
		WHERE e.status IN (?, ?) ORDER BY s.workspace_id, s.engagement_id`, string(engagement.StatusPilot), string(engagement.StatusActive))
	if err != nil {
		return 0, err
	}
	for _, d := range list {
		p := System(d.workspaceID, "survey")
		err := s.db.transact(ctx, func(tx *Tx) error {
			_, err := sendRound(ctx, tx, p, d.engagementID, d.by)
			return err
		})
		switch {
		case err == nil:
			n++
		case tandem.ErrorCode(err) == tandem.EConflict: // sent for this period already
		default:
			return n, err
		}
	}
	return n, nil
}

// clientPeople are the workspace's client people who answer surveys.
func clientPeople(ctx context.Context, tx *Tx, workspaceID int64) ([]int64, error) {
	var roles []any
	for _, r := range access.Roles(access.SurveysAnswer) {
		roles = append(roles, string(r))
	}
	return userIDs(ctx, tx, `SELECT user_id FROM memberships WHERE workspace_id = ? AND role IN (`+placeholders(len(roles))+`)`,
		append([]any{workspaceID}, roles...)...)
}

const surveyRoundCols = `r.id, r.engagement_id, e.title, r.period_kind, r.period_start, r.questions, r.min_answers, r.sent_at`

func scanSurveyRound(loc *time.Location) func(scanner, *SurveyRound) error {
	return func(sc scanner, r *SurveyRound) error {
		var kind, qs string
		var start tandem.Date
		if err := sc.Scan(&r.ID, &r.EngagementID, &r.EngagementTitle, &kind, dateScan{&start}, &qs, &r.MinAnswers, &r.SentAt); err != nil {
			return err
		}
		r.Period, r.Questions, r.SentAt = kpi.PeriodOfDate(kind, start, loc), strings.Split(qs, ","), r.SentAt.UTC()
		return nil
	}
}

// Round returns a round p may see with its result and whether p answered
// it. Errors: ENotFound, EForbidden.
func (s *SurveyStore) Round(ctx context.Context, p tandem.Principal, id int64) (_ *SurveyRound, err error) {
	defer wrap(&err, "SurveyStore.Round(%d)", id)
	if err := access.Can(p, access.SurveysRead); err != nil {
		return nil, err
	}
	_, loc, err := workspaceZone(ctx, s.db, p.WorkspaceID)
	if err != nil {
		return nil, err
	}
	r, err := surveyRoundIn(ctx, s.db, p, loc, id)
	if err != nil {
		return nil, err
	}
	return r, fillResults(ctx, s.db, p, []*SurveyRound{r})
}

func surveyRoundIn(ctx context.Context, q querier, p tandem.Principal, loc *time.Location, id int64) (*SurveyRound, error) {
	var w where
	engagementScope(&w, p)
	w.add("r.workspace_id = ? AND r.id = ?", p.WorkspaceID, id)
	return scanOne(ctx, q, scanSurveyRound(loc), `SELECT `+surveyRoundCols+` FROM survey_rounds r JOIN engagements e ON e.id = r.engagement_id`+w.String(), w.args...)
}

// Rounds lists an engagement's rounds, the latest first, with their
// results. Anyone who may see the engagement; never who answered.
func (s *SurveyStore) Rounds(ctx context.Context, p tandem.Principal, engagementID int64) (_ []*SurveyRound, err error) {
	defer wrap(&err, "SurveyStore.Rounds(%d)", engagementID)
	if err := canSeeEngagement(ctx, s.db, p, access.SurveysRead, engagementID); err != nil {
		return nil, err
	}
	_, loc, err := workspaceZone(ctx, s.db, p.WorkspaceID)
	if err != nil {
		return nil, err
	}
	rs, err := scanAll(ctx, s.db, scanSurveyRound(loc), `SELECT `+surveyRoundCols+` FROM survey_rounds r JOIN engagements e ON e.id = r.engagement_id
		WHERE r.workspace_id = ? AND r.engagement_id = ? ORDER BY r.period_start DESC, r.id DESC`+fmt.Sprintf(` LIMIT %d`, MaxSurveyRounds),
		p.WorkspaceID, engagementID)
	if err != nil {
		return nil, err
	}
	out := make([]*SurveyRound, len(rs))
	for i := range rs {
		out[i] = &rs[i]
	}
	return out, fillResults(ctx, s.db, p, out)
}

// Pending lists the rounds of the last 90 days p (a client person) has
// not answered, the latest first; none for the partner's people.
func (s *SurveyStore) Pending(ctx context.Context, p tandem.Principal) (_ []*SurveyRound, err error) {
	defer wrap(&err, "SurveyStore.Pending")
	if !access.Allows(p.Role, access.SurveysAnswer) {
		return nil, nil
	}
	_, loc, err := workspaceZone(ctx, s.db, p.WorkspaceID)
	if err != nil {
		return nil, err
	}
	var w where
	engagementScope(&w, p)
	w.add("r.workspace_id = ? AND r.sent_at >= ?", p.WorkspaceID, s.db.Now().AddDate(0, 0, -90))
	w.add("NOT EXISTS (SELECT 1 FROM survey_answers a WHERE a.round_id = r.id AND a.user_id = ?)", p.UserID)
	rs, err := scanAll(ctx, s.db, scanSurveyRound(loc), `SELECT `+surveyRoundCols+` FROM survey_rounds r JOIN engagements e ON e.id = r.engagement_id`+
		w.String()+` ORDER BY r.sent_at DESC, r.id DESC LIMIT 20`, w.args...)
	out := make([]*SurveyRound, len(rs))
	for i := range rs {
		out[i] = &rs[i]
	}
	return out, err
}

// surveyAnswer is a stored answer: whose (used only to tell the caller
// whether they answered) and what.
type surveyAnswer struct {
	roundID, userID int64
	answer          survey.Answer
}

// fillResults reads the answers of rounds and computes their results.
func fillResults(ctx context.Context, q querier, p tandem.Principal, rounds []*SurveyRound) error {
	if len(rounds) == 0 {
		return nil
	}
	ids := make([]any, len(rounds))
	for i, r := range rounds {
		ids[i] = r.ID
	}
	as, err := scanAll(ctx, q, scanSurveyAnswer, `SELECT round_id, user_id, scores, comment FROM survey_answers
		WHERE workspace_id = ? AND round_id IN (`+placeholders(len(ids))+`) ORDER BY id`, append([]any{p.WorkspaceID}, ids...)...)
	if err != nil {
		return err
	}
	for _, r := range rounds {
		var list []survey.Answer
		for _, a := range as {
			if a.roundID == r.ID {
				list = append(list, a.answer)
				r.Answered = r.Answered || a.userID == p.UserID
			}
		}
		r.Result = survey.Results(r.Questions, r.MinAnswers, list)
	}
	return nil
}

func scanSurveyAnswer(sc scanner, a *surveyAnswer) error {
	var scores string
	if err := sc.Scan(&a.roundID, &a.userID, &scores, &a.answer.Comment); err != nil {
		return err
	}
	return json.Unmarshal([]byte(scores), &a.answer.Scores)
}

// Answer records p's answer to a round (a later answer replaces p's
// earlier one). Once at least the round's minimum answered, its result
// becomes the value of the engagement's own metrics
// survey.MetricTransparency and survey.MetricInitiative for the round's
// period, where the terms in force on the period's last day define them as
// manual metrics (scaled to the metric's decimals, within its bounds),
// replacing the value that counted. The client's people only. Errors:
// EInvalid (q_<question>, comment), ENotFound, EForbidden.
func (s *SurveyStore) Answer(ctx context.Context, p tandem.Principal, roundID int64, a survey.Answer) (err error) {
	defer wrap(&err, "SurveyStore.Answer(%d)", roundID)
	if err := access.Can(p, access.SurveysAnswer); err != nil {
		return err
	}
	if err := survey.MayAnswer(p.Side()); err != nil {
		return err
	}
	return s.db.transact(ctx, func(tx *Tx) error {
		_, loc, err := workspaceZone(ctx, tx, p.WorkspaceID)
		if err != nil {
			return err
		}
		r, err := surveyRoundIn(ctx, tx, p, loc, roundID)
		if err != nil {
			return err
		}
		if err := a.Check(r.Questions); err != nil {
			return err
		}
		js, err := json.Marshal(a.Scores)
		if err != nil {
			return err
		}
		n, err := tx.changed(ctx, `UPDATE survey_answers SET scores = ?, comment = ?, answered_at = ? WHERE workspace_id = ? AND round_id = ? AND user_id = ?`,
			string(js), a.Comment, tx.now, p.WorkspaceID, roundID, p.UserID)
		if err != nil {
			return err
		}
		if n == 0 {
			if _, err := tx.exec(ctx, `INSERT INTO survey_answers (workspace_id, round_id, user_id, scores, comment, answered_at) VALUES (?, ?, ?, ?, ?, ?)`,
				p.WorkspaceID, roundID, p.UserID, string(js), a.Comment, tx.now); err != nil {
				return err
			}
		}
		if err := fillResults(ctx, tx, p, []*SurveyRound{r}); err != nil {
			return err
		}
		if err := feedSurveyMetrics(ctx, tx, p, r, loc); err != nil {
			return err
		}
		// The audit entry is about the round, not the engagement, so that
		// it stays out of the engagement's activity feed the partner reads;
		// it names no score and no comment.
		return tx.record(ctx, p, survey.ActionAnswered, "survey_round", roundID, map[string]any{"engagement_id": r.EngagementID, "period": r.Period.String()})
	})
}

// feedSurveyMetrics makes a shown result the value of the own metrics it
// feeds, for the round's period.
func feedSurveyMetrics(ctx context.Context, tx *Tx, p tandem.Principal, r *SurveyRound, loc *time.Location) error {
	if !r.Result.Shown {
		return nil
	}
	terms, err := termsInForce(ctx, tx, p, r.EngagementID, kpi.LastDay(r.Period))
	if err != nil {
		return err
	}
	var sentBy int64
	if err := tx.queryRow(ctx, `SELECT sent_by FROM survey_rounds WHERE workspace_id = ? AND id = ?`, p.WorkspaceID, r.ID).Scan(&sentBy); err != nil {
		return err
	}
	for _, key := range []string{survey.MetricTransparency, survey.MetricInitiative} {
		tenths, ok := r.Result.Metrics[key]
		def := terms.Terms.MetricDef(key)
		if !ok || def == nil || ownmetric.MayEnter(tandem.SideClient, def) != nil {
			continue
		}
		val := tenths
		for sc := def.Scale; sc > 1; sc-- {
			val *= 10
		}
		if def.Scale == 0 {
			val = (tenths + 5) / 10
		}
		if !def.InRange(val) {
			continue
		}
		// The value is entered in the name of whoever sent the round (a
		// respondent's name would say who answered).
		v := &ownmetric.Value{WorkspaceID: p.WorkspaceID, EngagementID: r.EngagementID, Metric: key, PeriodKind: r.Period.Kind,
			PeriodStart: tandem.DateOf(r.Period.Start), Value: val, Scale: def.Scale, State: ownmetric.Confirmed, Side: tandem.SideClient,
			EnteredBy: sentBy, EnteredAt: tx.now}
		if _, err := lockPeriod(ctx, tx, p, v); err != nil { // as Enter does; the metrics in a fixed order
			return err
		}
		_, counted, err := replaceValues(ctx, tx, p, v, []string{ownmetric.Pending, ownmetric.Confirmed})
		if err != nil {
			return err
		}
		if counted != nil {
			v.FactID = counted.id
		}
		id, err := tx.insert(ctx, valueRows.one,
			p.WorkspaceID, v.EngagementID, v.Metric, v.PeriodKind, v.PeriodStart.String(), v.Value, v.Scale, "", v.State, v.Side, sentBy, tx.now, v.FactID)
		if err != nil {
			return err
		}
		v.ID = id
		if _, err := countValue(ctx, tx, p, v, loc, counted); err != nil {
			return err
		}
	}
	return nil
}
