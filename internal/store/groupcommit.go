package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Group commit: the write transactions of concurrent requests share one
// COMMIT (on PostgreSQL too: see the end of this comment).
//
// SQLite has one writer connection (db.w) and syncs the write-ahead log at
// every COMMIT (synchronous FULL): one transaction per request made the
// disk's sync the ceiling of every write path, about 1,400 durable partner
// creations a second whatever the CPU. Here one goroutine, the writer,
// owns the connection's transactions. DB.transact hands its function (a
// job) to it and waits for the answer. The writer takes the first waiting
// job and, unless it is a bulk job, the jobs already waiting behind it
// without waiting for more (at most maxBatch), BEGINs one transaction, runs
// the jobs one after the other, COMMITs once, and only then answers each
// job. A batch of one runs exactly as a transaction of its own did; under
// load a batch holds as many jobs as
// arrived during the previous COMMIT, so the sync is shared by more
// requests the busier the writer is, and an idle writer adds no wait.
//
// Durability: a job is answered success only after the COMMIT holding its
// writes returned, and with synchronous FULL that COMMIT returns only after
// the WAL was synced. Nobody is told "done" for a write that a crash could
// lose; a crash before the COMMIT loses the whole batch, none of which was
// acknowledged.
//
// Isolation between the jobs of a batch:
//   - A job whose function fails (or panics) gets its error (the panic is
//     raised again in its caller's goroutine) and none of its writes is
//     kept; the other jobs still commit. A batch first runs without
//     savepoints; when a job fails, the transaction is rolled back and the
//     other jobs run again, each in a SAVEPOINT of its own, so that one
//     failing then is rolled back to it alone (runBatch). A failed COMMIT
//     answers every job of the batch with its error, and DB.transact
//     retries as it retries any transaction (functions are re-runnable).
//   - Each job gets its own *Tx (its own clock reading, its own bound
//     statements) over the shared sql.Tx, and sees the jobs before it in
//     the batch as if they had committed just before: jobs run one after
//     the other, in arrival order, as they did on the single connection.
//   - The transaction is begun with the writer's context, not a caller's:
//     a canceled request must not roll back the others. A job whose caller
//     is already gone when its turn comes is answered ctx.Err() unrun. A
//     job's statements keep its caller's context values (the statement
//     counter) but not its cancellation (Tx.stmtCtx): SQLite answers an
//     interrupted write (sqlite3_interrupt, which the driver calls when a
//     statement's context ends) by rolling back the whole transaction, the
//     other jobs' writes too. Instead a statement asked for after the
//     caller's context ended fails with ctx.Err() without reaching SQLite,
//     so a canceled job stops at its next statement and fails as above.
//   - SQLite may end a transaction by itself on a few errors (SQLITE_FULL,
//     SQLITE_IOERR, SQLITE_NOMEM). When rolling back to or releasing a
//     job's savepoint fails, the batch's transaction is rolled back, that
//     job gets the error, and the batch's other jobs run again in a new
//     transaction.
//
// What the jobs of a batch have in common — an audit entry each, the
// facts of logged calls and their aggregates — they keep for the batch's
// end, written together just before the COMMIT (later.go).
//
// Bulk jobs (imports, the batch ingestion, RecordFacts: DB.transactBulk)
// always run alone, with their caller's cancellation as before: they may
// be long, prepare statements on the transaction, and a savepoint would
// keep a copy of every page they change.
//
// BEGIN and COMMIT are counted once per job in the caller's statement
// counter (stmtcount.go), as one transaction per request counted them, so
// statement budgets are unchanged; SAVEPOINT and RELEASE are not counted,
// and COMMIT only for the run that committed (a job run again counts its
// own statements again).
//
// PostgreSQL batches the same way. Its server groups WAL flushes by
// itself, but on this kind of machine a round trip costs it more CPU than
// the statement (BEGIN and COMMIT were two of a partner creation's five),
// and the writes of one period's value each held its lock until their own
// COMMIT. Batched, over HTTP from 50 connections, partner creations went
// from about 1,350 to 2,650 a second, logged calls from 630 to 1,350,
// values from 280 to 520–840 (docs/speed.md, issue 16, twenty-second session).
// Differences from SQLite:
//   - One writer still, on one connection of the pool at a time. Measured
//     and not kept: two or three writers, one running its jobs while the
//     others COMMIT (no faster: the jobs' round trips, not the COMMIT, are
//     the writer's time), and four or eight running jobs side by side
//     (slower: smaller batches; and two batches each holding rows a later
//     job of the other wants wait for each other in a circle, which one
//     request a transaction, taking its locks in one order, did not).
//   - Bulk jobs do not go through the writer: they run in a transaction of
//     their own beside it, as before, and so does the audit sealer.
//   - A batch's transaction is a pgBatch (pgbatch.go): BEGIN, the batch
//     lock and the accounts the batch's calls are logged on go in one
//     round trip, the writes of the batch's end and COMMIT in another.
//   - No statement cache: the driver keeps its own prepared statements per
//     connection. What is kept for the batch's end (later.go) is the same
//     but for the audit entries, which are unsealed (auditseal.go) and
//     inserted in one statement.
//   - Several instances on one database: each batch first takes one
//     transaction-level advisory lock shared by all (batchLock), so that
//     their batches run one after the other as one writer's would. Side by
//     side, two instances' batches entering the values of two metrics of
//     one month waited for each other in a circle until PostgreSQL's
//     deadlock check (a second) failed one of them, over and over
//     (TestValuesFromTwoInstancesAtOnce: 7–11 s against 2 s before
//     batching; with the lock no deadlock at all). Bulk jobs and the sealer
//     do not take it. A batch's statements wait at most batchLockWait for
//     a lock, so that a job waiting for an import's locks neither holds up
//     every write of every instance nor waits in a circle with it: it runs
//     again alone, beside the writer (lockTimedOut, transactJob). A
//     deadlock between a transaction beside the writers and a batch is
//     told to one side, which is retried (isRetryable; in a batch, as any
//     failing job: alone, the others run again carefully).

