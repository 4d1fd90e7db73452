package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
	"github.com/tandemhq/tandem/internal/web"
	"github.com/tandemhq/tandem/internal/work"
)

var ctx = context.Background()

// catalog is the message catalogue of every test server and browser test,
// loaded once: it is read-only.
var catalog = i18n.MustLoad()

// env is a running Tandem over a seeded database.
type env struct {
	t   testing.TB
	srv *httptest.Server
	db  *store.DB
	f   *storetest.Fixture
}

func newEnv(t testing.TB, dialect string) *env {
	t.Helper()
	return newEnvAt(t, dialect, nil)
}

// newEnvAt is newEnv with the store's clock (nil means the real one).
func newEnvAt(t testing.TB, dialect string, now func() time.Time) *env {
	t.Helper()
	db := storetest.Open(t, dialect, now)
	f := storetest.Seed(t, db)
	h, err := web.New(web.Options{DB: db, Catalog: catalog, Version: "test",
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &env{t: t, srv: srv, db: db, f: f}
}

// client is a browser-like HTTP client: it keeps cookies and does not follow
// redirects, so tests see them.
type client struct {
	e    *env
	http *http.Client
	lang string
}

// as returns a client signed in as p (a session in p's workspace).
func (e *env) as(p tandem.Principal) *client {
	e.t.Helper()
	c := e.anon()
	secret, err := e.db.Accounts.CreateSession(ctx, p.UserID, p.WorkspaceID, time.Hour, "test", "127.0.0.1")
	if err != nil {
		e.t.Fatal(err)
	}
	u, _ := url.Parse(e.srv.URL)
	c.http.Jar.SetCookies(u, []*http.Cookie{{Name: "tandem_session", Value: secret, Path: "/"}})
	return c
}

func (e *env) anon() *client {
	jar, _ := cookiejar.New(nil)
	return &client{e: e, http: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

// token returns a bearer token for p.
func (e *env) token(p tandem.Principal) string {
	e.t.Helper()
	secret, _, err := e.db.Accounts.CreateToken(ctx, p, "test")
	if err != nil {
		e.t.Fatal(err)
	}
	return secret
}

type resp struct {
	status   int
	body     string
	location string
	header   http.Header
}

func (c *client) do(method, path string, body io.Reader, header map[string]string) resp {
	c.e.t.Helper()
	req, err := http.NewRequest(method, c.e.srv.URL+path, body)
	if err != nil {
		c.e.t.Fatal(err)
	}
	if c.lang != "" {
		req.Header.Set("Accept-Language", c.lang)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := c.http.Do(req)
	if err != nil {
		c.e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return resp{status: res.StatusCode, body: string(b), location: res.Header.Get("Location"), header: res.Header}
}

func (c *client) get(path string) resp { return c.do("GET", path, nil, nil) }

func (c *client) post(path string, form url.Values) resp {
	return c.do("POST", path, strings.NewReader(form.Encode()), map[string]string{"Content-Type": "application/x-www-form-urlencoded"})
}

func (c *client) api(method, path, token, body string) resp {
	h := map[string]string{"Authorization": "Bearer " + token}
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
		h["Content-Type"] = "application/json"
	}
	return c.do(method, path, r, h)
}

// deliverAccepted has the fixture's owner plan a deliverable of engagement
// A1 (service, due after due), its vendor agent submit it, the manager
// return it once when returned, and accept it: a first-time acceptance or
// not, on time or not, for the KPI tests.
func (e *env) deliverAccepted(t testing.TB, service, title string, due time.Duration, returned bool) *work.Deliverable {
	t.Helper()
	f := e.f
	d := &work.Deliverable{EngagementID: f.A1, ServiceKey: service, Title: title, DueAt: e.db.Now().Add(due)}
	if err := e.db.Work.Create(ctx, f.Owner, d); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.Work.Submit(ctx, f.VendorAgent, d.ID, "", nil); err != nil {
		t.Fatal(err)
	}
	if returned {
		if err := e.db.Work.Review(ctx, f.Manager, d.ID, work.Review{Reason: "quality"}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.db.Work.Submit(ctx, f.VendorAgent, d.ID, "", nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.db.Work.Review(ctx, f.Manager, d.ID, work.Review{Accepted: true}); err != nil {
		t.Fatal(err)
	}
	return d
}

// principalOf is the principal of the person signed up with email in
// their first workspace (the demo's people have one).
func principalOf(tb testing.TB, db *store.DB, email string) tandem.Principal {
	tb.Helper()
	u, err := db.Accounts.UserByEmail(ctx, email)
	if err != nil {
		tb.Fatal(err)
	}
	ms, err := db.Accounts.MembershipsOf(ctx, u.ID)
	if err != nil || len(ms) == 0 {
		tb.Fatal("no membership", err)
	}
	return ms[0].Principal()
}
