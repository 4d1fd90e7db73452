package store

import (
	"context"
	"errors"
	"maps"
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
// "The database has not changed" is decided per table: a result records
// the tables its statements read, and the stamp of a sequence of this
// process (tableRevs) when it began; it stands while none of those
// tables was stamped since. A write to one table (a partner created)
// leaves the results that never read it (a month's scorecards) kept. A
// result that read no table, or a statement whose tables are not known,
// depends on every write (the counter DB.writes). Who stamps, per
// dialect:
//   - on SQLite (tables.go), the writer: the tables a COMMIT changed,
//     before the write is acknowledged, so a person who writes and then
//     reads sees the write;
//   - on PostgreSQL (pgchanges.go), the change log every write transaction
//     adds to: a request's snapshot (read with its identity) tells whether
//     a transaction committed that this instance has not looked at yet —
//     written here or by another instance on the database — and the
//     instance looks before it answers, so several instances never show
//     each other's stale results either.
//
// On SQLite another process writing the file — a CLI command beside a
// running server — is not seen by the stamps: its writes appear within
// MemoTTL. The revision (the stamp) is read before computing, so a result
// computed while a write commits may hold that write or not, and is stored
// under the revision before it: the next call sees a newer revision and
// computes again. Never the other way round. On PostgreSQL the stamps
// are read once this instance has looked at every change the request's
// snapshot sees; changes seen later are stamped later.
//
// A computation's reads are those run under the context Remember gives
// it (or one derived from it): a read under another context is not
// recorded (web's kept hands the page a request carrying that context).
// The context also carries a read cache of its own (readcache.go): rows
// cached before the computation began, whose tables it would not record,
// are not reused. Remember called inside a computation (portfolio.Read
// inside a home) adds the tables of its result to the outer one's, and
// uses the outer one's revision instead of reading another.
//
// Time: a result reads the clock (the current month, what is overdue), so
// it is kept at most MemoTTL of the database's clock (db.Now; a clock
// moved backwards ends it too).
//
// Callers that compute the same key at the same time share one
// computation. A result is shared by every caller that gets it: callers
// copy what they change. At most memoMax are kept.

// MemoTTL is the longest a result is kept (DB.Remember).
const MemoTTL = 5 * time.Second

// memoMax is the most results kept at once: a full memo drops the
// results older than MemoTTL, which no caller gets any more, and starts
// over when that frees nothing (memo.full).
const memoMax = 256

// revision is the state of the database a result was computed from.
type revision struct {
	local int64  // DB.writes
	stamp uint64 // tableRevs.seq
}

type memoEntry struct {
	rev    revision
	at     time.Time // the clock when computed
	val    any
	err    error
	tables []tableRead   // what it read; set before done is closed
	all    bool          // it depends on every write (see the top of this file)
	done   chan struct{} // closed when val and err are set
	frame  *frame        // its computation's reads so far
}

type memo struct {
	mu      sync.Mutex
	entries map[any]*memoEntry
}

// wrote records that the writer committed: results computed before it
// from the tables it changed no longer stand.
func (db *DB) wrote() {
	db.tables.committed()
	db.writes.Add(1)
	if db.pg != nil {
		db.pg.committedHere()
	}
}

// wroteAll records a write whose tables are not known to be stamped.
func (db *DB) wroteAll() {
	db.tables.committedAll()
	db.writes.Add(1)
	if db.pg != nil {
		db.pg.committedHere()
	}
}

// full makes room in a full memo (m.mu held): the results past MemoTTL
// (or from a clock since moved back) go, not those still computing; when
// that frees nothing, every result goes. Dropping every result at once,
// as a full memo did before, dropped the pages read a moment ago with
// those of minutes ago: 256 is reached by a few dozen people reading
// different pages, and with most reads of the route table kept (web's
// keep) every page read is a result.
func (m *memo) full(now time.Time) {
	for k, e := range m.entries {
		select {
		case <-e.done:
		default:
			continue // still computing: its callers wait for it
		}
		if now.Before(e.at) || now.Sub(e.at) >= MemoTTL {
			delete(m.entries, k)
		}
	}
	if len(m.entries) >= memoMax {
		m.entries = map[any]*memoEntry{}
	}
}

// frame records the tables read by one computation under Remember, and
// those of the computations around it.
type frame struct {
	parent *frame
	mu     sync.Mutex
	tables map[string]bool // the tables read, true: only looked up by id (tables.go)
	all    bool
	rev    revision // the outermost computation's
}

type frameKey struct{}

func frameOf(ctx context.Context) *frame {
	f, _ := ctx.Value(frameKey{}).(*frame)
	return f
}

// reads are the tables f has read so far, and whether it depends on
// every write.
func (f *frame) reads() ([]tableRead, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	reads := make([]tableRead, 0, len(f.tables))
	for t, lookup := range f.tables {
		reads = append(reads, tableRead{t, lookup})
	}
	return reads, f.all
}

// note adds reads (all: every table) to f and the frames around it.
func (f *frame) note(reads []tableRead, all bool) {
	for ; f != nil; f = f.parent {
		f.mu.Lock()
		if all {
			f.all = true
		}
		if f.tables == nil {
			f.tables = map[string]bool{}
		}
		for _, r := range reads {
			lookup, seen := f.tables[r.table]
			f.tables[r.table] = r.lookup && (lookup || !seen)
		}
		f.mu.Unlock()
	}
}

// noteRead records the tables statement q reads in the computation ctx
// is under, if any.
func (db *DB) noteRead(ctx context.Context, q string) {
	f := frameOf(ctx)
	if f == nil || q == "BEGIN" || q == "COMMIT" {
		return
	}
	if db.pg != nil {
		f.note(db.pgReadTables(q), false)
		return
	}
	tables, ok := db.readTables(ctx, q)
	f.note(tables, !ok)
}

// revision reads the database's revision (see the top of this file).
func (db *DB) revision(ctx context.Context) (revision, error) {
	if db.pg == nil {
		return db.localRevision(), nil
	}
	if f := frameOf(ctx); f != nil {
		return f.rev, nil // inside a computation: the database as it began
	}
	if ctx.Value(noticedKey{}) != nil {
		if rev, ok, err := db.pgNoticed(ctx); ok {
			return rev, err
		}
	}
	snap, ok := ctx.Value(revisionKey{}).(string) // read with the request's identity
	if !ok {
		if err := db.queryRow(ctx, `SELECT pg_current_snapshot()::text`).Scan(&snap); err != nil {
			return revision{}, err
		}
	}
	return db.pgRevision(ctx, snap)
}

type revisionKey struct{}

// WithRevision returns ctx carrying rev (Identity.Revision), the revision
// read before anything of the request: on PostgreSQL, Remember under ctx
// uses it instead of reading another. Only for a request that writes
// nothing: its own write would not be seen by a snapshot read before it.
func WithRevision(ctx context.Context, rev string) context.Context {
	if rev == "" {
		return ctx
	}
	return context.WithValue(ctx, revisionKey{}, rev)
}

// stands tells whether e, computed, still holds for the database at rev.
func (db *DB) stands(e *memoEntry, rev revision) bool {
	if e.rev.local >= rev.local && e.rev.stamp >= rev.stamp {
		return true // it began at rev or after: it holds all rev holds
	}
	if e.all {
		return false
	}
	return db.tables.unchangedSince(e.tables, e.rev.stamp)
}

// standsSoFar tells whether e, still computing, holds for the database at
// rev as far as what it has read so far goes.
func (db *DB) standsSoFar(e *memoEntry, rev revision) bool {
	reads, all := e.frame.reads()
	if all {
		return e.rev.local == rev.local
	}
	return db.tables.unchangedSince(reads, e.rev.stamp)
}

// Remember returns the result compute returns for key, computing it only
// when the database changed since it was last computed or it is older
// than MemoTTL (see the top of this file). key must be comparable and name
// everything the result depends on — who asks, what — with a type of the
// caller's own, so that two callers' keys never meet. compute must read
// under the context it is given. An error is not kept beyond the callers
// waiting for it.
func (db *DB) Remember(ctx context.Context, key any, compute func(context.Context) (any, error)) (any, error) {
	rev, err := db.revision(ctx)
	if err != nil {
		return nil, err
	}
	var now time.Time
	m := &db.memo
	for {
		now = db.Now() // again after a wait: a newer entry is not from the future
		m.mu.Lock()
		e, ok := m.entries[key]
		if !ok || now.Before(e.at) || now.Sub(e.at) >= MemoTTL {
			break
		}
		select {
		case <-e.done:
			if !db.stands(e, rev) {
				break
			}
			m.mu.Unlock()
			frameOf(ctx).note(e.tables, e.all)
			return e.val, nil
		default:
			// Still computing. When something was written since it
			// began that touched a table it has read so far, it is of
			// no use: compute beside it. Otherwise wait, then see
			// whether what was written touched the tables it read
			// after (known only then): a write elsewhere does not set
			// every waiting reader computing the same page.
			if e.rev != rev && !db.standsSoFar(e, rev) {
				break
			}
			m.mu.Unlock()
			select {
			case <-e.done:
			case <-ctx.Done():
				return nil, ctx.Err()
			}
			if e.err != nil {
				return db.computeIn(ctx, rev, compute) // the shared computation failed: try for ourselves
			}
			continue
		}
		break
	}
	if m.entries == nil {
		m.entries = map[any]*memoEntry{}
	}
	if len(m.entries) >= memoMax {
		m.full(now)
	}
	f := &frame{parent: frameOf(ctx), rev: rev}
	e := &memoEntry{rev: rev, at: now, err: errComputing, done: make(chan struct{}), frame: f}
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
	val, err := compute(f.context(ctx))
	var all bool
	e.tables, all = f.reads()
	e.all = all || len(e.tables) == 0
	if len(e.tables) == 0 {
		// note gave the frames around f every table f read, and "all";
		// a computation that read nothing depends on every write too.
		f.parent.note(nil, true)
	}
	e.val, e.err = val, err
	return val, err
}

// computeIn runs compute for a caller who could not share another's
// result, recording its reads as Remember does.
func (db *DB) computeIn(ctx context.Context, rev revision, compute func(context.Context) (any, error)) (any, error) {
	f := &frame{parent: frameOf(ctx), rev: rev}
	return compute(f.context(ctx))
}

// context is ctx for the computation of f: f records its reads, and its
// read cache is its own, so that a row read before it began (whose tables
// f would not record) is read again. Only the workspace's time zone,
// which the identity primes, is carried over, with its table recorded.
func (f *frame) context(ctx context.Context) context.Context {
	c := &readCache{}
	if p, _ := ctx.Value(readCacheKey{}).(*readCache); p != nil {
		p.mu.Lock()
		if len(p.zones) > 0 {
			c.zones = maps.Clone(p.zones)
			f.note([]tableRead{{table: "workspaces"}}, false)
		}
		p.mu.Unlock()
	}
	return context.WithValue(context.WithValue(ctx, readCacheKey{}, c), frameKey{}, f)
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
