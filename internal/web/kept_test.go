package web_test

import (
	"fmt"
	"html"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/tandemhq/tandem/internal/audit"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
)

// TestKeptPagesSeeWrites: pages kept between requests (keptPage) show a
// write as soon as it is acknowledged, whoever wrote it: a partner
// created through the page appears in the kept partner list; a partner
// renamed through the store appears on the kept engagement page, the
// engagement list and the portfolio, which look the partner up by id (the
// portfolio nothing else the rename writes; SQLite keeps
// those past an insert, not past an update); a second session of another
// person sees the same.
func TestKeptPagesSeeWrites(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, dialect)
			owner, manager := e.as(e.f.Owner), e.as(e.f.Manager)
			a, err := e.db.Partners.Get(ctx, e.f.Owner, e.f.PartnerA)
			if err != nil {
				t.Fatal(err)
			}
			engagement := fmt.Sprintf("/engagements/%d", e.f.A1)
			// Not a draft, so that the portfolio lists it.
			if err := store.ExecRaw(e.db, `UPDATE engagements SET status = 'active' WHERE id = ?`, e.f.A1); err != nil {
				t.Fatal(err)
			}
			has := func(c *client, path, text string, want bool) {
				t.Helper()
				pageShows(t, c, path, text, want)
			}
			// Kept: each page read twice.
			for range 2 {
				has(owner, "/partners", a.LegalName, true)
				has(owner, engagement, a.LegalName, true)
				has(manager, "/engagements", a.LegalName, true)
				has(manager, "/portfolio", a.LegalName, true)
			}
			// Created through the page by the owner: the list shows it to
			// the owner (after the page with the message) and the manager.
			created := "Nyskapad Leverantör AB"
			r := owner.post("/partners", url.Values{"legal_name": {created}, "country": {"SE"}})
			if r.status != 303 {
				t.Fatalf("create a partner: %d %s", r.status, r.body)
			}
			has(owner, "/partners", created, true)
			has(owner, "/partners", created, true)
			has(manager, "/partners", created, true)
			// Renamed through the store: the pages that look the partner up
			// by id show the new name.
			renamed := a.LegalName + " (omdöpt)"
			a.LegalName = renamed
			if err := e.db.Partners.Update(ctx, e.f.Owner, a); err != nil {
				t.Fatal(err)
			}
			has(owner, engagement, renamed, true)
			has(manager, "/engagements", renamed, true)
			has(manager, "/portfolio", renamed, true)
			has(owner, "/partners", renamed, true)
		})
	}
}

// TestKeptPagePartsSeeWrites: the engagement page is kept in two parts
// (keptPageParts), the page and its activity feed, each until something
// it read is written. An entry about the engagement alone (an export)
// reaches the feed of the kept page; a change of the engagement reaches
// both; another partner's manager never gets the page or its feed.
func TestKeptPagePartsSeeWrites(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, dialect)
			owner := e.as(e.f.Owner)
			path := fmt.Sprintf("/engagements/%d", e.f.A1)
			count := func(text string) int {
				t.Helper()
				r := owner.get(path)
				if r.status != 200 {
					t.Fatalf("%s: %d", path, r.status)
				}
				return strings.Count(html.UnescapeString(r.body), text)
			}
			before := count("Exported data")
			if count("Exported data") != before {
				t.Fatal("the kept page changed with nothing written")
			}
			for i := 1; i <= 2; i++ {
				if err := e.db.Audit.RecordExport(ctx, e.f.Owner, audit.ActionExport, "engagement", e.f.A1, nil); err != nil {
					t.Fatal(err)
				}
				if got := count("Exported data"); got != before+i {
					t.Errorf("after %d exports the feed shows %d, want %d", i, got, before+i)
				}
			}
			en, err := e.db.Engagements.Get(ctx, e.f.Owner, e.f.A1)
			if err != nil {
				t.Fatal(err)
			}
			changes := count("Engagement changed")
			en.Title = "Kundtjänst, omdöpt"
			if err := e.db.Engagements.Update(ctx, e.f.Owner, en); err != nil {
				t.Fatal(err)
			}
			if got := count("Engagement changed"); got != changes+1 {
				t.Errorf("after the change the feed shows %d changes, want %d", got, changes+1)
			}
			if count(en.Title) == 0 {
				t.Errorf("the kept page does not show the new title %q", en.Title)
			}
			if r := e.as(e.f.VendorManagerB).get(path); r.status != 404 || strings.Contains(r.body, "Exported data") {
				t.Errorf("partner B's manager: %d", r.status)
			}
		})
	}
}

