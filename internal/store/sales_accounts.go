package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/tandemhq/tandem/internal/access"
	"github.com/tandemhq/tandem/internal/engagement"
	"github.com/tandemhq/tandem/internal/sales"
	"github.com/tandemhq/tandem/internal/tandem"
)

// SalesStore keeps the client's sales base: accounts, contacts with their
// details, assignment to engagements and agents, and reveals. Every read
// is scoped by sales.ScopeOf and every account or contact leaves the store
// through sales.ViewAccount / sales.ViewContact, so a partner's person
// gets the masked view on every path that reads through here.
type SalesStore struct{ db *DB }

// Sales returns the store of the sales base.
func (db *DB) Sales() *SalesStore { return &SalesStore{db} }

// salesAccountScope limits accounts (aliased a) to what p may see (see
// sales.ScopeOf): the workspace's for the client's people; for a partner's
// manager those assigned to the partner's engagements; for an agent those
// assigned to them on an engagement of their partner they are assigned to.
func salesAccountScope(w *where, p tandem.Principal) {
	w.add("a.workspace_id = ?", p.WorkspaceID)
	switch sales.ScopeOf(p.Role) {
	case sales.ScopeWorkspace:
	case sales.ScopePartner:
		w.add("EXISTS (SELECT 1 FROM engagements se WHERE se.id = a.engagement_id AND se.workspace_id = a.workspace_id AND se.partner_id = ? AND se.partner_revoked_at IS NULL)", p.PartnerID)
	case sales.ScopeAssigned:
		w.add("a.agent_membership_id = ?", p.MembershipID)
		w.add(`EXISTS (SELECT 1 FROM engagements se JOIN engagement_assignments sea ON sea.engagement_id = se.id
			WHERE se.id = a.engagement_id AND se.workspace_id = a.workspace_id AND se.partner_id = ? AND se.partner_revoked_at IS NULL AND sea.membership_id = ?)`,
			p.PartnerID, p.MembershipID)
	default:
		w.add("1 = 0")
	}
}

const salesAccountCols = `a.id, a.workspace_id, a.name, a.reg_number, a.country, a.city, a.website, a.industry, a.size, a.status,
	a.source, a.tags, a.notes, COALESCE(a.engagement_id, 0), COALESCE(e.title, ''), COALESCE(a.agent_membership_id, 0),
	COALESCE(u.name, ''), (SELECT COUNT(*) FROM sales_contacts c WHERE c.account_id = a.id), a.created_at, a.updated_at`

const salesAccountFrom = ` FROM sales_accounts a LEFT JOIN engagements e ON e.id = a.engagement_id
	LEFT JOIN memberships m ON m.id = a.agent_membership_id LEFT JOIN users u ON u.id = m.user_id`

func scanSalesAccount(s interface{ Scan(...any) error }, a *sales.Account) error {
	var tags string
	err := s.Scan(&a.ID, &a.WorkspaceID, &a.Name, &a.RegNumber, &a.Country, &a.City, &a.Website, &a.Industry, &a.Size, &a.Status,
		&a.Source, &tags, &a.Notes, &a.EngagementID, &a.EngagementTitle, &a.AgentID, &a.AgentName, &a.Contacts, &a.CreatedAt, &a.UpdatedAt)
	a.Tags = sales.SplitTags(tags)
	a.CreatedAt, a.UpdatedAt = a.CreatedAt.UTC(), a.UpdatedAt.UTC()
	return err
}

// AccountFilter narrows the accounts of the base.
type AccountFilter struct {
	IDs          []int64 // these accounts only (when not empty)
	Status       sales.Status
	EngagementID int64 // assigned to this engagement
	AgentID      int64 // assigned to this agent (a membership)
	Unassigned   bool  // assigned to no engagement
	Q            string
}

