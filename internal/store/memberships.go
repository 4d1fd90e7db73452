package store

import (
	"context"

	"github.com/tandemhq/tandem/internal/access"
	"github.com/tandemhq/tandem/internal/account"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/tandem"
)

// AddMember gives a user a role in p's workspace. Owners and managers may
// call it (managers may not make owners: account.CheckGrant). Errors:
// EInvalid, EForbidden, EConflict.
func (s *AccountStore) AddMember(ctx context.Context, p tandem.Principal, userID int64, role tandem.Role, partnerID int64) (_ int64, err error) {
	defer wrap(&err, "AccountStore.AddMember")
	if err := access.Can(p, access.MembersManage); err != nil {
		return 0, err
	}
	if err := account.CheckGrant(p, role); err != nil {
		return 0, err
	}
	var id int64
	err = s.db.transact(ctx, func(tx *Tx) error {
		id, err = addMember(ctx, tx, p, userID, role, partnerID)
		return err
	})
	return id, err
}

func addMember(ctx context.Context, tx *Tx, p tandem.Principal, userID int64, role tandem.Role, partnerID int64) (int64, error) {
	if err := account.ValidateGrant(role, partnerID); err != nil {
		return 0, err
	}
	if partnerID != 0 {
		if err := checkPartner(ctx, tx, p, partnerID); err != nil {
			return 0, err
		}
	}
	id, err := tx.insert(ctx, `INSERT INTO memberships (workspace_id, user_id, role, partner_id, created_at) VALUES (?, ?, ?, ?, ?)`,
		p.WorkspaceID, userID, string(role), nullID(partnerID), tx.now)
	if tx.db.dialect.isUniqueViolation(err) {
		return 0, tandem.Errorf(tandem.EConflict, i18n.K("members.already_member"))
	}
	if err != nil {
		return 0, err
	}
	return id, tx.record(ctx, p, "membership.created", "membership", id,
		map[string]any{"user_id": userID, "role": role, "partner_id": partnerID})
}

const membershipCols = `m.id, m.workspace_id, w.name, m.user_id, u.email, u.name, u.lang, m.role, COALESCE(m.partner_id, 0),
	COALESCE(pa.legal_name, ''), m.created_at`

const membershipFrom = ` FROM memberships m JOIN users u ON u.id = m.user_id JOIN workspaces w ON w.id = m.workspace_id
	LEFT JOIN partners pa ON pa.id = m.partner_id`

func scanMembership(s interface{ Scan(...any) error }, m *account.Membership) error {
	return s.Scan(&m.ID, &m.WorkspaceID, &m.WorkspaceName, &m.UserID, &m.UserEmail, &m.UserName, &m.UserLang, &m.Role,
		&m.PartnerID, &m.PartnerName, &m.CreatedAt)
}

// loadMemberships reads the memberships matching w through q (the read pool
// or a transaction).
func loadMemberships(ctx context.Context, q querier, w where, order string) ([]account.Membership, error) {
	return scanAll(ctx, q, scanMembership, `SELECT `+membershipCols+membershipFrom+w.String()+order, w.args...)
}

// MembershipsOf returns every workspace membership of a user, for the
// workspace switcher.
func (s *AccountStore) MembershipsOf(ctx context.Context, userID int64) (_ []account.Membership, err error) {
	defer wrap(&err, "AccountStore.MembershipsOf(%d)", userID)
	var w where
	w.add("m.user_id = ?", userID)
	return loadMemberships(ctx, s.db, w, " ORDER BY w.name, m.id")
}

// Members lists the people of p's workspace: client roles see everyone, a
// vendor manager the people of its own partner.
func (s *AccountStore) Members(ctx context.Context, p tandem.Principal) (_ []account.Membership, err error) {
	defer wrap(&err, "AccountStore.Members")
	if err := access.Can(p, access.MembersRead); err != nil {
		return nil, err
	}
	var w where
	w.add("m.workspace_id = ?", p.WorkspaceID)
	if !p.Role.IsClient() {
		w.add("m.partner_id = ?", p.PartnerID)
	}
	return loadMemberships(ctx, s.db, w, " ORDER BY m.partner_id IS NOT NULL, pa.legal_name, u.name, m.id")
}

