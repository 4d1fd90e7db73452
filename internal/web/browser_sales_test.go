package web_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/tandemhq/tandem/internal/i18n"
)

// An agent opens the account assigned to them, sees the phone number
// masked, reveals it with a reason and reads it in the answer; read again
// the page is masked. The client's manager then finds the reveal in the
// engagement's reveals log — who, which contact, which field and why — on
// a phone-width screen.
func TestBrowserAgentRevealsAndClientSeesTheLog(t *testing.T) {
	t.Parallel()
	s := newSalesEnv(t, "sqlite")
	b := newBrowser(t, s.env)
	b.signIn("agent@alpha.example")
	b.open("/sales/accounts")
	b.wantText("main h1", b.msg(i18n.EN, "sales.title"))
	if rows := b.count("#accounts tbody tr"); rows != 1 {
		t.Errorf("the agent's list has %d rows, want 1", rows)
	}
	b.click(`#accounts tbody a`)
	detail := fmt.Sprintf("#detail-%d", s.phone)
	if got := b.text(detail + " .detail-value"); got != "+46 70 ••• •• 12" {
		t.Fatalf("masked phone shows %q", got)
	}
	b.do("give a reason", chromedp.SendKeys(chromedp.CSS(fmt.Sprintf("#reason-%d", s.phone)), "Calling back as agreed on Monday"))
	if st := b.click(detail + ` button[type="submit"]`); st != 200 {
		t.Fatalf("reveal: status %d", st)
	}
	b.wantText(detail+" .detail-value", "+46 70 123 45 12")
	b.shot("sales-revealed")
	b.wantText(".flash", b.msg(i18n.EN, "sales.reveal.done"))
	b.open(fmt.Sprintf("/sales/accounts/%d", s.mine))
	b.wantText(detail+" .detail-value", "+46 70 ••• •• 12")

	c := newBrowser(t, s.env)
	c.viewport(phoneW, phoneH, true)
	c.signIn("manager@example.com")
	c.open(fmt.Sprintf("/sales/accounts/%d", s.mine))
	// A long e-mail address wraps inside its contact's card on a phone.
	if over := c.eval(`(() => { const v = document.querySelector("article.contact .detail-value");
		v.textContent = "purchasing.department.reception@hotell-malmo-syd-konferens.example";
		return Math.round(v.getBoundingClientRect().right - v.closest("article.contact").getBoundingClientRect().right) })()`); over > 0 {
		t.Errorf("a long contact detail runs %d px past its card", over)
	}
	c.click(`a[href$="/sales/reveals"]`)
	c.wantText("main h1", c.msg(i18n.EN, "sales.reveals.title"))
	c.shot("sales-reveals-phone")
	row := c.text("#reveals tbody tr")
	for _, want := range []string{"Agnes Agent", "Karin Nilsson of Hotell Malmö Syd AB", "Hotell Malmö Syd AB",
		c.msg(i18n.EN, "sales.field.phone"), "Calling back as agreed on Monday"} {
		if !strings.Contains(row, want) {
			t.Errorf("the log row %q lacks %q", row, want)
		}
	}
	if strings.Contains(row, "123 45 12") {
		t.Errorf("the log shows the number: %q", row)
	}
	if w := c.eval("document.documentElement.scrollWidth"); w > phoneW {
		t.Errorf("the log is %d px wide on a %d px phone", w, phoneW)
	}
	// On a phone the tables read as cards: nothing to scroll sideways.
	sideways := func(table string) int {
		return c.eval(`(() => { const w = document.querySelector("` + table + `").closest(".table-wrap"); return w.scrollWidth - w.clientWidth })()`)
	}
	if over := sideways("#reveals"); over > 0 {
		t.Errorf("the reveals log scrolls %d px sideways on a phone", over)
	}
	// The base with its assignment control fits the phone too.
	c.open("/sales/accounts")
	c.shot("sales-accounts-phone")
	if rows := c.count("#accounts tbody tr"); rows != 4 {
		t.Errorf("the manager's list has %d rows, want 4", rows)
	}
	if w := c.eval("document.documentElement.scrollWidth"); w > phoneW {
		t.Errorf("the list is %d px wide on a %d px phone", w, phoneW)
	}
	if over := sideways("#accounts"); over > 0 {
		t.Errorf("the base scrolls %d px sideways on a phone", over)
	}
}
