package store

import (
	"context"
	"iter"
	"strings"
)

// InsertRaw inserts rows into table (columns cols) one INSERT a row, with
// one prepared statement in one transaction: the plainest bulk write, for
// benchmarks that measure a path against it in the same run. Only for
// tests and operator tools.
func InsertRaw(db *DB, table string, cols []string, rows iter.Seq[[]any]) error {
	return db.transactBulk(context.Background(), func(tx *Tx) error {
		q := "INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES (" + placeholders(len(cols)) + ")"
		st, err := tx.tx.PrepareContext(context.Background(), db.dialect.rebind(q))
		if err != nil {
			return err
		}
		defer st.Close()
		for r := range rows {
			if _, err := st.Exec(r...); err != nil {
				return err
			}
		}
		return nil
	})
}
