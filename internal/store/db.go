// Package store is the storage adapter: it keeps Tandem's domain in SQLite
// (the default, through a pure-Go driver) or PostgreSQL (production), with
// raw, explicit SQL that runs on both. The few dialect differences live in
// dialect.go.
//
// Every public method that reads or writes workspace data takes the
// tandem.Principal asking for it and scopes its queries to that principal's
// workspace and, for partner roles, to what the partner may see. Every change
// writes an audit entry (audit.Entry) in the same transaction. On SQLite the
// entry is chained there and then; on PostgreSQL it is written unsealed and
// takes its place in the chain shortly after commit, from one sealer at a
// time (DB.SealAudit; the design, its bound and what an unsealed entry is
// exposed to are at the top of auditseal.go).
//
// On SQLite one goroutine runs every write transaction, and the
// transactions of concurrent requests share one durable COMMIT, each in a
// savepoint of its own; a write is acknowledged only once the COMMIT that
// holds it returned (group commit: see groupcommit.go).
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib" // also registers the "pgx" driver
	_ "modernc.org/sqlite"           // registers the "sqlite" driver
)

//go:embed migrations
var migrations embed.FS

// DB is an open Tandem database with its capability stores.
type DB struct {
	w *sql.DB // the writer: one connection on SQLite
	r *sql.DB // readers: a pool; the same as w on PostgreSQL
	// batches is, on PostgreSQL, the connection the writer's batches run
	// on, of their own and planned without sequential scans where an
	// index serves (writerPlans, groupcommit.go); nil on SQLite, where
	// they run on w.
	batches *sql.DB
	dialect dialect
	now     func() time.Time

	stmtMu sync.RWMutex
	stmts  map[string]*sql.Stmt // prepared reads, see stmt

	mailOn atomic.Bool // e-mail is configured (SetMailEnabled)

	countStmts bool // Options.CountStatements: see stmtcount.go

	url  string        // PostgreSQL's URL; "" on SQLite
	file string        // SQLite's database file, its absolute path; "" on PostgreSQL
	gc   *writer       // the writer, which batches commits (groupcommit.go)
	ckpt *checkpointer // SQLite's checkpoints, beside the writer (checkpoint.go); nil on PostgreSQL

	writes  atomic.Int64 // COMMITs of writes in this process, for Remember (memo.go)
	retries atomic.Int64 // transactions run again after a serialization failure or a deadlock, for tests
	aside   atomic.Int64 // batch jobs run again beside the writer after waiting for a lock (transactJob), for tests
	trips   atomic.Int64 // round trips of the writer's batches on PostgreSQL (pgbatch.go), for tests
	tables  tableRevs    // the tables changed: by those COMMITs on SQLite (tables.go), by any on PostgreSQL (pgchanges.go)
	pg      *pgChanges   // the change log of PostgreSQL (pgchanges.go); nil on SQLite
	memo    memo
	heads   chainHeads // the audit chain heads last written, on SQLite (auditseal.go)
	ids     idPool     // ids taken for the writer's kept rows, on PostgreSQL (keptrows.go)

	Accounts      *AccountStore
	Partners      *PartnerStore
	Engagements   *EngagementStore
	Audit         *AuditStore
	Selections    *SelectionStore
	Contracts     *ContractStore
	Work          *WorkStore
	Requests      *RequestStore
	Notices       *NoticeStore
	Meetings      *MeetingStore
	Proposals     *ProposalStore
	Reports       *ReportStore
	Notifications *NotificationStore
	KPI           *KPIStore
	Jobs          *JobStore
	Alerts        *AlertStore
	OwnMetrics    *OwnMetricStore
}

// Options configure Open.
type Options struct {
	// URL is a postgres:// URL; empty means SQLite in DataDir.
	URL string
	// DataDir holds tandem.db when URL is empty.
	DataDir string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// CountStatements counts the statements run under a context from
	// WithStatementCounter — for tests of a page's statement budget.
	CountStatements bool
}

