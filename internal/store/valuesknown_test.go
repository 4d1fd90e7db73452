package store_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/fact"
	"github.com/tandemhq/tandem/internal/ownmetric"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
)

// brandEntry is a value of brand_presence for March 2026 entered by who.
type brandEntry struct {
	who   func(*storetest.Fixture) tandem.Principal
	value int64
}

func byClient(f *storetest.Fixture) tandem.Principal  { return f.Owner }
func byPartner(f *storetest.Fixture) tandem.Principal { return f.VendorManager }

// enterBrand enters e as ctx's caller would.
func enterBrand(ctx context.Context, db *store.DB, f *storetest.Fixture, e brandEntry) error {
	return enterMonth(ctx, db, f, e.who, "brand_presence", "2026-03-01", e.value)
}

// enterMonth enters value for the month of day of A1's metric as who.
func enterMonth(ctx context.Context, db *store.DB, f *storetest.Fixture, who func(*storetest.Fixture) tandem.Principal, metric, day string,
	value int64) error {
	d, err := tandem.ParseDate(day)
	if err != nil {
		return err
	}
	v := &ownmetric.Value{EngagementID: f.A1, Metric: metric, PeriodKind: "month", PeriodStart: d, Value: value}
	if metric == "satisfaction" {
		v.Scale = 1
	}
	return db.OwnMetrics.Enter(ctx, who(f), v)
}

// valuesState is what a database holds of engagement A1's own metrics:
// each value (metric, period, figure, state, side, whether it counts
// through a fact); each fact of a manual metric (kind, day, figure, the
// figure and state of its subject, whether that value links to it); who
// was told what of which value; and any period with two values that
// count.
func valuesState(t *testing.T, db *store.DB, f *storetest.Fixture) []string {
	t.Helper()
	var out []string
	dump := func(q string, n int, args ...any) {
		rows, err := store.QueryRaw(db, q, args...)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			vals, ptrs := make([]any, n), make([]any, n)
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			s := make([]string, n)
			for i, v := range vals {
				if b, ok := v.([]byte); ok {
					v = string(b)
				}
				s[i] = fmt.Sprint(v)
			}
			out = append(out, strings.Join(s, " "))
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
	}
	dump(`SELECT 'value', metric, CAST(period_start AS TEXT), value, state, side, CASE WHEN fact_id <> 0 THEN 1 ELSE 0 END FROM manual_values
		WHERE engagement_id = ? ORDER BY metric, period_start, value, state`, 7, f.A1)
	dump(`SELECT 'fact', f.kind, CAST(f.day AS TEXT), f.value, COALESCE(v.value, -1), COALESCE(v.state, 'none'),
		CASE WHEN v.fact_id = f.id THEN 1 ELSE 0 END FROM facts f LEFT JOIN manual_values v ON v.id = f.subject_id
		WHERE f.engagement_id = ? AND f.kind LIKE 'manual.%' ORDER BY f.kind, f.day, f.value`, 7, f.A1)
	dump(`SELECT 'told', n.kind, n.user_id, v.value FROM notifications n JOIN manual_values v ON v.id = n.subject_id
		WHERE n.engagement_id = ? AND n.kind LIKE 'manual.%' ORDER BY v.value, n.kind, n.user_id`, 4, f.A1)
	dump(`SELECT 'twice', metric, CAST(period_start AS TEXT), COUNT(*) FROM manual_values WHERE engagement_id = ? AND state = 'confirmed'
		GROUP BY metric, period_start HAVING COUNT(*) > 1`, 4, f.A1)
	return out
}

