package store

import (
	"context"
	"database/sql"
	"sync/atomic"
	"time"
)

// Checkpoints beside the writer, on SQLite.
//
// A checkpoint copies the pages of the write-ahead log back into the
// database file, syncs the log before and the file after, and lets the log
// start again from its beginning. SQLite runs one by itself in the COMMIT
// that takes the log past wal_autocheckpoint pages — in the writer's
// connection, so every write waiting for that COMMIT (a group of them:
// groupcommit.go) waited for the copy of thousands of pages and two syncs
// too: creating partners from outside (`wrk`, 50 connections) had a p99 of
// 66–85 ms, against 13–21 ms with the checkpoint moved here.
//
// The writer's connection does not checkpoint (wal_autocheckpoint 0).
// After each COMMIT the writer kicks the checkpointer, which runs a PASSIVE
// checkpoint on a connection of its own at once, and then at most once per
// checkpointEvery while writes go on. A PASSIVE checkpoint takes no lock a
// reader or the writer waits for: it copies what no reader still needs and
// leaves the rest for the next one. Durability does not change: a COMMIT
// still returns only after the log is synced (synchronous FULL), and a
// checkpoint only copies what is already durable in the log.
//
// What the log can grow to between checkpoints: a second of writes (at
// 7,000 partner creations a second, about 70 MB; SQLite's own checkpoint
// every 10,000 pages let it reach 40 MB). Readers that hold a snapshot keep
// a checkpoint from finishing, as they did SQLite's own.
type checkpointer struct {
	conn *sql.DB // one connection, of its own
	kick chan struct{}
	stop chan struct{}
	done chan struct{}

	runs   atomic.Int64 // checkpoints run, for tests
	copied atomic.Int64 // the log's frames in the database file after the last one, for tests
}

// checkpointEvery is the least time between two checkpoints while writes
// go on: often enough that the log stays within a second of writes, seldom
// enough that a page several COMMITs rewrote is copied once.
const checkpointEvery = time.Second

func newCheckpointer(conn *sql.DB) *checkpointer {
	c := &checkpointer{conn: conn, kick: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	go c.run()
	return c
}

// wrote tells the checkpointer that a COMMIT added to the log. It never
// waits.
func (c *checkpointer) wrote() {
	select {
	case c.kick <- struct{}{}:
	default:
	}
}

func (c *checkpointer) run() {
	defer close(c.done)
	pause := time.NewTimer(checkpointEvery)
	pause.Stop()
	for {
		select {
		case <-c.stop:
			return
		case <-c.kick:
		}
		c.checkpoint()
		pause.Reset(checkpointEvery)
		select {
		case <-c.stop:
			return
		case <-pause.C:
		}
	}
}

// checkpoint runs one PASSIVE checkpoint. An error (SQLITE_BUSY while
// another checkpoint runs, or the disk's) leaves the log to the next one;
// the log loses nothing by waiting.
func (c *checkpointer) checkpoint() {
	var busy, logged, copied int64
	err := c.conn.QueryRowContext(context.Background(), `PRAGMA wal_checkpoint(PASSIVE)`).Scan(&busy, &logged, &copied)
	c.runs.Add(1)
	if err == nil {
		c.copied.Store(copied)
	}
}

// close stops the checkpointer and closes its connection: the last
// connection to close checkpoints what is left (SQLite).
func (c *checkpointer) close() {
	close(c.stop)
	<-c.done
	c.conn.Close()
}
