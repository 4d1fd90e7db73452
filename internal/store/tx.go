package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/tandemhq/tandem/internal/audit"
	"github.com/tandemhq/tandem/internal/tandem"
)

// Tx is a write transaction. Small helpers take a *Tx; the public methods of
// the capability stores own the transaction.
type Tx struct {
	tx  txConn
	db  *DB
	now time.Time
	// stmts are the writer's prepared statements bound to this
	// transaction (Tx.prepared), made once per transaction and closed by
	// database/sql when it ends.
	stmts map[*sql.Stmt]*sql.Stmt
	// detached: a job of the writer's batches, whose statements
	// do not carry their caller's cancellation (stmtCtx, groupcommit.go).
	detached bool
	// cache: the statements prepared on the SQLite writer's batch (nil
	// on PostgreSQL).
	cache *stmtCache
	// later: the writes the writer's batch leaves to its end
	// (later.go); nil in a bulk job.
	later *later
	// entering: the transaction enters a value (OwnMetricStore.Enter),
	// whose writes leave what its batch knows of periods true
	// (valuesknown.go).
	entering bool
}

// transact runs fn in a write transaction and commits it, retrying a few
// times when the database reports a serialization failure or a busy lock.
// fn runs on the writer, batched with the transactions of concurrent
// requests under one COMMIT (groupcommit.go); transact returns once the
// COMMIT holding fn's writes returned.
//
// fn may run more than once: a retry, or on SQLite its batch run again
// because another job of it failed (its first run then rolled back). Each
// run must start from fn's inputs, not from what an earlier run left in
// them — an id given, a version counted up, rows appended — and what fn
// counts outside the transaction counts once transact returned nil.
// TestGroupCommitRunAgainStartsFromItsInputs holds one such case.
func (db *DB) transact(ctx context.Context, fn func(tx *Tx) error) error {
	return db.transactJob(ctx, false, fn)
}

// transactBulk is transact for a long transaction (an import, a batch of
// thousands of rows): it runs alone, never batched with others (on
// PostgreSQL beside the writer, in a transaction of its own), and its
// statements carry its caller's cancellation.
func (db *DB) transactBulk(ctx context.Context, fn func(tx *Tx) error) error {
	return db.transactJob(ctx, true, fn)
}

func (db *DB) transactJob(ctx context.Context, alone bool, fn func(tx *Tx) error) error {
	var err error
	for attempt := 0; attempt < 4; attempt++ {
		err = db.transactOnce(ctx, alone, fn)
		if !alone && lockTimedOut(err) {
			// A batch's job waited batchLockWait for a lock held beside
			// the writer (PostgreSQL): it runs again alone, beside it,
			// where it waits as long as it must.
			db.aside.Add(1)
			alone = true
			attempt--
			continue
		}
		if err == nil || !db.dialect.isRetryable(err) {
			return err
		}
		db.retries.Add(1)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Duration(attempt+1) * 20 * time.Millisecond):
		}
	}
	return err
}

func (db *DB) transactOnce(ctx context.Context, alone bool, fn func(tx *Tx) error) (err error) {
	db.counted(ctx, "BEGIN")
	if db.gc != nil && (!alone || db.dialect.name() == "sqlite") {
		return db.gc.submit(ctx, alone, fn) // counts the COMMIT
	}
	sqltx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	tx := &Tx{tx: sqltx, db: db, now: db.Now()}
	defer func() {
		if p := recover(); p != nil {
			sqltx.Rollback()
			panic(p)
		}
		if err != nil {
			sqltx.Rollback()
		}
	}()
	if err = fn(tx); err != nil {
		return err
	}
	db.counted(ctx, "COMMIT")
	if err := sqltx.Commit(); err != nil {
		return err
	}
	db.wrote()
	return nil
}

func (tx *Tx) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	if err := tx.settle(ctx, q); err != nil {
		return nil, err
	}
	tx.db.counted(ctx, q)
	if st := tx.cached(ctx, q); st != nil {
		return st.ExecContext(tx.stmtCtx(ctx), args...)
	}
	return tx.tx.ExecContext(tx.stmtCtx(ctx), tx.db.dialect.rebind(q), args...)
}

