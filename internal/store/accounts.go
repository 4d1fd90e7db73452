package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/tandemhq/tandem/internal/access"
	"github.com/tandemhq/tandem/internal/account"
	"github.com/tandemhq/tandem/internal/audit"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/tandem"
)

// AccountStore keeps users, workspaces, memberships, sessions, API tokens,
// invitations and password resets.
type AccountStore struct{ db *DB }

// System returns a principal for work done by the installation itself (the
// CLI, the demo loader) in a workspace: it may do what an owner may, and the
// audit trail names it by label.
func System(workspaceID int64, label string) tandem.Principal {
	return tandem.Principal{WorkspaceID: workspaceID, Role: tandem.RoleOwner, Email: label}
}

func invalid(field, key string, args ...any) error {
	var v tandem.Validator
	v.Add(field, i18n.Key(key), args...)
	return v.Err()
}

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
		if err := account.ValidatePassword("password", password); err != nil {
			return err
		}
		var err error
		if hash, err = account.HashPassword(password); err != nil {
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
	if _, ok := i18n.Parse(string(lang)); !ok {
		return invalid("lang", "validation.one_of")
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

func setPassword(ctx context.Context, tx *Tx, userID int64, password string) error {
	if err := account.ValidatePassword("password", password); err != nil {
		return err
	}
	hash, err := account.HashPassword(password)
	if err != nil {
		return err
	}
	res, err := tx.exec(ctx, `UPDATE users SET password_hash = ? WHERE id = ?`, hash, userID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return tandem.ErrNotFound
	}
	// A new password ends every session of the user.
	if _, err := tx.exec(ctx, `DELETE FROM sessions WHERE user_id = ?`, userID); err != nil {
		return err
	}
	return tx.recordIn(ctx, 0, userID, "", "user.password_set", "user", userID, nil)
}

// Sign-in throttling: this many failures for one e-mail within the window
// lock further attempts for that e-mail until the window has passed.
const (
	SignInMaxFailures = 5
	SignInWindow      = 15 * time.Minute
)

// Authenticate checks an e-mail and password. Every attempt is recorded in
// the installation's audit chain. Errors: EUnauthorized for a wrong e-mail
// or password (the same for both), ETooMany while throttled.
func (s *AccountStore) Authenticate(ctx context.Context, email, password, ip string) (_ *account.User, err error) {
	defer wrap(&err, "AccountStore.Authenticate")
	email = account.NormalizeEmail(email)
	now := s.db.Now()
	var failures int
	if err := s.db.queryRow(ctx, `SELECT COUNT(*) FROM signin_failures WHERE email = ? AND at > ?`,
		email, now.Add(-SignInWindow)).Scan(&failures); err != nil {
		return nil, err
	}
	if failures >= SignInMaxFailures {
		return nil, tandem.Errorf(tandem.ETooMany, i18n.K("auth.throttled"), "minutes", int64(SignInWindow/time.Minute))
	}
	var u account.User
	var hash string
	err = s.db.queryRow(ctx, `SELECT id, email, name, lang, created_at, password_hash FROM users WHERE email = ?`, email).
		Scan(&u.ID, &u.Email, &u.Name, &u.Lang, &u.CreatedAt, &hash)
	ok := false
	switch {
	case errors.Is(err, sql.ErrNoRows):
		account.CheckPassword(dummyHash, password) // spend the same time as for a real user
	case err != nil:
		return nil, err
	case hash != "":
		if ok, err = account.CheckPassword(hash, password); err != nil {
			return nil, err
		}
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
		return nil, tandem.Errorf(tandem.EUnauthorized, i18n.K("auth.bad_credentials"))
	}
	return &u, nil
}

var dummyHash, _ = account.HashPassword("not a real password, only for timing")

// CreateWorkspace stores a workspace and makes ownerID its owner.
func (s *AccountStore) CreateWorkspace(ctx context.Context, w *account.Workspace, ownerID int64) (err error) {
	defer wrap(&err, "AccountStore.CreateWorkspace")
	if err := w.Validate(); err != nil {
		return err
	}
	return s.db.transact(ctx, func(tx *Tx) error {
		w.CreatedAt = tx.now
		id, err := tx.insert(ctx, `INSERT INTO workspaces (name, currency, lang, time_zone, created_at) VALUES (?, ?, ?, ?, ?)`,
			w.Name, w.Currency, string(w.Lang), w.TimeZone, w.CreatedAt)
		if err != nil {
			return err
		}
		w.ID = id
		p := System(id, "system")
		if err := tx.record(ctx, p, "workspace.created", "workspace", id, map[string]any{"name": w.Name}); err != nil {
			return err
		}
		_, err = addMember(ctx, tx, p, ownerID, tandem.RoleOwner, 0)
		return err
	})
}

// Workspace returns a workspace by id, or tandem.ErrNotFound.
func (s *AccountStore) Workspace(ctx context.Context, id int64) (*account.Workspace, error) {
	var w account.Workspace
	err := s.db.queryRow(ctx, `SELECT id, name, currency, lang, time_zone, created_at FROM workspaces WHERE id = ?`, id).
		Scan(&w.ID, &w.Name, &w.Currency, &w.Lang, &w.TimeZone, &w.CreatedAt)
	if err != nil {
		return nil, notFound(err)
	}
	return &w, nil
}

// AddMember gives a user a role in p's workspace. Owners and managers may
// call it (managers may not make owners). Errors: EInvalid, EForbidden, EConflict.
func (s *AccountStore) AddMember(ctx context.Context, p tandem.Principal, userID int64, role tandem.Role, partnerID int64) (_ int64, err error) {
	defer wrap(&err, "AccountStore.AddMember")
	if err := access.Can(p, access.MembersManage); err != nil {
		return 0, err
	}
	if !access.CanGrant(p.Role, role) {
		return 0, tandem.ErrForbidden
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
		var n int
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM partners WHERE workspace_id = ? AND id = ?`, p.WorkspaceID, partnerID).Scan(&n); err != nil {
			return 0, err
		}
		if n == 0 {
			return 0, invalid("partner_id", "validation.unknown_partner")
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

func (s *AccountStore) memberships(ctx context.Context, w where, order string) ([]account.Membership, error) {
	rows, err := s.db.query(ctx, `SELECT `+membershipCols+membershipFrom+w.String()+order, w.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []account.Membership{}
	for rows.Next() {
		var m account.Membership
		if err := scanMembership(rows, &m); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// MembershipsOf returns every workspace membership of a user, for the
// workspace switcher.
func (s *AccountStore) MembershipsOf(ctx context.Context, userID int64) (_ []account.Membership, err error) {
	defer wrap(&err, "AccountStore.MembershipsOf(%d)", userID)
	var w where
	w.add("m.user_id = ?", userID)
	return s.memberships(ctx, w, " ORDER BY w.name, m.id")
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
	return s.memberships(ctx, w, " ORDER BY m.partner_id IS NOT NULL, pa.legal_name, u.name, m.id")
}

// Principal resolves a user's membership of a workspace, or tandem.ErrNotFound.
func (s *AccountStore) Principal(ctx context.Context, userID, workspaceID int64) (tandem.Principal, error) {
	var w where
	w.add("m.user_id = ?", userID)
	w.add("m.workspace_id = ?", workspaceID)
	ms, err := s.memberships(ctx, w, "")
	if err != nil {
		return tandem.Principal{}, err
	}
	if len(ms) == 0 {
		return tandem.Principal{}, tandem.ErrNotFound
	}
	return principalOf(ms[0]), nil
}

func principalOf(m account.Membership) tandem.Principal {
	return tandem.Principal{UserID: m.UserID, UserName: m.UserName, Email: m.UserEmail, WorkspaceID: m.WorkspaceID,
		MembershipID: m.ID, Role: m.Role, PartnerID: m.PartnerID, Lang: m.UserLang}
}

// RemoveMember ends a membership at once: its API tokens, assignments and
// the sessions working in that workspace go with it. Owners and managers may
// call it; a manager may not remove an owner, and nobody removes themselves.
func (s *AccountStore) RemoveMember(ctx context.Context, p tandem.Principal, membershipID int64) (err error) {
	defer wrap(&err, "AccountStore.RemoveMember(%d)", membershipID)
	if err := access.Can(p, access.MembersManage); err != nil {
		return err
	}
	return s.db.transact(ctx, func(tx *Tx) error {
		var userID int64
		var role tandem.Role
		err := tx.queryRow(ctx, `SELECT user_id, role FROM memberships WHERE workspace_id = ? AND id = ?`, p.WorkspaceID, membershipID).Scan(&userID, &role)
		if err != nil {
			return notFound(err)
		}
		if userID == p.UserID {
			return tandem.Errorf(tandem.EConflict, i18n.K("members.cannot_remove_self"))
		}
		if !access.CanGrant(p.Role, role) {
			return tandem.ErrForbidden
		}
		for _, q := range []string{
			`DELETE FROM engagement_assignments WHERE membership_id = ?`,
			`DELETE FROM api_tokens WHERE membership_id = ?`,
		} {
			if _, err := tx.exec(ctx, q, membershipID); err != nil {
				return err
			}
		}
		if _, err := tx.exec(ctx, `UPDATE sessions SET workspace_id = 0 WHERE user_id = ? AND workspace_id = ?`, userID, p.WorkspaceID); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `DELETE FROM memberships WHERE id = ?`, membershipID); err != nil {
			return err
		}
		return tx.record(ctx, p, "membership.removed", "membership", membershipID, map[string]any{"user_id": userID, "role": role})
	})
}

// ---- sessions

// CreateSession starts a session for a user and returns the cookie secret.
func (s *AccountStore) CreateSession(ctx context.Context, userID, workspaceID int64, ttl time.Duration, userAgent, ip string) (secret string, err error) {
	defer wrap(&err, "AccountStore.CreateSession")
	secret = account.NewSecret("")
	if len(userAgent) > 300 {
		userAgent = userAgent[:300]
	}
	err = s.db.transact(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, `INSERT INTO sessions (token_hash, user_id, workspace_id, created_at, last_seen_at, expires_at, user_agent, ip)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, account.Digest(secret), userID, workspaceID, tx.now, tx.now, tx.now.Add(ttl), userAgent, ip)
		return err
	})
	return secret, err
}

