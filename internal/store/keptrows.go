package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
)

// Rows a job of the writer's batch inserts without waiting.
//
// On PostgreSQL the writer runs a batch's jobs one after the other on one
// connection, and each statement of a job is a round trip: sent, run by a
// server process that must be given one of the two cores, answered, read
// by the writer woken up again. A created partner was one such round
// trip, its INSERT … RETURNING id, and under load the round trip, not the
// INSERT (about 0.1 ms of the server's time), was the writer's time: about
// 270 µs a partner, 3,100–3,700 a second over HTTP with a third of the CPU
// idle; a logged call was three (its account read, its INSERT, its
// account's last call), 1,200–1,400 a second.
//
// A row inserted through insertKept is instead given its id from the
// table's sequence at once and kept in the batch's later (later.go); the
// rows kept for one table are inserted in one multi-row statement when
// the batch's other kept writes are, just before the COMMIT. The ids come
// from a pool the writer refills with one statement (nextval of the
// table's sequence, as many as there are jobs left in the batch and at
// least idRefill, so that the next few batches find ids left), so a
// batch of 50 partner creations costs two statements where it cost 50.
//
// Kept so: a created partner, a logged activity (a call, its follow-up),
// and the last call noted on a called account (noteLastCalls), which is
// brought up to date after the calls are written.
//
// What a later statement of the batch sees is unchanged: the rows kept so
// far are inserted before a statement that may read them runs
// (Tx.settle). For partners that is any statement — rows of many tables
// refer to a partner (a foreign key, checked when they are written) —
// and for activities a statement whose text names sales_activities: no
// other table refers to an activity and no trigger, function or view
// reads them (TestKeptRowsNamedByTheirReaders checks the schema), and a
// statement whose text names last_call finds the last calls noted. A
// batch whose jobs only keep rows and entries writes them all at its end;
// a batch of calls reads each call's account (its own statement) but
// writes the calls once. Failures keep their meaning as for the other
// kept writes (later.go): a row refused fails its own job only, after
// the batch is run again carefully.
//
// Ids: every one comes from the table's sequence, so ids stay unique
// across instances and with the rows inserted beside the writer (imports,
// the batch ingestion, a job run again alone). They no longer follow the
// order of the COMMITs: an instance takes several at once and uses what
// is left in later batches, so a row kept later may get a lower id than
// one another instance, an import or a job run alone inserted meanwhile.
// Nothing reads an order from ids alone (lists order by a name or a time
// and break ties by id — a KPI value's list by when each was entered,
// valuesOrder; the audit chain has its own seq). Ids taken and
// never used — a batch rolled back, the process stopping, a refused
// insert (drop) — are gaps, as a rolled-back INSERT leaves.
//
// SQLite keeps them too: there is no round trip to spare, but a row
// inserted with the batch's others in a statement of 32, 8 or 1 rows kept
// prepared (rowsInsert) costs the writer less than its own INSERT, and an
// account's last call set from the batch's calls less than reading its
// calls back. Their ids are counted after the table's largest within the
// batch (later.nextID), the count forgotten once a job's statement names
// the table, which may insert a row of its own. A partner's row is
// written before the next statement of any job, which also forgets its
// count: a partner created alone, or before another write's statement,
// costs one statement more than its own INSERT (its table's largest id
// read), while a batch of several partner creations writes them in a few
// statements at its end — 4–11 % less of the process's CPU a
// partner than each inserted at once (BenchmarkPartnerCreateConcurrent,
// six alternated pairs, 8 Dec 2026). Every row of a job run alone (a bulk
// job, a job run again beside the writer) is inserted at once.

// keptTable is a table whose rows a batch may keep: its name, its
// columns but id (as in an INSERT's column list), and the words a
// statement's text must hold for the kept rows to be written before it
// runs (Tx.settle): none, any statement.
type keptTable struct {
	table string
	cols  string
	width int
	one   string      // the INSERT of one row without its id (a job run alone)
	rows  *rowsInsert // SQLite's INSERT of kept rows, their ids first
	named []string    // nil: written before any statement
}

