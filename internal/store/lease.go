package store

import (
	"context"
	"time"
)

// outboxLease is how a sender claims a row of an outbox (mail_outbox,
// webhook_messages) for itself: one guarded UPDATE per row sets holder
// and lease_until where the row is due and not held, or its lease ran out.
// Of several instances claiming the same row at once exactly one changes
// it, on both databases; a sender whose lease ran out loses the row to the
// next and, naming itself as holder when it records the outcome, changes
// nothing.
type outboxLease struct {
	table string // the outbox's table
	// due is the guard besides the lease ("status = ? AND next_at <= ?"),
	// its arguments dueArgs(now).
	due     string
	dueArgs func(now time.Time) []any
	set     string // more assignments of a claim, each after a comma (", tries = tries + 1")
}

// claim claims row id for holder until now+lease; false: another holds it
// or it is no longer due.
func (l outboxLease) claim(ctx context.Context, tx *Tx, holder string, lease time.Duration, id int64) (bool, error) {
	args := append([]any{holder, tx.now.Add(lease), id}, l.dueArgs(tx.now)...)
	n, err := tx.changed(ctx, `UPDATE `+l.table+` SET holder = ?, lease_until = ?`+l.set+` WHERE id = ? AND `+l.due+
		` AND (lease_until IS NULL OR lease_until < ?)`, append(args, tx.now)...)
	return n == 1, err
}
