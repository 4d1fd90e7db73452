package access

import "github.com/tandemhq/tandem/internal/tandem"

// Rules of the sales activities: logging calls, meetings, proposals and
// follow-ups, the Today list, the batch ingestion of dialers, and the
// client's review of recorded calls. Which accounts a permitted caller may
// log on follows the base's scope (sales.ScopeOf): an agent the accounts
// assigned to them, a partner manager those of the partner's engagements,
// the client's owner and manager any assigned account of the workspace.
// Reading an account's activities is SalesRead.
const (
	SalesLog    Rule = "sales.log"    // log activities, the Today list, batch ingestion: owner, manager, partner manager and agents
	SalesReview Rule = "sales.review" // listen to and rate recorded calls: owner and manager
)

var activityGrants = map[tandem.Role][]Rule{
	tandem.RoleOwner:         {SalesLog, SalesReview},
	tandem.RoleManager:       {SalesLog, SalesReview},
	tandem.RoleVendorManager: {SalesLog},
	tandem.RoleVendorAgent:   {SalesLog},
}

func init() {
	for role, rules := range activityGrants {
		for _, r := range rules {
			grants[role][r] = true
		}
	}
}
