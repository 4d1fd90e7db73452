package store_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
)

// The engagement page's activity feed reads only the engagement's own
// entries, newest first, through the index events_feed — not the
// workspace's whole trail, whatever its length (issue 9: 2,584 req/s with
// 112 entries fell to 19.8 with 32,870 for want of it).
func TestFeedUsesItsIndex(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := storetest.Seed(t, db)
		// A long trail about other records, and a few entries about A1.
		p, err := db.Partners.Get(ctx, f.Owner, f.PartnerB)
		if err != nil {
			t.Fatal(err)
		}
		for i := range 300 {
			p.ContactName = "Contact " + strings.Repeat("x", i%7+1)
			if err := db.Partners.Update(ctx, f.Owner, p); err != nil {
				t.Fatal(err)
			}
		}
		e, err := db.Engagements.Get(ctx, f.Owner, f.A1)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range []string{"one", "two", "three"} {
			e.Description = d
			if err := db.Engagements.Update(ctx, f.Owner, e); err != nil {
				t.Fatal(err)
			}
		}
		feed, err := db.Audit.Feed(ctx, f.Owner, f.A1, 2)
		if err != nil {
			t.Fatal(err)
		}
		// Another partner's manager, or the partner's agent of another
		// engagement, gets nothing of it; nor does the other workspace.
		for _, p := range []tandem.Principal{f.VendorManagerB} {
			if es, err := db.Audit.Feed(ctx, p, f.A1, 20); err != nil || len(es) != 0 {
				t.Errorf("%s reads A1's feed: %d entries, %v", p.Role, len(es), err)
			}
		}
		if es, err := db.Audit.Feed(ctx, f.VendorAgent, f.B1, 20); err != nil || len(es) != 0 {
			t.Errorf("partner A's agent reads B1's feed: %d entries, %v", len(es), err)
		}
		if es, err := db.Audit.Feed(ctx, f.Owner, f.OtherEngagement, 20); err != nil || len(es) != 0 {
			t.Errorf("the owner reads the other workspace's feed: %d entries, %v", len(es), err)
		}
		// Newest first. On PostgreSQL the entries are not sealed yet (seq
		// 0 here, auditseal.go) and the feed shows them all the same.
		if len(feed) != 2 || feed[0].ID <= feed[1].ID || feed[0].Data != `{"description":["two","three"]}` {
			t.Fatalf("feed: %+v", feed)
		}
		if pg := db.Dialect() == "postgres"; pg != (feed[0].Seq == 0) || pg != (feed[0].Hash == "") {
			t.Fatalf("feed on %s: seq %d, hash %q", db.Dialect(), feed[0].Seq, feed[0].Hash)
		}
		// Sealed, the same entries in the same order, with their places in
		// the chain.
		if _, err := db.SealAudit(ctx); err != nil {
			t.Fatal(err)
		}
		sealed, err := db.Audit.Feed(ctx, f.Owner, f.A1, 2)
		if err != nil || len(sealed) != 2 || sealed[0].ID != feed[0].ID || sealed[1].ID != feed[1].ID ||
			sealed[0].Seq != sealed[1].Seq+1 || sealed[1].Seq < 300 || sealed[0].Hash == "" {
			t.Fatalf("sealed feed: %+v %v", sealed, err)
		}
		// A new entry, unsealed on PostgreSQL, comes before the sealed ones.
		e.Description = "four"
		if err := db.Engagements.Update(ctx, f.Owner, e); err != nil {
			t.Fatal(err)
		}
		mixed, err := db.Audit.Feed(ctx, f.Owner, f.A1, 3)
		if err != nil || len(mixed) != 3 || mixed[0].Data != `{"description":["three","four"]}` || mixed[1].ID != feed[0].ID || mixed[2].ID != feed[1].ID {
			t.Fatalf("feed with a new entry: %+v %v", mixed, err)
		}
		for _, x := range feed {
			if x.Entity != "engagement" || x.EntityID != f.A1 || x.Action != "engagement.updated" {
				t.Errorf("feed entry %d: %s %s %d", x.Seq, x.Action, x.Entity, x.EntityID)
			}
		}

		ix, err := store.Indexes(db, "events")
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(ix, "events_feed") {
			t.Fatalf("indexes of events: %v", ix)
		}
		if db.Dialect() == "postgres" {
			// The index's backward scan gives seq DESC NULLS FIRST, id DESC:
			// no sort, however many entries the record has.
			q, args := store.FeedSQL(f.VendorAgent, f.A1, 20)
			plan, err := store.QueryPlanPG(db, q, args...)
			if err != nil {
				t.Fatal(err)
			}
			all := strings.Join(plan, "\n")
			if !strings.Contains(all, "Index Scan Backward using events_feed on events") || strings.Contains(all, "Sort") {
				t.Errorf("the feed's plan is not a backward scan of events_feed:\n%s", all)
			}
			return
		}
		// Without statistics, as a fresh database runs, and with them.
		for _, analyze := range []bool{false, true} {
			if analyze {
				if err := storetest.Exec(db, "ANALYZE"); err != nil {
					t.Fatal(err)
				}
			}
			q, args := store.FeedSQL(f.VendorAgent, f.A1, 20)
			plan, err := store.QueryPlan(db, q, args...)
			if err != nil {
				t.Fatal(err)
			}
			all := strings.Join(plan, "\n")
			// The engagement once by its primary key (the reader's scope,
			// an agent's assignment by its key), one search of events_feed,
			// and per row the actor's name by the users' primary key: no
			// scan, no sort.
			searches := 0
			for _, l := range plan {
				if strings.HasPrefix(l, "SEARCH events USING INDEX events_feed (workspace_id=? AND entity=? AND entity_id=?)") {
					searches++
				}
			}
			if searches != 1 || !strings.HasPrefix(plan[0], "SEARCH e EXISTS USING INTEGER PRIMARY KEY") ||
				strings.Contains(all, "SCAN") || strings.Contains(all, "TEMP B-TREE") {
				t.Errorf("analyzed %v: the feed's plan is not one search of events_feed:\n%s", analyze, all)
			}
			if strings.Contains(all, "SCAN") || strings.Contains(all, "TEMP B-TREE") {
				t.Errorf("analyzed %v: the feed scans or sorts:\n%s", analyze, all)
			}
		}
	})
}

