package store

// The audit chain on PostgreSQL is sealed after commit.
//
// On SQLite every entry takes its place in its workspace's chain in the
// transaction that writes it (seq, prev_hash and hash from event_heads): the
// single writer serializes the transactions anyway, so that costs nothing.
// On PostgreSQL the same inline chain made every writer of a workspace take
// the head row's lock (UPDATE event_heads … RETURNING) and hold it until
// commit, so that 50 connections writing into one workspace committed one
// after the other (about 470 partner creates a second).
//
// Since migration 0041 a PostgreSQL writer inserts its entry unsealed — seq,
// prev_hash and hash NULL — and touches nothing shared. A sealer
// (DB.SealAudit) then, in one transaction under a transaction-level
// advisory lock (one sealer at a time across every instance on the
// database), reads the unsealed entries its snapshot sees in id order, in
// batches of sealBatch, and for each one continues its workspace's chain
// from event_heads: seq = head + 1, prev_hash = the head's hash, hash =
// audit.ComputeHash of exactly the content hashed before (workspace, seq,
// time, actor, action, entity, data), then moves the head. The chain's order
// is therefore the sealing order: an entry whose transaction commits after
// a round has sealed higher ids is sealed in a later round, with a higher
// seq than they have. Two sealers cannot fork a chain: the second waits for
// the first's lock and, the transaction being READ COMMITTED, then reads
// the heads and the unsealed rows the first one left; and each row's UPDATE
// requires seq to be still NULL, the whole batch failing (rolled back) if
// one was not.
//
// Who seals: `tandem serve` (and `tandem bench http`) every SealInterval;
// AuditStore.Verify (`tandem audit verify`) and the package export before
// they read the chain in seq order. Readers that show entries — the audit
// trail page, the activity feed, the audit export — show the unsealed ones
// too, newest first (seq NULL sorts first in a descending order).
//
// The bound: with serve running, an entry stays unsealed for at most
// SealInterval plus one round after its commit (a round is, per 2,000
// entries, one read of the unsealed rows through the partial index
// events_unsealed, one UPDATE of them and one upsert of the heads), or as
// long as no instance runs: an instance seals once more when it stops,
// and verify and the package export seal before they read.
// AuditStore.Unsealed reports the window (count and the oldest entry's
// age), which `audit verify` prints and the audit trail page shows when it
// is not empty.
//
// Tamper evidence: a sealed entry is protected as before — the trigger
// refuses any UPDATE of it and any DELETE, and someone who drops the
// trigger and alters or removes it is caught by verify (its hash, the next
// entry's link, the head). An unsealed entry is not yet covered by any
// hash. The trigger still refuses changing its content and deleting it
// (an UPDATE may only set seq, prev_hash and hash where all three were
// NULL, to values, and change nothing else), but someone with SQL access
// who drops the trigger may, until the sealer reaches the entry, delete it
// or change its content without a trace, and anyone who may INSERT into
// events may add a forged unsealed entry, which is then sealed like a real
// one. With the inline chain the same person could already remove or
// rewrite the last entries (hashes are computed, not signed) and forge new
// ones at the end; what sealing after commit adds is that, during the
// window, this is possible for an entry that is no longer the last one
// written. The window is SealInterval (150 ms) plus a round while serve
// runs, and it is shown; whatever was sealed is as protected as before.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/tandemhq/tandem/internal/audit"
)

// sealBatch is the most entries one sealing transaction takes.
const sealBatch = 2000

// SealInterval is how often `tandem serve` seals the audit chain on
// PostgreSQL.
const SealInterval = 150 * time.Millisecond

// sealLock is the key of the sealer's advisory lock (any constant shared
// by every Tandem instance, other than lockMigrations').
const sealLock = 7243562

