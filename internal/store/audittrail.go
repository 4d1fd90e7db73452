package store

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/tandemhq/tandem/internal/access"
	"github.com/tandemhq/tandem/internal/audit"
	"github.com/tandemhq/tandem/internal/tandem"
)

// AuditStore reads the audit trail and verifies its chains.
type AuditStore struct{ db *DB }

// AuditFilter narrows the audit trail.
type AuditFilter struct {
	Action string    // exact action, or a prefix ending in "." ("partner.")
	Actor  string    // e-mail, exact
	Entity string    // entity type
	From   time.Time // inclusive
	To     time.Time // exclusive
}

// eventCols are an entry's columns; an unsealed entry (PostgreSQL, see
// auditseal.go) reads as seq 0 and empty hashes.
const eventCols = `id, workspace_id, COALESCE(seq, 0), at, actor_id, actor, action, entity, entity_id, data, COALESCE(prev_hash, ''), COALESCE(hash, '')`

// eventViewCols are eventCols and the actor's name, for the pages.
const eventViewCols = eventCols + `, COALESCE((SELECT u.name FROM users u WHERE u.id = events.actor_id), '')`

// scanEntryView scans eventViewCols.
func scanEntryView(s scanner, e *audit.Entry) error {
	err := s.Scan(&e.ID, &e.WorkspaceID, &e.Seq, &e.At, &e.ActorID, &e.Actor, &e.Action, &e.Entity, &e.EntityID,
		&e.Data, &e.PrevHash, &e.Hash, &e.ActorName)
	e.At = e.At.UTC()
	return err
}

func scanEntry(s scanner, e *audit.Entry) error {
	err := s.Scan(&e.ID, &e.WorkspaceID, &e.Seq, &e.At, &e.ActorID, &e.Actor, &e.Action, &e.Entity, &e.EntityID,
		&e.Data, &e.PrevHash, &e.Hash)
	e.At = e.At.UTC()
	return err
}

// auditSorts are the columns the trail may be sorted by (tandem.Page.Sort,
// "-" first for descending); anything else is newest first.
var auditSorts = map[string]string{"when": "at", "actor": "actor", "action": "action", "record": "entity"}

// List returns one page of p's workspace's trail, sorted by pg.Sort
// (auditSorts; newest first by default), together
// with the sign-ins and failed sign-ins of the workspace's members (kept in
// the installation's chain). Owners and viewers may call it.
func (s *AuditStore) List(ctx context.Context, p tandem.Principal, f AuditFilter, pg tandem.Page) (_ []audit.Entry, total int, err error) {
	defer wrap(&err, "AuditStore.List")
	if err := access.Can(p, access.AuditRead); err != nil {
		return nil, 0, err
	}
	pg = pg.Normalize()
	// The workspace's own entries and its members' sign-ins (the
	// installation's chain) are read apart, each at most one page deep in
	// the order asked for, and merged: with an OR of the two, SQLite read
	// and sorted the whole trail for every page (1.5 s with a million
	// entries, issue 16); apart, the default order reads each part
	// backwards through the index events_time (workspace_id, at, id) and
	// stops at the page. The counts stop where listPage's do.
	own, members := auditWheres(p, f)
	order := orderBy(pg.Sort, auditSorts, "-when", "id")
	part := func(w where) string {
		return `SELECT * FROM (SELECT ` + eventViewCols + ` FROM events` + w.String() + order + limitClause(pg.Offset+pg.Limit) + `) part`
	}
	countCap := pg.Offset + tandem.CountCap + 1
	count := func(w where) string {
		return `(SELECT COUNT(*) FROM (SELECT 1 FROM events` + w.String() + limitClause(countCap) + `) counted)`
	}
	args := slices.Concat(own.args, members.args, own.args, members.args)
	var n1, n2 int
	out, err := scanAll(ctx, s.db, func(sc scanner, e *audit.Entry) error {
		return scanEntryView(auditCountScanner{sc, &n1, &n2}, e)
	}, `SELECT *, `+count(own)+`, `+count(members)+` FROM (`+part(own)+` UNION ALL `+part(members)+`) page`+
		order+fmt.Sprintf(" LIMIT %d OFFSET %d", pg.Limit, pg.Offset), args...)
	if err != nil {
		return nil, 0, err
	}
	if len(out) == 0 && pg.Offset > 0 {
		// Past the end: no row brought the counts.
		err = s.db.queryRow(ctx, `SELECT `+count(own)+`, `+count(members), slices.Concat(own.args, members.args)...).Scan(&n1, &n2)
	}
	return out, min(n1+n2, countCap), err
}

