package store_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/sales"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
)

// BenchmarkSalesAtScale reads a big sales base: by default 100,000
// contacts (25,000 accounts, four contacts each) and 1,000,000 activities;
// with TANDEM_BENCH_BIG=1 the 1,000,000 contacts and 10,000,000
// activities. Partner A's agent has one account in 125 (2,000 of the big
// base's 250,000) and their activities; the rest are partner A's team's,
// partner B's or unassigned. Activities spread over two years: 8 in 10
// calls, 1 a follow-up (done the day before it was due, but 1 in 997 still
// open), 1 a held meeting.
//
// Each sub-benchmark reports ns/op (and ms) of one store call, cpu-ms the
// CPU time of this process per call (on SQLite all of the work; it swings
// much less than wall-clock time on a machine shared with other work; on
// PostgreSQL only the client's part), and ratio: that
// ns/op ÷ the median of a same-run baseline, the store's read of one
// account by its id as the same person (Account: scope, one row by
// primary key):
//
//   - today: the agent's Today (SalesStore.Today: due follow-ups, meetings,
//     deals without a next step, the call list of 50 accounts ordered by
//     due follow-up and last call);
//   - search-manager, search-agent: FindContacts by a name's start (a
//     prefix: "karin l", 1 contact in 30 is a Karin) as the client's manager (the whole
//     base) and as the agent (their own accounts only).
//
// The SQLite base is built once, by multi-row INSERTs (store.BulkLoad, not
// the store's path), into a file under the temporary directory named by
// its size and the migrations, and reused by later runs; PostgreSQL's
// likewise into a database so named (then VACUUM ANALYZE, as autovacuum
// would: the statistics, and the visibility map index-only scans need),
// kept for later runs too. Ingestion writes into a copy of either. Only
// -bench runs it. Durations are reported, never asserted.
//
// Run: go test -bench SalesAtScale -run '^$' ./internal/store/ (PostgreSQL
// too when TANDEM_TEST_POSTGRES is set).
func BenchmarkSalesAtScale(b *testing.B) {
	contacts, activities := 100_000, 1_000_000
	if os.Getenv("TANDEM_BENCH_BIG") == "1" {
		contacts, activities = 1_000_000, 10_000_000
	}
	for _, dialect := range storetest.Dialects(b) {
		b.Run(dialect, func(b *testing.B) {
			base := openBigBase(b, dialect, contacts, activities)
			ctx := context.Background()
			f := base.F
			agentAccount := base.AgentAccounts[len(base.AgentAccounts)/2]
			baseline := func(b *testing.B, p func() error) time.Duration {
				var ds []time.Duration
				for range 101 {
					t0 := time.Now()
					if err := p(); err != nil {
						b.Fatal(err)
					}
					ds = append(ds, time.Since(t0))
				}
				slices.Sort(ds)
				return ds[len(ds)/2]
			}
			lookup := func() error { _, err := base.db.Sales().Account(ctx, f.VendorAgent, agentAccount); return err }
			run := func(name string, fn func(b *testing.B)) {
				b.Run(name, func(b *testing.B) {
					fn(b) // warm the caches, check the answer
					base := baseline(b, lookup)
					b.ResetTimer()
					start, cpu := time.Now(), cpuTime()
					n := 0
					for b.Loop() {
						fn(b)
						n++
					}
					per := time.Since(start) / time.Duration(n)
					b.ReportMetric(float64(per.Microseconds())/1000, "ms")
					b.ReportMetric(float64((cpuTime()-cpu)/time.Duration(n))/1e6, "cpu-ms")
					b.ReportMetric(float64(base.Nanoseconds())/1e6, "baseline-ms")
					b.ReportMetric(float64(per)/float64(base), "ratio")
				})
			}
			run("today", func(b *testing.B) {
				t, err := base.db.Sales().Today(ctx, f.VendorAgent, base.Now)
				if err != nil || len(t.CallList) != store.TodayLimit {
					b.Fatalf("today: %v", err)
				}
			})
			search := func(b *testing.B, p string) {
				ms, err := base.db.Sales().FindContacts(ctx, f.Manager, p, 20)
				if err != nil || len(ms) != 20 {
					b.Fatalf("search %q: %d %v", p, len(ms), err)
				}
			}
			run("search-manager", func(b *testing.B) { search(b, "karin l") })
			run("search-agent", func(b *testing.B) {
				ms, err := base.db.Sales().FindContacts(ctx, f.VendorAgent, "ka", 20)
				if err != nil || len(ms) != 20 {
					b.Fatalf("agent's search: %d %v", len(ms), err)
				}
			})
			// The first page of the sales base as the client's manager sees
			// it (by name, 50 rows), with its count: capped at 1,000 past
			// the page (listPage), not the base's every account.
			run("base-page", func(b *testing.B) {
				as, total, err := base.db.Sales().Accounts(ctx, f.Manager, tandem.Page{Limit: 50}, store.AccountFilter{})
				if err != nil || len(as) != 50 || total != tandem.CountCap+1 {
					b.Fatalf("the base's first page: %d rows of %d, %v", len(as), total, err)
				}
			})
			// Batches of a dialer's 10,000 calls matched by number, as the
			// agent (their 2,000 accounts) and as the partner's manager (the
			// engagement's 83,000), into a copy of the base.
			{
				agentPhones := make([]string, 0, len(base.AgentAccounts)*4)
				for i := 0; i < contacts/4; i += 125 {
					for k := range 4 {
						agentPhones = append(agentPhones, bigBasePhone(4*i+k))
					}
				}
				var teamPhones []string
				for i := 0; i < contacts/4; i++ {
					if i%3 == 0 || i%125 == 0 {
						teamPhones = append(teamPhones, bigBasePhone(4*i+i%4))
					}
				}
				b.Run("ingest-agent", func(b *testing.B) { benchBigIngest(b, base, f.VendorAgent, agentPhones) })
				b.Run("ingest-manager", func(b *testing.B) { benchBigIngest(b, base, f.VendorManager, teamPhones) })
			}
		})
	}
}

