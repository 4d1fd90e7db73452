package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/fact"
	"github.com/tandemhq/tandem/internal/kpi"
	"github.com/tandemhq/tandem/internal/ownmetric"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
)

// Entering a value reads the period's values of one state (the value that
// counts; the pending ones to mark replaced, with who reported them): the index reaches them by
// state, not by reading every value the period ever had (migration 0047).
func TestManualValuesReadByState(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			db := storetest.Open(t, dialect, nil)
			for q, times := range store.ReplaceQueries {
				var args []any
				for range times {
					args = append(args, int64(1), int64(2), "m", "month", "2026-12-01")
				}
				var plan []string
				var err error
				if dialect == "postgres" {
					plan, err = store.QueryPlanPG(db, q, args...)
				} else {
					plan, err = store.QueryPlan(db, q, args...)
				}
				if err != nil {
					t.Fatal(err)
				}
				all := strings.Join(plan, "\n")
				// Each read of the table (a line of SQLite's plan, an
				// index scan of PostgreSQL's with its condition on the
				// next line) reaches the values by their state: the
				// state a term of SQLite's search or in PostgreSQL's
				// index condition, not a filter of what it read. The
				// value that counts may come from the unique index of
				// confirmed values, which holds only them.
				reads := 0
				for i, line := range plan {
					if !strings.Contains(line, "manual_values") || strings.Contains(line, "Update on") {
						continue
					}
					reads++
					cond := line
					if dialect == "postgres" && i+1 < len(plan) {
						cond = plan[i+1]
					}
					byState := strings.Contains(cond, "state=?") || strings.Contains(cond, "Index Cond") && strings.Contains(cond, "state = ")
					if !strings.Contains(line, "manual_values_confirmed") && (!strings.Contains(line, "manual_values_engagement") || !byState) {
						t.Errorf("%s:\n%s\nwant each read of manual_values by its state", q, all)
					}
				}
				if reads == 0 {
					t.Errorf("%s:\n%s\nreads no value", q, all)
				}
			}
		})
	}
}

