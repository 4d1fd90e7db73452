package store

import (
	"context"

	"github.com/tandemhq/tandem/internal/access"
	"github.com/tandemhq/tandem/internal/audit"
	"github.com/tandemhq/tandem/internal/sales"
	"github.com/tandemhq/tandem/internal/tandem"
)

// Export loads every account matching f with its contacts in full — the
// client's own data, unmasked — by name, for a download in format, and
// audits it (data.export on the sales base: the format, the rows and accounts written,
// the filters). Owners and managers may call it; a partner's person may
// not (EForbidden), whatever the route. An unknown format is EInvalid.
func (s *SalesStore) Export(ctx context.Context, p tandem.Principal, f AccountFilter, format sales.ExportFormat) (_ []sales.ExportAccount, err error) {
	defer wrap(&err, "SalesStore.Export(%s)", format)
	if err := access.Can(p, access.SalesExport); err != nil {
		return nil, err
	}
	if !format.Valid() {
		var v tandem.Validator
		v.Add("format", "validation.one_of")
		return nil, v.Err()
	}
	var out []sales.ExportAccount
	err = s.db.transact(ctx, func(tx *Tx) error {
		out = nil // a run may be repeated: it starts from nothing
		region, err := workspaceRegion(ctx, tx, p.WorkspaceID)
		if err != nil {
			return err
		}
		var w where
		salesAccountScope(&w, p)
		f.filter(&w, p, region)
		rows, err := tx.query(ctx, `SELECT `+salesAccountCols+salesAccountFrom+w.String()+` ORDER BY a.name, a.id`, w.args...)
		if err != nil {
			return err
		}
		byID := map[int64]int{}
		for rows.Next() {
			var a sales.Account
			if err := scanSalesAccount(rows, &a); err != nil {
				rows.Close()
				return err
			}
			byID[a.ID] = len(out)
			out = append(out, sales.ExportAccount{Account: a})
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if err := loadExportContacts(ctx, tx, p, out, byID); err != nil {
			return err
		}
		n := len(sales.ExportRows(out, ""))
		return tx.record(ctx, p, audit.ActionExport, "sales_base", 0, map[string]any{"format": format, "rows": n,
			"accounts": len(out), "filter": map[string]any{"q": f.Q, "status": f.Status, "engagement_id": f.EngagementID,
				"unassigned": f.Unassigned}})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// loadExportContacts adds their contacts, with every phone number and
// e-mail address, to the accounts of an export (byID: an account's index).
func loadExportContacts(ctx context.Context, tx *Tx, p tandem.Principal, out []sales.ExportAccount, byID map[int64]int) error {
	rows, err := tx.query(ctx, `SELECT id, account_id, name, position, decision_maker, notes FROM sales_contacts
		WHERE workspace_id = ? ORDER BY account_id, decision_maker DESC, name, id`, p.WorkspaceID)
	if err != nil {
		return err
	}
	type at struct{ account, contact int }
	pos := map[int64]at{}
	for rows.Next() {
		var c sales.Contact
		var dm int64
		if err := rows.Scan(&c.ID, &c.AccountID, &c.Name, &c.Position, &dm, &c.Notes); err != nil {
			rows.Close()
			return err
		}
		i, ok := byID[c.AccountID]
		if !ok {
			continue
		}
		c.DecisionMaker = dm != 0
		pos[c.ID] = at{i, len(out[i].Contacts)}
		out[i].Contacts = append(out[i].Contacts, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	drows, err := tx.query(ctx, `SELECT contact_id, field, value, typed FROM sales_contact_details WHERE workspace_id = ?
		ORDER BY contact_id, position, id`, p.WorkspaceID)
	if err != nil {
		return err
	}
	defer drows.Close()
	for drows.Next() {
		var d sales.Detail
		var contactID int64
		if err := drows.Scan(&contactID, &d.Field, &d.Value, &d.Typed); err != nil {
			return err
		}
		x, ok := pos[contactID]
		if !ok {
			continue
		}
		c := &out[x.account].Contacts[x.contact]
		if d.Field == sales.FieldEmail {
			c.Emails = append(c.Emails, d)
		} else {
			c.Phones = append(c.Phones, d)
		}
	}
	return drows.Err()
}
