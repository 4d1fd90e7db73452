package web_test

import (
	"github.com/tandemhq/tandem/internal/account"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
)

// secondManager adds a second manager to the fixture's workspace: another
// client person who may review selections, since viewers only read.
func secondManager(e *env) tandem.Principal {
	e.t.Helper()
	u := &account.User{Email: "maja@example.com", Name: "Maja Manager", Lang: "en"}
	if err := e.db.Accounts.CreateUser(ctx, u, storetest.Password); err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.db.Accounts.AddMember(ctx, store.System(e.f.WorkspaceID, "test"), u.ID, tandem.RoleManager, 0); err != nil {
		e.t.Fatal(err)
	}
	p, err := e.db.Accounts.Principal(ctx, u.ID, e.f.WorkspaceID)
	if err != nil {
		e.t.Fatal(err)
	}
	return p
}
