package store

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/tandemhq/tandem/internal/sales"
	"github.com/tandemhq/tandem/internal/tandem"
)

// The accounts a batch's calls are logged on, read once at its start.
//
// A logged call reads its account in the writer (accountToLog: may the
// caller see it, its name and engagement, the workspace's currency and
// zone), and on PostgreSQL that read was the call's only round trip left
// in the writer: 3,100–3,200 calls a second with a third of the two cores
// idle, the writer waiting for PostgreSQL. A job that will read an account
// so says so in its context (readingAccount); the writer reads every
// account its batch's jobs named in one statement per caller's scope,
// just after the batch takes its lock, and a job's accountToLog takes its
// account from there instead of asking.
//
// What a job finds is what its own read would have found: the accounts
// are read in the batch's transaction, through the same scope
// (salesAccountScope), and they are forgotten as soon as any statement
// of the batch that is not a SELECT runs (Tx.settle: a job before it may
// have changed an account, its engagement or the caller's membership; a
// SELECT changes no table, the schema's functions being triggers). A job
// whose account was not read, or read before such a statement, reads it
// itself, as before. Read at the batch's start rather than at the job's
// turn, an account may miss what a transaction beside the writer (an
// import, a job run alone) committed in between, even when an earlier
// job's SELECT saw it — as the job's own read missed what committed
// between it and the batch's COMMIT: a race between requests running at
// once, decided either way, never a read through another scope.
// A batch run again carefully reads each account in its job.
//
// SQLite reads them too, in the transaction just begun, from statements
// kept prepared (the ids padded to a power of two, padIDs): there is no
// round trip to spare, but one statement for the batch's 20–30 calls
// instead of one each.

// accountReadKey is the context key of the account a job will read.
type accountReadKey struct{}

// accountRead is an account a job will read as p.
type accountRead struct {
	p  tandem.Principal
	id int64
}

// readingAccount returns ctx telling the writer that its job will read
// account id as p (accountToLog).
func readingAccount(ctx context.Context, p tandem.Principal, id int64) context.Context {
	return context.WithValue(ctx, accountReadKey{}, accountRead{p, id})
}

// scopeKey is what of a principal decides which accounts it sees
// (salesAccountScope).
type scopeKey struct {
	workspace, partner, membership int64
	role                           tandem.Role
}

func scopeOf(p tandem.Principal) scopeKey {
	return scopeKey{workspace: p.WorkspaceID, partner: p.PartnerID, membership: p.MembershipID, role: p.Role}
}

// readAccount is an account read for logging on it, as accountToLog
// returns it.
type readAccount struct {
	acct           sales.Account
	currency, zone string
}

// accountsRead are the accounts a batch read at its start, by the
// caller's scope and the account's id.
type accountsRead map[scopeKey]map[int64]readAccount

// batchRead is a statement a batch runs at its start, and what takes
// each row it returns.
type batchRead struct {
	q    string
	args []any
	row  func(scanner) error
}

// batchAccountReads are the statements that read the accounts the
// batch's jobs said they will read — one per caller's scope,
// batchLookupChunk ids at a time — and the accountsRead they fill. No
// statement when no job named one.
func batchAccountReads(batch []*job) ([]batchRead, accountsRead) {
	byScope := map[scopeKey][]int64{}
	principals := map[scopeKey]tandem.Principal{}
	var order []scopeKey
	for _, j := range batch {
		r, ok := j.ctx.Value(accountReadKey{}).(accountRead)
		if !ok {
			continue
		}
		k := scopeOf(r.p)
		if _, seen := byScope[k]; !seen {
			order = append(order, k)
			principals[k] = r.p
		}
		byScope[k] = append(byScope[k], r.id)
	}
	if len(order) == 0 {
		return nil, nil
	}
	out := accountsRead{}
	var reads []batchRead
	for _, k := range order {
		ids := byScope[k]
		slices.Sort(ids)
		ids = slices.Compact(ids)
		got := map[int64]readAccount{}
		out[k] = got
		for c := range slices.Chunk(ids, batchLookupChunk) {
			c = padIDs(c, batchLookupChunk)
			var w where
			salesAccountScope(&w, principals[k])
			w.add("a.id IN ("+placeholders(len(c))+")", anyArgs(c...)...)
			reads = append(reads, batchRead{q: accountToLogSQL + w.String(), args: w.args, row: func(s scanner) error {
				var r readAccount
				if err := scanAccountToLog(s, &r); err != nil {
					return err
				}
				got[r.acct.ID] = r
				return nil
			}})
		}
	}
	return reads, out
}

// padIDs returns ids with its last repeated up to the next power of two
// (at most limit), so that a statement naming them takes one of a few
// texts, each kept prepared (the writer's statements on SQLite, pgx's
// cache on PostgreSQL), not one for every count. ids is not changed.
func padIDs(ids []int64, limit int) []int64 {
	n := 1
	for n < len(ids) {
		n *= 2
	}
	n = min(n, max(limit, len(ids)))
	if n == len(ids) {
		return ids
	}
	out := make([]int64, n)
	copy(out, ids)
	for i := len(ids); i < n; i++ {
		out[i] = ids[len(ids)-1]
	}
	return out
}

// runBatchReads runs a batch's reads on SQLite, in its transaction just
// begun, from the writer's prepared statements.
func runBatchReads(ctx context.Context, tx *Tx, reads []batchRead) error {
	for _, r := range reads {
		rows, err := readAtOnce{tx}.query(ctx, r.q, r.args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			if err := r.row(rows); err != nil {
				rows.Close()
				return err
			}
		}
		if err := cmp.Or(rows.Err(), rows.Close()); err != nil {
			return err
		}
	}
	return nil
}

// readBefore returns the account p will log on as the batch read it, if
// it did and nothing has been written since.
func (l *later) readBefore(p tandem.Principal, id int64) (readAccount, bool) {
	if l == nil || l.accounts == nil {
		return readAccount{}, false
	}
	r, ok := l.accounts[scopeOf(p)][id]
	return r, ok
}

// forgetReads forgets the accounts read at the batch's start once q, a
// statement that may write, runs.
func (l *later) forgetReads(q string) {
	if l.accounts != nil && !isSelect(q) {
		l.accounts = nil
	}
}

// isSelect reports whether q is a SELECT (and not, say, a WITH that may
// hold an INSERT).
func isSelect(q string) bool {
	q = strings.TrimLeft(q, " \t\r\n(")
	return len(q) >= 6 && strings.EqualFold(q[:6], "SELECT")
}
