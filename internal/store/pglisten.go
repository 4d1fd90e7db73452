package store

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgconn/ctxwatch"
)

// Changes as they are announced (PostgreSQL): the identity of a request
// that writes, kept without a round trip.
//
// A page reads the request's snapshot with its identity (pgchanges.go):
// one statement, which tells it exactly which writes it must see. A
// request that writes does not keep any result it reads, but it still
// paid that statement for its identity alone — on PostgreSQL half the
// round trips of creating a partner. Its identity is now kept as on
// SQLite, under a revision that needs no statement: this instance's
// knowledge of the change log, kept current by PostgreSQL's
// notifications.
//
//   - The trigger every table has (tandem_changed, migration 0050)
//     notifies the channel tandem_changes when a transaction first
//     changes something; PostgreSQL delivers it to every listening session
//     once the transaction has committed. ExecRaw's note does the same.
//   - Each instance listens on a connection of its own (started by the
//     first request that asks, so tools and tests that never do open
//     none). A notification, and every COMMIT of this instance (counted
//     before the write is acknowledged), means "the change log holds
//     something not looked at": the next request that writes looks first
//     (lookAtChanges, shared with the pages' looks) and kept identities
//     whose tables changed are read again. A person who revokes a token
//     through an instance cannot write with it through that instance
//     afterwards; through another, not once its notification arrived
//     (PostgreSQL sends it at COMMIT).
//   - The listener is trusted only while it hears: it notifies itself
//     every listenPing through the pool and counts as deaf once a ping
//     has not come back within listenDeaf. A deaf or broken listener (a
//     lost connection, a database that restarted) makes writes read their
//     identity with every request, as before, until it hears again; it
//     reconnects by itself, and after reconnecting takes everything as
//     changed (notifications sent meanwhile were lost).
//
// What this leaves: a write through another instance in the moment
// between a COMMIT elsewhere and its notification's arrival (under a
// millisecond on one host) uses the identity as it was — as a write
// whose identity was read just before that COMMIT always did.
const (
	changesChannel = "tandem_changes"
	listenPing     = 500 * time.Millisecond
	listenDeaf     = 2 * time.Second
)

// pgListener is an instance's listener on changesChannel.
type pgListener struct {
	url string

	once   sync.Once
	stop   context.CancelFunc
	done   chan struct{}
	heard  atomic.Int64 // UnixNano of the last ping heard; 0 while deaf
	conned atomic.Bool  // listening on a live connection
}

// noticed counts, on pgChanges, what was announced and what was looked at.
type noticed struct {
	count   atomic.Uint64 // notifications and own COMMITs since start
	through atomic.Uint64 // count when the last successful look began
}

// committedHere records a COMMIT of this instance (DB.wrote): the next
// noticed revision looks at the change log first.
func (c *pgChanges) committedHere() { c.noticed.count.Add(1) }

// listening starts the listener once and tells whether it hears now.
func (db *DB) listening() bool {
	l := db.pg.listener
	l.once.Do(func() {
		ctx, stop := context.WithCancel(context.Background())
		l.stop, l.done = stop, make(chan struct{})
		go db.listen(ctx)
	})
	h := l.heard.Load()
	return l.conned.Load() && h != 0 && time.Since(time.Unix(0, h)) < listenDeaf
}

// listen keeps a connection listening on changesChannel until ctx ends,
// and pings it through the pool.
func (db *DB) listen(ctx context.Context) {
	l := db.pg.listener
	var pinger sync.WaitGroup
	defer func() {
		pinger.Wait() // no ping outlives Close
		close(l.done)
	}()
	pinger.Go(func() {
		t := time.NewTicker(listenPing)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if l.conned.Load() {
					pctx, cancel := context.WithTimeout(ctx, listenDeaf)
					db.w.ExecContext(pctx, `SELECT pg_notify($1, 'ping')`, changesChannel)
					cancel()
				}
			}
		}
	})
	for ctx.Err() == nil {
		if err := db.listenOnce(ctx); err != nil && ctx.Err() == nil {
			select { // a pause before connecting again
			case <-ctx.Done():
			case <-time.After(listenPing):
			}
		}
	}
}

// listenOnce connects, listens and takes notifications until the
// connection fails or ctx ends.
func (db *DB) listenOnce(ctx context.Context) error {
	l, c := db.pg.listener, db.pg
	cfg, err := pgx.ParseConfig(l.url)
	if err != nil {
		return err
	}
	// Stopping ends the wait at once: a cancel request would find no
	// query to cancel, and the wait would last until the default delay.
	cfg.BuildContextWatcherHandler = func(c *pgconn.PgConn) ctxwatch.Handler {
		return &pgconn.DeadlineContextWatcherHandler{Conn: c.Conn()}
	}
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return err
	}
	defer func() {
		l.conned.Store(false)
		l.heard.Store(0)
		cctx, cancel := context.WithTimeout(context.Background(), time.Second)
		conn.Close(cctx)
		cancel()
	}()
	// Listening, and a first ping of its own, so that it hears at once.
	if _, err := conn.Exec(ctx, `LISTEN `+changesChannel+`; SELECT pg_notify('`+changesChannel+`', 'ping')`); err != nil {
		return err
	}
	// What was announced before now was not heard: look before trusting.
	c.noticed.count.Add(1)
	l.conned.Store(true)
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		if n.Payload == "ping" {
			l.heard.Store(time.Now().UnixNano())
			continue
		}
		c.noticed.count.Add(1)
	}
}

// closeListener stops the listener, if it was started (DB.Close).
func (db *DB) closeListener() {
	if db.pg == nil {
		return
	}
	l := db.pg.listener
	l.once.Do(func() {}) // never starts after this
	if l.stop != nil {
		l.stop()
		<-l.done
	}
}

// pgNoticed is the revision that holds every change announced so far
// (see the top of this file): ok false when the listener does not hear,
// and the caller must read a snapshot instead.
func (db *DB) pgNoticed(ctx context.Context) (_ revision, ok bool, _ error) {
	if !db.listening() {
		return revision{}, false, nil
	}
	c := db.pg
	n := c.noticed.count.Load()
	rev, err := db.pgLookUntil(ctx, func() bool { return c.noticed.through.Load() >= n })
	return rev, true, err
}

type forWriteKey struct{}

// noticedKey marks the context of a kept identity's Remember: its
// revision is pgNoticed's (memo.go's revision).
type noticedKey struct{}

// ForWrite marks ctx as a request that writes: on PostgreSQL its identity
// may be kept under the noticed revision (pglisten.go). Only the identity
// uses it; what else the request reads is read as before.
func ForWrite(ctx context.Context) context.Context {
	return context.WithValue(ctx, forWriteKey{}, true)
}

// forWrite tells whether ctx is a request that writes (ForWrite).
func forWrite(ctx context.Context) bool {
	v, _ := ctx.Value(forWriteKey{}).(bool)
	return v
}
