package store_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/partner"
	"github.com/tandemhq/tandem/internal/sales"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
)

// A batch's partner creations keep their rows for the batch's end
// (keptrows.go; on PostgreSQL — SQLite inserts them at once, and the test
// holds there too). What the batch's later jobs see is unchanged: a job
// reading partners counts the ones created before it in the batch, and a
// job inserting a row that refers to one of them (a foreign key, its text
// naming no partner) finds it. A batch of creations alone writes its rows
// in one statement (on PostgreSQL, rows of one INSERT share their command
// id, cmin). A kept row the database refuses fails its own job only, and
// a failing job takes only its own creation with it. Within a batch ids
// grow in the order of the creations; every audit entry names a stored
// partner, and the chain verifies.
func TestBatchKeepsRows(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := storetest.Seed(t, db)
		create := func(x *partner.Partner) func() error {
			return func() error { return db.Partners.Create(ctx, f.Owner, x) }
		}
		named := func(name string) *partner.Partner { return &partner.Partner{LegalName: name, Country: "SE"} }
		k1, k2, k3 := named("Kept 1 AB"), named("Kept 2 AB"), named("Kept 3 AB")
		var seen int64
		errs := batchOf(db, create(k1), create(k2), create(k3),
			func() error {
				return store.Write(ctx, db, f.Owner, func(w store.TestTx) (err error) {
					seen, err = w.QueryInt(`SELECT COUNT(*) FROM partners WHERE legal_name LIKE 'Kept %'`)
					return err
				})
			},
			func() error {
				return store.Write(ctx, db, f.Owner, func(w store.TestTx) error {
					// k3.ID was set by the job before this one, on the
					// writer's goroutine that runs this one too.
					return w.Exec(`INSERT INTO engagements (workspace_id, partner_id, title, kind, status, starts_on, created_at, updated_at)
						VALUES (?, ?, 'Kept engagement', 'service', 'active', '2026-01-01', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')`,
						f.WorkspaceID, k3.ID)
				})
			})
		for i, err := range errs {
			if err != nil {
				t.Fatalf("first batch, job %d: %v", i, err)
			}
		}
		if seen != 3 {
			t.Errorf("a job after three creations in the batch saw %d of them", seen)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM engagements WHERE partner_id = ? AND title = 'Kept engagement'`, k3.ID); n != 1 {
			t.Errorf("%d engagements of the partner created in the same batch, want 1", n)
		}
		if !(k1.ID > 0 && k1.ID < k2.ID && k2.ID < k3.ID) {
			t.Errorf("ids %d, %d, %d: want them growing in the order of the creations", k1.ID, k2.ID, k3.ID)
		}

		// Creations alone: one statement on PostgreSQL.
		var alone []func() error
		for i := range 6 {
			alone = append(alone, create(named(fmt.Sprintf("Alone %d AB", i))))
		}
		for i, err := range batchOf(db, alone...) {
			if err != nil {
				t.Fatalf("second batch, job %d: %v", i, err)
			}
		}
		if n := count(t, db, `SELECT COUNT(*) FROM partners WHERE legal_name LIKE 'Alone %'`); n != 6 {
			t.Fatalf("%d of the 6 partners stored", n)
		}
		if db.Dialect() == "postgres" {
			if n := count(t, db, `SELECT COUNT(DISTINCT cmin::text) FROM partners WHERE legal_name LIKE 'Alone %'`); n != 1 {
				t.Errorf("the batch's 6 partners were inserted by %d statements, want 1", n)
			}
		}

		// A row refused (a workspace that does not exist) and a failing job.
		stranger := f.Owner
		stranger.WorkspaceID = 987654
		boom := errors.New("boom")
		errs = batchOf(db, create(named("Fine 1 AB")),
			func() error { return db.Partners.Create(ctx, stranger, named("Refused AB")) },
			create(named("Fine 2 AB")),
			func() error {
				return store.Write(ctx, db, f.Owner, func(w store.TestTx) error {
					if _, err := w.CreatePartner("Never AB"); err != nil {
						return err
					}
					return boom
				})
			},
			create(named("Fine 3 AB")))
		if errs[0] != nil || errs[1] == nil || errs[2] != nil || !errors.Is(errs[3], boom) || errs[4] != nil {
			t.Fatalf("third batch: %v, want an error for the second and the fourth job only", errs)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM partners WHERE legal_name LIKE 'Fine %'`); n != 3 {
			t.Errorf("%d of the 3 fine partners stored", n)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM partners WHERE legal_name IN ('Refused AB', 'Never AB')`); n != 0 {
			t.Errorf("%d refused or rolled back partners stored", n)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM events e WHERE action = 'partner.created'
			AND NOT EXISTS (SELECT 1 FROM partners p WHERE p.id = e.entity_id AND p.workspace_id = e.workspace_id)`); n != 0 {
			t.Errorf("%d audit entries of created partners name no stored partner", n)
		}
		chainIntact(t, db)
	})
}