// Open opens (creating if needed) the database and applies pending migrations.
func Open(ctx context.Context, o Options) (*DB, error) {
	db := &DB{now: o.Now, countStmts: o.CountStatements}
	if db.now == nil {
		db.now = time.Now
	}
	var err error
	switch {
	case o.URL == "":
		if err := os.MkdirAll(o.DataDir, 0o750); err != nil {
			return nil, fmt.Errorf("store: data dir: %w", err)
		}
		err = db.openSQLite(filepath.Join(o.DataDir, "tandem.db"))
	case strings.HasPrefix(o.URL, "postgres://"), strings.HasPrefix(o.URL, "postgresql://"):
		err = db.openPostgres(o.URL)
	default:
		return nil, errors.New("store: the database URL must start with postgres:// (or be empty for SQLite)")
	}
	if err != nil {
		return nil, err
	}
	db.gc = newWriter(db)
	if err := db.Ping(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if err := db.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if db.dialect.name() == "postgres" {
		if err := db.loadPGTables(ctx); err != nil {
			db.Close()
			return nil, fmt.Errorf("store: tables: %w", err)
		}
	}
	db.Accounts = &AccountStore{db}
	db.Partners = &PartnerStore{db}
	db.Engagements = &EngagementStore{db}
	db.Audit = &AuditStore{db}
	db.Selections = &SelectionStore{db}
	db.Contracts = &ContractStore{db}
	db.Work = &WorkStore{db}
	db.Requests = &RequestStore{db}
	db.Notices = &NoticeStore{db}
	db.Meetings = &MeetingStore{db}
	db.Proposals, db.Reports, db.Notifications = &ProposalStore{db}, &ReportStore{db}, &NotificationStore{db}
	db.KPI = newKPIStore(ctx, db)
	// Aggregates recorded before migration 0009 get their weekly rollup
	// once; a failure stops the start rather than serve wrong scorecards.
	if err := db.KPI.backfillWeekly(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: weekly KPI rollup: %w", err)
	}
	if err := db.refoldSearch(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: search text: %w", err)
	}
	db.Jobs, db.Alerts, db.OwnMetrics = &JobStore{db}, &AlertStore{db}, &OwnMetricStore{db}
	return db, nil
}

func (db *DB) openSQLite(path string) error {
	if abs, err := filepath.Abs(path); err == nil {
		db.file = abs
	}
	if err := registerSQLiteFuncs(); err != nil {
		return fmt.Errorf("store: sqlite functions: %w", err)
	}
	// busy_timeout first, so the other pragmas already wait for a lock.
	// synchronous(FULL): a write that was acknowledged survives a power cut.
	base := "file:" + path + "?_pragma=busy_timeout(" + strconv.Itoa(int(busyTimeout.Milliseconds())) + ")&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)" +
		"&_pragma=synchronous(FULL)&_time_format=sqlite"
	// The writer keeps a larger page cache than SQLite's default 2 MiB.
	// Recording a batch of facts touches a few
	// hundred pages spread over facts_engagement_day and the aggregates,
	// with their b-tree interiors; with the default cache, at a few million
	// facts those no longer fit and every batch reread them from the file.
	// The cache is 8 MiB, not more, because it is the server's memory: this
	// SQLite (modernc.org/sqlite) allocates each 4 KiB page of a cache in
	// an 8 KiB slot of its allocator, so a full cache of N MiB takes about
	// 2.2 × N MiB, and the writer's cache fills as the database grows (it
	// keeps every page a write touched). With the 64 MiB it had before
	// (~140 MiB once full), `bench soak` saw the server grow by ~2.4 MiB a
	// minute for as long as it ran; with 8 MiB its memory levels off after
	// about seven minutes (docs/speed.md, issue 16). It does not checkpoint
	// (wal_autocheckpoint 0): a connection of its own does, beside it
	// (checkpoint.go). temp_store(2) keeps statement journals in
	// memory: a multi-row INSERT (RecordFacts) journals the pages it
	// changes, and past 64 KiB SQLite would spill them to a temporary
	// file. None of this touches durability: each commit still syncs the
	// WAL (synchronous FULL).
	// The writer's log goes through walVFSName, which gathers a commit's
	// frames into one write (walbuffer.go). psow=1, SQLite's default,
	// pinned: without powersafe overwrite SQLite pads a commit to a
	// sector and writes the last padding frame's tail after its sync.
	if err := registerWALVFS(); err != nil {
		return err
	}
	w, err := openWriter(base+"&vfs="+walVFSName+"&psow=1&_txlock=immediate&_pragma=cache_size(-8192)&_pragma=wal_autocheckpoint(0)&_pragma=temp_store(2)", &db.tables)
	if err != nil {
		return fmt.Errorf("store: open sqlite: %w", err)
	}
	w.SetMaxOpenConns(1) // one writer: no "database is locked" between our own writes
	w.SetMaxIdleConns(1)
	// The gathered log is durable only if every commit syncs it (FULL or
	// EXTRA): walbuffer.go.
	var syncMode int
	if err := w.QueryRow(`PRAGMA synchronous`).Scan(&syncMode); err != nil || syncMode < 2 {
		w.Close()
		return fmt.Errorf("store: open sqlite: the writer's synchronous is %d, not FULL (%v)", syncMode, err)
	}
	// Readers map the file's first 2 GiB (mmap_size; SQLite's own cap,
	// SQLITE_MAX_MMAP_SIZE, in this build) instead of reading
	// each page by a system call into a 2 MiB cache of their own: an
	// agent's Today on a base of 1 million activities spent 30 % of its CPU
	// in pread, and with the mapping takes 40 % less CPU (the name search
	// as the agent 35 % less). Pages still in the write-ahead log are read
	// as before; writes never go through the mapping.
	r, err := sql.Open("sqlite", base+"&_pragma=query_only(1)&_pragma=mmap_size(2147418112)")
	if err != nil {
		w.Close()
		return fmt.Errorf("store: open sqlite: %w", err)
	}
	// Keep every reader open: reopening one re-runs the pragmas and rereads
	// the schema, which costs more than most queries.
	r.SetMaxOpenConns(8)
	r.SetMaxIdleConns(8)
	ck, err := sql.Open("sqlite", base)
	if err != nil {
		w.Close()
		r.Close()
		return fmt.Errorf("store: open sqlite: %w", err)
	}
	ck.SetMaxOpenConns(1)
	ck.SetMaxIdleConns(1)
	db.w, db.r, db.dialect = w, r, sqliteDialect{}
	db.ckpt = newCheckpointer(ck)
	return nil
}

func (db *DB) openPostgres(url string) error {
	p, err := sql.Open("pgx", url)
	if err != nil {
		return fmt.Errorf("store: open postgres: %w", err)
	}
	// As many kept idle as may be open: with fewer, a busy server closed
	// every connection it gave back beyond the idle ones and opened a new
	// one (a PostgreSQL backend: fork, authentication, a cold catalogue
	// cache) for the next request — the owner's home did 1,609–1,756
	// req/s under 50 connections with 10 kept, 4,958–5,112 with 20.
	p.SetMaxOpenConns(20)
	p.SetMaxIdleConns(20)
	p.SetConnMaxIdleTime(5 * time.Minute)
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		p.Close()
		return fmt.Errorf("store: open postgres: %w", err)
	}
	cfg.RuntimeParams["enable_seqscan"] = "off" // writerPlans
	b := stdlib.OpenDB(*cfg)
	b.SetMaxOpenConns(1)
	b.SetMaxIdleConns(1)
	db.w, db.r, db.batches, db.dialect, db.url = p, p, b, postgresDialect{}, url
	return nil
}

