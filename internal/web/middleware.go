package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/tandemhq/tandem/internal/access"
	"github.com/tandemhq/tandem/internal/account"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/tandem"
)

const (
	sessionCookie = "tandem_session"
	langCookie    = "tandem_lang"
)

// reqState is what the middleware learns about a request: who is asking and
// in which language. Handlers read it with state(r).
type reqState struct {
	id        string
	route     string
	api       bool
	user      *account.User
	session   *account.Session
	secret    string // the session cookie's secret
	principal tandem.Principal
	member    bool // principal is set
	workspace *account.Workspace
	loc       *i18n.Localizer
	unread    int     // unread notifications, read with the identity
	hasUnread bool    // unread is known
	revision  string  // the database's revision read with the identity (PostgreSQL; store.WithRevision)
	flash     string  // a success message left by the action before, localized
	srv       *server // the server answering, for the feedback of the request
}

type stateKey struct{}

func state(r *http.Request) *reqState {
	if st, ok := r.Context().Value(stateKey{}).(*reqState); ok {
		return st
	}
	return &reqState{}
}

// statusWriter remembers the status for logs and metrics.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// observe gives every request an id, logs it, counts it, and turns a panic
// into a 500.
func (s *server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		b := make([]byte, 8)
		rand.Read(b)
		st := &reqState{id: hex.EncodeToString(b), api: strings.HasPrefix(r.URL.Path, "/api/")}
		w.Header().Set("X-Request-Id", st.id)
		sw := &statusWriter{ResponseWriter: w}
		r = r.WithContext(context.WithValue(r.Context(), stateKey{}, st))
		defer func() {
			if p := recover(); p != nil {
				s.log.Error("panic", "request_id", st.id, "panic", fmt.Sprint(p))
				if sw.status == 0 {
					http.Error(sw, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
				}
			}
			d := time.Since(start)
			route := st.route
			if route == "" {
				route = "unmatched"
			}
			s.metrics.observe(route, sw.status, d)
			lvl := slog.LevelInfo
			if route == "GET /healthz" || route == "GET /metrics" || route == "GET /static/{file}" {
				lvl = slog.LevelDebug
			}
			s.log.Log(r.Context(), lvl, "request", "request_id", st.id, "method", r.Method, "path", r.URL.Path,
				"route", route, "status", sw.status, "duration_ms", float64(d.Microseconds())/1000)
		}()
		next.ServeHTTP(sw, r)
	})
}

// handle wraps a route's handler: it identifies the caller, installs the
// localizer, enforces the route's access rule and adapts returned errors.
func (s *server) handle(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st := state(r)
		st.route = rt.pattern
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			// A page reads: the rows its parts each load again (the
			// engagement, the workspace's zone) come once a request.
			r = r.WithContext(store.WithReadCache(r.Context()))
		} else {
			// A write needs no snapshot with its identity, which may be
			// kept on PostgreSQL too (store.ForWrite).
			r = r.WithContext(store.ForWrite(r.Context()))
		}
		if err := s.identify(w, r, st); err != nil {
			// A bad token on a public route (the OpenAPI document, health)
			// does not matter: the caller is simply anonymous.
			if rt.rule != access.Public || tandem.ErrorCode(err) != tandem.EUnauthorized {
				s.fail(w, r, err)
				return
			}
		}
		s.localize(r, st)
		ctx := i18n.WithLocalizer(r.Context(), st.loc)
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			// A page reads: the results it keeps use the revision read
			// with the identity (one round trip fewer on PostgreSQL).
			ctx = store.WithRevision(ctx, st.revision)
		}
		r = r.WithContext(ctx)
		if err := s.authorize(rt.rule, st); err != nil {
			s.fail(w, r, err)
			return
		}
		st.srv = s
		s.takeFlash(w, r, st)
		s.guardDoubleSubmit(w, r, st, func(w http.ResponseWriter) {
			if err := rt.fn(w, r); err != nil {
				s.fail(w, r, err)
			}
		})
	})
}

