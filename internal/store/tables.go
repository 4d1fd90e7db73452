package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"slices"
	"strings"
	"sync"

	"modernc.org/sqlite"
)

// Which tables changed, and which a result read (SQLite): see memo.go.
//
// Writes. Every connection of the writer pool is opened with SQLite's
// pre-update hook (writerConnector): each row an INSERT, UPDATE or DELETE
// changes — a trigger's and a cascade's included — names its table into
// the pending set. After a COMMIT of the writer goroutine (the group
// commit, the only writer of requests), DB.wrote stamps each pending
// table with the next number of a sequence. A write outside it (ExecRaw)
// stamps everything (wroteAll): its rows may have been stamped before
// they committed.
//
// Reads. SQLite says which tables a statement reads: the OpenRead (and
// ReopenIdx) instructions of its EXPLAIN name the root pages of the
// tables and indexes it opens, and sqlite_schema maps each page to its
// table. A result computed under Remember gets every table its statements
// read; a text is explained once (readTables, at most tablesMax texts).
// A statement that cannot be explained, or a page that is not in the
// schema, makes the result depend on everything.
//
// Lookups. A statement that only looks rows of a table up by their id —
// an engagement's partner for its name (JOIN partners pa ON pa.id =
// e.partner_id) — cannot see a row inserted since: its EXPLAIN opens the
// table itself (not an index) and positions it only by SeekRowid or
// NotExists. Such a read depends on the table's updates and deletes, not
// its inserts; any other use of the table's cursors (a scan, a range, an
// index) depends on every change. An insert under an id at or below the
// largest this process saw deleted from the table (SQLite may give a
// deleted id again) counts as a change, so a lookup that found nothing
// there is not kept past it. Only a table whose rowid is its own id
// column is looked up so (schemaRoots): the rowid of
// engagement_terminations is its engagement_id, given by the code, and a
// lookup of a termination not given yet must end when it is.

// tablesMax is the most statement texts whose tables are kept; a full
// map starts over.
const tablesMax = 4096

// tableRevs are the stamps of the tables the writer changed.
type tableRevs struct {
	mu      sync.Mutex
	seq     uint64            // the last stamp given
	all     uint64            // the stamp of the last write that may have changed anything
	rev     map[string]uint64 // the stamp of each table's last change of any kind
	updated map[string]uint64 // … of each table's last update or delete (see Lookups)
	pending map[string]uint8  // tables the writer changed since its last COMMIT: inserted, updated
	deleted map[string]int64  // the largest id deleted from each table

	// readTables' cache: the tables of each statement text, and the
	// tables of the schema's root pages.
	textMu sync.RWMutex
	texts  map[string][]tableRead
	roots  map[int64]root
}

// tableRead is a table a statement reads; lookup: only by id (see Lookups).
type tableRead struct {
	table  string
	lookup bool
}

// root is what a root page of the schema holds: a table, or an index of it.
type root struct {
	table    string
	noLookup bool // an index, a WITHOUT ROWID table, or a rowid that is not the table's id
}

const (
	inserted uint8 = 1 << iota
	updated
)

// SQLite's codes of a change (sqlite3_preupdate_hook).
const (
	opDelete = 9
	opInsert = 18
)

// changed is the pre-update hook: a row of table is about to change.
func (t *tableRevs) changed(d sqlite.SQLitePreUpdateData) {
	t.mu.Lock()
	if t.pending == nil {
		t.pending, t.deleted = map[string]uint8{}, map[string]int64{}
	}
	what := inserted | updated
	switch d.Op {
	case opInsert:
		if d.NewRowID > t.deleted[d.TableName] {
			what = inserted
		}
	case opDelete:
		t.deleted[d.TableName] = max(t.deleted[d.TableName], d.OldRowID)
	}
	t.pending[d.TableName] |= what
	t.mu.Unlock()
}

// committed stamps the tables changed since the last commit.
func (t *tableRevs) committed() {
	t.mu.Lock()
	if len(t.pending) > 0 {
		t.seq++
		if t.rev == nil {
			t.rev, t.updated = map[string]uint64{}, map[string]uint64{}
		}
		for table, what := range t.pending {
			t.rev[table] = t.seq
			if what&updated != 0 {
				t.updated[table] = t.seq
			}
		}
		clear(t.pending)
	}
	t.mu.Unlock()
}

