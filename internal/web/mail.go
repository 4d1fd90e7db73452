package web

import (
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/tandemhq/tandem/internal/access"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/mail"
	"github.com/tandemhq/tandem/internal/notification"
	"github.com/tandemhq/tandem/internal/tandem"
	"github.com/tandemhq/tandem/internal/web/views"
)

// NotificationText is a notification in the reader's language and the path
// it leads to, as the notifications page shows it: for its e-mail.
func NotificationText(l *i18n.Localizer, n notification.Notification) (text, path string) {
	return notificationMessage(l, n), notificationLink(n)
}

// mailPrefsView is the account page's e-mail card for prefs, the areas in
// the order of their names in the reader's language, each with its kinds
// (f: the form as posted, when it comes back with errors).
func (s *server) mailPrefsView(l *i18n.Localizer, p tandem.Principal, prefs mail.Preferences, f *views.Form) *views.MailPrefsView {
	d := &views.MailPrefsView{Enabled: s.opts.MailEnabled, CanOutbox: access.Allows(p.Role, access.MailOutbox)}
	for _, a := range mail.Areas() {
		area := views.MailArea{Value: a, Label: upperFirst(mail.AreaLabel(l, a))}
		for _, k := range mail.KindsOf(a) {
			area.Kinds = append(area.Kinds, views.Option{Value: k, Label: mail.KindLabel(l, k)})
		}
		sort.SliceStable(area.Kinds, func(i, j int) bool {
			return strings.ToLower(area.Kinds[i].Label) < strings.ToLower(area.Kinds[j].Label)
		})
		d.Areas = append(d.Areas, area)
	}
	sort.SliceStable(d.Areas, func(i, j int) bool { return strings.ToLower(d.Areas[i].Label) < strings.ToLower(d.Areas[j].Label) })
	d.Modes = options(l, "mail.mode.", mail.Modes, "")
	d.KindModes = append([]views.Option{{Value: "", Label: l.T("mail.prefs.like_area")}}, d.Modes...)
	d.Freqs = options(l, "mail.frequency.", mail.Frequencies, "")
	if f != nil {
		d.Form = *f
		return d
	}
	d.Form.Values = map[string][]string{"frequency": {string(prefs.Frequency)}}
	for _, a := range d.Areas {
		m, ok := prefs.Modes[a.Value]
		if !ok {
			m = mail.Immediate
		}
		d.Form.Values["modes."+a.Value] = []string{string(m)}
		for _, k := range a.Kinds {
			d.Form.Values["kinds."+k.Value] = []string{string(prefs.Kinds[k.Value])}
		}
	}
	return d
}

func upperFirst(s string) string {
	for i := range s {
		if i > 0 {
			return strings.ToUpper(s[:i]) + s[i:]
		}
	}
	return strings.ToUpper(s)
}

// mailPreferencesSave stores the e-mail card of the account page.
func (s *server) mailPreferencesSave(w http.ResponseWriter, r *http.Request) error {
	f, err := parseForm(w, r)
	if err != nil {
		return err
	}
	st := state(r)
	prefs := mail.Preferences{Modes: map[string]mail.Mode{}, Kinds: map[string]mail.Mode{}, Frequency: mail.Frequency(f.Get("frequency"))}
	for _, a := range mail.Areas() {
		if v := f.Get("modes." + a); v != "" {
			prefs.Modes[a] = mail.Mode(v)
		}
		for _, k := range mail.KindsOf(a) {
			if v := f.Get("kinds." + k); v != "" { // "": as for the area
				prefs.Kinds[k] = mail.Mode(v)
			}
		}
	}
	if _, err := s.db.Mail().SetPreferences(r.Context(), st.principal, prefs); err != nil {
		if !withErrors(r, &f, err) {
			return err
		}
		return s.showAccount(w, r, views.AccountData{Mail: s.mailPrefsView(st.loc, st.principal, prefs, &f)}, invalidStatus(err))
	}
	return redirect(w, r, "/account#mail")
}

