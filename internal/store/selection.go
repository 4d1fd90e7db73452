package store

import (
	"context"
	"database/sql"
	"net/http"

	"github.com/tandemhq/tandem/internal/access"
	"github.com/tandemhq/tandem/internal/audit"
	"github.com/tandemhq/tandem/internal/engagement"
	"github.com/tandemhq/tandem/internal/file"
	"github.com/tandemhq/tandem/internal/selection"
	"github.com/tandemhq/tandem/internal/tandem"
)

// SelectionStore keeps the choosing and piloting of partners: evidence on
// candidate partners (with uploaded files), selections with their criteria,
// reviewers and scores, decisions, and pilot reviews. All of it belongs to
// the client: partner roles are refused by the access rules and see nothing.
type SelectionStore struct{ db *DB }

// selectionScope limits selections (aliased s) to p's workspace, and to
// nothing for a partner role.
func selectionScope(w *where, p tandem.Principal) {
	w.add("s.workspace_id = ?", p.WorkspaceID)
	if !p.Role.IsClient() {
		w.add("1 = 0")
	}
}

// reviewerRoles returns "(?, …)" and the roles of selection.ReviewerRoles
// (those that may score: access.SelectionsScore).
func reviewerRoles() (string, []any) {
	roles := selection.ReviewerRoles()
	args := make([]any, len(roles))
	for i, r := range roles {
		args[i] = string(r)
	}
	return "(" + placeholders(len(roles)) + ")", args
}

// selIn returns "(?, ?, …)" for n values and the values as arguments.
func selIn(ids []int64) (string, []any) {
	return "(" + placeholders(len(ids)) + ")", anyArgs(ids...)
}

// List returns one page of p's workspace's selections, newest first, and how
// many there are. Client roles may call it; status "" means any.
func (s *SelectionStore) List(ctx context.Context, p tandem.Principal, pg tandem.Page, status string) (_ []selection.Summary, total int, err error) {
	defer wrap(&err, "SelectionStore.List")
	if err := access.Can(p, access.SelectionsRead); err != nil {
		return nil, 0, err
	}
	pg = pg.Normalize()
	var w where
	selectionScope(&w, p)
	if status != "" {
		w.add("s.status = ?", status)
	}
	return listPage(ctx, s.db, func(s scanner, x *selection.Summary) error {
		return s.Scan(&x.ID, &x.Title, &x.Status, &x.Candidates, &x.DecidedPartnerName, &x.EngagementID, &x.CreatedAt)
	}, `s.id, s.title, s.status, (SELECT COUNT(*) FROM selection_candidates c WHERE c.selection_id = s.id),
		COALESCE(pa.legal_name, ''), COALESCE(s.engagement_id, 0), s.created_at`,
		` FROM selections s LEFT JOIN partners pa ON pa.id = s.decided_partner_id`+w.String(), " ORDER BY s.created_at DESC, s.id DESC", pg, w.args...)
}

// Get returns one selection with its candidates, criteria, reviewers,
// decision and pilot reviews, or tandem.ErrNotFound. Client roles may call
// it.
func (s *SelectionStore) Get(ctx context.Context, p tandem.Principal, id int64) (_ *selection.Selection, err error) {
	defer wrap(&err, "SelectionStore.Get(%d)", id)
	if err := access.Can(p, access.SelectionsRead); err != nil {
		return nil, err
	}
	return loadSelection(ctx, s.db, p, id)
}

