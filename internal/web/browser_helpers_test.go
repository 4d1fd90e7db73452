package web_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/store/storetest"
)

// browserTimeout bounds one browser test from start to end: Chromium's start,
// every page and the shutdown.
const browserTimeout = 60 * time.Second

// Desktop and phone viewports, in CSS pixels.
const (
	deskW, deskH   = 1280, 900
	phoneW, phoneH = 390, 844
)

// chromiumPath returns the Chromium or Chrome found on PATH, or "".
func chromiumPath() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// browser is one headless Chromium tab pointed at an env's server. Its
// methods fail the test on error, so tests read as a person's steps.
type browser struct {
	t   *testing.T
	e   *env
	ctx context.Context // the tab's chromedp context, bounded by browserTimeout
}

// newBrowser starts a Chromium of its own (one allocator per test, a fresh
// temporary profile) with one tab at the desktop viewport. Without Chromium
// the test is skipped, unless CI=true, where that is a failure.
func newBrowser(t *testing.T, e *env) *browser {
	t.Helper()
	path := chromiumPath()
	if path == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("CI=true requires Chromium (chromium, chromium-browser or google-chrome on PATH)")
		}
		t.Skip("no Chromium on PATH")
	}
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
	tctx, cancelTimeout := context.WithTimeout(context.Background(), browserTimeout)
	actx, cancelAlloc := chromedp.NewExecAllocator(tctx, opts...)
	bctx, cancelTab := chromedp.NewContext(actx, chromedp.WithErrorf(t.Logf))
	t.Cleanup(func() {
		cancelTab()
		cancelAlloc() // waits until Chromium has exited and its profile is gone
		cancelTimeout()
	})
	b := &browser{t: t, e: e, ctx: bctx}
	b.do("start Chromium", chromedp.EmulateViewport(deskW, deskH))
	return b
}

// url is the server's absolute address of path.
func (b *browser) url(path string) string { return b.e.srv.URL + path }

// do runs steps, failing the test with what it was doing.
func (b *browser) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, steps...); err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
}

// open types path into the address bar and returns the HTTP status of the
// page that loads (after redirects).
func (b *browser) open(path string) int64 {
	b.t.Helper()
	res, err := chromedp.Run(b.ctx, chromedp.NavigateResponse(b.url(path)))
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
	res, err := clickAndWait(b.ctx, sel)
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
	if err := signIn(b.ctx, email); err != nil {
		b.t.Fatalf("sign in as %s: %v", email, err)
	}
}

// text returns the visible text of the first element that sel matches.
func (b *browser) text(sel string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(sel), chromedp.NodeVisible))
	if err != nil {
		b.t.Fatalf("text of %s: %v", sel, err)
	}
	return strings.TrimSpace(s)
}

// attr returns the attribute name of the first element that sel matches.
func (b *browser) attr(sel, name string) string {
	b.t.Helper()
	r, err := chromedp.Run(b.ctx, chromedp.AttributeValue(chromedp.CSS(sel), name))
	if err != nil {
		b.t.Fatalf("attribute %s of %s: %v", name, sel, err)
	}
	return r.Value
}

// count returns how many elements sel matches now, without waiting.
func (b *browser) count(sel string) int {
	b.t.Helper()
	n, err := chromedp.Run(b.ctx, chromedp.Evaluate[int]("document.querySelectorAll("+jsString(sel)+").length"))
	if err != nil {
		b.t.Fatalf("count %s: %v", sel, err)
	}
	return n
}

// location returns the tab's current URL path.
func (b *browser) location() string {
	b.t.Helper()
	u, err := chromedp.Run(b.ctx, chromedp.Location())
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
	png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
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

// msg is the catalogue's text for key in lang.
func msg(lang i18n.Lang, key string, args ...any) string {
	return browserCatalog.For(lang, nil).T(key, args...)
}

var browserCatalog = i18n.MustLoad()
