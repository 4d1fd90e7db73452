package web_test

import (
	"fmt"
	"html"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/demo"
	"github.com/tandemhq/tandem/internal/engagement"
	"github.com/tandemhq/tandem/internal/file"
	"github.com/tandemhq/tandem/internal/knowledge"
	"github.com/tandemhq/tandem/internal/money"
	"github.com/tandemhq/tandem/internal/partner"
	"github.com/tandemhq/tandem/internal/request"
	"github.com/tandemhq/tandem/internal/sales"
	"github.com/tandemhq/tandem/internal/selection"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
	"github.com/tandemhq/tandem/internal/web"
	"github.com/tandemhq/tandem/internal/webhook"
	"github.com/tandemhq/tandem/internal/work"
)

// TestStatementBudget counts the SQL statements every GET route of the
// route table sends for one request (the caller's identity included) and
// fails when a route has no budget, when a page goes over its budget, or
// when its statements grow with rows beyond its allowance. It counts, it
// does not time.
//
// The workspace is the demo (without its months of history, which take
// long to write), with what it lacks (a webhook, evidence with a file, an
// engagement under notice, a deal, a recorded call): every kind of record
// a page shows is there. The ids in each route's path are found the way a
// person finds them, in the links of the pages already read (starting from
// the pages without ids; of several, the fullest page is counted), and
// written into the pattern by fillRoute, as the access matrix does. Every
// page is read twice (the first warms what is cached per process) and the
// second read is counted. Then 45 more of each row are added — partners,
// live engagements assigned to the demo's agent, the agent's sales
// accounts and deals, and deliverables, requests and knowledge pages in
// each engagement a page was counted in — and every page is counted again:
// a page whose statements grow with its rows fails. The table of every
// page, worst first, is logged (go test -v). It runs on both databases:
// a page reads the same statements on each.
func TestStatementBudget(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			statementBudget(t, dialect)
		})
	}
}

