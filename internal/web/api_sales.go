package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/sales"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/tandem"
)

// The JSON API of the sales base. Accounts and contacts come from the
// store already as the caller may see them: for a partner's token every
// phone number and e-mail address is masked, and a page holds at most
// sales.MaxPartnerPage rows. A reveal's answer is the one place a partner's
// agent reads a detail in full.

type apiSalesAccount struct {
	ID           int64     `json:"id"`
	Name         string    `json:"name"`
	RegNumber    string    `json:"reg_number"`
	Country      string    `json:"country"`
	City         string    `json:"city"`
	Website      string    `json:"website"`
	Industry     string    `json:"industry"`
	Size         string    `json:"size"`
	Status       string    `json:"status"`
	Source       string    `json:"source"`
	Tags         []string  `json:"tags"`
	Notes        string    `json:"notes"`
	EngagementID *int64    `json:"engagement_id"`
	AgentID      *int64    `json:"agent_id"`
	Contacts     int       `json:"contacts"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
}

func idPtr(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

func toAPISalesAccount(a sales.Account) apiSalesAccount {
	tags := a.Tags
	if tags == nil {
		tags = []string{}
	}
	return apiSalesAccount{ID: a.ID, Name: a.Name, RegNumber: a.RegNumber, Country: a.Country, City: a.City, Website: a.Website,
		Industry: a.Industry, Size: string(a.Size), Status: string(a.Status), Source: a.Source, Tags: tags, Notes: a.Notes,
		EngagementID: idPtr(a.EngagementID), AgentID: idPtr(a.AgentID), Contacts: a.Contacts, CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt}
}

// apiSalesDetail is a phone number or e-mail address: value is E.164 or
// lower case in full for the client, masked for a partner (then typed is
// absent).
type apiSalesDetail struct {
	ID     int64  `json:"id"`
	Value  string `json:"value"`
	Typed  string `json:"typed,omitempty"`
	Masked bool   `json:"masked"`
}

type apiSalesContact struct {
	ID            int64            `json:"id"`
	AccountID     int64            `json:"account_id"`
	Name          string           `json:"name"`
	Position      string           `json:"position"`
	DecisionMaker bool             `json:"decision_maker"`
	Phones        []apiSalesDetail `json:"phones"`
	Emails        []apiSalesDetail `json:"emails"`
	Notes         string           `json:"notes"`
	CreatedAt     time.Time        `json:"created_at"`
	UpdatedAt     time.Time        `json:"updated_at"`
}

func toAPISalesContact(c sales.ContactView) apiSalesContact {
	details := func(ds []sales.Detail) []apiSalesDetail {
		out := make([]apiSalesDetail, len(ds))
		for i, d := range ds {
			out[i] = apiSalesDetail{ID: d.ID, Value: d.Value, Typed: d.Typed, Masked: c.Masked}
		}
		return out
	}
	return apiSalesContact{ID: c.ID, AccountID: c.AccountID, Name: c.Name, Position: c.Position, DecisionMaker: c.DecisionMaker,
		Phones: details(c.Phones), Emails: details(c.Emails), Notes: c.Notes, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt}
}

func (s *server) apiSalesAccounts(w http.ResponseWriter, r *http.Request) error {
	p := state(r).principal
	pg := apiPage(r)
	pg.Limit = sales.PageLimit(p.Role, pg.Limit)
	as, total, err := s.db.Sales().Accounts(r.Context(), p, pg, salesFilter(r.URL.Query()))
	if err != nil {
		return err
	}
	out := apiList[apiSalesAccount]{Items: make([]apiSalesAccount, len(as)), Total: total, Limit: pg.Limit, Offset: pg.Offset}
	for i, a := range as {
		out.Items[i] = toAPISalesAccount(a)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// apiSalesAccountBody is an account with its contacts.
type apiSalesAccountBody struct {
	apiSalesAccount
	ContactList []apiSalesContact `json:"contact_list"`
}

func (s *server) apiSalesAccountGet(w http.ResponseWriter, r *http.Request) error {
	p := state(r).principal
	id, err := pathID(r)
	if err != nil {
		return err
	}
	a, err := s.db.Sales().Account(r.Context(), p, id)
	if err != nil {
		return err
	}
	cs, err := s.db.Sales().Contacts(r.Context(), p, id)
	if err != nil {
		return err
	}
	out := apiSalesAccountBody{apiSalesAccount: toAPISalesAccount(*a), ContactList: make([]apiSalesContact, len(cs))}
	for i, c := range cs {
		out.ContactList[i] = toAPISalesContact(c)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

type salesAccountInput struct {
	Name      string   `json:"name"`
	RegNumber string   `json:"reg_number"`
	Country   string   `json:"country"`
	City      string   `json:"city"`
	Website   string   `json:"website"`
	Industry  string   `json:"industry"`
	Size      string   `json:"size"`
	Status    string   `json:"status"`
	Source    string   `json:"source"`
	Tags      []string `json:"tags"`
	Notes     string   `json:"notes"`
}

func (s *server) apiSalesAccountCreate(w http.ResponseWriter, r *http.Request) error {
	p := state(r).principal
	var in salesAccountInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	a := &sales.Account{Name: in.Name, RegNumber: in.RegNumber, Country: in.Country, City: in.City, Website: in.Website,
		Industry: in.Industry, Size: sales.Size(in.Size), Status: sales.Status(in.Status), Source: in.Source, Tags: in.Tags, Notes: in.Notes}
	if err := s.db.Sales().CreateAccount(r.Context(), p, a); err != nil {
		return err
	}
	got, err := s.db.Sales().Account(r.Context(), p, a.ID)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1"+salesAccountPath(a.ID))
	writeJSON(w, http.StatusCreated, toAPISalesAccount(*got))
	return nil
}

func (s *server) apiSalesContacts(w http.ResponseWriter, r *http.Request) error {
	p := state(r).principal
	id, err := pathID(r)
	if err != nil {
		return err
	}
	cs, err := s.db.Sales().Contacts(r.Context(), p, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, wholeList(cs, toAPISalesContact))
	return nil
}

type salesContactInput struct {
	Name          string   `json:"name"`
	Position      string   `json:"position"`
	DecisionMaker bool     `json:"decision_maker"`
	Phones        []string `json:"phones"`
	Emails        []string `json:"emails"`
	Notes         string   `json:"notes"`
}

func (s *server) apiSalesContactCreate(w http.ResponseWriter, r *http.Request) error {
	p := state(r).principal
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in salesContactInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	c := &sales.Contact{AccountID: id, Name: in.Name, Position: in.Position, DecisionMaker: in.DecisionMaker, Notes: in.Notes}
	for _, v := range in.Phones {
		c.Phones = append(c.Phones, sales.Detail{Typed: v})
	}
	for _, v := range in.Emails {
		c.Emails = append(c.Emails, sales.Detail{Typed: v})
	}
	if err := s.db.Sales().AddContact(r.Context(), p, c); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, toAPISalesContact(sales.ViewContact(p.Role, *c)))
	return nil
}

// salesAssignInput assigns accounts: the ids one by one, or when ids is
// absent every account matching the filter (q, status, engagement "none"
// or an id). engagement_id 0 or absent takes the accounts back.
type salesAssignInput struct {
	IDs    []int64 `json:"ids"`
	Filter *struct {
		Q          string `json:"q"`
		Status     string `json:"status"`
		Engagement string `json:"engagement"`
	} `json:"filter"`
	EngagementID int64 `json:"engagement_id"`
	AgentID      int64 `json:"agent_id"`
}

func (s *server) apiSalesAssign(w http.ResponseWriter, r *http.Request) error {
	var in salesAssignInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	var f store.AccountFilter
	switch {
	case len(in.IDs) > 0:
		f.IDs = in.IDs
	case in.Filter != nil:
		f = salesFilter(map[string][]string{"q": {in.Filter.Q}, "status": {in.Filter.Status}, "engagement": {in.Filter.Engagement}})
	default:
		var v tandem.Validator
		v.Add("ids", i18n.K("sales.assign.nothing_selected"))
		return v.Err()
	}
	n, err := s.db.Sales().Assign(r.Context(), state(r).principal, f, store.Assignment{EngagementID: in.EngagementID, AgentID: in.AgentID})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]int{"assigned": n})
	return nil
}

type salesRevealInput struct {
	DetailID int64  `json:"detail_id"`
	Reason   string `json:"reason"`
}

type apiSalesRevealed struct {
	ContactID int64  `json:"contact_id"`
	DetailID  int64  `json:"detail_id"`
	Field     string `json:"field"`
	Value     string `json:"value"`
	Typed     string `json:"typed"`
}

func (s *server) apiSalesReveal(w http.ResponseWriter, r *http.Request) error {
	contactID, err := strconv.ParseInt(r.PathValue("contact"), 10, 64)
	if err != nil {
		return tandem.ErrNotFound
	}
	var in salesRevealInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	d, err := s.db.Sales().Reveal(r.Context(), state(r).principal, contactID, in.DetailID, in.Reason)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, apiSalesRevealed{ContactID: contactID, DetailID: d.ID, Field: string(d.Field), Value: d.Value, Typed: d.Typed})
	return nil
}

type apiSalesReveal struct {
	ID          int64     `json:"id"`
	At          time.Time `json:"at"`
	AgentID     int64     `json:"agent_id"`
	AgentName   string    `json:"agent_name"`
	AccountID   int64     `json:"account_id"`
	AccountName string    `json:"account_name"`
	ContactID   int64     `json:"contact_id"`
	ContactName string    `json:"contact_name"`
	DetailID    int64     `json:"detail_id"`
	Field       string    `json:"field"`
	Reason      string    `json:"reason"`
}

func (s *server) apiSalesReveals(w http.ResponseWriter, r *http.Request) error {
	p := state(r).principal
	id, err := pathID(r)
	if err != nil {
		return err
	}
	pg := apiPage(r)
	rs, total, err := s.db.Sales().Reveals(r.Context(), p, pg, store.RevealFilter{EngagementID: id, AgentID: formID(r.URL.Query().Get("agent_id"))})
	if err != nil {
		return err
	}
	out := apiList[apiSalesReveal]{Items: make([]apiSalesReveal, len(rs)), Total: total, Limit: pg.Limit, Offset: pg.Offset}
	for i, x := range rs {
		out.Items[i] = apiSalesReveal{ID: x.ID, At: x.At, AgentID: x.MembershipID, AgentName: x.UserName, AccountID: x.AccountID,
			AccountName: x.AccountName, ContactID: x.ContactID, ContactName: x.ContactName, DetailID: x.DetailID,
			Field: string(x.Field), Reason: x.Reason}
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
