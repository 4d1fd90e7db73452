package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/tandemhq/tandem/internal/access"
	"github.com/tandemhq/tandem/internal/mail"
	"github.com/tandemhq/tandem/internal/notification"
	"github.com/tandemhq/tandem/internal/tandem"
)

// MailStore keeps Tandem's e-mail: the durable outbox (table mail_outbox),
// each person's choices (mail_preferences, mail_digests) and the key of
// unsubscribe links (mail_keys). A row of mail_preferences holds the mode
// of an area ("deliverable") or of a kind ("deliverable.created": it has a
// dot) in its column area; a kind's row overrides its area's.
//
// An e-mail is written to the outbox in the transaction of what it tells:
// notify writes one for each notification whose kind the person receives
// right away (mail.Preferences), Invite and RequestReset one with the link
// when e-mail is configured (SetMailEnabled), and QueueDigests the digests.
// Senders claim due rows with a lease (Claim: a conditional UPDATE per row
// that only one instance wins, as for the jobs table), send them, and
// record the outcome (Delivered, Undelivered) naming themselves as holder,
// so a sender whose lease ran out changes nothing. A message is sent once
// unless a sender dies between the server's acceptance and Delivered:
// then its lease runs out and it is sent again (at least once, never lost).
type MailStore struct{ db *DB }

// Mail returns the store of e-mail.
func (db *DB) Mail() *MailStore { return &MailStore{db} }

// SetMailEnabled tells the store that e-mail is configured: invitations
// and password reset links are then written to the outbox too. Without
// it they are not (their links would only wait, secrets stored in clear).
func (db *DB) SetMailEnabled(on bool) { db.mailOn.Store(on) }

// queueNotificationMail writes the e-mail of notification id (of kind, to
// userID in workspaceID) unless the person chose otherwise for the kind or
// its area (mail.Preferences.Mode).
func queueNotificationMail(ctx context.Context, tx *Tx, workspaceID, userID int64, kind string, id int64) error {
	type row struct{ key, mode string }
	rows, err := scanAll(ctx, tx, func(s scanner, r *row) error { return s.Scan(&r.key, &r.mode) },
		`SELECT area, mode FROM mail_preferences WHERE workspace_id = ? AND user_id = ? AND area IN (?, ?)`,
		workspaceID, userID, mail.AreaOf(kind), kind)
	if err != nil {
		return err
	}
	prefs := mail.Preferences{Modes: map[string]mail.Mode{}, Kinds: map[string]mail.Mode{}}
	for _, r := range rows {
		prefs.Set(r.key, mail.Mode(r.mode))
	}
	if prefs.Mode(kind) != mail.Immediate {
		return nil
	}
	_, err = tx.exec(ctx, `INSERT INTO mail_outbox (workspace_id, user_id, to_addr, kind, notification_id, status, next_attempt_at, created_at)
		SELECT ?, id, email, ?, ?, ?, ?, ? FROM users WHERE id = ?`,
		workspaceID, kind, id, string(mail.Pending), tx.now, tx.now, userID)
	return err
}

// queueMail writes an e-mail of kind to addr with args to the outbox.
func queueMail(ctx context.Context, tx *Tx, workspaceID, userID int64, addr, kind string, args map[string]any, dedupe string) (bool, error) {
	js, err := json.Marshal(args)
	if err != nil {
		return false, err
	}
	var d any
	if dedupe != "" {
		d = dedupe
	}
	n, err := tx.changed(ctx, `INSERT INTO mail_outbox (workspace_id, user_id, to_addr, kind, args, dedupe, status, next_attempt_at, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (dedupe) DO NOTHING`,
		workspaceID, nullID(userID), addr, kind, string(js), d, string(mail.Pending), tx.now, tx.now)
	return n == 1, err
}

