package web

import (
	"net/http"
	"time"

	"github.com/tandemhq/tandem/internal/money"
	"github.com/tandemhq/tandem/internal/sales"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/tandem"
)

// The JSON API of deals and the pipeline. Amounts are integer minor units
// of the deal's currency (the engagement's price currency); stages and
// lost reasons are the keys of the terms in force.

type apiDeal struct {
	ID           int64      `json:"id"`
	EngagementID int64      `json:"engagement_id"`
	AccountID    int64      `json:"account_id"`
	AccountName  string     `json:"account_name"`
	Title        string     `json:"title"`
	AmountMinor  int64      `json:"amount_minor"`
	Currency     string     `json:"currency"`
	CloseOn      *string    `json:"close_on"`
	Stage        string     `json:"stage"`
	OwnerID      *int64     `json:"owner_id"`
	OwnerName    string     `json:"owner_name"`
	LostReason   string     `json:"lost_reason"`
	NextStep     string     `json:"next_step"`
	NextStepOn   *string    `json:"next_step_on"`
	NoNextStep   bool       `json:"no_next_step"`
	CreatedAt    time.Time  `json:"created_at"`
	UpdatedAt    time.Time  `json:"updated_at"`
	ClosedAt     *time.Time `json:"closed_at"`
}

type apiDealMove struct {
	From       string    `json:"from"`
	To         string    `json:"to"`
	At         time.Time `json:"at"`
	UserID     *int64    `json:"user_id"`
	LostReason string    `json:"lost_reason"`
}

type apiDealWithHistory struct {
	apiDeal
	History []apiDealMove `json:"history"`
}

func datePtr(d tandem.Date) *string {
	if d.IsZero() {
		return nil
	}
	s := d.String()
	return &s
}

func toAPIDeal(d sales.Deal, pt *store.PipelineTerms) apiDeal {
	out := apiDeal{ID: d.ID, EngagementID: d.EngagementID, AccountID: d.AccountID, AccountName: d.AccountName, Title: d.Title,
		AmountMinor: d.Amount.Amount, Currency: d.Amount.Currency, CloseOn: datePtr(d.CloseOn), Stage: d.Stage,
		OwnerID: idPtr(d.OwnerID), OwnerName: d.OwnerName, LostReason: d.LostReason, NextStep: d.NextStep,
		NextStepOn: datePtr(d.NextStepOn), NoNextStep: d.NoNextStep(pt.Sales, pt.Today), CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt}
	if !d.ClosedAt.IsZero() {
		t := d.ClosedAt
		out.ClosedAt = &t
	}
	return out
}

