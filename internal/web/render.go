package web

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"sync"

	"github.com/a-h/templ"

	"github.com/tandemhq/tandem/internal/access"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/web/views"
)

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// render writes a page. It renders into a buffer first so that a template
// error becomes a clean 500, never half a page.
func (s *server) render(w http.ResponseWriter, r *http.Request, status int, c templ.Component) {
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer bufPool.Put(buf)
	if err := s.renderTo(buf, r, c); err != nil {
		if r.Context().Err() != nil {
			// The client went away while the page was rendered (templ stops
			// on a done context): nobody reads it, and nothing is wrong.
			s.log.Debug("render canceled", "request_id", state(r).id, "err", err)
			w.WriteHeader(499)
			return
		}
		s.log.Error("render", "request_id", state(r).id, "err", err)
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
		return
	}
	writeHTML(w, status, buf.Bytes())
}

// rendered answers r with status and the page a view built afresh, or
// with the view's error: s.rendered(w, r, status)(s.someView(r, form)) is
// a page sent back with its form's errors, while the same view, kept
// between requests, answers a plain GET (keptPage).
func (s *server) rendered(w http.ResponseWriter, r *http.Request, status int) func(templ.Component, error) error {
	return func(c templ.Component, err error) error {
		if err != nil {
			return err
		}
		s.render(w, r, status, c)
		return nil
	}
}

// renderTo renders c for r into buf.
func (s *server) renderTo(buf *bytes.Buffer, r *http.Request, c templ.Component) error {
	ctx := r.Context()
	if st := state(r); st.member {
		ctx = views.WithCan(ctx, func(rule access.Rule) bool { return access.Allows(st.principal.Role, rule) })
	}
	return c.Render(ctx, buf)
}

// writeHTML answers a rendered page with its headers.
func writeHTML(w http.ResponseWriter, status int, page []byte) { writeHTMLPieces(w, status, page) }

// writeHTMLPieces answers a page rendered in pieces (a kept page and its
// kept parts, keptPageParts), written one after the other: joining them
// first would copy the whole page at every answer.
func writeHTMLPieces(w http.ResponseWriter, status int, pieces ...[]byte) {
	n := 0
	for _, p := range pieces {
		n += len(p)
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(n))
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'")
	w.WriteHeader(status)
	for _, p := range pieces {
		w.Write(p)
	}
}

// page renders a page with status 200.
func (s *server) page(w http.ResponseWriter, r *http.Request, c templ.Component) error {
	s.render(w, r, http.StatusOK, c)
	return nil
}

// writeJSON writes v as JSON with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, `{"error":{"code":"internal","message":"encoding failed"}}`, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(b)
	w.Write([]byte("\n"))
}

// nav builds the chrome of a page for the current person.
func (s *server) nav(r *http.Request, title, active string) views.Nav {
	st := state(r)
	n := views.Nav{
		Title:   title,
		Active:  active,
		Path:    r.URL.RequestURI(),
		CSS:     s.assets.url("app.css"),
		JS:      s.assets.url("app.js"),
		Version: s.opts.Version,
		Langs:   i18n.Supported,
		Flash:   st.flash,
		Return:  returnURL(r),
	}
	if st.loc != nil {
		n.Lang = string(st.loc.Lang())
	}
	if st.user != nil {
		n.UserName = st.user.Name
		n.SignedIn = true
	}
	if st.member {
		n.Role = string(st.principal.Role)
		n.HasWorkspace = true
		n.Can = func(rule access.Rule) bool { return access.Allows(st.principal.Role, rule) }
		if r.Method == http.MethodGet && st.hasUnread {
			n.Unread = st.unread
		} else if r.Method == http.MethodGet {
			// The unread count is chrome: without it the page still
			// serves its purpose, so a failure is logged, not shown.
			var err error
			if n.Unread, err = s.db.Notifications.Unread(r.Context(), st.principal); err != nil {
				s.log.Error("nav: unread notifications", "request_id", st.id, "route", st.route, "err", err)
			}
		}
	} else {
		n.Can = func(access.Rule) bool { return false }
	}
	if st.workspace != nil {
		n.WorkspaceName = st.workspace.Name
	}
	return n
}
