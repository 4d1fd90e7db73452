package web_test

import (
	"testing"

	"github.com/tandemhq/tandem/internal/i18n"
)

// On a phone the header keeps the sign-out button's label on one line,
// however long the person's role: the partner's agent's ("Partner agent",
// "Partnerhandläggare") squeezed "Sign out" and "Logga ut" onto two. And
// at 320 px, the narrowest phones, Today's cards fit (their grid asked
// for 320 px columns inside the page's padding).
func TestBrowserHeaderOnPhone(t *testing.T) {
	t.Parallel()
	e := newDemoEnv(t)
	b := newBrowser(t, e)
	b.signInDemo("aleksei.smirnov@nordcall.example", i18n.EN)
	for _, lang := range []i18n.Lang{"sv", "ru", "en"} {
		b.click(`form[action="/language"] button[value="` + string(lang) + `"]`)
		for _, w := range []int64{phoneW, 320} {
			b.viewport(w, phoneH, false)
			b.open("/sales/today")
			lines := b.eval(`(() => { const r = document.createRange();
				r.selectNodeContents(document.querySelector('form[action="/signout"] button')); return r.getClientRects().length })()`)
			if lines != 1 {
				t.Errorf("%s at %d px: the sign-out label takes %d lines", lang, w, lines)
			}
			if got := b.eval(`document.documentElement.scrollWidth`); got > int(w) {
				t.Errorf("%s at %d px: the page is %d px wide", lang, w, got)
			}
		}
	}
}
