package store

import (
	"context"
	"fmt"
	"time"

	"github.com/tandemhq/tandem/internal/access"
	"github.com/tandemhq/tandem/internal/governance"
	"github.com/tandemhq/tandem/internal/invoice"
	"github.com/tandemhq/tandem/internal/notice"
	"github.com/tandemhq/tandem/internal/ownmetric"
	"github.com/tandemhq/tandem/internal/proposal"
	"github.com/tandemhq/tandem/internal/request"
	"github.com/tandemhq/tandem/internal/sales"
	"github.com/tandemhq/tandem/internal/tandem"
	"github.com/tandemhq/tandem/internal/work"
)

// OpenWork is what may wait on someone in a set of engagements: the
// records the homes, the portfolio's attention and the agendas decide on
// (portfolio.NoticeWaits and the other deciders). Each kind is read for
// all the engagements at once, through the same scopes as its own list,
// so that a page of many engagements costs one statement per kind, not
// one per kind and engagement. A kind p may not read (its access rule) is
// left empty.
type OpenWork struct {
	Notices      []notice.Notice         // not acknowledged
	Deliverables []work.Deliverable      // not accepted
	Values       []ownmetric.Value       // pending the client's confirmation
	Proposals    []proposal.Proposal     // open
	Requests     []request.Request       // active, clocks as of now
	Claims       []sales.Claim           // open, or disputed at or after disputedSince
	Actions      []governance.ActionItem // open
	Disputes     []EngagementDispute     // open disputes of invoice lines
}

// EngagementDispute is an open invoice dispute with its engagement.
type EngagementDispute struct {
	EngagementID int64
	OpenDispute
}

// OpenWorkDueWithin is how far ahead ReadOpenWork reads the deliverables
// not yet submitted: at least portfolio.DueSoon, within which such a
// deliverable waits (TestOpenWorkReadsWhatWaits checks it).
const OpenWorkDueWithin = 7 * 24 * time.Hour

// maxOpenWork bounds each kind's rows per read: what waits is a short
// list on a healthy workspace; beyond this the pages show the first ones.
const maxOpenWork = 2000

