package portfolio_test

import (
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/engagement"
	"github.com/tandemhq/tandem/internal/governance"
	"github.com/tandemhq/tandem/internal/kpi"
	"github.com/tandemhq/tandem/internal/notice"
	"github.com/tandemhq/tandem/internal/ownmetric"
	"github.com/tandemhq/tandem/internal/portfolio"
	"github.com/tandemhq/tandem/internal/proposal"
	"github.com/tandemhq/tandem/internal/request"
	"github.com/tandemhq/tandem/internal/sales"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
	"github.com/tandemhq/tandem/internal/work"
)

var t0 = time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)

// Each decider, record by record, without a database.
func TestWaitingDeciders(t *testing.T) {
	t.Parallel()
	now := t0
	if _, ok := portfolio.NoticeWaits(notice.Notice{AcknowledgedAt: now}); ok {
		t.Error("an acknowledged notice waits")
	}
	if w, ok := portfolio.NoticeWaits(notice.Notice{ID: 4, Text: strings.Repeat("x", 100), FiledAt: now}); !ok || w.Kind != portfolio.KindNotice ||
		len([]rune(w.Title)) != 80 || w.RecordID != 4 {
		t.Errorf("open notice: %+v %v", w, ok)
	}

	// Requests: a 120-minute clock with 30 minutes left runs low (30 × 4 ≤
	// 120), with 31 it does not; past its target it is breached; a stopped
	// clock does not count; an urgent request is always listed.
	clock := func(left time.Duration) request.Clock {
		return request.Clock{Target: 2 * time.Hour, Elapsed: 2*time.Hour - left, Remaining: left, Breached: left < 0, Due: now.Add(left)}
	}
	for _, c := range []struct {
		name     string
		r        request.Request
		ok       bool
		kind     portfolio.Kind
		left     time.Duration
		breached bool
	}{
		{"30 minutes left", request.Request{Status: request.StatusOpen, Priority: "high", Response: clock(30 * time.Minute)}, true, portfolio.KindRequestAtRisk, 30 * time.Minute, false},
		{"31 minutes left", request.Request{Status: request.StatusOpen, Priority: "high", Response: clock(31 * time.Minute)}, false, "", 0, false},
		{"breached", request.Request{Status: request.StatusInProgress, Response: request.Clock{Stopped: true, Target: time.Hour},
			Resolution: clock(-10 * time.Minute)}, true, portfolio.KindRequestBreached, -10 * time.Minute, true},
		{"urgent, time enough", request.Request{Status: request.StatusOpen, Priority: portfolio.UrgentPriority, Response: clock(time.Hour)}, true, portfolio.KindRequestAtRisk, time.Hour, false},
		{"resolved", request.Request{Status: request.StatusResolved, Priority: portfolio.UrgentPriority, Response: clock(-time.Hour)}, false, "", 0, false},
		{"no target", request.Request{Status: request.StatusOpen}, false, "", 0, false},
		// The clock that runs out first is shown: response 50 minutes, resolution 20.
		{"soonest clock", request.Request{Status: request.StatusOpen, Response: clock(50 * time.Minute), Resolution: clock(20 * time.Minute)}, true, portfolio.KindRequestAtRisk, 20 * time.Minute, false},
	} {
		w, ok := portfolio.RequestWaits(c.r)
		if ok != c.ok || ok && (w.Kind != c.kind || w.Left != c.left || w.Breached != c.breached) {
			t.Errorf("%s: %+v %v", c.name, w, ok)
		}
	}

	if _, ok := portfolio.ValueWaits(ownmetric.Value{State: ownmetric.Confirmed}); ok {
		t.Error("a confirmed value waits")
	}
	if w, ok := portfolio.ValueWaits(ownmetric.Value{State: ownmetric.Pending, Metric: "brand"}); !ok || w.Kind != portfolio.KindValue || w.Metric != "brand" {
		t.Errorf("pending value: %+v", w)
	}

	// Deliverables at now: due in 7 days is due soon, in 7 days and a
	// minute is not; past due and not accepted is overdue, whatever its
	// status but submitted (then the client reviews it first).
	for _, c := range []struct {
		d    work.Deliverable
		ok   bool
		kind portfolio.Kind
	}{
		{work.Deliverable{Status: work.StatusAccepted, DueAt: now.Add(-time.Hour)}, false, ""},
		{work.Deliverable{Status: work.StatusSubmitted, DueAt: now.Add(-time.Hour)}, true, portfolio.KindSubmission},
		{work.Deliverable{Status: work.StatusInProgress, DueAt: now.Add(-time.Hour)}, true, portfolio.KindOverdue},
		{work.Deliverable{Status: work.StatusReturned, DueAt: now.Add(30 * 24 * time.Hour)}, true, portfolio.KindReturned},
		{work.Deliverable{Status: work.StatusPlanned, DueAt: now.Add(portfolio.DueSoon)}, true, portfolio.KindDue},
		{work.Deliverable{Status: work.StatusPlanned, DueAt: now.Add(portfolio.DueSoon + time.Minute)}, false, ""},
	} {
		w, ok := portfolio.DeliverableWaits(c.d, now)
		if ok != c.ok || w.Kind != c.kind {
			t.Errorf("%s due %s: %+v %v", c.d.Status, c.d.DueAt.Sub(now), w, ok)
		}
	}

	// Claims: open waits for the client until its window ends; disputed
	// 14 days ago still waits for the partner, 14 days and a minute not.
	if w, ok := portfolio.ClaimWaits(sales.Claim{Status: sales.ClaimOpen, SubjectName: "Acme", WindowEnds: now.Add(time.Hour)}, now); !ok ||
		w.Kind != portfolio.KindClaim || !w.Due.Equal(now.Add(time.Hour)) || w.Title != "Acme" {
		t.Errorf("open claim: %+v", w)
	}
	if _, ok := portfolio.ClaimWaits(sales.Claim{Status: sales.ClaimDisputed, DecidedAt: now.Add(-portfolio.RecentDispute)}, now); !ok {
		t.Error("a claim disputed 14 days ago does not wait")
	}
	if _, ok := portfolio.ClaimWaits(sales.Claim{Status: sales.ClaimDisputed, DecidedAt: now.Add(-portfolio.RecentDispute - time.Minute)}, now); ok {
		t.Error("an old dispute waits")
	}
	if _, ok := portfolio.ClaimWaits(sales.Claim{Status: sales.ClaimAccepted}, now); ok {
		t.Error("an accepted claim waits")
	}

	if _, ok := portfolio.ProposalWaits(proposal.Proposal{Status: proposal.StatusNoted}); ok {
		t.Error("a noted proposal waits")
	}
	if w, ok := portfolio.ProposalWaits(proposal.Proposal{Status: proposal.StatusOpen, Title: "Hire"}); !ok || w.Kind != portfolio.KindProposal {
		t.Errorf("open proposal: %+v", w)
	}

	sc := kpi.Scorecard{Rows: []kpi.Row{{KPI: contract.KPI{Key: "a"}, Status: kpi.OffTrack}, {KPI: contract.KPI{Key: "b"}, Status: kpi.OnTrack},
		{KPI: contract.KPI{Key: "c"}, Status: kpi.AtRisk}, {KPI: contract.KPI{Key: "d"}, Status: kpi.NoData}}}
	if ws := portfolio.KPIsWaiting(7, sc, map[string]bool{"c": true}); len(ws) != 2 || ws[0].Kind != portfolio.KindOffTrack || ws[0].KPI.Key != "a" ||
		ws[1].Kind != portfolio.KindAtRisk || ws[1].KPI.Key != "c" || ws[1].EngagementID != 7 || ws[0].Paced || !ws[1].Paced {
		t.Errorf("KPIs: %+v", ws)
	}
}