// A table whose kept rows are written only before a statement naming
// certain words (keptrows.go: a batch's logged calls) must not be read
// without those words: no other table refers to it by a foreign key
// unless its name is among the words, and no trigger, function or view
// of the schema reads it — nor an account's last call, kept likewise. A
// migration that adds one fails here, not in a batch that misses a row.
func TestKeptRowsNamedByTheirReaders(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		var foreign, readers string
		if db.Dialect() == "postgres" {
			foreign = `SELECT conrelid::regclass::text FROM pg_constraint WHERE contype = 'f' AND confrelid = CAST(? AS regclass)`
			readers = `SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
				WHERE n.nspname = current_schema() AND p.prosrc LIKE '%' || ? || '%'
				UNION ALL SELECT viewname FROM pg_views WHERE schemaname = current_schema() AND definition LIKE '%' || ? || '%'`
		} else {
			foreign = `SELECT m.name FROM sqlite_master m, pragma_foreign_key_list(m.name) f WHERE m.type = 'table' AND f."table" = ?`
			readers = `SELECT name FROM sqlite_master WHERE type IN ('trigger', 'view') AND sql LIKE '%' || ? || '%' AND ? <> ''`
		}
		names := func(q string, args ...any) []string {
			t.Helper()
			rows, err := store.QueryRaw(db, q, args...)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			var out []string
			for rows.Next() {
				var name string
				if err := rows.Scan(&name); err != nil {
					t.Fatal(err)
				}
				out = append(out, name)
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
			return out
		}
		checked := 0
		for _, k := range store.RowsKeptTables() {
			if k.Named == nil {
				continue // written before any statement
			}
			checked++
			if !k.NamedIn("SELECT 1 FROM " + k.Table) {
				t.Errorf("a statement naming %s does not write its kept rows first", k.Table)
			}
			for _, from := range names(foreign, k.Table) {
				if !k.NamedIn("SELECT 1 FROM " + from) {
					t.Errorf("%s refers to %s, whose kept rows a statement naming it would not find", from, k.Table)
				}
			}
			for _, name := range names(readers, k.Table, k.Table) {
				t.Errorf("%s of the schema reads %s, whose kept rows it would not find", name, k.Table)
			}
		}
		if checked == 0 {
			t.Fatal("no kept table is written only before the statements naming it")
		}
		// The last calls kept are written before a statement naming
		// last_call: nothing else may read the column.
		for _, name := range names(readers, "last_call", "last_call") {
			t.Errorf("%s of the schema reads an account's last call, which a batch may not have noted yet", name)
		}
	})
}