// A batch of the writer on PostgreSQL reads manual_values through its
// index even when the table's statistics, gathered while it was small,
// say reading it whole is cheaper (writerPlans): the plan kept for the
// statement would otherwise read every value a period ever had as the
// table grows. Beside the writer (a bulk job) the same statement is
// planned as PostgreSQL would plan it, which shows the test's table is
// one it reads whole.
func TestWriterReadsByIndex(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		if dialect != "postgres" {
			continue
		}
		db, f := manualBase(t, dialect)
		day, _ := tandem.ParseDate("2026-03-01")
		if err := db.OwnMetrics.Enter(ctx, f.Owner, &ownmetric.Value{EngagementID: f.A1, Metric: "satisfaction", PeriodKind: "month",
			PeriodStart: day, Value: 80, Scale: 1}); err != nil {
			t.Fatal(err)
		}
		if err := store.ExecRaw(db, `ANALYZE manual_values`); err != nil {
			t.Fatal(err)
		}
		var args []any
		for range 2 {
			args = append(args, f.WorkspaceID, f.A1, "satisfaction", "month", "2026-03-01")
		}
		plan := func(write func(context.Context, *store.DB, tandem.Principal, func(store.TestTx) error) error) string {
			var lines []string
			if err := write(ctx, db, f.Owner, func(w store.TestTx) (err error) {
				lines, err = w.Plan(store.ReplaceBothQuery, args...)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			return strings.Join(lines, "\n")
		}
		if beside := plan(store.WriteAlone); !strings.Contains(beside, "Seq Scan on manual_values") {
			t.Fatalf("beside the writer the statement reads the table by an index already; the test shows nothing:\n%s", beside)
		}
		if batch := plan(store.Write); strings.Contains(batch, "Seq Scan") || !strings.Contains(batch, "manual_values_") {
			t.Errorf("a batch reads manual_values whole:\n%s", batch)
		}
	}
}

// Entering a value on PostgreSQL takes the lock of its period
// (lockPeriod) in the statement that reads the metric's definition: while
// a transaction beside the writer holds that lock, the entry waits, and
// it is written once the lock is let go.
func TestValueEntryTakesItsPeriodsLock(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		if dialect != "postgres" {
			continue
		}
		db, f := manualBase(t, dialect)
		march, _ := tandem.ParseDate("2026-03-01")
		locked, release, held := make(chan struct{}), make(chan struct{}), make(chan error, 1)
		go func() {
			held <- store.WriteAlone(ctx, db, f.Owner, func(w store.TestTx) error {
				if err := w.Exec(`SELECT pg_advisory_xact_lock(hashtextextended(?, 0))`,
					store.PeriodLockKey(f.Owner, f.A1, "satisfaction", "month", march)); err != nil {
					return err
				}
				close(locked)
				<-release
				return nil
			})
		}()
		<-locked
		entered := make(chan error, 1)
		// A day in the month: the lock is the period's, named by its
		// first day.
		day, _ := tandem.ParseDate("2026-03-17")
		go func() {
			entered <- db.OwnMetrics.Enter(ctx, f.Owner, &ownmetric.Value{EngagementID: f.A1, Metric: "satisfaction", PeriodKind: "month",
				PeriodStart: day, Value: 70, Scale: 1})
		}()
		for waited := false; !waited; {
			select {
			case err := <-entered:
				close(release)
				t.Fatalf("the value was entered (%v) while its period's lock was held", err)
			case <-time.After(10 * time.Millisecond):
			}
			var n int
			if err := store.QueryRowRaw(db, `SELECT COUNT(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
				WHERE NOT l.granted AND l.locktype = 'advisory' AND a.datname = current_database()`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			waited = n > 0
		}
		close(release)
		if err := <-held; err != nil {
			t.Fatal(err)
		}
		if err := <-entered; err != nil {
			t.Fatalf("the entry, once the lock was let go: %v", err)
		}
		vs, err := db.OwnMetrics.Values(ctx, f.Owner, f.A1, "satisfaction")
		if err != nil || len(vs) != 1 || vs[0].Value != 70 || vs[0].PeriodStart != march {
			t.Errorf("values %+v %v; want the one entered, in March", vs, err)
		}
	}
}

// A typed value is read with the decimals of the metric in force and held
// to its bounds inside the entry (ownmetric.Typed: the form and the API
// no longer read the definition first), every time — the definition comes
// from terms decoded once per stored text and shared, and reading one
// value must not change it for the next. Bad input changes nothing.
func TestTypedValueReadWithTheMetricsDecimals(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			db, f := boundedBase(t, dialect)
			march, _ := tandem.ParseDate("2026-03-01")
			enter := func(text string, sep rune) (*ownmetric.Value, error) {
				v := &ownmetric.Value{EngagementID: f.A1, Metric: "satisfaction", PeriodKind: "month", PeriodStart: march,
					Typed: &ownmetric.Typed{Text: text, Sep: sep}}
				return v, db.OwnMetrics.Enter(ctx, f.Manager, v)
			}
			for i, in := range []struct {
				text string
				sep  rune
				want int64
			}{{"2,5", ',', 25}, {"4.5", '.', 45}, {" 1,0 ", ',', 10}} {
				v, err := enter(in.text, in.sep)
				if err != nil {
					t.Fatalf("entry %d (%q): %v", i, in.text, err)
				}
				if v.Value != in.want || v.Scale != 1 || v.Typed != nil {
					t.Fatalf("entry %d (%q): value %d scale %d, want %d scale 1", i, in.text, v.Value, v.Scale, in.want)
				}
			}
			vals, err := db.OwnMetrics.Values(ctx, f.Manager, f.A1, "")
			if err != nil {
				t.Fatal(err)
			}
			counting := func() (n int, value int64) {
				for _, v := range vals {
					if v.State == ownmetric.Confirmed {
						n, value = n+1, v.Value
					}
				}
				return n, value
			}
			if n, v := counting(); n != 1 || v != 10 {
				t.Fatalf("counting values %d, the last %d; want one, 10", n, v)
			}
			for _, bad := range []struct {
				text string
				sep  rune
				key  string
			}{{"5,01", ',', "values.bad_value"}, {"5,1", '.', "values.bad_value"}, {"", ',', "values.bad_value"},
				{"0,9", ',', "kpi.manual.range"}, {"5,1", ',', "kpi.manual.range"}} {
				_, err := enter(bad.text, bad.sep)
				if tandem.ErrorCode(err) != tandem.EInvalid || fieldKeys(err)["value"] != bad.key {
					t.Errorf("%q with %q: %v, want %s on value", bad.text, bad.sep, err, bad.key)
				}
			}
			if vals, err = db.OwnMetrics.Values(ctx, f.Manager, f.A1, ""); err != nil {
				t.Fatal(err)
			}
			if n, v := counting(); n != 1 || v != 10 || len(vals) != 3 {
				t.Fatalf("after bad input: %d values, %d counting, the last %d; want 3, one, 10", len(vals), n, v)
			}
		})
	}
}

