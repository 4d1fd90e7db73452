package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/tandemhq/tandem/internal/notification"
	"github.com/tandemhq/tandem/internal/tandem"
)

// NotificationStore keeps the in-app notifications: each person's list,
// what is unread, marking read. Who is told is decided by the capability
// packages (a notification.Audience); tell turns it into people.
type NotificationStore struct{ db *DB }

// tell writes the notifications of m about subjectID of an engagement in
// tx: to the people of its audience, except the one acting; and the
// webhook messages of the event (enqueueWebhooks).
func tell(ctx context.Context, tx *Tx, p tandem.Principal, engagementID, subjectID int64, m notification.Message) error {
	var deciders, people []int64
	var err error
	if m.To.Client {
		if deciders, err = clientDeciders(ctx, tx, p.WorkspaceID); err != nil {
			return err
		}
	}
	switch {
	case m.To.Partner:
		if people, err = partnerPeople(ctx, tx, p.WorkspaceID, engagementID); err != nil {
			return err
		}
	case m.To.PartnerManagers:
		if people, err = partnerManagers(ctx, tx, p.WorkspaceID, engagementID); err != nil {
			return err
		}
	}
	if err := notify(ctx, tx, p, m.To.Recipients(p.UserID, deciders, people), m.Kind, engagementID, subjectID, m.Args); err != nil {
		return err
	}
	return enqueueWebhooks(ctx, tx, p, engagementID, subjectID, m)
}

// tellAndRecord ends a change to an engagement's work: it tells the
// audience of m about subjectID (tell) and writes the audit entry of
// action on the engagement with data.
func tellAndRecord(ctx context.Context, tx *Tx, p tandem.Principal, engagementID, subjectID int64, m notification.Message, action string, data any) error {
	if err := tell(ctx, tx, p, engagementID, subjectID, m); err != nil {
		return err
	}
	return tx.record(ctx, p, action, "engagement", engagementID, data)
}

