package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/tandemhq/tandem/internal/demo"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/web"
)

// axePath is where .ci/run installs axe-core (npm ci in testdata/axe).
const axePath = "testdata/axe/node_modules/axe-core/axe.min.js"

// axeSource returns axe-core's script. Without it the tour is skipped,
// except with CI=true, where it fails.
func axeSource(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(axePath)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true requires axe-core: npm ci --prefix internal/web/testdata/axe (%v)", err)
		}
		t.Skipf("axe-core is not installed (npm ci --prefix internal/web/testdata/axe): %v", err)
	}
	return string(b)
}

// newDemoEnv serves the demo workspace, six months of history included,
// from a fresh SQLite database.
func newDemoEnv(t *testing.T) *env {
	t.Helper()
	clk := demo.NewClock(nil)
	db := storetest.Open(t, "sqlite", clk.Now)
	if _, err := demo.Load(context.Background(), db, clk); err != nil {
		t.Fatal(err)
	}
	h, err := web.New(web.Options{DB: db, Catalog: catalog, Version: "test", Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &env{t: t, srv: srv, db: db}
}

// signInDemo signs in to the demo as email (every demo person has
// demo.Password) and switches the person's language to lang.
func (b *browser) signInDemo(email string, lang i18n.Lang) {
	b.t.Helper()
	b.open("/signin")
	b.do("sign in",
		chromedp.SendKeys(chromedp.CSS(`input[name="email"]`), email),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), demo.Password))
	b.click(`form[action="/signin"] button[type="submit"]`)
	b.click(fmt.Sprintf(`form[action="/language"] button[value="%s"]`, lang))
}

// tourSkip are links the tour does not follow: downloads (they are not
// pages) and the recordings' audio.
var tourSkip = regexp.MustCompile(`\.(pdf|csv|xlsx)\b|/pdf$|/xlsx$|/export|/recording|/files/|/static/|/download|/api/`)

// tourPattern is a page's route as the tour counts it: ids replaced, the
// query dropped, so each kind of page is visited once per person.
func tourPattern(path string) string {
	path, _, _ = strings.Cut(path, "#")
	path, _, _ = strings.Cut(path, "?")
	return regexp.MustCompile(`/\d+`).ReplaceAllString(path, "/{id}")
}

// What a person must never read: a missing catalogue key, an ISO week,
// JSON, a record's bare "#id", a snake_case key.
var rawText = []struct {
	name string
	re   *regexp.Regexp
}{
	{"missing key", regexp.MustCompile(`⟦[^⟧]*⟧`)},
	{"ISO week", regexp.MustCompile(`\b\d{4}-W\d{2}\b`)},
	{"JSON", regexp.MustCompile(`\{"[a-z_]+":`)},
	{"bare #id", regexp.MustCompile(`(^|\s)#\d+\b`)},
	{"snake_case key", regexp.MustCompile(`\b[a-z]+(_[a-z]+)+\b`)},
}

type axeViolation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"`
}

// axeRun runs axe-core's WCAG 2.2 A and AA rules on the current page.
func axeRun(b *browser, src string) []axeViolation {
	b.t.Helper()
	// axe takes seconds on a long page of a busy machine: a longer step.
	ctx, cancel := context.WithTimeout(b.ctx, 3*stepTimeout)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](src+";0")); err != nil {
		b.t.Fatalf("inject axe on %s: %v", b.location(), err)
	}
	js, err := chromedp.Run(ctx,
		chromedp.Evaluate[string](`axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}, resultTypes: ["violations"]})
			.then(r => JSON.stringify(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
				nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ") + " — " + (n.failureSummary || "").split("\n").slice(1, 2).join(""))}))))`,
			chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("axe on %s: %v", b.location(), err)
	}
	var vs []axeViolation
	if err := json.Unmarshal([]byte(js), &vs); err != nil {
		b.t.Fatalf("axe result %q: %v", js, err)
	}
	return vs
}

// axeOnce hands each kind of page (its tour pattern) in each language at
// each width to the first person of the tour who reaches it: axe-core
// runs once per kind, language and width across the five roles.
type axeOnce struct{ claimed sync.Map }

// claim reports whether the caller is the first to claim pattern in lang
// at width px.
func (a *axeOnce) claim(pattern string, lang i18n.Lang, width int64) bool {
	_, taken := a.claimed.LoadOrStore(fmt.Sprintf("%s %s %d", pattern, lang, width), true)
	return !taken
}

