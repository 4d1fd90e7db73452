package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/tandem"
	"github.com/tandemhq/tandem/internal/web/views"
)

// maxFormBytes caps a form body.
const maxFormBytes = 1 << 20

// parseForm reads a posted form, capped in size.
func parseForm(w http.ResponseWriter, r *http.Request) (views.Form, error) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		if tooBig := (*http.MaxBytesError)(nil); errors.As(err, &tooBig) {
			return views.Form{}, tandem.Errorf(tandem.ETooLarge, i18n.K("error.too_large"), "max", maxFormBytes>>20)
		}
		return views.Form{}, tandem.Errorf(tandem.EInvalid, i18n.K("error.bad_form"))
	}
	return views.Form{Values: r.PostForm, Errors: map[string]string{}}, nil
}

// withErrors fills a form's messages from a domain error. It reports false
// when err is not a validation or conflict error, which the caller returns.
func withErrors(r *http.Request, f *views.Form, err error) bool {
	e, ok := tandem.AsError(err)
	if !ok || (e.Code != tandem.EInvalid && e.Code != tandem.EConflict && e.Code != tandem.ETooMany && e.Code != tandem.EUnauthorized) {
		return false
	}
	l := state(r).loc
	if f.Errors == nil {
		f.Errors = map[string]string{}
	}
	for _, fe := range e.Fields {
		if _, dup := f.Errors[fe.Field]; !dup {
			f.Errors[fe.Field] = l.T(string(fe.Key), fe.Args...)
		}
	}
	f.Message = l.T(string(e.Key), e.Args...)
	return true
}

// invalidStatus is the status of a form shown again with errors.
func invalidStatus(err error) int { return statusOf(tandem.ErrorCode(err)) }

// pathID reads the {id} path value; a malformed id is "not found".
func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, tandem.ErrNotFound
	}
	return id, nil
}

// pageOf reads q, sort and page from a list's query string.
func pageOf(q url.Values, limit int) tandem.Page {
	n, _ := strconv.Atoi(q.Get("page"))
	if n < 1 {
		n = 1
	}
	if n > 100000 {
		n = 100000
	}
	return tandem.Page{Q: q.Get("q"), Sort: q.Get("sort"), Offset: (n - 1) * limit, Limit: limit}
}

// formID reads an optional id from a form or query value.
func formID(s string) int64 {
	id, _ := strconv.ParseInt(s, 10, 64)
	return id
}

// options turns values into localized select options, keyed prefix+value,
// optionally preceded by an "all" entry.
func options[T ~string](l *i18n.Localizer, prefix string, values []T, allKey string) []views.Option {
	var out []views.Option
	if allKey != "" {
		out = append(out, views.Option{Value: "", Label: l.T(allKey)})
	}
	for _, v := range values {
		out = append(out, views.Option{Value: string(v), Label: l.T(prefix + string(v))})
	}
	return out
}

// redirect ends a page action that did what it was asked: the browser goes
// on to the page to, which says what was done (see feedback.go).
func redirect(w http.ResponseWriter, r *http.Request, to string) error {
	setFlash(w, r)
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

// decimalSep is the decimal separator people type in l's language.
func decimalSep(l *i18n.Localizer) rune {
	if l.Lang() == i18n.EN {
		return '.'
	}
	return ','
}
