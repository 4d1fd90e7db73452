package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/tandemhq/tandem/internal/audit"
	"github.com/tandemhq/tandem/internal/partner"
	"github.com/tandemhq/tandem/internal/tandem"
	"github.com/tandemhq/tandem/internal/work"
)

// GrowOptions are how many rows DB.Grow adds to a workspace.
type GrowOptions struct {
	Audit        int // audit entries in all, the creations of the partners and deliverables below included
	Partners     int
	Deliverables int // spread over the engagements that have deliverables
}

// GrowResult is what DB.Grow added.
type GrowResult struct {
	Audit, Partners, Deliverables, Submissions int
}

// growChunk is the most records one transaction of Grow writes (four
// times as many entries for the entries alone); growRows the most rows one
// INSERT statement holds (SQLite allows 32,766 parameters a statement,
// PostgreSQL 65,535). Variables for tests (SetGrowChunks).
var (
	growChunk = 5000
	growRows  = 500
)

// Grow adds, in batched bulk transactions, partners, deliverables and
// audit entries to workspace ws, as the product writes them — a partner's
// creation is a "partner.created" entry, a deliverable's a
// "deliverable.created" entry on its engagement, and the entries beyond
// those are "deliverable.moved" and "partner.updated" — with the audit
// chain continued entry by entry (seq, prev_hash, hash), so that
// `tandem audit verify` still passes. On PostgreSQL the entries are written
// sealed, under the sealer's lock (auditseal.go), after the chain's
// unsealed entries have been sealed. The records' and entries' times are
// spread over the year before now, in the chain's order; the actors are
// the workspace's owners and managers. It is for `tandem bench http
// --grow` and its tests: a benchmark's workspace the size issue 16 talks
// about (a million audit entries, 100,000 partners and deliverables), not a
// product feature.
func (db *DB) Grow(ctx context.Context, ws int64, o GrowOptions) (_ GrowResult, err error) {
	defer wrap(&err, "DB.Grow")
	var res GrowResult
	if o.Audit < 0 || o.Partners < 0 || o.Deliverables < 0 {
		return res, fmt.Errorf("store: negative growth")
	}
	if _, err := db.SealAudit(ctx); err != nil {
		return res, err
	}
	type actor struct {
		id    int64
		email string
	}
	actors, err := scanAll(ctx, db, func(s scanner, a *actor) error { return s.Scan(&a.id, &a.email) },
		`SELECT u.id, u.email FROM memberships m JOIN users u ON u.id = m.user_id
		WHERE m.workspace_id = ? AND m.role IN ('owner', 'manager') ORDER BY m.id`, ws)
	if err != nil {
		return res, err
	}
	if len(actors) == 0 {
		return res, fmt.Errorf("store: workspace %d has no owner or manager", ws)
	}
	// The deliverables copy the engagement, service, acceptor, priority
	// and assignee of the workspace's existing ones, in turn.
	type template struct {
		engagement int64
		service    string
		acceptor   string
		priority   string
		assignee   *int64
	}
	var tmpls []template
	if o.Deliverables > 0 {
		tmpls, err = scanAll(ctx, db, func(s scanner, t *template) error {
			return s.Scan(&t.engagement, &t.service, &t.acceptor, &t.priority, &t.assignee)
		}, `SELECT engagement_id, service_key, acceptor, priority, assignee_id FROM deliverables WHERE workspace_id = ? ORDER BY id`, ws)
		if err != nil {
			return res, err
		}
		if len(tmpls) == 0 {
			return res, fmt.Errorf("store: workspace %d has no deliverable to copy", ws)
		}
	}

	total := max(o.Audit, o.Partners+o.Deliverables) // every creation has its entry
	now := db.Now().UTC().Truncate(time.Microsecond)
	start := now.Add(-365 * 24 * time.Hour)
	step := 365 * 24 * time.Hour / time.Duration(max(total, 1))
	k := 0 // the next entry's number among those Grow writes
	nextAt := func() time.Time {
		t := start.Add(time.Duration(k) * step)
		k++
		return t
	}
	var partnerIDs, delivIDs []int64
	var delivEng []int64

	// Partners, with their "partner.created" entries.
	statuses := []partner.Status{partner.StatusActive, partner.StatusActive, partner.StatusActive, partner.StatusCandidate,
		partner.StatusActive, partner.StatusSuspended, partner.StatusActive, partner.StatusOffboarded, partner.StatusCandidate, partner.StatusActive}
	countries := []string{"SE", "FI", "NO", "DK", "EE", "DE", "PL", "LT"}
	for done := 0; done < o.Partners; {
		n := min(growChunk, o.Partners-done)
		k0 := k
		var chunk []int64
		err := db.transactBulk(ctx, func(tx *Tx) error {
			k = k0 // a retried transaction starts again
			ch, err := openChain(ctx, tx, ws)
			if err != nil {
				return err
			}
			rows := make([][]any, n)
			ps := make([]partner.Partner, n)
			ats := make([]time.Time, n)
			for i := range n {
				num := done + i + 1
				ps[i] = partner.Partner{LegalName: fmt.Sprintf("Grown partner %06d AB", num), RegNumber: fmt.Sprintf("556%07d", num),
					Country: countries[num%len(countries)], Website: fmt.Sprintf("https://partner%06d.example", num),
					ContactName: fmt.Sprintf("Contact %06d", num), ContactEmail: fmt.Sprintf("contact%06d@partner.example", num),
					ContactPhone: fmt.Sprintf("+46 8 %06d", num), Status: statuses[num%len(statuses)]}
				ps[i].Normalize()
				ats[i] = start.Add(time.Duration(k+i) * step)
				x := &ps[i]
				rows[i] = []any{ws, x.LegalName, x.RegNumber, x.Country, x.Website, x.ContactName, x.ContactEmail,
					x.ContactPhone, x.VATBP, string(x.Status), x.SearchText(), ats[i], ats[i]}
			}
			ids, err := insertRows(ctx, tx, "partners", []string{"workspace_id", "legal_name", "reg_number", "country", "website",
				"contact_name", "contact_email", "contact_phone", "vat_bp", "status", "search_text", "created_at", "updated_at"}, rows)
			if err != nil {
				return err
			}
			for i, id := range ids {
				a := actors[(done+i)%len(actors)]
				ch.add(audit.Entry{At: nextAt(), ActorID: a.id, Actor: a.email, Action: "partner.created", Entity: "partner",
					EntityID: id}, ps[i].AuditFields())
			}
			chunk = ids
			return ch.flush(ctx, tx)
		})
		if err != nil {
			return res, err
		}
		partnerIDs = append(partnerIDs, chunk...)
		done += n
		res.Partners, res.Audit = done, res.Audit+n
	}

	// Deliverables, with their "deliverable.created" entries; a submitted
	// one has its submission.
	// One in a hundred is still open (planned, in progress, submitted or
	// returned): a workspace's history is mostly accepted work, and its
	// open work is what its teams can carry.
	dstatus := func(num int) work.Status {
		switch num % 400 {
		case 0:
			return work.StatusPlanned
		case 1:
			return work.StatusInProgress
		case 2:
			return work.StatusSubmitted
		case 3:
			return work.StatusReturned
		}
		return work.StatusAccepted
	}
	for done := 0; done < o.Deliverables; {
		n := min(growChunk, o.Deliverables-done)
		k0 := k
		var chunk, engs []int64
		var subs int
		err := db.transactBulk(ctx, func(tx *Tx) error {
			k = k0
			ch, err := openChain(ctx, tx, ws)
			if err != nil {
				return err
			}
			rows := make([][]any, n)
			ds := make([]work.Deliverable, n)
			subAt := make([]time.Time, n)
			for i := range n {
				num := done + i + 1
				t := tmpls[num%len(tmpls)]
				at := start.Add(time.Duration(k+i) * step)
				due := at.Add(time.Duration(5+num%20) * 24 * time.Hour)
				st := dstatus(num)
				if st != work.StatusAccepted {
					// Open work is due from now on, as in a living
					// workspace, whose overdue work is a few items.
					due = now.Add(time.Duration(num%60) * 24 * time.Hour)
				}
				d := work.Deliverable{EngagementID: t.engagement, ServiceKey: t.service, Title: fmt.Sprintf("Grown deliverable %06d", num),
					Description: "Report for period " + fmt.Sprint(num%12+1), DueAt: due, Priority: t.priority, Acceptor: t.acceptor, Status: st}
				if t.assignee != nil {
					d.AssigneeID = *t.assignee
				}
				ds[i] = d
				var firstSub, accepted any
				subs, returns := 0, 0
				switch st {
				case work.StatusAccepted:
					firstSub, accepted, subs = due.Add(-24*time.Hour), due.Add(-2*time.Hour), 1
				case work.StatusSubmitted:
					firstSub, subs = now.Add(-time.Duration(num%72)*time.Hour), 1
				case work.StatusReturned:
					firstSub, subs, returns = now.Add(-time.Duration(num%72)*time.Hour), 1, 1
				}
				if t, ok := firstSub.(time.Time); ok {
					subAt[i] = t
				}
				rows[i] = []any{ws, d.EngagementID, d.ServiceKey, d.Title, d.Description, d.DueAt.UTC(), d.Priority, t.assignee,
					d.Acceptor, string(d.Status), subs, returns, firstSub, accepted, d.SearchText(), actors[0].id, at, at}
			}
			ids, err := insertRows(ctx, tx, "deliverables", []string{"workspace_id", "engagement_id", "service_key", "title",
				"description", "due_at", "priority", "assignee_id", "acceptor", "status", "submissions", "returns",
				"first_submitted_at", "accepted_at", "search_text", "created_by", "created_at", "updated_at"}, rows)
			if err != nil {
				return err
			}
			var subRows [][]any
			for i, id := range ids {
				d := ds[i]
				a := actors[(done+i)%len(actors)]
				data := map[string]any{"deliverable_id": id, "title": d.Title, "service": d.ServiceKey, "due_at": d.DueAt.UTC(), "assignee_id": d.AssigneeID}
				ch.add(audit.Entry{At: nextAt(), ActorID: a.id, Actor: a.email, Action: "deliverable.created", Entity: "engagement",
					EntityID: d.EngagementID}, data)
				if !subAt[i].IsZero() {
					subRows = append(subRows, []any{ws, id, 1, "", actors[0].id, subAt[i]})
				}
			}
			if len(subRows) > 0 {
				if _, err := insertRows(ctx, tx, "submissions", []string{"workspace_id", "deliverable_id", "number", "note",
					"submitted_by", "submitted_at"}, subRows); err != nil {
					return err
				}
			}
			chunk, engs, subs = ids, make([]int64, n), len(subRows)
			for i, d := range ds {
				engs[i] = d.EngagementID
			}
			return ch.flush(ctx, tx)
		})
		if err != nil {
			return res, err
		}
		delivIDs, delivEng = append(delivIDs, chunk...), append(delivEng, engs...)
		res.Submissions += subs
		done += n
		res.Deliverables, res.Audit = done, res.Audit+n
	}

	// The other entries: moves of the grown deliverables and edits of the
	// grown partners, in turn (of the workspace's first engagement and
	// partner when none was grown).
	if rest := total - res.Audit; rest > 0 {
		if len(delivIDs) == 0 {
			var e int64
			if err := db.queryRow(ctx, `SELECT COALESCE(MIN(id), 0) FROM engagements WHERE workspace_id = ?`, ws).Scan(&e); err != nil {
				return res, err
			}
			delivIDs, delivEng = []int64{0}, []int64{e}
		}
		if len(partnerIDs) == 0 {
			var p int64
			if err := db.queryRow(ctx, `SELECT COALESCE(MIN(id), 0) FROM partners WHERE workspace_id = ?`, ws).Scan(&p); err != nil {
				return res, err
			}
			partnerIDs = []int64{p}
		}
		entriesChunk := 4 * growChunk
		for done := 0; done < rest; {
			n := min(entriesChunk, rest-done)
			k0 := k
			err := db.transactBulk(ctx, func(tx *Tx) error {
				k = k0
				ch, err := openChain(ctx, tx, ws)
				if err != nil {
					return err
				}
				for i := range n {
					num := done + i
					a := actors[num%len(actors)]
					if num%4 == 3 {
						p := partnerIDs[(num/4)%len(partnerIDs)]
						ch.add(audit.Entry{At: nextAt(), ActorID: a.id, Actor: a.email, Action: "partner.updated", Entity: "partner", EntityID: p},
							map[string][2]any{"contact_phone": {fmt.Sprintf("+46 8 %06d", num), fmt.Sprintf("+46 8 %06d", num+1)}})
						continue
					}
					j := num % len(delivIDs)
					ch.add(audit.Entry{At: nextAt(), ActorID: a.id, Actor: a.email, Action: "deliverable.moved", Entity: "engagement",
						EntityID: delivEng[j]}, map[string]any{"deliverable_id": delivIDs[j], "from": work.StatusPlanned, "to": work.StatusInProgress})
				}
				return ch.flush(ctx, tx)
			})
			if err != nil {
				return res, err
			}
			done += n
			res.Audit += n
		}
	}
	// What the database would do by itself soon after such a load, done
	// now so that a benchmark does not measure it: SQLite moves the
	// write-ahead log into the database, PostgreSQL gathers the tables'
	// statistics (autovacuum's analyze).
	maint := `PRAGMA wal_checkpoint(TRUNCATE)`
	if db.dialect.name() == "postgres" {
		maint = `ANALYZE events, partners, deliverables, submissions`
	}
	if _, err := db.w.ExecContext(ctx, maint); err != nil {
		return res, err
	}
	return res, nil
}