func loadSelection(ctx context.Context, q querier, p tandem.Principal, id int64) (*selection.Selection, error) {
	var w where
	selectionScope(&w, p)
	w.add("s.id = ?", id)
	x := &selection.Selection{}
	var decided, engagementID sql.NullInt64
	err := q.queryRow(ctx, `SELECT s.id, s.workspace_id, s.title, s.description, s.status, s.decided_partner_id,
		COALESCE(pa.legal_name, ''), s.decision_reason, s.decided_by, s.decided_at, s.engagement_id, s.created_at, s.updated_at
		FROM selections s LEFT JOIN partners pa ON pa.id = s.decided_partner_id`+w.String(), w.args...).Scan(
		&x.ID, &x.WorkspaceID, &x.Title, &x.Description, &x.Status, &decided, &x.DecidedPartnerName,
		&x.DecisionReason, &x.DecidedBy, nullTime{&x.DecidedAt}, &engagementID, &x.CreatedAt, &x.UpdatedAt)
	if err != nil {
		return nil, notFound(err)
	}
	x.DecidedPartnerID, x.EngagementID = decided.Int64, engagementID.Int64
	x.CreatedAt, x.UpdatedAt = x.CreatedAt.UTC(), x.UpdatedAt.UTC()

	if x.Candidates, err = scanAll(ctx, q, func(s scanner, c *selection.Candidate) error { return s.Scan(&c.PartnerID, &c.Name) },
		`SELECT c.partner_id, pa.legal_name FROM selection_candidates c
		JOIN partners pa ON pa.id = c.partner_id WHERE c.selection_id = ? ORDER BY pa.legal_name, pa.id`, id); err != nil {
		return nil, err
	}
	if x.Criteria, err = scanAll(ctx, q, func(s scanner, c *selection.Criterion) error { return s.Scan(&c.ID, &c.Code, &c.Name, &c.Weight) },
		`SELECT id, code, name, weight FROM selection_criteria WHERE selection_id = ? ORDER BY position, id`, id); err != nil {
		return nil, err
	}
	if x.Reviewers, err = scanAll(ctx, q, func(s scanner, r *selection.Reviewer) error { return s.Scan(&r.UserID, &r.Name) },
		`SELECT r.user_id, u.name FROM selection_reviewers r
		JOIN users u ON u.id = r.user_id WHERE r.selection_id = ? ORDER BY u.name, u.id`, id); err != nil {
		return nil, err
	}
	if x.PilotReviews, err = scanAll(ctx, q, func(s scanner, r *selection.PilotReview) error {
		err := s.Scan(&r.ID, &r.SelectionID, &r.EngagementID, &r.Decision, &r.Reason, &r.DecidedBy, &r.DecidedAt)
		r.DecidedAt = r.DecidedAt.UTC()
		return err
	}, `SELECT id, selection_id, engagement_id, decision, reason, decided_by, decided_at
		FROM pilot_reviews WHERE selection_id = ? ORDER BY id`, id); err != nil {
		return nil, err
	}
	return x, nil
}

// Create validates and stores a new, open selection. Owners and managers may
// call it; errors: EInvalid (also for a candidate outside the workspace or a
// reviewer who is not one of the client's people), EForbidden.
func (s *SelectionStore) Create(ctx context.Context, p tandem.Principal, x *selection.Selection) (err error) {
	defer wrap(&err, "SelectionStore.Create")
	if err := access.Can(p, access.SelectionsWrite); err != nil {
		return err
	}
	if err := x.PrepareNew(); err != nil {
		return err
	}
	return s.db.transact(ctx, func(tx *Tx) error {
		if err := checkSelectionPeople(ctx, tx, p, x); err != nil {
			return err
		}
		x.WorkspaceID, x.CreatedAt, x.UpdatedAt = p.WorkspaceID, tx.now, tx.now
		id, err := tx.insert(ctx, `INSERT INTO selections (workspace_id, title, description, status, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?)`, x.WorkspaceID, x.Title, x.Description, x.Status, x.CreatedAt, x.UpdatedAt)
		if err != nil {
			return err
		}
		x.ID = id
		if err := saveSelectionParts(ctx, tx, p, x, nil); err != nil {
			return err
		}
		return tx.record(ctx, p, "selection.created", "selection", id, x.AuditFields())
	})
}

