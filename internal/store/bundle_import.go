package store

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/tandemhq/tandem/internal/bundle"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/metric"
	"github.com/tandemhq/tandem/internal/sales"
	"github.com/tandemhq/tandem/internal/tandem"
)

// EntityCount is what an import did (or would do) with one entity's rows.
type EntityCount struct {
	Entity                    string
	Created, Matched, Refused int
}

// ImportReport is the outcome of an import.
type ImportReport struct {
	WorkspaceID int64
	DryRun      bool
	Entities    []EntityCount
}

// ErrPackageRefused: the package does not verify; "file" names the file.
func packageRefused(p *bundle.Problem) error {
	return tandem.Errorf(tandem.EInvalid, i18n.K("bundle.refused."+p.Kind), "file", p.File)
}

var errDryRun = errors.New("dry run")

// importer carries one import's current transaction and its id mapping.
type importer struct {
	ctx    context.Context
	db     *DB
	tx     *Tx
	dry    bool
	pkg    *bundle.Package
	source string
	ws     int64
	// series is the numbering series the sender's own invoices and
	// credit notes keep here: the name of the sender's workspace.
	series string
	types  map[string]map[string]string // table → column → type
	// deferred references: set once the referred row exists.
	deferred []deferredRef
	counts   map[string]*EntityCount
	// maps caches the package_imports rows of the current transaction:
	// entity → package id → local id.
	maps map[string]map[int64]int64
	// engOf is the package engagement of every keyed row read so far:
	// entity → package id → engagement package id.
	engOf map[string]map[int64]int64
}

type deferredRef struct {
	table, col, ent string
	local, pkgID    int64
	// value: a column holding ids inside its value (bundle_values.go),
	// rewritten from the package's value v once every row is in.
	value bool
	row   pkgRow
	v     any
}

// Import verifies a package and imports it into the workspace
// workspaceID, or, when 0, into the workspace it was imported into
// before, or a new one made from the package. The workspace-level rows
// (the workspace, partners, people, memberships, files, the NDA register)
// are imported in one transaction, then each engagement with everything
// below it in a transaction of its own, so that a big workspace holds no
// giant transaction; an import cut short is finished by running it again.
// A dry run runs everything in one transaction, rolls it back and reports
// what would be done. Importing the same package again creates nothing.
func (s *PackageStore) Import(ctx context.Context, data []byte, workspaceID int64, dryRun bool) (rep ImportReport, err error) {
	defer wrap(&err, "PackageStore.Import")
	pkg, err := bundle.Read(data)
	if err != nil {
		if p, ok := bundle.AsProblem(err); ok {
			return ImportReport{}, packageRefused(p)
		}
		return ImportReport{}, err
	}
	rep.DryRun = dryRun
	im := &importer{ctx: ctx, db: s.db, dry: dryRun, pkg: pkg, source: pkg.Manifest.Source, ws: workspaceID,
		types: map[string]map[string]string{}, counts: map[string]*EntityCount{}, engOf: map[string]map[int64]int64{}}
	if dryRun {
		err = s.db.transactBulk(ctx, func(tx *Tx) error {
			im.tx, im.ws, im.counts, im.maps = tx, workspaceID, map[string]*EntityCount{}, nil
			if err := im.run(); err != nil {
				return err
			}
			return errDryRun
		})
		if errors.Is(err, errDryRun) {
			err = nil
		}
	} else {
		err = im.run()
	}
	if err != nil {
		return rep, err
	}
	rep.WorkspaceID = im.ws
	for _, name := range append(append([]string{pkgWorkspace}, entityNames()...), pkgEvents) {
		if c := im.counts[name]; c != nil {
			rep.Entities = append(rep.Entities, *c)
		}
	}
	return rep, nil
}

func entityNames() []string {
	out := make([]string, len(pkgEntities()))
	for i, e := range pkgEntities() {
		out[i] = e.name
	}
	return out
}

// pkgOrder is each entity's position in pkgEntities.
var pkgOrder = sync.OnceValue(func() map[string]int {
	m := map[string]int{}
	for i, e := range pkgEntities() {
		m[e.name] = i
	}
	return m
})

// workspaceLevel reports whether an entity's rows belong to the workspace
// rather than to one engagement.
func workspaceLevel(e pkgEntity) bool {
	return e.dynamic || e.name == pkgPartners || e.name == "ndas"
}