// execOnce runs q unprepared, outside the batch's statement cache: for a
// text made for one use (a bulk INSERT's last chunk, its number of rows
// whatever was left), which the writer should not keep prepared.
func (tx *Tx) execOnce(ctx context.Context, q string, args ...any) (sql.Result, error) {
	if err := tx.settle(ctx, q); err != nil {
		return nil, err
	}
	tx.db.counted(ctx, q)
	return tx.tx.ExecContext(tx.stmtCtx(ctx), tx.db.dialect.rebind(q), args...)
}

func (tx *Tx) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	tx.settle(ctx, q) // a failure fails the batch (later.err)
	tx.db.counted(ctx, q)
	if st := tx.cached(ctx, q); st != nil {
		return st.QueryRowContext(tx.stmtCtx(ctx), args...)
	}
	return tx.tx.QueryRowContext(tx.stmtCtx(ctx), tx.db.dialect.rebind(q), args...)
}

func (tx *Tx) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return tx.queryPrepared(ctx, false, q, args...)
}

// queryPrepared is Tx.query, from the batch's prepared statements
// (Tx.cached) when prepared.
func (tx *Tx) queryPrepared(ctx context.Context, prepared bool, q string, args ...any) (*sql.Rows, error) {
	if err := tx.settle(ctx, q); err != nil {
		return nil, err
	}
	tx.db.counted(ctx, q)
	if prepared {
		if st := tx.cached(ctx, q); st != nil {
			return st.QueryContext(tx.stmtCtx(ctx), args...)
		}
	}
	return tx.tx.QueryContext(tx.stmtCtx(ctx), tx.db.dialect.rebind(q), args...)
}

// readAtOnce is a write transaction for a scanAll whose rows are read to
// the end and closed before its statement runs again: its statement may
// then come from the batch's prepared ones (Tx.cached), as queryRow's
// does, instead of being compiled each time as Tx.query's is.
type readAtOnce struct{ *Tx }

func (r readAtOnce) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return r.Tx.queryPrepared(ctx, true, q, args...)
}

// insert runs an INSERT of one row and returns its id; an INSERT that
// inserted nothing (ON CONFLICT DO NOTHING) returns sql.ErrNoRows.
//
// PostgreSQL answers with RETURNING id. SQLite runs the statement as an
// exec and takes the id from sqlite3_last_insert_rowid (the table's
// INTEGER PRIMARY KEY id; a trigger's own inserts do not change it): its
// RETURNING buffers the row in an ephemeral table opened for the
// statement and is read back as a result set — about a fifth more work
// for the audit entry and the row that every write inserts.
func (tx *Tx) insert(ctx context.Context, q string, args ...any) (int64, error) {
	if tx.db.dialect.name() == "sqlite" {
		res, err := tx.exec(ctx, q, args...)
		if err != nil {
			return 0, err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return 0, cmp.Or(err, sql.ErrNoRows)
		}
		return res.LastInsertId()
	}
	var id int64
	err := tx.queryRow(ctx, q+" RETURNING id", args...).Scan(&id)
	return id, err
}

func (db *DB) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	db.counted(ctx, q)
	if st := db.stmt(ctx, q); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return db.r.QueryRowContext(ctx, db.dialect.rebind(q), args...)
}

func (db *DB) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	db.counted(ctx, q)
	if st := db.stmt(ctx, q); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return db.r.QueryContext(ctx, db.dialect.rebind(q), args...)
}

// stmt returns a prepared statement of the read pool for q, preparing it
// the first time. Reads are few distinct texts run many times, and
// preparing costs SQLite more than running most of them; database/sql
// re-prepares a statement on each connection that runs it. Texts built with
// LIMIT/OFFSET numbers are many, so at most maxStmts are kept; past that,
// queries run unprepared. nil means "run it unprepared".
func (db *DB) stmt(ctx context.Context, q string) *sql.Stmt {
	db.stmtMu.RLock()
	st, ok := db.stmts[q]
	db.stmtMu.RUnlock()
	if ok {
		return st
	}
	db.stmtMu.Lock()
	defer db.stmtMu.Unlock()
	if st, ok := db.stmts[q]; ok {
		return st
	}
	if len(db.stmts) >= maxStmts {
		return nil
	}
	st, err := db.r.PrepareContext(ctx, db.dialect.rebind(q))
	if err != nil {
		return nil // the unprepared query will report the error
	}
	if db.stmts == nil {
		db.stmts = map[string]*sql.Stmt{}
	}
	db.stmts[q] = st
	return st
}

