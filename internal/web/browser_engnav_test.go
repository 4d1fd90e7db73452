package web_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
)

// TestBrowserEngagementNav: an engagement's pages are in groups; a group's
// link opens its first page and shows the group's pages below, so from
// any engagement page every other is at most two clicks away. The page
// the reader is on is marked aria-current="page" (and Engagements in the
// main navigation, whatever the group), both strips are labelled
// navigation landmarks, and the navigation fits a 390 px phone.
func TestBrowserEngagementNav(t *testing.T) {
	t.Parallel()
	clock := storetest.NewClock(time.Date(2026, 3, 20, 8, 0, 0, 0, time.UTC))
	e := newEnvAt(t, "sqlite", clock.Now)
	f := e.f
	storetest.Activate(t, e.db, f.Owner, f.A1, nil)
	base := fmt.Sprintf("/engagements/%d", f.A1)
	b := newBrowser(t, e)
	b.signIn(f.Emails[tandem.RoleOwner])
	b.open(base + "/status-reports")

	groups := evalAs[[]string](b, `[...document.querySelectorAll("nav.tabs-groups a")].map(a => a.dataset.group)`)
	if strings.Join(groups, ",") != "overview,contract,results,work,communication,money,sales,knowledge" {
		t.Fatalf("groups: %v", groups)
	}
	if n := b.count(`nav.tabs-groups[aria-label] ~ nav.tabs-pages[aria-label]`); n != 1 {
		t.Errorf("labelled strips: %d", n)
	}
	pages := 0
	for _, g := range groups {
		// From a page of another group: the group's link, then each page.
		b.open(base + "/status-reports")
		b.click(`nav.tabs-groups a[data-group="` + g + `"]`)
		if got := b.attr(`nav.tabs-groups a[data-group="`+g+`"]`, "aria-current"); got == "" {
			t.Errorf("group %s: not marked current", g)
		}
		links := evalAs[[]string](b, `[...document.querySelectorAll("nav.tabs-pages a")].map(a => a.getAttribute("href"))`)
		if len(links) == 0 {
			links = []string{b.attr(`nav.tabs-groups a[data-group="`+g+`"]`, "href")}
		}
		for _, href := range links {
			if st := b.open(base + "/status-reports"); st != 200 {
				t.Fatal(st)
			}
			b.click(`nav.tabs-groups a[data-group="` + g + `"]`)
			if st := b.click(`.engnav a[href="` + href + `"]`); st != 200 {
				t.Errorf("%s: %d", href, st)
				continue
			}
			if loc := b.location(); loc != href {
				t.Errorf("clicked %s, at %s", href, loc)
			}
			if cur := evalAs[[]string](b, `[...document.querySelectorAll('.engnav [aria-current="page"]')].map(a => a.getAttribute("href"))`); len(cur) != 1 || cur[0] != href {
				t.Errorf("on %s the current page is %v", href, cur)
			}
			// The main navigation says where the page is: under Engagements.
			if cur := evalAs[[]string](b, `[...document.querySelectorAll('nav.mainnav [aria-current="page"]')].map(a => a.getAttribute("href"))`); len(cur) != 1 || cur[0] != "/engagements" {
				t.Errorf("on %s the main navigation marks %v", href, cur)
			}
			pages++
		}
	}
	// overview; terms, amendments; scorecard, values, pulse; work, requests,
	// time; notices, proposals, reports; invoices, worth; board, funnel,
	// claims, recordings (a sales engagement); knowledge, handovers.
	if pages != 21 {
		t.Errorf("%d pages reached, want 21", pages)
	}

	b.viewport(390, 800, true)
	b.open(base + "/handovers")
	if over := b.eval(`document.documentElement.scrollWidth - window.innerWidth`); over > 0 {
		t.Errorf("the handovers page is %d px wider than a phone", over)
	}
	// The strip scrolled so that the current group is in view.
	if in := b.eval(`(() => { const s = document.querySelector("nav.tabs-groups"), a = s.querySelector("a.active"); return a.offsetLeft - s.scrollLeft + a.offsetWidth <= s.clientWidth ? 1 : 0 })()`); in != 1 {
		t.Error("the current group is scrolled out of view")
	}
}
