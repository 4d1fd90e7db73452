package web_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/tandemhq/tandem/internal/bundle"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
)

// The owner gives notice of termination from the engagement's overview (the
// page asks first), sees the countdown and the handover checklist, ticks a
// step, then closes the partner's access at once: the agent, working in
// another browser with nothing else in the workspace, is signed out on the
// very next request, and the engagement is gone from the partner's manager.
// The owner then downloads the engagement's handover package: a zip whose
// signed manifest verifies and counts the engagement, its termination and
// its checklist. The partner's manager never has the download (no link,
// the route refuses them, before the end and after).
func TestBrowserTermination(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sqlite")
	f := e.f
	storetest.Activate(t, e.db, f.Owner, f.A1, nil)
	overview := fmt.Sprintf("/engagements/%d", f.A1)

	vm := newBrowser(t, e)
	vm.signIn(f.Emails[tandem.RoleVendorManager])
	vm.open(overview)
	if n := vm.count(`#package-download`); n != 0 {
		t.Errorf("partner manager sees the download link")
	}
	if st, _, _ := fetchBase64(vm, overview+"/package"); st != 403 {
		t.Errorf("partner manager download: %d", st)
	}

	agent := newBrowser(t, e)
	agent.signIn(f.Emails[tandem.RoleVendorAgent])
	if st := agent.open(overview); st != 200 {
		t.Fatalf("the agent opens the engagement: %d", st)
	}

	owner := newBrowser(t, e)
	owner.signIn(f.Emails[tandem.RoleOwner])
	owner.open(overview)
	owner.click(fmt.Sprintf(`a[href="%s/termination"]`, overview))
	owner.do("give notice", chromedp.SendKeys(chromedp.CSS("#f-reason"), "Targets missed three months running"))
	owner.click(`#start button[type="submit"]`)
	if asked := owner.asked(); len(asked) != 1 || asked[0] != owner.msg(i18n.EN, "termination.confirm_start") {
		t.Errorf("confirmations asked: %q", asked)
	}
	owner.wantText(".flash", owner.msg(i18n.EN, "flash.engagements.termination"))
	if n := owner.count(".checklist li"); n < 4 {
		t.Fatalf("the checklist has %d steps", n)
	}
	owner.click(`#item-data_returned button`)
	if !strings.Contains(owner.text("#item-data_returned"), "Olivia Owner") {
		t.Errorf("the ticked step: %q", owner.text("#item-data_returned"))
	}
	owner.open(overview)
	if !strings.Contains(owner.text(".alert-warn"), "in 30 days") {
		t.Errorf("the overview's banner: %q", owner.text(".alert-warn"))
	}

	owner.open(overview + "/termination")
	owner.click("#revoke-now")
	owner.wantText(".flash", owner.msg(i18n.EN, "flash.engagements.termination.revoke"))

	// The agent's very next request: signed out.
	agent.open(overview)
	if loc := agent.location(); !strings.HasPrefix(loc, "/signin") {
		t.Errorf("after the access closed the agent is at %s", loc)
	}
	if st := vm.open(overview); st != 404 {
		t.Errorf("the partner's manager opens the ended engagement: %d", st)
	}
	if st, _, _ := fetchBase64(vm, overview+"/package"); st != 403 {
		t.Errorf("partner manager download after the end: %d", st)
	}

	// The owner downloads the handover package.
	owner.open(overview)
	href := owner.attr(`#package-download`, "href")
	if href != overview+"/package" {
		t.Fatalf("download link %q", href)
	}
	st, ctype, body := fetchBase64(owner, href)
	if st != 200 || ctype != "application/zip" {
		t.Fatalf("download: %d %s", st, ctype)
	}
	pkg, err := bundle.Read(body)
	if err != nil {
		t.Fatalf("the package does not verify: %v", err)
	}
	rows := func(ent string) int {
		n := 0
		for _, x := range pkg.Entries(ent) {
			n += x.Rows
		}
		return n
	}
	if pkg.Manifest.Scope != bundle.ScopeEngagement || rows("engagements") != 1 || rows("engagement_terminations") != 1 ||
		rows("termination_items") < 4 || rows("events") == 0 {
		t.Errorf("manifest: scope %s, %d engagements, %d terminations, %d checklist steps, %d events", pkg.Manifest.Scope,
			rows("engagements"), rows("engagement_terminations"), rows("termination_items"), rows("events"))
	}
	owner.shot("90-engagement-package")
}
