package web_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
)

// API scenarios, as a table: who calls what with which body, and what comes
// back.
func TestAPIScenarios(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, dialect)
			f := e.f
			tokens := map[string]string{"owner": e.token(f.Owner), "viewer": e.token(f.Viewer), "agent": e.token(f.VendorAgent)}
			cases := []struct {
				name, who, lang, method, path, body string
				status                              int
				want                                []string
				notWant                             []string
			}{
				{"me", "agent", "", "GET", "/api/v1/me", "", 200,
					[]string{`"role":"vendor_agent"`, fmt.Sprintf(`"partner_id":%d`, f.PartnerA), `"email":"agent@alpha.example"`}, nil},
				{"no token", "", "", "GET", "/api/v1/me", "", 401, []string{`"code":"unauthorized"`}, nil},
				{"bad token", "bogus", "", "GET", "/api/v1/partners", "", 401, []string{`"code":"unauthorized"`}, nil},
				{"create partner", "owner", "", "POST", "/api/v1/partners",
					`{"legal_name":"Gävle Telemarketing AB","country":"se","contact_email":"Info@Gavle.example"}`, 201,
					[]string{`"legal_name":"Gävle Telemarketing AB"`, `"country":"SE"`, `"status":"candidate"`, `"contact_email":"info@gavle.example"`}, nil},
				{"invalid partner, Swedish", "owner", "sv", "POST", "/api/v1/partners", `{"legal_name":"","website":"nope","status":"dormant"}`, 422,
					[]string{`"code":"invalid"`, `{"field":"legal_name","message":"Fyll i det här fältet."}`,
						`{"field":"website","message":"Ange en fullständig adress som börjar med https://."}`, `"field":"status"`}, nil},
				{"invalid partner, Russian", "owner", "ru", "POST", "/api/v1/partners", `{"legal_name":"x","country":"Sverige"}`, 422,
					[]string{`"field":"country","message":"Укажите двухбуквенный код страны, например RU, SE или DE."`}, nil},
				{"unknown field", "owner", "", "POST", "/api/v1/partners", `{"legal_name":"x","colour":"red"}`, 422,
					[]string{`{"field":"colour","message":"Unknown field."}`}, nil},
				{"wrong type", "owner", "", "POST", "/api/v1/engagements", `{"partner_id":"seven"}`, 422,
					[]string{`"field":"partner_id"`}, nil},
				{"not JSON", "owner", "", "POST", "/api/v1/partners", `{"legal_name":`, 422, []string{`"message":"The body is not valid JSON."`}, nil},
				{"viewer cannot write", "viewer", "", "POST", "/api/v1/partners", `{"legal_name":"x"}`, 403, []string{`"code":"forbidden"`}, nil},
				{"agent cannot patch", "agent", "", "PATCH", fmt.Sprintf("/api/v1/engagements/%d", f.A1), `{"title":"mine now"}`, 403, nil, nil},
				{"patch engagement", "owner", "", "PATCH", fmt.Sprintf("/api/v1/engagements/%d", f.A1), `{"description":"Nordic hotels","ends_on":"2026-12-31"}`, 200,
					[]string{`"status":"draft"`, `"ends_on":"2026-12-31"`, `"title":"Alpha outbound"`, `"partner_name":"Alpha Sales AB"`, `"description":"Nordic hotels"`}, nil},
				{"a draft goes live only through activation", "owner", "", "PATCH", fmt.Sprintf("/api/v1/engagements/%d", f.A1), `{"status":"active"}`, 422,
					[]string{`{"field":"status","message":"A draft goes live through activation, after the contract check."}`}, nil},
				{"activation refused while the check fails", "owner", "", "POST", fmt.Sprintf("/api/v1/engagements/%d/activate", f.A1), `{}`, 422,
					[]string{`{"field":"check","message":"Fix the 2 errors of the contract check before activating."}`}, nil},
				{"check lists the findings", "viewer", "", "GET", fmt.Sprintf("/api/v1/engagements/%d/check", f.A1), "", 200,
					[]string{`"severity":"error"`, `"code":"no_acceptor"`}, nil},
				{"terms in force", "agent", "", "GET", fmt.Sprintf("/api/v1/engagements/%d/terms?on=2026-02-01", f.A1), "", 200,
					[]string{`"number":1`, `"effective_from":"2026-01-01"`, `"currency":"SEK"`}, nil},
				{"no terms in force before the start", "agent", "", "GET", fmt.Sprintf("/api/v1/engagements/%d/terms?on=2025-12-31", f.A1), "", 404, nil, []string{`"number"`}},
				{"terms in force on the first day", "agent", "", "GET", fmt.Sprintf("/api/v1/engagements/%d/terms?on=2026-01-01", f.A1), "", 200,
					[]string{`"number":1`}, nil},
				{"agent cannot read another engagement's terms", "agent", "", "GET", fmt.Sprintf("/api/v1/engagements/%d/terms", f.A2), "", 404, nil, nil},
				{"invalid draft terms", "owner", "", "PUT", fmt.Sprintf("/api/v1/engagements/%d/terms", f.A2), `{"kpis":[{"key":"k","metric":"hours_worked","weight":-2}]}`, 422,
					[]string{`"field":"kpis.0.weight"`}, nil},
				{"amend a draft", "owner", "", "POST", fmt.Sprintf("/api/v1/engagements/%d/amendments", f.A2), `{"effective_from":"2026-05-01","reason":"x","terms":{}}`, 409, nil, nil},
				{"end before start", "owner", "", "PATCH", fmt.Sprintf("/api/v1/engagements/%d", f.A1), `{"ends_on":"2025-01-01"}`, 422,
					[]string{`"field":"ends_on"`}, nil},
				{"create engagement for other workspace's partner", "owner", "", "POST", "/api/v1/engagements",
					fmt.Sprintf(`{"partner_id":%d,"title":"x","kind":"sales","starts_on":"2026-01-01"}`, f.OtherPartner), 422,
					[]string{`"field":"partner_id"`}, nil},
				{"list with paging", "owner", "", "GET", "/api/v1/engagements?limit=1&sort=-title", "", 200,
					[]string{`"total":3`, `"limit":1`, `"title":"Beta helpdesk"`}, []string{"Alpha"}},
				{"search partners", "viewer", "", "GET", "/api/v1/partners?q=BETA", "", 200, []string{`"total":1`, "Beta Support OÜ"}, nil},
			}
			for _, c := range cases {
				cl := e.anon()
				cl.lang = c.lang
				tok := tokens[c.who]
				if tok == "" {
					tok = c.who
				}
				var r resp
				if c.who == "" {
					r = cl.do(c.method, c.path, nil, nil)
				} else {
					r = cl.api(c.method, c.path, tok, c.body)
				}
				if r.status != c.status {
					t.Errorf("%s: status %d, want %d: %s", c.name, r.status, c.status, r.body)
					continue
				}
				if ct := r.header.Get("Content-Type"); ct != "application/json" {
					t.Errorf("%s: content type %q", c.name, ct)
				}
				if !json.Valid([]byte(r.body)) {
					t.Errorf("%s: not JSON: %s", c.name, r.body)
				}
				for _, w := range c.want {
					if !strings.Contains(r.body, w) {
						t.Errorf("%s: body lacks %s\n%s", c.name, w, r.body)
					}
				}
				for _, w := range c.notWant {
					if strings.Contains(r.body, w) {
						t.Errorf("%s: body has %s", c.name, w)
					}
				}
			}
			// Nothing invalid was written: one partner was created, no engagement.
			if _, n, _ := e.db.Partners.List(ctx, f.Owner, tandem.Page{}, ""); n != 3 {
				t.Errorf("partners after the scenarios: %d, want 3", n)
			}
			if _, n, _ := e.db.Engagements.List(ctx, f.Owner, tandem.Page{}, storeFilterNone()); n != 3 {
				t.Errorf("engagements after the scenarios: %d, want 3", n)
			}
		})
	}
}

func TestOpenAPIServedAndMetrics(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sqlite")
	c := e.anon()
	r := c.get("/api/v1/openapi.json")
	if r.status != 200 || !strings.Contains(r.body, `"openapi": "3.1.0"`) {
		t.Fatalf("openapi: %d", r.status)
	}
	if r := c.get("/healthz"); r.status != 200 || !strings.Contains(r.body, `"status":"ok"`) {
		t.Fatalf("healthz: %d %s", r.status, r.body)
	}
	c.get("/signin")
	r = c.get("/metrics")
	for _, want := range []string{`tandem_http_requests_total{route="GET /signin",status="200"} 1`,
		`tandem_http_request_duration_seconds_count{route="GET /healthz"} 1`, `tandem_database_up{dialect="sqlite"} 1`} {
		if !strings.Contains(r.body, want) {
			t.Errorf("metrics lack %s\n%s", want, r.body)
		}
	}
	if id := r.header.Get("X-Request-Id"); len(id) != 16 {
		t.Errorf("request id %q", id)
	}
}
