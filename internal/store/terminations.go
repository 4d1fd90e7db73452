package store

// Terminations (package engagement, termination.go): started by either
// side, a countdown and a handover checklist, and the revocation that
// closes every access path of the partner's people to the engagement in
// one transaction — at the start of the effective day (RevokeDue, the
// scheduler's) or at once, by the client's owner (RevokeNow).

import (
	"context"
	"strconv"
	"time"

	"github.com/tandemhq/tandem/internal/access"
	"github.com/tandemhq/tandem/internal/engagement"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/notification"
	"github.com/tandemhq/tandem/internal/tandem"
)

// TerminationStore keeps engagements' terminations.
type TerminationStore struct{ db *DB }

// Terminations returns the termination store.
func (db *DB) Terminations() *TerminationStore { return &TerminationStore{db} }

// DisabledTerminated is the reason an endpoint of a partner whose last
// engagement's access closed is disabled.
const DisabledTerminated = "terminated"

func scanTermination(r scanner, t *engagement.Termination) error {
	return r.Scan(&t.EngagementID, &t.Side, &t.StartedBy, &t.StartedByName, dateScan{&t.NoticeOn}, &t.Reason, dateScan{&t.EffectiveOn},
		&t.Agreed, dateScan{&t.HandoverDue}, &t.ConsultationHours, nullTime{&t.RevokedAt}, &t.CreatedAt)
}

const terminationCols = `t.engagement_id, t.side, t.started_by, COALESCE(u.name, ''), t.notice_on, t.reason, t.effective_on, t.agreed,
	t.handover_due, t.consultation_hours, t.revoked_at, t.created_at`

// loadTermination reads the termination of an engagement already loaded
// for the caller, with its checklist; ENotFound when none was started.
func loadTermination(ctx context.Context, q querier, workspaceID, engagementID int64) (*engagement.Termination, error) {
	t, err := scanOne(ctx, q, scanTermination, `SELECT `+terminationCols+` FROM engagement_terminations t
		LEFT JOIN users u ON u.id = t.started_by WHERE t.workspace_id = ? AND t.engagement_id = ?`, workspaceID, engagementID)
	if err != nil {
		return nil, err
	}
	t.CreatedAt = t.CreatedAt.UTC()
	t.Items, err = scanAll(ctx, q, func(r scanner, i *engagement.HandoverItem) error {
		return r.Scan(&i.Key, &i.Detail, nullTime{&i.DoneAt}, &i.DoneByName)
	}, `SELECT i.key, i.detail, i.done_at, COALESCE(u.name, '') FROM termination_items i LEFT JOIN users u ON u.id = i.done_by
		WHERE i.engagement_id = ? ORDER BY i.position`, engagementID)
	return t, err
}

// Get returns the termination of an engagement p may see; ENotFound when
// there is none (or p may not see the engagement).
func (s *TerminationStore) Get(ctx context.Context, p tandem.Principal, engagementID int64) (_ *engagement.Termination, err error) {
	defer wrap(&err, "TerminationStore.Get(%d)", engagementID)
	e, err := loadEngagement(ctx, s.db, p, engagementID)
	if err != nil {
		return nil, err
	}
	return loadTermination(ctx, s.db, p.WorkspaceID, e.ID)
}

// Start starts the termination of a live engagement from p's side (the
// client's owner or manager, the partner's manager) under the terms in
// force today, tells the other side and records it.
func (s *TerminationStore) Start(ctx context.Context, p tandem.Principal, engagementID int64, t *engagement.Termination) (err error) {
	defer wrap(&err, "TerminationStore.Start(%d)", engagementID)
	if err := access.Can(p, access.Terminate); err != nil {
		return err
	}
	side, ok := engagement.MayTerminate(p.Role)
	if !ok {
		return tandem.ErrForbidden
	}
	t.Side = side
	return s.db.transact(ctx, func(tx *Tx) error {
		e, err := loadEngagement(ctx, tx, p, engagementID)
		if err != nil {
			return err
		}
		loc, err := workspaceLocation(ctx, tx, p.WorkspaceID)
		if err != nil {
			return err
		}
		today := tandem.DateOf(tx.now.In(loc))
		var n int
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM engagement_terminations WHERE engagement_id = ?`, e.ID).Scan(&n); err != nil {
			return err
		}
		var c engagement.Clause
		if e.Live() {
			v, err := termsInForce(ctx, tx, p, e.ID, today)
			if err != nil {
				return err
			}
			c = engagement.Clause{NoticeDays: v.Terms.Shape.NoticeDays, DeadlineDays: v.Terms.Termination.DeadlineDays,
				DataFormat: v.Terms.Termination.DataFormat, RecordsAccess: v.Terms.Termination.RecordsAccessIncluded,
				ConsultationHours: v.Terms.Termination.ConsultationHours, Sales: e.Kind == engagement.KindSales}
		}
		if err := engagement.StartTermination(e, n > 0, c, t, today); err != nil {
			return err
		}
		t.StartedBy, t.StartedByName, t.CreatedAt = p.UserID, p.UserName, tx.now
		if _, err := tx.exec(ctx, `INSERT INTO engagement_terminations (engagement_id, workspace_id, side, started_by, notice_on, reason,
			effective_on, agreed, handover_due, consultation_hours, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			e.ID, p.WorkspaceID, t.Side, p.UserID, dateArg(t.NoticeOn), t.Reason, dateArg(t.EffectiveOn), t.Agreed,
			dateArg(t.HandoverDue), t.ConsultationHours, tx.now); err != nil {
			return err
		}
		for i, item := range t.Items {
			if _, err := tx.exec(ctx, `INSERT INTO termination_items (engagement_id, key, detail, position) VALUES (?, ?, ?, ?)`,
				e.ID, item.Key, item.Detail, i); err != nil {
				return err
			}
		}
		m := notification.Message{Kind: "termination.started", To: notification.Both,
			Args: map[string]any{"title": e.Title, "date": t.EffectiveOn.String()}}
		return tellAndRecord(ctx, tx, p, e.ID, e.ID, m, "termination.started", map[string]any{
			"side": t.Side, "notice_on": t.NoticeOn.String(), "effective_on": t.EffectiveOn.String(), "reason": t.Reason})
	})
}