// Values of one period entered at the same time, from many connections:
// each entry replaces the one that counted, so all succeed, exactly one
// value counts and one fact stands for it, and the aggregates agree with
// the facts. On PostgreSQL two entries at once used to replace the same
// value, the second finding its fact gone (404).
func TestManualValuesEnteredAtOnce(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			db, f := manualBase(t, dialect)
			march, _ := tandem.ParseDate("2026-03-01")
			allAtOnce(t, 8, func(g int) error {
				for i := range 10 {
					v := &ownmetric.Value{EngagementID: f.A1, Metric: "satisfaction", PeriodKind: "month", PeriodStart: march,
						Value: int64(50 + g*5 + i%5), Scale: 1}
					if err := db.OwnMetrics.Enter(ctx, f.Manager, v); err != nil {
						return err
					}
				}
				return nil
			})
			if n := count(t, db, `SELECT COUNT(*) FROM manual_values WHERE engagement_id = ? AND state = 'confirmed'`, f.A1); n != 1 {
				t.Errorf("%d values count, want 1", n)
			}
			if n := count(t, db, `SELECT COUNT(*) FROM facts WHERE engagement_id = ? AND kind LIKE 'manual.%'`, f.A1); n != 1 {
				t.Errorf("%d facts of the period, want 1", n)
			}
			if m, err := db.KPI.Verify(ctx); err != nil || m != nil {
				t.Errorf("kpi verify: %+v, %v", m, err)
			}
		})
	}
}

