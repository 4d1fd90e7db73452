package store_test

import (
	"context"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/notice"
	"github.com/tandemhq/tandem/internal/portfolio"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
	"github.com/tandemhq/tandem/internal/work"
)

// TestReadOpenWorkScopes: the batch read of what waits gives each person
// exactly what the one-engagement lists give them — the owner all three
// engagements, partner A's manager A1 and A2, A's agent A1 only, partner
// B's manager B1 only — and ignores an engagement of another workspace.
func TestReadOpenWorkScopes(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			clock := storetest.NewClock(time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC))
			db := storetest.Open(t, dialect, clock.Now)
			f := storetest.Seed(t, db)
			filer := map[int64]tandem.Principal{f.A1: f.VendorManager, f.A2: f.VendorManager, f.B1: f.VendorManagerB}
			for _, e := range []int64{f.A1, f.A2, f.B1} {
				storetest.Activate(t, db, f.Owner, e, nil)
				v, err := db.Contracts.InForce(ctx, f.Owner, e, tandem.DateOf(db.Now()))
				mustDo(t, err)
				d := &work.Deliverable{EngagementID: e, ServiceKey: v.Terms.Services[0].Key, Title: "Report", DueAt: db.Now().Add(48 * time.Hour)}
				mustDo(t, db.Work.Create(ctx, f.Owner, d))
				mustDo(t, db.Notices.File(ctx, filer[e], &notice.Notice{EngagementID: e, Category: "missing_information", Text: "Need the price list"}))
			}
			all := []int64{f.A1, f.A2, f.B1, f.OtherEngagement}
			for _, c := range []struct {
				name string
				p    tandem.Principal
				want []int64
			}{
				{"owner", f.Owner, []int64{f.A1, f.A2, f.B1}},
				{"partner A's manager", f.VendorManager, []int64{f.A1, f.A2}},
				{"partner A's agent", f.VendorAgent, []int64{f.A1}},
				{"partner B's manager", f.VendorManagerB, []int64{f.B1}},
			} {
				ow, err := db.ReadOpenWork(ctx, c.p, all, clock.Now().Add(-24*time.Hour))
				mustDo(t, err)
				var notices, deliverables []int64
				for _, n := range ow.Notices {
					notices = append(notices, n.EngagementID)
				}
				for _, d := range ow.Deliverables {
					deliverables = append(deliverables, d.EngagementID)
				}
				slices.Sort(notices)
				slices.Sort(deliverables)
				if !slices.Equal(notices, c.want) || !slices.Equal(deliverables, c.want) {
					t.Errorf("%s: notices of %v, deliverables of %v; want %v", c.name, notices, deliverables, c.want)
				}
				// The same as the one-engagement lists.
				for _, e := range c.want {
					ns, err := db.Notices.List(ctx, c.p, e, store.NoticeFilter{Open: true})
					mustDo(t, err)
					ds, _, err := db.Work.List(ctx, c.p, tandem.Page{}, store.DeliverableFilter{EngagementID: e, Open: true})
					mustDo(t, err)
					if len(ns) != 1 || len(ds) != 1 {
						t.Errorf("%s, engagement %d: the lists give %d notices, %d deliverables", c.name, e, len(ns), len(ds))
					}
				}
			}
		})
	}
}

// TestOpenWorkReadsWhatWaits: ReadOpenWork reads the open deliverables
// that may wait on a home — every one portfolio.DeliverableWaits says
// waits — but not those due beyond OpenWorkDueWithin and not yet
// submitted (issue 16: a large workspace's open work is mostly due later).
func TestOpenWorkReadsWhatWaits(t *testing.T) {
	t.Parallel()
	if portfolio.DueSoon > store.OpenWorkDueWithin {
		t.Fatalf("portfolio.DueSoon %v is beyond store.OpenWorkDueWithin %v", portfolio.DueSoon, store.OpenWorkDueWithin)
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := storetest.Seed(t, db)
		storetest.Activate(t, db, f.Owner, f.A1, nil)
		v, err := db.Contracts.InForce(ctx, f.Owner, f.A1, tandem.DateOf(db.Now()))
		mustDo(t, err)
		ids := map[string]int64{}
		for _, c := range []struct {
			name string
			due  time.Duration
		}{{"soon", 48 * time.Hour}, {"later", 30 * 24 * time.Hour}, {"submitted later", 30 * 24 * time.Hour}, {"moved soon", 72 * time.Hour}} {
			d := &work.Deliverable{EngagementID: f.A1, ServiceKey: v.Terms.Services[0].Key, Title: c.name, DueAt: db.Now().Add(c.due)}
			mustDo(t, db.Work.Create(ctx, f.Owner, d))
			ids[c.name] = d.ID
		}
		mustDo(t, db.Work.Move(ctx, f.VendorManager, ids["moved soon"], work.StatusInProgress))
		if _, err := db.Work.Submit(ctx, f.VendorManager, ids["submitted later"], "", nil); err != nil {
			t.Fatal(err)
		}
		ow, err := db.ReadOpenWork(ctx, f.Owner, []int64{f.A1}, db.Now().Add(-24*time.Hour))
		mustDo(t, err)
		read := map[string]bool{}
		for _, d := range ow.Deliverables {
			read[d.Title] = true
		}
		open, _, err := db.Work.List(ctx, f.Owner, tandem.Page{}, store.DeliverableFilter{EngagementID: f.A1, Open: true})
		mustDo(t, err)
		for _, d := range open {
			if _, waits := portfolio.DeliverableWaits(d, db.Now()); waits && !read[d.Title] {
				t.Errorf("%q waits but was not read", d.Title)
			}
		}
		if want := map[string]bool{"soon": true, "submitted later": true, "moved soon": true}; !maps.Equal(read, want) {
			t.Errorf("read %v, want %v", read, want)
		}
	})
}
