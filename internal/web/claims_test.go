package web_test

import (
	"encoding/json"
	"fmt"
	"html"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/money"
	"github.com/tandemhq/tandem/internal/sales"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
)

// The access rules of claims, in the matrix's order: owner, manager,
// viewer, partner manager, partner agent, anonymous. Everyone who sees the
// engagement reads its claims (scoped); the partner's people claim; the
// client's owners and managers decide and reverse.
var claimsAccessMatrix = map[string]string{
	"GET /engagements/{id}/sales/claims":                         "yyyyys",
	"POST /engagements/{id}/sales/claims":                        "nnnyys",
	"POST /engagements/{id}/sales/claims/{claim}/decide":         "yynnns",
	"POST /engagements/{id}/sales/claims/{claim}/reverse":        "yynnns",
	"GET /api/v1/engagements/{id}/sales/claims":                  "yyyyys",
	"POST /api/v1/engagements/{id}/sales/claims":                 "nnnyys",
	"POST /api/v1/engagements/{id}/sales/claims/{claim}/accept":  "yynnns",
	"POST /api/v1/engagements/{id}/sales/claims/{claim}/dispute": "yynnns",
	"POST /api/v1/engagements/{id}/sales/claims/{claim}/reverse": "yynnns",
}

func init() {
	for k, v := range claimsAccessMatrix {
		accessMatrix[k] = v
	}
}

// claimMsg is the English text of key as a page shows it (HTML-escaped).
func claimMsg(key string) string { return html.EscapeString(catalog.For(i18n.EN, nil).T(key)) }

type apiClaimOut struct {
	ID        int64  `json:"id"`
	Kind      string `json:"kind"`
	Status    string `json:"status"`
	Attempt   int    `json:"attempt"`
	Expired   bool   `json:"expired"`
	Revenue   int64  `json:"revenue_minor"`
	Currency  string `json:"currency"`
	DecidedBy string `json:"decided_by"`
}

