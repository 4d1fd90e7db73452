package store

import (
	"bytes"
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tandemhq/tandem/internal/access"
	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/kpi"
	"github.com/tandemhq/tandem/internal/metric"
	"github.com/tandemhq/tandem/internal/tandem"
	"modernc.org/sqlite"
)

// KPIStore is the KPI engine's storage: per-day aggregates of the facts
// (table kpi_daily) and their per-week rollup (kpi_weekly), scorecards and
// trends read from them, explanations down to the facts, and Verify, which
// recomputes every aggregate from the raw facts.
//
// Aggregates are kept current in the transaction that records a fact.
// recordFact (one fact, the work flows) and RecordFacts (a batch) both sum
// what their facts add in an aggBatch — n, Σvalue, Σvalue² (kinds that
// need it), Σflag, Σamount_minor, the facts with value 0, and for a kind
// with a sketch (metric.Kinds: lead_time_s of deliverable.accepted) the
// merged sketch of the values — per (engagement, kind, local day) and per
// (engagement, kind, ISO week), and add each sum with one upsert. For a
// row with a sketch, on SQLite the upsert merges the batch's sketch into
// the stored one itself (the SQL function sketchMergeFunc, under the
// database's one write lock); on PostgreSQL the upsert returns the stored
// sketch, the batch's is merged into it and the row is written back. The
// upsert takes the row's lock until commit, so a concurrent transaction
// recording a fact for the same row waits at its own upsert and then
// reads the sketch this one wrote (rows are upserted in key order, so
// batches do not deadlock).
//
// Editing or deleting a fact (UpdateFact, DeleteFact) recomputes the
// aggregate rows of the days it leaves and enters from that day's facts
// (recomputeDay): one day of one engagement and kind is a handful of rows
// through the facts_engagement_day index, and recomputing is exact for
// the sketch too, which cannot subtract a value; the day's week is then
// rewritten from its (at most seven) kpi_daily rows. A row whose day or
// week has no facts left is deleted.
type KPIStore struct {
	db    *DB
	stmts map[string]*sql.Stmt // the hot statements of recording a fact, prepared on the writer
}

// The statements recording a fact runs, prepared once when the database is
// opened (recordFact, RecordFacts and aggBatch.flush run them through
// Tx.prepared): parsing SQL is most of the cost of an insert on SQLite.
const (
	workspaceZoneSQL = `SELECT time_zone FROM workspaces WHERE id = ?`
)

// factsChunk is how many facts one multi-row INSERT of RecordFacts writes
// (11 parameters each: 550, well under SQLite's and PostgreSQL's limits).
const factsChunk = 50

// aggChunk is how many aggregate rows one multi-row upsert writes on
// PostgreSQL (aggBatch.flush).
const aggChunk = 200

var (
	dailyUpsertSQL        = aggUpsertSQL("kpi_daily", "day")
	weeklyUpsertSQL       = aggUpsertSQL("kpi_weekly", "week")
	dailyUpsertSketchSQL  = aggUpsertSketchSQL("kpi_daily", "day")
	weeklyUpsertSketchSQL = aggUpsertSketchSQL("kpi_weekly", "week")
	dailyMergeSketchSQL   = aggMergeSketchSQL("kpi_daily", "day")
	weeklyMergeSketchSQL  = aggMergeSketchSQL("kpi_weekly", "week")
	dailySketchSQL        = `UPDATE kpi_daily SET sketch = ? WHERE workspace_id = ? AND engagement_id = ? AND kind = ? AND day = ?`
	weeklySketchSQL       = `UPDATE kpi_weekly SET sketch = ? WHERE workspace_id = ? AND engagement_id = ? AND kind = ? AND week = ?`
	// insertFactsSQL inserts factsChunk facts of kinds that are not
	// once-only (which cannot conflict with facts_once).
	insertFactsSQL = `INSERT INTO facts (workspace_id, engagement_id, kind, subject_id, at, day, value, flag, amount_minor, currency, data) VALUES ` +
		strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?), ", factsChunk), ", ")
)

// aggUpsertSQL adds a delta (n and the sums of one or more facts) to an
// aggregate row of table (kpi_daily by day, kpi_weekly by week), creating
// it if needed.
func aggUpsertSQL(table, col string) string {
	return `INSERT INTO ` + table + ` (workspace_id, engagement_id, kind, ` + col + `, n, sum_value, sum_sq_value, sum_flag, sum_amount, n_zero)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (workspace_id, engagement_id, kind, ` + col + `) DO UPDATE SET n = ` + table + `.n + excluded.n,
		sum_value = ` + table + `.sum_value + excluded.sum_value, sum_sq_value = ` + table + `.sum_sq_value + excluded.sum_sq_value,
		sum_flag = ` + table + `.sum_flag + excluded.sum_flag, sum_amount = ` + table + `.sum_amount + excluded.sum_amount,
		n_zero = ` + table + `.n_zero + excluded.n_zero`
}

// aggUpsertSketchSQL is aggUpsertSQL for a row with a sketch: a new row is
// written with the delta's sketch; an existing row keeps its sketch, and
// the statement returns n and the sketch as they stand, so that the caller
// merges the delta's sketch into the stored one and writes it back. The
// returned n equals the delta's n exactly when the row is new (a stored
// row has n > 0).
func aggUpsertSketchSQL(table, col string) string {
	return strings.Replace(aggUpsertSQL(table, col), `n_zero)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, `n_zero, sketch)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, 1) + ` RETURNING n, sketch`
}

// aggMergeSketchSQL is aggUpsertSQL for a row with a sketch on SQLite: the
// delta's sketch is merged into the stored one by the SQL function
// sketchMergeFunc in the same statement, so that the row is written once
// instead of upserted, read back, merged in Go and updated.
func aggMergeSketchSQL(table, col string) string {
	return strings.Replace(aggUpsertSQL(table, col), `n_zero)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, `n_zero, sketch)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, 1) + `, sketch = ` + sketchMergeFunc + `(` + table + `.sketch, excluded.sketch)`
}

// sketchMergeFunc is the SQL function, registered with the SQLite driver,
// that merges two encoded kpi.Sketch values (either may be NULL or empty)
// and returns the encoding of the merge: what aggBatch.flush would write
// after reading the stored sketch back.
const sketchMergeFunc = "tandem_sketch_merge"

var registerSQLiteFuncs = sync.OnceValue(func() error {
	return sqlite.RegisterDeterministicScalarFunction(sketchMergeFunc, 2, func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
		a, _ := args[0].([]byte)
		b, _ := args[1].([]byte)
		switch {
		case len(b) == 0:
			if len(a) == 0 {
				return nil, nil
			}
			return slices.Clone(a), nil
		case len(a) == 0:
			return slices.Clone(b), nil
		}
		var sa, sb kpi.Sketch
		if err := sa.UnmarshalBinary(a); err != nil {
			return nil, fmt.Errorf("store: aggregate sketch: %w", err)
		}
		if err := sb.UnmarshalBinary(b); err != nil {
			return nil, fmt.Errorf("store: aggregate sketch: %w", err)
		}
		sa.Merge(&sb)
		return sa.MarshalBinary()
	})
})

// newKPIStore prepares the statements of recording a fact on the writer
// (no transaction runs yet when the database is opened; a statement that
// fails to prepare is simply run unprepared), and builds kpi_weekly from
// kpi_daily if the data predates it (backfillWeekly).
func newKPIStore(ctx context.Context, db *DB) *KPIStore {
	s := &KPIStore{db: db, stmts: map[string]*sql.Stmt{}}
	for _, q := range []string{workspaceZoneSQL, insertFactSQL, insertFactsSQL,
		dailyUpsertSQL, dailyUpsertSketchSQL, dailySketchSQL, weeklyUpsertSQL, weeklyUpsertSketchSQL, weeklySketchSQL,
		dailyMergeSketchSQL, weeklyMergeSketchSQL} {
		// Sketches merge in SQL on SQLite, read back and merged in Go on
		// PostgreSQL (aggBatch.flush).
		merge := q == dailyMergeSketchSQL || q == weeklyMergeSketchSQL
		readBack := q == dailyUpsertSketchSQL || q == weeklyUpsertSketchSQL || q == dailySketchSQL || q == weeklySketchSQL
		if (db.dialect.name() == "sqlite" && readBack) || (db.dialect.name() != "sqlite" && merge) {
			continue
		}
		if st, err := db.w.PrepareContext(ctx, db.dialect.rebind(q)); err == nil {
			s.stmts[q] = st
		}
	}
	// A failure leaves kpi_weekly empty: Verify names the difference and
	// the next start tries again.
	_ = s.backfillWeekly(ctx)
	return s
}

