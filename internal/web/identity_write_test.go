package web_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/web"
)

// TestWriteDoesNotReadItsIdentityAgain: a request that writes keeps its
// caller's identity between requests on both databases (store.ForWrite,
// set by the route table's wrapper for every method but GET and HEAD): on
// PostgreSQL once the instance hears the change log's announcements
// (store/pglisten.go), which it starts listening for at the first write.
// A page still reads it with every request there (with its snapshot).
func TestWriteDoesNotReadItsIdentityAgain(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			db := storetest.Open(t, dialect, nil)
			f := storetest.Seed(t, db)
			h, err := web.New(web.Options{DB: db, Catalog: catalog, Version: "test", Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
			if err != nil {
				t.Fatal(err)
			}
			token, _, err := db.Accounts.CreateToken(ctx, f.Owner, "test")
			if err != nil {
				t.Fatal(err)
			}
			send := func(method, path, body string) []string {
				t.Helper()
				r := httptest.NewRequest(method, path, strings.NewReader(body))
				r.Header.Set("Authorization", "Bearer "+token)
				r.Header.Set("Content-Type", "application/json")
				c, n := store.WithStatementCounter(r.Context())
				w := httptest.NewRecorder()
				h.ServeHTTP(w, r.WithContext(c))
				if w.Code != http.StatusCreated && w.Code != http.StatusOK {
					t.Fatalf("%s %s: %d %s", method, path, w.Code, w.Body)
				}
				return n.Texts()
			}
			// The token's identity (its statement's first line, as counted),
			// or the snapshot a kept one is checked against when the
			// listener does not hear yet.
			readsIdentity := func(texts []string) bool {
				for _, q := range texts {
					if strings.HasPrefix(q, "SELECT t.id, t.last_used_at") || strings.Contains(q, "pg_current_snapshot") {
						return true
					}
				}
				return false
			}
			deadline := time.Now().Add(10 * time.Second)
			for i := 0; ; i++ {
				texts := send("POST", "/api/v1/partners", `{"legal_name":"Partner `+string(rune('A'+i%26))+`","country":"SE"}`)
				if i >= 2 && !readsIdentity(texts) {
					break // the first wrote the token's last use, the second read what that changed
				}
				if time.Now().After(deadline) {
					t.Fatalf("after %d writes each still reads its identity:\n  %s", i+1, strings.Join(texts, "\n  "))
				}
				time.Sleep(10 * time.Millisecond)
			}
			if texts := send("GET", "/api/v1/partners", ""); dialect == "postgres" && !readsIdentity(texts) {
				t.Errorf("a read on PostgreSQL did not read its identity (with the snapshot its kept results need):\n  %s", strings.Join(texts, "\n  "))
			}
		})
	}
}
