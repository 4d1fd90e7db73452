package web_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
)

// newRequestEnv is the web fixture with engagement A1 live: service
// "support" has a 2-hour response and 16-hour resolution target, "advice"
// has no SLA.
func newRequestEnv(t *testing.T, dialect string) *env {
	e := newEnv(t, dialect)
	storetest.Activate(t, e.db, e.f.Owner, e.f.A1, func(terms *contract.Terms) {
		terms.Calendar = contract.Calendar{TimeZone: "Europe/Stockholm", DayStart: "08:00", DayEnd: "17:00",
			PauseStates: []string{"waiting_for_client"}}
		support, advice := terms.Services[0], terms.Services[0]
		support.Key, support.Name = "support", "Support tickets"
		support.SLA = &contract.SLA{ResponseMinutes: 120, ResolutionMinutes: 960}
		advice.Key, advice.Name, advice.SLA = "advice", "Advice", nil
		terms.Services = []contract.Service{support, advice}
	})
	return e
}

func requestCount(t *testing.T, e *env) int {
	t.Helper()
	_, total, err := e.db.Requests.List(ctx, e.f.Owner, tandem.Page{}, store.RequestFilter{EngagementID: e.f.A1})
	if err != nil {
		t.Fatal(err)
	}
	return total
}

// Bad input gets localized field errors and writes nothing; pages and API
// agree.
func TestRequestBadInput(t *testing.T) {
	t.Parallel()
	cat := i18n.MustLoad()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			e := newRequestEnv(t, dialect)
			f := e.f
			base := fmt.Sprintf("/engagements/%d/requests", f.A1)
			for _, lang := range []i18n.Lang{i18n.EN, i18n.RU, i18n.SV} {
				l := cat.For(lang, nil)
				if err := e.db.Accounts.SetLanguage(ctx, f.Manager.UserID, lang); err != nil {
					t.Fatal(err)
				}
				c := e.as(f.Manager)
				c.lang = string(lang)
				if r := c.get(base + "/new"); r.status != 200 || !strings.Contains(r.body, "Support tickets") || strings.Contains(r.body, ">Advice<") {
					t.Fatalf("%s form: %d", lang, r.status)
				}
				r := c.post(base, url.Values{"service_key": {"advice"}, "title": {""}, "priority": {"whenever"}})
				for _, key := range []string{"validation.required", "request.service_without_sla", "validation.one_of"} {
					if !strings.Contains(r.body, htmlText(l.T(key))) {
						t.Errorf("%s: status %d, no %q", lang, r.status, l.T(key))
					}
				}
				if r.status != 422 {
					t.Errorf("%s: status %d", lang, r.status)
				}
				tok := e.token(f.Manager)
				api := c.api("POST", "/api/v1"+base, tok, `{"service_key":"nope","title":"x","priority":"normal"}`)
				if api.status != 422 || !strings.Contains(api.body, `"field":"service_key"`) || !strings.Contains(api.body, l.T("request.service_not_in_contract")) {
					t.Errorf("%s api: %d %s", lang, api.status, api.body)
				}
				if api := c.api("POST", "/api/v1"+base, tok, `{"title":"x","colour":"red"}`); api.status != 422 || !strings.Contains(api.body, `"field":"colour"`) {
					t.Errorf("%s unknown field: %d %s", lang, api.status, api.body)
				}
			}
			if n := requestCount(t, e); n != 0 {
				t.Fatalf("bad input wrote %d requests", n)
			}

			// A good one, then a step without its required message.
			c := e.as(f.Manager)
			r := c.post(base, url.Values{"service_key": {"support"}, "title": {"Exports fail"}, "priority": {"high"}})
			if r.status != 303 || r.location != base+"/1" {
				t.Fatalf("create: %d %s %s", r.status, r.location, r.body)
			}
			if err := e.db.Accounts.SetLanguage(ctx, f.VendorAgent.UserID, i18n.SV); err != nil {
				t.Fatal(err)
			}
			agent := e.as(f.VendorAgent)
			r = agent.post(base+"/1/transition", url.Values{"action": {"ask_client"}, "note": {" "}})
			if r.status != 422 || !strings.Contains(r.body, htmlText(cat.For(i18n.SV, nil).T("validation.required"))) {
				t.Fatalf("ask without a message: %d", r.status)
			}
			r = agent.post(base+"/1/transition", url.Values{"action": {"close"}})
			if r.status != 403 {
				t.Fatalf("partner closed: %d", r.status)
			}
			got, err := e.db.Requests.Get(ctx, f.Owner, f.A1, 1)
			if err != nil || len(got.History) != 1 || got.Status != "open" {
				t.Fatalf("refused steps changed the request: %+v %v", got, err)
			}
			if r := agent.post(base+"/1/transition", url.Values{"action": {"respond"}, "note": {"On it"}}); r.status != 303 {
				t.Fatalf("respond: %d %s", r.status, r.body)
			}
		})
	}
}

// htmlText is s as templ escapes it in text.
func htmlText(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;").Replace(s)
}

