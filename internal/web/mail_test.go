package web_test

import (
	"encoding/json"
	"log/slog"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/mail"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
	"github.com/tandemhq/tandem/internal/web"
)

// A person chooses their e-mails on the account page and through the API;
// an unsubscribe link works without signing in (GET asks, POST does, as a
// mail client's one-click does); the owner sees the outbox, waiting while
// no SMTP server is configured.
func TestMailPreferencesUnsubscribeOutbox(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, dialect)
			f := e.f
			manager := e.as(f.Manager)
			r := manager.post("/account/mail", url.Values{"modes.notice": {"digest"}, "modes.invoice": {"immediate"}, "frequency": {"weekly"}})
			if r.status != 303 || r.location != "/account#mail" {
				t.Fatalf("save: %d %s %s", r.status, r.location, r.body)
			}
			page := manager.get("/account")
			if !strings.Contains(page.body, `<option value="digest" selected>In the digest</option>`) || !strings.Contains(page.body, "Your e-mail choices are saved.") ||
				!strings.Contains(page.body, `<option value="weekly" selected>Weekly, on Mondays</option>`) || strings.Contains(page.body, `href="/mail/outbox"`) {
				t.Errorf("account page after saving:\n%s", page.body)
			}
			if r := manager.post("/account/mail", url.Values{"modes.notice": {"sometimes"}, "frequency": {"weekly"}}); r.status != 422 || !strings.Contains(r.body, "Choose one of the options offered") {
				t.Errorf("invalid mode: %d", r.status)
			}

			tok := e.token(f.Manager)
			api := e.anon()
			var prefs struct {
				Modes     map[string]string `json:"modes"`
				Kinds     map[string]string `json:"kinds"`
				Frequency string            `json:"frequency"`
			}
			r = api.api("GET", "/api/v1/me/mail", tok, "")
			if err := json.Unmarshal([]byte(r.body), &prefs); err != nil || prefs.Modes["notice"] != "digest" || prefs.Modes["deliverable"] != "immediate" || prefs.Frequency != "weekly" {
				t.Errorf("GET /api/v1/me/mail: %s", r.body)
			}
			r = api.api("PUT", "/api/v1/me/mail", tok, `{"modes":{"invoice":"off"}}`)
			if err := json.Unmarshal([]byte(r.body), &prefs); err != nil || prefs.Modes["invoice"] != "off" || prefs.Modes["notice"] != "digest" || prefs.Frequency != "weekly" {
				t.Errorf("PUT /api/v1/me/mail: %s", r.body)
			}
			if prefs.Kinds["notice.filed"] != "digest" || prefs.Kinds["invoice.paid"] != "off" || prefs.Kinds["deliverable.created"] != "immediate" {
				t.Errorf("kinds follow their areas: %v", prefs.Kinds)
			}
			// A kind overrides its area; the area named again takes its kinds back.
			r = api.api("PUT", "/api/v1/me/mail", tok, `{"kinds":{"invoice.paid":"immediate","notice.filed":"off"}}`)
			if err := json.Unmarshal([]byte(r.body), &prefs); err != nil || prefs.Modes["invoice"] != "off" || prefs.Kinds["invoice.paid"] != "immediate" ||
				prefs.Kinds["invoice.issued"] != "off" || prefs.Kinds["notice.filed"] != "off" || prefs.Kinds["notice.acknowledged"] != "digest" {
				t.Errorf("PUT kinds: %s", r.body)
			}
			page = manager.get("/account")
			if !strings.Contains(page.body, `<option value="" selected>As for the area</option>`) || !strings.Contains(page.body, `aria-label="An invoice was paid (Invoices)"`) {
				t.Errorf("account page with kinds:\n%s", page.body)
			}
			for _, bad := range []string{`{"modes":{"nonsense":"off"}}`, `{"frequency":"hourly"}`, `{"modes":{"invoice":"later"}}`,
				`{"modes":{"invoice":"immediate"},"kinds":{"invoice.eaten":"off"}}`, `{"kinds":{"invoice.paid":"sometimes"}}`} {
				r = api.api("PUT", "/api/v1/me/mail", tok, bad)
				if r.status != 422 || !strings.Contains(r.body, `"fields"`) {
					t.Errorf("PUT %s: %d %s", bad, r.status, r.body)
				}
			}
			if r.body = api.api("PUT", "/api/v1/me/mail", tok, `{"kinds":{"invoice.eaten":"off"}}`).body; !strings.Contains(r.body, `"field":"kinds.invoice.eaten"`) ||
				!strings.Contains(r.body, "Tandem has no such kind of notification") {
				t.Errorf("unknown kind: %s", r.body)
			}
			r = api.api("GET", "/api/v1/me/mail", tok, "")
			if err := json.Unmarshal([]byte(r.body), &prefs); err != nil || prefs.Modes["invoice"] != "off" || prefs.Kinds["invoice.paid"] != "immediate" {
				t.Errorf("a refused PUT changed something: %s", r.body)
			}

			// The owner's unsubscribe link for deliverables.
			key, err := e.db.Mail().Key(ctx)
			if err != nil {
				t.Fatal(err)
			}
			link := mail.UnsubscribePath + mail.Unsubscribe{WorkspaceID: f.WorkspaceID, UserID: f.Owner.UserID, Kind: "deliverable"}.Sign(key)
			anon := e.anon()
			r = anon.get(link)
			if r.status != 200 || !strings.Contains(r.body, "Stop e-mails about deliverables to owner@example.com from “Fixture AB”?") {
				t.Errorf("confirm page: %d\n%s", r.status, r.body)
			}
			if p, _ := e.db.Mail().Preferences(ctx, f.Owner); p.Mode("deliverable.submitted") != mail.Immediate {
				t.Error("GET unsubscribed")
			}
			r = anon.post(link, url.Values{"List-Unsubscribe": {"One-Click"}})
			if r.status != 200 || !strings.Contains(r.body, "you will no longer receive these e-mails") {
				t.Errorf("one-click: %d\n%s", r.status, r.body)
			}
			if p, _ := e.db.Mail().Preferences(ctx, f.Owner); p.Mode("deliverable.submitted") != mail.Off || p.Mode("notice.filed") != mail.Immediate {
				t.Errorf("after one-click: %+v", p)
			}
			// A link naming a kind turns off that kind only.
			link = mail.UnsubscribePath + mail.Unsubscribe{WorkspaceID: f.WorkspaceID, UserID: f.Owner.UserID, Kind: "notice.filed"}.Sign(key)
			if r := anon.get(link); r.status != 200 || !strings.Contains(r.body, "Stop e-mails “A written notice was filed” (notices) to owner@example.com from “Fixture AB”?") {
				t.Errorf("confirm page of a kind: %d\n%s", r.status, r.body)
			}
			if r := anon.post(link, url.Values{"List-Unsubscribe": {"One-Click"}}); r.status != 200 {
				t.Errorf("one-click of a kind: %d", r.status)
			}
			if p, _ := e.db.Mail().Preferences(ctx, f.Owner); p.Mode("notice.filed") != mail.Off || p.Mode("notice.acknowledged") != mail.Immediate {
				t.Errorf("after one-click of a kind: %+v", p)
			}
			if r := anon.get(link + "x"); r.status != 404 || !strings.Contains(r.body, "This unsubscribe link is not valid") {
				t.Errorf("changed link: %d", r.status)
			}

			// Without SMTP the outbox keeps what it was given.
			if err := e.db.Accounts.RequestReset(ctx, f.Emails[tandem.RoleViewer], ""); err != nil {
				t.Fatal(err)
			}
			owner := e.as(f.Owner)
			r = owner.get("/mail/outbox")
			if r.status != 200 || !strings.Contains(r.body, "E-mail is not set up (no SMTP server)") || !strings.Contains(r.body, "owner@example.com") ||
				!strings.Contains(r.body, "Notification: Someone forgot their password") || !strings.Contains(r.body, "Waiting") {
				t.Errorf("outbox page: %d\n%s", r.status, r.body)
			}
			if r := manager.get("/mail/outbox"); r.status != 403 {
				t.Errorf("manager's outbox: %d", r.status)
			}
			var out struct {
				Items []struct {
					To, Kind, Status string
					Tries            int
				} `json:"items"`
				Total   int  `json:"total"`
				Enabled bool `json:"enabled"`
			}
			r = api.api("GET", "/api/v1/mail/outbox", e.token(f.Owner), "")
			if err := json.Unmarshal([]byte(r.body), &out); err != nil || out.Total != 1 || out.Enabled || out.Items[0].To != "owner@example.com" ||
				out.Items[0].Status != "pending" || out.Items[0].Kind != "user.reset_requested" || out.Items[0].Tries != 0 {
				t.Errorf("GET /api/v1/mail/outbox: %s", r.body)
			}
		})
	}
}

