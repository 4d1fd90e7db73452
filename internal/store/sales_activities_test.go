package store_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/kpi"
	"github.com/tandemhq/tandem/internal/sales"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
)

// activityBase: engagement A1 live with KPIs on the sales activity
// metrics; accounts: the agent's on A1 (a contact with two phones), A1's
// without an agent, partner B's on B1 (a contact), and one unassigned.
type activityBase struct {
	db                                  *store.DB
	clock                               *storetest.Clock
	f                                   *storetest.Fixture
	mine, teamOnly, otherPartner, unass int64
	contact, otherContact               int64
	phone                               int64 // contact's first phone number
}

func salesKPIs(t *contract.Terms) {
	goal := t.Goals[0].Key
	t.KPIs = []contract.KPI{
		{Key: "calls", GoalKey: goal, Metric: "calls_made", Name: "Calls", Target: 100, Threshold: 10, Direction: "higher", Weight: 1, Period: "week"},
		{Key: "dm", GoalKey: goal, Metric: "decision_maker_conversations", Name: "DM", Target: 10, Threshold: 1, Direction: "higher", Weight: 1, Period: "week"},
		{Key: "proposals", GoalKey: goal, Metric: "proposals_sent", Name: "Proposals", Target: 5, Threshold: 1, Direction: "higher", Weight: 1, Period: "week"},
		{Key: "follow-ups", GoalKey: goal, Metric: "follow_ups_on_time", Name: "Follow-ups", Target: 9000, Threshold: 5000, Scale: 2, Direction: "higher", Weight: 1, Period: "week"},
	}
}

func newActivityBase(t testing.TB, dialect string) *activityBase {
	t.Helper()
	ctx := context.Background()
	clock := storetest.NewClock(time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)) // a Thursday
	db := storetest.Open(t, dialect, clock.Now)
	f := storetest.Seed(t, db)
	storetest.Activate(t, db, f.Owner, f.A1, salesKPIs)
	b := &activityBase{db: db, clock: clock, f: f}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	add := func(name string, to store.Assignment) int64 {
		a := &sales.Account{Name: name, Country: "SE"}
		must(db.Sales().CreateAccount(ctx, f.Manager, a))
		if to.EngagementID != 0 {
			_, err := db.Sales().Assign(ctx, f.Manager, store.AccountFilter{IDs: []int64{a.ID}}, to)
			must(err)
		}
		return a.ID
	}
	b.mine = add("Hotell Malmö Syd AB", store.Assignment{EngagementID: f.A1, AgentID: f.VendorAgent.MembershipID})
	b.teamOnly = add("Uppsala Möbelhus", store.Assignment{EngagementID: f.A1})
	b.otherPartner = add("Tallinn Office Park", store.Assignment{EngagementID: f.B1})
	b.unass = add("Malmö Stadshotell", store.Assignment{})
	c := &sales.Contact{AccountID: b.mine, Name: "Karin Nilsson", DecisionMaker: true,
		Phones: []sales.Detail{{Typed: "070-123 45 12"}, {Typed: "040-12 34 56"}}}
	must(db.Sales().AddContact(ctx, f.Manager, c))
	b.contact, b.phone = c.ID, c.Phones[0].ID
	oc := &sales.Contact{AccountID: b.otherPartner, Name: "Mari Tamm", Phones: []sales.Detail{{Typed: "+372 5123 4567"}}}
	must(db.Sales().AddContact(ctx, f.Manager, oc))
	b.otherContact = oc.ID
	return b
}

func call(account int64, outcome sales.Outcome, seconds int64) *sales.Activity {
	return &sales.Activity{Kind: sales.KindCall, AccountID: account, Outcome: outcome, DurationS: seconds}
}

