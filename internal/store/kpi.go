package store

import (
	"context"
	"database/sql"
	"strings"
)

// KPIStore is the KPI engine's storage: per-day aggregates of the facts
// (table kpi_daily) and their per-week rollup (kpi_weekly), scorecards and
// trends read from them, explanations down to the facts, and Verify, which
// recomputes every aggregate from the raw facts.
//
// Aggregates are kept current in the transaction that records a fact.
// recordFact (one fact, the work flows) and RecordFacts (a batch) both sum
// what their facts add in a metric.Deltas — n, Σvalue, Σvalue² (kinds that
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
// batches do not deadlock). On PostgreSQL a key has up to aggSlots rows
// and a transaction writes the one of its connection's slot: only
// transactions on connections of the same slot wait for it; readers sum
// a key's rows (see aggSlots).
//
// Editing or deleting a fact (UpdateFact, DeleteFact) recomputes the
// aggregate rows of the days it leaves and enters from that day's facts
// (recomputeDay): one day of one engagement and kind is a handful of rows
// through the facts_engagement_day index, and recomputing is exact for
// the sketch too, which cannot subtract a value; the day's week is then
// rewritten from its (at most seven) kpi_daily rows. A row whose day or
// week has no facts left is deleted; on PostgreSQL a rewritten key's
// slots are deleted and it is written as slot 0.
//
// The code is split by what it does: kpi_facts.go records, corrects and
// lists facts; kpi_aggregates.go keeps kpi_daily and kpi_weekly; the
// scorecards, trends and explanations are in kpi_scorecards.go and Verify
// in kpi_verify.go.
type KPIStore struct {
	db *DB
	// stmts are the hot statements of recording a fact, prepared on the
	// writer's pool; a batch of the writer on PostgreSQL runs them as
	// text, the driver keeping them prepared on its connection
	// (pgbatch.go).
	stmts map[string]*sql.Stmt
}

// The statements recording a fact runs, prepared once when the database is
// opened (recordFact, RecordFacts and flushDeltas run them through
// Tx.prepared): parsing SQL is most of the cost of an insert on SQLite.
const (
	workspaceZoneSQL = `SELECT time_zone FROM workspaces WHERE id = ?`
)

// factsChunk is how many facts one multi-row INSERT of RecordFacts writes
// when fewer than bulkChunk wait (11 parameters each: 550, well under
// SQLite's and PostgreSQL's limits); factsGathered is the most that wait
// before they are written through insertGathered.
const (
	factsChunk    = 50
	factsGathered = 4000
)

// factWidth is how many values one fact's row has (factArgs).
const factWidth = 11

// aggChunk is how many aggregate rows one multi-row upsert writes on
// PostgreSQL (flushDeltas).
const aggChunk = 200

// The aggregate upserts: on SQLite dailyUpsertSQL and dailyMergeSketchSQL
// (and weekly…), on PostgreSQL the slotted ones — dailySlotUpsertSQL,
// dailyUpsertSketchSQL and dailySketchSQL — which write the connection's
// slot (aggSlotSQL).
var (
	dailyUpsertSQL        = aggUpsertSQL("kpi_daily", "day", false)
	weeklyUpsertSQL       = aggUpsertSQL("kpi_weekly", "week", false)
	dailySlotUpsertSQL    = aggUpsertSQL("kpi_daily", "day", true)
	weeklySlotUpsertSQL   = aggUpsertSQL("kpi_weekly", "week", true)
	dailyUpsertSketchSQL  = aggUpsertSketchSQL("kpi_daily", "day")
	weeklyUpsertSketchSQL = aggUpsertSketchSQL("kpi_weekly", "week")
	dailyMergeSketchSQL   = aggMergeSketchSQL("kpi_daily", "day")
	weeklyMergeSketchSQL  = aggMergeSketchSQL("kpi_weekly", "week")
	dailySketchSQL        = `UPDATE kpi_daily SET sketch = ? WHERE workspace_id = ? AND engagement_id = ? AND kind = ? AND day = ? AND slot = ` + aggSlotSQL
	weeklySketchSQL       = `UPDATE kpi_weekly SET sketch = ? WHERE workspace_id = ? AND engagement_id = ? AND kind = ? AND week = ? AND slot = ` + aggSlotSQL
	// insertFactsSQL inserts factsChunk facts of kinds that are not
	// once-only (which cannot conflict with facts_once).
	insertFactsHead = `INSERT INTO facts (workspace_id, engagement_id, kind, subject_id, at, day, value, flag, amount_minor, currency, data) VALUES `
	insertFactsSQL  = insertFactsHead +
		strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?), ", factsChunk), ", ")
)