// A batch's logged calls keep their rows and their accounts' last call
// for the batch's end. A later job of the batch reading
// the calls, or the last call with them, finds every call before it and
// the last call at their latest; a batch of calls alone inserts them in
// one statement; after the COMMIT each account's last call is its latest
// call whatever the order they were logged in.
func TestBatchKeepsCalls(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			b := newActivityBase(t, dialect)
			db, f := b.db, b.f
			at := func(h, m int) time.Time { return time.Date(2026, 12, 3, h, m, 0, 0, time.UTC) }
			logAt := func(when time.Time) func() error {
				return func() error {
					a := call(b.mine, sales.OutcomeNoAnswer, 30)
					a.At = when
					return db.Sales().LogActivity(ctx, f.VendorAgent, a, store.LogOptions{})
				}
			}
			var calls, lastOK int64
			errs := batchOf(db, logAt(at(8, 0)), logAt(at(8, 30)),
				func() error {
					return store.Write(ctx, db, f.Owner, func(w store.TestTx) (err error) {
						// Naming the last call only, not the calls.
						lastOK, err = w.QueryInt(`SELECT COUNT(*) FROM sales_accounts WHERE id = ? AND last_call_at = ?`, b.mine, at(8, 30))
						return err
					})
				},
				func() error {
					return store.Write(ctx, db, f.Owner, func(w store.TestTx) (err error) {
						calls, err = w.QueryInt(`SELECT COUNT(*) FROM sales_activities WHERE account_id = ?`, b.mine)
						return err
					})
				},
				logAt(at(8, 15)))
			for i, err := range errs {
				if err != nil {
					t.Fatalf("first batch, job %d: %v", i, err)
				}
			}
			if calls != 2 || lastOK != 1 {
				t.Errorf("a job after two calls of the batch saw %d calls and a last call up to date %d time(s), want 2 and 1", calls, lastOK)
			}
			var alone []func() error
			for m := range 5 {
				alone = append(alone, logAt(at(7, m)))
			}
			for i, err := range batchOf(db, alone...) {
				if err != nil {
					t.Fatalf("second batch, job %d: %v", i, err)
				}
			}
			if n := count(t, db, `SELECT COUNT(*) FROM sales_activities WHERE account_id = ?`, b.mine); n != 8 {
				t.Errorf("%d calls stored, want 8", n)
			}
			if db.Dialect() == "postgres" {
				if n := count(t, db, `SELECT COUNT(DISTINCT cmin::text) FROM sales_activities WHERE account_id = ? AND at < ?`, b.mine, at(8, 0)); n != 1 {
					t.Errorf("the batch's 5 calls were inserted by %d statements, want 1", n)
				}
			}
			lastCallIsLatest(t, db, b.mine)
			verifyClean(t, db)
			chainIntact(t, db)
		})
	}
}

// Two instances on one database create partners and log calls at once,
// each with its own pool of ids taken from the tables' sequences: every
// write is stored once under an id of its own, every audit entry names
// its row, every account's last call is its latest, and the chain and the
// aggregates verify.
func TestKeptRowsFromTwoInstances(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			b := newActivityBase(t, dialect)
			db, f := b.db, b.f
			instances := []*store.DB{db, storetest.Another(t, db)}
			const writers, each = 12, 10
			allAtOnce(t, writers, func(w int) error {
				in := instances[w%2]
				for n := range each {
					if err := in.Partners.Create(ctx, f.Owner, &partner.Partner{LegalName: fmt.Sprintf("Twin %d-%d AB", w, n), Country: "SE"}); err != nil {
						return err
					}
					if err := in.Sales().LogActivity(ctx, f.VendorAgent, call(b.mine, sales.OutcomeNoAnswer, int64(10+w)), store.LogOptions{}); err != nil {
						return err
					}
				}
				return nil
			})
			want := writers * each
			if n := count(t, db, `SELECT COUNT(DISTINCT id) FROM partners WHERE legal_name LIKE 'Twin %'`); n != want {
				t.Errorf("%d partners stored, want %d", n, want)
			}
			if n := count(t, db, `SELECT COUNT(DISTINCT id) FROM sales_activities WHERE account_id = ?`, b.mine); n != want {
				t.Errorf("%d calls stored, want %d", n, want)
			}
			for _, c := range []struct{ action, table string }{{"partner.created", "partners"}, {"sales.activity_logged", "sales_activities"}} {
				if n := count(t, db, `SELECT COUNT(*) FROM events e WHERE action = ? AND NOT EXISTS (SELECT 1 FROM `+c.table+` x WHERE x.id = e.entity_id)`, c.action); n != 0 {
					t.Errorf("%d %s entries name no stored row", n, c.action)
				}
			}
			lastCallIsLatest(t, db, b.mine)
			verifyClean(t, db)
			chainIntact(t, db)
		})
	}
}

