package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/fact"
	"github.com/tandemhq/tandem/internal/kpi"
	"github.com/tandemhq/tandem/internal/sales"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
)

var stockholmZone, _ = time.LoadLocation("Europe/Stockholm")

// claimsTerms replaces A1's KPIs with one monthly KPI per sales metric,
// so that the scorecard shows every figure, and leaves the calendar at
// Monday–Friday without holidays in May before the 14th.
func claimsTerms(t *contract.Terms) {
	t.Calendar = contract.Calendar{TimeZone: "Europe/Stockholm", WorkDays: []int{1, 2, 3, 4, 5}, DayStart: "08:00", DayEnd: "17:00"}
	t.KPIs = nil
	for _, m := range []string{"qualified_leads", "meetings_held", "deals_won", "revenue", "average_deal_size", "sales_cycle_p50",
		"sales_cycle_p90", "win_rate", "conversion_rate", "client_churn", "client_base_growth"} {
		t.KPIs = append(t.KPIs, contract.KPI{Key: m, GoalKey: t.Goals[0].Key, Metric: m, Name: m, Target: 100, Threshold: 0,
			Scale: contract.DefaultScale(m), Direction: "higher", Weight: 1, Period: "month"})
	}
}

func mustDo(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func addAccounts(t *testing.T, b *salesBase, n int, agent tandem.Principal) []int64 {
	t.Helper()
	ctx := context.Background()
	var ids []int64
	for i := range n {
		a := &sales.Account{Name: fmt.Sprintf("Lead %d AB", i+1), Country: "SE"}
		mustDo(t, b.db.Sales().CreateAccount(ctx, b.f.Manager, a))
		_, err := b.db.Sales().Assign(ctx, b.f.Manager, store.AccountFilter{IDs: []int64{a.ID}},
			store.Assignment{EngagementID: b.f.A1, AgentID: agent.MembershipID})
		mustDo(t, err)
		ids = append(ids, a.ID)
	}
	return ids
}

func errCode(err error) tandem.Code { return tandem.ErrorCode(err) }

// newClaimsBase is the seed on dialect with claimsTerms in force on A1,
// its clock at Monday 4 May 2026, 09:00 in Stockholm.
func newClaimsBase(t *testing.T, dialect string) *salesBase {
	t.Helper()
	clock := storetest.NewClock(time.Date(2026, 5, 4, 9, 0, 0, 0, stockholmZone))
	db := storetest.Open(t, dialect, clock.Now)
	f := storetest.Seed(t, db)
	storetest.Activate(t, db, f.Owner, f.A1, claimsTerms)
	return &salesBase{db: db, clock: clock, f: f}
}

// One month on A1, worked out by hand: 5 leads claimed, 3 accepted, 1
// disputed, 1 accepted by the window running out → qualified_leads 4; 2
// meetings claimed, 1 accepted; deals of 12 000,00 (opened 30 days
// before), 8 000,00 (10 days) accepted and 5 000,00 disputed, the 8 000,00
// reversed within the clawback → deals_won 1, revenue 12 000,00, average
// deal size 12 000,00, sales cycle p50 10 and p90 30 days (the sketch
// keeps the reversed deal's cycle); 3 deals lost → win rate 1 ÷ 4 = 25 %;
// conversion 1 ÷ 4 leads = 25 %; three prospects become customers
// (bases 0, 1, 2) and one of them leaves (base 3) → churn 1² × 100 ÷ 3 =
// 33.33 %, base growth (3 − 1) × 4 × 100 ÷ (3 + 3) = 133.33 %.
func TestClaimsToScorecard(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			// The deals are opened in April: 4 April (30 days before the
			// claims of 4 May), 24 April (10 days) and 2 May.
			clock := storetest.NewClock(time.Date(2026, 4, 4, 10, 0, 0, 0, stockholmZone))
			db := storetest.Open(t, dialect, clock.Now)
			f := storetest.Seed(t, db)
			storetest.Activate(t, db, f.Owner, f.A1, claimsTerms)
			b := &salesBase{db: db, clock: clock, f: f}
			dealAccounts := addAccounts(t, b, 3, f.VendorAgent)
			deal1 := newDeal(t, db, f.VendorAgent, f.A1, dealAccounts[0], "Hotel chain, 40 rooms", 1200000, "")
			clock.Add(20 * 24 * time.Hour)
			deal2 := newDeal(t, db, f.VendorAgent, f.A1, dealAccounts[1], "Office park, cleaning", 800000, "")
			clock.Add(8 * 24 * time.Hour)
			deal3 := newDeal(t, db, f.VendorAgent, f.A1, dealAccounts[2], "Retail, 3 stores", 500000, "")
			clock.Add(time.Date(2026, 5, 4, 9, 0, 0, 0, stockholmZone).Sub(clock.Now()))
			leads := addAccounts(t, b, 5, f.VendorAgent)
			claims := db.Claims()
			var ids []int64
			for i, acc := range leads {
				c, err := claims.Create(ctx, f.VendorAgent, f.A1, sales.NewClaim{Kind: sales.ClaimLead, SubjectID: acc,
					Note: fmt.Sprintf("Decision maker %d named, budget confirmed, meeting booked", i)})
				mustDo(t, err)
				if want := time.Date(2026, 5, 11, 17, 0, 0, 0, stockholmZone); !c.WindowEnds.Equal(want) {
					t.Fatalf("window ends %s, want %s", c.WindowEnds.In(stockholmZone), want)
				}
				ids = append(ids, c.ID)
			}
			// No double pay; a partner's manager of B does not claim on A1; a lead needs an account of A1.
			if _, err := claims.Create(ctx, f.VendorManager, f.A1, sales.NewClaim{Kind: sales.ClaimLead, SubjectID: leads[0], Note: "Claimed once more by the manager"}); errCode(err) != tandem.EConflict {
				t.Errorf("double claim: %v", err)
			}
			if _, err := claims.Create(ctx, f.VendorManagerB, f.A1, sales.NewClaim{Kind: sales.ClaimLead, SubjectID: leads[0], Note: "Not my engagement at all"}); !errors.Is(err, tandem.ErrNotFound) {
				t.Errorf("partner B claimed on A1: %v", err)
			}
			other := &sales.Account{Name: "Unassigned AB"}
			mustDo(t, db.Sales().CreateAccount(ctx, f.Manager, other))
			if _, err := claims.Create(ctx, f.VendorAgent, f.A1, sales.NewClaim{Kind: sales.ClaimLead, SubjectID: other.ID, Note: "An account I cannot see"}); !errors.Is(err, tandem.ErrNotFound) {
				t.Errorf("unassigned account claimed (want ENotFound, as for a missing one): %v", err)
			}
			if _, err := claims.Create(ctx, f.VendorAgent, f.A1, sales.NewClaim{Kind: sales.ClaimLead, SubjectID: other.ID + 1000000, Note: "An account that does not exist"}); !errors.Is(err, tandem.ErrNotFound) {
				t.Errorf("missing account claimed: %v", err)
			}
			// The client was told; the partner cannot decide; another agent and partner B do not see the claim.
			if _, n, err := db.Notifications.List(ctx, f.Manager, false, 50); err != nil || n != 5 {
				t.Errorf("manager's notifications: %d %v", n, err)
			}
			if _, err := claims.Decide(ctx, f.VendorAgent, 0, ids[0], sales.Accept, ""); !errors.Is(err, tandem.ErrForbidden) {
				t.Errorf("the agent accepted their own claim: %v", err)
			}
			if _, err := claims.Decide(ctx, f.VendorManager, 0, ids[0], sales.Accept, ""); !errors.Is(err, tandem.ErrForbidden) {
				t.Errorf("the partner's manager accepted: %v", err)
			}
			if _, err := claims.Get(ctx, f.VendorManagerB, 0, ids[0]); !errors.Is(err, tandem.ErrNotFound) {
				t.Errorf("partner B reads A's claim: %v", err)
			}
			if list, err := claims.List(ctx, f.VendorManager, f.A1, store.ClaimFilter{}); err != nil || len(list) != 5 || list[0].SubjectName == "" {
				t.Errorf("A's manager lists %d claims: %v", len(list), err)
			}

			clock.Add(2 * time.Hour)
			for _, id := range ids[:3] {
				_, err := claims.Decide(ctx, f.Manager, 0, id, sales.Accept, "")
				mustDo(t, err)
			}
			if _, err := claims.Decide(ctx, f.Manager, 0, ids[3], sales.Dispute, ""); errCode(err) != tandem.EInvalid {
				t.Errorf("dispute without a reason: %v", err)
			}
			c, err := claims.Decide(ctx, f.Manager, 0, ids[3], sales.Dispute, "No budget confirmed in the call notes")
			mustDo(t, err)
			if c.Status != sales.ClaimDisputed {
				t.Errorf("disputed: %s", c.Status)
			}
			if _, err := claims.Decide(ctx, f.Manager, 0, ids[0], sales.Dispute, "changed my mind"); errCode(err) != tandem.EConflict {
				t.Errorf("decided twice: %v", err)
			}
			if ns, _, _ := db.Notifications.List(ctx, f.VendorAgent, false, 50); len(ns) != 4 || ns[0].Kind != "sales.claim_disputed.qualified_lead" {
				t.Errorf("agent's notifications: %+v", ns)
			}
			// The disputed lead claimed again with more evidence, and disputed again: it stays disputed.
			re, err := claims.Create(ctx, f.VendorAgent, f.A1, sales.NewClaim{Kind: sales.ClaimLead, SubjectID: leads[3],
				Note: "Budget confirmed in writing by the CFO, e-mail of 4 May attached"})
			mustDo(t, err)
			if re.Attempt != 2 {
				t.Errorf("re-claim attempt %d", re.Attempt)
			}
			_, err = claims.Decide(ctx, f.Manager, 0, re.ID, sales.Dispute, "Still no budget")
			mustDo(t, err)
			if _, err := claims.Create(ctx, f.VendorAgent, f.A1, sales.NewClaim{Kind: sales.ClaimLead, SubjectID: leads[3], Note: "Third time lucky, surely"}); errCode(err) != tandem.EConflict {
				t.Errorf("third claim: %v", err)
			}

			// Meetings and deals: the subjects are checked in the claim's transaction.
			meeting := func(status sales.ActivityStatus) int64 {
				a := &sales.Activity{Kind: sales.KindMeeting, AccountID: leads[1], ScheduledAt: clock.Now().Add(-time.Hour), Status: status}
				mustDo(t, db.Sales().LogActivity(ctx, f.VendorAgent, a, store.LogOptions{}))
				return a.ID
			}
			held1, held2, planned := meeting(sales.MeetingHeld), meeting(sales.MeetingHeld), meeting(sales.MeetingPlanned)
			if _, err := claims.Create(ctx, f.VendorAgent, f.A1, sales.NewClaim{Kind: sales.ClaimMeeting, SubjectID: planned}); !hasField(err, "subject_id") {
				t.Errorf("a planned meeting claimed: %v", err)
			}
			if _, err := claims.Create(ctx, f.VendorAgent, f.A1, sales.NewClaim{Kind: sales.ClaimMeeting, SubjectID: 999999}); !errors.Is(err, tandem.ErrNotFound) {
				t.Errorf("a missing meeting claimed: %v", err)
			}
			m1, err := claims.Create(ctx, f.VendorAgent, f.A1, sales.NewClaim{Kind: sales.ClaimMeeting, SubjectID: held1})
			mustDo(t, err)
			if want := clock.Now().Add(-time.Hour); !m1.HeldAt.Equal(want) {
				t.Errorf("held at %s, want the meeting's time %s", m1.HeldAt, want)
			}
			_, err = claims.Create(ctx, f.VendorAgent, f.A1, sales.NewClaim{Kind: sales.ClaimMeeting, SubjectID: held2})
			mustDo(t, err)
			// A deal not won is a field error; another engagement's deal is not found; nothing is written.
			if _, err := claims.Create(ctx, f.VendorManager, f.A1, sales.NewClaim{Kind: sales.ClaimDeal, SubjectID: deal1.ID}); !hasField(err, "subject_id") || errCode(err) != tandem.EInvalid {
				t.Errorf("an open deal claimed: %v", err)
			}
			storetest.Activate(t, db, f.Owner, f.A2, nil)
			elsewhere := &sales.Account{Name: "Renewals AB"}
			mustDo(t, db.Sales().CreateAccount(ctx, f.Manager, elsewhere))
			_, err = db.Sales().Assign(ctx, f.Manager, store.AccountFilter{IDs: []int64{elsewhere.ID}}, store.Assignment{EngagementID: f.A2})
			mustDo(t, err)
			otherDeal := newDeal(t, db, f.Manager, f.A2, elsewhere.ID, "Renewal", 100000, "won")
			if _, err := claims.Create(ctx, f.VendorManager, f.A1, sales.NewClaim{Kind: sales.ClaimDeal, SubjectID: otherDeal.ID}); !errors.Is(err, tandem.ErrNotFound) {
				t.Errorf("another engagement's deal claimed: %v", err)
			}
			if _, err := claims.Create(ctx, f.VendorManagerB, f.A1, sales.NewClaim{Kind: sales.ClaimDeal, SubjectID: deal1.ID}); !errors.Is(err, tandem.ErrNotFound) {
				t.Errorf("partner B claimed A's deal: %v", err)
			}
			if list, err := claims.List(ctx, f.Owner, f.A1, store.ClaimFilter{}); err != nil || len(list) != 8 {
				t.Errorf("claims after the refusals: %d %v", len(list), err)
			}
			for _, d := range []*sales.Deal{deal1, deal2, deal3} {
				_, err := db.Deals().Move(ctx, f.VendorAgent, d.ID, "won", "")
				mustDo(t, err)
			}
			d1, err := claims.Create(ctx, f.VendorManager, f.A1, sales.NewClaim{Kind: sales.ClaimDeal, SubjectID: deal1.ID})
			mustDo(t, err)
			if d1.Revenue.Amount != 1200000 || d1.OpenedOn.String() != "2026-04-04" {
				t.Errorf("deal claim: revenue %v opened %s", d1.Revenue, d1.OpenedOn)
			}
			d2, err := claims.Create(ctx, f.VendorManager, f.A1, sales.NewClaim{Kind: sales.ClaimDeal, SubjectID: deal2.ID})
			mustDo(t, err)
			d3, err := claims.Create(ctx, f.VendorManager, f.A1, sales.NewClaim{Kind: sales.ClaimDeal, SubjectID: deal3.ID})
			mustDo(t, err)
			for _, id := range []int64{m1.ID, d1.ID, d2.ID} {
				_, err := claims.Decide(ctx, f.Owner, 0, id, sales.Accept, "")
				mustDo(t, err)
			}
			_, err = claims.Decide(ctx, f.Owner, 0, d3.ID, sales.Dispute, "Contract not signed")
			mustDo(t, err)
			day := func(s string) tandem.Date { d, _ := tandem.ParseDate(s); return d }
			won, err := db.KPI.Facts(ctx, f.Owner, f.A1, []string{string(fact.DealWonAccepted)}, day("2026-05-01"), day("2026-05-31"), 10)
			mustDo(t, err)
			// By hand: deal 1 opened 4 April, won 4 May → 30 days, 12 000,00; deal 2 opened 24 April → 10 days, 8 000,00.
			got := map[int64]int64{}
			for _, x := range won {
				got[x.AmountMinor] = x.Value
			}
			if len(won) != 2 || got[1200000] != 30 || got[800000] != 10 {
				t.Errorf("won facts: %+v", won)
			}
			// An accepted won deal does not leave the won stages; another won stage is fine.
			if _, err := db.Deals().Move(ctx, f.VendorAgent, deal1.ID, "lost", "price"); errCode(err) != tandem.EConflict {
				t.Errorf("an accepted deal moved to lost: %v", err)
			}
			if _, err := db.Deals().Move(ctx, f.VendorAgent, deal1.ID, "support", ""); err != nil {
				t.Errorf("an accepted deal moved to support: %v", err)
			}
			// Three deals lost through the pipeline: the moves record the lost facts.
			for i, acc := range addAccounts(t, b, 3, f.VendorAgent) {
				d := newDeal(t, db, f.VendorAgent, f.A1, acc, fmt.Sprintf("Lost %d", i), 100000, "")
				_, err := db.Deals().Move(ctx, f.VendorAgent, d.ID, "lost", "price")
				mustDo(t, err)
			}
			// Customers: three prospects become customers, one leaves.
			for _, acc := range leads[:3] {
				a, err := db.Sales().Account(ctx, f.Manager, acc)
				mustDo(t, err)
				a.Status = sales.StatusCustomer
				mustDo(t, db.Sales().UpdateAccount(ctx, f.Manager, a))
			}
			a, err := db.Sales().Account(ctx, f.Manager, leads[0])
			mustDo(t, err)
			a.Status = sales.StatusFormer
			mustDo(t, db.Sales().UpdateAccount(ctx, f.Manager, a))

			// The window ends Monday 11 May 17:00: a second before, nothing; at it, the fifth lead.
			clock.Add(time.Date(2026, 5, 11, 16, 59, 59, 0, stockholmZone).Sub(clock.Now()))
			if n, err := claims.SweepExpired(ctx, clock.Now()); err != nil || n != 0 {
				t.Errorf("sweep before the end: %d %v", n, err)
			}
			clock.Add(time.Second)
			// Open now: lead 5 and meeting 502 (claimed at 11:00 on 4 May, the same window).
			if n, err := claims.SweepExpired(ctx, clock.Now()); err != nil || n != 2 {
				t.Errorf("sweep at the end: %d %v", n, err)
			}
			if c, err := claims.Get(ctx, f.VendorAgent, 0, ids[4]); err != nil || c.Status != sales.ClaimAccepted || !c.Expired {
				t.Errorf("expired claim: %+v %v", c, err)
			}
			// Deal 102 reversed within the clawback; meetings cannot be.
			clock.Add(24 * time.Hour)
			if _, err := claims.Reverse(ctx, f.Manager, 0, m1.ID, "cancelled"); errCode(err) != tandem.EConflict {
				t.Errorf("a meeting reversed: %v", err)
			}
			_, err = claims.Reverse(ctx, f.Manager, 0, d2.ID, "The customer cancelled the order")
			mustDo(t, err)

			sc, err := db.KPI.Scorecard(ctx, f.Owner, f.A1, kpi.PeriodOf("month", clock.Now(), stockholmZone))
			mustDo(t, err)
			// Meetings: the first accepted, the second accepted when its window ended → 2.
			want := map[string]kpi.Value{
				"qualified_leads":    kpi.Int(4),
				"meetings_held":      kpi.Int(2),
				"deals_won":          kpi.Int(1),
				"revenue":            kpi.Int(12000),
				"average_deal_size":  kpi.Int(12000),
				"sales_cycle_p50":    kpi.Int(10),
				"sales_cycle_p90":    kpi.Int(30),
				"win_rate":           kpi.Int(25),
				"conversion_rate":    kpi.Int(25),
				"client_churn":       kpi.Ratio(100, 3),
				"client_base_growth": kpi.Ratio(400, 3),
			}
			for _, r := range sc.Rows {
				w, ok := want[r.KPI.Metric]
				if !ok {
					continue
				}
				delete(want, r.KPI.Metric)
				if !r.HasData || r.Actual.Cmp(w) != 0 {
					t.Errorf("%s = %v (data %v), want %v", r.KPI.Metric, r.Actual, r.HasData, w)
				}
			}
			if len(want) != 0 {
				t.Errorf("not on the scorecard: %v", want)
			}
			// The aggregates equal the facts.
			if m, err := db.KPI.Verify(ctx); err != nil || m != nil {
				t.Errorf("kpi verify: %+v %v", m, err)
			}
			// Deal 2, reversed, may leave the won stage: a fourth loss → win rate 1 ÷ (1 + 4) = 20 %.
			if _, err := db.Deals().Move(ctx, f.VendorAgent, deal2.ID, "lost", "no_budget"); err != nil {
				t.Errorf("a reversed deal moved to lost: %v", err)
			}
			sc, err = db.KPI.Scorecard(ctx, f.Owner, f.A1, kpi.PeriodOf("month", clock.Now(), stockholmZone))
			mustDo(t, err)
			for _, r := range sc.Rows {
				if r.KPI.Metric == "win_rate" && (!r.HasData || r.Actual.Cmp(kpi.Int(20)) != 0) {
					t.Errorf("win rate after the fourth loss = %v", r.Actual)
				}
			}
			// After the clawback (90 days from 4 May): refused.
			clock.Add(100 * 24 * time.Hour)
			if _, err := claims.Reverse(ctx, f.Manager, 0, d1.ID, "too late"); errCode(err) != tandem.EConflict {
				t.Errorf("reversed after the clawback: %v", err)
			}
		})
	}
}

