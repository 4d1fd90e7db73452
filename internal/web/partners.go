package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/a-h/templ"
	"github.com/tandemhq/tandem/internal/access"
	"github.com/tandemhq/tandem/internal/money"
	"github.com/tandemhq/tandem/internal/partner"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/web/views"
)

const listLimit = 50

func (s *server) partnerList(w http.ResponseWriter, r *http.Request) error {
	st := state(r)
	q := r.URL.Query()
	pg := pageOf(q, listLimit)
	// Kept between requests like the other pages read most (keptPage):
	// the list of 50 rows is the issue-16 benchmark's list page.
	return s.keptPage(w, r, func(r *http.Request) (templ.Component, error) {
		ps, total, err := s.db.Partners.List(r.Context(), st.principal, pg, q.Get("status"))
		if err != nil {
			return nil, err
		}
		pager := views.Pager{Total: total, Offset: pg.Offset, Limit: listLimit, Query: q, Path: "/partners"}
		statuses := options(st.loc, "partner.status.", partner.Statuses, "partners.all_statuses")
		return views.PartnerList(s.nav(r, st.loc.T("partners.title"), "partners"), ps, pager, statuses,
			access.Allows(st.principal.Role, access.PartnersWrite)), nil
	})
}

func (s *server) partnerShow(w http.ResponseWriter, r *http.Request) error {
	st := state(r)
	id, err := pathID(r)
	if err != nil {
		return err
	}
	p, err := s.db.Partners.Get(r.Context(), st.principal, id)
	if err != nil {
		return err
	}
	es, _, err := s.db.Engagements.List(r.Context(), st.principal, pageOf(url.Values{}, 200), store.EngagementFilter{PartnerID: id})
	if err != nil {
		return err
	}
	return s.page(w, r, views.PartnerShow(s.nav(r, p.LegalName, "partners"), p, es, access.Allows(st.principal.Role, access.PartnersWrite)))
}

func (s *server) partnerNew(w http.ResponseWriter, r *http.Request) error {
	f := views.Form{Values: url.Values{"status": {string(partner.StatusCandidate)}}}
	return s.partnerFormPage(w, r, f, 0, http.StatusOK)
}

func (s *server) partnerEdit(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	p, err := s.db.Partners.Get(r.Context(), state(r).principal, id)
	if err != nil {
		return err
	}
	f := views.Form{Values: url.Values{}}
	for k, v := range partnerValues(p) {
		f.Values.Set(k, v)
	}
	return s.partnerFormPage(w, r, f, id, http.StatusOK)
}

func (s *server) partnerFormPage(w http.ResponseWriter, r *http.Request, f views.Form, id int64, status int) error {
	l := state(r).loc
	title := l.T("partners.new")
	if id != 0 {
		title = l.T("partners.edit")
	}
	s.render(w, r, status, views.PartnerForm(s.nav(r, title, "partners"), f, id, options(l, "partner.status.", partner.Statuses, "")))
	return nil
}

func (s *server) partnerCreate(w http.ResponseWriter, r *http.Request) error {
	return s.partnerSave(w, r, 0)
}

func (s *server) partnerUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	return s.partnerSave(w, r, id)
}

func (s *server) partnerSave(w http.ResponseWriter, r *http.Request, id int64) error {
	f, err := parseForm(w, r)
	if err != nil {
		return err
	}
	p := partnerFromValues(f.Values)
	p.ID = id
	ctx, pr := r.Context(), state(r).principal
	if id == 0 {
		err = s.db.Partners.Create(ctx, pr, p)
	} else {
		err = s.db.Partners.Update(ctx, pr, p)
	}
	if err != nil {
		if !withErrors(r, &f, err) {
			return err
		}
		return s.partnerFormPage(w, r, f, id, invalidStatus(err))
	}
	return redirect(w, r, recordPath("/partners", p.ID))
}

func partnerFromValues(v url.Values) *partner.Partner {
	return &partner.Partner{LegalName: v.Get("legal_name"), RegNumber: v.Get("reg_number"), Country: v.Get("country"),
		Website: v.Get("website"), ContactName: v.Get("contact_name"), ContactEmail: v.Get("contact_email"),
		ContactPhone: v.Get("contact_phone"), Status: partner.Status(v.Get("status")), VATBP: vatFromForm(v.Get("vat_bp"))}
}

// vatFromForm reads the VAT rate typed as a percentage ("25", "12,5",
// "12.5"; empty is 0) into basis points; what is no percentage is -1,
// which the partner's validation refuses.
func vatFromForm(s string) int {
	s = strings.ReplaceAll(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "%")), ",", ".")
	if s == "" {
		return 0
	}
	n, err := money.ParseFixed(s, 2, '.')
	if err != nil || n < 0 || n > partner.MaxVATBP {
		return -1
	}
	return int(n)
}

// vatText is a rate in basis points as the percentage a person types back.
func vatText(bp int) string {
	s := strconv.Itoa(bp / 100)
	if r := bp % 100; r != 0 {
		s += strings.TrimRight(fmt.Sprintf(".%02d", r), "0")
	}
	return s
}

func partnerValues(p *partner.Partner) map[string]string {
	return map[string]string{"legal_name": p.LegalName, "reg_number": p.RegNumber, "country": p.Country,
		"website": p.Website, "contact_name": p.ContactName, "contact_email": p.ContactEmail,
		"contact_phone": p.ContactPhone, "status": string(p.Status), "vat_bp": vatText(p.VATBP)}
}
