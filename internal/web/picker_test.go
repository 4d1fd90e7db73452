package web_test

import (
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/partner"
	"github.com/tandemhq/tandem/internal/store"
)

// manyPartners adds n partners to e's workspace, more than a picker lists,
// and one more named last, which the picker's first page cannot show.
func manyPartners(t *testing.T, e *env, n int) (lastID int64) {
	t.Helper()
	sys := store.System(e.f.WorkspaceID, "test")
	for i := 1; i <= n; i++ {
		if err := e.db.Partners.Create(ctx, sys, &partner.Partner{LegalName: fmt.Sprintf("Picker partner %02d AB", i), Country: "SE", Status: partner.StatusActive}); err != nil {
			t.Fatal(err)
		}
	}
	z := &partner.Partner{LegalName: "Zylinder Logistik AB", Country: "DE", Status: partner.StatusActive}
	if err := e.db.Partners.Create(ctx, sys, z); err != nil {
		t.Fatal(err)
	}
	return z.ID
}

// Without a script, a picker's Find button sends the form to its own page
// by GET: the page comes back with everything typed kept and the list
// narrowed to the matches (and what was chosen). Past 50 partners the
// engagement list has no partner dropdown; a partner chosen by a link is
// shown as a chip that removes it.
func TestPartnerPickerWithoutScript(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sqlite")
	z := manyPartners(t, e, 60)
	c := e.as(e.f.Owner)
	zs := strconv.FormatInt(z, 10)

	r := c.get("/engagements/new")
	if r.status != 200 || !strings.Contains(r.body, `name="partner_id_q"`) || strings.Contains(r.body, "Zylinder") {
		t.Fatalf("new engagement with 63 partners: status %d, search box %v, Zylinder listed %v", r.status,
			strings.Contains(r.body, `name="partner_id_q"`), strings.Contains(r.body, "Zylinder"))
	}
	if n := strings.Count(r.body, "<option value=\"") - strings.Count(r.body, `<option value=""`); n < 50 || n > 60 {
		t.Errorf("%d partner options listed on the first page", n)
	}
	more := catalog.For(i18n.EN, nil).N("picker.more", 50)
	if !strings.Contains(r.body, more) {
		t.Errorf("the cut list does not say so (%q)", more)
	}

	q := url.Values{"find": {"partner_id"}, "partner_id_q": {"zylind"}, "title": {"Kept title"}, "kind": {"sales"}}
	r = c.get("/engagements/new?" + q.Encode())
	if r.status != 200 {
		t.Fatalf("find: status %d", r.status)
	}
	for _, want := range []string{`value="Kept title"`, `value="zylind"`, `<option value="` + zs + `"`} {
		if !strings.Contains(r.body, want) {
			t.Errorf("found form lacks %s", want)
		}
	}
	if strings.Contains(r.body, "Picker partner 01") {
		t.Error("found form still lists partners that do not match")
	}
	// Editing: the chosen partner (Alpha) stays in a narrowed list.
	q = url.Values{"find": {"partner_id"}, "partner_id_q": {"zylind"}, "partner_id": {strconv.FormatInt(e.f.PartnerA, 10)}}
	r = c.get(fmt.Sprintf("/engagements/%d/edit?%s", e.f.A1, q.Encode()))
	if r.status != 200 || !strings.Contains(r.body, "Alpha Sales AB") || !strings.Contains(r.body, "Zylinder") {
		t.Errorf("edit, found: status %d, Alpha kept %v, Zylinder found %v", r.status, strings.Contains(r.body, "Alpha Sales AB"), strings.Contains(r.body, "Zylinder"))
	}
	// A selection's candidates: the checked one stays, the match is added.
	q = url.Values{"find": {"candidates"}, "candidates_q": {"zylinder"}, "candidates": {strconv.FormatInt(e.f.PartnerB, 10)}, "title": {"Pick a carrier"}}
	r = c.get("/selections/new?" + q.Encode())
	if r.status != 200 || !regexp.MustCompile(`name="candidates" value="`+strconv.FormatInt(e.f.PartnerB, 10)+`" checked`).MatchString(r.body) ||
		!strings.Contains(r.body, `name="candidates" value="`+zs+`"`) || strings.Contains(r.body, "Picker partner 01") {
		t.Errorf("selection, found: status %d; body lacks the kept or the found candidate, or lists others", r.status)
	}

	// The engagement list: no dropdown of 63 partners; a chip for the one
	// a link chose.
	r = c.get("/engagements")
	if strings.Contains(r.body, `<select id="partner_id"`) {
		t.Error("the engagement list still lists every partner in a dropdown")
	}
	r = c.get("/engagements?partner_id=" + zs)
	chip := catalog.For(i18n.EN, nil).T("picker.only_partner", "name", "Zylinder Logistik AB")
	if !strings.Contains(r.body, chip) || !strings.Contains(r.body, `href="/engagements"`) {
		t.Errorf("the engagement list filtered by a partner lacks its chip %q", chip)
	}

	// A partner's manager finds only its own partner.
	r = e.as(e.f.VendorManager).get("/engagements?partner_id=" + zs)
	if strings.Contains(r.body, "Zylinder") {
		t.Error("a vendor manager reads another partner's name through the filter")
	}
}

// With the script, typing in the search box narrows the list as one
// types; the person picks the match and saves the engagement.
func TestBrowserPartnerPicker(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sqlite")
	z := manyPartners(t, e, 60)
	b := newBrowser(t, e)
	b.signIn("owner@example.com")
	b.open("/engagements/new")
	if n := b.count(`#f-partner_id option[value="` + strconv.FormatInt(z, 10) + `"]`); n != 0 {
		t.Fatalf("Zylinder is listed before any search")
	}
	b.do("search a partner",
		chromedp.SendKeys(chromedp.CSS("#f-title"), "Freight to Hamburg"),
		chromedp.SendKeys(chromedp.CSS("#f-partner_id_q"), "zylin"),
		chromedp.WaitReady(chromedp.CSS(`#f-partner_id option[value="`+strconv.FormatInt(z, 10)+`"]`)),
	)
	if n := b.count(`#f-partner_id option`); n != 2 {
		t.Errorf("%d options after the search, want the lead and Zylinder", n)
	}
	if got := b.value("#f-partner_id"); got != strconv.FormatInt(z, 10) {
		t.Errorf("the only match is not chosen: %q", got)
	}
	if b.eval(`document.activeElement.id === "f-partner_id_q" ? 1 : 0`) != 1 {
		t.Error("the search box lost its focus")
	}
	b.shot("picker-found")
	if st := b.click(`main form .form-actions button[type="submit"]`); st != 200 {
		t.Fatalf("save: status %d", st)
	}
	m := regexp.MustCompile(`^/engagements/(\d+)$`).FindStringSubmatch(b.location())
	if m == nil {
		t.Fatalf("after saving, the browser is at %s", b.location())
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	en, err := e.db.Engagements.Get(ctx, e.f.Owner, id)
	if err != nil {
		t.Fatal(err)
	}
	if en.PartnerID != z || en.Title != "Freight to Hamburg" {
		t.Errorf("stored: %q of partner %d, want Freight to Hamburg of %d", en.Title, en.PartnerID, z)
	}
}
