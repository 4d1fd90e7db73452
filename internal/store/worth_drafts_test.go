package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/fact"
	"github.com/tandemhq/tandem/internal/invoice"
	"github.com/tandemhq/tandem/internal/kpi"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
)

// TestWorthEqualsDrafts: the worth of a month, computed from the daily
// aggregates (WorthStore.Overviews), is the total of the month's draft
// invoice computed from the facts one by one (InvoiceStore.Draft), and its
// results are the facts counted — for a random history of every kind of
// fact an invoice prices, several a day, on two engagements: one whose
// terms price tickets and deliverables by service (read fact by fact) and
// one whose terms do not (read from the aggregates). Reading both at once
// gives what reading each alone gives.
func TestWorthEqualsDrafts(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			clock := storetest.NewClock(time.Date(2026, 12, 2, 9, 0, 0, 0, stockholmZone))
			db := storetest.Open(t, dialect, clock.Now)
			f := storetest.Seed(t, db)
			var service string
			price := func(byService bool) func(*contract.Terms) {
				return func(t *contract.Terms) {
					service = t.Services[0].Key
					t.Price.Currency, t.Price.Period, t.Price.FloorMinor, t.Price.CapMinor = "SEK", "month", 0, 0
					t.Price.Components = []contract.PriceComponent{
						{Kind: "fixed", Description: "Monthly fee", AmountMinor: 4_500_000},
						{Kind: "per_result", Description: "Lead", AmountMinor: 150_000, Unit: "qualified_lead"},
						{Kind: "per_result", Description: "Meeting", AmountMinor: 50_000, Unit: "meeting"},
						{Kind: "per_result", Description: "Deal", AmountMinor: 200_000, Unit: "deal"},
						{Kind: "revenue_share", Description: "Share", ShareBP: 500},
						{Kind: "per_result", Description: "Deliverable", AmountMinor: 30_000, Unit: "accepted_deliverable"},
						{Kind: "per_result", Description: "Ticket", AmountMinor: 10_000, Unit: "resolved_ticket"},
					}
					if byService {
						t.Price.Components = append(t.Price.Components,
							contract.PriceComponent{Kind: "per_result", Description: "Ticket of the service", AmountMinor: 25_000,
								Unit: "resolved_ticket", Service: service},
							contract.PriceComponent{Kind: "per_result", Description: "Deliverable of the service", AmountMinor: 70_000,
								Unit: "accepted_deliverable", Service: service})
					}
					t.Penalties = contract.Penalties{SLACreditBP: 50, SLACreditCapBP: 400}
				}
			}
			storetest.Activate(t, db, f.Owner, f.A1, price(false))
			storetest.Activate(t, db, f.Owner, f.A2, price(true))

			rng := rand.New(rand.NewPCG(4, 12))
			var facts []store.Fact
			claim := int64(0)
			for _, e := range []int64{f.A1, f.A2} {
				for range 160 {
					claim++
					at := time.Date(2026, time.Month(10+rng.IntN(3)), 1+rng.IntN(30), rng.IntN(24), 0, 0, 0, stockholmZone)
					if at.After(clock.Now()) {
						at = clock.Now().Add(-time.Hour)
					}
					x := store.Fact{EngagementID: e, SubjectID: claim, At: at}
					svc := []string{service, "other"}[rng.IntN(2)]
					switch rng.IntN(9) {
					case 0:
						x.Data = fact.LeadAcceptedData{ClaimID: claim}
					case 1:
						x.Data = fact.MeetingAcceptedData{ClaimID: claim}
					case 2:
						x.AmountMinor, x.Currency = 100_000+rng.Int64N(2_000_000), "SEK"
						x.Data = fact.DealWonData{ClaimID: claim, DealID: claim}
					case 3:
						x.AmountMinor, x.Currency = -100_000-rng.Int64N(2_000_000), "SEK"
						x.Data = fact.DealReversedData{ClaimID: claim, DealID: claim, Reason: "Cancelled"}
					case 4:
						x.Data = fact.Accepted{}
					case 5:
						x.Data = fact.ClockStopped{Clock: fact.Resolution, Number: int(claim), Service: svc}
					case 6:
						x.Data = fact.Breach{Clock: fact.Resolution, Number: int(claim), Service: svc}
					case 7:
						x.Data = fact.Breach{Clock: fact.Response, Number: int(claim), Service: svc}
					default:
						x.AmountMinor, x.Currency = 1_000+rng.Int64N(50_000), "SEK"
						x.Data = fact.Penalty{Title: "Late"}
					}
					facts = append(facts, x)
				}
			}
			if _, err := db.KPI.RecordFacts(ctx, f.Owner, facts); err != nil {
				t.Fatal(err)
			}

			w := db.Worth()
			ids := []int64{f.A1, f.A2, f.B1}
			all, err := w.Overviews(ctx, f.Owner, ids, 3)
			mustDo(t, err)
			// Within one request (a read cache), the trends of the same
			// months first, as the portfolio reads them: the same worth.
			cctx := store.WithReadCache(ctx)
			if _, err := db.KPI.Trends(cctx, f.Owner, ids, kpi.Month, 3); err != nil {
				t.Fatal(err)
			}
			cached, err := w.Overviews(cctx, f.Owner, ids, 3)
			mustDo(t, err)
			for _, id := range ids {
				if fmt.Sprint(cached[id]) != fmt.Sprint(all[id]) {
					t.Errorf("engagement %d: with the request's cache %+v, without %+v", id, cached[id], all[id])
				}
			}
			for _, id := range ids {
				one, err := w.Overview(ctx, f.Owner, id, 3)
				mustDo(t, err)
				if a := all[id]; a == nil || len(a.Months) != len(one.Months) {
					t.Fatalf("engagement %d: at once %+v, alone %+v", id, a, one)
				}
				for i, m := range one.Months {
					a := all[id].Months[i]
					if a.Label != m.Label || a.ActualMinor != m.ActualMinor || a.HasActual != m.HasActual || a.RevenueMinor != m.RevenueMinor {
						t.Errorf("engagement %d %s: at once %+v, alone %+v", id, m.Label, a, m)
					}
				}
			}
			for _, id := range []int64{f.A1, f.A2} {
				months := all[id].Months
				if len(months) != 3 {
					t.Fatalf("engagement %d: %d months", id, len(months))
				}
				for _, m := range months {
					per := kpi.PeriodOf(kpi.Month, time.Date(2026, mustMonth(t, m.Label), 15, 12, 0, 0, 0, stockholmZone), stockholmZone)
					inv, err := db.Invoices().Draft(ctx, f.Owner, id, per)
					mustDo(t, err)
					if !m.HasActual || m.ActualMinor != inv.TotalMinor || m.Currency != inv.Currency {
						t.Errorf("engagement %d %s: worth %d %s, draft %d %s", id, m.Label, m.ActualMinor, m.Currency, inv.TotalMinor, inv.Currency)
					}
					// The estimate has the draft's lines and amounts (a day's
					// late-notice penalties are one line).
					est, err := db.Invoices().Estimates(ctx, f.Manager, []int64{f.B1, id}, per)
					mustDo(t, err)
					if e := est[id]; e == nil || e.TotalMinor != inv.TotalMinor || e.NetMinor != inv.NetMinor || len(est) != 1 {
						t.Fatalf("engagement %d %s: estimates %+v, draft total %d", id, m.Label, est, inv.TotalMinor)
					}
					lines := func(ls []invoice.Line) (out []string) {
						for _, l := range ls {
							if l.Kind != invoice.KindLateNotice {
								out = append(out, fmt.Sprintf("%s v%d %s %d/%d %d", l.Kind, l.Version, l.Clause, l.Quantity.Num, l.Quantity.Den, l.AmountMinor))
							}
						}
						return out
					}
					if g, w := lines(est[id].Lines), lines(inv.Lines); !slices.Equal(g, w) {
						t.Errorf("engagement %d %s: estimate's lines\n%v\ndraft's\n%v", id, m.Label, g, w)
					}
					// The results counted are the draft's facts, by unit.
					counts := map[string]int64{}
					var revenue int64
					for _, x := range inv.Facts {
						switch x.Kind {
						case fact.LeadAccepted:
							counts["qualified_lead"]++
						case fact.MeetingAccepted:
							counts["meeting"]++
						case fact.DealWonAccepted:
							counts["deal"]++
						case fact.DealReversed:
							counts["deal"]--
						case fact.DeliverableAccepted:
							counts["accepted_deliverable"]++
						case fact.SLAResolution:
							counts["resolved_ticket"]++
						}
					}
					for unit, n := range counts {
						if m.Results[unit] != n {
							t.Errorf("engagement %d %s: %d %s, the draft's facts %d", id, m.Label, m.Results[unit], unit, n)
						}
					}
					for _, l := range inv.Lines { // the revenue share's bases: won, and reversed (negative)
						if l.Kind == invoice.KindRevenueShare || l.Kind == invoice.KindRevenueClawback {
							revenue += l.BaseMinor
						}
					}
					if m.RevenueMinor != revenue {
						t.Errorf("engagement %d %s: revenue %d, the draft's facts %d", id, m.Label, m.RevenueMinor, revenue)
					}
				}
			}
			if o := all[f.B1]; o == nil || len(o.Months) == 0 || o.Months[0].HasActual {
				t.Errorf("B1 (a draft, not invoiced): %+v", o)
			}
			// Another partner's manager may not read the worth at all; the
			// client's viewer reads it.
			if _, err := w.Overviews(ctx, f.VendorManagerB, ids, 3); err == nil {
				t.Error("a partner reads the worth")
			}
			nov := kpi.PeriodOf(kpi.Month, time.Date(2026, 11, 15, 12, 0, 0, 0, stockholmZone), stockholmZone)
			if est, err := db.Invoices().Estimates(ctx, f.VendorManagerB, ids, nov); err != nil || len(est) != 0 {
				t.Errorf("partner B estimates A's invoices: %v %v", est, err)
			}
			if _, err := db.Invoices().Estimates(ctx, f.VendorAgent, ids, nov); err == nil {
				t.Error("an agent estimates invoices")
			}
			v, err := w.Overviews(ctx, f.Viewer, ids, 3)
			mustDo(t, err)
			if len(v) != 3 {
				t.Errorf("viewer: %d overviews", len(v))
			}
		})
	}
}

func mustMonth(t *testing.T, label string) time.Month {
	t.Helper()
	m, err := time.Parse("2006-01", label)
	if err != nil {
		t.Fatal(err)
	}
	return m.Month()
}
