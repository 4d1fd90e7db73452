package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"

	"github.com/a-h/templ"

	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/sales"
	"github.com/tandemhq/tandem/internal/tandem"
)

// kept returns what compute returns for the page r asks for, kept between
// requests until the database changes or store.MemoTTL passes
// (store.DB.Remember), per reader, language, time zone and URL (path and
// query): the pages read most — the homes, an engagement, its scorecard —
// are computed once per change instead of once per view. compute must
// depend on nothing else of r, and its result is shared by every request
// that gets it: the handler only reads it. An error is never kept.
//
// compute gets r with the context of the computation: the store records
// the tables read under it (store.DB.Remember), so compute reads through
// that r (or its context), never through the request it closes over.
func (s *server) kept(r *http.Request, compute func(r *http.Request) (any, error)) (any, error) {
	return s.db.Remember(r.Context(), s.pageKeyOf(r), func(ctx context.Context) (any, error) { return compute(r.WithContext(ctx)) })
}

// keptPage answers r with the page build returns, rendered, the HTML kept
// between requests like kept's results: a page read again with nothing
// written that it read is neither computed nor rendered (rendering was
// most of a kept page's cost: the portfolio's trend charts alone a third).
// Besides kept's key, the HTML depends on the chrome of the page (Nav):
// the reader's and workspace's names and the unread count are in the key;
// a page with a flash message is built afresh (the message shows once),
// and so is anything but a GET.
func (s *server) keptPage(w http.ResponseWriter, r *http.Request, build func(r *http.Request) (templ.Component, error)) error {
	return s.keptPageParts(w, r, func(r *http.Request, _ []templ.Component) (templ.Component, error) { return build(r) })
}

// keptHTML is the HTML of the component build returns, rendered, kept
// under key (store.DB.Remember): a part of a page (keptPageParts).
func (s *server) keptHTML(r *http.Request, key any, build func(r *http.Request) (templ.Component, error)) ([]byte, error) {
	v, err := s.db.Remember(r.Context(), key, func(ctx context.Context) (any, error) {
		r := r.WithContext(ctx)
		c, err := build(r)
		if err != nil {
			return nil, err
		}
		var buf bytes.Buffer
		if err := s.renderTo(&buf, r, c); err != nil {
			return nil, err
		}
		return buf.Bytes(), nil
	})
	if err != nil {
		return nil, err
	}
	return v.([]byte), nil
}

// keptPageParts is keptPage for a page with parts that change much more
// often than the rest of it (keptPage is the page without any) — an engagement's activity feed changes at
// every write anywhere in its workspace's audit trail, the engagement
// itself rarely. build gets, for each of parts, the component to put
// where that part goes; the page is kept with a mark there, each part is
// kept on its own (its own tables read, its own key), and every answer
// is the page's pieces with the parts' HTML between them. A write that
// ends a part computes and renders that part again, not the page: on
// PostgreSQL, where every statement is a round trip that waits its turn
// under load, the engagement page computed again at every write was the
// slowest answer of the mixed run. Each part checks by itself what the
// reader may see (it may run before the page is built: a form sent back,
// a flash message); in the kept path it runs once the page was found.
func (s *server) keptPageParts(w http.ResponseWriter, r *http.Request, build func(r *http.Request, parts []templ.Component) (templ.Component, error),
	parts ...func(r *http.Request) (templ.Component, error)) error {
	st := state(r)
	if r.Method != http.MethodGet || st.flash != "" {
		cs := make([]templ.Component, len(parts))
		for i, part := range parts {
			var err error
			if cs[i], err = part(r); err != nil {
				return err
			}
		}
		c, err := build(r, cs)
		if err != nil {
			return err
		}
		return s.page(w, r, c)
	}
	key := s.htmlKeyOf(r)
	v, err := s.db.Remember(r.Context(), key, func(ctx context.Context) (any, error) {
		r := r.WithContext(ctx)
		marks := make([]templ.Component, len(parts))
		for i := range parts {
			marks[i] = templ.Raw(partMark(i))
		}
		c, err := build(r, marks)
		if err != nil {
			return nil, err
		}
		var buf bytes.Buffer
		if err := s.renderTo(&buf, r, c); err != nil {
			return nil, err
		}
		return splitAtMarks(buf.Bytes(), len(parts))
	})
	if err != nil {
		return err
	}
	pieces := v.([][]byte)
	out := make([][]byte, 0, 2*len(parts)+1)
	out = append(out, pieces[0])
	for i, part := range parts {
		html, err := s.keptHTML(r, partKey{page: key, part: i}, part)
		if err != nil {
			return err
		}
		out = append(out, html, pieces[i+1])
	}
	writeHTMLPieces(w, http.StatusOK, out...)
	return nil
}

