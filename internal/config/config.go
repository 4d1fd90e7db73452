// Package config is Tandem's one typed configuration: defaults, then
// environment variables, then command-line flags (flags win), validated in
// one place and printable with secrets masked. The command builds one Config
// and passes it down; nothing reads it from a global.
package config

import (
	"flag"
	"fmt"
	"net"
	netmail "net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/mail"
	"github.com/tandemhq/tandem/internal/tandem"
)

// Config is the effective configuration of one Tandem process.
type Config struct {
	// Addr is the host:port the web server listens on (--addr, TANDEM_ADDR).
	Addr string
	// DataDir holds the SQLite database and other local files
	// (--data-dir, TANDEM_DATA_DIR).
	DataDir string
	// DatabaseURL is a postgres:// URL; empty means SQLite in DataDir
	// (--database, TANDEM_DATABASE_URL).
	DatabaseURL string
	// BaseURL is the public URL of the installation, used in links
	// (--base-url, TANDEM_BASE_URL); empty means "http://" + Addr.
	BaseURL string
	// LogLevel is debug, info, warn or error (--log-level, TANDEM_LOG_LEVEL).
	LogLevel string
	// LogFormat is text or json (--log-format, TANDEM_LOG_FORMAT).
	LogFormat string
	// SessionIdle ends a browser session unused for this long
	// (--session-idle, TANDEM_SESSION_IDLE).
	SessionIdle time.Duration
	// SessionMax ends any session this long after sign-in
	// (--session-max, TANDEM_SESSION_MAX).
	SessionMax time.Duration
	// AssetsDir, when set, serves static assets from disk instead of the
	// embedded copy, for development (--assets-dir, TANDEM_ASSETS_DIR).
	AssetsDir string
	// WebhooksAllowPrivate lets webhook endpoints name loopback and
	// private addresses, for a closed network (--webhooks-allow-private,
	// TANDEM_WEBHOOKS_ALLOW_PRIVATE=true).
	WebhooksAllowPrivate bool
	// SMTP is the mail server e-mail is sent through; no host means no
	// e-mail is sent (the outbox keeps every message). --smtp-host,
	// --smtp-port, --smtp-tls, --smtp-user, --smtp-password, --mail-from;
	// TANDEM_SMTP_HOST, TANDEM_SMTP_PORT, TANDEM_SMTP_TLS,
	// TANDEM_SMTP_USER, TANDEM_SMTP_PASSWORD, TANDEM_MAIL_FROM.
	SMTP mail.SMTP
}

// Environment variable names.
const (
	EnvAddr        = "TANDEM_ADDR"
	EnvDataDir     = "TANDEM_DATA_DIR"
	EnvDatabaseURL = "TANDEM_DATABASE_URL"
	EnvBaseURL     = "TANDEM_BASE_URL"
	EnvLogLevel    = "TANDEM_LOG_LEVEL"
	EnvLogFormat   = "TANDEM_LOG_FORMAT"
	EnvSessionIdle = "TANDEM_SESSION_IDLE"
	EnvSessionMax  = "TANDEM_SESSION_MAX"
	EnvAssetsDir   = "TANDEM_ASSETS_DIR"

	EnvWebhooksAllowPrivate = "TANDEM_WEBHOOKS_ALLOW_PRIVATE"
	EnvSMTPHost             = "TANDEM_SMTP_HOST"
	EnvSMTPPort             = "TANDEM_SMTP_PORT"
	EnvSMTPTLS              = "TANDEM_SMTP_TLS"
	EnvSMTPUser             = "TANDEM_SMTP_USER"
	EnvSMTPPassword         = "TANDEM_SMTP_PASSWORD"
	EnvMailFrom             = "TANDEM_MAIL_FROM"
)

// Default returns the built-in defaults.
func Default() Config {
	return Config{
		Addr:        "127.0.0.1:8080",
		DataDir:     "./tandem-data",
		LogLevel:    "info",
		LogFormat:   "text",
		SessionIdle: 12 * time.Hour,
		SessionMax:  336 * time.Hour,
		SMTP:        mail.SMTP{Port: 587, TLS: mail.TLSStartTLS},
	}
}

