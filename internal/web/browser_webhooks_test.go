package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
	"github.com/tandemhq/tandem/internal/work"
)

// The owner registers a webhook endpoint from the account page: a local
// address is refused next to the field, in Russian; a public one is
// registered and its secret shown once; an event then waits in its
// delivery log, told in words. The partner's manager sees none of it.
func TestBrowserWebhooks(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sqlite")
	f := e.f
	storetest.Activate(t, e.db, f.Owner, f.A1, nil)

	b := newBrowser(t, e)
	b.signIn(f.Emails[tandem.RoleOwner])
	b.open("/account")
	b.click(`a[href="/webhooks"]`)
	b.click(`form[action="/language"] button[value="ru"]`)
	b.do("a local address", chromedp.SendKeys(chromedp.CSS("#f-url"), "http://127.0.0.1:9000/hook"))
	if st := b.click(`form[action="/webhooks"] button[type="submit"]`); st != 422 {
		t.Fatalf("a local address: status %d", st)
	}
	b.wantText("#e-url", b.msg(i18n.RU, "webhook.validation.private"))
	if n, _ := e.db.Webhooks().Endpoints(context.Background(), f.Owner); len(n) != 0 {
		t.Fatalf("a refused endpoint was stored: %v", n)
	}
	b.click(`form[action="/language"] button[value="en"]`)
	b.do("a public address",
		chromedp.SendKeys(chromedp.CSS("#f-url"), "https://hooks.example.com/tandem"),
		chromedp.SendKeys(chromedp.CSS("#f-description"), "Our order system"),
		chromedp.Click(chromedp.CSS(`input[name="groups"][value="deliverables"]`)))
	if st := b.click(`form[action="/webhooks"] button[type="submit"]`); st != 201 {
		t.Fatalf("register: status %d", st)
	}
	if secret := b.value(".secret input"); !strings.HasPrefix(secret, "whsec_") {
		t.Errorf("the secret shown: %q", secret)
	}
	b.wantText("table tbody tr td:nth-child(3)", b.msg(i18n.EN, "webhook.group.deliverables"))

	// An event for the endpoint: it waits in the log, told in words.
	v, _ := e.db.Contracts.InForce(context.Background(), f.Owner, f.A1, tandem.DateOf(time.Now()))
	d := &work.Deliverable{EngagementID: f.A1, ServiceKey: v.Terms.Services[0].Key, Title: "December call list"}
	if err := e.db.Work.Create(context.Background(), f.Owner, d); err != nil {
		t.Fatal(err)
	}
	b.click(`table tbody tr td a`)
	b.wantText("table tbody tr td:nth-child(1)", b.msg(i18n.EN, "notify.deliverable.created", "title", "December call list"))
	b.wantText("table tbody tr td:nth-child(3) .badge", b.msg(i18n.EN, "webhook.message.pending"))
	if b.count(".secret") != 0 {
		t.Error("the secret is shown again")
	}
	endpoint := b.location()

	// The partner's manager sees no endpoint of the client's; agents have no page.
	vm := newBrowser(t, e)
	vm.signIn(f.Emails[tandem.RoleVendorManager])
	vm.open("/webhooks")
	if n := vm.count("table tbody tr"); n != 0 {
		t.Errorf("the partner's manager sees %d endpoints", n)
	}
	if st := vm.open(endpoint); st != 404 {
		t.Errorf("the partner's manager opens the client's endpoint: %d", st)
	}
	agent := newBrowser(t, e)
	agent.signIn(f.Emails[tandem.RoleVendorAgent])
	if st := agent.open("/webhooks"); st != 403 {
		t.Errorf("an agent opens webhooks: %d", st)
	}
}

// The webhook API: registering answers the secret once; a bad address is
// a 422 on "url" in the caller's language; a partner token sees only its
// partner's endpoints.
func TestWebhookAPI(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, dialect)
			f := e.f
			owner, vm := e.token(f.Owner), e.token(f.VendorManager)
			c := e.anon()
			r := c.api("POST", "/api/v1/webhooks", owner, `{"url":"https://hooks.example.com/a","groups":["invoices"]}`)
			if r.status != 201 || !strings.Contains(r.body, `"secret":"whsec_`) || !strings.Contains(r.body, `"partner_id":null`) {
				t.Fatalf("register: %d %s", r.status, r.body)
			}
			r = c.do("POST", "/api/v1/webhooks", strings.NewReader(`{"url":"ftp://x"}`), map[string]string{"Authorization": "Bearer " + owner,
				"Content-Type": "application/json", "Accept-Language": "sv"})
			if r.status != 422 || !strings.Contains(r.body, `{"field":"url","message":"Ange en adress som börjar med https:// eller http://."}`) {
				t.Errorf("a bad address: %d %s", r.status, r.body)
			}
			r = c.api("POST", "/api/v1/webhooks", vm, `{"url":"https://hooks.alpha.example/b"}`)
			if r.status != 201 || !strings.Contains(r.body, fmt.Sprintf(`"partner_id":%d`, f.PartnerA)) {
				t.Fatalf("partner registers: %d %s", r.status, r.body)
			}
			r = c.api("GET", "/api/v1/webhooks", vm, "")
			if r.status != 200 || strings.Contains(r.body, "hooks.example.com") || strings.Contains(r.body, "whsec_") {
				t.Errorf("the partner's list: %d %s", r.status, r.body)
			}
			r = c.api("GET", "/api/v1/webhooks", owner, "")
			if r.status != 200 || !strings.Contains(r.body, "hooks.alpha.example") || strings.Contains(r.body, "whsec_") {
				t.Errorf("the owner's list: %d %s", r.status, r.body)
			}
			r = c.api("POST", "/api/v1/webhooks/1/rotate", vm, `{"x":1}`)
			if r.status != 422 && r.status != 404 {
				t.Errorf("rotate with an unknown field: %d %s", r.status, r.body)
			}
		})
	}
}
