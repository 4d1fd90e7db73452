package web_test

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/tandemhq/tandem/internal/bundle"
	"github.com/tandemhq/tandem/internal/tandem"
)

// fetchBase64 fetches path in the page's session and returns its status
// and body (base64 in the page, decoded here).
func fetchBase64(b *browser, path string) (int, string, []byte) {
	ctx, cancel := b.step()
	defer cancel()
	var out struct {
		Status int    `json:"status"`
		Type   string `json:"type"`
		Body   string `json:"body"`
	}
	js := `fetch(` + jsString(path) + `).then(async r => { const u = new Uint8Array(await r.arrayBuffer()); let s = ""; for (const c of u) s += String.fromCharCode(c);
		return JSON.stringify({status: r.status, type: r.headers.get("content-type"), body: btoa(s)}); })`
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](js, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("fetch %s: %v", path, err)
	}
	if err := json.Unmarshal([]byte(raw), &out); err != nil {
		b.t.Fatal(err)
	}
	body, err := base64.StdEncoding.DecodeString(out.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	return out.Status, out.Type, body
}

// TestBrowserPackageDownload: the owner downloads the handover package
// from the engagement page; it is a zip whose signed manifest verifies.
// The partner manager has no such link, and the route refuses them.
func TestBrowserPackageDownload(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sqlite")
	f := e.f
	b := newBrowser(t, e)
	b.signIn(f.Emails[tandem.RoleOwner])
	if st := b.open(fmt.Sprintf("/engagements/%d", f.A1)); st != 200 {
		t.Fatalf("engagement: %d", st)
	}
	href := b.attr(`#package-download`, "href")
	if href != fmt.Sprintf("/engagements/%d/package", f.A1) {
		t.Fatalf("download link %q", href)
	}
	st, ctype, body := fetchBase64(b, href)
	if st != 200 || ctype != "application/zip" {
		t.Fatalf("download: %d %s", st, ctype)
	}
	pkg, err := bundle.Read(body)
	if err != nil {
		t.Fatalf("the package does not verify: %v", err)
	}
	if pkg.Manifest.Scope != bundle.ScopeEngagement || len(pkg.Entries("engagements")) != 1 || pkg.Entries("engagements")[0].Rows != 1 {
		t.Errorf("manifest: %+v", pkg.Manifest)
	}
	b.shot("90-engagement-package")

	p := newBrowser(t, e)
	p.signIn(f.Emails[tandem.RoleVendorManager])
	p.open(fmt.Sprintf("/engagements/%d", f.A1))
	if n := p.count(`#package-download`); n != 0 {
		t.Errorf("partner manager sees the download link")
	}
	if st, _, _ := fetchBase64(p, fmt.Sprintf("/engagements/%d/package", f.A1)); st != 403 {
		t.Errorf("partner manager download: %d", st)
	}
}
