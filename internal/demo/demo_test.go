package demo

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/engagement"
	"github.com/tandemhq/tandem/internal/kpi"
	"github.com/tandemhq/tandem/internal/notice"
	"github.com/tandemhq/tandem/internal/partner"
	"github.com/tandemhq/tandem/internal/proposal"
	"github.com/tandemhq/tandem/internal/report"
	"github.com/tandemhq/tandem/internal/request"
	"github.com/tandemhq/tandem/internal/selection"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
	"github.com/tandemhq/tandem/internal/work"
)

func TestLoad(t *testing.T) {
	t.Parallel()
	// On both databases, loaded as the app loads it: with the demo clock
	// as the store's clock, so with the backdated sales history.
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			clk := NewClock(nil)
			testLoad(t, storetest.Open(t, dialect, clk.Now), clk)
		})
	}
}

func testLoad(t *testing.T, db *store.DB, clk *Clock) {
	ctx := context.Background()
	logins, err := Load(ctx, db, clk)
	if err != nil {
		t.Fatal(err)
	}
	if db.Dialect() == "postgres" {
		// The planner has the tables' statistics (store.DB.AfterBulkLoad):
		// a table never analyzed has reltuples -1.
		var accounts float64
		if err := store.QueryRowRaw(db, `SELECT reltuples FROM pg_class WHERE oid = 'sales_accounts'::regclass`).Scan(&accounts); err != nil {
			t.Fatal(err)
		}
		if accounts < 1000 {
			t.Errorf("sales_accounts after the load: %v rows in the statistics, not analyzed", accounts)
		}
	}
	roles := map[string]bool{}
	for _, l := range logins {
		roles[l.Role] = true
		if (l.Partner != "") != tandem.Role(l.Role).IsVendor() {
			t.Errorf("%s: partner %q for role %s", l.Email, l.Partner, l.Role)
		}
		if _, err := db.Accounts.Authenticate(ctx, l.Email, l.Password, ""); err != nil {
			t.Errorf("sign in as %s: %v", l.Email, err)
		}
	}
	for _, r := range tandem.Roles {
		if !roles[string(r)] {
			t.Errorf("no demo person with role %s", r)
		}
	}

	owner, err := db.Accounts.UserByEmail(ctx, OwnerEmail)
	if err != nil {
		t.Fatal(err)
	}
	ms, err := db.Accounts.MembershipsOf(ctx, owner.ID)
	if err != nil || len(ms) != 1 || ms[0].WorkspaceName != WorkspaceName {
		t.Fatalf("owner memberships %v, %v", ms, err)
	}
	sys := store.System(ms[0].WorkspaceID, "test")
	// The owner has read what is older than a week: the bell shows the
	// last week's notifications, not six months of them.
	ownerP := tandem.Principal{WorkspaceID: ms[0].WorkspaceID, UserID: owner.ID}
	ns, unread, err := db.Notifications.List(ctx, ownerP, false, 1000)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("owner: %d unread", unread)
	if unread == 0 || unread != len(ns) {
		t.Errorf("owner: %d unread, %d listed", unread, len(ns))
	}
	for _, n := range ns {
		if n.CreatedAt.Before(clk.Base().AddDate(0, 0, -7)) {
			t.Errorf("owner: unread notification %s of %s, older than a week", n.Kind, n.CreatedAt)
		}
	}
	ps, _, err := db.Partners.List(ctx, sys, tandem.Page{}, "")
	if err != nil {
		t.Fatal(err)
	}
	statuses := map[partner.Status]int{}
	for _, p := range ps {
		statuses[p.Status]++
	}
	if statuses[partner.StatusActive] != 3 || statuses[partner.StatusCandidate] != 1 {
		t.Errorf("partner statuses %v", statuses)
	}
	es, _, err := db.Engagements.List(ctx, sys, tandem.Page{}, store.EngagementFilter{})
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[engagement.Status]int{}
	for _, e := range es {
		kinds[e.Status]++
	}
	if kinds[engagement.StatusActive] != 2 || kinds[engagement.StatusPilot] != 1 || kinds[engagement.StatusEnded] != 1 {
		t.Errorf("engagement statuses %v", kinds)
	}

	// An agent sees only the engagements assigned to them.
	agent, err := db.Accounts.UserByEmail(ctx, "aleksei.smirnov@nordcall.example")
	if err != nil {
		t.Fatal(err)
	}
	p, err := db.Accounts.Principal(ctx, agent.ID, ms[0].WorkspaceID)
	if err != nil {
		t.Fatal(err)
	}
	mine, _, err := db.Engagements.List(ctx, p, tandem.Page{}, store.EngagementFilter{})
	if err != nil || len(mine) != 1 || mine[0].Title != "Outbound sales to hotels and offices" {
		t.Errorf("agent sees %v, %v", mine, err)
	}

	checkActivity(t, db, ms[0].WorkspaceID)
	checkPast(t, db, ms[0].WorkspaceID)
	checkHistory(t, db, ms[0].WorkspaceID)
	checkDescriptions(t, db, ms[0].WorkspaceID)
	if got := db.Now(); got.Sub(time.Now()).Abs() > time.Minute {
		t.Errorf("the store's clock reads %s after the load, not the real time", got)
	}

	if _, err := Load(ctx, db, clk); err != ErrExists {
		t.Errorf("second Load: %v, want ErrExists", err)
	}
	if b, _, err := db.Audit.Verify(ctx); err != nil || b != nil {
		t.Errorf("audit chain after demo: %v, %v", b, err)
	}
	checkInvoices(t, db, ms[0].WorkspaceID, clk.Base())
}