// A value entered again counts through the fact of the value it replaces,
// changed in place (its value, its subject), and the aggregates move by
// the difference; a report the client confirms does the same. A fact a
// correction moved to another day is deleted instead and a new one
// recorded. Figures by hand; kpi verify clean after each step.
func TestValueEnteredAgainKeepsItsFact(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			db, f := manualBase(t, dialect)
			march := kpi.PeriodOf(kpi.Month, time.Date(2026, 3, 10, 12, 0, 0, 0, kpiZone), kpiZone)
			day := func(s string) tandem.Date { d, _ := tandem.ParseDate(s); return d }
			enter := func(p tandem.Principal, metric string, value int64) *ownmetric.Value {
				t.Helper()
				v := &ownmetric.Value{EngagementID: f.A1, Metric: metric, PeriodKind: "month", PeriodStart: day("2026-03-01"), Value: value}
				if metric == "satisfaction" {
					v.Scale = 1
				}
				if err := db.OwnMetrics.Enter(ctx, p, v); err != nil {
					t.Fatal(err)
				}
				return v
			}
			facts := func(metric string) []store.RecordedFact {
				t.Helper()
				fs, err := db.KPI.Facts(ctx, f.Owner, f.A1, []string{string(fact.Manual(metric, "month"))}, day("2026-03-01"), day("2026-04-01"), 100)
				if err != nil {
					t.Fatal(err)
				}
				if m, err := db.KPI.Verify(ctx); err != nil || m != nil {
					t.Fatalf("verify: %v %v", m, err)
				}
				return fs
			}
			csat := func() kpi.Row {
				t.Helper()
				sc, err := db.KPI.Scorecard(ctx, f.Viewer, f.A1, march)
				if err != nil {
					t.Fatal(err)
				}
				return row(t, sc, "csat")
			}

			first := enter(f.Manager, "satisfaction", 80)
			// Brand presence 50, so that the first fact is not the newest
			// (SQLite gives a deleted newest row's id to the next).
			brandFact := enter(f.Owner, "brand_presence", 50).FactID
			second := enter(f.Owner, "satisfaction", 0)
			if second.FactID != first.FactID {
				t.Fatalf("the value entered again counts through fact %d, not %d", second.FactID, first.FactID)
			}
			if old, err := db.OwnMetrics.Value(ctx, f.Owner, f.A1, first.ID); err != nil || old.State != ownmetric.Replaced || old.FactID != 0 {
				t.Fatalf("the replaced value: %+v %v", old, err)
			}
			if fs := facts("satisfaction"); len(fs) != 1 || fs[0].ID != first.FactID || fs[0].Value != 0 || fs[0].SubjectID != second.ID {
				t.Fatalf("facts after 8.0 → 0.0: %+v", fs)
			}
			if r := csat(); !r.HasData || r.Actual.Cmp(kpi.Int(0)) != 0 {
				t.Fatalf("csat after 0.0: %+v", r)
			}
			// 6.5: (6.5 − 5.0) / (9.0 − 5.0) = 37.50.
			third := enter(f.Owner, "satisfaction", 65)
			if fs := facts("satisfaction"); len(fs) != 1 || fs[0].ID != first.FactID || fs[0].Value != 65 || fs[0].SubjectID != third.ID {
				t.Fatalf("facts after 0.0 → 6.5: %+v", fs)
			}
			if r := csat(); r.Actual.Cmp(kpi.Ratio(13, 2)) != 0 || r.Score != 3750 {
				t.Fatalf("csat after 6.5: %+v", r)
			}

			// The partner's reports of brand presence, confirmed one after the other.
			for _, value := range []int64{60, 70} {
				rep := enter(f.VendorManager, "brand_presence", value)
				if err := db.OwnMetrics.Confirm(ctx, f.Manager, rep.ID); err != nil {
					t.Fatal(err)
				}
				got, err := db.OwnMetrics.Value(ctx, f.Owner, f.A1, rep.ID)
				if err != nil {
					t.Fatal(err)
				}
				if fs := facts("brand_presence"); len(fs) != 1 || fs[0].ID != brandFact || got.FactID != brandFact || fs[0].Value != value || fs[0].SubjectID != rep.ID {
					t.Fatalf("facts after the report of %d was confirmed: %+v (value's fact %d)", value, fs, got.FactID)
				}
			}

			// A correction moves the satisfaction fact to 5 March; the next
			// value's fact is a new one on the period's first day.
			moved := time.Date(2026, 3, 5, 12, 0, 0, 0, kpiZone)
			if err := db.KPI.UpdateFact(ctx, f.Owner, first.FactID, store.FactEdit{At: &moved}); err != nil {
				t.Fatal(err)
			}
			// 7.5: (7.5 − 5.0) / 4 = 62.50.
			fourth := enter(f.Owner, "satisfaction", 75)
			fs := facts("satisfaction")
			if len(fs) != 1 || fs[0].ID == first.FactID || fs[0].ID != fourth.FactID || fs[0].Day.String() != "2026-03-01" || fs[0].Value != 75 {
				t.Fatalf("facts after the moved fact's value was replaced: %+v", fs)
			}
			if r := csat(); r.Actual.Cmp(kpi.Ratio(15, 2)) != 0 || r.Score != 6250 {
				t.Fatalf("csat after 7.5: %+v", r)
			}
		})
	}
}

