package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/tandemhq/tandem/internal/access"
	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/engagement"
	"github.com/tandemhq/tandem/internal/fact"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/notice"
	"github.com/tandemhq/tandem/internal/sla"
	"github.com/tandemhq/tandem/internal/tandem"
	"github.com/tandemhq/tandem/internal/work"
)

// NoticeStore keeps what a partner tells the client in writing — notices,
// proposals and risk warnings, weekly status reports — with the client's
// answers, the facts they give, and the late-notice penalties the sweep
// records. The rules are in package notice.
type NoticeStore struct{ db *DB }

// engagementTerms is an engagement p may see with the terms in force on a
// date, their business calendar and the workspace's zone.
type engagementTerms struct {
	e     *engagement.Engagement
	terms contract.Terms
	cal   *sla.Calendar
	loc   *time.Location
}

func (s *NoticeStore) engagementTerms(ctx context.Context, p tandem.Principal, engagementID int64, at time.Time) (*engagementTerms, error) {
	e, err := s.db.Engagements.Get(ctx, p, engagementID)
	if err != nil {
		return nil, err
	}
	ws, err := s.db.Accounts.Workspace(ctx, p.WorkspaceID)
	if err != nil {
		return nil, err
	}
	loc := ws.Location()
	v, err := s.db.Contracts.InForce(ctx, p, engagementID, tandem.DateOf(at.In(loc)))
	if err != nil {
		return nil, err
	}
	return &engagementTerms{e: e, terms: v.Terms, cal: calendar(v.Terms, ws.TimeZone), loc: loc}, nil
}

func (et *engagementTerms) duty(category string) *contract.NoticeDuty {
	for i := range et.terms.Notices {
		if et.terms.Notices[i].Category == category {
			return &et.terms.Notices[i]
		}
	}
	return nil
}

func (et *engagementTerms) categories() []string {
	var out []string
	for _, n := range et.terms.Notices {
		out = append(out, n.Category)
	}
	return out
}

func live(e *engagement.Engagement) bool {
	return e.Status == engagement.StatusPilot || e.Status == engagement.StatusActive
}

// deliverableOf returns a deliverable of the engagement that p may see, or
// a field error on field.
func (s *NoticeStore) deliverableOf(ctx context.Context, p tandem.Principal, engagementID, id int64, field string) (*work.Deliverable, error) {
	d, err := s.db.Work.Get(ctx, p, id)
	if tandem.ErrorCode(err) == tandem.ENotFound || (err == nil && d.EngagementID != engagementID) {
		return nil, invalid(field, "notice.unknown_deliverable")
	}
	return d, err
}

// Notices.

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

