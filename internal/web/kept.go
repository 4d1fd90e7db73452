package web

import (
	"bytes"
	"context"
	"net/http"

	"github.com/a-h/templ"

	"github.com/tandemhq/tandem/internal/i18n"
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
	st := state(r)
	if r.Method != http.MethodGet || st.flash != "" {
		c, err := build(r)
		if err != nil {
			return err
		}
		return s.page(w, r, c)
	}
	key := htmlKey{page: s.pageKeyOf(r), unread: st.unread, hasUnread: st.hasUnread}
	if st.user != nil {
		key.user = st.user.Name
	}
	if st.workspace != nil {
		key.workspace = st.workspace.Name
	}
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
		return err
	}
	writeHTML(w, http.StatusOK, v.([]byte))
	return nil
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