// A value entered again while the fact of the value it replaces is
// corrected or deleted (KPIStore.UpdateFact, DeleteFact): the entry
// starts from the fact as it stands, so the aggregates equal the facts.
// On PostgreSQL a transaction holds the counted value's row, so that the
// entry has read the old fact (80) and waits; the fact is then corrected
// to 30 or deleted, and the entry goes on. The entry succeeds — after a
// deletion with a new fact — and `kpi verify` is clean. SQLite's single
// writer runs the change and then the entry.
func TestValueEnteredAgainWhileItsFactChanges(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		for _, change := range []string{"update", "delete"} {
			t.Run(dialect+"/"+change, func(t *testing.T) {
				t.Parallel()
				db, f := manualBase(t, dialect)
				day, _ := tandem.ParseDate("2026-03-01")
				enter := func(value int64) (*ownmetric.Value, error) {
					v := &ownmetric.Value{EngagementID: f.A1, Metric: "satisfaction", PeriodKind: "month", PeriodStart: day, Value: value, Scale: 1}
					return v, db.OwnMetrics.Enter(ctx, f.Owner, v)
				}
				first, err := enter(80)
				if err != nil {
					t.Fatal(err)
				}
				// On PostgreSQL the change comes from another instance: in
				// this one it would wait in the writer's queue behind the
				// entry, which waits for the test.
				changer := db
				if dialect == "postgres" {
					changer = storetest.Another(t, db)
				}
				changeFact := func() {
					t.Helper()
					if change == "update" {
						v := int64(30)
						if err := changer.KPI.UpdateFact(ctx, f.Owner, first.FactID, store.FactEdit{Value: &v}); err != nil {
							t.Fatal(err)
						}
					} else if err := changer.KPI.DeleteFact(ctx, f.Owner, first.FactID); err != nil {
						t.Fatal(err)
					}
				}
				var second *ownmetric.Value
				if dialect != "postgres" {
					changeFact()
					if second, err = enter(65); err != nil {
						t.Fatal(err)
					}
				} else {
					locked, release, blocked := make(chan struct{}), make(chan struct{}), make(chan error, 1)
					go func() {
						blocked <- store.WriteAlone(ctx, db, f.Owner, func(w store.TestTx) error {
							if err := w.Exec(`SELECT id FROM manual_values WHERE id = ? FOR UPDATE`, first.ID); err != nil {
								return err
							}
							close(locked)
							<-release
							return nil
						})
					}()
					<-locked
					type result struct {
						v   *ownmetric.Value
						err error
					}
					entered := make(chan result, 1)
					go func() { v, err := enter(65); entered <- result{v, err} }()
					waitForLockWait(t, db, "the entry")
					changeFact()
					close(release)
					if err := <-blocked; err != nil {
						t.Fatal(err)
					}
					r := <-entered
					if r.err != nil {
						t.Fatalf("the entry: %v", r.err)
					}
					second = r.v
				}
				var n, sum, fn, fsum int64
				if err := store.QueryRowRaw(db, `SELECT COALESCE(SUM(n), 0), COALESCE(SUM(sum_value), 0) FROM kpi_daily WHERE engagement_id = ? AND kind = 'manual.satisfaction.month'`, f.A1).Scan(&n, &sum); err != nil {
					t.Fatal(err)
				}
				if err := store.QueryRowRaw(db, `SELECT COUNT(*), COALESCE(SUM(value), 0) FROM facts WHERE engagement_id = ? AND kind = 'manual.satisfaction.month'`, f.A1).Scan(&fn, &fsum); err != nil {
					t.Fatal(err)
				}
				if fn != 1 || fsum != 65 || n != 1 || sum != 65 {
					t.Errorf("kpi_daily n %d Σ %d, facts n %d Σ %d; want one fact of 65 in both", n, sum, fn, fsum)
				}
				var linked int64
				if err := store.QueryRowRaw(db, `SELECT COUNT(*) FROM facts WHERE id = ? AND subject_id = ?`, second.FactID, second.ID).Scan(&linked); err != nil || linked != 1 {
					t.Errorf("the new value's fact %d is not its own: %d %v", second.FactID, linked, err)
				}
				if m, err := db.KPI.Verify(ctx); err != nil || m != nil {
					t.Errorf("verify: %+v %v", m, err)
				}
			})
		}
	}
}

