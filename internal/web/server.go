// Package web is the HTTP adapter: server-rendered pages (templ components
// in package views), the JSON API under /api/v1, health and metrics. Every
// route is declared in routes.go with the access rule it requires; handlers
// return errors and one adapter (errors.go) turns domain errors into pages
// or JSON with the right status.
package web

import (
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/store"
)

// server holds the adapter's dependencies. It is built once by New.
type server struct {
	db      *store.DB
	cat     *i18n.Catalog
	log     *slog.Logger
	opts    Options
	assets  *assets
	metrics *metrics
	routes  []route
	// submitted remembers page forms posted lately (guardDoubleSubmit).
	submitted submits
}

// New returns the application's HTTP handler.
func New(o Options) (http.Handler, error) {
	if o.DB == nil {
		return nil, errors.New("web: Options.DB is required")
	}
	if o.Catalog == nil {
		c, err := i18n.Load()
		if err != nil {
			return nil, err
		}
		o.Catalog = c
	} else if err := o.Catalog.Check(); err != nil {
		// A catalogue read lazily (the command line's) is read whole
		// here, so that a broken one stops the server at start.
		return nil, err
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.SessionIdle <= 0 {
		o.SessionIdle = 12 * time.Hour
	}
	if o.SessionMax <= 0 {
		o.SessionMax = 14 * 24 * time.Hour
	}
	if o.BaseURL == "" {
		o.BaseURL = "http://127.0.0.1:8080"
	}
	o.BaseURL = strings.TrimRight(o.BaseURL, "/")
	if strings.HasPrefix(o.BaseURL, "https://") {
		o.SecureCookies = true
	}
	a, err := loadAssets(o.AssetsDir)
	if err != nil {
		return nil, err
	}
	s := &server{db: o.DB, cat: o.Catalog, log: o.Logger, opts: o, assets: a, metrics: newMetrics()}
	s.routes = s.routeTable()
	mux := http.NewServeMux()
	for _, rt := range s.routes {
		mux.Handle(rt.pattern, s.handle(rt))
	}
	mux.Handle("/", s.handle(route{pattern: "/", rule: "public", fn: s.notFound}))
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, errCrossOrigin)
	}))
	return s.observe(cop.Handler(mux)), nil
}
