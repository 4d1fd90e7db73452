package access

import "github.com/tandemhq/tandem/internal/tandem"

// Rules of invoices (package invoice). A partner's agent does not read
// invoices: what the partner is paid is its management's business, and an
// invoice lists every result of the engagement, not only the agent's own.
// Which invoices a permitted reader sees is the store's scope: the
// client's people all of the workspace's, a partner's manager those of the
// partner's engagements (another's is not found).
const (
	InvoicesRead Rule = "invoices.read" // an engagement's invoices and their lines: client roles and the partner's manager
)

func init() {
	for _, role := range []tandem.Role{tandem.RoleOwner, tandem.RoleManager, tandem.RoleViewer, tandem.RoleVendorManager} {
		grants[role][InvoicesRead] = true
	}
}
