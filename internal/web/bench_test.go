package web_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/partner"
	"github.com/tandemhq/tandem/internal/store"
)

// BenchmarkPages measures whole requests through the handler (routing,
// session look-up, access rule, queries, rendering) on SQLite, in parallel
// on all cores, against a baseline in the same run: /healthz, a small JSON
// GET. Compare req/s, or the ratio of ns/op. Run with:
//
//	go test ./internal/web -run '^$' -bench Pages -benchtime 3s
func BenchmarkPages(b *testing.B) {
	e := newEnv(b, "sqlite")
	sys := store.System(e.f.WorkspaceID, "bench")
	for i := 0; i < 60; i++ {
		p := &partner.Partner{LegalName: fmt.Sprintf("Partner %02d Försäljning AB", i), Country: "SE",
			ContactName: "Anna Svensson", ContactEmail: fmt.Sprintf("anna%d@example.com", i), Status: partner.StatusActive}
		if err := e.db.Partners.Create(ctx, sys, p); err != nil {
			b.Fatal(err)
		}
	}
	secret, err := e.db.Accounts.CreateSession(ctx, e.f.Owner.UserID, e.f.WorkspaceID, time.Hour, "bench", "")
	if err != nil {
		b.Fatal(err)
	}
	h := e.srv.Config.Handler
	get := func(path string) *http.Request {
		r := httptest.NewRequest("GET", path, nil)
		r.AddCookie(&http.Cookie{Name: "tandem_session", Value: secret})
		return r
	}
	// Check once that the list really has 50 rows.
	w := httptest.NewRecorder()
	h.ServeHTTP(w, get("/partners"))
	if n := strings.Count(w.Body.String(), `<tr>`); w.Code != 200 || n != 51 {
		b.Fatalf("partner list: status %d, %d rows", w.Code, n-1)
	}
	for _, c := range []struct{ name, path string }{
		{"baseline_healthz", "/healthz"},
		{"partner_list_50_rows", "/partners"},
		{"engagement_page", fmt.Sprintf("/engagements/%d", e.f.A1)},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			start := time.Now()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					w := httptest.NewRecorder()
					h.ServeHTTP(w, get(c.path))
					if w.Code != 200 {
						b.Errorf("%s: %d", c.path, w.Code)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "req/s")
		})
	}
}
