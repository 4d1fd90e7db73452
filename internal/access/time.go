package access

import "github.com/tandemhq/tandem/internal/tandem"

// Rules of time entries (package timesheet). Everyone who sees the
// engagement reads its time entries (the store scopes which); the
// partner's people record their own time; the client's owner and manager
// decide whether it is paid.
const (
	TimeRead    Rule = "time.read"    // an engagement's time entries: every member who sees the engagement
	TimeRecord  Rule = "time.record"  // record one's own time: partner manager and agents
	TimeApprove Rule = "time.approve" // approve or reject time entries: owner and manager
)

func init() {
	for _, role := range []tandem.Role{tandem.RoleOwner, tandem.RoleManager, tandem.RoleViewer, tandem.RoleVendorManager, tandem.RoleVendorAgent} {
		grants[role][TimeRead] = true
	}
	for _, role := range []tandem.Role{tandem.RoleVendorManager, tandem.RoleVendorAgent} {
		grants[role][TimeRecord] = true
	}
	for _, role := range []tandem.Role{tandem.RoleOwner, tandem.RoleManager} {
		grants[role][TimeApprove] = true
	}
}