// Entering a value finds the terms in force decoded by the hash stored
// with them (migration 0049), and the hash never outlives its text: every
// version the store wrote has the hash the migration computes for old
// rows, and a change of the text that leaves the hash as it was (by hand,
// in SQL) clears it, so the next entry reads the new text — here a lower
// bound — and not the terms kept under the old hash.
func TestTermsFoundByTheirHash(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			db, f := boundedBase(t, dialect)
			if all, wrong := storetest.TermsHashes(t, db); all == 0 || wrong != 0 {
				t.Fatalf("%d versions, %d without the hash of their terms", all, wrong)
			}
			march, _ := tandem.ParseDate("2026-03-01")
			enter := func(text string) error {
				return db.OwnMetrics.Enter(ctx, f.Manager, &ownmetric.Value{EngagementID: f.A1, Metric: "satisfaction",
					PeriodKind: "month", PeriodStart: march, Typed: &ownmetric.Typed{Text: text, Sep: ','}})
			}
			if err := enter("4,5"); err != nil {
				t.Fatal(err)
			}
			rows, err := store.QueryRaw(db, `SELECT id, terms FROM contract_versions WHERE engagement_id = ?`, f.A1)
			if err != nil {
				t.Fatal(err)
			}
			texts := map[int64]string{}
			for rows.Next() {
				var id int64
				var text string
				if err := rows.Scan(&id, &text); err != nil {
					t.Fatal(err)
				}
				texts[id] = text
			}
			rows.Close()
			for id, text := range texts {
				var terms contract.Terms
				if err := json.Unmarshal([]byte(text), &terms); err != nil {
					t.Fatal(err)
				}
				if m := terms.MetricDef("satisfaction"); m != nil {
					low := int64(30)
					m.Max = &low
				}
				js, err := json.Marshal(terms)
				if err != nil {
					t.Fatal(err)
				}
				if err := storetest.Exec(db, `UPDATE contract_versions SET terms = ? WHERE id = ?`, string(js), id); err != nil {
					t.Fatal(err)
				}
			}
			n, err := store.QueryInt64s(db, `SELECT COUNT(*) FROM contract_versions WHERE engagement_id = ? AND terms_hash IS NOT NULL`, f.A1)
			if err != nil || n[0] != 0 {
				t.Fatalf("versions changed by hand that keep their hash: %v %v", n, err)
			}
			if err := enter("4,0"); tandem.ErrorCode(err) != tandem.EInvalid || fieldKeys(err)["value"] != "kpi.manual.range" {
				t.Fatalf("4,0 above the new bound of 3,0: %v", err)
			}
			if err := enter("2,5"); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// boundedBase is manualBase with the first metric (satisfaction, one
// decimal) bounded to 1,0–5,0.
func boundedBase(t testing.TB, dialect string) (*store.DB, *storetest.Fixture) {
	t.Helper()
	lo, hi := int64(10), int64(50)
	return manualBase(t, dialect, func(terms *contract.Terms) {
		terms.Metrics[0].Min, terms.Metrics[0].Max = &lo, &hi
	})
}

// Values entered again in one batch of the writer keep the difference
// each makes for the batch's end (later.go): the entries themselves write
// no aggregate, and the day's and week's rows end at the last value. By
// hand: 8.0 entered alone, then 6.0, 7.5 and 9.0 (scale 1) in one batch:
// one fact, 90; its day's row and its week's row n 1, Σ 90.
func TestValuesOfABatchMoveTheirAggregatesOnce(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			db, f := manualBase(t, dialect)
			march, _ := tandem.ParseDate("2026-03-01")
			enter := func(ctx context.Context, value int64) error {
				v := &ownmetric.Value{EngagementID: f.A1, Metric: "satisfaction", PeriodKind: "month", PeriodStart: march, Value: value, Scale: 1}
				return db.OwnMetrics.Enter(ctx, f.Owner, v)
			}
			if err := enter(ctx, 80); err != nil {
				t.Fatal(err)
			}
			var counted [3]*store.StatementCounter
			var writes []func() error
			for i, value := range []int64{60, 75, 90} {
				cctx, c := store.WithStatementCounter(ctx)
				counted[i] = c
				writes = append(writes, func() error { return enter(cctx, value) })
			}
			for i, err := range batchOf(db, writes...) {
				if err != nil {
					t.Fatalf("entry %d: %v", i, err)
				}
			}
			for i, c := range counted {
				for _, q := range c.Texts() {
					if strings.Contains(q, "kpi_daily") || strings.Contains(q, "kpi_weekly") {
						t.Errorf("entry %d wrote an aggregate itself: %s", i, q)
					}
				}
			}
			kind := string(fact.Manual("satisfaction", "month"))
			for _, table := range []string{"kpi_daily", "kpi_weekly"} {
				var n, sum int64
				if err := store.QueryRowRaw(db, `SELECT COALESCE(SUM(n), 0), COALESCE(SUM(sum_value), 0) FROM `+table+`
					WHERE engagement_id = ? AND kind = ?`, f.A1, kind).Scan(&n, &sum); err != nil {
					t.Fatal(err)
				}
				if n != 1 || sum != 90 {
					t.Errorf("%s: n %d, Σ %d; want n 1, Σ 90", table, n, sum)
				}
			}
			if m, err := db.KPI.Verify(ctx); err != nil || m != nil {
				t.Fatalf("verify: %v %v", m, err)
			}
		})
	}
}