// Values of one period entered in one batch of the writer, the partner's
// reports between the client's values, end as they end entered one by
// one, and the later ones read nothing: the batch knows the definition
// and the period's values (valuesknown.go). By hand: the client's 40
// alone, then 50 (partner), 60 (client), 70 (partner), 80 and 90
// (client) in one batch — every value but 90 replaced, one fact holding
// 90 and linked to it, each report told to the client's deciders and the
// value replacing it (60, 80) to the partner's people.
func TestValuesOfAPeriodKnownInTheBatch(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			batched, f := manualBase(t, dialect)
			alone, g := manualBase(t, dialect)
			first := brandEntry{byClient, 40}
			seq := []brandEntry{{byPartner, 50}, {byClient, 60}, {byPartner, 70}, {byClient, 80}, {byClient, 90}}
			if err := enterBrand(ctx, batched, f, first); err != nil {
				t.Fatal(err)
			}
			counters := make([]*store.StatementCounter, len(seq))
			var writes []func() error
			for i, e := range seq {
				cctx, c := store.WithStatementCounter(ctx)
				counters[i] = c
				writes = append(writes, func() error { return enterBrand(cctx, batched, f, e) })
			}
			for i, err := range batchOf(batched, writes...) {
				if err != nil {
					t.Fatalf("entry %d in the batch: %v", i, err)
				}
			}
			for _, e := range append([]brandEntry{first}, seq...) {
				if err := enterBrand(ctx, alone, g, e); err != nil {
					t.Fatal(err)
				}
			}
			got, want := valuesState(t, batched, f), valuesState(t, alone, g)
			if !slices.Equal(got, want) {
				t.Errorf("entered in one batch:\n%s\none by one:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
			manager, deciders := f.VendorManager.UserID, 0
			for _, s := range got {
				if strings.HasPrefix(s, "told "+ownmetric.ActionReported+" ") {
					deciders++
				}
			}
			kind := string(fact.Manual("brand_presence", "month"))
			byHand := []string{
				"value brand_presence 2026-03-01 40 replaced client 0", "value brand_presence 2026-03-01 50 replaced partner 0",
				"value brand_presence 2026-03-01 60 replaced client 0", "value brand_presence 2026-03-01 70 replaced partner 0",
				"value brand_presence 2026-03-01 80 replaced client 0", "value brand_presence 2026-03-01 90 confirmed client 1",
				"fact " + kind + " 2026-03-01 90 90 confirmed 1",
			}
			if !slices.Equal(got[:min(len(got), len(byHand))], byHand) {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(byHand, "\n"))
			}
			// The partner's people are told of the value that replaced
			// each report.
			for _, told := range []string{fmt.Sprintf("told %s %d 60", ownmetric.ActionReplaced, manager),
				fmt.Sprintf("told %s %d 80", ownmetric.ActionReplaced, manager)} {
				if !slices.Contains(got, told) {
					t.Errorf("missing %q in\n%s", told, strings.Join(got, "\n"))
				}
			}
			if deciders == 0 || deciders%2 != 0 {
				t.Errorf("%d reports told to the client's deciders, want as many for each of the two reports", deciders)
			}
			// The last value reads nothing and, on PostgreSQL, writes
			// nothing itself: its value and the fact's change are kept
			// for the batch's end.
			for _, q := range counters[len(seq)-1].Texts() {
				if q == "BEGIN" || q == "COMMIT" || strings.Contains(q, "nextval") {
					continue
				}
				if dialect == "postgres" || strings.HasPrefix(strings.TrimSpace(q), "SELECT") {
					t.Errorf("the last value of the batch ran %s", q)
				}
			}
			verifyClean(t, batched)
			chainIntact(t, batched)
		})
	}
}

// What a batch knows is forgotten once another job of it writes: a value
// entered after the engagement ended in the same batch is refused, and a
// report after another job decided the pending one leaves that decision
// alone.
func TestValuesKnownForgottenAfterAWrite(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			db, f := manualBase(t, dialect)
			write := func(q string, args ...any) func() error {
				return func() error {
					return store.Write(ctx, db, f.Owner, func(w store.TestTx) error { return w.Exec(q, args...) })
				}
			}
			// A report, a decision made by another job, a new report: the
			// first stays rejected, the second waits.
			errs := batchOf(db,
				func() error { return enterBrand(ctx, db, f, brandEntry{byPartner, 50}) },
				write(`UPDATE manual_values SET state = 'rejected', reason = 'no' WHERE engagement_id = ? AND metric = 'brand_presence'
					AND state = 'pending'`, f.A1),
				func() error { return enterBrand(ctx, db, f, brandEntry{byPartner, 60}) })
			if err := errors.Join(errs...); err != nil {
				t.Fatal(err)
			}
			got := valuesState(t, db, f)
			if !slices.Contains(got, "value brand_presence 2026-03-01 50 rejected partner 0") ||
				!slices.Contains(got, "value brand_presence 2026-03-01 60 pending partner 0") {
				t.Errorf("after a report, its rejection and a new report in one batch:\n%s", strings.Join(got, "\n"))
			}
			// A value, the engagement ended by another job, a value: the
			// second is refused as not live.
			errs = batchOf(db,
				func() error { return enterBrand(ctx, db, f, brandEntry{byClient, 70}) },
				write(`UPDATE engagements SET status = 'ended' WHERE id = ?`, f.A1),
				func() error { return enterBrand(ctx, db, f, brandEntry{byClient, 80}) })
			if errs[0] != nil || errs[1] != nil {
				t.Fatalf("the value before, the engagement ended: %v, %v", errs[0], errs[1])
			}
			if tandem.ErrorCode(errs[2]) != tandem.EConflict {
				t.Errorf("a value after the engagement ended in the same batch: %v, want EConflict", errs[2])
			}
			verifyClean(t, db)
		})
	}
}

