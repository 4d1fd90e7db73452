package store

// OutgoingWebhook webhooks (package webhook): endpoints, the outbox written in
// the transaction of each event (enqueueWebhooks, called by tell), and
// what the sender in internal/app claims, delivers and records.

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/tandemhq/tandem/internal/access"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/notification"
	"github.com/tandemhq/tandem/internal/tandem"
	"github.com/tandemhq/tandem/internal/webhook"
)

// WebhookStore keeps the webhook endpoints, their outbox and deliveries.
type WebhookStore struct{ db *DB }

// Webhooks returns the webhook store.
func (db *DB) Webhooks() *WebhookStore { return &WebhookStore{db} }

// Message statuses of the outbox.
const (
	WebhookPending   = "pending"
	WebhookDelivered = "delivered"
	WebhookFailed    = "failed"
)

// MaxWebhookEndpoints is the most endpoints a workspace has.
const MaxWebhookEndpoints = 50

const webhookEndpointCols = `id, workspace_id, COALESCE(partner_id, 0), url, description, groups, secret, old_secret,
	old_secret_until, disabled_at, disabled_reason, created_by, created_at`

func scanWebhookEndpoint(r scanner, e *webhook.Endpoint) error {
	var groups string
	if err := r.Scan(&e.ID, &e.WorkspaceID, &e.PartnerID, &e.URL, &e.Description, &groups, &e.Secret, &e.OldSecret,
		nullTime{&e.OldSecretUntil}, nullTime{&e.DisabledAt}, &e.DisabledReason, &e.CreatedBy, &e.CreatedAt); err != nil {
		return err
	}
	e.Groups = nil
	if groups != "" {
		e.Groups = strings.Split(groups, ",")
	}
	e.CreatedAt = e.CreatedAt.UTC()
	return nil
}

// endpointScope limits endpoints to those p may see: the client's people
// see every endpoint of the workspace, a partner's manager its partner's.
func endpointScope(w *where, p tandem.Principal) {
	w.add("workspace_id = ?", p.WorkspaceID)
	if !p.Role.IsClient() {
		w.add("partner_id = ?", p.PartnerID)
	}
}

// Endpoints lists the endpoints p may see, without their secrets.
func (s *WebhookStore) Endpoints(ctx context.Context, p tandem.Principal) (_ []webhook.Endpoint, err error) {
	defer wrap(&err, "WebhookStore.Endpoints")
	if err := access.Can(p, access.WebhooksManage); err != nil {
		return nil, err
	}
	var w where
	endpointScope(&w, p)
	es, err := scanAll(ctx, s.db, scanWebhookEndpoint, `SELECT `+webhookEndpointCols+` FROM webhook_endpoints`+w.String()+` ORDER BY id`, w.args...)
	for i := range es {
		es[i].Secret, es[i].OldSecret = "", ""
	}
	return es, err
}

// Endpoint returns one endpoint p may see, without its secrets;
// ENotFound otherwise.
func (s *WebhookStore) Endpoint(ctx context.Context, p tandem.Principal, id int64) (_ *webhook.Endpoint, err error) {
	defer wrap(&err, "WebhookStore.Endpoint(%d)", id)
	if err := access.Can(p, access.WebhooksManage); err != nil {
		return nil, err
	}
	e, err := loadEndpoint(ctx, s.db, p, id)
	if err != nil {
		return nil, err
	}
	e.Secret, e.OldSecret = "", ""
	return e, nil
}

func loadEndpoint(ctx context.Context, q querier, p tandem.Principal, id int64) (*webhook.Endpoint, error) {
	var w where
	endpointScope(&w, p)
	w.add("id = ?", id)
	return scanOne(ctx, q, scanWebhookEndpoint, `SELECT `+webhookEndpointCols+` FROM webhook_endpoints`+w.String(), w.args...)
}

