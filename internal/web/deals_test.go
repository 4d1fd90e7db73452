package web_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/money"
	"github.com/tandemhq/tandem/internal/sales"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
)

// The access rules of deals and the pipeline, in the matrix's order:
// owner, manager, viewer, partner manager, partner agent, anonymous.
// Everyone who sees the engagement reads its board, funnel and deals; all
// but viewers add, edit and move deals (which deals: the sales scope).
var dealsAccessMatrix = map[string]string{
	"GET /engagements/{id}/sales/board":                      "yyyyys",
	"GET /engagements/{id}/sales/funnel":                     "yyyyys",
	"GET /engagements/{id}/sales/deals/new":                  "yynyys",
	"POST /engagements/{id}/sales/deals":                     "yynyys",
	"GET /engagements/{id}/sales/deals/{deal}":               "yyyyys",
	"GET /engagements/{id}/sales/deals/{deal}/edit":          "yynyys",
	"POST /engagements/{id}/sales/deals/{deal}":              "yynyys",
	"POST /engagements/{id}/sales/deals/{deal}/stage":        "yynyys",
	"GET /api/v1/engagements/{id}/sales/deals":               "yyyyys",
	"POST /api/v1/engagements/{id}/sales/deals":              "yynyys",
	"GET /api/v1/engagements/{id}/sales/deals/{deal}":        "yyyyys",
	"PATCH /api/v1/engagements/{id}/sales/deals/{deal}":      "yynyys",
	"POST /api/v1/engagements/{id}/sales/deals/{deal}/stage": "yynyys",
	"GET /api/v1/engagements/{id}/sales/funnel":              "yyyyys",
}

func init() {
	for k, v := range dealsAccessMatrix {
		accessMatrix[k] = v
	}
}

// dealsEnv is the sales fixture with three deals: the agent's on their
// account, one on A1's account without an agent, one on partner B's.
type dealsEnv struct {
	*salesEnv
	mine, team, other *sales.Deal
}

func newDealsEnv(t *testing.T, dialect string) *dealsEnv {
	t.Helper()
	s := newSalesEnv(t, dialect)
	f := s.f
	add := func(p tandem.Principal, eid, acc int64, title string, amount int64, stage string) *sales.Deal {
		d := &sales.Deal{EngagementID: eid, AccountID: acc, Title: title, Amount: money.Money{Amount: amount}, Stage: stage}
		if err := s.db.Deals().Create(ctx, p, d); err != nil {
			t.Fatal(err)
		}
		return d
	}
	return &dealsEnv{salesEnv: s,
		mine:  add(f.VendorAgent, f.A1, s.mine, "Chairs for 40 rooms", 1000000, "presented"),
		team:  add(f.Manager, f.A1, s.teamOnly, "Showroom lamps", 500000, "proposal_sent"),
		other: add(f.Manager, f.B1, s.otherPartner, "Tallinn sofas", 250050, "proposal_sent")}
}

