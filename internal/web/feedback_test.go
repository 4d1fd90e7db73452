package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/tandemhq/tandem/internal/tandem"
)

// A done action says so on the page it leads to, once; the same form posted
// twice by a double click is carried out once.
func TestFlashAndDoubleSubmit(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sqlite")
	c := e.as(e.f.Owner)
	_, before, err := e.db.Partners.List(ctx, e.f.Owner, tandem.Page{Limit: 100}, "")
	if err != nil {
		t.Fatal(err)
	}
	// The page's script adds a once-token to the form; a double click sends it twice.
	form := url.Values{"legal_name": {"Dubbelklick AB"}, "country": {"SE"}, "_once": {"3f9a0c1d2e4b5a6978c0d1e2"}}
	first := c.post("/partners", form)
	if first.status != 303 {
		t.Fatalf("create a partner: %d %s", first.status, first.body)
	}
	second := c.post("/partners", form)
	if second.status != 303 || second.location != first.location {
		t.Fatalf("the double submit: %d to %q, want 303 to %q", second.status, second.location, first.location)
	}
	_, after, err := e.db.Partners.List(ctx, e.f.Owner, tandem.Page{Limit: 100}, "")
	if err != nil {
		t.Fatal(err)
	}
	if after != before+1 {
		t.Fatalf("%d partners created by a double submit, want 1", after-before)
	}
	// The same form filled again (a new page view, a new token), or from
	// another session, is carried out.
	form.Set("_once", "0a1b2c3d4e5f60718293a4b5")
	if r := c.post("/partners", form); r.status != 303 {
		t.Fatalf("the same form filled again: %d", r.status)
	}
	if r := e.as(e.f.Owner).post("/partners", form); r.status != 303 {
		t.Fatalf("the same form from another session: %d", r.status)
	}
	if _, n, _ := e.db.Partners.List(ctx, e.f.Owner, tandem.Page{Limit: 100}, ""); n != before+3 {
		t.Errorf("%d partners after three separate submits, want %d", n, before+3)
	}

	page := c.get(first.location)
	if !strings.Contains(page.body, `<div class="flash" role="status">The partner is saved.</div>`) {
		t.Errorf("no success message after the action: %s", page.body)
	}
	if again := c.get(first.location); strings.Contains(again.body, `class="flash"`) {
		t.Error("the success message shows twice")
	}
	// A forged flash cookie shows nothing that is not a message.
	u, _ := url.Parse(e.srv.URL)
	for _, v := range []string{"contract.stage.won", "flash.nope", "<b>hi</b>"} {
		c.http.Jar.SetCookies(u, []*http.Cookie{{Name: "tandem_flash", Value: v, Path: "/"}})
		if r := c.get("/partners"); strings.Contains(r.body, `class="flash"`) {
			t.Errorf("flash cookie %q shown", v)
		}
	}
}