func TestSalesActivityAccess(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			b := newActivityBase(t, dialect)
			ctx, f, db := context.Background(), b.f, b.db
			// The agent logs on their own account, with its contact.
			a := call(b.mine, sales.OutcomeBusy, 20)
			a.ContactID = b.contact
			if err := db.Sales().LogActivity(ctx, f.VendorAgent, a, store.LogOptions{}); err != nil {
				t.Fatal(err)
			}
			if a.EngagementID != f.A1 || a.AgentID != f.VendorAgent.MembershipID {
				t.Errorf("logged: %+v", a)
			}
			// Not theirs, another partner's, unassigned: 404 to log and to read.
			for _, id := range []int64{b.teamOnly, b.otherPartner, b.unass} {
				if err := db.Sales().LogActivity(ctx, f.VendorAgent, call(id, sales.OutcomeBusy, 1), store.LogOptions{}); tandem.ErrorCode(err) != tandem.ENotFound {
					t.Errorf("agent logged on %d: %v", id, err)
				}
				if _, err := db.Sales().Activities(ctx, f.VendorAgent, id); tandem.ErrorCode(err) != tandem.ENotFound {
					t.Errorf("agent read %d: %v", id, err)
				}
			}
			// Partner B's manager cannot see A's account or its activity.
			if _, err := db.Sales().Activities(ctx, f.VendorManagerB, b.mine); tandem.ErrorCode(err) != tandem.ENotFound {
				t.Errorf("partner B read A's timeline: %v", err)
			}
			if _, err := db.Sales().Activity(ctx, f.VendorManagerB, a.ID); tandem.ErrorCode(err) != tandem.ENotFound {
				t.Errorf("partner B read A's activity: %v", err)
			}
			if _, err := db.Sales().ChangeActivity(ctx, f.VendorManagerB, a.ID, store.ActivityChange{Done: true}); tandem.ErrorCode(err) != tandem.ENotFound {
				t.Errorf("partner B changed A's activity: %v", err)
			}
			// A contact of another account is a field error.
			x := call(b.mine, sales.OutcomeBusy, 1)
			x.ContactID = b.otherContact
			if err := db.Sales().LogActivity(ctx, f.VendorAgent, x, store.LogOptions{}); tandem.ErrorCode(err) != tandem.EInvalid {
				t.Errorf("foreign contact: %v", err)
			}
			// A's manager logs on the team's account; the client anywhere assigned.
			if err := db.Sales().LogActivity(ctx, f.VendorManager, call(b.teamOnly, sales.OutcomeNoAnswer, 0), store.LogOptions{}); err != nil {
				t.Errorf("partner manager on the team's account: %v", err)
			}
			if err := db.Sales().LogActivity(ctx, f.Manager, call(b.otherPartner, sales.OutcomeNoAnswer, 0), store.LogOptions{}); err != nil {
				t.Errorf("client on B's account: %v", err)
			}
			if err := db.Sales().LogActivity(ctx, f.Manager, call(b.unass, sales.OutcomeNoAnswer, 0), store.LogOptions{}); tandem.ErrorCode(err) != tandem.EConflict {
				t.Errorf("client on an unassigned account: %v", err)
			}
			if err := db.Sales().LogActivity(ctx, f.Viewer, call(b.mine, sales.OutcomeNoAnswer, 0), store.LogOptions{}); tandem.ErrorCode(err) != tandem.EForbidden {
				t.Errorf("viewer logged: %v", err)
			}
			// The timeline: the agent's call, newest first; the client reads it too.
			tl, err := db.Sales().Activities(ctx, f.Viewer, b.mine)
			if err != nil || len(tl) != 1 || tl[0].ContactName != "Karin Nilsson" || tl[0].AgentName == "" {
				t.Fatalf("timeline: %+v %v", tl, err)
			}
		})
	}
}

