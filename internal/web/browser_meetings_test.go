package web_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/tandemhq/tandem/internal/notice"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
)

// The client's manager plans the meetings from the contract's cadence,
// opens the first check-in's generated agenda (it lists the notice the
// partner filed), records a decision and an action item for the partner's
// manager, and finalises the minutes; the partner's manager then sees the
// action item on his home page.
func TestBrowserMeetingMinutes(t *testing.T) {
	t.Parallel()
	// Monday 2 March 2026, 09:00 in Stockholm.
	clock := storetest.NewClock(time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC))
	e := newEnvAt(t, "sqlite", clock.Now)
	f := e.f
	storetest.Activate(t, e.db, f.Owner, f.A1, nil)
	n := &notice.Notice{EngagementID: f.A1, Category: "missing_information", Text: "The hotel register has no phone numbers for Malmö."}
	if err := e.db.Notices.File(ctx, f.VendorManager, n); err != nil {
		t.Fatal(err)
	}
	a1 := fmt.Sprintf("/engagements/%d", f.A1)

	b := newBrowser(t, e)
	b.signIn("manager@example.com")
	b.open(a1 + "/meetings")
	if st := b.click(`form[action="` + a1 + `/meetings/plan"] button`); st != 200 {
		t.Fatalf("plan: status %d", st)
	}
	wantIn(b, "#upcoming", "Weekly check-in")
	if st := b.click(`#upcoming a`); st != 200 {
		t.Fatalf("open the first meeting: status %d", st)
	}
	wantIn(b, "#agenda", "The hotel register has no phone numbers")
	wantIn(b, "#agenda", b.msg("en", "attention.kind.notice"))

	b.do("record a decision",
		chromedp.SendKeys(chromedp.CSS(`#decisions textarea[name="text"]`), "Call the Malmö hotels from the association's list"),
	)
	if st := b.click(`#decisions button[type="submit"]`); st != 200 {
		t.Fatalf("decision: status %d", st)
	}
	wantIn(b, "#decisions", "Decision 1.")
	b.do("record an action item",
		chromedp.SendKeys(chromedp.CSS(`#actions input[name="title"]`), "Ask the association for the phone list"),
		chromedp.SetValue(chromedp.CSS(`#actions select[name="owner_id"]`), strconv.FormatInt(f.VendorManager.UserID, 10)),
		chromedp.SetValue(chromedp.CSS(`#actions input[name="due"]`), "2026-03-06"),
	)
	if st := b.click(`#actions button[type="submit"]`); st != 200 {
		t.Fatalf("action item: status %d", st)
	}
	wantIn(b, "#actions", "Ask the association for the phone list")
	if st := b.click(`#finalise button[type="submit"]`); st != 200 {
		t.Fatalf("finalise: status %d", st)
	}
	wantIn(b, "#meeting", b.msg("en", "meetings.status.held"))
	if asked := b.asked(); len(asked) == 0 || asked[len(asked)-1] != b.msg("en", "meetings.confirm_finalise") {
		t.Errorf("finalising did not ask for confirmation: %q", asked)
	}
	if got := b.count(`#decisions form`); got != 0 {
		t.Errorf("final minutes still take decisions (%d forms)", got)
	}

	// The partner's manager sees the action item on his home page.
	b.click(`form[action="/signout"] button`)
	if err := signInAt(b, "vm@alpha.example"); err != nil {
		t.Fatal(err)
	}
	b.open("/")
	home := b.text("main")
	if !strings.Contains(home, "Ask the association for the phone list") {
		t.Fatalf("the action item is not on the partner manager's home: %q", home)
	}
	as, err := e.db.Meetings.Actions(ctx, f.VendorManager, store.ActionFilter{OwnerID: f.VendorManager.UserID, Open: true})
	if err != nil || len(as) != 1 {
		t.Fatalf("action items: %+v %v", as, err)
	}
}

// wantIn checks that the first element that sel matches shows want among
// its text.
func wantIn(b *browser, sel, want string) {
	b.t.Helper()
	if got := b.text(sel); !strings.Contains(got, want) {
		b.t.Errorf("%s on %s shows %q, want %q in it", sel, b.location(), got, want)
	}
}
