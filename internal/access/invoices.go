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
	// InvoicesDispute: the partner's manager disputes a line of a draft.
	InvoicesDispute Rule = "invoices.dispute"
	// InvoicesDecide: the client's owner and manager decide disputes,
	// withhold and release, approve, issue, mark paid and credit.
	InvoicesDecide Rule = "invoices.decide"
)

func init() {
	for _, role := range []tandem.Role{tandem.RoleOwner, tandem.RoleManager, tandem.RoleViewer, tandem.RoleVendorManager} {
		grants[role][InvoicesRead] = true
	}
	grants[tandem.RoleVendorManager][InvoicesDispute] = true
	grants[tandem.RoleOwner][InvoicesDecide] = true
	grants[tandem.RoleManager][InvoicesDecide] = true
}
