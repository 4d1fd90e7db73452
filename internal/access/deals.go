package access

import "github.com/tandemhq/tandem/internal/tandem"

// Rules of deals and the pipeline. Which deals a permitted caller sees is
// the sales scope of their accounts (sales.ScopeOf): an agent the deals on
// the accounts assigned to them, a partner manager those of the partner's
// engagements, the client's people all of them.
const (
	DealsRead  Rule = "deals.read"  // the board, the funnel, a deal and its history: every member
	DealsWrite Rule = "deals.write" // create, edit and move deals: owner, manager, partner manager and agents
)

var dealGrants = map[tandem.Role][]Rule{
	tandem.RoleOwner:         {DealsRead, DealsWrite},
	tandem.RoleManager:       {DealsRead, DealsWrite},
	tandem.RoleViewer:        {DealsRead},
	tandem.RoleVendorManager: {DealsRead, DealsWrite},
	tandem.RoleVendorAgent:   {DealsRead, DealsWrite},
}

func init() {
	for role, rules := range dealGrants {
		for _, r := range rules {
			grants[role][r] = true
		}
	}
}
