package web_test

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/tandemhq/tandem/internal/i18n"
)

// These tests drive a real headless Chromium through the app as a person
// would: typing into fields, clicking links and buttons, reading what the
// page shows. Set TANDEM_SCREENSHOTS to a directory to keep full-page
// screenshots of the pages they pass through.

func TestBrowserOwnerSignsInAndSwitchesLanguage(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sqlite")
	b := newBrowser(t, e)

	// Opening the app leads to the sign-in page.
	if st := b.open("/"); st != 200 {
		t.Fatalf("sign-in page: status %d", st)
	}
	if p := b.location(); !strings.HasPrefix(p, "/signin") {
		t.Fatalf("/ led to %s, not the sign-in page", p)
	}
	b.wantText("main h1", b.msg(i18n.EN, "signin.title"))
	b.shot("01-signin")

	if err := signIn(b.ctx, "owner@example.com"); err != nil {
		t.Fatalf("sign in: %v", err)
	}
	if p := b.location(); p != "/" {
		t.Fatalf("signed in, landed on %s, not the overview", p)
	}
	b.wantText("main h1", "Fixture AB")
	b.shot("02-owner-overview")

	// The nav leads to the partners.
	if st := b.click(`nav.mainnav a[href="/partners"]`); st != 200 {
		t.Fatalf("partners: status %d", st)
	}
	b.wantText("main h1", "Partners")
	rows := b.text("table tbody")
	for _, name := range []string{"Alpha Sales AB", "Beta Support OÜ"} {
		if !strings.Contains(rows, name) {
			t.Errorf("partners table lacks %q: %q", name, rows)
		}
	}
	b.shot("03-partners")

	// The footer's language buttons switch the page, and it stays put.
	for _, c := range []struct {
		lang    i18n.Lang
		heading string
	}{{i18n.RU, "Партнёры"}, {i18n.SV, "Partner"}} {
		if st := b.click(fmt.Sprintf(`footer button[name="lang"][value="%s"]`, c.lang)); st != 200 {
			t.Fatalf("switch to %s: status %d", c.lang, st)
		}
		if p := b.location(); p != "/partners" {
			t.Errorf("switch to %s: left the partners for %s", c.lang, p)
		}
		b.wantText("main h1", c.heading)
		if l := b.attr("html", "lang"); l != string(c.lang) {
			t.Errorf(`switch to %s: <html lang=%q>`, c.lang, l)
		}
	}

	// An edit that empties the legal name is refused next to the field,
	// in Swedish, and changes nothing.
	b.click(fmt.Sprintf(`table a[href="/partners/%d"]`, e.f.PartnerA))
	b.wantText("main h1", "Alpha Sales AB")
	b.click(fmt.Sprintf(`.page-actions a[href="/partners/%d/edit"]`, e.f.PartnerA))
	b.do("clear the legal name", chromedp.Clear(chromedp.CSS("#f-legal_name")))
	if st := b.click(`main form button[type="submit"]`); st != 422 {
		t.Errorf("save without a legal name: status %d, want 422", st)
	}
	b.wantText("#e-legal_name", "Fyll i det här fältet.")
	// The message sits in the field's own box, and the input points to it.
	if n := b.count(`.field.has-error > #f-legal_name[aria-invalid="true"][aria-describedby="e-legal_name"] ~ #e-legal_name`); n != 1 {
		t.Errorf("the error is not next to the legal name field (%d matches)", n)
	}
	if v := b.value("#f-legal_name"); v != "" {
		t.Errorf("the form shows legal name %q, not what was sent", v)
	}
	b.shot("04-partner-form-errors")
	p, err := e.db.Partners.Get(ctx, e.f.Owner, e.f.PartnerA)
	if err != nil {
		t.Fatal(err)
	}
	if p.LegalName != "Alpha Sales AB" {
		t.Errorf("a refused form changed the legal name to %q", p.LegalName)
	}
}