func TestDealsPagesAndAPIScope(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			s := newDealsEnv(t, dialect)
			f := s.f
			deals := map[int64]*sales.Deal{s.mine.ID: s.mine, s.team.ID: s.team, s.other.ID: s.other}
			sees := map[string]struct {
				p   tandem.Principal
				ids []int64
			}{
				"agent":             {f.VendorAgent, []int64{s.mine.ID}},
				"partner manager A": {f.VendorManager, []int64{s.mine.ID, s.team.ID}},
				"partner manager B": {f.VendorManagerB, []int64{s.other.ID}},
				"viewer":            {f.Viewer, []int64{s.mine.ID, s.team.ID, s.other.ID}},
			}
			for who, x := range sees {
				c, tok := s.as(x.p), s.token(x.p)
				visible := map[int64]bool{}
				for _, id := range x.ids {
					visible[id] = true
				}
				notFoundPage := c.get(fmt.Sprintf("/engagements/%d/sales/deals/999999", f.A1))
				notFoundAPI := s.anon().api("GET", fmt.Sprintf("/api/v1/engagements/%d/sales/deals/999999", f.A1), tok, "")
				for id, d := range deals {
					path := fmt.Sprintf("/engagements/%d/sales/deals/%d", d.EngagementID, id)
					page, api := c.get(path), s.anon().api("GET", "/api/v1"+path, tok, "")
					if visible[id] {
						if page.status != 200 || api.status != 200 || !strings.Contains(page.body, d.Title) || !strings.Contains(api.body, `"history":[{`) {
							t.Errorf("%s GET %s: %d %d", who, path, page.status, api.status)
						}
						continue
					}
					if page.status != 404 || api.status != 404 || strings.Contains(page.body, d.Title) {
						t.Errorf("%s GET %s: %d %d; want 404", who, path, page.status, api.status)
					}
					if d.EngagementID == f.A1 && (strings.ReplaceAll(page.body, path, "P") != strings.ReplaceAll(notFoundPage.body,
						fmt.Sprintf("/engagements/%d/sales/deals/999999", f.A1), "P") || api.body != notFoundAPI.body) {
						t.Errorf("%s GET %s: a different 404 than a missing deal's", who, path)
					}
					if x.p.Role != tandem.RoleViewer {
						move := c.post(path+"/stage", url.Values{"stage": {"won"}})
						apiMove := s.anon().api("POST", "/api/v1"+path+"/stage", tok, `{"stage":"won"}`)
						patch := s.anon().api("PATCH", "/api/v1"+path, tok, `{"title":"Mine now"}`)
						if move.status != 404 || apiMove.status != 404 || patch.status != 404 {
							t.Errorf("%s moves %s: %d %d %d", who, path, move.status, apiMove.status, patch.status)
						}
					}
				}
				// The board and the list show only theirs.
				for _, eid := range []int64{f.A1, f.B1} {
					board := c.get(fmt.Sprintf("/engagements/%d/sales/board", eid))
					list := s.anon().api("GET", fmt.Sprintf("/api/v1/engagements/%d/sales/deals?limit=200", eid), tok, "")
					for id, d := range deals {
						if d.EngagementID != eid {
							continue
						}
						if board.status == 200 && visible[id] != strings.Contains(board.body, d.Title) {
							t.Errorf("%s board %d shows %s: %v", who, eid, d.Title, !visible[id])
						}
						if list.status == 200 && visible[id] != strings.Contains(list.body, d.Title) {
							t.Errorf("%s list %d shows %s: %v", who, eid, d.Title, !visible[id])
						}
					}
					if list.status == 200 && !strings.Contains(list.body, `"limit":100`) {
						t.Errorf("%s's page of deals is not held to 100: %.200s", who, list.body)
					}
				}
			}
			// The partner's people cannot see the board of another partner's engagement.
			for _, p := range []tandem.Principal{f.VendorAgent, f.VendorManager} {
				if r := s.as(p).get(fmt.Sprintf("/engagements/%d/sales/board", f.B1)); r.status != 404 {
					t.Errorf("%s board of B1: %d", p.Role, r.status)
				}
				if r := s.anon().api("GET", fmt.Sprintf("/api/v1/engagements/%d/sales/funnel", f.B1), s.token(p), ""); r.status != 404 {
					t.Errorf("%s funnel of B1: %d", p.Role, r.status)
				}
			}
		})
	}
}

