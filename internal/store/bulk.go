package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"
)

// bulkChunk is how many rows one multi-row INSERT of a bulk writes on
// PostgreSQL: far below SQLite's and PostgreSQL's limits on parameters
// (400 rows of 22 values are 8,800, under SQLite's 32,766 and
// PostgreSQL's 65,535).
//
// SQLite writes sqliteBulkChunk rows a statement. Such an INSERT copies
// each page it changes to its statement journal (kept in memory), freed
// when the statement ends; 400 calls spread over a manager's thousands of
// accounts changed about a thousand index pages, a journal of ~4 MiB a
// statement, and the C library's allocator (modernc.org/memory) hands
// what it frees beyond 4 MiB a size back to the kernel (madvise) only to
// fault it in again for the next statement: 16 % of a batch's CPU in the
// sales benchmark's base (100,000 contacts, 1 million activities). With
// 100 rows the journal stays under that: the partner's manager's batch
// took 8,400–9,800 activities per CPU-second at 400 rows and 12,200 and
// 13,600 at 100, the import 27,000 against 32,900 rows per CPU-second;
// a fresh engagement's batch (many rows to a page) did not change.
const (
	bulkChunk       = 400
	sqliteBulkChunk = 100
)

// chunk is how many rows a multi-row INSERT of a bulk writes on tx's
// database.
func (tx *Tx) chunk() int {
	if tx.db.dialect.name() == "sqlite" {
		return sqliteBulkChunk
	}
	return bulkChunk
}

// bulk collects the rows of a multi-row INSERT and writes them
// Tx.chunk at a time, a full chunk with a statement prepared once per
// transaction. A column may hold one value for every row (the workspace,
// the time of the import): a parameter bound once per chunk, which every
// row's tuple names by number, instead of one per row: binding is a good
// part of a bulk INSERT's time (each value converted, each text copied).
type bulk struct {
	tx      *Tx
	head    string
	cols    []int // of each column, the row's value j ≥ 0 or the fixed value -1-k
	fixed   []any // the fixed values, parameters 1..len(fixed)
	width   int   // the values a row gives
	rows    int
	args    []any
	scratch []any // a chunk's arguments: the fixed values, then its rows'
	full    *sql.Stmt
	chunk   int // rows a statement (Tx.chunk)
}

// vary marks a column whose value each row gives (newBulkCols).
var vary = &struct{ vary bool }{}

// newBulk is a bulk INSERT of width columns, each row giving them all.
func newBulk(tx *Tx, head string, width int) *bulk {
	cols := make([]any, width)
	for i := range cols {
		cols[i] = vary
	}
	return newBulkCols(tx, head, cols...)
}

// newBulkCols is a bulk INSERT of the columns head names: each one vary
// (each row gives its value, in the order of the columns) or the value of
// every row.
func newBulkCols(tx *Tx, head string, cols ...any) *bulk {
	b := &bulk{tx: tx, head: head, cols: make([]int, len(cols)), chunk: tx.chunk()}
	for i, c := range cols {
		if c == any(vary) {
			b.cols[i] = b.width
			b.width++
		} else {
			b.fixed = append(b.fixed, c)
			b.cols[i] = -len(b.fixed)
		}
	}
	b.args = make([]any, 0, b.chunk*b.width)
	return b
}

// add buffers one row (the values of its vary columns), writing a chunk
// when it is full.
func (b *bulk) add(ctx context.Context, args ...any) error {
	if len(args) != b.width {
		return fmt.Errorf("store: bulk row of %d values for %d columns", len(args), b.width)
	}
	b.args = append(b.args, args...)
	b.rows++
	if b.rows < b.chunk {
		return nil
	}
	return b.flush(ctx)
}

