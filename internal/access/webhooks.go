package access

import "github.com/tandemhq/tandem/internal/tandem"

// Rules of outgoing webhooks (package webhook). The client's owner and
// manager register endpoints for the whole workspace and see every
// endpoint, a partner's among them; a partner's manager registers and sees
// only its partner's, which receive only that partner's engagements'
// events. Agents and viewers have none.
const (
	WebhooksManage Rule = "webhooks.manage" // register, rotate, disable endpoints, read deliveries, replay
)

func init() {
	for _, role := range []tandem.Role{tandem.RoleOwner, tandem.RoleManager, tandem.RoleVendorManager} {
		grants[role][WebhooksManage] = true
	}
}
