package web_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
	"github.com/tandemhq/tandem/internal/work"
)

// The owner searches A1's deliverables without the accents ("malmo" finds
// "Möte i Malmö"), sorts them by title both ways (the header says so with
// aria-sort, the order stays in the address), sorts the audit trail and
// the portfolio by a column, and downloads the deliverables as CSV and
// XLSX from the page's links.
func TestBrowserLists(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sqlite")
	f := e.f
	storetest.Activate(t, e.db, f.Owner, f.A1, nil)
	v, err := e.db.Contracts.InForce(ctx, f.Owner, f.A1, tandem.DateOf(e.db.Now()))
	if err != nil {
		t.Fatal(err)
	}
	for i, title := range []string{"Möte i Malmö", "Annual report", "Zebra survey"} {
		d := &work.Deliverable{EngagementID: f.A1, ServiceKey: v.Terms.Services[0].Key, Title: title,
			DueAt: e.db.Now().Add(time.Duration(72-24*i) * time.Hour)}
		if err := e.db.Work.Create(ctx, f.Owner, d); err != nil {
			t.Fatal(err)
		}
	}
	b := newBrowser(t, e)
	b.signIn(f.Emails[tandem.RoleOwner])
	base := fmt.Sprintf("/engagements/%d/work", f.A1)
	if st := b.open(base); st != 200 {
		t.Fatalf("work: %d", st)
	}
	titles := func() []string {
		var out []string
		for i := 1; i <= b.count("#deliverables tbody tr"); i++ {
			out = append(out, b.text(fmt.Sprintf("#deliverables tbody tr:nth-child(%d) td:first-child", i)))
		}
		return out
	}
	if got := strings.Join(titles(), "|"); got != "Zebra survey|Annual report|Möte i Malmö" {
		t.Errorf("soonest due first: %s", got)
	}
	b.do("search", chromedp.SendKeys(chromedp.CSS(`form.filters input[name="q"]`), "malmo"))
	if st := b.click(`form.filters button[type="submit"]`); st != 200 {
		t.Fatalf("search: %d", st)
	}
	if got := titles(); len(got) != 1 || got[0] != "Möte i Malmö" {
		t.Errorf("malmo: %q", got)
	}
	b.open(base)
	if st := b.click(`#deliverables th.sortable a[href*="sort=title"]`); st != 200 {
		t.Fatalf("sort: %d", st)
	}
	if got := strings.Join(titles(), "|"); got != "Annual report|Möte i Malmö|Zebra survey" || !strings.Contains(b.location(), "sort=title") ||
		b.attr(`#deliverables th.sortable.asc`, "aria-sort") != "ascending" {
		t.Errorf("by title: %s at %s", got, b.location())
	}
	b.click(`#deliverables th.sortable.asc a`)
	if got := strings.Join(titles(), "|"); got != "Zebra survey|Möte i Malmö|Annual report" || b.attr(`#deliverables th.sortable.desc`, "aria-sort") != "descending" {
		t.Errorf("by title, descending: %s", got)
	}
	for _, x := range []struct{ format, ctype string }{
		{"csv", "text/csv; charset=utf-8"},
		{"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
	} {
		href := b.attr(`nav.export-links a[href$="/deliverables/export/`+x.format+`"]`, "href")
		info := fetchInfo(b, href)
		if !strings.HasPrefix(info, "200 "+x.ctype+" ") {
			t.Errorf("download %s: %q", x.format, info)
		}
	}
	b.shot("70-deliverables-sorted")

	b.open("/audit")
	b.click(`th.sortable a[href*="sort=actor"]`)
	if b.attr(`th.sortable.asc`, "aria-sort") != "ascending" || !strings.Contains(b.location(), "sort=actor") {
		t.Errorf("audit by actor: %s", b.location())
	}
	if href := b.attr(`nav.export-links a[href^="/audit/export/csv"]`, "href"); !strings.HasPrefix(fetchInfo(b, href), "200 text/csv") {
		t.Errorf("audit download")
	}
	b.open("/portfolio")
	b.click(`#portfolio th.sortable a[href*="sort=total"]`)
	if b.attr(`#portfolio th.sortable.asc`, "aria-sort") != "ascending" {
		t.Errorf("portfolio by score: %s", b.location())
	}
}