// identify finds who is asking: a bearer token for the API, a session
// cookie for pages.
func (s *server) identify(w http.ResponseWriter, r *http.Request, st *reqState) error {
	ctx := r.Context()
	if st.api {
		h := r.Header.Get("Authorization")
		if h == "" {
			return nil
		}
		tok, ok := strings.CutPrefix(h, "Bearer ")
		if !ok {
			return tandem.ErrUnauthorized
		}
		id, err := s.db.Accounts.IdentifyToken(ctx, strings.TrimSpace(tok))
		if err != nil {
			return err
		}
		st.principal, st.member, st.workspace = id.Principal, id.Member, id.Workspace
		st.revision = id.Revision()
		return nil
	}
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return nil
	}
	// One statement: the session, its user, membership and workspace.
	id, err := s.db.Accounts.Identify(ctx, c.Value, s.opts.SessionIdle)
	if tandem.ErrorCode(err) == tandem.EUnauthorized {
		s.clearCookie(w, sessionCookie)
		return nil
	}
	if err != nil {
		return err
	}
	se, u := id.Session, id.User
	st.user, st.session, st.secret = u, se, c.Value
	if se.WorkspaceID != 0 {
		// No membership: it was removed, and the person is signed in
		// without a workspace.
		st.principal, st.member, st.workspace = id.Principal, id.Member, id.Workspace
		st.unread, st.hasUnread = id.Unread, true
		st.revision = id.Revision()
		return nil
	}
	// Pick the first workspace for someone who has not chosen yet.
	ms, err := s.db.Accounts.MembershipsOf(ctx, u.ID)
	if err != nil {
		return err
	}
	if len(ms) == 0 {
		return nil
	}
	if err := s.db.Accounts.SetSessionWorkspace(ctx, se.ID, u.ID, ms[0].WorkspaceID); err != nil {
		return err
	}
	se.WorkspaceID = ms[0].WorkspaceID
	p, err := s.db.Accounts.Principal(ctx, u.ID, se.WorkspaceID)
	if tandem.ErrorCode(err) == tandem.ENotFound {
		return nil
	}
	if err != nil {
		return err
	}
	st.principal, st.member = p, true
	return s.loadWorkspace(ctx, st)
}

func (s *server) loadWorkspace(ctx context.Context, st *reqState) error {
	ws, err := s.db.Accounts.Workspace(ctx, st.principal.WorkspaceID)
	if err != nil {
		return err
	}
	st.workspace = ws
	return nil
}

// localize picks the language. Pages: the person's setting (once they
// chose one), else the language cookie, else Accept-Language. API: Accept-Language when the
// caller sends it, else the token owner's setting. Times are shown in the
// workspace's zone.
func (s *server) localize(r *http.Request, st *reqState) {
	var lang i18n.Lang
	var ok bool
	switch {
	case st.api && r.Header.Get("Accept-Language") != "":
		lang, ok = i18n.Negotiate(r.Header.Get("Accept-Language")), true
	case st.user != nil && st.user.Lang != "":
		lang, ok = i18n.Parse(string(st.user.Lang))
	case st.member:
		lang, ok = i18n.Parse(st.principal.Lang)
	}
	if !ok {
		if c, err := r.Cookie(langCookie); err == nil {
			lang, ok = i18n.Parse(c.Value)
		}
	}
	if !ok {
		lang = i18n.Negotiate(r.Header.Get("Accept-Language"))
	}
	loc := time.UTC
	if st.workspace != nil {
		loc = st.workspace.Location()
	}
	st.loc = s.cat.For(lang, loc)
}

// authorize enforces a route's rule.
func (s *server) authorize(rule access.Rule, st *reqState) error {
	switch {
	case rule == access.Public:
		return nil
	case st.user == nil && !st.member:
		return tandem.ErrUnauthorized
	case !rule.NeedsWorkspace():
		return nil
	case !st.member:
		return errNoWorkspace
	}
	return access.Can(st.principal, rule)
}

var (
	errNoWorkspace = tandem.Errorf(tandem.EForbidden, i18n.K("error.no_workspace"))
	errCrossOrigin = tandem.Errorf(tandem.EForbidden, i18n.K("error.cross_origin"))
)

func (s *server) setCookie(w http.ResponseWriter, name, value string, maxAge time.Duration) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: int(maxAge.Seconds()),
		HttpOnly: true, Secure: s.opts.SecureCookies, SameSite: http.SameSiteLaxMode})
}

func (s *server) clearCookie(w http.ResponseWriter, name string) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		Secure: s.opts.SecureCookies, SameSite: http.SameSiteLaxMode})
}

// clientIP is the remote address without the port.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// safeNext returns next when it is a local path, else "/".
func safeNext(next string) string {
	u, err := url.Parse(next)
	if err != nil || next == "" || u.IsAbs() || u.Host != "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") {
		return "/"
	}
	return next
}

var errBadID = errors.New("web: bad id")
