package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/tandemhq/tandem/internal/account"
	"github.com/tandemhq/tandem/internal/tandem"
)

// Identity is who asks, read for every request in one statement: the
// session (nil for an API token) and its user, the membership of the
// workspace the session works in (Member false when there is none) and
// that workspace.
type Identity struct {
	Session   *account.Session
	User      *account.User
	Principal tandem.Principal
	Member    bool
	Workspace *account.Workspace
	// Unread counts the person's unread notifications in the workspace,
	// for the bell of every page (sessions only).
	Unread int
	// tokenUsed is an API token's last use as read (IdentifyToken).
	tokenUsed time.Time
	// rev is, on PostgreSQL, the revision read with the identity (its
	// snapshot, pg_current_snapshot), when identifying wrote nothing: see
	// Revision.
	rev string
}

// Revision is the database's revision read with the identity, on
// PostgreSQL: a request that only reads hands it to the results it keeps
// (WithRevision) instead of reading it again — one round trip fewer per
// page. Empty on SQLite, and when identifying wrote (a session or a token
// refreshed).
func (id *Identity) Revision() string { return id.rev }

// identityMember are the membership and workspace columns of an identity,
// each NULL-safe: the session may work in no workspace, or in one it is no
// longer a member of.
const identityMember = `COALESCE(m.id, 0), COALESCE(m.role, ''), COALESCE(m.partner_id, 0),
	COALESCE(w.id, 0), COALESCE(w.name, ''), COALESCE(w.currency, ''), COALESCE(w.lang, ''), COALESCE(w.time_zone, ''), w.created_at`

func (id *Identity) scanMember(role *string, ws *account.Workspace) {
	id.Member = id.Principal.MembershipID != 0 && ws.ID != 0
	if !id.Member {
		id.Principal = tandem.Principal{}
		return
	}
	id.Principal.Role = tandem.Role(*role)
	id.Principal.WorkspaceID = ws.ID
	id.Workspace = ws
}

// primeZone puts the workspace's time zone, read with the identity, into
// the request's read cache (when there is one): the pages that read it
// (workspaceZone) then do not ask the database again.
func (id *Identity) primeZone(ctx context.Context, q querier) {
	if !id.Member {
		return
	}
	if c := cacheOf(ctx, q); c != nil {
		c.putZone(id.Workspace.ID, id.Workspace.TimeZone)
	}
}

// Identify returns the identity of a session cookie's secret: its session
// and user, and the membership and workspace it works in, in one query. A
// session that has ended is deleted and answered tandem.ErrUnauthorized
// (see Session); its last use is refreshed when it is stale.
//
// On SQLite the identity is kept between requests until the database
// changes (Remember, keyed by the secret's digest): signing out, a
// membership or role changed, a notification — every change is a write.
// Whether the session has ended or gone stale is decided on every request
// from the kept session's times, and either answer reads the database
// again. On PostgreSQL a page reads it with every request (the same
// statement gives the page its revision); a request that writes
// (ForWrite) keeps it under the changes announced (pglisten.go).
func (s *AccountStore) Identify(ctx context.Context, secret string, idle time.Duration) (*Identity, error) {
	return s.keptIdentity(ctx, identityKey{account.Digest(secret)}, func(ctx context.Context) (*Identity, error) {
		return s.identify(ctx, secret, idle)
	}, func(id *Identity, now time.Time) bool {
		return !id.Session.Ended(now, idle) && !id.Session.Stale(now)
	})
}

// keptIdentity is the identity read reads, kept between requests under
// key (Remember; on PostgreSQL only for a request that writes, under the
// changes announced — pglisten.go — and read every time for a page): a kept one
// answers while fresh says so of it at the store's time, otherwise read
// runs again (deleting or refreshing what ended or went stale). Each
// caller gets its own copy.
func (s *AccountStore) keptIdentity(ctx context.Context, key any, read func(context.Context) (*Identity, error),
	fresh func(id *Identity, now time.Time) bool) (*Identity, error) {
	rctx := ctx
	if s.db.pg != nil {
		if !forWrite(ctx) {
			return read(ctx)
		}
		rctx = context.WithValue(ctx, noticedKey{}, true)
	}
	v, err := s.db.Remember(rctx, key, func(ctx context.Context) (any, error) { return read(ctx) })
	if err != nil {
		return nil, err
	}
	id := v.(*Identity).clone()
	if !fresh(id, s.db.Now()) {
		return read(ctx)
	}
	id.rev = "" // a kept identity's snapshot is not this request's
	id.primeZone(ctx, s.db)
	return id, nil
}

// identityKey names an identity kept by Remember: the digest of a
// session's secret.
type identityKey struct{ digest string }

// clone is a copy of id that shares nothing with it: callers change
// what they were given.
func (id *Identity) clone() *Identity {
	c := *id
	if id.Session != nil {
		se := *id.Session
		c.Session = &se
	}
	if id.User != nil {
		u := *id.User
		c.User = &u
	}
	if id.Workspace != nil {
		ws := *id.Workspace
		c.Workspace = &ws
	}
	return &c
}