// Update validates and stores changes to an open selection: title,
// description, candidates, reviewers and criteria (matched by ID; a
// criterion without ID is added, one left out is removed). Scores for a
// removed candidate, reviewer or criterion are removed with it. Owners and
// managers may call it; errors: EInvalid, ENotFound, EForbidden, EConflict
// (selection.ErrClosed once decided).
func (s *SelectionStore) Update(ctx context.Context, p tandem.Principal, x *selection.Selection) (err error) {
	defer wrap(&err, "SelectionStore.Update(%d)", x.ID)
	if err := access.Can(p, access.SelectionsWrite); err != nil {
		return err
	}
	return s.db.transact(ctx, func(tx *Tx) error {
		before, err := loadSelection(ctx, tx, p, x.ID)
		if err != nil {
			return err
		}
		if err := x.PrepareUpdate(before); err != nil {
			return err
		}
		if err := checkSelectionPeople(ctx, tx, p, x); err != nil {
			return err
		}
		x.WorkspaceID, x.UpdatedAt = p.WorkspaceID, tx.now
		if _, err := tx.exec(ctx, `UPDATE selections SET title = ?, description = ?, updated_at = ?
			WHERE workspace_id = ? AND id = ?`, x.Title, x.Description, x.UpdatedAt, p.WorkspaceID, x.ID); err != nil {
			return err
		}
		if err := saveSelectionParts(ctx, tx, p, x, before); err != nil {
			return err
		}
		return tx.recordChanges(ctx, p, "selection.updated", "selection", x.ID, before.AuditFields(), x.AuditFields())
	})
}

// checkSelectionPeople makes sure every candidate is a partner of p's
// workspace and every reviewer one of its client people.
func checkSelectionPeople(ctx context.Context, tx *Tx, p tandem.Principal, x *selection.Selection) error {
	var ids []int64
	for _, c := range x.Candidates {
		ids = append(ids, c.PartnerID)
	}
	in, args := selIn(ids)
	var n int
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM partners WHERE workspace_id = ? AND id IN `+in,
		append([]any{p.WorkspaceID}, args...)...).Scan(&n); err != nil {
		return err
	}
	if n != len(ids) {
		return invalid("candidates", "validation.unknown_partner")
	}
	ids = ids[:0]
	for _, r := range x.Reviewers {
		ids = append(ids, r.UserID)
	}
	in, args = selIn(ids)
	roles, roleArgs := reviewerRoles()
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM memberships WHERE workspace_id = ? AND partner_id IS NULL
		AND role IN `+roles+` AND user_id IN `+in, append(append([]any{p.WorkspaceID}, roleArgs...), args...)...).Scan(&n); err != nil {
		return err
	}
	if n != len(ids) {
		return invalid("reviewers", "selections.invalid.reviewer")
	}
	return nil
}

// saveSelectionParts brings candidates, reviewers and criteria in the
// database from before (nil for a new selection) to x (selection.PartsFrom).
func saveSelectionParts(ctx context.Context, tx *Tx, p tandem.Principal, x, before *selection.Selection) error {
	d := x.PartsFrom(before)
	type change struct {
		q   string
		ids []int64
	}
	for _, c := range []change{
		{`INSERT INTO selection_candidates (workspace_id, selection_id, partner_id) VALUES (?, ?, ?)`, d.AddCandidates},
		{`INSERT INTO selection_reviewers (workspace_id, selection_id, user_id) VALUES (?, ?, ?)`, d.AddReviewers},
	} {
		for _, id := range c.ids {
			if _, err := tx.exec(ctx, c.q, p.WorkspaceID, x.ID, id); err != nil {
				return err
			}
		}
	}
	for _, c := range []change{
		{`DELETE FROM selection_scores WHERE selection_id = ? AND partner_id = ?`, d.RemoveCandidates},
		{`DELETE FROM selection_candidates WHERE selection_id = ? AND partner_id = ?`, d.RemoveCandidates},
		{`DELETE FROM selection_scores WHERE selection_id = ? AND reviewer_id = ?`, d.RemoveReviewers},
		{`DELETE FROM selection_reviewers WHERE selection_id = ? AND user_id = ?`, d.RemoveReviewers},
		{`DELETE FROM selection_scores WHERE selection_id = ? AND criterion_id = ?`, d.RemoveCriteria},
		{`DELETE FROM selection_criteria WHERE selection_id = ? AND id = ?`, d.RemoveCriteria},
	} {
		for _, id := range c.ids {
			if _, err := tx.exec(ctx, c.q, x.ID, id); err != nil {
				return err
			}
		}
	}
	for i := range x.Criteria {
		c := &x.Criteria[i]
		if c.ID != 0 {
			if _, err := tx.exec(ctx, `UPDATE selection_criteria SET code = ?, name = ?, weight = ?, position = ?
				WHERE selection_id = ? AND id = ?`, c.Code, c.Name, c.Weight, i, x.ID, c.ID); err != nil {
				return err
			}
			continue
		}
		id, err := tx.insert(ctx, `INSERT INTO selection_criteria (workspace_id, selection_id, code, name, weight, position)
			VALUES (?, ?, ?, ?, ?, ?)`, p.WorkspaceID, x.ID, c.Code, c.Name, c.Weight, i)
		if err != nil {
			return err
		}
		c.ID = id
	}
	return nil
}

