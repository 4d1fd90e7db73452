package store

import (
	"context"
	"sync/atomic"
)

// Counting SQL statements. A test opens the store with
// Options.CountStatements and runs a request under a context from
// WithStatementCounter; every statement the store sends for that context
// (a query, a row, an exec, and BEGIN and COMMIT of a write transaction)
// adds one. Without the option nothing is looked up or counted: production
// pays a predictable branch per statement.

type counterKey struct{}

// StatementCounter counts the SQL statements run under one context.
type StatementCounter struct{ n atomic.Int64 }

// N is the number of statements counted so far.
func (c *StatementCounter) N() int { return int(c.n.Load()) }

// Reset sets the count back to zero.
func (c *StatementCounter) Reset() { c.n.Store(0) }

// WithStatementCounter returns ctx carrying a new counter: statements the
// store runs under the returned context (or one derived from it) are
// counted when the store was opened with Options.CountStatements.
func WithStatementCounter(ctx context.Context) (context.Context, *StatementCounter) {
	c := &StatementCounter{}
	return context.WithValue(ctx, counterKey{}, c), c
}

// counted adds one statement to ctx's counter, when counting is on.
func (db *DB) counted(ctx context.Context) {
	if !db.countStmts {
		return
	}
	if c, ok := ctx.Value(counterKey{}).(*StatementCounter); ok {
		c.n.Add(1)
	}
}
