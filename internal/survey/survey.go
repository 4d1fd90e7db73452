// Package survey holds pulse surveys: short periodic surveys (monthly by
// default, 3–5 questions on a 1–5 scale and a comment) sent to the
// client's people about the partner. The default questions are seed 001's
// KPI 5 (transparency of communication: is it clear what is happening, is
// the feedback regular and understandable, do they speak the language of
// the business) and KPI 4 (initiative: do they raise risks, do they bring
// ideas). Results are shown only once at least MinAnswers people answered,
// never with who answered what, and feed two own metrics of the engagement
// (MetricTransparency, MetricInitiative) so they can be KPIs.
package survey

import (
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/notification"
	"github.com/tandemhq/tandem/internal/tandem"
)

// The questions a survey may ask (their texts are survey.q.<key> in the
// catalogues), and the KPI of seed 001 each measures.
const (
	QClarity  = "clarity"           // KPI 5: it is clear what is happening
	QFeedback = "feedback"          // KPI 5: regular, understandable feedback
	QLanguage = "business_language" // KPI 5: the language of the business, not jargon
	QRisks    = "risks"             // KPI 4: risks raised in time
	QIdeas    = "ideas"             // KPI 4: solutions, improvements, alternatives proposed
)

// Questions is every question, in the order a survey asks them.
var Questions = []string{QClarity, QFeedback, QLanguage, QRisks, QIdeas}

// The own metrics the results feed: the mean score of the KPI 5 questions
// and of the KPI 4 questions a survey asks, one decimal (scale 1, 1.0–5.0).
// The terms define them as manual metrics with source "client" to make
// them KPIs.
const (
	MetricTransparency = "pulse_transparency"
	MetricInitiative   = "pulse_initiative"
)

var metricOf = map[string]string{QClarity: MetricTransparency, QFeedback: MetricTransparency, QLanguage: MetricTransparency,
	QRisks: MetricInitiative, QIdeas: MetricInitiative}

// Limits.
const (
	MinQuestions      = 3
	MaxQuestions      = 5
	MinScore          = 1
	MaxScore          = 5
	DefaultMinAnswers = 3
	MaxMinAnswers     = 50
	MaxComment        = 2000
)

// Periods a survey runs for.
const (
	Month   = "month"
	Quarter = "quarter"
)

// Audit actions and notification kinds.
const (
	ActionConfigured = "survey.configured"
	ActionSent       = "survey.sent" // also the notification kind to the client's people
	ActionAnswered   = "survey.answered"
)

// Settings are an engagement's survey: the questions, how often it is
// sent, and how many answers a round needs before its results are shown.
type Settings struct {
	EngagementID int64
	Questions    []string
	Every        string
	MinAnswers   int
}

// Default is the survey of an engagement that has not configured one.
func Default(engagementID int64) Settings {
	return Settings{EngagementID: engagementID, Questions: append([]string(nil), Questions...), Every: Month, MinAnswers: DefaultMinAnswers}
}

// Normalize puts the questions in their fixed order, without repeats.
func (s *Settings) Normalize() {
	seen := map[string]bool{}
	var qs []string
	for _, q := range Questions {
		for _, x := range s.Questions {
			if strings.TrimSpace(x) == q && !seen[q] {
				seen[q] = true
				qs = append(qs, q)
			}
		}
	}
	var unknown []string
	for _, x := range s.Questions {
		if _, ok := metricOf[strings.TrimSpace(x)]; !ok {
			unknown = append(unknown, x)
		}
	}
	s.Questions = append(qs, unknown...)
}

// Validate checks the settings.
func (s *Settings) Validate() error {
	var v tandem.Validator
	for _, q := range s.Questions {
		if _, ok := metricOf[q]; !ok {
			v.Add("questions", i18n.K("validation.one_of"))
			break
		}
	}
	if !v.Has("questions") {
		v.Check(len(s.Questions) >= MinQuestions && len(s.Questions) <= MaxQuestions, "questions", i18n.K("survey.questions_count"), "min", MinQuestions, "max", MaxQuestions)
	}
	v.OneOf("every", s.Every, Month, Quarter)
	v.Check(s.MinAnswers >= 1 && s.MinAnswers <= MaxMinAnswers, "min_answers", i18n.K("survey.min_answers_range"), "max", MaxMinAnswers)
	return v.Err()
}

