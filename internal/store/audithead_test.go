package store_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/tandemhq/tandem/internal/partner"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
)

// TestAuditHeadGuess: on SQLite an entry is chained onto the head this
// process last wrote, a guess the statement moving the head checks. A
// guess gone wrong — its transaction rolled back, another process (another
// store.DB on the same file) writing meanwhile — still gives one unbroken
// chain: every entry counted, verify clean, the seqs 1..n.
func TestAuditHeadGuess(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	a := openAnother(t, store.Options{DataDir: dir})
	f := storetest.Seed(t, a)
	b := openAnother(t, store.Options{DataDir: dir})
	create := func(db *store.DB, name string) {
		t.Helper()
		if err := db.Partners.Create(ctx, f.Owner, &partner.Partner{LegalName: name, Country: "SE", Status: partner.StatusActive}); err != nil {
			t.Fatal(err)
		}
	}
	boom := errors.New("rolled back")
	for i := range 3 {
		create(a, fmt.Sprintf("Head A%d AB", i)) // a's guess is right
		// An entry written, then its transaction rolled back: a's guess
		// is now one ahead of the chain.
		if err := store.Write(ctx, a, f.Owner, func(tx store.TestTx) error {
			if err := tx.Audit("head.rolled_back"); err != nil {
				return err
			}
			return boom
		}); !errors.Is(err, boom) {
			t.Fatalf("rolled-back write: %v", err)
		}
		create(a, fmt.Sprintf("Head A%d again AB", i))
		create(b, fmt.Sprintf("Head B%d AB", i)) // another process moves the head
		create(a, fmt.Sprintf("Head A%d after B AB", i))
	}
	for _, db := range []*store.DB{a, b} {
		brk, checked, err := db.Audit.Verify(ctx)
		if err != nil || brk != nil {
			t.Fatalf("verify: %v, break %+v", err, brk)
		}
		if n := seqsUnbroken(t, db, f.WorkspaceID); checked < n || n < 12 {
			t.Errorf("%d entries checked, %d in the chain", checked, n)
		}
	}
}

// openAnother opens a store.DB on o, closed when the test ends: another
// process on the same file or database, for tests of what one process
// cannot know of another.
func openAnother(t *testing.T, o store.Options) *store.DB {
	t.Helper()
	db, err := store.Open(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// seqsUnbroken checks that workspace ws's chain has the seqs 1..n, no gap
// and no fork, and returns n.
func seqsUnbroken(t *testing.T, db *store.DB, ws int64) int {
	t.Helper()
	seqs, err := store.QueryInt64s(db, `SELECT seq FROM events WHERE workspace_id = ? ORDER BY seq`, ws)
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range seqs {
		if s != int64(i+1) {
			t.Fatalf("seq %d at place %d: the chain has a gap or a fork (%v)", s, i+1, seqs)
		}
	}
	return len(seqs)
}
