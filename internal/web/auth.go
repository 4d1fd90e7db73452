package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/tandemhq/tandem/internal/account"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/tandem"
	"github.com/tandemhq/tandem/internal/web/views"
)

func (s *server) signinForm(w http.ResponseWriter, r *http.Request) error {
	if state(r).user != nil {
		return redirect(w, r, safeNext(r.URL.Query().Get("next")))
	}
	f := views.Form{Values: map[string][]string{"next": {r.URL.Query().Get("next")}}}
	return s.page(w, r, views.SignIn(s.nav(r, state(r).loc.T("signin.title"), ""), f))
}

func (s *server) signin(w http.ResponseWriter, r *http.Request) error {
	f, err := parseForm(w, r)
	if err != nil {
		return err
	}
	l := state(r).loc
	var v tandem.Validator
	v.Required("email", f.Get("email"))
	v.Required("password", f.Get("password"))
	err = v.Err()
	var u *account.User
	if err == nil {
		u, err = s.db.Accounts.Authenticate(r.Context(), f.Get("email"), f.Get("password"), clientIP(r))
	}
	if err != nil {
		if !withErrors(r, &f, err) {
			return err
		}
		f.Values.Set("password", "")
		s.render(w, r, invalidStatus(err), views.SignIn(s.nav(r, l.T("signin.title"), ""), f))
		return nil
	}
	secret, err := s.db.Accounts.CreateSession(r.Context(), u.ID, 0, s.opts.SessionMax, r.UserAgent(), clientIP(r))
	if err != nil {
		return err
	}
	s.setCookie(w, sessionCookie, secret, s.opts.SessionMax)
	return redirect(w, r, safeNext(f.Get("next")))
}

func (s *server) signout(w http.ResponseWriter, r *http.Request) error {
	st := state(r)
	if st.secret != "" {
		if err := s.db.Accounts.EndSession(r.Context(), st.secret, st.user.ID, st.user.Email); err != nil {
			return err
		}
	}
	s.clearCookie(w, sessionCookie)
	return redirect(w, r, "/signin")
}

// setLanguage switches the language for this browser and, when signed in,
// stores it as the person's preference.
func (s *server) setLanguage(w http.ResponseWriter, r *http.Request) error {
	f, err := parseForm(w, r)
	if err != nil {
		return err
	}
	lang, ok := i18n.Parse(f.Get("lang"))
	if !ok {
		var v tandem.Validator
		v.Add("lang", i18n.K("validation.one_of"))
		return v.Err()
	}
	if u := state(r).user; u != nil {
		if err := s.db.Accounts.SetLanguage(r.Context(), u.ID, lang); err != nil {
			return err
		}
	}
	s.setCookie(w, langCookie, string(lang), 365*24*time.Hour)
	return redirect(w, r, safeNext(f.Get("next")))
}

func (s *server) inviteForm(w http.ResponseWriter, r *http.Request) error {
	return s.showInvite(w, r, views.Form{}, http.StatusOK)
}

func (s *server) showInvite(w http.ResponseWriter, r *http.Request, f views.Form, status int) error {
	inv, ws, err := s.db.Accounts.Invitation(r.Context(), r.PathValue("token"))
	if err != nil {
		return tandem.Errorf(tandem.ENotFound, i18n.K("invite.invalid"))
	}
	st := state(r)
	existing := st.user != nil && st.user.Email == inv.Email
	if !existing && st.user == nil {
		if u, err := s.db.Accounts.UserByEmail(r.Context(), inv.Email); err == nil && u != nil {
			// The person has an account: sign in first, then come back.
			return redirect(w, r, "/signin?next="+r.URL.Path)
		}
	}
	s.render(w, r, status, views.Invite(s.nav(r, st.loc.T("invite.title", "workspace", ws.Name), ""), f,
		inv.Email, ws.Name, string(inv.Role), inv.PartnerName, existing))
	return nil
}

func (s *server) inviteAccept(w http.ResponseWriter, r *http.Request) error {
	f, err := parseForm(w, r)
	if err != nil {
		return err
	}
	st := state(r)
	token := r.PathValue("token")
	inv, _, err := s.db.Accounts.Invitation(r.Context(), token)
	if err != nil {
		return tandem.Errorf(tandem.ENotFound, i18n.K("invite.invalid"))
	}
	var userID int64
	u := &account.User{Name: strings.TrimSpace(f.Get("name")), Lang: st.loc.Lang()}
	if st.user != nil {
		if st.user.Email != inv.Email {
			return tandem.Errorf(tandem.EForbidden, i18n.K("invite.other_person"))
		}
		userID = st.user.ID
	}
	userID, err = s.db.Accounts.AcceptInvitation(r.Context(), token, userID, u, f.Get("password"))
	if err != nil {
		if !withErrors(r, &f, err) {
			return err
		}
		f.Values.Set("password", "")
		return s.showInvite(w, r, f, invalidStatus(err))
	}
	secret := st.secret
	if secret == "" {
		if secret, err = s.db.Accounts.CreateSession(r.Context(), userID, inv.WorkspaceID, s.opts.SessionMax, r.UserAgent(), clientIP(r)); err != nil {
			return err
		}
		s.setCookie(w, sessionCookie, secret, s.opts.SessionMax)
	} else if err := s.db.Accounts.SetSessionWorkspace(r.Context(), st.session.ID, userID, inv.WorkspaceID); err != nil {
		return err
	}
	return redirect(w, r, "/")
}

func (s *server) resetForm(w http.ResponseWriter, r *http.Request) error {
	return s.page(w, r, views.Reset(s.nav(r, state(r).loc.T("reset.title"), ""), views.Form{}))
}

func (s *server) reset(w http.ResponseWriter, r *http.Request) error {
	f, err := parseForm(w, r)
	if err != nil {
		return err
	}
	err = s.db.Accounts.ResetPassword(r.Context(), r.PathValue("token"), f.Get("password"))
	if tandem.ErrorCode(err) == tandem.ENotFound {
		return tandem.Errorf(tandem.ENotFound, i18n.K("reset.invalid"))
	}
	if err != nil {
		if !withErrors(r, &f, err) {
			return err
		}
		s.render(w, r, invalidStatus(err), views.Reset(s.nav(r, state(r).loc.T("reset.title"), ""), f))
		return nil
	}
	s.clearCookie(w, sessionCookie)
	return redirect(w, r, "/signin")
}

// forgotForm asks for the address of a person who forgot their password.
func (s *server) forgotForm(w http.ResponseWriter, r *http.Request) error {
	return s.page(w, r, views.Forgot(s.nav(r, state(r).loc.T("forgot.title"), ""), views.Form{}, false, s.opts.MailEnabled))
}

// forgot asks the owners of the person's workspaces for a reset link, and
// with e-mail configured e-mails one to the person. The answer is the same
// whether or not the address is known.
func (s *server) forgot(w http.ResponseWriter, r *http.Request) error {
	f, err := parseForm(w, r)
	if err != nil {
		return err
	}
	var v tandem.Validator
	if v.Required("email", f.Get("email")) {
		v.Email("email", f.Get("email"))
	}
	if err := v.Err(); err != nil {
		withErrors(r, &f, err)
		s.render(w, r, invalidStatus(err), views.Forgot(s.nav(r, state(r).loc.T("forgot.title"), ""), f, false, s.opts.MailEnabled))
		return nil
	}
	if err := s.db.Accounts.RequestReset(r.Context(), f.Get("email"), clientIP(r)); err != nil {
		return err
	}
	return s.page(w, r, views.Forgot(s.nav(r, state(r).loc.T("forgot.title"), ""), f, true, s.opts.MailEnabled))
}