// Pages and API show the clocks; a partner never sees another partner's
// requests; viewers read but do not act.
func TestRequestPagesAndAPI(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			e := newRequestEnv(t, dialect)
			f := e.f
			base := fmt.Sprintf("/api/v1/engagements/%d/requests", f.A1)
			tok := e.token(f.Owner)
			r := e.anon().api("POST", base, tok, `{"service_key":"support","title":"Portal is down","description":"Since 9:00","priority":"urgent"}`)
			if r.status != 201 || r.header.Get("Location") != base+"/1" {
				t.Fatalf("create: %d %s", r.status, r.body)
			}
			var got struct {
				Number       int    `json:"number"`
				Status       string `json:"status"`
				TermsVersion int    `json:"terms_version"`
				Response     struct {
					State         string  `json:"state"`
					TargetMinutes int64   `json:"target_minutes"`
					DueAt         *string `json:"due_at"`
				} `json:"response"`
				Actions []string `json:"actions"`
				History []struct {
					Action string `json:"action"`
				} `json:"history"`
			}
			if err := json.Unmarshal([]byte(r.body), &got); err != nil {
				t.Fatal(err)
			}
			if got.Number != 1 || got.Status != "open" || got.TermsVersion != 1 || got.Response.TargetMinutes != 120 ||
				got.Response.State != "running" || got.Response.DueAt == nil || len(got.History) != 1 || len(got.Actions) != 0 {
				t.Fatalf("created: %s", r.body)
			}
			vm := e.token(f.VendorManager)
			r = e.anon().api("GET", base+"/1", vm, "")
			if r.status != 200 || !strings.Contains(r.body, `"actions":["respond","ask_client","resolve"]`) {
				t.Fatalf("partner's view: %d %s", r.status, r.body)
			}
			r = e.anon().api("POST", base+"/1/transitions", vm, `{"action":"respond","note":"Restarting the service"}`)
			if r.status != 200 || !strings.Contains(r.body, `"status":"in_progress"`) || !strings.Contains(r.body, `"state":"stopped"`) {
				t.Fatalf("respond: %d %s", r.status, r.body)
			}
			if r := e.anon().api("POST", base+"/1/transitions", vm, `{"action":"reopen"}`); r.status != 403 {
				t.Fatalf("partner reopened: %d", r.status)
			}
			if r := e.anon().api("POST", base+"/1/transitions", vm, `{"action":"close"}`); r.status != 403 {
				t.Fatalf("partner closed: %d", r.status)
			}
			viewer := e.token(f.Viewer)
			if r := e.anon().api("POST", base+"/1/transitions", viewer, `{"action":"resume"}`); r.status != 403 {
				t.Fatalf("viewer acted: %d", r.status)
			}
			if r := e.anon().api("GET", base+"?active=true", viewer, ""); r.status != 200 || !strings.Contains(r.body, `"total":1`) {
				t.Fatalf("viewer's list: %d %s", r.status, r.body)
			}

			// Partner B: the same 404 as for what does not exist, in pages and API.
			b := e.token(f.VendorManagerB)
			for _, p := range []string{base, base + "/1", base + "/999"} {
				if r := e.anon().api("GET", p, b, ""); r.status != 404 || strings.Contains(r.body, "Portal") {
					t.Errorf("partner B GET %s: %d", p, r.status)
				}
			}
			if r := e.anon().api("POST", base+"/1/transitions", b, `{"action":"resolve"}`); r.status != 404 {
				t.Errorf("partner B acted: %d", r.status)
			}
			pb := e.as(f.VendorManagerB)
			page := fmt.Sprintf("/engagements/%d/requests", f.A1)
			for _, p := range []string{page, page + "/1"} {
				if r := pb.get(p); r.status != 404 || strings.Contains(r.body, "Portal") {
					t.Errorf("partner B page %s: %d", p, r.status)
				}
			}
			// The agent of A1 sees it; on A2 there is nothing for the agent.
			ag := e.as(f.VendorAgent)
			if r := ag.get(page); r.status != 200 || !strings.Contains(r.body, "Portal is down") {
				t.Errorf("agent's list: %d", r.status)
			}
			if r := ag.get(fmt.Sprintf("/engagements/%d/requests", f.A2)); r.status != 404 {
				t.Errorf("agent on A2: %d", r.status)
			}

			// The request page in Russian: clocks, history, the client's buttons.
			if err := e.db.Accounts.SetLanguage(ctx, f.Owner.UserID, i18n.RU); err != nil {
				t.Fatal(err)
			}
			c := e.as(f.Owner)
			r = c.get(page + "/1")
			for _, want := range []string{"Portal is down", "Таймеры SLA", "История", "Реакция", "Выполнено за", "Осталось"} {
				if !strings.Contains(r.body, want) {
					t.Errorf("request page lacks %q", want)
				}
			}
			if strings.Contains(r.body, "⟦") {
				t.Error("request page has a missing message")
			}
			r = c.get(page)
			if r.status != 200 || !strings.Contains(r.body, "Portal is down") || strings.Contains(r.body, "⟦") {
				t.Errorf("list page: %d", r.status)
			}
		})
	}
}