// phase runs fn in a transaction of its own (within the dry run's one
// transaction when dry). A retried transaction starts from the counts and
// mappings it started with.
func (im *importer) phase(fn func() error) error {
	if im.dry {
		return fn()
	}
	saved := copyCounts(im.counts)
	return im.db.transactBulk(im.ctx, func(tx *Tx) error {
		im.tx, im.maps, im.deferred, im.counts = tx, nil, nil, copyCounts(saved)
		return fn()
	})
}

func copyCounts(m map[string]*EntityCount) map[string]*EntityCount {
	out := make(map[string]*EntityCount, len(m))
	for k, v := range m {
		c := *v
		out[k] = &c
	}
	return out
}

func (im *importer) count(ent string) *EntityCount {
	c := im.counts[ent]
	if c == nil {
		c = &EntityCount{Entity: ent}
		im.counts[ent] = c
	}
	return c
}

// eachRow decodes an entity's JSON Lines file one row at a time.
func (im *importer) eachRow(ent string, fn func(pkgRow) error) error {
	b, ok := im.pkg.File(ent + ".jsonl")
	if !ok {
		return nil
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 0, 1<<20), 256<<20)
	for sc.Scan() {
		d := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		d.UseNumber()
		var r pkgRow
		if err := d.Decode(&r); err != nil {
			return tandem.Errorf(tandem.EInvalid, i18n.K("bundle.refused.manifest"), "file", ent+".jsonl")
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	return sc.Err()
}

// rows decodes an entity's JSON Lines file.
func (im *importer) rows(ent string) ([]pkgRow, error) {
	var out []pkgRow
	err := im.eachRow(ent, func(r pkgRow) error { out = append(out, r); return nil })
	return out, err
}

func (im *importer) mapped(ent string, pkgID int64) (int64, bool, error) {
	m, err := im.mapping(ent)
	if err != nil {
		return 0, false, err
	}
	local, ok := m[pkgID]
	return local, ok, nil
}

// mapping loads (once per transaction) the package ids of ent imported before.
func (im *importer) mapping(ent string) (map[int64]int64, error) {
	if m, ok := im.maps[ent]; ok {
		return m, nil
	}
	m := map[int64]int64{}
	rows, err := im.tx.query(im.ctx, `SELECT package_id, local_id FROM package_imports WHERE workspace_id = ? AND source = ? AND entity = ?`,
		im.wsKey(ent), im.source, ent)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var p, l int64
		if err := rows.Scan(&p, &l); err != nil {
			return nil, err
		}
		m[p] = l
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if im.maps == nil {
		im.maps = map[string]map[int64]int64{}
	}
	im.maps[ent] = m
	return m, nil
}

// wsKey is the workspace a mapping is kept under: people and the
// workspace itself are kept under 0, being installation-wide.
func (im *importer) wsKey(ent string) int64 {
	if ent == pkgWorkspace || ent == pkgPeople {
		return 0
	}
	return im.ws
}

func (im *importer) setMapped(ent string, pkgID, local int64) error {
	m, err := im.mapping(ent)
	if err != nil {
		return err
	}
	m[pkgID] = local
	_, err = im.tx.exec(im.ctx, `INSERT INTO package_imports (workspace_id, source, entity, package_id, local_id) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (workspace_id, source, entity, package_id) DO NOTHING`, im.wsKey(ent), im.source, ent, pkgID, local)
	return err
}

// columnTypes returns the receiver's columns of table and their types.
func (im *importer) columnTypes(table string) (map[string]string, error) {
	if t, ok := im.types[table]; ok {
		return t, nil
	}
	rows, err := im.tx.query(im.ctx, "SELECT * FROM "+table+" WHERE 1 = 0")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cts, err := rows.ColumnTypes()
	if err != nil {
		return nil, err
	}
	t := map[string]string{}
	for _, c := range cts {
		t[c.Name()] = strings.ToUpper(c.DatabaseTypeName())
	}
	im.types[table] = t
	return t, nil
}

// convert turns a JSON value into the value for a column of type typ.
func convert(v any, typ string) (any, error) {
	if v == nil {
		return nil, nil
	}
	switch typ {
	case "TIMESTAMP", "TIMESTAMPTZ", "DATETIME":
		s, _ := v.(string)
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			if t2, err2 := time.Parse(sqliteTimeText, s); err2 == nil {
				return t2.UTC(), nil
			}
			return nil, err
		}
		return t.UTC(), nil
	case "BLOB", "BYTEA":
		s, _ := v.(string)
		return base64.StdEncoding.DecodeString(s)
	case "BOOLEAN", "BOOL":
		return asID(v) != 0, nil
	}
	switch x := v.(type) {
	case json.Number:
		if n, err := x.Int64(); err == nil {
			return n, nil
		}
		return x.Float64()
	case bool:
		if x {
			return int64(1), nil
		}
		return int64(0), nil
	}
	return v, nil
}