func statementBudget(t *testing.T, dialect string) {
	// A clock of its own, a millisecond on at each reading, so that the
	// demo and the counts are the same on every day the test runs.
	var mu sync.Mutex
	at := time.Date(2026, 11, 18, 9, 0, 0, 0, time.UTC)
	db := storetest.Open(t, dialect, func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		at = at.Add(time.Millisecond)
		return at
	})
	logins, err := demo.Load(ctx, db, nil)
	if err != nil {
		t.Fatal(err)
	}
	h, err := web.New(web.Options{DB: db, Catalog: catalog, Version: "test", Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	principals := map[string]tandem.Principal{}
	sessions := map[string]string{}
	for _, l := range logins {
		who := map[string]string{string(tandem.RoleOwner): "owner", string(tandem.RoleVendorManager): "vm", string(tandem.RoleVendorAgent): "agent"}[l.Role]
		if who == "" || sessions[who] != "" {
			continue
		}
		principals[who] = principalOf(t, db, l.Email)
		var err error
		if sessions[who], err = db.Accounts.CreateSession(ctx, principals[who].UserID, principals[who].WorkspaceID, time.Hour, "test", "127.0.0.1"); err != nil {
			t.Fatal(err)
		}
	}
	token, _, err := db.Accounts.CreateToken(ctx, principals["owner"], "test")
	if err != nil {
		t.Fatal(err)
	}
	// What the demo does not have: a webhook, a piece of evidence with a
	// file, an engagement under notice.
	owner, agent := principals["owner"], principals["agent"]
	if err := db.Webhooks().Register(ctx, owner, &webhook.Endpoint{URL: "https://example.com/hook", Groups: []string{"deliverables"}}, false); err != nil {
		t.Fatal(err)
	}
	ev := &selection.Evidence{PartnerID: agent.PartnerID, Kind: selection.KindReference, Title: "Reference letter"}
	if err := db.Selections.AddEvidence(ctx, owner, ev, "reference.txt", []byte("A reference.")); err != nil {
		t.Fatal(err)
	}
	// A deal and a recorded call, on the first account the agent has.
	accts, _, err := db.Sales().Accounts(ctx, agent, tandem.Page{Limit: 1}, store.AccountFilter{})
	if err != nil || len(accts) == 0 {
		t.Fatal("the agent has no account", err)
	}
	d := &sales.Deal{EngagementID: accts[0].EngagementID, AccountID: accts[0].ID, Title: "Budget deal", Amount: money.New(100000, "SEK"),
		Stage: "needs_identified", CloseOn: tandem.DateOf(db.Now().AddDate(0, 0, 30))}
	if err := db.Deals().Create(ctx, agent, d); err != nil {
		t.Fatal(err)
	}
	wav, err := file.NewFile("call.wav", "audio/wave", append([]byte("RIFF\x24\x00\x00\x00WAVEfmt "), make([]byte, 64)...))
	if err != nil {
		t.Fatal(err)
	}
	call := &sales.Activity{Kind: sales.KindCall, AccountID: accts[0].ID, Outcome: sales.OutcomeDecisionMaker, DurationS: 120, At: db.Now()}
	if err := db.Sales().LogActivity(ctx, agent, call, store.LogOptions{Recording: wav}); err != nil {
		t.Fatal(err)
	}
	es, _, err := db.Engagements.List(ctx, owner, tandem.Page{Limit: 100}, store.EngagementFilter{})
	if err != nil || len(es) == 0 {
		t.Fatal("no engagements", err)
	}
	ending := slices.MaxFunc(es, func(a, b engagement.Engagement) int { return int(a.ID - b.ID) }).ID
	get := func(path, who string, counted bool) (*httptest.ResponseRecorder, *store.StatementCounter) {
		r := httptest.NewRequest("GET", path, nil)
		if strings.HasPrefix(path, "/api/") {
			r.Header.Set("Authorization", "Bearer "+token)
		} else if who != "anon" {
			r.AddCookie(&http.Cookie{Name: "tandem_session", Value: sessions[who]})
		}
		var cnt *store.StatementCounter
		if counted {
			var c = r.Context()
			c, cnt = store.WithStatementCounter(c)
			r = r.WithContext(c)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w, cnt
	}

	post := httptest.NewRequest("POST", fmt.Sprintf("/api/v1/engagements/%d/termination", ending), strings.NewReader(`{"reason": "The budget test ends it."}`))
	post.Header.Set("Authorization", "Bearer "+token)
	post.Header.Set("Content-Type", "application/json")
	notice := httptest.NewRecorder()
	h.ServeHTTP(notice, post)
	if w := notice; w.Code != http.StatusCreated {
		t.Fatalf("notice on engagement %d: %d %s", ending, w.Code, w.Body)
	}

	// Every GET route has a budget (one or more: a route read by several
	// kinds of caller), and every budget is a GET route.
	pages := budgetPages()
	for i := range pages {
		if pages[i].who == "" {
			pages[i].who = "owner"
		}
	}
	var gets []string
	for _, r := range web.Routes() {
		if strings.HasPrefix(r.Pattern, "GET ") {
			gets = append(gets, r.Pattern)
		}
	}
	for _, route := range gets {
		if !slices.ContainsFunc(pages, func(p budgetPage) bool { return p.route == route }) {
			t.Errorf("%s has no statement budget: add it to budgetPages", route)
			pages = append(pages, budgetPage{route: route, who: "owner", budget: -1})
		}
	}
	for _, p := range pages {
		if !slices.Contains(gets, p.route) {
			t.Errorf("budget for %q: no such GET route", p.route)
		}
	}

	// Find each page's path: fill its ids from the links read so far,
	// read it, learn its links, until no page is found any more.
	learn := newRouteLinks(gets)
	paths := make([]string, len(pages))
	tried := make([]map[string]int, len(pages))
	for found := true; found; {
		found = false
		for i, p := range pages {
			if paths[i] != "" || p.skip != "" {
				continue
			}
			if tried[i] == nil {
				tried[i] = map[string]int{}
			}
			size := -1
			for _, path := range learn.paths(p.route, p.ids, p.linkQuery) {
				path += p.query
				if _, done := tried[i][path]; done || len(tried[i]) >= 8 {
					continue
				}
				w, _ := get(path, p.who, false)
				tried[i][path] = w.Code
				if w.Code != p.want() {
					continue
				}
				body := w.Body.String()
				learn.read(body)
				// The fullest page of the route is the one counted; a
				// download, the first that answers.
				if len(body) > size {
					paths[i], size, found = path, len(body), true
				}
				if ct := w.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/html") && !strings.HasPrefix(ct, "application/json") {
					break
				}
			}
		}
	}
	for i, p := range pages {
		if paths[i] == "" && p.skip == "" {
			t.Errorf("%s as %s: no path found that answers %d (tried %v)", p.route, p.who, p.want(), tried[i])
		}
	}

	counts := make([][2]int, len(pages))
	texts := make([][2][]string, len(pages))
	// warm is a page's count when the results it keeps between requests
	// (store.DB.Remember) are kept: the same page read again, nothing
	// written between. SQLite only: on PostgreSQL the other tests move
	// the revision (the cluster's WAL) at any time.
	warm := make([]int, len(pages))
	warmTexts := make([][]string, len(pages))
	measure := func(round int) {
		for i, p := range pages {
			if paths[i] == "" {
				continue
			}
			if round > 0 {
				get(paths[i], p.who, false) // finding the path warmed it for the first count
			}
			// Counted as its first reader after a write reads it.
			db.Forget()
			w, cnt := get(paths[i], p.who, true)
			if w.Code != p.want() {
				t.Errorf("%s: status %d, want %d", paths[i], w.Code, p.want())
			}
			// A session's last-seen time is written when it is older than
			// account.SessionTouchEvery: a slow run would count those three
			// statements in whichever page comes then. A page that writes is
			// counted twice, the fewer counts.
			if slices.Contains(cnt.Texts(), "BEGIN") {
				if _, again := get(paths[i], p.who, true); again.N() < cnt.N() {
					cnt = again
				}
			}
			counts[i][round] = cnt.N()
			texts[i][round] = cnt.Texts()
			if round == 0 && dialect != "postgres" {
				_, again := get(paths[i], p.who, true)
				warm[i], warmTexts[i] = again.N(), again.Texts()
			}
		}
	}
	measure(0)

	// 45 more partners and live engagements of the agent's partner,
	// assigned to the agent.
	sys := store.System(owner.WorkspaceID, "budget")
	start, _ := tandem.ParseDate("2026-01-01")
	for k := 0; k < budgetMore; k++ {
		p := &partner.Partner{LegalName: fmt.Sprintf("Budget partner %02d AB", k), Country: "SE", Status: partner.StatusActive}
		if err := db.Partners.Create(ctx, sys, p); err != nil {
			t.Fatal(err)
		}
		en := &engagement.Engagement{PartnerID: agent.PartnerID, Title: fmt.Sprintf("Budget engagement %02d", k), Kind: engagement.KindSales, StartsOn: start}
		if err := db.Engagements.Create(ctx, sys, en); err != nil {
			t.Fatal(err)
		}
		storetest.Activate(t, db, owner, en.ID, nil)
		if err := db.Engagements.Assign(ctx, sys, en.ID, agent.MembershipID); err != nil {
			t.Fatal(err)
		}
	}
	// And 45 more deliverables, requests and knowledge pages in each
	// engagement a page was counted in, copies of its first one.
	engs := map[int64]bool{}
	for _, path := range paths {
		if m := engagementPathRE.FindStringSubmatch(path); m != nil {
			id, _ := strconv.ParseInt(m[1], 10, 64)
			engs[id] = true
		}
	}
	added := map[string]int{}
	for _, eid := range slices.Sorted(maps.Keys(engs)) {
		ds, _, err := db.Work.List(ctx, owner, tandem.Page{Limit: 1}, store.DeliverableFilter{EngagementID: eid})
		if err != nil {
			t.Fatal(err)
		}
		if len(ds) == 1 {
			var more []*work.Deliverable
			for k := 0; k < budgetMore; k++ {
				d := ds[0]
				more = append(more, &work.Deliverable{EngagementID: eid, ServiceKey: d.ServiceKey, Title: fmt.Sprintf("Budget deliverable %02d", k),
					Description: d.Description, AssigneeID: d.AssigneeID, DueAt: d.DueAt, Priority: d.Priority})
			}
			if err := db.Work.CreateMany(ctx, owner, eid, more); err != nil {
				t.Fatal(err)
			}
			added["deliverables"] += len(more)
		}
		rs, _, err := db.Requests.List(ctx, owner, tandem.Page{Limit: 1}, store.RequestFilter{EngagementID: eid})
		if err != nil {
			t.Fatal(err)
		}
		for k := 0; len(rs) == 1 && k < budgetMore; k++ {
			r := &request.Request{EngagementID: eid, ServiceKey: rs[0].ServiceKey, Title: fmt.Sprintf("Budget request %02d", k),
				Description: rs[0].Description, Priority: rs[0].Priority}
			if err := db.Requests.Create(ctx, owner, r); err != nil {
				t.Fatal(err)
			}
			added["requests"]++
		}
		ps, err := db.Knowledge().Pages(ctx, owner, eid)
		if err != nil {
			t.Fatal(err)
		}
		for k := 0; len(ps) > 0 && k < budgetMore; k++ {
			pg := &knowledge.Page{EngagementID: eid, Area: ps[0].Area, Title: fmt.Sprintf("Budget page %02d", k), Body: ps[0].Body, OwnerID: ps[0].OwnerID}
			if err := db.Knowledge().Save(ctx, owner, pg); err != nil {
				t.Fatal(err)
			}
			added["knowledge pages"]++
		}
	}
	// 45 more accounts and deals for the agent, beside the first, the
	// deals spread over the open stages, so that a board reading a column
	// at a time grows with them.
	var rows []store.NewAccount
	for k := 0; k < budgetMore; k++ {
		a := accts[0]
		a.ID, a.Name, a.RegNumber, a.Contacts = 0, fmt.Sprintf("Budget account %02d AB", k), "", 0
		rows = append(rows, store.NewAccount{Account: a})
	}
	if err := db.Sales().CreateAccounts(ctx, owner, rows); err != nil {
		t.Fatal(err)
	}
	added["accounts"] = len(rows)
	for k := 0; k < budgetMore; k++ {
		d := &sales.Deal{EngagementID: accts[0].EngagementID, AccountID: accts[0].ID, Title: fmt.Sprintf("Budget deal %02d", k),
			Amount: money.New(100000, "SEK"), Stage: budgetStages[k%len(budgetStages)], CloseOn: tandem.DateOf(db.Now().AddDate(0, 0, 30))}
		if err := db.Deals().Create(ctx, agent, d); err != nil {
			t.Fatal(err)
		}
		added["deals"]++
	}
	for _, kind := range []string{"deliverables", "requests", "knowledge pages"} {
		if added[kind] == 0 {
			t.Errorf("no %s added: no engagement counted has one to copy", kind)
		}
	}
	t.Logf("added %d partners, %d engagements, %v in %d engagements", budgetMore, budgetMore, added, len(engs))
	measure(1)

	order := make([]int, len(pages))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool {
		ca, cb := counts[order[a]], counts[order[b]]
		if ca[1] != cb[1] {
			return ca[1] > cb[1]
		}
		return ca[0] > cb[0]
	})
	t.Logf("%-64s %-5s %4s %4s %6s %4s %4s  %s", "route", "as", "base", "+45", "budget", "+row", "warm", "path counted")
	for _, i := range order {
		p, c := pages[i], counts[i]
		if p.skip != "" {
			continue
		}
		t.Logf("%-64s %-5s %4d %4d %6d %4d %4d  %s", p.route, p.who, c[0], c[1], p.budget, p.perRow, warm[i], paths[i])
	}
	for _, i := range order {
		p, c := pages[i], counts[i]
		if p.skip != "" || paths[i] == "" {
			continue
		}
		if dialect == "postgres" {
			p.budget += p.sealed + p.memo
		} else if w := p.warmBudget(); warm[i] > w {
			t.Errorf("%s as %s (%s) read again: %d statements; the budget is %d:\n  %s", p.route, p.who, paths[i], warm[i], w, strings.Join(warmTexts[i], "\n  "))
		} else if warm[i] == 0 && slices.Contains(texts[i][0], "BEGIN") {
			// An answer kept between requests is not computed again: what
			// it wrote would be written once, not at every request.
			t.Errorf("%s as %s (%s) is kept between requests but writes:\n  %s", p.route, p.who, paths[i], strings.Join(texts[i][0], "\n  "))
		}
		if p.budget < 0 {
			t.Errorf("%s: no budget; it costs {%q, %q, %d, %d}", p.route, p.route, p.who, c[0], max(0, (c[1]-c[0]+budgetMore-1)/budgetMore))
			continue
		}
		if c[0] > p.budget {
			t.Errorf("%s as %s (%s): %d statements; the budget is %d:\n  %s", p.route, p.who, paths[i], c[0], p.budget, strings.Join(texts[i][0], "\n  "))
		}
		if grow := c[1] - c[0]; grow > budgetMore*p.perRow {
			t.Errorf("%s as %s (%s): %d statements, %d with %d more of each row: %d more a row, the allowance is %d:\n  %s",
				p.route, p.who, paths[i], c[0], c[1], budgetMore, (grow+budgetMore-1)/budgetMore, p.perRow, strings.Join(texts[i][1], "\n  "))
		}
	}
}

