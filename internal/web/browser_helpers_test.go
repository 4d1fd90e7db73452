package web_test

import (
	"context"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/store/storetest"
)

// browserTimeout bounds one browser test from start to end: its tab's
// opening, every page and the closing. It guards against a hang, not a
// slow machine: a whole parallel suite on two busy cores takes a long test
// past a minute.
const browserTimeout = 3 * time.Minute

// stepTimeout bounds one step (a page load, a query), so that a test that
// waits for something that never comes says which step it was.
const stepTimeout = 20 * time.Second

// Desktop and phone viewports, in CSS pixels.
const (
	deskW, deskH   = 1280, 900
	phoneW, phoneH = 390, 844
)

// TestMain runs the tests and then closes the Chromium they shared.
func TestMain(m *testing.M) {
	code := m.Run()
	chromium.close()
	os.Exit(code)
}

// chromiumPath returns the Chromium or Chrome found on PATH, or "".
func chromiumPath() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// chromium is the test binary's one headless Chromium, started by the first
// browser test and closed by TestMain. Each test gets a tab in a browser
// context of its own (like an incognito window), so cookies, storage and
// cache never pass from one test to another, and tests may run in parallel.
var chromium sharedChromium

type sharedChromium struct {
	once   sync.Once
	ctx    context.Context // the browser's first tab; tests open tabs as its children
	cancel func()          // closes the browser and removes its profile
	err    error
}

// start starts Chromium once; later calls return the first call's result.
func (c *sharedChromium) start(path string) (context.Context, error) {
	c.once.Do(func() {
		opts := append(chromedp.DefaultExecAllocatorOptions[:],
			chromedp.ExecPath(path),
			chromedp.NoSandbox,
			chromedp.DisableGPU,
			chromedp.Flag("disable-background-networking", true),
			chromedp.Flag("disable-component-update", true),
			chromedp.Flag("disable-sync", true),
			chromedp.Flag("disable-dev-shm-usage", true),
			chromedp.NoFirstRun,
			// No user-data-dir: the allocator makes a fresh temporary profile
			// and removes it when the browser has exited.
		)
		// The browser lives as long as the context of its first run, so that
		// context has no deadline; each test bounds its own tab instead.
		actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
		bctx, cancelBrowser := chromedp.NewContext(actx,
			chromedp.WithErrorf(func(format string, args ...any) { log.Printf("chromium: "+format, args...) }))
		c.ctx = bctx
		c.cancel = func() {
			cancelBrowser()
			cancelAlloc() // waits until Chromium has exited and its profile is gone
		}
		// An empty run on bctx starts Chromium and attaches its first tab.
		// (Run on a context with a deadline would end the browser with it,
		// so the start is bounded by a timer instead.)
		timer := time.AfterFunc(browserTimeout, cancelBrowser)
		defer timer.Stop()
		if err := chromedp.Do(bctx); err != nil {
			c.err = err
			c.cancel()
		}
	})
	return c.ctx, c.err
}

// close closes Chromium if it was started.
func (c *sharedChromium) close() {
	c.once.Do(func() {}) // no start after this
	if c.cancel != nil && c.err == nil {
		c.cancel()
	}
}

// browser is one headless Chromium tab pointed at an env's server. Its
// methods fail the test on error, so tests read as a person's steps.
type browser struct {
	t   *testing.T
	e   *env
	ctx context.Context // the tab's chromedp context, bounded by browserTimeout

	mu      sync.Mutex
	dialogs []string // the confirmations the page asked for
}

// newBrowser opens a tab at the desktop viewport in a fresh browser context
// of the shared Chromium (started on first use), closed with the test.
// Without Chromium the test is skipped, unless CI=true, where that is a
// failure.
func newBrowser(t *testing.T, e *env) *browser {
	t.Helper()
	return newBrowserFor(t, e, browserTimeout)
}

// newBrowserFor is newBrowser for a test that may take its tab up to
// timeout (the tour, which runs axe-core on many pages).
func newBrowserFor(t *testing.T, e *env, timeout time.Duration) *browser {
	t.Helper()
	path := chromiumPath()
	if path == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("CI=true requires Chromium (chromium, chromium-browser or google-chrome on PATH)")
		}
		t.Skip("no Chromium on PATH")
	}
	shared, err := chromium.start(path)
	if err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	tctx, cancelTimeout := context.WithTimeout(shared, timeout)
	tab, cancelTab := chromedp.NewContext(tctx, chromedp.WithNewBrowserContext())
	t.Cleanup(func() {
		cancelTab() // closes the tab and disposes of its browser context
		cancelTimeout()
	})
	// The first run opens the tab; it lives as long as tab.
	if err := chromedp.Do(tab, chromedp.EmulateViewport(deskW, deskH)); err != nil {
		t.Fatalf("open a tab: %v", err)
	}
	b := &browser{t: t, e: e, ctx: tab}
	// A person answers "OK" to every confirmation an irreversible action
	// asks for; the test can read what was asked (b.asked).
	dialogs := chromedp.Events(tab, page.JavascriptDialogOpening)
	go func() {
		for ev, err := range dialogs {
			if err != nil {
				return
			}
			b.mu.Lock()
			b.dialogs = append(b.dialogs, ev.Message)
			b.mu.Unlock()
			chromedp.Call(tab, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true})
		}
	}()
	return b
}

// asked returns the confirmations the page asked for so far.
func (b *browser) asked() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.dialogs...)
}

// step is the tab's context for one step, bounded by stepTimeout.
func (b *browser) step() (context.Context, context.CancelFunc) {
	return context.WithTimeout(b.ctx, stepTimeout)
}

