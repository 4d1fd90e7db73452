package web_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/work"
)

// Two deliverables are due Friday 6 March 2026, 17:00 in Stockholm. On
// Monday the agent files a "cannot meet the deadline" notice about the first
// in the browser — far more than the contract's 24 business hours ahead.
// After the deadline has passed, the sweep records a late-notice penalty
// for the second (no notice) and none for the first; the manager sees it.
func TestBrowserMissedDeadlinePenalty(t *testing.T) {
	t.Parallel()
	// Monday 2 March 2026, 09:00 in Stockholm.
	clock := storetest.NewClock(time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC))
	e := newEnvAt(t, "sqlite", clock.Now)
	f := e.f
	storetest.Activate(t, e.db, f.Owner, f.A1, func(terms *contract.Terms) {
		terms.Calendar = contract.Calendar{TimeZone: "Europe/Stockholm", WorkDays: []int{1, 2, 3, 4, 5}, DayStart: "08:00", DayEnd: "17:00"}
		terms.Notices = []contract.NoticeDuty{{Category: "deadline_at_risk", WithinHours: 24, PenaltyMinor: 250000}}
	})
	due := time.Date(2026, 3, 6, 16, 0, 0, 0, time.UTC)
	svc := func() string {
		v, _ := e.db.Contracts.InForce(ctx, f.Owner, f.A1, storetestDate(t, "2026-03-02"))
		return v.Terms.Services[0].Key
	}()
	warned := &work.Deliverable{EngagementID: f.A1, ServiceKey: svc, Title: "Stockholm hotels", DueAt: due}
	silent := &work.Deliverable{EngagementID: f.A1, ServiceKey: svc, Title: "Malmö hotels", DueAt: due}
	for _, d := range []*work.Deliverable{warned, silent} {
		if err := e.db.Work.Create(ctx, f.Owner, d); err != nil {
			t.Fatal(err)
		}
	}

	b := newBrowser(t, e)
	b.signIn("agent@alpha.example")
	b.open(fmt.Sprintf("/engagements/%d/notices", f.A1))
	b.do("file the notice",
		chromedp.SetValue(chromedp.CSS("#f-category"), "deadline_at_risk"),
		chromedp.SetValue(chromedp.CSS("#f-deliverable_id"), strconv.FormatInt(warned.ID, 10)),
		chromedp.SendKeys(chromedp.CSS("#f-text"), "The Stockholm list needs two more days: the hotel association's register is late."),
	)
	if st := b.click(`#file button[type="submit"]`); st != 200 {
		t.Fatalf("file notice: status %d", st)
	}

	// The deadline passes; the scheduled sweep runs on Monday.
	clock.Add(7 * 24 * time.Hour)
	n, err := e.db.Notices.SweepOverdue(ctx, clock.Now())
	if err != nil || n != 1 {
		t.Fatalf("sweep: %d penalties, %v", n, err)
	}
	if n, _ := e.db.Notices.SweepOverdue(ctx, clock.Now()); n != 0 {
		t.Fatalf("a second sweep recorded %d more", n)
	}
	ps, err := e.db.Notices.Penalties(ctx, f.Owner, f.A1)
	if err != nil || len(ps) != 1 || ps[0].DeliverableID != silent.ID || ps[0].AmountMinor != 250000 || ps[0].Currency != "SEK" {
		t.Fatalf("penalties: %+v %v", ps, err)
	}

	// The manager sees the penalty, with the contract's amount, on the notices page.
	b.click(`form[action="/signout"] button`)
	if err := signInAt(b, "manager@example.com"); err != nil {
		t.Fatal(err)
	}
	b.open(fmt.Sprintf("/engagements/%d/notices", f.A1))
	rows := b.text("#penalties tbody")
	l := i18n.MustLoad().For(i18n.EN, nil)
	if !strings.Contains(rows, "Malmö hotels") || strings.Contains(rows, "Stockholm hotels") || !strings.Contains(rows, l.T("notice.penalty_missing")) {
		t.Fatalf("penalties on the page: %q", rows)
	}
	if !strings.Contains(rows, "2,500.00") {
		t.Fatalf("penalty amount not shown: %q", rows)
	}
}
