package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/tandemhq/tandem/internal/audit"
	"github.com/tandemhq/tandem/internal/fact"
	"github.com/tandemhq/tandem/internal/metric"
)

// Writes a batch leaves to its end (the writer, groupcommit.go).
//
// Every write appends an audit entry, and a logged call also a fact and
// its day's and week's aggregates: on their own these were half of the
// statements of a logged call and two of a created partner's three. Within
// a batch of the writer they are kept here (Tx.later) and written together
// just before the batch's COMMIT: the entries in a few multi-row INSERTs
// with each chain's head moved once, the facts likewise, and each
// (engagement, kind, day) and (engagement, kind, week) upserted once for
// the whole batch.
//
// What a later statement of the batch sees is unchanged: a statement
// whose text names a table of which rows are kept (events, event_heads
// for entries; facts for facts; kpi_… for aggregates) first writes
// everything kept (Tx.settle), so a job that reads the audit trail, the
// facts or the aggregates — or writes them itself the ordinary way, a
// once-only fact — finds every earlier write of the batch, as if it had
// committed. Nothing outside the transaction could see them before the
// COMMIT anyway. A value entered again changes its fact in place and
// keeps only the difference to its aggregates (keepChange), so the next
// job's statements on facts do not write them: the batch's values move
// their day's and week's rows once.
//
// Failures keep their meaning. A batch run without savepoints rolls back
// whole when one job fails, and what was kept goes with it (a new run
// keeps anew). A careful run (savepoints, groupcommit.go) writes what a
// job kept before releasing its savepoint, so that rolling back to a
// savepoint never takes another job's writes; a failing job's kept writes
// are dropped with its savepoint. When writing what a batch without
// savepoints kept fails — a row refused, whoever kept it — the batch runs
// again carefully, so only the job whose row is refused fails, as when
// it wrote the row itself.
//
// The audit chain: an entry is chained when it is kept, onto the head the
// batch last kept for its workspace, which starts at the head this
// process last wrote (DB.heads) or, not known, the one in the database.
// Writing the entries moves the head with a condition that it is still
// the one they were chained from; when it is not (another process wrote,
// or a batch that moved the cached head was rolled back), they are
// chained again from the real head before they are written. The chain is
// the one entries written one by one would have made.
//
// The statements that write what was kept at a savepoint's release or
// the batch's end run under no request's context, so no request's
// statement counter (stmtcount.go) counts them; those a job's own
// statement sets off (Tx.settle) count for that job.
//
// On PostgreSQL an entry is kept unsealed (auditseal.go) and the batch's
// entries are inserted in one statement; facts and aggregates as on
// SQLite. Bulk jobs write as before (Tx.later nil).
type later struct {
	entries  []audit.Entry        // chained (SQLite)
	unsealed []audit.Entry        // to be sealed after commit (PostgreSQL, auditseal.go)
	heads    map[int64]*laterHead // by workspace
	order    []int64              // the workspaces of heads, first kept first

	facts  []any // factWidth values a fact (factArgs)
	deltas map[int64]*metric.Deltas
	wsOrd  []int64 // the workspaces of deltas, first kept first

	rows      []*keptRows          // rows inserted later (keptrows.go)
	nextIDs   map[*keptTable]int64 // SQLite: the next id of a kept row (nextID)
	replaced  []replacedValues     // values to mark replaced with the rows (replaceByID)
	lastCalls []lastCall           // calls whose accounts' last call to note after the rows (noteLastCalls)
	left      int                  // jobs of the batch not yet run, this one included

	// accounts: the accounts the batch read at its start for its calls,
	// until a statement that may write runs (accountreads.go).
	accounts accountsRead

	// known: what the batch knows of the periods of the values entered
	// (valuesknown.go); nil in a batch run carefully. factChanges: the
	// facts the values entered again changed, to write.
	known       *valuesKnown
	factChanges []factChange

	writing bool  // inside write: its own statements do not settle
	err     error // a failed write: the batch must not commit
}

// laterHead is a chain's head as the database holds it (from) and after
// the entries kept (to).
type laterHead struct {
	from, to chainHead
}

func (l *later) empty() bool {
	return len(l.entries) == 0 && len(l.unsealed) == 0 && len(l.facts) == 0 && len(l.deltas) == 0 && len(l.rows) == 0 &&
		len(l.lastCalls) == 0 && len(l.factChanges) == 0 && len(l.replaced) == 0
}

