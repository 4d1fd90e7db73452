package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/tandemhq/tandem/internal/access"
	"github.com/tandemhq/tandem/internal/audit"
	"github.com/tandemhq/tandem/internal/sales"
	"github.com/tandemhq/tandem/internal/tandem"
)

// Contacts lists the contacts of an account p may see, decision makers
// first, each as p may see it (sales.ViewContact): a partner's person gets
// every phone number and e-mail address masked. An account p may not see
// is tandem.ErrNotFound. A partner's API token reads within its hourly
// limit (sales.ReadLimit): past it, ETooMany.
func (s *SalesStore) Contacts(ctx context.Context, p tandem.Principal, accountID int64) (_ []sales.ContactView, err error) {
	defer wrap(&err, "SalesStore.Contacts(%d)", accountID)
	if err := access.Can(p, access.SalesRead); err != nil {
		return nil, err
	}
	if _, err := loadSalesAccount(ctx, s.db, p, accountID); err != nil {
		return nil, err
	}
	rows, err := s.db.query(ctx, accountContactsQuery, p.WorkspaceID, accountID, p.WorkspaceID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var cs []sales.Contact
	for rows.Next() {
		var c sales.Contact
		var dm int64
		var did sql.NullInt64
		var field, value, typed sql.NullString
		if err := rows.Scan(&c.ID, &c.WorkspaceID, &c.AccountID, &c.Name, &c.Position, &dm, &c.Notes, &c.CreatedAt, &c.UpdatedAt,
			&did, &field, &value, &typed); err != nil {
			return nil, err
		}
		if n := len(cs); n == 0 || cs[n-1].ID != c.ID {
			c.DecisionMaker, c.Phones, c.Emails = dm != 0, []sales.Detail{}, []sales.Detail{}
			c.CreatedAt, c.UpdatedAt = c.CreatedAt.UTC(), c.UpdatedAt.UTC()
			cs = append(cs, c)
		}
		if !did.Valid {
			continue // a contact without a phone number or e-mail address
		}
		last := &cs[len(cs)-1]
		d := sales.Detail{ID: did.Int64, Field: sales.Field(field.String), Value: value.String, Typed: typed.String}
		if d.Field == sales.FieldEmail {
			last.Emails = append(last.Emails, d)
		} else {
			last.Phones = append(last.Phones, d)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]sales.ContactView, len(cs))
	for i, c := range cs {
		out[i] = sales.ViewContact(p.Role, c)
	}
	if err := s.meterSalesRead(ctx, p, len(out)); err != nil {
		return nil, err
	}
	return out, nil
}

// accountContactsQuery reads an account's contacts with their phone
// numbers and e-mail addresses in one statement (workspace, account,
// workspace): a contact's rows are consecutive, decision makers first,
// its details in their order; a contact without any has one row whose
// detail columns are NULL. The LEFT JOIN keeps SQLite going from the
// account's contacts to their details; joined the other way, SQLite read
// every detail of the workspace by sales_contact_details_value
// (workspace_id first) and kept the account's: 3.5 ms an account page in
// the demo, 0.1 ms this way.
const accountContactsQuery = `SELECT c.id, c.workspace_id, c.account_id, c.name, c.position, c.decision_maker, c.notes, c.created_at, c.updated_at,
	d.id, d.field, d.value, d.typed
	FROM sales_contacts c LEFT JOIN sales_contact_details d ON d.contact_id = c.id AND d.workspace_id = ?
	WHERE c.account_id = ? AND c.workspace_id = ?
	ORDER BY c.decision_maker DESC, c.name, c.id, d.position, d.id`

// AddContact validates and adds a contact to an account, its phone numbers
// read in the account's country (else the workspace's, see
// sales.DefaultRegion). Owners and managers may call it; errors: EInvalid,
// ENotFound, EForbidden.
func (s *SalesStore) AddContact(ctx context.Context, p tandem.Principal, c *sales.Contact) (err error) {
	defer wrap(&err, "SalesStore.AddContact")
	if err := access.Can(p, access.SalesWrite); err != nil {
		return err
	}
	return s.db.transact(ctx, func(tx *Tx) error {
		var country, tz string
		if err := tx.queryRow(ctx, `SELECT a.country, ws.time_zone FROM sales_accounts a JOIN workspaces ws ON ws.id = a.workspace_id
			WHERE a.id = ? AND a.workspace_id = ?`, c.AccountID, p.WorkspaceID).Scan(&country, &tz); err != nil {
			return notFound(err)
		}
		region := sales.DefaultRegion(country, tz)
		c.Normalize(region)
		if err := c.Validate(region); err != nil {
			return err
		}
		if err := createSalesContact(ctx, tx, p, c); err != nil {
			return err
		}
		// The audit entry names the contact, never its details.
		return tx.record(ctx, p, "sales.contact_created", "sales_contact", c.ID,
			map[string]any{"account_id": c.AccountID, "name": c.Name, "phones": len(c.Phones), "emails": len(c.Emails)})
	})
}

func createSalesContact(ctx context.Context, tx *Tx, p tandem.Principal, c *sales.Contact) error {
	c.WorkspaceID, c.CreatedAt, c.UpdatedAt = p.WorkspaceID, tx.now, tx.now
	dm := 0
	if c.DecisionMaker {
		dm = 1
	}
	id, err := tx.insert(ctx, `INSERT INTO sales_contacts (workspace_id, account_id, name, position, decision_maker, notes, search_text,
		created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.WorkspaceID, c.AccountID, c.Name, c.Position, dm, c.Notes, c.SearchText(), c.CreatedAt, c.UpdatedAt)
	if err != nil {
		return err
	}
	c.ID = id
	for _, ds := range [][]sales.Detail{c.Phones, c.Emails} {
		for i := range ds {
			d := &ds[i]
			if d.ID, err = tx.insert(ctx, `INSERT INTO sales_contact_details (workspace_id, contact_id, field, value, typed, position, match_key)
				VALUES (?, ?, ?, ?, ?, ?, ?)`, c.WorkspaceID, id, string(d.Field), d.Value, d.Typed, i, d.MatchKey()); err != nil {
				return err
			}
		}
	}
	_, err = tx.exec(ctx, `UPDATE sales_accounts SET updated_at = ? WHERE id = ?`, tx.now, c.AccountID)
	return err
}

// Reveal shows one detail of a contact in full to the agent p, who gives a
// reason. The detail is in the answer and nowhere else: every other read
// stays masked, so seeing it again is another reveal. Every reveal is
// kept (the reveals log) and audited with who, which contact, which field
// and why. The engagement the account is assigned to must be live, and
// the agent within the daily quota (sales.Limits); the reveal that makes
// a burst tells the client's owners and managers. Errors: EInvalid (no
// reason), EConflict (engagement not live), ETooMany (quota reached),
// ENotFound (a contact or detail p may not see), EForbidden.
func (s *SalesStore) Reveal(ctx context.Context, p tandem.Principal, contactID, detailID int64, reason string) (_ sales.Detail, err error) {
	defer wrap(&err, "SalesStore.Reveal(%d, %d)", contactID, detailID)
	if err := access.Can(p, access.SalesReveal); err != nil {
		return sales.Detail{}, err
	}
	var d sales.Detail
	err = s.db.transact(ctx, func(tx *Tx) error {
		var w where
		salesAccountScope(&w, p)
		w.add("d.id = ?", detailID)
		w.add("c.id = ?", contactID)
		r := sales.Reveal{WorkspaceID: p.WorkspaceID, ContactID: contactID, DetailID: detailID, MembershipID: p.MembershipID,
			UserID: p.UserID, Reason: reason, At: tx.now}
		if err := tx.queryRow(ctx, `SELECT d.id, d.field, d.value, d.typed, a.id, COALESCE(a.engagement_id, 0)
			FROM sales_contact_details d JOIN sales_contacts c ON c.id = d.contact_id JOIN sales_accounts a ON a.id = c.account_id`+
			w.String(), w.args...).Scan(&d.ID, &d.Field, &d.Value, &d.Typed, &r.AccountID, &r.EngagementID); err != nil {
			return notFound(err)
		}
		r.Field = d.Field
		if err := r.Validate(); err != nil {
			return err
		}
		e, err := salesEngagement(ctx, tx, p, r.EngagementID)
		if err != nil {
			return err
		}
		loc, err := workspaceLocation(ctx, tx, p.WorkspaceID)
		if err != nil {
			return err
		}
		// The audit entry goes first: it takes the workspace's chain lock
		// until commit, so two reveals of one agent are counted one after
		// the other on PostgreSQL too, and the quota holds exactly.
		if err := tx.record(ctx, p, audit.ActionReveal, "sales_contact", contactID, map[string]any{"field": r.Field, "detail_id": detailID,
			"account_id": r.AccountID, "engagement_id": r.EngagementID, "reason": r.Reason}); err != nil {
			return err
		}
		terms, err := termsInForce(ctx, tx, p, r.EngagementID, tandem.DateOf(tx.now.In(loc)))
		if err != nil {
			return err
		}
		limits := sales.LimitsOf(terms.Terms.Sales)
		var today int
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM sales_reveals WHERE membership_id = ? AND at >= ?`,
			p.MembershipID, sales.DayStart(tx.now, loc).UTC()).Scan(&today); err != nil {
			return err
		}
		if err := limits.MayReveal(e, today); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `INSERT INTO sales_reveals (workspace_id, engagement_id, account_id, contact_id, detail_id, field,
			membership_id, user_id, reason, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, r.WorkspaceID, r.EngagementID, r.AccountID,
			r.ContactID, r.DetailID, string(r.Field), r.MembershipID, r.UserID, r.Reason, r.At); err != nil {
			return err
		}
		var inWindow int
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM sales_reveals WHERE membership_id = ? AND at > ?`,
			p.MembershipID, tx.now.Add(-limits.BurstWindow)).Scan(&inWindow); err != nil {
			return err
		}
		if limits.BurstCrossed(inWindow) {
			users, err := clientDeciders(ctx, tx, p.WorkspaceID)
			if err != nil {
				return err
			}
			return notify(ctx, tx, p, users, sales.BurstNotice, r.EngagementID, p.MembershipID,
				map[string]any{"agent": p.UserName, "n": inWindow, "minutes": int64(limits.BurstWindow / time.Minute)})
		}
		return nil
	})
	if err != nil {
		return sales.Detail{}, err
	}
	return d, nil
}