// notify writes a notification for each user, except the one acting, and
// its e-mail to the outbox when the person receives its kind right away.
func notify(ctx context.Context, tx *Tx, p tandem.Principal, userIDs []int64, kind string, engagementID, subjectID int64, args map[string]any) error {
	js, err := json.Marshal(args)
	if err != nil {
		return err
	}
	seen := map[int64]bool{p.UserID: true}
	for _, u := range userIDs {
		if seen[u] {
			continue
		}
		seen[u] = true
		id, err := tx.insert(ctx, `INSERT INTO notifications (workspace_id, user_id, kind, engagement_id, subject_id, args, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, p.WorkspaceID, u, kind, engagementID, subjectID, string(js), tx.now)
		if err != nil {
			return err
		}
		if err := queueNotificationMail(ctx, tx, p.WorkspaceID, u, kind, id); err != nil {
			return err
		}
	}
	return nil
}

// clientDeciders are the users who act for the client on an engagement:
// owners and managers of the workspace.
func clientDeciders(ctx context.Context, tx *Tx, workspaceID int64) ([]int64, error) {
	return userIDs(ctx, tx, `SELECT user_id FROM memberships WHERE workspace_id = ? AND role IN (?, ?)`,
		workspaceID, string(tandem.RoleOwner), string(tandem.RoleManager))
}

// partnerPeople are the users who work an engagement for the partner: its
// vendor managers and the agents assigned to it.
func partnerPeople(ctx context.Context, tx *Tx, workspaceID, engagementID int64) ([]int64, error) {
	return userIDs(ctx, tx, `SELECT m.user_id FROM memberships m JOIN engagements e ON e.partner_id = m.partner_id AND e.workspace_id = m.workspace_id
		WHERE m.workspace_id = ? AND e.id = ? AND e.partner_revoked_at IS NULL AND (m.role = ?
		OR EXISTS (SELECT 1 FROM engagement_assignments ea WHERE ea.membership_id = m.id AND ea.engagement_id = e.id))`,
		workspaceID, engagementID, string(tandem.RoleVendorManager))
}

// partnerManagers are the partner's managers of an engagement.
func partnerManagers(ctx context.Context, tx *Tx, workspaceID, engagementID int64) ([]int64, error) {
	return userIDs(ctx, tx, `SELECT m.user_id FROM memberships m JOIN engagements e ON e.partner_id = m.partner_id AND e.workspace_id = m.workspace_id
		WHERE m.workspace_id = ? AND e.id = ? AND e.partner_revoked_at IS NULL AND m.role = ?`,
		workspaceID, engagementID, string(tandem.RoleVendorManager))
}

func userIDs(ctx context.Context, tx *Tx, q string, args ...any) ([]int64, error) {
	return scanAll(ctx, tx, scanInt64, q, args...)
}

// List lists p's notifications in p's workspace, newest first, unread
// ones only unless all is set; and how many are unread. Every member may
// call it, for their own.
func (s *NotificationStore) List(ctx context.Context, p tandem.Principal, all bool, limit int) (_ []notification.Notification, unread int, err error) {
	defer wrap(&err, "NotificationStore.List")
	if unread, err = s.unread(ctx, p); err != nil {
		return nil, 0, err
	}
	q := `SELECT id, kind, engagement_id, subject_id, args, created_at, read_at FROM notifications WHERE workspace_id = ? AND user_id = ?`
	if !all {
		q += ` AND read_at IS NULL`
	}
	out, err := scanAll(ctx, s.db, func(s interface{ Scan(...any) error }, n *notification.Notification) error {
		var js string
		if err := s.Scan(&n.ID, &n.Kind, &n.EngagementID, &n.SubjectID, &js, &n.CreatedAt, nullTime{&n.ReadAt}); err != nil {
			return err
		}
		return json.Unmarshal([]byte(js), &n.Args)
	}, q+fmt.Sprintf(` ORDER BY id DESC LIMIT %d`, limit), p.WorkspaceID, p.UserID)
	return out, unread, err
}

// MarkRead marks p's notifications read: one (id) or all (id 0).
func (s *NotificationStore) MarkRead(ctx context.Context, p tandem.Principal, id int64) (err error) {
	defer wrap(&err, "NotificationStore.MarkRead(%d)", id)
	return s.db.transact(ctx, func(tx *Tx) error {
		q := `UPDATE notifications SET read_at = ? WHERE workspace_id = ? AND user_id = ? AND read_at IS NULL`
		args := []any{tx.now, p.WorkspaceID, p.UserID}
		if id != 0 {
			q += ` AND id = ?`
			args = append(args, id)
		}
		_, err := tx.exec(ctx, q, args...)
		return err
	})
}

// MarkReadBefore marks p's notifications created before the given moment
// read, as a person who opens Tandem every day would have; the demo uses
// it so that its six months of history do not leave hundreds unread.
func (s *NotificationStore) MarkReadBefore(ctx context.Context, p tandem.Principal, before time.Time) (err error) {
	defer wrap(&err, "NotificationStore.MarkReadBefore")
	return s.db.transact(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, `UPDATE notifications SET read_at = created_at WHERE workspace_id = ? AND user_id = ? AND read_at IS NULL AND created_at < ?`,
			p.WorkspaceID, p.UserID, before.UTC())
		return err
	})
}

// Unread counts p's unread notifications in p's workspace.
func (s *NotificationStore) Unread(ctx context.Context, p tandem.Principal) (n int, err error) {
	defer wrap(&err, "NotificationStore.Unread")
	return s.unread(ctx, p)
}

func (s *NotificationStore) unread(ctx context.Context, p tandem.Principal) (n int, err error) {
	err = s.db.queryRow(ctx, `SELECT COUNT(*) FROM notifications WHERE workspace_id = ? AND user_id = ? AND read_at IS NULL`,
		p.WorkspaceID, p.UserID).Scan(&n)
	return n, err
}
