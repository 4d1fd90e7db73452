package demo

import (
	"context"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/request"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/tandem"
)

// checkPast checks the five months before this one (past.go): every
// month's sales scorecard has accepted deliverables, some returned and
// some late; the support desk's requests are closed, a few past their
// SLA; every notice is acknowledged, one of them too late to be timely;
// and nothing of those months is left open.
func checkPast(t *testing.T, db *store.DB, workspaceID int64) {
	t.Helper()
	ctx := context.Background()
	u, err := db.Accounts.UserByEmail(ctx, johan)
	if err != nil {
		t.Fatal(err)
	}
	manager, err := db.Accounts.Principal(ctx, u.ID, workspaceID)
	if err != nil {
		t.Fatal(err)
	}
	ws, err := db.Accounts.Workspace(ctx, workspaceID)
	if err != nil {
		t.Fatal(err)
	}
	loc := ws.Location()
	es, _, err := db.Engagements.List(ctx, manager, tandem.Page{}, store.EngagementFilter{})
	if err != nil {
		t.Fatal(err)
	}
	eid := map[string]int64{}
	for _, e := range es {
		eid[e.Title] = e.ID
	}
	today := db.Now().In(loc)
	returns, late := 0, 0
	for m := 1; m <= 5; m++ {
		first := time.Date(today.Year(), today.Month()-time.Month(m), 1, 12, 0, 0, 0, time.UTC)
		f, _, err := db.Work.Figures(ctx, manager, eid[salesTitle], tandem.DateOf(first), tandem.DateOf(first.AddDate(0, 1, 0)))
		if err != nil {
			t.Fatal(err)
		}
		if f.Accepted < 4 || f.Overdue != 0 {
			t.Errorf("sales in %s: %+v", first.Format("2006-01"), f)
		}
		returns += f.Returns
		late += f.Accepted - f.OnTime
	}
	if returns == 0 || late == 0 {
		t.Errorf("in five months %d returns and %d late deliverables", returns, late)
	}

	reqs, _, err := db.Requests.List(ctx, manager, tandem.Page{Limit: 1000}, store.RequestFilter{EngagementID: eid[supportTitle]})
	if err != nil {
		t.Fatal(err)
	}
	since := windowStart(db.Now(), loc)
	n, breached := 0, 0
	for _, r := range reqs {
		if !r.OpenedAt.Before(since) {
			continue
		}
		n++
		if r.Status != request.StatusClosed {
			t.Errorf("request %q of %s is %s", r.Title, r.OpenedAt.In(loc).Format("2006-01-02"), r.Status)
		}
		if r.ResponseBreached || r.ResolutionBreached {
			breached++
		}
	}
	// About three business days in five over some 105 business days.
	if n < 40 || breached == 0 || breached > n/4 {
		t.Errorf("%d earlier requests, %d breached", n, breached)
	}

	ns, err := db.Notices.List(ctx, manager, eid[salesTitle], store.NoticeFilter{})
	if err != nil {
		t.Fatal(err)
	}
	timely, untimely := 0, 0
	for _, x := range ns {
		if !x.FiledAt.Before(since) {
			continue
		}
		if !x.Acknowledged() {
			t.Errorf("earlier notice %d not acknowledged", x.ID)
		}
		if x.Timely {
			timely++
		} else {
			untimely++
		}
	}
	if timely == 0 || untimely != 1 {
		t.Errorf("earlier notices: %d timely, %d not", timely, untimely)
	}
}