// An account's last call is the latest call even when a transaction
// beside the writer (a dialer's batch) logs a later call on it and
// commits while the writer's UPDATE of the last call waits for the
// account's row (PostgreSQL): that UPDATE then sees the row as the other
// left it but not its call, and without taking the later of the two it
// set the last call back to its own, older call. On SQLite the two run
// one after the other.
func TestLastCallKeptBesideTheWriter(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			b := newActivityBase(t, dialect)
			db, f := b.db, b.f
			later, earlier := time.Date(2026, 12, 3, 8, 30, 0, 0, time.UTC), time.Date(2026, 12, 3, 8, 0, 0, 0, time.UTC)
			release, ready := make(chan struct{}), make(chan struct{})
			beside := make(chan error, 1)
			go func() {
				beside <- store.WriteAlone(ctx, db, f.Owner, func(w store.TestTx) error {
					if err := w.Exec(`INSERT INTO sales_activities (workspace_id, engagement_id, account_id, agent_membership_id, kind, at, created_at)
						VALUES (?, ?, ?, ?, 'call', ?, ?)`, f.WorkspaceID, f.A1, b.mine, f.VendorAgent.MembershipID, later, later); err != nil {
						return err
					}
					if err := w.Exec(`UPDATE sales_accounts SET last_call_at = ? WHERE id = ?`, later, b.mine); err != nil {
						return err
					}
					close(ready)
					<-release
					return nil
				})
			}()
			if db.Dialect() != "postgres" {
				close(release) // SQLite's writer runs the two in turn
			}
			select { // the later call and the account's row written, not committed
			case <-ready:
			case err := <-beside:
				t.Fatalf("the transaction beside ended before its writes: %v", err)
			}
			logged := make(chan error, 1)
			go func() {
				a := call(b.mine, sales.OutcomeNoAnswer, 30)
				a.At = earlier
				logged <- db.Sales().LogActivity(ctx, f.VendorAgent, a, store.LogOptions{})
			}()
			if db.Dialect() == "postgres" {
				// Release the transaction beside once the writer waits for
				// the account's row.
				for count(t, db, `SELECT COUNT(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
					WHERE NOT l.granted AND a.datname = current_database()`) == 0 {
					time.Sleep(5 * time.Millisecond)
				}
				close(release)
			}
			if err := <-beside; err != nil {
				t.Fatal(err)
			}
			if err := <-logged; err != nil {
				t.Fatal(err)
			}
			if n := count(t, db, `SELECT COUNT(*) FROM sales_accounts WHERE id = ? AND last_call_at = ?`, b.mine, later); n != 1 {
				t.Errorf("the account's last call is not the later call logged beside the writer")
			}
		})
	}
}

// lastCallIsLatest checks that the account's last call is the time of its
// latest call.
func lastCallIsLatest(t *testing.T, db *store.DB, account int64) {
	t.Helper()
	if n := count(t, db, `SELECT COUNT(*) FROM sales_accounts a WHERE a.id = ?
		AND a.last_call_at = (SELECT MAX(k.at) FROM sales_activities k WHERE k.account_id = a.id AND k.kind = 'call')`, account); n != 1 {
		t.Errorf("the account's last call is not its latest call")
	}
}