// Register registers an endpoint for p's side (a partner's manager: for
// its partner) with a new secret, which it returns in e.Secret — the only
// time it is shown. allowPrivate lets it name a private address.
func (s *WebhookStore) Register(ctx context.Context, p tandem.Principal, e *webhook.Endpoint, allowPrivate bool) (err error) {
	defer wrap(&err, "WebhookStore.Register")
	if err := access.Can(p, access.WebhooksManage); err != nil {
		return err
	}
	if err := e.Prepare(allowPrivate); err != nil {
		return err
	}
	e.WorkspaceID, e.PartnerID, e.CreatedBy = p.WorkspaceID, 0, p.UserID
	if !p.Role.IsClient() {
		e.PartnerID = p.PartnerID
	}
	e.Secret = webhook.NewSecret()
	return s.db.transact(ctx, func(tx *Tx) error {
		var n int
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM webhook_endpoints WHERE workspace_id = ?`, p.WorkspaceID).Scan(&n); err != nil {
			return err
		}
		if n >= MaxWebhookEndpoints {
			return tandem.Errorf(tandem.EConflict, i18n.K("webhook.too_many"), "max", MaxWebhookEndpoints)
		}
		e.CreatedAt = tx.now
		id, err := tx.insert(ctx, `INSERT INTO webhook_endpoints (workspace_id, partner_id, url, description, groups, secret, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, e.WorkspaceID, nullID(e.PartnerID), e.URL, e.Description, strings.Join(e.Groups, ","),
			e.Secret, e.CreatedBy, e.CreatedAt)
		if err != nil {
			return err
		}
		e.ID = id
		return tx.record(ctx, p, "webhook.registered", "webhook", id, map[string]any{"url": e.URL, "groups": e.Groups})
	})
}

// Rotate gives an endpoint a new secret, which it returns; the old one
// still signs for webhook.RotationOverlap.
func (s *WebhookStore) Rotate(ctx context.Context, p tandem.Principal, id int64) (secret string, err error) {
	defer wrap(&err, "WebhookStore.Rotate(%d)", id)
	if err := access.Can(p, access.WebhooksManage); err != nil {
		return "", err
	}
	secret = webhook.NewSecret()
	err = s.db.transact(ctx, func(tx *Tx) error {
		e, err := loadEndpoint(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `UPDATE webhook_endpoints SET old_secret = secret, old_secret_until = ?, secret = ? WHERE id = ?`,
			tx.now.Add(webhook.RotationOverlap), secret, e.ID); err != nil {
			return err
		}
		return tx.record(ctx, p, "webhook.rotated", "webhook", id, nil)
	})
	return secret, err
}

