package web_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/kpi"
	"github.com/tandemhq/tandem/internal/ownmetric"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
	"github.com/tandemhq/tandem/internal/work"
)

// Every page renders for every role that may open it, in every language,
// with no missing message (a missing key renders as ⟦key⟧).
func TestPagesRenderInEveryLanguage(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sqlite")
	f := e.f
	// A live engagement with some work, so the work pages have content.
	storetest.Activate(t, e.db, f.Owner, f.A1, func(t *contract.Terms) {
		t.Metrics = []contract.MetricDef{
			{Key: "brand_presence", Name: "Brand presence", Kind: "manual", Source: "partner", Scale: 1},
			{Key: "presence_per_lead", Name: "Presence per lead", Kind: "formula", Formula: "brand_presence / qualified_leads"},
		}
	})
	if err := e.db.OwnMetrics.Enter(ctx, f.VendorManager, &ownmetric.Value{EngagementID: f.A1, Metric: "brand_presence", PeriodKind: kpi.Month,
		PeriodStart: tandem.DateOf(e.db.Now()), Value: 75, Scale: 1, Note: "Survey"}); err != nil {
		t.Fatal(err)
	}
	v, _ := e.db.Contracts.InForce(ctx, f.Owner, f.A1, tandem.DateOf(e.db.Now()))
	d := &work.Deliverable{EngagementID: f.A1, ServiceKey: v.Terms.Services[0].Key, Title: "Call list", DueAt: e.db.Now().Add(-48 * time.Hour)}
	if err := e.db.Work.Create(ctx, f.Owner, d); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.Work.Submit(ctx, f.VendorAgent, d.ID, "v1", nil); err != nil {
		t.Fatal(err)
	}
	if err := e.db.Work.Review(ctx, f.Manager, d.ID, work.Review{Reason: "quality"}); err != nil {
		t.Fatal(err)
	}
	eng := func(rest string) string { return fmt.Sprintf("/engagements/%d%s", f.A1, rest) }
	live := []string{eng("/terms"), eng("/amendments"), eng("/work"), fmt.Sprintf("/deliverables/%d", d.ID), eng("/notices"),
		eng("/proposals"), eng("/status-reports"), eng("/requests"), "/notifications?all=1", eng("/scorecard"), eng("/scorecard?period=quarter"), eng("/values"), "/portfolio"}
	pages := map[tandem.Role][]string{
		tandem.RoleOwner: {"/", "/partners", "/partners?q=alpha&sort=-name", "/partners/new", fmt.Sprintf("/partners/%d", f.PartnerA),
			fmt.Sprintf("/partners/%d/edit", f.PartnerA), "/engagements", "/engagements?status=draft&kind=sales", "/engagements/new",
			fmt.Sprintf("/engagements/%d", f.A1), fmt.Sprintf("/engagements/%d/edit", f.A1), "/members", "/audit",
			"/audit?action=partner.&from=2020-01-01&to=2099-01-01", "/account", "/workspaces",
			eng("/terms/edit"), eng("/amendments/new"), eng("/deliverables/import"), eng("/requests/new"),
			fmt.Sprintf("/engagements/%d/terms", f.A2), fmt.Sprintf("/partners/%d/ndas", f.PartnerA), fmt.Sprintf("/partners/%d/evidence", f.PartnerA),
			"/selections", "/selections/new"},
		tandem.RoleVendorAgent:   {"/", "/partners", fmt.Sprintf("/engagements/%d", f.A1), "/account"},
		tandem.RoleVendorManager: {"/", "/members", "/engagements"},
	}
	for _, r := range []tandem.Role{tandem.RoleOwner, tandem.RoleVendorAgent, tandem.RoleVendorManager} {
		pages[r] = append(pages[r], live...)
	}
	principals := map[tandem.Role]tandem.Principal{tandem.RoleOwner: f.Owner, tandem.RoleVendorAgent: f.VendorAgent,
		tandem.RoleVendorManager: f.VendorManager}
	for role, paths := range pages {
		c := e.as(principals[role])
		for _, lang := range []string{"en", "ru", "sv"} {
			c.lang = lang
			if err := e.db.Accounts.SetLanguage(ctx, principals[role].UserID, "en"); err != nil {
				t.Fatal(err)
			}
			// The person's setting wins over Accept-Language; switch it.
			r := c.post("/language", url.Values{"lang": {lang}, "next": {"/"}})
			if r.status != 303 {
				t.Fatalf("switch language: %d", r.status)
			}
			for _, p := range paths {
				r := c.get(p)
				if r.status != 200 {
					t.Errorf("%s %s [%s]: status %d", role, p, lang, r.status)
					continue
				}
				if i := strings.Index(r.body, "⟦"); i >= 0 {
					t.Errorf("%s %s [%s]: missing message %s", role, p, lang, r.body[i:min(len(r.body), i+60)])
				}
				if !strings.Contains(r.body, `<html lang="`+lang+`"`) {
					t.Errorf("%s %s: page not in %s", role, p, lang)
				}
			}
		}
	}
}

