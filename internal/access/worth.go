package access

import "github.com/tandemhq/tandem/internal/tandem"

// Rules of "is it worth it?" (package worth): budgets, budget against
// actual, cost per result, return, the in-house comparison and the
// forecast are the client's business; partner people get none.
const (
	WorthRead  Rule = "worth.read"  // an engagement's budget, cost per result, return and in-house comparison: client roles
	WorthWrite Rule = "worth.write" // set budgets and save the in-house calculator: owner and manager
)

func init() {
	for _, role := range []tandem.Role{tandem.RoleOwner, tandem.RoleManager, tandem.RoleViewer} {
		grants[role][WorthRead] = true
	}
	for _, role := range []tandem.Role{tandem.RoleOwner, tandem.RoleManager} {
		grants[role][WorthWrite] = true
	}
}