// flush writes the buffered rows. The buffer keeps its array, so that the
// next chunk's values go where this one's were instead of a new slice.
func (b *bulk) flush(ctx context.Context) error {
	if err := b.tx.settle(ctx, b.head); err != nil {
		return err
	}
	off := 0
	for b.rows > 0 {
		n := min(b.rows, b.chunk)
		// The first row's values in the order of the columns, fixed
		// values among them, then the other rows' (sql).
		args := b.scratch[:0]
		for _, c := range b.cols {
			if c < 0 {
				args = append(args, b.fixed[-1-c])
			} else {
				args = append(args, b.args[off+c])
			}
		}
		args = append(args, b.args[off+b.width:off+n*b.width]...)
		b.scratch = args
		var err error
		if n == b.chunk {
			if b.full == nil {
				if b.full, err = b.tx.tx.PrepareContext(b.tx.stmtCtx(ctx), b.sql(n)); err != nil {
					return err
				}
			}
			_, err = b.full.ExecContext(b.tx.stmtCtx(ctx), args...)
		} else {
			_, err = b.tx.execOnce(ctx, b.sql(n), args...)
		}
		if err != nil {
			return err
		}
		off += n * b.width
		b.rows -= n
	}
	clear(b.args) // drop the references to the written values
	b.args = b.args[:0]
	clear(b.scratch)
	return nil
}

// sql is the INSERT of n rows. The first row's parameters are numbered
// in order, the fixed values' among them; the other rows give theirs in
// order and name the fixed ones by their numbers in the first row. In
// SQLite the numbered ones are ?N and the others a bare ?, which takes the
// next number: only the few ?N are named parameters (a driver looks up
// each parameter's name, and SQLite's lookup is linear in the named ones,
// quadratic in a statement of only ?N); PostgreSQL has $N for all.
func (b *bulk) sql(n int) string {
	pg := b.tx.db.dialect.name() == "postgres"
	fixedAt := make([]int, len(b.fixed))
	var q []byte
	q = append(q, b.head...)
	num := 0
	for i := range n {
		if i > 0 {
			q = append(q, ", "...)
		}
		q = append(q, '(')
		for j, c := range b.cols {
			if j > 0 {
				q = append(q, ", "...)
			}
			// The parameter's number, and whether it names an earlier one.
			k, again := num+1, c < 0 && i > 0
			if again {
				k = fixedAt[-1-c]
			} else {
				num = k
				if c < 0 {
					fixedAt[-1-c] = k
				}
			}
			switch {
			case pg:
				q = append(q, '$')
				q = strconv.AppendInt(q, int64(k), 10)
			case again:
				q = append(q, '?')
				q = strconv.AppendInt(q, int64(k), 10)
			default:
				q = append(q, '?')
			}
		}
		q = append(q, ')')
	}
	return string(q)
}

// close releases the prepared statement.
func (b *bulk) close() {
	if b.full != nil {
		b.full.Close()
	}
}

// insertGathered writes rows gathered beforehand — each width values, flat in
// args, in the order of head's columns — as a bulk INSERT. A column whose
// value is the same in every row (a batch's workspace, engagement, agent,
// kind, time of writing, the NULLs of what it does not have) is fixed:
// bound once per chunk instead of once per row. On SQLite binding is a
// good part of a multi-row INSERT's time.
func insertGathered(ctx context.Context, tx *Tx, head string, width int, args []any) error {
	n := len(args) / width
	if n == 0 {
		return nil
	}
	cols := make([]any, width)
	for c := range width {
		cols[c] = vary
		if n > 1 && fixable(args[c]) && sameInRows(args, c, width) {
			cols[c] = args[c]
		}
	}
	b := newBulkCols(tx, head, cols...)
	defer b.close()
	row := make([]any, 0, b.width)
	for r := 0; r < len(args); r += width {
		row = row[:0]
		for c, v := range cols {
			if v == any(vary) {
				row = append(row, args[r+c])
			}
		}
		if err := b.add(ctx, row...); err != nil {
			return err
		}
	}
	return b.flush(ctx)
}

// fixable reports whether v is of a type whose equal values insertGathered
// may bind once for all rows (comparable with ==).
func fixable(v any) bool {
	switch v.(type) {
	case nil, int64, int, string, bool, time.Time:
		return true
	}
	return false
}

// sameInRows reports whether column c holds args[c] in every row.
func sameInRows(args []any, c, width int) bool {
	first := args[c]
	for i := c + width; i < len(args); i += width {
		if args[i] != first {
			return false
		}
	}
	return true
}
