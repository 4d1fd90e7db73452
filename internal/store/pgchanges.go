package store

import (
	"context"
	"errors"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Which tables changed, and which a result read (PostgreSQL): see memo.go.
//
// Writes. Every table has a statement trigger (tandem_changed, migration
// 0044; Open gives it to a table that lacks it): a transaction's first
// change inserts one row into table_changes, and every table it changes
// is named in that row once — as inserted into, or as updated, deleted
// from or truncated (written at COMMIT by a deferred trigger when it is
// more than the first, migration 0051). A cascade's and a trigger's statements fire it, and
// so do writes made outside Tandem (psql). The row commits with the
// transaction or not at all, so every instance on the database learns
// the same tables of the same transactions, and it costs no round trip.
// ExecRaw adds a row of its own naming "*": everything (DDL fires no
// trigger). PostgreSQL's own per-transaction counts
// (pg_stat_get_xact_tuples_*) are no help: on 15 they also hold earlier
// transactions' counts not yet flushed.
//
// Revisions. A request's revision is its snapshot (pg_current_snapshot,
// read with the identity): which transactions had committed when it
// began. Each instance keeps the snapshot of its last look at
// table_changes; when a request's snapshot sees a transaction that one
// did not (a write committed since, here or in another instance), the
// instance looks again — one statement, shared by the requests waiting —
// and stamps the tables of the rows it had not seen (tableRevs, as
// SQLite's writer does). A result is then kept as on SQLite: while none of
// the tables it read was stamped since its computation began. A person
// who writes and then reads, through any instance, reads with a snapshot
// that sees the write, so the look happens before the read. Rows are read
// from the last look's xmin on (every transaction before it had ended);
// those of transactions still running then are read again and skipped.
// A row is deleted a minute after a look saw its transaction ended (the
// xmin of that look, remembered); an instance that has not looked for 30
// seconds takes everything as changed, so none misses a row.
//
// Reads. The tables a statement reads are the words of its text that name
// a table of the schema (the statements are ours: no views, no functions
// that read). A table joined or selected only by its primary key id —
// JOIN partners pa ON pa.id = e.partner_id, FROM users WHERE id = ? — is a
// lookup: a row inserted since cannot be one it looked up (ids come from
// sequences, never given twice), so only its updates and deletes end the
// result. Any other use of the table (a second mention, an OR beside the
// condition, a column qualified by the table's own name) reads all of it.
//
// Not seen: DDL and a table made outside the migrations (until the next
// start gives it the trigger).

// changesLag is how long an instance may go without looking at
// table_changes before it takes everything as changed; changesKept how
// long after a look saw a transaction ended its row stays (well above
// changesLag), marked every pruneEvery.
const (
	changesLag  = 30 * time.Second
	changesKept = time.Minute
	pruneEvery  = 10 * time.Second
)

// pgTables is what the change log needs of the schema.
type pgTables struct {
	known map[string]bool // every table of the schema
	byID  map[string]bool // those whose primary key is the one column id
}

// pgChanges is an instance's view of table_changes.
type pgChanges struct {
	pgTables
	last atomic.Pointer[snapshot] // the snapshot of the last look

	mu      sync.Mutex
	begun   uint64 // looks begun, under mu
	looking *look  // the look under way, under mu

	// Of the one look under way:
	xmin   uint64           // the last look's xmin
	seen   map[int64]uint64 // rows seen of transactions at or after xmin: id → xid
	looked time.Time
	marks  []mark // xmins of looks, one per pruneEvery: rows before them are deleted changesKept after

	listener *pgListener // changes as announced (pglisten.go)
	noticed  noticed
}

// mark is a look's xmin and when it was seen.
type mark struct {
	at   time.Time
	xmin uint64
}

// look is one look at table_changes: the n-th begun.
type look struct {
	n    uint64
	err  error
	done chan struct{} // closed when err is set
}

// loadPGTables reads the schema's tables (after the migrations) and
// gives the trigger to those that lack it.
func (db *DB) loadPGTables(ctx context.Context) error {
	c := &pgChanges{pgTables: pgTables{known: map[string]bool{}, byID: map[string]bool{}}}
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	// One instance at a time (several may start together).
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(7421001)`); err != nil {
		return err
	}
	rows, err := tx.QueryContext(ctx, `SELECT c.relname,
		EXISTS (SELECT 1 FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
			WHERE i.indrelid = c.oid AND i.indisprimary AND i.indnkeyatts = 1 AND a.attname = 'id'),
		EXISTS (SELECT 1 FROM pg_trigger t WHERE t.tgrelid = c.oid AND t.tgname = 'tandem_changed')
		FROM pg_class c
		WHERE c.relnamespace = to_regnamespace(current_schema()) AND c.relkind IN ('r', 'p') AND c.relname <> 'table_changes'
		ORDER BY c.relname`)
	if err != nil {
		return err
	}
	var bare []string
	for rows.Next() {
		var name string
		var byID, trigger bool
		if err := rows.Scan(&name, &byID, &trigger); err != nil {
			rows.Close()
			return err
		}
		c.known[name], c.byID[name] = true, byID
		if !trigger {
			bare = append(bare, name)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, name := range bare {
		if _, err := tx.ExecContext(ctx, `CREATE TRIGGER tandem_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON `+
			quoteIdent(name)+` FOR EACH STATEMENT EXECUTE FUNCTION tandem_changed()`); err != nil {
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	c.listener = &pgListener{url: db.url}
	db.pg = c
	return nil
}

// noteEverything adds a row naming every table, and announces it as the
// trigger would (pglisten.go).
const noteEverything = `WITH c AS (INSERT INTO table_changes (inserted) VALUES ('{*}') RETURNING 1)
	SELECT pg_notify('` + changesChannel + `', '') FROM c`

// pgRevision is the revision of a request whose snapshot is snap: the
// stamps once this instance has looked at every change snap sees.
func (db *DB) pgRevision(ctx context.Context, snap string) (revision, error) {
	c := db.pg
	s, ok := parseSnapshot(snap)
	return db.pgLookUntil(ctx, func() bool {
		p := c.last.Load()
		return ok && p != nil && p.covers(s)
	})
}

// pgLookUntil is the local revision once covered holds: at once when it
// does, or after a look at the change log begun after the call. The
// requests waiting share looks, as writers share a group commit: a look
// begun after a request read its snapshot (or the count of changes
// announced, pgNoticed) sees all it sees.
func (db *DB) pgLookUntil(ctx context.Context, covered func() bool) (revision, error) {
	c := db.pg
	if covered() {
		return db.localRevision(), nil
	}
	c.mu.Lock()
	after := c.begun // a look numbered above it began after the caller asked
	for !covered() {
		if l := c.looking; l != nil {
			c.mu.Unlock()
			select {
			case <-l.done:
			case <-ctx.Done():
				return revision{}, ctx.Err()
			}
			if l.n > after {
				return db.localRevision(), l.err
			}
			c.mu.Lock()
			continue
		}
		c.begun++
		l := &look{n: c.begun, done: make(chan struct{})}
		c.looking = l
		c.mu.Unlock()
		// Not ended by this request's end: others wait for it.
		l.err = db.lookAtChanges(context.WithoutCancel(ctx))
		c.mu.Lock()
		c.looking = nil
		c.mu.Unlock()
		close(l.done)
		return db.localRevision(), l.err
	}
	c.mu.Unlock()
	return db.localRevision(), nil
}

func (db *DB) localRevision() revision {
	return revision{local: db.writes.Load(), stamp: db.tables.stamp()}
}

// lookAtChanges reads the rows of table_changes this instance has not
// seen and stamps their tables; one look at a time (pgRevision).
func (db *DB) lookAtChanges(ctx context.Context) error {
	c := db.pg
	now := time.Now()
	announced := c.noticed.count.Load() // all of it committed before the snapshot below
	rows, err := db.r.QueryContext(ctx, `SELECT pg_current_snapshot()::text, COALESCE(c.id, 0), COALESCE(c.xid::text, '0'),
		COALESCE(array_to_string(c.inserted, ','), ''), COALESCE(array_to_string(c.changed, ','), '')
		FROM (SELECT 1) one LEFT JOIN table_changes c ON c.xid >= $1::text::xid8`, strconv.FormatUint(c.xmin, 10))
	if err != nil {
		return err
	}
	defer rows.Close()
	var snap string
	var inserted, changed []string
	all := !c.looked.IsZero() && now.Sub(c.looked) > changesLag
	fresh := map[int64]uint64{}
	for rows.Next() {
		var id int64
		var xid, ins, chg string
		if err := rows.Scan(&snap, &id, &xid, &ins, &chg); err != nil {
			return err
		}
		if _, ok := c.seen[id]; id == 0 || ok {
			continue
		}
		x, _ := strconv.ParseUint(xid, 10, 64)
		fresh[id] = x
		for _, t := range strings.Split(ins, ",") {
			all = all || t == "*"
			if t != "" {
				inserted = append(inserted, t)
			}
		}
		for _, t := range strings.Split(chg, ",") {
			all = all || t == "*"
			if t != "" {
				changed = append(changed, t)
			}
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	p, ok := parseSnapshot(snap)
	if !ok {
		return errBadSnapshot
	}
	switch {
	case all:
		db.tables.committedAll()
		db.writes.Add(1)
	case len(fresh) > 0:
		db.tables.changedTables(inserted, changed)
		db.writes.Add(1)
	}
	if c.seen == nil {
		c.seen = map[int64]uint64{}
	}
	for id, x := range fresh {
		c.seen[id] = x
	}
	maps.DeleteFunc(c.seen, func(_ int64, x uint64) bool { return x < p.xmin })
	c.xmin, c.looked = p.xmin, now
	c.last.Store(&p)
	c.noticed.through.Store(announced)
	if len(c.marks) == 0 || now.Sub(c.marks[len(c.marks)-1].at) >= pruneEvery {
		c.marks = append(c.marks, mark{now, p.xmin})
	}
	// Pruning does not decide what this look saw: a DELETE that fails
	// keeps its mark, to be tried again at the next look, and fails no
	// request.
	if m := c.marks[0]; now.Sub(m.at) >= changesKept {
		if _, err := db.w.ExecContext(ctx, `DELETE FROM table_changes WHERE xid < $1::text::xid8`, strconv.FormatUint(m.xmin, 10)); err == nil {
			c.marks = c.marks[1:]
		}
	}
	return nil
}

var errBadSnapshot = errors.New("store: PostgreSQL answered a snapshot that does not parse")

// snapshot is a PostgreSQL snapshot (pg_current_snapshot): transactions
// before xmin have ended, those from xmax on had not begun, those in xip
// were running.
type snapshot struct {
	xmin, xmax uint64
	xip        []uint64
}

// parseSnapshot reads "xmin:xmax:xip,xip,…".
func parseSnapshot(s string) (snapshot, bool) {
	parts := strings.Split(s, ":")
	if len(parts) != 3 {
		return snapshot{}, false
	}
	var p snapshot
	var err1, err2 error
	p.xmin, err1 = strconv.ParseUint(parts[0], 10, 64)
	p.xmax, err2 = strconv.ParseUint(parts[1], 10, 64)
	if err1 != nil || err2 != nil {
		return snapshot{}, false
	}
	if parts[2] != "" {
		for _, x := range strings.Split(parts[2], ",") {
			n, err := strconv.ParseUint(x, 10, 64)
			if err != nil {
				return snapshot{}, false
			}
			p.xip = append(p.xip, n)
		}
	}
	return p, true
}

// covers tells whether every transaction s sees as committed, p sees too:
// p began after all of them ended.
func (p *snapshot) covers(s snapshot) bool {
	if p.xmax < s.xmax {
		return false // a transaction began after p that s may see
	}
	for _, x := range p.xip {
		if x < s.xmax && !slices.Contains(s.xip, x) {
			return false // running for p, ended for s
		}
	}
	return true
}

// pgReadTables are the tables statement q reads (see the top of this
// file), worked out once per text.
func (db *DB) pgReadTables(q string) []tableRead {
	t := &db.tables
	t.textMu.RLock()
	reads, ok := t.texts[q]
	t.textMu.RUnlock()
	if ok {
		return reads
	}
	reads = db.pg.reads(q)
	t.textMu.Lock()
	if t.texts == nil || len(t.texts) >= tablesMax {
		t.texts = map[string][]tableRead{}
	}
	t.texts[q] = reads
	t.textMu.Unlock()
	return reads
}

// reads are the tables statement q reads (see the top of this file).
func (c *pgTables) reads(q string) []tableRead {
	words := sqlWords(q)
	lookup := map[string]bool{}
	for i, w := range words {
		if !c.known[w] {
			continue
		}
		l := c.byID[w] && lookupAt(words, i)
		was, seen := lookup[w]
		lookup[w] = l && (was || !seen)
	}
	reads := make([]tableRead, 0, len(lookup))
	for t, l := range lookup {
		reads = append(reads, tableRead{t, l})
	}
	slices.SortFunc(reads, func(a, b tableRead) int { return strings.Compare(a.table, b.table) })
	return reads
}

// sqlWords splits q into lower-case words, parameters ("?" for $N and ?)
// and single punctuation marks; string literals and comments dropped.
func sqlWords(q string) []string {
	var words []string
	for i := 0; i < len(q); {
		ch := q[i]
		switch {
		case ch == '\'':
			for i++; i < len(q); i++ {
				if q[i] == '\'' {
					if i+1 < len(q) && q[i+1] == '\'' {
						i++
						continue
					}
					break
				}
			}
			i++
		case ch == '-' && i+1 < len(q) && q[i+1] == '-':
			for i < len(q) && q[i] != '\n' {
				i++
			}
		case ch == '"':
			j := strings.IndexByte(q[i+1:], '"')
			if j < 0 {
				j = len(q) - i - 1
			}
			words = append(words, strings.ToLower(q[i+1:i+1+j]))
			i += j + 2
		case ch == '?' || ch == '$' && i+1 < len(q) && isDigit(q[i+1]):
			for i++; i < len(q) && isDigit(q[i]); i++ {
			}
			words = append(words, "?")
		case isWordByte(ch):
			j := i
			for j < len(q) && isWordByte(q[j]) {
				j++
			}
			words = append(words, strings.ToLower(q[i:j]))
			i = j
		case ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r':
			i++
		default:
			if ch == ':' && i+1 < len(q) && q[i+1] == ':' {
				words = append(words, "::")
				i += 2
				continue
			}
			words = append(words, q[i:i+1])
			i++
		}
	}
	return words
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isWordByte(c byte) bool {
	return c == '_' || isDigit(c) || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}

// wordAt is words[k], "" outside them.
func wordAt(words []string, k int) string {
	if k < 0 || k >= len(words) {
		return ""
	}
	return words[k]
}

// isName tells whether w is a word (not a mark or a parameter).
func isName(w string) bool { return w != "" && isWordByte(w[0]) }

// clauseEnds are the words that end a join's or a WHERE's condition.
var clauseEnds = map[string]bool{
	"join": true, "left": true, "right": true, "inner": true, "full": true, "cross": true, "natural": true,
	"where": true, "group": true, "order": true, "limit": true, "offset": true, "having": true, "window": true,
	"union": true, "except": true, "intersect": true, "returning": true, "for": true, "on": true,
	",": true, ";": true,
}

// lookupAt tells whether the table named at words[i] is only looked up
// by its id there: "[LEFT] JOIN t [a] ON … a.id = x.y …" or "FROM t [a] …
// WHERE … [a.]id = ? …", where the condition is one of the ANDs of its
// clause (no OR beside it) and x.y is another table's column ("id" alone
// only when t is the one table of its FROM).
func lookupAt(words []string, i int) bool {
	word := func(k int) string { return wordAt(words, k) }
	if word(i+1) == "." || word(i-2) == "right" || word(i-2) == "full" || word(i-3) == "right" || word(i-3) == "full" {
		return false
	}
	alias, j := words[i], i+1
	if word(j) == "as" {
		j++
	}
	if w := word(j); isName(w) && !clauseEnds[w] {
		alias, j = w, j+1
	}
	switch word(i - 1) {
	case "join":
		return word(j) == "on" && idCondition(words, j+1, alias, false)
	case "from":
		alone := word(j) == "where"
		for depth := 0; j < len(words); j++ { // this SELECT's WHERE
			switch w := words[j]; {
			case w == "(":
				depth++
			case w == ")":
				if depth == 0 {
					return false
				}
				depth--
			case depth > 0:
			case w == "where":
				return idCondition(words, j+1, alias, alone)
			case w == "group" || w == "order" || w == "limit" || w == "having" || w == "union" ||
				w == "except" || w == "intersect" || w == ";":
				return false
			}
		}
	}
	return false
}

// idCondition tells whether the condition from words[k] on has, among
// the ANDs at its top level and no OR, "alias.id = x" or "x = alias.id"
// (bare: "id" too), x a parameter or another table's column.
func idCondition(words []string, k int, alias string, bare bool) bool {
	word := func(k int) string { return wordAt(words, k) }
	ownID := func(k int) int { // past alias.id at k, or -1
		if word(k) == alias && word(k+1) == "." && word(k+2) == "id" {
			return k + 3
		}
		if bare && word(k) == "id" && word(k+1) != "." {
			return k + 1
		}
		return -1
	}
	other := func(k int) int { // past a parameter or x.y at k (and its casts), or -1
		switch w := word(k); {
		case w == "?":
			k++
		case isName(w) && w != alias && !clauseEnds[w] && word(k+1) == "." && isName(word(k+2)):
			k += 3
		default:
			return -1
		}
		for word(k) == "::" && isName(word(k+1)) {
			k += 2
		}
		return k
	}
	ends := func(k int) bool { // the conjunct ends at k
		w := word(k)
		return w == "" || w == "and" || w == ")" || clauseEnds[w]
	}
	found := false
	for depth, start := 0, true; k < len(words); k++ {
		if start && depth == 0 {
			if e := ownID(k); e >= 0 && word(e) == "=" {
				if e = other(e + 1); e >= 0 && ends(e) {
					found = true
				}
			} else if e := other(k); e >= 0 && word(e) == "=" {
				if e = ownID(e + 1); e >= 0 && ends(e) {
					found = true
				}
			}
		}
		start = false
		switch w := words[k]; {
		case w == "(":
			depth++
		case w == ")":
			if depth == 0 {
				return found
			}
			depth--
		case depth > 0:
		case w == "or":
			return false
		case w == "and":
			start = true
		case clauseEnds[w]:
			return found
		}
	}
	return found
}
