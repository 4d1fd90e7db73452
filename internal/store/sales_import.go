package store

import (
	"context"
	"iter"
	"strings"

	"github.com/tandemhq/tandem/internal/access"
	"github.com/tandemhq/tandem/internal/sales"
	"github.com/tandemhq/tandem/internal/tandem"
)

// SalesImport is a file to import into the base: its header, its rows
// (streamed: the row number in the file and the cells), how its columns
// map onto fields, and optionally where the new accounts are assigned.
type SalesImport struct {
	Header  []string
	Rows    iter.Seq2[int, []string]
	Mapping sales.Mapping
	Assign  Assignment
	// DryRun plans the import and writes nothing: the preview.
	DryRun bool
}

// Import plans an import of a file against the base (sales.Planner: the
// deduplication keys of the base are loaded once) and, unless in.DryRun or
// the file has errors, writes it in one transaction: the new accounts,
// assigned as in.Assign says (the rule of sales.CheckAssignment), the new
// contacts with their details, by multi-row inserts, and one audit entry
// with the counts. Nothing is written from a file with any error; the
// plan's Errors say where they are. Owners and managers may call it;
// errors: EInvalid (the assignment), EForbidden.
func (s *SalesStore) Import(ctx context.Context, p tandem.Principal, in SalesImport) (_ *sales.ImportPlan, err error) {
	defer wrap(&err, "SalesStore.Import")
	if err := access.Can(p, access.SalesWrite); err != nil {
		return nil, err
	}
	var plan *sales.ImportPlan
	err = s.db.transactBulk(ctx, func(tx *Tx) error {
		if in.Assign.EngagementID != 0 || in.Assign.AgentID != 0 {
			if err := checkSalesAssignment(ctx, tx, p, in.Assign); err != nil {
				return err
			}
		}
		var tz string
		if err := tx.queryRow(ctx, `SELECT time_zone FROM workspaces WHERE id = ?`, p.WorkspaceID).Scan(&tz); err != nil {
			return notFound(err)
		}
		keys, err := loadSalesBaseKeys(ctx, tx, p.WorkspaceID)
		if err != nil {
			return err
		}
		pl := sales.NewPlanner(in.Header, in.Mapping, tz, keys)
		if in.Rows != nil {
			for row, cells := range in.Rows {
				pl.Add(row, cells)
			}
		}
		plan = pl.Plan()
		if in.DryRun || plan.ErrorCount > 0 {
			return nil
		}
		if err := writeSalesImport(ctx, tx, p, plan, in.Assign); err != nil {
			return err
		}
		return tx.record(ctx, p, "sales.imported", "sales_import", in.Assign.EngagementID, map[string]any{
			"rows": plan.Rows, "new_accounts": plan.NewAccounts, "existing_accounts": plan.ExistingAccounts,
			"new_contacts": plan.NewContacts, "existing_contacts": plan.ExistingContacts,
			"engagement_id": in.Assign.EngagementID, "agent_id": in.Assign.AgentID,
		})
	})
	if err != nil {
		return nil, err
	}
	return plan, nil
}

// checkSalesAssignment checks that accounts may be assigned as to says:
// a sales engagement of p's workspace and, optionally, an agent of its
// partner on it (sales.CheckAssignment).
func checkSalesAssignment(ctx context.Context, tx *Tx, p tandem.Principal, to Assignment) error {
	if to.EngagementID == 0 {
		return invalid("engagement_id", "validation.required")
	}
	e, err := salesEngagement(ctx, tx, p, to.EngagementID)
	if err != nil {
		return err
	}
	var role tandem.Role
	var partnerID int64
	var assigned int
	if to.AgentID != 0 {
		err := tx.queryRow(ctx, `SELECT m.role, COALESCE(m.partner_id, 0),
			(SELECT COUNT(*) FROM engagement_assignments ea WHERE ea.membership_id = m.id AND ea.engagement_id = ?)
			FROM memberships m WHERE m.id = ? AND m.workspace_id = ?`, e.ID, to.AgentID, p.WorkspaceID).Scan(&role, &partnerID, &assigned)
		if err != nil && notFound(err) != tandem.ErrNotFound {
			return err
		}
	}
	return sales.CheckAssignment(e, to.AgentID, role, partnerID, assigned > 0)
}