// Who sees and who acts on what, by role; the order; the counts.
func TestWaitingForRoles(t *testing.T) {
	t.Parallel()
	agent := tandem.Principal{Role: tandem.RoleVendorAgent, MembershipID: 5}
	ws := []portfolio.Waiting{
		{Kind: portfolio.KindProposal, Since: t0},
		{Kind: portfolio.KindDue, Due: t0.Add(48 * time.Hour), Owner: 5},
		{Kind: portfolio.KindDue, Due: t0.Add(24 * time.Hour), Owner: 6},
		{Kind: portfolio.KindRequestBreached},
		{Kind: portfolio.KindNotice, Since: t0.Add(time.Hour)},
		{Kind: portfolio.KindNotice, Since: t0},
		{Kind: portfolio.KindReturned},
	}
	kinds := func(ws []portfolio.Waiting, yours bool) (out []string) {
		for _, w := range ws {
			if !yours || w.Yours {
				out = append(out, string(w.Kind))
			}
		}
		return out
	}
	for _, c := range []struct {
		p            tandem.Principal
		shown, yours []string
	}{
		{tandem.Principal{Role: tandem.RoleOwner}, []string{"request_breached", "notice", "notice", "proposal", "returned"}, []string{"request_breached", "notice", "notice", "proposal"}},
		{tandem.Principal{Role: tandem.RoleManager}, []string{"request_breached", "notice", "notice", "proposal", "returned"}, []string{"request_breached", "notice", "notice", "proposal"}},
		{tandem.Principal{Role: tandem.RoleViewer}, []string{"request_breached", "notice", "notice", "proposal", "returned"}, nil},
		{tandem.Principal{Role: tandem.RoleVendorManager}, []string{"request_breached", "notice", "notice", "proposal", "returned", "due", "due"},
			[]string{"request_breached", "returned", "due", "due"}},
		// The agent acts on his own due work and on what is nobody's in particular.
		{agent, []string{"request_breached", "notice", "notice", "proposal", "returned", "due", "due"}, []string{"request_breached", "returned", "due"}},
	} {
		got := portfolio.For(c.p, ws)
		if !slices.Equal(kinds(got, false), c.shown) || !slices.Equal(kinds(got, true), c.yours) {
			t.Errorf("%s: shown %v yours %v, want %v and %v", c.p.Role, kinds(got, false), kinds(got, true), c.shown, c.yours)
		}
	}
	// Within a kind: the soonest due first, then the longest waiting.
	got := portfolio.For(agent, ws)
	if !got[1].Since.Equal(t0) || got[5].Owner != 6 {
		t.Errorf("order: %+v", got)
	}
	cs := portfolio.Counts(got)
	if len(cs) != 5 || cs[0] != (portfolio.Count{Kind: portfolio.KindRequestBreached, N: 1}) || cs[1] != (portfolio.Count{Kind: portfolio.KindNotice, N: 2}) {
		t.Errorf("counts: %+v", cs)
	}
	// Every kind has a rank, a name and a count in every language (the
	// catalogue test checks the keys exist).
	if len(portfolio.Kinds) != 15 {
		t.Errorf("kinds: %v", portfolio.Kinds)
	}
}