// Notices lists an engagement's notices, newest first. Every member who
// may see the engagement may call it; ENotFound otherwise.
func (s *NoticeStore) Notices(ctx context.Context, p tandem.Principal, engagementID int64, f NoticeFilter) (_ []notice.Notice, err error) {
	defer wrap(&err, "NoticeStore.Notices(%d)", engagementID)
	if err := access.Can(p, access.WorkRead); err != nil {
		return nil, err
	}
	if _, err := s.db.Engagements.Get(ctx, p, engagementID); err != nil {
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
	rows, err := s.db.query(ctx, `SELECT `+noticeCols+noticeFrom+w.String()+` ORDER BY n.filed_at DESC, n.id DESC`, w.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []notice.Notice{}
	for rows.Next() {
		var n notice.Notice
		if err := scanNotice(rows, &n); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// Notice returns one notice p may see, or tandem.ErrNotFound.
func (s *NoticeStore) Notice(ctx context.Context, p tandem.Principal, id int64) (_ *notice.Notice, err error) {
	defer wrap(&err, "NoticeStore.Notice(%d)", id)
	if err := access.Can(p, access.WorkRead); err != nil {
		return nil, err
	}
	var w where
	engagementScope(&w, p)
	w.add("n.id = ?", id)
	var n notice.Notice
	if err := scanNotice(s.db.queryRow(ctx, `SELECT `+noticeCols+noticeFrom+w.String(), w.args...), &n); err != nil {
		return nil, notFound(err)
	}
	return &n, nil
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
	et, err := s.engagementTerms(ctx, p, n.EngagementID, s.db.Now())
	if err != nil {
		return err
	}
	if !live(et.e) {
		return tandem.Errorf(tandem.EConflict, i18n.K("notice.not_live"))
	}
	n.Normalize()
	var v tandem.Validator
	for _, fe := range tandem.FieldErrors(n.Validate(et.categories())) {
		v.Add(fe.Field, fe.Key, fe.Args...)
	}
	var d *work.Deliverable
	if n.DeliverableID != 0 {
		if d, err = s.deliverableOf(ctx, p, n.EngagementID, n.DeliverableID, "deliverable_id"); err != nil {
			for _, fe := range tandem.FieldErrors(err) {
				v.Add(fe.Field, fe.Key, fe.Args...)
			}
			if tandem.ErrorCode(err) != tandem.EInvalid {
				return err
			}
		}
	}
	if err := v.Err(); err != nil {
		return err
	}
	return s.db.transact(ctx, func(tx *Tx) error {
		n.WorkspaceID, n.FiledBy, n.FiledByName, n.FiledAt, n.Timely = p.WorkspaceID, p.UserID, p.UserName, tx.now, true
		var lead time.Duration
		if d != nil {
			n.DeliverableTitle = d.Title
			if n.Category == notice.CategoryDeadline {
				n.DueAt = d.DueAt
				lead = notice.Lead(et.cal, tx.now, d.DueAt)
				within := 0
				if duty := et.duty(n.Category); duty != nil {
					within = duty.WithinHours
				}
				n.Timely = notice.Timely(et.cal, within, tx.now, d.DueAt)
			}
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
		deciders, err := clientDeciders(ctx, tx, p.WorkspaceID)
		if err != nil {
			return err
		}
		if err := notify(ctx, tx, p, deciders, "notice.filed", n.EngagementID, id,
			map[string]any{"category": n.Category, "title": n.DeliverableTitle}); err != nil {
			return err
		}
		return tx.record(ctx, p, "notice.filed", "engagement", n.EngagementID, map[string]any{
			"notice_id": id, "category": n.Category, "deliverable_id": n.DeliverableID, "timely": n.Timely, "due_at": nullTimeArg(n.DueAt)})
	})
}

// Acknowledge records the client's acknowledgement of a notice, with an
// optional comment and, for a notice about a deliverable, an optional new
// due date agreed for it: the deliverable's due time is moved in the same
// transaction, and the audit entry keeps the old and the new date. The
// partner's people are notified. Owners and managers may call it. Errors:
// EInvalid, EConflict (already acknowledged, or the deliverable is
// accepted), ENotFound.
func (s *NoticeStore) Acknowledge(ctx context.Context, p tandem.Principal, id int64, a notice.Ack) (err error) {
	defer wrap(&err, "NoticeStore.Acknowledge(%d)", id)
	if err := access.Can(p, access.Respond); err != nil {
		return err
	}
	n, err := s.Notice(ctx, p, id)
	if err != nil {
		return err
	}
	if err := a.Validate(n, s.db.Now()); err != nil {
		return err
	}
	if n.Acknowledged() {
		return tandem.Errorf(tandem.EConflict, i18n.K("notice.already_acknowledged"))
	}
	var d *work.Deliverable
	if !a.NewDueAt.IsZero() {
		if d, err = s.deliverableOf(ctx, p, n.EngagementID, n.DeliverableID, "new_due_at"); err != nil {
			return err
		}
		if d.Status == work.StatusAccepted {
			return tandem.Errorf(tandem.EConflict, i18n.K("notice.deliverable_accepted"))
		}
	}
	return s.db.transact(ctx, func(tx *Tx) error {
		res, err := tx.exec(ctx, `UPDATE notices SET acknowledged_by = ?, acknowledged_at = ?, ack_comment = ?, new_due_at = ?
			WHERE workspace_id = ? AND id = ? AND acknowledged_at IS NULL`,
			p.UserID, tx.now, a.Comment, nullTimeArg(a.NewDueAt.UTC()), p.WorkspaceID, id)
		if err != nil {
			return err
		}
		if k, _ := res.RowsAffected(); k != 1 {
			return tandem.Errorf(tandem.EConflict, i18n.K("notice.already_acknowledged"))
		}
		data := map[string]any{"notice_id": id, "category": n.Category, "deliverable_id": n.DeliverableID, "comment": a.Comment}
		if d != nil {
			res, err := tx.exec(ctx, `UPDATE deliverables SET due_at = ?, updated_at = ? WHERE workspace_id = ? AND id = ? AND status <> ?`,
				a.NewDueAt.UTC(), tx.now, p.WorkspaceID, d.ID, string(work.StatusAccepted))
			if err != nil {
				return err
			}
			if k, _ := res.RowsAffected(); k != 1 {
				return tandem.Errorf(tandem.EConflict, i18n.K("notice.deliverable_accepted"))
			}
			data["old_due_at"], data["new_due_at"] = d.DueAt.UTC(), a.NewDueAt.UTC()
		}
		if _, err := recordFact(ctx, tx, p, Fact{EngagementID: n.EngagementID, SubjectID: id, At: tx.now,
			Value: int64(tx.now.Sub(n.FiledAt) / time.Second), Flag: d != nil,
			Data: fact.Acknowledged{Category: n.Category, DeliverableID: n.DeliverableID, NewDueAt: fact.OptTime(a.NewDueAt.UTC())}}); err != nil {
			return err
		}
		people, err := partnerPeople(ctx, tx, p.WorkspaceID, n.EngagementID)
		if err != nil {
			return err
		}
		if err := notify(ctx, tx, p, append(people, n.FiledBy), "notice.acknowledged", n.EngagementID, id,
			map[string]any{"category": n.Category, "title": n.DeliverableTitle}); err != nil {
			return err
		}
		return tx.record(ctx, p, "notice.acknowledged", "engagement", n.EngagementID, data)
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
	rows, err := s.db.query(ctx, `SELECT d.workspace_id, d.id FROM deliverables d
		LEFT JOIN submissions s ON s.deliverable_id = d.id AND s.number = d.submissions
		WHERE d.status <> ? AND d.due_at < ?
		AND NOT (d.status = ? AND s.submitted_at IS NOT NULL AND s.submitted_at <= d.due_at)
		AND NOT EXISTS (SELECT 1 FROM facts f WHERE f.workspace_id = d.workspace_id AND f.kind = 'penalty.late_notice' AND f.subject_id = d.id)
		ORDER BY d.workspace_id, d.due_at, d.id`,
		string(work.StatusAccepted), now, string(work.StatusSubmitted))
	if err != nil {
		return 0, err
	}
	type candidate struct{ workspaceID, id int64 }
	var cands []candidate
	for rows.Next() {
		var c candidate
		if err := rows.Scan(&c.workspaceID, &c.id); err != nil {
			rows.Close()
			return 0, err
		}
		cands = append(cands, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
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
// is owed; it reports whether it recorded one.
func (s *NoticeStore) sweepOne(ctx context.Context, p tandem.Principal, deliverableID int64, now time.Time) (bool, error) {
	d, err := s.db.Work.Get(ctx, p, deliverableID)
	if err != nil {
		return false, err
	}
	if d.Status == work.StatusAccepted || !d.DueAt.Before(now) {
		return false, nil // changed meanwhile
	}
	et, err := s.engagementTerms(ctx, p, d.EngagementID, d.DueAt)
	if err != nil {
		return false, err
	}
	duty := et.duty(notice.CategoryDeadline)
	if duty == nil {
		return false, nil // the contract asks for no such notice
	}
	// The notices about the deliverable's deadline, except those that moved
	// it: those were about an earlier date.
	rows, err := s.db.query(ctx, `SELECT filed_at FROM notices WHERE workspace_id = ? AND deliverable_id = ? AND category = ?
		AND new_due_at IS NULL ORDER BY filed_at`, p.WorkspaceID, d.ID, notice.CategoryDeadline)
	if err != nil {
		return false, err
	}
	filed := 0
	timely := false
	for rows.Next() {
		var at time.Time
		if err := rows.Scan(&at); err != nil {
			rows.Close()
			return false, err
		}
		filed++
		timely = timely || notice.Timely(et.cal, duty.WithinHours, at.UTC(), d.DueAt)
	}
	rows.Close()
	if err := rows.Err(); err != nil || timely {
		return false, err
	}
	var recorded bool
	err = s.db.transact(ctx, func(tx *Tx) error {
		var err error
		recorded, err = recordFact(ctx, tx, p, Fact{EngagementID: d.EngagementID, SubjectID: d.ID, At: d.DueAt,
			Flag: filed > 0, AmountMinor: duty.PenaltyMinor, Currency: et.terms.Price.Currency,
			Data: fact.Penalty{Title: d.Title, DueAt: d.DueAt, WithinHours: duty.WithinHours, LateNotices: filed}})
		if err != nil || !recorded {
			return err
		}
		deciders, err := clientDeciders(ctx, tx, p.WorkspaceID)
		if err != nil {
			return err
		}
		if err := notify(ctx, tx, p, deciders, "penalty.late_notice", d.EngagementID, d.ID,
			map[string]any{"title": d.Title, "amount_minor": duty.PenaltyMinor, "currency": et.terms.Price.Currency}); err != nil {
			return err
		}
		return tx.record(ctx, p, "penalty.late_notice", "engagement", d.EngagementID, map[string]any{
			"deliverable_id": d.ID, "title": d.Title, "due_at": d.DueAt, "amount_minor": duty.PenaltyMinor,
			"currency": et.terms.Price.Currency, "late_notices": filed})
	})
	return recorded, err
}

// Penalties lists the late-notice penalties recorded on an engagement,
// latest due first. Every member who may see the engagement may call it.
func (s *NoticeStore) Penalties(ctx context.Context, p tandem.Principal, engagementID int64) (_ []notice.Penalty, err error) {
	defer wrap(&err, "NoticeStore.Penalties(%d)", engagementID)
	if err := access.Can(p, access.WorkRead); err != nil {
		return nil, err
	}
	if _, err := s.db.Engagements.Get(ctx, p, engagementID); err != nil {
		return nil, err
	}
	rows, err := s.db.query(ctx, `SELECT f.subject_id, COALESCE(d.title, ''), f.at, f.amount_minor, f.currency, f.flag
		FROM facts f LEFT JOIN deliverables d ON d.id = f.subject_id AND d.workspace_id = f.workspace_id
		WHERE f.workspace_id = ? AND f.engagement_id = ? AND f.kind = 'penalty.late_notice' ORDER BY f.at DESC, f.id DESC`,
		p.WorkspaceID, engagementID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []notice.Penalty{}
	for rows.Next() {
		var x notice.Penalty
		var flag int
		if err := rows.Scan(&x.DeliverableID, &x.DeliverableTitle, &x.DueAt, &x.AmountMinor, &x.Currency, &flag); err != nil {
			return nil, err
		}
		x.DueAt, x.NoticeFiled = x.DueAt.UTC(), flag != 0
		out = append(out, x)
	}
	return out, rows.Err()
}

// Proposals and risk warnings.

const proposalCols = `x.id, x.workspace_id, x.engagement_id, x.kind, x.title, x.body, COALESCE(x.deliverable_id, 0), COALESCE(d.title, ''),
	x.raised_by, ru.name, x.raised_at, x.status, COALESCE(x.decided_by, 0), COALESCE(du.name, ''), x.decided_at, x.comment`

const proposalFrom = ` FROM proposals x JOIN engagements e ON e.id = x.engagement_id AND e.workspace_id = x.workspace_id
	JOIN users ru ON ru.id = x.raised_by LEFT JOIN users du ON du.id = x.decided_by
	LEFT JOIN deliverables d ON d.id = x.deliverable_id`

func scanProposal(s interface{ Scan(...any) error }, x *notice.Proposal) error {
	err := s.Scan(&x.ID, &x.WorkspaceID, &x.EngagementID, &x.Kind, &x.Title, &x.Text, &x.DeliverableID, &x.DeliverableTitle,
		&x.RaisedBy, &x.RaisedByName, &x.RaisedAt, &x.Status, &x.DecidedBy, &x.DecidedByName, nullTime{&x.DecidedAt}, &x.Comment)
	x.RaisedAt = x.RaisedAt.UTC()
	return err
}

// Proposals lists an engagement's proposals and risk warnings, newest
// first; kind "" means both. Every member who may see the engagement may
// call it.
func (s *NoticeStore) Proposals(ctx context.Context, p tandem.Principal, engagementID int64, kind string) (_ []notice.Proposal, err error) {
	defer wrap(&err, "NoticeStore.Proposals(%d)", engagementID)
	if err := access.Can(p, access.WorkRead); err != nil {
		return nil, err
	}
	if _, err := s.db.Engagements.Get(ctx, p, engagementID); err != nil {
		return nil, err
	}
	var w where
	engagementScope(&w, p)
	w.add("x.workspace_id = ? AND x.engagement_id = ?", p.WorkspaceID, engagementID)
	if kind != "" {
		w.add("x.kind = ?", kind)
	}
	rows, err := s.db.query(ctx, `SELECT `+proposalCols+proposalFrom+w.String()+` ORDER BY x.raised_at DESC, x.id DESC`, w.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []notice.Proposal{}
	for rows.Next() {
		var x notice.Proposal
		if err := scanProposal(rows, &x); err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, rows.Err()
}

// Proposal returns one proposal p may see, or tandem.ErrNotFound.
func (s *NoticeStore) Proposal(ctx context.Context, p tandem.Principal, id int64) (_ *notice.Proposal, err error) {
	defer wrap(&err, "NoticeStore.Proposal(%d)", id)
	if err := access.Can(p, access.WorkRead); err != nil {
		return nil, err
	}
	var w where
	engagementScope(&w, p)
	w.add("x.id = ?", id)
	var x notice.Proposal
	if err := scanProposal(s.db.queryRow(ctx, `SELECT `+proposalCols+proposalFrom+w.String(), w.args...), &x); err != nil {
		return nil, notFound(err)
	}
	return &x, nil
}

// Raise records a proposal for improvement or an early risk warning of the
// partner, optionally about a deliverable of the engagement, records a
// "proposal.raised" fact and notifies the client's deciders. The partner's
// managers and the agents on the engagement may call it. Errors: EInvalid,
// EConflict (the engagement is not live), ENotFound.
func (s *NoticeStore) Raise(ctx context.Context, p tandem.Principal, x *notice.Proposal) (err error) {
	defer wrap(&err, "NoticeStore.Raise")
	if err := access.Can(p, access.Notify); err != nil {
		return err
	}
	e, err := s.db.Engagements.Get(ctx, p, x.EngagementID)
	if err != nil {
		return err
	}
	if !live(e) {
		return tandem.Errorf(tandem.EConflict, i18n.K("notice.not_live"))
	}
	x.Normalize()
	var v tandem.Validator
	for _, fe := range tandem.FieldErrors(x.Validate()) {
		v.Add(fe.Field, fe.Key, fe.Args...)
	}
	if x.DeliverableID != 0 {
		d, err := s.deliverableOf(ctx, p, x.EngagementID, x.DeliverableID, "deliverable_id")
		switch {
		case tandem.ErrorCode(err) == tandem.EInvalid:
			v.Add("deliverable_id", i18n.K("notice.unknown_deliverable"))
		case err != nil:
			return err
		default:
			x.DeliverableTitle = d.Title
		}
	}
	if err := v.Err(); err != nil {
		return err
	}
	return s.db.transact(ctx, func(tx *Tx) error {
		x.WorkspaceID, x.Status, x.RaisedBy, x.RaisedByName, x.RaisedAt = p.WorkspaceID, notice.StatusOpen, p.UserID, p.UserName, tx.now
		id, err := tx.insert(ctx, `INSERT INTO proposals (workspace_id, engagement_id, kind, title, body, deliverable_id, raised_by, raised_at, status)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, p.WorkspaceID, x.EngagementID, x.Kind, x.Title, x.Text, nullID(x.DeliverableID),
			p.UserID, tx.now, x.Status)
		if err != nil {
			return err
		}
		x.ID = id
		if _, err := recordFact(ctx, tx, p, Fact{EngagementID: x.EngagementID, SubjectID: id, At: tx.now,
			Flag: x.Kind == notice.KindRisk, Data: fact.Raised{Kind: x.Kind, Title: x.Title, DeliverableID: x.DeliverableID}}); err != nil {
			return err
		}
		deciders, err := clientDeciders(ctx, tx, p.WorkspaceID)
		if err != nil {
			return err
		}
		if err := notify(ctx, tx, p, deciders, "proposal.raised", x.EngagementID, id, map[string]any{"kind": x.Kind, "title": x.Title}); err != nil {
			return err
		}
		return tx.record(ctx, p, "proposal.raised", "engagement", x.EngagementID, map[string]any{
			"proposal_id": id, "kind": x.Kind, "title": x.Title, "deliverable_id": x.DeliverableID})
	})
}

// Decide records the client's answer to an open proposal or risk warning —
// accepted, declined or noted, with a comment — records a
// "proposal.decided" fact and notifies the partner's people. Owners and
// managers may call it. Errors: EInvalid, EConflict (already decided),
// ENotFound.
func (s *NoticeStore) Decide(ctx context.Context, p tandem.Principal, id int64, dec notice.Decision) (err error) {
	defer wrap(&err, "NoticeStore.Decide(%d)", id)
	if err := access.Can(p, access.Respond); err != nil {
		return err
	}
	x, err := s.Proposal(ctx, p, id)
	if err != nil {
		return err
	}
	if err := dec.Validate(); err != nil {
		return err
	}
	if x.Status != notice.StatusOpen {
		return tandem.Errorf(tandem.EConflict, i18n.K("proposal.already_decided"))
	}
	return s.db.transact(ctx, func(tx *Tx) error {
		res, err := tx.exec(ctx, `UPDATE proposals SET status = ?, decided_by = ?, decided_at = ?, comment = ?
			WHERE workspace_id = ? AND id = ? AND status = ?`, dec.Status, p.UserID, tx.now, dec.Comment, p.WorkspaceID, id, notice.StatusOpen)
		if err != nil {
			return err
		}
		if k, _ := res.RowsAffected(); k != 1 {
			return tandem.Errorf(tandem.EConflict, i18n.K("proposal.already_decided"))
		}
		if _, err := recordFact(ctx, tx, p, Fact{EngagementID: x.EngagementID, SubjectID: id, At: tx.now,
			Value: int64(tx.now.Sub(x.RaisedAt) / time.Second), Flag: dec.Status == notice.StatusAccepted,
			Data: fact.Decided{Kind: x.Kind, Decision: dec.Status}}); err != nil {
			return err
		}
		people, err := partnerPeople(ctx, tx, p.WorkspaceID, x.EngagementID)
		if err != nil {
			return err
		}
		if err := notify(ctx, tx, p, append(people, x.RaisedBy), "proposal.decided", x.EngagementID, id,
			map[string]any{"kind": x.Kind, "title": x.Title, "decision": dec.Status}); err != nil {
			return err
		}
		return tx.record(ctx, p, "proposal.decided", "engagement", x.EngagementID, map[string]any{
			"proposal_id": id, "kind": x.Kind, "decision": dec.Status, "comment": dec.Comment})
	})
}

// Status reports.

const reportCols = `r.id, r.workspace_id, r.engagement_id, r.week, r.done, r.next, r.risks, r.blockers, r.asks, r.figures,
	r.author_id, au.name, r.created_at, r.updated_at, r.comment, COALESCE(r.commented_by, 0), COALESCE(cu.name, ''), r.commented_at`

const reportFrom = ` FROM status_reports r JOIN engagements e ON e.id = r.engagement_id AND e.workspace_id = r.workspace_id
	JOIN users au ON au.id = r.author_id LEFT JOIN users cu ON cu.id = r.commented_by`

func scanReport(s interface{ Scan(...any) error }, r *notice.Report) error {
	var figures string
	if err := s.Scan(&r.ID, &r.WorkspaceID, &r.EngagementID, dateScan{&r.Week}, &r.Done, &r.Next, &r.Risks, &r.Blockers, &r.Asks, &figures,
		&r.AuthorID, &r.AuthorName, &r.CreatedAt, &r.UpdatedAt, &r.Comment, &r.CommentedBy, &r.CommenterName, nullTime{&r.CommentedAt}); err != nil {
		return err
	}
	r.CreatedAt, r.UpdatedAt = r.CreatedAt.UTC(), r.UpdatedAt.UTC()
	return json.Unmarshal([]byte(figures), &r.Figures)
}

// Reports lists an engagement's status reports, latest week first. Every
// member who may see the engagement may call it.
func (s *NoticeStore) Reports(ctx context.Context, p tandem.Principal, engagementID int64) (_ []notice.Report, err error) {
	defer wrap(&err, "NoticeStore.Reports(%d)", engagementID)
	if err := access.Can(p, access.WorkRead); err != nil {
		return nil, err
	}
	if _, err := s.db.Engagements.Get(ctx, p, engagementID); err != nil {
		return nil, err
	}
	var w where
	engagementScope(&w, p)
	w.add("r.workspace_id = ? AND r.engagement_id = ?", p.WorkspaceID, engagementID)
	rows, err := s.db.query(ctx, `SELECT `+reportCols+reportFrom+w.String()+` ORDER BY r.week DESC`, w.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []notice.Report{}
	for rows.Next() {
		var r notice.Report
		if err := scanReport(rows, &r); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Report returns the stored status report of an engagement for the week
// starting on monday, or tandem.ErrNotFound.
func (s *NoticeStore) Report(ctx context.Context, p tandem.Principal, engagementID int64, monday tandem.Date) (_ *notice.Report, err error) {
	defer wrap(&err, "NoticeStore.Report(%d, %s)", engagementID, monday)
	if err := access.Can(p, access.WorkRead); err != nil {
		return nil, err
	}
	var w where
	engagementScope(&w, p)
	w.add("r.workspace_id = ? AND r.engagement_id = ? AND r.week = ?", p.WorkspaceID, engagementID, monday.String())
	var r notice.Report
	if err := scanReport(s.db.queryRow(ctx, `SELECT `+reportCols+reportFrom+w.String(), w.args...), &r); err != nil {
		return nil, notFound(err)
	}
	return &r, nil
}

// week checks that monday names a week that has begun, in the workspace's
// zone, and returns its start and end instants.
func (s *NoticeStore) week(ctx context.Context, p tandem.Principal, monday tandem.Date) (start, end time.Time, loc *time.Location, err error) {
	ws, err := s.db.Accounts.Workspace(ctx, p.WorkspaceID)
	if err != nil {
		return start, end, nil, err
	}
	loc = ws.Location()
	if monday.IsZero() || monday.Time().Weekday() != time.Monday {
		return start, end, loc, invalid("week", "report.bad_week")
	}
	m := monday.Time()
	start = time.Date(m.Year(), m.Month(), m.Day(), 0, 0, 0, 0, loc)
	end = time.Date(m.Year(), m.Month(), m.Day()+7, 0, 0, 0, 0, loc)
	if !start.Before(s.db.Now()) {
		return start, end, loc, invalid("week", "report.future_week")
	}
	return start.UTC(), end.UTC(), loc, nil
}

// Draft returns the status report of an engagement for the week starting
// on monday: the stored one, or a new one (not stored, ID 0) pre-filled
// from the week's facts — what was accepted goes under done, what falls due
// the next week under next, open risk warnings under risks, deliverables
// overdue now under blockers. Either way its figures are
// the week's facts now. Every member who may see the engagement may call
// it. Errors: EInvalid (not a Monday, or a week that has not begun),
// ENotFound.
func (s *NoticeStore) Draft(ctx context.Context, p tandem.Principal, engagementID int64, monday tandem.Date) (_ *notice.Report, err error) {
	defer wrap(&err, "NoticeStore.Draft(%d, %s)", engagementID, monday)
	if err := access.Can(p, access.WorkRead); err != nil {
		return nil, err
	}
	if _, err := s.db.Engagements.Get(ctx, p, engagementID); err != nil {
		return nil, err
	}
	start, end, loc, err := s.week(ctx, p, monday)
	if err != nil {
		return nil, err
	}
	r, err := s.Report(ctx, p, engagementID, monday)
	switch {
	case err == nil:
		return r, nil
	case tandem.ErrorCode(err) != tandem.ENotFound:
		return nil, err
	}
	r = &notice.Report{WorkspaceID: p.WorkspaceID, EngagementID: engagementID, Week: monday}
	if r.Figures, err = s.figures(ctx, p.WorkspaceID, engagementID, monday, start, end); err != nil {
		return nil, err
	}
	lines := func(q string, args ...any) (string, error) {
		rows, err := s.db.query(ctx, q, args...)
		if err != nil {
			return "", err
		}
		defer rows.Close()
		var b strings.Builder
		for rows.Next() {
			var title string
			var at time.Time
			if err := rows.Scan(&title, &at); err != nil {
				return "", err
			}
			fmt.Fprintf(&b, "- %s (%s)\n", title, at.In(loc).Format(time.DateOnly))
		}
		return strings.TrimSpace(b.String()), rows.Err()
	}
	from, to := monday.String(), tandem.DateOf(monday.Time().AddDate(0, 0, 7)).String()
	if r.Done, err = lines(`SELECT d.title, f.at FROM facts f JOIN deliverables d ON d.id = f.subject_id AND d.workspace_id = f.workspace_id
		WHERE f.workspace_id = ? AND f.engagement_id = ? AND f.kind = 'deliverable.accepted' AND f.day >= ? AND f.day < ? ORDER BY f.at`,
		p.WorkspaceID, engagementID, from, to); err != nil {
		return nil, err
	}
	if r.Next, err = lines(`SELECT title, due_at FROM deliverables WHERE workspace_id = ? AND engagement_id = ? AND status <> ?
		AND due_at >= ? AND due_at < ? ORDER BY due_at, id`, p.WorkspaceID, engagementID, string(work.StatusAccepted), end, end.AddDate(0, 0, 7)); err != nil {
		return nil, err
	}
	if r.Risks, err = lines(`SELECT title, raised_at FROM proposals WHERE workspace_id = ? AND engagement_id = ? AND kind = ? AND status = ?
		AND raised_at < ? ORDER BY raised_at, id`, p.WorkspaceID, engagementID, notice.KindRisk, notice.StatusOpen, end); err != nil {
		return nil, err
	}
	if r.Blockers, err = lines(`SELECT title, due_at FROM deliverables WHERE workspace_id = ? AND engagement_id = ? AND status <> ?
		AND due_at < ? ORDER BY due_at, id`, p.WorkspaceID, engagementID, string(work.StatusAccepted), minTime(end, s.db.Now())); err != nil {
		return nil, err
	}
	return r, nil
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// figures counts an engagement's facts of the week [start, end) (local
// dates [monday, monday+7)); states at the week's end are taken as of now
// when the week has not ended.
func (s *NoticeStore) figures(ctx context.Context, workspaceID, engagementID int64, monday tandem.Date, start, end time.Time) (notice.Figures, error) {
	var f notice.Figures
	asOf := minTime(end, s.db.Now())
	from, to := monday.String(), tandem.DateOf(monday.Time().AddDate(0, 0, 7)).String()
	err := s.db.queryRow(ctx, `SELECT
		(SELECT COUNT(*) FROM facts WHERE workspace_id = ? AND engagement_id = ? AND kind = 'deliverable.accepted' AND day >= ? AND day < ?),
		(SELECT COUNT(*) FROM facts WHERE workspace_id = ? AND engagement_id = ? AND kind = 'deliverable.returned' AND day >= ? AND day < ?),
		(SELECT COUNT(*) FROM facts WHERE workspace_id = ? AND engagement_id = ? AND kind LIKE 'breach.%' AND day >= ? AND day < ?),
		(SELECT COUNT(*) FROM facts WHERE workspace_id = ? AND engagement_id = ? AND kind LIKE 'penalty.%' AND day >= ? AND day < ?),
		(SELECT COUNT(*) FROM deliverables WHERE workspace_id = ? AND engagement_id = ? AND due_at < ?
			AND (accepted_at IS NULL OR accepted_at >= ?)),
		(SELECT COUNT(*) FROM notices WHERE workspace_id = ? AND engagement_id = ? AND filed_at < ?
			AND (acknowledged_at IS NULL OR acknowledged_at >= ?)),
		(SELECT COUNT(*) FROM proposals WHERE workspace_id = ? AND engagement_id = ? AND kind = ? AND raised_at >= ? AND raised_at < ?),
		(SELECT COUNT(*) FROM proposals WHERE workspace_id = ? AND engagement_id = ? AND kind = ? AND raised_at >= ? AND raised_at < ?)`,
		workspaceID, engagementID, from, to,
		workspaceID, engagementID, from, to,
		workspaceID, engagementID, from, to,
		workspaceID, engagementID, from, to,
		workspaceID, engagementID, asOf, asOf,
		workspaceID, engagementID, asOf, asOf,
		workspaceID, engagementID, notice.KindProposal, start, end,
		workspaceID, engagementID, notice.KindRisk, start, end,
	).Scan(&f.Accepted, &f.Returned, &f.Breaches, &f.Penalties, &f.Overdue, &f.OpenNotices, &f.Proposals, &f.Risks)
	return f, err
}

// SaveReport stores the partner's status report for an engagement and week
// (r.EngagementID, r.Week): it creates it, or updates it while the client
// has not commented. Its figures are taken from the week's facts at each
// save. Creating one notifies the client's deciders. The partner's managers
// and the agents on the engagement may call it. Errors: EInvalid, EConflict
// (the client has commented; a draft engagement), ENotFound.
func (s *NoticeStore) SaveReport(ctx context.Context, p tandem.Principal, r *notice.Report) (created bool, err error) {
	defer wrap(&err, "NoticeStore.SaveReport(%d, %s)", r.EngagementID, r.Week)
	if err := access.Can(p, access.Notify); err != nil {
		return false, err
	}
	e, err := s.db.Engagements.Get(ctx, p, r.EngagementID)
	if err != nil {
		return false, err
	}
	if e.Status == engagement.StatusDraft {
		return false, tandem.Errorf(tandem.EConflict, i18n.K("notice.not_live"))
	}
	r.Normalize()
	var v tandem.Validator
	for _, fe := range tandem.FieldErrors(r.Validate()) {
		v.Add(fe.Field, fe.Key, fe.Args...)
	}
	start, end, _, werr := s.week(ctx, p, r.Week)
	for _, fe := range tandem.FieldErrors(werr) {
		v.Add(fe.Field, fe.Key, fe.Args...)
	}
	if werr != nil && tandem.ErrorCode(werr) != tandem.EInvalid {
		return false, werr
	}
	if err := v.Err(); err != nil {
		return false, err
	}
	if r.Figures, err = s.figures(ctx, p.WorkspaceID, r.EngagementID, r.Week, start, end); err != nil {
		return false, err
	}
	figures, err := json.Marshal(r.Figures)
	if err != nil {
		return false, err
	}
	err = s.db.transact(ctx, func(tx *Tx) error {
		var id int64
		var commentedAt time.Time
		err := tx.queryRow(ctx, `SELECT id, commented_at FROM status_reports WHERE workspace_id = ? AND engagement_id = ? AND week = ?`,
			p.WorkspaceID, r.EngagementID, r.Week.String()).Scan(&id, nullTime{&commentedAt})
		switch {
		case notFound(err) == tandem.ErrNotFound:
			id, err = tx.insert(ctx, `INSERT INTO status_reports (workspace_id, engagement_id, week, done, next, risks, blockers, asks, figures,
				author_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (workspace_id, engagement_id, week) DO NOTHING`,
				p.WorkspaceID, r.EngagementID, r.Week.String(), r.Done, r.Next, r.Risks, r.Blockers, r.Asks, string(figures), p.UserID, tx.now, tx.now)
			if notFound(err) == tandem.ErrNotFound {
				return tandem.Errorf(tandem.EConflict, i18n.K("report.changed_meanwhile"))
			}
			if err != nil {
				return err
			}
			created = true
			r.CreatedAt = tx.now
		case err != nil:
			return err
		case !commentedAt.IsZero():
			return tandem.Errorf(tandem.EConflict, i18n.K("report.commented"))
		default:
			res, err := tx.exec(ctx, `UPDATE status_reports SET done = ?, next = ?, risks = ?, blockers = ?, asks = ?, figures = ?, author_id = ?, updated_at = ?
				WHERE workspace_id = ? AND id = ? AND commented_at IS NULL`,
				r.Done, r.Next, r.Risks, r.Blockers, r.Asks, string(figures), p.UserID, tx.now, p.WorkspaceID, id)
			if err != nil {
				return err
			}
			if k, _ := res.RowsAffected(); k != 1 {
				return tandem.Errorf(tandem.EConflict, i18n.K("report.commented"))
			}
		}
		r.ID, r.WorkspaceID, r.AuthorID, r.AuthorName, r.UpdatedAt = id, p.WorkspaceID, p.UserID, p.UserName, tx.now
		action := "status_report.updated"
		if created {
			action = "status_report.filed"
			deciders, err := clientDeciders(ctx, tx, p.WorkspaceID)
			if err != nil {
				return err
			}
			if err := notify(ctx, tx, p, deciders, "status_report.filed", r.EngagementID, id,
				map[string]any{"week": notice.WeekLabel(r.Week), "monday": r.Week.String()}); err != nil {
				return err
			}
		}
		return tx.record(ctx, p, action, "engagement", r.EngagementID, map[string]any{
			"report_id": id, "week": r.Week.String(), "figures": r.Figures})
	})
	return created, err
}

// CommentReport records the client's comment on a status report, after
// which the partner can no longer edit it, and notifies the partner's
// people. Owners and managers may call it. Errors: EInvalid, EConflict
// (already commented), ENotFound.
func (s *NoticeStore) CommentReport(ctx context.Context, p tandem.Principal, engagementID int64, monday tandem.Date, comment string) (err error) {
	defer wrap(&err, "NoticeStore.CommentReport(%d, %s)", engagementID, monday)
	if err := access.Can(p, access.Respond); err != nil {
		return err
	}
	r, err := s.Report(ctx, p, engagementID, monday)
	if err != nil {
		return err
	}
	comment = strings.TrimSpace(comment)
	var v tandem.Validator
	if v.Required("comment", comment) {
		v.MaxLen("comment", comment, 4000)
	}
	if err := v.Err(); err != nil {
		return err
	}
	if r.Commented() {
		return tandem.Errorf(tandem.EConflict, i18n.K("report.commented"))
	}
	return s.db.transact(ctx, func(tx *Tx) error {
		res, err := tx.exec(ctx, `UPDATE status_reports SET comment = ?, commented_by = ?, commented_at = ?
			WHERE workspace_id = ? AND id = ? AND commented_at IS NULL`, comment, p.UserID, tx.now, p.WorkspaceID, r.ID)
		if err != nil {
			return err
		}
		if k, _ := res.RowsAffected(); k != 1 {
			return tandem.Errorf(tandem.EConflict, i18n.K("report.commented"))
		}
		people, err := partnerPeople(ctx, tx, p.WorkspaceID, engagementID)
		if err != nil {
			return err
		}
		if err := notify(ctx, tx, p, append(people, r.AuthorID), "status_report.commented", engagementID, r.ID,
			map[string]any{"week": notice.WeekLabel(monday), "monday": monday.String()}); err != nil {
			return err
		}
		return tx.record(ctx, p, "status_report.commented", "engagement", engagementID, map[string]any{
			"report_id": r.ID, "week": monday.String(), "comment": comment})
	})
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