// Outgoing is a claimed e-mail with what writing it needs.
type Outgoing struct {
	ID            int64
	WorkspaceID   int64
	UserID        int64 // 0 for an invitation
	To            string
	Kind          string
	Args          map[string]any
	Tries         int // including this attempt
	Name          string
	Lang          string
	TimeZone      string
	WorkspaceName string
	Notification  *notification.Notification  // for a notification
	Digest        []notification.Notification // for a digest, newest first
}

// mailLease claims an e-mail of the outbox, counting the attempt.
var mailLease = outboxLease{table: "mail_outbox", due: "status = ? AND next_attempt_at <= ?",
	dueArgs: func(now time.Time) []any { return []any{string(mail.Pending), now} }, set: ", tries = tries + 1"}

// Claim claims up to limit due e-mails for holder with a lease of the
// given length, counting the attempt. Each row is claimed by one guarded
// UPDATE (pending, due, and not held or its lease run out: outboxLease),
// which one instance wins on both databases.
func (s *MailStore) Claim(ctx context.Context, holder string, lease time.Duration, limit int) (_ []Outgoing, err error) {
	defer wrap(&err, "MailStore.Claim")
	now := s.db.Now()
	const due = ` status = ? AND next_attempt_at <= ? AND (holder IS NULL OR lease_until < ?)`
	ids, err := scanAll(ctx, s.db, scanInt64, `SELECT id FROM mail_outbox WHERE`+due+fmt.Sprintf(` ORDER BY id LIMIT %d`, limit),
		string(mail.Pending), now, now)
	if err != nil || len(ids) == 0 {
		return nil, err
	}
	var claimed []int64
	err = s.db.transact(ctx, func(tx *Tx) error {
		claimed = claimed[:0]
		for _, id := range ids {
			won, err := mailLease.claim(ctx, tx, holder, lease, id)
			if err != nil {
				return err
			}
			if won {
				claimed = append(claimed, id)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]Outgoing, 0, len(claimed))
	for _, id := range claimed {
		o, err := s.outgoing(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, *o)
	}
	return out, nil
}

func (s *MailStore) outgoing(ctx context.Context, id int64) (*Outgoing, error) {
	var o Outgoing
	var args string
	var nid int64
	err := s.db.queryRow(ctx, `SELECT o.id, o.workspace_id, COALESCE(o.user_id, 0), o.to_addr, o.kind, o.args, o.tries, COALESCE(o.notification_id, 0),
		COALESCE(u.name, ''), COALESCE(u.lang, w.lang, 'en'), COALESCE(w.time_zone, 'UTC'), COALESCE(w.name, '')
		FROM mail_outbox o LEFT JOIN users u ON u.id = o.user_id LEFT JOIN workspaces w ON w.id = o.workspace_id
		WHERE o.id = ?`, id).Scan(&o.ID, &o.WorkspaceID, &o.UserID, &o.To, &o.Kind, &args, &o.Tries, &nid,
		&o.Name, &o.Lang, &o.TimeZone, &o.WorkspaceName)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(args), &o.Args); err != nil {
		return nil, err
	}
	var nids []int64
	switch {
	case nid != 0:
		nids = []int64{nid}
	case o.Kind == mail.OutboxDigest:
		ids, _ := o.Args["ids"].([]any)
		for _, v := range ids {
			if f, ok := v.(float64); ok {
				nids = append(nids, int64(f))
			}
		}
	}
	if len(nids) > 0 {
		ns, err := scanAll(ctx, s.db, scanNotification, `SELECT id, kind, engagement_id, subject_id, args, created_at, read_at FROM notifications
			WHERE user_id = ? AND id IN (`+placeholders(len(nids))+`) ORDER BY id DESC`, append([]any{o.UserID}, anyArgs(nids...)...)...)
		if err != nil {
			return nil, err
		}
		if nid != 0 && len(ns) == 1 {
			o.Notification = &ns[0]
		}
		o.Digest = ns
	}
	return &o, nil
}

func scanNotification(s scanner, n *notification.Notification) error {
	var js string
	if err := s.Scan(&n.ID, &n.Kind, &n.EngagementID, &n.SubjectID, &js, &n.CreatedAt, nullTime{&n.ReadAt}); err != nil {
		return err
	}
	return json.Unmarshal([]byte(js), &n.Args)
}

// Delivered records that holder sent e-mail id; a secret link it carried
// is wiped. false: holder no longer held it.
func (s *MailStore) Delivered(ctx context.Context, holder string, id int64, kind string) (ok bool, err error) {
	defer wrap(&err, "MailStore.Delivered(%d)", id)
	err = s.db.transact(ctx, func(tx *Tx) error {
		q := `UPDATE mail_outbox SET status = ?, sent_at = ?, holder = NULL, lease_until = NULL, last_error = ''`
		if mail.CarriesSecret(kind) {
			q += `, args = '{}'`
		}
		n, err := tx.changed(ctx, q+` WHERE id = ? AND holder = ?`, string(mail.Sent), tx.now, id, holder)
		ok = n == 1
		return err
	})
	return ok, err
}

// Undelivered records that holder's attempt to send e-mail id failed with
// msg: it is tried again later (mail.AfterFailure), or marked failed.
func (s *MailStore) Undelivered(ctx context.Context, holder string, id int64, msg string, permanent bool) (err error) {
	defer wrap(&err, "MailStore.Undelivered(%d)", id)
	return s.db.transact(ctx, func(tx *Tx) error {
		var tries int
		if err := tx.queryRow(ctx, `SELECT tries FROM mail_outbox WHERE id = ? AND holder = ?`, id, holder).Scan(&tries); err != nil {
			if notFound(err) == tandem.ErrNotFound {
				return nil // the lease ran out and another sender has it
			}
			return err
		}
		status, next := mail.AfterFailure(tries, permanent, tx.now)
		if len(msg) > 500 {
			msg = msg[:500]
		}
		q := `UPDATE mail_outbox SET status = ?, next_attempt_at = ?, holder = NULL, lease_until = NULL, last_error = ?`
		var kind string
		if err := tx.queryRow(ctx, `SELECT kind FROM mail_outbox WHERE id = ?`, id).Scan(&kind); err != nil {
			return err
		}
		if status == mail.Failed && mail.CarriesSecret(kind) {
			q += `, args = '{}'`
		}
		_, err := tx.exec(ctx, q+` WHERE id = ? AND holder = ?`, string(status), next, msg, id, holder)
		return err
	})
}

// Prune deletes the e-mails sent before before; pending and failed ones
// stay. It returns how many it deleted.
func (s *MailStore) Prune(ctx context.Context, before time.Time) (n int64, err error) {
	defer wrap(&err, "MailStore.Prune")
	err = s.db.transact(ctx, func(tx *Tx) error {
		n, err = tx.changed(ctx, `DELETE FROM mail_outbox WHERE status = ? AND sent_at < ?`, string(mail.Sent), before)
		return err
	})
	return n, err
}

// OutboxEntry is an e-mail of the outbox as its page shows it.
type OutboxEntry struct {
	ID          int64
	To          string
	Kind        string
	Status      mail.Status
	Tries       int
	NextAttempt time.Time
	LastError   string
	CreatedAt   time.Time
	SentAt      time.Time
}

// Outbox lists the e-mails of p's workspace, newest first, a page at a
// time. Owners only (access.MailOutbox).
func (s *MailStore) Outbox(ctx context.Context, p tandem.Principal, pg tandem.Page) (_ []OutboxEntry, total int, err error) {
	defer wrap(&err, "MailStore.Outbox")
	if err := access.Can(p, access.MailOutbox); err != nil {
		return nil, 0, err
	}
	return listPage(ctx, s.db, func(s scanner, e *OutboxEntry) error {
		return s.Scan(&e.ID, &e.To, &e.Kind, &e.Status, &e.Tries, &e.NextAttempt, &e.LastError, &e.CreatedAt, nullTime{&e.SentAt})
	}, `id, to_addr, kind, status, tries, next_attempt_at, last_error, created_at, sent_at`,
		` FROM mail_outbox WHERE workspace_id = ?`, ` ORDER BY id DESC`, pg, p.WorkspaceID)
}

// Preferences returns p's e-mail choices in p's workspace.
func (s *MailStore) Preferences(ctx context.Context, p tandem.Principal) (_ mail.Preferences, err error) {
	defer wrap(&err, "MailStore.Preferences")
	return preferences(ctx, s.db, p.WorkspaceID, p.UserID)
}

func preferences(ctx context.Context, q querier, workspaceID, userID int64) (mail.Preferences, error) {
	prefs := mail.Preferences{Modes: map[string]mail.Mode{}, Kinds: map[string]mail.Mode{}, Frequency: mail.Daily}
	type row struct{ key, mode string }
	rows, err := scanAll(ctx, q, func(s scanner, r *row) error { return s.Scan(&r.key, &r.mode) },
		`SELECT area, mode FROM mail_preferences WHERE workspace_id = ? AND user_id = ?`, workspaceID, userID)
	if err != nil {
		return prefs, err
	}
	for _, r := range rows {
		prefs.Set(r.key, mail.Mode(r.mode))
	}
	fs, err := scanAll(ctx, q, scanString, `SELECT frequency FROM mail_digests WHERE workspace_id = ? AND user_id = ?`, workspaceID, userID)
	if err == nil && len(fs) == 1 {
		prefs.Frequency = mail.Frequency(fs[0])
	}
	return prefs, err
}

// SetPreferences stores p's e-mail choices in p's workspace: first the
// areas named in prefs.Modes (an area's mode applies to all its kinds: the
// kinds' own choices in it are dropped), then the kinds named in
// prefs.Kinds, and the digest's frequency unless it is empty. It returns
// the choices as stored. Errors: EInvalid (an unknown area, kind, mode or
// frequency: nothing is changed).
func (s *MailStore) SetPreferences(ctx context.Context, p tandem.Principal, prefs mail.Preferences) (_ mail.Preferences, err error) {
	defer wrap(&err, "MailStore.SetPreferences")
	if err := prefs.Validate(); err != nil {
		return mail.Preferences{}, err
	}
	var saved mail.Preferences
	err = s.db.transact(ctx, func(tx *Tx) error {
		for area, m := range prefs.Modes {
			if err := setAreaMode(ctx, tx, p.WorkspaceID, p.UserID, area, m); err != nil {
				return err
			}
		}
		for kind, m := range prefs.Kinds {
			if err := setMode(ctx, tx, p.WorkspaceID, p.UserID, kind, m); err != nil {
				return err
			}
		}
		if prefs.Frequency != "" {
			if err := setFrequency(ctx, tx, p.WorkspaceID, p.UserID, prefs.Frequency); err != nil {
				return err
			}
		}
		var err error
		if saved, err = preferences(ctx, tx, p.WorkspaceID, p.UserID); err != nil {
			return err
		}
		return tx.record(ctx, p, "mail.preferences_changed", "user", p.UserID, nil)
	})
	return saved, err
}

// setMode stores the mode of a kind or an area (key).
func setMode(ctx context.Context, tx *Tx, workspaceID, userID int64, key string, m mail.Mode) error {
	_, err := tx.exec(ctx, `INSERT INTO mail_preferences (workspace_id, user_id, area, mode) VALUES (?, ?, ?, ?)
		ON CONFLICT (workspace_id, user_id, area) DO UPDATE SET mode = excluded.mode`, workspaceID, userID, key, string(m))
	return err
}

// setAreaMode stores the mode of area for all its kinds: their own
// choices are dropped.
func setAreaMode(ctx context.Context, tx *Tx, workspaceID, userID int64, area string, m mail.Mode) error {
	if err := setMode(ctx, tx, workspaceID, userID, area, m); err != nil {
		return err
	}
	kinds := mail.KindsOf(area)
	if len(kinds) == 0 {
		return nil
	}
	_, err := tx.exec(ctx, `DELETE FROM mail_preferences WHERE workspace_id = ? AND user_id = ? AND area IN (`+placeholders(len(kinds))+`)`,
		append([]any{workspaceID, userID}, anyArgs(kinds...)...)...)
	return err
}

func setFrequency(ctx context.Context, tx *Tx, workspaceID, userID int64, f mail.Frequency) error {
	_, err := tx.exec(ctx, `INSERT INTO mail_digests (workspace_id, user_id, frequency) VALUES (?, ?, ?)
		ON CONFLICT (workspace_id, user_id) DO UPDATE SET frequency = excluded.frequency`, workspaceID, userID, string(f))
	return err
}

// Key returns the installation's key for unsubscribe links, made on first
// use.
func (s *MailStore) Key(ctx context.Context) (_ []byte, err error) {
	defer wrap(&err, "MailStore.Key")
	var secret string
	if err := s.db.queryRow(ctx, `SELECT secret FROM mail_keys WHERE id = 1`).Scan(&secret); err == nil {
		return hex.DecodeString(secret)
	} else if notFound(err) != tandem.ErrNotFound {
		return nil, err
	}
	b := make([]byte, 32)
	rand.Read(b)
	err = s.db.transact(ctx, func(tx *Tx) error {
		if _, err := tx.exec(ctx, `INSERT INTO mail_keys (id, secret) VALUES (1, ?) ON CONFLICT (id) DO NOTHING`, hex.EncodeToString(b)); err != nil {
			return err
		}
		return tx.queryRow(ctx, `SELECT secret FROM mail_keys WHERE id = 1`).Scan(&secret)
	})
	if err != nil {
		return nil, err
	}
	return hex.DecodeString(secret)
}

// UnsubscribeTarget is what an unsubscribe link names, for its page.
type UnsubscribeTarget struct {
	mail.Unsubscribe
	Email         string
	WorkspaceName string
}

// Unsubscription checks an unsubscribe token (no sign-in needed) and
// returns what it names. Errors: ENotFound (forged, or the person left).
func (s *MailStore) Unsubscription(ctx context.Context, token string) (_ *UnsubscribeTarget, err error) {
	defer wrap(&err, "MailStore.Unsubscription")
	key, err := s.Key(ctx)
	if err != nil {
		return nil, err
	}
	u, ok := mail.ParseUnsubscribe(key, token)
	if !ok {
		return nil, tandem.ErrNotFound
	}
	t := &UnsubscribeTarget{Unsubscribe: u}
	err = s.db.queryRow(ctx, `SELECT u.email, w.name FROM memberships m JOIN users u ON u.id = m.user_id JOIN workspaces w ON w.id = m.workspace_id
		WHERE m.workspace_id = ? AND m.user_id = ?`, u.WorkspaceID, u.UserID).Scan(&t.Email, &t.WorkspaceName)
	if err != nil {
		return nil, notFound(err)
	}
	return t, nil
}

// Unsubscribe carries out an unsubscribe token: the kind it names is no
// longer sent by e-mail (other kinds of its area still are), or the digest
// stops; an older token naming an area turns the whole area off, its
// kinds' own choices included. Errors: ENotFound.
func (s *MailStore) Unsubscribe(ctx context.Context, token string) (err error) {
	defer wrap(&err, "MailStore.Unsubscribe")
	t, err := s.Unsubscription(ctx, token)
	if err != nil {
		return err
	}
	return s.db.transact(ctx, func(tx *Tx) error {
		if t.Kind == mail.DigestKind {
			if err := setFrequency(ctx, tx, t.WorkspaceID, t.UserID, mail.Never); err != nil {
				return err
			}
		} else if t.ForArea() {
			if err := setAreaMode(ctx, tx, t.WorkspaceID, t.UserID, t.Kind, mail.Off); err != nil {
				return err
			}
		} else if err := setMode(ctx, tx, t.WorkspaceID, t.UserID, t.Kind, mail.Off); err != nil {
			return err
		}
		return tx.recordIn(ctx, t.WorkspaceID, t.UserID, "", "mail.unsubscribed", "user", t.UserID, nil)
	})
}

// QueueDigests writes the digests due at the digest hour (mail.DigestDue)
// of each workspace that fell in (from, to]: for each member whose
// frequency makes one due, the unread notifications of the kinds they put
// in the digest since their last one. Each digest is written once
// (dedupe), however often it is asked for. It returns how many it wrote.
func (s *MailStore) QueueDigests(ctx context.Context, from, to time.Time) (n int, err error) {
	defer wrap(&err, "MailStore.QueueDigests")
	type ws struct {
		id int64
		tz string
	}
	wss, err := scanAll(ctx, s.db, func(r scanner, w *ws) error { return r.Scan(&w.id, &w.tz) }, `SELECT id, time_zone FROM workspaces ORDER BY id`)
	if err != nil {
		return 0, err
	}
	for _, w := range wss {
		loc, err := time.LoadLocation(w.tz)
		if err != nil {
			loc = time.UTC
		}
		type member struct {
			user  int64
			email string
			freq  string
			last  time.Time
		}
		ms, err := scanAll(ctx, s.db, func(r scanner, m *member) error {
			return r.Scan(&m.user, &m.email, &m.freq, nullTime{&m.last})
		}, `SELECT m.user_id, u.email, COALESCE(d.frequency, ?), d.last_at FROM memberships m JOIN users u ON u.id = m.user_id
			LEFT JOIN mail_digests d ON d.workspace_id = m.workspace_id AND d.user_id = m.user_id
			WHERE m.workspace_id = ? ORDER BY m.user_id`, string(mail.Daily), w.id)
		if err != nil {
			return n, err
		}
		for _, m := range ms {
			at, due := mail.DigestDue(mail.Frequency(m.freq), loc, from, to)
			if !due {
				continue
			}
			queued := false // set by the run that commits (a run may be repeated)
			err := s.db.transact(ctx, func(tx *Tx) error {
				queued = false
				prefs, err := preferences(ctx, tx, w.id, m.user)
				if err != nil {
					return err
				}
				since := m.last
				if since.IsZero() {
					since = at.AddDate(0, 0, -7)
				}
				type unread struct {
					id   int64
					kind string
				}
				us, err := scanAll(ctx, tx, func(r scanner, u *unread) error { return r.Scan(&u.id, &u.kind) },
					`SELECT id, kind FROM notifications WHERE workspace_id = ? AND user_id = ? AND read_at IS NULL AND created_at > ? AND created_at <= ? ORDER BY id`,
					w.id, m.user, since, at)
				if err != nil {
					return err
				}
				var ids []int64
				for _, u := range us {
					if prefs.Mode(u.kind) == mail.InDigest {
						ids = append(ids, u.id)
					}
				}
				if len(ids) == 0 {
					return nil
				}
				dedupe := fmt.Sprintf("digest:%d:%d:%d", w.id, m.user, at.Unix())
				wrote, err := queueMail(ctx, tx, w.id, m.user, m.email, mail.OutboxDigest,
					map[string]any{"ids": ids, "frequency": m.freq}, dedupe)
				if err != nil {
					return err
				}
				queued = wrote
				_, err = tx.exec(ctx, `INSERT INTO mail_digests (workspace_id, user_id, frequency, last_at) VALUES (?, ?, ?, ?)
					ON CONFLICT (workspace_id, user_id) DO UPDATE SET last_at = excluded.last_at`, w.id, m.user, m.freq, at)
				return err
			})
			if err != nil {
				return n, err
			}
			if queued {
				n++
			}
		}
	}
	return n, nil
}
