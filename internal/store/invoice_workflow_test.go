package store_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/fact"
	"github.com/tandemhq/tandem/internal/invoice"
	"github.com/tandemhq/tandem/internal/kpi"
	"github.com/tandemhq/tandem/internal/notification"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
)

// withholdPrice is salesPrice with withholding allowed and 30 days to pay.
func withholdPrice(t *contract.Terms) {
	salesPrice(t)
	t.Price.WithholdAllowed, t.Price.DaysToPay, t.Price.PrepaymentBP, t.Price.Instalments = true, 30, 0, 0
}

// setVAT gives partner A a VAT rate.
func setVAT(t *testing.T, db *store.DB, f *storetest.Fixture, bp int) {
	t.Helper()
	ctx := context.Background()
	pa, err := db.Partners.Get(ctx, f.Owner, f.PartnerA)
	mustDo(t, err)
	pa.VATBP = bp
	mustDo(t, db.Partners.Update(ctx, f.Owner, pa))
}

func lineOf(t *testing.T, inv *store.Invoice, kind string) invoice.Line {
	t.Helper()
	for _, l := range inv.Lines {
		if l.Kind == kind {
			return l
		}
	}
	t.Fatalf("no %s line in %+v", kind, inv.Lines)
	return invoice.Line{}
}