// Two instances on one database enter the values of two metrics of the
// same month at once, half of their writers one metric first and half the
// other: each instance's batches hold several periods' locks and rows, in
// an order the other instance's batches may take the other way round.
// Every entry succeeds at its first run — no batch waits for another in a
// circle, which PostgreSQL would end after a second by failing one — each
// metric ends with one value that counts, its one fact holds that value,
// the aggregates equal the facts and the audit chain verifies.
func TestValuesFromTwoInstancesAtOnce(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			db, f := manualBase(t, dialect)
			other := storetest.Another(t, db)
			march, _ := tandem.ParseDate("2026-03-01")
			metrics := []string{"satisfaction", "brand_presence"}
			instances := []*store.DB{db, other}
			allAtOnce(t, 16, func(w int) error {
				i, g := w%2, w/2 // 8 writers on each instance
				for n := range 5 {
					for k := range 2 {
						m := metrics[(g+k)%2]
						v := &ownmetric.Value{EngagementID: f.A1, Metric: m, PeriodKind: "month", PeriodStart: march,
							Value: int64(50 + i*20 + g + n)}
						if m == "satisfaction" {
							v.Scale = 1
						}
						if err := instances[i].OwnMetrics.Enter(ctx, f.Owner, v); err != nil {
							return err
						}
					}
				}
				return nil
			})
			if n := store.Retries(db) + store.Retries(other); n != 0 {
				t.Errorf("%d entries ran again after a deadlock or a serialization failure", n)
			}
			for _, m := range metrics {
				var n int
				var counted int64
				if err := store.QueryRowRaw(db, `SELECT COUNT(*), COALESCE(MAX(value), 0) FROM manual_values
					WHERE engagement_id = ? AND metric = ? AND state = 'confirmed'`, f.A1, m).Scan(&n, &counted); err != nil {
					t.Fatal(err)
				}
				if n != 1 {
					t.Fatalf("%s: %d values count, want 1", m, n)
				}
				var facts int
				var sum int64
				if err := store.QueryRowRaw(db, `SELECT COUNT(*), COALESCE(SUM(value), 0) FROM facts WHERE engagement_id = ? AND kind = ?`,
					f.A1, string(fact.Manual(m, "month"))).Scan(&facts, &sum); err != nil {
					t.Fatal(err)
				}
				if facts != 1 || sum != counted {
					t.Errorf("%s: %d facts, Σ %d; want one, holding the value that counts (%d)", m, facts, sum, counted)
				}
			}
			if m, err := db.KPI.Verify(ctx); err != nil || m != nil {
				t.Fatalf("kpi verify: %v %v", m, err)
			}
			chainIntact(t, db)
		})
	}
}

