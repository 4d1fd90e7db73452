package web_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/money"
	"github.com/tandemhq/tandem/internal/sales"
)

// evalThen runs a script as a step whose effect (a form submitted) the
// step's caller waits for.
func evalThen(js string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := chromedp.Evaluate[int](js)(ctx, t)
		return chromedp.Void{}, err
	}
}

// An agent moves deals on the board: one by drag-and-drop, one with the
// keyboard through the card's "move to stage" control; the columns' counts
// follow. On a phone the board scrolls sideways, the page does not.
func TestBrowserDealsBoardMoves(t *testing.T) {
	t.Parallel()
	s := newDealsEnv(t, "sqlite")
	f := s.f
	fresh := &sales.Deal{EngagementID: f.A1, AccountID: s.salesEnv.mine, Title: "Reception desk", Amount: money.Money{Amount: 99000}}
	if err := s.db.Deals().Create(ctx, f.VendorAgent, fresh); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, s.env)
	b.signIn("agent@alpha.example")
	board := fmt.Sprintf("/engagements/%d/sales/board", f.A1)
	if st := b.open(board); st != 200 {
		t.Fatalf("board: %d", st)
	}
	count := func(stage string) string { return b.text("#col-" + stage + " [data-count]") }
	one, none := b.msgN(i18n.EN, "deals.count", 1), b.msgN(i18n.EN, "deals.count", 0)
	if count("presented") != one || count("proposal_sent") != none || count("new") != one {
		t.Fatalf("before: presented %q, proposal sent %q, new %q", count("presented"), count("proposal_sent"), count("new"))
	}
	if b.attr(fmt.Sprintf("#deal-%d", s.mine.ID), "draggable") != "true" {
		t.Error("the script did not make the cards draggable")
	}
	b.shot("40-deals-board")

	// Drag the agent's deal from "presented" to "proposal sent" and drop it.
	ctx1, cancel := b.step()
	_, err := chromedp.RunResponse(ctx1, evalThen(fmt.Sprintf(`(() => {
		const card = document.querySelector('#deal-%d'), col = document.querySelector('#col-proposal_sent');
		const dt = new DataTransfer();
		card.dispatchEvent(new DragEvent('dragstart', {bubbles: true, dataTransfer: dt}));
		col.dispatchEvent(new DragEvent('dragover', {bubbles: true, cancelable: true, dataTransfer: dt}));
		col.dispatchEvent(new DragEvent('drop', {bubbles: true, cancelable: true, dataTransfer: dt}));
		return 0;
	})()`, s.mine.ID)))
	cancel()
	if err != nil {
		t.Fatalf("drag and drop: %v", err)
	}
	if b.location() != board {
		t.Errorf("after the drop, at %s", b.location())
	}
	if count("presented") != none || count("proposal_sent") != one {
		t.Errorf("after the drop: presented %q, proposal sent %q", count("presented"), count("proposal_sent"))
	}
	if b.count(fmt.Sprintf("#col-proposal_sent #deal-%d", s.mine.ID)) != 1 {
		t.Error("the dropped card is not in its new column")
	}

	// By keyboard: focus the new deal's stage control, one step down (the
	// next stage, "past the gatekeeper"), Tab to its button, Enter.
	sel := fmt.Sprintf("#move-%d", fresh.ID)
	ctx2, cancel := b.step()
	_, err = chromedp.RunResponse(ctx2, chromedp.Focus(chromedp.CSS(sel)), chromedp.KeyEvent(kb.ArrowDown), chromedp.KeyEvent(kb.Tab),
		chromedp.KeyEvent(kb.Enter))
	cancel()
	if err != nil {
		t.Fatalf("move by keyboard: %v", err)
	}
	if count("new") != none || count("past_gatekeeper") != one {
		t.Errorf("after the keyboard move: new %q, past the gatekeeper %q", count("new"), count("past_gatekeeper"))
	}
	got, err := s.db.Deals().Get(ctx, f.Owner, fresh.ID)
	if err != nil || got.Deal.Stage != "past_gatekeeper" || len(got.Moves) != 2 {
		t.Errorf("the keyboard move: %v %+v", err, got)
	}

	// On a phone the board scrolls sideways inside itself.
	b.viewport(phoneW, phoneH, true)
	b.open(board)
	if b.eval(`document.querySelector('.board').scrollWidth > document.querySelector('.board').clientWidth ? 1 : 0`) != 1 {
		t.Error("the board does not scroll sideways on a phone")
	}
	if b.eval(`document.documentElement.scrollWidth <= window.innerWidth + 1 ? 1 : 0`) != 1 {
		t.Error("the page is wider than the phone")
	}
	b.shot("41-deals-board-phone")

	// The deal's page shows its history; the funnel is drawn and tabulated.
	b.viewport(1280, 900, false)
	b.open(fmt.Sprintf("/engagements/%d/sales/deals/%d", f.A1, s.mine.ID))
	if n := b.count("#history tbody tr"); n != 2 {
		t.Errorf("the deal's history has %d rows, want 2", n)
	}
	b.shot("42-deal-page")
	b.open(fmt.Sprintf("/engagements/%d/sales/funnel", f.A1))
	if b.count(`svg[role="img"] title`) != 1 || b.count("#funnel-table tbody tr") != 10 {
		t.Errorf("the funnel: %d titles, %d rows", b.count(`svg[role="img"] title`), b.count("#funnel-table tbody tr"))
	}
	b.shot("43-deals-funnel")
	// On a phone the table tells the funnel, every figure on the screen;
	// the drawing, too wide to read there, is not shown.
	b.viewport(phoneW, phoneH, true)
	b.open(fmt.Sprintf("/engagements/%d/sales/funnel", f.A1))
	if shown := evalAs[string](b, `getComputedStyle(document.querySelector(".funnel-wrap")).display`); shown != "none" {
		t.Errorf("the drawn funnel is shown on a phone (display %s)", shown)
	}
	if right := b.eval(`Math.ceil(Math.max(...[...document.querySelectorAll("#funnel-table td")].map(c => c.getBoundingClientRect().right)))`); right > phoneW {
		t.Errorf("on a %d px phone the funnel's table ends at %d px", phoneW, right)
	}
	b.shot("43-deals-funnel-phone")
}