// Principal resolves a user's membership of a workspace, or tandem.ErrNotFound.
func (s *AccountStore) Principal(ctx context.Context, userID, workspaceID int64) (_ tandem.Principal, err error) {
	defer wrap(&err, "AccountStore.Principal")
	return loadPrincipal(ctx, s.db, userID, workspaceID)
}

// loadPrincipal resolves a user's membership of a workspace through q, or
// tandem.ErrNotFound.
func loadPrincipal(ctx context.Context, q querier, userID, workspaceID int64) (tandem.Principal, error) {
	var w where
	w.add("m.user_id = ?", userID)
	w.add("m.workspace_id = ?", workspaceID)
	ms, err := loadMemberships(ctx, q, w, "")
	if err != nil {
		return tandem.Principal{}, err
	}
	if len(ms) == 0 {
		return tandem.Principal{}, tandem.ErrNotFound
	}
	return ms[0].Principal(), nil
}

// RemoveMember ends a membership at once: its API tokens, assignments and
// the sessions working in that workspace go with it. Owners and managers may
// call it; account.CheckRemoval decides whom they may remove.
func (s *AccountStore) RemoveMember(ctx context.Context, p tandem.Principal, membershipID int64) (err error) {
	defer wrap(&err, "AccountStore.RemoveMember(%d)", membershipID)
	if err := access.Can(p, access.MembersManage); err != nil {
		return err
	}
	return s.db.transact(ctx, func(tx *Tx) error {
		m := account.Membership{ID: membershipID}
		err := tx.queryRow(ctx, `SELECT user_id, role FROM memberships WHERE workspace_id = ? AND id = ?`, p.WorkspaceID, membershipID).Scan(&m.UserID, &m.Role)
		if err != nil {
			return notFound(err)
		}
		var owners int
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM memberships WHERE workspace_id = ? AND role = ?`,
			p.WorkspaceID, string(tandem.RoleOwner)).Scan(&owners); err != nil {
			return err
		}
		if err := account.CheckRemoval(p, m, owners); err != nil {
			return err
		}
		for _, q := range []string{
			`DELETE FROM engagement_assignments WHERE membership_id = ?`,
			`DELETE FROM api_tokens WHERE membership_id = ?`,
		} {
			if _, err := tx.exec(ctx, q, membershipID); err != nil {
				return err
			}
		}
		if _, err := tx.exec(ctx, `UPDATE sessions SET workspace_id = 0 WHERE user_id = ? AND workspace_id = ?`, m.UserID, p.WorkspaceID); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `DELETE FROM memberships WHERE id = ?`, membershipID); err != nil {
			return err
		}
		return tx.record(ctx, p, "membership.removed", "membership", membershipID, map[string]any{"user_id": m.UserID, "role": m.Role})
	})
}

// Team lists the partner's people who serve an engagement p may see: the
// partner's vendor managers and the agents assigned to it.
func (s *AccountStore) Team(ctx context.Context, p tandem.Principal, engagementID int64) (_ []account.Membership, err error) {
	defer wrap(&err, "AccountStore.Team(%d)", engagementID)
	if _, err := loadEngagement(ctx, s.db, p, engagementID); err != nil {
		return nil, err
	}
	var w where
	w.add("m.workspace_id = ?", p.WorkspaceID)
	w.add(`m.partner_id = (SELECT partner_id FROM engagements WHERE id = ?)`, engagementID)
	w.add(`(m.role = ? OR EXISTS (SELECT 1 FROM engagement_assignments ea WHERE ea.membership_id = m.id AND ea.engagement_id = ?))`,
		string(tandem.RoleVendorManager), engagementID)
	return loadMemberships(ctx, s.db, w, " ORDER BY m.role DESC, u.name")
}
