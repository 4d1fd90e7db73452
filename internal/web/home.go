package web

import (
	"net/http"

	"github.com/tandemhq/tandem/internal/access"
	"github.com/tandemhq/tandem/internal/engagement"
	"github.com/tandemhq/tandem/internal/partner"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/tandem"
	"github.com/tandemhq/tandem/internal/web/views"
)

// home is the first page after signing in: client people see their partners
// and engagements, partner people the engagements they serve.
func (s *server) home(w http.ResponseWriter, r *http.Request) error {
	st := state(r)
	if !st.member {
		return redirect(w, r, "/workspaces")
	}
	ctx, p := r.Context(), st.principal
	d := views.HomeData{Vendor: p.Side() == tandem.SidePartner, CanWrite: access.Allows(p.Role, access.EngagementsWrite)}
	var err error
	top := tandem.Page{Sort: "-created", Limit: 12}
	if d.Engagements, d.EngagementTotal, err = s.db.Engagements.List(ctx, p, tandem.Page{Sort: "status", Limit: 12}, store.EngagementFilter{}); err != nil {
		return err
	}
	if d.Vendor {
		if pa, err := s.db.Partners.Get(ctx, p, p.PartnerID); err == nil {
			d.PartnerName = pa.LegalName
		}
	} else {
		if d.Partners, d.PartnerTotal, err = s.db.Partners.List(ctx, p, top, ""); err != nil {
			return err
		}
		if _, d.ActivePartners, err = s.db.Partners.List(ctx, p, tandem.Page{Limit: 1}, string(partner.StatusActive)); err != nil {
			return err
		}
		if _, d.ActiveEngagements, err = s.db.Engagements.List(ctx, p, tandem.Page{Limit: 1}, store.EngagementFilter{Status: string(engagement.StatusActive)}); err != nil {
			return err
		}
	}
	return s.page(w, r, views.Home(s.nav(r, st.loc.T("nav.home"), "home"), d))
}

func (s *server) workspaces(w http.ResponseWriter, r *http.Request) error {
	st := state(r)
	ms, err := s.db.Accounts.MembershipsOf(r.Context(), st.user.ID)
	if err != nil {
		return err
	}
	var current int64
	if st.member {
		current = st.principal.WorkspaceID
	}
	return s.page(w, r, views.Workspaces(s.nav(r, st.loc.T("workspaces.title"), ""), ms, current))
}

func (s *server) switchWorkspace(w http.ResponseWriter, r *http.Request) error {
	f, err := parseForm(w, r)
	if err != nil {
		return err
	}
	st := state(r)
	if st.session == nil {
		return tandem.ErrUnauthorized
	}
	if err := s.db.Accounts.SetSessionWorkspace(r.Context(), st.session.ID, st.user.ID, formID(f.Get("workspace_id"))); err != nil {
		return err
	}
	return redirect(w, r, "/")
}