func newKeptTable(table, cols string, named ...string) *keptTable {
	width := strings.Count(cols, ",") + 1
	t := &keptTable{table: table, cols: cols, width: width, named: named,
		one:  "INSERT INTO " + table + " (" + cols + ") VALUES (" + placeholders(width) + ")",
		rows: newRowsInsert("INSERT INTO "+table+" (id, "+cols+") VALUES ", width+1)}
	keptTables = append(keptTables, t)
	return t
}

// keptTables are every keptTable, for the test that checks their words
// against the schema (TestKeptRowsNamedByTheirReaders).
var keptTables []*keptTable

// namedIn reports whether the statement q must find t's kept rows written.
func (t *keptTable) namedIn(q string) bool {
	if t.named == nil {
		return true
	}
	for _, w := range t.named {
		if strings.Contains(q, w) {
			return true
		}
	}
	return false
}

// keptRows are the rows a batch kept for one table: width+1 values a row,
// the id first.
type keptRows struct {
	t    *keptTable
	args []any
}

// insertKept inserts a row of t (its values in t's column order) and
// returns its id; in a batch of the writer the row is kept and written
// with the batch's other kept writes (see the top of this file).
func (tx *Tx) insertKept(ctx context.Context, t *keptTable, args ...any) (int64, error) {
	if len(args) != t.width {
		return 0, fmt.Errorf("store: %d values for the %d columns of %s", len(args), t.width, t.table)
	}
	l := tx.later
	if l == nil {
		return tx.insert(ctx, t.one, args...)
	}
	if err := ctx.Err(); err != nil {
		return 0, err // as a statement of a job whose caller left (Tx.stmtCtx)
	}
	var id int64
	var err error
	if tx.db.dialect.name() == "postgres" {
		id, err = tx.db.ids.take(ctx, tx, t.table, l.left)
	} else {
		id, err = l.nextID(ctx, tx, t)
	}
	if err != nil {
		return 0, err
	}
	var rows *keptRows
	for _, r := range l.rows {
		if r.t == t {
			rows = r
			break
		}
	}
	if rows == nil {
		rows = &keptRows{t: t}
		l.rows = append(l.rows, rows)
	}
	rows.args = append(append(rows.args, id), args...)
	return id, nil
}

// writeRows marks the values kept as replaced replaced (replaceByID),
// inserts the rows kept, in the order their tables were first kept (one
// statement a table for a batch's rows: insertGathered, on SQLite
// rowsInsert), and then brings the last calls kept up to date.
func (l *later) writeRows(ctx context.Context, tx *Tx) error {
	// The values replaced first: one of the rows may be the value that
	// counts in their place (manual_values_confirmed is unique).
	if err := l.writeReplaced(ctx, tx); err != nil {
		return err
	}
	for _, r := range l.rows {
		var err error
		if tx.db.dialect.name() == "sqlite" {
			// A few texts, each kept prepared by the writer (rowsInsert).
			err = r.t.rows.insert(ctx, tx, r.args)
		} else {
			err = insertGathered(ctx, tx, "INSERT INTO "+r.t.table+" (id, "+r.t.cols+") VALUES ", r.t.width+1, r.args)
		}
		if err != nil {
			// The ids taken may be what was refused (a sequence set back
			// by a restore): the run again takes new ones.
			tx.db.ids.drop(r.t.table)
			return fmt.Errorf("store: %s insert: %w", r.t.table, err)
		}
	}
	clear(l.rows)
	l.rows = l.rows[:0]
	if len(l.lastCalls) > 0 {
		if err := lastCallsKept(ctx, tx, l.lastCalls); err != nil {
			return err
		}
		l.lastCalls = l.lastCalls[:0]
	}
	return nil
}

