package store

import (
	"context"
	"time"

	"github.com/tandemhq/tandem/internal/access"
	"github.com/tandemhq/tandem/internal/fact"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/proposal"
	"github.com/tandemhq/tandem/internal/tandem"
)

// ProposalStore keeps the partner's proposals for improvement and early
// risk warnings, with the client's decisions and the facts they give. The
// rules are in package proposal.
type ProposalStore struct{ db *DB }

const proposalCols = `x.id, x.workspace_id, x.engagement_id, x.kind, x.title, x.body, COALESCE(x.deliverable_id, 0), COALESCE(d.title, ''),
	x.raised_by, ru.name, x.raised_at, x.status, COALESCE(x.decided_by, 0), COALESCE(du.name, ''), x.decided_at, x.comment`

const proposalFrom = ` FROM proposals x JOIN engagements e ON e.id = x.engagement_id AND e.workspace_id = x.workspace_id
	JOIN users ru ON ru.id = x.raised_by LEFT JOIN users du ON du.id = x.decided_by
	LEFT JOIN deliverables d ON d.id = x.deliverable_id`

func scanProposal(s interface{ Scan(...any) error }, x *proposal.Proposal) error {
	err := s.Scan(&x.ID, &x.WorkspaceID, &x.EngagementID, &x.Kind, &x.Title, &x.Text, &x.DeliverableID, &x.DeliverableTitle,
		&x.RaisedBy, &x.RaisedByName, &x.RaisedAt, &x.Status, &x.DecidedBy, &x.DecidedByName, nullTime{&x.DecidedAt}, &x.Comment)
	x.RaisedAt = x.RaisedAt.UTC()
	return err
}

// List lists an engagement's proposals and risk warnings, newest first;
// kind "" means both. Every member who may see the engagement may call it;
// ENotFound otherwise.
func (s *ProposalStore) List(ctx context.Context, p tandem.Principal, engagementID int64, kind string) (_ []proposal.Proposal, err error) {
	defer wrap(&err, "ProposalStore.List(%d)", engagementID)
	if err := canSeeEngagement(ctx, s.db, p, access.WorkRead, engagementID); err != nil {
		return nil, err
	}
	var w where
	engagementScope(&w, p)
	w.add("x.workspace_id = ? AND x.engagement_id = ?", p.WorkspaceID, engagementID)
	if kind != "" {
		w.add("x.kind = ?", kind)
	}
	return scanAll(ctx, s.db, scanProposal, `SELECT `+proposalCols+proposalFrom+w.String()+` ORDER BY x.raised_at DESC, x.id DESC`, w.args...)
}

// ListPage is one page of List, newest first, with the count
// (listPage: capped).
func (s *ProposalStore) ListPage(ctx context.Context, p tandem.Principal, engagementID int64, kind string, pg tandem.Page) (_ []proposal.Proposal, total int, err error) {
	defer wrap(&err, "ProposalStore.ListPage(%d)", engagementID)
	if err := canSeeEngagement(ctx, s.db, p, access.WorkRead, engagementID); err != nil {
		return nil, 0, err
	}
	var w where
	engagementScope(&w, p)
	w.add("x.workspace_id = ? AND x.engagement_id = ?", p.WorkspaceID, engagementID)
	if kind != "" {
		w.add("x.kind = ?", kind)
	}
	return listPage(ctx, s.db, scanProposal, proposalCols, proposalFrom+w.String(), ` ORDER BY x.raised_at DESC, x.id DESC`, pg.Normalize(), w.args...)
}

// Get returns proposal id of an engagement p may see, or
// tandem.ErrNotFound.
func (s *ProposalStore) Get(ctx context.Context, p tandem.Principal, engagementID, id int64) (_ *proposal.Proposal, err error) {
	defer wrap(&err, "ProposalStore.Get(%d, %d)", engagementID, id)
	if err := access.Can(p, access.WorkRead); err != nil {
		return nil, err
	}
	return proposalIn(ctx, s.db, p, engagementID, id)
}

