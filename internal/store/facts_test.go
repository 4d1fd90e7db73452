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

// A large batch of facts — more than are gathered for one bulk INSERT,
// two engagements mixed, a once-only fact in the middle given twice — is
// recorded in full and in order: every fact once (the repeated once-only
// one skipped), the values summed as worked out by hand, the aggregates
// equal to the facts.
func TestRecordFactsLargeBatch(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := storetest.Seed(t, db)
		at := db.Now().Add(-30 * 24 * time.Hour)
		const n = 9001 // two full gatherings of 4,000 and a rest of 1,001
		var facts []store.Fact
		breach := store.Fact{EngagementID: f.A1, SubjectID: 77, At: at, Data: fact.Breach{}, Kind: fact.ResponseBreach}
		for i := range n {
			e := f.A1
			if i%3 == 0 {
				e = f.A2
			}
			facts = append(facts, store.Fact{EngagementID: e, SubjectID: int64(i + 1), At: at.Add(time.Duration(i) * time.Minute),
				Value: int64(i % 10), Data: fact.Accepted{LeadTimeS: int64(i)}})
			if i == 4500 || i == 6000 {
				facts = append(facts, breach)
			}
		}
		got, err := db.KPI.RecordFacts(ctx, f.Owner, facts)
		if err != nil || got != n+1 {
			t.Fatalf("recorded %d, %v; want %d", got, err, n+1)
		}
		// By hand: i%3 == 0 goes to A2 (3,001 facts, i = 0, 3, …, 9000);
		// values i%10 over i = 0…9000 sum to 900×45 + 0 = 40,500; A2's
		// (i = 3k) cycle through 0,3,6,9,2,5,8,1,4,7 every 30: 300 cycles
		// of 45 and i = 9000 (0): 13,500.
		for _, w := range []struct {
			e          int64
			count, sum int64
		}{{f.A1, 6000, 40500 - 13500}, {f.A2, 3001, 13500}} {
			var count, sum int64
			if err := store.QueryRowRaw(db, `SELECT COUNT(*), SUM(value) FROM facts WHERE engagement_id = ? AND kind = ?`,
				w.e, string(fact.DeliverableAccepted)).Scan(&count, &sum); err != nil || count != w.count || sum != w.sum {
				t.Fatalf("engagement %d: %d facts summing to %d, %v; want %d, %d", w.e, count, sum, err, w.count, w.sum)
			}
		}
		var breaches int64
		if err := store.QueryRowRaw(db, `SELECT COUNT(*) FROM facts WHERE kind = ?`, string(fact.ResponseBreach)).Scan(&breaches); err != nil || breaches != 1 {
			t.Fatalf("once-only fact recorded %d times, %v", breaches, err)
		}
		if m, err := db.KPI.Verify(ctx); err != nil || m != nil {
			t.Fatalf("verify: %v %v", m, err)
		}
	})
}
