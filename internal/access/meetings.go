package access

import "github.com/tandemhq/tandem/internal/tandem"

// Rules of an engagement's meetings (package governance). Everyone who sees
// the engagement reads its meetings, agendas, minutes, decisions and action
// items (the store scopes which engagements). The client's owners and
// managers and the partner's managers plan the meetings and write the
// minutes (only the chair finalises: a governance rule); anyone on either
// side who works the engagement marks their own action items done.
const (
	MeetingsRead    Rule = "meetings.read"    // series, occurrences, agendas, minutes: every member who sees the engagement
	MeetingsPlan    Rule = "meetings.plan"    // create series, move or cancel occurrences: owner, manager, partner manager
	MeetingsMinutes Rule = "meetings.minutes" // agenda items, attendance, notes, decisions, action items, finalise, correct: owner, manager, partner manager
	ActionsDone     Rule = "meetings.actions" // mark one's own action item done: owner, manager, partner manager and agents
)

func init() {
	for _, role := range []tandem.Role{tandem.RoleOwner, tandem.RoleManager, tandem.RoleViewer, tandem.RoleVendorManager, tandem.RoleVendorAgent} {
		grants[role][MeetingsRead] = true
	}
	for _, role := range []tandem.Role{tandem.RoleOwner, tandem.RoleManager, tandem.RoleVendorManager} {
		grants[role][MeetingsPlan] = true
		grants[role][MeetingsMinutes] = true
	}
	for _, role := range []tandem.Role{tandem.RoleOwner, tandem.RoleManager, tandem.RoleVendorManager, tandem.RoleVendorAgent} {
		grants[role][ActionsDone] = true
	}
}
