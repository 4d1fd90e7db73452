package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// dialect is the seam for the few places where SQLite and PostgreSQL differ.
// All SQL in this package is written with ? placeholders and portable syntax.
type dialect interface {
	name() string
	rebind(query string) string
	lockMigrations(ctx context.Context, c *sql.Conn) (unlock func(), err error)
	isUniqueViolation(err error) bool
	isRetryable(err error) bool
	// reserveIDs returns n new ids of table (whose key is id) for rows a
	// bulk INSERT writes with explicit ids, within the write transaction.
	reserveIDs(ctx context.Context, tx *Tx, table string, n int) ([]int64, error)
}

type sqliteDialect struct{}

func (sqliteDialect) name() string           { return "sqlite" }
func (sqliteDialect) rebind(q string) string { return q }
func (sqliteDialect) lockMigrations(context.Context, *sql.Conn) (func(), error) {
	return func() {}, nil // the single writer connection already serializes
}
func (sqliteDialect) isUniqueViolation(err error) bool {
	var e *sqlite.Error
	return errors.As(err, &e) && (e.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || e.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY)
}
func (sqliteDialect) isRetryable(err error) bool {
	var e *sqlite.Error
	return errors.As(err, &e) && (e.Code()&0xff == sqlite3.SQLITE_BUSY || e.Code()&0xff == sqlite3.SQLITE_LOCKED)
}

// reserveIDs takes the ids after the table's largest: the single writer
// connection holds the write lock, so nobody else inserts meanwhile.
func (sqliteDialect) reserveIDs(ctx context.Context, tx *Tx, table string, n int) ([]int64, error) {
	var last int64
	if err := tx.queryRow(ctx, `SELECT COALESCE(MAX(id), 0) FROM `+table).Scan(&last); err != nil {
		return nil, err
	}
	ids := make([]int64, n)
	for i := range ids {
		ids[i] = last + 1 + int64(i)
	}
	return ids, nil
}

type postgresDialect struct{}

// reserveIDs draws the ids from the identity column's sequence, so that
// concurrent inserts never take them.
func (postgresDialect) reserveIDs(ctx context.Context, tx *Tx, table string, n int) ([]int64, error) {
	ids := make([]int64, 0, n)
	if n == 0 {
		return ids, nil
	}
	rows, err := tx.query(ctx, `SELECT nextval(pg_get_serial_sequence('`+table+`', 'id')) FROM generate_series(1, ?)`, n)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

func (postgresDialect) name() string { return "postgres" }

// rebind turns ? placeholders into $1, $2 … Our SQL never has a ? inside a
// string literal.
func (postgresDialect) rebind(q string) string {
	if !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 8)
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}

func (postgresDialect) lockMigrations(ctx context.Context, c *sql.Conn) (func(), error) {
	const key = 7243561 // any constant shared by every Tandem instance
	if _, err := c.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, key); err != nil {
		return nil, err
	}
	return func() { c.ExecContext(context.Background(), `SELECT pg_advisory_unlock($1)`, key) }, nil
}

func (postgresDialect) isUniqueViolation(err error) bool {
	var e *pgconn.PgError
	return errors.As(err, &e) && e.Code == "23505"
}

func (postgresDialect) isRetryable(err error) bool {
	var e *pgconn.PgError
	return errors.As(err, &e) && (e.Code == "40001" || e.Code == "40P01")
}

// lockTimedOut reports whether err is PostgreSQL's lock_timeout (55P03),
// which the writer's batches set (batchLockWait).
func lockTimedOut(err error) bool {
	var e *pgconn.PgError
	return errors.As(err, &e) && e.Code == "55P03"
}

// prefixRange is the condition that text column col starts with a bound
// prefix, as a range an index on col reads in order: col >= ? AND col < ?,
// bound to prefix and prefixEnd(prefix). PostgreSQL compares in byte
// order (COLLATE "C", as its index is built), not the database's collation.
func prefixRange(d dialect, col string) string {
	if d.name() == "postgres" {
		col += ` COLLATE "C"`
	}
	return col + " >= ? AND " + col + " < ?"
}

// prefixEnd is a text after every text starting with prefix in byte order
// (but one going on with U+10FFFF, which no name has): prefix and the last
// code point.
func prefixEnd(prefix string) string { return prefix + "\U0010FFFF" }
