package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/tandemhq/tandem/internal/account"
	"github.com/tandemhq/tandem/internal/audit"
	"github.com/tandemhq/tandem/internal/tandem"
)

// CreateSession starts a session for a user and returns the cookie secret.
func (s *AccountStore) CreateSession(ctx context.Context, userID, workspaceID int64, ttl time.Duration, userAgent, ip string) (secret string, err error) {
	defer wrap(&err, "AccountStore.CreateSession")
	secret = account.NewSecret("")
	err = s.db.transact(ctx, func(tx *Tx) error {
		se := account.NewSession(userID, workspaceID, tx.now, ttl, userAgent, ip)
		_, err := tx.exec(ctx, `INSERT INTO sessions (token_hash, user_id, workspace_id, created_at, last_seen_at, expires_at, user_agent, ip)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, account.Digest(secret), se.UserID, se.WorkspaceID, se.CreatedAt, se.LastSeenAt, se.ExpiresAt, se.UserAgent, se.IP)
		return err
	})
	return secret, err
}

// Session returns the live session for a cookie secret and its user. A
// session that has ended (account.Session.Ended: idle for longer than idle,
// or past its absolute expiry) is deleted and reported as
// tandem.ErrUnauthorized. Its last use is refreshed when it is stale.
func (s *AccountStore) Session(ctx context.Context, secret string, idle time.Duration) (_ *account.Session, _ *account.User, err error) {
	defer wrap(&err, "AccountStore.Session")
	var se account.Session
	var u account.User
	err = s.db.queryRow(ctx, `SELECT s.id, s.user_id, s.workspace_id, s.created_at, s.last_seen_at, s.expires_at, s.user_agent, s.ip,
		u.id, u.email, u.name, u.lang, u.created_at
		FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?`, account.Digest(secret)).
		Scan(&se.ID, &se.UserID, &se.WorkspaceID, &se.CreatedAt, &se.LastSeenAt, &se.ExpiresAt, &se.UserAgent, &se.IP,
			&u.ID, &u.Email, &u.Name, &u.Lang, &u.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, tandem.ErrUnauthorized
	}
	if err != nil {
		return nil, nil, err
	}
	now := s.db.Now()
	if se.Ended(now, idle) {
		if err := s.db.transact(ctx, func(tx *Tx) error {
			_, err := tx.exec(ctx, `DELETE FROM sessions WHERE id = ?`, se.ID)
			return err
		}); err != nil {
			return nil, nil, err
		}
		return nil, nil, tandem.ErrUnauthorized
	}
	if se.Stale(now) {
		err := s.db.transact(ctx, func(tx *Tx) error {
			_, err := tx.exec(ctx, `UPDATE sessions SET last_seen_at = ? WHERE id = ?`, tx.now, se.ID)
			return err
		})
		if err != nil {
			return nil, nil, err
		}
		se.LastSeenAt = now
	}
	return &se, &u, nil
}

// SetSessionWorkspace switches the workspace a session works in; the user
// must be a member of it (else tandem.ErrNotFound).
func (s *AccountStore) SetSessionWorkspace(ctx context.Context, sessionID, userID, workspaceID int64) (err error) {
	defer wrap(&err, "AccountStore.SetSessionWorkspace")
	return s.db.transact(ctx, func(tx *Tx) error {
		if _, err := loadPrincipal(ctx, tx, userID, workspaceID); err != nil {
			return err
		}
		_, err := tx.exec(ctx, `UPDATE sessions SET workspace_id = ? WHERE id = ? AND user_id = ?`, workspaceID, sessionID, userID)
		return err
	})
}

// Sessions lists a user's live sessions, newest first.
func (s *AccountStore) Sessions(ctx context.Context, userID int64) (_ []account.Session, err error) {
	defer wrap(&err, "AccountStore.Sessions(%d)", userID)
	return scanAll(ctx, s.db, func(s scanner, se *account.Session) error {
		return s.Scan(&se.ID, &se.UserID, &se.WorkspaceID, &se.CreatedAt, &se.LastSeenAt, &se.ExpiresAt, &se.UserAgent, &se.IP)
	}, `SELECT id, user_id, workspace_id, created_at, last_seen_at, expires_at, user_agent, ip
		FROM sessions WHERE user_id = ? AND expires_at > ? ORDER BY last_seen_at DESC, id DESC`, userID, s.db.Now())
}

// RevokeSession ends one of a user's sessions (tandem.ErrNotFound if it is
// not theirs).
func (s *AccountStore) RevokeSession(ctx context.Context, userID, sessionID int64) (err error) {
	defer wrap(&err, "AccountStore.RevokeSession(%d)", sessionID)
	return s.db.transact(ctx, func(tx *Tx) error {
		if err := tx.execOne(ctx, tandem.ErrNotFound, `DELETE FROM sessions WHERE id = ? AND user_id = ?`, sessionID, userID); err != nil {
			return err
		}
		return tx.recordIn(ctx, 0, userID, "", "session.revoked", "session", sessionID, nil)
	})
}

// EndSession deletes the session behind a cookie secret (sign out).
func (s *AccountStore) EndSession(ctx context.Context, secret string, userID int64, email string) (err error) {
	defer wrap(&err, "AccountStore.EndSession")
	return s.db.transact(ctx, func(tx *Tx) error {
		if _, err := tx.exec(ctx, `DELETE FROM sessions WHERE token_hash = ?`, account.Digest(secret)); err != nil {
			return err
		}
		return tx.recordIn(ctx, 0, userID, email, audit.ActionSignOut, "user", userID, nil)
	})
}
