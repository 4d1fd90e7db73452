package web_test

import (
	"encoding/base64"
	"encoding/json"

	"github.com/chromedp/chromedp"
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
