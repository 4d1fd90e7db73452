package account

import (
	"time"

	"github.com/tandemhq/tandem/internal/access"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/tandem"
)

// InvitationTTL is how long an invitation link works.
const InvitationTTL = 7 * 24 * time.Hour

// Prepare decides an invitation p sends at now: it must be valid, for a role
// p may grant, and it gives access to engagements only to a vendor agent
// (the other roles see what their role lets them; their EngagementIDs are
// dropped). It fills the workspace, the inviter and the dates. Errors:
// EInvalid.
func (inv *Invitation) Prepare(p tandem.Principal, now time.Time) error {
	if err := inv.Validate(); err != nil {
		return err
	}
	if !access.CanGrant(p.Role, inv.Role) {
		var v tandem.Validator
		v.Add("role", i18n.K("validation.role_not_grantable"))
		return v.Err()
	}
	if inv.Role != tandem.RoleVendorAgent {
		inv.EngagementIDs = nil
	}
	inv.WorkspaceID, inv.InvitedBy, inv.CreatedAt, inv.ExpiresAt = p.WorkspaceID, p.UserID, now, now.Add(InvitationTTL)
	return nil
}

// Pending reports whether the invitation's link still works at now: it works
// once, and not after it expires.
func (inv *Invitation) Pending(now time.Time) bool {
	return inv.AcceptedAt.IsZero() && now.Before(inv.ExpiresAt)
}

// NewUser prepares the user an invitation creates for someone who has no
// account yet: the invited e-mail, and a password that must be given.
func (inv *Invitation) NewUser(u *User, password string) error {
	if password == "" {
		var v tandem.Validator
		v.Add("password", i18n.K("validation.required"))
		return v.Err()
	}
	u.Email = inv.Email
	return nil
}
