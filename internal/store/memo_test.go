package store_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/partner"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
)

// memoKey is this test's kind of Remember key.
type memoKey struct{ name string }

// TestRemember: a result is computed once while nothing is written and the
// clock stays within MemoTTL; a write through the store, ExecRaw, the
// clock passing MemoTTL (or going back) each make it computed again; an
// error is not kept; callers at the same time share one computation; keys
// of other names are other results.
func TestRemember(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			clk := storetest.NewClock(time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC))
			db := storetest.Open(t, dialect, clk.Now)
			f := storetest.Seed(t, db)
			var computed atomic.Int64
			get := func(name string) int64 {
				t.Helper()
				v, err := db.Remember(ctx, memoKey{name}, func(context.Context) (any, error) {
					return computed.Add(1), nil
				})
				if err != nil {
					t.Fatal(err)
				}
				return v.(int64)
			}
			// On PostgreSQL the revision is the cluster's WAL position,
			// which the other tests running meanwhile move: a result may
			// be computed again at any time there, so only what must be
			// computed again is checked (n beyond every n before: a
			// computation newer than every result seen before).
			pg := dialect == "postgres"
			var maxN, maxGot int64
			want := func(step string, name string, n int64) {
				t.Helper()
				got := get(name)
				switch {
				case pg && n > maxN && got <= maxGot:
					t.Errorf("%s: got computation %d, want one after %d", step, got, maxGot)
				case !pg && got != n:
					t.Errorf("%s: got computation %d, want %d", step, got, n)
				}
				maxN, maxGot = max(maxN, n), max(maxGot, got)
			}
			want("first", "a", 1)
			want("again", "a", 1)
			want("another key", "b", 2)
			want("the first key again", "a", 1)
			clk.Add(store.MemoTTL - time.Second)
			want("within the TTL", "a", 1)
			if err := db.Partners.Create(ctx, f.Owner, &partner.Partner{LegalName: "Memo AB", Country: "SE", Status: partner.StatusActive}); err != nil {
				t.Fatal(err)
			}
			want("after a write", "a", 3)
			want("after the write, again", "a", 3)
			if err := store.ExecRaw(db, `UPDATE partners SET legal_name = 'Memo 2 AB' WHERE legal_name = 'Memo AB'`); err != nil {
				t.Fatal(err)
			}
			want("after ExecRaw", "a", 4)
			clk.Add(store.MemoTTL)
			want("after the TTL", "a", 5)
			clk.Add(-time.Second)
			want("clock back", "a", 6)

			// An error is not kept.
			boom := errors.New("boom")
			if _, err := db.Remember(ctx, memoKey{"err"}, func(context.Context) (any, error) { return nil, boom }); !errors.Is(err, boom) {
				t.Fatalf("error: %v", err)
			}
			want("after an error", "err", 7)
			base := computed.Load()

			// Callers at the same time share one computation (SQLite: on
			// PostgreSQL other tests move the revision meanwhile).
			if pg {
				return
			}
			clk.Add(store.MemoTTL)
			release := make(chan struct{})
			var wg sync.WaitGroup
			got := make([]int64, 8)
			for i := range got {
				wg.Add(1)
				go func() {
					defer wg.Done()
					v, err := db.Remember(ctx, memoKey{"shared"}, func(context.Context) (any, error) {
						<-release
						return computed.Add(1), nil
					})
					if err != nil {
						t.Error(err)
						return
					}
					got[i] = v.(int64)
				}()
			}
			time.Sleep(50 * time.Millisecond) // let them all ask (not a timing assertion: sharing is checked below)
			close(release)
			wg.Wait()
			for i, v := range got {
				if v != got[0] {
					t.Errorf("caller %d got computation %d, caller 0 got %d", i, v, got[0])
				}
			}
			if n := computed.Load() - base; n > 8 {
				t.Errorf("%d computations", n)
			}
		})
	}
}

