package store

import (
	"context"

	"github.com/tandemhq/tandem/internal/access"
	"github.com/tandemhq/tandem/internal/tandem"
)

// partnerScope limits partners (aliased pa) to what p may see.
func partnerScope(w *where, p tandem.Principal) {
	w.add("pa.workspace_id = ?", p.WorkspaceID)
	if !p.Role.IsClient() {
		w.add("pa.id = ?", p.PartnerID) // 0 for a broken membership: sees nothing
	}
}

// engagementScope limits engagements (aliased e) to what p may see: client
// roles see the workspace's engagements, a vendor manager its partner's, a
// vendor agent only those assigned to its membership — and the partner's
// people none whose access a termination closed (partner_revoked_at).
func engagementScope(w *where, p tandem.Principal) {
	w.add("e.workspace_id = ?", p.WorkspaceID)
	switch p.Role {
	case tandem.RoleOwner, tandem.RoleManager, tandem.RoleViewer:
	case tandem.RoleVendorManager:
		w.add("e.partner_id = ?", p.PartnerID)
		w.add("e.partner_revoked_at IS NULL")
	case tandem.RoleVendorAgent:
		w.add("e.partner_id = ?", p.PartnerID)
		w.add("e.partner_revoked_at IS NULL")
		w.add("EXISTS (SELECT 1 FROM engagement_assignments ea WHERE ea.engagement_id = e.id AND ea.membership_id = ?)", p.MembershipID)
	default:
		w.add("1 = 0")
	}
}

// canSeeEngagement checks that p may do perm and see engagement id (read
// through q): tandem.ErrNotFound for one p may not see, as for a missing one.
func canSeeEngagement(ctx context.Context, q querier, p tandem.Principal, perm access.Rule, id int64) error {
	if err := access.Can(p, perm); err != nil {
		return err
	}
	_, err := engagementIn(ctx, q, p, id)
	return err
}