var engagementPathRE = regexp.MustCompile(`^(?:/api/v1)?/engagements/([0-9]+)`)

// budgetMore is how many partners and engagements the second count adds.
const budgetMore = 45

// routeLinks learns the ids of routes from the links of pages. A link is
// the route it would be served by (the pattern with the fewest wildcards
// that matches it, as the mux chooses); its wildcards are kept as one
// tuple of that route, and each value under the key (see routeKey) it
// stands for, those under an engagement with that engagement too.
type routeLinks struct {
	patterns []*regexp.Regexp
	routes   []string
	tuples   map[string][]map[string]string
	global   map[string][]string
	byEng    map[string]map[string]string
	engs     []string
}

var linkRE = regexp.MustCompile(`(?:href|src)="(/[^"?#]*)(\?[^"#]*)?`)

func newRouteLinks(gets []string) *routeLinks {
	l := &routeLinks{tuples: map[string][]map[string]string{}, global: map[string][]string{}, byEng: map[string]map[string]string{}}
	for _, route := range gets {
		path := strings.TrimPrefix(route, "GET ")
		if strings.HasPrefix(path, "/api/") || strings.Contains(path, "{$}") {
			continue
		}
		re := "^" + regexp.MustCompile(`\\\{[^}/]+\\\}`).ReplaceAllString(regexp.QuoteMeta(path), `([^/]+)`) + "$"
		l.patterns = append(l.patterns, regexp.MustCompile(re))
		l.routes = append(l.routes, path)
	}
	return l
}

