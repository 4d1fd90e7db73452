package store_test

import (
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/account"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
)

// TestIdentifyKept: a session's identity kept between requests (SQLite)
// is read again once anything is written — a membership removed, the
// session ended — and is never kept past the session's idle end; what a
// caller changes in the identity it was given is not what the next caller
// gets.
func TestIdentifyKept(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			clk := storetest.NewClock(time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC))
			db := storetest.Open(t, dialect, clk.Now)
			f := storetest.Seed(t, db)
			const idle = time.Hour
			secret, err := db.Accounts.CreateSession(ctx, f.VendorAgent.UserID, f.WorkspaceID, 8*time.Hour, "test", "")
			if err != nil {
				t.Fatal(err)
			}
			id, err := db.Accounts.Identify(ctx, secret, idle)
			if err != nil || !id.Member || id.Principal != f.VendorAgent {
				t.Fatalf("first: %+v, %v", id, err)
			}
			id.Session.WorkspaceID, id.User.Name, id.Workspace.Name = 0, "changed by a caller", "changed"
			c, n := store.WithStatementCounter(ctx)
			again, err := db.Accounts.Identify(c, secret, idle)
			if err != nil || again.Session.WorkspaceID != f.WorkspaceID || again.User.Name == "changed by a caller" || again.Workspace.Name == "changed" {
				t.Fatalf("again: %+v %+v, %v", again.Session, again.User, err)
			}
			if dialect == "sqlite" && n.N() != 0 {
				t.Errorf("kept identity: %d statements, want 0", n.N())
			}
			// The membership removed: a write; the next request has no
			// workspace.
			if err := db.Accounts.RemoveMember(ctx, f.Owner, f.VendorAgent.MembershipID); err != nil {
				t.Fatal(err)
			}
			if id, err := db.Accounts.Identify(ctx, secret, idle); err != nil || id.Member {
				t.Fatalf("after the membership was removed: member %v, %v", id != nil && id.Member, err)
			}
			// Past the idle end without a write: ended, whatever is kept.
			clk.Add(idle + time.Minute)
			if _, err := db.Accounts.Identify(ctx, secret, idle); tandem.ErrorCode(err) != tandem.EUnauthorized {
				t.Fatalf("after the idle end: %v", err)
			}
			// Signed out: a write.
			other, err := db.Accounts.CreateSession(ctx, f.Owner.UserID, f.WorkspaceID, 8*time.Hour, "test", "")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.Accounts.Identify(ctx, other, idle); err != nil {
				t.Fatal(err)
			}
			if err := db.Accounts.EndSession(ctx, other, f.Owner.UserID, f.Owner.Email); err != nil {
				t.Fatal(err)
			}
			if _, err := db.Accounts.Identify(ctx, other, idle); tandem.ErrorCode(err) != tandem.EUnauthorized {
				t.Fatalf("after signing out: %v", err)
			}
			// An idle end shorter than the memo's TTL: decided on the kept
			// session's times.
			short, err := db.Accounts.CreateSession(ctx, f.Owner.UserID, f.WorkspaceID, 8*time.Hour, "test", "")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.Accounts.Identify(ctx, short, 2*time.Second); err != nil {
				t.Fatal(err)
			}
			clk.Add(3 * time.Second)
			if _, err := db.Accounts.Identify(ctx, short, 2*time.Second); tandem.ErrorCode(err) != tandem.EUnauthorized {
				t.Fatalf("3 s after its last use, with an idle end of 2 s: %v", err)
			}
		})
	}
}

// TestIdentifyTokenKept: an API token's identity kept between requests
// (SQLite) costs no statement; its last use is refreshed once it has gone
// stale, whatever is kept; revoking the token and removing its membership
// end it at once.
func TestIdentifyTokenKept(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			clk := storetest.NewClock(time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC))
			db := storetest.Open(t, dialect, clk.Now)
			f := storetest.Seed(t, db)
			secret, tok, err := db.Accounts.CreateToken(ctx, f.VendorAgent, "dialer")
			if err != nil {
				t.Fatal(err)
			}
			lastUsed := func() time.Time {
				t.Helper()
				ts, err := db.Accounts.Tokens(ctx, f.VendorAgent)
				if err != nil {
					t.Fatal(err)
				}
				for _, x := range ts {
					if x.ID == tok.ID {
						return x.LastUsedAt
					}
				}
				t.Fatalf("token %d not listed", tok.ID)
				return time.Time{}
			}
			want := f.VendorAgent
			want.TokenID = tok.ID
			if id, err := db.Accounts.IdentifyToken(ctx, secret); err != nil || id.Principal != want {
				t.Fatalf("first: %+v, %v", id, err)
			}
			if got := lastUsed(); !got.Equal(clk.Now()) {
				t.Errorf("last use after the first request: %v, want %v", got, clk.Now())
			}
			// The first request wrote its last use, which ends what it
			// kept: the second reads again, the third is kept.
			first := clk.Now()
			clk.Add(time.Second)
			if _, err := db.Accounts.IdentifyToken(ctx, secret); err != nil {
				t.Fatal(err)
			}
			c, n := store.WithStatementCounter(ctx)
			id, err := db.Accounts.IdentifyToken(c, secret)
			if err != nil || id.Principal != want {
				t.Fatalf("again: %+v, %v", id, err)
			}
			id.Workspace.Name = "changed by a caller"
			if dialect == "sqlite" && n.N() != 0 {
				t.Errorf("kept token identity: %d statements, want 0", n.N())
			}
			if again, err := db.Accounts.IdentifyToken(ctx, secret); err != nil || again.Workspace.Name == "changed by a caller" {
				t.Fatalf("a caller's change reached the next: %+v, %v", again.Workspace, err)
			}
			if got := lastUsed(); !got.Equal(first) {
				t.Errorf("last use refreshed before it was stale: %v, want %v", got, first)
			}
			// Stale: refreshed, whatever is kept.
			clk.Add(account.TokenTouchEvery)
			if _, err := db.Accounts.IdentifyToken(ctx, secret); err != nil {
				t.Fatal(err)
			}
			if got := lastUsed(); !got.Equal(clk.Now()) {
				t.Errorf("last use once stale: %v, want %v", got, clk.Now())
			}
			// Revoked: a write, and the token no longer identifies.
			if err := db.Accounts.RevokeToken(ctx, f.VendorAgent, tok.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := db.Accounts.IdentifyToken(ctx, secret); tandem.ErrorCode(err) != tandem.EUnauthorized {
				t.Fatalf("after revoking: %v", err)
			}
			// Another token, kept, then its membership removed.
			other, _, err := db.Accounts.CreateToken(ctx, f.VendorAgent, "crm")
			if err != nil {
				t.Fatal(err)
			}
			for range 2 {
				if _, err := db.Accounts.IdentifyToken(ctx, other); err != nil {
					t.Fatal(err)
				}
			}
			if err := db.Accounts.RemoveMember(ctx, f.Owner, f.VendorAgent.MembershipID); err != nil {
				t.Fatal(err)
			}
			if _, err := db.Accounts.IdentifyToken(ctx, other); tandem.ErrorCode(err) != tandem.EUnauthorized {
				t.Fatalf("after the membership was removed: %v", err)
			}
		})
	}
}
