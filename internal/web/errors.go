package web

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/tandem"
	"github.com/tandemhq/tandem/internal/web/views"
)

// statusOf maps a domain error code to an HTTP status.
func statusOf(code tandem.Code) int {
	switch code {
	case tandem.EInvalid:
		return http.StatusUnprocessableEntity
	case tandem.ENotFound:
		return http.StatusNotFound
	case tandem.EConflict:
		return http.StatusConflict
	case tandem.EUnauthorized:
		return http.StatusUnauthorized
	case tandem.EForbidden:
		return http.StatusForbidden
	case tandem.ETooMany:
		return http.StatusTooManyRequests
	case tandem.ETooLarge:
		return http.StatusRequestEntityTooLarge
	}
	return http.StatusInternalServerError
}

// apiError is the JSON shape of every API error.
type apiError struct {
	Error apiErrorBody `json:"error"`
}

type apiErrorBody struct {
	Code    string          `json:"code"`
	Message string          `json:"message"`
	Fields  []apiFieldError `json:"fields,omitempty"`
}

type apiFieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// fail is the one place where a handler's error becomes a response. Only
// internal errors are logged; their detail is never shown.
func (s *server) fail(w http.ResponseWriter, r *http.Request, err error) {
	st := state(r)
	if st.loc == nil {
		s.localize(r, st)
	}
	l := st.loc
	e, ok := tandem.AsError(err)
	if !ok && r.Context().Err() != nil {
		// The client went away (or its deadline passed): nobody reads
		// the answer, and it is not the server's fault.
		s.log.Debug("request canceled", "request_id", st.id, "route", st.route, "err", err)
		w.WriteHeader(499)
		return
	}
	if !ok {
		s.log.Error("internal error", "request_id", st.id, "route", st.route, "err", err)
		e = tandem.Errorf(tandem.EInternal, i18n.K("error.internal"))
	}
	status := statusOf(e.Code)
	msg := l.T(string(e.Key), e.Args...)
	if st.api {
		body := apiError{Error: apiErrorBody{Code: string(e.Code), Message: msg}}
		for _, f := range e.Fields {
			body.Error.Fields = append(body.Error.Fields, apiFieldError{Field: f.Field, Message: l.T(string(f.Key), f.Args...)})
		}
		if e.Code == tandem.EUnauthorized {
			w.Header().Set("WWW-Authenticate", `Bearer realm="tandem"`)
		}
		writeJSON(w, status, body)
		return
	}
	if r.Method == http.MethodGet {
		switch {
		case e.Code == tandem.EUnauthorized && st.user == nil:
			http.Redirect(w, r, "/signin?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		case errors.Is(err, errNoWorkspace):
			http.Redirect(w, r, "/workspaces", http.StatusSeeOther)
			return
		}
	}
	var fields []string
	for _, f := range e.Fields {
		fields = append(fields, l.T(string(f.Key), f.Args...))
	}
	s.render(w, r, status, views.ErrorPage(s.nav(r, l.T("error.title"), ""), status, msg, fields))
}

func (s *server) notFound(w http.ResponseWriter, r *http.Request) error { return tandem.ErrNotFound }