// names reports whether q may read or write a table that l keeps rows
// for. It may say yes for a text that does not (a column called
// "prevented"): that only writes them sooner.
func (l *later) names(q string) bool {
	if (len(l.entries) > 0 || len(l.unsealed) > 0) && strings.Contains(q, "event") {
		return true
	}
	return (len(l.facts) > 0 || len(l.factChanges) > 0) && namesFacts(q) || len(l.deltas) > 0 && strings.Contains(q, "kpi_")
}

// settle writes what the batch kept when q names its tables (see the top
// of this file). A failure is kept in l.err for the batch (queryRow has
// no error to return) and returned.
func (tx *Tx) settle(ctx context.Context, q string) error {
	l := tx.later
	if l == nil {
		return nil
	}
	l.forgetReads(q)
	l.forgetValues(tx, q)
	if l.writing {
		return nil
	}
	l.forgetIDs(q)
	if l.err != nil {
		return l.err
	}
	if l.rowsNamed(q) {
		// q may read a kept row or refer to it (keptrows.go).
		if err := l.writeKeptRows(ctx, tx); err != nil {
			return err
		}
	}
	if l.empty() || !l.names(q) {
		return nil
	}
	return l.write(ctx, tx)
}

// writeKeptRows is writeRows as a job's statement sets it off.
func (l *later) writeKeptRows(ctx context.Context, tx *Tx) error {
	return l.writingDo(func() error { return l.writeRows(ctx, tx) })
}

// writingDo runs fn, whose statements write what l kept: they do not
// settle, and a failure is kept in l.err for the batch.
func (l *later) writingDo(fn func() error) (err error) {
	l.writing = true
	defer func() {
		l.writing = false
		if err != nil {
			l.err = err
		}
	}()
	return fn()
}

// keepEntry chains e (its seq, prev_hash and hash not set yet) onto the
// batch's head of its workspace and keeps it.
func (l *later) keepEntry(ctx context.Context, tx *Tx, e audit.Entry) error {
	if err := ctx.Err(); err != nil {
		return err // as a statement of a job whose caller left (Tx.stmtCtx)
	}
	h := l.heads[e.WorkspaceID]
	if h == nil {
		from, ok := tx.db.heads.get(e.WorkspaceID)
		if !ok {
			var err error
			if from, err = readHead(ctx, tx, e.WorkspaceID); err != nil {
				return err
			}
		}
		h = &laterHead{from: from, to: from}
		if l.heads == nil {
			l.heads = map[int64]*laterHead{}
		}
		l.heads[e.WorkspaceID] = h
		l.order = append(l.order, e.WorkspaceID)
	}
	e.Seq, e.PrevHash = h.to.seq+1, h.to.hash
	e.Hash = audit.ComputeHash(e)
	h.to = chainHead{seq: e.Seq, hash: e.Hash}
	l.entries = append(l.entries, e)
	return nil
}

// keepUnsealed keeps e (PostgreSQL: no seq or hashes, auditseal.go).
func (l *later) keepUnsealed(ctx context.Context, e audit.Entry) error {
	if err := ctx.Err(); err != nil {
		return err // as a statement of a job whose caller left (Tx.stmtCtx)
	}
	l.unsealed = append(l.unsealed, e)
	return nil
}

// insertUnsealedSQL inserts unsealed entries (PostgreSQL) from one array
// a column, in their order: ids, and so the sealing order, follow it.
const insertUnsealedSQL = `INSERT INTO events (workspace_id, at, actor_id, actor, action, entity, entity_id, data)
	SELECT w, a, ai, ac, act, en, ei, d FROM unnest(CAST(? AS bigint[]), CAST(? AS timestamptz[]), CAST(? AS bigint[]),
		CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]), CAST(? AS bigint[]), CAST(? AS text[]))
		WITH ORDINALITY AS u(w, a, ai, ac, act, en, ei, d, n) ORDER BY n`

// writeUnsealed inserts the unsealed entries kept, in one statement.
func (l *later) writeUnsealed(ctx context.Context, tx *Tx) error {
	n := len(l.unsealed)
	ws, at, actorID, entityID := make([]int64, n), make([]time.Time, n), make([]int64, n), make([]int64, n)
	actor, action, entity, data := make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	for i, e := range l.unsealed {
		ws[i], at[i], actorID[i], actor[i] = e.WorkspaceID, e.At, e.ActorID, e.Actor
		action[i], entity[i], entityID[i], data[i] = e.Action, e.Entity, e.EntityID, e.Data
	}
	if _, err := tx.exec(ctx, insertUnsealedSQL, ws, at, actorID, actor, action, entity, entityID, data); err != nil {
		return fmt.Errorf("store: audit insert: %w", err)
	}
	clear(l.unsealed)
	l.unsealed = l.unsealed[:0]
	return nil
}

