package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/tandemhq/tandem/internal/access"
	"github.com/tandemhq/tandem/internal/engagement"
	"github.com/tandemhq/tandem/internal/fact"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/notice"
	"github.com/tandemhq/tandem/internal/tandem"
	"github.com/tandemhq/tandem/internal/work"
)

// NoticeStore keeps the partner's written notices with the client's
// acknowledgements, the facts they give, and the late-notice penalties the
// sweep records. The rules are in package notice.
type NoticeStore struct{ db *DB }

const noticeCols = `n.id, n.workspace_id, n.engagement_id, n.category, COALESCE(n.deliverable_id, 0), COALESCE(d.title, ''), n.body,
	n.due_at, n.timely, n.filed_by, fu.name, n.filed_at, COALESCE(n.acknowledged_by, 0), COALESCE(au.name, ''), n.acknowledged_at,
	n.ack_comment, n.new_due_at`

const noticeFrom = ` FROM notices n JOIN engagements e ON e.id = n.engagement_id AND e.workspace_id = n.workspace_id
	JOIN users fu ON fu.id = n.filed_by LEFT JOIN users au ON au.id = n.acknowledged_by
	LEFT JOIN deliverables d ON d.id = n.deliverable_id`

func scanNotice(s interface{ Scan(...any) error }, n *notice.Notice) error {
	var timely int
	err := s.Scan(&n.ID, &n.WorkspaceID, &n.EngagementID, &n.Category, &n.DeliverableID, &n.DeliverableTitle, &n.Text,
		nullTime{&n.DueAt}, &timely, &n.FiledBy, &n.FiledByName, &n.FiledAt, &n.AcknowledgedBy, &n.AcknowledgedByName,
		nullTime{&n.AcknowledgedAt}, &n.Comment, nullTime{&n.NewDueAt})
	n.Timely, n.FiledAt = timely != 0, n.FiledAt.UTC()
	return err
}

// NoticeFilter narrows a list of notices.
type NoticeFilter struct {
	Open     bool   // not yet acknowledged
	Category string // one category
}

// List lists an engagement's notices, newest first. Every member who may
// see the engagement may call it; ENotFound otherwise.
func (s *NoticeStore) List(ctx context.Context, p tandem.Principal, engagementID int64, f NoticeFilter) (_ []notice.Notice, err error) {
	defer wrap(&err, "NoticeStore.List(%d)", engagementID)
	if err := canSeeEngagement(ctx, s.db, p, access.WorkRead, engagementID); err != nil {
		return nil, err
	}
	var w where
	engagementScope(&w, p)
	w.add("n.workspace_id = ? AND n.engagement_id = ?", p.WorkspaceID, engagementID)
	if f.Open {
		w.add("n.acknowledged_at IS NULL")
	}
	if f.Category != "" {
		w.add("n.category = ?", f.Category)
	}
	return scanAll(ctx, s.db, scanNotice, `SELECT `+noticeCols+noticeFrom+w.String()+` ORDER BY n.filed_at DESC, n.id DESC`, w.args...)
}

// Get returns notice id of an engagement p may see, or tandem.ErrNotFound.
func (s *NoticeStore) Get(ctx context.Context, p tandem.Principal, engagementID, id int64) (_ *notice.Notice, err error) {
	defer wrap(&err, "NoticeStore.Get(%d, %d)", engagementID, id)
	if err := access.Can(p, access.WorkRead); err != nil {
		return nil, err
	}
	return noticeIn(ctx, s.db, p, engagementID, id)
}

func noticeIn(ctx context.Context, q querier, p tandem.Principal, engagementID, id int64) (*notice.Notice, error) {
	var w where
	engagementScope(&w, p)
	w.add("n.engagement_id = ? AND n.id = ?", engagementID, id)
	return scanOne(ctx, q, scanNotice, `SELECT `+noticeCols+noticeFrom+w.String(), w.args...)
}