func TestSignInFlow(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sqlite")
	c := e.anon()
	c.lang = "sv-SE,sv;q=0.9"
	r := c.get("/partners")
	if r.status != 303 || !strings.HasPrefix(r.location, "/signin?next=") {
		t.Fatalf("anonymous /partners: %d %s", r.status, r.location)
	}
	r = c.get(r.location)
	if r.status != 200 || !strings.Contains(r.body, "Logga in") {
		t.Fatalf("sign-in page not in Swedish: %d", r.status)
	}
	r = c.post("/signin", url.Values{"email": {"owner@example.com"}, "password": {"wrong"}, "next": {"/partners"}})
	if r.status != 401 || !strings.Contains(r.body, "Fel e-postadress eller lösenord.") {
		t.Fatalf("bad password: %d %s", r.status, r.body)
	}
	r = c.post("/signin", url.Values{"email": {"owner@example.com"}, "password": {storetest.Password}, "next": {"/partners"}})
	if r.status != 303 || r.location != "/partners" {
		t.Fatalf("sign in: %d %s", r.status, r.location)
	}
	if r := c.get("/partners"); r.status != 200 || !strings.Contains(r.body, "Alpha Sales AB") {
		t.Fatalf("after sign-in: %d", r.status)
	}
	// An open redirect is not followed.
	c2 := e.anon()
	r = c2.post("/signin", url.Values{"email": {"owner@example.com"}, "password": {storetest.Password}, "next": {"//evil.example/x"}})
	if r.location != "/" {
		t.Fatalf("next=//evil.example: redirected to %q", r.location)
	}
	// Signing out ends the session.
	if r := c.post("/signout", nil); r.status != 303 {
		t.Fatalf("sign out: %d", r.status)
	}
	if r := c.get("/partners"); r.status != 303 {
		t.Fatalf("after sign-out: %d", r.status)
	}
	entries, _, _ := e.db.Audit.List(ctx, e.f.Owner, storeFilter("auth."), tandem.Page{})
	var actions []string
	for _, en := range entries {
		actions = append(actions, en.Action)
	}
	if strings.Join(actions, ",") != "auth.signout,auth.signin,auth.signin,auth.signin_failed" {
		t.Fatalf("audit of sign-ins: %v", actions)
	}
}

func TestFormErrorsAreLocalizedAndChangeNothing(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sqlite")
	c := e.as(e.f.Manager)
	if err := e.db.Accounts.SetLanguage(ctx, e.f.Manager.UserID, "ru"); err != nil {
		t.Fatal(err)
	}
	r := c.post("/partners", url.Values{"legal_name": {""}, "website": {"not a url"}, "status": {"candidate"}})
	if r.status != 422 {
		t.Fatalf("status %d", r.status)
	}
	for _, want := range []string{"Заполните это поле.", "Введите полный адрес, начиная с https://.", `value="not a url"`} {
		if !strings.Contains(r.body, want) {
			t.Errorf("form page lacks %q", want)
		}
	}
	_, n, _ := e.db.Partners.List(ctx, e.f.Owner, tandem.Page{}, "")
	if n != 2 {
		t.Fatalf("a bad form wrote a partner: %d", n)
	}
	r = c.post("/engagements", url.Values{"title": {"X"}, "partner_id": {fmt.Sprint(e.f.OtherPartner)}, "kind": {"sales"},
		"status": {"draft"}, "starts_on": {"2026-13-45"}})
	if r.status != 422 || !strings.Contains(r.body, "Введите дату в формате ГГГГ-ММ-ДД.") {
		t.Fatalf("bad date: %d", r.status)
	}
}

func TestCrossOriginPostIsRefused(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sqlite")
	c := e.as(e.f.Owner)
	r := c.do("POST", "/partners", strings.NewReader("legal_name=Evil+AB&status=candidate"), map[string]string{
		"Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"})
	if r.status != 403 {
		t.Fatalf("cross-origin POST: %d", r.status)
	}
	if _, n, _ := e.db.Partners.List(ctx, e.f.Owner, tandem.Page{Q: "evil"}, ""); n != 0 {
		t.Fatal("cross-origin POST wrote a partner")
	}
}
