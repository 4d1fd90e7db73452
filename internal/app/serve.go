package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/tandemhq/tandem/internal/config"
	"github.com/tandemhq/tandem/internal/demo"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/web"
)

// shutdownTimeout is how long in-flight requests may take to finish after
// the server was told to stop.
const shutdownTimeout = 10 * time.Second

// serve runs the web server until ctx is cancelled.
func (c *cli) serve(name string, args []string) int {
	f := c.newFlags(name)
	cfg := f.config((*config.Config).BindServe)
	withDemo := f.Bool("demo", false, "load the demo workspace on first start and print its sign-ins")
	if code, ok := f.parse(args); !ok {
		return code
	}
	// The log and what serve prints on stderr itself go through one
	// logWriter (logwriter.go), in the order they were written.
	lw := newLogWriter(c.stderr)
	stderr := c.stderr
	c.stderr = lw
	defer func() { lw.Close(); c.stderr = stderr }()
	logger := newLogger(cfg, lw)

	// The store's clock is the demo's (openDemo): it reads the real time
	// except while --demo writes the demo's backdated history.
	db, clk, err := c.openDemo(cfg)
	if err != nil {
		return c.fail(err)
	}
	defer db.Close()
	logger.Info("database ready", "dialect", db.Dialect())

	if *withDemo {
		// --demo loads the demo only into an empty database.
		wss, err := db.Accounts.Workspaces(c.ctx)
		if err != nil {
			return c.fail(err)
		}
		exists, err := demo.Exists(c.ctx, db)
		if err != nil {
			return c.fail(err)
		}
		switch {
		case len(wss) == 0:
			logins, err := demo.Load(c.ctx, db, clk)
			if err != nil {
				return c.fail(err)
			}
			logger.Info("demo workspace loaded", "workspace", demo.WorkspaceName)
			c.printLogins(logins)
		case !exists:
			logger.Info("the database already holds workspaces; the demo was not loaded", "workspaces", len(wss))
		default:
			fmt.Fprintln(c.stdout, c.l.T("cli.demo.already", "name", demo.WorkspaceName, "password", demo.Password))
		}
	}

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return c.fail(err)
	}
	defer ln.Close()
	if cfg.BaseURL == "http://"+cfg.Addr {
		// The default public URL follows the actual address (port 0 picks one).
		cfg.BaseURL = "http://" + ln.Addr().String()
	}
	h, err := web.New(web.Options{
		DB:            db,
		Catalog:       c.cat,
		Logger:        logger,
		Version:       Version,
		BaseURL:       cfg.BaseURL,
		SessionIdle:   cfg.SessionIdle,
		SessionMax:    cfg.SessionMax,
		SecureCookies: cfg.SecureCookies(),
		AssetsDir:     cfg.AssetsDir,

		WebhooksAllowPrivate: cfg.WebhooksAllowPrivate,
		MailEnabled:          cfg.SMTP.Enabled(),
	})
	if err != nil {
		return c.fail(err)
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	logger.Info("listening", "addr", ln.Addr().String(), "base_url", cfg.BaseURL, "version", Version)

	jctx, stopJobs := context.WithCancel(context.Background())
	var jwg sync.WaitGroup
	set := defaultSchedulerSettings
	if c.opts.scheduler != nil {
		set = *c.opts.scheduler
	}
	if cfg.SMTP.Enabled() {
		db.SetMailEnabled(true)
		set.mail = &mailer{db: db, smtp: cfg.SMTP, cat: c.cat, baseURL: cfg.BaseURL, holder: newHolder(), lease: mailLease, log: logger}
		logger.Info("e-mail over SMTP", "host", cfg.SMTP.Host, "port", cfg.SMTP.Port, "tls", cfg.SMTP.TLS)
	} else {
		logger.Info("e-mail not configured: the outbox keeps every message unsent")
	}
	schedule(jctx, &jwg, logger, db, set) // scheduled work, run once across instances
	wset := defaultWebhookSettings
	if c.opts.webhooks != nil {
		wset = *c.opts.webhooks
	}
	wset.allowPrivate = wset.allowPrivate || cfg.WebhooksAllowPrivate
	startWebhooks(jctx, &jwg, logger, db, wset) // the webhook outbox, each message by one instance at a time
	// The audit chain sealed after commit (PostgreSQL), one instance at a time.
	startSealer(jctx, &jwg, logger, db, store.SealInterval)
	defer func() { stopJobs(); jwg.Wait() }()

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		// Serve only returns early when it failed.
		return c.fail(err)
	case <-c.ctx.Done():
	}
	logger.Info("shutting down", "timeout", shutdownTimeout.String())
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		logger.Error("shutdown", "err", err)
		srv.Close()
		return exitFail
	}
	if err := <-served; err != nil && !errors.Is(err, http.ErrServerClosed) {
		logger.Error("serve", "err", err)
		return exitFail
	}
	logger.Info("stopped")
	return exitOK
}

// newLogger returns the process's one logger: text or JSON on w at the
// configured level, WARN and above written at once.
func newLogger(cfg *config.Config, w *logWriter) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel)) // validated by config
	opts := &slog.HandlerOptions{Level: level}
	var h slog.Handler = slog.NewTextHandler(w, opts)
	if cfg.LogFormat == "json" {
		h = slog.NewJSONHandler(w, opts)
	}
	return slog.New(flushOnWarn{h, w})
}
