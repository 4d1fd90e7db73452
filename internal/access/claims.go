package access

import "github.com/tandemhq/tandem/internal/tandem"

// Rules of the claims of paid results (package sales, claim.go). Which
// claims a permitted reader sees is the store's scope: the client's people
// all of the workspace's, a partner's manager those of the partner's
// engagements, an agent the claims they made.
const (
	SalesClaimsRead   Rule = "sales.claims.read"   // the claims of an engagement: every member (scoped)
	SalesClaim        Rule = "sales.claim"         // claim a result: the partner's managers and agents
	SalesClaimsDecide Rule = "sales.claims.decide" // accept, dispute, reverse: the client's owners and managers
)

func init() {
	for role, rules := range map[tandem.Role][]Rule{
		tandem.RoleOwner:         {SalesClaimsRead, SalesClaimsDecide},
		tandem.RoleManager:       {SalesClaimsRead, SalesClaimsDecide},
		tandem.RoleViewer:        {SalesClaimsRead},
		tandem.RoleVendorManager: {SalesClaimsRead, SalesClaim},
		tandem.RoleVendorAgent:   {SalesClaimsRead, SalesClaim},
	} {
		for _, r := range rules {
			grants[role][r] = true
		}
	}
}