// auditCountScanner scans a row of AuditStore.List: an entry, then the
// counts of its two parts.
type auditCountScanner struct {
	s      scanner
	n1, n2 *int
}

func (t auditCountScanner) Scan(dest ...any) error { return t.s.Scan(append(dest, t.n1, t.n2)...) }

// Verify seals the chains (DB.SealAudit), then walks every chain in the
// database and returns the first break, or nil when every chain is intact;
// checked is the number of sealed entries verified. It reads one snapshot
// on PostgreSQL, so that a sealer running meanwhile (another instance's)
// cannot make heads and entries disagree. Entries written after the seal
// are not verified: Unsealed reports them. It is for the installation's
// operator (tandem audit verify), not for a workspace member.
func (s *AuditStore) Verify(ctx context.Context) (_ *audit.Break, checked int, err error) {
	defer wrap(&err, "AuditStore.Verify")
	if _, err := s.db.SealAudit(ctx); err != nil {
		return nil, 0, err
	}
	var brk *audit.Break
	err = s.db.snapshot(ctx, func(q querier) error {
		brk, checked, err = verifyChains(ctx, q)
		return err
	})
	return brk, checked, err
}

// Unsealed reports the entries not yet sealed in every chain (the
// installation's operator: tandem audit verify).
func (s *AuditStore) Unsealed(ctx context.Context) (_ UnsealedWindow, err error) {
	defer wrap(&err, "AuditStore.Unsealed")
	return unsealed(ctx, s.db, s.db, -1)
}

// UnsealedOf reports the entries of p's workspace's chain not yet sealed,
// for the audit trail page. Owners and viewers may call it.
func (s *AuditStore) UnsealedOf(ctx context.Context, p tandem.Principal) (_ UnsealedWindow, err error) {
	defer wrap(&err, "AuditStore.UnsealedOf")
	if err := access.Can(p, access.AuditRead); err != nil {
		return UnsealedWindow{}, err
	}
	return unsealed(ctx, s.db, s.db, p.WorkspaceID)
}

// verifyChains walks every chain's sealed entries in seq order.
func verifyChains(ctx context.Context, q querier) (_ *audit.Break, checked int, err error) {
	heads := map[int64][2]string{}
	var order []int64
	type head struct {
		ws, seq int64
		hash    string
	}
	hs, err := scanAll(ctx, q, func(r scanner, h *head) error { return r.Scan(&h.ws, &h.seq, &h.hash) },
		`SELECT workspace_id, seq, hash FROM event_heads ORDER BY workspace_id`)
	if err != nil {
		return nil, 0, err
	}
	for _, h := range hs {
		heads[h.ws] = [2]string{fmt.Sprint(h.seq), h.hash}
		order = append(order, h.ws)
	}
	// Chains with sealed entries but no head row were tampered with too.
	wss, err := scanAll(ctx, q, scanInt64, `SELECT DISTINCT workspace_id FROM events WHERE seq IS NOT NULL ORDER BY workspace_id`)
	if err != nil {
		return nil, 0, err
	}
	for _, ws := range wss {
		if _, ok := heads[ws]; !ok {
			heads[ws] = [2]string{"0", ""}
			order = append(order, ws)
		}
	}
	for _, ws := range order {
		v := audit.NewVerifier(ws)
		rows, err := q.query(ctx, `SELECT `+eventCols+` FROM events WHERE workspace_id = ? AND seq IS NOT NULL ORDER BY seq`, ws)
		if err != nil {
			return nil, checked, err
		}
		for rows.Next() {
			var e audit.Entry
			if err := scanEntry(rows, &e); err != nil {
				rows.Close()
				return nil, checked, err
			}
			v.Add(e)
			checked++
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, checked, err
		}
		var headSeq int64
		fmt.Sscan(heads[ws][0], &headSeq)
		if b := v.Finish(headSeq, heads[ws][1]); b != nil {
			return b, checked, nil
		}
	}
	return nil, checked, nil
}

