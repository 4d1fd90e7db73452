package access

import "github.com/tandemhq/tandem/internal/tandem"

// Rules of the client's sales base: accounts, contacts, assignment and
// reveals. Which accounts a permitted caller sees, and how much of a
// contact, is package sales' business (sales.ScopeOf, sales.ViewContact):
// an agent sees the accounts assigned to them, a partner manager those of
// the partner's engagements, both with contact details masked.
const (
	SalesRead    Rule = "sales.read"    // the accounts and contacts the caller may see: every member
	SalesWrite   Rule = "sales.write"   // create and edit accounts and contacts, assign them: owner and manager
	SalesReveal  Rule = "sales.reveal"  // reveal one contact detail with a reason: partner agents
	SalesReveals Rule = "sales.reveals" // the log of reveals: owner, manager and viewer
	SalesExport  Rule = "sales.export"  // download the base with contacts in full: owner and manager; never a partner's role
)

// salesGrants are added to grants: kept here so that the sales rules read
// in one place.
var salesGrants = map[tandem.Role][]Rule{
	tandem.RoleOwner:         {SalesRead, SalesWrite, SalesReveals, SalesExport},
	tandem.RoleManager:       {SalesRead, SalesWrite, SalesReveals, SalesExport},
	tandem.RoleViewer:        {SalesRead, SalesReveals},
	tandem.RoleVendorManager: {SalesRead},
	tandem.RoleVendorAgent:   {SalesRead, SalesReveal},
}

func init() {
	for role, rules := range salesGrants {
		for _, r := range rules {
			grants[role][r] = true
		}
	}
}
