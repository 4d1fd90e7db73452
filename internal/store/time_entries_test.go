package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/invoice"
	"github.com/tandemhq/tandem/internal/kpi"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
	"github.com/tandemhq/tandem/internal/timesheet"
)

// timePrice prices A1 per month in SEK: a fixed fee of 10 000,00 and
// 1 200,00 per hour of approved time of any service.
func timePrice(t *contract.Terms) {
	t.Price.Currency, t.Price.Period, t.Price.FloorMinor, t.Price.CapMinor = "SEK", "month", 0, 0
	t.Price.Components = []contract.PriceComponent{
		{Kind: "fixed", Description: "Monthly fee", AmountMinor: 1_000_000},
		{Kind: "time", Description: "Consulting", AmountMinor: 120_000, Unit: "hour"},
	}
	t.Penalties = contract.Penalties{}
}

// November 2026 on A1, worked out by hand (today is 2 December):
//
//	approved: agent 3 Nov 90 min + 150 min, manager 10 Nov 45 min = 285 min
//	285 / 60 h × 1 200,00 = 4,75 × 1 200,00         5 700,00
//	fixed fee (30 of 30 days)                       10 000,00
//	VAT 0 %                                              0,00
//	total                                           15 700,00
//
// Not priced: a rejected entry (60 min, 12 Nov), a pending one (30 min,
// 13 Nov) and an approved one of 31 October (another period).
func TestTimeEntriesPriced(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			clock := storetest.NewClock(time.Date(2026, 12, 2, 9, 0, 0, 0, stockholmZone))
			db := storetest.Open(t, dialect, clock.Now)
			f := storetest.Seed(t, db)
			storetest.Activate(t, db, f.Owner, f.A1, timePrice)
			te := db.TimeEntries()
			record := func(p tandem.Principal, day string, minutes int64, service string) *timesheet.Entry {
				t.Helper()
				x := &timesheet.Entry{EngagementID: f.A1, Day: date(t, day), Minutes: minutes, Service: service, Note: "Work"}
				mustDo(t, te.Record(ctx, p, x))
				if x.ID == 0 || x.State != timesheet.Pending {
					t.Fatalf("recorded %+v", x)
				}
				return x
			}
			a := record(f.VendorAgent, "2026-11-03", 90, "outbound-calls")
			b := record(f.VendorAgent, "2026-11-03", 150, "lead-qualification")
			c := record(f.VendorManager, "2026-11-10", 45, "outbound-calls")
			rej := record(f.VendorAgent, "2026-11-12", 60, "outbound-calls")
			pend := record(f.VendorAgent, "2026-11-13", 30, "outbound-calls")
			oct := record(f.VendorAgent, "2026-10-31", 60, "outbound-calls")
			for _, x := range []*timesheet.Entry{a, b, c, oct} {
				mustDo(t, te.Approve(ctx, f.Manager, f.A1, x.ID))
			}
			mustDo(t, te.Reject(ctx, f.Owner, f.A1, rej.ID, "Not in the scope"))

			// The rules: refusals with their codes and fields.
			for name, tc := range map[string]struct {
				err   error
				code  tandem.Code
				field string
			}{
				"future day": {te.Record(ctx, f.VendorAgent, &timesheet.Entry{EngagementID: f.A1, Day: date(t, "2026-12-03"), Minutes: 60,
					Service: "outbound-calls"}), tandem.EInvalid, "day"},
				"unknown service": {te.Record(ctx, f.VendorAgent, &timesheet.Entry{EngagementID: f.A1, Day: date(t, "2026-11-20"), Minutes: 60,
					Service: "gardening"}), tandem.EInvalid, "service"},
				// 240 min on 3 November already: 240 + 1 201 = 1 441 > 1 440.
				"day full": {te.Record(ctx, f.VendorAgent, &timesheet.Entry{EngagementID: f.A1, Day: date(t, "2026-11-03"), Minutes: 1201,
					Service: "outbound-calls"}), tandem.EInvalid, "minutes"},
				"client records": {te.Record(ctx, f.Owner, &timesheet.Entry{EngagementID: f.A1, Day: date(t, "2026-11-20"), Minutes: 60,
					Service: "outbound-calls"}), tandem.EForbidden, ""},
				"agent not on A2": {te.Record(ctx, f.VendorAgent, &timesheet.Entry{EngagementID: f.A2, Day: date(t, "2026-11-20"), Minutes: 60,
					Service: "outbound-calls"}), tandem.ENotFound, ""},
				"partner approves": {te.Approve(ctx, f.VendorManager, f.A1, pend.ID), tandem.EForbidden, ""},
				"approve twice":    {te.Approve(ctx, f.Manager, f.A1, a.ID), tandem.EConflict, ""},
				"reject no reason": {te.Reject(ctx, f.Manager, f.A1, pend.ID, " "), tandem.EInvalid, "reason"},
				"another's entry":  {te.Approve(ctx, f.Manager, f.A2, pend.ID), tandem.ENotFound, ""},
				"other partner":    {func() error { _, err := te.List(ctx, f.VendorManagerB, f.A1); return err }(), tandem.ENotFound, ""},
			} {
				if errCode(tc.err) != tc.code {
					t.Errorf("%s: %v, want %s", name, tc.err, tc.code)
					continue
				}
				if tc.field != "" && (len(tandem.FieldErrors(tc.err)) == 0 || tandem.FieldErrors(tc.err)[0].Field != tc.field) {
					t.Errorf("%s: fields %v, want %s", name, tandem.FieldErrors(tc.err), tc.field)
				}
			}
			// Exactly 24 hours in a day: 240 + 1 200.
			record(f.VendorAgent, "2026-11-03", 1200, "outbound-calls")

			list, err := te.List(ctx, f.Viewer, f.A1)
			mustDo(t, err)
			if len(list) != 7 || list[0].Day.String() != "2026-11-13" || list[len(list)-1].Day.String() != "2026-10-31" ||
				list[0].Person != "Agnes Agent" {
				t.Errorf("list: %d entries, first %+v", len(list), list[0])
			}

			nov := kpi.PeriodOf(kpi.Month, time.Date(2026, 11, 15, 12, 0, 0, 0, stockholmZone), stockholmZone)
			inv, err := db.Invoices().SyncDraft(ctx, f.Manager, f.A1, nov) // stored, as the scheduled work does
			mustDo(t, err)
			if inv.TotalMinor != 1_570_000 || len(inv.Lines) != 3 {
				t.Fatalf("total %d, %d lines %+v; want 15 700,00 in 3 lines", inv.TotalMinor, len(inv.Lines), inv.Lines)
			}
			var tl *invoice.Line
			for i := range inv.Lines {
				if inv.Lines[i].Kind == invoice.KindTime {
					tl = &inv.Lines[i]
				}
			}
			want := []string{timesheet.Ref(a.ID), timesheet.Ref(b.ID), timesheet.Ref(c.ID)}
			if tl == nil || tl.AmountMinor != 570_000 || tl.Quantity != (invoice.Quantity{Num: 285, Den: 60, Unit: "hour"}) ||
				tl.UnitMinor != 120_000 || len(tl.Refs) != 3 || tl.Refs[0] != want[0] || tl.Refs[1] != want[1] || tl.Refs[2] != want[2] {
				t.Errorf("time line %+v, want 5 700,00 for 285/60 h of %v", tl, want)
			}

			// Once November's invoice is no longer a draft, its time
			// entries do not change and no time is added to it.
			mustDo(t, storetest.Exec(db, `UPDATE invoices SET status = 'issued' WHERE id = ?`, inv.ID))
			if err := te.Approve(ctx, f.Manager, f.A1, pend.ID); errCode(err) != tandem.EConflict {
				t.Errorf("approve in an issued period: %v", err)
			}
			err = te.Record(ctx, f.VendorAgent, &timesheet.Entry{EngagementID: f.A1, Day: date(t, "2026-11-20"), Minutes: 60, Service: "outbound-calls"})
			if errCode(err) != tandem.EConflict {
				t.Errorf("record in an issued period: %v", err)
			}
			// December is open.
			record(f.VendorAgent, "2026-12-01", 60, "outbound-calls")
		})
	}
}
