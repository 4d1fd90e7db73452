package store_test

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/fact"
	"github.com/tandemhq/tandem/internal/invoice"
	"github.com/tandemhq/tandem/internal/kpi"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
)

// salesPrice prices A1 as a sales engagement, per month, in SEK: a fixed
// fee of 45 000,00, 1 500,00 per accepted qualified lead, 2 000,00 per
// accepted won deal and 5 % of the accepted won revenue; no floor, cap,
// SLA credit or bonus.
func salesPrice(t *contract.Terms) {
	t.Price.Currency, t.Price.Period, t.Price.FloorMinor, t.Price.CapMinor = "SEK", "month", 0, 0
	t.Price.Components = []contract.PriceComponent{
		{Kind: "fixed", Description: "Monthly fee", AmountMinor: 4_500_000},
		{Kind: "per_result", Description: "Qualified lead", AmountMinor: 150_000, Unit: "qualified_lead"},
		{Kind: "per_result", Description: "Deal won", AmountMinor: 200_000, Unit: "deal"},
		{Kind: "revenue_share", Description: "Revenue share", ShareBP: 500},
	}
	t.Penalties = contract.Penalties{}
}

// November 2026 on A1, worked out by hand:
//
//	fixed fee                      45 000,00 (30 of 30 days)
//	3 qualified leads × 1 500,00    4 500,00
//	1 deal won × 2 000,00           2 000,00
//	1 deal reversed × −2 000,00    −2 000,00
//	5 % × 12 000,00 won               600,00
//	5 % × −8 000,00 reversed         −400,00
//	VAT 0 % (partners have no rate)     0,00
//	total                          49 700,00
//
// A lead accepted on 31 October (local) and one on 1 December are not in
// November. A fourth lead accepted later moves the draft to 51 200,00.
func TestInvoiceDraftSales(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			clock := storetest.NewClock(time.Date(2026, 12, 2, 9, 0, 0, 0, stockholmZone))
			db := storetest.Open(t, dialect, clock.Now)
			f := storetest.Seed(t, db)
			storetest.Activate(t, db, f.Owner, f.A1, salesPrice)
			at := func(month time.Month, day, hour int) time.Time {
				return time.Date(2026, month, day, hour, 0, 0, 0, stockholmZone)
			}
			facts := []store.Fact{
				{EngagementID: f.A1, SubjectID: 1, At: at(10, 31, 23), Data: fact.LeadAcceptedData{ClaimID: 1}},
				{EngagementID: f.A1, SubjectID: 2, At: at(11, 1, 0), Data: fact.LeadAcceptedData{ClaimID: 2}},
				{EngagementID: f.A1, SubjectID: 3, At: at(11, 12, 10), Data: fact.LeadAcceptedData{ClaimID: 3}},
				{EngagementID: f.A1, SubjectID: 4, At: at(11, 30, 23), Data: fact.LeadAcceptedData{ClaimID: 4}},
				{EngagementID: f.A1, SubjectID: 5, At: at(12, 1, 0), Data: fact.LeadAcceptedData{ClaimID: 5}},
				{EngagementID: f.A1, SubjectID: 6, At: at(11, 20, 10), AmountMinor: 1_200_000, Currency: "SEK",
					Data: fact.DealWonData{ClaimID: 6, DealID: 60, WonOn: "2026-11-18"}},
				{EngagementID: f.A1, SubjectID: 7, At: at(11, 25, 10), AmountMinor: -800_000, Currency: "SEK",
					Data: fact.DealReversedData{ClaimID: 7, DealID: 70, Reason: "Customer cancelled"}},
				// Another engagement's lead is not A1's.
				{EngagementID: f.A2, SubjectID: 8, At: at(11, 12, 10), Data: fact.LeadAcceptedData{ClaimID: 8}},
			}
			if _, err := db.KPI.RecordFacts(ctx, f.Owner, facts); err != nil {
				t.Fatal(err)
			}
			nov := kpi.PeriodOf(kpi.Month, at(11, 15, 12), stockholmZone)
			// A read computes in memory and stores nothing.
			inv, err := db.Invoices().Draft(ctx, f.Manager, f.A1, nov)
			mustDo(t, err)
			if _, err := db.Invoices().Get(ctx, f.Manager, f.A1, "2026-11"); !errors.Is(err, tandem.ErrNotFound) || inv.ID != 0 {
				t.Errorf("a read stored the draft: %v, id %d", err, inv.ID)
			}
			inv, err = db.Invoices().SyncDraft(ctx, f.Manager, f.A1, nov)
			mustDo(t, err)
			type want struct {
				kind   string
				amount int64
				refs   int
			}
			wants := []want{
				{invoice.KindFixed, 4_500_000, 0},
				{invoice.KindResult, 450_000, 3},
				{invoice.KindResult, 200_000, 1},
				{invoice.KindResultClawback, -200_000, 1},
				{invoice.KindRevenueShare, 60_000, 1},
				{invoice.KindRevenueClawback, -40_000, 1},
				{invoice.KindVAT, 0, 0},
			}
			check := func(what string, inv *store.Invoice, wants []want, total int64) {
				t.Helper()
				if inv.Currency != "SEK" || inv.TotalMinor != total || inv.NetMinor != total || inv.VATMinor != 0 ||
					inv.From != "2026-11-01" || inv.To != "2026-11-30" || inv.Label != "2026-11" || inv.Status != invoice.StatusDraft {
					t.Errorf("%s: %s %s %s..%s net %d VAT %d total %d, want SEK 2026-11 total %d", what, inv.Status, inv.Currency,
						inv.From, inv.To, inv.NetMinor, inv.VATMinor, inv.TotalMinor, total)
				}
				if len(inv.Lines) != len(wants) {
					t.Fatalf("%s: %d lines, want %d: %+v", what, len(inv.Lines), len(wants), inv.Lines)
				}
				var sum int64
				for i, w := range wants {
					l := inv.Lines[i]
					sum += l.AmountMinor
					if l.Kind != w.kind || l.AmountMinor != w.amount || len(l.Refs) != w.refs || len(l.Steps) == 0 || l.Description == "" {
						t.Errorf("%s: line %d %s %d refs %v steps %d, want %s %d with %d refs", what, i, l.Kind, l.AmountMinor,
							l.Refs, len(l.Steps), w.kind, w.amount, w.refs)
					}
					if l.Kind != invoice.KindVAT && (l.Version != 1 || l.Clause == "") {
						t.Errorf("%s: line %d from version %d clause %q", what, i, l.Version, l.Clause)
					}
				}
				if sum != total {
					t.Errorf("%s: lines sum to %d, total %d", what, sum, total)
				}
			}
			check("computed", inv, wants, 4_970_000)
			got, err := db.Invoices().Get(ctx, f.VendorManager, f.A1, "2026-11")
			mustDo(t, err)
			check("stored", got, wants, 4_970_000)
			if got.ID != inv.ID || !slices.Equal(got.Lines[1].Refs, inv.Lines[1].Refs) || got.Lines[0].Steps[0].String() != inv.Lines[0].Steps[0].String() {
				t.Errorf("stored invoice %d refs %v, computed %d %v", got.ID, got.Lines[1].Refs, inv.ID, inv.Lines[1].Refs)
			}
			if !reflect.DeepEqual(got.Lines[1].Args, inv.Lines[1].Args) || got.Lines[0].Quantity != inv.Lines[0].Quantity ||
				!reflect.DeepEqual(got.Lines[0].Args, []any{"days", int64(30), "period_days", int64(30)}) {
				t.Errorf("stored line args %v quantity %v, computed %v %v", got.Lines[1].Args, got.Lines[0].Quantity,
					inv.Lines[1].Args, inv.Lines[0].Quantity)
			}

			if len(got.Facts) != 5 || len(inv.Facts) != 5 { // leads 2, 3, 4, the deal won and the one reversed
				t.Errorf("facts behind the lines: stored %d, computed %d, want 5", len(got.Facts), len(inv.Facts))
			}
			for _, l := range got.Lines {
				for _, ref := range l.Refs {
					if x, ok := got.Facts[ref]; !ok || x != inv.Facts[ref] || x.Day < "2026-11-01" || x.Day > "2026-11-30" {
						t.Errorf("fact %s: %+v, computed %+v", ref, x, inv.Facts[ref])
					}
				}
			}
			if x := got.Facts[got.Lines[1].Refs[0]]; x.Kind != fact.LeadAccepted || x.SubjectID != 2 || x.Day != "2026-11-01" {
				t.Errorf("the first lead's fact: %+v", x)
			}

			// A late-accepted lead moves the draft; its lines are replaced, not added.
			clock.Add(time.Hour)
			if _, err := db.KPI.RecordFacts(ctx, f.Owner, []store.Fact{
				{EngagementID: f.A1, SubjectID: 9, At: at(11, 29, 10), Data: fact.LeadAcceptedData{ClaimID: 9}}}); err != nil {
				t.Fatal(err)
			}
			again, err := db.Invoices().Draft(ctx, f.Owner, f.A1, nov)
			mustDo(t, err)
			wants[1] = want{invoice.KindResult, 600_000, 4}
			check("recomputed", again, wants, 5_120_000)
			if got, err := db.Invoices().Get(ctx, f.Viewer, f.A1, "2026-11"); err != nil || got.TotalMinor != 4_970_000 {
				t.Errorf("the read moved the stored draft: %v", err)
			}
			again, err = db.Invoices().SyncDraft(ctx, f.Owner, f.A1, nov)
			mustDo(t, err)
			got, err = db.Invoices().Get(ctx, f.Viewer, f.A1, "2026-11")
			mustDo(t, err)
			check("stored again", got, wants, 5_120_000)
			if again.ID != inv.ID || !got.ComputedAt.Equal(clock.Now().UTC().Truncate(time.Microsecond)) {
				t.Errorf("recomputed invoice %d at %s, want %d at %s", again.ID, got.ComputedAt, inv.ID, clock.Now())
			}

			// The summary computes October's and November's drafts (the clock is in December: November and December)
			// and lists every stored one, the latest first: December has the lead of 1 December, 45 000,00 + 1 500,00.
			list, err := db.Invoices().Summary(ctx, f.VendorManager, f.A1)
			mustDo(t, err)
			if len(list) != 2 || list[0].Label != "2026-12" || list[0].TotalMinor != 4_650_000 || list[1].Label != "2026-11" ||
				list[1].TotalMinor != 5_120_000 || list[1].ID != inv.ID || len(list[1].Lines) != 0 {
				t.Errorf("summary: %+v", list)
			}
			if _, err := db.Invoices().Summary(ctx, f.VendorManagerB, f.A1); !errors.Is(err, tandem.ErrNotFound) {
				t.Errorf("partner B lists A1's invoices: %v", err)
			}

			// Scope: the partner's agent may not read invoices; another partner's manager does not find A1's.
			if _, err := db.Invoices().Draft(ctx, f.VendorAgent, f.A1, nov); !errors.Is(err, tandem.ErrForbidden) {
				t.Errorf("agent computes the draft: %v", err)
			}
			if _, err := db.Invoices().Get(ctx, f.VendorAgent, f.A1, "2026-11"); !errors.Is(err, tandem.ErrForbidden) {
				t.Errorf("agent reads the draft: %v", err)
			}
			if _, err := db.Invoices().Draft(ctx, f.VendorManagerB, f.A1, nov); !errors.Is(err, tandem.ErrNotFound) {
				t.Errorf("partner B computes A1's draft: %v", err)
			}
			if _, err := db.Invoices().Get(ctx, f.VendorManagerB, f.A1, "2026-11"); !errors.Is(err, tandem.ErrNotFound) {
				t.Errorf("partner B reads A1's draft: %v", err)
			}
			if _, err := db.Invoices().Get(ctx, f.Manager, f.A1, "2026-10"); !errors.Is(err, tandem.ErrNotFound) {
				t.Errorf("a period never computed: %v", err)
			}
			week := kpi.PeriodOf(kpi.Week, at(11, 15, 12), stockholmZone)
			if _, err := db.Invoices().Draft(ctx, f.Manager, f.A1, week); errCode(err) != tandem.EInvalid {
				t.Errorf("a weekly invoice: %v", err)
			}
			before := kpi.PeriodOf(kpi.Month, time.Date(2025, 6, 15, 12, 0, 0, 0, stockholmZone), stockholmZone)
			if _, err := db.Invoices().Draft(ctx, f.Manager, f.A1, before); errCode(err) != tandem.EConflict {
				t.Errorf("a period before the terms: %v", err)
			}

			// Ended on 30 November: December is not invoiced, nor listed
			// (the demo's engagement ended in 2025 listed two months of
			// fixed fees); November, the month it ended in, still is.
			e, err := db.Engagements.Get(ctx, f.Owner, f.A1)
			mustDo(t, err)
			e.EndsOn = tandem.DateOf(time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC))
			mustDo(t, db.Engagements.Update(ctx, f.Owner, e))
			dec := kpi.PeriodOf(kpi.Month, at(12, 2, 12), stockholmZone)
			if _, err := db.Invoices().Draft(ctx, f.Manager, f.A1, dec); errCode(err) != tandem.EConflict {
				t.Errorf("a period after the end: %v", err)
			}
			if x, err := db.Invoices().Draft(ctx, f.Manager, f.A1, nov); err != nil || x.TotalMinor != 5_120_000 {
				t.Errorf("the month it ended in: %v", err)
			}
			list, err = db.Invoices().Summary(ctx, f.Manager, f.A1)
			mustDo(t, err)
			if len(list) != 1 || list[0].Label != "2026-11" {
				t.Errorf("summary after the end: %+v", list)
			}
		})
	}
}

