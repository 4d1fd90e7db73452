package store

import (
	"context"
	"database/sql"
	"errors"

	"github.com/tandemhq/tandem/internal/account"
	"github.com/tandemhq/tandem/internal/audit"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/tandem"
)

// CreateUser stores a new user with a password (may be empty: the person
// then signs in only after a reset). Errors: EInvalid (also for an e-mail in use).
func (s *AccountStore) CreateUser(ctx context.Context, u *account.User, password string) (err error) {
	defer wrap(&err, "AccountStore.CreateUser")
	return s.db.transact(ctx, func(tx *Tx) error { return createUser(ctx, tx, u, password) })
}

func createUser(ctx context.Context, tx *Tx, u *account.User, password string) error {
	u.Normalize()
	if err := u.Validate(); err != nil {
		return err
	}
	hash := ""
	if password != "" {
		var err error
		if hash, err = account.NewPasswordHash("password", password); err != nil {
			return err
		}
	}
	u.CreatedAt = tx.now
	id, err := tx.insert(ctx, `INSERT INTO users (email, name, lang, password_hash, created_at) VALUES (?, ?, ?, ?, ?)`,
		u.Email, u.Name, string(u.Lang), hash, u.CreatedAt)
	if tx.db.dialect.isUniqueViolation(err) {
		return invalid("email", "validation.email_taken")
	}
	if err != nil {
		return err
	}
	u.ID = id
	return tx.recordIn(ctx, 0, id, u.Email, "user.created", "user", id, map[string]any{"email": u.Email, "name": u.Name})
}

// UserByEmail returns the user with that e-mail, or tandem.ErrNotFound.
func (s *AccountStore) UserByEmail(ctx context.Context, email string) (*account.User, error) {
	return s.userWhere(ctx, "email = ?", account.NormalizeEmail(email))
}

// UserByID returns a user, or tandem.ErrNotFound.
func (s *AccountStore) UserByID(ctx context.Context, id int64) (*account.User, error) {
	return s.userWhere(ctx, "id = ?", id)
}

func (s *AccountStore) userWhere(ctx context.Context, cond string, arg any) (*account.User, error) {
	var u account.User
	err := s.db.queryRow(ctx, `SELECT id, email, name, lang, created_at FROM users WHERE `+cond, arg).
		Scan(&u.ID, &u.Email, &u.Name, &u.Lang, &u.CreatedAt)
	if err != nil {
		return nil, notFound(err)
	}
	return &u, nil
}

// SetLanguage stores a user's preferred language.
func (s *AccountStore) SetLanguage(ctx context.Context, userID int64, lang i18n.Lang) (err error) {
	defer wrap(&err, "AccountStore.SetLanguage")
	if err := account.ValidateLanguage(lang); err != nil {
		return err
	}
	return s.db.transact(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, `UPDATE users SET lang = ? WHERE id = ?`, string(lang), userID)
		return err
	})
}

// SetPassword replaces a user's password (CLI and resets).
func (s *AccountStore) SetPassword(ctx context.Context, userID int64, password string) (err error) {
	defer wrap(&err, "AccountStore.SetPassword(%d)", userID)
	return s.db.transact(ctx, func(tx *Tx) error { return setPassword(ctx, tx, userID, password) })
}

// ChangePassword changes the password of a signed-in user who knows the
// current one (account.ChangePassword) and ends every other session of the
// user; the session keepSession that asked stays signed in. Errors:
// EInvalid on "current_password" or "new_password", ENotFound.
func (s *AccountStore) ChangePassword(ctx context.Context, userID, keepSession int64, current, next string) (err error) {
	defer wrap(&err, "AccountStore.ChangePassword(%d)", userID)
	return s.db.transact(ctx, func(tx *Tx) error {
		var stored string
		if err := tx.queryRow(ctx, `SELECT password_hash FROM users WHERE id = ?`, userID).Scan(&stored); err != nil {
			return notFound(err)
		}
		hash, err := account.ChangePassword(stored, current, next)
		if err != nil {
			return err
		}
		if err := tx.execOne(ctx, tandem.ErrNotFound, `UPDATE users SET password_hash = ? WHERE id = ?`, hash, userID); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `DELETE FROM sessions WHERE user_id = ? AND id <> ?`, userID, keepSession); err != nil {
			return err
		}
		return tx.recordIn(ctx, 0, userID, "", "user.password_changed", "user", userID, nil)
	})
}

func setPassword(ctx context.Context, tx *Tx, userID int64, password string) error {
	hash, err := account.NewPasswordHash("password", password)
	if err != nil {
		return err
	}
	if err := tx.execOne(ctx, tandem.ErrNotFound, `UPDATE users SET password_hash = ? WHERE id = ?`, hash, userID); err != nil {
		return err
	}
	// A new password ends every session of the user.
	if _, err := tx.exec(ctx, `DELETE FROM sessions WHERE user_id = ?`, userID); err != nil {
		return err
	}
	return tx.recordIn(ctx, 0, userID, "", "user.password_set", "user", userID, nil)
}

// Authenticate checks an e-mail and password. Every attempt is recorded in
// the installation's audit chain. Errors: EUnauthorized for a wrong e-mail
// or password (the same for both), ETooMany while throttled
// (account.CheckSignInThrottle).
func (s *AccountStore) Authenticate(ctx context.Context, email, password, ip string) (_ *account.User, err error) {
	defer wrap(&err, "AccountStore.Authenticate")
	email = account.NormalizeEmail(email)
	var failures int
	if err := s.db.queryRow(ctx, `SELECT COUNT(*) FROM signin_failures WHERE email = ? AND at > ?`,
		email, account.SignInWindowStart(s.db.Now())).Scan(&failures); err != nil {
		return nil, err
	}
	if err := account.CheckSignInThrottle(failures); err != nil {
		return nil, err
	}
	var u account.User
	var hash string
	err = s.db.queryRow(ctx, `SELECT id, email, name, lang, created_at, password_hash FROM users WHERE email = ?`, email).
		Scan(&u.ID, &u.Email, &u.Name, &u.Lang, &u.CreatedAt, &hash)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	ok, err := account.PasswordMatches(hash, password)
	if err != nil {
		return nil, err
	}
	werr := s.db.transact(ctx, func(tx *Tx) error {
		if !ok {
			if _, err := tx.exec(ctx, `INSERT INTO signin_failures (email, ip, at) VALUES (?, ?, ?)`, email, ip, tx.now); err != nil {
				return err
			}
			return tx.recordIn(ctx, 0, u.ID, email, audit.ActionSignInFailed, "user", u.ID, map[string]any{"ip": ip})
		}
		if _, err := tx.exec(ctx, `DELETE FROM signin_failures WHERE email = ?`, email); err != nil {
			return err
		}
		return tx.recordIn(ctx, 0, u.ID, email, audit.ActionSignIn, "user", u.ID, map[string]any{"ip": ip})
	})
	if werr != nil {
		return nil, werr
	}
	if !ok {
		return nil, account.ErrBadCredentials
	}
	return &u, nil
}
