package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync/atomic"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// A PostgreSQL batch of the writer (groupcommit.go) in fewer round trips.
//
// A batch of logged calls was eleven statements, each a round trip to the
// server: BEGIN, the batch lock, the accounts, then at its end the
// activities, their last calls, the audit entries, the facts, the weeks'
// locks, the day's and the week's aggregates, and COMMIT. On this kind of
// machine a round trip costs about a third of a millisecond, during which
// neither side works on the batch; the server's part of each statement is
// a fraction of that. pgBatch sends what needs no answer before the next
// statement together, in one pipeline of the extended protocol
// (pgx.Batch), through the driver connection of a database/sql
// connection of DB.batches (sql.Conn.Raw):
//
//   - BEGIN and the batch lock go in one round trip (beginPGBatch): the
//     transaction is begun and ended by statements of its own, not by
//     database/sql's Tx, whose BEGIN and COMMIT are round trips of their
//     own.
//   - The writes of the batch's end (later.write) are queued while
//     pgBatch.queueing, and COMMIT is sent after them in the same round
//     trip (pgBatch.commit). A statement whose answer is needed sends the
//     queue first, so statements always run in the order they were asked
//     for: a query (Tx.queryRow, Tx.query, a prepared statement) at once,
//     and a queued statement's RowsAffected when it is asked for
//     (pgResult). A check that needs no answer in Go is made by the
//     server instead (tandem_expect_rows, migration 0052: a changed fact,
//     writeFactChanges), so that it does not send the queue early.
//
// Failures keep their meaning. In a pipeline the server skips every
// statement after one that fails, COMMIT included, so a refused write
// never commits the batch: pgBatch.commit reports it as a failed write of
// what the batch kept (the batch rolls back and runs again carefully, as
// when the statement ran alone), and only COMMIT's own failure as a failed
// COMMIT. A query asked for after a queued write failed runs in the
// aborted transaction and fails; the queued statement's error, kept in
// pgBatch.err, is the one the batch answers with (runBatch), so a lock
// timeout or a deadlock is still recognised as such.
//
// The connection is given back to DB.batches after each batch; one left
// inside a transaction (a failed ROLLBACK) is dropped by the driver when
// taken again (stdlib's ResetSession), and the next batch opens a new one.
type pgBatch struct {
	conn  *sql.Conn
	ctx   context.Context // what a queued statement's result sends the queue with
	trips *atomic.Int64   // round trips, counted (DB.trips)

	queueing bool // statements that return no rows are queued, not sent
	queue    []pgQueued
	err      error // the first failure of a queued statement
}

// pgQueued is a statement waiting in a pgBatch's queue.
type pgQueued struct {
	q    string
	args []any
	res  *pgResult
}

// pgResult is a queued statement's result: its count of rows is known once
// the queue was sent, which asking for it does.
type pgResult struct {
	b    *pgBatch
	n    int64
	err  error
	sent bool
}

func (r *pgResult) LastInsertId() (int64, error) {
	return 0, errors.New("store: LastInsertId is not supported on PostgreSQL")
}

func (r *pgResult) RowsAffected() (int64, error) {
	if !r.sent {
		r.b.send(r.b.ctx)
	}
	return r.n, r.err
}

// txConn is what a Tx runs its statements on: database/sql's Tx (SQLite's
// writer, transactions beside the writer) or a PostgreSQL batch (pgBatch).
type txConn interface {
	ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
	PrepareContext(ctx context.Context, q string) (*sql.Stmt, error)
}

// batchTx is a batch's transaction as runBatch rolls it back: SQLite's
// *sql.Tx (committed by its Commit) or a pgBatch (by pgBatch.commit).
type batchTx interface {
	txConn
	Rollback() error
}

// beginPGBatch takes a connection of pool and begins a batch's transaction
// on it, holding the batch lock (batchLock, batchLockWait), and runs
// reads (their texts rebound for PostgreSQL) — all in one round trip.
// readErr is a read's failure, in a transaction begun (roll it back); err
// a failure to begin.
func beginPGBatch(ctx context.Context, pool *sql.DB, trips *atomic.Int64, reads []batchRead) (b *pgBatch, readErr, err error) {
	conn, err := pool.Conn(ctx)
	if err != nil {
		return nil, nil, err
	}
	b = &pgBatch{conn: conn, ctx: ctx, trips: trips}
	err = b.pipeline(ctx, func(pb *pgx.Batch) {
		pb.Queue("begin")
		pb.Queue(`SELECT set_config('lock_timeout', $2, true) FROM (SELECT pg_advisory_xact_lock($1)) l`,
			int64(batchLock), strconv.Itoa(int(batchLockWait.Milliseconds()))+"ms")
		for _, r := range reads {
			pb.Queue(postgresDialect{}.rebind(r.q), r.args...)
		}
	}, func(br pgx.BatchResults) error {
		if _, err := br.Exec(); err != nil {
			return err
		}
		if _, err := br.Exec(); err != nil {
			return err
		}
		for _, r := range reads {
			if readErr = readBatchRows(br, r); readErr != nil {
				return nil
			}
		}
		return nil
	})
	if readErr != nil {
		// The transaction began (the lock's answer came); closing the
		// pipeline reports the read's failure again.
		return b, readErr, nil
	}
	if err != nil {
		b.Rollback()
		return nil, nil, err
	}
	return b, nil, nil
}

