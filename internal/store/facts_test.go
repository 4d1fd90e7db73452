package store_test

import (
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/fact"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
)

// A fact of a kind outside the catalogue, or with a payload of another
// kind, is refused and nothing of its batch is written; a fact without a
// kind takes its payload's.
func TestFactsOnlyOfCatalogueKinds(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			clock := storetest.NewClock(time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC))
			db := storetest.Open(t, dialect, clock.Now)
			f := storetest.Seed(t, db)
			at := clock.Now().Add(-time.Hour)
			good := store.Fact{EngagementID: f.A1, SubjectID: 1, At: at, Data: fact.Accepted{LeadTimeS: 60}}
			for name, bad := range map[string]store.Fact{
				"unknown kind":     {EngagementID: f.A1, Kind: "deliverable.lost", SubjectID: 2, At: at},
				"no kind, no data": {EngagementID: f.A1, SubjectID: 2, At: at},
				"other payload":    {EngagementID: f.A1, Kind: fact.NoticeFiled, SubjectID: 2, At: at, Data: fact.Accepted{}},
			} {
				n, err := db.KPI.RecordFacts(ctx, f.Owner, []store.Fact{good, bad})
				if tandem.ErrorCode(err) != tandem.EInvalid || n != 0 {
					t.Errorf("%s: %d recorded, %v", name, n, err)
				}
			}
			a, _ := tandem.ParseDate("2026-01-01")
			b, _ := tandem.ParseDate("2026-12-31")
			if fs, err := db.KPI.Facts(ctx, f.Owner, f.A1, nil, a, b, 10); err != nil || len(fs) != 0 {
				t.Fatalf("after refused batches: %d facts, %v", len(fs), err)
			}
			if n, err := db.KPI.RecordFacts(ctx, f.Owner, []store.Fact{good}); err != nil || n != 1 {
				t.Fatalf("good fact: %d %v", n, err)
			}
			fs, err := db.KPI.Facts(ctx, f.Owner, f.A1, []string{string(fact.DeliverableAccepted)}, a, b, 10)
			if err != nil || len(fs) != 1 || fs[0].Kind != fact.DeliverableAccepted || fs[0].Data.(fact.Accepted).LeadTimeS != 60 {
				t.Fatalf("stored: %+v %v", fs, err)
			}
			if m, err := db.KPI.Verify(ctx); err != nil || m != nil {
				t.Fatalf("verify: %v %v", m, err)
			}
		})
	}
}
