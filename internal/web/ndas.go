package web

import (
	"net/http"
	"strconv"

	"github.com/tandemhq/tandem/internal/access"
	"github.com/tandemhq/tandem/internal/tandem"
	"github.com/tandemhq/tandem/internal/web/views"
)

// ndaPage is a partner's NDA register: who signed, when, which document,
// and who among the partner's people has access without one.
func (s *server) ndaPage(w http.ResponseWriter, r *http.Request) error {
	return s.showNDAs(w, r, views.Form{}, http.StatusOK)
}

func (s *server) showNDAs(w http.ResponseWriter, r *http.Request, f views.Form, status int) error {
	st := state(r)
	ctx, p := r.Context(), st.principal
	id, err := pathID(r)
	if err != nil {
		return err
	}
	pa, err := s.db.Partners.Get(ctx, p, id)
	if err != nil {
		return err
	}
	ndas, err := s.db.Contracts.NDAs(ctx, p, id)
	if err != nil {
		return err
	}
	members, err := s.db.Accounts.Members(ctx, p)
	if err != nil {
		return err
	}
	signed := map[int64]bool{}
	for _, n := range ndas {
		signed[n.MembershipID] = true
	}
	d := views.NDAData{Partner: pa, NDAs: ndas, Form: f, CanRecord: access.Allows(p.Role, access.MembersManage)}
	for _, m := range members {
		if m.PartnerID != id {
			continue
		}
		d.People = append(d.People, views.Option{Value: strconv.FormatInt(m.ID, 10), Label: m.UserName + " <" + m.UserEmail + ">"})
		if !signed[m.ID] {
			d.Missing = append(d.Missing, m.UserName)
		}
	}
	if d.Form.Values == nil {
		d.Form.Values = map[string][]string{"signed_on": {s.today(r).String()}}
	}
	s.render(w, r, status, views.NDAs(s.nav(r, st.loc.T("nda.title"), "partners"), d))
	return nil
}

func (s *server) ndaRecord(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	f, err := parseForm(w, r)
	if err != nil {
		return err
	}
	d, derr := tandem.ParseDate(f.Get("signed_on"))
	if derr != nil {
		err = invalidField("signed_on", "validation.date")
	} else {
		err = s.db.Contracts.RecordNDA(r.Context(), state(r).principal, formID(f.Get("membership_id")), d, f.Get("document"))
	}
	if tandem.ErrorCode(err) == tandem.ENotFound {
		err = invalidField("membership_id", "validation.one_of")
	}
	if err != nil {
		if !withErrors(r, &f, err) {
			return err
		}
		return s.showNDAs(w, r, f, invalidStatus(err))
	}
	return redirect(w, r, recordPath("/partners", id)+"/ndas")
}