// workspaceLocation is a workspace's time zone.
func workspaceLocation(ctx context.Context, q querier, workspaceID int64) (*time.Location, error) {
	var tz string
	if err := q.queryRow(ctx, `SELECT time_zone FROM workspaces WHERE id = ?`, workspaceID).Scan(&tz); err != nil {
		return nil, notFound(err)
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return time.UTC, nil
	}
	return loc, nil
}

// RevealFilter narrows the reveals log.
type RevealFilter struct {
	EngagementID int64
	AgentID      int64 // a membership; 0 for every agent
}

// Reveals lists the reveals made on an engagement, newest first: who,
// when, which contact of which account, which field and why — never the
// detail, the total counted as every list's total is (listPage). The
// client's owners, managers and viewers may call it; an engagement p may
// not see is tandem.ErrNotFound.
func (s *SalesStore) Reveals(ctx context.Context, p tandem.Principal, pg tandem.Page, f RevealFilter) (_ []sales.Reveal, total int, err error) {
	defer wrap(&err, "SalesStore.Reveals(%d)", f.EngagementID)
	if err := access.Can(p, access.SalesReveals); err != nil {
		return nil, 0, err
	}
	pg = pg.Normalize()
	var ew where
	engagementScope(&ew, p)
	ew.add("e.id = ?", f.EngagementID)
	var n int
	if err := s.db.queryRow(ctx, `SELECT COUNT(*) FROM engagements e`+ew.String(), ew.args...).Scan(&n); err != nil {
		return nil, 0, err
	}
	if n == 0 {
		return nil, 0, tandem.ErrNotFound
	}
	var w where
	w.add("r.workspace_id = ?", p.WorkspaceID)
	w.add("r.engagement_id = ?", f.EngagementID)
	if f.AgentID != 0 {
		w.add("r.membership_id = ?", f.AgentID)
	}
	return listPage(ctx, s.db, func(sc scanner, r *sales.Reveal) error {
		err := sc.Scan(&r.ID, &r.WorkspaceID, &r.EngagementID, &r.AccountID, &r.AccountName, &r.ContactID, &r.ContactName,
			&r.DetailID, &r.Field, &r.MembershipID, &r.UserID, &r.UserName, &r.Reason, &r.At)
		r.At = r.At.UTC()
		return err
	}, `r.id, r.workspace_id, r.engagement_id, r.account_id, a.name, r.contact_id, c.name, r.detail_id,
		r.field, r.membership_id, r.user_id, u.name, r.reason, r.at`,
		` FROM sales_reveals r JOIN sales_accounts a ON a.id = r.account_id JOIN sales_contacts c ON c.id = r.contact_id
		JOIN users u ON u.id = r.user_id`+w.String(), ` ORDER BY r.at DESC, r.id DESC`, pg, w.args...)
}