// chain continues a workspace's audit chain in a bulk transaction: add
// computes each entry's place and hash, flush writes them and moves the
// head.
type chain struct {
	ws      int64
	seq     int64
	hash    string
	entries []audit.Entry
}

// openChain reads ws's chain head in tx; on PostgreSQL it first takes the
// sealer's lock, so that no sealer moves the head meanwhile.
func openChain(ctx context.Context, tx *Tx, ws int64) (*chain, error) {
	forUpdate := ""
	if tx.db.dialect.name() == "postgres" {
		if _, err := tx.exec(ctx, `SELECT pg_advisory_xact_lock(?)`, int64(sealLock)); err != nil {
			return nil, err
		}
		forUpdate = " FOR UPDATE"
	}
	c := &chain{ws: ws, hash: audit.Genesis}
	err := tx.queryRow(ctx, `SELECT seq, hash FROM event_heads WHERE workspace_id = ?`+forUpdate, ws).Scan(&c.seq, &c.hash)
	if err != nil && notFound(err) != tandem.ErrNotFound {
		return nil, err
	}
	return c, nil
}

func (c *chain) add(e audit.Entry, data any) {
	b, _ := json.Marshal(data) // maps of strings, numbers and times
	e.WorkspaceID, e.Seq, e.PrevHash, e.Data = c.ws, c.seq+1, c.hash, string(b)
	e.At = e.At.UTC().Truncate(time.Microsecond)
	e.Hash = audit.ComputeHash(e)
	c.seq, c.hash = e.Seq, e.Hash
	c.entries = append(c.entries, e)
}

