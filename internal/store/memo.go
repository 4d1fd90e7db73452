package store

import (
	"context"
	"errors"
	"sync"
	"time"
)

// Results kept between requests (DB.Remember).
//
// The heaviest pages — the portfolio, the homes, the board pack — compute
// six months of invoices, scorecards and what waits for every engagement
// the reader sees: milliseconds of CPU and a score of statements a view,
// and the same answer until something is written or the clock moves on.
// Remember keeps such a result, under a key that names who asks and what,
// for as long as the database has not changed and at most MemoTTL.
//
// "The database has not changed" is the revision, read before the result
// is computed and compared on every later call:
//   - on SQLite, a counter this process moves after every COMMIT of a
//     write transaction: a request (DB.transact and the group commit), a
//     bulk job, ExecRaw. A person who writes and then reads sees the
//     write: the counter moved before the write was acknowledged.
//   - on PostgreSQL, the server's WAL insert position
//     (pg_current_wal_insert_lsn, one statement a call): a COMMIT that
//     wrote anything inserts its record before it returns, so any write by
//     any instance moves it, and several instances on one database never
//     show each other's stale results. A transaction that wrote nothing
//     (the audit sealer finding nothing to seal) does not move it; the
//     server's housekeeping and the other databases of its cluster do,
//     which only costs a result computed again.
//
// On SQLite another process writing the file — a CLI command beside a
// running server — is not seen by the counter: its writes appear within
// MemoTTL. The revision is read before computing, so a result computed
// while a write commits may hold that write or not, and is stored under
// the revision before it: the next call sees a newer revision and
// computes again. Never the other way round.
//
// Time: a result reads the clock (the current month, what is overdue), so
// it is kept at most MemoTTL of the database's clock (db.Now; a clock
// moved backwards ends it too).
//
// Callers that compute the same key at the same time share one
// computation. A result is shared by every caller that gets it: callers
// copy what they change. The results of an old revision are dropped when
// the first one of a new revision is stored; at most memoMax are kept.

// MemoTTL is the longest a result is kept (DB.Remember).
const MemoTTL = 5 * time.Second

// memoMax is the most results kept at once; a full memo starts over.
const memoMax = 256

// revision is the state of the database a result was computed from.
type revision struct {
	local int64  // DB.writes, on SQLite
	wal   string // PostgreSQL's WAL insert position
}

type memoEntry struct {
	rev  revision
	at   time.Time // the clock when computed
	val  any
	err  error
	done chan struct{} // closed when val and err are set
}

type memo struct {
	mu      sync.Mutex
	rev     revision // of the entries kept
	entries map[any]*memoEntry
}

// wrote records that a write committed: results computed before it no
// longer stand.
func (db *DB) wrote() { db.writes.Add(1) }

// revision reads the database's revision (see the top of this file).
func (db *DB) revision(ctx context.Context) (revision, error) {
	if db.dialect.name() != "postgres" {
		return revision{local: db.writes.Load()}, nil
	}
	var rev revision
	err := db.queryRow(ctx, `SELECT pg_current_wal_insert_lsn()::text`).Scan(&rev.wal)
	return rev, err
}

// Remember returns the result compute returns for key, computing it only
// when the database changed since it was last computed or it is older
// than MemoTTL (see the top of this file). key must be comparable and name
// everything the result depends on — who asks, what — with a type of the
// caller's own, so that two callers' keys never meet. An error is not
// kept beyond the callers waiting for it.
func (db *DB) Remember(ctx context.Context, key any, compute func(context.Context) (any, error)) (any, error) {
	rev, err := db.revision(ctx)
	if err != nil {
		return nil, err
	}
	now := db.Now()
	m := &db.memo
	m.mu.Lock()
	if e, ok := m.entries[key]; ok && e.rev == rev && !now.Before(e.at) && now.Sub(e.at) < MemoTTL {
		m.mu.Unlock()
		select {
		case <-e.done:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		if e.err == nil {
			return e.val, nil
		}
		return compute(ctx) // the shared computation failed: try for ourselves
	}
	if m.entries == nil || m.rev != rev || len(m.entries) >= memoMax {
		m.entries, m.rev = map[any]*memoEntry{}, rev
	}
	e := &memoEntry{rev: rev, at: now, err: errComputing, done: make(chan struct{})}
	m.entries[key] = e
	m.mu.Unlock()
	defer func() {
		// A failed (or panicking) computation is not kept.
		if e.err != nil {
			m.mu.Lock()
			if m.entries[key] == e {
				delete(m.entries, key)
			}
			m.mu.Unlock()
		}
		close(e.done)
	}()
	val, err := compute(ctx)
	e.val, e.err = val, err
	return val, err
}

// errComputing is the error of a computation that never returned (it
// panicked): those who waited for it compute for themselves.
var errComputing = errors.New("store: the shared computation did not finish")

// Forget drops every kept result (Remember): the next reader computes
// its own, as the first reader after a write does. For tests that count a
// page's statements, and for operators.
func (db *DB) Forget() {
	db.memo.mu.Lock()
	db.memo.entries = nil
	db.memo.mu.Unlock()
}
