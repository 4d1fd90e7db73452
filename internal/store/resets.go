package store

import (
	"context"

	"github.com/tandemhq/tandem/internal/account"
	"github.com/tandemhq/tandem/internal/mail"
	"github.com/tandemhq/tandem/internal/tandem"
)

// CreatePasswordReset issues a one-time reset secret for a user. The CLI
// calls it with a system principal; an owner may call it for a member of the
// workspace (else tandem.ErrNotFound).
func (s *AccountStore) CreatePasswordReset(ctx context.Context, p tandem.Principal, userID int64) (secret string, err error) {
	defer wrap(&err, "AccountStore.CreatePasswordReset(%d)", userID)
	if !account.CanIssueReset(p) {
		return "", tandem.ErrForbidden
	}
	secret = account.NewSecret("")
	err = s.db.transact(ctx, func(tx *Tx) error {
		if p.WorkspaceID != 0 {
			if _, err := loadPrincipal(ctx, tx, userID, p.WorkspaceID); err != nil {
				return err
			}
		}
		r := account.NewPasswordReset(userID, tx.now)
		if _, err := tx.insert(ctx, `INSERT INTO password_resets (user_id, token_hash, created_at, expires_at) VALUES (?, ?, ?, ?)`,
			r.UserID, account.Digest(secret), r.CreatedAt, r.ExpiresAt); err != nil {
			return err
		}
		return tx.record(ctx, p, "user.reset_issued", "user", userID, nil)
	})
	return secret, err
}

// ResetPassword uses a reset secret once to set a new password. Errors:
// ENotFound (unknown, used or expired), EInvalid.
func (s *AccountStore) ResetPassword(ctx context.Context, secret, password string) (err error) {
	defer wrap(&err, "AccountStore.ResetPassword")
	if err := account.ValidatePassword("password", password); err != nil {
		return err
	}
	return s.db.transact(ctx, func(tx *Tx) error {
		var r account.PasswordReset
		err := tx.queryRow(ctx, `SELECT id, user_id, created_at, expires_at, used_at FROM password_resets WHERE token_hash = ?`,
			account.Digest(secret)).Scan(&r.ID, &r.UserID, &r.CreatedAt, &r.ExpiresAt, nullTime{&r.UsedAt})
		if err != nil {
			return notFound(err)
		}
		if !r.Usable(tx.now) {
			return tandem.ErrNotFound
		}
		if _, err := tx.exec(ctx, `UPDATE password_resets SET used_at = ? WHERE id = ? AND used_at IS NULL`, tx.now, r.ID); err != nil {
			return err
		}
		return setPassword(ctx, tx, r.UserID, password)
	})
}

// RequestReset records that the person with email forgot their password:
// the owners of every workspace they belong to are notified, to issue a
// reset link (account.ActionResetRequested), and with e-mail configured a
// reset link is e-mailed to the person themselves (outbox). An unknown address, or a
// second request within account.ResetRequestEvery, changes nothing; the
// caller answers the same in every case.
func (s *AccountStore) RequestReset(ctx context.Context, email, ip string) (err error) {
	defer wrap(&err, "AccountStore.RequestReset")
	email = account.NormalizeEmail(email)
	return s.db.transact(ctx, func(tx *Tx) error {
		var userID int64
		var name string
		if err := tx.queryRow(ctx, `SELECT id, name FROM users WHERE email = ?`, email).Scan(&userID, &name); err != nil {
			if notFound(err) == tandem.ErrNotFound {
				return nil
			}
			return err
		}
		var recent int
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM notifications WHERE kind = ? AND subject_id = ? AND created_at > ?`,
			account.ActionResetRequested, userID, tx.now.Add(-account.ResetRequestEvery)).Scan(&recent); err != nil {
			return err
		}
		if s.db.mailOn.Load() {
			var mailed int
			if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM mail_outbox WHERE kind = ? AND user_id = ? AND created_at > ?`,
				mail.OutboxReset, userID, tx.now.Add(-account.ResetRequestEvery)).Scan(&mailed); err != nil {
				return err
			}
			recent += mailed
		}
		if recent > 0 {
			return nil
		}
		if s.db.mailOn.Load() {
			// The link goes to the person themselves.
			secret := account.NewSecret("")
			r := account.NewPasswordReset(userID, tx.now)
			if _, err := tx.insert(ctx, `INSERT INTO password_resets (user_id, token_hash, created_at, expires_at) VALUES (?, ?, ?, ?)`,
				r.UserID, account.Digest(secret), r.CreatedAt, r.ExpiresAt); err != nil {
				return err
			}
			if _, err := queueMail(ctx, tx, 0, userID, email, mail.OutboxReset,
				map[string]any{"secret": secret, "expires": r.ExpiresAt}, ""); err != nil {
				return err
			}
		}
		workspaces, err := userIDs(ctx, tx, `SELECT workspace_id FROM memberships WHERE user_id = ?`, userID)
		if err != nil {
			return err
		}
		for _, ws := range workspaces {
			owners, err := userIDs(ctx, tx, `SELECT user_id FROM memberships WHERE workspace_id = ? AND role = ?`, ws, string(tandem.RoleOwner))
			if err != nil {
				return err
			}
			p := tandem.Principal{WorkspaceID: ws, UserID: userID}
			if err := notify(ctx, tx, p, owners, account.ActionResetRequested, 0, userID, map[string]any{"name": name, "email": email}); err != nil {
				return err
			}
		}
		return tx.recordIn(ctx, 0, userID, "", account.ActionResetRequested, "user", userID, map[string]any{"ip": ip})
	})
}