// changedTables stamps, as one commit, the tables PostgreSQL's change log
// names (pgchanges.go): inserted into, and updated or deleted from.
func (t *tableRevs) changedTables(ins, chg []string) {
	t.mu.Lock()
	if t.pending == nil {
		t.pending, t.deleted = map[string]uint8{}, map[string]int64{}
	}
	for _, table := range ins {
		t.pending[table] |= inserted
	}
	for _, table := range chg {
		t.pending[table] |= inserted | updated
	}
	t.mu.Unlock()
	t.committed()
}

// committedAll stamps every table.
func (t *tableRevs) committedAll() {
	t.mu.Lock()
	t.seq++
	t.all = t.seq
	clear(t.pending)
	t.mu.Unlock()
}

// stamp is the last stamp given: a result computed from now on holds
// every change stamped up to it.
func (t *tableRevs) stamp() uint64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.seq
}

// unchangedSince tells whether no change after stamp s touched what
// reads read.
func (t *tableRevs) unchangedSince(reads []tableRead, s uint64) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.all > s {
		return false
	}
	for _, r := range reads {
		if r.lookup && t.updated[r.table] > s || !r.lookup && t.rev[r.table] > s {
			return false
		}
	}
	return true
}

// writerConnector opens the writer's connections with the pre-update hook.
type writerConnector struct {
	driver.Connector
	tables *tableRevs
}

func (c writerConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	h, ok := conn.(sqlite.HookRegisterer)
	if !ok {
		conn.Close()
		return nil, fmt.Errorf("store: the sqlite driver has no pre-update hook")
	}
	h.RegisterPreUpdateHook(c.tables.changed)
	return conn, nil
}

// openWriter opens dsn as the writer pool, its changes stamped in t.
func openWriter(dsn string, t *tableRevs) (*sql.DB, error) {
	base, err := sqlite.NewConnector(dsn)
	if err != nil {
		return nil, err
	}
	return sql.OpenDB(writerConnector{Connector: base, tables: t}), nil
}

// readTables returns the tables statement q reads, ok false when SQLite
// cannot say (see the top of this file).
func (db *DB) readTables(ctx context.Context, q string) (_ []tableRead, ok bool) {
	t := &db.tables
	t.textMu.RLock()
	reads, ok := t.texts[q]
	t.textMu.RUnlock()
	if ok {
		return reads, true
	}
	// A request that ends while its statement is explained still has the
	// statement's tables recorded, not "everything".
	ctx = context.WithoutCancel(ctx)
	code, err := explain(ctx, db.r, q)
	if err != nil {
		return nil, false
	}
	t.textMu.Lock()
	defer t.textMu.Unlock()
	for again := false; ; again = true {
		reads, ok = readsOf(code, t.roots)
		if ok || again {
			break
		}
		if t.roots, err = schemaRoots(ctx, db.r); err != nil { // an index made since: read the schema again
			return nil, false
		}
	}
	if !ok {
		return nil, false
	}
	if t.texts == nil || len(t.texts) >= tablesMax {
		t.texts = map[string][]tableRead{}
	}
	t.texts[q] = reads
	return reads, true
}

// instruction is one line of EXPLAIN.
type instruction struct {
	opcode     string
	p1, p2, p3 int64
}

// cursorOps are SQLite's instructions whose P1 is a cursor (its opcode
// reference, sqlite.org/opcode.html), true those a cursor on a table may
// get and still only look rows up by id. Another instruction with P1
// equal to a cursor's number is about a register, not the cursor.
var cursorOps = map[string]bool{
	"OpenRead": true, "SeekRowid": true, "NotExists": true, "Column": true, "Rowid": true, "NullRow": true,
	"IfNullRow": true, "Close": true, "ColumnsUsed": true, "CursorHint": true, "FinishSeek": true, "Offset": true,
	"IfNotOpen": true, "RowData": true,
	"Count": false, "CursorLock": false, "CursorUnlock": false, "DeferredSeek": false, "Delete": false,
	"Found": false, "IdxDelete": false, "IdxGE": false, "IdxGT": false, "IdxInsert": false, "IdxLE": false,
	"IdxLT": false, "IdxRowid": false, "IfEmpty": false, "IfNoHope": false, "IfSizeBetween": false,
	"IfSmaller": false, "Insert": false, "Last": false, "Next": false, "NoConflict": false, "NotFound": false,
	"OpenAutoindex": false, "OpenDup": false, "OpenEphemeral": false, "OpenPseudo": false, "OpenWrite": false,
	"Prev": false, "ReopenIdx": false, "ResetSorter": false, "Rewind": false, "RowCell": false, "SeekEnd": false,
	"SeekGE": false, "SeekGT": false, "SeekHit": false, "SeekLE": false, "SeekLT": false, "SeekScan": false,
	"Sequence": false, "SequenceTest": false, "Sort": false, "SorterCompare": false, "SorterData": false,
	"SorterInsert": false, "SorterNext": false, "SorterOpen": false, "SorterSort": false,
}

