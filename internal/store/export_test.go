package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/tandemhq/tandem/internal/invoice"
	"github.com/tandemhq/tandem/internal/kpi"
	"github.com/tandemhq/tandem/internal/metric"
	"github.com/tandemhq/tandem/internal/tandem"
)

// FeedSQL is the query of AuditStore.Feed and its arguments, for the query
// plan test.
func FeedSQL(p tandem.Principal, engagementID int64, limit int) (string, []any) {
	return feedSQL(p, engagementID, limit)
}

// PartnerListQuery is the statement of PartnerStore.List and its
// arguments, for the query plan test.
func PartnerListQuery(p tandem.Principal, pg tandem.Page, status string) (string, []any) {
	pg = pg.Normalize()
	from, order, args := partnerList(p, pg, status)
	return listPageQuery(partnerCols, from, order, pg), append(slices.Clip(args), args...)
}

// MemoMax is the most results Remember keeps.
const MemoMax = memoMax

// AccountContactsQuery is SalesStore.Contacts' query of the contacts and
// their details.
const AccountContactsQuery = accountContactsQuery

// FindContactsQuery is SalesStore.FindContacts' query for p and a folded
// prefix.
func FindContactsQuery(db *DB, p tandem.Principal, prefix string, limit int) (string, []any) {
	return findContactsQuery(db.dialect, p, prefix, limit)
}

// The statements of a period's values by state (ownmetrics.go), each with
// the number of times it takes the period's arguments.
var ReplaceQueries = map[string]int{replaceConfirmedSQL: 1, replaceValuesSQL: 1, replaceBothSQL: 2}

// PeriodLockKey names the lock of a metric's period (lockPeriod).
func PeriodLockKey(p tandem.Principal, engagementID int64, metric, kind string, start tandem.Date) string {
	return periodLockKey(p, engagementID, metric, kind, start)
}

// ReplaceBothQuery reads a period's value that counts and its pending ones.
const ReplaceBothQuery = replaceBothSQL

// QueryPlan returns SQLite's plan of q, one line per step (the detail
// column of EXPLAIN QUERY PLAN).
func QueryPlan(db *DB, q string, args ...any) ([]string, error) {
	rows, err := db.r.QueryContext(context.Background(), "EXPLAIN QUERY PLAN "+q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id, parent, notused int
		var detail string
		if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
			return nil, err
		}
		out = append(out, detail)
	}
	return out, rows.Err()
}

// QueryPlanPG returns PostgreSQL's plan of q (EXPLAIN), one line per
// row, with sequential scans disabled: on a test's small tables the
// planner would scan them whole whatever the indexes, and the question is
// whether an index can answer q in its order.
func QueryPlanPG(db *DB, q string, args ...any) ([]string, error) {
	ctx := context.Background()
	tx, err := db.r.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `SET LOCAL enable_seqscan = off`); err != nil {
		return nil, err
	}
	rows, err := tx.QueryContext(ctx, "EXPLAIN "+db.dialect.rebind(q), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return nil, err
		}
		out = append(out, line)
	}
	return out, rows.Err()
}