// The whole workflow of A1's November 2026, partner A at 25 % VAT, worked
// out by hand:
//
//	fixed fee                          45 000,00
//	2 qualified leads × 1 500,00        3 000,00
//	dispute upheld: leads agreed at     4 500,00 → adjustment +1 500,00 (taxable)
//	withheld from the fixed fee        −5 000,00 (not taxable)
//	VAT 25 % × (45 000 + 3 000 + 1 500) = 25 % × 49 500,00 = 12 375,00
//	net 45 000 + 3 000 + 1 500 − 5 000 = 44 500,00; total 56 875,00
//
// Issued on 2 December 2026 (Stockholm) as 2026-0001, due 30 days later on
// 1 January 2027, one payment of 56 875,00. The withholding released goes
// onto December's draft: 45 000,00 + 5 000,00 released (not taxable) + VAT
// 25 % × 45 000,00 = 11 250,00 → 61 250,00. A credit note of 1 000,00 net
// is −1 000,00 − 250,00 VAT = −1 250,00, numbered 2026-0002; original +
// credit note = 56 875,00 − 1 250,00 = 55 625,00.
func TestInvoiceWorkflow(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			clock := storetest.NewClock(time.Date(2026, 12, 2, 9, 0, 0, 0, stockholmZone))
			db := storetest.Open(t, dialect, clock.Now)
			f := storetest.Seed(t, db)
			storetest.Activate(t, db, f.Owner, f.A1, withholdPrice)
			setVAT(t, db, f, 2500)
			at := func(month time.Month, day int) time.Time {
				return time.Date(2026, month, day, 12, 0, 0, 0, stockholmZone)
			}
			if _, err := db.KPI.RecordFacts(ctx, f.Owner, []store.Fact{
				{EngagementID: f.A1, SubjectID: 1, At: at(11, 3), Data: fact.LeadAcceptedData{ClaimID: 1}},
				{EngagementID: f.A1, SubjectID: 2, At: at(11, 20), Data: fact.LeadAcceptedData{ClaimID: 2}},
			}); err != nil {
				t.Fatal(err)
			}
			inv := db.Invoices()
			nov := kpi.PeriodOf(kpi.Month, at(11, 15), stockholmZone)
			x, err := inv.Draft(ctx, f.VendorManager, f.A1, nov)
			mustDo(t, err)
			if x.TotalMinor != 6_000_000 || x.VATMinor != 1_200_000 || !x.WithholdAllowed {
				t.Errorf("draft: total %d VAT %d withhold %v, want 60 000,00 with 12 000,00 VAT", x.TotalMinor, x.VATMinor, x.WithholdAllowed)
			}
			fixed, leads := invoice.LineKey(lineOf(t, x, invoice.KindFixed)), invoice.LineKey(lineOf(t, x, invoice.KindResult))

			// Who may do what.
			if _, err := inv.Dispute(ctx, f.Manager, f.A1, "2026-11", leads, "x"); !errors.Is(err, tandem.ErrForbidden) {
				t.Errorf("the client disputes: %v", err)
			}
			if _, err := inv.Dispute(ctx, f.VendorManagerB, f.A1, "2026-11", leads, "x"); !errors.Is(err, tandem.ErrNotFound) {
				t.Errorf("partner B disputes A1's line: %v", err)
			}
			if err := inv.Approve(ctx, f.VendorManager, f.A1, "2026-11"); !errors.Is(err, tandem.ErrForbidden) {
				t.Errorf("the partner approves: %v", err)
			}
			if err := inv.Approve(ctx, f.Viewer, f.A1, "2026-11"); !errors.Is(err, tandem.ErrForbidden) {
				t.Errorf("a viewer approves: %v", err)
			}
			if _, err := inv.Dispute(ctx, f.VendorManager, f.A1, "2026-11", leads, " "); errCode(err) != tandem.EInvalid {
				t.Errorf("a dispute without a reason: %v", err)
			}

			// The partner disputes the leads; no approval while it is open; the client upholds it at 4 500,00.
			dispute, err := inv.Dispute(ctx, f.VendorManager, f.A1, "2026-11", leads, "The lead of 30 November is missing")
			mustDo(t, err)
			if err := inv.Approve(ctx, f.Manager, f.A1, "2026-11"); errCode(err) != tandem.EConflict {
				t.Errorf("approved with a dispute open: %v", err)
			}
			mustDo(t, inv.DecideDispute(ctx, f.Manager, f.A1, "2026-11", dispute, true, 450_000, "Agreed: three leads"))
			if err := inv.DecideDispute(ctx, f.Manager, f.A1, "2026-11", dispute, false, 0, "again"); errCode(err) != tandem.EConflict {
				t.Errorf("decided twice: %v", err)
			}

			// The client withholds 5 000,00 of the fixed fee; not more than the line carries.
			if _, err := inv.Withhold(ctx, f.Owner, f.A1, "2026-11", fixed, 4_500_001, "too much"); errCode(err) != tandem.EInvalid {
				t.Errorf("withheld more than the line: %v", err)
			}
			wid, err := inv.Withhold(ctx, f.Owner, f.A1, "2026-11", fixed, 500_000, "Week 47 report not delivered")
			mustDo(t, err)
			x, err = inv.Get(ctx, f.VendorManager, f.A1, "2026-11")
			mustDo(t, err)
			if x.NetMinor != 4_450_000 || x.VATMinor != 1_237_500 || x.TotalMinor != 5_687_500 ||
				lineOf(t, x, invoice.KindAgreed).AmountMinor != 150_000 || lineOf(t, x, invoice.KindWithheld).AmountMinor != -500_000 {
				t.Errorf("after the dispute and the withholding: net %d VAT %d total %d", x.NetMinor, x.VATMinor, x.TotalMinor)
			}
			if len(x.Disputes) != 1 || x.Disputes[0].Status != invoice.DisputeUpheld || len(x.Adjustments) != 2 {
				t.Errorf("workflow: %+v %+v", x.Disputes, x.Adjustments)
			}

			// Approve and issue: number, due date, schedule.
			if _, err := inv.Issue(ctx, f.Manager, f.A1, "2026-11"); errCode(err) != tandem.EConflict {
				t.Errorf("issued before approval: %v", err)
			}
			mustDo(t, inv.Approve(ctx, f.Manager, f.A1, "2026-11"))
			number, err := inv.Issue(ctx, f.Manager, f.A1, "2026-11")
			mustDo(t, err)
			x, err = inv.Get(ctx, f.Owner, f.A1, "2026-11")
			mustDo(t, err)
			if number != "2026-0001" || x.Number != number || x.Status != invoice.StatusIssued || x.IssuedOn != "2026-12-02" ||
				x.DueOn != "2027-01-01" || len(x.Schedule) != 1 || x.Schedule[0].AmountMinor != 5_687_500 || x.Schedule[0].DueOn != "2027-01-01" {
				t.Errorf("issued: %s %s %s due %s schedule %+v", number, x.Status, x.IssuedOn, x.DueOn, x.Schedule)
			}

			// Issued is immutable: every write is a conflict, a late result does not move it.
			for what, err := range map[string]error{
				"dispute": func() error { _, err := inv.Dispute(ctx, f.VendorManager, f.A1, "2026-11", leads, "late"); return err }(),
				"withhold": func() error {
					_, err := inv.Withhold(ctx, f.Owner, f.A1, "2026-11", fixed, 1, "late")
					return err
				}(),
				"approve": inv.Approve(ctx, f.Owner, f.A1, "2026-11"),
				"issue":   func() error { _, err := inv.Issue(ctx, f.Owner, f.A1, "2026-11"); return err }(),
			} {
				if errCode(err) != tandem.EConflict {
					t.Errorf("%s on an issued invoice: %v", what, err)
				}
			}
			if _, err := db.KPI.RecordFacts(ctx, f.Owner, []store.Fact{
				{EngagementID: f.A1, SubjectID: 3, At: at(11, 30), Data: fact.LeadAcceptedData{ClaimID: 3}}}); err != nil {
				t.Fatal(err)
			}
			if _, err := inv.SyncDraft(ctx, f.Owner, f.A1, nov); err != nil {
				t.Fatal(err)
			}
			if y, err := inv.Draft(ctx, f.Owner, f.A1, nov); err != nil || y.TotalMinor != 5_687_500 || y.Number != number {
				t.Errorf("a late result moved the issued invoice: %v", err)
			}

			// Release: onto December's draft.
			into, err := inv.Release(ctx, f.Manager, f.A1, "2026-11", wid)
			mustDo(t, err)
			if _, err := inv.Release(ctx, f.Manager, f.A1, "2026-11", wid); errCode(err) != tandem.EConflict {
				t.Errorf("released twice: %v", err)
			}
			dec, err := inv.Get(ctx, f.VendorManager, f.A1, "2026-12")
			mustDo(t, err)
			if into != "2026-12" || dec.TotalMinor != 6_125_000 || dec.VATMinor != 1_125_000 || lineOf(t, dec, invoice.KindReleased).AmountMinor != 500_000 {
				t.Errorf("released into %s: total %d VAT %d", into, dec.TotalMinor, dec.VATMinor)
			}

			// A credit note: its own number, negative, totals with the original.
			if _, err := inv.Credit(ctx, f.Manager, f.A1, "2026-11", 4_450_001, "too much"); errCode(err) != tandem.EInvalid {
				t.Errorf("credited more than the net: %v", err)
			}
			cn, err := inv.Credit(ctx, f.Manager, f.A1, "2026-11", 100_000, "One lead was a duplicate")
			mustDo(t, err)
			if cn.Number != "2026-0002" || cn.NetMinor != -100_000 || cn.VATMinor != -25_000 || cn.TotalMinor != -125_000 {
				t.Errorf("credit note: %+v", cn)
			}
			if _, err := inv.Credit(ctx, f.Manager, f.A1, "2026-12", 100, "draft"); errCode(err) != tandem.EConflict {
				t.Errorf("a credit note on a draft: %v", err)
			}

			// Paid, not before the issue day.
			if err := inv.MarkPaid(ctx, f.Owner, f.A1, "2026-11", "2026-12-01"); errCode(err) != tandem.EInvalid {
				t.Errorf("paid before issued: %v", err)
			}
			mustDo(t, inv.MarkPaid(ctx, f.Owner, f.A1, "2026-11", "2026-12-20"))
			if err := inv.MarkPaid(ctx, f.Owner, f.A1, "2026-11", "2026-12-21"); errCode(err) != tandem.EConflict {
				t.Errorf("paid twice: %v", err)
			}
			x, err = inv.Get(ctx, f.Manager, f.A1, "2026-11")
			mustDo(t, err)
			if x.Status != invoice.StatusPaid || x.PaidOn != "2026-12-20" || len(x.CreditNotes) != 1 || x.TotalMinor+x.CreditNotes[0].TotalMinor != 5_562_500 {
				t.Errorf("paid: %s %s credit notes %+v", x.Status, x.PaidOn, x.CreditNotes)
			}

			// Partner B does not see A1's invoices; the agent reads none.
			if _, err := inv.Get(ctx, f.VendorManagerB, f.A1, "2026-11"); !errors.Is(err, tandem.ErrNotFound) {
				t.Errorf("partner B reads A1's invoice: %v", err)
			}
			if _, err := inv.Get(ctx, f.VendorAgent, f.A1, "2026-11"); !errors.Is(err, tandem.ErrForbidden) {
				t.Errorf("the agent reads the invoice: %v", err)
			}

			// The other side was told of each step.
			ns, _, err := db.Notifications.List(ctx, f.VendorManager, true, 100)
			mustDo(t, err)
			var kinds []string
			for _, n := range ns {
				kinds = append(kinds, n.Kind)
			}
			for _, k := range []string{"invoice.dispute_upheld", "invoice.withheld", "invoice.approved", "invoice.issued",
				"invoice.released", "invoice.credited", "invoice.paid"} {
				if !slices.Contains(kinds, k) {
					t.Errorf("partner's manager not told of %s: %v", k, kinds)
				}
			}
			ns, _, err = db.Notifications.List(ctx, f.Manager, true, 100)
			mustDo(t, err)
			if len(ns) == 0 || !slices.ContainsFunc(ns, func(n notification.Notification) bool { return n.Kind == "invoice.disputed" }) {
				t.Errorf("client not told of the dispute")
			}
		})
	}
}

