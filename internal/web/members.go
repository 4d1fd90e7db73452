package web

import (
	"net/http"
	"strconv"

	"github.com/tandemhq/tandem/internal/access"
	"github.com/tandemhq/tandem/internal/account"
	"github.com/tandemhq/tandem/internal/tandem"
	"github.com/tandemhq/tandem/internal/web/views"
)

func (s *server) memberList(w http.ResponseWriter, r *http.Request) error {
	var d views.MembersData
	if f, ok := foundForm(r); ok {
		d.Invite = f // the invite form, its partner searched
	}
	return s.membersPage(w, r, d, http.StatusOK)
}

// membersPage renders the people page; d may carry the invite form with
// errors, or a link to show once.
func (s *server) membersPage(w http.ResponseWriter, r *http.Request, d views.MembersData, status int) error {
	st := state(r)
	ctx, p := r.Context(), st.principal
	var err error
	if d.Members, err = s.db.Accounts.Members(ctx, p); err != nil {
		return err
	}
	d.Me = p.UserID
	d.IsOwner = account.CanIssueReset(p) // the reset button
	d.CanManage = access.Allows(p.Role, access.MembersManage)
	if d.CanManage {
		if d.Invitations, err = s.db.Accounts.Invitations(ctx, p); err != nil {
			return err
		}
		for _, role := range tandem.Roles {
			if access.CanGrant(p.Role, role) {
				d.Roles = append(d.Roles, views.Option{Value: string(role), Label: st.loc.T("role." + string(role))})
			}
		}
		if d.Partners, err = s.partnerPicker(r, d.Invite, "partner_id", "members.no_partner", "/members"); err != nil {
			return err
		}
		es, err := s.db.Engagements.Options(ctx, p)
		if err != nil {
			return err
		}
		for _, e := range es {
			d.Engagements = append(d.Engagements, views.Option{Value: strconv.FormatInt(e.ID, 10), Label: e.Label})
		}
		if d.Invite.Values == nil {
			d.Invite.Values = map[string][]string{"role": {string(tandem.RoleVendorAgent)}}
		}
	}
	s.render(w, r, status, views.Members(s.nav(r, st.loc.T("members.title"), "members"), d))
	return nil
}

func (s *server) memberInvite(w http.ResponseWriter, r *http.Request) error {
	f, err := parseForm(w, r)
	if err != nil {
		return err
	}
	inv := &account.Invitation{Email: f.Get("email"), Role: tandem.Role(f.Get("role")), PartnerID: formID(f.Get("partner_id")),
		NDASignedOn: f.Get("nda_signed_on")}
	for _, v := range f.Values["engagement_ids"] {
		inv.EngagementIDs = append(inv.EngagementIDs, formID(v))
	}
	secret, err := s.db.Accounts.Invite(r.Context(), state(r).principal, inv)
	if err != nil {
		if !withErrors(r, &f, err) {
			return err
		}
		return s.membersPage(w, r, views.MembersData{Invite: f}, invalidStatus(err))
	}
	d := views.MembersData{InviteLink: s.opts.BaseURL + "/invite/" + secret}
	if s.opts.MailEnabled {
		d.InviteMail = inv.Email
	}
	return s.membersPage(w, r, d, http.StatusOK)
}

func (s *server) memberRemove(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.db.Accounts.RemoveMember(r.Context(), state(r).principal, id); err != nil {
		return err
	}
	return redirect(w, r, "/members")
}

// memberReset issues a password reset link for a member (owners only).
func (s *server) memberReset(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	st := state(r)
	if !account.CanIssueReset(st.principal) {
		return tandem.ErrForbidden
	}
	ms, err := s.db.Accounts.Members(r.Context(), st.principal)
	if err != nil {
		return err
	}
	for _, m := range ms {
		if m.ID == id {
			secret, err := s.db.Accounts.CreatePasswordReset(r.Context(), st.principal, m.UserID)
			if err != nil {
				return err
			}
			return s.membersPage(w, r, views.MembersData{ResetLink: s.opts.BaseURL + "/reset/" + secret}, http.StatusOK)
		}
	}
	return tandem.ErrNotFound
}

func (s *server) invitationRevoke(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.db.Accounts.RevokeInvitation(r.Context(), state(r).principal, id); err != nil {
		return err
	}
	return redirect(w, r, "/members")
}