// The calls of one batch set their accounts' last calls to the latest
// call whatever their order, and a call older than an account's last
// call leaves it (from the batch's own calls, without reading the calls
// back: lastCallsKept).
func TestLastCallsOfABatch(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			b := newActivityBase(t, dialect)
			db, f := b.db, b.f
			acct := &sales.Account{Name: "Hotell Lund Öst AB", Country: "SE"}
			if err := db.Sales().CreateAccount(ctx, f.Manager, acct); err != nil {
				t.Fatal(err)
			}
			if _, err := db.Sales().Assign(ctx, f.Manager, store.AccountFilter{IDs: []int64{acct.ID}},
				store.Assignment{EngagementID: f.A1, AgentID: f.VendorAgent.MembershipID}); err != nil {
				t.Fatal(err)
			}
			other := acct.ID
			at := func(h int) time.Time { return time.Date(2026, 12, 3, h, 0, 0, 0, time.UTC) }
			logAt := func(account int64, h int) func() error {
				return func() error {
					a := call(account, sales.OutcomeNoAnswer, 30)
					a.At = at(h)
					return db.Sales().LogActivity(ctx, f.VendorAgent, a, store.LogOptions{})
				}
			}
			if err := logAt(other, 8)(); err != nil {
				t.Fatal(err)
			}
			for i, err := range batchOf(db, logAt(b.mine, 7), logAt(b.mine, 8), logAt(other, 6), logAt(b.mine, 5)) {
				if err != nil {
					t.Fatalf("call %d: %v", i, err)
				}
			}
			for account, h := range map[int64]int{b.mine: 8, other: 8} {
				if n := count(t, db, `SELECT COUNT(*) FROM sales_accounts WHERE id = ? AND last_call_at = ?`, account, at(h)); n != 1 {
					t.Errorf("account %d: its last call is not %d:00", account, h)
				}
				lastCallIsLatest(t, db, account)
			}
		})
	}
}

// The ids of a batch's kept calls (on SQLite counted after the table's
// largest, keptrows.go nextID) never meet those of rows the batch inserts
// itself: a job that took an id and failed, then two activities inserted
// by a statement of their own, then a call kept again — every row stored
// once under an id of its own, the failed job's call not at all.
func TestKeptCallIDsBesideInsertsOfTheBatch(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			b := newActivityBase(t, dialect)
			db, f := b.db, b.f
			logNote := func(note string, done int64) func() error {
				return func() error {
					a := call(b.mine, sales.OutcomeNoAnswer, 30)
					a.Notes = note
					return db.Sales().LogActivity(ctx, f.VendorAgent, a, store.LogOptions{DoneFollowUp: done})
				}
			}
			insert := func(note string) func() error {
				return func() error {
					return store.Write(ctx, db, f.Owner, func(w store.TestTx) error {
						return w.Exec(`INSERT INTO sales_activities (workspace_id, engagement_id, account_id, agent_membership_id, kind, at, notes, created_at)
							VALUES (?, ?, ?, ?, 'call', ?, ?, ?)`, f.WorkspaceID, f.A1, b.mine, f.VendorAgent.MembershipID,
							time.Date(2026, 12, 3, 8, 0, 0, 0, time.UTC), note, time.Date(2026, 12, 3, 8, 0, 0, 0, time.UTC))
					})
				}
			}
			errs := batchOf(db, logNote("kept 1", 0), logNote("failed", 987654), insert("own 1"), insert("own 2"), logNote("kept 2", 0))
			if errs[0] != nil || !errors.Is(errs[1], tandem.ErrNotFound) || errs[2] != nil || errs[3] != nil || errs[4] != nil {
				t.Fatalf("batch: %v, want only the second job to fail, not found", errs)
			}
			for _, note := range []string{"kept 1", "own 1", "own 2", "kept 2"} {
				if n := count(t, db, `SELECT COUNT(*) FROM sales_activities WHERE notes = ?`, note); n != 1 {
					t.Errorf("%d activities %q stored, want 1", n, note)
				}
			}
			if n := count(t, db, `SELECT COUNT(*) FROM sales_activities WHERE notes = 'failed'`); n != 0 {
				t.Errorf("the failed job's call is stored %d time(s)", n)
			}
			if n := count(t, db, `SELECT COUNT(*) FROM events e WHERE action = 'sales.activity_logged'
				AND NOT EXISTS (SELECT 1 FROM sales_activities x WHERE x.id = e.entity_id)`); n != 0 {
				t.Errorf("%d audit entries of logged calls name no stored call", n)
			}
			lastCallIsLatest(t, db, b.mine)
			verifyClean(t, db)
			chainIntact(t, db)
		})
	}
}
