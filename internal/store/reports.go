package store

import (
	"context"
	"encoding/json"
	"time"

	"github.com/tandemhq/tandem/internal/access"
	"github.com/tandemhq/tandem/internal/fact"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/proposal"
	"github.com/tandemhq/tandem/internal/report"
	"github.com/tandemhq/tandem/internal/tandem"
	"github.com/tandemhq/tandem/internal/work"
)

// ReportStore keeps the partner's weekly status reports with the client's
// comments. The rules are in package report.
type ReportStore struct{ db *DB }

const reportCols = `r.id, r.workspace_id, r.engagement_id, r.week, r.done, r.next, r.risks, r.blockers, r.asks, r.figures,
	r.author_id, au.name, r.created_at, r.updated_at, r.comment, COALESCE(r.commented_by, 0), COALESCE(cu.name, ''), r.commented_at`

const reportFrom = ` FROM status_reports r JOIN engagements e ON e.id = r.engagement_id AND e.workspace_id = r.workspace_id
	JOIN users au ON au.id = r.author_id LEFT JOIN users cu ON cu.id = r.commented_by`

func scanReport(s interface{ Scan(...any) error }, r *report.Report) error {
	var figures string
	if err := s.Scan(&r.ID, &r.WorkspaceID, &r.EngagementID, dateScan{&r.Week}, &r.Done, &r.Next, &r.Risks, &r.Blockers, &r.Asks, &figures,
		&r.AuthorID, &r.AuthorName, &r.CreatedAt, &r.UpdatedAt, &r.Comment, &r.CommentedBy, &r.CommenterName, nullTime{&r.CommentedAt}); err != nil {
		return err
	}
	r.CreatedAt, r.UpdatedAt = r.CreatedAt.UTC(), r.UpdatedAt.UTC()
	return json.Unmarshal([]byte(figures), &r.Figures)
}

// List lists an engagement's status reports, latest week first. Every
// member who may see the engagement may call it; ENotFound otherwise.
func (s *ReportStore) List(ctx context.Context, p tandem.Principal, engagementID int64) (_ []report.Report, err error) {
	defer wrap(&err, "ReportStore.List(%d)", engagementID)
	if err := canSeeEngagement(ctx, s.db, p, access.WorkRead, engagementID); err != nil {
		return nil, err
	}
	var w where
	engagementScope(&w, p)
	w.add("r.workspace_id = ? AND r.engagement_id = ?", p.WorkspaceID, engagementID)
	return scanAll(ctx, s.db, scanReport, `SELECT `+reportCols+reportFrom+w.String()+` ORDER BY r.week DESC`, w.args...)
}

// Get returns the stored status report of an engagement for the week
// starting on monday, or tandem.ErrNotFound.
func (s *ReportStore) Get(ctx context.Context, p tandem.Principal, engagementID int64, monday tandem.Date) (_ *report.Report, err error) {
	defer wrap(&err, "ReportStore.Get(%d, %s)", engagementID, monday)
	if err := access.Can(p, access.WorkRead); err != nil {
		return nil, err
	}
	return reportIn(ctx, s.db, p, engagementID, monday)
}

func reportIn(ctx context.Context, q querier, p tandem.Principal, engagementID int64, monday tandem.Date) (*report.Report, error) {
	var w where
	engagementScope(&w, p)
	w.add("r.workspace_id = ? AND r.engagement_id = ? AND r.week = ?", p.WorkspaceID, engagementID, monday.String())
	return scanOne(ctx, q, scanReport, `SELECT `+reportCols+reportFrom+w.String(), w.args...)
}

