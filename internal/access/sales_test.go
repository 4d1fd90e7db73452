package access

import (
	"testing"

	"github.com/tandemhq/tandem/internal/tandem"
)

// Written out by hand, like TestAllows.
func TestSalesRules(t *testing.T) {
	t.Parallel()
	roles := []tandem.Role{tandem.RoleOwner, tandem.RoleManager, tandem.RoleViewer, tandem.RoleVendorManager, tandem.RoleVendorAgent}
	for rule, want := range map[Rule]string{
		SalesRead:    "yyyyy",
		SalesWrite:   "yynnn",
		SalesReveal:  "nnnny",
		SalesReveals: "yyynn",
		SalesExport:  "yynnn",
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

// Written out by hand, like TestAllows.
func TestClaimRules(t *testing.T) {
	t.Parallel()
	roles := []tandem.Role{tandem.RoleOwner, tandem.RoleManager, tandem.RoleViewer, tandem.RoleVendorManager, tandem.RoleVendorAgent}
	for rule, want := range map[Rule]string{
		SalesClaimsRead:   "yyyyy",
		SalesClaim:        "nnnyy",
		SalesClaimsDecide: "yynnn",
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
