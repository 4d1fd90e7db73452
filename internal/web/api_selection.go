package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/tandemhq/tandem/internal/access"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/selection"
	"github.com/tandemhq/tandem/internal/tandem"
)

// The JSON API of choosing partners: selections with their scorecard, the
// caller's own scores, the decision, and the evidence on a partner. The
// access rules are the pages' (SelectionsRead, SelectionsWrite,
// SelectionsScore): partner people get 403 from the rules.
//
// Reviewers are people: the store keeps them by user id. The API takes them
// as membership ids of the workspace's own people (what /api/v1/me and the
// members list show) and answers with both.
//
// Scorecard numbers (weighted totals, median, spread, mean) are exact
// fractions in the domain. The API gives each twice, both rounded half up:
// as a string with one decimal ("62.5", the figure the page shows) and as
// an integer in hundredths (6250).

type apiSelectionSummary struct {
	ID                 int64     `json:"id"`
	Title              string    `json:"title"`
	Status             string    `json:"status"`
	Candidates         int       `json:"candidates"`
	DecidedPartnerName string    `json:"decided_partner_name"`
	EngagementID       *int64    `json:"engagement_id"`
	CreatedAt          time.Time `json:"created_at"`
}

type apiCandidate struct {
	PartnerID int64  `json:"partner_id"`
	Name      string `json:"name"`
}

type apiCriterion struct {
	ID     int64  `json:"id"`
	Code   string `json:"code"`
	Name   string `json:"name"`
	Label  string `json:"label"` // the name, or the code's name in the caller's language
	Weight int    `json:"weight"`
}

type apiReviewer struct {
	UserID       int64  `json:"user_id"`
	MembershipID *int64 `json:"membership_id"` // null once the person left the workspace
	Name         string `json:"name"`
}

// apiFigure is one scorecard number, rounded half up two ways; null when
// there is no value.
type apiFigure struct {
	Value      string `json:"value"`      // one decimal
	Hundredths int64  `json:"hundredths"` // the value × 100
}

func toAPIFigure(r selection.Ratio) *apiFigure {
	if !r.Valid() {
		return nil
	}
	t := r.Tenths()
	return &apiFigure{Value: fmt.Sprintf("%d.%d", t/10, t%10), Hundredths: (200*r.Num + r.Den) / (2 * r.Den)}
}

type apiReviewerTotal struct {
	UserID   int64      `json:"user_id"`
	Scored   int        `json:"scored"`
	Complete bool       `json:"complete"`
	Total    *apiFigure `json:"total"`
}

type apiResult struct {
	PartnerID int64              `json:"partner_id"`
	Name      string             `json:"name"`
	Rank      *int               `json:"rank"` // null until a reviewer scored every criterion
	Reviews   int                `json:"reviews"`
	Totals    []apiReviewerTotal `json:"totals"`
	Median    *apiFigure         `json:"median"`
	Mean      *apiFigure         `json:"mean"`
	Spread    *apiFigure         `json:"spread"`
}

type apiScore struct {
	PartnerID   int64  `json:"partner_id"`
	CriterionID int64  `json:"criterion_id"`
	Score       int    `json:"score"`
	Note        string `json:"note"`
}

type apiDecision struct {
	PartnerID   int64     `json:"partner_id"`
	PartnerName string    `json:"partner_name"`
	Reason      string    `json:"reason"`
	DecidedBy   string    `json:"decided_by"`
	DecidedAt   time.Time `json:"decided_at"`
}

type apiSelection struct {
	ID           int64          `json:"id"`
	Title        string         `json:"title"`
	Description  string         `json:"description"`
	Status       string         `json:"status"`
	Candidates   []apiCandidate `json:"candidates"`
	Criteria     []apiCriterion `json:"criteria"`
	Reviewers    []apiReviewer  `json:"reviewers"`
	Results      []apiResult    `json:"results"`
	MyScores     []apiScore     `json:"my_scores"`
	Decision     *apiDecision   `json:"decision"`
	EngagementID *int64         `json:"engagement_id"`
	CreatedAt    time.Time      `json:"created_at"`
	UpdatedAt    time.Time      `json:"updated_at"`
}

