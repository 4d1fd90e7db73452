package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
	"github.com/tandemhq/tandem/internal/timesheet"
)

// The client's manager reads that the agent recorded 2 h 30 min on
// 3 November; the agent reads that it was rejected, with the reason, and
// both lead to the engagement's time page.
func TestTimeEntryNotificationPages(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			clock := storetest.NewClock(time.Date(2026, 12, 2, 9, 0, 0, 0, invoiceZone))
			e := newEnvAt(t, dialect, clock.Now)
			f := e.f
			storetest.Activate(t, e.db, f.Owner, f.A1, nil)
			ctx := context.Background()
			day, _ := tandem.ParseDate("2026-11-03")
			x := &timesheet.Entry{EngagementID: f.A1, Day: day, Minutes: 150, Service: "outbound-calls", Note: "Calls"}
			if err := e.db.TimeEntries().Record(ctx, f.VendorAgent, x); err != nil {
				t.Fatal(err)
			}
			if err := e.db.TimeEntries().Reject(ctx, f.Manager, f.A1, x.ID, "Not in the scope"); err != nil {
				t.Fatal(err)
			}
			en := catalog.For(i18n.EN, invoiceZone)
			when := en.Date(time.Date(2026, 11, 3, 0, 0, 0, 0, invoiceZone))
			dur := en.T("time.duration", "h", 2, "m", 30)
			link := fmt.Sprintf("/engagements/%d/time", f.A1)
			for _, c := range []struct {
				p    tandem.Principal
				want string
			}{
				{f.Owner, en.T("notify.time.submitted", "person", "Agnes Agent", "minutes", dur, "day", when)},
				{f.VendorAgent, en.T("notify.time.rejected", "minutes", dur, "day", when, "reason", "Not in the scope")},
			} {
				r := e.as(c.p).get("/notifications")
				if r.status != 200 || !strings.Contains(r.body, c.want) || !strings.Contains(r.body, link) {
					t.Errorf("%s: no %q in %d %.3000s", c.p.Role, c.want, r.status, r.body)
				}
			}
		})
	}
}