// FromEnv returns the defaults overridden by the environment variables that
// getenv reports as non-empty. A duration that does not parse is reported
// as a field error of the variable.
func FromEnv(getenv func(string) string) (Config, error) {
	c := Default()
	var v tandem.Validator
	str := func(name string, dst *string) {
		if s := getenv(name); s != "" {
			*dst = s
		}
	}
	dur := func(name string, dst *time.Duration) {
		s := getenv(name)
		if s == "" {
			return
		}
		d, err := time.ParseDuration(s)
		if v.Check(err == nil, name, i18n.K("cli.config.duration"), "value", s) {
			*dst = d
		}
	}
	str(EnvAddr, &c.Addr)
	str(EnvDataDir, &c.DataDir)
	str(EnvDatabaseURL, &c.DatabaseURL)
	str(EnvBaseURL, &c.BaseURL)
	str(EnvLogLevel, &c.LogLevel)
	str(EnvLogFormat, &c.LogFormat)
	dur(EnvSessionIdle, &c.SessionIdle)
	dur(EnvSessionMax, &c.SessionMax)
	str(EnvAssetsDir, &c.AssetsDir)
	if s := getenv(EnvWebhooksAllowPrivate); s != "" {
		b, err := strconv.ParseBool(s)
		if v.Check(err == nil, EnvWebhooksAllowPrivate, i18n.K("cli.config.bool"), "value", s) {
			c.WebhooksAllowPrivate = b
		}
	}
	str(EnvSMTPHost, &c.SMTP.Host)
	if s := getenv(EnvSMTPPort); s != "" {
		port, err := strconv.Atoi(s)
		if v.Check(err == nil, EnvSMTPPort, i18n.K("cli.config.smtp_port"), "value", s) {
			c.SMTP.Port = port
		}
	}
	str(EnvSMTPTLS, &c.SMTP.TLS)
	str(EnvSMTPUser, &c.SMTP.User)
	str(EnvSMTPPassword, &c.SMTP.Password)
	str(EnvMailFrom, &c.SMTP.From)
	return c, v.Err()
}

// BindDB registers the flags every command that opens the database takes
// (--data-dir, --database, --log-level, --log-format), with c's current
// values as defaults, so that parsed flags override them.
func (c *Config) BindDB(fs *flag.FlagSet) {
	fs.StringVar(&c.DataDir, "data-dir", c.DataDir, "directory for the SQLite database (env "+EnvDataDir+")")
	fs.StringVar(&c.DatabaseURL, "database", c.DatabaseURL, "PostgreSQL URL postgres://…; empty for SQLite in --data-dir (env "+EnvDatabaseURL+")")
	fs.StringVar(&c.LogLevel, "log-level", c.LogLevel, "debug, info, warn or error (env "+EnvLogLevel+")")
	fs.StringVar(&c.LogFormat, "log-format", c.LogFormat, "text or json (env "+EnvLogFormat+")")
}

// BindBaseURL registers --base-url (for commands that print links).
func (c *Config) BindBaseURL(fs *flag.FlagSet) {
	fs.StringVar(&c.BaseURL, "base-url", c.BaseURL, "public URL of the installation; default http://<addr> (env "+EnvBaseURL+")")
}

// BindServe registers the web server's flags: everything BindDB and
// BindBaseURL register, and --addr, --session-idle, --session-max and
// --assets-dir.
func (c *Config) BindServe(fs *flag.FlagSet) {
	c.BindDB(fs)
	c.BindBaseURL(fs)
	fs.StringVar(&c.Addr, "addr", c.Addr, "host:port to listen on; port 0 picks a free one (env "+EnvAddr+")")
	fs.DurationVar(&c.SessionIdle, "session-idle", c.SessionIdle, "end sessions unused for this long (env "+EnvSessionIdle+")")
	fs.DurationVar(&c.SessionMax, "session-max", c.SessionMax, "end any session this long after sign-in (env "+EnvSessionMax+")")
	fs.StringVar(&c.AssetsDir, "assets-dir", c.AssetsDir, "serve static assets from this directory, for development (env "+EnvAssetsDir+")")
	fs.BoolVar(&c.WebhooksAllowPrivate, "webhooks-allow-private", c.WebhooksAllowPrivate, "let webhook endpoints name loopback and private addresses (env "+EnvWebhooksAllowPrivate+"=true)")
	fs.StringVar(&c.SMTP.Host, "smtp-host", c.SMTP.Host, "SMTP server for e-mail; empty sends none, the outbox keeps it (env "+EnvSMTPHost+")")
	fs.IntVar(&c.SMTP.Port, "smtp-port", c.SMTP.Port, "SMTP port (env "+EnvSMTPPort+")")
	fs.StringVar(&c.SMTP.TLS, "smtp-tls", c.SMTP.TLS, "starttls, tls (implicit, port 465) or none (env "+EnvSMTPTLS+")")
	fs.StringVar(&c.SMTP.User, "smtp-user", c.SMTP.User, "SMTP user for AUTH PLAIN; empty for none (env "+EnvSMTPUser+")")
	fs.StringVar(&c.SMTP.Password, "smtp-password", c.SMTP.Password, "SMTP password (env "+EnvSMTPPassword+"; prefer the environment)")
	fs.StringVar(&c.SMTP.From, "mail-from", c.SMTP.From, "sender of e-mail, e.g. \"Tandem <tandem@example.com>\" (env "+EnvMailFrom+")")
}

// Finish fills the derived defaults (BaseURL from Addr) and validates c. It
// returns every problem as one tandem.EInvalid error whose field names are
// the flags' names ("--addr").
func (c *Config) Finish() error {
	c.BaseURL = strings.TrimRight(strings.TrimSpace(c.BaseURL), "/")
	if c.BaseURL == "" {
		c.BaseURL = "http://" + c.Addr
	}
	c.LogLevel = strings.ToLower(strings.TrimSpace(c.LogLevel))
	c.LogFormat = strings.ToLower(strings.TrimSpace(c.LogFormat))
	return c.Validate()
}

