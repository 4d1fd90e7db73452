package web_test

import (
	"fmt"
	"os"
	"regexp"
	"testing"

	"github.com/tandemhq/tandem/internal/demo"
	"github.com/tandemhq/tandem/internal/i18n"
)

// TestScreenshots takes full-page screenshots of the owner's pages people
// look at most — home, portfolio, a scorecard, contract terms and
// deliverables, the sales screens — and the partner's agent's (Today, an
// account, the board) at 1280 and 390 px, each no wider than the window, in the three languages, into the
// directory TANDEM_SCREENSHOTS names. Without it the test is skipped: the
// pictures are for a person to look at, not assertions.
func TestScreenshots(t *testing.T) {
	t.Parallel()
	if os.Getenv("TANDEM_SCREENSHOTS") == "" {
		t.Skip("TANDEM_SCREENSHOTS is not set")
	}
	e := newDemoEnv(t)
	for _, lang := range i18n.Supported {
		// One after the other: the language is the owner's, for all her
		// sessions.
		t.Run(string(lang), func(t *testing.T) {
			b := newBrowser(t, e)
			b.signInDemo(demo.OwnerEmail, lang)
			b.open("/portfolio")
			href := evalAs[string](b, `[...document.querySelectorAll('a[href^="/engagements/"]')].find(a => a.textContent.includes("Outbound sales")).getAttribute("href")`)
			eng := regexp.MustCompile(`^/engagements/\d+`).FindString(href)
			// The scorecard opens on the last complete month; the one
			// after it is the current one, with its forecast.
			b.open(eng + "/scorecard")
			now := evalAs[string](b, `document.querySelector("#next-period").getAttribute("href")`)
			pages := []struct{ name, path string }{
				{"home", "/"}, {"portfolio", "/portfolio"}, {"engagement", eng}, {"scorecard", eng + "/scorecard"}, {"scorecard-now", now},
				{"terms", eng + "/terms"}, {"deliverables", eng + "/work"},
			}
			// The sales engagement's screens, for the client.
			sales := eng
			b.open("/sales/accounts")
			account := evalAs[string](b, `document.querySelector('a[href^="/sales/accounts/"]:not([href$="/new"])').getAttribute("href")`)
			pages = append(pages, []struct{ name, path string }{
				{"sales-board", sales + "/sales/board"}, {"sales-funnel", sales + "/sales/funnel"}, {"sales-claims", sales + "/sales/claims"},
				{"sales-recordings", sales + "/sales/recordings"}, {"sales-reveals", sales + "/sales/reveals"},
				{"sales-accounts", "/sales/accounts"}, {"sales-account", account},
			}...)
			// The workspace's knowledge base and its page with a table and a
			// quote.
			b.open("/knowledge")
			kpage := evalAs[string](b, `document.querySelector('a[href^="/knowledge/pages/"]').getAttribute("href")`)
			pages = append(pages, []struct{ name, path string }{{"knowledge", "/knowledge"}, {"knowledge-page", kpage}}...)
			shootPages(t, b, string(lang), pages)
			// The partner's agent at work: Today, an account of theirs
			// (contacts masked), their board and the base as they see it.
			a := newBrowser(t, e)
			a.signInDemo("aleksei.smirnov@nordcall.example", lang)
			a.open("/sales/accounts")
			mine := evalAs[string](a, `document.querySelector('a[href^="/sales/accounts/"]:not([href$="/new"])').getAttribute("href")`)
			shootPages(t, a, string(lang), []struct{ name, path string }{
				{"agent-home", "/"}, {"agent-today", "/sales/today"}, {"agent-accounts", "/sales/accounts"},
				{"agent-account", mine}, {"agent-board", sales + "/sales/board"},
			})
		})
	}
}

// shootPages takes each page at desk and phone width, named
// name-lang-width, and reports a page wider than its window.
func shootPages(t *testing.T, b *browser, lang string, pages []struct{ name, path string }) {
	t.Helper()
	for _, p := range pages {
		for _, w := range []int64{deskW, phoneW} {
			b.viewport(w, map[int64]int64{deskW: deskH, phoneW: phoneH}[w], false)
			if st := b.open(p.path); st != 200 {
				t.Errorf("%s answers %d", p.path, st)
			}
			b.shot(fmt.Sprintf("%s-%s-%d", p.name, lang, w))
			if got := b.eval(`document.documentElement.scrollWidth`); got > int(w) {
				t.Errorf("%s is %d px wide at %d px", p.path, got, w)
			}
		}
	}
}
