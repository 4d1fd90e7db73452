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
// too. Creating partners from outside (`wrk`, 50 connections, three runs
// of 8 s on a copy of the demo, three alternated pairs), the p99 was 27–29,
// 38–43 and 47–53 ms in the first, second and third run; 17–20, 26–27 and
// 28–31 ms with the checkpoint moved here.
//
// The writer's connection does not checkpoint by itself
// (wal_autocheckpoint 0). After each COMMIT the writer kicks the
// checkpointer, which copies the log on a connection of its own: at once,
// and then at most once per checkpointEvery while writes go on. A PASSIVE
// checkpoint takes no lock a reader or the writer waits for; it copies the
// frames committed when it began.
//
// The log must also start again from its beginning, or it grows for as
// long as writes go on (2.2 GB in 24 s of partner creations, the first
// time this was tried). SQLite restarts it when a write transaction
// begins and every frame of it is in the database file — which a
// checkpoint beside a busy writer never achieves: frames are added while
// it copies. So a round of the checkpointer copies again at once while the
// frames added during its last copy are many (each copy is shorter than
// the one before: copying is faster than writing), and once they are few
// (tailFrames) it leaves the last ones to the writer: between two
// batches, after answering the jobs of the first, the writer copies them
// on its own connection (a millisecond or two, once a round), waits at
// most tailWait for the readers still reading frames of the log, and the
// next batch's BEGIN starts the log again. (SQLite's own checkpoint never
// waited for them: under steady reads its log did not start again either,
// and grew.)
//
// Durability does not change: a COMMIT still returns only after the log is
// synced (synchronous FULL), and a checkpoint only copies what is already
// durable in the log.

// checkpointer copies SQLite's log into the database file beside the
// writer: see above.
type checkpointer struct {
	conn *sql.DB // one connection, of its own
	kick chan struct{}
	stop chan struct{}
	done chan struct{}

	// tail is set when a round left its last frames to the writer
	// (writer.checkpointTail).
	tail atomic.Bool

	runs   atomic.Int64 // checkpoints run beside the writer, for tests
	tails  atomic.Int64 // the writer's, for tests
	logged atomic.Int64 // the frames in the log at the last checkpoint, for tests
}

// tailFrames is the most frames a round leaves to the writer: about a
// millisecond of copying.
const tailFrames = 256

// maxCopies is the most checkpoints one round runs before it leaves the
// rest to the writer anyway.
const maxCopies = 8

// checkpointEvery is the least time between two rounds while writes go
// on: often enough that the log stays small (at 7,000 partner creations a
// second, 6,000–8,000 frames, 25–33 MB; SQLite's own checkpoint every
// 10,000 pages let it reach 40 MB), seldom enough that a page several
// COMMITs rewrote is copied once.
const checkpointEvery = 250 * time.Millisecond

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
		c.round()
		pause.Reset(checkpointEvery)
		select {
		case <-c.stop:
			return
		case <-pause.C:
		}
	}
}

// round copies the log until the frames added during the last copy are
// few, then leaves those to the writer.
func (c *checkpointer) round() {
	prev := int64(-1)
	for range maxCopies {
		logged, copied, ok := checkpoint(c.conn, "PASSIVE")
		c.runs.Add(1)
		// A reader that holds frames ends the round too: the next round
		// tries again. (Handing the rest to the writer instead, whose
		// RESTART waits for readers, is untried.)
		if !ok || copied < logged {
			return // another checkpoint runs, or a reader holds frames: the next round
		}
		c.logged.Store(logged)
		// Done when few frames came since the copy before, or the log
		// started again meanwhile.
		if prev >= 0 && (logged < prev || logged-prev <= tailFrames) {
			break
		}
		prev = logged
	}
	c.tail.Store(true)
}

// checkpoint runs one checkpoint of mode (PASSIVE or RESTART) on conn and
// returns the frames in the log and those in the database file after it.
// ok is false when it could not run or finish (SQLITE_BUSY while another
// checkpoint runs or readers did not let go in time, or the disk's
// error): the log loses nothing by waiting for the next.
func checkpoint(conn *sql.DB, mode string) (logged, copied int64, ok bool) {
	var busy int64
	err := conn.QueryRowContext(context.Background(), `PRAGMA wal_checkpoint(`+mode+`)`).Scan(&busy, &logged, &copied)
	return logged, copied, err == nil && busy == 0
}

// busyTimeout is how long a connection waits for a lock (SQLite's
// busy_timeout); tailWait how long the writer waits for readers to let go
// of the log (checkpointTail).
const (
	busyTimeout = 10 * time.Second
	tailWait    = 5 * time.Millisecond
)

// close stops the checkpointer and closes its connection: the last
// connection to close checkpoints what is left (SQLite).
func (c *checkpointer) close() {
	close(c.stop)
	<-c.done
	c.conn.Close()
}