// Draft returns the status report of an engagement for the week starting
// on monday: the stored one, or a new one (not stored, ID 0) pre-filled
// from the week's facts — what was accepted goes under done, what falls due
// the next week under next, open risk warnings under risks, deliverables
// overdue now under blockers. Either way its figures are
// the week's facts now. Every member who may see the engagement may call
// it. Errors: EInvalid (not a Monday, or a week that has not begun),
// ENotFound.
func (s *ReportStore) Draft(ctx context.Context, p tandem.Principal, engagementID int64, monday tandem.Date) (_ *report.Report, err error) {
	defer wrap(&err, "ReportStore.Draft(%d, %s)", engagementID, monday)
	if err := canSeeEngagement(ctx, s.db, p, access.WorkRead, engagementID); err != nil {
		return nil, err
	}
	_, loc, err := workspaceZone(ctx, s.db, p.WorkspaceID)
	if err != nil {
		return nil, err
	}
	now := s.db.Now()
	start, end, err := report.Week(monday, loc, now)
	if err != nil {
		return nil, err
	}
	r, err := reportIn(ctx, s.db, p, engagementID, monday)
	switch {
	case err == nil:
		return r, nil
	case tandem.ErrorCode(err) != tandem.ENotFound:
		return nil, err
	}
	r = &report.Report{WorkspaceID: p.WorkspaceID, EngagementID: engagementID, Week: monday}
	if r.Figures, err = weekFigures(ctx, s.db, p.WorkspaceID, engagementID, monday, start, end, now); err != nil {
		return nil, err
	}
	lines := func(q string, args ...any) (string, error) {
		items, err := scanAll(ctx, s.db, func(s interface{ Scan(...any) error }, it *report.Item) error { return s.Scan(&it.Title, &it.At) }, q, args...)
		return report.Lines(items, loc), err
	}
	pre := report.PrefillFor(monday, end, now)
	if r.Done, err = lines(`SELECT d.title, f.at FROM facts f JOIN deliverables d ON d.id = f.subject_id AND d.workspace_id = f.workspace_id
		WHERE f.workspace_id = ? AND f.engagement_id = ? AND f.kind = ? AND f.day >= ? AND f.day < ? ORDER BY f.at`,
		p.WorkspaceID, engagementID, string(fact.DeliverableAccepted), pre.DoneFrom.String(), pre.DoneTo.String()); err != nil {
		return nil, err
	}
	if r.Next, err = lines(`SELECT title, due_at FROM deliverables WHERE workspace_id = ? AND engagement_id = ? AND status <> ?
		AND due_at >= ? AND due_at < ? ORDER BY due_at, id`, p.WorkspaceID, engagementID, string(work.StatusAccepted), pre.NextFrom, pre.NextTo); err != nil {
		return nil, err
	}
	if r.Risks, err = lines(`SELECT title, raised_at FROM proposals WHERE workspace_id = ? AND engagement_id = ? AND kind = ? AND status = ?
		AND raised_at < ? ORDER BY raised_at, id`, p.WorkspaceID, engagementID, proposal.KindRisk, proposal.StatusOpen, pre.RisksBefore); err != nil {
		return nil, err
	}
	if r.Blockers, err = lines(`SELECT title, due_at FROM deliverables WHERE workspace_id = ? AND engagement_id = ? AND status <> ?
		AND due_at < ? ORDER BY due_at, id`, p.WorkspaceID, engagementID, string(work.StatusAccepted), pre.OverdueBefore); err != nil {
		return nil, err
	}
	return r, nil
}

// weekFigures counts an engagement's facts of the week [start, end) (local
// dates [monday, monday+7)); states at the week's end are taken as of now
// when the week has not ended.
func weekFigures(ctx context.Context, q querier, workspaceID, engagementID int64, monday tandem.Date, start, end, now time.Time) (report.Figures, error) {
	var f report.Figures
	asOf := report.AsOf(end, now)
	from, to := monday.String(), report.Next(monday).String()
	err := q.queryRow(ctx, `SELECT
		(SELECT COUNT(*) FROM facts WHERE workspace_id = ? AND engagement_id = ? AND kind = ? AND day >= ? AND day < ?),
		(SELECT COUNT(*) FROM facts WHERE workspace_id = ? AND engagement_id = ? AND kind = ? AND day >= ? AND day < ?),
		(SELECT COUNT(*) FROM facts WHERE workspace_id = ? AND engagement_id = ? AND kind IN (?, ?) AND day >= ? AND day < ?),
		(SELECT COUNT(*) FROM facts WHERE workspace_id = ? AND engagement_id = ? AND kind = ? AND day >= ? AND day < ?),
		(SELECT COUNT(*) FROM deliverables WHERE workspace_id = ? AND engagement_id = ? AND due_at < ?
			AND (accepted_at IS NULL OR accepted_at >= ?)),
		(SELECT COUNT(*) FROM notices WHERE workspace_id = ? AND engagement_id = ? AND filed_at < ?
			AND (acknowledged_at IS NULL OR acknowledged_at >= ?)),
		(SELECT COUNT(*) FROM proposals WHERE workspace_id = ? AND engagement_id = ? AND kind = ? AND raised_at >= ? AND raised_at < ?),
		(SELECT COUNT(*) FROM proposals WHERE workspace_id = ? AND engagement_id = ? AND kind = ? AND raised_at >= ? AND raised_at < ?)`,
		workspaceID, engagementID, string(fact.DeliverableAccepted), from, to,
		workspaceID, engagementID, string(fact.DeliverableReturned), from, to,
		workspaceID, engagementID, string(fact.ResponseBreach), string(fact.ResolutionBreach), from, to,
		workspaceID, engagementID, string(fact.LateNoticePenalty), from, to,
		workspaceID, engagementID, asOf, asOf,
		workspaceID, engagementID, asOf, asOf,
		workspaceID, engagementID, proposal.KindProposal, start, end,
		workspaceID, engagementID, proposal.KindRisk, start, end,
	).Scan(&f.Accepted, &f.Returned, &f.Breaches, &f.Penalties, &f.Overdue, &f.OpenNotices, &f.Proposals, &f.Risks)
	return f, err
}

