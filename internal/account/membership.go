package account

import (
	"github.com/tandemhq/tandem/internal/access"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/tandem"
)

// CheckGrant decides whether p may give someone role: owners any role,
// managers any but owner. Errors: EForbidden.
func CheckGrant(p tandem.Principal, role tandem.Role) error {
	if !access.CanGrant(p.Role, role) {
		return tandem.ErrForbidden
	}
	return nil
}

// CheckRemoval decides whether p may end membership m, of which the
// workspace has owners owners (m's included when m is an owner's): nobody
// removes themselves, a manager removes no owner, and the last owner stays.
// Errors: EConflict, EForbidden.
func CheckRemoval(p tandem.Principal, m Membership, owners int) error {
	if m.UserID == p.UserID {
		return tandem.Errorf(tandem.EConflict, i18n.K("members.cannot_remove_self"))
	}
	if err := CheckGrant(p, m.Role); err != nil {
		return err
	}
	if m.Role == tandem.RoleOwner && owners <= 1 {
		return tandem.Errorf(tandem.EConflict, i18n.K("members.last_owner"))
	}
	return nil
}

// Principal is who a person is when acting through membership m.
func (m Membership) Principal() tandem.Principal {
	return tandem.Principal{UserID: m.UserID, UserName: m.UserName, Email: m.UserEmail, WorkspaceID: m.WorkspaceID,
		MembershipID: m.ID, Role: m.Role, PartnerID: m.PartnerID, Lang: m.UserLang}
}
