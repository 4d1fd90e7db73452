package web_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/web"
)

// TestCanceledRequestIsNotAnError: a client that went away is logged at
// debug as "request canceled", not at ERROR as an internal error.
func TestCanceledRequestIsNotAnError(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, "sqlite", nil)
	f := storetest.Seed(t, db)
	var logs bytes.Buffer
	h, err := web.New(web.Options{DB: db, Catalog: catalog, Version: "test",
		Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	if err != nil {
		t.Fatal(err)
	}
	secret, err := db.Accounts.CreateSession(ctx, f.Owner.UserID, f.WorkspaceID, time.Hour, "test", "")
	if err != nil {
		t.Fatal(err)
	}
	c, cancel := context.WithCancel(ctx)
	cancel()
	r := httptest.NewRequest("GET", "/partners", nil).WithContext(c)
	r.AddCookie(&http.Cookie{Name: "tandem_session", Value: secret})
	h.ServeHTTP(httptest.NewRecorder(), r)
	if out := logs.String(); strings.Contains(out, "level=ERROR") || !strings.Contains(out, `msg="request canceled"`) {
		t.Errorf("logs:\n%s", out)
	}
}
