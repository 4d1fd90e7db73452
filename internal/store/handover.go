package store

// Responsible people and handovers (package handover): each engagement
// names a responsible person on the client's side and on the partner's
// (engagement_responsibles); replacing one starts a handover whose
// checklist comes from the terms' Governance.HandoverRule in force, tracked
// step by step until complete.

import (
	"context"
	"database/sql"
	"strconv"
	"time"

	"github.com/tandemhq/tandem/internal/access"
	"github.com/tandemhq/tandem/internal/handover"
	"github.com/tandemhq/tandem/internal/tandem"
)

// HandoverStore keeps responsible people and handovers.
type HandoverStore struct{ db *DB }

// Handovers returns the handover store.
func (db *DB) Handovers() *HandoverStore { return &HandoverStore{db} }

// Responsible is the responsible person of one side of an engagement.
type Responsible struct {
	Side   tandem.Side
	UserID int64
	Name   string
	Since  time.Time
}

// MaxHandovers bounds the handovers List reads.
const MaxHandovers = 50

// Responsibles lists an engagement's responsible people (client first).
func (s *HandoverStore) Responsibles(ctx context.Context, p tandem.Principal, engagementID int64) (_ []Responsible, err error) {
	defer wrap(&err, "HandoverStore.Responsibles(%d)", engagementID)
	if err := canSeeEngagement(ctx, s.db, p, access.HandoverRead, engagementID); err != nil {
		return nil, err
	}
	return responsibles(ctx, s.db, p.WorkspaceID, engagementID)
}

func responsibles(ctx context.Context, q querier, workspaceID, engagementID int64) ([]Responsible, error) {
	return scanAll(ctx, q, func(sc scanner, r *Responsible) error {
		if err := sc.Scan(&r.Side, &r.UserID, &r.Name, &r.Since); err != nil {
			return err
		}
		r.Since = r.Since.UTC()
		return nil
	}, `SELECT x.side, x.user_id, u.name, x.set_at FROM engagement_responsibles x JOIN users u ON u.id = x.user_id
		WHERE x.workspace_id = ? AND x.engagement_id = ? ORDER BY x.side`, workspaceID, engagementID)
}

// Governance is what an engagement's overview shows of its handovers, in
// one statement: its responsible people (as Responsibles) and how many of
// the handovers List returns are open.
func (s *HandoverStore) Governance(ctx context.Context, p tandem.Principal, engagementID int64) (_ []Responsible, open int, err error) {
	defer wrap(&err, "HandoverStore.Governance(%d)", engagementID)
	if err := canSeeEngagement(ctx, s.db, p, access.HandoverRead, engagementID); err != nil {
		return nil, 0, err
	}
	// One row at least (the count); a row per responsible whose user
	// exists, as responsibles joins them.
	rows, err := s.db.query(ctx, `SELECT x.side, x.user_id, u.name, x.set_at, o.n
		FROM (SELECT COUNT(*) AS n FROM (SELECT h.completed_at`+handoverListFrom+`
			WHERE h.workspace_id = ? AND h.engagement_id = ? ORDER BY h.created_at DESC, h.id DESC LIMIT `+strconv.Itoa(MaxHandovers)+`) l
			WHERE l.completed_at IS NULL) o
		LEFT JOIN engagement_responsibles x ON x.workspace_id = ? AND x.engagement_id = ?
		LEFT JOIN users u ON u.id = x.user_id
		ORDER BY x.side`, p.WorkspaceID, engagementID, p.WorkspaceID, engagementID)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []Responsible
	for rows.Next() {
		var side, name sql.NullString
		var user sql.NullInt64
		var r Responsible
		if err := rows.Scan(&side, &user, &name, nullTime{&r.Since}, &open); err != nil {
			return nil, 0, err
		}
		if side.Valid && name.Valid {
			r.Side, r.UserID, r.Name = tandem.Side(side.String), user.Int64, name.String
			out = append(out, r)
		}
	}
	return out, open, rows.Err()
}