// filter adds f's conditions on accounts (aliased a) for p: the search
// matches the folded name, registration number and city, and for the
// client's people also a contact's phone number or e-mail address
// (sales.SearchesDetails); a partner's search never looks at those.
func (f AccountFilter) filter(w *where, p tandem.Principal, region string) {
	if len(f.IDs) > 0 {
		args := make([]any, len(f.IDs))
		for i, id := range f.IDs {
			args[i] = id
		}
		w.add("a.id IN ("+placeholders(len(args))+")", args...)
	}
	if f.Status != "" {
		w.add("a.status = ?", string(f.Status))
	}
	if f.EngagementID != 0 {
		w.add("a.engagement_id = ?", f.EngagementID)
	}
	if f.AgentID != 0 {
		w.add("a.agent_membership_id = ?", f.AgentID)
	}
	if f.Unassigned {
		w.add("a.engagement_id IS NULL")
	}
	q := strings.TrimSpace(f.Q)
	if q == "" {
		return
	}
	cond, args := `a.search_text LIKE ? ESCAPE '\'`, []any{likePattern(sales.Fold(q))}
	if sales.SearchesDetails(p.Role) {
		var values []any
		if e164, _, ok := sales.NormalizePhone(q, region); ok {
			values = append(values, e164)
		}
		if email, _, ok := sales.NormalizeEmail(q); ok {
			values = append(values, email)
		}
		if len(values) > 0 {
			cond += ` OR EXISTS (SELECT 1 FROM sales_contacts sc JOIN sales_contact_details sd ON sd.contact_id = sc.id
				WHERE sc.account_id = a.id AND sd.workspace_id = a.workspace_id AND sd.value IN (` + placeholders(len(values)) + `))`
			args = append(args, values...)
		}
	}
	w.add("("+cond+")", args...)
}

// Accounts lists the accounts p may see, by name unless pg.Sort says
// otherwise ("name", "city", "status", "updated", "-" for descending), at
// most sales.PageLimit rows a page, each as p may see it, with their
// total counted as every list's total is (listPage: in the same statement,
// no further than tandem.CountCap past the page). A partner's API token
// reads within its hourly limit (sales.ReadLimit): past it, ETooMany.
func (s *SalesStore) Accounts(ctx context.Context, p tandem.Principal, pg tandem.Page, f AccountFilter) (_ []sales.Account, total int, err error) {
	defer wrap(&err, "SalesStore.Accounts")
	if err := access.Can(p, access.SalesRead); err != nil {
		return nil, 0, err
	}
	pg = pg.Normalize()
	pg.Limit = sales.PageLimit(p.Role, pg.Limit)
	region, err := workspaceRegion(ctx, s.db, p.WorkspaceID)
	if err != nil {
		return nil, 0, err
	}
	f.Q = pg.Q
	var w where
	salesAccountScope(&w, p)
	f.filter(&w, p, region)
	out, total, err := listPage(ctx, s.db, scanSalesAccount, salesAccountCols, salesAccountFrom+w.String(),
		orderBy(pg.Sort, map[string]string{"name": "a.name", "city": "a.city", "status": "a.status", "updated": "a.updated_at"}, "name", "a.id"),
		pg, w.args...)
	if err != nil {
		return nil, 0, err
	}
	for i := range out {
		out[i] = sales.ViewAccount(p.Role, out[i])
	}
	if err := s.meterSalesRead(ctx, p, len(out)); err != nil {
		return nil, 0, err
	}
	return out, total, nil
}

// Account returns one account p may see, as p may see it, or
// tandem.ErrNotFound — also for an account p may not see.
func (s *SalesStore) Account(ctx context.Context, p tandem.Principal, id int64) (_ *sales.Account, err error) {
	defer wrap(&err, "SalesStore.Account(%d)", id)
	if err := access.Can(p, access.SalesRead); err != nil {
		return nil, err
	}
	raw, err := loadSalesAccount(ctx, s.db, p, id)
	if err != nil {
		return nil, err
	}
	a := sales.ViewAccount(p.Role, *raw)
	if err := s.meterSalesRead(ctx, p, 1); err != nil {
		return nil, err
	}
	return &a, nil
}

// CreateAccount validates and adds an account to the base, unassigned.
// Owners and managers may call it; errors: EInvalid, EForbidden.
func (s *SalesStore) CreateAccount(ctx context.Context, p tandem.Principal, a *sales.Account) (err error) {
	defer wrap(&err, "SalesStore.CreateAccount")
	if err := access.Can(p, access.SalesWrite); err != nil {
		return err
	}
	a.Normalize()
	if err := a.Validate(); err != nil {
		return err
	}
	return s.db.transact(ctx, func(tx *Tx) error {
		if err := createSalesAccount(ctx, tx, p, a); err != nil {
			return err
		}
		return tx.record(ctx, p, "sales.account_created", "sales_account", a.ID, map[string]any{"name": a.Name})
	})
}