// Dialect names the database: "sqlite" or "postgres".
func (db *DB) Dialect() string { return db.dialect.name() }

// AfterBulkLoad does what the database would do by itself some time after
// a bulk load (the demo's): on PostgreSQL it gathers every table's
// statistics for the planner (autovacuum's analyze, which may be off or a
// minute away); on SQLite nothing — its queries are planned without
// statistics (the migrations' indexes are chosen for that).
func (db *DB) AfterBulkLoad(ctx context.Context) error {
	if db.pg == nil {
		return nil
	}
	if _, err := db.w.ExecContext(ctx, `ANALYZE`); err != nil {
		return fmt.Errorf("store: analyze: %w", err)
	}
	return nil
}

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.r.PingContext(ctx); err != nil {
		return fmt.Errorf("store: ping: %w", err)
	}
	if db.w != db.r {
		if err := db.w.PingContext(ctx); err != nil {
			return fmt.Errorf("store: ping: %w", err)
		}
	}
	return nil
}

// Close closes the database. On SQLite the writer first runs the
// transactions already handed to it; a write asked for afterwards fails.
func (db *DB) Close() error {
	if db.gc != nil {
		db.gc.close()
	}
	if db.ckpt != nil {
		db.ckpt.close()
	}
	db.closeListener()
	db.stmtMu.Lock()
	for _, st := range db.stmts {
		st.Close()
	}
	db.stmts = nil
	db.stmtMu.Unlock()
	err := db.w.Close()
	if db.batches != nil {
		if e := db.batches.Close(); err == nil {
			err = e
		}
	}
	if db.r != db.w {
		if e := db.r.Close(); err == nil {
			err = e
		}
	}
	return err
}