// Two instances sweep at once, each several times over, through the jobs'
// leases and around them: the expired claim is accepted once, with one
// fact and one notification.
func TestClaimExpiresOnceAcrossInstances(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			clock := storetest.NewClock(time.Date(2026, 5, 4, 9, 0, 0, 0, stockholmZone))
			a, b := instances(t, dialect, clock)
			f := storetest.Seed(t, a)
			// Wednesday 6 May a holiday of the contract's calendar: the window
			// from Monday 4 May counts 5, 7, 8, 11, 12 May.
			storetest.Activate(t, a, f.Owner, f.A1, func(t *contract.Terms) {
				claimsTerms(t)
				t.Calendar.Holidays = []string{"2026-05-06"}
			})
			base := &salesBase{db: a, clock: clock, f: f}
			leads := addAccounts(t, base, 1, f.VendorAgent)
			c, err := a.Claims().Create(ctx, f.VendorAgent, f.A1, sales.NewClaim{Kind: sales.ClaimLead, SubjectID: leads[0], Note: "Qualified per the terms, see notes"})
			mustDo(t, err)
			if want := time.Date(2026, 5, 12, 17, 0, 0, 0, stockholmZone); !c.WindowEnds.Equal(want) {
				t.Errorf("window over the weekend and the holiday ends %s, want %s", c.WindowEnds.In(stockholmZone), want)
			}
			clock.Add(c.WindowEnds.Sub(clock.Now()) + time.Minute)
			for _, db := range []*store.DB{a, b} {
				mustDo(t, db.Jobs.Ensure(ctx, "sweep.sales_claims", clock.Now().Truncate(time.Minute)))
			}
			var mu sync.Mutex
			total := 0
			var wg sync.WaitGroup
			for w := range 6 {
				db := []*store.DB{a, b}[w%2]
				wg.Go(func() {
					n := 0
					if cl, err := db.Jobs.Claim(ctx, "sweep.sales_claims", fmt.Sprintf("runner-%d", w), time.Minute); err == nil && cl != nil {
						n, err = db.Claims().SweepExpired(ctx, clock.Now())
						if err != nil {
							t.Error(err)
						}
						db.Jobs.Finish(ctx, cl, n, err, cl.ScheduledFor.Add(time.Minute))
					} else {
						// A runner past its lease sweeps regardless.
						if n, err = db.Claims().SweepExpired(ctx, clock.Now()); err != nil {
							t.Error(err)
						}
					}
					mu.Lock()
					total += n
					mu.Unlock()
				})
			}
			wg.Wait()
			if total != 1 {
				t.Errorf("accepted %d times", total)
			}
			day, _ := tandem.ParseDate("2026-05-01")
			end, _ := tandem.ParseDate("2026-05-31")
			facts, err := a.KPI.Facts(ctx, f.Owner, f.A1, []string{string(fact.LeadAccepted)}, day, end, 100)
			mustDo(t, err)
			if len(facts) != 1 || !facts[0].Flag {
				t.Errorf("facts: %+v", facts)
			}
			if ns, _, _ := a.Notifications.List(ctx, f.VendorAgent, false, 50); len(ns) != 1 {
				t.Errorf("the agent was told %d times", len(ns))
			}
		})
	}
}