// keep is fn, its answers to a GET kept between requests like keptPage's
// pages: the status, headers and body fn wrote, under the same key (the
// reader, language, time zone, URL and the page's chrome) and the browser
// session (answerKey), until the database changes what fn read or
// store.MemoTTL passes. The route table
// wraps in it the reads that have no view of their own to keep: fn must
// write nothing, and its answer must depend on nothing of r but the key —
// no download that is audited, no read that is metered. Only a 200 is
// kept; an error, a redirect or any other status is answered as fn gave
// it, and so is a page with a flash message (it shows once) and a metered
// caller's read (sales.Metered: every read of the base is counted).
func (s *server) keep(fn func(w http.ResponseWriter, r *http.Request) error) func(w http.ResponseWriter, r *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		st := state(r)
		if (r.Method != http.MethodGet && r.Method != http.MethodHead) || st.flash != "" || sales.Metered(st.principal) {
			return fn(w, r)
		}
		key := answerKey{htmlKey: s.htmlKeyOf(r)}
		if st.session != nil {
			key.session = st.session.ID
		}
		v, err := s.db.Remember(r.Context(), key, func(ctx context.Context) (any, error) {
			rec := &recorder{header: http.Header{}}
			if err := fn(rec, r.WithContext(ctx)); err != nil {
				return nil, err
			}
			if rec.status != http.StatusOK {
				return nil, notKept{rec}
			}
			return rec, nil
		})
		var nk notKept
		switch {
		case errors.As(err, &nk):
			nk.replay(w)
			return nil
		case err != nil:
			return err
		}
		v.(*recorder).replay(w)
		return nil
	}
}

// answerKey names an answer kept by keep: per browser session too, since
// a page may mark the session it is read in (the account page's list of
// sessions).
type answerKey struct {
	htmlKey
	session int64
}

// recorder is an answer written by a handler keep wraps: read only once
// written, and shared by every request it answers.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (a *recorder) Header() http.Header { return a.header }

func (a *recorder) WriteHeader(status int) {
	if a.status == 0 {
		a.status = status
	}
}

func (a *recorder) Write(b []byte) (int, error) {
	a.WriteHeader(http.StatusOK)
	return a.body.Write(b)
}

// replay writes the recorded answer to w.
func (a *recorder) replay(w http.ResponseWriter) {
	h := w.Header()
	for k, vs := range a.header {
		h[k] = slices.Clone(vs) // the recorded ones are shared
	}
	status := a.status
	if status == 0 {
		status = http.StatusOK
	}
	w.WriteHeader(status)
	w.Write(a.body.Bytes())
}

// notKept carries an answer keep does not keep (not a 200) to the
// request that computed it.
type notKept struct{ *recorder }

func (notKept) Error() string { return "web: answer not kept" }

// partMark is the mark where part i of a kept page goes: a comment no
// rendered text can hold (templ escapes "<" in text and attributes).
func partMark(i int) string { return fmt.Sprintf("<!--tandem:part:%d-->", i) }

// splitAtMarks cuts a rendered page at the marks of its n parts, in
// order: n+1 pieces. A mark missing, repeated or out of order is an error
// of the page's view, never a page answered wrong.
func splitAtMarks(page []byte, n int) ([][]byte, error) {
	pieces := make([][]byte, 0, n+1)
	rest := page
	for i := range n {
		before, after, ok := bytes.Cut(rest, []byte(partMark(i)))
		if !ok {
			return nil, fmt.Errorf("web: kept page without the mark of part %d", i)
		}
		pieces = append(pieces, before)
		rest = after
	}
	if bytes.Contains(rest, []byte("<!--tandem:part:")) {
		return nil, errors.New("web: kept page with a part's mark twice")
	}
	return append(pieces, rest), nil
}

// partKey names a part of a page kept by keptPageParts.
type partKey struct {
	page htmlKey
	part int
}

// htmlKeyOf is keptPage's key of r's HTML.
func (s *server) htmlKeyOf(r *http.Request) htmlKey {
	st := state(r)
	key := htmlKey{page: s.pageKeyOf(r), unread: st.unread, hasUnread: st.hasUnread}
	if st.user != nil {
		key.user = st.user.Name
	}
	if st.workspace != nil {
		key.workspace = st.workspace.Name
	}
	return key
}

// htmlKey names a page's HTML kept by keptPage.
type htmlKey struct {
	page            pageKey
	user, workspace string
	unread          int
	hasUnread       bool
}

// pageKeyOf is kept's key of r.
func (s *server) pageKeyOf(r *http.Request) pageKey {
	st := state(r)
	return pageKey{p: st.principal, lang: st.loc.Lang(), zone: st.loc.Location().String(), url: r.URL.RequestURI()}
}

// pageKey names what kept keeps for one page.
type pageKey struct {
	p    tandem.Principal
	lang i18n.Lang
	zone string
	url  string
}