// TestRememberSeesAnotherInstance: on PostgreSQL a write by another
// instance (another store.DB on the same database) ends a kept result.
func TestRememberSeesAnotherInstance(t *testing.T) {
	t.Parallel()
	if !slices.Contains(storetest.Dialects(t), "postgres") {
		t.Skip("PostgreSQL only: a SQLite file has one server")
	}
	url := storetest.CreateDatabase(t)
	open := func() *store.DB {
		db, err := store.Open(ctx, store.Options{URL: url, DataDir: t.TempDir()})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
	a := open()
	f := storetest.Seed(t, a)
	b := open()
	n := 0
	get := func() int {
		v, err := a.Remember(ctx, memoKey{"x"}, func(context.Context) (any, error) { n++; return n, nil })
		if err != nil {
			t.Fatal(err)
		}
		return v.(int)
	}
	// Other tests move the cluster's WAL meanwhile (see TestRemember):
	// only the new computation after the write is checked.
	before := get()
	if err := b.Partners.Create(ctx, f.Owner, &partner.Partner{LegalName: fmt.Sprintf("Other instance %d AB", n), Country: "SE", Status: partner.StatusActive}); err != nil {
		t.Fatal(err)
	}
	if got := get(); got <= before {
		t.Errorf("after another instance's write: computation %d, want one after %d", got, before)
	}
}

// TestRememberByTable (SQLite): a kept result depends on the tables its
// reads touched, and only on them: a partner created ends the result that
// listed partners and keeps the one that read engagements; an engagement
// changed ends that one; a result computed inside another adds its tables
// to the outer one's; ExecRaw ends everything; a row read before the computation began (the request's read cache) is read
// again inside it, so that its table is recorded.
func TestRememberByTable(t *testing.T) {
	t.Parallel()
	if !slices.Contains(storetest.Dialects(t), "sqlite") {
		t.Skip("SQLite only: PostgreSQL keeps results by the server's WAL position")
	}
	clk := storetest.NewClock(time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC))
	db := storetest.Open(t, "sqlite", clk.Now)
	f := storetest.Seed(t, db)
	counts := map[string]int{}
	var mu sync.Mutex
	count := func(name string) int {
		mu.Lock()
		defer mu.Unlock()
		counts[name]++
		return counts[name]
	}
	reads := map[string]func(context.Context) error{
		"partners": func(ctx context.Context) error {
			_, _, err := db.Partners.List(ctx, f.Owner, tandem.Page{Limit: 10}, "")
			return err
		},
		"team": func(ctx context.Context) error {
			_, err := db.Accounts.Team(ctx, f.Owner, f.A1)
			return err
		},
	}
	get := func(ctx context.Context, name string) int {
		t.Helper()
		v, err := db.Remember(ctx, memoKey{"table " + name}, func(ctx context.Context) (any, error) {
			return count(name), reads[name](ctx)
		})
		if err != nil {
			t.Fatal(err)
		}
		return v.(int)
	}
	outer := func() int {
		t.Helper()
		v, err := db.Remember(ctx, memoKey{"outer"}, func(ctx context.Context) (any, error) {
			get(ctx, "partners")
			return count("outer"), nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return v.(int)
	}
	want := func(step, name string, got, n int) {
		t.Helper()
		if got != n {
			t.Errorf("%s: %s is computation %d, want %d", step, name, got, n)
		}
	}
	step := func(step string, partners, team, out int) {
		t.Helper()
		want(step, "partners", get(ctx, "partners"), partners)
		want(step, "team", get(ctx, "team"), team)
		want(step, "outer", outer(), out)
	}
	step("first", 1, 1, 1)
	for k, want := range map[string]string{
		"table partners": "[partners]",
		"table team":     "[contract_versions engagement_assignments engagements (by id) memberships partners (by id) users workspaces (by id)]",
		"outer":          "[partners]",
	} {
		if tables, ok := store.KeptTables(db, memoKey{k}); !ok || fmt.Sprint(tables) != want {
			t.Errorf("%s read %v (%v), want %s", k, tables, ok, want)
		}
	}
	step("again", 1, 1, 1)
	if err := db.Partners.Create(ctx, f.Owner, &partner.Partner{LegalName: "Memo AB", Country: "SE", Status: partner.StatusActive}); err != nil {
		t.Fatal(err)
	}
	step("a partner created", 2, 1, 2)
	e, err := db.Engagements.Get(ctx, f.Owner, f.A1)
	if err != nil {
		t.Fatal(err)
	}
	e.Title += " (renamed)"
	if err := db.Engagements.Update(ctx, f.Owner, e); err != nil {
		t.Fatal(err)
	}
	step("an engagement renamed", 2, 2, 2)
	if err := store.ExecRaw(db, `SELECT 1`); err != nil { // ExecRaw stamps everything
		t.Fatal(err)
	}
	step("ExecRaw", 3, 3, 3)

	// The request's read cache: the engagement read before the
	// computation is read again inside it (its table recorded).
	rc := store.WithReadCache(ctx)
	if _, err := db.Engagements.Get(rc, f.Owner, f.A2); err != nil {
		t.Fatal(err)
	}
	cached := func(ctx context.Context) (any, error) {
		// The partner list too: a computation that read nothing would
		// depend on every write.
		if err := reads["partners"](ctx); err != nil {
			return nil, err
		}
		_, err := db.Engagements.Get(ctx, f.Owner, f.A2)
		return count("cached"), err
	}
	v, err := db.Remember(rc, memoKey{"cached"}, cached)
	if err != nil || v.(int) != 1 {
		t.Fatalf("cached: %v, %v", v, err)
	}
	e2, err := db.Engagements.Get(ctx, f.Owner, f.A2)
	if err != nil {
		t.Fatal(err)
	}
	e2.Title += " (renamed)"
	if err := db.Engagements.Update(ctx, f.Owner, e2); err != nil {
		t.Fatal(err)
	}
	v, err = db.Remember(rc, memoKey{"cached"}, cached)
	if err != nil || v.(int) != 2 {
		t.Errorf("after the engagement changed, a result from the request's cache: computation %v (%v), want 2", v, err)
	}
}

// TestReadTables (SQLite): the tables a statement reads, as its EXPLAIN
// says, and which of them it only looks rows up in by id.
func TestReadTables(t *testing.T) {
	t.Parallel()
	if !slices.Contains(storetest.Dialects(t), "sqlite") {
		t.Skip("SQLite only")
	}
	db := storetest.Open(t, "sqlite", nil)
	for q, want := range map[string]string{
		// An engagement with its partner's name: the partner by id.
		`SELECT e.id, pa.legal_name FROM engagements e JOIN partners pa ON pa.id = e.partner_id WHERE e.workspace_id = ? AND e.id = ?`: "[engagements (by id) partners (by id)]",
		// A list scans.
		`SELECT id FROM partners WHERE workspace_id = ? ORDER BY legal_name LIMIT 50`: "[partners]",
		// A count reads an index.
		`SELECT COUNT(*) FROM partners WHERE workspace_id = ? AND status = ?`: "[partners]",
		// A LEFT JOIN by id, a subquery that scans.
		`SELECT d.id, u.name FROM deliverables d LEFT JOIN users u ON u.id = d.assignee_id WHERE d.id = ? AND d.engagement_id IN (SELECT engagement_id FROM engagement_assignments WHERE membership_id = ?)`: "[deliverables (by id) engagement_assignments users (by id)]",
		// Parameters numbered and not, and a string with a question mark.
		`SELECT id FROM partners WHERE workspace_id = ?2 AND legal_name <> 'why?' AND id > ?1 AND status = ?`: "[partners]",
		// Reading nothing.
		`SELECT 1`: "[]",
	} {
		got, ok := store.ReadTables(db, q)
		if !ok || fmt.Sprint(got) != want {
			t.Errorf("%s\n  read %v (%v), want %s", q, got, ok, want)
		}
	}
	if got, ok := store.ReadTables(db, `SELECT * FROM no_such_table`); ok {
		t.Errorf("a statement SQLite cannot compile: %v, want not ok", got)
	}
}

// TestWALBefore: PostgreSQL's WAL positions compared as numbers.
func TestWALBefore(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		a, b string
		want bool
	}{
		{"0/16B3748", "0/16B3750", true},
		{"0/16B3750", "0/16B3748", false},
		{"0/FFFFFFFF", "1/0", true},
		{"1/0", "0/FFFFFFFF", false},
		{"A/10", "A/10", false},
		{"", "0/1", false},
		{"0/1", "bogus", false},
	} {
		if got := store.WALBefore(c.a, c.b); got != c.want {
			t.Errorf("WALBefore(%q, %q) = %v, want %v", c.a, c.b, got, c.want)
		}
	}
}

// TestRememberWithRevision (PostgreSQL): a request that read its revision
// with its identity keeps and finds results under it; one that read an
// older revision than the results kept computes for itself without
// dropping them. Revisions are passed explicitly, so the WAL moved by
// other tests changes nothing here.
func TestRememberWithRevision(t *testing.T) {
	t.Parallel()
	if !slices.Contains(storetest.Dialects(t), "postgres") {
		t.Skip("PostgreSQL only: SQLite keeps results per table")
	}
	db := storetest.Open(t, "postgres", nil)
	f := storetest.Seed(t, db)
	secret, err := db.Accounts.CreateSession(ctx, f.Owner.UserID, f.WorkspaceID, time.Hour, "test", "")
	if err != nil {
		t.Fatal(err)
	}
	revision := func() string {
		t.Helper()
		id, err := db.Accounts.Identify(ctx, secret, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if id.Revision() == "" {
			t.Fatal("no revision read with the identity")
		}
		return id.Revision()
	}
	n := 0
	get := func(rev string) int {
		t.Helper()
		v, err := db.Remember(store.WithRevision(ctx, rev), memoKey{"with revision"}, func(context.Context) (any, error) {
			n++
			return n, nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return v.(int)
	}
	old := revision()
	if got := get(old); got != 1 {
		t.Fatalf("first: computation %d", got)
	}
	if got := get(old); got != 1 {
		t.Errorf("the same revision: computation %d, want 1 (kept)", got)
	}
	if err := db.Partners.Create(ctx, f.Owner, &partner.Partner{LegalName: "Revision AB", Country: "SE", Status: partner.StatusActive}); err != nil {
		t.Fatal(err)
	}
	newer := revision()
	if !store.WALBefore(old, newer) {
		t.Fatalf("the revision did not move with a write: %s, then %s", old, newer)
	}
	if got := get(newer); got != 2 {
		t.Errorf("after a write: computation %d, want 2", got)
	}
	if got := get(old); got != 3 {
		t.Errorf("a request of the older revision: computation %d, want its own (3)", got)
	}
	if got := get(newer); got != 2 {
		t.Errorf("the newer revision again: computation %d, want 2 (not dropped by the older request)", got)
	}
}