// identify is Identify without keeping.
func (s *AccountStore) identify(ctx context.Context, secret string, idle time.Duration) (_ *Identity, err error) {
	defer wrap(&err, "AccountStore.Identify")
	var se account.Session
	var u account.User
	var ws account.Workspace
	var role string
	id := &Identity{Session: &se, User: &u}
	// On PostgreSQL the revision comes with it (Identity.Revision).
	rev, revCol := "", `''`
	if s.db.dialect.name() == "postgres" {
		revCol = `pg_current_snapshot()::text`
	}
	err = s.db.queryRow(ctx, `SELECT s.id, s.user_id, s.workspace_id, s.created_at, s.last_seen_at, s.expires_at, s.user_agent, s.ip,
		u.id, u.email, u.name, u.lang, u.created_at, `+identityMember+`,
		(SELECT COUNT(*) FROM notifications n WHERE n.user_id = s.user_id AND n.workspace_id = s.workspace_id AND n.read_at IS NULL), `+revCol+`
		FROM sessions s JOIN users u ON u.id = s.user_id
		LEFT JOIN memberships m ON m.user_id = s.user_id AND m.workspace_id = s.workspace_id
		LEFT JOIN workspaces w ON w.id = m.workspace_id
		WHERE s.token_hash = ?`, account.Digest(secret)).
		Scan(&se.ID, &se.UserID, &se.WorkspaceID, &se.CreatedAt, &se.LastSeenAt, &se.ExpiresAt, &se.UserAgent, &se.IP,
			&u.ID, &u.Email, &u.Name, &u.Lang, &u.CreatedAt,
			&id.Principal.MembershipID, &role, &id.Principal.PartnerID,
			&ws.ID, &ws.Name, &ws.Currency, &ws.Lang, &ws.TimeZone, nullTime{&ws.CreatedAt}, &id.Unread, &rev)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, tandem.ErrUnauthorized
	}
	if err != nil {
		return nil, err
	}
	now := s.db.Now()
	if se.Ended(now, idle) {
		if err := s.db.transact(ctx, func(tx *Tx) error {
			_, err := tx.exec(ctx, `DELETE FROM sessions WHERE id = ?`, se.ID)
			return err
		}); err != nil {
			return nil, err
		}
		return nil, tandem.ErrUnauthorized
	}
	if se.Stale(now) {
		if err := s.db.transact(ctx, func(tx *Tx) error {
			_, err := tx.exec(ctx, `UPDATE sessions SET last_seen_at = ? WHERE id = ?`, tx.now, se.ID)
			return err
		}); err != nil {
			return nil, err
		}
		se.LastSeenAt = now
		rev = "" // read before this write
	}
	id.rev = rev
	id.Principal.UserID, id.Principal.UserName, id.Principal.Email, id.Principal.Lang = u.ID, u.Name, u.Email, string(u.Lang)
	id.scanMember(&role, &ws)
	if !id.Member {
		id.Unread = 0
	}
	id.primeZone(ctx, s.db)
	return id, nil
}

// IdentifyToken returns the identity of an API token's secret: the
// principal of its membership and the workspace, in one query, or
// tandem.ErrUnauthorized. Its last use is refreshed when it is stale.
//
// On SQLite it is kept between requests like a session's (Identify):
// revoking the token, a membership or role changed — every change is a
// write and ends it; whether the last use has gone stale is decided on
// every request from the kept token's time, and a stale one reads the
// database again (and refreshes it). An API client that writes (a dialer
// posting calls) otherwise began a read transaction for its identity on
// every request, right after the last write, when SQLite's reader must
// drop its cache and its map of the file.
func (s *AccountStore) IdentifyToken(ctx context.Context, secret string) (*Identity, error) {
	return s.keptIdentity(ctx, tokenIdentityKey{account.Digest(secret)}, func(ctx context.Context) (*Identity, error) {
		return s.identifyToken(ctx, secret)
	}, func(id *Identity, now time.Time) bool {
		t := account.Token{LastUsedAt: id.tokenUsed}
		return !t.Stale(now)
	})
}

// tokenIdentityKey names a token's identity kept by Remember: the digest
// of its secret.
type tokenIdentityKey struct{ digest string }

// identifyToken is IdentifyToken without keeping.
func (s *AccountStore) identifyToken(ctx context.Context, secret string) (_ *Identity, err error) {
	defer wrap(&err, "AccountStore.IdentifyToken")
	var t account.Token
	var ws account.Workspace
	var role, lang string
	id := &Identity{}
	p := &id.Principal
	rev, revCol := "", `''`
	if s.db.dialect.name() == "postgres" {
		revCol = `pg_current_snapshot()::text` // as a session's (identify)
	}
	err = s.db.queryRow(ctx, `SELECT t.id, t.last_used_at, u.id, u.name, u.email, u.lang, `+identityMember+`, `+revCol+`
		FROM api_tokens t JOIN memberships m ON m.id = t.membership_id JOIN users u ON u.id = m.user_id
		JOIN workspaces w ON w.id = m.workspace_id
		WHERE t.token_hash = ? AND t.revoked_at IS NULL`, account.Digest(secret)).
		Scan(&t.ID, nullTime{&t.LastUsedAt}, &p.UserID, &p.UserName, &p.Email, &lang,
			&p.MembershipID, &role, &p.PartnerID,
			&ws.ID, &ws.Name, &ws.Currency, &ws.Lang, &ws.TimeZone, nullTime{&ws.CreatedAt}, &rev)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, tandem.ErrUnauthorized
	}
	if err != nil {
		return nil, err
	}
	if t.Stale(s.db.Now()) {
		if err := s.db.transact(ctx, func(tx *Tx) error {
			_, err := tx.exec(ctx, `UPDATE api_tokens SET last_used_at = ? WHERE id = ?`, tx.now, t.ID)
			return err
		}); err != nil {
			return nil, err
		}
		t.LastUsedAt = s.db.Now()
		rev = "" // read before this write
	}
	id.rev = rev
	p.Lang, p.TokenID = lang, t.ID
	id.tokenUsed = t.LastUsedAt
	id.scanMember(&role, &ws)
	id.primeZone(ctx, s.db)
	return id, nil
}
