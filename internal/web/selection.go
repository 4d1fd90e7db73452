package web

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/tandemhq/tandem/internal/access"
	"github.com/tandemhq/tandem/internal/engagement"
	"github.com/tandemhq/tandem/internal/file"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/selection"
	"github.com/tandemhq/tandem/internal/tandem"
	"github.com/tandemhq/tandem/internal/web/views"
)

// Choosing and piloting partners: the list of selections, the selection
// form, the selection page with its scorecard, decision and pilot forms, and
// the evidence page of a partner with file uploads and downloads.

func (s *server) selectionList(w http.ResponseWriter, r *http.Request) error {
	st := state(r)
	q := r.URL.Query()
	pg := pageOf(q, listLimit)
	xs, total, err := s.db.Selections.List(r.Context(), st.principal, pg, q.Get("status"))
	if err != nil {
		return err
	}
	pager := views.Pager{Total: total, Offset: pg.Offset, Limit: listLimit, Query: q, Path: "/selections"}
	return s.page(w, r, views.SelectionList(s.nav(r, st.loc.T("selections.title"), "selections"), xs, pager,
		access.Allows(st.principal.Role, access.SelectionsWrite)))
}

func (s *server) selectionNew(w http.ResponseWriter, r *http.Request) error {
	if f, ok := foundForm(r); ok {
		return s.selectionFormPage(w, r, f, 0, http.StatusOK)
	}
	p := state(r).principal
	f := views.Form{Values: url.Values{"reviewers": {strconv.FormatInt(p.UserID, 10)}}}
	setCriteriaValues(f.Values, selection.DefaultCriteria())
	return s.selectionFormPage(w, r, f, 0, http.StatusOK)
}

func (s *server) selectionEdit(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	x, err := s.db.Selections.Get(r.Context(), state(r).principal, id)
	if err != nil {
		return err
	}
	if err := x.CheckOpen(); err != nil {
		return err
	}
	if f, ok := foundForm(r); ok {
		return s.selectionFormPage(w, r, f, id, http.StatusOK)
	}
	f := views.Form{Values: url.Values{"title": {x.Title}, "description": {x.Description}}}
	for _, c := range x.Candidates {
		f.Values.Add("candidates", strconv.FormatInt(c.PartnerID, 10))
	}
	for _, rv := range x.Reviewers {
		f.Values.Add("reviewers", strconv.FormatInt(rv.UserID, 10))
	}
	setCriteriaValues(f.Values, x.Criteria)
	return s.selectionFormPage(w, r, f, id, http.StatusOK)
}

// criteriaRows is how many criterion rows the form shows beyond the ones it
// has: room to add criteria.
const extraCriteriaRows = 2

// setCriteriaValues writes criteria as the rows criteria.<i>.{id,code,name,weight}.
func setCriteriaValues(v url.Values, cs []selection.Criterion) {
	for i, c := range cs {
		p := "criteria." + strconv.Itoa(i) + "."
		if c.ID != 0 {
			v.Set(p+"id", strconv.FormatInt(c.ID, 10))
		}
		v.Set(p+"code", c.Code)
		v.Set(p+"name", c.Name)
		v.Set(p+"weight", strconv.Itoa(c.Weight))
	}
}

// criteriaRowCount returns the number of rows the form posted.
func criteriaRowCount(v url.Values) int {
	n := 0
	for k := range v {
		rest, ok := strings.CutPrefix(k, "criteria.")
		if !ok {
			continue
		}
		num, _, _ := strings.Cut(rest, ".")
		if i, err := strconv.Atoi(num); err == nil && i >= 0 && i < 100 && i+1 > n {
			n = i + 1
		}
	}
	return n
}

func (s *server) selectionFormPage(w http.ResponseWriter, r *http.Request, f views.Form, id int64, status int) error {
	st := state(r)
	l := st.loc
	partners, err := s.partnerPicker(r, f, "candidates", "", formPageURL("/selections", id))
	if err != nil {
		return err
	}
	people, err := s.db.Selections.ReviewerOptions(r.Context(), st.principal)
	if err != nil {
		return err
	}
	d := views.SelectionFormData{ID: id, Rows: criteriaRowCount(f.Values) + extraCriteriaRows}
	d.Partners = partners
	for _, o := range people {
		d.Reviewers = append(d.Reviewers, views.Option{Value: strconv.FormatInt(o.ID, 10), Label: o.Label})
	}
	title := l.T("selections.new")
	if id != 0 {
		title = l.T("selections.edit")
	}
	s.render(w, r, status, views.SelectionForm(s.nav(r, title, "selections"), f, d))
	return nil
}

