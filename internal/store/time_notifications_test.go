package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/notification"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
	"github.com/tandemhq/tandem/internal/timesheet"
)

// A submitted time entry tells the client's deciders (owner and manager);
// an approval or a rejection tells the person who recorded it, and no one
// else.
func TestTimeEntryNotifications(t *testing.T) {
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
			kinds := func(p tandem.Principal) map[string][]notification.Notification {
				t.Helper()
				ns, _, err := db.Notifications.List(ctx, p, true, 100)
				mustDo(t, err)
				out := map[string][]notification.Notification{}
				for _, n := range ns {
					out[n.Kind] = append(out[n.Kind], n)
				}
				return out
			}
			a := &timesheet.Entry{EngagementID: f.A1, Day: date(t, "2026-11-03"), Minutes: 150, Service: "outbound-calls", Note: "Calls"}
			mustDo(t, te.Record(ctx, f.VendorAgent, a))
			b := &timesheet.Entry{EngagementID: f.A1, Day: date(t, "2026-11-04"), Minutes: 60, Service: "outbound-calls", Note: "Calls"}
			mustDo(t, te.Record(ctx, f.VendorAgent, b))
			for _, p := range []tandem.Principal{f.Owner, f.Manager} {
				got := kinds(p)["time.submitted"]
				if len(got) != 2 || got[1].SubjectID != a.ID || got[1].Args["person"] != "Agnes Agent" || got[1].Args["day"] != "2026-11-03" ||
					got[1].Args["minutes"] != 150.0 || got[1].EngagementID != f.A1 {
					t.Errorf("%s: told %+v", p.Role, got)
				}
			}
			if n := len(kinds(f.VendorAgent)["time.submitted"]) + len(kinds(f.VendorManager)["time.submitted"]); n != 0 {
				t.Errorf("the partner's people were told of their own time: %d", n)
			}
			mustDo(t, te.Approve(ctx, f.Manager, f.A1, a.ID))
			mustDo(t, te.Reject(ctx, f.Owner, f.A1, b.ID, "Not in the scope"))
			agent := kinds(f.VendorAgent)
			if ok := agent["time.approved"]; len(ok) != 1 || ok[0].SubjectID != a.ID {
				t.Errorf("approved: %+v", ok)
			}
			if no := agent["time.rejected"]; len(no) != 1 || no[0].SubjectID != b.ID || no[0].Args["reason"] != "Not in the scope" {
				t.Errorf("rejected: %+v", no)
			}
			for _, p := range []tandem.Principal{f.Owner, f.Manager, f.VendorManager} {
				if k := kinds(p); len(k["time.approved"])+len(k["time.rejected"]) != 0 {
					t.Errorf("%s was told of a decision on another's time", p.Role)
				}
			}
		})
	}
}
