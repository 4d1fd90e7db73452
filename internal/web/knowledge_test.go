package web_test

import (
	"encoding/json"
	"fmt"
	"html"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/survey"
	"github.com/tandemhq/tandem/internal/tandem"
)

// A page with a script, raw HTML, event attributes and javascript: links
// is shown inert; a new version shows its diff; the area's bus factor is
// flagged on the engagement and the portfolio; the partner of another
// engagement gets 404.
func TestKnowledgePagesAndAPI(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			clock := storetest.NewClock(time.Date(2026, 3, 20, 8, 0, 0, 0, time.UTC))
			e := newEnvAt(t, dialect, clock.Now)
			f := e.f
			storetest.Activate(t, e.db, f.Owner, f.A1, nil) // the portfolio lists live engagements
			en := catalog.For(i18n.EN, nil)
			base := fmt.Sprintf("/engagements/%d/knowledge", f.A1)
			body := "# Routing\n\n<script>alert(1)</script>\n\n<img src=x onerror=alert(2)>\n\n[call](javascript:alert(3)) [<b onclick=alert(4)>x</b>](https://example.com)\n"
			r := e.as(f.Manager).post(base, url.Values{"area": {"CRM"}, "title": {"Lead routing"}, "body": {body}})
			if r.status != 303 || !strings.HasPrefix(r.location, "/knowledge/pages/") {
				t.Fatalf("create: %d %s %.300s", r.status, r.location, r.body)
			}
			page := r.location
			r = e.as(f.VendorAgent).get(page)
			if r.status != 200 {
				t.Fatalf("page: %d", r.status)
			}
			_, content, _ := strings.Cut(r.body, `id="page-body"`)
			content, _, _ = strings.Cut(content, "</section>")
			for _, bad := range []*regexp.Regexp{regexp.MustCompile(`(?i)<script`), regexp.MustCompile(`(?i)\son[a-z]+=`),
				regexp.MustCompile(`(?i)href="javascript`), regexp.MustCompile(`(?i)<img`)} {
				if bad.MatchString(content) {
					t.Errorf("%s in %s", bad, content)
				}
			}
			if !strings.Contains(content, "<h1>Routing</h1>") || !strings.Contains(content, `href="https://example.com"`) {
				t.Errorf("content %s", content)
			}
			// The manager alone knows CRM on the client's side: bus factor 1, flagged.
			r = e.as(f.Owner).get(base)
			if !strings.Contains(r.body, en.T("knowledge.bus_factor", "n", 1)) || !strings.Contains(r.body, html.EscapeString(en.T("knowledge.risk_hint"))) {
				t.Errorf("no bus factor flag on the engagement")
			}
			if r := e.as(f.Owner).get("/knowledge"); !strings.Contains(r.body, "Alpha outbound") || !strings.Contains(r.body, "CRM") {
				t.Errorf("no flag on the workspace's knowledge base")
			}
			if r := e.as(f.VendorManager).get(fmt.Sprintf("/engagements/%d", f.A1)); !strings.Contains(r.body, en.T("knowledge.area_risk", "area", "CRM", "n", 1)) {
				t.Errorf("no flag on the engagement's overview")
			}
			if r := e.as(f.Viewer).get("/portfolio"); !strings.Contains(r.body, en.T("knowledge.portfolio_line", "area", "CRM", "n", 1)) {
				t.Errorf("no flag on the portfolio")
			}
			// A new version (the agent, from version 1) and its diff.
			r = e.as(f.VendorAgent).post(page, url.Values{"version": {"1"}, "area": {"CRM"}, "title": {"Lead routing"}, "body": {"# Routing\n\nCall within one hour."}})
			if r.status != 303 {
				t.Fatalf("edit: %d %.300s", r.status, r.body)
			}
			if r := e.as(f.Manager).post(page, url.Values{"version": {"1"}, "area": {"CRM"}, "title": {"T"}, "body": {"B"}}); r.status != 409 ||
				!strings.Contains(r.body, en.T("knowledge.changed_since")) {
				t.Errorf("stale edit: %d", r.status)
			}
			r = e.as(f.Manager).get(page + "?from=1&to=2")
			if !strings.Contains(r.body, `<td class="ins">+ Call within one hour.</td>`) || !strings.Contains(r.body, `class="del"`) {
				t.Errorf("diff missing")
			}
			// The API: the area with the manager (wrote) and the agent (wrote).
			var list struct {
				Items []struct {
					ID      int64 `json:"id"`
					Version int   `json:"version"`
				} `json:"items"`
				Areas []struct {
					Name      string `json:"name"`
					BusFactor int    `json:"bus_factor"`
					AtRisk    bool   `json:"at_risk"`
					Partner   []struct {
						Name string `json:"name"`
					} `json:"partner"`
				} `json:"areas"`
			}
			r = e.anon().api("GET", "/api/v1"+base, e.token(f.VendorManager), "")
			if err := json.Unmarshal([]byte(r.body), &list); err != nil || len(list.Items) != 1 || list.Items[0].Version != 2 ||
				len(list.Areas) != 1 || list.Areas[0].BusFactor != 1 || !list.Areas[0].AtRisk || list.Areas[0].Partner[0].Name != "Agnes Agent" {
				t.Fatalf("api list %d %s %v", r.status, r.body, err)
			}
			r = e.anon().api("GET", fmt.Sprintf("/api/v1/knowledge/pages/%d/diff?from=1&to=2", list.Items[0].ID), e.token(f.Viewer), "")
			if r.status != 200 || !strings.Contains(r.body, `"op":"added","text":"Call within one hour."`) {
				t.Errorf("api diff %d %s", r.status, r.body)
			}
			// Partner B and the other workspace's people see nothing of it.
			if r := e.as(f.VendorManagerB).get(page); r.status != 404 {
				t.Errorf("partner B: %d", r.status)
			}
			if r := e.anon().api("GET", "/api/v1/knowledge", e.token(f.VendorManager), ""); r.status != 404 {
				t.Errorf("partner reads the workspace's pages: %d", r.status)
			}
		})
	}
}