func (s *server) selectionCreate(w http.ResponseWriter, r *http.Request) error {
	return s.selectionSave(w, r, 0)
}

func (s *server) selectionUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	return s.selectionSave(w, r, id)
}

func (s *server) selectionSave(w http.ResponseWriter, r *http.Request, id int64) error {
	f, err := parseForm(w, r)
	if err != nil {
		return err
	}
	x, rowOf := selectionFromValues(f.Values)
	x.ID = id
	ctx, p := r.Context(), state(r).principal
	if id == 0 {
		err = s.db.Selections.Create(ctx, p, x)
	} else {
		err = s.db.Selections.Update(ctx, p, x)
	}
	if err != nil {
		err = renumberCriteria(err, rowOf)
		if !withErrors(r, &f, err) || tandem.ErrorCode(err) == tandem.EConflict {
			return err
		}
		return s.selectionFormPage(w, r, f, id, invalidStatus(err))
	}
	return redirect(w, r, recordPath("/selections", x.ID))
}

// selectionFromValues reads the selection form. A criterion row with a blank
// weight is left out; rowOf maps each criterion kept to its form row, so
// that errors land on the right row.
func selectionFromValues(v url.Values) (*selection.Selection, []int) {
	x := &selection.Selection{Title: v.Get("title"), Description: v.Get("description")}
	for _, id := range v["candidates"] {
		x.Candidates = append(x.Candidates, selection.Candidate{PartnerID: formID(id)})
	}
	for _, id := range v["reviewers"] {
		x.Reviewers = append(x.Reviewers, selection.Reviewer{UserID: formID(id)})
	}
	var rowOf []int
	for i := 0; i < criteriaRowCount(v); i++ {
		p := "criteria." + strconv.Itoa(i) + "."
		weight := strings.TrimSpace(v.Get(p + "weight"))
		if weight == "" {
			continue
		}
		wn, err := strconv.Atoi(weight)
		if err != nil {
			wn = -1
		}
		x.Criteria = append(x.Criteria, selection.Criterion{ID: formID(v.Get(p + "id")), Code: v.Get(p + "code"),
			Name: v.Get(p + "name"), Weight: wn})
		rowOf = append(rowOf, i)
	}
	return x, rowOf
}

// renumberCriteria moves field errors "criteria.<i>.…" from the position in
// the selection to the row of the form.
func renumberCriteria(err error, rowOf []int) error {
	e, ok := tandem.AsError(err)
	if !ok || len(e.Fields) == 0 {
		return err
	}
	out := *e
	out.Fields = make([]tandem.FieldError, len(e.Fields))
	for i, fe := range e.Fields {
		if rest, ok := strings.CutPrefix(fe.Field, "criteria."); ok {
			num, field, _ := strings.Cut(rest, ".")
			if n, err := strconv.Atoi(num); err == nil && n >= 0 && n < len(rowOf) {
				fe.Field = "criteria." + strconv.Itoa(rowOf[n]) + "." + field
			}
		}
		out.Fields[i] = fe
	}
	return &out
}

func (s *server) selectionShow(w http.ResponseWriter, r *http.Request) error {
	return s.selectionPage(w, r, http.StatusOK, nil)
}

