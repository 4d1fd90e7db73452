package web_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
	"github.com/tandemhq/tandem/internal/work"
)

// The engagement's activity feed says what each entry is about — a
// deliverable's title, a request's number — and links the record's page:
// the owner clicks "Deliverable created" and lands on the deliverable. The
// title is quoted as the language quotes (“…” in English, «…» in Russian).
func TestBrowserFeedNamesItsRecords(t *testing.T) {
	t.Parallel()
	clock := storetest.NewClock(time.Date(2026, 3, 20, 8, 0, 0, 0, time.UTC))
	e := newEnvAt(t, "sqlite", clock.Now)
	f := e.f
	storetest.Activate(t, e.db, f.Owner, f.A1, nil)
	v, err := e.db.Contracts.InForce(ctx, f.Owner, f.A1, storetestDate(t, "2026-03-20"))
	if err != nil {
		t.Fatal(err)
	}
	d := &work.Deliverable{EngagementID: f.A1, ServiceKey: v.Terms.Services[0].Key, Title: "Q3 brand campaign",
		DueAt: time.Date(2026, 3, 27, 15, 0, 0, 0, time.UTC)}
	if err := e.db.Work.Create(ctx, f.Owner, d); err != nil {
		t.Fatal(err)
	}
	base := fmt.Sprintf("/engagements/%d", f.A1)
	href := fmt.Sprintf(`a[href="/deliverables/%d"]`, d.ID)
	link := ".feed " + href

	b := newBrowser(t, e)
	b.signIn(f.Emails[tandem.RoleOwner])
	b.open(base)
	if got := b.text(link); got != "Deliverable created" {
		t.Fatalf("the feed's link reads %q", got)
	}
	if got := b.text(`.feed li:has(` + href + `) .feed-subject`); got != "“Q3 brand campaign”" {
		t.Errorf("the entry's subject: %q", got)
	}
	if st := b.click(link); st != 200 {
		t.Fatalf("the deliverable's page: %d", st)
	}
	if loc := b.location(); loc != fmt.Sprintf("/deliverables/%d", d.ID) {
		t.Errorf("clicked the feed's link, at %s", loc)
	}

	b.click(`form[action="/language"] button[value="ru"]`)
	b.open(base)
	if got := b.text(`.feed li:has(` + href + `) .feed-subject`); got != "«Q3 brand campaign»" {
		t.Errorf("the entry's subject in Russian: %q", got)
	}
}