// url is the server's absolute address of path.
func (b *browser) url(path string) string { return b.e.srv.URL + path }

// do runs steps, failing the test with what it was doing.
func (b *browser) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
}

// open types path into the address bar and returns the HTTP status of the
// page that loads (after redirects).
func (b *browser) open(path string) int64 {
	b.t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	res, err := chromedp.Run(ctx, chromedp.NavigateResponse(b.url(path)))
	if err != nil {
		b.t.Fatalf("open %s: %v", path, err)
	}
	return res.Status
}

// click clicks the element that sel matches (a CSS selector) and waits until
// the page that this brings (a link followed, a form submitted) has loaded.
// It returns that page's HTTP status.
func (b *browser) click(sel string) int64 {
	b.t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	res, err := clickAndWait(ctx, sel)
	if err != nil {
		b.t.Fatalf("click %s: %v", sel, err)
	}
	return res
}

func clickAndWait(ctx context.Context, sel string) (int64, error) {
	res, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(sel)))
	if err != nil {
		return 0, err
	}
	return res.Status, nil
}

// signIn fills the sign-in form on the tab's current page with email and the
// fixture's password, submits it and waits for the page it leads to.
func signIn(ctx context.Context, email string) error {
	if err := chromedp.Do(ctx,
		chromedp.WaitVisible(chromedp.CSS(`form[action="/signin"]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name="email"]`), email),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), storetest.Password),
	); err != nil {
		return err
	}
	_, err := clickAndWait(ctx, `form[action="/signin"] button[type="submit"]`)
	return err
}

// signIn opens the app, follows it to the sign-in page and signs in as email.
func (b *browser) signIn(email string) {
	b.t.Helper()
	b.open("/")
	ctx, cancel := b.step()
	defer cancel()
	if err := signIn(ctx, email); err != nil {
		b.t.Fatalf("sign in as %s: %v", email, err)
	}
}

// text returns the visible text of the first element that sel matches.
func (b *browser) text(sel string) string {
	b.t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel), chromedp.NodeVisible))
	if err != nil {
		b.t.Fatalf("text of %s: %v", sel, err)
	}
	return strings.TrimSpace(s)
}

// wantText checks that the first element that sel matches shows want.
func (b *browser) wantText(sel, want string) {
	b.t.Helper()
	if got := b.text(sel); got != want {
		b.t.Errorf("%s on %s shows %q, want %q", sel, b.location(), got, want)
	}
}

// value returns the current value of the form field that sel matches.
func (b *browser) value(sel string) string {
	b.t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("value of %s: %v", sel, err)
	}
	return v
}

// attr returns the attribute name of the first element that sel matches.
func (b *browser) attr(sel, name string) string {
	b.t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	r, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS(sel), name))
	if err != nil {
		b.t.Fatalf("attribute %s of %s: %v", name, sel, err)
	}
	return r.Value
}

// count returns how many elements sel matches now, without waiting.
func (b *browser) count(sel string) int {
	b.t.Helper()
	return b.eval("document.querySelectorAll(" + jsString(sel) + ").length")
}

// eval returns the integer that a JavaScript expression gives on the page.
func (b *browser) eval(expr string) int { return evalAs[int](b, expr) }

// evalAs returns the value of type T that a JavaScript expression gives on
// the page.
func evalAs[T any](b *browser, expr string) T {
	b.t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		b.t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// title returns the page's title, as the browser's tab shows it.
func (b *browser) title() string {
	b.t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Title())
	if err != nil {
		b.t.Fatalf("title: %v", err)
	}
	return s
}

// location returns the tab's current URL path.
func (b *browser) location() string {
	b.t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	u, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		b.t.Fatalf("location: %v", err)
	}
	return strings.TrimPrefix(u, b.e.srv.URL)
}

// shot saves a full-page screenshot of the current page as name.png in the
// directory that TANDEM_SCREENSHOTS names; without it, it does nothing.
func (b *browser) shot(name string) {
	b.t.Helper()
	dir := os.Getenv("TANDEM_SCREENSHOTS")
	if dir == "" {
		return
	}
	// FullScreenshot writes PNG only at quality 100; below that it is JPEG.
	ctx, cancel := b.step()
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

// viewport sets the tab's viewport; phone emulates a mobile device.
func (b *browser) viewport(w, h int64, phone bool) {
	b.t.Helper()
	var opts []chromedp.EmulateViewportOption
	if phone {
		opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait)
	}
	b.do("set viewport", chromedp.EmulateViewport(w, h, opts...))
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `'`, `\'`, "\n", `\n`)
	return "'" + r.Replace(s) + "'"
}

// msg is the catalogue's text for key in lang; a key missing from the
// catalogue fails the test rather than matching a page that shows ⟦key⟧.
func (b *browser) msg(lang i18n.Lang, key string, args ...any) string {
	b.t.Helper()
	s := browserCatalog.For(lang, nil).T(key, args...)
	if strings.HasPrefix(s, "⟦") {
		b.t.Fatalf("no message %s in %s", key, lang)
	}
	return s
}

// browserCatalog is the catalogue the browser tests take the texts they
// expect from: the test servers' own.
var browserCatalog = catalog

// msgN is msg for a plural message.
func (b *browser) msgN(lang i18n.Lang, key string, n int64, args ...any) string {
	b.t.Helper()
	l := browserCatalog.For(lang, nil)
	if !browserCatalog.Has(lang, key) {
		b.t.Fatalf("catalogue %s lacks %s", lang, key)
	}
	return l.N(key, n, args...)
}
