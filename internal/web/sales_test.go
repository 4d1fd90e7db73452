package web_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/tandemhq/tandem/internal/demo"
	"github.com/tandemhq/tandem/internal/sales"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
)

// The access rules of the sales base, in the matrix's order: owner,
// manager, viewer, partner manager, partner agent, anonymous. Everyone
// reads the accounts they may see; the client adds and assigns; only an
// agent reveals; the client's people read the reveals log.
var salesAccessMatrix = map[string]string{
	"GET /sales/accounts":                                        "yyyyys",
	"GET /sales/accounts/new":                                    "yynnns",
	"POST /sales/accounts":                                       "yynnns",
	"GET /sales/accounts/{id}":                                   "yyyyys",
	"GET /sales/accounts/{id}/edit":                              "yynnns",
	"POST /sales/accounts/{id}":                                  "yynnns",
	"POST /sales/accounts/{id}/contacts":                         "yynnns",
	"POST /sales/accounts/{id}/contacts/{contact}/reveal":        "nnnnys",
	"POST /sales/assign":                                         "yynnns",
	"GET /engagements/{id}/sales/reveals":                        "yyynns",
	"GET /api/v1/sales/accounts":                                 "yyyyys",
	"POST /api/v1/sales/accounts":                                "yynnns",
	"GET /api/v1/sales/accounts/{id}":                            "yyyyys",
	"GET /api/v1/sales/accounts/{id}/contacts":                   "yyyyys",
	"POST /api/v1/sales/accounts/{id}/contacts":                  "yynnns",
	"POST /api/v1/sales/accounts/{id}/contacts/{contact}/reveal": "nnnnys",
	"POST /api/v1/sales/assign":                                  "yynnns",
	"GET /api/v1/engagements/{id}/sales/reveals":                 "yyynns",
	"GET /sales/export/{format}":                                 "yynnns",
	"GET /api/v1/sales/export/{format}":                          "yynnns",
}

func init() {
	for k, v := range salesAccessMatrix {
		accessMatrix[k] = v
	}
}

// salesEnv is the fixture with A1 live and a small base: the agent's
// account with a contact, one of A1 without an agent, one of partner B,
// and one unassigned.
type salesEnv struct {
	*env
	mine, teamOnly, otherPartner, unassigned int64
	contact, phone                           int64
}

func newSalesEnv(t *testing.T, dialect string) *salesEnv {
	t.Helper()
	e := newEnv(t, dialect)
	f := e.f
	storetest.Activate(t, e.db, f.Owner, f.A1, nil)
	s := &salesEnv{env: e}
	add := func(name string, to store.Assignment) int64 {
		a := &sales.Account{Name: name, Country: "SE", City: "Malmö"}
		if err := e.db.Sales().CreateAccount(ctx, f.Manager, a); err != nil {
			t.Fatal(err)
		}
		if to.EngagementID != 0 {
			if _, err := e.db.Sales().Assign(ctx, f.Manager, store.AccountFilter{IDs: []int64{a.ID}}, to); err != nil {
				t.Fatal(err)
			}
		}
		c := &sales.Contact{AccountID: a.ID, Name: "Karin Nilsson of " + name, Phones: []sales.Detail{{Typed: "070-123 45 12"}},
			Emails: []sales.Detail{{Typed: "karin.nilsson@malmosyd.example"}}}
		if err := e.db.Sales().AddContact(ctx, f.Manager, c); err != nil {
			t.Fatal(err)
		}
		if to.AgentID == f.VendorAgent.MembershipID {
			s.contact, s.phone = c.ID, c.Phones[0].ID
		}
		return a.ID
	}
	s.mine = add("Hotell Malmö Syd AB", store.Assignment{EngagementID: f.A1, AgentID: f.VendorAgent.MembershipID})
	s.teamOnly = add("Uppsala Möbelhus", store.Assignment{EngagementID: f.A1})
	s.otherPartner = add("Tallinn Office Park", store.Assignment{EngagementID: f.B1})
	s.unassigned = add("Malmö Stadshotell", store.Assignment{})
	return s
}

// The contact details in full, in every form a page or an answer could
// show them; none may reach a partner's person outside a reveal.
var salesSecrets = []string{"+46701234512", "070-123 45 12", "+46 70 123 45 12", "karin.nilsson@", "Karin.Nilsson@"}