// Now returns the store's clock reading, in UTC at microsecond precision
// (what both databases keep).
func (db *DB) Now() time.Time { return db.now().UTC().Truncate(time.Microsecond) }

func (db *DB) migrate(ctx context.Context) error {
	dir := "migrations/" + db.dialect.name()
	entries, err := migrations.ReadDir(dir)
	if err != nil {
		return err
	}
	conn, err := db.w.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	unlock, err := db.dialect.lockMigrations(ctx, conn)
	if err != nil {
		return fmt.Errorf("store: migration lock: %w", err)
	}
	defer unlock()
	if _, err := conn.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`); err != nil {
		return fmt.Errorf("store: migrations table: %w", err)
	}
	applied := map[int]bool{}
	rows, err := conn.QueryContext(ctx, `SELECT version FROM schema_migrations`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			rows.Close()
			return err
		}
		applied[v] = true
	}
	rows.Close()
	for _, e := range entries {
		var version int
		if _, err := fmt.Sscanf(e.Name(), "%04d_", &version); err != nil || !strings.HasSuffix(e.Name(), ".sql") {
			return fmt.Errorf("store: migration file %q must be named NNNN_name.sql", e.Name())
		}
		if applied[version] {
			continue
		}
		body, err := migrations.ReadFile(dir + "/" + e.Name())
		if err != nil {
			return err
		}
		tx, err := conn.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, string(body)); err != nil {
			tx.Rollback()
			return fmt.Errorf("store: migration %s: %w", e.Name(), err)
		}
		if _, err := tx.ExecContext(ctx, db.dialect.rebind(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`),
			version, e.Name(), db.Now().Format(time.RFC3339)); err != nil {
			tx.Rollback()
			return err
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("store: migration %s: %w", e.Name(), err)
		}
	}
	return nil
}

// SchemaVersion returns the highest applied migration.
func (db *DB) SchemaVersion(ctx context.Context) (int, error) {
	var v sql.NullInt64
	err := db.r.QueryRowContext(ctx, `SELECT MAX(version) FROM schema_migrations`).Scan(&v)
	return int(v.Int64), err
}