// selectionPage renders the selection page; edit, when not nil, puts a
// posted form with its errors in place of the fresh one.
func (s *server) selectionPage(w http.ResponseWriter, r *http.Request, status int, edit func(*views.SelectionPage)) error {
	st := state(r)
	id, err := pathID(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	x, err := s.db.Selections.Get(ctx, st.principal, id)
	if err != nil {
		return err
	}
	scores, err := s.db.Selections.Scores(ctx, st.principal, id)
	if err != nil {
		return err
	}
	l := st.loc

	d := &views.SelectionPage{
		Sel:        x,
		Results:    selection.Results(x, scores),
		CanWrite:   access.Allows(st.principal.Role, access.SelectionsWrite),
		IsReviewer: x.IsReviewer(st.principal.UserID),
		Scores:     views.Form{Values: url.Values{}},
		Decision:   views.Form{Values: url.Values{}},
		Pilot: views.Form{Values: url.Values{"title": {l.T("selections.pilot_title", "title", x.Title)},
			"kind": {string(engagement.KindSales)}, "starts_on": {l.DateInput(s.db.Now())}}},
		Review:    views.Form{Values: url.Values{}},
		Kinds:     options(l, "engagement.kind.", engagement.Kinds, ""),
		Decisions: options(l, "selections.pilot_decision.", selection.PilotDecisions, ""),
	}
	d.CanScore = x.MayScore(st.principal)
	for _, sc := range scores {
		if sc.ReviewerID == st.principal.UserID {
			d.Scores.Values.Set(selection.ScoreField(sc.PartnerID, sc.CriterionID), strconv.Itoa(sc.Value))
			d.Scores.Values.Set(selection.NoteField(sc.PartnerID, sc.CriterionID), sc.Note)
		}
	}
	if x.EngagementID != 0 {
		if e, err := s.db.Engagements.Get(ctx, st.principal, x.EngagementID); err == nil {
			d.Engagement = e
		} else if tandem.ErrorCode(err) != tandem.ENotFound {
			return err
		}
	}
	if edit != nil {
		edit(d)
	}
	s.render(w, r, status, views.SelectionShow(s.nav(r, x.Title, "selections"), d))
	return nil
}

// selectionSubform handles one of the forms of the selection page: on a
// validation or state error the page is shown again with the form's errors.
func (s *server) selectionSubform(w http.ResponseWriter, r *http.Request, save func(f views.Form, id int64) error,
	put func(d *views.SelectionPage, f views.Form)) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	f, err := parseForm(w, r)
	if err != nil {
		return err
	}
	if err := save(f, id); err != nil {
		if !withErrors(r, &f, err) {
			return err
		}
		return s.selectionPage(w, r, invalidStatus(err), func(d *views.SelectionPage) { put(d, f) })
	}
	return redirect(w, r, recordPath("/selections", id))
}

func (s *server) selectionScore(w http.ResponseWriter, r *http.Request) error {
	ctx, p := r.Context(), state(r).principal
	return s.selectionSubform(w, r, func(f views.Form, id int64) error {
		x, err := s.db.Selections.Get(ctx, p, id)
		if err != nil {
			return err
		}
		var scores []selection.Score
		for _, c := range x.Candidates {
			for _, k := range x.Criteria {
				field := selection.ScoreField(c.PartnerID, k.ID)
				if _, ok := f.Values[field]; !ok {
					continue
				}
				v, err := strconv.Atoi(strings.TrimSpace(f.Get(field)))
				if err != nil && strings.TrimSpace(f.Get(field)) != "" {
					v = -1
				}
				scores = append(scores, selection.Score{PartnerID: c.PartnerID, CriterionID: k.ID, Value: v,
					Note: f.Get(selection.NoteField(c.PartnerID, k.ID))})
			}
		}
		return s.db.Selections.SaveScores(ctx, p, id, scores)
	}, func(d *views.SelectionPage, f views.Form) { d.Scores = f })
}

func (s *server) selectionDecide(w http.ResponseWriter, r *http.Request) error {
	ctx, p := r.Context(), state(r).principal
	return s.selectionSubform(w, r, func(f views.Form, id int64) error {
		return s.db.Selections.Decide(ctx, p, id, formID(f.Get("partner_id")), f.Get("reason"))
	}, func(d *views.SelectionPage, f views.Form) { d.Decision = f })
}

func (s *server) selectionPilot(w http.ResponseWriter, r *http.Request) error {
	ctx, p := r.Context(), state(r).principal
	return s.selectionSubform(w, r, func(f views.Form, id int64) error {
		e := &engagement.Engagement{Title: f.Get("title"), Kind: engagement.Kind(f.Get("kind")), Description: f.Get("description")}
		var v tandem.Validator
		var err error
		if e.StartsOn, err = tandem.ParseDate(f.Get("starts_on")); err != nil {
			v.Add("starts_on", i18n.K("validation.date"))
		}
		if e.EndsOn, err = tandem.ParseDate(f.Get("ends_on")); err != nil {
			v.Add("ends_on", i18n.K("validation.date"))
		}
		if err := v.Err(); err != nil {
			return err
		}
		return s.db.Selections.StartPilot(ctx, p, id, e)
	}, func(d *views.SelectionPage, f views.Form) { d.Pilot = f })
}

func (s *server) selectionPilotReview(w http.ResponseWriter, r *http.Request) error {
	ctx, p := r.Context(), state(r).principal
	return s.selectionSubform(w, r, func(f views.Form, id int64) error {
		rv := &selection.PilotReview{Decision: selection.PilotDecision(f.Get("decision")), Reason: f.Get("reason")}
		return s.db.Selections.ReviewPilot(ctx, p, id, rv)
	}, func(d *views.SelectionPage, f views.Form) { d.Review = f })
}