func (s *server) apiDeals(w http.ResponseWriter, r *http.Request) error {
	p := state(r).principal
	eid, err := pathID(r)
	if err != nil {
		return err
	}
	pt, err := s.db.Deals().Pipeline(r.Context(), p, eid)
	if err != nil {
		return err
	}
	pg := apiPage(r)
	if pg.Limit > sales.MaxDealPage {
		pg.Limit = sales.MaxDealPage
	}
	q := r.URL.Query()
	ds, total, err := s.db.Deals().List(r.Context(), p, pg, store.DealFilter{EngagementID: eid, AccountID: formID(q.Get("account_id")),
		OwnerID: formID(q.Get("owner_id")), Stage: q.Get("stage")})
	if err != nil {
		return err
	}
	out := apiList[apiDeal]{Items: make([]apiDeal, len(ds)), Total: total, Limit: pg.Limit, Offset: pg.Offset}
	for i, d := range ds {
		out.Items[i] = toAPIDeal(d, pt)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

type dealInput struct {
	AccountID   int64   `json:"account_id"`
	Title       string  `json:"title"`
	AmountMinor int64   `json:"amount_minor"`
	CloseOn     *string `json:"close_on"`
	Stage       string  `json:"stage"`
	OwnerID     int64   `json:"owner_id"`
	LostReason  string  `json:"lost_reason"`
	NextStep    string  `json:"next_step"`
	NextStepOn  *string `json:"next_step_on"`
}

// parseDates reads optional dates into their destinations, each error
// under its JSON field.
func parseDates(fields map[string]*string, dst map[string]*tandem.Date) error {
	var v tandem.Validator
	for name, s := range fields {
		if s == nil || *s == "" {
			continue
		}
		d, err := tandem.ParseDate(*s)
		if err != nil {
			v.Add(name, "validation.date")
			continue
		}
		*dst[name] = d
	}
	return v.Err()
}

func (s *server) writeDeal(w http.ResponseWriter, r *http.Request, status int, id int64) error {
	dp, err := s.db.Deals().Get(r.Context(), state(r).principal, id)
	if err != nil {
		return err
	}
	out := apiDealOf(dp)
	if status == http.StatusCreated {
		w.Header().Set("Location", "/api/v1"+dealPath(dp.Deal.EngagementID, id))
	}
	writeJSON(w, status, out)
	return nil
}

// apiDealOf is the API's deal with its history.
func apiDealOf(dp *store.DealPage) apiDealWithHistory {
	out := apiDealWithHistory{apiDeal: toAPIDeal(dp.Deal, dp.PipelineTerms), History: make([]apiDealMove, len(dp.Moves))}
	for i, m := range dp.Moves {
		out.History[i] = apiDealMove{From: m.From, To: m.To, At: m.At, UserID: idPtr(m.UserID), LostReason: m.LostReason}
	}
	return out
}

func (s *server) apiDealCreate(w http.ResponseWriter, r *http.Request) error {
	p := state(r).principal
	eid, err := pathID(r)
	if err != nil {
		return err
	}
	var in dealInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	d := &sales.Deal{EngagementID: eid, AccountID: in.AccountID, Title: in.Title, Amount: money.Money{Amount: in.AmountMinor},
		Stage: in.Stage, OwnerID: in.OwnerID, LostReason: in.LostReason, NextStep: in.NextStep}
	if err := parseDates(map[string]*string{"close_on": in.CloseOn, "next_step_on": in.NextStepOn},
		map[string]*tandem.Date{"close_on": &d.CloseOn, "next_step_on": &d.NextStepOn}); err != nil {
		return err
	}
	if err := s.db.Deals().Create(r.Context(), p, d); err != nil {
		return err
	}
	return s.writeDeal(w, r, http.StatusCreated, d.ID)
}

func (s *server) apiDealGet(w http.ResponseWriter, r *http.Request) error {
	eid, did, err := dealIDs(r)
	if err != nil {
		return err
	}
	// Kept between requests (kept); read once, not twice (writeDeal).
	out, err := s.kept(r, func(r *http.Request) (any, error) {
		dp, err := s.loadDealOf(r, eid, did)
		if err != nil {
			return nil, err
		}
		return apiDealOf(dp), nil
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// dealPatch changes the fields it names; the stage changes only by a move.
type dealPatch struct {
	Title       *string `json:"title"`
	AmountMinor *int64  `json:"amount_minor"`
	CloseOn     *string `json:"close_on"`
	OwnerID     *int64  `json:"owner_id"`
	NextStep    *string `json:"next_step"`
	NextStepOn  *string `json:"next_step_on"`
}

func (s *server) apiDealPatch(w http.ResponseWriter, r *http.Request) error {
	p := state(r).principal
	eid, did, err := dealIDs(r)
	if err != nil {
		return err
	}
	dp, err := s.loadDealOf(r, eid, did)
	if err != nil {
		return err
	}
	var in dealPatch
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	d := dp.Deal
	if in.Title != nil {
		d.Title = *in.Title
	}
	if in.AmountMinor != nil {
		d.Amount.Amount = *in.AmountMinor
	}
	if in.OwnerID != nil {
		d.OwnerID = *in.OwnerID
	}
	if in.NextStep != nil {
		d.NextStep = *in.NextStep
	}
	if in.CloseOn != nil && *in.CloseOn == "" {
		d.CloseOn = tandem.Date{}
	}
	if in.NextStepOn != nil && *in.NextStepOn == "" {
		d.NextStepOn = tandem.Date{}
	}
	if err := parseDates(map[string]*string{"close_on": in.CloseOn, "next_step_on": in.NextStepOn},
		map[string]*tandem.Date{"close_on": &d.CloseOn, "next_step_on": &d.NextStepOn}); err != nil {
		return err
	}
	if err := s.db.Deals().Update(r.Context(), p, &d); err != nil {
		return err
	}
	return s.writeDeal(w, r, http.StatusOK, did)
}

type dealMoveInput struct {
	Stage      string `json:"stage"`
	LostReason string `json:"lost_reason"`
}

func (s *server) apiDealMove(w http.ResponseWriter, r *http.Request) error {
	p := state(r).principal
	eid, did, err := dealIDs(r)
	if err != nil {
		return err
	}
	if _, err := s.loadDealOf(r, eid, did); err != nil {
		return err
	}
	var in dealMoveInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	if _, err := s.db.Deals().Move(r.Context(), p, did, in.Stage, in.LostReason); err != nil {
		return err
	}
	return s.writeDeal(w, r, http.StatusOK, did)
}

type apiFunnelStep struct {
	Stage   string `json:"stage"`
	Meaning string `json:"meaning"`
	Reached int    `json:"reached"`
	Next    *int   `json:"next"` // absent on the last step
}

type apiFunnel struct {
	EngagementID int64           `json:"engagement_id"`
	Month        string          `json:"month"`
	OwnerID      *int64          `json:"owner_id"`
	Deals        int             `json:"deals"`
	Steps        []apiFunnelStep `json:"steps"`
	Months       []string        `json:"months"`
}

func (s *server) apiDealsFunnel(w http.ResponseWriter, r *http.Request) error {
	p := state(r).principal
	eid, err := pathID(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := store.FunnelFilter{Month: q.Get("month"), OwnerID: formID(q.Get("owner_id"))}
	fu, err := s.db.Deals().Funnel(r.Context(), p, eid, f)
	if err != nil {
		return err
	}
	out := apiFunnel{EngagementID: eid, Month: f.Month, OwnerID: idPtr(f.OwnerID), Deals: fu.Deals, Steps: make([]apiFunnelStep, len(fu.Steps)),
		Months: fu.Months}
	for i, st := range fu.Steps {
		out.Steps[i] = apiFunnelStep{Stage: st.Stage.Key, Meaning: st.Stage.Meaning, Reached: st.Reached}
		if i+1 < len(fu.Steps) {
			n := st.Next
			out.Steps[i].Next = &n
		}
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