// RecordExport writes an audit entry for an export or a reveal of protected
// data made by p (action audit.ActionExport or audit.ActionReveal).
func (s *AuditStore) RecordExport(ctx context.Context, p tandem.Principal, action, entity string, entityID int64, data any) error {
	return s.db.transact(ctx, func(tx *Tx) error { return tx.record(ctx, p, action, entity, entityID, data) })
}

// feedSQL reads the newest entries about an engagement that p may see
// (workspace, entity, entity id, the engagement's scope, limit). The index
// events_feed (migration 0012; on PostgreSQL 0041 adds id to it) answers
// it by reading only those entries, newest first, however long the
// workspace's trail; the scope is a condition on the engagement alone,
// evaluated once. TestFeedUsesItsIndex checks both plans. The unsealed
// entries of PostgreSQL (seq NULL) come first: PostgreSQL sorts NULL first
// in a descending order, which is also the index's backward order; SQLite
// has no unsealed entry.
func feedSQL(p tandem.Principal, engagementID int64, limit int) (string, []any) {
	var w where
	engagementScope(&w, p)
	w.add("e.id = ?", engagementID)
	q := `SELECT ` + eventViewCols + ` FROM events WHERE workspace_id = ? AND entity = 'engagement' AND entity_id = ?
		AND EXISTS (SELECT 1 FROM engagements e` + w.String() + `)
		ORDER BY seq DESC, id DESC LIMIT ?`
	args := append([]any{p.WorkspaceID, engagementID}, w.args...)
	return q, append(args, limit)
}

// Feed is an engagement's activity: the last limit audit entries
// recorded about it, newest first by their time. Anyone who may see the
// engagement may read it; the feed of one p may not see is empty (its
// page answers "not found" by itself). One
// statement: the engagement page keeps its feed apart from the rest (it
// changes at every write) and reads it again alone.
func (s *AuditStore) Feed(ctx context.Context, p tandem.Principal, engagementID int64, limit int) (_ []audit.Entry, err error) {
	defer wrap(&err, "AuditStore.Feed(%d)", engagementID)
	if err := access.Can(p, access.EngagementsRead); err != nil {
		return nil, err
	}
	q, args := feedSQL(p, engagementID, limit)
	es, err := scanAll(ctx, s.db, scanEntryView, q, args...)
	// The entries recorded last, shown by their time: an entry recorded
	// with an earlier time (the demo's history, a handover package's
	// entries) does not stand above newer ones.
	slices.SortStableFunc(es, func(a, b audit.Entry) int { return b.At.Compare(a.At) })
	return es, err
}

// auditWheres selects the entries of p's workspace's trail of f: own
// those of its chain, members the sign-ins and failed sign-ins of the
// workspace's members (kept in the installation's chain, workspace 0).
func auditWheres(p tandem.Principal, f AuditFilter) (own, members where) {
	own.add(`workspace_id = ?`, p.WorkspaceID)
	members.add(`workspace_id = 0 AND actor_id IN (SELECT user_id FROM memberships WHERE workspace_id = ?)`, p.WorkspaceID)
	for _, w := range []*where{&own, &members} {
		switch {
		case f.Action == "":
		case f.Action[len(f.Action)-1] == '.':
			w.add("action LIKE ?", f.Action+"%")
		default:
			w.add("action = ?", f.Action)
		}
		if f.Actor != "" {
			w.add("actor = ?", f.Actor)
		}
		if f.Entity != "" {
			w.add("entity = ?", f.Entity)
		}
		if !f.From.IsZero() {
			w.add("at >= ?", f.From.UTC())
		}
		if !f.To.IsZero() {
			w.add("at < ?", f.To.UTC())
		}
	}
	return own, members
}

// limitClause is a LIMIT clause of n rows.
func limitClause(n int) string { return fmt.Sprintf(" LIMIT %d", n) }
