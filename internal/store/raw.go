package store

import (
	"context"
	"database/sql"
)

// ExecRaw runs one statement on the writer outside any audit: only for tests
// and operator tools that must touch the database directly.
func ExecRaw(db *DB, q string, args ...any) error {
	_, err := db.w.ExecContext(context.Background(), db.dialect.rebind(q), args...)
	if err == nil && db.pg != nil { // every instance takes everything as changed
		_, err = db.w.ExecContext(context.Background(), noteEverything)
	}
	db.wroteAll()
	return err
}

// QueryRowRaw runs one query on the read pool: only for tests and operator
// tools that look at the database directly.
func QueryRowRaw(db *DB, q string, args ...any) *sql.Row {
	return db.r.QueryRowContext(context.Background(), db.dialect.rebind(q), args...)
}

// QueryRaw runs a query on the read pool: only for tests and operator
// tools that look at the database directly.
func QueryRaw(db *DB, q string, args ...any) (*sql.Rows, error) {
	return db.r.QueryContext(context.Background(), db.dialect.rebind(q), args...)
}