func createSalesAccount(ctx context.Context, tx *Tx, p tandem.Principal, a *sales.Account) error {
	a.WorkspaceID, a.CreatedAt, a.UpdatedAt = p.WorkspaceID, tx.now, tx.now
	a.EngagementID, a.AgentID = 0, 0
	id, err := tx.insert(ctx, `INSERT INTO sales_accounts (workspace_id, name, reg_number, country, city, website, industry, size, status,
		source, tags, notes, search_text, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		a.WorkspaceID, a.Name, a.RegNumber, a.Country, a.City, a.Website, a.Industry, string(a.Size), string(a.Status),
		a.Source, strings.Join(a.Tags, ","), a.Notes, a.SearchText(), a.CreatedAt, a.UpdatedAt)
	if err != nil {
		return err
	}
	a.ID = id
	return nil
}

// UpdateAccount saves the client's changes to an account's fields (not
// its assignment). An account assigned to an engagement that becomes a
// customer, or a customer that becomes a former customer, records a fact
// on that engagement (sales.CustomerFact: client_churn and
// client_base_growth read them); an unassigned account records none. Owners and managers may call it; errors: EInvalid,
// ENotFound, EForbidden.
func (s *SalesStore) UpdateAccount(ctx context.Context, p tandem.Principal, a *sales.Account) (err error) {
	defer wrap(&err, "SalesStore.UpdateAccount(%d)", a.ID)
	if err := access.Can(p, access.SalesWrite); err != nil {
		return err
	}
	a.Normalize()
	if err := a.Validate(); err != nil {
		return err
	}
	return s.db.transact(ctx, func(tx *Tx) error {
		// The status before the change, and the customers of the
		// engagement the account is assigned to: a change to or from
		// customer is a fact of that engagement (sales.CustomerFact).
		var was sales.Status
		var engagementID, base int64
		if err := tx.queryRow(ctx, `SELECT status, COALESCE(engagement_id, 0) FROM sales_accounts WHERE id = ? AND workspace_id = ?`,
			a.ID, p.WorkspaceID).Scan(&was, &engagementID); err != nil {
			return notFound(err)
		}
		if engagementID != 0 && was != a.Status {
			if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM sales_accounts WHERE workspace_id = ? AND engagement_id = ? AND status = ?`,
				p.WorkspaceID, engagementID, string(sales.StatusCustomer)).Scan(&base); err != nil {
				return err
			}
		}
		res, err := tx.exec(ctx, `UPDATE sales_accounts SET name = ?, reg_number = ?, country = ?, city = ?, website = ?, industry = ?,
			size = ?, status = ?, source = ?, tags = ?, notes = ?, search_text = ?, updated_at = ? WHERE id = ? AND workspace_id = ?`,
			a.Name, a.RegNumber, a.Country, a.City, a.Website, a.Industry, string(a.Size), string(a.Status), a.Source,
			strings.Join(a.Tags, ","), a.Notes, a.SearchText(), tx.now, a.ID, p.WorkspaceID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return tandem.ErrNotFound
		}
		if f, ok := sales.CustomerFact(a.ID, was, a.Status, base); ok && engagementID != 0 {
			if _, err := recordFact(ctx, tx, p, Fact{EngagementID: engagementID, SubjectID: a.ID, Value: f.Value, Data: f.Data}); err != nil {
				return err
			}
		}
		return tx.record(ctx, p, "sales.account_updated", "sales_account", a.ID, map[string]any{"name": a.Name, "status": a.Status})
	})
}

// Assignment says who works the accounts a filter selects: a sales
// engagement and optionally an agent of its partner. EngagementID 0 takes
// the accounts back: they are the client's alone again.
type Assignment struct {
	EngagementID int64
	AgentID      int64 // a membership; 0 for none
}

