package web_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/money"
	"github.com/tandemhq/tandem/internal/sales"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
)

// newTestDeal adds a deal on the agent's account of A1 in stage (the
// first open stage when "").
func newTestDeal(t *testing.T, s *salesEnv, title string, amount int64, stage string) *sales.Deal {
	t.Helper()
	d := &sales.Deal{EngagementID: s.f.A1, AccountID: s.mine, Title: title, Amount: money.Money{Amount: amount}, Stage: stage}
	if err := s.db.Deals().Create(ctx, s.f.VendorAgent, d); err != nil {
		t.Fatal(err)
	}
	return d
}

// The pieces wired together, on both databases: the claim buttons where
// the work happens (deal page, a won card, a held meeting on the
// timeline) for the partner's people only; the claim form picks the won
// deal and the held meeting; the claims page names the subjects, never a
// raw id; Today lists the agent's open deals with no next step; the move
// forms ask before a lost stage.
func TestSalesClaimWiringPages(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			s := newSalesEnv(t, dialect)
			f := s.f
			won := newTestDeal(t, s, "Conference hotel", 1200000, "won")
			idle := newTestDeal(t, s, "Spa weekend", 300000, "")
			held := &sales.Activity{Kind: sales.KindMeeting, AccountID: s.mine, ScheduledAt: s.db.Now().Add(-2 * time.Hour), Status: sales.MeetingHeld}
			if err := s.db.Sales().LogActivity(ctx, f.VendorAgent, held, store.LogOptions{}); err != nil {
				t.Fatal(err)
			}
			agent, mgr := s.as(f.VendorAgent), s.as(f.Manager)
			claims := fmt.Sprintf("/engagements/%d/sales/claims", f.A1)
			dealURL := fmt.Sprintf("/engagements/%d/sales/deals/%d", f.A1, won.ID)
			claimDeal := claimMsg("claims.claim_deal")
			if p := agent.get(dealURL); !strings.Contains(p.body, claimDeal) || !strings.Contains(p.body, `data-lost-stages="lost"`) {
				t.Errorf("the agent's won deal page lacks the claim button or the lost confirmation")
			}
			if p := agent.get(fmt.Sprintf("/engagements/%d/sales/deals/%d", f.A1, idle.ID)); strings.Contains(p.body, claimDeal) {
				t.Errorf("an open deal offers a claim")
			}
			if p := mgr.get(dealURL); strings.Contains(p.body, claimDeal) {
				t.Errorf("the client is offered to claim")
			}
			if p := agent.get(fmt.Sprintf("/engagements/%d/sales/board", f.A1)); strings.Count(p.body, claimDeal) != 1 {
				t.Errorf("the board offers %d claims, want the won card's one", strings.Count(p.body, claimDeal))
			}
			if p := agent.get(fmt.Sprintf("/sales/accounts/%d", s.mine)); !strings.Contains(p.body, claimMsg("claims.claim_meeting")) {
				t.Errorf("the timeline lacks Claim this meeting")
			}
			if p := mgr.get(fmt.Sprintf("/sales/accounts/%d", s.mine)); strings.Contains(p.body, claimMsg("claims.claim_meeting")) {
				t.Errorf("the client is offered to claim a meeting")
			}
			// The form lists the won deal and the held meeting to pick from.
			p := agent.get(claims)
			if !strings.Contains(p.body, fmt.Sprintf(`value="%d"`, won.ID)) || !strings.Contains(p.body, "Conference hotel — Hotell Malmö Syd AB") ||
				!strings.Contains(p.body, fmt.Sprintf(`value="%d"`, held.ID)) || strings.Contains(p.body, `name="subject_id"`) {
				t.Errorf("the claim form does not pick deals and meetings")
			}
			// The open deal claimed from a forged form: a field error, nothing written.
			r := agent.post(claims, url.Values{"kind": {"deal_won"}, "deal_id": {fmt.Sprint(idle.ID)}})
			if r.status != 422 || !strings.Contains(r.body, claimMsg("claims.deal_not_won")) {
				t.Errorf("an open deal claimed: %d", r.status)
			}
			for _, v := range []url.Values{{"kind": {"deal_won"}, "deal_id": {fmt.Sprint(won.ID)}},
				{"kind": {"meeting_held"}, "meeting_id": {fmt.Sprint(held.ID)}}} {
				if r := agent.post(claims, v); r.status != 303 {
					t.Fatalf("claim %v: %d %s", v, r.status, r.body)
				}
			}
			if p := agent.get(dealURL); strings.Contains(p.body, claimDeal) {
				t.Errorf("a claimed deal offers a claim again")
			}
			if p := agent.get(fmt.Sprintf("/sales/accounts/%d", s.mine)); strings.Contains(p.body, claimMsg("claims.claim_meeting")) {
				t.Errorf("a claimed meeting offers a claim again")
			}
			if p := agent.get(fmt.Sprintf("/engagements/%d/sales/board", f.A1)); strings.Contains(p.body, claimDeal) {
				t.Errorf("the board offers a claimed deal again")
			}
			// The client's page names the deal, the meeting's time and the account, with links.
			p = mgr.get(claims)
			for _, want := range []string{">Conference hotel</a>", `href="` + dealURL + `"`, fmt.Sprintf(`href="/sales/accounts/%d"`, s.mine),
				fmt.Sprintf(`#activity-%d"`, held.ID), claimMsg("claims.confirm_dispute")} {
				if !strings.Contains(p.body, want) {
					t.Errorf("the claims page lacks %s", want)
				}
			}
			if strings.Contains(p.body, fmt.Sprintf("No. %d", won.ID)) {
				t.Errorf("the claims page shows a raw id")
			}
			// Accepted, the deal does not leave the won stage until the client reverses the claim.
			cs, err := s.db.Claims().List(ctx, f.Manager, f.A1, store.ClaimFilter{})
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range cs {
				if c.Kind == sales.ClaimDeal {
					if _, err := s.db.Claims().Decide(ctx, f.Manager, f.A1, c.ID, sales.Accept, ""); err != nil {
						t.Fatal(err)
					}
				}
			}
			r = agent.post(dealURL+"/stage", url.Values{"stage": {"lost"}, "lost_reason": {"price"}})
			if r.status != 409 || !strings.Contains(r.body, claimMsg("deals.claim_accepted")) {
				t.Errorf("an accepted deal moved to lost: %d", r.status)
			}
			if d, err := s.db.Deals().Get(ctx, f.Manager, won.ID); err != nil || d.Deal.Stage != "won" {
				t.Errorf("after the refused move: %+v %v", d, err)
			}
			// Today: the open deal without a next step, linked to its page; not the won one.
			p = agent.get("/sales/today")
			if !strings.Contains(p.body, `id="no-next-step"`) || !strings.Contains(p.body, fmt.Sprintf("/sales/deals/%d", idle.ID)) ||
				strings.Contains(p.body, fmt.Sprintf("/sales/deals/%d\"", won.ID)) {
				t.Errorf("Today lacks the deal with no next step")
			}
		})
	}
}

