package web_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/demo"
	"github.com/tandemhq/tandem/internal/partner"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
	"github.com/tandemhq/tandem/internal/web"
)

// BenchmarkDemo serves the demo in-process (the handler called directly:
// no sockets, no load generator on the cores) and reports each page's
// requests a second and their ratio to a plain net/http hello-world
// handler measured in the same run ("x_hello": 0.25 is a quarter of
// hello-world's rate). The partner list has 50 rows. Nothing is asserted
// about time. Run with:
//
//	nice -n 19 go test ./internal/web -run '^$' -bench Demo -benchtime 2s
func BenchmarkDemo(b *testing.B) {
	clk := demo.NewClock(nil)
	db := storetest.Open(b, "sqlite", clk.Now)
	logins, err := demo.Load(context.Background(), db, clk)
	if err != nil {
		b.Fatal(err)
	}
	h, err := web.New(web.Options{DB: db, Catalog: catalog, Version: "bench", Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	sessionOf := func(email string) (string, tandem.Principal) {
		p := principalOf(b, db, email)
		secret, err := db.Accounts.CreateSession(ctx, p.UserID, p.WorkspaceID, 24*time.Hour, "bench", "")
		if err != nil {
			b.Fatal(err)
		}
		return secret, p
	}
	session := func(role tandem.Role) (string, tandem.Principal) {
		for _, l := range logins {
			if l.Role == string(role) {
				return sessionOf(l.Email)
			}
		}
		b.Fatalf("no demo login with role %s", role)
		return "", tandem.Principal{}
	}
	owner, op := session(tandem.RoleOwner)
	manager, _ := session(tandem.RoleManager)
	agent, _ := session(tandem.RoleVendorAgent)
	// The sales agent's screens: Today, the board of the engagement of the
	// agent's first account, that account's page.
	seller, sp := sessionOf("aleksei.smirnov@nordcall.example")
	var acct, salesEng int64
	if err := store.QueryRowRaw(db, `SELECT id, engagement_id FROM sales_accounts WHERE workspace_id = ? AND agent_membership_id = ? ORDER BY id LIMIT 1`,
		sp.WorkspaceID, sp.MembershipID).Scan(&acct, &salesEng); err != nil {
		b.Fatal(err)
	}
	sys := store.System(op.WorkspaceID, "bench")
	_, total, err := db.Partners.List(ctx, op, tandem.Page{Limit: 1}, "")
	if err != nil {
		b.Fatal(err)
	}
	for i := total; i < 50; i++ {
		p := &partner.Partner{LegalName: fmt.Sprintf("Bench partner %02d AB", i), Country: "SE", Status: partner.StatusActive}
		if err := db.Partners.Create(ctx, sys, p); err != nil {
			b.Fatal(err)
		}
	}
	es, _, err := db.Engagements.List(ctx, op, tandem.Page{Limit: 50, Sort: "title"}, store.EngagementFilter{})
	if err != nil || len(es) == 0 {
		b.Fatal("no engagements", err)
	}
	var eng int64
	for _, e := range es {
		if e.Status == "active" {
			eng = e.ID
			break
		}
	}
	hello := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		io.WriteString(w, "Hello, world!\n")
	})
	var helloRate float64
	for _, c := range []struct {
		name, path, cookie string
		h                  http.Handler
	}{
		{"hello_world", "/", "", hello},
		{"healthz", "/healthz", "", h},
		{"partners_list_50_rows", "/partners", owner, h},
		{"engagement_page", fmt.Sprintf("/engagements/%d", eng), owner, h},
		{"scorecard_page", fmt.Sprintf("/engagements/%d/scorecard", eng), owner, h},
		{"portfolio", "/portfolio", owner, h},
		{"owner_home", "/", owner, h},
		{"manager_home", "/", manager, h},
		{"agent_home", "/", agent, h},
		{"sales_today", "/sales/today", seller, h},
		{"sales_board", fmt.Sprintf("/engagements/%d/sales/board", salesEng), seller, h},
		{"sales_account", fmt.Sprintf("/sales/accounts/%d", acct), seller, h},
	} {
		b.Run(c.name, func(b *testing.B) {
			get := func() *http.Request {
				r := httptest.NewRequest("GET", c.path, nil)
				if c.cookie != "" {
					r.AddCookie(&http.Cookie{Name: "tandem_session", Value: c.cookie})
				}
				return r
			}
			w := httptest.NewRecorder()
			c.h.ServeHTTP(w, get())
			if w.Code != http.StatusOK {
				b.Fatalf("%s: status %d", c.path, w.Code)
			}
			b.ReportAllocs()
			b.ResetTimer()
			start := time.Now()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					w := httptest.NewRecorder()
					c.h.ServeHTTP(w, get())
					if w.Code != http.StatusOK {
						b.Errorf("%s: %d", c.path, w.Code)
						return
					}
				}
			})
			rate := float64(b.N) / time.Since(start).Seconds()
			b.ReportMetric(rate, "req/s")
			if c.name == "hello_world" {
				helloRate = rate
			} else if helloRate > 0 {
				b.ReportMetric(rate/helloRate, "x_hello")
			}
		})
		if c.cookie == "" {
			continue
		}
		// The same page cold: every kept result dropped before each
		// request, as after a write. One request at a time, so that
		// ns/op is the page's cost when nothing is kept.
		b.Run(c.name+"_cold", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				db.Forget()
				w := httptest.NewRecorder()
				r := httptest.NewRequest("GET", c.path, nil)
				r.AddCookie(&http.Cookie{Name: "tandem_session", Value: c.cookie})
				c.h.ServeHTTP(w, r)
				if w.Code != http.StatusOK {
					b.Fatalf("%s: %d", c.path, w.Code)
				}
			}
		})
	}
}