// loadSalesBaseKeys reads the deduplication keys of a workspace's base:
// three scans, one per table.
func loadSalesBaseKeys(ctx context.Context, tx *Tx, workspaceID int64) (*sales.BaseKeys, error) {
	k := sales.NewBaseKeys()
	rows, err := tx.query(ctx, `SELECT id, reg_number, name FROM sales_accounts WHERE workspace_id = ? ORDER BY id`, workspaceID)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id int64
		var reg, name string
		if err := rows.Scan(&id, &reg, &name); err != nil {
			rows.Close()
			return nil, err
		}
		if rk := sales.RegKey(reg); rk != "" {
			if _, ok := k.RegNumbers[rk]; !ok {
				k.RegNumbers[rk] = id
			}
		} else if n := sales.Fold(name); n != "" {
			if _, ok := k.Names[n]; !ok {
				k.Names[n] = id
			}
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = tx.query(ctx, `SELECT d.field, d.value, c.account_id FROM sales_contact_details d
		JOIN sales_contacts c ON c.id = d.contact_id WHERE d.workspace_id = ? AND d.value <> '' ORDER BY d.id`, workspaceID)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var f sales.Field
		var value string
		var accountID int64
		if err := rows.Scan(&f, &value, &accountID); err != nil {
			rows.Close()
			return nil, err
		}
		if key := sales.DetailKey(f, value); k.Details[key] == 0 {
			k.Details[key] = accountID
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = tx.query(ctx, `SELECT account_id, name FROM sales_contacts WHERE workspace_id = ?`, workspaceID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var ck sales.ContactKey
		var name string
		if err := rows.Scan(&ck.AccountID, &name); err != nil {
			return nil, err
		}
		ck.Name = sales.Fold(name)
		k.Contacts[ck] = struct{}{}
	}
	return k, rows.Err()
}

// writeSalesImport writes a clean plan: accounts, contacts and details by
// multi-row inserts with ids reserved beforehand, so that a contact knows
// its account's id and a detail its contact's without a round trip each.
func writeSalesImport(ctx context.Context, tx *Tx, p tandem.Principal, plan *sales.ImportPlan, to Assignment) error {
	var newAccounts, contacts, details int
	for i := range plan.Accounts {
		a := plan.Accounts[i]
		if a.ExistingID == 0 {
			newAccounts++
		}
		contacts += len(a.Contacts)
		for _, c := range a.Contacts {
			details += len(c.Phones) + len(c.Emails)
		}
	}
	d := tx.db.dialect
	accountIDs, err := d.reserveIDs(ctx, tx, "sales_accounts", newAccounts)
	if err != nil {
		return err
	}
	contactIDs, err := d.reserveIDs(ctx, tx, "sales_contacts", contacts)
	if err != nil {
		return err
	}
	detailIDs, err := d.reserveIDs(ctx, tx, "sales_contact_details", details)
	if err != nil {
		return err
	}
	now := tx.now
	ws := p.WorkspaceID
	accts := newBulkCols(tx, `INSERT INTO sales_accounts (id, workspace_id, name, reg_number, country, city, website, industry, size,
		status, source, tags, notes, engagement_id, agent_membership_id, search_text, created_at, updated_at) VALUES `,
		vary, ws, vary, vary, vary, vary, vary, vary, vary, vary, vary, vary, vary, nullID(to.EngagementID), nullID(to.AgentID), vary, now, now)
	cons := newBulkCols(tx, `INSERT INTO sales_contacts (id, workspace_id, account_id, name, position, decision_maker, notes,
		search_text, created_at, updated_at) VALUES `, vary, ws, vary, vary, vary, vary, vary, vary, now, now)
	dets := newBulkCols(tx, `INSERT INTO sales_contact_details (id, workspace_id, contact_id, field, value, typed, position, match_key) VALUES `,
		vary, ws, vary, vary, vary, vary, vary, vary)
	for _, b := range []*bulk{accts, cons, dets} {
		defer b.close()
	}
	// Three passes, a table each, so that every row refers to rows written
	// before it and every statement but a table's last is a full chunk.
	var touched []int64
	ai := 0
	for i := range plan.Accounts {
		a := plan.Accounts[i]
		if a.ExistingID != 0 {
			if len(a.Contacts) > 0 {
				touched = append(touched, a.ExistingID)
			}
			continue
		}
		acc := &a.Account
		acc.ID, acc.WorkspaceID, acc.CreatedAt, acc.UpdatedAt = accountIDs[ai], p.WorkspaceID, now, now
		ai++
		acc.EngagementID, acc.AgentID = to.EngagementID, to.AgentID
		if err := accts.add(ctx, acc.ID, acc.Name, acc.RegNumber, acc.Country, acc.City, acc.Website,
			acc.Industry, string(acc.Size), string(acc.Status), acc.Source, strings.Join(acc.Tags, ","), acc.Notes,
			acc.SearchText()); err != nil {
			return err
		}
	}
	if err := accts.flush(ctx); err != nil {
		return err
	}
	ci := 0
	for i := range plan.Accounts {
		a := plan.Accounts[i]
		accountID := a.ExistingID
		if accountID == 0 {
			accountID = a.Account.ID
		}
		for j := range a.Contacts {
			c := &a.Contacts[j]
			c.ID, c.WorkspaceID, c.AccountID, c.CreatedAt, c.UpdatedAt = contactIDs[ci], p.WorkspaceID, accountID, now, now
			ci++
			dm := 0
			if c.DecisionMaker {
				dm = 1
			}
			if err := cons.add(ctx, c.ID, accountID, c.Name, c.Position, dm, c.Notes, c.SearchText()); err != nil {
				return err
			}
		}
	}
	if err := cons.flush(ctx); err != nil {
		return err
	}
	di := 0
	for i := range plan.Accounts {
		for _, c := range plan.Accounts[i].Contacts {
			for _, ds := range [][]sales.Detail{c.Phones, c.Emails} {
				for k := range ds {
					ds[k].ID = detailIDs[di]
					di++
					if err := dets.add(ctx, ds[k].ID, c.ID, string(ds[k].Field), ds[k].Value, ds[k].Typed, k, ds[k].MatchKey()); err != nil {
						return err
					}
				}
			}
		}
	}
	if err := dets.flush(ctx); err != nil {
		return err
	}
	for start := 0; start < len(touched); start += bulkChunk {
		part := touched[start:min(start+bulkChunk, len(touched))]
		args := []any{now}
		for _, id := range part {
			args = append(args, id)
		}
		args = append(args, p.WorkspaceID)
		if _, err := tx.exec(ctx, `UPDATE sales_accounts SET updated_at = ? WHERE id IN (`+placeholders(len(part))+`) AND workspace_id = ?`,
			args...); err != nil {
			return err
		}
	}
	return nil
}
