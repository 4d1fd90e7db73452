package store

import (
	"context"
	"database/sql"
	"errors"

	"github.com/tandemhq/tandem/internal/account"
	"github.com/tandemhq/tandem/internal/tandem"
)

// CreateToken makes an API token for p's membership and returns its secret,
// which is shown once (account.NewToken). Any member may call it for
// themselves.
func (s *AccountStore) CreateToken(ctx context.Context, p tandem.Principal, name string) (secret string, t *account.Token, err error) {
	defer wrap(&err, "AccountStore.CreateToken")
	err = s.db.transact(ctx, func(tx *Tx) error {
		if secret, t, err = account.NewToken(p, name, tx.now); err != nil {
			return err
		}
		id, err := tx.insert(ctx, `INSERT INTO api_tokens (workspace_id, membership_id, name, token_hash, prefix, created_at)
			VALUES (?, ?, ?, ?, ?, ?)`, t.WorkspaceID, t.MembershipID, t.Name, account.Digest(secret), t.Prefix, t.CreatedAt)
		if err != nil {
			return err
		}
		t.ID = id
		return tx.record(ctx, p, "token.created", "token", id, map[string]any{"name": t.Name, "prefix": t.Prefix})
	})
	if err != nil {
		return "", nil, err
	}
	return secret, t, nil
}

// Tokens lists the API tokens of p's membership, revoked ones included.
func (s *AccountStore) Tokens(ctx context.Context, p tandem.Principal) (_ []account.Token, err error) {
	defer wrap(&err, "AccountStore.Tokens")
	return scanAll(ctx, s.db, func(s scanner, t *account.Token) error {
		return s.Scan(&t.ID, &t.WorkspaceID, &t.MembershipID, &t.Name, &t.Prefix, &t.CreatedAt, nullTime{&t.LastUsedAt}, nullTime{&t.RevokedAt})
	}, `SELECT id, workspace_id, membership_id, name, prefix, created_at, last_used_at, revoked_at
		FROM api_tokens WHERE workspace_id = ? AND membership_id = ? ORDER BY id DESC`, p.WorkspaceID, p.MembershipID)
}

// RevokeToken revokes one of p's own tokens (tandem.ErrNotFound otherwise).
func (s *AccountStore) RevokeToken(ctx context.Context, p tandem.Principal, id int64) (err error) {
	defer wrap(&err, "AccountStore.RevokeToken(%d)", id)
	return s.db.transact(ctx, func(tx *Tx) error {
		if err := tx.execOne(ctx, tandem.ErrNotFound, `UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND workspace_id = ? AND membership_id = ? AND revoked_at IS NULL`,
			tx.now, id, p.WorkspaceID, p.MembershipID); err != nil {
			return err
		}
		return tx.record(ctx, p, "token.revoked", "token", id, nil)
	})
}

// PrincipalByToken resolves a live API token to the principal of its
// membership, or tandem.ErrUnauthorized.
func (s *AccountStore) PrincipalByToken(ctx context.Context, secret string) (_ tandem.Principal, err error) {
	defer wrap(&err, "AccountStore.PrincipalByToken")
	var t account.Token
	err = s.db.queryRow(ctx, `SELECT id, membership_id, last_used_at FROM api_tokens WHERE token_hash = ? AND revoked_at IS NULL`,
		account.Digest(secret)).Scan(&t.ID, &t.MembershipID, nullTime{&t.LastUsedAt})
	if errors.Is(err, sql.ErrNoRows) {
		return tandem.Principal{}, tandem.ErrUnauthorized
	}
	if err != nil {
		return tandem.Principal{}, err
	}
	var w where
	w.add("m.id = ?", t.MembershipID)
	ms, err := loadMemberships(ctx, s.db, w, "")
	if err != nil {
		return tandem.Principal{}, err
	}
	if len(ms) == 0 {
		return tandem.Principal{}, tandem.ErrUnauthorized
	}
	if t.Stale(s.db.Now()) {
		if err := s.db.transact(ctx, func(tx *Tx) error {
			_, err := tx.exec(ctx, `UPDATE api_tokens SET last_used_at = ? WHERE id = ?`, tx.now, t.ID)
			return err
		}); err != nil {
			return tandem.Principal{}, err
		}
	}
	p := ms[0].Principal()
	p.TokenID = t.ID
	return p, nil
}
