package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
)

// TestWriteIdentityKept: a request that writes (store.ForWrite) keeps its
// identity on both databases — on PostgreSQL under the changes announced
// to the instance (pglisten.go), without a statement — and no longer
// identifies once its token is revoked: through the same instance at
// once, through another once that instance heard of it (the clock stands
// still, so nothing is dropped for its age); with the listener stopped,
// every such request reads its identity again and sees the other
// instance's revocation at once. A page (no ForWrite) reads its identity
// with every request on PostgreSQL, as before.
func TestWriteIdentityKept(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			clk := storetest.NewClock(time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC))
			db := storetest.Open(t, dialect, clk.Now)
			f := storetest.Seed(t, db)
			pg := dialect == "postgres"
			w := store.ForWrite(ctx)
			if pg {
				waitUntil(t, "the listener hears", func() bool { return store.Listening(db) })
			}
			statements := func(c context.Context, secret string) (int, error) {
				t.Helper()
				cc, n := store.WithStatementCounter(c)
				_, err := db.Accounts.IdentifyToken(cc, secret)
				return n.N(), err
			}
			kept := func(secret string) {
				t.Helper()
				// The first request writes the token's last use; the
				// second reads what that changed; the third is kept.
				for range 2 {
					if _, err := db.Accounts.IdentifyToken(w, secret); err != nil {
						t.Fatal(err)
					}
				}
				if n, err := statements(w, secret); err != nil || n != 0 {
					t.Fatalf("a write's kept identity: %d statements, %v; want 0", n, err)
				}
			}
			secret, tok, err := db.Accounts.CreateToken(ctx, f.VendorAgent, "dialer")
			if err != nil {
				t.Fatal(err)
			}
			kept(secret)
			if pg {
				if n, err := statements(ctx, secret); err != nil || n != 1 {
					t.Fatalf("a page's identity on PostgreSQL: %d statements, %v; want 1 (it brings the snapshot)", n, err)
				}
			}
			// Revoked through this instance: refused at once.
			if err := db.Accounts.RevokeToken(ctx, f.VendorAgent, tok.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := db.Accounts.IdentifyToken(w, secret); tandem.ErrorCode(err) != tandem.EUnauthorized {
				t.Fatalf("after revoking here: %v", err)
			}
			if !pg {
				return
			}
			// Revoked through another instance: refused once heard.
			other := storetest.Another(t, db)
			secret2, tok2, err := db.Accounts.CreateToken(ctx, f.VendorAgent, "crm")
			if err != nil {
				t.Fatal(err)
			}
			kept(secret2)
			if err := other.Accounts.RevokeToken(ctx, f.VendorAgent, tok2.ID); err != nil {
				t.Fatal(err)
			}
			waitUntil(t, "the other instance's revocation reaches this one", func() bool {
				_, err := db.Accounts.IdentifyToken(w, secret2)
				return tandem.ErrorCode(err) == tandem.EUnauthorized
			})
			// The listener stopped: read every time, seen at once.
			secret3, tok3, err := db.Accounts.CreateToken(ctx, f.VendorAgent, "erp")
			if err != nil {
				t.Fatal(err)
			}
			kept(secret3)
			store.StopListening(db)
			if n, err := statements(w, secret3); err != nil || n == 0 {
				t.Fatalf("with the listener stopped: %d statements, %v; want the identity read", n, err)
			}
			if err := other.Accounts.RevokeToken(ctx, f.VendorAgent, tok3.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := db.Accounts.IdentifyToken(w, secret3); tandem.ErrorCode(err) != tandem.EUnauthorized {
				t.Fatalf("revoked elsewhere, the listener stopped: %v", err)
			}
		})
	}
}

// waitUntil polls cond until it holds, failing the test when it has not
// after ten seconds (far beyond what it takes; not a timing assertion).
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited ten seconds for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