// readsOf are the tables code reads, sorted by name; false when it opens
// a page not in roots.
func readsOf(code []instruction, roots map[int64]root) ([]tableRead, bool) {
	cursors := map[int64]root{} // the cursors open on the main database
	for _, in := range code {
		switch in.opcode {
		case "OpenRead", "ReopenIdx", "OpenWrite":
			if in.p3 != 0 { // the temporary database: not ours
				continue
			}
			r, ok := roots[in.p2]
			if !ok {
				return nil, false
			}
			if in.opcode != "OpenRead" {
				r.noLookup = true
			}
			cursors[in.p1] = r
		}
	}
	lookup := map[string]bool{}
	for c, r := range cursors {
		if _, seen := lookup[r.table]; !seen {
			lookup[r.table] = true
		}
		if r.noLookup {
			lookup[r.table] = false
			continue
		}
		for _, in := range code {
			lookupOp, cursorOp := cursorOps[in.opcode]
			if in.p1 == c && cursorOp && !lookupOp || in.opcode == "OpenDup" && in.p2 == c {
				lookup[r.table] = false
				break
			}
		}
	}
	reads := make([]tableRead, 0, len(lookup))
	for table, l := range lookup {
		reads = append(reads, tableRead{table, l})
	}
	slices.SortFunc(reads, func(a, b tableRead) int { return strings.Compare(a.table, b.table) })
	return reads, true
}

// explain returns the instructions SQLite compiles statement q into.
func explain(ctx context.Context, r *sql.DB, q string) ([]instruction, error) {
	rows, err := r.QueryContext(ctx, "EXPLAIN "+q, make([]any, parameters(q))...) // unbound: NULL
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var code []instruction
	for rows.Next() {
		var in instruction
		var addr, p5 int64
		var p4, comment sql.NullString
		if err := rows.Scan(&addr, &in.opcode, &in.p1, &in.p2, &in.p3, &p4, &p5, &comment); err != nil {
			return nil, err
		}
		code = append(code, in)
	}
	return code, rows.Err()
}

// parameters is how many parameters SQLite numbers in q: "?" takes the
// number after the largest so far, "?N" the number N (string literals
// skipped).
func parameters(q string) int {
	largest := 0
	for i := 0; i < len(q); i++ {
		switch q[i] {
		case '\'':
			for i++; i < len(q) && q[i] != '\''; i++ {
			}
		case '?':
			n, j := 0, i+1
			for ; j < len(q) && q[j] >= '0' && q[j] <= '9'; j++ {
				n = n*10 + int(q[j]-'0')
			}
			if j == i+1 {
				n = largest + 1
			}
			largest, i = max(largest, n), j-1
		}
	}
	return largest
}

// schemaRoots maps the root page of every table and index to its table,
// and says which are never looked up by id: an index; a WITHOUT ROWID
// table, whose page is its primary key's index; a table whose rowid is
// not its own id column (see Lookups).
func schemaRoots(ctx context.Context, r *sql.DB) (map[int64]root, error) {
	rows, err := r.QueryContext(ctx, `SELECT s.rootpage, s.tbl_name, s.type = 'index' OR s.sql LIKE '%WITHOUT ROWID%'
		OR NOT EXISTS (SELECT 1 FROM pragma_table_info(s.tbl_name) c WHERE c.pk = 1 AND c.name = 'id' AND upper(c.type) = 'INTEGER')
		OR (SELECT COUNT(*) FROM pragma_table_info(s.tbl_name) c WHERE c.pk > 0) <> 1
		FROM sqlite_schema s WHERE s.rootpage > 0`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	roots := map[int64]root{}
	for rows.Next() {
		var page int64
		var r root
		if err := rows.Scan(&page, &r.table, &r.noLookup); err != nil {
			return nil, err
		}
		roots[page] = r
	}
	return roots, rows.Err()
}
