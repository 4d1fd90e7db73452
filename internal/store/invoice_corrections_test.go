package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/fact"
	"github.com/tandemhq/tandem/internal/invoice"
	"github.com/tandemhq/tandem/internal/notification"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
)

// A1's November 2026 at 25 % VAT, issued on 2 December as 2026-0001:
// 45 000,00 + 2 leads × 1 500,00 = 48 000,00 + 12 000,00 VAT = 60 000,00.
//
// A third lead, accepted on 30 November but recorded after the issue, is
// billed by a supplementary invoice 2026-0002: 1 lead × 1 500,00 + 375,00
// VAT = 1 875,00, referring to that lead's fact only.
//
// A credit note of chosen lines, 2026-0003: 1 000,01 of the fixed fee and
// 1 500,00 of the leads, net −2 500,01, VAT 25 % × −2 500,01 = −625,0025
// → −625,00, total −3 125,01. Of the leads line 3 000,00 + 1 500,00
// supplemented − 1 500,00 credited = 3 000,00 is left.
func TestInvoiceCorrections(t *testing.T) {
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
			if _, err := inv.Supplement(ctx, f.Manager, f.A1, "2026-11", "not yet"); errCode(err) != tandem.EConflict {
				t.Errorf("a supplement of a draft: %v", err)
			}
			mustDo(t, inv.Approve(ctx, f.Owner, f.A1, "2026-11"))
			number, err := inv.Issue(ctx, f.Owner, f.A1, "2026-11")
			mustDo(t, err)
			if _, err := inv.Supplement(ctx, f.Manager, f.A1, "2026-11", "nothing new"); errCode(err) != tandem.EConflict {
				t.Errorf("a supplement with nothing to add: %v", err)
			}
			_, err = db.KPI.RecordFacts(ctx, f.Owner, []store.Fact{
				{EngagementID: f.A1, SubjectID: 3, At: at(11, 30), Data: fact.LeadAcceptedData{ClaimID: 3}}})
			mustDo(t, err)
			if _, err := inv.Supplement(ctx, f.VendorManager, f.A1, "2026-11", "late lead"); errCode(err) != tandem.EForbidden {
				t.Errorf("the partner issues a supplement: %v", err)
			}
			if _, err := inv.Supplement(ctx, f.Manager, f.A1, "2026-11", " "); errCode(err) != tandem.EInvalid {
				t.Errorf("a supplement without a reason: %v", err)
			}
			sup, err := inv.Supplement(ctx, f.Manager, f.A1, "2026-11", "A lead accepted late")
			mustDo(t, err)
			if number != "2026-0001" || sup.Number != "2026-0002" || sup.Kind != invoice.CorrectionSupplement || sup.NetMinor != 150_000 ||
				sup.VATMinor != 37_500 || sup.TotalMinor != 187_500 || len(sup.Lines) != 2 || sup.Lines[0].Kind != invoice.KindSupplement ||
				len(sup.Lines[0].Refs) != 1 || sup.Lines[0].Quantity.Num != 1 {
				t.Fatalf("supplement %+v", sup)
			}
			if _, err := inv.Supplement(ctx, f.Manager, f.A1, "2026-11", "again"); errCode(err) != tandem.EConflict {
				t.Errorf("supplemented twice: %v", err)
			}
			x, err := inv.Get(ctx, f.Manager, f.A1, "2026-11")
			mustDo(t, err)
			fixed, leads := invoice.LineKey(lineOf(t, x, invoice.KindFixed)), invoice.LineKey(lineOf(t, x, invoice.KindResult))
			if x.TotalMinor != 6_000_000 || len(x.CreditNotes) != 1 || x.CreditNotes[0].Lines[0].Clause != leads {
				t.Fatalf("the issued invoice moved or lost its supplement: %d %+v", x.TotalMinor, x.CreditNotes)
			}

			cn, err := inv.CreditLines(ctx, f.Owner, f.A1, "2026-11", []invoice.CreditLine{{LineKey: fixed, AmountMinor: 100_001},
				{LineKey: leads, AmountMinor: 150_000}}, "A fee day not worked, a duplicate lead")
			mustDo(t, err)
			if cn.Number != "2026-0003" || cn.Kind != invoice.CorrectionCredit || cn.NetMinor != -250_001 || cn.VATMinor != -62_500 ||
				cn.TotalMinor != -312_501 || len(cn.Lines) != 3 {
				t.Fatalf("credit note %+v", cn)
			}
			if _, err := inv.CreditLines(ctx, f.Owner, f.A1, "2026-11", []invoice.CreditLine{{LineKey: leads, AmountMinor: 300_001}}, "x"); errCode(err) != tandem.EInvalid {
				t.Errorf("more than is left of the leads: %v", err)
			}
			x, err = inv.Get(ctx, f.VendorManager, f.A1, "2026-11")
			mustDo(t, err)
			if len(x.CreditNotes) != 2 || x.CreditNotes[1].Lines[1].AmountMinor != -150_000 ||
				x.TotalMinor+x.CreditNotes[0].TotalMinor+x.CreditNotes[1].TotalMinor != 5_874_999 {
				t.Errorf("corrections read back: %+v", x.CreditNotes)
			}
			// The partner hears of both; each is audited.
			ns, _, err := db.Notifications.List(ctx, f.VendorManager, true, 100)
			mustDo(t, err)
			for _, kind := range []string{"invoice.supplemented", "invoice.credited"} {
				if !slices.ContainsFunc(ns, func(n notification.Notification) bool { return n.Kind == kind }) {
					t.Errorf("the partner was not told %s", kind)
				}
			}
			for _, action := range []string{"invoice.supplemented", "invoice.credited"} {
				if _, n, err := db.Audit.List(ctx, f.Owner, store.AuditFilter{Action: action}, tandem.Page{Limit: 10}); err != nil || n != 1 {
					t.Errorf("%s audited %d times: %v", action, n, err)
				}
			}
		})
	}
}
