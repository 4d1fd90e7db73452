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
	march, _ := tandem.ParseDate("2026-03-01")
	v := &ownmetric.Value{EngagementID: f.A1, Metric: "brand_presence", PeriodKind: "month", PeriodStart: march, Value: e.value}
	return db.OwnMetrics.Enter(ctx, e.who(f), v)
}

// brandState is what a database holds of March's brand_presence: each
// value (by its figure) with its state, side and whether it counts
// through a fact; the facts (figure, and whether their subject is the
// value that counts); and who was told what of which value.
func brandState(t *testing.T, db *store.DB, f *storetest.Fixture) []string {
	t.Helper()
	var out []string
	rows, err := store.QueryRaw(db, `SELECT value, state, side, fact_id <> 0 FROM manual_values
		WHERE engagement_id = ? AND metric = 'brand_presence' ORDER BY value`, f.A1)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var value int64
		var state, side string
		var counts bool
		if err := rows.Scan(&value, &state, &side, &counts); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("value %d %s by %s, counts %v", value, state, side, counts))
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	rows, err = store.QueryRaw(db, `SELECT f.value, COALESCE(v.state, 'none'), COALESCE(v.fact_id = f.id, false) FROM facts f
		LEFT JOIN manual_values v ON v.id = f.subject_id WHERE f.engagement_id = ? AND f.kind = ?`,
		f.A1, string(fact.Manual("brand_presence", "month")))
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var value int64
		var state string
		var linked bool
		if err := rows.Scan(&value, &state, &linked); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("fact %d of a %s value, linked %v", value, state, linked))
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	rows, err = store.QueryRaw(db, `SELECT n.kind, n.user_id, v.value FROM notifications n JOIN manual_values v ON v.id = n.subject_id
		WHERE n.engagement_id = ? AND n.kind LIKE 'manual.%' ORDER BY v.value, n.kind, n.user_id`, f.A1)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var kind string
		var user, value int64
		if err := rows.Scan(&kind, &user, &value); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%s to %d of %d", kind, user, value))
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
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
			got, want := brandState(t, batched, f), brandState(t, alone, g)
			if !slices.Equal(got, want) {
				t.Errorf("entered in one batch:\n%s\none by one:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
			manager, deciders := f.VendorManager.UserID, 0
			for _, s := range got {
				if strings.HasPrefix(s, ownmetric.ActionReported+" ") {
					deciders++
				}
			}
			byHand := []string{
				"value 40 replaced by client, counts false", "value 50 replaced by partner, counts false",
				"value 60 replaced by client, counts false", "value 70 replaced by partner, counts false",
				"value 80 replaced by client, counts false", "value 90 confirmed by client, counts true",
				"fact 90 of a confirmed value, linked true",
			}
			if !slices.Equal(got[:len(byHand)], byHand) {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got[:min(len(got), len(byHand))], "\n"), strings.Join(byHand, "\n"))
			}
			// The partner's people are told of the value that replaced
			// each report.
			for _, told := range []string{fmt.Sprintf("%s to %d of 60", ownmetric.ActionReplaced, manager),
				fmt.Sprintf("%s to %d of 80", ownmetric.ActionReplaced, manager)} {
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
			got := brandState(t, db, f)
			if !slices.Contains(got, "value 50 rejected by partner, counts false") || !slices.Contains(got, "value 60 pending by partner, counts false") {
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
