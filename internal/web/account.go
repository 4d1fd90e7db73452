package web

import (
	"net/http"

	"github.com/tandemhq/tandem/internal/tandem"
	"github.com/tandemhq/tandem/internal/web/views"
)

func (s *server) accountPage(w http.ResponseWriter, r *http.Request) error {
	return s.showAccount(w, r, views.AccountData{}, http.StatusOK)
}

func (s *server) showAccount(w http.ResponseWriter, r *http.Request, d views.AccountData, status int) error {
	st := state(r)
	if st.user == nil {
		return tandem.ErrUnauthorized // an API token has no account page
	}
	var err error
	d.User = st.user
	if d.Sessions, err = s.db.Accounts.Sessions(r.Context(), st.user.ID); err != nil {
		return err
	}
	d.CurrentSession = st.session.ID
	if st.member {
		d.CanTokens = true
		if d.Mail == nil {
			prefs, err := s.db.Mail().Preferences(r.Context(), st.principal)
			if err != nil {
				return err
			}
			d.Mail = s.mailPrefsView(st.loc, st.principal, prefs, nil)
		}
		if d.Tokens, err = s.db.Accounts.Tokens(r.Context(), st.principal); err != nil {
			return err
		}
		d.CanCalendar = true
		tok, err := s.db.Meetings.FeedToken(r.Context(), st.principal)
		if err != nil {
			return err
		}
		if d.CalendarActive = tok != ""; d.CalendarActive && d.NewCalendarURL == "" {
			d.CalendarURL = s.calendarURL(tok)
		}
	}
	s.render(w, r, status, views.Account(s.nav(r, st.loc.T("nav.account"), ""), d))
	return nil
}

func (s *server) sessionRevoke(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.db.Accounts.RevokeSession(r.Context(), state(r).user.ID, id); err != nil {
		return err
	}
	return redirect(w, r, "/account")
}

func (s *server) tokenCreate(w http.ResponseWriter, r *http.Request) error {
	f, err := parseForm(w, r)
	if err != nil {
		return err
	}
	secret, _, err := s.db.Accounts.CreateToken(r.Context(), state(r).principal, f.Get("name"))
	if err != nil {
		if !withErrors(r, &f, err) {
			return err
		}
		return s.showAccount(w, r, views.AccountData{TokenForm: f}, invalidStatus(err))
	}
	return s.showAccount(w, r, views.AccountData{NewToken: secret}, http.StatusOK)
}

func (s *server) tokenRevoke(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.db.Accounts.RevokeToken(r.Context(), state(r).principal, id); err != nil {
		return err
	}
	return redirect(w, r, "/account")
}

// passwordChange changes the signed-in person's password; their other
// sessions end, this one stays.
func (s *server) passwordChange(w http.ResponseWriter, r *http.Request) error {
	f, err := parseForm(w, r)
	if err != nil {
		return err
	}
	st := state(r)
	if st.user == nil || st.session == nil {
		return tandem.ErrUnauthorized
	}
	if err := s.db.Accounts.ChangePassword(r.Context(), st.user.ID, st.session.ID, f.Get("current_password"), f.Get("new_password")); err != nil {
		if !withErrors(r, &f, err) {
			return err
		}
		f.Values.Del("current_password")
		f.Values.Del("new_password")
		return s.showAccount(w, r, views.AccountData{PasswordForm: f}, invalidStatus(err))
	}
	return redirect(w, r, "/account")
}