// Three calls of 60, 120 and 300 s, one reaching a decision maker; one
// proposal sent; four follow-ups, three done on time: calls 3, DM
// conversations 1, proposals 1, follow-ups on time 75 %.
func TestSalesActivityFactsScorecard(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			b := newActivityBase(t, dialect)
			ctx, f, db := context.Background(), b.f, b.db
			for _, c := range []*sales.Activity{
				call(b.mine, sales.OutcomeGatekeeper, 60),
				call(b.mine, sales.OutcomeDecisionMaker, 120),
				call(b.mine, sales.OutcomeNoAnswer, 300),
				{Kind: sales.KindProposal, AccountID: b.mine, AmountMinor: 4_500_000},
				{Kind: sales.KindMeeting, AccountID: b.mine, ScheduledAt: b.clock.Now().Add(2 * time.Hour)},
			} {
				if err := db.Sales().LogActivity(ctx, f.VendorAgent, c, store.LogOptions{}); err != nil {
					t.Fatal(err)
				}
			}
			due := b.clock.Now().Add(3 * time.Hour)
			var fus []int64
			for i := 0; i < 4; i++ {
				fu := &sales.Activity{Kind: sales.KindFollowUp, AccountID: b.mine, ScheduledAt: due}
				if err := db.Sales().LogActivity(ctx, f.VendorAgent, fu, store.LogOptions{}); err != nil {
					t.Fatal(err)
				}
				fus = append(fus, fu.ID)
			}
			// Today: four follow-ups due today, none overdue yet; the meeting.
			today, err := db.Sales().Today(ctx, f.VendorAgent, b.clock.Now())
			if err != nil {
				t.Fatal(err)
			}
			if len(today.FollowUps) != 4 || len(today.Meetings) != 1 || len(today.CallList) != 1 || !today.CallList[0].Due ||
				today.CallList[0].ContactID != b.contact || today.CallList[0].LastCallAt.IsZero() {
				t.Fatalf("today: %d follow-ups, %d meetings, call list %+v", len(today.FollowUps), len(today.Meetings), today.CallList)
			}
			// The card's phone: the contact's first number, masked for the agent.
			if ph := today.CallList[0].Phone; ph.ID != b.phone || !strings.Contains(ph.Value, "•") || !strings.HasSuffix(ph.Value, "12") ||
				strings.Contains(ph.Value, "1234512") {
				t.Errorf("the call list's phone: %+v", ph)
			}
			b.clock.Add(time.Hour)
			for _, id := range fus[:3] {
				if _, err := db.Sales().ChangeActivity(ctx, f.VendorAgent, id, store.ActivityChange{Done: true}); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := db.Sales().ChangeActivity(ctx, f.VendorAgent, fus[0], store.ActivityChange{Done: true}); tandem.ErrorCode(err) != tandem.EConflict {
				t.Errorf("done twice: %v", err)
			}
			b.clock.Add(4 * time.Hour) // past the due time
			today, err = db.Sales().Today(ctx, f.VendorAgent, b.clock.Now())
			if err != nil || len(today.FollowUps) != 1 || !today.FollowUps[0].Overdue(b.clock.Now()) {
				t.Fatalf("today later: %+v %v", today, err)
			}
			// The account taken back from the agent takes its follow-up and
			// meeting off their Today (they stay the agent's activities);
			// given back, they return.
			for _, to := range []store.Assignment{{EngagementID: f.A1}, {EngagementID: f.A1, AgentID: f.VendorAgent.MembershipID}} {
				if _, err := db.Sales().Assign(ctx, f.Manager, store.AccountFilter{IDs: []int64{b.mine}}, to); err != nil {
					t.Fatal(err)
				}
				want := map[bool]int{true: 1, false: 0}[to.AgentID != 0]
				today, err = db.Sales().Today(ctx, f.VendorAgent, b.clock.Now().Add(-5*time.Hour))
				if err != nil || len(today.FollowUps) != want || len(today.Meetings) != want {
					t.Fatalf("assigned to %+v: %d follow-ups, %d meetings (%v), want %d each", to, len(today.FollowUps), len(today.Meetings), err, want)
				}
			}
			if _, err := db.Sales().ChangeActivity(ctx, f.VendorAgent, fus[3], store.ActivityChange{Done: true}); err != nil {
				t.Fatal(err)
			}
			w := kpi.PeriodOf(kpi.Week, b.clock.Now(), kpiZone)
			sc, err := db.KPI.Scorecard(ctx, f.Owner, f.A1, w)
			if err != nil {
				t.Fatal(err)
			}
			for key, want := range map[string]kpi.Value{"calls": kpi.Int(3), "dm": kpi.Int(1), "proposals": kpi.Int(1), "follow-ups": kpi.Int(75)} {
				if r := row(t, sc, key); !r.HasData || r.Actual.Cmp(want) != 0 {
					t.Errorf("%s: %v (data %v), want %v", key, r.Actual, r.HasData, want)
				}
			}
			if mm, err := db.KPI.Verify(ctx); err != nil || mm != nil {
				t.Errorf("verify: %+v %v", mm, err)
			}
		})
	}
}

