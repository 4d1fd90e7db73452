package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/engagement"
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
			// On both databases only this database's writes count (on
			// PostgreSQL its change log, not the cluster's): exact.
			want := func(step string, name string, n int64) {
				t.Helper()
				if got := get(name); got != n {
					t.Errorf("%s: got computation %d, want %d", step, got, n)
				}
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

			// Callers at the same time share one computation.
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
			time.Sleep(200 * time.Millisecond) // let them all ask (not a timing assertion: sharing is checked below)
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
// instance (another store.DB on the same database), or made in psql, ends
// the results kept here that read the tables it changed, and only those —
// for a request whose revision was read with its identity.
func TestRememberSeesAnotherInstance(t *testing.T) {
	t.Parallel()
	if !slices.Contains(storetest.Dialects(t), "postgres") {
		t.Skip("PostgreSQL only: a SQLite file has one server")
	}
	url := storetest.CreateDatabase(t)
	a := openAnother(t, store.Options{URL: url, DataDir: t.TempDir()})
	f := storetest.Seed(t, a)
	b := openAnother(t, store.Options{URL: url, DataDir: t.TempDir()})
	secret, err := a.Accounts.CreateSession(ctx, f.Owner.UserID, f.WorkspaceID, time.Hour, "test", "")
	if err != nil {
		t.Fatal(err)
	}
	token, _, err := a.Accounts.CreateToken(ctx, f.Owner, "test")
	if err != nil {
		t.Fatal(err)
	}
	// A token's first use writes its last use: the revision comes with the
	// uses after it.
	if _, err := a.Accounts.IdentifyToken(ctx, token); err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	reads := map[string]func(context.Context) error{
		"partners": func(ctx context.Context) error {
			_, _, err := a.Partners.List(ctx, f.Owner, tandem.Page{Limit: 10}, "")
			return err
		},
		"team": func(ctx context.Context) error {
			_, err := a.Accounts.Team(ctx, f.Owner, f.A1)
			return err
		},
	}
	// get is a request to instance a: its revision read with its identity,
	// a session's for the partner list (a page), a token's for the team
	// (the API).
	get := func(name string) int {
		t.Helper()
		id, err := a.Accounts.Identify(ctx, secret, time.Hour)
		if name == "team" {
			id, err = a.Accounts.IdentifyToken(ctx, token)
		}
		if err != nil {
			t.Fatal(err)
		}
		if id.Revision() == "" {
			t.Fatal("no revision read with the identity")
		}
		v, err := a.Remember(store.WithRevision(ctx, id.Revision()), memoKey{name}, func(ctx context.Context) (any, error) {
			counts[name]++
			return counts[name], reads[name](ctx)
		})
		if err != nil {
			t.Fatal(err)
		}
		return v.(int)
	}
	step := func(step string, partners, team int) {
		t.Helper()
		if got := get("partners"); got != partners {
			t.Errorf("%s: the partner list is computation %d, want %d", step, got, partners)
		}
		if got := get("team"); got != team {
			t.Errorf("%s: the team is computation %d, want %d", step, got, team)
		}
	}
	step("first", 1, 1)
	step("again", 1, 1)
	if err := b.Partners.Create(ctx, f.Owner, &partner.Partner{LegalName: "Other instance AB", Country: "SE", Status: partner.StatusActive}); err != nil {
		t.Fatal(err)
	}
	step("a partner created by the other instance", 2, 1)
	e, err := b.Engagements.Get(ctx, f.Owner, f.A1)
	if err != nil {
		t.Fatal(err)
	}
	e.Title += " (renamed)"
	if err := b.Engagements.Update(ctx, f.Owner, e); err != nil {
		t.Fatal(err)
	}
	step("an engagement renamed by the other instance", 2, 2)
	// A write made outside Tandem (psql) fires the tables' triggers too.
	raw, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.ExecContext(ctx, `UPDATE engagements SET title = title || '.' WHERE id = $1`, f.A1); err != nil {
		t.Fatal(err)
	}
	step("an engagement renamed in psql", 2, 3)
	if err := store.ExecRaw(b, `SELECT 1`); err != nil { // ExecRaw: everything, in every instance
		t.Fatal(err)
	}
	step("ExecRaw on the other instance", 3, 4)
}

// TestSnapshotCovers: a snapshot covers another when it sees every
// transaction the other sees as committed.
func TestSnapshotCovers(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		p, s          string
		covers, parse bool
	}{
		{"10:15:", "10:15:", true, true},
		{"10:20:", "10:15:10,12", true, true},   // everything ended since
		{"10:15:12", "10:15:", false, true},     // 12 had ended for s
		{"10:15:12", "10:15:12", true, true},    // running for both
		{"10:14:", "10:15:", false, true},       // 14 began after p
		{"10:16:12,15", "10:15:12", true, true}, // 15 began after s
		{"1:2:3", "x", false, false},
		{"1:2", "1:2:", false, false},
	} {
		covers, ok := store.Covers(c.p, c.s)
		if covers != c.covers || ok != c.parse {
			t.Errorf("Covers(%q, %q) = %v, %v; want %v, %v", c.p, c.s, covers, ok, c.covers, c.parse)
		}
	}
}