const maxStmts = 512

// record appends an audit entry for a change made in this transaction.
// data is marshalled to JSON (nil means {}).
func (tx *Tx) record(ctx context.Context, p tandem.Principal, action, entity string, entityID int64, data any) error {
	return tx.recordIn(ctx, p.WorkspaceID, p.UserID, p.Actor(), action, entity, entityID, data)
}

// recordIn appends an audit entry to workspaceID's chain (0: the
// installation's): chained inline on SQLite, unsealed on PostgreSQL (see
// auditseal.go).
func (tx *Tx) recordIn(ctx context.Context, workspaceID, actorID int64, actor, action, entity string, entityID int64, data any) error {
	_, err := tx.appendEntry(ctx, workspaceID, actorID, actor, action, entity, entityID, data)
	return err
}

// recordChanges appends the audit entry of an edit, the fields that
// changed from before to after (audit.Changes), when any did.
func (tx *Tx) recordChanges(ctx context.Context, p tandem.Principal, action, entity string, entityID int64, before, after map[string]any) error {
	if ch := audit.Changes(before, after); len(ch) > 0 {
		return tx.record(ctx, p, action, entity, entityID, ch)
	}
	return nil
}

// where builds a WHERE clause from conditions with ? placeholders.
type where struct {
	conds []string
	args  []any
}

func (w *where) add(cond string, args ...any) {
	w.conds = append(w.conds, cond)
	w.args = append(w.args, args...)
}

func (w *where) String() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}

// likePattern returns a LIKE pattern matching s anywhere, folded the way
// search_text columns are (tandem.Fold), with LIKE's wildcards escaped
// (ESCAPE '\').
//
// A query without any letter or digit ("%", "--") keeps its characters,
// which folded text never holds, so it matches nothing rather than all.
func likePattern(s string) string {
	if f := tandem.Fold(s); f != "" {
		s = f
	} else {
		s = strings.TrimSpace(s)
	}
	s = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
	return "%" + s + "%"
}

// orderBy returns an ORDER BY clause for sort ("name" or "-name") from the
// allowed columns; unknown sorts fall back to def. The id breaks ties so that
// paging is stable.
func orderBy(sort string, allowed map[string]string, def, idCol string) string {
	desc := strings.HasPrefix(sort, "-")
	col, ok := allowed[strings.TrimPrefix(sort, "-")]
	if !ok {
		desc = strings.HasPrefix(def, "-")
		col = allowed[strings.TrimPrefix(def, "-")]
	}
	dir := " ASC"
	if desc {
		dir = " DESC"
	}
	return " ORDER BY " + col + dir + ", " + idCol + dir
}

// nullTime scans a nullable timestamp into a zero time.
type nullTime struct{ t *time.Time }

func (n nullTime) Scan(v any) error {
	var nt sql.NullTime
	if err := nt.Scan(v); err != nil {
		return err
	}
	if nt.Valid {
		*n.t = nt.Time.UTC()
	} else {
		*n.t = time.Time{}
	}
	return nil
}

// nullID turns 0 into NULL for optional foreign keys.
func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// nullTimeArg turns the zero time into NULL.
func nullTimeArg(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

// dateArg turns a tandem.Date into its "2006-01-02" text, or NULL when unset.
func dateArg(d tandem.Date) any {
	if d.IsZero() {
		return nil
	}
	return d.String()
}

// dateScan scans a DATE (PostgreSQL) or TEXT (SQLite) column into a Date.
type dateScan struct{ d *tandem.Date }

func (s dateScan) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		*s.d = tandem.Date{}
		return nil
	case time.Time:
		*s.d = tandem.DateOf(x)
		return nil
	case string:
		d, err := tandem.ParseDate(x)
		*s.d = d
		return err
	case []byte:
		d, err := tandem.ParseDate(string(x))
		*s.d = d
		return err
	}
	return fmt.Errorf("store: cannot scan %T into a date", v)
}

// notFound maps sql.ErrNoRows to tandem.ErrNotFound.
func notFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return tandem.ErrNotFound
	}
	return err
}

// placeholders returns n comma-separated ? placeholders for an IN list, or
// NULL when n is 0 so that "x IN (NULL)" matches nothing instead of being a
// syntax error.
func placeholders(n int) string {
	if n == 0 {
		return "NULL"
	}
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}