// Indexes lists the names of table's indexes.
func Indexes(db *DB, table string) ([]string, error) {
	q := `SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ? ORDER BY name`
	if db.Dialect() == "postgres" {
		q = `SELECT indexname FROM pg_indexes WHERE tablename = ? ORDER BY indexname`
	}
	rows, err := db.r.QueryContext(context.Background(), db.dialect.rebind(q), table)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// RefoldSearch folds the search text of rows that have none, as Open does.
func RefoldSearch(db *DB) error { return db.refoldSearch(context.Background()) }

// SyncDraft brings the stored draft of an engagement's period up to date,
// as the scheduled job does (draftIn), for tests that need it stored.
func (s *InvoiceStore) SyncDraft(ctx context.Context, p tandem.Principal, engagementID int64, period kpi.Period) (*Invoice, error) {
	var out *Invoice
	err := s.db.transact(ctx, func(tx *Tx) error {
		var err error
		out, err = draftIn(ctx, tx, p, engagementID, period)
		return err
	})
	return out, err
}

// DraftTotals computes the invoices of engagements for period in memory,
// as Draft does, with the KPI score read from the aggregates or (raw) from
// the raw facts, and returns their totals: the invoice benchmark's two
// sides.
func DraftTotals(db *DB, p tandem.Principal, engagementIDs []int64, period kpi.Period, raw bool) ([]int64, error) {
	ctx := context.Background()
	src := fromAggregates
	if raw {
		src = fromFacts
	}
	out := make([]int64, 0, len(engagementIDs))
	for _, id := range engagementIDs {
		in, _, err := invoiceInputFrom(ctx, db, p, id, period, src)
		if err != nil {
			return nil, err
		}
		inv, err := invoice.Compute(*in)
		if err != nil {
			return nil, err
		}
		out = append(out, inv.TotalMinor)
	}
	return out, nil
}

// EstimateTotals is DraftTotals computed as InvoiceStore.Estimates does:
// all the engagements at once, from the daily aggregates.
func EstimateTotals(db *DB, p tandem.Principal, engagementIDs []int64, period kpi.Period) ([]int64, error) {
	est, err := db.Invoices().Estimates(context.Background(), p, engagementIDs, period)
	if err != nil {
		return nil, err
	}
	out := make([]int64, 0, len(engagementIDs))
	for _, id := range engagementIDs {
		if est[id] == nil {
			return nil, fmt.Errorf("no estimate of engagement %d", id)
		}
		out = append(out, est[id].TotalMinor)
	}
	return out, nil
}

// ScoreTotals is the part of DraftTotals that the aggregates serve: the
// month's weighted KPI score of each engagement (its terms versions
// loaded, the score read from the aggregates or, raw, from the facts),
// without the month's priced facts that an invoice lists one by one.
func ScoreTotals(db *DB, p tandem.Principal, engagementIDs []int64, period kpi.Period, raw bool) ([]int64, error) {
	ctx := context.Background()
	src := fromAggregates
	if raw {
		src = fromFacts
	}
	out := make([]int64, 0, len(engagementIDs))
	for _, id := range engagementIDs {
		versions, err := loadVersions(ctx, db, p, id)
		if err != nil {
			return nil, err
		}
		scs, _, err := scorecardsOf(ctx, db, p, id, versions, []kpi.Period{period}, src, false)
		if err != nil {
			return nil, err
		}
		out = append(out, int64(scs[0].Total))
	}
	return out, nil
}

// BulkLoad writes n generated rows into table's columns cols (comma
// separated) by multi-row INSERTs, committing every 100,000 rows: the
// benchmarks' big fixtures, not the store's path. row appends row i's
// values to dst.
func BulkLoad(db *DB, table, cols string, n int, row func(i int, dst []any) []any) error {
	ctx := context.Background()
	width := strings.Count(cols, ",") + 1
	chunk := 30000 / width
	stmt := func(k int) string {
		return db.dialect.rebind("INSERT INTO " + table + " (" + cols + ") VALUES " +
			strings.TrimSuffix(strings.Repeat("("+placeholders(width)+"), ", k), ", "))
	}
	full := stmt(chunk)
	args := make([]any, 0, chunk*width)
	for from := 0; from < n; from += 100000 {
		to := min(from+100000, n)
		err := db.transact(ctx, func(tx *Tx) error {
			var st *sql.Stmt
			for start := from; start < to; start += chunk {
				end := min(start+chunk, to)
				args = args[:0]
				for i := start; i < end; i++ {
					args = row(i, args)
				}
				var err error
				if end-start < chunk {
					_, err = tx.tx.ExecContext(ctx, stmt(end-start), args...)
				} else {
					if st == nil {
						if st, err = tx.tx.PrepareContext(ctx, full); err != nil {
							return err
						}
						defer st.Close()
					}
					_, err = st.ExecContext(ctx, args...)
				}
				if err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// QueryInt64s returns the first column of q's rows.
func QueryInt64s(db *DB, q string, args ...any) ([]int64, error) {
	rows, err := db.r.QueryContext(context.Background(), db.dialect.rebind(q), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var v int64
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// BulkFacts writes n facts of workspaceID, fact i made by gen, together
// with their daily and weekly aggregates exactly as the recording path
// (recordFactsIn) writes them — the same rows (factArgs on the fact's
// local day in the workspace's zone, kpi.DayCache), the same deltas
// (metric.Deltas) and the same upserts (flushDeltas) — but by multi-row
// INSERTs (BulkLoad) committed every 100,000 facts, with the aggregates
// summed in memory over all n facts and written once at the end: the
// benchmarks' big fixtures, not the store's path. Kinds recorded once
// only (penalties, breaches) are refused: they need the one-at-a-time
// path. KPIStore.Verify holds on the result.
func BulkFacts(db *DB, workspaceID int64, n int, gen func(i int, f *Fact)) error {
	ctx := context.Background()
	var tz string
	if err := db.r.QueryRowContext(ctx, db.dialect.rebind(workspaceZoneSQL), workspaceID).Scan(&tz); err != nil {
		return err
	}
	days := kpi.DayCache{Loc: kpi.Zone(tz)}
	agg := metric.NewDeltas()
	var bad error
	err := BulkLoad(db, "facts", "workspace_id, engagement_id, kind, subject_id, at, day, value, flag, amount_minor, currency, data", n,
		func(i int, dst []any) []any {
			var f Fact
			gen(i, &f)
			if err := f.resolve(); err != nil && bad == nil {
				bad = err
			}
			if onceOnly(string(f.Kind)) && bad == nil {
				bad = fmt.Errorf("BulkFacts: %s is recorded once only", f.Kind)
			}
			day, week := days.Of(f.At)
			args, err := factArgs(workspaceID, f, day)
			if err != nil && bad == nil {
				bad = err
			}
			agg.Add(f.EngagementID, f.Kind, day, week, f.Value, f.Flag, f.AmountMinor, f.Data)
			return append(dst, args...)
		})
	if bad != nil {
		return bad
	}
	if err != nil {
		return err
	}
	return db.transact(ctx, func(tx *Tx) error { return flushDeltas(ctx, tx, workspaceID, agg) })
}

// Commits is how many COMMITs SQLite's writer ran (groupcommit.go); 0 on
// PostgreSQL, where each transaction commits by itself.
func Commits(db *DB) int64 {
	if db.gc == nil {
		return 0
	}
	return db.gc.commits.Load()
}

// Submitted is how many transactions were handed to SQLite's writer; 0 on
// PostgreSQL.
func Submitted(db *DB) int64 {
	if db.gc == nil {
		return 0
	}
	return db.gc.submitted.Load()
}

// WaitSubmitted returns once n transactions in all were handed to SQLite's
// writer (at once on PostgreSQL): a test hands jobs over one after the
// other, in the order it wants them run.
func WaitSubmitted(db *DB, n int64) {
	for db.gc != nil && db.gc.submitted.Load() < n {
		time.Sleep(time.Millisecond)
	}
}

// HoldNextBatch makes SQLite's writer, once it took the first job of its
// next batch, wait until n-1 more are queued before it takes them: the n
// jobs then run in one transaction (n ≤ maxBatch). Nothing on PostgreSQL.
func HoldNextBatch(db *DB, n int) {
	if db.gc == nil {
		return
	}
	h := func() {
		for len(db.gc.jobs) < n-1 {
			time.Sleep(time.Millisecond)
		}
	}
	db.gc.hold.Store(&h)
}

// TestTx is a write transaction as a test sees it.
type TestTx struct {
	ctx context.Context
	tx  *Tx
	p   tandem.Principal
}

// Audit appends an audit entry (action) for the test's principal.
func (t TestTx) Audit(action string) error {
	return t.tx.record(t.ctx, t.p, action, "workspace", t.p.WorkspaceID, nil)
}

// RowsKeptTable is a table whose rows a batch may keep (keptrows.go) and
// the words that make a statement write them first (nil: any statement).
type RowsKeptTable struct {
	Table string
	Named []string
}

// RowsKeptTables lists the tables whose rows a batch may keep.
func RowsKeptTables() []RowsKeptTable {
	var out []RowsKeptTable
	for _, t := range keptTables {
		out = append(out, RowsKeptTable{Table: t.table, Named: t.named})
	}
	return out
}

// NamedIn reports whether a statement of text q writes t's kept rows first.
func (t RowsKeptTable) NamedIn(q string) bool {
	return (&keptTable{named: t.Named}).namedIn(q)
}

// CreatePartner inserts a partner of that name into the test's workspace
// as PartnerStore.Create does (a kept row on PostgreSQL, keptrows.go),
// with no audit entry.
func (t TestTx) CreatePartner(name string) (int64, error) {
	return t.tx.insertKept(t.ctx, partnerRows, t.p.WorkspaceID, name, "", "SE", "", "", "", "", 0, "active", name, t.tx.now, t.tx.now)
}

// Plan returns PostgreSQL's plan of q in the transaction, one line a
// step, as a statement of it would be planned.
func (t TestTx) Plan(q string, args ...any) ([]string, error) {
	return scanAll(t.ctx, t.tx, func(s scanner, line *string) error { return s.Scan(line) }, "EXPLAIN "+q, args...)
}

// Exec runs a statement in the transaction.
func (t TestTx) Exec(q string, args ...any) error {
	_, err := t.tx.exec(t.ctx, q, args...)
	return err
}

// RecordFact records f in the transaction as a logged activity does
// (its day in UTC).
func (t TestTx) RecordFact(f Fact) error {
	_, err := recordFactInZone(t.ctx, t.tx, t.p, f, "UTC")
	return err
}

// RecordFacts records facts in the transaction as KPIStore.RecordFacts
// does (in bulk, in the workspace's zone).
func (t TestTx) RecordFacts(facts []Fact) error {
	_, err := recordFactsIn(t.ctx, t.tx, t.p.WorkspaceID, facts)
	return err
}

// AggSlotQuery reads, on PostgreSQL, the slot of the aggregate rows the
// connection writes (aggSlots).
var AggSlotQuery = `SELECT ` + aggSlotSQL

// KeepFactChange keeps, in the batch, a change of fact id of the test's
// workspace to value, as a value entered again does (valuesknown.go):
// written at the batch's end, where it must find its fact.
func (t TestTx) KeepFactChange(id, value int64) error {
	if t.tx.later == nil {
		return fmt.Errorf("store: not in a batch of the writer")
	}
	return t.tx.later.keepFactChange(t.ctx, factChange{ws: t.p.WorkspaceID, id: id, subjectID: 1, at: t.tx.now, value: value, data: "{}"})
}

// QueryInt reads one integer in the transaction.
func (t TestTx) QueryInt(q string, args ...any) (n int64, err error) {
	err = t.tx.queryRow(t.ctx, q, args...).Scan(&n)
	return n, err
}

// Write runs a write transaction for p whose function is step: a job that
// writes and then fails, panics or sees its caller leave.
func Write(ctx context.Context, db *DB, p tandem.Principal, step func(t TestTx) error) error {
	return db.transact(ctx, func(tx *Tx) error {
		return step(TestTx{ctx: ctx, tx: tx, p: p})
	})
}

// Retries counts the transactions db ran again after a serialization
// failure or a deadlock (transactJob).
func Retries(db *DB) int64 { return db.retries.Load() }

// Aside counts the batch jobs db ran again beside the writer after they
// waited too long for a lock (transactJob, batchLockWait).
func Aside(db *DB) int64 { return db.aside.Load() }

// WriteAlone is Write in a transaction of its own, never batched with
// others (on PostgreSQL beside the writer's batches): for a test that
// holds a transaction open while another one runs.
func WriteAlone(ctx context.Context, db *DB, p tandem.Principal, step func(t TestTx) error) error {
	return db.transactBulk(ctx, func(tx *Tx) error {
		return step(TestTx{ctx: ctx, tx: tx, p: p})
	})
}

// KeptTables are the tables the result kept under key read (Remember);
// false when there is none or it depends on every write.
func KeptTables(db *DB, key any) ([]string, bool) {
	db.memo.mu.Lock()
	e, ok := db.memo.entries[key]
	db.memo.mu.Unlock()
	if !ok {
		return nil, false
	}
	<-e.done
	return tableNames(e.tables), !e.all
}

// tableNames names reads, sorted, a table only looked up by id followed
// by " (by id)".
func tableNames(reads []tableRead) []string {
	var out []string
	for _, r := range reads {
		if r.lookup {
			out = append(out, r.table+" (by id)")
		} else {
			out = append(out, r.table)
		}
	}
	slices.Sort(out)
	return out
}

// ReadTables are the tables SQLite says statement q reads (see tableNames).
func ReadTables(db *DB, q string) ([]string, bool) {
	reads, ok := db.readTables(context.Background(), q)
	return tableNames(reads), ok
}

// Covers tells whether snapshot p covers s (both as pg_current_snapshot
// writes them); ok false when one does not parse.
func Covers(p, s string) (covers, ok bool) {
	ps, ok1 := parseSnapshot(p)
	ss, ok2 := parseSnapshot(s)
	return ok1 && ok2 && ps.covers(ss), ok1 && ok2
}

// PGReads are the tables statement q reads on PostgreSQL (see
// tableNames), in a schema of the tables known, those in byID keyed by id.
func PGReads(known, byID []string, q string) []string {
	c := &pgTables{known: map[string]bool{}, byID: map[string]bool{}}
	for _, t := range known {
		c.known[t] = true
	}
	for _, t := range byID {
		c.byID[t] = true
	}
	return tableNames(c.reads(q))
}

// InsertGathered runs insertGathered in a transaction of its own, for its
// test.
func InsertGathered(db *DB, head string, width int, args []any) error {
	ctx := context.Background()
	return db.transactBulk(ctx, func(tx *Tx) error { return insertGathered(ctx, tx, head, width, args) })
}

// BatchKeyQuery is the batch ingestion's lookup of contacts by phone key,
// for the query plan test.
func BatchKeyQuery(p tandem.Principal, engagementID int64, keys []string) (string, []any) {
	return batchKeyQuery(p, engagementID, keys)
}

// BatchAccountQuery is the batch ingestion's read of accounts by id, for
// the query plan test.
func BatchAccountQuery(p tandem.Principal, engagementID int64, ids []int64) (string, []any) {
	return batchAccountQuery(p, engagementID, ids)
}

// CopyFile copies a file and syncs it (the backup's copy), for benchmarks
// that work on a copy of a built base.
var CopyFile = copyFile

// ReadPool is the pool reads go through, for the connection pool test.
func (db *DB) ReadPool() *sql.DB { return db.r }

// Checkpoints is how many checkpoints SQLite's checkpointer ran beside the
// writer (checkpoint.go), how many the writer ran for the last frames of
// a round, and how many frames the log held at the last of them; all 0 on
// PostgreSQL.
func Checkpoints(db *DB) (runs, tails, logged int64) {
	if db.ckpt == nil {
		return 0, 0, 0
	}
	return db.ckpt.runs.Load(), db.ckpt.tails.Load(), db.ckpt.logged.Load()
}

// WriterAutocheckpoint is the writer connection's wal_autocheckpoint on
// SQLite.
func WriterAutocheckpoint(db *DB) (n int64, err error) {
	err = db.w.QueryRowContext(context.Background(), `PRAGMA wal_autocheckpoint`).Scan(&n)
	return n, err
}

// WALWrites is how many writes SQLite asked of the writer's log file since
// it was opened, and how many it became (walbuffer.go); 0, 0 on
// PostgreSQL.
func WALWrites(db *DB) (asked, written int64) {
	if db.dialect.name() != "sqlite" {
		return 0, 0
	}
	walVFS.mu.Lock()
	defer walVFS.mu.Unlock()
	for _, f := range walVFS.files {
		if f.path == db.file+"-wal" {
			f.mu.Lock()
			asked, written = asked+f.asked, written+f.written
			f.mu.Unlock()
		}
	}
	return asked, written
}

// Listening starts db's listener for announced changes (PostgreSQL,
// pglisten.go) and tells whether it hears now; false on SQLite.
func Listening(db *DB) bool { return db.pg != nil && db.listening() }

// StopListening stops db's listener for good: its writes' identities are
// read with every request again.
func StopListening(db *DB) { db.closeListener() }

// BatchTrips is the round trips the writer's PostgreSQL batches made
// (pgbatch.go).
func BatchTrips(db *DB) int64 { return db.trips.Load() }

// PadIDs is padIDs (accountreads.go), for its test.
var PadIDs = padIDs