func (im *importer) run() error {
	err := im.phase(func() error {
		if err := im.workspace(); err != nil {
			return err
		}
		for _, e := range pkgEntities() {
			if workspaceLevel(e) {
				if err := im.entity(e, -1); err != nil {
					return fmt.Errorf("%s: %w", e.name, err)
				}
			}
		}
		return im.settle()
	})
	if err != nil {
		return err
	}
	engs, err := im.rows("engagements")
	if err != nil {
		return err
	}
	for _, r := range engs {
		eng := asID(r["id"])
		err := im.phase(func() error {
			for _, e := range pkgEntities() {
				if !workspaceLevel(e) {
					if err := im.entity(e, eng); err != nil {
						return fmt.Errorf("%s: %w", e.name, err)
					}
				}
			}
			if err := im.settle(); err != nil {
				return err
			}
			if err := im.reaggregate(eng); err != nil {
				return err
			}
			return im.events(eng)
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// settle sets the deferred references of the current transaction.
func (im *importer) settle() error {
	for _, d := range im.deferred {
		var v any
		if d.value {
			nv, _, err := remapValue(d.table, d.col, d.row, d.v, func(ent string, id int64) (int64, bool, error) {
				l, _, err := im.mapped(ent, id)
				return l, true, err // a reference to a row not in the package becomes 0
			})
			if err != nil {
				return err
			}
			v = nv
		} else {
			local, ok, err := im.mapped(d.ent, d.pkgID)
			if err != nil {
				return err
			}
			if !ok {
				continue
			}
			v = local
		}
		if _, err := im.tx.exec(im.ctx, "UPDATE "+d.table+" SET "+d.col+" = ? WHERE id = ?", v, d.local); err != nil {
			return err
		}
	}
	im.deferred = nil
	return nil
}

// engagementOf is the package engagement a row belongs to, through its
// engagement_id or its parent's.
func (im *importer) engagementOf(e pkgEntity, r pkgRow) int64 {
	if v, ok := r["engagement_id"]; ok {
		return asID(v)
	}
	if e.name == "engagements" {
		return asID(r["id"])
	}
	for col, ent := range e.refs {
		if col == e.parent {
			return im.engOf[ent][asID(r[col])]
		}
	}
	return 0
}

func (im *importer) workspace() error {
	rows, err := im.rows(pkgWorkspace)
	if err != nil || len(rows) != 1 {
		return tandem.Errorf(tandem.EInvalid, i18n.K("bundle.refused.manifest"), "file", pkgWorkspace+".jsonl")
	}
	r := rows[0]
	im.series = fmt.Sprint(r["name"])
	c := im.count(pkgWorkspace)
	if im.ws > 0 {
		c.Matched++
		return nil
	}
	local, ok, err := im.mapped(pkgWorkspace, asID(r["id"]))
	if err != nil {
		return err
	}
	if ok {
		im.ws = local
		c.Matched++
		return nil
	}
	im.ws, err = im.tx.insert(im.ctx, `INSERT INTO workspaces (name, currency, lang, time_zone, created_at) VALUES (?, ?, ?, ?, ?)`,
		r["name"], r["currency"], r["lang"], r["time_zone"], im.tx.now)
	if err != nil {
		return err
	}
	c.Created++
	return im.setMapped(pkgWorkspace, asID(r["id"]), im.ws)
}

// match finds an existing local row for a package row of a dynamic or
// natural-keyed entity: people by e-mail, partners by legal name and
// country, memberships by person, files by content.
func (im *importer) match(e pkgEntity, r pkgRow, vals map[string]any) (int64, bool, error) {
	var q string
	var args []any
	switch e.name {
	case pkgPeople:
		q, args = `SELECT id FROM users WHERE LOWER(email) = LOWER(?)`, []any{r["email"]}
	case pkgPartners:
		q, args = `SELECT id FROM partners WHERE workspace_id = ? AND legal_name = ? AND country = ?`, []any{im.ws, r["legal_name"], r["country"]}
	case pkgMemberships:
		q, args = `SELECT id FROM memberships WHERE workspace_id = ? AND user_id = ?`, []any{im.ws, vals["user_id"]}
	case pkgFiles:
		q, args = `SELECT id FROM files WHERE workspace_id = ? AND sha256 = ? AND name = ?`, []any{im.ws, r["sha256"], r["name"]}
	default:
		return 0, false, nil
	}
	var id int64
	err := im.tx.queryRow(im.ctx, q+" ORDER BY id LIMIT 1", args...).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	return id, err == nil, err
}

// entity imports the rows of e that belong to the package engagement eng
// (-1: a workspace-level entity, every row).
func (im *importer) entity(e pkgEntity, eng int64) error {
	c := im.count(e.name)
	table := pkgTable(e.name)
	types, err := im.columnTypes(table)
	if err != nil {
		return err
	}
	self := pkgOrder()[e.name]
	if e.key != "" && im.engOf[e.name] == nil {
		im.engOf[e.name] = map[int64]int64{}
	}
	return im.eachRow(e.name, func(r pkgRow) error {
		pkgID := asID(r[e.key])
		if eng >= 0 {
			re := im.engagementOf(e, r)
			if e.key != "" {
				im.engOf[e.name][pkgID] = re
			}
			if re != eng {
				return nil
			}
		}
		if e.key != "" {
			if _, ok, err := im.mapped(e.name, pkgID); err != nil {
				return err
			} else if ok {
				c.Matched++
				return nil
			}
		}
		vals := map[string]any{}
		var later []deferredRef
		refused := false
		for col, v := range r {
			if col == e.key && e.key != "" {
				continue
			}
			typ, ok := types[col]
			if !ok {
				continue // a column this installation does not have
			}
			if hasValueRefs(e.name, col) && v != nil {
				nv, pending, err := remapValue(e.name, col, r, v, im.mapped)
				if err != nil {
					return err
				}
				if pending {
					later = append(later, deferredRef{table: table, col: col, value: true, row: r, v: v})
				}
				v = nv
			}
			ent := e.refs[col]
			if e.name == "facts" && col == "subject_id" {
				ent = factSubjectEntity(fmt.Sprint(r["kind"]))
			}
			if ent != "" && v != nil && asID(v) != 0 {
				local, ok, err := im.mapped(ent, asID(v))
				if err != nil {
					return err
				}
				switch {
				case ok:
					vals[col] = local
				case pkgOrder()[ent] >= self:
					vals[col] = nil
					if e.name == "facts" {
						vals[col] = int64(0) // a subject id has no foreign key and may not be empty
					}
					later = append(later, deferredRef{table: table, col: col, ent: ent, pkgID: asID(v)})
				default:
					refused = true
				}
				continue
			}
			if str, ok := v.(string); ok && typ == "TEXT" && len(str) >= 20 && im.tx.db.dialect.name() == "sqlite" {
				// A time in a text column: SQLite keeps it as its driver writes times.
				if t, err := time.Parse(time.RFC3339Nano, str); err == nil && strings.HasSuffix(str, "Z") {
					vals[col] = t.UTC()
					continue
				}
			}
			cv, err := convert(v, typ)
			if err != nil {
				return fmt.Errorf("%s: %w", col, err)
			}
			vals[col] = cv
		}
		if refused {
			c.Refused++
			return nil
		}
		if !e.noWS {
			vals["workspace_id"] = im.ws
		}
		if e.name == "invoices" || e.name == "credit_notes" {
			if sr, _ := vals["series"].(string); sr == "" {
				vals["series"] = im.series // the sender's own numbering: kept under its series
			}
		}
		if e.name == pkgPeople {
			vals["password_hash"] = ""
			vals["created_at"] = im.tx.now
		}
		if e.name == "sales_contact_details" {
			// The key is the receiver's, from the number itself (a package
			// written before the key existed has none).
			field, _ := r["field"].(string)
			value, _ := r["value"].(string)
			vals["match_key"] = sales.Detail{Field: sales.Field(field), Value: value}.MatchKey()
		}
		if e.name == "contract_versions" {
			// The hash is the receiver's, from the text itself (a package
			// written before the hash existed has none; a package's own
			// could name other terms).
			text, _ := vals["terms"].(string)
			vals["terms_hash"] = termsHash(text)
		}
		if e.name == pkgFiles {
			b, ok := im.pkg.File(bundle.FileName(fmt.Sprint(r["sha256"])))
			if !ok {
				return tandem.Errorf(tandem.EInvalid, i18n.K("bundle.refused.missing"), "file", bundle.FileName(fmt.Sprint(r["sha256"])))
			}
			vals["data"] = b
		}
		if local, ok, err := im.match(e, r, vals); err != nil {
			return err
		} else if ok {
			c.Matched++
			if err := im.setMapped(e.name, pkgID, local); err != nil {
				return err
			}
			return nil
		}
		cols := make([]string, 0, len(vals))
		args := make([]any, 0, len(vals))
		for col, v := range vals {
			cols = append(cols, col)
			args = append(args, v)
		}
		q := "INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES (" + placeholders(len(cols)) + ")"
		if e.key == "" {
			res, err := im.tx.exec(im.ctx, q+" ON CONFLICT DO NOTHING", args...)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				c.Matched++
			} else {
				c.Created++
			}
			return nil
		}
		local, err := im.tx.insert(im.ctx, q, args...)
		if err != nil {
			return err
		}
		c.Created++
		if err := im.setMapped(e.name, pkgID, local); err != nil {
			return err
		}
		for _, d := range later {
			d.local = local
			im.deferred = append(im.deferred, d)
		}
		return nil
	})
}

// reaggregate rewrites the KPI aggregates of every day the workspace's
// imported facts of the package engagement eng fall on, so that
// `tandem kpi verify` passes.
func (im *importer) reaggregate(eng int64) error {
	local, ok, err := im.mapped("engagements", eng)
	if err != nil || !ok {
		return err
	}
	type key struct {
		eng       int64
		kind, day string
	}
	keys, err := scanAll(im.ctx, im.tx, func(s scanner, k *key) error { return s.Scan(&k.eng, &k.kind, &k.day) },
		`SELECT DISTINCT engagement_id, kind, day FROM facts WHERE workspace_id = ? AND engagement_id = ? AND id IN
		(SELECT local_id FROM package_imports WHERE workspace_id = ? AND source = ? AND entity = 'facts')`, im.ws, local, im.ws, im.source)
	if err != nil {
		return err
	}
	weeks := make([]metric.AggKey, len(keys))
	for i := range keys {
		if len(keys[i].day) > 10 {
			keys[i].day = keys[i].day[:10] // PostgreSQL's DATE read as text is a midnight time
		}
		weeks[i] = metric.AggKey{EngagementID: keys[i].eng, Kind: keys[i].kind, Day: keys[i].day}
	}
	if err := lockWeeks(im.ctx, im.tx, im.ws, true, weeks...); err != nil { // all at once, in lockWeeks' order
		return err
	}
	for _, k := range keys {
		if err := recomputeDay(im.ctx, im.tx, im.ws, k.eng, k.kind, k.day); err != nil {
			return err
		}
	}
	return nil
}

// events appends the package's audit entries to the receiver's chain, each
// as the data of an entry "package.imported_entry" about the local
// engagement, then one "package.imported" entry: those of the package
// engagement pkgEng.
func (im *importer) events(pkgEng int64) error {
	c := im.count(pkgEvents)
	touched := map[int64]bool{}
	err := im.eachRow(pkgEvents, func(r pkgRow) error {
		if asID(r["entity_id"]) != pkgEng {
			return nil
		}
		seq := asID(r["seq"])
		if _, ok, err := im.mapped(pkgEvents, seq); err != nil {
			return err
		} else if ok {
			c.Matched++
			return nil
		}
		eng, ok, err := im.mapped("engagements", asID(r["entity_id"]))
		if err != nil {
			return err
		}
		if !ok {
			c.Refused++
			return nil
		}
		actor, _, err := im.mapped(pkgPeople, asID(r["actor_id"]))
		if err != nil {
			return err
		}
		data := map[string]any{"source": im.source, "seq": seq, "at": r["at"], "actor": r["actor"], "action": r["action"],
			"data": json.RawMessage(fmt.Sprint(r["data"]))}
		if !json.Valid([]byte(fmt.Sprint(r["data"]))) {
			data["data"] = r["data"]
		}
		// The entry's id is what the mapping keeps (before migration 0041,
		// its seq; only the mapping's presence is read): on PostgreSQL the
		// entry has no seq until it is sealed after commit.
		local, err := im.tx.appendEntry(im.ctx, im.ws, actor, fmt.Sprint(r["actor"]), "package.imported_entry", "engagement", eng, data)
		if err != nil {
			return err
		}
		c.Created++
		touched[eng] = true
		return im.setMapped(pkgEvents, seq, local)
	})
	if err != nil {
		return err
	}
	for eng := range touched {
		if err := im.tx.recordIn(im.ctx, im.ws, 0, "system", "package.imported", "engagement", eng,
			map[string]any{"source": im.source, "fingerprint": im.pkg.Manifest.KeyFingerprint}); err != nil {
			return err
		}
	}
	return nil
}
