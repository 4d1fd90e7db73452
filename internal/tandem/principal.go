package tandem

// Role is what a membership may do in a workspace.
type Role string

// Client-side and partner-side roles.
const (
	RoleOwner         Role = "owner"          // client: everything, including members and the audit trail
	RoleManager       Role = "manager"        // client: runs engagements, partners, invitations
	RoleViewer        Role = "viewer"         // client: read-only (auditor, committee member)
	RoleVendorManager Role = "vendor_manager" // partner: the engagements its partner serves
	RoleVendorAgent   Role = "vendor_agent"   // partner: only the engagements assigned to them
)

// Roles lists every role, client roles first.
var Roles = []Role{RoleOwner, RoleManager, RoleViewer, RoleVendorManager, RoleVendorAgent}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	for _, x := range Roles {
		if r == x {
			return true
		}
	}
	return false
}

// IsVendor reports whether r belongs to a partner's person.
func (r Role) IsVendor() bool { return r == RoleVendorManager || r == RoleVendorAgent }

// IsClient reports whether r belongs to the client company's people.
func (r Role) IsClient() bool { return r == RoleOwner || r == RoleManager || r == RoleViewer }

// Principal is who is asking: a user acting through one membership of one
// workspace. Every storage call that reads or writes workspace data takes a
// Principal and scopes its queries by it.
type Principal struct {
	UserID       int64
	UserName     string
	Email        string
	WorkspaceID  int64
	MembershipID int64
	Role         Role
	PartnerID    int64  // the partner a vendor role belongs to; 0 for client roles
	TokenID      int64  // the API token used, 0 for a browser session
	Lang         string // the user's preferred language
}

// Actor returns a short label for the audit trail.
func (p Principal) Actor() string {
	if p.Email != "" {
		return p.Email
	}
	return "system"
}

// Page asks for one page of a list.
type Page struct {
	Q      string // free-text search
	Sort   string // a field name, "-" prefix for descending
	Offset int
	Limit  int
}

// CountCap is how far past a page's start a list counts its rows: a total
// above Offset+CountCap is shown as "more than" that (Capped).
const CountCap = 1000

// Capped reports whether a list's total was cut at CountCap past the page:
// the list has more than Offset+CountCap rows.
func (p Page) Capped(total int) bool { return total > p.Offset+CountCap }

// Normalize clamps the limit to [1, 200] (default 50) and the offset to >= 0.
func (p Page) Normalize() Page {
	if p.Limit <= 0 {
		p.Limit = 50
	}
	if p.Limit > 200 {
		p.Limit = 200
	}
	if p.Offset < 0 {
		p.Offset = 0
	}
	return p
}

// Side is which party of an engagement a person speaks for: the client
// company or the partner.
type Side string

// The two sides.
const (
	SideClient  Side = "client"
	SidePartner Side = "partner"
)

// Side is the side of a role: the partner's for vendor roles, else the
// client's.
func (r Role) Side() Side {
	if r.IsVendor() {
		return SidePartner
	}
	return SideClient
}

// Side is the side p speaks for (Role.Side).
func (p Principal) Side() Side { return p.Role.Side() }
