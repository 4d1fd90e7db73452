package web_test

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/tandem"
)

// An owner creates an engagement from the support template, meets the
// contract check's errors, fixes them, activates, proposes an amendment that
// takes effect next month; the partner's manager accepts it; both versions
// read right on their dates; the annex prints and downloads as a PDF.
func TestBrowserContractLifecycle(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sqlite")
	b := newBrowser(t, e)
	b.signIn("owner@example.com")

	b.open("/engagements/new")
	const title = "Beta weekend helpdesk"
	b.do("fill the new engagement",
		chromedp.SendKeys(chromedp.CSS("#f-title"), title),
		chromedp.SetValue(chromedp.CSS("#f-partner_id"), strconv.FormatInt(e.f.PartnerB, 10)),
		chromedp.SetValue(chromedp.CSS("#f-kind"), "support"),
	)
	b.click(`main form button[type="submit"]`)
	m := regexp.MustCompile(`^/engagements/(\d+)$`).FindStringSubmatch(b.location())
	if m == nil {
		t.Fatalf("after creating, at %s", b.location())
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)

	// The terms come from the support template; the check fails: nobody accepts the services yet.
	b.click(fmt.Sprintf(`.tabs a[href="/engagements/%d/terms"]`, id))
	v, err := e.db.Contracts.InForce(ctx, e.f.Owner, id, tandem.DateOf(time.Now()))
	if err != nil {
		t.Fatal(err)
	}
	services := len(v.Terms.Services)
	if services == 0 {
		t.Fatal("the support template has no services")
	}
	b.wantText("#check .card-head .badge", b.msgN(i18n.EN, "contract.check_errors", int64(services)))
	if st := b.click("#activate"); st != 422 {
		t.Fatalf("activation with errors: status %d", st)
	}
	b.wantText(".alert", b.msgN(i18n.EN, "contract.activate_errors", int64(services)))
	// Activation asked first; the refused form keeps a reloadable address.
	if asked := b.asked(); len(asked) != 1 || asked[0] != b.msg(i18n.EN, "confirm.activate") {
		t.Errorf("confirmations asked: %q", asked)
	}
	if loc := b.location(); loc != fmt.Sprintf("/engagements/%d/terms", id) {
		t.Errorf("after a refused activation the address is %s", loc)
	}
	if got, _ := e.db.Engagements.Get(ctx, e.f.Owner, id); got.Status != "draft" {
		t.Fatalf("a refused activation changed the status to %s", got.Status)
	}
	b.shot("10-terms-check-failed")

	// The editor's sections say what the check still wants: each service's
	// acceptor. Choose who accepts each service among the client's people,
	// save: the check passes.
	b.click(fmt.Sprintf(`a[href="/engagements/%d/terms/edit"]`, id))
	b.wantText(`.terms-sections a[href="#sec-services"] + .badge`, b.msgN(i18n.EN, "contract.section_wants", int64(services)))
	if n := b.eval(`document.querySelectorAll('#sec-services .section-wants li').length`); n != services {
		t.Errorf("the services section lists %v things to fix, want %d", n, services)
	}
	b.shot("10b-terms-editor-sections")
	for i := 0; i < services; i++ {
		b.do("choose the acceptor", chromedp.SetValue(chromedp.CSS(fmt.Sprintf(`select[name="services.%d.acceptor"]`, i)), "Mats Manager"))
	}
	if st := b.click(`.sticky-actions button[type="submit"]`); st != 200 {
		t.Fatalf("save terms: status %d (%s)", st, b.text("main"))
	}
	b.wantText("#check .card-head .badge", b.msg(i18n.EN, "contract.check_passed"))
	// Acknowledge the warnings that remain, and activate.
	b.eval(`document.querySelectorAll('input[name="ack"]').forEach(c => c.checked = true), 0`)
	if st := b.click("#activate"); st != 200 {
		t.Fatalf("activate: status %d: %s", st, b.text("main"))
	}
	b.wantText(".page-head .badge", b.msg(i18n.EN, "engagement.status.active"))
	b.wantText(".flash", b.msg(i18n.EN, "flash.engagements.activate"))

	// Propose an amendment from next month: 20 days to pay.
	b.click(fmt.Sprintf(`a[href="/engagements/%d/amendments/new"]`, id))
	effective := b.value("#f-effective_from")
	if effective <= time.Now().Format("2006-01-02") {
		t.Fatalf("the proposed effective date %s is not in the future", effective)
	}
	b.do("amend", chromedp.SendKeys(chromedp.CSS("#f-reason"), "Faster payment agreed at the monthly review"),
		chromedp.SetValue(chromedp.CSS(`input[name="price.days_to_pay"]`), "20"))
	b.click(`.sticky-actions button[type="submit"]`)
	b.wantText("#amendment-1 .badge", b.msg(i18n.EN, "contract.amendment_status.proposed"))
	b.shot("11-amendment-proposed")

	// The partner's manager signs in and accepts it.
	b.click(`form[action="/signout"] button`)
	if err := signInAt(b, "vm@beta.example"); err != nil {
		t.Fatal(err)
	}
	b.open(fmt.Sprintf("/engagements/%d/amendments", id))
	b.click(`#amendment-1 button[value="accept"]`)
	b.wantText("#amendment-1 .badge", b.msg(i18n.EN, "contract.amendment_status.accepted"))

	// Today the old terms hold; from the effective date the new ones.
	today, _ := e.db.Contracts.InForce(ctx, e.f.Owner, id, tandem.DateOf(time.Now()))
	later, _ := tandem.ParseDate(effective)
	then, _ := e.db.Contracts.InForce(ctx, e.f.Owner, id, later)
	if today.Number != 1 || then.Number != 2 || then.Terms.Price.DaysToPay != 20 || today.Terms.Price.DaysToPay == 20 {
		t.Fatalf("terms today: v%d %d days; on %s: v%d %d days", today.Number, today.Terms.Price.DaysToPay, effective, then.Number, then.Terms.Price.DaysToPay)
	}
	b.open(fmt.Sprintf("/engagements/%d/terms?on=%s", id, effective))
	if h := b.text(".page-head .muted"); !strings.Contains(h, "2") {
		t.Errorf("terms page on %s says %q", effective, h)
	}

	// The annex: a print view and a PDF.
	// The annex prints in the reader's language (English here), or in
	// another by its link; the PDF downloads with its fonts.
	b.open(fmt.Sprintf("/engagements/%d/annex", id))
	b.wantText("main h1", b.msg(i18n.EN, "annex.title"))
	b.click(`.annex-langs a[hreflang="sv"]`)
	b.wantText("main h1", b.msg(i18n.SV, "annex.title"))
	info := fetchInfo(b, fmt.Sprintf("/engagements/%d/annex.pdf?on=%s", id, effective))
	var status, size int
	var ctype string
	if _, err := fmt.Sscan(info, &status, &ctype, &size); err != nil || status != 200 || ctype != "application/pdf" || size < 10000 {
		t.Fatalf("annex PDF: %q", info)
	}
	exports, _, _ := e.db.Audit.List(ctx, e.f.Owner, storeFilter("data.export"), tandem.Page{})
	if len(exports) != 3 {
		t.Errorf("annex exports audited: %d, want 3", len(exports))
	}
}

// signInAt follows the app to its sign-in page and signs in.
func signInAt(b *browser, email string) error {
	b.open("/signin")
	ctx, cancel := b.step()
	defer cancel()
	return signIn(ctx, email)
}

// fetchStatus fetches path from the page and reports the status, content
// type and size the browser got.
func fetchInfo(b *browser, path string) string {
	ctx, cancel := b.step()
	defer cancel()
	out, err := chromedp.Run(ctx, chromedp.Evaluate[string](`fetch(`+jsString(path)+`).then(async r => r.status + " " + r.headers.get("content-type") + " " + (await r.arrayBuffer()).byteLength)`,
		chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("fetch %s: %v", path, err)
	}
	return out
}
