package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	netmail "net/mail"
	"time"

	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/mail"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/web"
)

// mailer sends the outbox (store.MailStore) over SMTP. Each instance runs
// one; they share the outbox through the database, where a message is
// claimed by one sender at a time (a lease), so each is sent once. A
// failed attempt is tried again later (mail.AfterFailure); a message whose
// sender died mid-attempt is taken over once its lease has run out.
//
// The scheduler runs it as the job mail.outbox every sweep (a minute), and
// the digests (mail.digests) every hour: each workspace's at 08:00 in its
// own time zone.
type mailer struct {
	db      *store.DB
	smtp    mail.SMTP
	cat     *i18n.Catalog
	baseURL string
	holder  string
	lease   time.Duration
	log     *slog.Logger
}

// mailBatch is how many messages a sender claims at a time: their lease
// (mailLease) outlasts sending all of them (mail.SendTimeout each), so no
// other sender takes one over while it is still being sent.
const mailBatch = 5

// mailRetention is how long sent e-mails stay in the outbox.
const mailRetention = 90 * 24 * time.Hour

// mailLease is how long a sender holds the messages it claimed.
const mailLease = 5 * time.Minute

// deliver sends every due message of the outbox and returns how many it
// sent.
func (m *mailer) deliver(ctx context.Context) (int, error) {
	from, err := netmail.ParseAddress(m.smtp.From)
	if err != nil {
		return 0, err
	}
	key, err := m.db.Mail().Key(ctx)
	if err != nil {
		return 0, err
	}
	comp := mail.Composer{Cat: m.cat, BaseURL: m.baseURL, From: *from, Key: key}
	if _, err := m.db.Mail().Prune(ctx, m.db.Now().Add(-mailRetention)); err != nil {
		return 0, err
	}
	sent := 0
	for ctx.Err() == nil {
		batch, err := m.db.Mail().Claim(ctx, m.holder, m.lease, mailBatch)
		if err != nil || len(batch) == 0 {
			return sent, err
		}
		for _, o := range batch {
			msg, err := m.compose(comp, o)
			msg.MessageID = mail.OutboxMessageID(o.ID, key, from.Address)
			if err == nil {
				err = m.smtp.Send(ctx, from.Address, o.To, msg.Bytes())
			}
			if err != nil {
				var pe *mail.PermanentError
				m.log.Warn("e-mail not sent", "id", o.ID, "try", o.Tries, "err", err)
				if err := m.db.Mail().Undelivered(ctx, m.holder, o.ID, err.Error(), errors.As(err, &pe)); err != nil {
					return sent, err
				}
				continue
			}
			if _, err := m.db.Mail().Delivered(ctx, m.holder, o.ID, o.Kind); err != nil {
				return sent, err
			}
			sent++
		}
	}
	return sent, ctx.Err()
}

// compose writes the message of o in its recipient's language.
func (m *mailer) compose(comp mail.Composer, o store.Outgoing) (mail.Message, error) {
	lang, _ := i18n.Parse(o.Lang)
	loc, err := time.LoadLocation(o.TimeZone)
	if err != nil {
		loc = time.UTC
	}
	r := mail.Recipient{WorkspaceID: o.WorkspaceID, UserID: o.UserID, Name: o.Name, Email: o.To, Lang: lang, Loc: loc,
		WorkspaceName: o.WorkspaceName}
	l := m.cat.For(lang, loc)
	str := func(k string) string { s, _ := o.Args[k].(string); return s }
	expires, _ := time.Parse(time.RFC3339Nano, str("expires"))
	switch o.Kind {
	case mail.OutboxDigest:
		items := make([]mail.Item, len(o.Digest))
		for i, n := range o.Digest {
			text, path := web.NotificationText(l, n)
			items[i] = mail.Item{Text: text, Path: path, At: n.CreatedAt}
		}
		if len(items) == 0 {
			return mail.Message{}, &mail.PermanentError{Err: errors.New("the digest's notifications are gone")}
		}
		return comp.Digest(r, mail.Frequency(str("frequency")), items), nil
	case mail.OutboxInvitation:
		if str("secret") == "" {
			return mail.Message{}, &mail.PermanentError{Err: errors.New("the invitation's link is gone")}
		}
		return comp.Invitation(r, str("inviter"), str("secret"), expires), nil
	case mail.OutboxReset:
		if str("secret") == "" {
			return mail.Message{}, &mail.PermanentError{Err: errors.New("the reset link is gone")}
		}
		return comp.Reset(r, str("secret"), expires), nil
	}
	if o.Notification == nil {
		return mail.Message{}, &mail.PermanentError{Err: fmt.Errorf("the notification of %s is gone", o.Kind)}
	}
	text, path := web.NotificationText(l, *o.Notification)
	return comp.Notification(r, o.Kind, mail.Item{Text: text, Path: path}), nil
}
