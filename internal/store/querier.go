package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"

	"github.com/tandemhq/tandem/internal/tandem"
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

// scanPlus is a scanner for a row whose columns are another scan's and
// then extra: a shared column list with a few more.
type scanPlus struct {
	r     scanner
	extra []any
}

func (s scanPlus) Scan(dest ...any) error { return s.r.Scan(append(dest, s.extra...)...) }

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

// listPage returns one page of the rows of from (the FROM … WHERE … text,
// with args), the columns cols in order (an ORDER BY clause), and their
// count — in one statement, and counting no further than
// tandem.CountCap rows past the page's start: a pager shows a few pages
// ahead, and counting a list of 100,000 rows for it cost more than the
// page. A total above pg.Offset+tandem.CountCap means "more than that"
// (tandem.Page.Capped).
func listPage[T any](ctx context.Context, q querier, scan func(scanner, *T) error, cols, from, order string, pg tandem.Page, args ...any) ([]T, int, error) {
	limit := pg.Offset + tandem.CountCap + 1
	var total int
	out, err := scanAll(ctx, q, func(s scanner, x *T) error { return scan(totalScanner{s, &total}, x) },
		listPageQuery(cols, from, order, pg), append(slices.Clip(args), args...)...)
	if err != nil {
		return nil, 0, err
	}
	if len(out) == 0 && pg.Offset > 0 {
		// Past the end: no row brought the count.
		err = q.queryRow(ctx, fmt.Sprintf(`SELECT COUNT(*) FROM (SELECT 1%s LIMIT %d) counted`, from, limit), args...).Scan(&total)
	}
	return out, total, err
}

// listPageQuery is listPage's statement: the page's rows, each with the
// count (the arguments of from twice: the count's, then the page's).
func listPageQuery(cols, from, order string, pg tandem.Page) string {
	return `SELECT ` + cols + fmt.Sprintf(`, (SELECT COUNT(*) FROM (SELECT 1%s LIMIT %d) counted)`, from, pg.Offset+tandem.CountCap+1) +
		from + order + fmt.Sprintf(" LIMIT %d OFFSET %d", pg.Limit, pg.Offset)
}

// totalScanner scans a row of listPage: the columns, then the count.
type totalScanner struct {
	s     scanner
	total *int
}

func (t totalScanner) Scan(dest ...any) error { return t.s.Scan(append(dest, t.total)...) }

// anyArgs returns xs as query arguments.
func anyArgs[T any](xs ...T) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}

// execOne runs a statement in tx that must change exactly one row, and
// returns none when it changed no row (or more than one): a guarded UPDATE
// whose condition no longer holds, a record already gone.
func (tx *Tx) execOne(ctx context.Context, none error, q string, args ...any) error {
	n, err := tx.changed(ctx, q, args...)
	if err == nil && n != 1 {
		return none
	}
	return err
}

// changed runs a statement in tx and returns how many rows it changed.
func (tx *Tx) changed(ctx context.Context, q string, args ...any) (int64, error) {
	res, err := tx.exec(ctx, q, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// scanOne runs a query for one row through q and scans it into a new T
// with scan; tandem.ErrNotFound when there is no such row.
func scanOne[T any](ctx context.Context, q querier, scan func(scanner, *T) error, query string, args ...any) (*T, error) {
	var x T
	if err := scan(q.queryRow(ctx, query, args...), &x); err != nil {
		return nil, notFound(err)
	}
	return &x, nil
}