// batchAnswer is a test's Answer: 201 with the count, or 422 with the errors.
func batchAnswer(res *store.BatchResult, errs []store.ItemError) (int, []byte, error) {
	if errs != nil {
		type e struct {
			Index int    `json:"index"`
			Field string `json:"field"`
			Key   string `json:"key"`
		}
		out := []e{}
		for _, x := range errs {
			out = append(out, e{x.Index, x.Field, string(x.Key)})
		}
		js, err := json.Marshal(out)
		return 422, js, err
	}
	js, err := json.Marshal(map[string]any{"created": res.Created, "ids": res.IDs})
	return 201, js, err
}

func countActivities(t *testing.T, db *store.DB, p tandem.Principal, account int64) int {
	t.Helper()
	xs, err := db.Sales().Activities(context.Background(), p, account)
	if err != nil {
		t.Fatal(err)
	}
	return len(xs)
}

func TestSalesActivityBatch(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			b := newActivityBase(t, dialect)
			ctx, f, db := context.Background(), b.f, b.db
			at := b.clock.Now().Add(-time.Hour)
			item := func(phone string, outcome sales.Outcome, seconds int64) store.BatchActivity {
				return store.BatchActivity{Activity: sales.Activity{Kind: sales.KindCall, Outcome: outcome, DurationS: seconds, At: at}, Phone: phone}
			}
			// Matched by the last nine digits, in any form a dialer sends.
			good := []store.BatchActivity{
				item("+46701234512", sales.OutcomeDecisionMaker, 60),
				item("0046 70 123 45 12", sales.OutcomeBusy, 0),
				item("+46 40 12 34 56", sales.OutcomeNoAnswer, 0), // the second phone (040-12 34 56 as typed)
			}
			ans, err := db.Sales().IngestActivities(ctx, f.VendorAgent, f.A1, good, store.Idempotency{Key: "k1", Hash: "h1"}, batchAnswer)
			if err != nil || ans.Status != 201 || ans.Replayed {
				t.Fatalf("batch: %+v %s %v", ans, ans.Body, err)
			}
			if n := countActivities(t, db, f.VendorAgent, b.mine); n != 3 {
				t.Fatalf("%d activities, want 3", n)
			}
			// The same key and request: the same answer, nothing recorded again.
			again, err := db.Sales().IngestActivities(ctx, f.VendorAgent, f.A1, good, store.Idempotency{Key: "k1", Hash: "h1"}, batchAnswer)
			if err != nil || !again.Replayed || again.Status != 201 || string(again.Body) != string(ans.Body) {
				t.Fatalf("replay: %+v %s %v", again, again.Body, err)
			}
			if n := countActivities(t, db, f.VendorAgent, b.mine); n != 3 {
				t.Fatalf("replay recorded: %d activities", n)
			}
			// The same key with another request: refused, naming the header.
			if _, err := db.Sales().IngestActivities(ctx, f.VendorAgent, f.A1, good[:1], store.Idempotency{Key: "k1", Hash: "h2"}, batchAnswer); tandem.ErrorCode(err) != tandem.EInvalid ||
				len(tandem.FieldErrors(err)) != 1 || tandem.FieldErrors(err)[0].Field != "Idempotency-Key" {
				t.Errorf("key reused: %v", err)
			}
			// All or nothing: a number of another partner's contact, one of
			// nobody, and a bad outcome — every problem reported, nothing written.
			bad := []store.BatchActivity{
				item("+46701234512", sales.OutcomeBusy, 5),
				item("+372 5123 4567", sales.OutcomeBusy, 5),
				item("+46 8 999 999 99", sales.OutcomeBusy, 5),
				item("+46701234512", "shouted", 5),
				{Activity: sales.Activity{Kind: sales.KindCall, AccountID: b.teamOnly, Outcome: sales.OutcomeBusy}},
			}
			ans, err = db.Sales().IngestActivities(ctx, f.VendorAgent, f.A1, bad, store.Idempotency{Key: "k2", Hash: "h3"}, batchAnswer)
			if err != nil || ans.Status != 422 {
				t.Fatalf("bad batch: %+v %v", ans, err)
			}
			want := `[{"index":1,"field":"phone","key":"sales.batch.no_match"},{"index":2,"field":"phone","key":"sales.batch.no_match"},` +
				`{"index":3,"field":"outcome","key":"validation.one_of"},{"index":4,"field":"account_id","key":"sales.batch.no_account"}]`
			if string(ans.Body) != want {
				t.Errorf("errors:\n%s\nwant\n%s", ans.Body, want)
			}
			if n := countActivities(t, db, f.VendorAgent, b.mine); n != 3 {
				t.Errorf("a refused batch recorded: %d activities", n)
			}
			// Another partner's engagement is not found.
			if _, err := db.Sales().IngestActivities(ctx, f.VendorAgent, f.B1, good, store.Idempotency{Key: "k3", Hash: "h1"}, batchAnswer); tandem.ErrorCode(err) != tandem.ENotFound {
				t.Errorf("B1 for A's agent: %v", err)
			}
			// The facts: 3 calls, 1 decision maker.
			sc, err := db.KPI.Scorecard(ctx, f.Owner, f.A1, kpi.PeriodOf(kpi.Week, at, kpiZone))
			if err != nil {
				t.Fatal(err)
			}
			if r := row(t, sc, "calls"); r.Actual.Cmp(kpi.Int(3)) != 0 {
				t.Errorf("calls %v", r.Actual)
			}
			if r := row(t, sc, "dm"); r.Actual.Cmp(kpi.Int(1)) != 0 {
				t.Errorf("dm %v", r.Actual)
			}
			// A big batch: 2,500 calls in one go.
			many := make([]store.BatchActivity, 2500)
			for i := range many {
				many[i] = item("070 123 45 12", sales.OutcomeNoAnswer, int64(i%7))
			}
			ans, err = db.Sales().IngestActivities(ctx, f.VendorAgent, f.A1, many, store.Idempotency{Key: "k4", Hash: "h4"}, batchAnswer)
			if err != nil || ans.Status != 201 {
				t.Fatalf("big batch: %v", err)
			}
			var res struct{ Created int }
			if json.Unmarshal(ans.Body, &res); res.Created != 2500 {
				t.Errorf("created %d", res.Created)
			}
			if mm, err := db.KPI.Verify(ctx); err != nil || mm != nil {
				t.Errorf("verify: %+v %v", mm, err)
			}
		})
	}
}