// insertFactsUnnestSQL inserts facts (PostgreSQL) from one array a
// column, in their order: one text whatever their number, so it stays
// prepared, where a multi-row VALUES is a text for each number of rows.
const insertFactsUnnestSQL = `INSERT INTO facts (workspace_id, engagement_id, kind, subject_id, at, day, value, flag, amount_minor, currency, data)
	SELECT w, e, k, s, a, CAST(d AS date), v, f, am, c, dt FROM unnest(CAST(? AS bigint[]), CAST(? AS bigint[]), CAST(? AS text[]),
		CAST(? AS bigint[]), CAST(? AS timestamptz[]), CAST(? AS text[]), CAST(? AS bigint[]), CAST(? AS bigint[]), CAST(? AS bigint[]),
		CAST(? AS text[]), CAST(? AS text[])) WITH ORDINALITY AS u(w, e, k, s, a, d, v, f, am, c, dt, n) ORDER BY n`

// insertFactsUnnest inserts facts' rows (factArgs, factWidth values each)
// in one statement (PostgreSQL): each column an array.
func insertFactsUnnest(ctx context.Context, tx *Tx, rows []any) error {
	cols := make([]any, factWidth)
	for c := range factWidth {
		var err error
		switch c {
		case 2, 5, 9, 10: // kind, day, currency, data
			cols[c], err = column[string](rows, factWidth, c)
		case 4: // at
			cols[c], err = column[time.Time](rows, factWidth, c)
		default:
			cols[c], err = column[int64](rows, factWidth, c)
		}
		if err != nil {
			return err
		}
	}
	_, err := tx.exec(ctx, insertFactsUnnestSQL, cols...)
	return err
}

// column returns column c of rows (width values each) as one slice, for
// an array parameter.
func column[T any](rows []any, width, c int) ([]T, error) {
	out := make([]T, 0, len(rows)/width)
	for r := c; r < len(rows); r += width {
		v, ok := rows[r].(T)
		if !ok {
			return nil, fmt.Errorf("store: column %d of a row is %T", c, rows[r])
		}
		out = append(out, v)
	}
	return out, nil
}

// readHead reads a workspace's chain head from the database; a chain not
// begun is at seq 0 with the genesis hash (its row is made when written).
func readHead(ctx context.Context, tx *Tx, ws int64) (chainHead, error) {
	h := chainHead{hash: audit.Genesis}
	err := tx.queryRow(ctx, `SELECT seq, hash FROM event_heads WHERE workspace_id = ?`, ws).Scan(&h.seq, &h.hash)
	if errors.Is(err, sql.ErrNoRows) {
		return chainHead{hash: audit.Genesis}, nil
	}
	return h, err
}

// keepFact keeps a fact's row (factArgs) and adds it to its workspace's
// aggregates.
func (l *later) keepFact(ctx context.Context, ws int64, args []any, add func(*metric.Deltas)) error {
	if err := ctx.Err(); err != nil {
		return err // as a statement of a job whose caller left (Tx.stmtCtx)
	}
	l.facts = append(l.facts, args...)
	add(l.deltasOf(ws))
	return nil
}

// keepChange keeps what correcting a recorded fact's value changes in its
// day's and week's aggregates, and reports whether it could
// (metric.Deltas.Change: false, adding nothing, for a kind that keeps a
// sketch).
func (l *later) keepChange(ctx context.Context, ws, engagementID int64, kind fact.Kind, day, week string, old, new int64) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err // as a statement of a job whose caller left (Tx.stmtCtx)
	}
	return l.deltasOf(ws).Change(engagementID, kind, day, week, old, new), nil
}

// deltasOf is the batch's aggregates of workspace ws, made when it has none.
func (l *later) deltasOf(ws int64) *metric.Deltas {
	d := l.deltas[ws]
	if d == nil {
		d = metric.NewDeltas()
		if l.deltas == nil {
			l.deltas = map[int64]*metric.Deltas{}
		}
		l.deltas[ws] = d
		l.wsOrd = append(l.wsOrd, ws)
	}
	return d
}

// writeAll is write for the writer itself (outside a job's function): a
// panic is kept as l.err instead of ending the writer's goroutine.
func (l *later) writeAll(ctx context.Context, tx *Tx) {
	defer func() {
		if p := recover(); p != nil {
			l.writing = false
			l.err = fmt.Errorf("store: writing the batch's kept rows: %v", p)
		}
	}()
	l.write(ctx, tx)
}

// write writes everything kept, in tx, and empties l.
func (l *later) write(ctx context.Context, tx *Tx) error {
	return l.writingDo(func() error { return l.writeAllKept(ctx, tx) })
}