// RevealAgents lists the agents who revealed details on an engagement, for
// the log's filter. The same callers as Reveals.
func (s *SalesStore) RevealAgents(ctx context.Context, p tandem.Principal, engagementID int64) (_ []AssignAgent, err error) {
	defer wrap(&err, "SalesStore.RevealAgents(%d)", engagementID)
	if err := access.Can(p, access.SalesReveals); err != nil {
		return nil, err
	}
	rows, err := s.db.query(ctx, `SELECT DISTINCT r.membership_id, u.name FROM sales_reveals r JOIN users u ON u.id = r.user_id
		WHERE r.workspace_id = ? AND r.engagement_id = ? ORDER BY u.name, r.membership_id`, p.WorkspaceID, engagementID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []AssignAgent{}
	for rows.Next() {
		var a AssignAgent
		if err := rows.Scan(&a.ID, &a.Name); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// ContactMatch is a contact a name search found, as p may see it (its
// phone numbers and e-mail addresses are not read), with its account.
type ContactMatch struct {
	Contact     sales.ContactView
	AccountName string
}

// findContactsQuery is FindContacts' query of the contacts p may see whose
// folded name starts with prefix, at most limit.
func findContactsQuery(d dialect, p tandem.Principal, prefix string, limit int) (query string, args []any) {
	const cols = `c.id, c.workspace_id, c.account_id, c.name, c.position, c.decision_maker, c.notes, c.created_at, c.updated_at,
		a.name AS account_name`
	pg := d.name() == "postgres"
	if sales.ScopeOf(p.Role) == sales.ScopeAssigned {
		// An agent's contacts are a range of sales_agent_contacts (their
		// membership, then the folded name), read in its order so that the
		// search stops at the page's end; every row is still checked
		// against the agent's scope, which that table only mirrors.
		var xw, w where
		xw.add("x.membership_id = ?", p.MembershipID)
		xw.add(prefixRange(d, "x.search_text"), prefix, prefixEnd(prefix))
		xw.add("x.workspace_id = ?", p.WorkspaceID)
		w.add("c.id = x.contact_id")
		w.add("c.workspace_id = ?", p.WorkspaceID)
		w.add("a.id = c.account_id")
		salesAccountScope(&w, p)
		args = append(xw.args, w.args...)
		if pg {
			// PostgreSQL, misjudging how few rows the scope leaves, would
			// start from the agent's accounts (all their contacts, then a
			// sort); a LATERAL subquery with its LIMIT makes it check the
			// range's rows one by one, in order, until the page is full.
			query = `SELECT m.* FROM (SELECT x.contact_id, x.search_text FROM sales_agent_contacts x` + xw.String() +
				` ORDER BY x.search_text COLLATE "C", x.contact_id) x CROSS JOIN LATERAL (SELECT ` + cols +
				` FROM sales_contacts c CROSS JOIN sales_accounts a` + w.String() + ` LIMIT 1) m
				ORDER BY x.search_text COLLATE "C", x.contact_id LIMIT ` + fmt.Sprint(limit)
		} else {
			xw.conds, xw.args = append(xw.conds, w.conds...), args
			query = `SELECT ` + cols + ` FROM sales_agent_contacts x CROSS JOIN sales_contacts c CROSS JOIN sales_accounts a` +
				xw.String() + ` ORDER BY x.search_text, x.contact_id LIMIT ` + fmt.Sprint(limit)
		}
	} else {
		// In the index's order (the workspace is one), so that the search
		// stops at the page's end. SQLite, planning without statistics,
		// would rather start from the workspace's accounts: for the
		// client's people and a partner's manager, whose accounts are
		// many, CROSS JOIN makes it read the contacts' range first.
		// PostgreSQL's index ends with the id (migration 0046), so that
		// the whole order is the index's: when it was not, a vacuumed
		// base's statistics (the range of folded names a sort away
		// estimated at one row) had it read and sort all 4,000 "karin l"
		// of a million contacts, 17 ms for 20.
		var w where
		w.add("c.workspace_id = ?", p.WorkspaceID)
		w.add(prefixRange(d, "c.search_text"), prefix, prefixEnd(prefix))
		w.add("a.id = c.account_id")
		salesAccountScope(&w, p)
		args = w.args
		order := "c.search_text"
		if pg {
			order += ` COLLATE "C"`
		}
		query = `SELECT ` + cols + ` FROM sales_contacts c CROSS JOIN sales_accounts a` + w.String() +
			` ORDER BY ` + order + `, c.workspace_id, c.id LIMIT ` + fmt.Sprint(limit)
	}
	return query, args
}

// FindContactsLimit is the most contacts one name search returns.
const FindContactsLimit = 50

// FindContacts finds the contacts of the accounts p may see whose name
// starts with q, case and accents ignored (sales.Fold; a q that folds to
// nothing finds nothing), at most limit (1..FindContactsLimit) in the
// order of their folded names. It never looks at phone numbers or e-mail
// addresses. The search is a range of the sales_contacts_search index (a
// contact's search text starts with its folded name), for an agent of
// sales_agent_contacts (their contacts by folded name, kept by triggers),
// each row still checked against p's scope. A partner's API
// token reads within its hourly limit (sales.ReadLimit): past it,
// ETooMany.
func (s *SalesStore) FindContacts(ctx context.Context, p tandem.Principal, q string, limit int) (_ []ContactMatch, err error) {
	defer wrap(&err, "SalesStore.FindContacts")
	if err := access.Can(p, access.SalesRead); err != nil {
		return nil, err
	}
	prefix := sales.Fold(q)
	if prefix == "" {
		return []ContactMatch{}, nil
	}
	query, args := findContactsQuery(s.db.dialect, p, prefix, max(1, min(limit, FindContactsLimit)))
	out, err := scanAll(ctx, s.db, func(r scanner, m *ContactMatch) error {
		var c sales.Contact
		var dm int64
		if err := r.Scan(&c.ID, &c.WorkspaceID, &c.AccountID, &c.Name, &c.Position, &dm, &c.Notes, &c.CreatedAt, &c.UpdatedAt, &m.AccountName); err != nil {
			return err
		}
		c.DecisionMaker, c.Phones, c.Emails = dm != 0, []sales.Detail{}, []sales.Detail{}
		c.CreatedAt, c.UpdatedAt = c.CreatedAt.UTC(), c.UpdatedAt.UTC()
		m.Contact = sales.ViewContact(p.Role, c)
		return nil
	}, query, args...)
	if err != nil {
		return nil, err
	}
	if err := s.meterSalesRead(ctx, p, len(out)); err != nil {
		return nil, err
	}
	return out, nil
}