func TestSalesPagesAndAPIScopeAndMask(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			s := newSalesEnv(t, dialect)
			f := s.f
			names := map[int64]string{s.mine: "Hotell Malmö Syd AB", s.teamOnly: "Uppsala Möbelhus",
				s.otherPartner: "Tallinn Office Park", s.unassigned: "Malmö Stadshotell"}
			sees := map[string]struct {
				p   tandem.Principal
				ids []int64
			}{
				"agent":             {f.VendorAgent, []int64{s.mine}},
				"partner manager A": {f.VendorManager, []int64{s.mine, s.teamOnly}},
				"partner manager B": {f.VendorManagerB, []int64{s.otherPartner}},
			}
			notFound := s.anon().api("GET", "/api/v1/sales/accounts/999999", s.token(f.VendorAgent), "").body
			for who, x := range sees {
				c, tok := s.as(x.p), s.token(x.p)
				visible := map[int64]bool{}
				for _, id := range x.ids {
					visible[id] = true
				}
				// Lists and searches, page and API: only what is theirs.
				for _, q := range []string{"", "?q=malmo", "?q=" + url.QueryEscape("070 123 45 12"), "?q=karin.nilsson%40malmosyd.example"} {
					page := c.get("/sales/accounts" + q)
					api := s.anon().api("GET", "/api/v1/sales/accounts"+q, tok, "")
					if page.status != 200 || api.status != 200 {
						t.Fatalf("%s list %s: %d %d", who, q, page.status, api.status)
					}
					for id, name := range names {
						if !visible[id] && (strings.Contains(page.body, name) || strings.Contains(api.body, name)) {
							t.Errorf("%s list %s shows %s", who, q, name)
						}
					}
					if strings.Contains(q, "070") || strings.Contains(q, "40malmo") {
						if !strings.Contains(api.body, `"total":0`) {
							t.Errorf("%s's search %s matched a contact detail: %s", who, q, api.body)
						}
					}
				}
				for id, name := range names {
					path := fmt.Sprintf("/sales/accounts/%d", id)
					page, api := c.get(path), s.anon().api("GET", "/api/v1"+path, tok, "")
					contacts := s.anon().api("GET", "/api/v1"+path+"/contacts", tok, "")
					if !visible[id] {
						if page.status != 404 || api.status != 404 || contacts.status != 404 || api.body != notFound || contacts.body != notFound {
							t.Errorf("%s GET %s: %d %d %d %s", who, path, page.status, api.status, contacts.status, api.body)
						}
						continue
					}
					if page.status != 200 || api.status != 200 || contacts.status != 200 || !strings.Contains(page.body, name) {
						t.Fatalf("%s GET %s: %d %d %d", who, path, page.status, api.status, contacts.status)
					}
					// Masked on every path.
					for _, body := range []string{page.body, api.body, contacts.body} {
						for _, secret := range salesSecrets {
							if strings.Contains(body, secret) {
								t.Errorf("%s GET %s shows %q", who, path, secret)
							}
						}
						if !strings.Contains(body, "+46 70 ••• •• 12") || !strings.Contains(body, "k•••@malmosyd.example") {
							t.Errorf("%s GET %s lacks the masked details", who, path)
						}
					}
				}
				// No bulk listing: a partner's page holds at most 100 rows.
				if r := s.anon().api("GET", "/api/v1/sales/accounts?limit=200", tok, ""); !strings.Contains(r.body, `"limit":100`) {
					t.Errorf("%s's page limit: %s", who, r.body)
				}
			}
			// The client sees the details in full, and finds by them.
			tok := s.token(f.Manager)
			r := s.anon().api("GET", fmt.Sprintf("/api/v1/sales/accounts/%d", s.mine), tok, "")
			if !strings.Contains(r.body, `"value":"+46701234512"`) || !strings.Contains(r.body, `"typed":"070-123 45 12"`) {
				t.Errorf("the client's account: %s", r.body)
			}
			if r := s.anon().api("GET", "/api/v1/sales/accounts?q=karin.nilsson%40malmosyd.example", tok, ""); !strings.Contains(r.body, `"total":4`) {
				t.Errorf("the client's search by e-mail: %s", r.body)
			}
			if r := s.anon().api("GET", "/api/v1/sales/accounts?limit=200", tok, ""); !strings.Contains(r.body, `"limit":200`) {
				t.Errorf("the client's page limit: %s", r.body)
			}
			// An agent cannot reveal another's contact.
			other := s.anon().api("GET", fmt.Sprintf("/api/v1/sales/accounts/%d", s.teamOnly), s.token(f.Manager), "")
			var acc struct {
				ContactList []struct {
					ID     int64
					Phones []struct{ ID int64 }
				} `json:"contact_list"`
			}
			if err := json.Unmarshal([]byte(other.body), &acc); err != nil || len(acc.ContactList) != 1 {
				t.Fatalf("team account: %v %s", err, other.body)
			}
			cid, did := acc.ContactList[0].ID, acc.ContactList[0].Phones[0].ID
			r = s.anon().api("POST", fmt.Sprintf("/api/v1/sales/accounts/%d/contacts/%d/reveal", s.teamOnly, cid), s.token(f.VendorAgent),
				fmt.Sprintf(`{"detail_id":%d,"reason":"calling"}`, did))
			if r.status != 404 || r.body != notFound {
				t.Errorf("reveal of a contact not assigned to the agent: %d %s", r.status, r.body)
			}
		})
	}
}