// Assign assigns the accounts f selects (the IDs one by one, or every
// account matching the filter) and returns how many. Owners and managers
// may call it; errors: EInvalid (not a sales engagement of the workspace,
// an agent who is not the partner's agent on it), EForbidden.
func (s *SalesStore) Assign(ctx context.Context, p tandem.Principal, f AccountFilter, to Assignment) (n int, err error) {
	defer wrap(&err, "SalesStore.Assign")
	if err := access.Can(p, access.SalesWrite); err != nil {
		return 0, err
	}
	err = s.db.transact(ctx, func(tx *Tx) error {
		if to.EngagementID == 0 {
			if to.AgentID != 0 {
				return invalid("engagement_id", "validation.required")
			}
		} else {
			e, err := salesEngagement(ctx, tx, p, to.EngagementID)
			if err != nil {
				return err
			}
			var role tandem.Role
			var partnerID int64
			var onEngagement bool
			if to.AgentID != 0 {
				var assigned int
				err := tx.queryRow(ctx, `SELECT m.role, COALESCE(m.partner_id, 0),
					(SELECT COUNT(*) FROM engagement_assignments ea WHERE ea.membership_id = m.id AND ea.engagement_id = ?)
					FROM memberships m WHERE m.id = ? AND m.workspace_id = ?`, e.ID, to.AgentID, p.WorkspaceID).Scan(&role, &partnerID, &assigned)
				if err != nil && notFound(err) != tandem.ErrNotFound {
					return err
				}
				onEngagement = assigned > 0
			}
			if err := sales.CheckAssignment(e, to.AgentID, role, partnerID, onEngagement); err != nil {
				return err
			}
		}
		region, err := workspaceRegion(ctx, tx, p.WorkspaceID)
		if err != nil {
			return err
		}
		var w where
		salesAccountScope(&w, p)
		f.filter(&w, p, region)
		rows, err := tx.query(ctx, `SELECT a.id FROM sales_accounts a`+w.String()+` ORDER BY a.id`, w.args...)
		if err != nil {
			return err
		}
		var ids []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if len(ids) == 0 {
			return nil
		}
		if _, err := tx.exec(ctx, `UPDATE sales_accounts SET engagement_id = ?, agent_membership_id = ?, updated_at = ?
			WHERE id IN (SELECT a.id FROM sales_accounts a`+w.String()+`)`,
			append([]any{nullID(to.EngagementID), nullID(to.AgentID), tx.now}, w.args...)...); err != nil {
			return err
		}
		n = len(ids)
		return tx.record(ctx, p, "sales.assigned", "sales_assignment", to.EngagementID,
			map[string]any{"agent_id": to.AgentID, "count": n, "accounts": ids})
	})
	return n, err
}

// salesEngagement reads an engagement of p's workspace that accounts may
// be assigned to, or an EInvalid error on engagement_id.
func salesEngagement(ctx context.Context, tx *Tx, p tandem.Principal, id int64) (*engagement.Engagement, error) {
	var w where
	engagementScope(&w, p)
	w.add("e.id = ?", id)
	var e engagement.Engagement
	if err := scanEngagement(tx.queryRow(ctx, `SELECT `+engagementCols+engagementFrom+w.String(), w.args...), &e); err != nil {
		if notFound(err) == tandem.ErrNotFound {
			return nil, invalid("engagement_id", "validation.one_of")
		}
		return nil, err
	}
	return &e, nil
}

// AssignTarget is an engagement accounts may be assigned to, with its
// partner's agents on it.
type AssignTarget struct {
	EngagementID int64
	Title        string
	PartnerName  string
	Agents       []AssignAgent
}

// AssignAgent is an agent accounts may be assigned to.
type AssignAgent struct {
	ID   int64 // the membership
	Name string
}