// newKPIStore prepares the statements of recording a fact on the writer
// (no transaction runs yet when the database is opened; a statement that
// fails to prepare is simply run unprepared), and builds kpi_weekly from
// kpi_daily if the data predates it (backfillWeekly).
func newKPIStore(ctx context.Context, db *DB) *KPIStore {
	s := &KPIStore{db: db, stmts: map[string]*sql.Stmt{}}
	for _, q := range []string{workspaceZoneSQL, insertFactSQL, insertFactsSQL,
		dailyUpsertSQL, weeklyUpsertSQL, dailyMergeSketchSQL, weeklyMergeSketchSQL,
		dailySlotUpsertSQL, dailyUpsertSketchSQL, dailySketchSQL, weeklySlotUpsertSQL, weeklyUpsertSketchSQL, weeklySketchSQL} {
		// Sketches merge in SQL on SQLite, read back and merged in Go on
		// PostgreSQL, whose rows have slots (flushDeltas).
		sqliteOnly := q == dailyUpsertSQL || q == weeklyUpsertSQL || q == dailyMergeSketchSQL || q == weeklyMergeSketchSQL
		slotted := q == dailySlotUpsertSQL || q == weeklySlotUpsertSQL || q == dailyUpsertSketchSQL || q == weeklyUpsertSketchSQL ||
			q == dailySketchSQL || q == weeklySketchSQL
		if (db.dialect.name() == "sqlite" && slotted) || (db.dialect.name() != "sqlite" && sqliteOnly) {
			continue
		}
		if st, err := db.w.PrepareContext(ctx, db.dialect.rebind(q)); err == nil {
			s.stmts[q] = st
		}
	}
	return s
}

// prepared runs q, one of the statements newKPIStore prepared, in tx (or
// unprepared when it is not one of them).
func (tx *Tx) prepared(ctx context.Context, q string, args ...any) (sql.Result, error) {
	ts := tx.stmt(ctx, q)
	if ts == nil {
		return tx.exec(ctx, q, args...)
	}
	if err := tx.settle(ctx, q); err != nil {
		return nil, err
	}
	tx.db.counted(ctx, q)
	return ts.ExecContext(tx.stmtCtx(ctx), args...)
}

// preparedRow is prepared for a query returning one row.
func (tx *Tx) preparedRow(ctx context.Context, q string, args ...any) *sql.Row {
	ts := tx.stmt(ctx, q)
	if ts == nil {
		return tx.queryRow(ctx, q, args...)
	}
	tx.settle(ctx, q) // a failure fails the batch (later.err)
	tx.db.counted(ctx, q)
	return ts.QueryRowContext(tx.stmtCtx(ctx), args...)
}

// stmt returns q's prepared statement bound to tx, binding it on first
// use: a batch runs the same few statements thousands of times, and
// binding each time costs an allocation and the statement's locks. The
// transaction closes them when it ends (the writer's statement stays
// prepared on the connection). nil: q is not one of them.
func (tx *Tx) stmt(ctx context.Context, q string) *sql.Stmt {
	sqltx, ok := tx.tx.(*sql.Tx)
	if !ok {
		return nil // a PostgreSQL batch (pgbatch.go): the driver keeps its statements prepared
	}
	st := tx.db.KPI.stmt(q)
	if st == nil {
		return nil
	}
	ts := tx.stmts[st]
	if ts == nil {
		if tx.stmts == nil {
			tx.stmts = map[*sql.Stmt]*sql.Stmt{}
		}
		ts = sqltx.StmtContext(tx.stmtCtx(ctx), st)
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