func (s *server) evidenceList(w http.ResponseWriter, r *http.Request) error {
	return s.evidencePage(w, r, views.Form{Values: url.Values{"kind": {string(selection.KindReference)}}}, http.StatusOK)
}

func (s *server) evidencePage(w http.ResponseWriter, r *http.Request, f views.Form, status int) error {
	st := state(r)
	id, err := pathID(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	// Evidence is the client's: the access rule refuses partner people
	// before the partner is looked up.
	if err := access.Can(st.principal, access.SelectionsRead); err != nil {
		return err
	}
	p, err := s.db.Partners.Get(ctx, st.principal, id)
	if err != nil {
		return err
	}
	items, err := s.db.Selections.Evidence(ctx, st.principal, id)
	if err != nil {
		return err
	}
	kinds := options(st.loc, "evidence.kind.", selection.EvidenceKinds, "")
	s.render(w, r, status, views.EvidencePage(s.nav(r, st.loc.T("evidence.title", "partner", p.LegalName), "selections"),
		p, items, f, kinds, access.Allows(st.principal.Role, access.SelectionsWrite)))
	return nil
}

// maxUploadBytes caps an evidence form: the largest file plus room for the
// other fields and the multipart framing.
const maxUploadBytes = file.MaxFileSize + 1<<20

func (s *server) evidenceAdd(w http.ResponseWriter, r *http.Request) error {
	st := state(r)
	partnerID, err := pathID(r)
	if err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxUploadBytes)
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		var tooBig *http.MaxBytesError
		if !errors.As(err, &tooBig) {
			return tandem.Errorf(tandem.EInvalid, i18n.K("error.bad_form"))
		}
		var v tandem.Validator
		v.Add("file", i18n.K("evidence.invalid.file_too_large"), "max", file.MaxFileSize>>20)
		f := views.Form{Values: url.Values{}}
		withErrors(r, &f, v.Err())
		return s.evidencePage(w, r, f, http.StatusRequestEntityTooLarge)
	}
	defer r.MultipartForm.RemoveAll()
	f := views.Form{Values: url.Values(r.MultipartForm.Value), Errors: map[string]string{}}
	ev := &selection.Evidence{PartnerID: partnerID, Kind: selection.EvidenceKind(f.Get("kind")), Title: f.Get("title"),
		Detail: f.Get("detail"), URL: f.Get("url"), Verified: f.Get("verified") != ""}
	if raw := strings.TrimSpace(f.Get("value")); raw != "" {
		ev.Value, ev.HasValue = parseTenths(raw), true
	}
	var name string
	var data []byte
	if upload, hdr, err := r.FormFile("file"); err == nil {
		defer upload.Close()
		name = hdr.Filename
		if data, err = io.ReadAll(io.LimitReader(upload, file.MaxFileSize+1)); err != nil {
			return err
		}
		if data == nil {
			data = []byte{}
		}
	} else if !errors.Is(err, http.ErrMissingFile) {
		return tandem.Errorf(tandem.EInvalid, i18n.K("error.bad_form"))
	}
	if err := s.db.Selections.AddEvidence(r.Context(), st.principal, ev, name, data); err != nil {
		if !withErrors(r, &f, err) {
			return err
		}
		return s.evidencePage(w, r, f, invalidStatus(err))
	}
	return redirect(w, r, fmt.Sprintf("/partners/%d/evidence", partnerID))
}

// parseTenths reads a number with at most one decimal ("12", "4.5", "4,5")
// as tenths; anything else is -1, which validation refuses.
func parseTenths(s string) int64 {
	s = strings.ReplaceAll(s, ",", ".")
	whole, frac, hasFrac := strings.Cut(s, ".")
	if whole == "" || len(frac) > 1 || (hasFrac && frac == "") {
		return -1
	}
	n, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || n < 0 || n > 1_000_000 {
		return -1
	}
	t := n * 10
	if frac != "" {
		d, err := strconv.Atoi(frac)
		if err != nil {
			return -1
		}
		t += int64(d)
	}
	return t
}

func (s *server) evidenceFile(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	f, err := s.db.Selections.EvidenceFile(r.Context(), state(r).principal, id)
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", f.ContentType)
	h.Set("Content-Length", strconv.FormatInt(int64(len(f.Data)), 10))
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": f.Name}))
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	w.WriteHeader(http.StatusOK)
	_, err = w.Write(f.Data)
	if err != nil {
		s.log.Debug("download interrupted", "request_id", state(r).id, "err", err)
	}
	return nil
}