func TestDealsBoardFiguresAndMoves(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			s := newDealsEnv(t, dialect)
			f := s.f
			en := catalog.For(i18n.EN, nil)
			agent, tok := s.as(f.VendorAgent), s.token(f.VendorAgent)
			// Two more on the agent's account in "proposal sent" (50 %):
			// 5 000,00 (the team's, which the agent does not see) + 5 000,00 + 2 500,50.
			for _, in := range []string{`{"account_id":%d,"title":"Desks","amount_minor":500000,"stage":"proposal_sent","next_step_on":"2099-01-01"}`,
				`{"account_id":%d,"title":"Lamps","amount_minor":250050,"stage":"proposal_sent"}`} {
				r := s.anon().api("POST", fmt.Sprintf("/api/v1/engagements/%d/sales/deals", f.A1), tok, fmt.Sprintf(in, s.salesEnv.mine))
				if r.status != 201 || !strings.Contains(r.body, `"currency":"SEK"`) || !strings.Contains(r.body, `"from":""`) {
					t.Fatalf("create by API: %d %s", r.status, r.body)
				}
			}
			board := agent.get(fmt.Sprintf("/engagements/%d/sales/board", f.A1))
			// Presented (40 %): 10 000,00 → 4 000,00. Proposal sent (50 %):
			// (5 000,00 + 2 500,50) × 50 % = 3 750,25.
			for _, want := range []string{en.T("deals.weighted", "value", en.Money(money.New(400000, "SEK"))),
				en.T("deals.weighted", "value", en.Money(money.New(375025, "SEK"))), en.N("deals.count", 2),
				en.T("contract.stage.proposal_sent"), en.T("deals.no_next_step")} {
				if !strings.Contains(board.body, want) {
					t.Errorf("the agent's board lacks %q", want)
				}
			}
			// The owner sees the team's deal too: 3 deals, (5 000,00 + 5 000,00 + 2 500,50) × 50 % = 6 250,25.
			owner := s.as(f.Owner).get(fmt.Sprintf("/engagements/%d/sales/board", f.A1))
			if !strings.Contains(owner.body, en.T("deals.weighted", "value", en.Money(money.New(625025, "SEK")))) || !strings.Contains(owner.body, en.N("deals.count", 3)) {
				t.Error("the owner's board figures")
			}
			// Lost without a reason, on the page and in the API: a field error, nothing changes.
			path := fmt.Sprintf("/engagements/%d/sales/deals/%d", f.A1, s.mine.ID)
			r := agent.post(path+"/stage", url.Values{"stage": {"lost"}, "back": {fmt.Sprintf("/engagements/%d/sales/board", f.A1)}})
			if r.status != 422 || !strings.Contains(r.body, en.T("validation.required")) || !strings.Contains(r.body, en.T("contract.lost_reason.price")) {
				t.Errorf("lost without a reason: %d", r.status)
			}
			r = s.anon().api("POST", "/api/v1"+path+"/stage", tok, `{"stage":"lost"}`)
			var e struct {
				Error struct {
					Fields []struct{ Field, Message string }
				}
			}
			if json.Unmarshal([]byte(r.body), &e); r.status != 422 || len(e.Error.Fields) != 1 || e.Error.Fields[0].Field != "lost_reason" {
				t.Errorf("API lost without a reason: %d %s", r.status, r.body)
			}
			if r := s.anon().api("GET", "/api/v1"+path, tok, ""); !strings.Contains(r.body, `"stage":"presented"`) || strings.Count(r.body, `"to":`) != 1 {
				t.Errorf("a refused move changed the deal: %s", r.body)
			}
			// With a reason, from the board: back to the board; the history shows both.
			r = agent.post(path+"/stage", url.Values{"stage": {"lost"}, "lost_reason": {"price"}, "back": {fmt.Sprintf("/engagements/%d/sales/board", f.A1)}})
			if r.status != 303 || r.location != fmt.Sprintf("/engagements/%d/sales/board", f.A1) {
				t.Errorf("lost with a reason: %d %s", r.status, r.location)
			}
			// An address outside the sales pages is not followed.
			r = agent.post(path+"/stage", url.Values{"stage": {"presented"}, "back": {"https://evil.example/"}})
			if r.status != 303 || r.location != path {
				t.Errorf("back elsewhere: %d %s", r.status, r.location)
			}
			page := agent.get(path)
			for _, want := range []string{en.T("deals.created"), en.T("contract.stage.lost"), en.T("contract.lost_reason.price"), "Agnes Agent"} {
				if !strings.Contains(page.body, want) {
					t.Errorf("the deal's history lacks %q", want)
				}
			}
			// The funnel as JSON: all four of A1 reached "new"; the owner's view.
			r = s.anon().api("GET", fmt.Sprintf("/api/v1/engagements/%d/sales/funnel", f.A1), s.token(f.Owner), "")
			var fu struct {
				Deals int
				Steps []struct {
					Stage   string
					Reached int
					Next    *int
				}
			}
			if err := json.Unmarshal([]byte(r.body), &fu); err != nil || fu.Deals != 4 || fu.Steps[0].Stage != "new" || fu.Steps[0].Reached != 4 {
				t.Errorf("funnel: %v %s", err, r.body)
			}
			// presented reached by 4 (all passed it or beyond), proposal sent by 3.
			if fu.Steps[4].Stage != "presented" || fu.Steps[4].Reached != 4 || *fu.Steps[4].Next != 3 {
				t.Errorf("funnel presented: %+v", fu.Steps[4])
			}
			fp := s.as(f.Owner).get(fmt.Sprintf("/engagements/%d/sales/funnel", f.A1))
			if fp.status != 200 || !strings.Contains(fp.body, `role="img"`) || !strings.Contains(fp.body, en.Percent(3, 4, 0)) || !strings.Contains(fp.body, "<desc") {
				t.Errorf("funnel page: %d", fp.status)
			}
			// The account page lists its deals with a way to add one.
			acc := agent.get(fmt.Sprintf("/sales/accounts/%d", s.salesEnv.mine))
			if !strings.Contains(acc.body, "Chairs for 40 rooms") || !strings.Contains(acc.body, fmt.Sprintf("/engagements/%d/sales/deals/new?account=%d", f.A1, s.salesEnv.mine)) {
				t.Error("the account page's deals")
			}
			// Adding from the form, the amount as the reader writes it.
			r = agent.post(fmt.Sprintf("/engagements/%d/sales/deals", f.A1), url.Values{"account_id": {fmt.Sprint(s.salesEnv.mine)},
				"title": {"Beds"}, "amount": {"12,345.60"}, "stage": {"new"}, "next_step_on": {"2099-02-01"}})
			if r.status != 303 {
				t.Fatalf("add a deal: %d %s", r.status, r.body)
			}
			if r := s.anon().api("GET", "/api/v1"+r.location, tok, ""); !strings.Contains(r.body, `"amount_minor":1234560`) {
				t.Errorf("the added deal: %s", r.body)
			}
			r = agent.post(fmt.Sprintf("/engagements/%d/sales/deals", f.A1), url.Values{"account_id": {fmt.Sprint(s.salesEnv.mine)},
				"title": {""}, "amount": {"12.5.6"}})
			if r.status != 422 || !strings.Contains(r.body, en.T("validation.number")) {
				t.Errorf("a bad amount: %d", r.status)
			}
		})
	}
}

