package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/tandemhq/tandem/internal/fact"
	"github.com/tandemhq/tandem/internal/tandem"
)

// Notification is an in-app message for what needs a person's action: a
// submission to review, a notice to acknowledge, a proposal to answer. The
// same rows are what e-mail digests and webhooks will send later.
type Notification struct {
	ID           int64
	Kind         string // e.g. "deliverable.submitted"; the catalogue key is "notify.<kind>"
	EngagementID int64
	SubjectID    int64
	Args         map[string]any // for the message
	CreatedAt    time.Time
	ReadAt       time.Time
}

// notify writes a notification for each user, except the one acting.
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
		if _, err := tx.exec(ctx, `INSERT INTO notifications (workspace_id, user_id, kind, engagement_id, subject_id, args, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, p.WorkspaceID, u, kind, engagementID, subjectID, string(js), tx.now); err != nil {
			return err
		}
	}
	return nil
}

// clientDeciders are the users who act for the client on an engagement:
// owners and managers of the workspace.
func clientDeciders(ctx context.Context, tx *Tx, workspaceID int64) ([]int64, error) {
	return userIDs(ctx, tx, `SELECT user_id FROM memberships WHERE workspace_id = ? AND role IN ('owner', 'manager')`, workspaceID)
}

// partnerPeople are the users who work an engagement for the partner: its
// vendor managers and the agents assigned to it.
func partnerPeople(ctx context.Context, tx *Tx, workspaceID, engagementID int64) ([]int64, error) {
	return userIDs(ctx, tx, `SELECT m.user_id FROM memberships m JOIN engagements e ON e.partner_id = m.partner_id AND e.workspace_id = m.workspace_id
		WHERE m.workspace_id = ? AND e.id = ? AND (m.role = 'vendor_manager'
		OR EXISTS (SELECT 1 FROM engagement_assignments ea WHERE ea.membership_id = m.id AND ea.engagement_id = e.id))`, workspaceID, engagementID)
}

func userIDs(ctx context.Context, tx *Tx, q string, args ...any) ([]int64, error) {
	rows, err := tx.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// Notifications lists p's notifications in p's workspace, newest first,
// unread ones only unless all is set; and how many are unread.
func (s *WorkStore) Notifications(ctx context.Context, p tandem.Principal, all bool, limit int) (_ []Notification, unread int, err error) {
	defer wrap(&err, "WorkStore.Notifications")
	if unread, err = s.Unread(ctx, p); err != nil {
		return nil, 0, err
	}
	q := `SELECT id, kind, engagement_id, subject_id, args, created_at, read_at FROM notifications WHERE workspace_id = ? AND user_id = ?`
	if !all {
		q += ` AND read_at IS NULL`
	}
	rows, err := s.db.query(ctx, q+fmt.Sprintf(` ORDER BY id DESC LIMIT %d`, limit), p.WorkspaceID, p.UserID)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	out := []Notification{}
	for rows.Next() {
		var n Notification
		var js string
		if err := rows.Scan(&n.ID, &n.Kind, &n.EngagementID, &n.SubjectID, &js, &n.CreatedAt, nullTime{&n.ReadAt}); err != nil {
			return nil, 0, err
		}
		if err := json.Unmarshal([]byte(js), &n.Args); err != nil {
			return nil, 0, err
		}
		out = append(out, n)
	}
	return out, unread, rows.Err()
}

// MarkRead marks p's notifications read: one (id) or all (id 0).
func (s *WorkStore) MarkRead(ctx context.Context, p tandem.Principal, id int64) (err error) {
	defer wrap(&err, "WorkStore.MarkRead(%d)", id)
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

// Fact is one recorded fact for the KPI engine; see the facts table.
type Fact struct {
	EngagementID int64
	Kind         fact.Kind // empty: the payload's (Data.FactKind)
	SubjectID    int64
	At           time.Time
	Value        int64
	Flag         bool
	AmountMinor  int64
	Currency     string
	Data         fact.Payload
}

// insertFactSQL records a fact; a once-only kind is skipped for a subject
// that has one.
const insertFactSQL = `INSERT INTO facts (workspace_id, engagement_id, kind, subject_id, at, day, value, flag, amount_minor, currency, data)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (workspace_id, kind, subject_id) WHERE kind LIKE 'penalty.%' OR kind LIKE 'breach.%' DO NOTHING`

// recordFact writes a fact and adds it to its day's and week's KPI
// aggregates (kpi_daily, kpi_weekly) through aggBatch, as RecordFacts does
// for a batch; its day is the local date in the workspace's time zone. A
// penalty or breach fact is recorded at most once per subject: a second
// attempt reports false.
func recordFact(ctx context.Context, tx *Tx, p tandem.Principal, f Fact) (bool, error) {
	if err := f.resolve(); err != nil {
		return false, err
	}
	var tz string
	if err := tx.preparedRow(ctx, workspaceZoneSQL, p.WorkspaceID).Scan(&tz); err != nil {
		return false, err
	}
	if f.At.IsZero() {
		f.At = tx.now
	}
	days := dayCache{loc: zone(tz)}
	day, week := days.of(f.At)
	args, err := factArgs(p.WorkspaceID, f, day)
	if err != nil {
		return false, err
	}
	res, err := tx.prepared(ctx, insertFactSQL, args...)
	if err != nil {
		return false, err
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return false, err
	}
	// Keep the KPI aggregates current in this same transaction.
	agg := newAggBatch()
	agg.add(f.EngagementID, f.Kind, day, week, f.Value, f.Flag, f.AmountMinor, f.Data)
	return true, agg.flush(ctx, tx, p.WorkspaceID)
}

// Unread counts p's unread notifications in p's workspace.
func (s *WorkStore) Unread(ctx context.Context, p tandem.Principal) (n int, err error) {
	err = s.db.queryRow(ctx, `SELECT COUNT(*) FROM notifications WHERE workspace_id = ? AND user_id = ? AND read_at IS NULL`,
		p.WorkspaceID, p.UserID).Scan(&n)
	return n, err
}
