package web_test

import (
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/tandemhq/tandem/internal/demo"
)

func TestZZShots(t *testing.T) {
	e := newDemoEnv(t)
	b := newBrowser(t, e)
	b.open("/signin")
	b.do("sign in",
		chromedp.SendKeys(chromedp.CSS(`input[name="email"]`), demo.OwnerEmail),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), demo.Password))
	b.click(`form[action="/signin"] button[type="submit"]`)
	pages := map[string]string{"webhooks": "/webhooks", "termination": "/engagements/1/termination", "overview": "/engagements/1",
		"knowledge3": "/engagements/3/knowledge", "surveys": "/engagements/1/surveys", "invoices": "/engagements/1/invoices",
		"account": "/account", "scorecard": "/engagements/1/scorecard", "portfolio": "/portfolio", "claims": "/engagements/1/sales/claims"}
	for _, lang := range []string{"en", "ru"} {
		b.click(fmt.Sprintf(`form[action="/language"] button[value="%s"]`, lang))
		for name, path := range pages {
			for _, w := range []int64{1280, 390} {
				b.viewport(w, 900, w < 500)
				b.open(path)
				b.shot(fmt.Sprintf("%s-%s-%d", name, lang, w))
			}
		}
	}
}