// The tour: each of the five roles signs in to the demo and walks every
// kind of page it can reach by following links, in each language. Every
// page answers 200, shows no raw key, ISO week, JSON or bare id, and at
// 390 px is no wider than the screen. axe-core checks WCAG 2.2 AA on every
// kind of page at 1280 px and at 390 px in all three languages, once per
// kind, language and width (whichever role reaches it first).
func TestBrowserTour(t *testing.T) {
	t.Parallel()
	src := axeSource(t)
	e := newDemoEnv(t)
	axed := &axeOnce{}
	people := []string{demo.OwnerEmail, "johan.bergstrom@norrsken.example", "ingrid.sjoberg@norrsken.example",
		"kadri.tamm@nordcall.example", "aleksei.smirnov@nordcall.example"}
	for _, email := range people {
		for _, lang := range i18n.Supported {
			t.Run(strings.Split(email, "@")[0]+"/"+string(lang), func(t *testing.T) {
				t.Parallel()
				tour(t, e, src, axed, email, lang)
			})
		}
	}
}

func tour(t *testing.T, e *env, src string, axed *axeOnce, email string, lang i18n.Lang) {
	// axe-core on each kind of page at two widths: a longer budget than
	// one browser test's, still a guard against a hang.
	b := newBrowserFor(t, e, 4*browserTimeout)
	b.signInDemo(email, lang)

	queue, seen := []string{"/"}, map[string]bool{tourPattern("/"): true}
	var problems []string
	for len(queue) > 0 {
		path := queue[0]
		queue = queue[1:]
		b.viewport(deskW, deskH, false)
		if st := b.open(path); st != 200 {
			problems = append(problems, fmt.Sprintf("%s answers %d", path, st))
			continue
		}
		text := evalAs[string](b, `document.body.innerText`)
		for _, r := range rawText {
			if m := r.re.FindString(text); m != "" {
				problems = append(problems, fmt.Sprintf("%s shows a %s: %q", path, r.name, m))
			}
		}
		pattern := tourPattern(path)
		if axed.claim(pattern, lang, deskW) {
			for _, v := range axeRun(b, src) {
				problems = append(problems, fmt.Sprintf("%s at %d px: %s (%s): %s", path, deskW, v.ID, v.Impact, strings.Join(v.Nodes, "; ")))
			}
		}
		// A 390 px window without mobile emulation: a page too wide then
		// scrolls instead of being zoomed out, and what widens it can be found.
		b.viewport(phoneW, phoneH, false)
		if w := b.eval(`document.documentElement.scrollWidth`); w > phoneW {
			// The widest elements that no scrolling strip holds.
			wide := evalAs[string](b, `[...document.querySelectorAll("body *")].filter(e => {
					if (e.getBoundingClientRect().right <= `+fmt.Sprint(phoneW)+` + 1) return false;
					for (let p = e.parentElement; p; p = p.parentElement) {
						if (["auto", "scroll", "hidden"].includes(getComputedStyle(p).overflowX)) return p.getBoundingClientRect().right > `+fmt.Sprint(phoneW)+` + 1;
					}
					return true;
				}).slice(0, 4).map(e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (e.className ? "." + String(e.className).split(" ").join(".") : "")).join(", ")`)
			problems = append(problems, fmt.Sprintf("%s at %d px is %d px wide (%s)", path, phoneW, w, wide))
		}
		if axed.claim(pattern, lang, phoneW) {
			for _, v := range axeRun(b, src) {
				problems = append(problems, fmt.Sprintf("%s at %d px: %s (%s): %s", path, phoneW, v.ID, v.Impact, strings.Join(v.Nodes, "; ")))
			}
		}
		for _, href := range evalAs[[]string](b, `[...document.querySelectorAll('a[href^="/"]:not([download])')].map(a => a.getAttribute("href"))`) {
			if p := tourPattern(href); !seen[p] && !tourSkip.MatchString(href) {
				seen[p] = true
				queue = append(queue, href)
			}
		}
	}
	sort.Strings(problems)
	for _, p := range problems {
		t.Error(p)
	}
	t.Logf("%s in %s: %d kinds of page", email, lang, len(seen))
}
