package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
)

// Rows a job of the writer's batch inserts without waiting (PostgreSQL).
//
// On PostgreSQL the writer runs a batch's jobs one after the other on one
// connection, and each statement of a job is a round trip: sent, run by a
// server process that must be given one of the two cores, answered, read
// by the writer woken up again. A created partner was one such round
// trip, its INSERT … RETURNING id, and under load the round trip, not the
// INSERT (about 0.1 ms of the server's time), was the writer's time: about
// 270 µs a partner, 3,300–3,700 a second whatever the CPU left idle.
//
// A row inserted through insertKept is instead given its id from the
// table's sequence at once and kept in the batch's later (later.go); the
// rows kept for one table are inserted in one multi-row statement when
// the batch's other kept writes are, just before the COMMIT. The ids come
// from a pool the writer refills with one statement (nextval of the
// table's sequence, as many as there are jobs left in the batch), so a
// batch of 50 partner creations costs two statements where it cost 50.
//
// What a later statement of the batch sees is unchanged: before any other
// statement of the batch runs — whatever table it names, since a row of
// another table may refer to a kept one (a foreign key) and a trigger may
// read it — the rows kept so far are inserted (Tx.settle). A batch whose
// jobs only keep rows and entries thus writes them all at its end; a job
// that runs its own statements first writes what the jobs before it kept.
// Failures keep their meaning as for the other kept writes (later.go): a
// row refused fails its own job only, after the batch is run again
// carefully.
//
// Ids: taken from the sequence the table's INSERT would have taken them
// from, before the row is written, so they are unique across instances as
// before. Ids taken and not used (a batch rolled back, fewer rows than
// jobs) are gaps, as a rolled back INSERT leaves. Within an instance they
// still grow in the order the rows are kept; across instances, as
// before, they follow the order in which the sequence was asked, not the
// order of the COMMITs.
//
// SQLite, and a job run alone (a bulk job, a job run again beside the
// writer), insert at once as before: an in-process statement costs no
// round trip.

// keptTable is a table whose rows a batch may keep: its name and columns
// but id.
type keptTable struct {
	table string
	cols  string
	width int
	one   string // the INSERT of one row without its id (SQLite, alone)
}

func newKeptTable(table string, cols ...string) *keptTable {
	return &keptTable{table: table, cols: strings.Join(cols, ", "), width: len(cols),
		one: "INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES (" + placeholders(len(cols)) + ")"}
}

// keptRows are the rows a batch kept for one table: width+1 values a row,
// the id first.
type keptRows struct {
	t    *keptTable
	args []any
}

// insertKept inserts a row of t (its values in t's column order) and
// returns its id; in a batch of the writer on PostgreSQL the row is kept
// and written with the batch's other kept writes (see the top of this
// file).
func (tx *Tx) insertKept(ctx context.Context, t *keptTable, args ...any) (int64, error) {
	if len(args) != t.width {
		return 0, fmt.Errorf("store: %d values for the %d columns of %s", len(args), t.width, t.table)
	}
	l := tx.later
	if l == nil || tx.db.dialect.name() != "postgres" {
		return tx.insert(ctx, t.one, args...)
	}
	if err := ctx.Err(); err != nil {
		return 0, err // as a statement of a job whose caller left (Tx.stmtCtx)
	}
	id, err := tx.db.ids.take(ctx, tx, t.table, l.left)
	if err != nil {
		return 0, err
	}
	var rows *keptRows
	for _, r := range l.rows {
		if r.t == t {
			rows = r
			break
		}
	}
	if rows == nil {
		rows = &keptRows{t: t}
		l.rows = append(l.rows, rows)
	}
	rows.args = append(append(rows.args, id), args...)
	return id, nil
}

// keptRowsMax is the most rows one INSERT of kept rows holds (a batch
// holds at most maxBatch jobs; PostgreSQL binds at most 65,535 values).
const keptRowsMax = maxBatch

// writeRows inserts the rows kept, a statement a table (per keptRowsMax
// rows), in the order their tables were first kept.
func (l *later) writeRows(ctx context.Context, tx *Tx) error {
	for _, r := range l.rows {
		w := r.t.width + 1
		for args := r.args; len(args) > 0; {
			n := min(len(args)/w, keptRowsMax)
			row := "(" + placeholders(w) + ")"
			q := "INSERT INTO " + r.t.table + " (id, " + r.t.cols + ") VALUES " + strings.TrimSuffix(strings.Repeat(row+", ", n), ", ")
			if _, err := tx.exec(ctx, q, args[:n*w]...); err != nil {
				return fmt.Errorf("store: %s insert: %w", r.t.table, err)
			}
			args = args[n*w:]
		}
	}
	clear(l.rows)
	l.rows = l.rows[:0]
	return nil
}

// idPool holds ids taken from the tables' sequences and not used yet
// (PostgreSQL): only the writer's goroutine takes them, the mutex keeps
// the pool safe whoever does.
type idPool struct {
	mu   sync.Mutex
	free map[string][]int64
}

// take returns an id of table's sequence, first taking want of them
// (at least one, at most maxBatch) when the pool has none.
func (p *idPool) take(ctx context.Context, tx *Tx, table string, want int) (int64, error) {
	p.mu.Lock()
	if ids := p.free[table]; len(ids) > 0 {
		p.free[table] = ids[1:]
		p.mu.Unlock()
		return ids[0], nil
	}
	p.mu.Unlock()
	want = min(max(want, 1), maxBatch)
	// The statement reads no table: the rows kept so far need not be
	// written before it (Tx.settle).
	if l := tx.later; l != nil && !l.writing {
		l.writing = true
		defer func() { l.writing = false }()
	}
	rows, err := tx.query(ctx, `SELECT nextval(pg_get_serial_sequence(?, 'id')) FROM generate_series(1, ?)`, table, want)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	ids := make([]int64, 0, want)
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return 0, err
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return 0, err
	}
	if len(ids) == 0 {
		return 0, fmt.Errorf("store: no id from the sequence of %s", table)
	}
	slices.Sort(ids)
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.free == nil {
		p.free = map[string][]int64{}
	}
	p.free[table] = append(p.free[table], ids[1:]...)
	return ids[0], nil
}
