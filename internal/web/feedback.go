package web

import (
	"crypto/sha256"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Feedback after an action, for pages (the API answers for itself):
//
//   - a success message: a form that did what it was asked redirects
//     (303, see redirect), and the page it leads to says what was done, once.
//     The message is the catalogue's "flash.<route>" for the route's path
//     without its parameters, "-" read as "_" ("POST /engagements/{id}/activate"
//     → "flash.engagements.activate"), or "flash.done" when the route has none.
//   - a double submit does nothing twice: app.js gives every form of a page a
//     random once-token; the same form (session, path, token) posted again
//     within doubleSubmitWindow is not carried out again — the answer is the
//     first one's redirect. This holds per server process; two instances
//     behind a balancer each keep their own memory, which is enough for a
//     double click (one connection). The browser's "resend the form" after a
//     reload sends the same token and is answered the same way.
//   - a form answered with errors keeps a reloadable address: the page asks
//     the browser (app.js) to show the address of the page the form was on,
//     so that reloading it does not post again or land on a 404.

const (
	flashCookie        = "tandem_flash"
	doubleSubmitWindow = 10 * time.Second
)

// noFlash are routes whose outcome shows by itself.
var noFlash = map[string]bool{
	"POST /signin": true, "POST /signout": true, "POST /language": true, "POST /workspaces/switch": true,
}

// flashKey is the catalogue key of the success message of a route.
func flashKey(route string) string {
	_, path, _ := strings.Cut(route, " ")
	var segs []string
	for _, s := range strings.Split(strings.Trim(path, "/"), "/") {
		if s != "" && !strings.HasPrefix(s, "{") {
			segs = append(segs, strings.ReplaceAll(s, "-", "_"))
		}
	}
	return "flash." + strings.Join(segs, ".")
}

// setFlash remembers, for the next page, that the action of this request
// was done.
func setFlash(w http.ResponseWriter, r *http.Request) {
	st := state(r)
	if st.api || r.Method != http.MethodPost || noFlash[st.route] || st.route == "" || st.srv == nil {
		return
	}
	key := flashKey(st.route)
	if st.loc == nil || !st.loc.Has(key) {
		key = "flash.done"
	}
	st.srv.setCookie(w, flashCookie, key, time.Minute)
}

// takeFlash reads the message a redirect left for this page and clears it.
// Only a key of the catalogue is shown: the cookie is the browser's to
// change.
func (s *server) takeFlash(w http.ResponseWriter, r *http.Request, st *reqState) {
	c, err := r.Cookie(flashCookie)
	if err != nil || r.Method != http.MethodGet {
		return
	}
	s.clearCookie(w, flashCookie)
	if strings.HasPrefix(c.Value, "flash.") && st.loc.Has(c.Value) {
		st.flash = st.loc.T(c.Value)
	}
}

// submits remembers the page forms posted lately: by session, route and
// body, where their redirect led.
type submits struct {
	mu   sync.Mutex
	seen map[[32]byte]submitted
}

type submitted struct {
	to string
	at time.Time
}

// onceField is the hidden field app.js adds to every form a page posts: a
// random token per page view, the same when the same form is sent twice.
const onceField = "_once"

// fingerprint identifies a posted form: the session, the path and the
// form's once-token. It reads the body and puts it back. A form without a
// token (a script-less browser, a program) is not guarded, nor is an upload.
func fingerprint(r *http.Request, session string) ([32]byte, bool) {
	if r.Body == nil || r.ContentLength > 1<<20 || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		return [32]byte{}, false
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		return [32]byte{}, false
	}
	r.Body = io.NopCloser(strings.NewReader(string(body)))
	vals, err := url.ParseQuery(string(body))
	once := vals.Get(onceField)
	if err != nil || once == "" {
		return [32]byte{}, false
	}
	return sha256.Sum256([]byte(session + "\x00" + r.URL.Path + "\x00" + once)), true
}

// replay returns where the same form, posted within the window, led.
func (m *submits) replay(key [32]byte, now time.Time) (string, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	prev, ok := m.seen[key]
	if !ok || now.Sub(prev.at) > doubleSubmitWindow {
		return "", false
	}
	return prev.to, true
}

// remember notes where a form led, dropping what is past the window.
func (m *submits) remember(key [32]byte, to string, now time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.seen == nil {
		m.seen = map[[32]byte]submitted{}
	}
	if len(m.seen) > 1000 {
		for k, v := range m.seen {
			if now.Sub(v.at) > doubleSubmitWindow {
				delete(m.seen, k)
			}
		}
	}
	m.seen[key] = submitted{to: to, at: now}
}

// redirectWriter notes the Location of a 303.
type redirectWriter struct {
	http.ResponseWriter
	to string
}

func (w *redirectWriter) WriteHeader(code int) {
	if code == http.StatusSeeOther {
		w.to = w.Header().Get("Location")
	}
	w.ResponseWriter.WriteHeader(code)
}

// guardDoubleSubmit runs a page form's handler unless the same session
// posted the same form within the window; then it answers with the first
// post's redirect.
func (s *server) guardDoubleSubmit(w http.ResponseWriter, r *http.Request, st *reqState, run func(http.ResponseWriter)) {
	if st.api || r.Method != http.MethodPost || st.session == nil || noFlash[st.route] {
		run(w)
		return
	}
	key, ok := fingerprint(r, st.secret)
	if !ok {
		run(w)
		return
	}
	if to, ok := s.submitted.replay(key, time.Now()); ok {
		http.Redirect(w, r, to, http.StatusSeeOther)
		return
	}
	rw := &redirectWriter{ResponseWriter: w}
	run(rw)
	if rw.to != "" {
		s.submitted.remember(key, rw.to, time.Now())
	}
}

// returnURL is the address to show for a page answering a form with
// errors: the page the form was on (same origin only), or "".
func returnURL(r *http.Request) string {
	if r.Method != http.MethodPost {
		return ""
	}
	ref, err := url.Parse(r.Referer())
	if err != nil || ref.Host != r.Host || ref.Path == "" {
		return ""
	}
	return safeNext(ref.RequestURI())
}
