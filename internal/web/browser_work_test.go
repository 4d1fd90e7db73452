package web_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
	"github.com/tandemhq/tandem/internal/work"
)

// A partner agent submits, the client returns it with a reason, the agent
// resubmits, the client accepts — and the engagement's first-time
// acceptance figure follows: 0 of 1 after this deliverable, 1 of 2 once a
// second one is accepted on its first submission.
func TestBrowserSubmitReturnResubmitAccept(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sqlite")
	f := e.f
	storetest.Activate(t, e.db, f.Owner, f.A1, nil)
	v, _ := e.db.Contracts.InForce(ctx, f.Owner, f.A1, tandem.DateOf(time.Now()))
	d := &work.Deliverable{EngagementID: f.A1, ServiceKey: v.Terms.Services[0].Key, Title: "Hotel call list, Gothenburg",
		DueAt: time.Now().Add(72 * time.Hour), AssigneeID: f.VendorAgent.MembershipID}
	if err := e.db.Work.Create(ctx, f.VendorManager, d); err != nil {
		t.Fatal(err)
	}
	attachment := filepath.Join(t.TempDir(), "göteborg-hotels.txt")
	if err := os.WriteFile(attachment, []byte("Hotel Eggers, Maria Lind, +46 31 333 44 40\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	page := fmt.Sprintf("/deliverables/%d", d.ID)
	workPage := fmt.Sprintf("/engagements/%d/work", f.A1)
	b := newBrowser(t, e)

	// The agent submits version 1 with an attachment.
	b.signIn("agent@alpha.example")
	b.open(page)
	b.do("fill the submission",
		chromedp.SendKeys(chromedp.CSS("#f-note"), "Forty hotels with decision makers"),
		chromedp.SetUploadFiles(chromedp.CSS("#f-files"), []string{attachment}),
	)
	if st := b.click(`#submit button[type="submit"]`); st != 200 {
		t.Fatalf("submit: status %d", st)
	}
	b.wantText(".page-head .badge", b.msg(i18n.EN, "work.status.submitted"))
	b.wantText("#version-1 a.file", "göteborg-hotels.txt")

	// The manager returns it: incomplete.
	b.click(`form[action="/signout"] button`)
	if err := signInAt(b, "manager@example.com"); err != nil {
		t.Fatal(err)
	}
	b.open(workPage)
	b.wantText("#fig-first-time .stat-value", "—")
	b.open(page)
	if st := b.click(`#review button[value="return"]`); st != 422 {
		t.Fatalf("a return without a reason: status %d", st)
	}
	b.wantText("#review .field-error", b.msg(i18n.EN, "validation.required"))
	b.do("give the reason",
		chromedp.SetValue(chromedp.CSS("#f-reason"), "incomplete"),
		chromedp.SendKeys(chromedp.CSS("#f-comment"), "Malmö is missing"),
	)
	b.click(`#review button[value="return"]`)
	b.wantText(".page-head .badge", b.msg(i18n.EN, "work.status.returned"))
	b.wantText("#returns", "1")

	// The agent resubmits.
	b.click(`form[action="/signout"] button`)
	if err := signInAt(b, "agent@alpha.example"); err != nil {
		t.Fatal(err)
	}
	b.open(page)
	b.do("fill the resubmission", chromedp.SendKeys(chromedp.CSS("#f-note"), "Malmö added"))
	b.click(`#submit button[type="submit"]`)
	b.wantText("#version-2 strong", b.msg(i18n.EN, "work.submission_n", "number", 2))

	// The manager accepts version 2: accepted, but not first time.
	b.click(`form[action="/signout"] button`)
	if err := signInAt(b, "manager@example.com"); err != nil {
		t.Fatal(err)
	}
	b.open(page)
	b.click(`#review button[value="accept"]`)
	b.wantText(".page-head .badge", b.msg(i18n.EN, "work.status.accepted"))
	b.open(workPage)
	l := i18n.MustLoad().For(i18n.EN, nil)
	b.wantText("#fig-first-time .stat-value", l.Percent(0, 1, 1))

	// A second deliverable, accepted on its first submission: 1 of 2.
	d2 := &work.Deliverable{EngagementID: f.A1, ServiceKey: d.ServiceKey, Title: "Follow-up calls", DueAt: time.Now().Add(72 * time.Hour)}
	if err := e.db.Work.Create(ctx, f.Owner, d2); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.Work.Submit(ctx, f.VendorAgent, d2.ID, "", nil); err != nil {
		t.Fatal(err)
	}
	b.open(fmt.Sprintf("/deliverables/%d", d2.ID))
	b.click(`#review button[value="accept"]`)
	b.open(workPage)
	b.wantText("#fig-first-time .stat-value", l.Percent(1, 2, 1))
	b.shot("12-work")
	// The records behind the figure: both deliverables.
	if n := b.count("#outcomes tbody tr"); n != 2 {
		t.Fatalf("records behind the figures: %d rows", n)
	}
}