func TestDealsEditAndNextStepFlag(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			s := newDealsEnv(t, dialect)
			f := s.f
			en := catalog.For(i18n.EN, nil)
			agent, tok := s.as(f.VendorAgent), s.token(f.VendorAgent)
			path := fmt.Sprintf("/engagements/%d/sales/deals/%d", f.A1, s.mine.ID)
			form := agent.get(path + "/edit")
			if form.status != 200 || !strings.Contains(form.body, `value="10,000.00"`) || !strings.Contains(form.body, "Chairs for 40 rooms") {
				t.Fatalf("edit form: %d", form.status)
			}
			if page := agent.get(path); !strings.Contains(page.body, en.T("deals.no_next_step")) {
				t.Error("a deal without a next step is not flagged")
			}
			r := agent.post(path, url.Values{"title": {"Chairs for 42 rooms"}, "amount": {"10,500.00"}, "next_step": {"Call the manager"},
				"next_step_on": {"2099-03-01"}, "owner_id": {fmt.Sprint(f.VendorAgent.MembershipID)}})
			if r.status != 303 || r.location != path {
				t.Fatalf("update: %d %s", r.status, r.body)
			}
			page := agent.get(path)
			if strings.Contains(page.body, en.T("deals.no_next_step")) || !strings.Contains(page.body, "Call the manager") ||
				!strings.Contains(page.body, en.Money(money.New(1050000, "SEK"))) {
				t.Error("the updated deal")
			}
			// A past next step date flags it again, by the API.
			r = s.anon().api("PATCH", "/api/v1"+path, tok, `{"next_step_on":"2020-01-01"}`)
			if r.status != 200 || !strings.Contains(r.body, `"no_next_step":true`) || !strings.Contains(r.body, `"title":"Chairs for 42 rooms"`) {
				t.Errorf("patch: %d %s", r.status, r.body)
			}
			// The page says the next step is overdue, and since when — not
			// that there is none.
			page = agent.get(path)
			if !strings.Contains(page.body, en.T("deals.next_step_overdue")) || !strings.Contains(page.body, en.T("deals.next_step_was", "date", en.Date(time.Date(2020, 1, 1, 12, 0, 0, 0, time.UTC)))) ||
				strings.Contains(page.body, en.T("deals.no_next_step")) {
				t.Error("a deal whose next step has passed is not flagged as overdue")
			}
			// Bad input changes nothing.
			r = s.anon().api("PATCH", "/api/v1"+path, tok, `{"title":"","amount_minor":-5}`)
			if r.status != 422 || !strings.Contains(r.body, `"field":"title"`) || !strings.Contains(r.body, `"field":"amount"`) {
				t.Errorf("bad patch: %d %s", r.status, r.body)
			}
			if r := s.anon().api("GET", "/api/v1"+path, tok, ""); !strings.Contains(r.body, `"amount_minor":1050000`) {
				t.Errorf("after a refused patch: %s", r.body)
			}
			// The viewer reads, and has no edit or move controls.
			if r := s.as(f.Viewer).get(path); r.status != 200 || strings.Contains(r.body, path+"/edit") || strings.Contains(r.body, path+"/stage") {
				t.Errorf("the viewer's deal page: %d", r.status)
			}
		})
	}
}