// The API end to end: the agent claims a lead and a deal, partner B and
// the client's people cannot claim, nobody of another partner reads the
// claims (404, as for a missing one), the partner cannot accept its own
// claim (403), bad input is a localized field error, and the client
// accepts, disputes and reverses.
func TestClaimsAPI(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			s := newSalesEnv(t, dialect)
			f := s.f
			agent, mgr, vmB := s.token(f.VendorAgent), s.token(f.Manager), s.token(f.VendorManagerB)
			base := fmt.Sprintf("/api/v1/engagements/%d/sales/claims", f.A1)
			r := s.anon().api("POST", base, agent, fmt.Sprintf(`{"kind":"qualified_lead","subject_id":%d,"note":"CFO named, budget confirmed"}`, s.mine))
			if r.status != 201 {
				t.Fatalf("claim: %d %s", r.status, r.body)
			}
			var lead apiClaimOut
			json.Unmarshal([]byte(r.body), &lead)
			if lead.Status != "open" || lead.Attempt != 1 {
				t.Errorf("lead: %s", r.body)
			}
			// Deals: one still open, one won; partner B's engagement has another.
			open := &sales.Deal{EngagementID: f.A1, AccountID: s.mine, Title: "Spa weekend", Amount: money.Money{Amount: 300000}}
			won := &sales.Deal{EngagementID: f.A1, AccountID: s.mine, Title: "Conference hotel", Amount: money.Money{Amount: 1200000}, Stage: "won"}
			for _, d := range []*sales.Deal{open, won} {
				if err := s.db.Deals().Create(ctx, f.VendorAgent, d); err != nil {
					t.Fatal(err)
				}
			}
			// Bad input: a localized field error, nothing recorded.
			r = s.anon().api("POST", base+"?lang=ru", agent, fmt.Sprintf(`{"kind":"deal_won","subject_id":%d}`, open.ID))
			if r.status != 422 || !strings.Contains(r.body, `"field":"subject_id"`) || !strings.Contains(r.body, catalog.For(i18n.EN, nil).T("claims.deal_not_won")) {
				t.Errorf("a deal not won: %d %s", r.status, r.body)
			}
			if r := s.anon().api("POST", base, agent, `{"kind":"deal_won","subject_id":999999}`); r.status != 404 {
				t.Errorf("a missing deal: %d %s", r.status, r.body)
			}
			if r := s.anon().api("POST", base, agent, `{"kind":"deal_won","subject_id":7,"opened_on":"2026-03-01"}`); r.status != 422 {
				t.Errorf("the opening day is the deal's, not typed: %d %s", r.status, r.body)
			}
			r = s.anon().api("POST", base, agent, fmt.Sprintf(`{"kind":"deal_won","subject_id":%d}`, won.ID))
			var deal apiClaimOut
			json.Unmarshal([]byte(r.body), &deal)
			if r.status != 201 || deal.Revenue != 1200000 || deal.Currency == "" {
				t.Fatalf("deal: %d %s", r.status, r.body)
			}
			// A lead on an account the agent cannot see (another partner's,
			// unassigned) or that is missing: 404, as for a deal or a meeting.
			for _, id := range []int64{s.otherPartner, s.unassigned, 999999} {
				if r := s.anon().api("POST", base, agent, fmt.Sprintf(`{"kind":"qualified_lead","subject_id":%d,"note":"An account I cannot see"}`, id)); r.status != 404 {
					t.Errorf("a lead on account %d: %d %s", id, r.status, r.body)
				}
			}
			// Double claim: a conflict.
			if r := s.anon().api("POST", base, agent, fmt.Sprintf(`{"kind":"qualified_lead","subject_id":%d,"note":"again, the same account"}`, s.mine)); r.status != 409 {
				t.Errorf("double claim: %d %s", r.status, r.body)
			}
			// Partner B: 404 on A1's list and on the claim; 403 for the partner deciding.
			if r := s.anon().api("GET", base, vmB, ""); r.status != 404 {
				t.Errorf("partner B lists A1's claims: %d", r.status)
			}
			if r := s.anon().api("POST", fmt.Sprintf("%s/%d/accept", base, lead.ID), agent, ""); r.status != 403 {
				t.Errorf("the agent accepted their claim: %d", r.status)
			}
			if r := s.as(f.VendorAgent).post(fmt.Sprintf("/engagements/%d/sales/claims/%d/decide", f.A1, lead.ID), url.Values{"decision": {"accept"}}); r.status != 403 {
				t.Errorf("the agent accepted on the page: %d", r.status)
			}
			if r := s.anon().api("POST", fmt.Sprintf("/api/v1/engagements/%d/sales/claims/%d/accept", f.B1, lead.ID), mgr, ""); r.status != 404 {
				t.Errorf("a claim under another engagement: %d", r.status)
			}
			// The client: a dispute needs a reason; accept the lead and the deal, then reverse the deal.
			if r := s.anon().api("POST", fmt.Sprintf("%s/%d/dispute", base, lead.ID), mgr, `{"reason":""}`); r.status != 422 || !strings.Contains(r.body, `"field":"reason"`) {
				t.Errorf("dispute without reason: %d %s", r.status, r.body)
			}
			for _, id := range []int64{lead.ID, deal.ID} {
				if r := s.anon().api("POST", fmt.Sprintf("%s/%d/accept", base, id), mgr, ""); r.status != 200 || !strings.Contains(r.body, `"status":"accepted"`) {
					t.Errorf("accept %d: %d %s", id, r.status, r.body)
				}
			}
			if r := s.anon().api("POST", fmt.Sprintf("%s/%d/reverse", base, lead.ID), mgr, `{"reason":"no"}`); r.status != 409 {
				t.Errorf("a lead reversed: %d %s", r.status, r.body)
			}
			if r := s.anon().api("POST", fmt.Sprintf("%s/%d/reverse", base, deal.ID), mgr, `{"reason":"The customer cancelled"}`); r.status != 200 || !strings.Contains(r.body, `"status":"reversed"`) {
				t.Errorf("reverse: %d %s", r.status, r.body)
			}
			// Lists: the agent sees their two claims, the viewer too.
			for _, tok := range []string{agent, s.token(f.Viewer), s.token(f.VendorManager)} {
				if r := s.anon().api("GET", base, tok, ""); r.status != 200 || !strings.Contains(r.body, `"total":2`) {
					t.Errorf("list: %d %s", r.status, r.body)
				}
			}
		})
	}
}