// prepared runs q, one of the statements newKPIStore prepared, in tx (or
// unprepared when it is not one of them).
func (tx *Tx) prepared(ctx context.Context, q string, args ...any) (sql.Result, error) {
	ts := tx.stmt(ctx, q)
	if ts == nil {
		return tx.exec(ctx, q, args...)
	}
	return ts.ExecContext(ctx, args...)
}

// preparedRow is prepared for a query returning one row.
func (tx *Tx) preparedRow(ctx context.Context, q string, args ...any) *sql.Row {
	ts := tx.stmt(ctx, q)
	if ts == nil {
		return tx.queryRow(ctx, q, args...)
	}
	return ts.QueryRowContext(ctx, args...)
}

// stmt returns q's prepared statement bound to tx, binding it on first
// use: a batch runs the same few statements thousands of times, and
// binding each time costs an allocation and the statement's locks. The
// transaction closes them when it ends (the writer's statement stays
// prepared on the connection). nil: q is not one of them.
func (tx *Tx) stmt(ctx context.Context, q string) *sql.Stmt {
	st := tx.db.KPI.stmt(q)
	if st == nil {
		return nil
	}
	ts := tx.stmts[st]
	if ts == nil {
		if tx.stmts == nil {
			tx.stmts = map[*sql.Stmt]*sql.Stmt{}
		}
		ts = tx.tx.StmtContext(ctx, st)
		tx.stmts[st] = ts
	}
	return ts
}

func (s *KPIStore) stmt(q string) *sql.Stmt {
	if s == nil {
		return nil
	}
	return s.stmts[q]
}

// ---------------------------------------------------------------- facts

// RecordedFact is a fact as stored, with its id and local day.
type RecordedFact struct {
	ID           int64
	EngagementID int64
	Kind         string
	SubjectID    int64
	At           time.Time
	Day          tandem.Date
	Value        int64
	Flag         bool
	AmountMinor  int64
	Currency     string
	Data         map[string]any
}

const factCols = `id, engagement_id, kind, subject_id, at, day, value, flag, amount_minor, currency, data`

func scanFact(s interface{ Scan(...any) error }, f *RecordedFact) error {
	var flag int64
	var js string
	if err := s.Scan(&f.ID, &f.EngagementID, &f.Kind, &f.SubjectID, &f.At, dateScan{&f.Day}, &f.Value, &flag, &f.AmountMinor, &f.Currency, &js); err != nil {
		return err
	}
	f.At, f.Flag = f.At.UTC(), flag != 0
	var err error
	f.Data, err = decodeData(js)
	return err
}

// decodeData decodes a fact's data, keeping numbers exact (json.Number).
func decodeData(js string) (map[string]any, error) {
	d := json.NewDecoder(strings.NewReader(js))
	d.UseNumber()
	var m map[string]any
	if err := d.Decode(&m); err != nil {
		return nil, fmt.Errorf("store: fact data: %w", err)
	}
	return m, nil
}

// dataInt reads an integer field of a fact's data, as written by Go code
// (int, int64, float64) or decoded from JSON (json.Number).
func dataInt(data map[string]any, key string) (int64, bool) {
	switch v := data[key].(type) {
	case int:
		return int64(v), true
	case int64:
		return v, true
	case float64:
		return int64(v), true
	case json.Number:
		if n, err := v.Int64(); err == nil {
			return n, true
		}
		if f, err := v.Float64(); err == nil {
			return int64(f), true
		}
	}
	return 0, false
}

// zones caches time.LoadLocation, which reads the zone file every time.
var zones sync.Map // IANA name → *time.Location

// zone returns the location named tz, UTC when unknown.
func zone(tz string) *time.Location {
	if l, ok := zones.Load(tz); ok {
		return l.(*time.Location)
	}
	l, err := time.LoadLocation(tz)
	if err != nil {
		return time.UTC
	}
	zones.Store(tz, l)
	return l
}

// workspaceLoc returns the workspace's time zone (UTC if unknown).
func workspaceLoc(ctx context.Context, row func(context.Context, string, ...any) *sql.Row, workspaceID int64) (*time.Location, error) {
	var tz string
	if err := row(ctx, `SELECT time_zone FROM workspaces WHERE id = ?`, workspaceID).Scan(&tz); err != nil {
		return nil, notFound(err)
	}
	return zone(tz), nil
}

