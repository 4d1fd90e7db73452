package store

import (
	"context"

	"github.com/tandemhq/tandem/internal/account"
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