// Validate reports every problem with c, with the flags' names as fields.
func (c *Config) Validate() error {
	var v tandem.Validator
	if _, port, err := net.SplitHostPort(c.Addr); err != nil || port == "" {
		v.Add("--addr", i18n.K("cli.config.addr"), "value", c.Addr)
	}
	switch {
	case c.DatabaseURL == "":
		v.Check(strings.TrimSpace(c.DataDir) != "", "--data-dir", i18n.K("cli.config.data_dir"))
	case !strings.HasPrefix(c.DatabaseURL, "postgres://") && !strings.HasPrefix(c.DatabaseURL, "postgresql://"):
		v.Add("--database", i18n.K("cli.config.database"))
	default:
		_, err := url.Parse(c.DatabaseURL)
		v.Check(err == nil, "--database", i18n.K("cli.config.database"))
	}
	u, err := url.Parse(c.BaseURL)
	v.Check(err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "", "--base-url",
		i18n.K("cli.config.base_url"), "value", c.BaseURL)
	v.Check(oneOf(c.LogLevel, "debug", "info", "warn", "error"), "--log-level", i18n.K("cli.config.log_level"), "value", c.LogLevel)
	v.Check(oneOf(c.LogFormat, "text", "json"), "--log-format", i18n.K("cli.config.log_format"), "value", c.LogFormat)
	v.Check(c.SessionIdle >= time.Minute, "--session-idle", i18n.K("cli.config.session_idle"))
	v.Check(c.SessionMax >= c.SessionIdle, "--session-max", i18n.K("cli.config.session_max"))
	c.SMTP.TLS = strings.ToLower(strings.TrimSpace(c.SMTP.TLS))
	if c.SMTP.Host != "" {
		v.Check(c.SMTP.Port > 0 && c.SMTP.Port < 65536, "--smtp-port", i18n.K("cli.config.smtp_port"), "value", strconv.Itoa(c.SMTP.Port))
		v.Check(oneOf(c.SMTP.TLS, mail.TLSStartTLS, mail.TLSImplicit, mail.TLSNone), "--smtp-tls", i18n.K("cli.config.smtp_tls"), "value", c.SMTP.TLS)
		_, err := netmail.ParseAddress(c.SMTP.From)
		v.Check(err == nil, "--mail-from", i18n.K("cli.config.mail_from"), "value", c.SMTP.From)
	}
	return v.Err()
}

// SecureCookies reports whether cookies must carry the Secure flag: when the
// public URL is https.
func (c *Config) SecureCookies() bool { return strings.HasPrefix(c.BaseURL, "https://") }

// String prints the effective configuration, one "name = value" per line,
// with any password in the database URL masked.
func (c Config) String() string {
	var b strings.Builder
	line := func(name, value string) { fmt.Fprintf(&b, "%-13s = %s\n", name, value) }
	line("addr", c.Addr)
	line("data-dir", c.DataDir)
	db := MaskURL(c.DatabaseURL)
	if db == "" {
		db = "(SQLite in data-dir)"
	}
	line("database", db)
	line("base-url", c.BaseURL)
	line("log-level", c.LogLevel)
	line("log-format", c.LogFormat)
	line("session-idle", c.SessionIdle.String())
	line("session-max", c.SessionMax.String())
	line("assets-dir", c.AssetsDir)
	line("webhooks-allow-private", strconv.FormatBool(c.WebhooksAllowPrivate))
	line("smtp-host", c.SMTP.Host)
	if c.SMTP.Host != "" {
		line("smtp-port", strconv.Itoa(c.SMTP.Port))
		line("smtp-tls", c.SMTP.TLS)
		line("smtp-user", c.SMTP.User)
		pw := ""
		if c.SMTP.Password != "" {
			pw = "xxxxx"
		}
		line("smtp-password", pw)
		line("mail-from", c.SMTP.From)
	}
	return b.String()
}

// MaskURL returns s with the password in its user info and any password
// query parameter replaced by "xxxxx". A string that is not a URL is
// returned fully masked when it holds an '@' (it may carry credentials).
func MaskURL(s string) string {
	if s == "" {
		return ""
	}
	u, err := url.Parse(s)
	if err != nil {
		if strings.Contains(s, "@") {
			return "xxxxx"
		}
		return s
	}
	q := u.Query()
	changed := false
	for k := range q {
		if strings.EqualFold(k, "password") {
			q.Set(k, "xxxxx")
			changed = true
		}
	}
	if changed {
		u.RawQuery = q.Encode()
	}
	return u.Redacted()
}

func oneOf(s string, allowed ...string) bool {
	for _, a := range allowed {
		if s == a {
			return true
		}
	}
	return false
}
