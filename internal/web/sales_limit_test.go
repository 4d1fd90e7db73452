package web_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/sales"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
)

// TestSalesAPIReadLimit reads the base with a partner manager's token up
// to the hourly limit of 1,000 records (sales.DefaultReadLimit):
// 994 plain accounts and "Ankaret AB" with 4 contacts, all assigned to
// A1. The account's detail is 1 + 4 = 5 records; the list 9 pages of
// 100 and one of 95 = 995 records: 1,000 exactly, every answer 200. The
// next page is 429, in English and in Russian; the client's owner and
// manager are told once. The client's own token and the partner's
// browser session are never limited, and the next hour the token reads
// again.
func TestSalesAPIReadLimit(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			clock := storetest.NewClock(time.Date(2026, 5, 13, 10, 0, 0, 0, time.UTC))
			e := newEnvAt(t, dialect, clock.Now)
			f := e.f
			storetest.Activate(t, e.db, f.Owner, f.A1, nil)
			rows := make([]store.NewAccount, 0, 995)
			for i := range 994 {
				rows = append(rows, store.NewAccount{Account: sales.Account{Name: fmt.Sprintf("Konto %04d", i), Country: "SE"}})
			}
			anchor := store.NewAccount{Account: sales.Account{Name: "Ankaret AB", Country: "SE"}}
			for i := range 4 {
				anchor.Contacts = append(anchor.Contacts, sales.Contact{Name: fmt.Sprintf("Kontakt %d", i),
					Phones: []sales.Detail{{Typed: fmt.Sprintf("070-123 45 %02d", i)}}})
			}
			rows = append(rows, anchor)
			if err := e.db.Sales().CreateAccounts(ctx, f.Manager, rows); err != nil {
				t.Fatal(err)
			}
			if n, err := e.db.Sales().Assign(ctx, f.Manager, store.AccountFilter{Unassigned: true}, store.Assignment{EngagementID: f.A1}); err != nil || n != 995 {
				t.Fatalf("assigned %d, %v", n, err)
			}
			anchorID := rows[994].Account.ID
			partner := e.token(f.VendorManager)
			get := func(tok, lang, path string) resp {
				t.Helper()
				c := e.anon()
				c.lang = lang
				return c.api("GET", path, tok, "")
			}
			detail := fmt.Sprintf("/api/v1/sales/accounts/%d", anchorID)
			if r := get(partner, "", detail); r.status != 200 || strings.Count(r.body, `"account_id"`) != 4 {
				t.Fatalf("detail: %d %s", r.status, r.body)
			}
			for offset := 0; offset < 995; offset += 100 {
				r := get(partner, "", fmt.Sprintf("/api/v1/sales/accounts?limit=100&offset=%d", offset))
				if r.status != 200 || !strings.Contains(r.body, `"total":995`) {
					t.Fatalf("page at %d: %d %.200s", offset, r.status, r.body)
				}
			}
			refused := func(lang, path, want string) {
				t.Helper()
				r := get(partner, lang, path)
				var body struct {
					Error struct{ Code, Message string }
				}
				if r.status != 429 || json.Unmarshal([]byte(r.body), &body) != nil || body.Error.Code != string(tandem.ETooMany) ||
					body.Error.Message != want {
					t.Errorf("%s %s: %d %s, want 429 %q", lang, path, r.status, r.body, want)
				}
			}
			en := "This token has read its limit of 1,000 accounts and contacts this hour. Try again in the next hour."
			ru := "Этот токен уже прочитал за час лимит — 1\u00a0000 компаний и контактов. Попробуйте снова в следующий час."
			refused("en", "/api/v1/sales/accounts?limit=100", en)
			refused("ru", "/api/v1/sales/accounts?limit=1", ru)
			refused("en", detail+"/contacts", en)
			refused("en", detail, en)
			// The same person's browser session is not metered.
			if r := e.as(f.VendorManager).get("/sales/accounts"); r.status != 200 || !strings.Contains(r.body, "Konto 0000") {
				t.Errorf("partner page: %d", r.status)
			}
			// The client's token reads 6 × 200 = 1,200 records: never limited.
			client := e.token(f.Manager)
			for i := range 6 {
				if r := get(client, "", fmt.Sprintf("/api/v1/sales/accounts?limit=200&offset=%d", i*200%1000)); r.status != 200 {
					t.Fatalf("client page %d: %d", i, r.status)
				}
			}
			notified := func(p tandem.Principal) int {
				t.Helper()
				ns, _, err := e.db.Notifications.List(ctx, p, true, 100)
				if err != nil {
					t.Fatal(err)
				}
				n := 0
				for _, x := range ns {
					if x.Kind == sales.ReadLimitNotice {
						n++
						if x.Args["who"] != f.VendorManager.UserName || x.Args["n"] != float64(1000) {
							t.Errorf("notification: %+v", x)
						}
					}
				}
				return n
			}
			for _, p := range []tandem.Principal{f.Owner, f.Manager} {
				if n := notified(p); n != 1 {
					t.Errorf("%s notified %d times, want once", p.Role, n)
				}
			}
			for _, p := range []tandem.Principal{f.Viewer, f.VendorManager, f.VendorAgent} {
				if n := notified(p); n != 0 {
					t.Errorf("%s notified %d times", p.Role, n)
				}
			}
			// The next hour the token reads again.
			clock.Add(time.Hour)
			if r := get(partner, "", "/api/v1/sales/accounts?limit=100"); r.status != 200 {
				t.Errorf("next hour: %d %s", r.status, r.body)
			}
		})
	}
}