// rowsNamed reports whether q must find the rows kept (and the last calls,
// and the values marked replaced) written.
func (l *later) rowsNamed(q string) bool {
	for _, r := range l.rows {
		if r.t.namedIn(q) {
			return true
		}
	}
	return len(l.lastCalls) > 0 && strings.Contains(q, "last_call") ||
		len(l.replaced) > 0 && strings.Contains(q, valueRows.table)
}

// nextID returns the id of a row of t kept in a SQLite batch: the ids
// after the table's largest (sqliteDialect.reserveIDs; the writer holds
// the write lock, nobody else inserts meanwhile), one after the other
// within the batch. The count is forgotten once a job's statement names
// the table (forgetIDs): such a statement may insert a row itself, which
// takes the id after the largest written.
func (l *later) nextID(ctx context.Context, tx *Tx, t *keptTable) (int64, error) {
	if id, ok := l.nextIDs[t]; ok {
		l.nextIDs[t] = id + 1
		return id, nil
	}
	// The statement reads the table's largest id only: the rows kept
	// need not be written before it (there are none of t's: they would
	// have their count).
	if !l.writing {
		l.writing = true
		defer func() { l.writing = false }()
	}
	ids, err := tx.db.dialect.reserveIDs(ctx, tx, t.table, 1)
	if err != nil {
		return 0, err
	}
	if l.nextIDs == nil {
		l.nextIDs = map[*keptTable]int64{}
	}
	l.nextIDs[t] = ids[0] + 1
	return ids[0], nil
}

// forgetIDs forgets the ids counted for the tables q names (nextID).
func (l *later) forgetIDs(q string) {
	for t := range l.nextIDs {
		if t.namedIn(q) {
			delete(l.nextIDs, t)
		}
	}
}

// idPool holds ids taken from the tables' sequences and not used yet
// (PostgreSQL): only the writer's goroutine takes them, the mutex keeps
// the pool safe whoever does.
type idPool struct {
	mu   sync.Mutex
	free map[string][]int64
}

// idRefill is the fewest ids the pool takes at once: a batch of a few
// jobs, as batches are when they follow each other quickly, would
// otherwise spend one of its round trips on the sequence each time. At
// most idRefill-1 of a table's ids are left unused when the process stops.
const idRefill = 64

// take returns an id of table's sequence, first taking want of them
// (at least idRefill, at most maxBatch) when the pool has none.
func (p *idPool) take(ctx context.Context, tx *Tx, table string, want int) (int64, error) {
	p.mu.Lock()
	if ids := p.free[table]; len(ids) > 0 {
		p.free[table] = ids[1:]
		p.mu.Unlock()
		return ids[0], nil
	}
	p.mu.Unlock()
	want = min(max(want, idRefill), maxBatch)
	// The statement reads only the sequence: the rows kept so far need
	// not be written before it (Tx.settle), though its text names their
	// table.
	if l := tx.later; l != nil && !l.writing {
		l.writing = true
		defer func() { l.writing = false }()
	}
	ids, err := tx.db.dialect.reserveIDs(ctx, tx, table, want)
	if err != nil {
		return 0, err
	}
	if len(ids) == 0 {
		return 0, fmt.Errorf("store: no id from the sequence of %s", table)
	}
	slices.Sort(ids)
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.free == nil {
		p.free = map[string][]int64{}
	}
	p.free[table] = append(p.free[table], ids[1:]...)
	return ids[0], nil
}

// drop forgets the ids taken for table and not used.
func (p *idPool) drop(table string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.free, table)
}

// dropAll forgets every table's ids taken and not used: a write sent in
// a PostgreSQL batch's pipeline was refused (pgbatch.go), which is not
// known to be a kept row's insert or not, and the run again takes new
// ones as after writeRows' own failure.
func (p *idPool) dropAll() {
	p.mu.Lock()
	defer p.mu.Unlock()
	clear(p.free)
}
