package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/mail"
	"github.com/tandemhq/tandem/internal/tandem"
)

// The manager puts notices in a weekly digest on her account page; the
// owner follows the account page's link to the outbox, where a
// notification's e-mail waits because no SMTP server is configured; an
// unsubscribe link opened without signing in asks first, then stops the
// e-mails of that area.
func TestBrowserMailPreferencesAndOutbox(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sqlite")
	m := newBrowser(t, e)
	m.signIn("manager@example.com")
	m.open("/account")
	m.wantText("#mail h2", m.msg(i18n.EN, "mail.prefs.title"))
	// The kinds of an area fold under it until opened.
	if open := m.eval(`document.querySelectorAll("details.mail-kinds[open]").length`); open != 0 {
		t.Errorf("%d lists of kinds open before any kind has a choice of its own", open)
	}
	m.do("open the notices' kinds, choose the digest for notices, weekly",
		chromedp.Click(chromedp.CSS(`tbody:has(select[name="modes.notice"]) details.mail-kinds > summary`)),
		chromedp.WaitVisible(chromedp.CSS(`select[name="kinds.notice.acknowledged"]`)),
		chromedp.SetValue(chromedp.CSS(`select[name="modes.notice"]`), "digest"),
		chromedp.SetValue(chromedp.CSS(`select[name="kinds.notice.acknowledged"]`), "off"),
		chromedp.SetValue(chromedp.CSS(`select[name="frequency"]`), "weekly"))
	m.click(`form[action="/account/mail"] button[type="submit"]`)
	m.wantText(".flash", m.msg(i18n.EN, "flash.account.mail"))
	if v := m.value(`select[name="modes.notice"]`); v != "digest" {
		t.Errorf("notices after saving: %q", v)
	}
	if v, w := m.value(`select[name="kinds.notice.acknowledged"]`), m.value(`select[name="kinds.notice.filed"]`); v != "off" || w != "" {
		t.Errorf("notice kinds after saving: %q %q (want off, and as for the area)", v, w)
	}
	if v := m.value(`select[name="frequency"]`); v != "weekly" {
		t.Errorf("frequency after saving: %q", v)
	}
	if open := m.eval(`document.querySelectorAll("details.mail-kinds[open]").length`); open != 1 {
		t.Errorf("%d lists of kinds open after saving; want the notices' only (a kind of its own)", open)
	}
	m.shot("mail-account")
	if n := m.count(`a[href="/mail/outbox"]`); n != 0 {
		t.Error("the manager is offered the outbox")
	}

	if err := e.db.Accounts.RequestReset(ctx, e.f.Emails[tandem.RoleViewer], ""); err != nil {
		t.Fatal(err)
	}
	o := newBrowser(t, e)
	o.signIn("owner@example.com")
	o.open("/account")
	o.click(`#mail a[href="/mail/outbox"]`)
	o.wantText("main h1", o.msg(i18n.EN, "mail.outbox.title"))
	o.wantText(`main .alert`, o.msg(i18n.EN, "mail.outbox.not_configured"))
	o.wantText(`#outbox tbody tr td:nth-child(2)`, "owner@example.com")
	o.wantText(`#outbox tbody tr td:nth-child(4) .badge`, o.msg(i18n.EN, "mail.status.pending"))
	o.shot("mail-outbox")

	// Both pages pass axe's WCAG 2.2 AA rules, show no raw text, and fit a
	// phone in Russian.
	src := axeSource(t)
	for _, c := range []struct {
		b    *browser
		path string
	}{{m, "/account"}, {o, "/mail/outbox"}} {
		c.b.open(c.path)
		for _, v := range axeRun(c.b, src) {
			t.Errorf("%s: %s (%s): %s", c.path, v.ID, v.Impact, strings.Join(v.Nodes, "; "))
		}
		c.b.click(`form[action="/language"] button[value="ru"]`)
		c.b.open(c.path)
		text := evalAs[string](c.b, `document.body.innerText`)
		for _, r := range rawText {
			if got := r.re.FindString(text); got != "" {
				t.Errorf("%s shows a %s: %q", c.path, r.name, got)
			}
		}
		c.b.viewport(phoneW, phoneH, false)
		if w := c.b.eval(`document.documentElement.scrollWidth`); w > phoneW {
			t.Errorf("%s is %d px wide at %d px", c.path, w, phoneW)
		}
		c.b.viewport(deskW, deskH, false)
		c.b.click(`form[action="/language"] button[value="en"]`)
	}

	key, err := e.db.Mail().Key(ctx)
	if err != nil {
		t.Fatal(err)
	}
	a := newBrowser(t, e)
	a.open(mail.UnsubscribePath + mail.Unsubscribe{WorkspaceID: e.f.WorkspaceID, UserID: e.f.Manager.UserID, Kind: "request"}.Sign(key))
	a.wantText("main p", a.msg(i18n.EN, "mail.unsub.confirm_area", "area", a.msg(i18n.EN, "mail.area.request"),
		"email", "manager@example.com", "workspace", "Fixture AB"))
	a.click(`main form button[type="submit"]`)
	a.wantText(`[role="status"]`, a.msg(i18n.EN, "mail.unsub.done"))
	m.open("/account")
	if v := m.value(`select[name="modes.request"]`); v != "off" {
		t.Errorf("requests after unsubscribing: %q", v)
	}
}