// The client's people answer a round on its page; the results appear from
// the third answer, for the partner too, without any respondent's name;
// the partner cannot answer.
func TestSurveyPagesAndAPI(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			clock := storetest.NewClock(time.Date(2026, 3, 20, 8, 0, 0, 0, time.UTC))
			e := newEnvAt(t, dialect, clock.Now)
			f := e.f
			storetest.Activate(t, e.db, f.Owner, f.A1, func(t *contract.Terms) {})
			en := catalog.For(i18n.EN, nil)
			base := fmt.Sprintf("/engagements/%d/surveys", f.A1)
			if r := e.as(f.Manager).post(base+"/settings", url.Values{"questions": {"clarity", "feedback"}, "every": {"month"}, "min_answers": {"3"}}); r.status != 422 ||
				!strings.Contains(r.body, en.T("survey.questions_count", "min", 3, "max", 5)) {
				t.Errorf("two questions: %d", r.status)
			}
			if r := e.as(f.Manager).post(base+"/settings", url.Values{"questions": {"clarity", "feedback", "risks"}, "every": {"month"}, "min_answers": {"3"}}); r.status != 303 {
				t.Fatalf("settings: %d %.300s", r.status, r.body)
			}
			r := e.as(f.Manager).post(base+"/send", nil)
			if r.status != 303 {
				t.Fatalf("send: %d %.300s", r.status, r.body)
			}
			_, frag, _ := strings.Cut(r.location, "#round-")
			round := "/surveys/" + frag
			// The owner was told, with a link to the answer page.
			if r := e.as(f.Owner).get("/notifications"); !strings.Contains(r.body, `href="`+round+`"`) {
				t.Errorf("no link to %s in the owner's notifications", round)
			}
			if r := e.as(f.VendorManager).get(round); r.status != 403 {
				t.Errorf("the partner opens the answer page: %d", r.status)
			}
			if r := e.anon().api("POST", "/api/v1"+round+"/answers", e.token(f.VendorManager), `{"scores":{"clarity":5,"feedback":5,"risks":5}}`); r.status != 403 {
				t.Errorf("the partner answers: %d", r.status)
			}
			if r := e.as(f.Owner).post(round, url.Values{"q_clarity": {"4"}, "q_feedback": {"3"}}); r.status != 422 ||
				!strings.Contains(r.body, en.T("validation.required")) {
				t.Errorf("an answer without risks: %d", r.status)
			}
			for _, a := range []struct {
				who     string
				c, fb   string
				rk      string
				comment string
			}{{"owner", "4", "3", "2", "Clear notes"}, {"viewer", "5", "4", "3", ""}} {
				p := map[string]func() *client{"owner": func() *client { return e.as(f.Owner) }, "viewer": func() *client { return e.as(f.Viewer) }}[a.who]()
				if r := p.post(round, url.Values{"q_clarity": {a.c}, "q_feedback": {a.fb}, "q_risks": {a.rk}, "comment": {a.comment}}); r.status != 303 {
					t.Fatalf("%s answers: %d %.300s", a.who, r.status, r.body)
				}
			}
			r = e.as(f.VendorManager).get(base)
			if !strings.Contains(r.body, en.T("survey.too_few", "n", 3)) || strings.Contains(r.body, "Clear notes") {
				t.Errorf("results before the third answer")
			}
			body := `{"scores":{"clarity":3,"feedback":4,"risks":1},"comment":"Risks come late"}`
			if r := e.anon().api("POST", "/api/v1"+round+"/answers", e.token(f.Manager), body); r.status != 201 || !strings.Contains(r.body, `"shown":true`) {
				t.Fatalf("the manager answers: %d %s", r.status, r.body)
			}
			// clarity (4 + 5 + 3) / 3 = 4.0, feedback 11 / 3 = 3.7, risks 6 / 3 = 2.0;
			// transparency (12 + 11) / 6 = 3.8, initiative 2.0.
			r = e.as(f.VendorManager).get(base)
			for _, want := range []string{"4.0", "3.7", "2.0", "3.8", "Clear notes", "Risks come late", en.T("survey.metric.pulse_transparency")} {
				if !strings.Contains(r.body, want) {
					t.Errorf("the partner's page lacks %q", want)
				}
			}
			api := e.anon().api("GET", "/api/v1"+base, e.token(f.VendorManager), "")
			if !strings.Contains(api.body, `{"key":"pulse_transparency","mean":3.8}`) {
				t.Errorf("api %s", api.body)
			}
			// Nor on the engagement's activity feed.
			if r := e.as(f.VendorManager).get(fmt.Sprintf("/engagements/%d", f.A1)); strings.Contains(r.body, en.T("audit.action.survey.answered")) {
				t.Errorf("the partner's overview shows who answered")
			}
			// Never a respondent's name or id, on the page or in the API.
			for _, name := range []string{"Olivia Owner", "Vera Viewer", "Mats Manager", "user_id", "respondent"} {
				if strings.Contains(r.body, name) || strings.Contains(api.body, name) {
					t.Errorf("the partner sees %q", name)
				}
			}
		})
	}
}