// The roles against the database: every kind of record that waits appears
// for the roles that see it, marked for the roles that act on it, and
// never for a partner of another engagement. On SQLite and PostgreSQL.
//
// On Monday 2 March 2026 (Stockholm, business day 08:00–17:00) A1 (partner
// A, the agent assigned) is live with a support service answering within
// 2 business hours; B1 (partner B) too. At 09:00 the manager opens request
// "Printer" (high); at 11:00 request "Server down" (urgent). At 11:30 the
// first has run 2 h 30 min of its 2 h response target: breached; the
// second 30 minutes of 2 hours: not running low, but urgent, so at risk.
func TestWaitingByRole(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			clock := storetest.NewClock(time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)) // 09:00 in Stockholm
			db := storetest.Open(t, dialect, clock.Now)
			f := storetest.Seed(t, db)
			terms := func(terms *contract.Terms) {
				terms.Calendar = contract.Calendar{TimeZone: "Europe/Stockholm", WorkDays: []int{1, 2, 3, 4, 5}, DayStart: "08:00", DayEnd: "17:00"}
				terms.Notices = []contract.NoticeDuty{{Category: notice.CategoryDeadline, WithinHours: 24}, {Category: "missing_information", WithinHours: 24}}
				terms.Services[0].SLA = &contract.SLA{ResponseMinutes: 120, ResolutionMinutes: 16 * 60}
				terms.Metrics = append(terms.Metrics, contract.MetricDef{Key: "brand_presence", Name: "Brand presence", Kind: "manual", Source: "partner"})
			}
			storetest.Activate(t, db, f.Owner, f.A1, terms)
			storetest.Activate(t, db, f.Owner, f.B1, terms)
			must := func(err error) {
				t.Helper()
				if err != nil {
					t.Fatal(err)
				}
			}
			v, err := db.Contracts.InForce(ctx, f.Owner, f.A1, tandem.DateOf(db.Now()))
			must(err)
			svc := v.Terms.Services[0].Key
			deliverable := func(title string, due time.Duration, assignee int64) *work.Deliverable {
				d := &work.Deliverable{EngagementID: f.A1, ServiceKey: svc, Title: title, DueAt: db.Now().Add(due), AssigneeID: assignee}
				must(db.Work.Create(ctx, f.Owner, d))
				return d
			}
			// Submitted: the client reviews it. Returned (assigned to the
			// partner's manager): the partner's. Due in three days (the
			// agent's). Due in an hour: overdue at 11:30.
			sub := deliverable("Call list", 10*24*time.Hour, 0)
			_, err = db.Work.Submit(ctx, f.VendorAgent, sub.ID, "", nil)
			must(err)
			ret := deliverable("Scripts", 10*24*time.Hour, f.VendorManager.MembershipID)
			_, err = db.Work.Submit(ctx, f.VendorAgent, ret.ID, "", nil)
			must(err)
			must(db.Work.Review(ctx, f.Manager, ret.ID, work.Review{Reason: work.ReturnReasons[0]}))
			deliverable("Weekly report", 3*24*time.Hour, f.VendorAgent.MembershipID)
			deliverable("Lead list", time.Hour, 0)
			must(db.Notices.File(ctx, f.VendorAgent, &notice.Notice{EngagementID: f.A1, Category: notice.CategoryDeadline, DeliverableID: sub.ID, Text: "Late"}))
			must(db.Notices.File(ctx, f.VendorManagerB, &notice.Notice{EngagementID: f.B1, Category: "missing_information", Text: "Beta is short of staff"}))
			must(db.Proposals.Raise(ctx, f.VendorManager, &proposal.Proposal{EngagementID: f.A1, Kind: proposal.KindRisk, Title: "Key contact leaves"}))
			must(db.OwnMetrics.Enter(ctx, f.VendorManager, &ownmetric.Value{EngagementID: f.A1, Metric: "brand_presence", PeriodKind: "month",
				PeriodStart: tandem.DateOf(db.Now()), Value: 40}))
			must(db.Requests.Create(ctx, f.Manager, &request.Request{EngagementID: f.A1, ServiceKey: svc, Title: "Printer", Priority: "high"}))
			clock.Add(2 * time.Hour) // 11:00
			must(db.Requests.Create(ctx, f.Manager, &request.Request{EngagementID: f.A1, ServiceKey: svc, Title: "Server down", Priority: "urgent"}))
			clock.Add(30 * time.Minute) // 11:30

			client := []string{"request_breached", "deliverables_overdue", "request_at_risk", "notice", "submission", "value", "proposal", "returned"}
			clientYours := []string{"request_breached", "request_at_risk", "notice", "submission", "value", "proposal"}
			partner := append(slices.Clone(client), "due")
			yoursPartner := []string{"request_breached", "deliverables_overdue", "request_at_risk", "returned", "due"}
			for _, c := range []struct {
				p               tandem.Principal
				a1, a1Yours, b1 []string
			}{
				{f.Owner, client, clientYours, []string{"notice"}},
				{f.Manager, client, clientYours, []string{"notice"}},
				{f.Viewer, client, nil, []string{"notice"}},
				{f.VendorManager, partner, yoursPartner, nil},
				// The returned deliverable is the partner manager's, not the agent's.
				{f.VendorAgent, partner, []string{"request_breached", "deliverables_overdue", "request_at_risk", "due"}, nil},
				{f.VendorManagerB, nil, nil, []string{"notice"}},
			} {
				pf, err := portfolio.Read(ctx, db, c.p, kpi.Month)
				must(err)
				got := map[int64][]portfolio.Waiting{}
				for _, it := range pf.Items {
					got[it.Engagement.ID] = it.Waiting
					if n := countAttention(it.Attention); n != len(nonKPI(it.Waiting)) {
						t.Errorf("%s, engagement %d: attention counts %d, waiting %d", c.p.Role, it.Engagement.ID, n, len(it.Waiting))
					}
				}
				if k := kindsOf(got[f.A1], false); !sameSet(k, c.a1) {
					t.Errorf("%s on A1: %v, want %v", c.p.Role, k, c.a1)
				}
				if k := kindsOf(got[f.A1], true); !sameSet(k, c.a1Yours) {
					t.Errorf("%s acts on A1: %v, want %v", c.p.Role, k, c.a1Yours)
				}
				if k := kindsOf(got[f.B1], false); !sameSet(k, c.b1) {
					t.Errorf("%s on B1: %v, want %v", c.p.Role, k, c.b1)
				}
				for _, w := range got[f.A1] {
					switch w.Kind {
					case portfolio.KindRequestBreached:
						// 2 h 30 min run of 2 h: 30 minutes over.
						if w.Title != "Printer" || w.Left != -30*time.Minute || !w.Breached {
							t.Errorf("%s: breached request %+v", c.p.Role, w)
						}
					case portfolio.KindRequestAtRisk:
						// 30 minutes run of 2 h: 1 h 30 min left.
						if w.Title != "Server down" || w.Left != 90*time.Minute || w.RecordID != 2 {
							t.Errorf("%s: urgent request %+v", c.p.Role, w)
						}
					}
				}
			}
		})
	}
}