// writeAllKept is write's work.
func (l *later) writeAllKept(ctx context.Context, tx *Tx) error {
	if len(l.rows) > 0 || len(l.lastCalls) > 0 || len(l.replaced) > 0 {
		if err := l.writeRows(ctx, tx); err != nil {
			return err
		}
	}
	if len(l.entries) > 0 {
		if err := l.writeEntries(ctx, tx); err != nil {
			return err
		}
	}
	if len(l.unsealed) > 0 {
		if err := l.writeUnsealed(ctx, tx); err != nil {
			return err
		}
	}
	if len(l.factChanges) > 0 {
		if err := l.writeFactChanges(ctx, tx); err != nil {
			return err
		}
	}
	if len(l.facts) > 0 {
		// On PostgreSQL one statement of one text for all (a statement is
		// a round trip); SQLite's few texts of 32, 8 and 1 rows stay
		// prepared on its writer (rowsInsert).
		insert := factRows.insert
		if tx.db.dialect.name() == "postgres" {
			insert = insertFactsUnnest
		}
		if err := insert(ctx, tx, l.facts); err != nil {
			return err
		}
		clear(l.facts)
		l.facts = l.facts[:0]
	}
	for _, ws := range l.wsOrd {
		if err := flushDeltas(ctx, tx, ws, l.deltas[ws]); err != nil {
			return err
		}
	}
	clear(l.deltas)
	l.wsOrd = l.wsOrd[:0]
	return nil
}

// writeEntries moves each chain's head and inserts the entries kept.
func (l *later) writeEntries(ctx context.Context, tx *Tx) error {
	for _, ws := range l.order {
		h := l.heads[ws]
		res, err := tx.exec(ctx, `UPDATE event_heads SET seq = ?, hash = ? WHERE workspace_id = ? AND seq = ? AND hash = ?`,
			h.to.seq, h.to.hash, ws, h.from.seq, h.from.hash)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			if err != nil {
				return err
			}
			if err := l.rechain(ctx, tx, ws, h); err != nil {
				return err
			}
		}
	}
	rows := make([]any, 0, len(l.entries)*entryWidth)
	for _, e := range l.entries {
		rows = append(rows, entryArgs(e)...)
	}
	if err := entryRows.insert(ctx, tx, rows); err != nil {
		return err
	}
	for _, ws := range l.order {
		h := l.heads[ws]
		tx.db.heads.put(ws, h.to)
		h.from = h.to // the batch's next entries chain on from here
	}
	l.entries = l.entries[:0]
	return nil
}

// rechain chains the kept entries of workspace ws again from the head the
// database holds, and moves it to their last.
func (l *later) rechain(ctx context.Context, tx *Tx, ws int64, h *laterHead) error {
	if _, err := tx.exec(ctx, beginChainSQL, ws, audit.Genesis); err != nil {
		return err
	}
	from, err := readHead(ctx, tx, ws)
	if err != nil {
		return err
	}
	to := from
	for i := range l.entries {
		e := &l.entries[i]
		if e.WorkspaceID != ws {
			continue
		}
		e.Seq, e.PrevHash = to.seq+1, to.hash
		e.Hash = audit.ComputeHash(*e)
		to = chainHead{seq: e.Seq, hash: e.Hash}
	}
	if _, err := tx.exec(ctx, `UPDATE event_heads SET seq = ?, hash = ? WHERE workspace_id = ?`, to.seq, to.hash, ws); err != nil {
		return err
	}
	h.from, h.to = from, to
	return nil
}

// rowsInsert is the INSERT of a table's rows in statements of 32, 8 and
// 1 rows: few texts, each kept prepared by the writer, and few statements
// for a batch's rows.
type rowsInsert struct {
	width int
	sizes [3]int
	texts [3]string
}

func newRowsInsert(head string, width int) *rowsInsert {
	r := &rowsInsert{width: width, sizes: [3]int{32, 8, 1}}
	for i, n := range r.sizes {
		r.texts[i] = head + strings.TrimSuffix(strings.Repeat("("+placeholders(width)+"), ", n), ", ")
	}
	return r
}

var (
	entryRows = newRowsInsert(insertEntriesHead, entryWidth)
	factRows  = newRowsInsert(insertFactsHead, factWidth)
)

// insert inserts rows (r.width values each) in tx.
func (r *rowsInsert) insert(ctx context.Context, tx *Tx, rows []any) error {
	for i, n := range r.sizes {
		for len(rows) >= n*r.width {
			if _, err := tx.exec(ctx, r.texts[i], rows[:n*r.width]...); err != nil {
				return err
			}
			rows = rows[n*r.width:]
		}
	}
	return nil
}
