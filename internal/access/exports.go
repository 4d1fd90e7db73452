package access

import "github.com/tandemhq/tandem/internal/tandem"

// Rules of the exports of lists (package export) and the monthly board
// pack: the client's data, downloaded by the client's people only. Partner
// roles get none, as with the sales base (SalesExport). Exporting the audit
// trail is AuditRead, which no partner role has either.
const (
	ListsExport Rule = "lists.export" // CSV and XLSX of deliverables, requests and scorecards: client roles
	BoardPack   Rule = "board.pack"   // the monthly board pack (PDF) of the workspace: owner and manager
)

func init() {
	for _, role := range []tandem.Role{tandem.RoleOwner, tandem.RoleManager, tandem.RoleViewer} {
		grants[role][ListsExport] = true
	}
	for _, role := range []tandem.Role{tandem.RoleOwner, tandem.RoleManager} {
		grants[role][BoardPack] = true
	}
}
