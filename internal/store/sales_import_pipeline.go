package store

import (
	"context"
	"iter"
	"time"

	"github.com/tandemhq/tandem/internal/access"
	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/sales"
	"github.com/tandemhq/tandem/internal/tandem"
)

// PipelineImport is a file of deals or activities to import onto one
// sales engagement: its kind, header, rows (the row number in the file and
// the cells) and mapping.
type PipelineImport struct {
	EngagementID int64
	Kind         sales.ImportKind
	Header       []string
	Rows         iter.Seq2[int, []string]
	Mapping      sales.Mapping
	// DryRun plans the import and writes nothing: the preview.
	DryRun bool
}

// ImportPipeline plans an import of deals or activities onto an engagement
// p may see (sales.PipelinePlanner, against the engagement's accounts,
// contacts, agents and what is already recorded, loaded once) and, unless
// in.DryRun or the file has any error, writes it in one transaction: deals
// with the first row of their stage history (and the lost fact of a deal
// imported lost, as DealStore.Create records it), or activities through
// the batch ingestion's write path (writeActivities: facts and KPI
// aggregates current), and one audit entry with the counts. The client's
// owners and managers may call it. Errors: ENotFound (an engagement p may
// not see or without a pipeline), EForbidden.
func (s *SalesStore) ImportPipeline(ctx context.Context, p tandem.Principal, in PipelineImport) (_ *sales.PipelinePlan, err error) {
	defer wrap(&err, "SalesStore.ImportPipeline(%d, %s)", in.EngagementID, in.Kind)
	if err := access.Can(p, access.SalesWrite); err != nil {
		return nil, err
	}
	if in.Kind != sales.ImportDeals && in.Kind != sales.ImportActivities {
		return nil, invalid("kind", "validation.one_of")
	}
	var plan *sales.PipelinePlan
	err = s.db.transactBulk(ctx, func(tx *Tx) error {
		pt, err := pipelineTerms(ctx, tx, p, in.EngagementID, tx.now)
		if err != nil {
			return err
		}
		loc, err := workspaceLocation(ctx, tx, p.WorkspaceID)
		if err != nil {
			return err
		}
		keys, accounts, err := loadEngagementKeys(ctx, tx, p, pt, in.Kind, loc)
		if err != nil {
			return err
		}
		cur := pt.Currency
		if in.Kind == sales.ImportActivities {
			if cur, err = workspaceCurrency(ctx, tx, p.WorkspaceID); err != nil {
				return err
			}
		}
		pl := sales.NewPipelinePlanner(in.Kind, in.Header, in.Mapping, keys, pt.Sales, cur, loc, tx.now)
		if in.Rows != nil {
			for row, cells := range in.Rows {
				pl.Add(row, cells)
			}
		}
		plan = pl.Plan()
		if in.DryRun || plan.ErrorCount > 0 || plan.New == 0 {
			return nil
		}
		audit := map[string]any{"rows": plan.Rows, "new": plan.New, "existing": plan.Existing, "kind": string(in.Kind)}
		if in.Kind == sales.ImportDeals {
			if err := writeImportedDeals(ctx, tx, p, pt, accounts, plan, loc); err != nil {
				return err
			}
			return tx.record(ctx, p, "sales.deals_imported", "engagement", in.EngagementID, audit)
		}
		acts := plan.Activities
		for i := range acts {
			agent := acts[i].AgentID
			acts[i].AgentID = 0
			if err := sales.PrepareImported(p, accounts[acts[i].AccountID], &acts[i], agent, cur, tx.now); err != nil {
				return err // the planner checked the row: not expected
			}
		}
		n, err := writeActivities(ctx, tx, p, acts, &BatchResult{})
		if err != nil {
			return err
		}
		audit["facts"] = n
		return tx.record(ctx, p, "sales.activities_imported", "engagement", in.EngagementID, audit)
	})
	if err != nil {
		return nil, err
	}
	return plan, nil
}