// SetResponsible names the responsible person of side (a person of that
// side on the engagement). Replacing someone starts a handover from them
// to the new person, its checklist from the handover rule of the terms in
// force, and tells both. Owners and managers name either side, the
// partner's manager the partner's. Errors: EInvalid (side, user_id),
// EConflict (the same person), ENotFound, EForbidden.
func (s *HandoverStore) SetResponsible(ctx context.Context, p tandem.Principal, engagementID int64, side tandem.Side, userID int64) (_ *handover.Handover, err error) {
	defer wrap(&err, "HandoverStore.SetResponsible(%d)", engagementID)
	if err := access.Can(p, access.ResponsibleSet); err != nil {
		return nil, err
	}
	var out *handover.Handover
	err = s.db.transact(ctx, func(tx *Tx) error {
		e, err := engagementIn(ctx, tx, p, engagementID)
		if err != nil {
			return err
		}
		people, err := knowledgePeople(ctx, tx, p.WorkspaceID, engagementID)
		if err != nil {
			return err
		}
		var to KnowledgePerson
		for _, x := range people {
			if x.UserID == userID {
				to = x
			}
		}
		cur, err := responsibles(ctx, tx, p.WorkspaceID, engagementID)
		if err != nil {
			return err
		}
		var from Responsible
		for _, r := range cur {
			if r.Side == side {
				from = r
			}
		}
		starts, err := handover.Change(p.Role, side, to.Side, from.UserID, to.UserID)
		if err != nil {
			return err
		}
		if from.UserID == 0 {
			_, err = tx.exec(ctx, `INSERT INTO engagement_responsibles (workspace_id, engagement_id, side, user_id, set_by, set_at) VALUES (?, ?, ?, ?, ?, ?)`,
				p.WorkspaceID, engagementID, string(side), userID, p.UserID, tx.now)
		} else {
			_, err = tx.exec(ctx, `UPDATE engagement_responsibles SET user_id = ?, set_by = ?, set_at = ? WHERE workspace_id = ? AND engagement_id = ? AND side = ?`,
				userID, p.UserID, tx.now, p.WorkspaceID, engagementID, string(side))
		}
		if err != nil {
			return err
		}
		if err := tx.record(ctx, p, handover.ActionResponsibleSet, "engagement", engagementID, map[string]any{
			"side": string(side), "from": from.Name, "to": to.Name}); err != nil {
			return err
		}
		if !starts {
			return nil
		}
		_, loc, err := workspaceZone(ctx, tx, p.WorkspaceID)
		if err != nil {
			return err
		}
		terms, err := termsInForce(ctx, tx, p, engagementID, tandem.DateOf(tx.now.In(loc)))
		if err != nil {
			return err
		}
		rule := terms.Terms.Governance.HandoverRule
		h := &handover.Handover{EngagementID: engagementID, Side: side, FromID: from.UserID, FromName: from.Name, ToID: to.UserID, ToName: to.Name,
			Rule: rule, CreatedAt: tx.now, Steps: handover.Steps(rule)}
		if h.ID, err = tx.insert(ctx, `INSERT INTO handovers (workspace_id, engagement_id, side, from_user, to_user, rule, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, p.WorkspaceID, engagementID, string(side), from.UserID, to.UserID, rule, p.UserID, tx.now); err != nil {
			return err
		}
		for i := range h.Steps {
			st := &h.Steps[i]
			if st.ID, err = tx.insert(ctx, `INSERT INTO handover_steps (workspace_id, handover_id, position, step_key, text) VALUES (?, ?, ?, ?, ?)`,
				p.WorkspaceID, h.ID, st.Position, st.Key, st.Text); err != nil {
				return err
			}
		}
		if err := tell(ctx, tx, p, engagementID, h.ID, handover.Started(h, e.Title)); err != nil {
			return err
		}
		out = h
		return tx.record(ctx, p, handover.ActionStarted, "engagement", engagementID, map[string]any{"handover_id": h.ID, "side": string(side),
			"from": from.Name, "to": to.Name, "steps": len(h.Steps)})
	})
	return out, err
}

const handoverCols = `h.id, h.engagement_id, h.side, h.from_user, fu.name, h.to_user, tu.name, h.rule, h.created_at, h.completed_at`

const handoverFrom = handoverListFrom + `
	JOIN engagements e ON e.id = h.engagement_id`

// handoverListFrom are the handovers with both people (what List shows of
// an engagement the caller may see).
const handoverListFrom = ` FROM handovers h JOIN users fu ON fu.id = h.from_user JOIN users tu ON tu.id = h.to_user`

func scanHandover(sc scanner, h *handover.Handover) error {
	if err := sc.Scan(&h.ID, &h.EngagementID, &h.Side, &h.FromID, &h.FromName, &h.ToID, &h.ToName, &h.Rule, &h.CreatedAt,
		nullTime{&h.CompletedAt}); err != nil {
		return err
	}
	h.CreatedAt = h.CreatedAt.UTC()
	return nil
}

// List lists an engagement's handovers, the latest first, with their
// steps.
func (s *HandoverStore) List(ctx context.Context, p tandem.Principal, engagementID int64) (_ []*handover.Handover, err error) {
	defer wrap(&err, "HandoverStore.List(%d)", engagementID)
	if err := canSeeEngagement(ctx, s.db, p, access.HandoverRead, engagementID); err != nil {
		return nil, err
	}
	var w where
	engagementScope(&w, p)
	w.add("h.workspace_id = ? AND h.engagement_id = ?", p.WorkspaceID, engagementID)
	return handoversWhere(ctx, s.db, p, w, ` ORDER BY h.created_at DESC, h.id DESC LIMIT 50`)
}

// Waiting lists the open handovers waiting on p (the outgoing or the
// incoming person), the oldest first.
func (s *HandoverStore) Waiting(ctx context.Context, p tandem.Principal) (_ []*handover.Handover, err error) {
	defer wrap(&err, "HandoverStore.Waiting")
	if !access.Allows(p.Role, access.HandoverRead) {
		return nil, nil
	}
	var w where
	engagementScope(&w, p)
	w.add("h.workspace_id = ? AND h.completed_at IS NULL AND (h.from_user = ? OR h.to_user = ?)", p.WorkspaceID, p.UserID, p.UserID)
	return handoversWhere(ctx, s.db, p, w, ` ORDER BY h.created_at, h.id LIMIT 50`)
}

func handoversWhere(ctx context.Context, q querier, p tandem.Principal, w where, tail string) ([]*handover.Handover, error) {
	list, err := scanAll(ctx, q, scanHandover, `SELECT `+handoverCols+handoverFrom+w.String()+tail, w.args...)
	if err != nil || len(list) == 0 {
		return nil, err
	}
	out := make([]*handover.Handover, len(list))
	ids := make([]any, len(list))
	byID := map[int64]*handover.Handover{}
	for i := range list {
		out[i], ids[i], byID[list[i].ID] = &list[i], list[i].ID, &list[i]
	}
	type row struct {
		handoverID int64
		step       handover.Step
	}
	steps, err := scanAll(ctx, q, func(sc scanner, r *row) error {
		if err := sc.Scan(&r.handoverID, &r.step.ID, &r.step.Position, &r.step.Key, &r.step.Text, &r.step.DoneBy, &r.step.DoneByName,
			nullTime{&r.step.DoneAt}); err != nil {
			return err
		}
		return nil
	}, `SELECT s.handover_id, s.id, s.position, s.step_key, s.text, COALESCE(s.done_by, 0), COALESCE(u.name, ''), s.done_at
		FROM handover_steps s LEFT JOIN users u ON u.id = s.done_by WHERE s.workspace_id = ? AND s.handover_id IN (`+placeholders(len(ids))+`)
		ORDER BY s.handover_id, s.position`, append([]any{p.WorkspaceID}, ids...)...)
	if err != nil {
		return nil, err
	}
	for _, r := range steps {
		h := byID[r.handoverID]
		h.Steps = append(h.Steps, r.step)
	}
	return out, nil
}

// Tick marks a step of a handover done (handover.MayTick: the outgoing or
// incoming person, the client's owners and managers, the partner's
// manager for the partner's side); the last step completes the handover
// and tells the people involved and the client's deciders. A step
// already done stays as it was. Errors: EConflict (complete), ENotFound,
// EForbidden.
func (s *HandoverStore) Tick(ctx context.Context, p tandem.Principal, engagementID, handoverID, stepID int64) (_ *handover.Handover, err error) {
	defer wrap(&err, "HandoverStore.Tick(%d, %d)", handoverID, stepID)
	if err := access.Can(p, access.HandoverWork); err != nil {
		return nil, err
	}
	var out *handover.Handover
	err = s.db.transact(ctx, func(tx *Tx) error {
		e, err := engagementIn(ctx, tx, p, engagementID)
		if err != nil {
			return err
		}
		var w where
		engagementScope(&w, p)
		w.add("h.workspace_id = ? AND h.engagement_id = ? AND h.id = ?", p.WorkspaceID, engagementID, handoverID)
		list, err := handoversWhere(ctx, tx, p, w, "")
		if err != nil {
			return err
		}
		if len(list) == 0 {
			return tandem.ErrNotFound
		}
		h := list[0]
		if err := handover.MayTick(h, p.UserID, p.Role); err != nil {
			return err
		}
		found := false
		for i := range h.Steps {
			st := &h.Steps[i]
			if st.ID != stepID {
				continue
			}
			found = true
			if st.Done() {
				out = h
				return nil
			}
			if _, err := tx.exec(ctx, `UPDATE handover_steps SET done_by = ?, done_at = ? WHERE workspace_id = ? AND id = ? AND done_at IS NULL`,
				p.UserID, tx.now, p.WorkspaceID, stepID); err != nil {
				return err
			}
			st.DoneBy, st.DoneByName, st.DoneAt = p.UserID, p.UserName, tx.now
		}
		if !found {
			return tandem.ErrNotFound
		}
		out = h
		if err := tx.record(ctx, p, handover.ActionStepDone, "engagement", engagementID, map[string]any{"handover_id": h.ID, "step_id": stepID}); err != nil {
			return err
		}
		if !h.Complete() {
			return nil
		}
		h.CompletedAt = tx.now
		if _, err := tx.exec(ctx, `UPDATE handovers SET completed_at = ? WHERE workspace_id = ? AND id = ?`, tx.now, p.WorkspaceID, h.ID); err != nil {
			return err
		}
		return tellAndRecord(ctx, tx, p, engagementID, h.ID, handover.Completed(h, e.Title), handover.ActionCompleted,
			map[string]any{"handover_id": h.ID, "from": h.FromName, "to": h.ToName})
	})
	return out, err
}