// read learns the links of a page.
func (l *routeLinks) read(body string) {
	for _, m := range linkRE.FindAllStringSubmatch(body, -1) {
		link, best, bestN := m[1], -1, 0
		for i, re := range l.patterns {
			if n := strings.Count(l.routes[i], "{"); re.MatchString(link) && (best < 0 || n < bestN) {
				best, bestN = i, n
			}
		}
		if best < 0 || bestN == 0 {
			continue
		}
		path := l.routes[best]
		vals := l.patterns[best].FindStringSubmatch(link)
		keys := map[string]string{"?": html.UnescapeString(m[2])}
		for j, w := range placeholderRE.FindAllStringSubmatchIndex(path, -1) {
			keys[routeKey(path, w[0], path[w[2]:w[3]])] = vals[j+1]
		}
		if !slices.ContainsFunc(l.tuples[path], func(t map[string]string) bool { return maps.Equal(t, keys) }) {
			l.tuples[path] = append(l.tuples[path], keys)
		}
		eng, ok := keys["engagements"]
		if ok && l.byEng[eng] == nil {
			l.byEng[eng] = map[string]string{}
			l.engs = append(l.engs, eng)
		}
		for k, v := range keys {
			if k == "?" {
				continue
			}
			if ok && k != "engagements" {
				if _, seen := l.byEng[eng][k]; !seen {
					l.byEng[eng][k] = v
				}
			}
			if !slices.Contains(l.global[k], v) {
				l.global[k] = append(l.global[k], v)
			}
		}
	}
}