// loadEngagementKeys reads what the rows of a deal or activity file are
// matched against: the engagement's accounts (returned by id too), their
// contacts' phones and e-mails, the engagement's agents, and the keys of
// its deals or activities.
func loadEngagementKeys(ctx context.Context, tx *Tx, p tandem.Principal, pt *PipelineTerms, kind sales.ImportKind,
	loc *time.Location) (*sales.EngagementKeys, map[int64]sales.Account, error) {
	k := sales.NewEngagementKeys()
	accounts := map[int64]sales.Account{}
	engagementID := pt.Engagement.ID
	var w where
	salesAccountScope(&w, p)
	w.add("a.engagement_id = ?", engagementID)
	rows, err := tx.query(ctx, `SELECT a.id, a.name, a.reg_number, COALESCE(a.engagement_id, 0), COALESCE(a.agent_membership_id, 0)
		FROM sales_accounts a`+w.String()+` ORDER BY a.id`, w.args...)
	if err != nil {
		return nil, nil, err
	}
	for rows.Next() {
		var a sales.Account
		if err := rows.Scan(&a.ID, &a.Name, &a.RegNumber, &a.EngagementID, &a.AgentID); err != nil {
			rows.Close()
			return nil, nil, err
		}
		accounts[a.ID] = a
		if rk := sales.RegKey(a.RegNumber); rk != "" {
			if _, ok := k.RegNumbers[rk]; !ok {
				k.RegNumbers[rk] = a.ID
			}
		}
		if n := sales.Fold(a.Name); n != "" {
			if _, ok := k.Names[n]; !ok {
				k.Names[n] = a.ID
			}
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	rows, err = tx.query(ctx, `SELECT d.field, d.value, c.id, c.account_id FROM sales_contact_details d
		JOIN sales_contacts c ON c.id = d.contact_id JOIN sales_accounts a ON a.id = c.account_id`+w.String()+` ORDER BY d.id`, w.args...)
	if err != nil {
		return nil, nil, err
	}
	for rows.Next() {
		var f sales.Field
		var value string
		var ref sales.ContactRef
		if err := rows.Scan(&f, &value, &ref.ContactID, &ref.AccountID); err != nil {
			rows.Close()
			return nil, nil, err
		}
		if f == sales.FieldPhone {
			k.AddPhone(value, ref)
		} else if f == sales.FieldEmail {
			k.AddEmail(value, ref)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	rows, err = tx.query(ctx, `SELECT m.id, u.email, u.name FROM engagement_assignments ea JOIN memberships m ON m.id = ea.membership_id
		JOIN users u ON u.id = m.user_id WHERE m.workspace_id = ? AND m.role = ? AND ea.engagement_id = ? AND m.partner_id = ?
		ORDER BY m.id`, p.WorkspaceID, string(tandem.RoleVendorAgent), engagementID, pt.Engagement.PartnerID)
	if err != nil {
		return nil, nil, err
	}
	for rows.Next() {
		var id int64
		var email, name string
		if err := rows.Scan(&id, &email, &name); err != nil {
			rows.Close()
			return nil, nil, err
		}
		k.AddAgent(id, email, name)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	if kind == sales.ImportDeals {
		rows, err = tx.query(ctx, `SELECT account_id, title, created_at FROM sales_deals WHERE workspace_id = ? AND engagement_id = ?`,
			p.WorkspaceID, engagementID)
		if err != nil {
			return nil, nil, err
		}
		defer rows.Close()
		for rows.Next() {
			var accountID int64
			var title string
			var created time.Time
			if err := rows.Scan(&accountID, &title, &created); err != nil {
				return nil, nil, err
			}
			k.AddDeal(accountID, title, created, loc)
		}
		return k, accounts, rows.Err()
	}
	rows, err = tx.query(ctx, `SELECT at, COALESCE(contact_id, 0), account_id, kind FROM sales_activities WHERE workspace_id = ? AND engagement_id = ?`,
		p.WorkspaceID, engagementID)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var a sales.Activity
		if err := rows.Scan(&a.At, &a.ContactID, &a.AccountID, &a.Kind); err != nil {
			return nil, nil, err
		}
		k.Activities[sales.KeyOf(&a)] = struct{}{}
	}
	return k, accounts, rows.Err()
}

// writeImportedDeals writes a clean plan's deals and the first row of each
// one's history by multi-row inserts with ids reserved up front, and the
// lost fact of every deal imported into a lost stage.
func writeImportedDeals(ctx context.Context, tx *Tx, p tandem.Principal, pt *PipelineTerms, accounts map[int64]sales.Account,
	plan *sales.PipelinePlan, loc *time.Location) error {
	d := tx.db.dialect
	ids, err := d.reserveIDs(ctx, tx, "sales_deals", len(plan.Deals))
	if err != nil {
		return err
	}
	moveIDs, err := d.reserveIDs(ctx, tx, "sales_deal_moves", len(plan.Deals))
	if err != nil {
		return err
	}
	deals := newBulk(tx, `INSERT INTO sales_deals (id, workspace_id, engagement_id, account_id, title, amount, currency, close_on,
		stage, owner_membership_id, lost_reason, next_step, next_step_on, created_by, created_at, updated_at, closed_at) VALUES `, 17)
	moves := newBulk(tx, `INSERT INTO sales_deal_moves (id, workspace_id, deal_id, from_stage, to_stage, at, user_id, lost_reason) VALUES `, 8)
	defer deals.close()
	defer moves.close()
	var facts []Fact
	for i := range plan.Deals {
		x := &plan.Deals[i].Deal
		acc := accounts[x.AccountID]
		if x.OwnerID == 0 {
			x.OwnerID = sales.DefaultOwner(p, &acc)
		}
		x.ID, x.WorkspaceID, x.EngagementID, x.AccountName = ids[i], p.WorkspaceID, pt.Engagement.ID, acc.Name
		x.Amount.Currency = pt.Currency
		if err := deals.add(ctx, x.ID, x.WorkspaceID, x.EngagementID, x.AccountID, x.Title, x.Amount.Amount, x.Amount.Currency,
			dateArg(x.CloseOn), x.Stage, nullID(x.OwnerID), x.LostReason, x.NextStep, dateArg(x.NextStepOn), nullID(p.UserID),
			x.CreatedAt, x.UpdatedAt, nullTimeArg(x.ClosedAt)); err != nil {
			return err
		}
		if err := moves.add(ctx, moveIDs[i], p.WorkspaceID, x.ID, "", x.Stage, x.CreatedAt, nullID(p.UserID), x.LostReason); err != nil {
			return err
		}
		to, _ := pt.Sales.Stage(x.Stage)
		if f, ok := sales.LostOnMove(x, contract.Stage{}, to, false, loc); ok {
			facts = append(facts, Fact{EngagementID: x.EngagementID, SubjectID: x.ID, At: x.ClosedAt, Value: f.Value,
				Flag: f.Flag, AmountMinor: f.AmountMinor, Currency: f.Currency, Data: f.Data})
		}
	}
	if err := deals.flush(ctx); err != nil {
		return err
	}
	if err := moves.flush(ctx); err != nil {
		return err
	}
	if len(facts) > 0 {
		if _, err := recordFactsIn(ctx, tx, p.WorkspaceID, facts); err != nil {
			return err
		}
	}
	return nil
}
