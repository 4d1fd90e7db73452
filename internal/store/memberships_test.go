package store_test

import (
	"testing"

	"github.com/tandemhq/tandem/internal/account"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
)

func TestRemoveMemberKeepsAnOwner(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := storetest.Seed(t, db)
		cli := store.System(f.WorkspaceID, "cli")
		// The fixture's only owner: the installation may not remove it.
		if err := db.Accounts.RemoveMember(ctx, cli, f.Owner.MembershipID); tandem.ErrorCode(err) != tandem.EConflict {
			t.Fatalf("last owner removed: %v", err)
		}
		// With a second owner, the first may go; the second then stays.
		u := &account.User{Email: "second.owner@example.com", Name: "Second Owner"}
		if err := db.Accounts.CreateUser(ctx, u, storetest.Password); err != nil {
			t.Fatal(err)
		}
		mid, err := db.Accounts.AddMember(ctx, f.Owner, u.ID, tandem.RoleOwner, 0)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.Accounts.RemoveMember(ctx, f.Owner, f.Owner.MembershipID); tandem.ErrorCode(err) != tandem.EConflict {
			t.Errorf("an owner removed themselves: %v", err)
		}
		if err := db.Accounts.RemoveMember(ctx, f.Manager, mid); tandem.ErrorCode(err) != tandem.EForbidden {
			t.Errorf("a manager removed an owner: %v", err)
		}
		if err := db.Accounts.RemoveMember(ctx, cli, f.Owner.MembershipID); err != nil {
			t.Fatalf("one of two owners: %v", err)
		}
		if err := db.Accounts.RemoveMember(ctx, cli, mid); tandem.ErrorCode(err) != tandem.EConflict {
			t.Errorf("the remaining owner removed: %v", err)
		}
		if _, err := db.Accounts.Principal(ctx, u.ID, f.WorkspaceID); err != nil {
			t.Errorf("the remaining owner: %v", err)
		}
	})
}