func TestSalesRevealPagesAndQuota(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			s := newSalesEnv(t, dialect)
			f := s.f
			agent := s.as(f.VendorAgent)
			path := fmt.Sprintf("/sales/accounts/%d", s.mine)
			reveal := fmt.Sprintf("%s/contacts/%d/reveal", path, s.contact)
			// Without a reason: refused, localized, nothing revealed.
			r := agent.post(reveal, url.Values{"detail_id": {fmt.Sprint(s.phone)}, "reason": {""}})
			if r.status != 422 || strings.Contains(r.body, "+46 70 123 45 12") || !strings.Contains(r.body, "Fill this in.") {
				t.Errorf("reveal without a reason: %d", r.status)
			}
			r = agent.post(reveal, url.Values{"detail_id": {fmt.Sprint(s.phone)}, "reason": {"Calling back as agreed"}})
			if r.status != 200 || !strings.Contains(r.body, "+46 70 123 45 12") || r.header.Get("Cache-Control") != "no-store" {
				t.Fatalf("reveal: %d", r.status)
			}
			// Read again, masked.
			if r := agent.get(path); strings.Contains(r.body, "+46 70 123 45 12") || !strings.Contains(r.body, "+46 70 ••• •• 12") {
				t.Error("the page read again shows the detail")
			}
			tok := s.token(f.VendorAgent)
			body := fmt.Sprintf(`{"detail_id":%d,"reason":"Sending the offer"}`, s.phone)
			for i := 2; i <= 50; i++ {
				if r := s.anon().api("POST", "/api/v1"+reveal, tok, body); r.status != 200 || !strings.Contains(r.body, `"value":"+46701234512"`) {
					t.Fatalf("reveal %d: %d %s", i, r.status, r.body)
				}
			}
			// The 51st is refused, on the page in the agent's words and in the API.
			r = agent.post(reveal, url.Values{"detail_id": {fmt.Sprint(s.phone)}, "reason": {"One more"}})
			if r.status != 429 || !strings.Contains(r.body, "You have reached today&#39;s limit of 50 reveals. It starts again tomorrow.") ||
				strings.Contains(r.body, "+46 70 123 45 12") {
				t.Errorf("the 51st reveal: %d", r.status)
			}
			r = s.anon().api("POST", "/api/v1"+reveal, tok, body)
			if r.status != 429 || strings.Contains(r.body, "+46701234512") || !strings.Contains(r.body, "limit of 50 reveals") {
				t.Errorf("the 51st reveal by API: %d %s", r.status, r.body)
			}
			// Fifty in a few seconds is a burst: the client's owner is told.
			if r := s.as(f.Owner).get("/notifications"); !strings.Contains(r.body, "Agnes Agent revealed 21 contact details within 10 minutes.") {
				t.Error("the owner was not told of the burst")
			}
			if r := s.as(f.VendorManager).get("/notifications"); strings.Contains(r.body, "revealed 21") {
				t.Error("the partner manager was told of the burst")
			}
			// The client's log: page and API.
			log := fmt.Sprintf("/engagements/%d/sales/reveals", f.A1)
			if r := s.as(f.Manager).get(log); r.status != 200 || !strings.Contains(r.body, "Calling back as agreed") || !strings.Contains(r.body, "Agnes Agent") ||
				strings.Contains(r.body, "+46") {
				t.Errorf("the reveals log page: %d", r.status)
			}
			if r := s.anon().api("GET", "/api/v1"+log, s.token(f.Manager), ""); !strings.Contains(r.body, `"total":50`) || strings.Contains(r.body, "+46") {
				t.Errorf("the reveals log API: %s", r.body)
			}
			if r := s.anon().api("GET", "/api/v1"+log+fmt.Sprintf("?agent_id=%d", f.VendorManager.MembershipID), s.token(f.Manager), ""); !strings.Contains(r.body, `"total":0`) {
				t.Errorf("the reveals log of another person: %s", r.body)
			}
		})
	}
}