func TestBrowserAgentStaysInLane(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sqlite")
	b := newBrowser(t, e)
	b.signIn("agent@alpha.example")

	// The overview shows only the agent's own engagement.
	if p := b.location(); p != "/" {
		t.Fatalf("signed in, landed on %s", p)
	}
	overview := b.text("main")
	if !strings.Contains(overview, "Alpha outbound") {
		t.Errorf("overview lacks the agent's engagement: %q", overview)
	}
	for _, other := range []string{"Alpha renewals", "Beta helpdesk"} {
		if strings.Contains(overview, other) {
			t.Errorf("overview shows %q to the agent", other)
		}
	}
	b.shot("06-agent-overview")

	// The nav offers neither the audit trail nor the people.
	nav := b.text("nav.mainnav")
	for _, key := range []string{"nav.audit", "nav.members"} {
		if label := b.msg(i18n.EN, key); strings.Contains(nav, label) {
			t.Errorf("agent's nav offers %q: %q", label, nav)
		}
	}
	if n := b.count(`nav.mainnav a[href="/audit"], nav.mainnav a[href="/members"]`); n != 0 {
		t.Errorf("agent's nav links to the audit trail or the people (%d links)", n)
	}

	// Typing the address of someone else's record shows "not found", and
	// nothing of the record.
	notFound := b.msg(i18n.EN, "error.not_found")
	for path, secret := range map[string]string{
		fmt.Sprintf("/engagements/%d", e.f.B1):    "Beta helpdesk",
		fmt.Sprintf("/engagements/%d", e.f.A2):    "Alpha renewals",
		fmt.Sprintf("/partners/%d", e.f.PartnerB): "Beta Support OÜ",
	} {
		if st := b.open(path); st != 404 {
			t.Errorf("%s: status %d, want 404", path, st)
		}
		b.wantText(".error-code", "404")
		b.wantText("main h1", notFound)
		if page := b.text("body"); strings.Contains(page, secret) || strings.Contains(b.title(), secret) {
			t.Errorf("%s shows %q to the agent", path, secret)
		}
	}

	// The audit trail is refused outright.
	if st := b.open("/audit"); st != 403 {
		t.Errorf("/audit: status %d, want 403", st)
	}
	b.wantText("main h1", b.msg(i18n.EN, "error.forbidden"))
}

func TestBrowserOwnerCreatesEngagement(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sqlite")
	b := newBrowser(t, e)
	b.signIn("owner@example.com")

	b.click(`nav.mainnav a[href="/engagements"]`)
	b.wantText("main h1", b.msg(i18n.EN, "engagements.title"))
	b.click(`.page-actions a[href="/engagements/new"]`)
	b.wantText("main h1", b.msg(i18n.EN, "engagements.new"))

	const title = "Beta onboarding pilot"
	b.do("fill the new engagement",
		chromedp.SendKeys(chromedp.CSS("#f-title"), title),
		chromedp.SetValue(chromedp.CSS("#f-partner_id"), strconv.FormatInt(e.f.PartnerB, 10)),
	)
	if got := evalAs[string](b, `document.querySelector("#f-partner_id").selectedOptions[0].text`); got != "Beta Support OÜ" {
		t.Fatalf("chose partner %q, want Beta Support OÜ", got)
	}
	if st := b.click(`main form button[type="submit"]`); st != 200 {
		t.Fatalf("create engagement: status %d", st)
	}

	// The new engagement's page.
	m := regexp.MustCompile(`^/engagements/(\d+)$`).FindStringSubmatch(b.location())
	if m == nil {
		t.Fatalf("after saving, the browser is at %s, not an engagement", b.location())
	}
	b.wantText("main h1", title)
	b.wantText(".page-head .muted", "Beta Support OÜ")
	b.shot("05-engagement")
	id, _ := strconv.ParseInt(m[1], 10, 64)
	en, err := e.db.Engagements.Get(ctx, e.f.Owner, id)
	if err != nil {
		t.Fatal(err)
	}
	if en.Title != title || en.PartnerID != e.f.PartnerB {
		t.Errorf("stored engagement: %q of partner %d", en.Title, en.PartnerID)
	}

	// It is in the list.
	b.click(`nav.mainnav a[href="/engagements"]`)
	if rows := b.text("table tbody"); !strings.Contains(rows, title) {
		t.Errorf("engagement list lacks %q: %q", title, rows)
	}

	// The people and the audit trail, which records the creation.
	b.click(`nav.mainnav a[href="/members"]`)
	b.wantText("main h1", b.msg(i18n.EN, "members.title"))
	b.shot("07-members")
	b.click(`nav.mainnav a[href="/audit"]`)
	b.wantText("main h1", b.msg(i18n.EN, "audit.title"))
	if rows := b.text("table tbody"); !strings.Contains(rows, b.msg(i18n.EN, "audit.action.engagement.created")) {
		t.Errorf("audit trail lacks the creation: %q", rows)
	}
	b.shot("08-audit")

	// On a phone, the partners list still fits the screen's width.
	b.viewport(phoneW, phoneH, true)
	b.open("/partners")
	b.wantText("main h1", "Partners")
	if w := b.eval("document.documentElement.scrollWidth"); w > phoneW {
		t.Errorf("partners list is %dpx wide on a %dpx phone: the page scrolls sideways", w, phoneW)
	}
	b.shot("09-partners-phone")
}