// The pages: the agent claims a lead from the form (an error first), the
// manager sees it awaiting with the window's end and accepts it; partner
// B gets 404 for the page.
func TestClaimsPages(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			s := newSalesEnv(t, dialect)
			f := s.f
			path := fmt.Sprintf("/engagements/%d/sales/claims", f.A1)
			agent := s.as(f.VendorAgent)
			page := agent.get(fmt.Sprintf("/sales/accounts/%d", s.mine))
			if !strings.Contains(page.body, path+"?kind=qualified_lead&amp;account_id=") {
				t.Errorf("the account page has no claim link")
			}
			r := agent.post(path, url.Values{"kind": {"qualified_lead"}, "account_id": {fmt.Sprint(s.mine)}, "note": {"short"}})
			if r.status != 422 || !strings.Contains(r.body, claimMsg("claims.note_short")) {
				t.Errorf("short note: %d", r.status)
			}
			r = agent.post(path, url.Values{"kind": {"qualified_lead"}, "account_id": {fmt.Sprint(s.teamOnly)}, "note": {"Budget and need confirmed"}})
			if r.status != 404 { // an account the agent cannot see: the same answer as a missing one
				t.Errorf("another's account: %d", r.status)
			}
			if r := agent.post(path, url.Values{"kind": {"qualified_lead"}, "account_id": {fmt.Sprint(s.mine)}, "note": {"Budget and need confirmed"}}); r.status != 303 {
				t.Fatalf("claim: %d %s", r.status, r.body)
			}
			if r := s.as(f.VendorManagerB).get(path); r.status != 404 {
				t.Errorf("partner B: %d", r.status)
			}
			m := s.as(f.Manager)
			page = m.get(path)
			if page.status != 200 || !strings.Contains(page.body, "Hotell Malmö Syd AB") || !strings.Contains(page.body, claimMsg("claims.accept")) {
				t.Fatalf("manager's page: %d", page.status)
			}
			cs, _ := s.db.Claims().List(ctx, f.Manager, f.A1, store.ClaimFilter{})
			if len(cs) != 1 {
				t.Fatalf("claims: %d", len(cs))
			}
			if r := m.post(fmt.Sprintf("%s/%d/decide", path, cs[0].ID), url.Values{"decision": {"dispute"}}); r.status != 422 {
				t.Errorf("dispute without a reason: %d", r.status)
			}
			if r := m.post(fmt.Sprintf("%s/%d/decide", path, cs[0].ID), url.Values{"decision": {"accept"}}); r.status != 303 {
				t.Errorf("accept: %d", r.status)
			}
			c, err := s.db.Claims().Get(ctx, f.Manager, f.A1, cs[0].ID)
			if err != nil || c.Status != sales.ClaimAccepted {
				t.Errorf("after accept: %+v %v", c, err)
			}
			// The agent was told, with a link to the claims page.
			if n := agent.get("/notifications"); !strings.Contains(n.body, claimMsg("notify.sales.claim_accepted.qualified_lead")) || !strings.Contains(n.body, path) {
				t.Errorf("the agent's notifications lack the decision")
			}
		})
	}
}

// A client manager accepts a qualified lead on the claims page and sees
// the engagement's scorecard move from no data to 1.
func TestBrowserManagerAcceptsLeadAndScorecardMoves(t *testing.T) {
	t.Parallel()
	s := newSalesEnv(t, "sqlite")
	f := s.f
	if _, err := s.db.Claims().Create(ctx, f.VendorAgent, f.A1, sales.NewClaim{Kind: sales.ClaimLead, SubjectID: s.mine,
		Note: "Hotel manager wants a demo, budget approved"}); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, s.env)
	b.signIn("manager@example.com")
	b.open(fmt.Sprintf("/engagements/%d/scorecard", f.A1))
	before := b.text("#kpi-qualified-leads td")
	if before == "1" {
		t.Fatalf("the scorecard shows a lead before any was accepted")
	}
	// The home names what is claimed and leads to the claim.
	b.open("/")
	link := `a.wait-title[href*="/sales/claims#claim-"]`
	if got, want := b.text(link), b.msg(i18n.EN, "claims.kind.qualified_lead")+": Hotell Malmö Syd AB"; got != want {
		t.Errorf("the home's claim: %q, want %q", got, want)
	}
	if st := b.click(link); st != 200 {
		t.Fatalf("the home's claim link: status %d", st)
	}
	b.wantText("main h1", b.msg(i18n.EN, "claims.title"))
	if !strings.Contains(b.text("#awaiting"), "Hotell Malmö Syd AB") {
		t.Fatalf("the lead is not awaiting a decision")
	}
	if st := b.click(`#awaiting button.btn-primary`); st != 200 {
		t.Fatalf("accept: status %d", st)
	}
	b.wantText(".flash", b.msg(i18n.EN, "claims.flash_accepted"))
	if !strings.Contains(b.text("#decided"), b.msg(i18n.EN, "claims.status.accepted")) {
		t.Errorf("the lead is not among the decided claims")
	}
	b.shot("claims-accepted")
	b.click(`a[href$="/scorecard"]`)
	// The page opens on the last complete month when the terms were in
	// force in it; the result counts in this month, one step on.
	if b.count("#next-period") > 0 {
		b.click("#next-period")
	}
	b.do("wait for the scorecard", chromedp.WaitVisible(chromedp.CSS("#kpis")))
	if got := b.text("#kpi-qualified-leads td"); got != "1" {
		t.Errorf("qualified leads on the scorecard: %q (before %q)", got, before)
	}
}
