package store

import (
	"context"
	"slices"
	"strings"

	"github.com/tandemhq/tandem/internal/sales"
	"github.com/tandemhq/tandem/internal/tandem"
)

// The accounts a batch's calls are logged on, read once at its start
// (PostgreSQL).
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
// SQLite, and a batch run again carefully, read each account in its job.

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