// TestSalesLastCall: the account's last call, kept on the account by every
// path that logs a call, is the latest call's time whatever the order the
// calls arrive in, and is what Today's call list shows.
func TestSalesLastCall(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			b := newActivityBase(t, dialect)
			ctx, f, db := context.Background(), b.f, b.db
			now := b.clock.Now().Truncate(time.Second)
			last := func() time.Time {
				t.Helper()
				today, err := db.Sales().Today(ctx, f.VendorAgent, b.clock.Now())
				if err != nil || len(today.CallList) != 1 || today.CallList[0].Account.ID != b.mine {
					t.Fatalf("today: %+v %v", today, err)
				}
				return today.CallList[0].LastCallAt
			}
			if at := last(); !at.IsZero() {
				t.Fatalf("never called, last call %v", at)
			}
			c := call(b.mine, sales.OutcomeBusy, 10)
			c.At = now.Add(-time.Hour)
			if err := db.Sales().LogActivity(ctx, f.VendorAgent, c, store.LogOptions{}); err != nil {
				t.Fatal(err)
			}
			if at := last(); !at.Equal(now.Add(-time.Hour)) {
				t.Fatalf("after a call an hour ago: %v", at)
			}
			// A batch with an older call first and a later one, from the dialer.
			batch := func(key string, ats ...time.Time) {
				t.Helper()
				var items []store.BatchActivity
				for _, at := range ats {
					items = append(items, store.BatchActivity{Activity: sales.Activity{Kind: sales.KindCall, Outcome: sales.OutcomeNoAnswer, At: at}, Phone: "+46701234512"})
				}
				ans, err := db.Sales().IngestActivities(ctx, f.VendorAgent, f.A1, items, store.Idempotency{Key: key, Hash: key}, batchAnswer)
				if err != nil || ans.Status != 201 {
					t.Fatalf("batch: %+v %s %v", ans, ans.Body, err)
				}
			}
			batch("old", now.Add(-3*time.Hour))
			if at := last(); !at.Equal(now.Add(-time.Hour)) {
				t.Fatalf("an older call moved the last call: %v", at)
			}
			batch("new", now.Add(-2*time.Hour), now.Add(-10*time.Minute))
			if at := last(); !at.Equal(now.Add(-10 * time.Minute)) {
				t.Fatalf("after a batch ten minutes ago: %v", at)
			}
			// A meeting is not a call.
			m := &sales.Activity{Kind: sales.KindMeeting, AccountID: b.mine, ScheduledAt: now.Add(time.Hour)}
			if err := db.Sales().LogActivity(ctx, f.VendorAgent, m, store.LogOptions{}); err != nil {
				t.Fatal(err)
			}
			if at := last(); !at.Equal(now.Add(-10 * time.Minute)) {
				t.Fatalf("a meeting moved the last call: %v", at)
			}
		})
	}
}