// benchBigIngest ingests batches of 10,000 calls to phones (in turn, from
// an offset that moves on each batch), each batch the week after the one
// before, as p into engagement A1 of a copy of the base, and reports activities/s and activities/cpu-s
// (on PostgreSQL the client's CPU only).
func benchBigIngest(b *testing.B, base *bigBase, p tandem.Principal, phones []string) {
	now := base.Now
	var db *store.DB
	if base.opts != nil {
		// PostgreSQL copies only a database no one is connected to.
		if err := base.db.Close(); err != nil {
			b.Fatal(err)
		}
		copied, remove, err := store.Clone(context.Background(), *base.opts, "")
		if err != nil {
			b.Fatal(err)
		}
		defer remove()
		if base.db, err = store.Open(context.Background(), *base.opts); err != nil {
			b.Fatal(err)
		}
		now = base.clock.Now()
		copied.Now = func() time.Time { return now }
		if db, err = store.Open(context.Background(), copied); err != nil {
			b.Fatal(err)
		}
		defer db.Close()
	} else {
		dir := b.TempDir()
		for _, name := range []string{"tandem.db", "tandem.db-wal"} {
			if err := store.CopyFile(filepath.Join(base.dir, name), filepath.Join(dir, name)); err != nil && !os.IsNotExist(err) {
				b.Fatal(err)
			}
		}
		var err error
		db, err = store.Open(context.Background(), store.Options{DataDir: dir, Now: func() time.Time { return now }})
		if err != nil {
			b.Fatal(err)
		}
		defer db.Close()
	}
	const batch = 10000
	items := make([]store.BatchActivity, batch)
	var took, cpu time.Duration
	next := 0
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		now = now.Add(batch * time.Minute)
		for k := range items {
			items[k] = store.BatchActivity{Activity: sales.Activity{Kind: sales.KindCall, Outcome: sales.Outcomes[k%len(sales.Outcomes)],
				DurationS: int64(k % 600), At: now.Add(-time.Duration(batch-k) * time.Minute)}, Phone: phones[next%len(phones)]}
			next++
		}
		b.StartTimer()
		t0, c0 := time.Now(), cpuTime()
		ans, err := db.Sales().IngestActivities(context.Background(), p, base.F.A1, items,
			store.Idempotency{Key: fmt.Sprint("big-", i), Hash: "h"}, func(res *store.BatchResult, errs []store.ItemError) (int, []byte, error) {
				if errs != nil {
					return 422, []byte(fmt.Sprint(errs[0])), nil
				}
				return 201, nil, nil
			})
		if err != nil || ans.Status != 201 {
			b.Fatalf("batch: %v %s", err, ans.Body)
		}
		took, cpu = took+time.Since(t0), cpu+cpuTime()-c0
	}
	b.ReportMetric(float64(batch*b.N)/took.Seconds(), "activities/s")
	b.ReportMetric(float64(batch*b.N)/cpu.Seconds(), "activities/cpu-s")
}

// bigBasePhone is the number of the big base's contact i (in id order).
func bigBasePhone(i int) string { return fmt.Sprintf("+4670%07d", i) }