// TestPGReads: the tables a statement reads on PostgreSQL, from its
// words, and which of them it only looks rows up in by id.
func TestPGReads(t *testing.T) {
	t.Parallel()
	known := []string{"deliverables", "engagement_assignments", "engagements", "partners", "users"}
	byID := []string{"deliverables", "engagements", "partners", "users"}
	for q, want := range map[string]string{
		// An engagement with its partner's name: the partner by id.
		`SELECT e.id, pa.legal_name FROM engagements e JOIN partners pa ON pa.id = e.partner_id WHERE e.workspace_id = $1 AND e.id = $2`: "[engagements (by id) partners (by id)]",
		// A list scans.
		`SELECT id FROM partners WHERE workspace_id = ? ORDER BY legal_name LIMIT 50`: "[partners]",
		// A LEFT JOIN by id, a subquery that scans.
		`SELECT d.id, u.name FROM deliverables d LEFT JOIN users u ON u.id = d.assignee_id WHERE d.id = ? AND d.engagement_id IN (SELECT engagement_id FROM engagement_assignments WHERE membership_id = ?)`: "[deliverables (by id) engagement_assignments users (by id)]",
		// An OR beside the id: more than one row.
		`SELECT name FROM users WHERE id = ? OR email = ?`: "[users]",
		// An OR inside parentheses ANDed with the id: still one row.
		`SELECT 1 FROM users u WHERE u.id = ? AND (u.email = ? OR u.name = ?)`: "[users (by id)]",
		// RIGHT JOIN keeps every partner; no condition on the engagements.
		`SELECT 1 FROM engagements e RIGHT JOIN partners pa ON pa.id = e.partner_id`: "[engagements partners]",
		// A column qualified by the table's own name.
		`SELECT partners.legal_name FROM partners WHERE id = ?`: "[partners]",
		// A table's name in a string, a comment and a cast.
		`SELECT id FROM engagements WHERE id = ?::bigint AND title <> 'partners' -- users`: "[engagements (by id)]",
		// A correlated subquery by id.
		`SELECT e.id, (SELECT legal_name FROM partners WHERE id = e.partner_id) FROM engagements e WHERE e.workspace_id = ?`: "[engagements partners (by id)]",
		// The id compared with the same table's column, or a list.
		`SELECT 1 FROM partners p WHERE p.id = p.parent_id`: "[partners]",
		`SELECT 1 FROM users WHERE id IN (?, ?)`:            "[users]",
		// A table whose key is not id alone.
		`SELECT 1 FROM engagement_assignments ea WHERE ea.id = ?`: "[engagement_assignments]",
		// Used twice: by id and by a scan.
		`SELECT (SELECT name FROM users WHERE id = ?), (SELECT COUNT(*) FROM users)`: "[users]",
		`SELECT 1`: "[]",
	} {
		if got := store.PGReads(known, byID, q); fmt.Sprint(got) != want {
			t.Errorf("%s\n  read %v, want %s", q, got, want)
		}
	}
}

// TestRememberByTable: a kept result depends on the tables its
// reads touched, and only on them: a partner created ends the result that
// listed partners and keeps the one that read engagements; an engagement
// changed ends that one; a result computed inside another adds its tables
// to the outer one's; ExecRaw ends everything; a row read before the computation began (the request's read cache) is read
// again inside it, so that its table is recorded.
func TestRememberByTable(t *testing.T) {
	t.Parallel()
	storetest.Each(t, testRememberByTable)
}