// SetDisabled disables an endpoint (it receives nothing; what is pending
// waits) or enables it again.
func (s *WebhookStore) SetDisabled(ctx context.Context, p tandem.Principal, id int64, disabled bool) (err error) {
	defer wrap(&err, "WebhookStore.SetDisabled(%d)", id)
	if err := access.Can(p, access.WebhooksManage); err != nil {
		return err
	}
	return s.db.transact(ctx, func(tx *Tx) error {
		e, err := loadEndpoint(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if disabled {
			_, err = tx.exec(ctx, `UPDATE webhook_endpoints SET disabled_at = ?, disabled_reason = ? WHERE id = ?`, tx.now, webhook.DisabledByUser, e.ID)
		} else {
			_, err = tx.exec(ctx, `UPDATE webhook_endpoints SET disabled_at = NULL, disabled_reason = '' WHERE id = ?`, e.ID)
		}
		if err != nil {
			return err
		}
		action := "webhook.enabled"
		if disabled {
			action = "webhook.disabled"
		}
		return tx.record(ctx, p, action, "webhook", id, nil)
	})
}

// WebhookMessage is one message of the outbox, with its last attempt.
type WebhookMessage struct {
	ID           int64
	EndpointID   int64
	MsgID        string
	EventType    string
	EngagementID int64
	Body         string
	CreatedAt    time.Time
	Status       string
	Attempts     int
	NextAt       time.Time
	DeliveredAt  time.Time
	LastCode     int    // the last attempt's HTTP status, 0 when none answered
	LastError    string // the last attempt's error, when it had no answer
}

const webhookMessageCols = `m.id, m.endpoint_id, m.msg_id, m.event_type, m.engagement_id, m.body, m.created_at, m.status, m.attempts,
	m.next_at, m.delivered_at,
	COALESCE((SELECT a.status_code FROM webhook_attempts a WHERE a.message_id = m.id ORDER BY a.id DESC LIMIT 1), 0),
	COALESCE((SELECT a.error FROM webhook_attempts a WHERE a.message_id = m.id ORDER BY a.id DESC LIMIT 1), '')`

func scanWebhookMessage(r scanner, m *WebhookMessage) error {
	if err := r.Scan(&m.ID, &m.EndpointID, &m.MsgID, &m.EventType, &m.EngagementID, &m.Body, &m.CreatedAt, &m.Status, &m.Attempts,
		&m.NextAt, nullTime{&m.DeliveredAt}, &m.LastCode, &m.LastError); err != nil {
		return err
	}
	m.CreatedAt, m.NextAt = m.CreatedAt.UTC(), m.NextAt.UTC()
	return nil
}

// Deliveries lists the messages of an endpoint p may see, newest first,
// a page at a time.
func (s *WebhookStore) Deliveries(ctx context.Context, p tandem.Principal, endpointID int64, pg tandem.Page) (_ []WebhookMessage, total int, err error) {
	defer wrap(&err, "WebhookStore.Deliveries(%d)", endpointID)
	if err := access.Can(p, access.WebhooksManage); err != nil {
		return nil, 0, err
	}
	if _, err := loadEndpoint(ctx, s.db, p, endpointID); err != nil {
		return nil, 0, err
	}
	return listPage(ctx, s.db, scanWebhookMessage, webhookMessageCols, ` FROM webhook_messages m WHERE m.workspace_id = ? AND m.endpoint_id = ?`,
		` ORDER BY m.id DESC`, pg, p.WorkspaceID, endpointID)
}

// Replay sends a message of an endpoint again, as soon as a sender looks:
// the same message id and body, attempts counted on.
func (s *WebhookStore) Replay(ctx context.Context, p tandem.Principal, endpointID, messageID int64) (err error) {
	defer wrap(&err, "WebhookStore.Replay(%d, %d)", endpointID, messageID)
	if err := access.Can(p, access.WebhooksManage); err != nil {
		return err
	}
	return s.db.transact(ctx, func(tx *Tx) error {
		if _, err := loadEndpoint(ctx, tx, p, endpointID); err != nil {
			return err
		}
		if err := tx.execOne(ctx, tandem.ErrNotFound, `UPDATE webhook_messages SET status = ?, next_at = ?, holder = '', lease_until = NULL
			WHERE id = ? AND endpoint_id = ? AND workspace_id = ?`, WebhookPending, tx.now, messageID, endpointID, p.WorkspaceID); err != nil {
			return err
		}
		return tx.record(ctx, p, "webhook.replayed", "webhook", endpointID, map[string]any{"message": messageID})
	})
}

// webhookBody is the JSON body of a message.
type webhookBody struct {
	Type      string      `json:"type"`
	Timestamp string      `json:"timestamp"`
	Data      webhookData `json:"data"`
}

type webhookData struct {
	EngagementID int64          `json:"engagement_id"`
	SubjectID    int64          `json:"subject_id"`
	Link         string         `json:"link"`
	Details      map[string]any `json:"details"`
}

// enqueueWebhooks writes the outbox messages of an event in the event's
// transaction: one per enabled endpoint that wants it — the client's, and
// the engagement's partner's when the partner's people are told of it.
func enqueueWebhooks(ctx context.Context, tx *Tx, p tandem.Principal, engagementID, subjectID int64, m notification.Message) error {
	cond := `workspace_id = ? AND disabled_at IS NULL AND (partner_id IS NULL`
	args := []any{p.WorkspaceID}
	if m.To.Partner || m.To.PartnerManagers {
		cond += ` OR partner_id = (SELECT partner_id FROM engagements WHERE id = ? AND workspace_id = ? AND partner_revoked_at IS NULL)`
		args = append(args, engagementID, p.WorkspaceID)
	}
	cond += `)`
	type target struct {
		id     int64
		groups string
	}
	targets, err := scanAll(ctx, tx, func(r scanner, t *target) error { return r.Scan(&t.id, &t.groups) },
		`SELECT id, groups FROM webhook_endpoints WHERE `+cond, args...)
	if err != nil || len(targets) == 0 {
		return err
	}
	args2 := m.Args
	if args2 == nil {
		args2 = map[string]any{}
	}
	body, err := json.Marshal(webhookBody{Type: m.Kind, Timestamp: tx.now.Format(time.RFC3339Nano),
		Data: webhookData{EngagementID: engagementID, SubjectID: subjectID, Link: fmt.Sprintf("/engagements/%d", engagementID), Details: args2}})
	if err != nil {
		return err
	}
	for _, t := range targets {
		var groups []string
		if t.groups != "" {
			groups = strings.Split(t.groups, ",")
		}
		if !webhook.Wants(groups, m.Kind) {
			continue
		}
		if _, err := tx.exec(ctx, `INSERT INTO webhook_messages (workspace_id, endpoint_id, msg_id, event_type, engagement_id, body, created_at, status, next_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, p.WorkspaceID, t.id, webhook.NewMessageID(), m.Kind, engagementID, string(body),
			tx.now, WebhookPending, tx.now); err != nil {
			return err
		}
	}
	return nil
}

// OutgoingWebhook is a message a sender holds: what to POST where, signed with
// which secrets.
type OutgoingWebhook struct {
	ID          int64
	WorkspaceID int64
	EndpointID  int64
	URL         string
	Secrets     []string
	MsgID       string
	Body        []byte
	Attempts    int // before this one
}

// webhookLease claims a message of the webhook outbox (outboxLease).
var webhookLease = outboxLease{table: "webhook_messages", due: "status = ?",
	dueArgs: func(time.Time) []any { return []any{WebhookPending} }}

// ClaimWebhooks claims up to limit due messages of enabled endpoints for
// holder until lease: a message is held by one sender at a time, and a
// sender that dies leaves it to another when its lease ends.
func (s *WebhookStore) ClaimWebhooks(ctx context.Context, holder string, lease time.Duration, limit int) (_ []OutgoingWebhook, err error) {
	defer wrap(&err, "WebhookStore.ClaimWebhooks")
	now := s.db.Now()
	type due struct{ id int64 }
	ids, err := scanAll(ctx, s.db, scanInt64, `SELECT m.id FROM webhook_messages m JOIN webhook_endpoints e ON e.id = m.endpoint_id
		WHERE m.status = ? AND m.next_at <= ? AND (m.lease_until IS NULL OR m.lease_until < ?) AND e.disabled_at IS NULL
		ORDER BY m.next_at, m.id LIMIT `+fmt.Sprint(limit), WebhookPending, now, now)
	if err != nil || len(ids) == 0 {
		return nil, err
	}
	var out []OutgoingWebhook
	err = s.db.transact(ctx, func(tx *Tx) error {
		out = out[:0]
		for _, id := range ids {
			won, err := webhookLease.claim(ctx, tx, holder, lease, id)
			if err != nil {
				return err
			}
			if !won {
				continue // another sender took it
			}
			var o OutgoingWebhook
			var body string
			var e webhook.Endpoint
			if err := tx.queryRow(ctx, `SELECT m.id, m.workspace_id, m.endpoint_id, e.url, e.secret, e.old_secret, e.old_secret_until, m.msg_id, m.body, m.attempts
				FROM webhook_messages m JOIN webhook_endpoints e ON e.id = m.endpoint_id WHERE m.id = ?`, id).Scan(
				&o.ID, &o.WorkspaceID, &o.EndpointID, &o.URL, &e.Secret, &e.OldSecret, nullTime{&e.OldSecretUntil}, &o.MsgID, &body, &o.Attempts); err != nil {
				return err
			}
			o.Secrets, o.Body = e.Secrets(tx.now), []byte(body)
			out = append(out, o)
		}
		return nil
	})
	return out, err
}

// WebhookResult is how one attempt went.
type WebhookResult struct {
	StatusCode int           // 0 when nothing answered
	Error      string        // why nothing answered
	Duration   time.Duration // of the request
	RetryAfter time.Duration // asked for by the receiver
}

// FinishWebhook records an attempt of a message holder holds: a 2xx
// answer delivers it; 410 disables the endpoint and tells the workspace's
// owners; anything else schedules the next try, or fails the message after
// the last. An attempt of a message holder no longer holds is dropped.
func (s *WebhookStore) FinishWebhook(ctx context.Context, holder string, o OutgoingWebhook, r WebhookResult) (err error) {
	defer wrap(&err, "WebhookStore.FinishWebhook(%d)", o.ID)
	return s.db.transact(ctx, func(tx *Tx) error {
		var held string
		if err := tx.queryRow(ctx, `SELECT holder FROM webhook_messages WHERE id = ?`, o.ID).Scan(&held); err != nil {
			return err
		}
		if held != holder {
			return nil
		}
		msg := r.Error
		if len(msg) > 500 {
			msg = msg[:500]
		}
		if _, err := tx.exec(ctx, `INSERT INTO webhook_attempts (message_id, at, status_code, error, duration_ms) VALUES (?, ?, ?, ?, ?)`,
			o.ID, tx.now, r.StatusCode, msg, r.Duration.Milliseconds()); err != nil {
			return err
		}
		attempts := o.Attempts + 1
		switch {
		case r.StatusCode >= 200 && r.StatusCode < 300:
			_, err := tx.exec(ctx, `UPDATE webhook_messages SET status = ?, attempts = ?, delivered_at = ?, holder = '', lease_until = NULL WHERE id = ?`,
				WebhookDelivered, attempts, tx.now, o.ID)
			return err
		case r.StatusCode == 410:
			if _, err := tx.exec(ctx, `UPDATE webhook_messages SET status = ?, attempts = ?, holder = '', lease_until = NULL WHERE id = ?`,
				WebhookFailed, attempts, o.ID); err != nil {
				return err
			}
			n, err := tx.changed(ctx, `UPDATE webhook_endpoints SET disabled_at = ?, disabled_reason = ? WHERE id = ? AND disabled_at IS NULL`,
				tx.now, webhook.DisabledGone, o.EndpointID)
			if err != nil || n == 0 {
				return err
			}
			sys := System(o.WorkspaceID, "webhooks")
			owners, err := userIDs(ctx, tx, `SELECT user_id FROM memberships WHERE workspace_id = ? AND role = ?`, o.WorkspaceID, string(tandem.RoleOwner))
			if err != nil {
				return err
			}
			var url string
			if err := tx.queryRow(ctx, `SELECT url FROM webhook_endpoints WHERE id = ?`, o.EndpointID).Scan(&url); err != nil {
				return err
			}
			if err := notify(ctx, tx, sys, owners, "webhook.disabled", 0, o.EndpointID, map[string]any{"url": url}); err != nil {
				return err
			}
			return tx.record(ctx, sys, "webhook.disabled", "webhook", o.EndpointID, map[string]any{"reason": webhook.DisabledGone})
		}
		next, ok := webhook.NextTry(tx.now, attempts, r.RetryAfter)
		if !ok {
			_, err := tx.exec(ctx, `UPDATE webhook_messages SET status = ?, attempts = ?, holder = '', lease_until = NULL WHERE id = ?`,
				WebhookFailed, attempts, o.ID)
			return err
		}
		_, err := tx.exec(ctx, `UPDATE webhook_messages SET attempts = ?, next_at = ?, holder = '', lease_until = NULL WHERE id = ?`,
			attempts, next, o.ID)
		return err
	})
}