// TestSalesBatchMatchKeys: a dialer's number finds its contact by the
// match key kept with each number (sales_contact_details.match_key) — for
// a contact added by hand and one imported — within what the caller may
// log on: a number two contacts share is ambiguous for the partner's
// manager, who sees both, and not for the agent, who sees one. The lookup
// reads the key's index, not the engagement's numbers.
func TestSalesBatchMatchKeys(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			b := newActivityBase(t, dialect)
			ctx, f, db := context.Background(), b.f, b.db
			// The team's account (the agent's not) has a Finnish number
			// ending in the same nine digits as Karin's 070-123 45 12.
			twin := &sales.Contact{AccountID: b.teamOnly, Name: "Aino Virtanen", Phones: []sales.Detail{{Typed: "+358 70 123 45 12"}}}
			if err := db.Sales().AddContact(ctx, f.Manager, twin); err != nil {
				t.Fatal(err)
			}
			// An imported contact, assigned to the agent.
			header := []string{"Company", "Registration number", "Contact", "Phone", "Email"}
			_, m, ok := sales.DetectPreset(header)
			if !ok {
				t.Fatal("no preset")
			}
			imported, err := db.Sales().Import(ctx, f.Manager, store.SalesImport{Header: header, Mapping: m,
				Assign: store.Assignment{EngagementID: f.A1, AgentID: f.VendorAgent.MembershipID},
				Rows: func(yield func(int, []string) bool) {
					yield(2, []string{"Kontor Lund AB", "556677-8899", "Per Holm", "046-55 44 33", "per@kontorlund.example"})
				}})
			if err != nil || imported.ErrorCount != 0 {
				t.Fatalf("import: %+v %v", imported, err)
			}
			at := b.clock.Now().Add(-time.Hour)
			ingest := func(p tandem.Principal, key string, phones ...string) store.BatchAnswer {
				t.Helper()
				var items []store.BatchActivity
				for _, ph := range phones {
					items = append(items, store.BatchActivity{Activity: sales.Activity{Kind: sales.KindCall, Outcome: sales.OutcomeBusy, At: at}, Phone: ph})
				}
				ans, err := db.Sales().IngestActivities(ctx, p, f.A1, items, store.Idempotency{Key: key, Hash: key}, batchAnswer)
				if err != nil {
					t.Fatal(err)
				}
				return ans
			}
			if ans := ingest(f.VendorAgent, "agent", "701234512", "+46 46 55 44 33"); ans.Status != 201 {
				t.Fatalf("the agent's batch: %d %s", ans.Status, ans.Body)
			}
			if n := countActivities(t, db, f.VendorAgent, b.mine); n != 1 {
				t.Errorf("Karin's account: %d activities, want 1", n)
			}
			if ans := ingest(f.VendorManager, "manager", "701234512"); ans.Status != 422 ||
				string(ans.Body) != `[{"index":0,"field":"phone","key":"sales.batch.ambiguous"}]` {
				t.Errorf("the manager's batch: %d %s", ans.Status, ans.Body)
			}
			if ans := ingest(f.VendorManager, "manager-2", "+358 70 123 45 12", "0461234567"); ans.Status != 422 ||
				string(ans.Body) != `[{"index":0,"field":"phone","key":"sales.batch.ambiguous"},{"index":1,"field":"phone","key":"sales.batch.no_match"}]` {
				t.Errorf("the manager's second batch: %d %s", ans.Status, ans.Body)
			}

			// An account named by id (no number) is read by its id too: the
			// agent's own, and not the team's.
			byID := []store.BatchActivity{{Activity: sales.Activity{Kind: sales.KindCall, Outcome: sales.OutcomeBusy, At: at, AccountID: b.mine}},
				{Activity: sales.Activity{Kind: sales.KindCall, Outcome: sales.OutcomeBusy, At: at, AccountID: b.teamOnly}}}
			ans, err := db.Sales().IngestActivities(ctx, f.VendorAgent, f.A1, byID, store.Idempotency{Key: "by-id", Hash: "by-id"}, batchAnswer)
			if err != nil || ans.Status != 422 || string(ans.Body) != `[{"index":1,"field":"account_id","key":"sales.batch.no_account"}]` {
				t.Errorf("by id: %d %s %v", ans.Status, ans.Body, err)
			}
			if ans, err := db.Sales().IngestActivities(ctx, f.VendorAgent, f.A1, byID[:1], store.Idempotency{Key: "by-id-1", Hash: "by-id-1"}, batchAnswer); err != nil || ans.Status != 201 {
				t.Errorf("by id, the agent's own: %d %s %v", ans.Status, ans.Body, err)
			}
			if n := countActivities(t, db, f.VendorAgent, b.mine); n != 2 {
				t.Errorf("Karin's account: %d activities, want 2", n)
			}

			q, args := store.BatchKeyQuery(f.VendorManager, f.A1, []string{"701234512", "464554433"})
			if dialect == "postgres" {
				plan, err := store.QueryPlanPG(db, q, args...)
				if err != nil {
					t.Fatal(err)
				}
				if all := strings.Join(plan, "\n"); !strings.Contains(all, "sales_contact_details_key") {
					t.Errorf("the key lookup does not use its index:\n%s", all)
				}
				// The accounts by id: PostgreSQL weighs the ids against the
				// agent's accounts by its statistics, which a test's few rows
				// do not make worth asserting.
				return
			}
			plan, err := store.QueryPlan(db, q, args...)
			if err != nil {
				t.Fatal(err)
			}
			// The keys through their index; each contact and account by its
			// primary key (and the scope's engagement by its own): no scan.
			all := strings.Join(plan, "\n")
			if !strings.Contains(all, "SEARCH d USING INDEX sales_contact_details_key (workspace_id=? AND match_key=?)") || strings.Contains(all, "SCAN") {
				t.Errorf("the key lookup does not go through its index:\n%s", all)
			}
			// The ids first, each account by its primary key.
			qa, argsA := store.BatchAccountQuery(f.VendorAgent, f.A1, []int64{b.mine, b.teamOnly})
			plan, err = store.QueryPlan(db, qa, argsA...)
			if err != nil {
				t.Fatal(err)
			}
			all = strings.Join(plan, "\n")
			if !strings.Contains(all, "SEARCH a USING INTEGER PRIMARY KEY (rowid=?)") || strings.Contains(all, "sales_accounts_agent") ||
				strings.Contains(all, "sales_accounts_engagement") {
				t.Errorf("the accounts are not read by id:\n%s", all)
			}
		})
	}
}