// RecordFacts records a batch of facts in one transaction, each exactly as
// the work, notice and request stores record theirs (recordFact: the fact,
// its local day, its day's and week's aggregates), and one audit entry for
// the batch. It is the batch ingestion path (imports, synthetic load);
// owners and managers may call it, for engagements of their workspace. A
// once-only fact (penalty.*, breach.*) already recorded for its subject is
// skipped; n counts the facts recorded.
//
// The batch is written in bulk: the workspace's time zone is read once and
// each fact's local day is taken from the day before it when it falls in
// the same one (dayCache); facts go in multi-row INSERTs of factsChunk
// (once-only kinds one at a time, to learn whether they were recorded);
// and the aggregates are summed in memory first (aggBatch), sketches
// merged, so that each (engagement, kind, day) and (engagement, kind,
// week) of the batch costs one upsert, not one per fact.
func (s *KPIStore) RecordFacts(ctx context.Context, p tandem.Principal, facts []Fact) (n int, err error) {
	defer wrap(&err, "KPIStore.RecordFacts(%d)", len(facts))
	if err := access.Can(p, access.EngagementsWrite); err != nil {
		return 0, err
	}
	if len(facts) == 0 {
		return 0, nil
	}
	var ids []int64
	for _, f := range facts {
		if f.Kind == "" {
			return 0, invalid("kind", "validation.required")
		}
		if !slices.Contains(ids, f.EngagementID) {
			ids = append(ids, f.EngagementID)
		}
	}
	err = s.db.transact(ctx, func(tx *Tx) error {
		n = 0
		// Every engagement must be of p's workspace: one query for the batch.
		args := []any{p.WorkspaceID}
		for _, id := range ids {
			args = append(args, id)
		}
		var found int
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM engagements WHERE workspace_id = ? AND id IN (`+placeholders(len(ids))+`)`, args...).Scan(&found); err != nil {
			return err
		}
		if found != len(ids) {
			return tandem.ErrNotFound
		}
		var tz string
		if err := tx.preparedRow(ctx, workspaceZoneSQL, p.WorkspaceID).Scan(&tz); err != nil {
			return err
		}
		days := dayCache{loc: zone(tz)}
		agg := newAggBatch()
		// Facts waiting for a multi-row INSERT of factsChunk, which saves a
		// round trip (PostgreSQL) or a statement's overhead (SQLite) per fact.
		// On SQLite such an INSERT keeps a statement journal of the pages it
		// changes; the writer keeps it in memory (temp_store, see
		// openSQLite), not in a temporary file.
		rows := make([]any, 0, factsChunk*11)
		flush := func(all bool) error {
			if len(rows) == factsChunk*11 {
				if _, err := tx.prepared(ctx, insertFactsSQL, rows...); err != nil {
					return err
				}
				rows = rows[:0]
			}
			if !all {
				return nil
			}
			for i := 0; i < len(rows); i += 11 {
				if _, err := tx.prepared(ctx, insertFactSQL, rows[i:i+11]...); err != nil {
					return err
				}
			}
			rows = rows[:0]
			return nil
		}
		for _, f := range facts {
			if f.At.IsZero() {
				f.At = tx.now
			}
			day, week := days.of(f.At)
			args, err := factArgs(p.WorkspaceID, f, day)
			if err != nil {
				return err
			}
			if onceOnly(f.Kind) {
				// In order, after the facts before it; skipped if already recorded.
				if err := flush(true); err != nil {
					return err
				}
				res, err := tx.prepared(ctx, insertFactSQL, args...)
				if err != nil {
					return err
				}
				if k, err := res.RowsAffected(); err != nil || k != 1 {
					if err != nil {
						return err
					}
					continue
				}
			} else {
				rows = append(rows, args...)
				if err := flush(false); err != nil {
					return err
				}
			}
			agg.add(f.EngagementID, f.Kind, day, week, f.Value, f.Flag, f.AmountMinor, f.Data)
			n++
		}
		if err := flush(true); err != nil {
			return err
		}
		if err := agg.flush(ctx, tx, p.WorkspaceID); err != nil {
			return err
		}
		return tx.record(ctx, p, "facts.recorded", "workspace", p.WorkspaceID, map[string]any{"count": n, "engagements": ids})
	})
	return n, err
}

// onceOnly reports whether facts of kind are recorded at most once per
// subject (the facts_once index: kind LIKE 'penalty.%' OR 'breach.%'). It
// answers yes for a superset — case-insensitively, as SQLite's LIKE
// compares — which only sends such a fact down the one-at-a-time path.
func onceOnly(kind string) bool {
	if len(kind) < 7 {
		return false
	}
	return strings.EqualFold(kind[:7], "breach.") || (len(kind) >= 8 && strings.EqualFold(kind[:8], "penalty."))
}

// factArgs are the values of insertFactSQL (and of one row of
// insertFactsSQL) for f on its local day.
func factArgs(workspaceID int64, f Fact, day string) ([]any, error) {
	js, err := factData(f.Data)
	if err != nil {
		return nil, err
	}
	flag := 0
	if f.Flag {
		flag = 1
	}
	return []any{workspaceID, f.EngagementID, f.Kind, f.SubjectID, f.At.UTC(), day, f.Value, flag, f.AmountMinor, f.Currency, js}, nil
}

// factData encodes a fact's data as json.Marshal does ("null" for nil),
// without reflection for the common case of one integer field (a
// deliverable's lead time).
func factData(data map[string]any) (string, error) {
	if len(data) == 1 {
		for k, v := range data {
			var n int64
			switch x := v.(type) {
			case int:
				n = int64(x)
			case int64:
				n = x
			default:
				goto slow
			}
			for i := 0; i < len(k); i++ {
				if c := k[i]; !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
					goto slow
				}
			}
			return `{"` + k + `":` + strconv.FormatInt(n, 10) + `}`, nil
		}
	}
slow:
	b, err := json.Marshal(data)
	return string(b), err
}

// dayCache gives the local day (and the Monday of its ISO week) of
// instants in one time zone, remembering the last day's bounds: facts come
// mostly in time order, so most take no time-zone arithmetic.
type dayCache struct {
	loc       *time.Location
	lo, hi    time.Time // the cached day is [lo, hi); hi zero: none cached
	day, week string
}

// of returns the local date of t and of the Monday of its week,
// "2006-01-02".
func (c *dayCache) of(t time.Time) (day, week string) {
	if !c.hi.IsZero() && !t.Before(c.lo) && t.Before(c.hi) {
		return c.day, c.week
	}
	lt := t.In(c.loc)
	y, m, d := lt.Date()
	date := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	day, week = date.Format(time.DateOnly), mondayOf(date).Format(time.DateOnly)
	// Cache the day's bounds only when one UTC offset holds all day (no DST
	// change): then local midnight and the next one are exact.
	c.hi = time.Time{}
	lo, hi := time.Date(y, m, d, 0, 0, 0, 0, c.loc), time.Date(y, m, d+1, 0, 0, 0, 0, c.loc)
	if start, end := lt.ZoneBounds(); !lo.Before(start) && (end.IsZero() || !hi.After(end)) {
		c.lo, c.hi, c.day, c.week = lo, hi, day, week
	}
	return day, week
}

// mondayOf returns the Monday of the ISO week of date (midnight UTC).
func mondayOf(date time.Time) time.Time {
	return date.AddDate(0, 0, -((int(date.Weekday()) + 6) % 7))
}

// weekOf returns the Monday of the ISO week of day, both "2006-01-02".
func weekOf(day string) (string, error) {
	d, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return "", err
	}
	return mondayOf(d).Format(time.DateOnly), nil
}

// addDays returns day plus n days, "2006-01-02".
func addDays(day string, n int) string {
	d, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return day
	}
	return d.AddDate(0, 0, n).Format(time.DateOnly)
}

// aggKey names an aggregate row of a workspace: kpi_daily's by day,
// kpi_weekly's by the Monday of the week.
type aggKey struct {
	eng       int64
	kind, day string
}

// aggRow is an aggregate row's values, or a delta to add to one.
type aggRow struct {
	n, sumValue, sumSq, sumFlag, sumAmount, nZero int64
	sketch                                        *kpi.Sketch // nil: none
}

// add adds o to r, merging sketches.
func (r *aggRow) add(o *aggRow) {
	r.n += o.n
	r.sumValue += o.sumValue
	r.sumSq += o.sumSq
	r.sumFlag += o.sumFlag
	r.sumAmount += o.sumAmount
	r.nZero += o.nZero
	if o.sketch != nil {
		if r.sketch == nil {
			r.sketch = &kpi.Sketch{}
		}
		r.sketch.Merge(o.sketch)
	}
}

// aggBatch sums facts into the deltas of their day's and week's aggregate
// rows: what recording them adds to kpi_daily and kpi_weekly. recordFact
// (one fact) and RecordFacts (a batch) both record through it.
type aggBatch struct {
	daily, weekly map[aggKey]*aggRow
}

func newAggBatch() *aggBatch {
	return &aggBatch{daily: map[aggKey]*aggRow{}, weekly: map[aggKey]*aggRow{}}
}

// add adds one recorded fact: n 1, Σvalue, Σvalue² (kinds that keep it),
// Σflag, Σamount, value 0, and its sketch field's value (kinds that keep a
// sketch, when the fact's data has the field).
func (b *aggBatch) add(eng int64, kind, day, week string, value int64, flag bool, amount int64, data map[string]any) {
	k := metric.KindOf(kind)
	d := aggRow{n: 1, sumValue: value, sumAmount: amount}
	if k.Squares {
		d.sumSq = value * value
	}
	if flag {
		d.sumFlag = 1
	}
	if value == 0 {
		d.nZero = 1
	}
	v, hasSketch := int64(0), false
	if k.SketchField != "" {
		v, hasSketch = dataInt(data, k.SketchField)
	}
	for _, t := range [2]struct {
		m   map[aggKey]*aggRow
		key aggKey
	}{{b.daily, aggKey{eng, kind, day}}, {b.weekly, aggKey{eng, kind, week}}} {
		r := t.m[t.key]
		if r == nil {
			r = &aggRow{}
			t.m[t.key] = r
		}
		r.add(&d)
		if hasSketch {
			if r.sketch == nil {
				r.sketch = &kpi.Sketch{}
			}
			r.sketch.Add(v)
		}
	}
}

// flush adds the deltas to kpi_daily and kpi_weekly in tx, one upsert per
// row, in key order (so that concurrent batches on PostgreSQL lock rows in
// the same order). A row with a sketch is, on SQLite, upserted with the
// stored sketch merged in SQL (sketchMergeFunc); on PostgreSQL it is
// upserted with RETURNING: the upsert locks the row and returns the stored
// sketch, which is merged with the delta's and written back in the same
// transaction.
func (b *aggBatch) flush(ctx context.Context, tx *Tx, workspaceID int64) error {
	onSQLite := tx.db.dialect.name() == "sqlite"
	for _, t := range []struct {
		m                            map[aggKey]*aggRow
		upsert, upsertSk, set, merge string
	}{{b.daily, dailyUpsertSQL, dailyUpsertSketchSQL, dailySketchSQL, dailyMergeSketchSQL},
		{b.weekly, weeklyUpsertSQL, weeklyUpsertSketchSQL, weeklySketchSQL, weeklyMergeSketchSQL}} {
		keys := make([]aggKey, 0, len(t.m))
		for k := range t.m {
			keys = append(keys, k)
		}
		slices.SortFunc(keys, func(a, b aggKey) int {
			if a.eng != b.eng {
				return cmpInt(a.eng, b.eng)
			}
			if a.kind != b.kind {
				return strings.Compare(a.kind, b.kind)
			}
			return strings.Compare(a.day, b.day)
		})
		// On PostgreSQL, the rows without a sketch go in multi-row upserts
		// (the keys are distinct), which saves a round trip per row; on SQLite
		// a multi-row statement writes a statement journal, and a prepared
		// single-row upsert is faster.
		if tx.db.dialect.name() == "postgres" {
			var plain []aggKey
			for _, k := range keys {
				if t.m[k].sketch == nil {
					plain = append(plain, k)
				}
			}
			for len(plain) > 1 {
				c := plain[:min(len(plain), aggChunk)]
				plain = plain[len(c):]
				args := make([]any, 0, len(c)*10)
				for _, k := range c {
					r := t.m[k]
					args = append(args, workspaceID, k.eng, k.kind, k.day, r.n, r.sumValue, r.sumSq, r.sumFlag, r.sumAmount, r.nZero)
					delete(t.m, k)
				}
				tuples := strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?), ", len(c)), ", ")
				if _, err := tx.exec(ctx, strings.Replace(t.upsert, "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", tuples, 1), args...); err != nil {
					return err
				}
			}
		}
		for _, k := range keys {
			r := t.m[k]
			if r == nil {
				continue // written above
			}
			args := []any{workspaceID, k.eng, k.kind, k.day, r.n, r.sumValue, r.sumSq, r.sumFlag, r.sumAmount, r.nZero}
			if r.sketch == nil {
				if _, err := tx.prepared(ctx, t.upsert, args...); err != nil {
					return err
				}
				continue
			}
			mine, err := r.sketch.MarshalBinary()
			if err != nil {
				return err
			}
			if onSQLite {
				// One statement: the stored sketch is merged in SQL.
				if _, err := tx.prepared(ctx, t.merge, append(args, mine)...); err != nil {
					return err
				}
				continue
			}
			var n int64
			var blob []byte
			if err := tx.preparedRow(ctx, t.upsertSk, append(args, mine)...).Scan(&n, &blob); err != nil {
				return err
			}
			if n == r.n {
				continue // a new row, written with the delta's sketch
			}
			var sk kpi.Sketch
			if len(blob) > 0 {
				if err := sk.UnmarshalBinary(blob); err != nil {
					return fmt.Errorf("store: aggregate sketch: %w", err)
				}
			}
			sk.Merge(r.sketch)
			merged, err := sk.MarshalBinary()
			if err != nil {
				return err
			}
			if _, err := tx.prepared(ctx, t.set, merged, workspaceID, k.eng, k.kind, k.day); err != nil {
				return err
			}
		}
	}
	return nil
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// squareKinds is the SQL list of the kinds that keep Σvalue² (constant
// names from metric.Kinds, quoted).
func squareKinds() string {
	var q []string
	for _, k := range metric.Kinds {
		if k.Squares {
			q = append(q, "'"+strings.ReplaceAll(k.Name, "'", "''")+"'")
		}
	}
	if len(q) == 0 {
		return "''"
	}
	return strings.Join(q, ", ")
}

// factSums is the select list that recomputes aggregates from facts.
func factSums() string {
	return `COUNT(*), CAST(COALESCE(SUM(value), 0) AS BIGINT),
		CAST(COALESCE(SUM(CASE WHEN kind IN (` + squareKinds() + `) THEN value * value ELSE 0 END), 0) AS BIGINT),
		CAST(COALESCE(SUM(flag), 0) AS BIGINT), CAST(COALESCE(SUM(amount_minor), 0) AS BIGINT),
		CAST(COALESCE(SUM(CASE WHEN value = 0 THEN 1 ELSE 0 END), 0) AS BIGINT)`
}

// recomputeDay rewrites one aggregate row from that day's facts, deleting
// it when none are left, and then its week's row (recomputeWeek).
func recomputeDay(ctx context.Context, tx *Tx, workspaceID, engagementID int64, kind, day string) error {
	if err := recomputeDayRow(ctx, tx, workspaceID, engagementID, kind, day); err != nil {
		return err
	}
	return recomputeWeek(ctx, tx, workspaceID, engagementID, kind, day)
}

// recomputeWeek rewrites the kpi_weekly row of the week of day from that
// week's kpi_daily rows (exact, sketches included: merging is exact and
// canonical), deleting it when the week has none.
func recomputeWeek(ctx context.Context, tx *Tx, workspaceID, engagementID int64, kind, day string) error {
	week, err := weekOf(day)
	if err != nil {
		return err
	}
	rows, err := tx.query(ctx, `SELECT n, sum_value, sum_sq_value, sum_flag, sum_amount, n_zero, sketch FROM kpi_daily
		WHERE workspace_id = ? AND engagement_id = ? AND kind = ? AND day >= ? AND day < ?`,
		workspaceID, engagementID, kind, week, addDays(week, 7))
	if err != nil {
		return err
	}
	var w aggRow
	for rows.Next() {
		var r aggRow
		var blob []byte
		if err := rows.Scan(&r.n, &r.sumValue, &r.sumSq, &r.sumFlag, &r.sumAmount, &r.nZero, &blob); err != nil {
			rows.Close()
			return err
		}
		if len(blob) > 0 {
			r.sketch = &kpi.Sketch{}
			if err := r.sketch.UnmarshalBinary(blob); err != nil {
				rows.Close()
				return fmt.Errorf("store: kpi_daily sketch: %w", err)
			}
		}
		w.add(&r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	return putWeek(ctx, tx, workspaceID, aggKey{engagementID, kind, week}, &w)
}

// putWeek writes a kpi_weekly row as w (deleting it when w.n is 0).
func putWeek(ctx context.Context, tx *Tx, workspaceID int64, k aggKey, w *aggRow) error {
	if w.n == 0 {
		_, err := tx.exec(ctx, `DELETE FROM kpi_weekly WHERE workspace_id = ? AND engagement_id = ? AND kind = ? AND week = ?`,
			workspaceID, k.eng, k.kind, k.day)
		return err
	}
	var blob []byte
	if w.sketch != nil && w.sketch.Count() > 0 {
		var err error
		if blob, err = w.sketch.MarshalBinary(); err != nil {
			return err
		}
	}
	_, err := tx.exec(ctx, `INSERT INTO kpi_weekly (workspace_id, engagement_id, kind, week, n, sum_value, sum_sq_value, sum_flag, sum_amount, n_zero, sketch)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (workspace_id, engagement_id, kind, week) DO UPDATE SET n = excluded.n, sum_value = excluded.sum_value,
		sum_sq_value = excluded.sum_sq_value, sum_flag = excluded.sum_flag, sum_amount = excluded.sum_amount,
		n_zero = excluded.n_zero, sketch = excluded.sketch`,
		workspaceID, k.eng, k.kind, k.day, w.n, w.sumValue, w.sumSq, w.sumFlag, w.sumAmount, w.nZero, blob)
	return err
}

// backfillWeekly builds kpi_weekly from kpi_daily when the first is empty
// and the second is not: data recorded before migration 0009. It runs when
// the store opens, in one transaction.
func (s *KPIStore) backfillWeekly(ctx context.Context) error {
	var one int
	if err := s.db.w.QueryRowContext(ctx, `SELECT 1 FROM kpi_weekly LIMIT 1`).Scan(&one); err != sql.ErrNoRows {
		return err // nil when it has rows
	}
	if err := s.db.w.QueryRowContext(ctx, `SELECT 1 FROM kpi_daily LIMIT 1`).Scan(&one); err != nil {
		if err == sql.ErrNoRows {
			return nil
		}
		return err
	}
	return s.db.transact(ctx, func(tx *Tx) error {
		weeks := map[int64]map[aggKey]*aggRow{} // by workspace
		rows, err := tx.query(ctx, `SELECT workspace_id, engagement_id, kind, day, n, sum_value, sum_sq_value, sum_flag, sum_amount, n_zero, sketch FROM kpi_daily`)
		if err != nil {
			return err
		}
		for rows.Next() {
			var ws int64
			var k aggKey
			var d tandem.Date
			var r aggRow
			var blob []byte
			if err := rows.Scan(&ws, &k.eng, &k.kind, dateScan{&d}, &r.n, &r.sumValue, &r.sumSq, &r.sumFlag, &r.sumAmount, &r.nZero, &blob); err != nil {
				rows.Close()
				return err
			}
			if len(blob) > 0 {
				r.sketch = &kpi.Sketch{}
				if err := r.sketch.UnmarshalBinary(blob); err != nil {
					rows.Close()
					return fmt.Errorf("store: kpi_daily sketch: %w", err)
				}
			}
			k.day = mondayOf(d.Time()).Format(time.DateOnly)
			m := weeks[ws]
			if m == nil {
				m = map[aggKey]*aggRow{}
				weeks[ws] = m
			}
			if m[k] == nil {
				m[k] = &aggRow{}
			}
			m[k].add(&r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for ws, m := range weeks {
			for k, w := range m {
				if err := putWeek(ctx, tx, ws, k, w); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// recomputeDayRow rewrites one kpi_daily row from that day's facts,
// deleting it when none are left.
func recomputeDayRow(ctx context.Context, tx *Tx, workspaceID, engagementID int64, kind, day string) error {
	var s metric.Sums
	if err := tx.queryRow(ctx, `SELECT `+factSums()+` FROM facts WHERE workspace_id = ? AND engagement_id = ? AND kind = ? AND day = ?`,
		workspaceID, engagementID, kind, day).Scan(&s.N, &s.SumValue, &s.SumSqValue, &s.SumFlag, &s.SumAmount, &s.NZero); err != nil {
		return err
	}
	if s.N == 0 {
		_, err := tx.exec(ctx, `DELETE FROM kpi_daily WHERE workspace_id = ? AND engagement_id = ? AND kind = ? AND day = ?`,
			workspaceID, engagementID, kind, day)
		return err
	}
	var blob []byte
	if f := metric.KindOf(kind).SketchField; f != "" {
		rows, err := tx.query(ctx, `SELECT data FROM facts WHERE workspace_id = ? AND engagement_id = ? AND kind = ? AND day = ?`,
			workspaceID, engagementID, kind, day)
		if err != nil {
			return err
		}
		sk, err := sketchOf(rows, f)
		if err != nil {
			return err
		}
		if sk.Count() > 0 {
			if blob, err = sk.MarshalBinary(); err != nil {
				return err
			}
		}
	}
	_, err := tx.exec(ctx, `INSERT INTO kpi_daily (workspace_id, engagement_id, kind, day, n, sum_value, sum_sq_value, sum_flag, sum_amount, n_zero, sketch)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (workspace_id, engagement_id, kind, day) DO UPDATE SET n = excluded.n, sum_value = excluded.sum_value,
		sum_sq_value = excluded.sum_sq_value, sum_flag = excluded.sum_flag, sum_amount = excluded.sum_amount,
		n_zero = excluded.n_zero, sketch = excluded.sketch`,
		workspaceID, engagementID, kind, day, s.N, s.SumValue, s.SumSqValue, s.SumFlag, s.SumAmount, s.NZero, blob)
	return err
}

// sketchOf builds a sketch from rows of one column, a fact's data, adding
// the integer field; it closes rows.
func sketchOf(rows *sql.Rows, field string) (*kpi.Sketch, error) {
	defer rows.Close()
	sk := &kpi.Sketch{}
	for rows.Next() {
		var js string
		if err := rows.Scan(&js); err != nil {
			return nil, err
		}
		d, err := decodeData(js)
		if err != nil {
			return nil, err
		}
		if v, ok := dataInt(d, field); ok {
			sk.Add(v)
		}
	}
	return sk, rows.Err()
}

// getFact reads a fact of p's workspace that p may see.
func (s *KPIStore) getFact(ctx context.Context, p tandem.Principal, id int64) (*RecordedFact, error) {
	var f RecordedFact
	if err := scanFact(s.db.queryRow(ctx, `SELECT `+factCols+` FROM facts WHERE workspace_id = ? AND id = ?`, p.WorkspaceID, id), &f); err != nil {
		return nil, notFound(err)
	}
	if _, err := s.db.Engagements.Get(ctx, p, f.EngagementID); err != nil {
		return nil, err
	}
	return &f, nil
}

// DeleteFact deletes a fact recorded by mistake and recomputes its day's
// aggregates, with an audit entry holding the fact as it was. Owners and
// managers may call it. Errors: ENotFound, EForbidden.
func (s *KPIStore) DeleteFact(ctx context.Context, p tandem.Principal, id int64) (err error) {
	defer wrap(&err, "KPIStore.DeleteFact(%d)", id)
	if err := access.Can(p, access.EngagementsWrite); err != nil {
		return err
	}
	if _, err := s.getFact(ctx, p, id); err != nil {
		return err
	}
	return s.db.transact(ctx, func(tx *Tx) error {
		var f RecordedFact
		if err := scanFact(tx.queryRow(ctx, `SELECT `+factCols+` FROM facts WHERE workspace_id = ? AND id = ?`, p.WorkspaceID, id), &f); err != nil {
			return notFound(err)
		}
		if _, err := tx.exec(ctx, `DELETE FROM facts WHERE workspace_id = ? AND id = ?`, p.WorkspaceID, id); err != nil {
			return err
		}
		if err := recomputeDay(ctx, tx, p.WorkspaceID, f.EngagementID, f.Kind, f.Day.String()); err != nil {
			return err
		}
		return tx.record(ctx, p, "fact.deleted", "engagement", f.EngagementID, map[string]any{
			"fact_id": id, "kind": f.Kind, "subject_id": f.SubjectID, "at": f.At, "day": f.Day.String(),
			"value": f.Value, "flag": f.Flag, "amount_minor": f.AmountMinor, "currency": f.Currency, "data": f.Data})
	})
}

// FactEdit is a correction of a recorded fact: the fields that are set
// replace the stored ones. Kind, engagement and subject never change.
type FactEdit struct {
	At          *time.Time // moves the fact, possibly to another day
	Value       *int64
	Flag        *bool
	AmountMinor *int64
	Data        map[string]any // replaces the data when not nil
}

// UpdateFact corrects a recorded fact and recomputes the aggregates of the
// day it leaves and the day it lands on, with an audit entry of the
// changes. Owners and managers may call it. Errors: ENotFound, EForbidden.
func (s *KPIStore) UpdateFact(ctx context.Context, p tandem.Principal, id int64, e FactEdit) (err error) {
	defer wrap(&err, "KPIStore.UpdateFact(%d)", id)
	if err := access.Can(p, access.EngagementsWrite); err != nil {
		return err
	}
	if _, err := s.getFact(ctx, p, id); err != nil {
		return err
	}
	return s.db.transact(ctx, func(tx *Tx) error {
		var f RecordedFact
		if err := scanFact(tx.queryRow(ctx, `SELECT `+factCols+` FROM facts WHERE workspace_id = ? AND id = ?`, p.WorkspaceID, id), &f); err != nil {
			return notFound(err)
		}
		loc, err := workspaceLoc(ctx, tx.queryRow, p.WorkspaceID)
		if err != nil {
			return err
		}
		nf := f
		if e.At != nil {
			nf.At = e.At.UTC().Truncate(time.Microsecond)
			nf.Day = tandem.DateOf(nf.At.In(loc))
		}
		if e.Value != nil {
			nf.Value = *e.Value
		}
		if e.Flag != nil {
			nf.Flag = *e.Flag
		}
		if e.AmountMinor != nil {
			nf.AmountMinor = *e.AmountMinor
		}
		if e.Data != nil {
			nf.Data = e.Data
		}
		js, err := json.Marshal(nf.Data)
		if err != nil {
			return err
		}
		flag := 0
		if nf.Flag {
			flag = 1
		}
		if _, err := tx.exec(ctx, `UPDATE facts SET at = ?, day = ?, value = ?, flag = ?, amount_minor = ?, data = ? WHERE workspace_id = ? AND id = ?`,
			nf.At, nf.Day.String(), nf.Value, flag, nf.AmountMinor, string(js), p.WorkspaceID, id); err != nil {
			return err
		}
		if err := recomputeDay(ctx, tx, p.WorkspaceID, f.EngagementID, f.Kind, f.Day.String()); err != nil {
			return err
		}
		if nf.Day != f.Day {
			if err := recomputeDay(ctx, tx, p.WorkspaceID, f.EngagementID, f.Kind, nf.Day.String()); err != nil {
				return err
			}
		}
		before := map[string]any{"at": f.At, "day": f.Day.String(), "value": f.Value, "flag": f.Flag, "amount_minor": f.AmountMinor, "data": f.Data}
		after := map[string]any{"at": nf.At, "day": nf.Day.String(), "value": nf.Value, "flag": nf.Flag, "amount_minor": nf.AmountMinor, "data": nf.Data}
		return tx.record(ctx, p, "fact.updated", "engagement", f.EngagementID, map[string]any{
			"fact_id": id, "kind": f.Kind, "changes": changes(before, after)})
	})
}

// ------------------------------------------------------------ scorecards

// Scorecard is an engagement's scorecard for one period (kpi.Scorecard)
// with the version of the terms whose KPIs it scores.
type Scorecard struct {
	kpi.Scorecard
	EngagementID int64
	TermsVersion int
	// Metrics are the engagement's own metrics in those terms.
	Metrics []contract.MetricDef
}

// dayRow is one day's aggregates of one kind.
type dayRow struct {
	kind string
	day  string
	sums metric.Sums
}

// span is a period's local days [from, to), "2006-01-02".
type span struct{ from, to string }

// source reads the aggregate rows of an engagement for the given kinds over
// the days of spans (consecutive periods, oldest first), with sketches when
// withSketch. A row covers one day, or a whole week (day is its Monday)
// that lies inside one span.
type source func(ctx context.Context, workspaceID, engagementID int64, kinds []string, spans []span, withSketch bool) ([]dayRow, error)

// coverage splits spans into the ISO weeks that lie wholly inside one span
// (read from kpi_weekly) and the remaining days (read from kpi_daily), each
// as ascending, merged ranges. Week periods are all weeks; a month reads its
// whole weeks and the days at its edges.
func coverage(spans []span) (weeks, days []span) {
	add := func(list []span, from, to string) []span {
		if from >= to {
			return list
		}
		if n := len(list); n > 0 && list[n-1].to == from {
			list[n-1].to = to
			return list
		}
		return append(list, span{from, to})
	}
	for _, sp := range spans {
		first, err1 := weekOf(sp.from)
		last, err2 := weekOf(sp.to) // the Monday on or before to
		if err1 != nil || err2 != nil {
			days = add(days, sp.from, sp.to)
			continue
		}
		if first < sp.from {
			first = addDays(first, 7)
		}
		if first >= last {
			days = add(days, sp.from, sp.to)
			continue
		}
		days = add(days, sp.from, first)
		weeks = add(weeks, first, last)
		days = add(days, last, sp.to)
	}
	return weeks, days
}

// fromAggregates reads kpi_weekly for the whole weeks of spans and
// kpi_daily for the other days, in one query: what scorecards use. A
// 52-week trend reads 52 rows per kind.
func (s *KPIStore) fromAggregates(ctx context.Context, workspaceID, engagementID int64, kinds []string, spans []span, withSketch bool) ([]dayRow, error) {
	sk := "NULL"
	if withSketch {
		sk = "sketch"
	}
	weeks, days := coverage(spans)
	var q strings.Builder
	var args []any
	part := func(table, col, from, to string) {
		if q.Len() > 0 {
			q.WriteString(" UNION ALL ")
		}
		src := "0"
		if table == "kpi_weekly" {
			src = "1"
		}
		q.WriteString(`SELECT ` + src + `, kind, ` + col + `, n, sum_value, sum_sq_value, sum_flag, sum_amount, n_zero, ` + sk + ` FROM ` + table +
			` WHERE workspace_id = ? AND engagement_id = ? AND kind IN (` + placeholders(len(kinds)) + `) AND ` + col + ` >= ? AND ` + col + ` < ?`)
		args = append(args, workspaceID, engagementID)
		for _, k := range kinds {
			args = append(args, k)
		}
		args = append(args, from, to)
	}
	if len(weeks) > 0 {
		// The weeks between the ranges (straddling two months) are read
		// and skipped below.
		part("kpi_weekly", "week", weeks[0].from, weeks[len(weeks)-1].to)
	}
	for _, d := range days {
		part("kpi_daily", "day", d.from, d.to)
	}
	rows, err := s.db.query(ctx, q.String(), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []dayRow
	var blob sql.RawBytes // decoded before the next row
	for rows.Next() {
		var r dayRow
		var d tandem.Date
		var weekly int
		if err := rows.Scan(&weekly, &r.kind, dateScan{&d}, &r.sums.N, &r.sums.SumValue, &r.sums.SumSqValue, &r.sums.SumFlag, &r.sums.SumAmount, &r.sums.NZero, &blob); err != nil {
			return nil, err
		}
		r.day = d.String()
		if weekly == 1 && len(weeks) > 1 {
			// A week straddling two spans: its days come from kpi_daily.
			i := sort.Search(len(weeks), func(i int) bool { return weeks[i].to > r.day })
			if i == len(weeks) || weeks[i].from > r.day {
				continue
			}
		}
		if len(blob) > 0 {
			r.sums.Sketch = &kpi.Sketch{}
			if err := r.sums.Sketch.UnmarshalBinary(blob); err != nil {
				return nil, fmt.Errorf("store: aggregate sketch: %w", err)
			}
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// fromFacts computes the same rows from the raw facts (GROUP BY over the
// facts, sketches rebuilt from each fact's data): the baseline the
// benchmark compares against, and what Verify checks the aggregates with.
func (s *KPIStore) fromFacts(ctx context.Context, workspaceID, engagementID int64, kinds []string, spans []span, withSketch bool) ([]dayRow, error) {
	from, to := spans[0].from, spans[len(spans)-1].to
	args := []any{workspaceID, engagementID}
	for _, k := range kinds {
		args = append(args, k)
	}
	args = append(args, from, to)
	cond := `workspace_id = ? AND engagement_id = ? AND kind IN (` + placeholders(len(kinds)) + `) AND day >= ? AND day < ?`
	rows, err := s.db.query(ctx, `SELECT kind, day, `+factSums()+` FROM facts WHERE `+cond+` GROUP BY kind, day`, args...)
	if err != nil {
		return nil, err
	}
	var out []dayRow
	index := map[[2]string]int{}
	for rows.Next() {
		var r dayRow
		var d tandem.Date
		if err := rows.Scan(&r.kind, dateScan{&d}, &r.sums.N, &r.sums.SumValue, &r.sums.SumSqValue, &r.sums.SumFlag, &r.sums.SumAmount, &r.sums.NZero); err != nil {
			rows.Close()
			return nil, err
		}
		r.day = d.String()
		index[[2]string{r.kind, r.day}] = len(out)
		out = append(out, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if !withSketch {
		return out, nil
	}
	for _, k := range kinds {
		field := metric.KindOf(k).SketchField
		if field == "" {
			continue
		}
		rows, err := s.db.query(ctx, `SELECT day, data FROM facts WHERE workspace_id = ? AND engagement_id = ? AND kind = ? AND day >= ? AND day < ?`,
			workspaceID, engagementID, k, from, to)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var d tandem.Date
			var js string
			if err := rows.Scan(dateScan{&d}, &js); err != nil {
				rows.Close()
				return nil, err
			}
			data, err := decodeData(js)
			if err != nil {
				rows.Close()
				return nil, err
			}
			v, ok := dataInt(data, field)
			if !ok {
				continue
			}
			r := &out[index[[2]string{k, d.String()}]]
			if r.sums.Sketch == nil {
				r.sums.Sketch = &kpi.Sketch{}
			}
			r.sums.Sketch.Add(v)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// scorecards builds an engagement's scorecards for periods (one kind,
// chronological) from src.
//
// Which KPIs: those of the terms in force on the period's last day whose
// period is the period's kind (kpi.TermsFor, kpi.PeriodKPIs); none for a
// period that ends before the first terms take effect.
func (s *KPIStore) scorecards(ctx context.Context, p tandem.Principal, engagementID int64, periods []kpi.Period, src source, explain bool) ([]Scorecard, []metric.Aggregates, error) {
	versions, err := s.db.Contracts.Versions(ctx, p, engagementID) // checks that p may see the engagement
	if err != nil {
		return nil, nil, err
	}
	if len(periods) == 0 {
		return nil, nil, nil
	}
	terms := make([]*contract.Version, len(periods))
	kpis := make([][]contract.KPI, len(periods))
	var kinds []string
	withSketch := false
	for i, per := range periods {
		terms[i] = kpi.TermsFor(versions, per)
		if i > 0 && terms[i] == terms[i-1] && per.Kind == periods[i-1].Kind {
			kpis[i] = kpis[i-1] // the same terms: most periods of a trend
			continue
		}
		kpis[i] = kpi.PeriodKPIs(terms[i], per.Kind)
		for _, k := range kpis[i] {
			m, _ := metric.For(k.Metric, terms[i].Terms.Metrics, per.Kind)
			for _, kind := range m.Kinds {
				if !slices.Contains(kinds, kind) {
					kinds = append(kinds, kind)
				}
			}
			withSketch = withSketch || m.UsesSketch
		}
	}
	sort.Strings(kinds)
	starts := make([]string, len(periods))
	spans := make([]span, len(periods))
	for i, per := range periods {
		starts[i] = tandem.DateOf(per.Start.In(per.Start.Location())).String()
		spans[i] = span{starts[i], tandem.DateOf(per.End.In(per.End.Location())).String()}
	}
	aggs := make([]metric.Aggregates, len(periods))
	for i := range aggs {
		aggs[i] = metric.Aggregates{}
	}
	if len(kinds) > 0 {
		rows, err := src(ctx, p.WorkspaceID, engagementID, kinds, spans, withSketch)
		if err != nil {
			return nil, nil, err
		}
		for _, r := range rows {
			i := sort.SearchStrings(starts, r.day)
			if i == len(starts) || starts[i] != r.day {
				i--
			}
			if i < 0 {
				continue
			}
			sum, ok := aggs[i][r.kind]
			if !ok {
				// The first row of the kind in the period: src's rows are
				// ours, so its sketch is taken, not cloned (Sums.Add would).
				aggs[i][r.kind] = r.sums
				continue
			}
			sum.Add(r.sums)
			aggs[i][r.kind] = sum
		}
	}
	out := make([]Scorecard, len(periods))
	for i, per := range periods {
		ks := kpis[i]
		var defs []contract.MetricDef
		if terms[i] != nil {
			defs = terms[i].Terms.Metrics
		}
		actuals := map[string]kpi.Value{}
		for _, k := range ks {
			m, _ := metric.For(k.Metric, defs, per.Kind)
			if v, ok := m.Value(aggs[i]); ok {
				actuals[k.Key] = v
			}
		}
		cfg := kpi.DefaultConfig()
		cfg.Explain = explain
		out[i] = Scorecard{Scorecard: kpi.BuildScorecard(per, ks, actuals, cfg), EngagementID: engagementID, Metrics: defs}
		if terms[i] != nil {
			out[i].TermsVersion = terms[i].Number
		}
	}
	return out, aggs, nil
}

// Scorecard returns an engagement's scorecard for period (computed in the
// workspace's time zone, e.g. kpi.PeriodOf): each KPI of the terms in force
// on the period's last day whose period is period.Kind, with its actual
// read from the aggregates, target, status and score; the weighted total
// and the standing. Anyone who may see the engagement may call it.
func (s *KPIStore) Scorecard(ctx context.Context, p tandem.Principal, engagementID int64, period kpi.Period) (_ *Scorecard, err error) {
	defer wrap(&err, "KPIStore.Scorecard(%d, %s)", engagementID, period)
	if !kpi.ValidKind(period.Kind) {
		return nil, invalid("period", "validation.one_of")
	}
	scs, _, err := s.scorecards(ctx, p, engagementID, []kpi.Period{period}, s.fromAggregates, false)
	if err != nil {
		return nil, err
	}
	return &scs[0], nil
}

// Periods returns the last n periods of kind (week, month, quarter) in the
// workspace's time zone, oldest first, the last one containing now.
func (s *KPIStore) Periods(ctx context.Context, p tandem.Principal, kind string, n int) ([]kpi.Period, error) {
	if !kpi.ValidKind(kind) || n < 1 || n > kpi.MaxPeriods {
		return nil, invalid("period", "validation.one_of")
	}
	loc, err := workspaceLoc(ctx, s.db.queryRow, p.WorkspaceID)
	if err != nil {
		return nil, err
	}
	out := make([]kpi.Period, n)
	per := kpi.PeriodOf(kind, s.db.Now(), loc)
	for i := n - 1; i >= 0; i-- {
		out[i] = per
		per = per.Prev()
	}
	return out, nil
}

// Trend returns an engagement's scorecards for the last n periods of kind,
// oldest first, the last one the current period (see Scorecard), read from
// the aggregates in one query. kpi.Overall over their totals gives the
// overall score.
func (s *KPIStore) Trend(ctx context.Context, p tandem.Principal, engagementID int64, kind string, n int) (_ []Scorecard, err error) {
	defer wrap(&err, "KPIStore.Trend(%d, %s, %d)", engagementID, kind, n)
	periods, err := s.Periods(ctx, p, kind, n)
	if err != nil {
		return nil, err
	}
	scs, _, err := s.scorecards(ctx, p, engagementID, periods, s.fromAggregates, false)
	return scs, err
}

// TrendFromFacts is Trend computed from the raw facts instead of the
// aggregates (GROUP BY over the facts, sketches rebuilt from each fact):
// the slow way every report would take without kpi_daily, kept as the
// benchmark's baseline and as a cross-check. It gives the same scorecards.
func (s *KPIStore) TrendFromFacts(ctx context.Context, p tandem.Principal, engagementID int64, kind string, n int) (_ []Scorecard, err error) {
	defer wrap(&err, "KPIStore.TrendFromFacts(%d, %s, %d)", engagementID, kind, n)
	periods, err := s.Periods(ctx, p, kind, n)
	if err != nil {
		return nil, err
	}
	scs, _, err := s.scorecards(ctx, p, engagementID, periods, s.fromFacts, false)
	return scs, err
}

// Explained is one figure of a scorecard with everything behind it.
type Explained struct {
	Period       kpi.Period
	KPI          contract.KPI
	TermsVersion int
	Metrics      []contract.MetricDef // the engagement's own metrics in those terms
	Row          kpi.Row              // actual, target, threshold, score, status
	Explanation  kpi.Explanation      // the metric's arithmetic, then the score's
	Facts        []RecordedFact       // the facts of the metric's kinds in the period, oldest first
	FactsTotal   int                  // how many there are; Facts holds at most MaxExplainFacts
}

// MaxExplainFacts bounds the facts Explain lists.
const MaxExplainFacts = 1000

// Explain returns how a KPI's figure on an engagement's scorecard for
// period came about: the metric's formula with the period's summed
// aggregates substituted, the score's arithmetic (kpi.ExplainScore), and
// the facts it was computed from (ids, kinds, days, values). Anyone who may
// see the engagement may call it. ENotFound when the terms in force have
// no KPI kpiKey for periods of that kind.
func (s *KPIStore) Explain(ctx context.Context, p tandem.Principal, engagementID int64, period kpi.Period, kpiKey string) (_ *Explained, err error) {
	defer wrap(&err, "KPIStore.Explain(%d, %s, %s)", engagementID, period, kpiKey)
	if !kpi.ValidKind(period.Kind) {
		return nil, invalid("period", "validation.one_of")
	}
	scs, aggs, err := s.scorecards(ctx, p, engagementID, []kpi.Period{period}, s.fromAggregates, true)
	if err != nil {
		return nil, err
	}
	sc := scs[0]
	x := &Explained{Period: period, TermsVersion: sc.TermsVersion, Metrics: sc.Metrics}
	found := false
	for _, r := range sc.Rows {
		if r.KPI.Key == kpiKey {
			x.KPI, x.Row, found = r.KPI, r, true
		}
	}
	if !found {
		return nil, tandem.ErrNotFound
	}
	m, _ := metric.For(x.KPI.Metric, sc.Metrics, period.Kind)
	_, _, e := m.Explain(aggs[0])
	x.Explanation.Steps = append(e.Steps, x.Row.Explanation.Steps...)
	x.Facts = []RecordedFact{}
	if len(m.Kinds) == 0 {
		return x, nil
	}
	from := tandem.DateOf(period.Start.In(period.Start.Location())).String()
	to := tandem.DateOf(period.End.In(period.End.Location())).String()
	args := []any{p.WorkspaceID, engagementID}
	for _, k := range m.Kinds {
		args = append(args, k)
	}
	args = append(args, from, to)
	cond := ` FROM facts WHERE workspace_id = ? AND engagement_id = ? AND kind IN (` + placeholders(len(m.Kinds)) + `) AND day >= ? AND day < ?`
	if err := s.db.queryRow(ctx, `SELECT COUNT(*)`+cond, args...).Scan(&x.FactsTotal); err != nil {
		return nil, err
	}
	rows, err := s.db.query(ctx, `SELECT `+factCols+cond+fmt.Sprintf(` ORDER BY day, at, id LIMIT %d`, MaxExplainFacts), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var f RecordedFact
		if err := scanFact(rows, &f); err != nil {
			return nil, err
		}
		x.Facts = append(x.Facts, f)
	}
	return x, rows.Err()
}

// ---------------------------------------------------------------- verify

// Mismatch is the first difference Verify found between the stored
// aggregates and those recomputed from the facts, in the order of
// (workspace, engagement, kind, day). Stored is "missing" for a day with
// facts but no aggregate row; Recomputed is "missing" for a row whose day
// has no facts.
//
// Table is "kpi_daily" or "kpi_weekly" (whose Day is the Monday of the
// week); kpi_daily is checked first.
type Mismatch struct {
	Table                     string
	WorkspaceID, EngagementID int64
	Kind, Day, Column         string
	Stored, Recomputed        string
}

func (m *Mismatch) Error() string {
	day := "day"
	if m.Table == "kpi_weekly" {
		day = "week"
	}
	return fmt.Sprintf("%s differs from the facts: workspace %d, engagement %d, kind %s, %s %s, %s: stored %s, recomputed %s",
		m.Table, m.WorkspaceID, m.EngagementID, m.Kind, day, m.Day, m.Column, m.Stored, m.Recomputed)
}

type dailyKey struct {
	ws, eng   int64
	kind, day string
}

func (a dailyKey) less(b dailyKey) bool {
	if a.ws != b.ws {
		return a.ws < b.ws
	}
	if a.eng != b.eng {
		return a.eng < b.eng
	}
	if a.kind != b.kind {
		return a.kind < b.kind
	}
	return a.day < b.day
}

type dailyVals struct {
	n, sumValue, sumSq, sumFlag, sumAmount, nZero int64
	sketch                                        []byte
}

// Verify recomputes every aggregate row from the raw facts (GROUP BY over
// all facts, sketches rebuilt from each fact's data) and compares them with
// kpi_daily, column by column and the sketch byte for byte (its encoding
// is canonical); then the same for kpi_weekly, with the recomputed days
// summed by week. It returns nil when they agree, and otherwise the first
// difference in key order (kpi_daily's first). It reads every fact: an
// operator's check ("tandem kpi verify"), not a request path.
func (s *KPIStore) Verify(ctx context.Context) (_ *Mismatch, err error) {
	defer wrap(&err, "KPIStore.Verify")
	stored, err := s.storedAggregates(ctx, "kpi_daily", "day")
	if err != nil {
		return nil, err
	}
	storedWeeks, err := s.storedAggregates(ctx, "kpi_weekly", "week")
	if err != nil {
		return nil, err
	}
	// Sketches recomputed from the facts of the kinds that keep one.
	sketches := map[dailyKey]*kpi.Sketch{}
	for _, kind := range metric.Kinds {
		if kind.SketchField == "" {
			continue
		}
		rows, err := s.db.query(ctx, `SELECT workspace_id, engagement_id, day, data FROM facts WHERE kind = ?`, kind.Name)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			k := dailyKey{kind: kind.Name}
			var d tandem.Date
			var js string
			if err := rows.Scan(&k.ws, &k.eng, dateScan{&d}, &js); err != nil {
				rows.Close()
				return nil, err
			}
			k.day = d.String()
			data, err := decodeData(js)
			if err != nil {
				rows.Close()
				return nil, err
			}
			if v, ok := dataInt(data, kind.SketchField); ok {
				if sketches[k] == nil {
					sketches[k] = &kpi.Sketch{}
				}
				sketches[k].Add(v)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	var first *Mismatch
	var firstKey dailyKey
	note := func(table string, k dailyKey, col, st, re string) {
		if first == nil || (first.Table == table && k.less(firstKey)) {
			first, firstKey = &Mismatch{Table: table, WorkspaceID: k.ws, EngagementID: k.eng, Kind: k.kind, Day: k.day, Column: col, Stored: st, Recomputed: re}, k
		}
	}
	compare := func(table string, k dailyKey, st dailyVals, v dailyVals) {
		for _, c := range []struct {
			col    string
			st, re int64
		}{{"n", st.n, v.n}, {"sum_value", st.sumValue, v.sumValue}, {"sum_sq_value", st.sumSq, v.sumSq},
			{"sum_flag", st.sumFlag, v.sumFlag}, {"sum_amount", st.sumAmount, v.sumAmount}, {"n_zero", st.nZero, v.nZero}} {
			if c.st != c.re {
				note(table, k, c.col, fmt.Sprint(c.st), fmt.Sprint(c.re))
				return
			}
		}
		if !bytes.Equal(st.sketch, v.sketch) {
			note(table, k, "sketch", sketchText(st.sketch), sketchText(v.sketch))
		}
	}
	weeks := map[dailyKey]*aggRow{} // recomputed
	rows, err := s.db.query(ctx, `SELECT workspace_id, engagement_id, kind, day, `+factSums()+` FROM facts GROUP BY workspace_id, engagement_id, kind, day`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var k dailyKey
		var v dailyVals
		var d tandem.Date
		if err := rows.Scan(&k.ws, &k.eng, &k.kind, dateScan{&d}, &v.n, &v.sumValue, &v.sumSq, &v.sumFlag, &v.sumAmount, &v.nZero); err != nil {
			return nil, err
		}
		k.day = d.String()
		sk := sketches[k]
		if sk != nil && sk.Count() > 0 {
			if v.sketch, err = sk.MarshalBinary(); err != nil {
				return nil, err
			}
		}
		wk := k
		wk.day = mondayOf(d.Time()).Format(time.DateOnly)
		if weeks[wk] == nil {
			weeks[wk] = &aggRow{}
		}
		weeks[wk].add(&aggRow{n: v.n, sumValue: v.sumValue, sumSq: v.sumSq, sumFlag: v.sumFlag, sumAmount: v.sumAmount, nZero: v.nZero, sketch: sk})
		st, ok := stored[k]
		if !ok {
			note("kpi_daily", k, "row", "missing", fmt.Sprintf("n=%d", v.n))
			continue
		}
		delete(stored, k)
		compare("kpi_daily", k, st, v)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for k, st := range stored {
		note("kpi_daily", k, "row", fmt.Sprintf("n=%d", st.n), "missing")
	}
	if first != nil {
		return first, nil
	}
	for k, w := range weeks {
		v := dailyVals{n: w.n, sumValue: w.sumValue, sumSq: w.sumSq, sumFlag: w.sumFlag, sumAmount: w.sumAmount, nZero: w.nZero}
		if w.sketch != nil && w.sketch.Count() > 0 {
			if v.sketch, err = w.sketch.MarshalBinary(); err != nil {
				return nil, err
			}
		}
		st, ok := storedWeeks[k]
		if !ok {
			note("kpi_weekly", k, "row", "missing", fmt.Sprintf("n=%d", v.n))
			continue
		}
		delete(storedWeeks, k)
		compare("kpi_weekly", k, st, v)
	}
	for k, st := range storedWeeks {
		note("kpi_weekly", k, "row", fmt.Sprintf("n=%d", st.n), "missing")
	}
	return first, nil
}

// storedAggregates reads every row of an aggregate table (kpi_daily by
// day, kpi_weekly by week).
func (s *KPIStore) storedAggregates(ctx context.Context, table, col string) (map[dailyKey]dailyVals, error) {
	stored := map[dailyKey]dailyVals{}
	rows, err := s.db.query(ctx, `SELECT workspace_id, engagement_id, kind, `+col+`, n, sum_value, sum_sq_value, sum_flag, sum_amount, n_zero, sketch FROM `+table)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var k dailyKey
		var v dailyVals
		var d tandem.Date
		if err := rows.Scan(&k.ws, &k.eng, &k.kind, dateScan{&d}, &v.n, &v.sumValue, &v.sumSq, &v.sumFlag, &v.sumAmount, &v.nZero, &v.sketch); err != nil {
			return nil, err
		}
		k.day = d.String()
		stored[k] = v
	}
	return stored, rows.Err()
}

// sketchText describes an encoded sketch for a Mismatch.
func sketchText(b []byte) string {
	if len(b) == 0 {
		return "none"
	}
	var sk kpi.Sketch
	if err := sk.UnmarshalBinary(b); err != nil {
		return fmt.Sprintf("undecodable (%d bytes)", len(b))
	}
	return fmt.Sprintf("%d values, min %d, max %d, %d bytes", sk.Count(), sk.Min(), sk.Max(), len(b))
}

// Facts lists an engagement's facts of the given kinds (all kinds when
// none) on the local days [from, to), oldest first, at most limit (1 to
// MaxExplainFacts). Anyone who may see the engagement may call it.
func (s *KPIStore) Facts(ctx context.Context, p tandem.Principal, engagementID int64, kinds []string, from, to tandem.Date, limit int) (_ []RecordedFact, err error) {
	defer wrap(&err, "KPIStore.Facts(%d)", engagementID)
	if _, err := s.db.Engagements.Get(ctx, p, engagementID); err != nil {
		return nil, err
	}
	limit = min(max(limit, 1), MaxExplainFacts)
	var w where
	w.add("workspace_id = ?", p.WorkspaceID)
	w.add("engagement_id = ?", engagementID)
	if len(kinds) > 0 {
		args := make([]any, len(kinds))
		for i, k := range kinds {
			args[i] = k
		}
		w.add("kind IN ("+placeholders(len(kinds))+")", args...)
	}
	w.add("day >= ?", from.String())
	w.add("day < ?", to.String())
	rows, err := s.db.query(ctx, `SELECT `+factCols+` FROM facts`+w.String()+fmt.Sprintf(` ORDER BY day, at, id LIMIT %d`, limit), w.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []RecordedFact{}
	for rows.Next() {
		var f RecordedFact
		if err := scanFact(rows, &f); err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}
