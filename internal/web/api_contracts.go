package web

import (
	"net/http"
	"reflect"
	"strconv"
	"time"

	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/tandem"
)

// The contract's wire format is contract.Terms itself: it is a document
// type whose JSON tags were written for this, and the same JSON is stored.

type apiVersion struct {
	Number        int            `json:"number"`
	EffectiveFrom string         `json:"effective_from"`
	AmendmentID   *int64         `json:"amendment_id"`
	CreatedAt     time.Time      `json:"created_at"`
	Terms         contract.Terms `json:"terms"`
}

func toAPIVersion(v *contract.Version) apiVersion {
	out := apiVersion{Number: v.Number, EffectiveFrom: v.EffectiveFrom, CreatedAt: v.CreatedAt, Terms: wireTerms(v.Terms)}
	if v.AmendmentID != 0 {
		out.AmendmentID = &v.AmendmentID
	}
	return out
}

// wireTerms returns a copy of t in which every list left nil is an empty
// one, so that the JSON has [] wherever openapi.json says array, never null.
func wireTerms(t contract.Terms) contract.Terms {
	emptyLists(reflect.ValueOf(&t).Elem())
	return t
}

// emptyLists replaces the nil slices in v, which it copies on the way down
// so that the caller's values are left as they were.
func emptyLists(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			p := reflect.New(v.Type().Elem())
			p.Elem().Set(v.Elem())
			v.Set(p)
			emptyLists(p.Elem())
		}
	case reflect.Struct:
		for i := range v.NumField() {
			emptyLists(v.Field(i))
		}
	case reflect.Slice:
		c := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		reflect.Copy(c, v)
		v.Set(c)
		for i := range c.Len() {
			emptyLists(c.Index(i))
		}
	}
}

type apiFinding struct {
	ID           string `json:"id"`
	Code         string `json:"code"`
	Severity     string `json:"severity"`
	Field        string `json:"field"`
	Message      string `json:"message"`
	Fix          string `json:"fix"`
	Acknowledged bool   `json:"acknowledged"`
}

type apiAmendment struct {
	Number        int               `json:"number"`
	Status        string            `json:"status"`
	EffectiveFrom string            `json:"effective_from"`
	Reason        string            `json:"reason"`
	ProposedBy    string            `json:"proposed_by"`
	ProposedSide  string            `json:"proposed_side"`
	ProposedAt    time.Time         `json:"proposed_at"`
	DecidedBy     string            `json:"decided_by,omitempty"`
	DecidedAt     *time.Time        `json:"decided_at"`
	DecisionNote  string            `json:"decision_note"`
	Changes       []contract.Change `json:"changes"`
	Terms         contract.Terms    `json:"terms"`
}

func (s *server) apiTermsGet(w http.ResponseWriter, r *http.Request) error {
	_, v, err := s.annexVersion(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toAPIVersion(v))
	return nil
}

func (s *server) apiTermsPut(w http.ResponseWriter, r *http.Request) error {
	e, err := s.engagementOf(r)
	if err != nil {
		return err
	}
	var t contract.Terms
	if err := decodeJSON(w, r, &t); err != nil {
		return err
	}
	p := state(r).principal
	if err := s.db.Contracts.SaveDraft(r.Context(), p, e.ID, t); err != nil {
		return err
	}
	v, err := s.db.Contracts.InForce(r.Context(), p, e.ID, e.StartsOn)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toAPIVersion(v))
	return nil
}

func (s *server) apiVersions(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	vs, err := s.db.Contracts.Versions(r.Context(), state(r).principal, id)
	if err != nil {
		return err
	}
	out := make([]apiVersion, len(vs))
	for i := range vs {
		out[i] = toAPIVersion(&vs[i])
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": out})
	return nil
}

func (s *server) apiCheck(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	c, err := s.db.Contracts.Check(r.Context(), state(r).principal, id)
	if err != nil {
		return err
	}
	out := []apiFinding{}
	for _, f := range findingViews(state(r).loc, c) {
		out = append(out, apiFinding{ID: f.ID, Code: f.Code, Severity: f.Severity, Field: f.Field, Message: f.Message,
			Fix: f.Fix, Acknowledged: f.Acknowledged})
	}
	writeJSON(w, http.StatusOK, map[string]any{"errors": c.Errors(), "findings": out})
	return nil
}

func (s *server) apiActivate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in struct {
		Acknowledge []string `json:"acknowledge"`
	}
	if err := decodeOptionalJSON(w, r, &in); err != nil {
		return err
	}
	status, err := s.db.Contracts.Activate(r.Context(), state(r).principal, id, in.Acknowledge)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": string(status)})
	return nil
}

func (s *server) apiAmendmentList(w http.ResponseWriter, r *http.Request) error {
	e, err := s.engagementOf(r)
	if err != nil {
		return err
	}
	as, err := s.db.Contracts.Amendments(r.Context(), state(r).principal, e.ID)
	if err != nil {
		return err
	}
	out := []apiAmendment{}
	for i := range as {
		a := &as[i]
		changes, err := s.amendmentChanges(r, e, a)
		if err != nil {
			return err
		}
		x := apiAmendment{Number: a.Number, Status: a.Status, EffectiveFrom: a.EffectiveFrom, Reason: a.Reason,
			ProposedBy: a.ProposedByName, ProposedSide: a.ProposedSide, ProposedAt: a.ProposedAt, DecidedBy: a.DecidedByName,
			DecisionNote: a.DecisionNote, Changes: changes, Terms: wireTerms(a.Terms)}
		if !a.DecidedAt.IsZero() {
			x.DecidedAt = &a.DecidedAt
		}
		if x.Changes == nil {
			x.Changes = []contract.Change{}
		}
		out = append(out, x)
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": out})
	return nil
}

func (s *server) apiAmendmentPropose(w http.ResponseWriter, r *http.Request) error {
	e, err := s.engagementOf(r)
	if err != nil {
		return err
	}
	var in struct {
		EffectiveFrom string          `json:"effective_from"`
		Reason        string          `json:"reason"`
		Terms         *contract.Terms `json:"terms"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	eff, derr := tandem.ParseDate(in.EffectiveFrom)
	if derr != nil {
		return invalidField("effective_from", "validation.date")
	}
	if in.Terms == nil {
		return invalidField("terms", "validation.required")
	}
	a, err := s.db.Contracts.Propose(r.Context(), state(r).principal, e.ID, eff, in.Reason, *in.Terms)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/engagements/"+strconv.FormatInt(e.ID, 10)+"/amendments")
	writeJSON(w, http.StatusCreated, map[string]any{"number": a.Number, "status": a.Status, "effective_from": a.EffectiveFrom})
	return nil
}

func (s *server) apiAmendmentDecide(w http.ResponseWriter, r *http.Request) error {
	e, err := s.engagementOf(r)
	if err != nil {
		return err
	}
	n, err := strconv.Atoi(r.PathValue("number"))
	if err != nil {
		return tandem.ErrNotFound
	}
	var in struct {
		Accept *bool  `json:"accept"`
		Note   string `json:"note"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	if in.Accept == nil {
		return invalidField("accept", "validation.required")
	}
	if err := s.db.Contracts.Decide(r.Context(), state(r).principal, e.ID, n, *in.Accept, in.Note); err != nil {
		return err
	}
	a, err := s.db.Contracts.Amendment(r.Context(), state(r).principal, e.ID, n)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"number": a.Number, "status": a.Status})
	return nil
}
