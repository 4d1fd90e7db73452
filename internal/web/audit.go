package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/a-h/templ"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/tandem"
	"github.com/tandemhq/tandem/internal/web/views"
)

// auditActions are the filter choices on the audit page; a value ending in
// "." matches every action of that entity.
var auditActions = []string{"auth.", "partner.", "engagement.", "contract.", "amendment.", "nda.", "selection.", "evidence.",
	"membership.", "invitation.", "token.", "user.", "data."}

func (s *server) auditList(w http.ResponseWriter, r *http.Request) error {
	// Kept between requests (keptPage).
	return s.keptPage(w, r, s.auditListView)
}

func (s *server) auditListView(r *http.Request) (templ.Component, error) {
	st := state(r)
	q := r.URL.Query()
	pg := pageOf(q, listLimit)
	f := auditFilter(r)
	es, total, err := s.db.Audit.List(r.Context(), st.principal, f, pg)
	if err != nil {
		return nil, err
	}
	// The entries not yet sealed in the chain (PostgreSQL seals after
	// commit, store/auditseal.go), shown when there are any.
	win, err := s.db.Audit.UnsealedOf(r.Context(), st.principal)
	if err != nil {
		return nil, err
	}
	unsealed := ""
	if win.Count > 0 {
		unsealed = st.loc.N("audit.unsealed", int64(win.Count), "age", st.loc.Decimal(win.AgeTenths(s.db.Now()), 1))
	}
	actions := []views.Option{{Value: "", Label: st.loc.T("audit.all_actions")}}
	for _, a := range auditActions {
		actions = append(actions, views.Option{Value: a, Label: st.loc.T("audit.group." + a[:len(a)-1])})
	}
	pager := views.Pager{Total: total, Offset: pg.Offset, Limit: listLimit, Query: q, Path: "/audit", Sort: "-when"}
	rows := make([]views.AuditRow, len(es))
	for i, e := range es {
		rows[i] = views.AuditRow{Entry: e, Details: auditDetails(st.loc, e.Data), Link: auditLink(e.Entity, e.EntityID)}
	}
	return views.AuditList(s.nav(r, st.loc.T("audit.title"), "audit"), rows, pager, actions, unsealed), nil
}

// auditFilter reads the audit trail's filter from the address: an action
// (or group), an actor, and days from and to (both included) in the
// reader's time zone.
func auditFilter(r *http.Request) store.AuditFilter {
	q := r.URL.Query()
	f := store.AuditFilter{Action: q.Get("action"), Actor: q.Get("actor")}
	loc := state(r).loc.Location()
	if d, err := tandem.ParseDate(q.Get("from")); err == nil && !d.IsZero() {
		f.From = inZone(d, loc)
	}
	if d, err := tandem.ParseDate(q.Get("to")); err == nil && !d.IsZero() {
		f.To = inZone(d, loc).AddDate(0, 0, 1)
	}
	return f
}

// auditLink is the page of the record an audit entry is about, or "".
func auditLink(entity string, id int64) string {
	if id == 0 {
		return ""
	}
	base := map[string]string{"partner": "/partners/", "engagement": "/engagements/", "deliverable": "/deliverables/",
		"selection": "/selections/", "sales_account": "/sales/accounts/"}[entity]
	if base == "" {
		return ""
	}
	return base + strconv.FormatInt(id, 10)
}

// inZone is midnight of d in loc.
func inZone(d tandem.Date, loc *time.Location) time.Time {
	t := d.Time()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)
}