// The scheduled drafts: the slot in which November ended in Stockholm
// (1 December 00:00 local, 30 November 23:00 UTC) computes A1's November
// draft (A1 is live; A2, B1 are drafts and are not invoiced); any other
// slot computes nothing; running the slot again changes nothing but the
// time it was computed.
func TestInvoiceDraftsScheduled(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			clock := storetest.NewClock(time.Date(2026, 12, 1, 0, 30, 0, 0, stockholmZone))
			db := storetest.Open(t, dialect, clock.Now)
			f := storetest.Seed(t, db)
			storetest.Activate(t, db, f.Owner, f.A1, salesPrice)
			if _, err := db.KPI.RecordFacts(ctx, f.Owner, []store.Fact{{EngagementID: f.A1, SubjectID: 1,
				At: time.Date(2026, 11, 30, 23, 59, 0, 0, stockholmZone), Data: fact.LeadAcceptedData{ClaimID: 1}}}); err != nil {
				t.Fatal(err)
			}
			slot := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
			if n, err := db.Invoices().DraftEnded(ctx, slot.Add(-2*time.Hour), slot.Add(-time.Hour)); err != nil || n != 0 {
				t.Errorf("the slot before: %d %v", n, err)
			}
			if _, err := db.Invoices().Get(ctx, f.Owner, f.A1, "2026-11"); !errors.Is(err, tandem.ErrNotFound) {
				t.Errorf("a draft before its slot: %v", err)
			}
			for range 2 {
				if n, err := db.Invoices().DraftEnded(ctx, slot.Add(-time.Hour), slot); err != nil || n != 1 {
					t.Errorf("November's slot: %d %v", n, err)
				}
			}
			// The second run found the same lines: it wrote nothing, so one audit entry.
			if _, n, err := db.Audit.List(ctx, f.Owner, store.AuditFilter{Action: "invoice.draft_computed"}, tandem.Page{Limit: 10}); err != nil || n != 1 {
				t.Errorf("the draft was stored %d times: %v", n, err)
			}
			got, err := db.Invoices().Get(ctx, f.Manager, f.A1, "2026-11")
			mustDo(t, err)
			// 45 000,00 + 1 lead × 1 500,00.
			if got.TotalMinor != 4_650_000 || len(got.Lines) != 3 || got.Lines[1].AmountMinor != 150_000 {
				t.Errorf("November's scheduled draft: %d, %d lines", got.TotalMinor, len(got.Lines))
			}
			for _, id := range []int64{f.A2, f.B1} {
				if _, err := db.Invoices().Get(ctx, f.Owner, id, "2026-11"); !errors.Is(err, tandem.ErrNotFound) {
					t.Errorf("engagement %d, a draft, was invoiced: %v", id, err)
				}
			}
			if n, err := db.Invoices().DraftEnded(ctx, slot, slot.Add(time.Hour)); err != nil || n != 0 {
				t.Errorf("the slot after: %d %v", n, err)
			}
		})
	}
}