// The agent claims a won deal from the deal page; the client's manager
// accepts it on the claims page and sees the scorecard's deals won move.
func TestBrowserAgentClaimsWonDealClientAccepts(t *testing.T) {
	t.Parallel()
	s := newSalesEnv(t, "sqlite")
	f := s.f
	won := newTestDeal(t, s, "Conference hotel", 1200000, "won")
	b := newBrowser(t, s.env)
	b.signIn(f.VendorAgent.Email)
	b.open(fmt.Sprintf("/engagements/%d/sales/deals/%d", f.A1, won.ID))
	if st := b.click("form.claim-deal button"); st != 200 {
		t.Fatalf("claim: status %d", st)
	}
	b.wantText(".flash", b.msg(i18n.EN, "claims.flash_created"))
	if !strings.Contains(b.text("#awaiting"), "Conference hotel") {
		t.Fatalf("the deal is not awaiting the client")
	}
	// Another deal moved into the lost stage: the page asks first, then says it is moved.
	lost := newTestDeal(t, s, "Spa weekend", 300000, "")
	b.open(fmt.Sprintf("/engagements/%d/sales/deals/%d", f.A1, lost.ID))
	b.do("choose lost", chromedp.SetValue(chromedp.CSS(`form.move-deal select[name="stage"]`), "lost"),
		chromedp.SetValue(chromedp.CSS(`form.move-deal select[name="lost_reason"]`), "price"))
	if st := b.click(`form.move-deal button[type="submit"]`); st != 200 {
		t.Fatalf("move: status %d", st)
	}
	if asked := b.asked(); len(asked) != 1 || asked[0] != b.msg(i18n.EN, "deals.confirm_lost") {
		t.Errorf("asked before the lost move: %q", asked)
	}
	b.wantText(".flash", b.msg(i18n.EN, "flash.engagements.sales.deals.stage"))

	m := newBrowser(t, s.env)
	m.signIn("manager@example.com")
	m.open(fmt.Sprintf("/engagements/%d/scorecard", f.A1))
	before := m.text("#kpi-deals td")
	if before == "1" {
		t.Fatalf("the scorecard shows a deal won before any was accepted")
	}
	m.open(fmt.Sprintf("/engagements/%d/sales/claims", f.A1))
	if !strings.Contains(m.text("#awaiting"), "Conference hotel") {
		t.Fatalf("the manager does not see the deal awaiting")
	}
	if st := m.click(`#awaiting button.btn-primary`); st != 200 {
		t.Fatalf("accept: status %d", st)
	}
	m.wantText(".flash", m.msg(i18n.EN, "claims.flash_accepted"))
	m.click(`a[href$="/scorecard"]`)
	// The page opens on the last complete month when the terms were in
	// force in it; the result counts in this month, one step on.
	if m.count("#next-period") > 0 {
		m.click("#next-period")
	}
	m.do("wait for the scorecard", chromedp.WaitVisible(chromedp.CSS("#kpis")))
	if got := m.text("#kpi-deals td"); got != "1" {
		t.Errorf("deals won on the scorecard: %q (before %q)", got, before)
	}
}