func proposalIn(ctx context.Context, q querier, p tandem.Principal, engagementID, id int64) (*proposal.Proposal, error) {
	var w where
	engagementScope(&w, p)
	w.add("x.engagement_id = ? AND x.id = ?", engagementID, id)
	return scanOne(ctx, q, scanProposal, `SELECT `+proposalCols+proposalFrom+w.String(), w.args...)
}

// Raise records a proposal for improvement or an early risk warning of the
// partner, optionally about a deliverable of the engagement, records a
// "proposal.raised" fact and notifies the client's deciders. The partner's
// managers and the agents on the engagement may call it. Errors: EInvalid,
// EConflict (the engagement is not live), ENotFound.
func (s *ProposalStore) Raise(ctx context.Context, p tandem.Principal, x *proposal.Proposal) (err error) {
	defer wrap(&err, "ProposalStore.Raise")
	if err := access.Can(p, access.Notify); err != nil {
		return err
	}
	return s.db.transact(ctx, func(tx *Tx) error {
		e, err := engagementIn(ctx, tx, p, x.EngagementID)
		if err != nil {
			return err
		}
		if err := proposal.CheckLive(e); err != nil {
			return err
		}
		d, err := deliverableOfEngagement(ctx, tx, p, x.EngagementID, x.DeliverableID)
		if err != nil {
			return err
		}
		if err := x.Raise(d, p, tx.now); err != nil {
			return err
		}
		id, err := tx.insert(ctx, `INSERT INTO proposals (workspace_id, engagement_id, kind, title, body, deliverable_id, raised_by, raised_at, status)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, p.WorkspaceID, x.EngagementID, x.Kind, x.Title, x.Text, nullID(x.DeliverableID),
			p.UserID, tx.now, x.Status)
		if err != nil {
			return err
		}
		x.ID = id
		if _, err := recordFact(ctx, tx, p, Fact{EngagementID: x.EngagementID, SubjectID: id, At: tx.now,
			Flag: x.IsRisk(), Data: fact.Raised{Kind: x.Kind, Title: x.Title, DeliverableID: x.DeliverableID}}); err != nil {
			return err
		}
		return tellAndRecord(ctx, tx, p, x.EngagementID, id, x.Raised(), "proposal.raised", map[string]any{
			"proposal_id": id, "kind": x.Kind, "title": x.Title, "deliverable_id": x.DeliverableID})
	})
}

// Decide records the client's answer to open proposal id of an engagement
// — accepted, declined or noted, with a comment — records a
// "proposal.decided" fact and notifies the partner's people. Owners and
// managers may call it. Errors: EInvalid, EConflict (already decided),
// ENotFound.
func (s *ProposalStore) Decide(ctx context.Context, p tandem.Principal, engagementID, id int64, dec proposal.Decision) (err error) {
	defer wrap(&err, "ProposalStore.Decide(%d, %d)", engagementID, id)
	if err := access.Can(p, access.Respond); err != nil {
		return err
	}
	return s.db.transact(ctx, func(tx *Tx) error {
		x, err := proposalIn(ctx, tx, p, engagementID, id)
		if err != nil {
			return err
		}
		if err := dec.Apply(x); err != nil {
			return err
		}
		if err := changeOne(ctx, tx, i18n.K("proposal.already_decided"), `UPDATE proposals SET status = ?, decided_by = ?, decided_at = ?, comment = ?
			WHERE workspace_id = ? AND id = ? AND status = ?`, dec.Status, p.UserID, tx.now, dec.Comment, p.WorkspaceID, id, proposal.StatusOpen); err != nil {
			return err
		}
		if _, err := recordFact(ctx, tx, p, Fact{EngagementID: x.EngagementID, SubjectID: id, At: tx.now,
			Value: int64(tx.now.Sub(x.RaisedAt) / time.Second), Flag: dec.Accepted(),
			Data: fact.Decided{Kind: x.Kind, Decision: dec.Status}}); err != nil {
			return err
		}
		return tellAndRecord(ctx, tx, p, x.EngagementID, id, dec.Told(x), "proposal.decided", map[string]any{
			"proposal_id": id, "kind": x.Kind, "decision": dec.Status, "comment": dec.Comment})
	})
}