// File records a written notice of the partner in one of the categories of
// the terms in force, optionally about a deliverable of the engagement, and
// notifies the client's deciders. A deadline notice is judged timely or not
// on filing (see package notice) and records a "notice.filed" fact. The
// partner's managers and the agents on the engagement may call it. Errors:
// EInvalid, EConflict (the engagement is not live), ENotFound.
func (s *NoticeStore) File(ctx context.Context, p tandem.Principal, n *notice.Notice) (err error) {
	defer wrap(&err, "NoticeStore.File")
	if err := access.Can(p, access.Notify); err != nil {
		return err
	}
	return s.db.transact(ctx, func(tx *Tx) error {
		et, err := loadEngagementTerms(ctx, tx, p, n.EngagementID, tx.now)
		if err != nil {
			return err
		}
		if err := notice.CheckLive(et.e); err != nil {
			return err
		}
		d, err := deliverableOfEngagement(ctx, tx, p, n.EngagementID, n.DeliverableID)
		if err != nil {
			return err
		}
		lead, err := n.File(et.terms, d, et.cal, p, tx.now)
		if err != nil {
			return err
		}
		id, err := tx.insert(ctx, `INSERT INTO notices (workspace_id, engagement_id, category, deliverable_id, body, due_at, timely, filed_by, filed_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, p.WorkspaceID, n.EngagementID, n.Category, nullID(n.DeliverableID), n.Text,
			nullTimeArg(n.DueAt), boolInt(n.Timely), p.UserID, tx.now)
		if err != nil {
			return err
		}
		n.ID = id
		if _, err := recordFact(ctx, tx, p, Fact{EngagementID: n.EngagementID, SubjectID: id, At: tx.now,
			Value: int64(lead / time.Minute), Flag: n.Timely,
			Data: fact.Filed{Category: n.Category, DeliverableID: n.DeliverableID, DueAt: fact.OptTime(n.DueAt)}}); err != nil {
			return err
		}
		return tellAndRecord(ctx, tx, p, n.EngagementID, id, n.Filed(), "notice.filed", map[string]any{
			"notice_id": id, "category": n.Category, "deliverable_id": n.DeliverableID, "timely": n.Timely, "due_at": nullTimeArg(n.DueAt)})
	})
}

// Acknowledge records the client's acknowledgement of notice id of an
// engagement, with an optional comment and, for a notice about a
// deliverable, an optional new due date agreed for it: the deliverable's
// due time is moved in the same transaction, and the audit entry keeps the
// old and the new date. The partner's people are notified. Owners and
// managers may call it. Errors: EInvalid, EConflict (already acknowledged,
// or the deliverable is accepted), ENotFound.
func (s *NoticeStore) Acknowledge(ctx context.Context, p tandem.Principal, engagementID, id int64, a notice.Ack) (err error) {
	defer wrap(&err, "NoticeStore.Acknowledge(%d, %d)", engagementID, id)
	if err := access.Can(p, access.Respond); err != nil {
		return err
	}
	return s.db.transact(ctx, func(tx *Tx) error {
		n, err := noticeIn(ctx, tx, p, engagementID, id)
		if err != nil {
			return err
		}
		var d *work.Deliverable
		if a.MovesDue() {
			if d, err = deliverableOfEngagement(ctx, tx, p, n.EngagementID, n.DeliverableID); err != nil {
				return err
			}
		}
		_, loc, err := workspaceZone(ctx, tx, p.WorkspaceID)
		if err != nil {
			return err
		}
		if err := a.Acknowledge(n, d, loc, tx.now); err != nil {
			return err
		}
		if err := changeOne(ctx, tx, i18n.K("notice.already_acknowledged"), `UPDATE notices SET acknowledged_by = ?, acknowledged_at = ?, ack_comment = ?, new_due_at = ?
			WHERE workspace_id = ? AND id = ? AND acknowledged_at IS NULL`,
			p.UserID, tx.now, a.Comment, nullTimeArg(a.NewDueAt), p.WorkspaceID, id); err != nil {
			return err
		}
		data := map[string]any{"notice_id": id, "category": n.Category, "deliverable_id": n.DeliverableID, "comment": a.Comment}
		if d != nil {
			if err := changeOne(ctx, tx, i18n.K("notice.deliverable_accepted"), `UPDATE deliverables SET due_at = ?, updated_at = ? WHERE workspace_id = ? AND id = ? AND status <> ?`,
				a.NewDueAt, tx.now, p.WorkspaceID, d.ID, string(work.StatusAccepted)); err != nil {
				return err
			}
			data["old_due_at"], data["new_due_at"] = d.DueAt.UTC(), a.NewDueAt
		}
		if _, err := recordFact(ctx, tx, p, Fact{EngagementID: n.EngagementID, SubjectID: id, At: tx.now,
			Value: int64(tx.now.Sub(n.FiledAt) / time.Second), Flag: d != nil,
			Data: fact.Acknowledged{Category: n.Category, DeliverableID: n.DeliverableID, NewDueAt: fact.OptTime(a.NewDueAt)}}); err != nil {
			return err
		}
		return tellAndRecord(ctx, tx, p, n.EngagementID, id, n.AcknowledgedMessage(), "notice.acknowledged", data)
	})
}

// SweepOverdue records the late-notice penalties due at now, across every
// workspace: for each deliverable past its due time, not accepted, and
// without a timely deadline notice (see package notice for the rule), a
// "penalty.late_notice" fact with the contract's amount, an audit entry on
// the engagement and a notification to the client's deciders. It is run by
// the scheduler (no principal; it acts as store.System(workspace,
// "scheduler")) every minute, on every instance: a penalty is recorded at
// most once per deliverable, so concurrent or repeated sweeps are safe. It
// returns how many penalties it recorded.
func (s *NoticeStore) SweepOverdue(ctx context.Context, now time.Time) (_ int, err error) {
	defer wrap(&err, "NoticeStore.SweepOverdue")
	now = now.UTC()
	// Candidates: those that missed their deadline (notice.Missed) and have
	// no penalty yet. The rule itself is notice.PenaltyOwed, judged per
	// deliverable.
	type candidate struct{ workspaceID, id int64 }
	cands, err := scanAll(ctx, s.db, func(r scanner, c *candidate) error { return r.Scan(&c.workspaceID, &c.id) },
		`SELECT d.workspace_id, d.id FROM deliverables d
		LEFT JOIN submissions s ON s.deliverable_id = d.id AND s.number = d.submissions
		WHERE d.status <> ? AND d.due_at < ?
		AND NOT (d.status = ? AND s.submitted_at IS NOT NULL AND s.submitted_at <= d.due_at)
		AND NOT EXISTS (SELECT 1 FROM facts f WHERE f.workspace_id = d.workspace_id AND f.kind = ? AND f.subject_id = d.id)
		ORDER BY d.workspace_id, d.due_at, d.id`,
		string(work.StatusAccepted), now, string(work.StatusSubmitted), string(fact.LateNoticePenalty))
	if err != nil {
		return 0, err
	}
	recorded := 0
	var errs []error
	for _, c := range cands {
		if err := ctx.Err(); err != nil {
			return recorded, err
		}
		ok, err := s.sweepOne(ctx, System(c.workspaceID, "scheduler"), c.id, now)
		if err != nil {
			errs = append(errs, fmt.Errorf("deliverable %d: %w", c.id, err))
			continue
		}
		if ok {
			recorded++
		}
	}
	return recorded, errors.Join(errs...)
}

// sweepOne judges one overdue deliverable and records its penalty when it
// is owed; it reports whether it recorded one. It judges on the read pool
// first, so that a deliverable that owes nothing takes no write lock, and
// again in the transaction that records the penalty.
func (s *NoticeStore) sweepOne(ctx context.Context, p tandem.Principal, deliverableID int64, now time.Time) (recorded bool, err error) {
	if _, _, owed, err := judgeLateNotice(ctx, s.db, p, deliverableID, now); err != nil || !owed {
		return false, err
	}
	err = s.db.transact(ctx, func(tx *Tx) error {
		recorded = false
		d, x, owed, err := judgeLateNotice(ctx, tx, p, deliverableID, now)
		if err != nil || !owed {
			return err // changed meanwhile
		}
		recorded, err = recordFact(ctx, tx, p, Fact{EngagementID: d.EngagementID, SubjectID: d.ID, At: d.DueAt,
			Flag: x.NoticeFiled, AmountMinor: x.AmountMinor, Currency: x.Currency,
			Data: fact.Penalty{Title: d.Title, DueAt: d.DueAt, WithinHours: x.WithinHours, LateNotices: x.LateNotices}})
		if err != nil || !recorded {
			return err
		}
		return tellAndRecord(ctx, tx, p, d.EngagementID, d.ID, x.Told(), "penalty.late_notice", map[string]any{
			"deliverable_id": d.ID, "title": d.Title, "due_at": d.DueAt, "amount_minor": x.AmountMinor,
			"currency": x.Currency, "late_notices": x.LateNotices})
	})
	return recorded, err
}

// judgeLateNotice loads what the late-notice rule needs of a deliverable —
// its latest submission, the terms in force on its due date, the deadline
// notices filed about it — and decides whether a penalty is owed at now.
func judgeLateNotice(ctx context.Context, q querier, p tandem.Principal, deliverableID int64, now time.Time) (*work.Deliverable, notice.Penalty, bool, error) {
	d, err := deliverableIn(ctx, q, p, deliverableID)
	if err != nil {
		return nil, notice.Penalty{}, false, err
	}
	var submittedAt time.Time
	if err := q.queryRow(ctx, `SELECT submitted_at FROM submissions WHERE deliverable_id = ? AND number = ?`, d.ID, d.Submissions).
		Scan(&submittedAt); err != nil && notFound(err) != tandem.ErrNotFound {
		return nil, notice.Penalty{}, false, err
	}
	if !notice.Missed(d, submittedAt.UTC(), now) {
		return d, notice.Penalty{}, false, nil
	}
	// The deliverable's read joined its engagement in p's scope.
	et, err := loadTerms(ctx, q, p, &engagement.Engagement{ID: d.EngagementID}, d.DueAt)
	if err != nil {
		return nil, notice.Penalty{}, false, err
	}
	filings, err := scanAll(ctx, q, func(s interface{ Scan(...any) error }, f *notice.Filing) error {
		err := s.Scan(&f.FiledAt, nullTime{&f.NewDueAt})
		f.FiledAt = f.FiledAt.UTC()
		return err
	}, `SELECT filed_at, new_due_at FROM notices WHERE workspace_id = ? AND deliverable_id = ? AND category = ?
		ORDER BY filed_at`, p.WorkspaceID, d.ID, notice.CategoryDeadline)
	if err != nil {
		return nil, notice.Penalty{}, false, err
	}
	x, owed := notice.PenaltyOwed(d, submittedAt.UTC(), et.terms, et.cal, filings, now)
	return d, x, owed, nil
}

// Penalties lists the late-notice penalties recorded on an engagement,
// latest due first. Every member who may see the engagement may call it.
func (s *NoticeStore) Penalties(ctx context.Context, p tandem.Principal, engagementID int64) (_ []notice.Penalty, err error) {
	defer wrap(&err, "NoticeStore.Penalties(%d)", engagementID)
	if err := canSeeEngagement(ctx, s.db, p, access.WorkRead, engagementID); err != nil {
		return nil, err
	}
	return scanAll(ctx, s.db, func(s interface{ Scan(...any) error }, x *notice.Penalty) error {
		var flag int
		err := s.Scan(&x.DeliverableID, &x.DeliverableTitle, &x.DueAt, &x.AmountMinor, &x.Currency, &flag)
		x.DueAt, x.NoticeFiled = x.DueAt.UTC(), flag != 0
		return err
	}, `SELECT f.subject_id, COALESCE(d.title, ''), f.at, f.amount_minor, f.currency, f.flag
		FROM facts f LEFT JOIN deliverables d ON d.id = f.subject_id AND d.workspace_id = f.workspace_id
		WHERE f.workspace_id = ? AND f.engagement_id = ? AND f.kind = ? ORDER BY f.at DESC, f.id DESC`,
		p.WorkspaceID, engagementID, string(fact.LateNoticePenalty))
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
