package store_test

import (
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
)

// TestIdentify reads a session's or token's whole identity in one
// statement: the principal equals the one the membership gives, the
// workspace is the session's, and a session working in a workspace the
// person left is signed in without a workspace.
func TestIdentify(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := storetest.Seed(t, db)
		for _, p := range []tandem.Principal{f.Owner, f.VendorAgent} {
			secret, err := db.Accounts.CreateSession(ctx, p.UserID, p.WorkspaceID, time.Hour, "test", "")
			if err != nil {
				t.Fatal(err)
			}
			c, n := store.WithStatementCounter(ctx)
			id, err := db.Accounts.Identify(c, secret, time.Hour)
			if err != nil {
				t.Fatal(err)
			}
			if n.N() != 1 {
				t.Errorf("%s: %d statements, want 1", p.Email, n.N())
			}
			if !id.Member || id.Principal != p || id.Workspace.ID != f.WorkspaceID || id.Workspace.TimeZone != "Europe/Stockholm" ||
				id.Workspace.Name != "Fixture AB" || id.User.ID != p.UserID || id.Session.UserID != p.UserID {
				t.Errorf("%s: identity %+v %+v, want principal %+v", p.Email, id.Principal, id.Workspace, p)
			}
			tok, _, err := db.Accounts.CreateToken(ctx, p, "test")
			if err != nil {
				t.Fatal(err)
			}
			tid, err := db.Accounts.IdentifyToken(ctx, tok)
			if err != nil {
				t.Fatal(err)
			}
			want := p
			want.TokenID = tid.Principal.TokenID
			if !tid.Member || tid.Principal != want || want.TokenID == 0 || tid.Workspace.ID != f.WorkspaceID || tid.Session != nil {
				t.Errorf("%s: token identity %+v, want %+v", p.Email, tid.Principal, want)
			}
		}
		if _, err := db.Accounts.IdentifyToken(ctx, "no such token"); tandem.ErrorCode(err) != tandem.EUnauthorized {
			t.Errorf("unknown token: %v", err)
		}
		if _, err := db.Accounts.Identify(ctx, "no such session", time.Hour); tandem.ErrorCode(err) != tandem.EUnauthorized {
			t.Errorf("unknown session: %v", err)
		}
		// A session in the other workspace, where the owner is no member.
		secret, err := db.Accounts.CreateSession(ctx, f.Owner.UserID, f.Other, time.Hour, "test", "")
		if err != nil {
			t.Fatal(err)
		}
		id, err := db.Accounts.Identify(ctx, secret, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if id.Member || id.Workspace != nil || id.User.ID != f.Owner.UserID {
			t.Errorf("no membership: %+v", id)
		}
	})
}