// Session returns the live session for a cookie secret and its user. A
// session idle for longer than idle, or past its absolute expiry, is ended
// and reported as tandem.ErrUnauthorized. last_seen_at is refreshed at most
// once a minute.
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
	if now.After(se.ExpiresAt) || now.Sub(se.LastSeenAt) > idle {
		s.db.transact(ctx, func(tx *Tx) error {
			_, err := tx.exec(ctx, `DELETE FROM sessions WHERE id = ?`, se.ID)
			return err
		})
		return nil, nil, tandem.ErrUnauthorized
	}
	if now.Sub(se.LastSeenAt) > time.Minute {
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
	if _, err := s.Principal(ctx, userID, workspaceID); err != nil {
		return err
	}
	return s.db.transact(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, `UPDATE sessions SET workspace_id = ? WHERE id = ? AND user_id = ?`, workspaceID, sessionID, userID)
		return err
	})
}

// Sessions lists a user's live sessions, newest first.
func (s *AccountStore) Sessions(ctx context.Context, userID int64) (_ []account.Session, err error) {
	defer wrap(&err, "AccountStore.Sessions(%d)", userID)
	rows, err := s.db.query(ctx, `SELECT id, user_id, workspace_id, created_at, last_seen_at, expires_at, user_agent, ip
		FROM sessions WHERE user_id = ? AND expires_at > ? ORDER BY last_seen_at DESC, id DESC`, userID, s.db.Now())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []account.Session{}
	for rows.Next() {
		var se account.Session
		if err := rows.Scan(&se.ID, &se.UserID, &se.WorkspaceID, &se.CreatedAt, &se.LastSeenAt, &se.ExpiresAt, &se.UserAgent, &se.IP); err != nil {
			return nil, err
		}
		out = append(out, se)
	}
	return out, rows.Err()
}

