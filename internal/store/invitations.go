package store

import (
	"context"
	"time"

	"github.com/tandemhq/tandem/internal/access"
	"github.com/tandemhq/tandem/internal/account"
	"github.com/tandemhq/tandem/internal/mail"
	"github.com/tandemhq/tandem/internal/tandem"
)

// Invite creates an invitation and returns the secret for its link; with
// e-mail configured, the link is also e-mailed to the invitee (outbox). Owners
// and managers may call it; account.Invitation.Prepare decides what it may
// grant. Errors: EInvalid, EForbidden.
func (s *AccountStore) Invite(ctx context.Context, p tandem.Principal, inv *account.Invitation) (secret string, err error) {
	defer wrap(&err, "AccountStore.Invite")
	if err := access.Can(p, access.MembersManage); err != nil {
		return "", err
	}
	secret = account.NewSecret("")
	err = s.db.transact(ctx, func(tx *Tx) error {
		if err := inv.Prepare(p, tx.now); err != nil {
			return err
		}
		if inv.PartnerID != 0 {
			if err := checkPartner(ctx, tx, p, inv.PartnerID); err != nil {
				return err
			}
		}
		for _, eid := range inv.EngagementIDs {
			var n int
			if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM engagements WHERE workspace_id = ? AND id = ? AND partner_id = ?`,
				p.WorkspaceID, eid, inv.PartnerID).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return invalid("engagement_ids", "validation.assignment_partner")
			}
		}
		id, err := tx.insert(ctx, `INSERT INTO invitations (workspace_id, email, role, partner_id, engagement_ids, nda_signed_on, token_hash, invited_by, created_at, expires_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, inv.WorkspaceID, inv.Email, string(inv.Role), nullID(inv.PartnerID),
			joinIDs(inv.EngagementIDs), inv.NDASignedOn, account.Digest(secret), nullID(inv.InvitedBy), inv.CreatedAt, inv.ExpiresAt)
		if err != nil {
			return err
		}
		inv.ID = id
		if s.db.mailOn.Load() {
			var inviter string
			if err := tx.queryRow(ctx, `SELECT name FROM users WHERE id = ?`, p.UserID).Scan(&inviter); err != nil {
				return err
			}
			if _, err := queueMail(ctx, tx, inv.WorkspaceID, 0, inv.Email, mail.OutboxInvitation,
				map[string]any{"secret": secret, "inviter": inviter, "expires": inv.ExpiresAt}, ""); err != nil {
				return err
			}
		}
		return tx.record(ctx, p, "invitation.created", "invitation", id, map[string]any{"email": inv.Email, "role": inv.Role, "partner_id": inv.PartnerID})
	})
	return secret, err
}

const invitationCols = `i.id, i.workspace_id, i.email, i.role, COALESCE(i.partner_id, 0), COALESCE(pa.legal_name, ''),
	i.engagement_ids, i.nda_signed_on, COALESCE(i.invited_by, 0), i.created_at, i.expires_at, i.accepted_at`

const invitationFrom = ` FROM invitations i LEFT JOIN partners pa ON pa.id = i.partner_id`

func scanInvitation(s interface{ Scan(...any) error }, inv *account.Invitation) error {
	var ids string
	err := s.Scan(&inv.ID, &inv.WorkspaceID, &inv.Email, &inv.Role, &inv.PartnerID, &inv.PartnerName, &ids, &inv.NDASignedOn,
		&inv.InvitedBy, &inv.CreatedAt, &inv.ExpiresAt, nullTime{&inv.AcceptedAt})
	inv.EngagementIDs = splitIDs(ids)
	return err
}

// Invitations lists p's workspace's pending invitations (owners, managers).
func (s *AccountStore) Invitations(ctx context.Context, p tandem.Principal) (_ []account.Invitation, err error) {
	defer wrap(&err, "AccountStore.Invitations")
	if err := access.Can(p, access.MembersManage); err != nil {
		return nil, err
	}
	// Only unused invitations that have not yet expired are read: the same
	// as account.Invitation.Pending, in SQL.
	return scanAll(ctx, s.db, scanInvitation, `SELECT `+invitationCols+invitationFrom+`
		WHERE i.workspace_id = ? AND i.accepted_at IS NULL AND i.expires_at > ? ORDER BY i.id DESC`, p.WorkspaceID, s.db.Now())
}

// Invitation returns the pending invitation behind a link's secret with its
// workspace, or tandem.ErrNotFound when it is unknown, used or expired.
func (s *AccountStore) Invitation(ctx context.Context, secret string) (_ *account.Invitation, _ *account.Workspace, err error) {
	defer wrap(&err, "AccountStore.Invitation")
	inv, err := pendingInvitation(ctx, s.db, secret, s.db.Now())
	if err != nil {
		return nil, nil, err
	}
	w, err := loadWorkspace(ctx, s.db, inv.WorkspaceID)
	if err != nil {
		return nil, nil, err
	}
	return inv, w, nil
}

// pendingInvitation reads the invitation behind a secret through q, or
// tandem.ErrNotFound when it is unknown or no longer pending at now.
func pendingInvitation(ctx context.Context, q querier, secret string, now time.Time) (*account.Invitation, error) {
	inv, err := scanOne(ctx, q, scanInvitation, `SELECT `+invitationCols+invitationFrom+` WHERE i.token_hash = ?`, account.Digest(secret))
	if err != nil {
		return nil, err
	}
	if !inv.Pending(now) {
		return nil, tandem.ErrNotFound
	}
	return inv, nil
}

// AcceptInvitation uses an invitation once. An existing user (userID != 0)
// joins the workspace; otherwise a new user is created from u and password.
// It returns the user id. Errors: ENotFound (unknown, used or expired),
// EInvalid, EConflict (already a member).
func (s *AccountStore) AcceptInvitation(ctx context.Context, secret string, userID int64, u *account.User, password string) (_ int64, err error) {
	defer wrap(&err, "AccountStore.AcceptInvitation")
	err = s.db.transact(ctx, func(tx *Tx) error {
		inv, err := pendingInvitation(ctx, tx, secret, tx.now)
		if err != nil {
			return err
		}
		// Claim the invitation first: a second use finds it taken.
		if err := tx.execOne(ctx, tandem.ErrNotFound, `UPDATE invitations SET accepted_at = ? WHERE id = ? AND accepted_at IS NULL`,
			tx.now, inv.ID); err != nil {
			return err
		}
		if userID == 0 {
			if err := inv.NewUser(u, password); err != nil {
				return err
			}
			if err := createUser(ctx, tx, u, password); err != nil {
				return err
			}
			userID = u.ID
		}
		p := System(inv.WorkspaceID, "invitation")
		p.UserID = userID
		mid, err := addMember(ctx, tx, p, userID, inv.Role, inv.PartnerID)
		if err != nil {
			return err
		}
		if inv.NDASignedOn != "" {
			d, err := tandem.ParseDate(inv.NDASignedOn)
			if err != nil {
				return err
			}
			if err := recordNDA(ctx, tx, p, mid, d, ""); err != nil {
				return err
			}
		}
		for _, eid := range inv.EngagementIDs {
			if err := assign(ctx, tx, p, eid, mid); err != nil {
				return err
			}
		}
		return tx.record(ctx, p, "invitation.accepted", "invitation", inv.ID, map[string]any{"user_id": userID})
	})
	return userID, err
}

// RevokeInvitation withdraws a pending invitation (owners, managers).
func (s *AccountStore) RevokeInvitation(ctx context.Context, p tandem.Principal, id int64) (err error) {
	defer wrap(&err, "AccountStore.RevokeInvitation(%d)", id)
	if err := access.Can(p, access.MembersManage); err != nil {
		return err
	}
	return s.db.transact(ctx, func(tx *Tx) error {
		if err := tx.execOne(ctx, tandem.ErrNotFound, `UPDATE invitations SET expires_at = ? WHERE id = ? AND workspace_id = ? AND accepted_at IS NULL`,
			tx.now, id, p.WorkspaceID); err != nil {
			return err
		}
		return tx.record(ctx, p, "invitation.revoked", "invitation", id, nil)
	})
}
