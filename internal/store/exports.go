package store

import (
	"context"
	"slices"

	"github.com/tandemhq/tandem/internal/access"
	"github.com/tandemhq/tandem/internal/audit"
	"github.com/tandemhq/tandem/internal/export"
	"github.com/tandemhq/tandem/internal/request"
	"github.com/tandemhq/tandem/internal/tandem"
	"github.com/tandemhq/tandem/internal/work"
)

// ExportStore reads the client's lists in full for an export (package
// export) and audits each export in the transaction that reads it: an
// entry "data.export" on the engagement (or the workspace, for the audit
// trail) with the list, the format and the number of rows. Partner roles
// export nothing (access.ListsExport; the audit trail needs AuditRead).
type ExportStore struct{ db *DB }

// Exports returns the store of exports.
func (db *DB) Exports() *ExportStore { return &ExportStore{db} }

// exportLimit caps an export's rows; a list longer than that is cut (the
// audit entry says how many rows the file holds).
const exportLimit = 100000

// The lists an export names in its audit entry.
const (
	ListDeliverables = "deliverables"
	ListRequests     = "requests"
	ListScorecard    = "scorecard"
	ListAudit        = "audit_trail"
)

func exportCheck(p tandem.Principal, f export.Format, rules ...access.Rule) error {
	for _, r := range rules {
		if err := access.Can(p, r); err != nil {
			return err
		}
	}
	if !f.Valid() {
		var v tandem.Validator
		v.Add("format", "validation.one_of")
		return v.Err()
	}
	return nil
}

// Deliverables reads every deliverable of an engagement p may see, soonest
// due first, for an export in format f, and audits it. Errors: EForbidden
// (a partner's role), ENotFound (an engagement p may not see), EInvalid (a
// format).
func (s *ExportStore) Deliverables(ctx context.Context, p tandem.Principal, engagementID int64, f export.Format) (_ []work.Deliverable, err error) {
	defer wrap(&err, "ExportStore.Deliverables(%d)", engagementID)
	if err := exportCheck(p, f, access.ListsExport, access.WorkRead); err != nil {
		return nil, err
	}
	var out []work.Deliverable
	err = s.db.transact(ctx, func(tx *Tx) error {
		if _, err := loadEngagement(ctx, tx, p, engagementID); err != nil {
			return err
		}
		w := deliverableWhere(p, DeliverableFilter{EngagementID: engagementID}, tx.now)
		if out, err = scanAll(ctx, tx, scanDeliverable, `SELECT `+deliverableCols+deliverableFrom+w.String()+
			orderBy("due", deliverableSorts, "due", "d.id")+limitClause(exportLimit), w.args...); err != nil {
			return err
		}
		return tx.record(ctx, p, audit.ActionExport, "engagement", engagementID, exportData(ListDeliverables, f, len(out)))
	})
	return out, err
}

// Requests reads every request of an engagement p may see, newest first,
// for an export in format f, and audits it. The clocks are not computed:
// the export holds the times. Errors as Deliverables.
func (s *ExportStore) Requests(ctx context.Context, p tandem.Principal, engagementID int64, f export.Format) (_ []request.Request, err error) {
	defer wrap(&err, "ExportStore.Requests(%d)", engagementID)
	if err := exportCheck(p, f, access.ListsExport, access.RequestsRead); err != nil {
		return nil, err
	}
	var out []request.Request
	err = s.db.transact(ctx, func(tx *Tx) error {
		if _, err := loadEngagement(ctx, tx, p, engagementID); err != nil {
			return err
		}
		var w where
		engagementScope(&w, p)
		w.add("r.workspace_id = ?", p.WorkspaceID)
		w.add("r.engagement_id = ?", engagementID)
		if out, err = scanAll(ctx, tx, scanRequest, `SELECT `+requestCols+requestFrom+w.String()+
			` ORDER BY r.opened_at DESC, r.id DESC`+limitClause(exportLimit), w.args...); err != nil {
			return err
		}
		return tx.record(ctx, p, audit.ActionExport, "engagement", engagementID, exportData(ListRequests, f, len(out)))
	})
	return out, err
}

// Scorecard audits the export of an engagement's scorecard of period (its
// label, "2026-11"), rows long, that the caller read through the read
// model (package portfolio). Errors as Deliverables.
func (s *ExportStore) Scorecard(ctx context.Context, p tandem.Principal, engagementID int64, period string, f export.Format, rows int) (err error) {
	defer wrap(&err, "ExportStore.Scorecard(%d)", engagementID)
	if err := exportCheck(p, f, access.ListsExport, access.WorkRead); err != nil {
		return err
	}
	return s.db.transact(ctx, func(tx *Tx) error {
		if _, err := loadEngagement(ctx, tx, p, engagementID); err != nil {
			return err
		}
		data := exportData(ListScorecard, f, rows)
		data["period"] = period
		return tx.record(ctx, p, audit.ActionExport, "engagement", engagementID, data)
	})
}

// Audit reads p's workspace's trail of the filter (as AuditStore.List),
// newest first, for an export in format f, and audits the export. Errors:
// EForbidden (a role without AuditRead), EInvalid (a format).
func (s *ExportStore) Audit(ctx context.Context, p tandem.Principal, af AuditFilter, f export.Format) (_ []audit.Entry, err error) {
	defer wrap(&err, "ExportStore.Audit")
	if err := exportCheck(p, f, access.AuditRead); err != nil {
		return nil, err
	}
	var out []audit.Entry
	err = s.db.transact(ctx, func(tx *Tx) error {
		// The two parts apart, merged, as AuditStore.List reads them.
		own, members := auditWheres(p, af)
		part := func(w where) string {
			return `SELECT * FROM (SELECT ` + eventCols + ` FROM events` + w.String() + ` ORDER BY at DESC, id DESC` + limitClause(exportLimit) + `) part`
		}
		if out, err = scanAll(ctx, tx, scanEntry, `SELECT * FROM (`+part(own)+` UNION ALL `+part(members)+`) entries
			ORDER BY at DESC, id DESC`+limitClause(exportLimit), slices.Concat(own.args, members.args)...); err != nil {
			return err
		}
		data := exportData(ListAudit, f, len(out))
		data["filter"] = map[string]any{"action": af.Action, "actor": af.Actor, "from": af.From, "to": af.To}
		return tx.record(ctx, p, audit.ActionExport, "workspace", p.WorkspaceID, data)
	})
	return out, err
}

func exportData(list string, f export.Format, rows int) map[string]any {
	return map[string]any{"list": list, "format": string(f), "rows": rows}
}

// BoardPack audits the download of the monthly board pack of p's
// workspace for month ("2026-11") in language lang, covering engagements
// engagements, that the caller read through the read model
// (portfolio.ReadPack). The client's owner and manager only
// (access.BoardPack). Errors: EForbidden.
func (s *ExportStore) BoardPack(ctx context.Context, p tandem.Principal, month, lang string, engagements int) (err error) {
	defer wrap(&err, "ExportStore.BoardPack(%s)", month)
	if err := access.Can(p, access.BoardPack); err != nil {
		return err
	}
	return s.db.transact(ctx, func(tx *Tx) error {
		return tx.record(ctx, p, audit.ActionExport, "workspace", p.WorkspaceID, map[string]any{"list": "board_pack", "format": "pdf",
			"month": month, "language": lang, "engagements": engagements})
	})
}