// An agent sees only their own claims; another agent of the same partner
// gets 404 for them, as does partner B.
func TestClaimVisibility(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			b := newSalesBase(t, dialect)
			c, err := b.db.Claims().Create(ctx, b.f.VendorAgent, b.f.A1, sales.NewClaim{Kind: sales.ClaimLead, SubjectID: b.mine, Note: "Hotel manager wants a demo"})
			mustDo(t, err)
			for _, p := range []tandem.Principal{b.agent2, b.f.VendorManagerB} {
				if _, err := b.db.Claims().Get(ctx, p, b.f.A1, c.ID); !errors.Is(err, tandem.ErrNotFound) {
					t.Errorf("%s reads the claim: %v", p.Email, err)
				}
			}
			if list, err := b.db.Claims().List(ctx, b.agent2, b.f.A1, store.ClaimFilter{}); err != nil || len(list) != 0 {
				t.Errorf("agent2 lists %d: %v", len(list), err)
			}
			if _, err := b.db.Claims().List(ctx, b.f.VendorManagerB, b.f.A1, store.ClaimFilter{}); !errors.Is(err, tandem.ErrNotFound) {
				t.Errorf("partner B lists A1: %v", err)
			}
			for _, p := range []tandem.Principal{b.f.Owner, b.f.Viewer, b.f.VendorManager, b.f.VendorAgent} {
				if _, err := b.db.Claims().Get(ctx, p, b.f.A1, c.ID); err != nil {
					t.Errorf("%s: %v", p.Email, err)
				}
			}
			// agent2 cannot claim a lead on an account assigned to the first agent.
			if _, err := b.db.Claims().Create(ctx, b.agent2, b.f.A1, sales.NewClaim{Kind: sales.ClaimLead, SubjectID: b.theirs, Note: "Mine, not theirs, really"}); err != nil {
				t.Errorf("agent2 on their own account: %v", err)
			}
			if _, err := b.db.Claims().Create(ctx, b.agent2, b.f.A1, sales.NewClaim{Kind: sales.ClaimLead, SubjectID: b.mine, Note: "Someone else's account"}); !errors.Is(err, tandem.ErrNotFound) {
				t.Errorf("agent2 on another agent's account: %v", err)
			}
		})
	}
}

