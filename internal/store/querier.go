package store

import (
	"context"
	"database/sql"
)

// querier is what a read needs: the read pool (*DB) or a write transaction
// (*Tx). Helpers that read take one, so that a public method that writes
// reads in its own transaction.
type querier interface {
	query(ctx context.Context, q string, args ...any) (*sql.Rows, error)
	queryRow(ctx context.Context, q string, args ...any) *sql.Row
}

// scanner is a row: *sql.Row or *sql.Rows.
type scanner = interface{ Scan(...any) error }

// scanAll runs a query through q and scans each row into a T with scan. It
// returns an empty, non-nil slice when there are no rows.
func scanAll[T any](ctx context.Context, q querier, scan func(scanner, *T) error, query string, args ...any) ([]T, error) {
	rows, err := q.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		var x T
		if err := scan(rows, &x); err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, rows.Err()
}

func scanString(s scanner, x *string) error { return s.Scan(x) }

func scanInt64(s scanner, x *int64) error { return s.Scan(x) }

func scanOption(s scanner, o *Option) error { return s.Scan(&o.ID, &o.Label) }