// maxBatch is the most jobs one COMMIT holds: enough to share a sync among
// all the requests that arrive during one, few enough that the first job
// of a batch does not wait long for the last.
const maxBatch = 128

// batchLock is the key of the advisory lock every batch on PostgreSQL
// takes (any constant shared by every Tandem instance, other than
// lockMigrations' and sealLock).
const batchLock = 7243563

// batchLockWait is the longest a statement of a batch on PostgreSQL waits
// for a lock (lock_timeout): with batchLock held, the only locks it can
// wait for are those of transactions beside the writers — an import, the
// sealer, a bulk job, someone's psql — which may hold them for seconds.
// A job that waits longer fails with 55P03 and runs again alone, beside
// the writer, where it waits as long as it must (transactJob); the batch's
// other jobs, and every write after them, go on meanwhile.
const batchLockWait = 100 * time.Millisecond

// writerPlans: on PostgreSQL the writer's batches run on a connection of
// their own (DB.batches), whose statements are planned with
// enable_seqscan off, so that a table is read through an index wherever
// one serves the statement (a statement no index serves still reads the
// whole table). A write reads and changes a few rows by their keys, and
// every other write waits for its batch; but the plan PostgreSQL keeps
// for a prepared statement is made from the table's statistics when it
// is first made, and a table that was small then (the demo's values, its
// statistics gathered after loading it) was read whole, each time a
// little longer, as it grew: entering this month's value again and again
// read every value the month had had, 0.5 to 1 ms a statement after a
// few thousand, until autovacuum's next analyze made PostgreSQL plan it
// again (TestWriterReadsByIndex). The connection is the batches' alone
// because PostgreSQL keeps a connection's plans whatever the setting when
// they are used: set for a batch's transaction on the pool's
// connections, a plan made outside a batch was used in it as it was, and
// one made in a batch by the readers and bulk jobs afterwards. Readers,
// bulk jobs and the sealer plan as before on the pool; the batches no
// longer wait for one of its connections.

// errClosed answers a write asked for after DB.Close.
var errClosed = errors.New("store: the database is closed")

// job is one transaction's function, waiting for the writer.
type job struct {
	ctx   context.Context
	fn    func(*Tx) error
	alone bool          // a bulk job: a batch of its own
	done  chan jobReply // buffered: the writer never waits for the caller
}

// jobReply is the writer's answer: fn's error, the COMMIT's, or a panic to
// raise again in the caller.
type jobReply struct {
	err      error
	panicked bool
	panicVal any
}

// writer runs the write transactions of a SQLite database: see the top of
// this file.
type writer struct {
	db   *DB
	jobs chan *job

	mu     sync.RWMutex // held to send on jobs; Lock to close it
	closed bool
	done   chan struct{} // closed when run returns

	commits   atomic.Int64 // COMMITs run, for tests
	submitted atomic.Int64 // jobs handed over, for tests that order them

	// hold, when set, is called once the writer took the first job of a
	// batch and before it takes the waiting ones: tests make the writer
	// wait there until the jobs they want batched together are queued.
	hold atomic.Pointer[func()]

	// kept are the statements prepared on the writer's connection for
	// good, by text (see stmtCache); only the writer's goroutine changes
	// it, between batches.
	kept map[string]*sql.Stmt
}

