package store_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/tandemhq/tandem/internal/sales"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
)

// accountReadText is the first line of the read of an account a call is
// logged on (accountToLog), as the statement counter keeps it.
const accountReadText = "SELECT a.id, a.workspace_id, a.name, COALESCE(a.engagement_id, 0), ws.currency, ws.time_zone"

// readsOfAccounts counts the reads of an account to log on among the
// statements the counters counted.
func readsOfAccounts(counters []*store.StatementCounter) (n int) {
	for _, c := range counters {
		for _, q := range c.Texts() {
			if strings.HasPrefix(q, accountReadText) {
				n++
			}
		}
	}
	return n
}

// A batch of calls reads their accounts together at its start
// (accountreads.go): no call reads its own. Every call is logged on
// its account as p sees it: the agent's own, not the team's account of
// the partner nor another partner's nor an unassigned one, which stay
// ENotFound (their batch, failing, runs again carefully, each job reading
// its own).
func TestBatchReadsItsCallsAccounts(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			b := newActivityBase(t, dialect)
			db, f := b.db, b.f
			logOn := func(cctx context.Context, id int64) func() error {
				return func() error {
					return db.Sales().LogActivity(cctx, f.VendorAgent, call(id, sales.OutcomeNoAnswer, 30), store.LogOptions{})
				}
			}
			counters := make([]*store.StatementCounter, 3)
			var jobs []func() error
			for i := range counters {
				var cctx context.Context
				cctx, counters[i] = store.WithStatementCounter(ctx)
				jobs = append(jobs, logOn(cctx, b.mine))
			}
			for i, err := range batchOf(db, jobs...) {
				if err != nil {
					t.Fatalf("call %d on the agent's account: %v", i, err)
				}
			}
			reads := readsOfAccounts(counters)
			if reads != 0 {
				t.Errorf("the batch's three calls read their account %d times in their jobs, want none", reads)
			}
			refused := []int64{b.teamOnly, b.otherPartner, b.unass}
			jobs = []func() error{logOn(ctx, b.mine)}
			for _, id := range refused {
				jobs = append(jobs, logOn(ctx, id))
			}
			for i, err := range batchOf(db, jobs...) {
				if i == 0 && err != nil {
					t.Errorf("the call on the agent's account: %v", err)
				}
				if i > 0 && !errors.Is(err, tandem.ErrNotFound) {
					t.Errorf("a call on account %d the agent does not see: %v, want ENotFound", refused[i-1], err)
				}
			}
			if n := count(t, db, `SELECT COUNT(*) FROM sales_activities WHERE account_id = ?`, b.mine); n != 4 {
				t.Errorf("%d calls on the agent's account, want 4", n)
			}
			if n := count(t, db, `SELECT COUNT(*) FROM sales_activities WHERE account_id <> ?`, b.mine); n != 0 {
				t.Errorf("%d calls on accounts the agent does not see", n)
			}
			lastCallIsLatest(t, db, b.mine)
			verifyClean(t, db)
		})
	}
}

// An account the batch read at its start is read again by a call once an
// earlier job of the batch wrote anything — here the account taken from
// the agent: the call is refused as if it had read the account itself.
// A call before the write, in the same batch, is logged.
func TestBatchReadsAccountsAgainAfterAWrite(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			b := newActivityBase(t, dialect)
			db, f := b.db, b.f
			logOn := func() error {
				return db.Sales().LogActivity(ctx, f.VendorAgent, call(b.mine, sales.OutcomeNoAnswer, 30), store.LogOptions{})
			}
			errs := batchOf(db, logOn,
				func() error {
					_, err := db.Sales().Assign(ctx, f.Manager, store.AccountFilter{IDs: []int64{b.mine}}, store.Assignment{EngagementID: f.A1})
					return err
				},
				logOn)
			if errs[0] != nil || errs[1] != nil {
				t.Fatalf("the call before the change, the change: %v, %v", errs[0], errs[1])
			}
			if !errors.Is(errs[2], tandem.ErrNotFound) {
				t.Errorf("a call on the account after it was taken from the agent, in the same batch: %v, want ENotFound", errs[2])
			}
			if n := count(t, db, `SELECT COUNT(*) FROM sales_activities WHERE account_id = ?`, b.mine); n != 1 {
				t.Errorf("%d calls stored, want 1", n)
			}
			verifyClean(t, db)
		})
	}
}

// The ids a batch reads are padded with the last to a power of two, so
// that its statements take few texts, never past the chunk's limit.
func TestPadIDs(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		ids   []int64
		limit int
		want  []int64
	}{
		{[]int64{7}, 500, []int64{7}},
		{[]int64{7, 9}, 500, []int64{7, 9}},
		{[]int64{7, 9, 11}, 500, []int64{7, 9, 11, 11}},
		{[]int64{1, 2, 3, 4, 5}, 500, []int64{1, 2, 3, 4, 5, 5, 5, 5}},
		{[]int64{1, 2, 3, 4, 5}, 6, []int64{1, 2, 3, 4, 5, 5}},
		{[]int64{1, 2, 3}, 2, []int64{1, 2, 3}},
	} {
		in := slices.Clone(c.ids)
		if got := store.PadIDs(c.ids, c.limit); !slices.Equal(got, c.want) {
			t.Errorf("padIDs(%v, %d) = %v, want %v", c.ids, c.limit, got, c.want)
		}
		if !slices.Equal(in, c.ids) {
			t.Errorf("padIDs changed its argument: %v", c.ids)
		}
	}
}