// RevokeSession ends one of a user's sessions (tandem.ErrNotFound if it is
// not theirs).
func (s *AccountStore) RevokeSession(ctx context.Context, userID, sessionID int64) (err error) {
	defer wrap(&err, "AccountStore.RevokeSession(%d)", sessionID)
	return s.db.transact(ctx, func(tx *Tx) error {
		res, err := tx.exec(ctx, `DELETE FROM sessions WHERE id = ? AND user_id = ?`, sessionID, userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return tandem.ErrNotFound
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

// ---- API tokens

// CreateToken makes an API token for p's membership and returns its secret,
// which is shown once. Any member may call it for themselves.
func (s *AccountStore) CreateToken(ctx context.Context, p tandem.Principal, name string) (secret string, t *account.Token, err error) {
	defer wrap(&err, "AccountStore.CreateToken")
	name = strings.TrimSpace(name)
	var v tandem.Validator
	if v.Required("name", name) {
		v.MaxLen("name", name, 100)
	}
	if err := v.Err(); err != nil {
		return "", nil, err
	}
	if p.MembershipID == 0 {
		return "", nil, tandem.ErrForbidden
	}
	secret = account.NewSecret("tdm_")
	t = &account.Token{WorkspaceID: p.WorkspaceID, MembershipID: p.MembershipID, Name: name, Prefix: secret[:8]}
	err = s.db.transact(ctx, func(tx *Tx) error {
		t.CreatedAt = tx.now
		id, err := tx.insert(ctx, `INSERT INTO api_tokens (workspace_id, membership_id, name, token_hash, prefix, created_at)
			VALUES (?, ?, ?, ?, ?, ?)`, t.WorkspaceID, t.MembershipID, t.Name, account.Digest(secret), t.Prefix, t.CreatedAt)
		if err != nil {
			return err
		}
		t.ID = id
		return tx.record(ctx, p, "token.created", "token", id, map[string]any{"name": name, "prefix": t.Prefix})
	})
	return secret, t, err
}

// Tokens lists the API tokens of p's membership, revoked ones included.
func (s *AccountStore) Tokens(ctx context.Context, p tandem.Principal) (_ []account.Token, err error) {
	defer wrap(&err, "AccountStore.Tokens")
	rows, err := s.db.query(ctx, `SELECT id, workspace_id, membership_id, name, prefix, created_at, last_used_at, revoked_at
		FROM api_tokens WHERE workspace_id = ? AND membership_id = ? ORDER BY id DESC`, p.WorkspaceID, p.MembershipID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []account.Token{}
	for rows.Next() {
		var t account.Token
		if err := rows.Scan(&t.ID, &t.WorkspaceID, &t.MembershipID, &t.Name, &t.Prefix, &t.CreatedAt,
			nullTime{&t.LastUsedAt}, nullTime{&t.RevokedAt}); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// RevokeToken revokes one of p's own tokens (tandem.ErrNotFound otherwise).
func (s *AccountStore) RevokeToken(ctx context.Context, p tandem.Principal, id int64) (err error) {
	defer wrap(&err, "AccountStore.RevokeToken(%d)", id)
	return s.db.transact(ctx, func(tx *Tx) error {
		res, err := tx.exec(ctx, `UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND workspace_id = ? AND membership_id = ? AND revoked_at IS NULL`,
			tx.now, id, p.WorkspaceID, p.MembershipID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return tandem.ErrNotFound
		}
		return tx.record(ctx, p, "token.revoked", "token", id, nil)
	})
}

// PrincipalByToken resolves a live API token to the principal of its
// membership, or tandem.ErrUnauthorized.
func (s *AccountStore) PrincipalByToken(ctx context.Context, secret string) (_ tandem.Principal, err error) {
	defer wrap(&err, "AccountStore.PrincipalByToken")
	var tokenID, membershipID int64
	var lastUsed time.Time
	err = s.db.queryRow(ctx, `SELECT id, membership_id, last_used_at FROM api_tokens WHERE token_hash = ? AND revoked_at IS NULL`,
		account.Digest(secret)).Scan(&tokenID, &membershipID, nullTime{&lastUsed})
	if errors.Is(err, sql.ErrNoRows) {
		return tandem.Principal{}, tandem.ErrUnauthorized
	}
	if err != nil {
		return tandem.Principal{}, err
	}
	var w where
	w.add("m.id = ?", membershipID)
	ms, err := s.memberships(ctx, w, "")
	if err != nil {
		return tandem.Principal{}, err
	}
	if len(ms) == 0 {
		return tandem.Principal{}, tandem.ErrUnauthorized
	}
	if now := s.db.Now(); now.Sub(lastUsed) > time.Minute {
		if err := s.db.transact(ctx, func(tx *Tx) error {
			_, err := tx.exec(ctx, `UPDATE api_tokens SET last_used_at = ? WHERE id = ?`, tx.now, tokenID)
			return err
		}); err != nil {
			return tandem.Principal{}, err
		}
	}
	p := principalOf(ms[0])
	p.TokenID = tokenID
	return p, nil
}

// ---- invitations

// InvitationTTL is how long an invitation link works.
const InvitationTTL = 7 * 24 * time.Hour

// Invite creates an invitation and returns the secret for its link. Owners
// and managers may call it. Errors: EInvalid, EForbidden.
func (s *AccountStore) Invite(ctx context.Context, p tandem.Principal, inv *account.Invitation) (secret string, err error) {
	defer wrap(&err, "AccountStore.Invite")
	if err := access.Can(p, access.MembersManage); err != nil {
		return "", err
	}
	if err := inv.Validate(); err != nil {
		return "", err
	}
	if !access.CanGrant(p.Role, inv.Role) {
		return "", invalid("role", "validation.role_not_grantable")
	}
	if inv.Role != tandem.RoleVendorAgent {
		inv.EngagementIDs = nil
	}
	secret = account.NewSecret("")
	err = s.db.transact(ctx, func(tx *Tx) error {
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
		inv.WorkspaceID, inv.InvitedBy, inv.CreatedAt, inv.ExpiresAt = p.WorkspaceID, p.UserID, tx.now, tx.now.Add(InvitationTTL)
		id, err := tx.insert(ctx, `INSERT INTO invitations (workspace_id, email, role, partner_id, engagement_ids, nda_signed_on, token_hash, invited_by, created_at, expires_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, inv.WorkspaceID, inv.Email, string(inv.Role), nullID(inv.PartnerID),
			joinIDs(inv.EngagementIDs), inv.NDASignedOn, account.Digest(secret), nullID(inv.InvitedBy), inv.CreatedAt, inv.ExpiresAt)
		if err != nil {
			return err
		}
		inv.ID = id
		return tx.record(ctx, p, "invitation.created", "invitation", id, map[string]any{"email": inv.Email, "role": inv.Role, "partner_id": inv.PartnerID})
	})
	return secret, err
}

const invitationCols = `i.id, i.workspace_id, i.email, i.role, COALESCE(i.partner_id, 0), COALESCE(pa.legal_name, ''),
	i.engagement_ids, i.nda_signed_on, COALESCE(i.invited_by, 0), i.created_at, i.expires_at, i.accepted_at`

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
	rows, err := s.db.query(ctx, `SELECT `+invitationCols+` FROM invitations i LEFT JOIN partners pa ON pa.id = i.partner_id
		WHERE i.workspace_id = ? AND i.accepted_at IS NULL AND i.expires_at > ? ORDER BY i.id DESC`, p.WorkspaceID, s.db.Now())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []account.Invitation{}
	for rows.Next() {
		var inv account.Invitation
		if err := scanInvitation(rows, &inv); err != nil {
			return nil, err
		}
		out = append(out, inv)
	}
	return out, rows.Err()
}

// Invitation returns the pending invitation behind a link's secret with its
// workspace, or tandem.ErrNotFound when it is unknown, used or expired.
func (s *AccountStore) Invitation(ctx context.Context, secret string) (_ *account.Invitation, _ *account.Workspace, err error) {
	defer wrap(&err, "AccountStore.Invitation")
	var inv account.Invitation
	err = scanInvitation(s.db.queryRow(ctx, `SELECT `+invitationCols+` FROM invitations i LEFT JOIN partners pa ON pa.id = i.partner_id
		WHERE i.token_hash = ? AND i.accepted_at IS NULL AND i.expires_at > ?`, account.Digest(secret), s.db.Now()), &inv)
	if err != nil {
		return nil, nil, notFound(err)
	}
	w, err := s.Workspace(ctx, inv.WorkspaceID)
	if err != nil {
		return nil, nil, err
	}
	return &inv, w, nil
}

// AcceptInvitation uses an invitation once. An existing user (userID != 0)
// joins the workspace; otherwise a new user is created from u and password.
// It returns the user id. Errors: ENotFound (unknown, used or expired),
// EInvalid, EConflict (already a member).
func (s *AccountStore) AcceptInvitation(ctx context.Context, secret string, userID int64, u *account.User, password string) (_ int64, err error) {
	defer wrap(&err, "AccountStore.AcceptInvitation")
	inv, _, err := s.Invitation(ctx, secret)
	if err != nil {
		return 0, err
	}
	err = s.db.transact(ctx, func(tx *Tx) error {
		// Claim the invitation first: a second use finds it taken.
		res, err := tx.exec(ctx, `UPDATE invitations SET accepted_at = ? WHERE id = ? AND accepted_at IS NULL`, tx.now, inv.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return tandem.ErrNotFound
		}
		if userID == 0 {
			if password == "" {
				return invalid("password", "validation.required")
			}
			u.Email = inv.Email
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
		res, err := tx.exec(ctx, `UPDATE invitations SET expires_at = ? WHERE id = ? AND workspace_id = ? AND accepted_at IS NULL`, tx.now, id, p.WorkspaceID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return tandem.ErrNotFound
		}
		return tx.record(ctx, p, "invitation.revoked", "invitation", id, nil)
	})
}

// ---- password resets

// ResetTTL is how long a password reset link works.
const ResetTTL = 24 * time.Hour

// CreatePasswordReset issues a one-time reset secret for a user. The CLI
// calls it with a system principal; an owner may call it for a member of the
// workspace (else tandem.ErrNotFound).
func (s *AccountStore) CreatePasswordReset(ctx context.Context, p tandem.Principal, userID int64) (secret string, err error) {
	defer wrap(&err, "AccountStore.CreatePasswordReset(%d)", userID)
	if p.Role != tandem.RoleOwner {
		return "", tandem.ErrForbidden
	}
	if p.WorkspaceID != 0 {
		if _, err := s.Principal(ctx, userID, p.WorkspaceID); err != nil {
			return "", err
		}
	}
	secret = account.NewSecret("")
	err = s.db.transact(ctx, func(tx *Tx) error {
		if _, err := tx.insert(ctx, `INSERT INTO password_resets (user_id, token_hash, created_at, expires_at) VALUES (?, ?, ?, ?)`,
			userID, account.Digest(secret), tx.now, tx.now.Add(ResetTTL)); err != nil {
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
		var id, userID int64
		err := tx.queryRow(ctx, `SELECT id, user_id FROM password_resets WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?`,
			account.Digest(secret), tx.now).Scan(&id, &userID)
		if err != nil {
			return notFound(err)
		}
		if _, err := tx.exec(ctx, `UPDATE password_resets SET used_at = ? WHERE id = ?`, tx.now, id); err != nil {
			return err
		}
		return setPassword(ctx, tx, userID, password)
	})
}

func joinIDs(ids []int64) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = strconv.FormatInt(id, 10)
	}
	return strings.Join(s, ",")
}

func splitIDs(s string) []int64 {
	var out []int64
	for _, f := range strings.Split(s, ",") {
		if id, err := strconv.ParseInt(f, 10, 64); err == nil {
			out = append(out, id)
		}
	}
	return out
}

// Team lists the partner's people who serve an engagement p may see: the
// partner's vendor managers and the agents assigned to it.
func (s *AccountStore) Team(ctx context.Context, p tandem.Principal, engagementID int64) (_ []account.Membership, err error) {
	defer wrap(&err, "AccountStore.Team(%d)", engagementID)
	if _, err := s.db.Engagements.Get(ctx, p, engagementID); err != nil {
		return nil, err
	}
	var w where
	w.add("m.workspace_id = ?", p.WorkspaceID)
	w.add(`m.partner_id = (SELECT partner_id FROM engagements WHERE id = ?)`, engagementID)
	w.add(`(m.role = ? OR EXISTS (SELECT 1 FROM engagement_assignments ea WHERE ea.membership_id = m.id AND ea.engagement_id = ?))`,
		string(tandem.RoleVendorManager), engagementID)
	return s.memberships(ctx, w, " ORDER BY m.role DESC, u.name")
}

// Workspaces lists every workspace of the installation, for the operator's
// CLI (never for a workspace member).
func (s *AccountStore) Workspaces(ctx context.Context) (_ []account.Workspace, err error) {
	defer wrap(&err, "AccountStore.Workspaces")
	rows, err := s.db.query(ctx, `SELECT id, name, currency, lang, time_zone, created_at FROM workspaces ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []account.Workspace{}
	for rows.Next() {
		var w account.Workspace
		if err := rows.Scan(&w.ID, &w.Name, &w.Currency, &w.Lang, &w.TimeZone, &w.CreatedAt); err != nil {
			return nil, err
		}
		out = append(out, w)
	}
	return out, rows.Err()
}