// checkActivity checks the demo's activity as the people who see it.
func checkActivity(t *testing.T, db *store.DB, workspaceID int64) {
	t.Helper()
	ctx := context.Background()
	as := func(email string) tandem.Principal {
		t.Helper()
		u, err := db.Accounts.UserByEmail(ctx, email)
		if err != nil {
			t.Fatal(err)
		}
		p, err := db.Accounts.Principal(ctx, u.ID, workspaceID)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	manager := as("johan.bergstrom@norrsken.example")
	es, _, err := db.Engagements.List(ctx, manager, tandem.Page{}, store.EngagementFilter{})
	if err != nil {
		t.Fatal(err)
	}
	eid := map[string]int64{}
	for _, e := range es {
		eid[e.Title] = e.ID
	}
	sales, support, cfo := eid[salesTitle], eid[supportTitle], eid[cfoTitle]
	if sales == 0 || support == 0 || cfo == 0 {
		t.Fatalf("engagements %v", eid)
	}

	// Customer satisfaction on the support desk: last month's confirmed
	// survey average 4.6 scores (4.6 − 3.5) / (4.5 − 3.5) → 100; this
	// month's 4.3 waits for the client and does not count yet.
	month := kpi.PeriodOf(kpi.Month, db.Now(), kpiLoc(t, db, workspaceID))
	for _, c := range []struct {
		per   kpi.Period
		has   bool
		value kpi.Value
	}{{month.Prev(), true, kpi.Ratio(46, 10)}, {month, false, kpi.Value{}}} {
		sc, err := db.KPI.Scorecard(ctx, manager, support, c.per)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, r := range sc.Rows {
			if r.KPI.Key != "csat" {
				continue
			}
			found = true
			if r.HasData != c.has || (c.has && (r.Actual.Cmp(c.value) != 0 || r.Score != 10000)) {
				t.Errorf("satisfaction in %s: %+v", c.per, r)
			}
		}
		if !found {
			t.Errorf("no satisfaction KPI on the support scorecard for %s", c.per)
		}
	}

	// The sales engagement's figures for this month, by hand: accepted are
	// the Stockholm hotels list, the Göteborg leads, the older pipeline
	// summary, the Malmö leads (due days ago, so late) and the Uppsala list
	// (returned once) — 5 accepted, 4 on time, 4 the first time, 1 return;
	// nothing is past due (the at-risk batch is due in 5 business days).
	ws, err := db.Accounts.Workspace(ctx, workspaceID)
	if err != nil {
		t.Fatal(err)
	}
	today := db.Now().In(ws.Location())
	first := time.Date(today.Year(), today.Month(), 1, 12, 0, 0, 0, time.UTC)
	f, outcomes, err := db.Work.Figures(ctx, manager, sales, tandem.DateOf(first), tandem.DateOf(first.AddDate(0, 1, 0)))
	if err != nil {
		t.Fatal(err)
	}
	if f.Accepted != 5 || f.OnTime != 4 || f.FirstTime != 4 || f.Returns != 1 || f.Overdue != 0 || len(outcomes) != 5 {
		t.Errorf("sales figures %+v", f)
	}
	ds, _, err := db.Work.List(ctx, manager, tandem.Page{Limit: 100}, store.DeliverableFilter{EngagementID: sales})
	if err != nil {
		t.Fatal(err)
	}
	// This week's and month's: the earlier months' (past.go) are all
	// accepted and checked by checkPast.
	since := windowStart(db.Now(), ws.Location())
	statuses := map[work.Status]int{}
	n := 0
	for _, d := range ds {
		if d.CreatedAt.Before(since) {
			if d.Status != work.StatusAccepted {
				t.Errorf("earlier deliverable %q is %s", d.Title, d.Status)
			}
			continue
		}
		n++
		statuses[d.Status]++
	}
	if n != 8 || statuses[work.StatusAccepted] != 5 || statuses[work.StatusSubmitted] != 1 || statuses[work.StatusInProgress] != 2 {
		t.Errorf("sales deliverables %v", statuses)
	}
	ns, err := db.Notices.List(ctx, manager, sales, store.NoticeFilter{Open: true})
	if err != nil || len(ns) != 1 || ns[0].Category != notice.CategoryDeadline || !ns[0].Timely {
		t.Errorf("open notices %+v, %v", ns, err)
	}
	all, err := db.Proposals.List(ctx, manager, sales, "")
	var xs []proposal.Proposal
	for _, x := range all {
		if !x.RaisedAt.Before(since) {
			xs = append(xs, x)
		} else if x.Status == proposal.StatusOpen {
			t.Errorf("earlier proposal %q is open", x.Title)
		}
	}
	if err != nil || len(xs) != 2 {
		t.Fatalf("proposals %+v, %v", xs, err)
	}
	for _, x := range xs {
		if want := map[string]string{proposal.KindProposal: proposal.StatusOpen, proposal.KindRisk: proposal.StatusNoted}[x.Kind]; x.Status != want {
			t.Errorf("%s %q is %s, want %s", x.Kind, x.Title, x.Status, want)
		}
	}
	rs, err := db.Reports.List(ctx, manager, sales)
	// The newest is this week's; the earlier weeks' are all commented.
	for _, r := range rs {
		if !r.Commented() {
			t.Errorf("report of %s not commented", r.Week)
		}
	}
	if err != nil || len(rs) < 2 || rs[0].Week != report.WeekOf(db.Now(), ws.Location()) || !rs[0].Commented() || rs[0].Figures.Accepted != 5 || rs[0].Figures.Returned != 1 {
		t.Errorf("reports %+v, %v", rs, err)
	}
	// Among the manager's unread notifications: the summary awaiting his
	// review, the deadline notice and the open proposal; what he has dealt
	// with is read.
	nots, _, err := db.Notifications.List(ctx, manager, false, 200)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, n := range nots {
		kinds[n.Kind]++
	}
	if kinds["deliverable.submitted"] != 1 || kinds["notice.filed"] != 1 || kinds["proposal.raised"] != 1 || kinds["status_report.filed"] != 0 {
		t.Errorf("manager's notifications %v", kinds)
	}

	// Support: two resolved and one closed within the SLA, one waiting for
	// the client, one open.
	reqs, _, err := db.Requests.List(ctx, manager, tandem.Page{Limit: 100}, store.RequestFilter{EngagementID: support})
	if err != nil {
		t.Fatal(err)
	}
	rstat := map[request.Status]int{}
	n = 0
	for _, r := range reqs {
		if r.OpenedAt.Before(since) {
			continue // an earlier month's (checkPast)
		}
		n++
		rstat[r.Status]++
		if r.ResponseBreached || r.ResolutionBreached {
			t.Errorf("request %d %q breached", r.Number, r.Title)
		}
	}
	if n != 5 || rstat[request.StatusResolved] != 2 || rstat[request.StatusClosed] != 1 ||
		rstat[request.StatusWaiting] != 1 || rstat[request.StatusOpen] != 1 {
		t.Errorf("requests %v", rstat)
	}

	// The CFO pilot: the close review accepted, the forecast in progress.
	f, _, err = db.Work.Figures(ctx, manager, cfo, tandem.DateOf(first), tandem.DateOf(first.AddDate(0, 1, 0)))
	if err != nil || f.Accepted != 1 || f.FirstTime != 1 {
		t.Errorf("cfo figures %+v, %v", f, err)
	}

	// The selection: open, two candidates, both reviewers have scored
	// every criterion of both; evidence on the candidate partner.
	owner := as(OwnerEmail)
	sels, _, err := db.Selections.List(ctx, owner, tandem.Page{}, "")
	if err != nil || len(sels) != 1 || sels[0].Status != selection.StatusOpen || sels[0].Candidates != 2 {
		t.Fatalf("selections %+v, %v", sels, err)
	}
	sel, err := db.Selections.Get(ctx, owner, sels[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	scores, err := db.Selections.Scores(ctx, owner, sel.ID)
	if err != nil || len(sel.Reviewers) != 2 || len(scores) != 2*2*len(selection.DefaultCriteria()) {
		t.Errorf("reviewers %v, %d scores, %v", sel.Reviewers, len(scores), err)
	}
	var candidate int64
	for _, c := range sel.Candidates {
		if c.Name == "Pixelhamn Digital AB" {
			candidate = c.PartnerID
		}
	}
	ev, err := db.Selections.Evidence(ctx, owner, candidate)
	if err != nil || len(ev) != 3 {
		t.Errorf("evidence %+v, %v", ev, err)
	}
}

// TestLoadAnyDay loads the demo on awkward days — a Monday before opening,
// a Saturday, the last and the first hour of a month — and checks the same
// facts: the figures do not depend on the weekday or the date. Then, nine
// days on, the at-risk batch is overdue but its timely notice spares the
// partner the late-notice penalty.
func TestLoadAnyDay(t *testing.T) {
	t.Parallel()
	loc, err := time.LoadLocation("Europe/Stockholm")
	if err != nil {
		t.Fatal(err)
	}
	for _, at := range []time.Time{
		time.Date(2026, 11, 2, 7, 0, 0, 0, loc),    // Monday, before opening
		time.Date(2026, 11, 28, 12, 0, 0, 0, loc),  // Saturday
		time.Date(2026, 12, 31, 23, 30, 0, 0, loc), // the last half hour of the year
		time.Date(2027, 1, 1, 0, 30, 0, 0, loc),    // New Year's night
	} {
		t.Run(at.Format("2006-01-02T15:04"), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			clock := storetest.NewClock(at)
			clk := NewClock(clock.Now)
			db := storetest.Open(t, "sqlite", clk.Now)
			if _, err := Load(ctx, db, clk); err != nil {
				t.Fatal(err)
			}
			owner, err := db.Accounts.UserByEmail(ctx, OwnerEmail)
			if err != nil {
				t.Fatal(err)
			}
			ms, err := db.Accounts.MembershipsOf(ctx, owner.ID)
			if err != nil || len(ms) != 1 {
				t.Fatalf("memberships %v, %v", ms, err)
			}
			checkActivity(t, db, ms[0].WorkspaceID)

			clock.Add(9 * 24 * time.Hour)
			n, err := db.Notices.SweepOverdue(ctx, clock.Now())
			if err != nil || n != 0 {
				t.Errorf("penalties after nine days: %d, %v", n, err)
			}
			sys := store.System(ms[0].WorkspaceID, "test")
			overdue, _, err := db.Work.List(ctx, sys, tandem.Page{}, store.DeliverableFilter{Overdue: true})
			if err != nil {
				t.Fatal(err)
			}
			// Overdue now: the at-risk batch, and the summary still
			// awaiting review (handed in on time, so not penalized either).
			var titles []string
			for _, d := range overdue {
				titles = append(titles, d.Title)
			}
			if len(overdue) != 2 || !slices.Contains(titles, "Qualified leads: Stockholm offices, batch 2") {
				t.Errorf("overdue after nine days: %q", titles)
			}
		})
	}
}

func kpiLoc(t *testing.T, db *store.DB, workspaceID int64) *time.Location {
	t.Helper()
	ws, err := db.Accounts.Workspace(context.Background(), workspaceID)
	if err != nil {
		t.Fatal(err)
	}
	return ws.Location()
}