// Withholding needs terms that allow it.
func TestInvoiceWithholdNotAllowed(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := storetest.Seed(t, db)
		storetest.Activate(t, db, f.Owner, f.A1, func(t *contract.Terms) { salesPrice(t); t.Price.WithholdAllowed = false })
		nov := kpi.PeriodOf(kpi.Month, time.Date(2026, 11, 15, 12, 0, 0, 0, stockholmZone), stockholmZone)
		x, err := db.Invoices().Draft(ctx, f.Owner, f.A1, nov)
		mustDo(t, err)
		if _, err := db.Invoices().Withhold(ctx, f.Owner, f.A1, "2026-11", invoice.LineKey(x.Lines[0]), 100, "no"); errCode(err) != tandem.EConflict {
			t.Errorf("withheld where the terms do not allow it: %v", err)
		}
	})
}

// Concurrent issues get distinct consecutive numbers from the one sequence:
// four approved months of A1 issued at once are 2026-0001 … 2026-0004.
func TestInvoiceNumbersConcurrent(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			clock := storetest.NewClock(time.Date(2026, 12, 2, 9, 0, 0, 0, stockholmZone))
			db := storetest.Open(t, dialect, clock.Now)
			f := storetest.Seed(t, db)
			storetest.Activate(t, db, f.Owner, f.A1, withholdPrice)
			labels := []string{"2026-08", "2026-09", "2026-10", "2026-11"}
			for _, l := range labels {
				mustDo(t, db.Invoices().Approve(ctx, f.Manager, f.A1, l))
			}
			type res struct {
				n   string
				err error
			}
			out := make(chan res, len(labels))
			for i, l := range labels {
				p := f.Manager
				if i%2 == 0 {
					p = f.Owner
				}
				go func() {
					n, err := db.Invoices().Issue(ctx, p, f.A1, l)
					out <- res{n, err}
				}()
			}
			var got []string
			for range labels {
				r := <-out
				if r.err != nil {
					t.Errorf("concurrent issue: %v", r.err)
				}
				got = append(got, r.n)
			}
			slices.Sort(got)
			if want := []string{"2026-0001", "2026-0002", "2026-0003", "2026-0004"}; !slices.Equal(got, want) {
				t.Errorf("numbers %v, want %v", got, want)
			}
		})
	}
}

