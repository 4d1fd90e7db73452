package web_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"

	"github.com/tandemhq/tandem/internal/i18n"
)

// An agent opens Today from the nav, logs a call by keyboard alone — 4
// for "decision maker reached", s for a follow-up in two days, the
// duration, Enter — and finds the call and the follow-up on the account's
// timeline. Today fits a phone.
func TestBrowserAgentLogsACallFromToday(t *testing.T) {
	t.Parallel()
	s := newSalesEnv(t, "sqlite")
	b := newBrowser(t, s.env)
	b.signIn("agent@alpha.example")
	b.click(`.mainnav a[href="/sales/today"]`)
	b.wantText("main h1", b.msg(i18n.EN, "sales.today.title"))
	row := fmt.Sprintf("#call-%d", s.mine)
	if n := b.count(row + ".call-selected"); n != 1 {
		t.Fatalf("the call list has %d selected rows for the agent's account", n)
	}
	// One form for the whole list, filled for the selected row, whose
	// phone number the agent sees masked.
	if n := b.count("[data-call-form]"); n != 1 {
		t.Fatalf("%d call forms, want one", n)
	}
	card := "#call-form"
	if got := evalAs[string](b, `document.querySelector("`+card+`").getAttribute("action")`); got != fmt.Sprintf("/sales/accounts/%d/activities", s.mine) {
		t.Fatalf("the call form logs on %q", got)
	}
	if phone := b.text(row + " .call-phone"); !strings.Contains(phone, "•") {
		t.Errorf("the row's phone %q is not masked", phone)
	}
	// The first outcome has the focus: keys pick, Enter logs.
	if got := evalAs[string](b, "document.activeElement.name + '=' + document.activeElement.value"); got != "outcome=no_answer" {
		t.Fatalf("focus on %q, want the first outcome", got)
	}
	b.do("pick by keys", chromedp.KeyEvent("4"), chromedp.KeyEvent("s"))
	if got := evalAs[string](b, `document.querySelector("`+card+` input[name=outcome]:checked").value + "/" + document.querySelector("`+card+` input[name=follow_up_days]:checked").value`); got != "decision_maker_reached/2" {
		t.Fatalf("keys picked %q", got)
	}
	// In a Russian layout the same keys type ф and ы: a key picks by its
	// place on the keyboard, not by the letter it types.
	followUp := `document.querySelector("` + card + ` input[name=follow_up_days]:checked").value`
	b.do("pick by place", typedAt("ф", "KeyA"))
	if got, want := evalAs[string](b, followUp), evalAs[string](b, `document.querySelector("`+card+` input[data-key=a]").value`); got != want || got == "2" {
		t.Fatalf("ф on the key of a picked %q, want %q", got, want)
	}
	b.do("pick by place", typedAt("ы", "KeyS"))
	if got := evalAs[string](b, followUp); got != "2" {
		t.Fatalf("ы on the key of s picked %q, want 2", got)
	}
	b.do("type the duration", chromedp.SendKeys(chromedp.CSS(card+` input[name=duration]`), "3:20"))
	ctx, cancel := b.step()
	res, err := chromedp.RunResponse(ctx, chromedp.KeyEvent("\r"))
	cancel()
	if err != nil || res.Status != 200 {
		t.Fatalf("Enter: %v", err)
	}
	b.wantText(".flash", b.msg(i18n.EN, "sales.activity.logged"))
	b.shot("sales-today")
	// Back on Today the focus is on the call list again: 2 (busy) and
	// Enter on the choice log the next call.
	if got := evalAs[string](b, "document.activeElement.name"); got != "outcome" {
		t.Fatalf("focus after logging on %q, want an outcome", got)
	}
	b.do("busy", chromedp.KeyEvent("2"))
	ctx, cancel = b.step()
	res, err = chromedp.RunResponse(ctx, chromedp.KeyEvent("\r"))
	cancel()
	if err != nil || res.Status != 200 {
		t.Fatalf("Enter on a choice: %v", err)
	}

	b.open(fmt.Sprintf("/sales/accounts/%d", s.mine))
	timeline := b.text("#timeline .timeline")
	for _, want := range []string{b.msg(i18n.EN, "sales.outcome.decision_maker_reached"), "3:20", b.msg(i18n.EN, "sales.kind.follow_up"),
		b.msg(i18n.EN, "sales.kind.call"), "Agnes Agent"} {
		if !strings.Contains(timeline, want) {
			t.Errorf("the timeline %q lacks %q", timeline, want)
		}
	}
	b.shot("sales-account-timeline")
	if n := b.count("#timeline .activity"); n != 3 {
		t.Errorf("%d activities on the timeline, want the two calls and the follow-up", n)
	}
	if !strings.Contains(timeline, b.msg(i18n.EN, "sales.outcome.busy")) {
		t.Errorf("the timeline lacks the busy call")
	}
	b.viewport(phoneW, phoneH, true)
	b.open("/sales/today")
	b.shot("sales-today-phone")
	// No keyboard on a touch screen: no keyboard shortcuts offered.
	if shown := evalAs[string](b, `getComputedStyle(document.querySelector(".keys-hint")).display`); shown != "none" {
		t.Errorf("the keys hint is shown on a phone (display %s)", shown)
	}
	if w := b.eval("document.documentElement.scrollWidth"); w > phoneW {
		t.Errorf("Today is %d px wide on a %d px phone", w, phoneW)
	}
	b.open(fmt.Sprintf("/sales/accounts/%d", s.mine))
	b.shot("sales-account-timeline-phone")
	if w := b.eval("document.documentElement.scrollWidth"); w > phoneW {
		t.Errorf("the account page is %d px wide on a %d px phone", w, phoneW)
	}
}

// typedAt presses the key at code's place on the keyboard, typing text: a
// layout other than the one chromedp.KeyEvent assumes (ф at KeyA in a
// Russian one).
func typedAt(text, code string) chromedp.Action[chromedp.Void] {
	return chromedp.KeyEvent(text, func(p *input.DispatchKeyEventParams) { p.Code = code })
}
