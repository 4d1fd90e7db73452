package access

import (
	"testing"

	"github.com/tandemhq/tandem/internal/tandem"
)

func TestMeetingRules(t *testing.T) {
	t.Parallel()
	roles := []tandem.Role{tandem.RoleOwner, tandem.RoleManager, tandem.RoleViewer, tandem.RoleVendorManager, tandem.RoleVendorAgent}
	for rule, want := range map[Rule]string{MeetingsRead: "yyyyy", MeetingsPlan: "yynyn", MeetingsMinutes: "yynyn", ActionsDone: "yynyy"} {
		for i, role := range roles {
			if got := Allows(role, rule); got != (want[i] == 'y') {
				t.Errorf("%s for %s: %v", rule, role, got)
			}
		}
	}
}