type apiEvidenceFile struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	Size        int64  `json:"size"`
	ContentType string `json:"content_type"`
	DownloadURL string `json:"download_url"`
}

type apiEvidence struct {
	ID          int64            `json:"id"`
	PartnerID   int64            `json:"partner_id"`
	Kind        string           `json:"kind"`
	Title       string           `json:"title"`
	Detail      string           `json:"detail"`
	URL         string           `json:"url"`
	Value       *string          `json:"value"`        // one decimal, e.g. "4.5"
	ValueTenths *int64           `json:"value_tenths"` // the value × 10, exact
	Verified    bool             `json:"verified"`
	File        *apiEvidenceFile `json:"file"`
	CreatedAt   time.Time        `json:"created_at"`
	CreatedBy   string           `json:"created_by"`
}

func idOrNil(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

// clientMemberships maps the workspace's own people: membership id to user
// id and back.
func (s *server) clientMemberships(r *http.Request) (userOf, membershipOf map[int64]int64, err error) {
	ms, err := s.db.Accounts.Members(r.Context(), state(r).principal)
	if err != nil {
		return nil, nil, err
	}
	userOf, membershipOf = map[int64]int64{}, map[int64]int64{}
	for _, m := range ms {
		if selection.MayReview(m.Role, m.PartnerID) {
			userOf[m.ID] = m.UserID
			membershipOf[m.UserID] = m.ID
		}
	}
	return userOf, membershipOf, nil
}

func (s *server) apiSelectionList(w http.ResponseWriter, r *http.Request) error {
	pg := apiPage(r)
	xs, total, err := s.db.Selections.List(r.Context(), state(r).principal, pg, r.URL.Query().Get("status"))
	if err != nil {
		return err
	}
	out := apiList[apiSelectionSummary]{Items: make([]apiSelectionSummary, len(xs)), Total: total, Limit: pg.Limit, Offset: pg.Offset}
	for i, x := range xs {
		out.Items[i] = apiSelectionSummary{ID: x.ID, Title: x.Title, Status: string(x.Status), Candidates: x.Candidates,
			DecidedPartnerName: x.DecidedPartnerName, EngagementID: idOrNil(x.EngagementID), CreatedAt: x.CreatedAt}
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// selectionInput is the body of a new selection. Criteria left out (or
// null) are the default criteria; candidates are partner ids and reviewers
// membership ids.
type selectionInput struct {
	Title       string  `json:"title"`
	Description string  `json:"description"`
	Candidates  []int64 `json:"candidates"`
	Reviewers   []int64 `json:"reviewers"`
	Criteria    *[]struct {
		Code   string `json:"code"`
		Name   string `json:"name"`
		Weight int    `json:"weight"`
	} `json:"criteria"`
}

func (s *server) apiSelectionCreate(w http.ResponseWriter, r *http.Request) error {
	var in selectionInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	userOf, _, err := s.clientMemberships(r)
	if err != nil {
		return err
	}
	x := &selection.Selection{Title: in.Title, Description: in.Description}
	for _, id := range in.Candidates {
		x.Candidates = append(x.Candidates, selection.Candidate{PartnerID: id})
	}
	unknownReviewer := false
	for _, id := range in.Reviewers {
		uid, ok := userOf[id]
		if !ok {
			unknownReviewer = true
		}
		x.Reviewers = append(x.Reviewers, selection.Reviewer{UserID: uid})
	}
	if in.Criteria == nil {
		x.Criteria = selection.DefaultCriteria()
	} else {
		for _, c := range *in.Criteria {
			x.Criteria = append(x.Criteria, selection.Criterion{Code: c.Code, Name: c.Name, Weight: c.Weight})
		}
	}
	if unknownReviewer {
		// Report it with every other problem of the body; the store checks
		// reviewers by user id only once the rest is valid.
		x.Normalize()
		fields := tandem.FieldErrors(x.Validate())
		var kept []tandem.FieldError
		for _, f := range fields {
			if f.Field != "reviewers" {
				kept = append(kept, f)
			}
		}
		kept = append(kept, tandem.FieldError{Field: "reviewers", Key: i18n.K("selections.invalid.reviewer")})
		return &tandem.Error{Code: tandem.EInvalid, Key: i18n.K("error.invalid"), Fields: kept}
	}
	if err := s.db.Selections.Create(r.Context(), state(r).principal, x); err != nil {
		return err
	}
	out, err := s.apiSelectionOf(r, x.ID)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/selections/"+strconv.FormatInt(x.ID, 10))
	writeJSON(w, http.StatusCreated, out)
	return nil
}

// apiSelectionOf reads a selection with its scorecard as the API shows it.
func (s *server) apiSelectionOf(r *http.Request, id int64) (*apiSelection, error) {
	st := state(r)
	ctx, p := r.Context(), st.principal
	x, err := s.db.Selections.Get(ctx, p, id)
	if err != nil {
		return nil, err
	}
	scores, err := s.db.Selections.Scores(ctx, p, id)
	if err != nil {
		return nil, err
	}
	_, membershipOf, err := s.clientMemberships(r)
	if err != nil {
		return nil, err
	}
	out := &apiSelection{ID: x.ID, Title: x.Title, Description: x.Description, Status: string(x.Status),
		Candidates: []apiCandidate{}, Criteria: []apiCriterion{}, Reviewers: []apiReviewer{}, Results: []apiResult{},
		MyScores: []apiScore{}, EngagementID: idOrNil(x.EngagementID), CreatedAt: x.CreatedAt, UpdatedAt: x.UpdatedAt}
	for _, c := range x.Candidates {
		out.Candidates = append(out.Candidates, apiCandidate{c.PartnerID, c.Name})
	}
	for _, c := range x.Criteria {
		label := c.Name
		if c.Code != "" {
			label = st.loc.T("selections.criterion." + c.Code)
		}
		out.Criteria = append(out.Criteria, apiCriterion{ID: c.ID, Code: c.Code, Name: c.Name, Label: label, Weight: c.Weight})
	}
	for _, rv := range x.Reviewers {
		out.Reviewers = append(out.Reviewers, apiReviewer{UserID: rv.UserID, MembershipID: idOrNil(membershipOf[rv.UserID]), Name: rv.Name})
	}
	for _, res := range selection.Results(x, scores) {
		a := apiResult{PartnerID: res.PartnerID, Name: res.Name, Reviews: res.Reviews, Totals: []apiReviewerTotal{},
			Median: toAPIFigure(res.Median), Mean: toAPIFigure(res.Mean), Spread: toAPIFigure(res.Spread)}
		if res.Rank > 0 {
			rank := res.Rank
			a.Rank = &rank
		}
		for _, t := range res.Totals {
			a.Totals = append(a.Totals, apiReviewerTotal{UserID: t.ReviewerID, Scored: t.Scored, Complete: t.Complete, Total: toAPIFigure(t.Total)})
		}
		out.Results = append(out.Results, a)
	}
	for _, sc := range scores {
		if sc.ReviewerID == p.UserID {
			out.MyScores = append(out.MyScores, apiScore{sc.PartnerID, sc.CriterionID, sc.Value, sc.Note})
		}
	}
	if x.Decided() {
		out.Decision = &apiDecision{PartnerID: x.DecidedPartnerID, PartnerName: x.DecidedPartnerName, Reason: x.DecisionReason,
			DecidedBy: x.DecidedBy, DecidedAt: x.DecidedAt.UTC()}
	}
	return out, nil
}

func (s *server) apiSelectionGet(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	out, err := s.apiSelectionOf(r, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// apiSelectionScores stores the caller's own scores: each given score is
// set, or cleared with 0; scores not given stay as they are. Field errors
// are named after the body: scores.<i>.score, scores.<i>.note.
func (s *server) apiSelectionScores(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in struct {
		Scores []apiScore `json:"scores"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	if in.Scores == nil {
		return invalidField("scores", "validation.required")
	}
	var v tandem.Validator
	index := map[string]int{}
	scores := make([]selection.Score, len(in.Scores))
	for i, sc := range in.Scores {
		k := selection.ScoreField(sc.PartnerID, sc.CriterionID)
		if _, dup := index[k]; dup {
			v.Add("scores."+strconv.Itoa(i), i18n.K("selections.invalid.duplicate"))
		}
		index[k] = i
		scores[i] = selection.Score{PartnerID: sc.PartnerID, CriterionID: sc.CriterionID, Value: sc.Score, Note: sc.Note}
	}
	if err := v.Err(); err != nil {
		return err
	}
	if err := s.db.Selections.SaveScores(r.Context(), state(r).principal, id, scores); err != nil {
		return renameScoreFields(err, index)
	}
	out, err := s.apiSelectionOf(r, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// renameScoreFields moves the domain's field errors "score.<p>.<c>" and
// "note.<p>.<c>" to the body's "scores.<i>.score" and "scores.<i>.note".
func renameScoreFields(err error, index map[string]int) error {
	e, ok := tandem.AsError(err)
	if !ok || len(e.Fields) == 0 {
		return err
	}
	out := *e
	out.Fields = make([]tandem.FieldError, len(e.Fields))
	for i, fe := range e.Fields {
		for prefix, field := range map[string]string{"score.": "score", "note.": "note"} {
			if rest, ok := strings.CutPrefix(fe.Field, prefix); ok {
				if n, ok := index["score."+rest]; ok {
					fe.Field = "scores." + strconv.Itoa(n) + "." + field
				}
			}
		}
		out.Fields[i] = fe
	}
	return &out
}

func (s *server) apiSelectionDecide(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in struct {
		PartnerID int64  `json:"partner_id"`
		Reason    string `json:"reason"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	if err := s.db.Selections.Decide(r.Context(), state(r).principal, id, in.PartnerID, in.Reason); err != nil {
		return err
	}
	out, err := s.apiSelectionOf(r, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// apiEvidenceList lists the evidence on a partner: metadata and, for a
// file, where to download it (the signed-in download, /evidence/{id}/file);
// never the bytes.
func (s *server) apiEvidenceList(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	p := state(r).principal
	// As on the page: the rule refuses partner people before the partner is
	// looked up, then an unknown partner is 404.
	if err := access.Can(p, access.SelectionsRead); err != nil {
		return err
	}
	if _, err := s.db.Partners.Get(r.Context(), p, id); err != nil {
		return err
	}
	items, err := s.db.Selections.Evidence(r.Context(), p, id)
	if err != nil {
		return err
	}
	out := make([]apiEvidence, len(items))
	for i, x := range items {
		a := apiEvidence{ID: x.ID, PartnerID: x.PartnerID, Kind: string(x.Kind), Title: x.Title, Detail: x.Detail, URL: x.URL,
			Verified: x.Verified, CreatedAt: x.CreatedAt, CreatedBy: x.CreatedBy}
		if x.HasValue {
			v, t := fmt.Sprintf("%d.%d", x.Value/10, x.Value%10), x.Value
			a.Value, a.ValueTenths = &v, &t
		}
		if x.FileID != 0 {
			a.File = &apiEvidenceFile{ID: x.FileID, Name: x.FileName, Size: x.FileSize, ContentType: x.FileContentType,
				DownloadURL: fmt.Sprintf("/evidence/%d/file", x.ID)}
		}
		out[i] = a
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": out})
	return nil
}