// readBatchRows reads the answer of r from br.
func readBatchRows(br pgx.BatchResults, r batchRead) error {
	rows, err := br.Query()
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := r.row(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// pipeline sends the statements add queues in one round trip and reads
// their answers with read, on the batch's driver connection.
func (b *pgBatch) pipeline(ctx context.Context, add func(*pgx.Batch), read func(pgx.BatchResults) error) error {
	b.trips.Add(1)
	return b.conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("store: the batches' connection is a %T, not pgx's", dc)
		}
		var pb pgx.Batch
		add(&pb)
		br := c.Conn().SendBatch(ctx, &pb)
		err := read(br)
		if cerr := br.Close(); err == nil {
			err = cerr
		}
		return err
	})
}

// send sends the queued statements, then the statements of tail (without
// arguments), in one round trip. queued is the first failure of a queued
// statement, kept in b.err; tail the first of tail's, when every queued
// one succeeded.
func (b *pgBatch) send(ctx context.Context, tail ...string) (queued, tailErr error) {
	if b.err != nil {
		for _, s := range b.queue {
			s.res.err, s.res.sent = b.err, true
		}
		b.queue = nil
		return b.err, nil
	}
	if len(b.queue) == 0 && len(tail) == 0 {
		return nil, nil
	}
	q := b.queue
	b.queue = nil
	err := b.pipeline(ctx, func(pb *pgx.Batch) {
		for _, s := range q {
			pb.Queue(s.q, s.args...)
		}
		for _, t := range tail {
			pb.Queue(t)
		}
	}, func(br pgx.BatchResults) error {
		for _, s := range q {
			tag, err := br.Exec()
			if err != nil && queued == nil {
				queued = err
			}
			s.res.n, s.res.err, s.res.sent = tag.RowsAffected(), queued, true
		}
		if queued != nil {
			return nil // the server skipped the rest
		}
		for range tail {
			if _, err := br.Exec(); err != nil {
				tailErr = err
				return nil
			}
		}
		return nil
	})
	if err != nil && queued == nil && tailErr == nil {
		// Sending or closing failed: nothing is known to have run.
		queued = err
	}
	for _, s := range q {
		if !s.res.sent {
			s.res.err, s.res.sent = queued, true
		}
	}
	if queued != nil {
		b.err = queued
	}
	return queued, tailErr
}

// queueing reports whether tx's statements that return no rows are
// queued in a PostgreSQL batch's pipeline, not run at once.
func (tx *Tx) queueing() bool {
	b, ok := tx.tx.(*pgBatch)
	return ok && b.queueing
}

// flush sends the queue before a statement that is not queued.
func (b *pgBatch) flush(ctx context.Context) error {
	if len(b.queue) == 0 {
		return b.err
	}
	err, _ := b.send(ctx)
	return err
}

func (b *pgBatch) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	if b.queueing {
		if b.err != nil {
			return nil, b.err
		}
		// The arguments are copied: a caller may reuse its slice once the
		// statement "ran" (bulk.flush clears its own).
		r := &pgResult{b: b}
		b.queue = append(b.queue, pgQueued{q: q, args: slices.Clone(args), res: r})
		return r, nil
	}
	if err := b.flush(ctx); err != nil {
		return nil, err
	}
	b.trips.Add(1)
	return b.conn.ExecContext(ctx, q, args...)
}

func (b *pgBatch) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if err := b.flush(ctx); err != nil {
		return nil, err
	}
	b.trips.Add(1)
	return b.conn.QueryContext(ctx, q, args...)
}

// QueryRowContext runs q after the queue; when a queued statement failed,
// q fails in the aborted transaction and b.err holds the cause.
func (b *pgBatch) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	b.flush(ctx)
	b.trips.Add(1)
	return b.conn.QueryRowContext(ctx, q, args...)
}

func (b *pgBatch) PrepareContext(ctx context.Context, q string) (*sql.Stmt, error) {
	if err := b.flush(ctx); err != nil {
		return nil, err
	}
	b.trips.Add(1)
	return b.conn.PrepareContext(ctx, q)
}

// commit sends what is queued and COMMIT in one round trip. A queued
// statement's failure is returned as write (the transaction is then
// aborted: roll it back); COMMIT's as commit, after which the connection
// is given back.
func (b *pgBatch) commit() (write, commit error) {
	b.queueing = false
	write, commit = b.send(b.ctx, "commit")
	if write == nil {
		b.conn.Close()
	}
	return write, commit
}

// Rollback ends the batch's transaction without its writes and gives the
// connection back.
func (b *pgBatch) Rollback() error {
	b.queueing, b.queue = false, nil
	b.trips.Add(1)
	_, err := b.conn.ExecContext(context.Background(), "rollback")
	b.conn.Close()
	return err
}
