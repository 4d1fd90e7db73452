package web_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
)

// What an outside client may send as a body, and what it gets back: an
// empty, null or non-object body on a write is a 422 on "body"; a PUT of {}
// too; a value of the wrong type, an unknown field or broken JSON is a 422
// at the value's JSON path; a body over 1 MiB is a 413. None of them
// changes anything.
func TestAPIBodies(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			e := newEnv(t, dialect)
			f := e.f
			owner := e.token(f.Owner)
			terms := fmt.Sprintf("/api/v1/engagements/%d/terms", f.A2)
			before := e.anon().api("GET", terms, owner, "")
			if before.status != 200 || !strings.Contains(before.body, `"key":"outbound-calls"`) {
				t.Fatalf("terms before: %d %s", before.status, before.body)
			}
			huge := `{"legal_name":"` + strings.Repeat("x", 2<<20) + `"}`
			cases := []struct {
				name, lang, method, path, body string
				status                         int
				want                           []string
			}{
				{"terms: null", "", "PUT", terms, `null`, 422,
					[]string{`"message":"The request body is empty."`, `{"field":"body","message":"Send a JSON object."}`}},
				{"terms: {}", "", "PUT", terms, `{}`, 422,
					[]string{`{"field":"body","message":"The body has no fields: send the whole record."}`}},
				{"terms: { } with blanks, Swedish", "sv", "PUT", terms, " { \n } ", 422,
					[]string{`{"field":"body","message":"Innehållet har inga fält: skicka hela posten."}`}},
				{"terms: no body, Russian", "ru", "PUT", terms, ``, 422,
					[]string{`{"field":"body","message":"Отправьте JSON-объект."}`}},
				{"terms: an array", "", "PUT", terms, `[]`, 422,
					[]string{`{"field":"body","message":"The body must be a JSON object."}`}},
				{"terms: a number where a string goes, in a list", "", "PUT", terms, `{"services":[{"key":"a","name":"A"},{"key":"b","name":7}]}`, 422,
					[]string{`{"field":"services.1.name","message":"This value has the wrong type."}`}},
				{"terms: a word for a weight", "", "PUT", terms, `{"kpis":[{"key":"k","weight":"heavy"}]}`, 422,
					[]string{`{"field":"kpis.0.weight","message":"This value has the wrong type."}`}},
				{"terms: a string for an object", "", "PUT", terms, `{"shape":"functional"}`, 422,
					[]string{`{"field":"shape","message":"This value has the wrong type."}`}},
				{"terms: an unknown field inside", "", "PUT", terms, `{"shape":{"model":"functional","colour":"red"}}`, 422,
					[]string{`{"field":"shape.colour","message":"Unknown field."}`}},
				// The 14th character is the second {.
				{"terms: data after the object", "", "PUT", terms, `{"shape":{}} {}`, 422,
					[]string{`"message":"The body is not valid JSON."`, `{"field":"body","message":"Not valid JSON at character 14."}`}},
				{"terms: too large", "", "PUT", terms, `{"services":[{"description":"` + strings.Repeat("y", 1<<20) + `"}]}`, 413,
					[]string{`"code":"too_large"`, `"message":"The request body is larger than 1 MiB."`}},
				{"partner: no body", "", "POST", "/api/v1/partners", ``, 422, []string{`"field":"body"`}},
				{"partner: null", "", "POST", "/api/v1/partners", `null`, 422, []string{`"field":"body"`}},
				{"partner: a string", "", "POST", "/api/v1/partners", `"Gävle AB"`, 422,
					[]string{`{"field":"body","message":"The body must be a JSON object."}`}},
				{"partner: broken JSON", "", "POST", "/api/v1/partners", `{"legal_name":`, 422,
					[]string{`"message":"The body is not valid JSON."`, `"field":"body"`}},
				{"partner: too large", "sv", "POST", "/api/v1/partners", huge, 413,
					[]string{`"code":"too_large"`, `"message":"Begärans innehåll är större än 1 MiB."`}},
				{"patch partner: null", "", "PATCH", fmt.Sprintf("/api/v1/partners/%d", f.PartnerA), `null`, 422, []string{`"field":"body"`}},
				{"a mistyped date-time", "", "POST", fmt.Sprintf("/api/v1/engagements/%d/deliverables", f.A1),
					`{"title":"Call list","service_key":"outbound-calls","due_at":"13/05/2026"}`, 422,
					[]string{`{"field":"due_at","message":"Enter a date and time such as 2026-05-13T17:00:00Z."}`}},
				{"a date-time given as a number", "ru", "POST", fmt.Sprintf("/api/v1/engagements/%d/deliverables", f.A1),
					`{"title":"Call list","service_key":"outbound-calls","due_at":20260513}`, 422,
					[]string{`{"field":"due_at","message":"Введите дату и время, например 2026-05-13T17:00:00Z."}`}},
				{"a number given as a string", "", "POST", "/api/v1/engagements", `{"partner_id":"7","title":"x"}`, 422,
					[]string{`{"field":"partner_id","message":"This value has the wrong type."}`}},
			}
			for _, c := range cases {
				cl := e.anon()
				cl.lang = c.lang
				r := cl.api(c.method, c.path, owner, c.body)
				if r.status != c.status {
					t.Errorf("%s: status %d, want %d: %.300s", c.name, r.status, c.status, r.body)
					continue
				}
				if ct := r.header.Get("Content-Type"); ct != "application/json" || !json.Valid([]byte(r.body)) {
					t.Errorf("%s: not a JSON answer (%s): %.300s", c.name, ct, r.body)
				}
				for _, w := range c.want {
					if !strings.Contains(r.body, w) {
						t.Errorf("%s: body lacks %s\n%.300s", c.name, w, r.body)
					}
				}
			}
			// Nothing was changed.
			if after := e.anon().api("GET", terms, owner, ""); after.body != before.body {
				t.Errorf("the terms changed:\n%s\n%s", before.body, after.body)
			}
			if _, n, _ := e.db.Partners.List(ctx, f.Owner, tandem.Page{}, ""); n != 2 {
				t.Errorf("partners: %d, want 2", n)
			}
			if _, n, _ := e.db.Engagements.List(ctx, f.Owner, tandem.Page{}, storeFilterNone()); n != 3 {
				t.Errorf("engagements: %d, want 3", n)
			}
			// A page form over the limit is a 413 too.
			r := e.as(f.Owner).post("/partners", url.Values{"legal_name": {strings.Repeat("z", 2<<20)}})
			if r.status != 413 {
				t.Errorf("a huge form: %d", r.status)
			}
		})
	}
}

