package access

import (
	"testing"

	"github.com/tandemhq/tandem/internal/tandem"
)

// Written out by hand, like TestSalesRules.
func TestActivityRules(t *testing.T) {
	t.Parallel()
	roles := []tandem.Role{tandem.RoleOwner, tandem.RoleManager, tandem.RoleViewer, tandem.RoleVendorManager, tandem.RoleVendorAgent}
	for rule, want := range map[Rule]string{
		SalesLog:    "yynyy",
		SalesReview: "yynnn",
	} {
		if !rule.Known() {
			t.Errorf("%s is not known", rule)
		}
		for i, role := range roles {
			if got := Allows(role, rule); got != (want[i] == 'y') {
				t.Errorf("Allows(%s, %s) = %v", role, rule, got)
			}
		}
	}
}
