package web

import (
	"log/slog"
	"time"

	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/store"
)

// Options are the web adapter's dependencies and settings.
type Options struct {
	DB      *store.DB
	Catalog *i18n.Catalog
	Logger  *slog.Logger
	// Version is shown in the footer and /healthz.
	Version string
	// BaseURL is the public URL of the installation, used in invitation and
	// reset links ("http://127.0.0.1:8080" when empty).
	BaseURL string
	// SessionIdle ends a session not used for this long (default 12h);
	// SessionMax ends any session this long after sign-in (default 14 days).
	SessionIdle time.Duration
	SessionMax  time.Duration
	// SecureCookies sets the Secure flag on cookies; on for https BaseURLs.
	SecureCookies bool
	// AssetsDir, when set, serves templates' static assets from this
	// directory instead of the embedded copy (for editing CSS live).
	AssetsDir string
	// WebhooksAllowPrivate lets webhook endpoints name loopback and private
	// addresses.
	WebhooksAllowPrivate bool
	// MailEnabled says that e-mail is sent (SMTP is configured); without
	// it the outbox and the e-mail choices say that nothing is sent yet.
	MailEnabled bool
}