// MarkItem marks a step of the handover checklist done (or not): the
// client's owner or manager confirms what the partner handed over.
func (s *TerminationStore) MarkItem(ctx context.Context, p tandem.Principal, engagementID int64, key string, done bool) (err error) {
	defer wrap(&err, "TerminationStore.MarkItem(%d, %s)", engagementID, key)
	if err := access.Can(p, access.EngagementsWrite); err != nil {
		return err
	}
	return s.db.transact(ctx, func(tx *Tx) error {
		e, err := loadEngagement(ctx, tx, p, engagementID)
		if err != nil {
			return err
		}
		var q string
		args := []any{}
		if done {
			q = `UPDATE termination_items SET done_at = ?, done_by = ? WHERE engagement_id = ? AND key = ?`
			args = append(args, tx.now, p.UserID)
		} else {
			q = `UPDATE termination_items SET done_at = NULL, done_by = NULL WHERE engagement_id = ? AND key = ?`
		}
		if err := tx.execOne(ctx, tandem.ErrNotFound, q, append(args, e.ID, key)...); err != nil {
			return err
		}
		return tx.record(ctx, p, "termination.item", "engagement", e.ID, map[string]any{"step": key, "done": done})
	})
}

// RevokeNow closes the partner's access to an engagement being terminated
// at once, before its effective day: the client's owner only.
func (s *TerminationStore) RevokeNow(ctx context.Context, p tandem.Principal, engagementID int64) (err error) {
	defer wrap(&err, "TerminationStore.RevokeNow(%d)", engagementID)
	if err := access.Can(p, access.TerminationClose); err != nil {
		return err
	}
	return s.db.transact(ctx, func(tx *Tx) error {
		e, err := loadEngagement(ctx, tx, p, engagementID)
		if err != nil {
			return err
		}
		t, err := loadTermination(ctx, tx, p.WorkspaceID, e.ID)
		if err != nil {
			if tandem.ErrorCode(err) == tandem.ENotFound {
				return tandem.Errorf(tandem.EConflict, i18n.K("termination.none"))
			}
			return err
		}
		if t.Revoked() {
			return tandem.Errorf(tandem.EConflict, i18n.K("termination.revoked_already"))
		}
		return revokePartner(ctx, tx, p, e)
	})
}

// RevokeDue closes the access of every termination whose effective day has
// begun in its workspace's time zone; it returns how many it closed. Run
// by the scheduler: a termination closes once, whichever instance runs it.
func (s *TerminationStore) RevokeDue(ctx context.Context) (n int, err error) {
	defer wrap(&err, "TerminationStore.RevokeDue")
	// The effective day has begun somewhere on Earth by tomorrow (UTC).
	horizon := tandem.DateOf(s.db.Now().Add(24 * time.Hour))
	type due struct{ workspace, engagement int64 }
	ds, err := scanAll(ctx, s.db, func(r scanner, d *due) error { return r.Scan(&d.workspace, &d.engagement) },
		`SELECT workspace_id, engagement_id FROM engagement_terminations WHERE revoked_at IS NULL AND effective_on <= ? ORDER BY engagement_id`,
		dateArg(horizon))
	if err != nil {
		return 0, err
	}
	for _, d := range ds {
		revoked := false // set by the run that commits (a run may be repeated)
		err := s.db.transact(ctx, func(tx *Tx) error {
			revoked = false
			sys := System(d.workspace, "termination")
			t, err := loadTermination(ctx, tx, d.workspace, d.engagement)
			if err != nil {
				return err
			}
			loc, err := workspaceLocation(ctx, tx, d.workspace)
			if err != nil {
				return err
			}
			if !t.Due(tx.now, loc) {
				return nil
			}
			e, err := loadEngagement(ctx, tx, sys, d.engagement)
			if err != nil {
				return err
			}
			if err := revokePartner(ctx, tx, sys, e); err != nil {
				return err
			}
			revoked = true
			return nil
		})
		if err != nil {
			return n, err
		}
		if revoked {
			n++
		}
	}
	return n, nil
}