// Replacing the partner's responsible person starts a handover the people
// involved tick to completion.
func TestHandoverPages(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sqlite")
	f := e.f
	en := catalog.For(i18n.EN, nil)
	base := fmt.Sprintf("/engagements/%d", f.A1)
	for _, uid := range []int64{f.VendorManager.UserID, f.VendorAgent.UserID} {
		if r := e.as(f.Manager).post(base+"/responsible", url.Values{"side": {"partner"}, "user_id": {fmt.Sprint(uid)}}); r.status != 303 {
			t.Fatalf("responsible: %d %.300s", r.status, r.body)
		}
	}
	if r := e.as(f.Manager).post(base+"/responsible", url.Values{"side": {"partner"}, "user_id": {fmt.Sprint(f.Viewer.UserID)}}); r.status != 422 ||
		!strings.Contains(r.body, en.T("handover.wrong_side")) {
		t.Errorf("a client person for the partner: %d", r.status)
	}
	r := e.as(f.VendorAgent).get(base + "/handovers")
	for _, want := range []string{en.T("handover.step.documents"), en.T("handover.progress", "done", 0, "total", 5), en.T("handover.mark_done")} {
		if !strings.Contains(r.body, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	// It waits on the outgoing and the incoming person, on their home.
	for _, p := range []tandem.Principal{f.VendorManager, f.VendorAgent} {
		if r := e.as(p).get("/"); !strings.Contains(r.body, en.T("handover.home_what")) || !strings.Contains(r.body, base+"/handovers#handover-") {
			t.Errorf("%s's home does not show the handover", p.Email)
		}
	}
	if r := e.as(f.VendorAgent).get(base); !strings.Contains(r.body, en.T("handover.open_count", "n", 1)) || !strings.Contains(r.body, "Agnes Agent") {
		t.Errorf("the overview does not show the handover in progress")
	}
	hs, err := e.db.Handovers().List(ctx, f.Owner, f.A1)
	if err != nil || len(hs) != 1 {
		t.Fatalf("handovers %v %v", hs, err)
	}
	for _, st := range hs[0].Steps {
		if r := e.as(f.VendorAgent).post(fmt.Sprintf("%s/handovers/%d/steps/%d", base, hs[0].ID, st.ID), nil); r.status != 303 {
			t.Fatalf("tick: %d %.300s", r.status, r.body)
		}
	}
	if r := e.as(f.Viewer).get(base + "/handovers"); !strings.Contains(r.body, "badge-ok") {
		t.Errorf("not complete")
	}
	// The API: the partner's manager may not name the client's person; the
	// list shows the completed handover with its steps' texts.
	api := "/api/v1" + base
	if r := e.anon().api("PUT", api+"/responsible", e.token(f.VendorManager), fmt.Sprintf(`{"side":"client","user_id":%d}`, f.Manager.UserID)); r.status != 403 {
		t.Errorf("partner names the client's: %d %s", r.status, r.body)
	}
	r = e.anon().api("PUT", api+"/responsible", e.token(f.Owner), fmt.Sprintf(`{"side":"client","user_id":%d}`, f.Manager.UserID))
	if r.status != 200 || !strings.Contains(r.body, `"handover":null`) {
		t.Errorf("first client responsible: %d %s", r.status, r.body)
	}
	r = e.anon().api("GET", api+"/handovers", e.token(f.VendorAgent), "")
	if r.status != 200 || !strings.Contains(r.body, `"completed_at":"`) || !strings.Contains(r.body, en.T("handover.step.confirm")) ||
		!strings.Contains(r.body, `"side":"client","user_id":`) {
		t.Errorf("api handovers: %d %s", r.status, r.body)
	}
	_ = survey.Month
}