// bigBase is a big sales base and what the benchmarks need of it.
type bigBase struct {
	db            *store.DB
	dir           string // the SQLite base's directory
	F             storetest.Fixture
	Now           time.Time
	AgentAccounts []int64
	Facts         int // of the activities, with their aggregates
	// PostgreSQL's: how the kept base is opened, and its clock.
	opts  *store.Options
	clock *storetest.Clock
}

var (
	firstNames = []string{"Karin", "Anna", "Erik", "Lars", "Maria", "Johan", "Eva", "Anders", "Sofia", "Per", "Kasper", "Ingrid",
		"Mikael", "Elin", "Nils", "Astrid", "Olof", "Hanna", "Björn", "Linnea", "Jüri", "Liis", "Mart", "Kadri", "Andris", "Ilze",
		"Jonas", "Rūta", "Ольга", "Сергей"}
	lastNames = []string{"Nilsson", "Lindqvist", "Berg", "Holm", "Ek", "Öst", "Johansson", "Karlsson", "Andersson", "Larsson",
		"Svensson", "Gustafsson", "Pettersson", "Persson", "Jönsson", "Lindström", "Sandberg", "Forsberg", "Lund", "Dahl",
		"Tamm", "Saar", "Sepp", "Mägi", "Kask", "Bērziņš", "Kalniņš", "Ozols", "Kazlauskas", "Petrauskas", "Jankauskas",
		"Hansen", "Virtanen", "Korhonen", "Mäkinen", "Nieminen", "Иванова", "Смирнов", "Kuznetsova", "Lehtonen"}
	placeWords = []string{"Hotell", "Kontor", "Möbel", "Bygg", "Spa", "Konferens", "Handel", "Café", "Bageri", "Sport"}
	cityWords  = []string{"Malmö", "Göteborg", "Uppsala", "Tallinn", "Riga", "Vilnius", "Tartu", "Lund", "Örebro", "Umeå", "Kaunas"}
)

// openBigBase opens the big base of this size: for SQLite the cached file
// (built the first time), for PostgreSQL a new database, built now.
func openBigBase(b *testing.B, dialect string, contacts, activities int) *bigBase {
	b.Helper()
	now := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	if dialect != "sqlite" {
		return openBigBasePostgres(b, contacts, activities, now)
	}
	dir := filepath.Join(benchDir(), fmt.Sprintf("tandem-bench-sales-%d-%d-%s", contacts, activities, migrationsKey(b)))
	meta := filepath.Join(dir, "fixture.json")
	if _, err := os.Stat(meta); err != nil {
		tmp := dir + fmt.Sprintf(".build-%d", os.Getpid())
		os.RemoveAll(tmp)
		if err := os.MkdirAll(tmp, 0o700); err != nil {
			b.Fatal(err)
		}
		db, err := store.Open(context.Background(), store.Options{DataDir: tmp, Now: clock})
		if err != nil {
			b.Fatal(err)
		}
		started := time.Now()
		base := buildBigBase(b, db, contacts, activities, now)
		if err := db.Close(); err != nil {
			b.Fatal(err)
		}
		saveFixture(b, filepath.Join(tmp, "fixture.json"), base)
		os.RemoveAll(dir)
		if err := os.Rename(tmp, dir); err != nil {
			b.Fatal(err)
		}
		b.Logf("built the SQLite base in %s (%s)", time.Since(started).Round(time.Second), dir)
	}
	base := &bigBase{}
	loadFixture(b, meta, base)
	db, err := store.Open(context.Background(), store.Options{DataDir: dir, Now: clock})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	base.db, base.dir = db, dir
	return base
}

// openBigBasePostgres opens PostgreSQL's big base of this size: a database
// named by the size and the schema, kept for later runs like SQLite's file
// (its fixture in a directory under benchDir), built and analyzed the first
// time. Ingestion writes into a copy (store.Clone).
func openBigBasePostgres(b *testing.B, contacts, activities int, now time.Time) *bigBase {
	b.Helper()
	ctx := context.Background()
	key := fmt.Sprintf("tandem-bench-sales-%d-%d-%s", contacts, activities, migrationsKey(b))
	u, dir, fresh := keptPostgres(b, key)
	c := storetest.NewClock(now)
	opts := store.Options{URL: u, Now: c.Now}
	meta := filepath.Join(dir, "fixture.json")
	if fresh {
		db, err := store.Open(ctx, opts)
		if err != nil {
			b.Fatal(err)
		}
		started := time.Now()
		base := buildBigBase(b, db, contacts, activities, now)
		if err := store.ExecRaw(db, `VACUUM ANALYZE`); err != nil {
			b.Fatal(err)
		}
		if err := db.Close(); err != nil {
			b.Fatal(err)
		}
		saveFixture(b, meta, base)
		b.Logf("built the PostgreSQL base in %s (%s)", time.Since(started).Round(time.Second), u)
	}
	base := &bigBase{}
	loadFixture(b, meta, base)
	db, err := store.Open(ctx, opts)
	if err != nil {
		b.Fatal(err)
	}
	base.db, base.opts, base.clock = db, &opts, c
	b.Cleanup(func() { base.db.Close() })
	return base
}