func nonKPI(ws []portfolio.Waiting) []portfolio.Waiting {
	var out []portfolio.Waiting
	for _, w := range ws {
		if w.Kind != portfolio.KindOffTrack && w.Kind != portfolio.KindAtRisk {
			out = append(out, w)
		}
	}
	return out
}

// countAttention is how many non-KPI records the portfolio's attention
// counts.
func countAttention(as []portfolio.Attention) int {
	n := 0
	for _, a := range as {
		if a.Reason != portfolio.ReasonOffTrack {
			n += a.Count
		}
	}
	return n
}

func kindsOf(ws []portfolio.Waiting, yours bool) []string {
	var out []string
	for _, w := range nonKPI(ws) {
		if !yours || w.Yours {
			out = append(out, string(w.Kind))
		}
	}
	return out
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	sort.Strings(a)
	sort.Strings(b)
	return slices.Equal(a, b)
}

// The director's order: something gone wrong first (the most first), then
// the most waiting, then the lower score, no score last, then the title.
func TestRisk(t *testing.T) {
	t.Parallel()
	item := func(title string, total int, scored bool, kinds ...portfolio.Kind) portfolio.Item {
		it := portfolio.Item{Engagement: engagement.Engagement{Title: title}}
		it.Trend.Scorecards = []store.Scorecard{{Scorecard: kpi.Scorecard{Total: total, HasTotal: scored}}}
		for _, k := range kinds {
			it.Waiting = append(it.Waiting, portfolio.Waiting{Kind: k})
		}
		return it
	}
	items := []portfolio.Item{
		item("Calm", 9000, true),
		item("Unscored", 0, false),
		item("Low", 3000, true),
		item("Busy", 9000, true, portfolio.KindNotice, portfolio.KindProposal),
		item("Late", 9000, true, portfolio.KindOverdue),
		item("Worse", 9000, true, portfolio.KindOffTrack, portfolio.KindRequestBreached),
		item("Asks", 9000, true, portfolio.KindValue),
	}
	var got []string
	for _, it := range portfolio.Risk(items) {
		got = append(got, it.Engagement.Title)
	}
	if want := []string{"Worse", "Late", "Busy", "Asks", "Low", "Calm", "Unscored"}; !slices.Equal(got, want) {
		t.Errorf("risk order %v, want %v", got, want)
	}
	if items[0].Engagement.Title != "Calm" {
		t.Error("Risk sorted its argument")
	}
}