// unsubscribeQuestion is what an unsubscribe link asks, in the reader's
// language; "" when the link is not valid.
func (s *server) unsubscribeQuestion(r *http.Request) (string, error) {
	t, err := s.db.Mail().Unsubscription(r.Context(), r.PathValue("token"))
	if tandem.ErrorCode(err) == tandem.ENotFound {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	l := state(r).loc
	switch {
	case t.Kind == mail.DigestKind:
		return l.T("mail.unsub.confirm_digest", "email", t.Email, "workspace", t.WorkspaceName), nil
	case t.ForArea():
		return l.T("mail.unsub.confirm_area", "area", mail.AreaLabel(l, t.Kind), "email", t.Email, "workspace", t.WorkspaceName), nil
	}
	return l.T("mail.unsub.confirm_kind", "kind", mail.KindLabel(l, t.Kind), "area", mail.AreaLabel(l, mail.AreaOf(t.Kind)),
		"email", t.Email, "workspace", t.WorkspaceName), nil
}

// unsubscribeForm asks to confirm an unsubscribe link (GET never changes
// anything: mail scanners follow links).
func (s *server) unsubscribeForm(w http.ResponseWriter, r *http.Request) error {
	q, err := s.unsubscribeQuestion(r)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if q == "" {
		status = http.StatusNotFound
	}
	s.render(w, r, status, views.MailUnsubscribe(s.nav(r, state(r).loc.T("mail.unsub.title"), ""), q, false))
	return nil
}

// unsubscribe carries out an unsubscribe link: the confirm page's button,
// or a mail client's one-click POST (RFC 8058), without signing in.
func (s *server) unsubscribe(w http.ResponseWriter, r *http.Request) error {
	err := s.db.Mail().Unsubscribe(r.Context(), r.PathValue("token"))
	if tandem.ErrorCode(err) == tandem.ENotFound {
		s.render(w, r, http.StatusNotFound, views.MailUnsubscribe(s.nav(r, state(r).loc.T("mail.unsub.title"), ""), "", false))
		return nil
	}
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, views.MailUnsubscribe(s.nav(r, state(r).loc.T("mail.unsub.title"), ""), "", true))
	return nil
}

// outboxWhat names an outbox e-mail's kind in the reader's language.
func outboxWhat(l *i18n.Localizer, kind string) string {
	switch kind {
	case mail.OutboxDigest:
		return l.T("mail.what.digest")
	case mail.OutboxInvitation:
		return l.T("mail.what.invitation")
	case mail.OutboxReset:
		return l.T("mail.what.password_reset")
	}
	return l.T("mail.what.notification", "what", l.T("mail.kind."+kind))
}

var outboxBadge = map[mail.Status]string{mail.Pending: "warn", mail.Sent: "ok", mail.Failed: "bad"}

// mailOutbox lists the workspace's outgoing e-mail (owners).
func (s *server) mailOutbox(w http.ResponseWriter, r *http.Request) error {
	st := state(r)
	q := r.URL.Query()
	pg := pageOf(q, listLimit)
	es, total, err := s.db.Mail().Outbox(r.Context(), st.principal, pg)
	if err != nil {
		return err
	}
	rows := make([]views.OutboxRow, len(es))
	for i, e := range es {
		rows[i] = views.OutboxRow{To: e.To, What: outboxWhat(st.loc, e.Kind), Status: st.loc.T("mail.status." + string(e.Status)),
			StatusKind: outboxBadge[e.Status], LastError: e.LastError, Tries: e.Tries, Created: e.CreatedAt, Next: e.NextAttempt,
			Sent: e.SentAt, Pending: e.Status == mail.Pending}
	}
	pager := views.Pager{Total: total, Offset: pg.Offset, Limit: listLimit, Query: q, Path: "/mail/outbox"}
	return s.page(w, r, views.MailOutbox(s.nav(r, st.loc.T("mail.outbox.title"), ""), rows, pager, s.opts.MailEnabled, mail.MaxTries))
}

