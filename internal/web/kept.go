package web

import (
	"context"
	"net/http"

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
	st := state(r)
	key := pageKey{p: st.principal, lang: st.loc.Lang(), zone: st.loc.Location().String(), url: r.URL.RequestURI()}
	return s.db.Remember(r.Context(), key, func(ctx context.Context) (any, error) { return compute(r.WithContext(ctx)) })
}

// pageKey names what kept keeps for one page.
type pageKey struct {
	p    tandem.Principal
	lang i18n.Lang
	zone string
	url  string
}
