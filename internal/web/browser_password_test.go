package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/store/storetest"
)

// A viewer who forgot her password asks for a new one from the sign-in
// page; the owner finds the request among his notifications and it leads to
// the members page, where reset links are issued. Signed in, the viewer
// changes her password on her account page: a wrong current password is
// refused next to its field, the right one changes it.
func TestBrowserForgotAndChangePassword(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sqlite")
	b := newBrowser(t, e)
	b.open("/signin")
	b.click(`a[href="/forgot"]`)
	b.wantText("main h1", b.msg(i18n.EN, "forgot.title"))
	b.do("type the address", chromedp.SendKeys(chromedp.CSS(`input[name="email"]`), "viewer@example.com"))
	b.click(`form[action="/forgot"] button[type="submit"]`)
	b.wantText(`[role="status"]`, b.msg(i18n.EN, "forgot.sent", "email", "viewer@example.com"))
	b.shot("forgot-sent")

	owner := newBrowser(t, e)
	owner.signIn("owner@example.com")
	owner.open("/notifications")
	want := owner.msg(i18n.EN, "notify.user.reset_requested", "name", "Vera Viewer", "email", "viewer@example.com")
	if got := owner.text("main"); !strings.Contains(got, want) {
		t.Fatalf("the owner's notifications lack %q:\n%s", want, got)
	}
	owner.click(`main a[href="/members"]`)
	if loc := owner.location(); loc != "/members" {
		t.Fatalf("the request leads to %s", loc)
	}

	b.signIn("viewer@example.com")
	b.open("/account")
	b.do("a wrong current password",
		chromedp.SendKeys(chromedp.CSS(`input[name="current_password"]`), "not my password"),
		chromedp.SendKeys(chromedp.CSS(`input[name="new_password"]`), "a brand new password"))
	if st := b.click(`form[action="/account/password"] button[type="submit"]`); st != 422 {
		t.Fatalf("wrong current password answered %d", st)
	}
	b.wantText(`#e-current_password`, b.msg(i18n.EN, "account.password_wrong"))
	b.do("the right one",
		chromedp.SendKeys(chromedp.CSS(`input[name="current_password"]`), storetest.Password),
		chromedp.SendKeys(chromedp.CSS(`input[name="new_password"]`), "a brand new password"))
	b.click(`form[action="/account/password"] button[type="submit"]`)
	b.wantText(".flash", b.msg(i18n.EN, "flash.account.password"))
	if got := b.text("main .people li"); strings.Contains(got, "Mozilla") {
		t.Errorf("the session shows its User-Agent string: %q", got)
	}
}