// On PostgreSQL a write that waits for a lock held beside the writer —
// here a transaction of its own holding the counted value's row, as an
// import or someone's psql may for seconds — does not hold up the writes
// behind it: after batchLockWait it runs again alone, beside the writer,
// and waits there. Partners are created meanwhile; once the row is let
// go, the value entered counts.
func TestWritesGoOnWhileOneWaitsForALock(t *testing.T) {
	t.Parallel()
	if !slices.Contains(storetest.Dialects(t), "postgres") {
		t.Skip("PostgreSQL only: on SQLite a transaction beside the writer holds every write (one writer)")
	}
	db, f := manualBase(t, "postgres")
	march, _ := tandem.ParseDate("2026-03-01")
	enter := func(value int64) (*ownmetric.Value, error) {
		v := &ownmetric.Value{EngagementID: f.A1, Metric: "satisfaction", PeriodKind: "month", PeriodStart: march, Value: value, Scale: 1}
		return v, db.OwnMetrics.Enter(ctx, f.Owner, v)
	}
	first, err := enter(80)
	if err != nil {
		t.Fatal(err)
	}
	locked, release, held := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	go func() {
		held <- store.WriteAlone(ctx, db, f.Owner, func(w store.TestTx) error {
			if err := w.Exec(`SELECT id FROM manual_values WHERE id = ? FOR UPDATE`, first.ID); err != nil {
				return err
			}
			close(locked)
			<-release
			return nil
		})
	}()
	<-locked
	released := false
	let := func() {
		if !released {
			released = true
			close(release)
		}
	}
	defer let() // a failure below must not leave the row held and the entry waiting
	type result struct {
		v   *ownmetric.Value
		err error
	}
	entered := make(chan result, 1)
	go func() { v, err := enter(65); entered <- result{v, err} }()
	waitForLockWait(t, db, "the entry")
	created := make(chan error, 1)
	go func() {
		for i := range 5 {
			if err := partnerNamed(db, f.Owner, fmt.Sprintf("Beside %d", i))(); err != nil {
				created <- err
				return
			}
		}
		created <- nil
	}()
	select {
	case err := <-created:
		if err != nil {
			t.Fatal(err)
		}
	case r := <-entered:
		t.Fatalf("the entry ended while the row was held: %+v", r)
	case <-time.After(time.Minute):
		t.Fatal("the partners were not created while the entry waited for the row")
	}
	if n := store.Aside(db); n < 1 {
		t.Errorf("%d jobs ran beside the writer, want the entry", n)
	}
	let()
	if err := <-held; err != nil {
		t.Fatal(err)
	}
	r := <-entered
	if r.err != nil || r.v.State != ownmetric.Confirmed {
		t.Fatalf("the entry: %+v %v", r.v, r.err)
	}
	if m, err := db.KPI.Verify(ctx); err != nil || m != nil {
		t.Fatalf("verify: %v %v", m, err)
	}
}

// allAtOnce runs write(0) … write(n−1) in n goroutines at once and fails
// the test with the first error any of them returned.
func allAtOnce(t *testing.T, n int, write func(g int) error) {
	t.Helper()
	errs := make(chan error, n)
	var wg sync.WaitGroup
	for g := range n {
		wg.Go(func() { errs <- write(g) })
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
}