// Every free text of the terms has a limit: a service description of a
// million characters is refused at its JSON path, the draft keeps what it
// had, and activation goes live with that, never with the long text.
// Lists come back as [], never null.
func TestAPITermsLimitsAndLists(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			e := newEnv(t, dialect)
			f := e.f
			owner := e.token(f.Owner)
			path := fmt.Sprintf("/api/v1/engagements/%d/terms", f.A1)
			r := e.anon().api("GET", path, owner, "")
			if r.status != 200 {
				t.Fatalf("terms: %d %s", r.status, r.body)
			}
			// The sales template defines no metrics of its own, no
			// holidays and no committee: empty lists, never null.
			for _, want := range []string{`"metrics":[]`, `"holidays":[]`, `"committee":[]`, `"changes":[]`, `"bonus_malus":[]`} {
				if !strings.Contains(r.body, want) {
					t.Errorf("terms lack %s: %s", want, r.body)
				}
			}
			if strings.Contains(r.body, "null") && !strings.Contains(r.body, `"amendment_id":null`) {
				t.Errorf("a null in the terms: %s", r.body)
			}
			var v struct {
				Terms contract.Terms `json:"terms"`
			}
			if err := json.Unmarshal([]byte(r.body), &v); err != nil {
				t.Fatal(err)
			}
			for i := range v.Terms.Services {
				v.Terms.Services[i].Acceptor = "Mats Manager"
			}
			put := func(t contract.Terms, lang string) resp {
				b, _ := json.Marshal(t)
				c := e.anon()
				c.lang = lang
				return c.api("PUT", path, owner, string(b))
			}
			if r := put(v.Terms, ""); r.status != 200 {
				t.Fatalf("valid terms: %d %s", r.status, r.body)
			}
			short := v.Terms.Services[0].Description
			long := v.Terms
			long.Services = append([]contract.Service{}, v.Terms.Services...)
			long.Services[0].Description = strings.Repeat("d", 1_000_000)
			long.Governance.Powers = strings.Repeat("p", contract.MaxTextLen+1)
			r = put(long, "sv")
			if r.status != 422 || !strings.Contains(r.body, `{"field":"services.0.description","message":"Högst 4`) ||
				!strings.Contains(r.body, `"field":"governance.powers"`) {
				t.Fatalf("a million characters: %d %.400s", r.status, r.body)
			}
			// Activate what is stored, acknowledging the check's warnings.
			r = e.anon().api("GET", fmt.Sprintf("/api/v1/engagements/%d/check", f.A1), owner, "")
			var check struct {
				Errors   int `json:"errors"`
				Findings []struct {
					ID       string `json:"id"`
					Severity string `json:"severity"`
				} `json:"findings"`
			}
			if err := json.Unmarshal([]byte(r.body), &check); err != nil || check.Errors != 0 {
				t.Fatalf("check: %v %s", err, r.body)
			}
			var ack []string
			for _, x := range check.Findings {
				ack = append(ack, x.ID)
			}
			b, _ := json.Marshal(map[string]any{"acknowledge": ack})
			if r := e.anon().api("POST", fmt.Sprintf("/api/v1/engagements/%d/activate", f.A1), owner, string(b)); r.status != 200 {
				t.Fatalf("activate: %d %s", r.status, r.body)
			}
			r = e.anon().api("GET", path, owner, "")
			if err := json.Unmarshal([]byte(r.body), &v); err != nil || v.Terms.Services[0].Description != short {
				t.Errorf("the live terms' first description has %d characters, want the %d stored before", len(v.Terms.Services[0].Description), len(short))
			}
		})
	}
}