// Scores returns every reviewer's scores of a selection. Client roles may
// call it; errors: ENotFound, EForbidden.
func (s *SelectionStore) Scores(ctx context.Context, p tandem.Principal, id int64) (_ []selection.Score, err error) {
	defer wrap(&err, "SelectionStore.Scores(%d)", id)
	if err := access.Can(p, access.SelectionsRead); err != nil {
		return nil, err
	}
	var w where
	selectionScope(&w, p)
	w.add("s.id = ?", id)
	return scanAll(ctx, s.db, func(s scanner, x *selection.Score) error {
		return s.Scan(&x.ReviewerID, &x.PartnerID, &x.CriterionID, &x.Value, &x.Note)
	}, `SELECT sc.reviewer_id, sc.partner_id, sc.criterion_id, sc.value, sc.note
		FROM selection_scores sc JOIN selections s ON s.id = sc.selection_id`+w.String()+
		` ORDER BY sc.reviewer_id, sc.partner_id, sc.criterion_id`, w.args...)
}

// SaveScores stores the signed-in reviewer's scores of an open selection:
// each given score is set, or cleared when its Value is 0; scores not given
// stay as they are. The reviewer is p (ReviewerID is ignored). Client roles
// may call it, but only reviewers of the selection succeed; errors:
// EInvalid (a value outside 1…5, an unknown candidate or criterion),
// ENotFound, EForbidden (selection.ErrNotReviewer), EConflict (closed).
func (s *SelectionStore) SaveScores(ctx context.Context, p tandem.Principal, id int64, scores []selection.Score) (err error) {
	defer wrap(&err, "SelectionStore.SaveScores(%d)", id)
	if err := access.Can(p, access.SelectionsScore); err != nil {
		return err
	}
	return s.db.transact(ctx, func(tx *Tx) error {
		x, err := loadSelection(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if err := x.PrepareScores(p, scores); err != nil {
			return err
		}
		old, err := scanAll(ctx, tx, func(s scanner, sc *selection.Score) error {
			return s.Scan(&sc.PartnerID, &sc.CriterionID, &sc.Value, &sc.Note)
		}, `SELECT partner_id, criterion_id, value, note FROM selection_scores WHERE selection_id = ? AND reviewer_id = ?`, id, p.UserID)
		if err != nil {
			return err
		}
		changed := selection.ChangedScores(old, scores)
		for _, sc := range changed {
			if sc.Value == 0 {
				if _, err := tx.exec(ctx, `DELETE FROM selection_scores WHERE selection_id = ? AND reviewer_id = ? AND partner_id = ? AND criterion_id = ?`,
					id, p.UserID, sc.PartnerID, sc.CriterionID); err != nil {
					return err
				}
				continue
			}
			if _, err := tx.exec(ctx, `INSERT INTO selection_scores (workspace_id, selection_id, reviewer_id, partner_id,
				criterion_id, value, note, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
				ON CONFLICT (selection_id, reviewer_id, partner_id, criterion_id)
				DO UPDATE SET value = excluded.value, note = excluded.note, updated_at = excluded.updated_at`,
				p.WorkspaceID, id, p.UserID, sc.PartnerID, sc.CriterionID, sc.Value, sc.Note, tx.now); err != nil {
				return err
			}
		}
		if len(changed) == 0 {
			return nil
		}
		return tx.record(ctx, p, "selection.scored", "selection", id, map[string]any{"scores": selection.ScoresLabel(changed)})
	})
}

// Decide records the chosen partner and the reason, and closes the
// selection (selection.Selection.Decide). Owners and managers may call it;
// errors: EInvalid (not a candidate, no reason), ENotFound, EForbidden,
// EConflict (already decided).
func (s *SelectionStore) Decide(ctx context.Context, p tandem.Principal, id, partnerID int64, reason string) (err error) {
	defer wrap(&err, "SelectionStore.Decide(%d)", id)
	if err := access.Can(p, access.SelectionsWrite); err != nil {
		return err
	}
	return s.db.transact(ctx, func(tx *Tx) error {
		x, err := loadSelection(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if err := x.Decide(partnerID, reason, p.Actor(), tx.now); err != nil {
			return err
		}
		if err := tx.execOne(ctx, selection.ErrClosed, `UPDATE selections SET status = ?, decided_partner_id = ?, decision_reason = ?,
			decided_by = ?, decided_at = ?, updated_at = ? WHERE workspace_id = ? AND id = ? AND status = ?`,
			x.Status, x.DecidedPartnerID, x.DecisionReason, x.DecidedBy, x.DecidedAt, x.UpdatedAt, p.WorkspaceID, id, selection.StatusOpen); err != nil {
			return err
		}
		return tx.record(ctx, p, "selection.decided", "selection", id, map[string]any{"partner_id": partnerID, "reason": x.DecisionReason})
	})
}

// StartPilot creates the pilot engagement of a decided selection
// (selection.Selection.PreparePilot): a draft engagement with the chosen
// partner (e's partner and status are set here; title, kind and dates come
// from the caller), linked to the selection, in one transaction. Owners and
// managers may call it; errors: EInvalid (the engagement's fields),
// ENotFound, EForbidden, EConflict (not decided, or a pilot already
// started).
func (s *SelectionStore) StartPilot(ctx context.Context, p tandem.Principal, id int64, e *engagement.Engagement) (err error) {
	defer wrap(&err, "SelectionStore.StartPilot(%d)", id)
	if err := access.Can(p, access.SelectionsWrite); err != nil {
		return err
	}
	if err := access.Can(p, access.EngagementsWrite); err != nil {
		return err
	}
	return s.db.transact(ctx, func(tx *Tx) error {
		x, err := loadSelection(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if err := x.PreparePilot(e); err != nil {
			return err
		}
		if err := e.PrepareNew(); err != nil {
			return err
		}
		if err := createEngagement(ctx, tx, p, e); err != nil {
			return err
		}
		if err := tx.execOne(ctx, selection.ErrPilotStarted, `UPDATE selections SET engagement_id = ?, updated_at = ?
			WHERE workspace_id = ? AND id = ? AND engagement_id IS NULL`, e.ID, tx.now, p.WorkspaceID, id); err != nil {
			return err
		}
		return tx.record(ctx, p, "selection.pilot_started", "selection", id, map[string]any{"engagement_id": e.ID, "partner_id": e.PartnerID})
	})
}

// ReviewPilot records the go/no-go review of a selection's pilot
// (selection.Selection.PrepareReview), in one transaction with the
// engagement's change: a "go" makes the engagement active and a "no_go"
// ends it, as an edit of the engagement would; if the engagement refuses
// the change (a draft goes live only through activation after the contract
// check, so "go" needs the pilot activated first), nothing is recorded and
// the engagement's reasons come back as EInvalid on the field "decision"
// (selection.EngagementRefused). Owners and managers may call it; errors:
// EInvalid, ENotFound, EForbidden, EConflict (no pilot, or the pilot already
// ended in go or no-go).
func (s *SelectionStore) ReviewPilot(ctx context.Context, p tandem.Principal, id int64, r *selection.PilotReview) (err error) {
	defer wrap(&err, "SelectionStore.ReviewPilot(%d)", id)
	if err := access.Can(p, access.SelectionsWrite); err != nil {
		return err
	}
	return s.db.transact(ctx, func(tx *Tx) error {
		x, err := loadSelection(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if err := x.PrepareReview(r); err != nil {
			return err
		}
		if status, ok := r.Decision.EngagementStatus(); ok {
			if err := access.Can(p, access.EngagementsWrite); err != nil {
				return err
			}
			e, err := loadEngagement(ctx, tx, p, x.EngagementID)
			if err != nil {
				return err
			}
			e.Status = status
			if err := updateEngagement(ctx, tx, p, e); err != nil {
				return selection.EngagementRefused(err)
			}
		}
		// A review recorded since the selection was read closes the pilot too.
		args := []any{id}
		for _, d := range selection.FinalDecisions {
			args = append(args, string(d))
		}
		var final int
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM pilot_reviews WHERE selection_id = ? AND decision IN (`+
			placeholders(len(selection.FinalDecisions))+`)`, args...).Scan(&final); err != nil {
			return err
		}
		if final > 0 {
			return selection.ErrPilotClosed
		}
		r.SelectionID, r.EngagementID, r.DecidedBy, r.DecidedAt = id, x.EngagementID, p.Actor(), tx.now
		rid, err := tx.insert(ctx, `INSERT INTO pilot_reviews (workspace_id, selection_id, engagement_id, decision, reason,
			decided_by, decided_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			p.WorkspaceID, id, r.EngagementID, r.Decision, r.Reason, r.DecidedBy, r.DecidedAt)
		if err != nil {
			return err
		}
		r.ID = rid
		return tx.record(ctx, p, "selection.pilot_reviewed", "selection", id, map[string]any{"review_id": rid,
			"engagement_id": r.EngagementID, "decision": r.Decision, "reason": r.Reason})
	})
}

// ReviewerOptions returns the people of p's workspace (user id and name)
// who may review a selection: those whose role may score. Client roles may
// call it.
func (s *SelectionStore) ReviewerOptions(ctx context.Context, p tandem.Principal) (_ []Option, err error) {
	defer wrap(&err, "SelectionStore.ReviewerOptions")
	if err := access.Can(p, access.SelectionsRead); err != nil {
		return nil, err
	}
	roles, roleArgs := reviewerRoles()
	return scanAll(ctx, s.db, scanOption, `SELECT u.id, u.name FROM memberships m JOIN users u ON u.id = m.user_id
		WHERE m.workspace_id = ? AND m.partner_id IS NULL AND m.role IN `+roles+`
		ORDER BY u.name, u.id`, append([]any{p.WorkspaceID}, roleArgs...)...)
}

const evidenceCols = `ev.id, ev.workspace_id, ev.partner_id, ev.kind, ev.title, ev.detail, ev.url, ev.value, ev.verified,
	COALESCE(f.id, 0), COALESCE(f.name, ''), COALESCE(f.size, 0), COALESCE(f.content_type, ''), ev.created_at, ev.created_by`

const evidenceFrom = ` FROM partner_evidence ev
	JOIN partners pa ON pa.id = ev.partner_id AND pa.workspace_id = ev.workspace_id
	LEFT JOIN files f ON f.id = ev.file_id`

// Evidence returns the evidence on one partner, newest first, or
// tandem.ErrNotFound when p may not see the partner. Client roles may call
// it.
func (s *SelectionStore) Evidence(ctx context.Context, p tandem.Principal, partnerID int64) (_ []selection.Evidence, err error) {
	defer wrap(&err, "SelectionStore.Evidence(%d)", partnerID)
	if err := access.Can(p, access.SelectionsRead); err != nil {
		return nil, err
	}
	var w where
	partnerScope(&w, p)
	w.add("ev.partner_id = ?", partnerID)
	return scanAll(ctx, s.db, func(s scanner, x *selection.Evidence) error {
		var value sql.NullInt64
		err := s.Scan(&x.ID, &x.WorkspaceID, &x.PartnerID, &x.Kind, &x.Title, &x.Detail, &x.URL, &value, &x.Verified,
			&x.FileID, &x.FileName, &x.FileSize, &x.FileContentType, &x.CreatedAt, &x.CreatedBy)
		x.Value, x.HasValue, x.CreatedAt = value.Int64, value.Valid, x.CreatedAt.UTC()
		return err
	}, `SELECT `+evidenceCols+evidenceFrom+w.String()+` ORDER BY ev.created_at DESC, ev.id DESC`, w.args...)
}

// AddEvidence validates and stores a piece of evidence on a partner of p's
// workspace, with the uploaded file name and data when data is not nil: at
// most 10 MiB, its type sniffed from the content (http.DetectContentType)
// and limited to PDF, images, audio, plain text and office documents.
// Owners and managers may call it; errors: EInvalid (fields, and "file"),
// EForbidden.
func (s *SelectionStore) AddEvidence(ctx context.Context, p tandem.Principal, x *selection.Evidence, fileName string, data []byte) (err error) {
	defer wrap(&err, "SelectionStore.AddEvidence")
	if err := access.Can(p, access.SelectionsWrite); err != nil {
		return err
	}
	f, err := selection.PrepareEvidence(x, fileName, http.DetectContentType(data), data)
	if err != nil {
		return err
	}
	return s.db.transact(ctx, func(tx *Tx) error {
		if err := checkPartner(ctx, tx, p, x.PartnerID); err != nil {
			return err
		}
		x.WorkspaceID, x.CreatedAt, x.CreatedBy = p.WorkspaceID, tx.now, p.Actor()
		if f != nil {
			if err := insertFile(ctx, tx, p, f); err != nil {
				return err
			}
			x.FileID, x.FileName, x.FileSize, x.FileContentType = f.ID, f.Name, f.Size, f.ContentType
		}
		var value any
		if x.HasValue {
			value = x.Value
		}
		id, err := tx.insert(ctx, `INSERT INTO partner_evidence (workspace_id, partner_id, kind, title, detail, url, value,
			verified, file_id, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			x.WorkspaceID, x.PartnerID, x.Kind, x.Title, x.Detail, x.URL, value, x.Verified, nullID(x.FileID), x.CreatedAt, x.CreatedBy)
		if err != nil {
			return err
		}
		x.ID = id
		return tx.record(ctx, p, "evidence.added", "evidence", id, x.AuditFields(f))
	})
}

// EvidenceFile returns the file attached to a piece of evidence, with its
// data, and records the download in the audit trail (data.export) before
// returning it. Client roles may call it; tandem.ErrNotFound when there is
// no such file or p may not see the partner.
func (s *SelectionStore) EvidenceFile(ctx context.Context, p tandem.Principal, evidenceID int64) (_ *file.File, err error) {
	defer wrap(&err, "SelectionStore.EvidenceFile(%d)", evidenceID)
	if err := access.Can(p, access.SelectionsRead); err != nil {
		return nil, err
	}
	var w where
	partnerScope(&w, p)
	w.add("ev.id = ?", evidenceID)
	var f file.File
	var partnerID int64
	var createdBy sql.NullInt64
	err = s.db.queryRow(ctx, `SELECT f.id, f.workspace_id, f.name, f.content_type, f.size, f.sha256, f.data, f.created_at,
		f.created_by, ev.partner_id FROM partner_evidence ev
		JOIN partners pa ON pa.id = ev.partner_id AND pa.workspace_id = ev.workspace_id
		JOIN files f ON f.id = ev.file_id AND f.workspace_id = ev.workspace_id`+w.String(), w.args...).Scan(
		&f.ID, &f.WorkspaceID, &f.Name, &f.ContentType, &f.Size, &f.SHA256, &f.Data, &f.CreatedAt, &createdBy, &partnerID)
	if err != nil {
		return nil, notFound(err)
	}
	f.CreatedBy, f.CreatedAt = createdBy.Int64, f.CreatedAt.UTC()
	err = s.db.transact(ctx, func(tx *Tx) error {
		return tx.record(ctx, p, audit.ActionExport, "file", f.ID, map[string]any{"evidence_id": evidenceID,
			"partner_id": partnerID, "name": f.Name, "size": f.Size, "sha256": f.SHA256})
	})
	if err != nil {
		return nil, err
	}
	return &f, nil
}