// revokePartner closes every access path of the partner's people to e, in
// tx: the engagement leaves their scope and ends; the people left with no
// engagement of the workspace lose their sessions in it, their API tokens,
// their calendar feeds and their pending invitations; a partner left with no engagement has its
// webhook endpoints disabled.
func revokePartner(ctx context.Context, tx *Tx, p tandem.Principal, e *engagement.Engagement) error {
	if err := tx.execOne(ctx, tandem.Errorf(tandem.EConflict, i18n.K("termination.revoked_already")),
		`UPDATE engagements SET partner_revoked_at = ? WHERE id = ? AND workspace_id = ? AND partner_revoked_at IS NULL`,
		tx.now, e.ID, p.WorkspaceID); err != nil {
		return err
	}
	if e.Live() {
		if _, err := tx.exec(ctx, `UPDATE engagements SET status = ?, updated_at = ? WHERE id = ?`, string(engagement.StatusEnded), tx.now, e.ID); err != nil {
			return err
		}
	}
	if _, err := tx.exec(ctx, `UPDATE engagement_terminations SET revoked_at = ? WHERE engagement_id = ?`, tx.now, e.ID); err != nil {
		return err
	}
	// The partner's people of this engagement with nothing left: vendor
	// managers of a partner with no other open engagement, agents with no
	// other assignment to one.
	left, err := scanAll(ctx, tx, func(r scanner, x *[2]int64) error { return r.Scan(&x[0], &x[1]) },
		`SELECT m.id, m.user_id FROM memberships m WHERE m.workspace_id = ? AND m.partner_id = ?
		AND (m.role = ? OR EXISTS (SELECT 1 FROM engagement_assignments ea WHERE ea.membership_id = m.id AND ea.engagement_id = ?))
		AND NOT EXISTS (SELECT 1 FROM engagements o WHERE o.workspace_id = m.workspace_id AND o.partner_id = m.partner_id
			AND o.partner_revoked_at IS NULL
			AND (m.role = ? OR EXISTS (SELECT 1 FROM engagement_assignments oa WHERE oa.membership_id = m.id AND oa.engagement_id = o.id)))`,
		p.WorkspaceID, e.PartnerID, string(tandem.RoleVendorManager), e.ID, string(tandem.RoleVendorManager))
	if err != nil {
		return err
	}
	var sessions, tokens, feeds int64
	for _, x := range left {
		n, err := tx.changed(ctx, `UPDATE api_tokens SET revoked_at = ? WHERE membership_id = ? AND revoked_at IS NULL`, tx.now, x[0])
		if err != nil {
			return err
		}
		tokens += n
		if n, err = tx.changed(ctx, `DELETE FROM sessions WHERE user_id = ? AND workspace_id = ?`, x[1], p.WorkspaceID); err != nil {
			return err
		}
		sessions += n
		if n, err = tx.changed(ctx, `DELETE FROM calendar_feeds WHERE user_id = ? AND workspace_id = ?`, x[1], p.WorkspaceID); err != nil {
			return err
		}
		feeds += n
	}
	var open int
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM engagements WHERE workspace_id = ? AND partner_id = ? AND partner_revoked_at IS NULL`,
		p.WorkspaceID, e.PartnerID).Scan(&open); err != nil {
		return err
	}
	invitations, endpoints := int64(0), int64(0)
	if open == 0 {
		if invitations, err = tx.changed(ctx, `UPDATE invitations SET expires_at = ? WHERE workspace_id = ? AND partner_id = ? AND accepted_at IS NULL AND expires_at > ?`,
			tx.now, p.WorkspaceID, e.PartnerID, tx.now); err != nil {
			return err
		}
		if endpoints, err = tx.changed(ctx, `UPDATE webhook_endpoints SET disabled_at = ?, disabled_reason = ? WHERE workspace_id = ? AND partner_id = ? AND disabled_at IS NULL`,
			tx.now, DisabledTerminated, p.WorkspaceID, e.PartnerID); err != nil {
			return err
		}
	} else {
		// Invitations naming this engagement among others ("1,7,9").
		if invitations, err = tx.changed(ctx, `UPDATE invitations SET expires_at = ? WHERE workspace_id = ? AND partner_id = ? AND accepted_at IS NULL
			AND expires_at > ? AND (',' || engagement_ids || ',') LIKE ?`, tx.now, p.WorkspaceID, e.PartnerID, tx.now, "%,"+strconv.FormatInt(e.ID, 10)+",%"); err != nil {
			return err
		}
	}
	m := notification.Message{Kind: "termination.revoked", To: notification.Client, Args: map[string]any{"title": e.Title}}
	if err := tell(ctx, tx, p, e.ID, e.ID, m); err != nil {
		return err
	}
	return tx.record(ctx, p, "termination.revoked", "engagement", e.ID, map[string]any{
		"people": len(left), "sessions": sessions, "tokens": tokens, "calendar_feeds": feeds, "invitations": invitations, "webhooks": endpoints})
}