// A result accepted late moves an approved draft: the approval was of
// other lines, so the invoice is a draft again (45 000,00 + 1 500,00) and
// must be approved again before it is issued.
func TestInvoiceApprovalWithdrawnByLateResult(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := storetest.Seed(t, db)
		storetest.Activate(t, db, f.Owner, f.A1, withholdPrice)
		inv := db.Invoices()
		nov := kpi.PeriodOf(kpi.Month, time.Date(2026, 11, 15, 12, 0, 0, 0, stockholmZone), stockholmZone)
		mustDo(t, inv.Approve(ctx, f.Manager, f.A1, "2026-11"))
		if _, err := db.KPI.RecordFacts(ctx, f.Owner, []store.Fact{{EngagementID: f.A1, SubjectID: 1,
			At: time.Date(2026, 11, 20, 12, 0, 0, 0, stockholmZone), Data: fact.LeadAcceptedData{ClaimID: 1}}}); err != nil {
			t.Fatal(err)
		}
		x, err := inv.Draft(ctx, f.Manager, f.A1, nov)
		mustDo(t, err)
		if x.Status != invoice.StatusDraft || x.TotalMinor != 4_650_000 {
			t.Errorf("after a late result: %s %d", x.Status, x.TotalMinor)
		}
		if _, err := inv.Issue(ctx, f.Manager, f.A1, "2026-11"); errCode(err) != tandem.EConflict {
			t.Errorf("issued lines nobody approved: %v", err)
		}
		mustDo(t, inv.Approve(ctx, f.Manager, f.A1, "2026-11"))
		if n, err := inv.Issue(ctx, f.Manager, f.A1, "2026-11"); err != nil || !strings.HasSuffix(n, "-0001") {
			t.Errorf("issue after approving again: %s %v", n, err)
		}
	})
}