// A deal is lost once for the win rate: created lost it records its loss;
// reopened and lost again it records none; another deal moved into the
// lost stage records the second.
func TestDealLostOnce(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			b := newClaimsBase(t, dialect)
			db, f := b.db, b.f
			accs := addAccounts(t, b, 2, f.VendorAgent)
			losses := func() int {
				t.Helper()
				day, _ := tandem.ParseDate("2026-05-01")
				end, _ := tandem.ParseDate("2026-05-31")
				facts, err := db.KPI.Facts(ctx, f.Owner, f.A1, []string{string(fact.DealLost)}, day, end, 100)
				mustDo(t, err)
				return len(facts)
			}
			d := &sales.Deal{EngagementID: f.A1, AccountID: accs[0], Title: "Lost at once", Stage: "lost", LostReason: "no_budget"}
			mustDo(t, db.Deals().Create(ctx, f.VendorAgent, d))
			if n := losses(); n != 1 {
				t.Errorf("created lost: %d losses", n)
			}
			_, err := db.Deals().Move(ctx, f.VendorAgent, d.ID, "new", "")
			mustDo(t, err)
			_, err = db.Deals().Move(ctx, f.VendorAgent, d.ID, "lost", "price")
			mustDo(t, err)
			if n := losses(); n != 1 {
				t.Errorf("lost again: %d losses", n)
			}
			other := newDeal(t, db, f.VendorAgent, f.A1, accs[1], "Lost later", 50000, "")
			_, err = db.Deals().Move(ctx, f.VendorAgent, other.ID, "lost", "price")
			mustDo(t, err)
			if n := losses(); n != 2 {
				t.Errorf("a second deal lost: %d losses", n)
			}
		})
	}
}