func TestSalesAssignAndCreatePages(t *testing.T) {
	t.Parallel()
	s := newSalesEnv(t, "sqlite")
	f := s.f
	m := s.as(f.Manager)
	// A bad phone number is refused next to its field, nothing added.
	r := m.post(fmt.Sprintf("/sales/accounts/%d/contacts", s.unassigned), url.Values{"name": {"Per"}, "phones": {"070 12"}})
	if r.status != 422 || !strings.Contains(r.body, "is not a phone number we can read") {
		t.Errorf("bad phone: %d", r.status)
	}
	r = m.post("/sales/accounts", url.Values{"name": {"Bergen Hotell"}, "country": {"NO"}, "status": {"prospect"}, "tags": {"Hotel, hotel, spa"}})
	if r.status != 303 {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	r = m.post(r.location+"/contacts", url.Values{"name": {"Ola Nordmann"}, "phones": {"412 34 567\n+46 8 123 456 78"}, "decision_maker": {"on"}})
	if r.status != 303 {
		t.Fatalf("add contact: %d", r.status)
	}
	if page := m.get(strings.TrimSuffix(r.location, "#contacts")); !strings.Contains(page.body, "+47 41 23 45 67") || !strings.Contains(page.body, "+46 8 123 456 78") {
		t.Error("the account page lacks the normalized numbers")
	}
	// Assign the unassigned Malmö account to the agent from the list.
	r = m.post("/sales/assign", url.Values{"id": {fmt.Sprint(s.unassigned)}, "scope": {"selected"},
		"to": {fmt.Sprintf("%d:%d", f.A1, f.VendorAgent.MembershipID)}})
	if r.status != 303 || !strings.Contains(r.location, "assigned=1") {
		t.Fatalf("assign: %d %s", r.status, r.location)
	}
	if page := m.get(r.location); !strings.Contains(page.body, "1 account assigned.") {
		t.Error("no confirmation")
	}
	if page := s.as(f.VendorAgent).get("/sales/accounts"); !strings.Contains(page.body, "Malmö Stadshotell") {
		t.Error("the agent does not see the newly assigned account")
	}
	// By filter: everything matching "malmo" (all four are in Malmö) goes back to the client.
	r = m.post("/sales/assign", url.Values{"scope": {"filter"}, "q": {"malmo"}, "to": {"0:0"}})
	if r.status != 303 || !strings.Contains(r.location, "assigned=4") {
		t.Fatalf("take back by filter: %d %s", r.status, r.location)
	}
	if page := s.as(f.VendorAgent).get("/sales/accounts"); strings.Contains(page.body, "Malmö") {
		t.Error("the agent still sees accounts taken back")
	}
	// In Russian with real plurals.
	m.post("/language", url.Values{"lang": {"ru"}, "next": {"/sales/accounts"}})
	if page := m.get("/sales/accounts?assigned=5"); !strings.Contains(page.body, "Назначено 5 компаний.") {
		t.Error("Russian plural")
	}
}

// The demo's base has 2,000 accounts, more than a list counts
// (tandem.CountCap): the assign panel does not name a number the pager
// does not show ("All 1,001 accounts" beside "More than 1,000 results").
func TestSalesAssignBeyondTheCount(t *testing.T) {
	t.Parallel()
	e := newDemoEnv(t)
	r := e.as(principalOf(t, e.db, demo.OwnerEmail)).get("/sales/accounts")
	if r.status != 200 {
		t.Fatalf("sales base: %d", r.status)
	}
	for _, want := range []string{"More than 1,000 results", "All accounts matching the search (more than 1,000)"} {
		if !strings.Contains(r.body, want) {
			t.Errorf("the sales base lacks %q", want)
		}
	}
	if strings.Contains(r.body, "1,001") {
		t.Error("the sales base names the capped count")
	}
}
