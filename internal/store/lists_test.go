package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
	"github.com/tandemhq/tandem/internal/work"
)

// Deliverables are found without accents ("malmo" finds "Möte i Malmö")
// and sorted by any of their columns both ways; an unknown sort is the
// default (soonest due first), never SQL. The audit trail sorts by actor
// and action.
func TestListsSortAndSearch(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			clock := storetest.NewClock(time.Date(2026, 5, 13, 10, 0, 0, 0, time.UTC))
			db := storetest.Open(t, dialect, clock.Now)
			f := storetest.Seed(t, db)
			storetest.Activate(t, db, f.Owner, f.A1, nil)
			v, err := db.Contracts.InForce(ctx, f.Owner, f.A1, tandem.DateOf(db.Now()))
			mustDo(t, err)
			svc := v.Terms.Services[0].Key
			titles := []string{"Möte i Malmö", "Annual report", "Zebra crossing survey"}
			for i, title := range titles {
				d := &work.Deliverable{EngagementID: f.A1, ServiceKey: svc, Title: title, DueAt: db.Now().Add(time.Duration(72-24*i) * time.Hour)}
				mustDo(t, db.Work.Create(ctx, f.Owner, d))
			}
			list := func(q, sort string) []string {
				t.Helper()
				ds, total, err := db.Work.List(ctx, f.Manager, tandem.Page{Q: q, Sort: sort}, store.DeliverableFilter{EngagementID: f.A1})
				mustDo(t, err)
				if total != len(ds) {
					t.Fatalf("total %d, %d rows", total, len(ds))
				}
				var out []string
				for _, d := range ds {
					out = append(out, d.Title)
				}
				return out
			}
			if got := list("malmo", ""); len(got) != 1 || got[0] != "Möte i Malmö" {
				t.Errorf("malmo: %v", got)
			}
			if got := list("MÖTE", ""); len(got) != 1 {
				t.Errorf("MÖTE: %v", got)
			}
			for sort, want := range map[string][]string{
				"":                    {"Zebra crossing survey", "Annual report", "Möte i Malmö"},
				"-due":                {"Möte i Malmö", "Annual report", "Zebra crossing survey"},
				"title":               {"Annual report", "Möte i Malmö", "Zebra crossing survey"},
				"-title":              {"Zebra crossing survey", "Möte i Malmö", "Annual report"},
				"title; DROP TABLE x": {"Zebra crossing survey", "Annual report", "Möte i Malmö"},
			} {
				if got := list("", sort); len(got) != 3 || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
					t.Errorf("sort %q: %v, want %v", sort, got, want)
				}
			}
			es, _, err := db.Audit.List(ctx, f.Owner, store.AuditFilter{}, tandem.Page{Sort: "action", Limit: 200})
			mustDo(t, err)
			for i := 1; i < len(es); i++ {
				if es[i-1].Action > es[i].Action {
					t.Fatalf("by action: %q before %q", es[i-1].Action, es[i].Action)
				}
			}
			es, _, err = db.Audit.List(ctx, f.Owner, store.AuditFilter{}, tandem.Page{Sort: "-when", Limit: 200})
			mustDo(t, err)
			for i := 1; i < len(es); i++ {
				if es[i-1].At.Before(es[i].At) {
					t.Fatalf("newest first: %s before %s", es[i-1].At, es[i].At)
				}
			}
		})
	}
}