// appendEntry writes an audit entry and returns its id: on SQLite chained
// inline (from event_heads), on PostgreSQL unsealed, to be sealed by
// SealAudit. In a batch of the writer the entry is kept for the batch's
// end (later.go; chained on SQLite) and its id is 0: only bulk jobs, which
// write theirs at once, ask for it.
func (tx *Tx) appendEntry(ctx context.Context, workspaceID, actorID int64, actor, action, entity string, entityID int64, data any) (int64, error) {
	js := "{}"
	if data != nil {
		b, err := audit.Data(data)
		if err != nil {
			return 0, fmt.Errorf("store: audit data: %w", err)
		}
		js = string(b)
	}
	if tx.db.dialect.name() == "postgres" {
		if l := tx.later; l != nil {
			return 0, l.keepUnsealed(ctx, audit.Entry{WorkspaceID: workspaceID, At: tx.now, ActorID: actorID, Actor: actor,
				Action: action, Entity: entity, EntityID: entityID, Data: js})
		}
		id, err := tx.insert(ctx, `INSERT INTO events (workspace_id, at, actor_id, actor, action, entity, entity_id, data)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, workspaceID, tx.now, actorID, actor, action, entity, entityID, js)
		if err != nil {
			return 0, fmt.Errorf("store: audit insert: %w", err)
		}
		return id, nil
	}
	if l := tx.later; l != nil {
		return 0, l.keepEntry(ctx, tx, audit.Entry{WorkspaceID: workspaceID, At: tx.now, ActorID: actorID, Actor: actor,
			Action: action, Entity: entity, EntityID: entityID, Data: js})
	}
	// The head as this process last wrote it: the entry is chained onto
	// it and the head moved in one UPDATE that holds only if the head is
	// still that one (seq and hash) — two statements instead of three. A
	// head moved by anyone else, or rolled back with its transaction,
	// fails the condition, and the entry is chained as below.
	if h, ok := tx.db.heads.get(workspaceID); ok {
		e := audit.Entry{WorkspaceID: workspaceID, Seq: h.seq + 1, At: tx.now, ActorID: actorID, Actor: actor,
			Action: action, Entity: entity, EntityID: entityID, Data: js, PrevHash: h.hash}
		e.Hash = audit.ComputeHash(e)
		res, err := tx.exec(ctx, `UPDATE event_heads SET seq = ?, hash = ? WHERE workspace_id = ? AND seq = ? AND hash = ?`,
			e.Seq, e.Hash, workspaceID, h.seq, h.hash)
		if err != nil {
			return 0, fmt.Errorf("store: audit head: %w", err)
		}
		if n, err := res.RowsAffected(); err == nil && n == 1 {
			id, err := insertEntry(ctx, tx, e)
			if err != nil {
				return 0, err
			}
			tx.db.heads.put(workspaceID, chainHead{seq: e.Seq, hash: e.Hash})
			return id, nil
		}
	}
	// The UPDATE takes the chain head's row lock until commit (SQLite's
	// single writer serializes the transactions anyway).
	var seq int64
	var prev string
	err := tx.queryRow(ctx, `UPDATE event_heads SET seq = seq + 1 WHERE workspace_id = ? RETURNING seq, hash`, workspaceID).Scan(&seq, &prev)
	if errors.Is(err, sql.ErrNoRows) {
		if _, err = tx.exec(ctx, beginChainSQL, workspaceID, audit.Genesis); err != nil {
			return 0, err
		}
		err = tx.queryRow(ctx, `UPDATE event_heads SET seq = seq + 1 WHERE workspace_id = ? RETURNING seq, hash`, workspaceID).Scan(&seq, &prev)
	}
	if err != nil {
		return 0, fmt.Errorf("store: audit head: %w", err)
	}
	e := audit.Entry{WorkspaceID: workspaceID, Seq: seq, At: tx.now, ActorID: actorID, Actor: actor,
		Action: action, Entity: entity, EntityID: entityID, Data: js, PrevHash: prev}
	e.Hash = audit.ComputeHash(e)
	id, err := insertEntry(ctx, tx, e)
	if err != nil {
		return 0, err
	}
	if _, err := tx.exec(ctx, `UPDATE event_heads SET hash = ? WHERE workspace_id = ?`, e.Hash, workspaceID); err != nil {
		return 0, fmt.Errorf("store: audit head: %w", err)
	}
	tx.db.heads.put(workspaceID, chainHead{seq: e.Seq, hash: e.Hash})
	return id, nil
}

// beginChainSQL makes a workspace's chain head at the genesis, unless
// it has one (parameters: workspace, audit.Genesis).
const beginChainSQL = `INSERT INTO event_heads (workspace_id, seq, hash) VALUES (?, 0, ?) ON CONFLICT (workspace_id) DO NOTHING`

// insertEntriesHead is the INSERT of chained entries (SQLite) up to its
// VALUES, entryWidth values an entry (entryArgs).
const (
	insertEntriesHead = `INSERT INTO events (workspace_id, seq, at, actor_id, actor, action, entity, entity_id, data, prev_hash, hash) VALUES `
	entryWidth        = 11
)

func entryArgs(e audit.Entry) []any {
	return []any{e.WorkspaceID, e.Seq, e.At, e.ActorID, e.Actor, e.Action, e.Entity, e.EntityID, e.Data, e.PrevHash, e.Hash}
}

// insertEntry writes a chained entry (SQLite) and returns its id.
func insertEntry(ctx context.Context, tx *Tx, e audit.Entry) (int64, error) {
	id, err := tx.insert(ctx, insertEntriesHead+`(`+placeholders(entryWidth)+`)`, entryArgs(e)...)
	if err != nil {
		return 0, fmt.Errorf("store: audit insert: %w", err)
	}
	return id, nil
}

// chainHead is a workspace's audit chain head: its last entry's seq and
// hash.
type chainHead struct {
	seq  int64
	hash string
}

// chainHeads are the heads this process last wrote (SQLite), a guess
// appendEntry checks in the statement that moves the head: a wrong one
// (a rolled-back transaction, another process's write) costs the old
// three statements, never a broken chain.
type chainHeads struct {
	mu sync.Mutex
	m  map[int64]chainHead
}

func (c *chainHeads) get(ws int64) (chainHead, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	h, ok := c.m[ws]
	return h, ok
}

func (c *chainHeads) put(ws int64, h chainHead) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[int64]chainHead{}
	}
	c.m[ws] = h
}

// SealAudit seals every audit entry that is unsealed and committed when it
// runs (see the comment at the top of this file), in transactions of at
// most sealBatch entries, and returns how many it sealed. On SQLite there
// is nothing to seal.
func (db *DB) SealAudit(ctx context.Context) (sealed int, err error) {
	defer wrap(&err, "DB.SealAudit")
	if db.dialect.name() != "postgres" {
		return 0, nil
	}
	for {
		n, err := db.sealOnce(ctx)
		sealed += n
		if err != nil || n < sealBatch {
			return sealed, err
		}
	}
}

// sealOnce seals at most sealBatch entries in one transaction, beside the
// writer's batches (transactBulk): it touches no row they write, and in a
// batch it would hold up every write of the process while it runs.
func (db *DB) sealOnce(ctx context.Context) (sealed int, err error) {
	err = db.transactBulk(ctx, func(tx *Tx) error {
		sealed = 0
		if _, err := tx.exec(ctx, `SELECT pg_advisory_xact_lock(?)`, int64(sealLock)); err != nil {
			return err
		}
		// After the lock: READ COMMITTED, so this reads what an earlier
		// sealer committed.
		es, err := scanAll(ctx, tx, func(s scanner, e *audit.Entry) error {
			err := s.Scan(&e.ID, &e.WorkspaceID, &e.At, &e.ActorID, &e.Actor, &e.Action, &e.Entity, &e.EntityID, &e.Data)
			e.At = e.At.UTC()
			return err
		}, `SELECT id, workspace_id, at, actor_id, actor, action, entity, entity_id, data FROM events
			WHERE seq IS NULL ORDER BY id`+limitClause(sealBatch))
		if err != nil || len(es) == 0 {
			return err
		}
		type head struct {
			seq  int64
			hash string
		}
		heads := map[int64]*head{}
		var wss []int64
		for _, e := range es {
			if heads[e.WorkspaceID] == nil {
				heads[e.WorkspaceID] = &head{hash: audit.Genesis}
				wss = append(wss, e.WorkspaceID)
			}
		}
		rows, err := tx.query(ctx, `SELECT workspace_id, seq, hash FROM event_heads WHERE workspace_id = ANY(?::bigint[]) FOR UPDATE`, wss)
		if err != nil {
			return err
		}
		for rows.Next() {
			var ws int64
			var h head
			if err := rows.Scan(&ws, &h.seq, &h.hash); err != nil {
				rows.Close()
				return err
			}
			heads[ws] = &h
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		ids, seqs := make([]int64, len(es)), make([]int64, len(es))
		prevs, hashes := make([]string, len(es)), make([]string, len(es))
		for i, e := range es {
			h := heads[e.WorkspaceID]
			e.Seq, e.PrevHash = h.seq+1, h.hash
			e.Hash = audit.ComputeHash(e)
			h.seq, h.hash = e.Seq, e.Hash
			ids[i], seqs[i], prevs[i], hashes[i] = e.ID, e.Seq, e.PrevHash, e.Hash
		}
		res, err := tx.exec(ctx, `UPDATE events SET seq = v.seq, prev_hash = v.prev, hash = v.hash
			FROM (SELECT unnest(?::bigint[]) AS id, unnest(?::bigint[]) AS seq, unnest(?::text[]) AS prev, unnest(?::text[]) AS hash) v
			WHERE events.id = v.id AND events.seq IS NULL`, ids, seqs, prevs, hashes)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n != int64(len(es)) {
			return fmt.Errorf("sealed %d of %d entries (another sealer?): %v", n, len(es), err)
		}
		hws, hseq, hhash := make([]int64, len(wss)), make([]int64, len(wss)), make([]string, len(wss))
		for i, ws := range wss {
			hws[i], hseq[i], hhash[i] = ws, heads[ws].seq, heads[ws].hash
		}
		if _, err := tx.exec(ctx, `INSERT INTO event_heads (workspace_id, seq, hash)
			SELECT unnest(?::bigint[]), unnest(?::bigint[]), unnest(?::text[])
			ON CONFLICT (workspace_id) DO UPDATE SET seq = EXCLUDED.seq, hash = EXCLUDED.hash`, hws, hseq, hhash); err != nil {
			return err
		}
		sealed = len(es)
		return nil
	})
	return sealed, err
}

// UnsealedWindow is the audit entries not yet sealed: how many, and when
// the oldest was written (zero when there is none).
type UnsealedWindow struct {
	Count  int
	Oldest time.Time
}

// Age is how long the oldest unsealed entry has waited at now (0 when
// there is none).
func (w UnsealedWindow) Age(now time.Time) time.Duration {
	if w.Count == 0 || w.Oldest.IsZero() || now.Before(w.Oldest) {
		return 0
	}
	return now.Sub(w.Oldest)
}

// AgeTenths is Age in tenths of a second, rounded up (so that an entry
// waiting at all shows as at least 0.1 s), for i18n.Localizer.Decimal(…, 1).
func (w UnsealedWindow) AgeTenths(now time.Time) int64 {
	a := w.Age(now)
	return int64((a + 100*time.Millisecond - 1) / (100 * time.Millisecond))
}

// unsealed reads the unsealed window of one workspace's chain, or of every
// chain when workspaceID is negative. SQLite never has one.
func unsealed(ctx context.Context, q querier, db *DB, workspaceID int64) (UnsealedWindow, error) {
	var w UnsealedWindow
	if db.dialect.name() != "postgres" {
		return w, nil
	}
	var oldest sql.NullTime
	err := q.queryRow(ctx, `SELECT COUNT(*), MIN(at) FROM events WHERE seq IS NULL AND (? < 0 OR workspace_id = ?)`,
		workspaceID, workspaceID).Scan(&w.Count, &oldest)
	if oldest.Valid {
		w.Oldest = oldest.Time.UTC()
	}
	return w, err
}

// readTx is a read-only transaction seen as a querier.
type readTx struct {
	tx *sql.Tx
	db *DB
}

func (r readTx) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	r.db.counted(ctx, q)
	return r.tx.QueryContext(ctx, r.db.dialect.rebind(q), args...)
}

func (r readTx) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	r.db.counted(ctx, q)
	return r.tx.QueryRowContext(ctx, r.db.dialect.rebind(q), args...)
}

// snapshot runs fn's reads in one snapshot: a read-only REPEATABLE READ
// transaction on PostgreSQL; on SQLite the read pool, as before.
func (db *DB) snapshot(ctx context.Context, fn func(q querier) error) error {
	if db.dialect.name() != "postgres" {
		return fn(db)
	}
	tx, err := db.r.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return err
	}
	defer tx.Rollback()
	return fn(readTx{tx, db})
}
