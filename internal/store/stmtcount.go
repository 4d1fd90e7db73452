package store

import (
	"context"
	"slices"
	"strings"
	"sync"
)

// Counting SQL statements. A test opens the store with
// Options.CountStatements and runs a request under a context from
// WithStatementCounter; every statement the store sends for that context
// (a query, a row, an exec, and BEGIN and COMMIT of a write transaction)
// adds one. Without the option nothing is looked up or counted: production
// pays a predictable branch per statement.

type counterKey struct{}

// StatementCounter counts the SQL statements run under one context.
type StatementCounter struct {
	mu    sync.Mutex
	texts []string
}

// N is the number of statements counted so far.
func (c *StatementCounter) N() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.texts)
}

// Texts are the statements counted so far, in order, each shortened to
// its first line.
func (c *StatementCounter) Texts() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.texts)
}

// WithStatementCounter returns ctx carrying a new counter: statements the
// store runs under the returned context (or one derived from it) are
// counted when the store was opened with Options.CountStatements.
func WithStatementCounter(ctx context.Context) (context.Context, *StatementCounter) {
	c := &StatementCounter{}
	return context.WithValue(ctx, counterKey{}, c), c
}

// counted adds one statement to ctx's counter, when counting is on, and
// records the tables it reads for the computation ctx is under (memo.go).
func (db *DB) counted(ctx context.Context, q string) {
	db.noteRead(ctx, q)
	if !db.countStmts {
		return
	}
	if c, ok := ctx.Value(counterKey{}).(*StatementCounter); ok {
		q, _, _ = strings.Cut(strings.TrimSpace(q), "\n")
		c.mu.Lock()
		c.texts = append(c.texts, q)
		c.mu.Unlock()
	}
}