func newWriter(db *DB) *writer {
	w := &writer{db: db, jobs: make(chan *job, 4*maxBatch), done: make(chan struct{})}
	go w.run()
	return w
}

// submit hands fn to the writer and waits for its answer.
func (w *writer) submit(ctx context.Context, alone bool, fn func(*Tx) error) error {
	j := &job{ctx: ctx, fn: fn, alone: alone, done: make(chan jobReply, 1)}
	w.mu.RLock()
	if w.closed {
		w.mu.RUnlock()
		return errClosed
	}
	w.jobs <- j
	w.submitted.Add(1)
	w.mu.RUnlock()
	// The answer always comes: the writer answers every job it takes, and
	// takes every job sent before close. Waiting for it even when ctx ends
	// keeps the answer true: a write that is running or committing may
	// still succeed.
	r := <-j.done
	if r.panicked {
		panic(r.panicVal)
	}
	return r.err
}

// close stops taking jobs, lets the writer finish the ones already sent,
// and waits for it.
func (w *writer) close() {
	w.mu.Lock()
	if !w.closed {
		w.closed = true
		close(w.jobs)
	}
	w.mu.Unlock()
	<-w.done
}

// run takes batches until the queue is closed and empty.
func (w *writer) run() {
	defer close(w.done)
	defer func() {
		for _, st := range w.kept {
			st.Close()
		}
	}()
	var next *job // a bulk job met while taking a batch: it starts the next one
	for {
		first := next
		next = nil
		if first == nil {
			j, ok := <-w.jobs
			if !ok {
				return
			}
			first = j
		}
		batch := []*job{first}
		if !first.alone {
			if h := w.hold.Swap(nil); h != nil {
				(*h)()
			}
		take:
			for len(batch) < maxBatch {
				select {
				case j, ok := <-w.jobs:
					if !ok {
						break take
					}
					if j.alone {
						next = j
						break take
					}
					batch = append(batch, j)
				default:
					break take
				}
			}
		}
		careful := false
		for len(batch) > 0 {
			batch, careful = w.runBatch(batch, careful)
		}
		w.checkpointTail()
	}
}

// checkpointTail copies, between two batches, the last frames of the log
// that a round of the checkpointer left to the writer (checkpoint.go).
// With no other writer, this checkpoint copies the whole log; as a
// RESTART checkpoint it then waits for the readers still reading frames
// of the log — at most tailWait, not busy_timeout's ten seconds: a long
// reader (an export) must not hold the writes up — so that the next
// batch's BEGIN starts the log again.
func (w *writer) checkpointTail() {
	c := w.db.ckpt
	if c == nil || !c.tail.Swap(false) {
		return
	}
	bg := context.Background()
	if _, err := w.db.w.ExecContext(bg, `PRAGMA busy_timeout = `+strconv.Itoa(int(tailWait.Milliseconds()))); err != nil {
		return
	}
	logged, _, ok := checkpoint(w.db.w, "RESTART")
	w.db.w.ExecContext(bg, `PRAGMA busy_timeout = `+strconv.Itoa(int(busyTimeout.Milliseconds())))
	if ok {
		c.tails.Add(1)
		c.logged.Store(logged)
	}
}