// migrationsKey names the schema: a hash of the migrations' names and
// contents, so that a cached base is rebuilt when they change.
func migrationsKey(b *testing.B) string {
	h := sha256.New()
	files, _ := filepath.Glob("migrations/sqlite/*.sql")
	sort.Strings(files)
	for _, f := range files {
		body, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		h.Write([]byte(f))
		h.Write(body)
	}
	return hex.EncodeToString(h.Sum(nil))[:12]
}

// buildBigBase seeds db (storetest.Seed, A1 active) and loads the base.
func buildBigBase(b *testing.B, db *store.DB, contacts, activities int, now time.Time) *bigBase {
	b.Helper()
	f := storetest.Seed(b, db)
	storetest.Activate(b, db, f.Owner, f.A1, nil)
	base := &bigBase{db: db, F: *f, Now: now}
	accounts := contacts / 4
	ws := f.WorkspaceID
	// Account i: the agent's on A1 (i % 125 == 0), A1's team's (i % 3 == 0),
	// partner B's (i % 3 == 1), or unassigned.
	type assignment struct {
		engagement, agent any
		worker            int64 // who logs its activities
	}
	assign := func(i int) assignment {
		switch {
		case i%125 == 0:
			return assignment{f.A1, f.VendorAgent.MembershipID, f.VendorAgent.MembershipID}
		case i%3 == 0:
			return assignment{f.A1, nil, f.VendorManager.MembershipID}
		case i%3 == 1:
			return assignment{f.B1, nil, f.VendorManagerB.MembershipID}
		}
		return assignment{nil, nil, f.Manager.MembershipID}
	}
	if err := store.BulkLoad(db, "sales_accounts", "workspace_id, name, city, country, status, engagement_id, agent_membership_id, search_text, created_at, updated_at",
		accounts, func(i int, dst []any) []any {
			a := sales.Account{Name: fmt.Sprintf("%s %s %d AB", cityWords[i%len(cityWords)], placeWords[(i/len(cityWords))%len(placeWords)], i),
				City: cityWords[i%len(cityWords)]}
			as := assign(i)
			return append(dst, ws, a.Name, a.City, "SE", string(sales.StatusProspect), as.engagement, as.agent, a.SearchText(), now, now)
		}); err != nil {
		b.Fatal(err)
	}
	ids, err := store.QueryInt64s(db, `SELECT id FROM sales_accounts WHERE workspace_id = ? ORDER BY id`, ws)
	if err != nil || len(ids) != accounts {
		b.Fatalf("accounts: %d %v", len(ids), err)
	}
	for i := 0; i < accounts; i += 125 {
		base.AgentAccounts = append(base.AgentAccounts, ids[i])
	}
	// Contacts: four an account, written together (as the import and a
	// person write them), names from the lists (1,200 of them).
	if err := store.BulkLoad(db, "sales_contacts", "workspace_id, account_id, name, position, decision_maker, search_text, created_at, updated_at",
		contacts, func(i int, dst []any) []any {
			c := sales.Contact{Name: firstNames[i%len(firstNames)] + " " + lastNames[(i/len(firstNames))%len(lastNames)], Position: "Manager"}
			return append(dst, ws, ids[i/4], c.Name, c.Position, boolInt(i%4 == 0), c.SearchText(), now, now)
		}); err != nil {
		b.Fatal(err)
	}
	// A mobile number each (contact i: +46 70 and i in seven digits), its
	// match key the last nine digits, as AddContact and the import write it.
	cids, err := store.QueryInt64s(db, `SELECT id FROM sales_contacts WHERE workspace_id = ? ORDER BY id`, ws)
	if err != nil || len(cids) != contacts {
		b.Fatalf("contacts: %d %v", len(cids), err)
	}
	if err := store.BulkLoad(db, "sales_contact_details", "workspace_id, contact_id, field, value, typed, position, match_key",
		contacts, func(i int, dst []any) []any {
			d := sales.Detail{Field: sales.FieldPhone, Value: bigBasePhone(i)}
			return append(dst, ws, cids[i], string(d.Field), d.Value, d.Value, 0, d.MatchKey())
		}); err != nil {
		b.Fatal(err)
	}
	span := 2 * 365 * 24 * time.Hour
	step := span / time.Duration(activities)
	if err := store.BulkLoad(db, "sales_activities", "workspace_id, engagement_id, account_id, agent_membership_id, kind, at, direction, outcome, duration_s, status, scheduled_at, done_at, created_at",
		activities, func(i int, dst []any) []any {
			acct := i % accounts
			as := assign(acct)
			eng := as.engagement
			if eng == nil {
				eng = f.A1
			}
			at := now.Add(-span + time.Duration(i)*step)
			kind, dir, outcome, status, sched, done := sales.KindCall, "out", string(sales.Outcomes[i%len(sales.Outcomes)]), "", any(nil), any(nil)
			// The kind turns with each round over the accounts, so that every
			// account has calls, follow-ups and meetings.
			switch (i/accounts + acct) % 10 {
			case 0:
				kind, dir, outcome, sched = sales.KindFollowUp, "", "", at.Add(48*time.Hour)
				if i%997 != 0 {
					done = at.Add(47 * time.Hour)
				}
			case 1:
				kind, dir, outcome, status, sched = sales.KindMeeting, "", "", string(sales.MeetingHeld), at
			}
			return append(dst, ws, eng, ids[acct], as.worker, string(kind), at, dir, outcome, i%600, status, sched, done, at)
		}); err != nil {
		b.Fatal(err)
	}
	// Each account's last call, as noteLastCalls keeps it.
	if err := store.ExecRaw(db, `UPDATE sales_accounts SET last_call_at = (SELECT MAX(k.at) FROM sales_activities k
		WHERE k.account_id = sales_accounts.id AND k.kind = 'call')`); err != nil {
		b.Fatal(err)
	}
	// The facts logging them records (sales.Activity.LogFacts: a call made,
	// a follow-up done), with their aggregates, as the recording path
	// writes them (store.BulkFacts); the activities' ids run from the first.
	first, err := store.QueryInt64s(db, `SELECT MIN(id) FROM sales_activities WHERE workspace_id = ? UNION ALL
		SELECT MAX(id) FROM sales_activities WHERE workspace_id = ?`, ws, ws)
	if err != nil || len(first) != 2 || first[1]-first[0] != int64(activities-1) {
		b.Fatalf("the activities' ids are not contiguous: %v %v", first, err)
	}
	activity := func(i int) sales.Activity {
		acct := i % accounts
		as := assign(acct)
		eng, _ := as.engagement.(int64)
		if eng == 0 {
			eng = f.A1
		}
		at := now.Add(-span + time.Duration(i)*step)
		a := sales.Activity{ID: first[0] + int64(i), WorkspaceID: ws, EngagementID: eng, AccountID: ids[acct], AgentID: as.worker,
			Kind: sales.KindCall, At: at, Direction: "out", Outcome: sales.Outcomes[i%len(sales.Outcomes)], DurationS: int64(i % 600)}
		switch (i/accounts + acct) % 10 {
		case 0:
			a.Kind, a.Direction, a.Outcome, a.ScheduledAt = sales.KindFollowUp, "", "", at.Add(48*time.Hour)
			if i%997 != 0 {
				a.DoneAt = at.Add(47 * time.Hour)
			}
		case 1:
			a.Kind, a.Direction, a.Outcome, a.Status, a.ScheduledAt = sales.KindMeeting, "", "", sales.MeetingHeld, at
		}
		return a
	}
	var logged []int32 // the activity of each fact
	for i := range activities {
		if a := activity(i); len(a.LogFacts()) == 1 {
			logged = append(logged, int32(i))
		}
	}
	if err := store.BulkFacts(db, ws, len(logged), func(i int, rec *store.Fact) {
		a := activity(int(logged[i]))
		x := a.LogFacts()[0]
		*rec = store.Fact{EngagementID: a.EngagementID, SubjectID: a.ID, At: x.At, Value: x.Value, Flag: x.Flag,
			AmountMinor: x.AmountMinor, Currency: x.Currency, Data: x.Data}
	}); err != nil {
		b.Fatal(err)
	}
	base.Facts = len(logged)
	t0 := time.Now()
	if m, err := db.KPI.Verify(context.Background()); err != nil || m != nil {
		b.Fatalf("verify: %v %+v", err, m)
	}
	b.Logf("%d facts of the activities, verified in %s", len(logged), time.Since(t0).Round(time.Second))
	return base
}

func boolInt(v bool) int {
	if v {
		return 1
	}
	return 0
}