// TestKeptAnswersSeeWrites: the reads the route table keeps between
// requests (keep) — here the requests list, a request and the requests
// API — show a write as soon as it is acknowledged, to the writer and to
// everyone else who may see it; a refusal is never kept, nor handed to
// another reader: partner B's manager gets 404 each time, and the
// client's manager, asking the same URL after, the page.
func TestKeptAnswersSeeWrites(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			e := newRequestEnv(t, dialect)
			f := e.f
			manager, agent, other := e.as(f.Manager), e.as(f.VendorAgent), e.as(f.VendorManagerB)
			list := fmt.Sprintf("/engagements/%d/requests", f.A1)
			tok := e.token(f.Manager)
			shows := func(c *client, path, text string, want bool) {
				t.Helper()
				pageShows(t, c, path, text, want)
			}
			apiShows := func(text string, want bool) {
				t.Helper()
				r := manager.api("GET", "/api/v1"+list, tok, "")
				if r.status != 200 || strings.Contains(r.body, text) != want {
					t.Errorf("API list shows %q: %v, want %v (%d)", text, !want, want, r.status)
				}
			}
			for range 2 {
				for range 2 {
					if r := other.get(list); r.status != 404 {
						t.Fatalf("partner B's manager: %d", r.status)
					}
				}
				shows(manager, list, "Exports fail", false)
				shows(agent, list, "Exports fail", false)
				apiShows("Exports fail", false)
			}
			if r := manager.post(list, url.Values{"service_key": {"support"}, "title": {"Exports fail"}, "priority": {"high"}}); r.status != 303 {
				t.Fatalf("create: %d %s", r.status, r.body)
			}
			shows(manager, list, "Exports fail", true)
			shows(agent, list, "Exports fail", true)
			apiShows("Exports fail", true)
			shows(manager, list+"/1", "On it", false)
			shows(manager, list+"/1", "On it", false)
			if r := agent.post(list+"/1/transition", url.Values{"action": {"respond"}, "note": {"On it"}}); r.status != 303 {
				t.Fatalf("respond: %d %s", r.status, r.body)
			}
			shows(manager, list+"/1", "On it", true)
			shows(agent, list+"/1", "On it", true)
			if r := other.get(list + "/1"); r.status != 404 {
				t.Errorf("partner B's manager reads the request: %d", r.status)
			}
		})
	}
}

// pageShows fails t unless c reads path with 200 and its text holds text
// (want) or does not (!want).
func pageShows(t *testing.T, c *client, path, text string, want bool) {
	t.Helper()
	r := c.get(path)
	if r.status != 200 {
		t.Fatalf("%s: %d", path, r.status)
	}
	if got := strings.Contains(html.UnescapeString(r.body), text); got != want {
		t.Errorf("%s shows %q: %v, want %v", path, text, got, want)
	}
}

// TestKeptAccountPagePerSession: the account page is kept per browser
// session — it marks the session it is read in — so two sessions of one
// person, each reading it twice, each see the other as the one to revoke
// (a key without the session handed the second the first one's page).
func TestKeptAccountPagePerSession(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sqlite")
	first, second := e.as(e.f.Manager), e.as(e.f.Manager)
	revoke := regexp.MustCompile(`/account/sessions/(\d+)/revoke`)
	others := func(c *client) []string {
		t.Helper()
		var ids []string
		for range 2 {
			r := c.get("/account")
			if r.status != 200 {
				t.Fatalf("/account: %d", r.status)
			}
			ids = nil
			for _, m := range revoke.FindAllStringSubmatch(r.body, -1) {
				ids = append(ids, m[1])
			}
		}
		return ids
	}
	a, b := others(first), others(second)
	if len(a) != 1 || len(b) != 1 || a[0] == b[0] {
		t.Errorf("sessions to revoke: %v from the first session, %v from the second", a, b)
	}
}