// runBatch runs the jobs of batch in one transaction and answers them. It
// returns the jobs to run again in a new transaction, and whether to run
// them carefully: at least one job fewer than it was given.
//
// A batch is first run without savepoints: a savepoint costs its SAVEPOINT
// and RELEASE, and SQLite copies every page a job changes for the first
// time within it to the statement journal — together about a sixth of a
// partner creation's CPU. When a job of such a batch fails, the whole
// transaction is rolled back, that job is answered its error, and the
// others run again, carefully: each in a SAVEPOINT of its own, so that a
// job failing then is rolled back alone. A failed job thus costs its
// batch one more run, never another job's write.
func (w *writer) runBatch(batch []*job, careful bool) (again []*job, againCareful bool) {
	db := w.db
	bg := context.Background()
	pool, onBatches := db.w, db.batches != nil
	if onBatches {
		pool = db.batches
	}
	sqlite := db.dialect.name() == "sqlite"
	// On PostgreSQL one batch at a time across the instances on the
	// database (batchLock): two instances' batches running side by side
	// could each hold rows a later job of the other wants. Then no
	// statement of the batch waits for a lock longer than batchLockWait
	// (lockTimedOut: the job runs again beside the writer, transactJob).
	// The transaction is a pgBatch (pgbatch.go): BEGIN and the lock in one
	// round trip, the end's writes and COMMIT in another.
	// With it, the accounts the jobs will log calls on, in one statement
	// (accountreads.go).
	var sqltx batchTx
	var lite *sql.Tx // SQLite's
	var pgb *pgBatch
	var accounts accountsRead
	var err error
	if sqlite {
		if lite, err = pool.BeginTx(bg, nil); err == nil {
			sqltx = lite
		}
	} else {
		var reads []batchRead
		if !careful {
			reads, accounts = batchAccountReads(batch)
		}
		var readErr error
		if pgb, readErr, err = beginPGBatch(bg, pool, &db.trips, reads); readErr != nil {
			// Each job reads its own, carefully.
			pgb.Rollback()
			return batch, true
		}
		if err == nil {
			sqltx = pgb
		}
	}
	if err != nil {
		for _, j := range batch {
			j.done <- jobReply{err: err}
		}
		return nil, false
	}
	var cache *stmtCache
	if sqlite {
		cache = &stmtCache{kept: w.kept}
		defer w.keep(cache)
		if !careful {
			var reads []batchRead
			reads, accounts = batchAccountReads(batch)
			if err := runBatchReads(bg, &Tx{tx: sqltx, db: db, cache: cache}, reads); err != nil {
				// Each job reads its own, carefully.
				sqltx.Rollback()
				return batch, true
			}
		}
	}
	kept := &later{} // what the jobs leave to the end (later.go)
	if !careful {
		kept.known = newValuesKnown() // valuesknown.go
	}
	kept.accounts = accounts
	savepoints := careful && len(batch) > 1
	sp := func(q string) error {
		_, err := sqltx.ExecContext(bg, q)
		return err
	}
	ran := make([]*job, 0, len(batch))
	for i, j := range batch {
		if err := j.ctx.Err(); err != nil {
			j.done <- jobReply{err: err}
			continue
		}
		if savepoints {
			if err := sp("SAVEPOINT job"); err != nil {
				sqltx.Rollback()
				j.done <- jobReply{err: err}
				return append(ran, batch[i+1:]...), true
			}
		}
		tx := &Tx{tx: sqltx, db: db, now: db.Now(), detached: !j.alone, cache: cache}
		if !j.alone {
			tx.later = kept
			kept.left = len(batch) - i
		}
		r := runJob(tx, j.fn)
		if r.err == nil && !r.panicked && savepoints && kept.err == nil && !kept.empty() {
			// Written inside its savepoint: rolling back to another
			// job's savepoint must not take them.
			kept.writeAll(bg, tx)
		}
		if !r.panicked && kept.err != nil {
			// Writing what was kept failed during the job or after it:
			// the job fails with that error, as if its own statement had
			// — not with what PostgreSQL answers the job's next
			// statements once the transaction is aborted (25P02), which
			// would hide a deadlock or a lock timeout that transactJob
			// runs again.
			r.err = kept.err
		}
		switch {
		case r.err == nil && !r.panicked && !savepoints:
		case r.err == nil && !r.panicked:
			if err := sp("RELEASE job"); err != nil {
				sqltx.Rollback()
				j.done <- jobReply{err: err}
				return append(ran, batch[i+1:]...), true
			}
		case !savepoints && kept.err != nil && !r.panicked && len(batch) > 1:
			// Writing what the batch kept failed: the row refused may be
			// an earlier job's. Everyone runs again carefully, where each
			// job writes its own inside its savepoint and only the one
			// whose row is refused fails.
			sqltx.Rollback()
			return append(append(ran, j), batch[i+1:]...), true
		case !savepoints:
			// The jobs before it ran in the same transaction without a
			// savepoint: they are rolled back with it and run again.
			sqltx.Rollback()
			j.done <- r
			return append(ran, batch[i+1:]...), true
		default:
			*kept = later{} // its kept writes go with its savepoint
			err := sp("ROLLBACK TO job")
			if err == nil {
				err = sp("RELEASE job")
			}
			j.done <- r
			if err != nil {
				sqltx.Rollback()
				return append(ran, batch[i+1:]...), true
			}
			continue
		}
		ran = append(ran, j)
	}
	if len(ran) == 0 {
		sqltx.Rollback()
		return nil, false
	}
	if kept.err == nil && !kept.empty() {
		if pgb != nil {
			pgb.queueing = true // sent with the COMMIT
		}
		kept.writeAll(bg, &Tx{tx: sqltx, db: db, cache: cache})
	}
	var commitErr error
	if pgb != nil {
		if kept.err == nil {
			kept.err, commitErr = pgb.commit()
		}
		if pgb.err != nil {
			kept.err = pgb.err // the cause, not what the aborted transaction answered after it
			db.ids.dropAll()
		}
	}
	if err := kept.err; err != nil {
		sqltx.Rollback()
		if !savepoints && len(ran) > 1 {
			// Whose row was refused is not known: run them again
			// carefully (above).
			return ran, true
		}
		// As a failed COMMIT: nothing of the batch is kept.
		for _, j := range ran {
			j.done <- jobReply{err: err}
		}
		return nil, false
	}
	err = commitErr
	if lite != nil {
		err = lite.Commit()
	}
	w.commits.Add(1)
	if err == nil {
		db.wrote()
		if db.ckpt != nil {
			db.ckpt.wrote()
		}
	}
	for _, j := range ran {
		db.counted(j.ctx, "COMMIT")
		j.done <- jobReply{err: err}
	}
	return nil, false
}