// Actions whose fields are all optional take no body, {} or their own
// fields, and refuse any other body with 422 before doing anything:
// activate, acknowledge, confirm and submit alike.
func TestAPIOptionalBodies(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			clock := storetest.NewClock(time.Date(2026, 5, 13, 10, 0, 0, 0, time.UTC))
			e := newEnvAt(t, dialect, clock.Now)
			f := e.f
			storetest.Activate(t, e.db, f.Owner, f.A1, func(terms *contract.Terms) {
				terms.Metrics = []contract.MetricDef{{Key: "satisfaction", Name: "Satisfaction", Kind: "manual", Source: "partner", Scale: 1}}
			})
			owner, vm := e.token(f.Owner), e.token(f.VendorManager)
			c := e.anon()
			base := fmt.Sprintf("/api/v1/engagements/%d", f.A1)
			id := func(r resp) int64 {
				t.Helper()
				var x struct {
					ID int64 `json:"id"`
				}
				if err := json.Unmarshal([]byte(r.body), &x); err != nil || x.ID == 0 {
					t.Fatalf("no id: %d %s", r.status, r.body)
				}
				return x.ID
			}
			r := c.api("POST", base+"/deliverables", owner, `{"title":"Call list","service_key":"outbound-calls"}`)
			deliverable := id(r)
			r = c.api("POST", base+"/notices", vm, `{"category":"missing_information","text":"We need the price list."}`)
			notice := id(r)
			r = c.api("POST", base+"/values", vm, `{"metric":"satisfaction","period":"month","period_start":"2026-05-01","value":"4.2"}`)
			value := id(r)

			actions := []struct {
				name, token, path string
				accepted          []string // bodies taken, with the status of the first and of the rest
				first, rest       int
			}{
				{"activate a draft whose check fails", owner, fmt.Sprintf("/api/v1/engagements/%d/activate", f.A2),
					[]string{``, `{}`, `{"acknowledge":[]}`}, 422, 422},
				{"acknowledge", owner, fmt.Sprintf("%s/notices/%d/acknowledge", base, notice), []string{``, `{}`}, 200, 409},
				{"confirm", owner, fmt.Sprintf("%s/values/%d/confirm", base, value), []string{` `, `{}`}, 200, 409},
				{"submit", vm, fmt.Sprintf("/api/v1/deliverables/%d/submissions", deliverable), []string{``, `{}`}, 201, 409},
			}
			refused := []struct{ body, field string }{
				{`null`, "body"}, {`[]`, "body"}, {`"yes"`, "body"}, {`{"colour":"red"}`, "colour"}, {`{"acknowledge":`, "body"},
			}
			for _, a := range actions {
				for _, x := range refused {
					r := c.api("POST", a.path, a.token, x.body)
					if r.status != 422 || !strings.Contains(r.body, `"field":"`+x.field+`"`) {
						t.Errorf("%s with %s: %d %s, want 422 on %s", a.name, x.body, r.status, r.body, x.field)
					}
				}
				for i, body := range a.accepted {
					want := a.first
					if i > 0 {
						want = a.rest
					}
					r := c.api("POST", a.path, a.token, body)
					if r.status != want || strings.Contains(r.body, `"field":"body"`) {
						t.Errorf("%s with %q: %d %s, want %d", a.name, body, r.status, r.body, want)
					}
					if a.first == 422 && !strings.Contains(r.body, `"field":"check"`) {
						t.Errorf("%s with %q: %s, want the check's error", a.name, body, r.body)
					}
				}
			}
			// Confirming takes no reason; rejecting needs one.
			r = c.api("POST", base+"/values", vm, `{"metric":"satisfaction","period":"month","period_start":"2026-04-01","value":"3.9"}`)
			other := id(r)
			if r := c.api("POST", fmt.Sprintf("%s/values/%d/confirm", base, other), owner, `{"reason":"fine"}`); r.status != 422 ||
				!strings.Contains(r.body, `{"field":"reason","message":"Unknown field."}`) {
				t.Errorf("confirm with a reason: %d %s", r.status, r.body)
			}
			if r := c.api("POST", fmt.Sprintf("%s/values/%d/reject", base, other), owner, ``); r.status != 422 || !strings.Contains(r.body, `"field":"body"`) {
				t.Errorf("reject without a body: %d %s", r.status, r.body)
			}
		})
	}
}