// TestFeedShowsEntriesByTime: the feed holds the entries recorded last
// and shows them newest first by their time, so an entry recorded with an
// earlier time (as the demo's history and handover packages record them)
// does not stand above newer ones.
func TestFeedShowsEntriesByTime(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			clk := storetest.NewClock(time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC))
			db := storetest.Open(t, dialect, clk.Now)
			f := storetest.Seed(t, db)
			e, err := db.Engagements.Get(ctx, f.Owner, f.A1)
			if err != nil {
				t.Fatal(err)
			}
			describe := func(d string, by time.Duration) {
				t.Helper()
				clk.Add(by)
				e.Description = d
				if err := db.Engagements.Update(ctx, f.Owner, e); err != nil {
					t.Fatal(err)
				}
			}
			describe("today", 0)
			describe("two days ago", -48*time.Hour) // recorded after, dated before
			describe("in an hour", 49*time.Hour)    // an hour after "today"
			describe("at once", -time.Hour)         // the same time as "today", recorded later
			feed, err := db.Audit.Feed(ctx, f.Owner, f.A1, 4)
			if err != nil || len(feed) != 4 {
				t.Fatalf("feed: %+v %v", feed, err)
			}
			var got []string
			for _, x := range feed {
				_, to, _ := strings.Cut(x.Data, `","`)
				got = append(got, strings.TrimSuffix(to, `"]}`))
			}
			if want := []string{"in an hour", "at once", "today", "two days ago"}; !slices.Equal(got, want) {
				t.Fatalf("feed by time: %q, want %q", got, want)
			}
		})
	}
}