// keep prepares on the writer's connection, for the batches to come, the
// statements a batch prepared on its transaction that are not kept yet.
// It runs after the batch's transaction ended: the one connection is free.
func (w *writer) keep(c *stmtCache) {
	for _, q := range c.fresh {
		if len(w.kept) >= maxKept {
			return
		}
		if _, ok := w.kept[q]; ok {
			continue
		}
		st, err := w.db.w.PrepareContext(context.Background(), q)
		if err != nil {
			continue // prepared on each transaction, as before
		}
		if w.kept == nil {
			w.kept = map[string]*sql.Stmt{}
		}
		w.kept[q] = st
	}
}

// runJob runs fn, turning a panic into a reply that raises it again.
func runJob(tx *Tx, fn func(*Tx) error) (r jobReply) {
	defer func() {
		if p := recover(); p != nil {
			r = jobReply{panicked: true, panicVal: p}
		}
	}()
	return jobReply{err: fn(tx)}
}

// stmtCtx is the context a statement of tx runs under: ctx itself, or for
// a job of a batch (detached), ctx without its cancellation while it is
// not canceled. Once ctx ended, ctx itself: database/sql then fails the
// statement with ctx.Err() before it reaches SQLite.
func (tx *Tx) stmtCtx(ctx context.Context) context.Context {
	if tx.detached && ctx.Err() == nil {
		return context.WithoutCancel(ctx)
	}
	return ctx
}

// stmtCache holds the statements prepared on one batch's transaction, for
// all its jobs (Tx.exec and Tx.queryRow, whose row is read at once; not
// Tx.query, whose rows may still be open when the same text runs again):
// they mostly run the same few statements (the audit entry's in every
// write), and parsing a statement is much of the cost of running it on
// SQLite, where the driver otherwise prepares and finalizes it each time.
// A text the writer keeps prepared on its connection (writer.kept) is
// taken from there (Tx.StmtContext finds it prepared on the connection);
// one that is not is prepared on the transaction and noted in fresh, for
// the writer to keep after the batch. database/sql closes the
// transaction's statements when it ends. The jobs of a batch run one after
// the other, but a job may use its Tx from several goroutines, hence the
// lock.
type stmtCache struct {
	mu    sync.Mutex
	m     map[string]*sql.Stmt
	kept  map[string]*sql.Stmt // the writer's; read only during a batch
	fresh []string
}

// maxCached is the most statements one batch prepares; past that they run
// unprepared. maxKept is the most the writer keeps prepared: the texts of
// the code's statements, and the few shapes of its lists of parameters.
const (
	maxCached = 256
	maxKept   = 512
)

// cached returns q prepared on tx's transaction, preparing it the first
// time in the batch; nil when tx has no cache (PostgreSQL) or preparing
// failed (running it unprepared reports the error).
func (tx *Tx) cached(ctx context.Context, q string) *sql.Stmt {
	c := tx.cache
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if st, ok := c.m[q]; ok {
		return st
	}
	if len(c.m) >= maxCached {
		return nil
	}
	var st *sql.Stmt
	if base := c.kept[q]; base != nil {
		sqltx, ok := tx.tx.(*sql.Tx)
		if !ok {
			return nil
		}
		st = sqltx.StmtContext(tx.stmtCtx(ctx), base)
	} else {
		var err error
		if st, err = tx.tx.PrepareContext(tx.stmtCtx(ctx), q); err != nil {
			return nil
		}
		c.fresh = append(c.fresh, q)
	}
	if c.m == nil {
		c.m = map[string]*sql.Stmt{}
	}
	c.m[q] = st
	return st
}