// An open action item waits for its owner only, on either side; a done
// one waits for nobody.
func TestActionItemWaitsForItsOwner(t *testing.T) {
	t.Parallel()
	due, _ := tandem.ParseDate("2026-03-04")
	a := governance.ActionItem{ID: 5, EngagementID: 1, MeetingID: 9, Title: "Send the list", OwnerID: 42, Due: due,
		DueEnd: time.Date(2026, 3, 4, 23, 0, 0, 0, time.UTC)}
	w, ok := portfolio.ActionWaits(a)
	if !ok || w.Kind != portfolio.KindAction || w.RecordID != 9 || !w.Due.Equal(a.DueEnd) {
		t.Fatalf("%+v", w)
	}
	owner := tandem.Principal{UserID: 42, Role: tandem.RoleVendorManager}
	other := tandem.Principal{UserID: 43, Role: tandem.RoleManager}
	if got := portfolio.For(owner, []portfolio.Waiting{w}); len(got) != 1 || !got[0].Yours {
		t.Errorf("owner: %+v", got)
	}
	if got := portfolio.For(other, []portfolio.Waiting{w}); len(got) != 1 || got[0].Yours {
		t.Errorf("other: %+v", got)
	}
	a.DoneAt = time.Now()
	if _, ok := portfolio.ActionWaits(a); ok {
		t.Error("a done action item waits")
	}
}