// A metric's values are listed the latest entry first even when their
// ids do not follow their entries: on PostgreSQL a batch takes ids for
// its kept rows ahead (keptrows.go), and another instance's value entered
// meanwhile gets a higher one than this instance's next. By hand: 10 in a
// batch taking three ids, 20 from the other instance a minute later, 30
// from the first instance a minute after that: listed 30, 20, 10.
func TestValuesListedByEntryAcrossInstances(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			clock := storetest.NewClock(time.Date(2026, 3, 20, 8, 0, 0, 0, time.UTC))
			db := storetest.Open(t, dialect, clock.Now)
			f := storetest.Seed(t, db)
			storetest.Activate(t, db, f.Owner, f.A1, manualKPIs)
			other := storetest.Another(t, db)
			unchanged := func() error {
				return store.Write(ctx, db, f.Owner, func(w store.TestTx) error {
					return w.Exec(`UPDATE engagements SET title = title WHERE id = ?`, f.A1)
				})
			}
			errs := batchOf(db, func() error { return enterBrand(ctx, db, f, brandEntry{byClient, 10}) }, unchanged, unchanged)
			if err := errors.Join(errs...); err != nil {
				t.Fatal(err)
			}
			clock.Add(time.Minute)
			if err := enterBrand(ctx, other, f, brandEntry{byClient, 20}); err != nil {
				t.Fatal(err)
			}
			clock.Add(time.Minute)
			if err := enterBrand(ctx, db, f, brandEntry{byClient, 30}); err != nil {
				t.Fatal(err)
			}
			vals, err := db.OwnMetrics.Values(ctx, f.Owner, f.A1, "brand_presence")
			if err != nil {
				t.Fatal(err)
			}
			var got []int64
			for _, v := range vals {
				got = append(got, v.Value)
			}
			if !slices.Equal(got, []int64{30, 20, 10}) {
				t.Errorf("values listed %v, want 30, 20, 10 (the latest entry first)", got)
			}
		})
	}
}

// valueStep is a write of a sequence run both in one batch and one by one
// (TestValuesKnownEndAsOneByOne); ids are those of the database it runs
// on, read before the sequence.
type valueStep func(db *store.DB, f *storetest.Fixture, ids periodIDs) error

// periodIDs are March's pending brand_presence report and the fact its
// value that counts counts through.
type periodIDs struct{ pending, fact int64 }

func periodIDsOf(t *testing.T, db *store.DB, f *storetest.Fixture) periodIDs {
	t.Helper()
	var ids periodIDs
	if err := store.QueryRowRaw(db, `SELECT COALESCE(MAX(id), 0) FROM manual_values WHERE engagement_id = ? AND metric = 'brand_presence'
		AND state = 'pending'`, f.A1).Scan(&ids.pending); err != nil {
		t.Fatal(err)
	}
	if err := store.QueryRowRaw(db, `SELECT COALESCE(MAX(fact_id), 0) FROM manual_values WHERE engagement_id = ? AND metric = 'brand_presence'
		AND state = 'confirmed' AND period_start = '2026-03-01'`, f.A1).Scan(&ids.fact); err != nil {
		t.Fatal(err)
	}
	return ids
}

// outcome is how a write ended, as a person would be told: done, or the
// error's code.
func outcome(err error) string {
	if err == nil {
		return "ok"
	}
	return fmt.Sprint("error ", tandem.ErrorCode(err))
}