// With SMTP configured, "Forgot your password?" says the link is e-mailed
// (the same for an unknown address) and queues it for the person; an
// invitation says it was e-mailed too and is queued.
func TestMailForgotAndInviteWithSMTP(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			db := storetest.Open(t, dialect, nil)
			f := storetest.Seed(t, db)
			db.SetMailEnabled(true)
			h, err := web.New(web.Options{DB: db, Catalog: catalog, Version: "test", MailEnabled: true,
				Logger: slog.New(slog.DiscardHandler)})
			if err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(h)
			t.Cleanup(srv.Close)
			e := &env{t: t, srv: srv, db: db, f: f}

			anon := e.anon()
			if r := anon.get("/forgot"); !strings.Contains(r.body, "We will e-mail you a link for setting a new password.") {
				t.Errorf("forgot page:\n%s", r.body)
			}
			for _, addr := range []string{"viewer@example.com", "nobody@example.com"} {
				r := anon.post("/forgot", url.Values{"email": {addr}})
				if r.status != 200 || !strings.Contains(r.body, "If "+addr+" belongs to an account, a link for a new password is on its way to it.") {
					t.Errorf("forgot %s: %d\n%s", addr, r.status, r.body)
				}
			}
			owner := e.as(f.Owner)
			r := owner.post("/members/invite", url.Values{"email": {"newcomer@example.com"}, "role": {"viewer"}})
			if r.status != 200 || !strings.Contains(r.body, "The invitation is also on its way to newcomer@example.com by e-mail.") {
				t.Errorf("invite: %d\n%s", r.status, r.body)
			}
			os, err := db.Mail().Claim(ctx, "test", time.Minute, 100)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]string{}
			for _, o := range os {
				got[o.To+" "+o.Kind] = o.Lang
			}
			if len(got) != 3 || got["viewer@example.com password_reset"] != "en" || got["newcomer@example.com invitation"] != "en" ||
				got["owner@example.com user.reset_requested"] != "en" {
				t.Errorf("queued: %v", got)
			}
		})
	}
}