// Answer is one person's answer to a round: a score per question, and a
// comment.
type Answer struct {
	Scores  map[string]int
	Comment string
}

// MayAnswer decides whether a person of side may answer: the survey asks
// the client's people about the partner. Errors: EForbidden.
func MayAnswer(side tandem.Side) error {
	if side != tandem.SideClient {
		return tandem.ErrForbidden
	}
	return nil
}

// Check checks an answer to a round asking questions: a score 1–5 for each
// question, none for another, a bounded comment. The field of a question's
// score is "q_<key>".
func (a *Answer) Check(questions []string) error {
	a.Comment = strings.TrimSpace(a.Comment)
	var v tandem.Validator
	asked := map[string]bool{}
	for _, q := range questions {
		asked[q] = true
		sc, ok := a.Scores[q]
		if !ok {
			v.Add("q_"+q, i18n.K("validation.required"))
			continue
		}
		v.Check(sc >= MinScore && sc <= MaxScore, "q_"+q, i18n.K("survey.score_range"), "min", MinScore, "max", MaxScore)
	}
	for q := range a.Scores {
		if !asked[q] {
			v.Add("q_"+q, i18n.K("validation.one_of"))
		}
	}
	v.Check(utf8.RuneCountInString(a.Comment) <= MaxComment, "comment", i18n.K("validation.too_long"), "max", MaxComment)
	return v.Err()
}

// Mean is a mean score with one decimal: Tenths is 10 × the mean, rounded
// half up (4.25 → 43).
type Mean struct {
	Question string
	Tenths   int64
	N        int
}

// Result is what a round shows.
type Result struct {
	Answered int
	// Shown is false until at least MinAnswers answered; then Means and
	// Comments are filled, and never who answered what.
	Shown    bool
	Means    []Mean           // per question, in the survey's order
	Metrics  map[string]int64 // own metric key → tenths, for the metrics the questions feed
	Comments []string         // the non-empty comments, sorted (not in the order given)
}

// Results computes a round's result from its answers.
func Results(questions []string, minAnswers int, answers []Answer) Result {
	r := Result{Answered: len(answers)}
	if len(answers) < max(minAnswers, 1) {
		return r
	}
	r.Shown = true
	metricSum, metricN := map[string]int64{}, map[string]int64{}
	for _, q := range questions {
		var sum int64
		var n int
		for _, a := range answers {
			if sc, ok := a.Scores[q]; ok {
				sum += int64(sc)
				n++
			}
		}
		m := Mean{Question: q, N: n}
		if n > 0 {
			m.Tenths = tenths(sum, int64(n))
			if k := metricOf[q]; k != "" {
				metricSum[k] += sum
				metricN[k] += int64(n)
			}
		}
		r.Means = append(r.Means, m)
	}
	r.Metrics = map[string]int64{}
	for k, sum := range metricSum {
		r.Metrics[k] = tenths(sum, metricN[k])
	}
	for _, a := range answers {
		if c := strings.TrimSpace(a.Comment); c != "" {
			r.Comments = append(r.Comments, c)
		}
	}
	sort.Strings(r.Comments)
	return r
}

// tenths is 10 × sum / n rounded half up (sum, n > 0).
func tenths(sum, n int64) int64 { return (20*sum + n) / (2 * n) }

// Sent is the notification to the client's people that a round waits
// for their answer.
func Sent(people []int64, engagement, period string) notification.Message {
	return notification.Message{Kind: ActionSent, To: notification.Audience{Users: people},
		Args: map[string]any{"engagement": engagement, "period": period}}
}