// Sequences of writes on a metric's periods — values entered by each role,
// a report confirmed or (without a reason) refused, the counting fact
// corrected or deleted, two metrics and two months interleaved — run in
// one batch of the writer end as they end run one by one in a second
// database: each write's outcome, every value's state, the facts, who was
// told what, never two values counting for a period; the aggregates
// equal the facts and the audit chain verifies. (Written from a review's
// test of de8423d.)
func TestValuesKnownEndAsOneByOne(t *testing.T) {
	t.Parallel()
	enter := func(who func(*storetest.Fixture) tandem.Principal, metric, day string, value int64) valueStep {
		return func(db *store.DB, f *storetest.Fixture, _ periodIDs) error {
			return enterMonth(ctx, db, f, who, metric, day, value)
		}
	}
	client, partner := byClient, byPartner
	agent := func(f *storetest.Fixture) tandem.Principal { return f.VendorAgent }
	manager := func(f *storetest.Fixture) tandem.Principal { return f.Manager }
	confirm := func(db *store.DB, f *storetest.Fixture, ids periodIDs) error {
		return db.OwnMetrics.Confirm(ctx, f.Owner, ids.pending)
	}
	refuse := func(db *store.DB, f *storetest.Fixture, ids periodIDs) error {
		return db.OwnMetrics.Reject(ctx, f.Owner, ids.pending, " ") // no reason: refused, the batch runs again carefully
	}
	correct := func(db *store.DB, f *storetest.Fixture, ids periodIDs) error {
		v := int64(99)
		return db.KPI.UpdateFact(ctx, f.Owner, ids.fact, store.FactEdit{Value: &v})
	}
	deleteFact := func(db *store.DB, f *storetest.Fixture, ids periodIDs) error {
		return db.KPI.DeleteFact(ctx, f.Owner, ids.fact)
	}
	const m, march, feb = "brand_presence", "2026-03-01", "2026-02-01"
	cases := map[string]struct{ before, batch []valueStep }{
		"confirmed first": {
			before: []valueStep{enter(client, m, march, 10), enter(partner, m, march, 15)},
			batch:  []valueStep{confirm, enter(client, m, "2026-03-05", 20), enter(partner, m, march, 25), enter(client, m, march, 30)},
		},
		"fact corrected between": {
			before: []valueStep{enter(client, m, march, 10)},
			batch:  []valueStep{enter(client, m, march, 20), correct, enter(client, m, march, 30), enter(partner, m, march, 35)},
		},
		"fact deleted between": {
			before: []valueStep{enter(client, m, march, 10)},
			batch:  []valueStep{enter(client, m, march, 20), deleteFact, enter(client, m, march, 30), enter(client, m, march, 40)},
		},
		"a refused write": {
			before: []valueStep{enter(client, m, march, 10), enter(partner, m, march, 15)},
			batch:  []valueStep{enter(client, m, march, 20), refuse, enter(client, m, march, 30)},
		},
		"every role": {
			before: []valueStep{enter(client, m, march, 10)},
			batch: []valueStep{enter(client, m, march, 20), enter(partner, m, march, 25), enter(agent, m, march, 27),
				enter(manager, m, march, 30), enter(agent, m, march, 33), enter(client, m, march, 40),
				enter(partner, "satisfaction", march, 5)},
		},
		"two months, two metrics": {
			before: []valueStep{enter(client, m, march, 10), enter(client, m, feb, 5)},
			batch: []valueStep{enter(client, m, march, 20), enter(client, m, feb, 6), enter(client, m, march, 30),
				enter(partner, m, feb, 7), enter(client, m, feb, 8), enter(client, "satisfaction", march, 55),
				enter(client, "satisfaction", march, 56)},
		},
	}
	for _, dialect := range storetest.Dialects(t) {
		for name, c := range cases {
			t.Run(dialect+"/"+name, func(t *testing.T) {
				t.Parallel()
				batched, f := manualBase(t, dialect)
				alone, g := manualBase(t, dialect)
				for _, s := range c.before {
					if err := s(batched, f, periodIDs{}); err != nil {
						t.Fatal(err)
					}
					if err := s(alone, g, periodIDs{}); err != nil {
						t.Fatal(err)
					}
				}
				fi, gi := periodIDsOf(t, batched, f), periodIDsOf(t, alone, g)
				var writes []func() error
				for _, s := range c.batch {
					writes = append(writes, func() error { return s(batched, f, fi) })
				}
				var got, want []string
				for i, err := range batchOf(batched, writes...) {
					got = append(got, outcome(err))
					want = append(want, outcome(c.batch[i](alone, g, gi)))
				}
				if !slices.Equal(got, want) {
					t.Errorf("outcomes in one batch %v, one by one %v", got, want)
				}
				if got, want := valuesState(t, batched, f), valuesState(t, alone, g); !slices.Equal(got, want) {
					t.Errorf("in one batch:\n%s\none by one:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
				}
				verifyClean(t, batched)
				chainIntact(t, batched)
			})
		}
	}
}