// AssignTargets lists the sales engagements of the workspace that have
// not ended, with their agents: where the client may assign accounts.
// Owners and managers may call it.
func (s *SalesStore) AssignTargets(ctx context.Context, p tandem.Principal) (_ []AssignTarget, err error) {
	defer wrap(&err, "SalesStore.AssignTargets")
	if err := access.Can(p, access.SalesWrite); err != nil {
		return nil, err
	}
	rows, err := s.db.query(ctx, `SELECT e.id, e.title, pa.legal_name, COALESCE(m.id, 0), COALESCE(u.name, '')
		FROM engagements e JOIN partners pa ON pa.id = e.partner_id
		LEFT JOIN engagement_assignments ea ON ea.engagement_id = e.id
		LEFT JOIN memberships m ON m.id = ea.membership_id AND m.role = ?
		LEFT JOIN users u ON u.id = m.user_id
		WHERE e.workspace_id = ? AND e.kind = ? AND e.status <> ?
		ORDER BY e.title, e.id, u.name, m.id`,
		string(tandem.RoleVendorAgent), p.WorkspaceID, string(engagement.KindSales), string(engagement.StatusEnded))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []AssignTarget{}
	for rows.Next() {
		var t AssignTarget
		var a AssignAgent
		if err := rows.Scan(&t.EngagementID, &t.Title, &t.PartnerName, &a.ID, &a.Name); err != nil {
			return nil, err
		}
		if len(out) == 0 || out[len(out)-1].EngagementID != t.EngagementID {
			t.Agents = []AssignAgent{}
			out = append(out, t)
		}
		if a.ID != 0 {
			last := &out[len(out)-1]
			last.Agents = append(last.Agents, a)
		}
	}
	return out, rows.Err()
}

// workspaceRegion is the default phone region of a workspace (sales.RegionOfZone).
func workspaceRegion(ctx context.Context, q querier, workspaceID int64) (string, error) {
	var tz string
	if err := q.queryRow(ctx, `SELECT time_zone FROM workspaces WHERE id = ?`, workspaceID).Scan(&tz); err != nil {
		return "", notFound(err)
	}
	return sales.RegionOfZone(tz), nil
}

// NewAccount is an account to add with its contacts.
type NewAccount struct {
	Account  sales.Account
	Contacts []sales.Contact
}

// CreateAccounts adds accounts with their contacts in one transaction, all
// or nothing: the way a list enters the base (the demo now, imports next).
// Each is validated as CreateAccount and AddContact do; the first problem
// is reported with the field prefixed by the row ("accounts.3.name",
// "accounts.3.contacts.0.phones"). One audit entry records the list: how
// many accounts and contacts, and their ids. Owners and managers may call it.
func (s *SalesStore) CreateAccounts(ctx context.Context, p tandem.Principal, rows []NewAccount) (err error) {
	defer wrap(&err, "SalesStore.CreateAccounts")
	if err := access.Can(p, access.SalesWrite); err != nil {
		return err
	}
	return s.db.transact(ctx, func(tx *Tx) error {
		var tz string
		if err := tx.queryRow(ctx, `SELECT time_zone FROM workspaces WHERE id = ?`, p.WorkspaceID).Scan(&tz); err != nil {
			return notFound(err)
		}
		ids, contacts := make([]int64, len(rows)), 0
		for i := range rows {
			a := &rows[i].Account
			a.Normalize()
			if err := a.Validate(); err != nil {
				return prefixFields(err, fmt.Sprintf("accounts.%d.", i))
			}
			if err := createSalesAccount(ctx, tx, p, a); err != nil {
				return err
			}
			region := sales.DefaultRegion(a.Country, tz)
			for j := range rows[i].Contacts {
				c := &rows[i].Contacts[j]
				c.AccountID = a.ID
				c.Normalize(region)
				if err := c.Validate(region); err != nil {
					return prefixFields(err, fmt.Sprintf("accounts.%d.contacts.%d.", i, j))
				}
				if err := createSalesContact(ctx, tx, p, c); err != nil {
					return err
				}
				contacts++
			}
			ids[i] = a.ID
		}
		return tx.record(ctx, p, "sales.accounts_created", "sales_account", 0,
			map[string]any{"accounts": len(rows), "contacts": contacts, "ids": ids})
	})
}

// prefixFields puts prefix before the field names of a validation error.
func prefixFields(err error, prefix string) error {
	var v tandem.Validator
	for _, f := range tandem.FieldErrors(err) {
		v.Add(prefix+f.Field, f.Key, f.Args...)
	}
	if e := v.Err(); e != nil {
		return e
	}
	return err
}
