package web_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/money"
	"github.com/tandemhq/tandem/internal/sales"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/tandem"
)

// The owner opens Tandem on Monday morning: the agent's notice about
// "Stockholm hotels" waits for her on the home; she clicks it and lands on
// the notice with its acknowledge form.
func TestBrowserOwnerHomeNoticeClickThrough(t *testing.T) {
	t.Parallel()
	h := newHomeEnv(t, "sqlite")
	b := newBrowser(t, h.env)
	b.signIn("owner@example.com")
	if loc := b.location(); loc != "/" {
		t.Fatalf("signed in to %s", loc)
	}
	b.wantText("#home-yours h2", b.msg(i18n.EN, "home.attention"))
	item := fmt.Sprintf(`#home-yours a[href$="#notice-%d"]`, h.notice)
	if got := b.text(item); got != "Stockholm hotels" {
		t.Fatalf("the notice item reads %q", got)
	}
	b.click(item)
	if loc := b.location(); loc != fmt.Sprintf("/engagements/%d/notices#notice-%d", h.f.A1, h.notice) {
		t.Fatalf("the notice leads to %s", loc)
	}
	if n := b.count(fmt.Sprintf(`#notice-%d form[action$="/acknowledge"]`, h.notice)); n != 1 {
		t.Fatalf("the notice has %d acknowledge forms", n)
	}
}

// The agent's home sums up his Today: the follow-up on "Hotell Malmö Syd
// AB", due an hour ago, is there and leads to Today.
func TestBrowserAgentHomeFollowUp(t *testing.T) {
	t.Parallel()
	s := newSalesEnv(t, "sqlite")
	fu := &sales.Activity{Kind: sales.KindFollowUp, AccountID: s.mine, ScheduledAt: s.db.Now().Add(-time.Hour)}
	if err := s.db.Sales().LogActivity(ctx, s.f.VendorAgent, fu, store.LogOptions{}); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, s.env)
	b.signIn("agent@alpha.example")
	b.wantText("main h1", b.msg(i18n.EN, "home.agent_title"))
	if got := b.text("#home-today .stat-label"); got != b.msgN(i18n.EN, "home.follow_ups", 1) {
		t.Errorf("Today counts %q", got)
	}
	if got := b.text("#home-today .wait-title"); got != "Hotell Malmö Syd AB" {
		t.Fatalf("the follow-up reads %q", got)
	}
	b.click("#home-today .wait-title")
	if loc := b.location(); loc != "/sales/today" {
		t.Fatalf("the follow-up leads to %s", loc)
	}
}

// With nothing to call back, the agent's home lists the deals that need a
// next step: one whose next step has passed says so, and since when, and
// leads to the deal.
func TestBrowserAgentHomeDealNeedingANextStep(t *testing.T) {
	t.Parallel()
	s := newSalesEnv(t, "sqlite")
	was := s.db.Now().AddDate(0, 0, -3)
	d := &sales.Deal{EngagementID: s.f.A1, AccountID: s.mine, Title: "Reception desk", Amount: money.Money{Amount: 99000},
		NextStepOn: tandem.DateOf(was)}
	if err := s.db.Deals().Create(ctx, s.f.VendorAgent, d); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, s.env)
	b.signIn("agent@alpha.example")
	b.wantText("#home-today .wait-title", "Reception desk")
	b.wantText("#home-today .wait .badge", b.msg(i18n.EN, "deals.next_step_overdue"))
	if meta := b.text("#home-today .wait-meta"); !strings.Contains(meta, "Hotell Malmö Syd AB") || !strings.Contains(meta, "was due") {
		t.Errorf("the deal's line reads %q", meta)
	}
	b.click("#home-today .wait-title")
	if loc := b.location(); loc != fmt.Sprintf("/engagements/%d/sales/deals/%d", s.f.A1, d.ID) {
		t.Fatalf("the deal leads to %s", loc)
	}
}

// Every role's home in English and Russian fits a 390 px phone and a
// 1280 px desktop, and shows no raw key (TANDEM_SCREENSHOTS keeps the
// pictures).
func TestBrowserHomesFit(t *testing.T) {
	t.Parallel()
	h := newHomeEnv(t, "sqlite")
	b := newBrowser(t, h.env)
	for i, who := range []string{"owner@example.com", "manager@example.com", "viewer@example.com", "vm@alpha.example", "agent@alpha.example"} {
		if i > 0 {
			b.click(`form[action="/signout"] button`)
		}
		b.signIn(who)
		for _, lang := range []string{"en", "ru"} {
			b.click(fmt.Sprintf(`.langs button[value="%s"]`, lang))
			for _, w := range []int64{1280, 390} {
				b.viewport(w, 900, w < 500)
				b.open("/")
				if over := b.eval(`document.documentElement.scrollWidth - window.innerWidth`); over > 0 {
					t.Errorf("%s's home in %s is %d px wider than %d px", who, lang, over, w)
				}
				if txt := evalAs[string](b, `document.querySelector("main").innerText`); strings.Contains(txt, "⟦") {
					t.Errorf("%s's home in %s shows a raw key", who, lang)
				}
				b.shot(fmt.Sprintf("home-%s-%s-%d", strings.Split(who, "@")[0]+"-"+strings.Split(strings.Split(who, "@")[1], ".")[0], lang, w))
			}
		}
		b.click(`.langs button[value="en"]`)
	}
}
