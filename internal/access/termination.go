package access

import "github.com/tandemhq/tandem/internal/tandem"

// Rules of terminating an engagement (package engagement, termination.go).
// Reading a termination follows the engagement rules; either side starts
// one — the client's owner or manager, the partner's manager; the client's
// owner and manager tick the handover checklist; only the owner closes the
// partner's access before the effective day.
const (
	Terminate        Rule = "termination.start"  // owner, manager, partner manager
	TerminationClose Rule = "termination.revoke" // owner
)

func init() {
	for _, role := range []tandem.Role{tandem.RoleOwner, tandem.RoleManager, tandem.RoleVendorManager} {
		grants[role][Terminate] = true
	}
	grants[tandem.RoleOwner][TerminationClose] = true
}
