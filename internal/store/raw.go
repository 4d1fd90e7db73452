package store

import "context"

// ExecRaw runs one statement on the writer outside any audit: only for tests
// and operator tools that must touch the database directly.
func ExecRaw(db *DB, q string, args ...any) error {
	_, err := db.w.ExecContext(context.Background(), db.dialect.rebind(q), args...)
	return err
}