// Save stores the partner's status report for an engagement and week
// (r.EngagementID, r.Week): it creates it, or updates it while the client
// has not commented. Its figures are taken from the week's facts at each
// save. Creating one notifies the client's deciders. The partner's managers
// and the agents on the engagement may call it. Errors: EInvalid, EConflict
// (the client has commented; a draft engagement), ENotFound.
func (s *ReportStore) Save(ctx context.Context, p tandem.Principal, r *report.Report) (created bool, err error) {
	defer wrap(&err, "ReportStore.Save(%d, %s)", r.EngagementID, r.Week)
	if err := access.Can(p, access.Notify); err != nil {
		return false, err
	}
	err = s.db.transact(ctx, func(tx *Tx) error {
		created = false
		e, err := engagementIn(ctx, tx, p, r.EngagementID)
		if err != nil {
			return err
		}
		if err := report.CheckWrite(e); err != nil {
			return err
		}
		_, loc, err := workspaceZone(ctx, tx, p.WorkspaceID)
		if err != nil {
			return err
		}
		start, end, err := r.Check(loc, tx.now)
		if err != nil {
			return err
		}
		if r.Figures, err = weekFigures(ctx, tx, p.WorkspaceID, r.EngagementID, r.Week, start, end, tx.now); err != nil {
			return err
		}
		figures, err := json.Marshal(r.Figures)
		if err != nil {
			return err
		}
		old, err := reportIn(ctx, tx, p, r.EngagementID, r.Week)
		switch {
		case notFound(err) == tandem.ErrNotFound:
			id, err := tx.insert(ctx, `INSERT INTO status_reports (workspace_id, engagement_id, week, done, next, risks, blockers, asks, figures,
				author_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (workspace_id, engagement_id, week) DO NOTHING`,
				p.WorkspaceID, r.EngagementID, r.Week.String(), r.Done, r.Next, r.Risks, r.Blockers, r.Asks, string(figures), p.UserID, tx.now, tx.now)
			if notFound(err) == tandem.ErrNotFound {
				return tandem.Errorf(tandem.EConflict, i18n.K("report.changed_meanwhile"))
			}
			if err != nil {
				return err
			}
			created, r.ID, r.CreatedAt = true, id, tx.now
		case err != nil:
			return err
		case old.Commented():
			return tandem.Errorf(tandem.EConflict, i18n.K("report.commented"))
		default:
			if err := changeOne(ctx, tx, i18n.K("report.commented"), `UPDATE status_reports SET done = ?, next = ?, risks = ?, blockers = ?, asks = ?, figures = ?, author_id = ?, updated_at = ?
				WHERE workspace_id = ? AND id = ? AND commented_at IS NULL`,
				r.Done, r.Next, r.Risks, r.Blockers, r.Asks, string(figures), p.UserID, tx.now, p.WorkspaceID, old.ID); err != nil {
				return err
			}
			r.ID = old.ID
		}
		r.WorkspaceID, r.AuthorID, r.AuthorName, r.UpdatedAt = p.WorkspaceID, p.UserID, p.UserName, tx.now
		action := "status_report.updated"
		if created {
			action = "status_report.filed"
			if err := tell(ctx, tx, p, r.EngagementID, r.ID, r.Filed()); err != nil {
				return err
			}
		}
		return tx.record(ctx, p, action, "engagement", r.EngagementID, map[string]any{
			"report_id": r.ID, "week": r.Week.String(), "figures": r.Figures})
	})
	return created, err
}

// Comment records the client's comment on a status report, after which the
// partner can no longer edit it, and notifies the partner's people. Owners
// and managers may call it. Errors: EInvalid, EConflict (already
// commented), ENotFound.
func (s *ReportStore) Comment(ctx context.Context, p tandem.Principal, engagementID int64, monday tandem.Date, comment string) (err error) {
	defer wrap(&err, "ReportStore.Comment(%d, %s)", engagementID, monday)
	if err := access.Can(p, access.Respond); err != nil {
		return err
	}
	return s.db.transact(ctx, func(tx *Tx) error {
		r, err := reportIn(ctx, tx, p, engagementID, monday)
		if err != nil {
			return err
		}
		if err := r.CheckComment(&comment); err != nil {
			return err
		}
		if err := changeOne(ctx, tx, i18n.K("report.commented"), `UPDATE status_reports SET comment = ?, commented_by = ?, commented_at = ?
			WHERE workspace_id = ? AND id = ? AND commented_at IS NULL`, comment, p.UserID, tx.now, p.WorkspaceID, r.ID); err != nil {
			return err
		}
		return tellAndRecord(ctx, tx, p, engagementID, r.ID, r.CommentedMessage(), "status_report.commented", map[string]any{
			"report_id": r.ID, "week": monday.String(), "comment": comment})
	})
}