// ReadOpenWork reads what may wait in the engagements ids that p may see
// (others are ignored, as if they had nothing), as of now. Any member may
// call it.
func (db *DB) ReadOpenWork(ctx context.Context, p tandem.Principal, ids []int64, disputedSince time.Time) (_ *OpenWork, err error) {
	defer wrap(&err, "DB.ReadOpenWork")
	out := &OpenWork{}
	if len(ids) == 0 {
		return out, nil
	}
	in := make([]any, len(ids))
	for i, id := range ids {
		in[i] = id
	}
	list := "(" + placeholders(len(ids)) + ")"
	limit := fmt.Sprintf(" LIMIT %d", maxOpenWork)
	now := db.Now()
	if access.Allows(p.Role, access.WorkRead) {
		var w where
		engagementScope(&w, p)
		w.add("n.workspace_id = ? AND n.acknowledged_at IS NULL", p.WorkspaceID)
		w.add("n.engagement_id IN "+list, in...)
		if out.Notices, err = scanAll(ctx, db, scanNotice, `SELECT `+noticeCols+noticeFrom+w.String()+` ORDER BY n.filed_at DESC, n.id DESC`+limit, w.args...); err != nil {
			return nil, err
		}
		// Only the open deliverables that can wait (portfolio.DeliverableWaits):
		// submitted or returned ones, and the others when due within
		// OpenWorkDueWithin — not every open deliverable of a large
		// workspace, most of which are due later (issue 16).
		w = deliverableWhere(p, DeliverableFilter{}, now)
		w.add("d.engagement_id IN "+list, in...)
		// The open statuses first, for the index deliverables_engagement
		// (…, status, …); with an OR of the two cases SQLite read every
		// deliverable of the engagements through deliverables_due instead.
		open := openStatuses()
		w.add("d.status IN ("+placeholders(len(open))+")", anyArgs(open...)...)
		w.add("(d.status IN (?, ?) OR d.due_at <= ?)", string(work.StatusSubmitted), string(work.StatusReturned), now.Add(OpenWorkDueWithin))
		if out.Deliverables, err = scanAll(ctx, db, scanDeliverable,
			`SELECT `+deliverableCols+deliverableFrom+w.String()+` ORDER BY `+dueOrder+`, d.id`+limit, w.args...); err != nil {
			return nil, err
		}
		w = where{}
		engagementScope(&w, p)
		w.add("v.workspace_id = ? AND v.state = ?", p.WorkspaceID, string(ownmetric.Pending))
		w.add("v.engagement_id IN "+list, in...)
		if out.Values, err = scanAll(ctx, db, scanOwnMetricValue, `SELECT `+ownValueCols+ownValueFrom+w.String()+` ORDER BY `+valuesOrder+limit, w.args...); err != nil {
			return nil, err
		}
		w = where{}
		engagementScope(&w, p)
		w.add("x.workspace_id = ? AND x.status = ?", p.WorkspaceID, string(proposal.StatusOpen))
		w.add("x.engagement_id IN "+list, in...)
		if out.Proposals, err = scanAll(ctx, db, scanProposal, `SELECT `+proposalCols+proposalFrom+w.String()+` ORDER BY x.raised_at DESC, x.id DESC`+limit, w.args...); err != nil {
			return nil, err
		}
	}
	if access.Allows(p.Role, access.RequestsRead) {
		var w where
		engagementScope(&w, p)
		w.add("r.workspace_id = ?", p.WorkspaceID)
		w.add("r.status NOT IN (?, ?)", string(request.StatusResolved), string(request.StatusClosed))
		w.add("r.engagement_id IN "+list, in...)
		if out.Requests, err = scanAll(ctx, db, scanRequest, `SELECT `+requestCols+requestFrom+w.String()+` ORDER BY r.opened_at, r.id`+limit, w.args...); err != nil {
			return nil, err
		}
		if _, err := db.Requests.complete(ctx, pointers(out.Requests), now); err != nil {
			return nil, err
		}
	}
	if access.Allows(p.Role, access.SalesClaimsRead) {
		var w where
		w.args = append(w.args, claimJoin()...)
		claimScope(&w, p)
		// The two statuses first, for sales_claims_engagement (engagement,
		// status, …): the engagements' open and disputed claims only.
		w.add("c.status IN (?, ?)", string(sales.ClaimOpen), string(sales.ClaimDisputed))
		w.add("(c.status = ? OR c.decided_at >= ?)", string(sales.ClaimOpen), disputedSince.UTC())
		w.add("c.engagement_id IN "+list, in...)
		if out.Claims, err = scanAll(ctx, db, scanClaim, `SELECT `+claimCols+claimFrom+w.String()+` ORDER BY c.window_ends, c.id`+limit, w.args...); err != nil {
			return nil, err
		}
	}
	if access.Allows(p.Role, access.MeetingsRead) {
		var w where
		engagementScope(&w, p)
		w.add("a.workspace_id = ? AND a.done_at IS NULL", p.WorkspaceID)
		w.add("a.engagement_id IN "+list, in...)
		if out.Actions, err = scanAll(ctx, db, scanAction, `SELECT `+actionCols+actionFrom+w.String()+` ORDER BY a.due_on, a.id`+limit, w.args...); err != nil {
			return nil, err
		}
		if len(out.Actions) > 0 {
			_, loc, err := workspaceZone(ctx, db, p.WorkspaceID)
			if err != nil {
				return nil, err
			}
			actionsDue(out.Actions, loc)
		}
	}
	if access.Allows(p.Role, access.InvoicesRead) {
		var w where
		engagementScope(&w, p)
		w.add("d.workspace_id = ? AND d.status = ?", p.WorkspaceID, invoice.DisputeOpen)
		w.add("i.engagement_id IN "+list, in...)
		if out.Disputes, err = scanAll(ctx, db, func(r scanner, d *EngagementDispute) error {
			if err := r.Scan(&d.EngagementID, &d.ID, &d.PeriodLabel, &d.LineKey, &d.Reason, &d.OpenedAt); err != nil {
				return err
			}
			d.OpenedAt = d.OpenedAt.UTC()
			return nil
		}, `SELECT i.engagement_id, d.id, i.period_label, d.line_key, d.reason, d.created_at FROM invoice_disputes d
			JOIN invoices i ON i.id = d.invoice_id AND i.workspace_id = d.workspace_id
			JOIN engagements e ON e.id = i.engagement_id AND e.workspace_id = i.workspace_id`+w.String()+` ORDER BY d.id`+limit, w.args...); err != nil {
			return nil, err
		}
	}
	return out, nil
}