// Two computing the same new draft at once both succeed, and there is one
// invoice with one set of lines.
func TestInvoiceDraftConcurrent(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			clock := storetest.NewClock(time.Date(2026, 12, 2, 9, 0, 0, 0, stockholmZone))
			db := storetest.Open(t, dialect, clock.Now)
			f := storetest.Seed(t, db)
			storetest.Activate(t, db, f.Owner, f.A1, salesPrice)
			nov := kpi.PeriodOf(kpi.Month, time.Date(2026, 11, 15, 12, 0, 0, 0, stockholmZone), stockholmZone)
			errs := make(chan error, 2)
			for _, p := range []tandem.Principal{f.Owner, f.Manager} {
				go func() {
					_, err := db.Invoices().SyncDraft(ctx, p, f.A1, nov)
					errs <- err
				}()
			}
			for range 2 {
				if err := <-errs; err != nil {
					t.Errorf("concurrent draft: %v", err)
				}
			}
			got, err := db.Invoices().Get(ctx, f.Owner, f.A1, "2026-11")
			mustDo(t, err)
			if len(got.Lines) != 2 || got.TotalMinor != 4_500_000 {
				t.Errorf("after two at once: %d lines, total %d", len(got.Lines), got.TotalMinor)
			}
		})
	}
}