// The API of e-mail.

type apiOutboxEntry struct {
	ID            int64      `json:"id"`
	To            string     `json:"to"`
	Kind          string     `json:"kind"`
	What          string     `json:"what"`
	Status        string     `json:"status"`
	Tries         int        `json:"tries"`
	NextAttemptAt *time.Time `json:"next_attempt_at"`
	LastError     string     `json:"last_error"`
	CreatedAt     time.Time  `json:"created_at"`
	SentAt        *time.Time `json:"sent_at"`
}

type apiOutbox struct {
	apiList[apiOutboxEntry]
	Enabled bool `json:"enabled"`
}

func (s *server) apiMailOutbox(w http.ResponseWriter, r *http.Request) error {
	st := state(r)
	pg := apiPage(r)
	es, total, err := s.db.Mail().Outbox(r.Context(), st.principal, pg)
	if err != nil {
		return err
	}
	out := apiOutbox{apiList: apiList[apiOutboxEntry]{Items: make([]apiOutboxEntry, len(es)), Total: total, Limit: pg.Limit, Offset: pg.Offset},
		Enabled: s.opts.MailEnabled}
	for i, e := range es {
		x := apiOutboxEntry{ID: e.ID, To: e.To, Kind: e.Kind, What: outboxWhat(st.loc, e.Kind), Status: string(e.Status), Tries: e.Tries,
			LastError: e.LastError, CreatedAt: e.CreatedAt}
		if e.Status == mail.Pending {
			x.NextAttemptAt = &es[i].NextAttempt
		}
		if !e.SentAt.IsZero() {
			x.SentAt = &es[i].SentAt
		}
		out.Items[i] = x
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

type apiMailPreferences struct {
	Modes     map[string]string `json:"modes"` // per area
	Kinds     map[string]string `json:"kinds"` // per kind: how it is received (its own choice, else its area's)
	Frequency string            `json:"frequency"`
	Enabled   bool              `json:"enabled,omitempty"`
}

func (s *server) writeMailPreferences(w http.ResponseWriter, prefs mail.Preferences) {
	out := apiMailPreferences{Modes: map[string]string{}, Kinds: map[string]string{}, Frequency: string(prefs.Frequency), Enabled: s.opts.MailEnabled}
	for _, a := range mail.Areas() {
		m, ok := prefs.Modes[a]
		if !ok {
			m = mail.Immediate
		}
		out.Modes[a] = string(m)
		for _, k := range mail.KindsOf(a) {
			out.Kinds[k] = string(prefs.Mode(k))
		}
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *server) apiMailPreferencesGet(w http.ResponseWriter, r *http.Request) error {
	prefs, err := s.db.Mail().Preferences(r.Context(), state(r).principal)
	if err != nil {
		return err
	}
	s.writeMailPreferences(w, prefs)
	return nil
}

// apiMailPreferencesPut stores the areas named (each for all its kinds),
// then the kinds named, and the frequency (kept when omitted); it answers
// the whole choice. An unknown area, kind or mode changes nothing (422).
func (s *server) apiMailPreferencesPut(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Modes     map[string]string `json:"modes"`
		Kinds     map[string]string `json:"kinds"`
		Frequency string            `json:"frequency"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	prefs := mail.Preferences{Modes: map[string]mail.Mode{}, Kinds: map[string]mail.Mode{}, Frequency: mail.Frequency(in.Frequency)}
	for a, m := range in.Modes {
		prefs.Modes[a] = mail.Mode(m)
	}
	for k, m := range in.Kinds {
		prefs.Kinds[k] = mail.Mode(m)
	}
	saved, err := s.db.Mail().SetPreferences(r.Context(), state(r).principal, prefs)
	if err != nil {
		return err
	}
	s.writeMailPreferences(w, saved)
	return nil
}