func (c *chain) flush(ctx context.Context, tx *Tx) error {
	if len(c.entries) == 0 {
		return nil
	}
	rows := make([][]any, len(c.entries))
	for i, e := range c.entries {
		rows[i] = []any{e.WorkspaceID, e.Seq, e.At, e.ActorID, e.Actor, e.Action, e.Entity, e.EntityID, e.Data, e.PrevHash, e.Hash}
	}
	if _, err := insertRows(ctx, tx, "events", []string{"workspace_id", "seq", "at", "actor_id", "actor", "action", "entity",
		"entity_id", "data", "prev_hash", "hash"}, rows); err != nil {
		return err
	}
	c.entries = nil
	_, err := tx.exec(ctx, `INSERT INTO event_heads (workspace_id, seq, hash) VALUES (?, ?, ?)
		ON CONFLICT (workspace_id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash`, c.ws, c.seq, c.hash)
	return err
}

// insertRows inserts rows into table, growRows a statement, and returns
// their ids in order.
func insertRows(ctx context.Context, tx *Tx, table string, cols []string, rows [][]any) ([]int64, error) {
	ids := make([]int64, 0, len(rows))
	one := "(" + placeholders(len(cols)) + ")"
	for len(rows) > 0 {
		n := min(growRows, len(rows))
		args := make([]any, 0, n*len(cols))
		for _, r := range rows[:n] {
			args = append(args, r...)
		}
		q := "INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES " +
			strings.TrimSuffix(strings.Repeat(one+", ", n), ", ") + " RETURNING id"
		got, err := scanAll(ctx, tx, scanInt64, q, args...)
		if err != nil {
			return nil, err
		}
		if len(got) != n {
			return nil, fmt.Errorf("store: %d of %d rows inserted into %s", len(got), n, table)
		}
		// Both databases number a statement's rows in the order of its
		// VALUES; RETURNING need not list them in that order.
		slices.Sort(got)
		ids = append(ids, got...)
		rows = rows[n:]
	}
	return ids, nil
}
