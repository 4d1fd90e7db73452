package store

import "github.com/tandemhq/tandem/internal/tandem"

// partnerScope limits partners (aliased pa) to what p may see.
func partnerScope(w *where, p tandem.Principal) {
	w.add("pa.workspace_id = ?", p.WorkspaceID)
	if !p.Role.IsClient() {
		w.add("pa.id = ?", p.PartnerID) // 0 for a broken membership: sees nothing
	}
}

// engagementScope limits engagements (aliased e) to what p may see: client
// roles see the workspace's engagements, a vendor manager its partner's, a
// vendor agent only those assigned to its membership.
func engagementScope(w *where, p tandem.Principal) {
	w.add("e.workspace_id = ?", p.WorkspaceID)
	switch p.Role {
	case tandem.RoleOwner, tandem.RoleManager, tandem.RoleViewer:
	case tandem.RoleVendorManager:
		w.add("e.partner_id = ?", p.PartnerID)
	case tandem.RoleVendorAgent:
		w.add("e.partner_id = ?", p.PartnerID)
		w.add("EXISTS (SELECT 1 FROM engagement_assignments ea WHERE ea.engagement_id = e.id AND ea.membership_id = ?)", p.MembershipID)
	default:
		w.add("1 = 0")
	}
}
