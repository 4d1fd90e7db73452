package store

import (
	"context"

	"github.com/tandemhq/tandem/internal/kpi"
	"github.com/tandemhq/tandem/internal/tandem"
)

// FeedQuery is the query of AuditStore.Feed, for the query plan test.
const FeedQuery = feedQuery

// QueryPlan returns SQLite's plan of q, one line per step (the detail
// column of EXPLAIN QUERY PLAN).
func QueryPlan(db *DB, q string, args ...any) ([]string, error) {
	rows, err := db.r.QueryContext(context.Background(), "EXPLAIN QUERY PLAN "+q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id, parent, notused int
		var detail string
		if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
			return nil, err
		}
		out = append(out, detail)
	}
	return out, rows.Err()
}

// Indexes lists the names of table's indexes.
func Indexes(db *DB, table string) ([]string, error) {
	q := `SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ? ORDER BY name`
	if db.Dialect() == "postgres" {
		q = `SELECT indexname FROM pg_indexes WHERE tablename = ? ORDER BY indexname`
	}
	rows, err := db.r.QueryContext(context.Background(), db.dialect.rebind(q), table)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// RefoldSearch folds the search text of rows that have none, as Open does.
func RefoldSearch(db *DB) error { return db.refoldSearch(context.Background()) }

// SyncDraft brings the stored draft of an engagement's period up to date,
// as the scheduled job does (draftIn), for tests that need it stored.
func (s *InvoiceStore) SyncDraft(ctx context.Context, p tandem.Principal, engagementID int64, period kpi.Period) (*Invoice, error) {
	var out *Invoice
	err := s.db.transact(ctx, func(tx *Tx) error {
		var err error
		out, err = draftIn(ctx, tx, p, engagementID, period)
		return err
	})
	return out, err
}