// paths are the candidate paths of a route: the links seen of the route
// itself (or of the page an API route mirrors), then its keys filled from
// the values seen, those of an engagement with most keys first; the ids
// given go first everywhere.
func (l *routeLinks) paths(route string, given map[string]string, linkQuery bool) []string {
	path := strings.TrimPrefix(route, "GET ")
	var keys []string
	for _, w := range placeholderRE.FindAllStringSubmatchIndex(path, -1) {
		keys = append(keys, routeKey(path, w[0], path[w[2]:w[3]]))
	}
	with := func(ids map[string]string) map[string]string {
		out := map[string]string{"$": ""}
		maps.Copy(out, ids)
		maps.Copy(out, given)
		return out
	}
	var out []string
	add := func(ids map[string]string) {
		for _, k := range keys {
			if _, ok := ids[k]; !ok {
				return
			}
		}
		p := fillRoute(path, ids)
		if linkQuery {
			p += ids["?"]
		}
		if !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	for _, t := range l.tuples[strings.TrimPrefix(path, "/api/v1")] {
		add(with(t))
	}
	if slices.Contains(keys, "engagements") {
		engs := slices.Clone(l.engs)
		sort.SliceStable(engs, func(a, b int) bool { return len(l.byEng[engs[a]]) > len(l.byEng[engs[b]]) })
		for _, eng := range engs {
			ids := with(l.byEng[eng])
			ids["engagements"] = eng
			for _, k := range keys {
				if _, ok := ids[k]; !ok && len(l.global[k]) > 0 {
					ids[k] = l.global[k][0]
				}
			}
			add(ids)
		}
		return out
	}
	ids := with(nil)
	first := ""
	for _, k := range keys {
		if _, ok := ids[k]; !ok && first == "" {
			first = k
		}
	}
	if first == "" {
		add(ids)
		return out
	}
	for _, v := range l.global[first] {
		ids := with(map[string]string{first: v})
		for _, k := range keys {
			if _, ok := ids[k]; !ok && len(l.global[k]) > 0 {
				ids[k] = l.global[k][0]
			}
		}
		add(ids)
	}
	return out
}

// budgetPage is a GET route and its budget for one kind of caller
// ("owner" when empty, "vm" the partner's manager, "agent", "anon" no one
// signed in; API routes are read with the owner's token): at most budget statements in the demo, and perRow
// more for each further engagement. The target is 3 and 0 for every page;
// the budgets are what the pages cost today (known debt, issue 16), so that
// none gets worse unnoticed. A route with skip is not read, for the reason
// given; ids gives wildcards fixed values (a token no link shows) and
// status the answer expected then (200 when 0).
type budgetPage struct {
	route, who     string
	budget, perRow int
	// sealed is what PostgreSQL adds: the audit chain sealed before an
	// export or package reads it, its unsealed window shown (auditseal.go).
	sealed int
	// memo is how many results the page keeps between requests
	// (store.DB.Remember): each costs PostgreSQL one statement more, the
	// revision; warm is the budget when they are kept (the page read
	// again, nothing written between; 0: the same as budget).
	memo, warm int
	ids        map[string]string
	query      string // added to the path
	linkQuery  bool   // the path needs the query of the links to it
	status     int
	skip       string
}

func (p budgetPage) warmBudget() int {
	if p.warm == 0 {
		return p.budget
	}
	return p.warm
}

func (p budgetPage) want() int {
	if p.status == 0 {
		return http.StatusOK
	}
	return p.status
}

// budgetStages are the open stages of the default pipeline (seed 002's).
var budgetStages = []string{"new", "past_gatekeeper", "decision_maker_reached", "needs_identified", "presented",
	"proposal_sent", "objections_handled", "next_step_agreed"}

func budgetPages() []budgetPage {
	bogus := map[string]string{"token": "bogus"}
	return []budgetPage{
		{route: "GET /healthz", budget: 1},
		{route: "GET /metrics", budget: 1},
		{route: "GET /static/{file}", budget: 1},
		{route: "GET /signin", who: "anon", budget: 0},
		// Links sent by e-mail carry a token no page shows; an unknown one
		// is looked up and refused (the reset page asks again either way).
		{route: "GET /invite/{token}", who: "anon", budget: 1, ids: bogus, status: 404},
		{route: "GET /reset/{token}", who: "anon", budget: 0, ids: bogus},
		{route: "GET /forgot", budget: 1},
		{route: "GET /mail/unsubscribe/{token}", who: "anon", budget: 1, ids: bogus, status: 404},
		// The homes, the portfolio and the board pack read the trends, the
		// worth, the meetings' health and what waits of all the engagements
		// at once: as many statements for 50 engagements as for 5.
		{route: "GET /{$}", budget: 26, memo: 4, warm: 1},
		{route: "GET /{$}", who: "agent", budget: 22, memo: 2, warm: 1},
		{route: "GET /workspaces", budget: 2},
		{route: "GET /partners", budget: 2, memo: 1, warm: 1},
		{route: "GET /partners/new", budget: 1},
		{route: "GET /partners/{id}", budget: 3},
		{route: "GET /partners/{id}/edit", budget: 2},
		{route: "GET /engagements", budget: 3, memo: 1},
		{route: "GET /engagements/new", budget: 2, memo: 1},
		{route: "GET /engagements/{id}", budget: 7, memo: 2, warm: 1},
		{route: "GET /engagements/{id}/edit", budget: 3},
		{route: "GET /engagements/{id}/terms", budget: 4, memo: 1, warm: 1},
		{route: "GET /engagements/{id}/terms/edit", budget: 5, memo: 1, warm: 1},
		{route: "GET /engagements/{id}/amendments", budget: 3},
		{route: "GET /engagements/{id}/amendments/new", budget: 3},
		{route: "GET /engagements/{id}/annex", budget: 7},
		{route: "GET /engagements/{id}/annex.pdf", budget: 7},
		{route: "GET /partners/{id}/ndas", budget: 5, memo: 1, warm: 1},
		{route: "GET /engagements/{id}/work", budget: 6, memo: 1, warm: 1},
		{route: "GET /engagements/{id}/deliverables/import", budget: 2},
		{route: "GET /deliverables/{id}", budget: 7, memo: 1},
		{route: "GET /deliverables/{id}/files/{file}", budget: 10},
		{route: "GET /notifications", budget: 3, memo: 1},
		{route: "GET /engagements/{id}/requests", budget: 5, memo: 1, warm: 1},
		{route: "GET /engagements/{id}/requests/new", budget: 2},
		{route: "GET /engagements/{id}/requests/{number}", budget: 5, memo: 1, warm: 1},
		{route: "GET /engagements/{id}/meetings", budget: 9, memo: 1, warm: 1},
		{route: "GET /engagements/{id}/meetings/{meeting}", budget: 24, memo: 1, warm: 1},
		{route: "GET /engagements/{id}/notices", budget: 4},
		{route: "GET /engagements/{id}/proposals", budget: 3},
		{route: "GET /engagements/{id}/status-reports", budget: 3},
		{route: "GET /engagements/{id}/status-reports/{week}", budget: 3},
		{route: "GET /engagements/{id}/status-reports/{week}/edit", who: "vm", budget: 8, memo: 1, warm: 1},
		{route: "GET /portfolio", budget: 23, memo: 2, warm: 1},
		{route: "GET /portfolio/board-pack", budget: 28},
		{route: "GET /engagements/{id}/scorecard", budget: 7, memo: 1, warm: 1},
		{route: "GET /engagements/{id}/scorecard/{kpi}", budget: 5, memo: 1, warm: 1},
		{route: "GET /engagements/{id}/values", budget: 3},
		{route: "GET /engagements/{id}/termination", budget: 4, memo: 1, warm: 1},
		{route: "GET /engagements/{id}/time", budget: 3},
		{route: "GET /engagements/{id}/deliverables/export/{format}", budget: 8},
		{route: "GET /engagements/{id}/requests/export/{format}", budget: 8},
		{route: "GET /engagements/{id}/scorecard/export/{format}", budget: 9},
		{route: "GET /audit/export/{format}", budget: 7},
		{route: "GET /engagements/{id}/package", budget: 63, sealed: 5},
		{route: "GET /members", budget: 5, memo: 1, warm: 1},
		{route: "GET /audit", budget: 2, sealed: 1, memo: 1},
		{route: "GET /account", budget: 6, memo: 1, warm: 1},
		{route: "GET /mail/outbox", budget: 2},
		{route: "GET /webhooks", budget: 3},
		{route: "GET /webhooks/{id}", budget: 5, memo: 1, warm: 1},
		// A calendar feed's token is shown once, when it is made.
		{route: "GET /calendar/{token}", who: "anon", budget: 0, ids: bogus, status: 404},
		{route: "GET /selections", budget: 2},
		{route: "GET /selections/new", budget: 3},
		{route: "GET /selections/{id}", budget: 7, memo: 1, warm: 1},
		{route: "GET /selections/{id}/edit", budget: 8, memo: 1, warm: 1},
		{route: "GET /partners/{id}/evidence", budget: 3},
		{route: "GET /evidence/{id}/file", budget: 7},
		{route: "GET /sales/accounts", budget: 4, memo: 1, warm: 1},
		{route: "GET /sales/accounts/new", budget: 1},
		{route: "GET /sales/accounts/{id}", budget: 7, memo: 1, warm: 1},
		{route: "GET /sales/accounts/{id}/edit", budget: 2, memo: 1, warm: 1},
		{route: "GET /engagements/{id}/sales/reveals", budget: 5, memo: 1, warm: 1},
		{route: "GET /sales/export/{format}", budget: 10},
		{route: "GET /sales/import", budget: 2},
		{route: "GET /engagements/{id}/sales/import", budget: 3},
		{route: "GET /engagements/{id}/invoices", budget: 13, memo: 1, warm: 1},
		{route: "GET /engagements/{id}/invoices/{period}", budget: 16, memo: 1, warm: 1},
		{route: "GET /engagements/{id}/invoices/{period}/pdf", budget: 22},
		{route: "GET /engagements/{id}/invoices/{period}/xlsx", budget: 22},
		{route: "GET /engagements/{id}/worth", budget: 9, memo: 1, warm: 1},
		{route: "GET /engagements/{id}/sales/claims", budget: 5, memo: 1, warm: 1},
		{route: "GET /sales/activities/{id}/files/{file}", budget: 3},
		{route: "GET /sales/today", budget: 6, memo: 1, warm: 1},
		{route: "GET /engagements/{id}/sales/recordings", budget: 3},
		{route: "GET /engagements/{id}/sales/board", budget: 6, memo: 1, warm: 1},
		{route: "GET /engagements/{id}/sales/funnel", budget: 7, memo: 1, warm: 1},
		{route: "GET /engagements/{id}/sales/deals/new", budget: 5, memo: 1, warm: 1, linkQuery: true},
		{route: "GET /engagements/{id}/sales/deals/{deal}", budget: 7, memo: 1, warm: 1},
		{route: "GET /engagements/{id}/sales/deals/{deal}/edit", budget: 8, memo: 1, warm: 1},
		{route: "GET /engagements/{id}/surveys", budget: 5, memo: 1, warm: 1},
		{route: "GET /surveys/{id}", budget: 3},
		{route: "GET /engagements/{id}/knowledge", budget: 5, memo: 1, warm: 1},
		{route: "GET /engagements/{id}/knowledge/new", budget: 3},
		{route: "GET /knowledge", budget: 6, memo: 1, warm: 1},
		{route: "GET /knowledge/new", budget: 2},
		{route: "GET /knowledge/pages/{id}", budget: 4, memo: 1, warm: 1},
		{route: "GET /knowledge/pages/{id}/edit", budget: 4, memo: 1, warm: 1},
		{route: "GET /engagements/{id}/handovers", budget: 6, memo: 1, warm: 1},
		{route: "GET /api/v1/engagements/{id}/termination", budget: 4, memo: 1, warm: 1},
		{route: "GET /api/v1/webhooks", budget: 2},
		{route: "GET /api/v1/webhooks/{id}", budget: 2},
		{route: "GET /api/v1/webhooks/{id}/messages", budget: 3},
		{route: "GET /api/v1/openapi.json", budget: 1},
		{route: "GET /api/v1/me", budget: 2},
		{route: "GET /api/v1/partners", budget: 2},
		{route: "GET /api/v1/partners/{id}", budget: 2},
		{route: "GET /api/v1/engagements", budget: 2},
		{route: "GET /api/v1/engagements/{id}", budget: 2},
		{route: "GET /api/v1/engagements/{id}/deliverables", budget: 3},
		{route: "GET /api/v1/engagements/{id}/figures", budget: 4, memo: 1, warm: 1},
		{route: "GET /api/v1/deliverables/{id}", budget: 6, memo: 1, warm: 1},
		{route: "GET /api/v1/notifications", budget: 3},
		{route: "GET /api/v1/me/mail", budget: 3},
		{route: "GET /api/v1/mail/outbox", budget: 2},
		{route: "GET /api/v1/engagements/{id}/terms", budget: 2},
		{route: "GET /api/v1/engagements/{id}/versions", budget: 2},
		{route: "GET /api/v1/engagements/{id}/check", budget: 4, memo: 1, warm: 1},
		{route: "GET /api/v1/engagements/{id}/amendments", budget: 3},
		{route: "GET /api/v1/selections", budget: 2},
		{route: "GET /api/v1/selections/{id}", budget: 8, memo: 1, warm: 1},
		{route: "GET /api/v1/partners/{id}/evidence", budget: 3},
		{route: "GET /api/v1/engagements/{id}/requests", budget: 5, memo: 1, warm: 1},
		{route: "GET /api/v1/engagements/{id}/requests/{number}", budget: 5, memo: 1, warm: 1},
		{route: "GET /api/v1/engagements/{id}/meetings", budget: 3},
		{route: "GET /api/v1/engagements/{id}/meetings/series", budget: 5, memo: 1, warm: 1},
		{route: "GET /api/v1/engagements/{id}/meetings/{meeting}", budget: 25, memo: 1, warm: 1},
		{route: "GET /api/v1/engagements/{id}/action-items", budget: 3},
		{route: "GET /api/v1/engagements/{id}/notices", budget: 3},
		{route: "GET /api/v1/engagements/{id}/proposals", budget: 3},
		{route: "GET /api/v1/engagements/{id}/status-reports", budget: 3},
		{route: "GET /api/v1/engagements/{id}/status-reports/{week}", budget: 3},
		{route: "GET /api/v1/metrics", budget: 1},
		{route: "GET /api/v1/portfolio", budget: 21, memo: 1, warm: 1},
		{route: "GET /api/v1/engagements/{id}/scorecard", budget: 3, memo: 1, warm: 1},
		{route: "GET /api/v1/engagements/{id}/scorecard/{kpi}", budget: 5, memo: 1, warm: 1},
		{route: "GET /api/v1/engagements/{id}/trend", budget: 3},
		{route: "GET /api/v1/engagements/{id}/values", budget: 3},
		{route: "GET /api/v1/engagements/{id}/time-entries", budget: 3},
		{route: "GET /api/v1/engagements/{id}/deliverables/export/{format}", budget: 8},
		{route: "GET /api/v1/engagements/{id}/requests/export/{format}", budget: 8},
		{route: "GET /api/v1/engagements/{id}/scorecard/export/{format}", budget: 9},
		{route: "GET /api/v1/audit/export/{format}", budget: 7},
		{route: "GET /api/v1/engagements/{id}/package", budget: 63, sealed: 5},
		{route: "GET /api/v1/sales/accounts", budget: 3},
		{route: "GET /api/v1/sales/accounts/{id}", budget: 3, memo: 1, warm: 1},
		{route: "GET /api/v1/sales/accounts/{id}/contacts", budget: 3, memo: 1, warm: 1},
		{route: "GET /api/v1/engagements/{id}/sales/reveals", budget: 3, memo: 1, warm: 1},
		{route: "GET /api/v1/sales/export/{format}", budget: 10},
		{route: "GET /api/v1/engagements/{id}/invoices", budget: 13, memo: 1, warm: 1},
		{route: "GET /api/v1/engagements/{id}/forecast", budget: 7, memo: 1, warm: 1},
		{route: "GET /api/v1/engagements/{id}/invoices/{period}", budget: 12, memo: 1, warm: 1},
		{route: "GET /api/v1/engagements/{id}/invoices/{period}/pdf", budget: 22},
		{route: "GET /api/v1/engagements/{id}/invoices/{period}/xlsx", budget: 22},
		{route: "GET /api/v1/engagements/{id}/worth", budget: 9, memo: 1, warm: 1},
		{route: "GET /api/v1/engagements/{id}/sales/claims", budget: 3},
		{route: "GET /api/v1/sales/accounts/{id}/activities", budget: 3, memo: 1, warm: 1},
		{route: "GET /api/v1/engagements/{id}/sales/deals", budget: 4, memo: 1, warm: 1},
		{route: "GET /api/v1/engagements/{id}/sales/deals/{deal}", budget: 12, memo: 1, warm: 1},
		{route: "GET /api/v1/engagements/{id}/sales/funnel", budget: 7, memo: 1, warm: 1},
		{route: "GET /api/v1/engagements/{id}/surveys", budget: 5, memo: 1, warm: 1},
		{route: "GET /api/v1/engagements/{id}/knowledge", budget: 4, memo: 1, warm: 1},
		{route: "GET /api/v1/knowledge", budget: 3, memo: 1, warm: 1},
		{route: "GET /api/v1/knowledge/at-risk", budget: 3},
		{route: "GET /api/v1/knowledge/pages/{id}", budget: 4, memo: 1, warm: 1},
		{route: "GET /api/v1/knowledge/pages/{id}/diff", budget: 3, query: "?from=1&to=2"},
		{route: "GET /api/v1/engagements/{id}/handovers", budget: 5, memo: 1, warm: 1},
	}
}
