package store

import (
	"bufio"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/tandemhq/tandem/internal/access"
	"github.com/tandemhq/tandem/internal/bundle"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/tandem"
)

// PackageStore exports and imports handover packages (package bundle).
type PackageStore struct{ db *DB }

// Packages returns the handover-package store.
func (db *DB) Packages() *PackageStore { return &PackageStore{db} }

// ErrPackageOwner: only the client's owner may export a package.
var ErrPackageOwner = tandem.Errorf(tandem.EForbidden, i18n.K("bundle.owner_only"))

// signingKey returns the installation's signing key and id, making them
// on first use.
func (s *PackageStore) signingKey(ctx context.Context) (ed25519.PrivateKey, string, error) {
	var inst string
	var seed []byte
	err := s.db.queryRow(ctx, `SELECT installation, private_key FROM package_keys WHERE id = 1`).Scan(&inst, &seed)
	if errors.Is(err, sql.ErrNoRows) {
		seed = make([]byte, ed25519.SeedSize)
		id := make([]byte, 8)
		if _, err := rand.Read(seed); err != nil {
			return nil, "", err
		}
		if _, err := rand.Read(id); err != nil {
			return nil, "", err
		}
		inst = hex.EncodeToString(id)
		err = s.db.transact(ctx, func(tx *Tx) error {
			_, err := tx.exec(ctx, `INSERT INTO package_keys (id, installation, private_key, created_at) VALUES (1, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
				inst, seed, tx.now)
			return err
		})
		if err != nil {
			return nil, "", err
		}
		err = s.db.queryRow(ctx, `SELECT installation, private_key FROM package_keys WHERE id = 1`).Scan(&inst, &seed)
	}
	if err != nil {
		return nil, "", err
	}
	return ed25519.NewKeyFromSeed(seed), inst, nil
}

// Row is one exported row: column → JSON value.
type pkgRow = map[string]any

// readRows reads the rows of a query as JSON-ready maps: times as UTC
// RFC 3339, blobs as base64 (by encoding/json), booleans as 0/1, so that
// SQLite and PostgreSQL export the same text.
func readRows(ctx context.Context, q querier, query string, args ...any) ([]pkgRow, error) {
	var out []pkgRow
	err := eachRowOf(ctx, q, func(r pkgRow) error { out = append(out, r); return nil }, query, args...)
	return out, err
}

// eachRowOf calls fn with each row of a query as readRows reads it, one
// at a time.
func eachRowOf(ctx context.Context, q querier, fn func(pkgRow) error, query string, args ...any) error {
	rows, err := q.query(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	cols, err := rows.ColumnTypes()
	if err != nil {
		return err
	}
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		r := pkgRow{}
		for i, c := range cols {
			typ := strings.ToUpper(c.DatabaseTypeName())
			switch v := vals[i].(type) {
			case time.Time:
				if typ == "DATE" {
					r[c.Name()] = v.Format("2006-01-02")
				} else {
					r[c.Name()] = v.UTC().Format(time.RFC3339Nano)
				}
			case bool:
				if v {
					r[c.Name()] = int64(1)
				} else {
					r[c.Name()] = int64(0)
				}
			case []byte:
				if typ == "BLOB" || typ == "BYTEA" {
					r[c.Name()] = append([]byte(nil), v...)
				} else {
					r[c.Name()] = string(v)
				}
			case string:
				// A time kept as SQLite's text (a column not declared
				// TIMESTAMP): written as the times are.
				if t, err := time.Parse(sqliteTimeText, v); err == nil && len(v) >= 25 {
					r[c.Name()] = t.UTC().Format(time.RFC3339Nano)
				} else {
					r[c.Name()] = v
				}
			default:
				r[c.Name()] = v
			}
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	return rows.Err()
}

// sqliteTimeText is how SQLite's driver writes a time as text.
const sqliteTimeText = "2006-01-02 15:04:05.999999999-07:00"

func asID(v any) int64 {
	switch x := v.(type) {
	case int64:
		return x
	case json.Number:
		n, _ := x.Int64()
		return n
	case float64:
		return int64(x)
	}
	return 0
}

// ExportInfo describes a written package.
type ExportInfo struct {
	Rows  map[string]int
	Files int
	Size  int64
}

// Export writes the handover package of one engagement (engagementID > 0)
// or of the whole workspace (0) to w. Only the client's owner may export.
// Contacts are exported unmasked: the package goes to the client.
func (s *PackageStore) Export(ctx context.Context, p tandem.Principal, engagementID int64, w io.Writer) (_ ExportInfo, err error) {
	defer wrap(&err, "PackageStore.Export(%d)", engagementID)
	if !access.Allows(p.Role, access.PackageExport) {
		return ExportInfo{}, ErrPackageOwner
	}
	scope, set, arg := bundle.ScopeWorkspace, "(SELECT id FROM engagements WHERE workspace_id = ?)", p.WorkspaceID
	if engagementID > 0 {
		if _, err := loadEngagement(ctx, s.db, p, engagementID); err != nil {
			return ExportInfo{}, err
		}
		scope, set, arg = bundle.ScopeEngagement, "(?)", engagementID
	}
	key, inst, err := s.signingKey(ctx)
	if err != nil {
		return ExportInfo{}, err
	}
	info := ExportInfo{Rows: map[string]int{}}
	want := map[string]map[int64]bool{pkgPeople: {}, pkgMemberships: {}, pkgFiles: {}}
	note := func(ent string, v any) {
		if m, ok := want[ent]; ok {
			if id := asID(v); id > 0 {
				m[id] = true
			}
		}
	}
	pw := bundle.NewWriter(w, key, scope, inst, s.db.Now())
	// write streams the rows of a query into the file of an entity, one
	// row at a time: a package of a million contacts is never in memory.
	write := func(name string, each func(fn func(pkgRow) error) error) error {
		st, err := pw.Create(name+".jsonl", name)
		if err != nil {
			return err
		}
		bw := bufio.NewWriterSize(st, 64<<10)
		enc := json.NewEncoder(bw)
		if err := each(func(r pkgRow) error {
			st.Rows++
			return enc.Encode(r)
		}); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if err := bw.Flush(); err != nil {
			return err
		}
		info.Rows[name] = st.Rows
		return st.Close()
	}
	query := func(q string, args ...any) func(fn func(pkgRow) error) error {
		return func(fn func(pkgRow) error) error { return eachRowOf(ctx, s.db, fn, q, args...) }
	}
	if err := write(pkgWorkspace, query(`SELECT id, name, currency, lang, time_zone FROM workspaces WHERE id = ?`, p.WorkspaceID)); err != nil {
		return ExportInfo{}, err
	}
	for _, e := range pkgEntities() {
		if e.dynamic {
			continue
		}
		q := "SELECT * FROM " + e.name + " WHERE " + fmt.Sprintf(e.scope, set)
		args := []any{arg}
		if !e.noWS {
			q += " AND workspace_id = ?"
			args = append(args, p.WorkspaceID)
		}
		if e.key != "" {
			q += " ORDER BY " + e.key
		}
		rows := query(q, args...)
		err := write(e.name, func(fn func(pkgRow) error) error {
			return rows(func(r pkgRow) error {
				for col, ent := range e.refs {
					note(ent, r[col])
				}
				return fn(r)
			})
		})
		if err != nil {
			return ExportInfo{}, err
		}
	}
	// The audit trail of the exported engagements, in chain order: sealed
	// first (on PostgreSQL entries are sealed after commit, auditseal.go),
	// an entry committed after the seal is left out.
	if _, err := s.db.SealAudit(ctx); err != nil {
		return ExportInfo{}, err
	}
	evq := `SELECT seq, at, actor_id, actor, action, entity, entity_id, data FROM events WHERE workspace_id = ? AND entity = 'engagement' AND entity_id IN ` + set + ` AND seq IS NOT NULL ORDER BY seq`
	events := query(evq, p.WorkspaceID, arg)
	err = write(pkgEvents, func(fn func(pkgRow) error) error {
		return events(func(r pkgRow) error { note(pkgPeople, r["actor_id"]); return fn(r) })
	})
	if err != nil {
		return ExportInfo{}, err
	}
	// Dynamic entities: the memberships (every client-side one and those
	// referred to), then the people and files referred to.
	client, err := scanAll(ctx, s.db, func(sc scanner, id *int64) error { return sc.Scan(id) },
		`SELECT id FROM memberships WHERE workspace_id = ? AND role IN (?, ?, ?)`,
		p.WorkspaceID, tandem.RoleOwner, tandem.RoleManager, tandem.RoleViewer)
	if err != nil {
		return ExportInfo{}, err
	}
	for _, id := range client {
		want[pkgMemberships][id] = true
	}
	mems, err := readByIDs(ctx, s.db, `SELECT id, user_id, role, partner_id, created_at FROM memberships WHERE workspace_id = ?`, p.WorkspaceID, want[pkgMemberships])
	if err != nil {
		return ExportInfo{}, err
	}
	for _, r := range mems {
		note(pkgPeople, r["user_id"])
	}
	files, err := readByIDs(ctx, s.db, `SELECT id, name, content_type, size, sha256, created_at, created_by FROM files WHERE workspace_id = ?`, p.WorkspaceID, want[pkgFiles])
	if err != nil {
		return ExportInfo{}, err
	}
	for _, r := range files {
		note(pkgPeople, r["created_by"])
	}
	people, err := readByIDs(ctx, s.db, `SELECT id, email, name, lang FROM users WHERE 1 = ?`, 1, want[pkgPeople])
	if err != nil {
		return ExportInfo{}, err
	}
	list := func(rows []pkgRow) func(fn func(pkgRow) error) error {
		return func(fn func(pkgRow) error) error {
			for _, r := range rows {
				if err := fn(r); err != nil {
					return err
				}
			}
			return nil
		}
	}
	for _, d := range []struct {
		name string
		rows []pkgRow
	}{{pkgPeople, people}, {pkgMemberships, mems}, {pkgFiles, files}} {
		if err := write(d.name, list(d.rows)); err != nil {
			return ExportInfo{}, err
		}
	}
	for _, f := range files {
		var b []byte
		if err := s.db.queryRow(ctx, `SELECT data FROM files WHERE id = ?`, f["id"]).Scan(&b); err != nil {
			return ExportInfo{}, err
		}
		if err := pw.Add(bundle.FileName(fmt.Sprint(f["sha256"])), "file", 0, b); err != nil {
			return ExportInfo{}, err
		}
		info.Files++
	}
	if err := pw.Close(); err != nil {
		return ExportInfo{}, err
	}
	if engagementID > 0 {
		err = s.db.transact(ctx, func(tx *Tx) error {
			return tx.record(ctx, p, "engagement.package_exported", "engagement", engagementID, map[string]any{"rows": info.Rows, "files": info.Files})
		})
	}
	return info, err
}

// readByIDs reads the rows of q (one ? argument) whose id is in ids, in id order.
func readByIDs(ctx context.Context, q querier, query string, arg any, ids map[int64]bool) ([]pkgRow, error) {
	list := make([]int64, 0, len(ids))
	for id := range ids {
		list = append(list, id)
	}
	sort.Slice(list, func(i, j int) bool { return list[i] < list[j] })
	var out []pkgRow
	for len(list) > 0 {
		n := min(len(list), 500)
		var in strings.Builder
		for i, id := range list[:n] {
			if i > 0 {
				in.WriteByte(',')
			}
			fmt.Fprint(&in, id)
		}
		rows, err := readRows(ctx, q, query+" AND id IN ("+in.String()+") ORDER BY id", arg)
		if err != nil {
			return nil, err
		}
		out = append(out, rows...)
		list = list[n:]
	}
	return out, nil
}