func testRememberByTable(t *testing.T, db *store.DB) {
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
		// SQLite's plan reads users by an index; on PostgreSQL the
		// statements' words look them up by id.
		"table team": map[string]string{
			"sqlite":   "[contract_versions engagement_assignments engagements (by id) memberships partners (by id) users workspaces (by id)]",
			"postgres": "[contract_versions engagement_assignments engagements (by id) memberships partners (by id) users (by id) workspaces (by id)]",
		}[db.Dialect()],
		"outer": "[partners]",
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

// TestRememberWaiterTakesNewer: a caller who waited for a computation
// that ended no longer current takes the newer one under way rather than
// start a third (the clock it read before waiting does not make the newer
// computation look as if from the future).
func TestRememberWaiterTakesNewer(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		var computed atomic.Int64
		started := make(chan struct{}, 4)
		release := map[int64]chan struct{}{1: make(chan struct{}), 2: make(chan struct{})}
		compute := func(context.Context) (any, error) {
			n := computed.Add(1)
			started <- struct{}{}
			if ch, ok := release[n]; ok {
				<-ch
			}
			return n, nil
		}
		got := make(chan int64, 3)
		get := func() {
			v, err := db.Remember(ctx, memoKey{"waiter"}, compute)
			if err != nil {
				t.Error(err)
				got <- 0
				return
			}
			got <- v.(int64)
		}
		go get() // A computes 1
		<-started
		go get() // B waits for A
		time.Sleep(200 * time.Millisecond)
		if err := store.ExecRaw(db, `SELECT 1`); err != nil { // a write: A's result is not current
			t.Fatal(err)
		}
		go get() // C computes 2 beside A
		<-started
		close(release[1]) // A ends; B finds C's under way and waits for it
		if v := <-got; v != 1 {
			t.Errorf("A got computation %d, want 1", v)
		}
		time.Sleep(200 * time.Millisecond)
		close(release[2])
		for range 2 {
			if v := <-got; v != 2 {
				t.Errorf("B or C got computation %d, want 2", v)
			}
		}
		if n := computed.Load(); n != 2 {
			t.Errorf("%d computations, want 2", n)
		}
	})
}

// TestRememberSeesKeyedInsert: a kept result that looked a row up by a
// key the code gives (engagement_terminations by engagement_id, SQLite's
// rowid there) and found nothing is ended when a row is inserted under
// that key — a lookup by id is kept past inserts only where ids are new
// (a table's own id column).
func TestRememberSeesKeyedInsert(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := storetest.Seed(t, db)
		storetest.Activate(t, db, f.Owner, f.A1, nil)
		ended := func() bool {
			t.Helper()
			v, err := db.Remember(ctx, memoKey{"termination"}, func(ctx context.Context) (any, error) {
				_, err := db.Terminations().Get(ctx, f.Owner, f.A1)
				if tandem.ErrorCode(err) == tandem.ENotFound {
					return false, nil
				}
				return err == nil, err
			})
			if err != nil {
				t.Fatal(err)
			}
			return v.(bool)
		}
		if ended() || ended() {
			t.Fatal("a termination before notice was given")
		}
		if err := db.Terminations().Start(ctx, f.Owner, f.A1, &engagement.Termination{Reason: "Targets missed"}); err != nil {
			t.Fatal(err)
		}
		if !ended() {
			t.Error("the kept lookup did not see the termination inserted under its key")
		}
	})
}

// TestRememberFull: a full memo drops the results past MemoTTL, not the
// ones kept a moment ago. 255 results at T, one more ("fresh") after the
// TTL fills it; the next new key makes room by dropping the 255 old ones,
// and "fresh" is still kept (a memo that started over recomputed it).
// When every result is recent, a full memo starts over and still answers.
func TestRememberFull(t *testing.T) {
	t.Parallel()
	clk := storetest.NewClock(time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC))
	db := storetest.Open(t, "sqlite", clk.Now)
	var computed atomic.Int64
	get := func(name string) int64 {
		t.Helper()
		v, err := db.Remember(ctx, memoKey{name}, func(context.Context) (any, error) { return computed.Add(1), nil })
		if err != nil {
			t.Fatal(err)
		}
		return v.(int64)
	}
	for i := range store.MemoMax - 1 {
		get(fmt.Sprintf("old %d", i))
	}
	clk.Add(store.MemoTTL)
	fresh := get("fresh")
	get("another")
	if got := get("fresh"); got != fresh {
		t.Errorf("a full memo dropped the result just kept: computation %d, then %d", fresh, got)
	}
	if got := get("old 0"); got == 1 {
		t.Errorf("a result past the TTL answered")
	}
	// Every result recent: the memo starts over, and answers.
	for i := range store.MemoMax + 10 {
		get(fmt.Sprintf("new %d", i))
	}
	n := computed.Load()
	if got := get(fmt.Sprintf("new %d", store.MemoMax+9)); got != n {
		t.Errorf("the last result after starting over: computation %d, want %d", got, n)
	}
}
