package access

import (
	"testing"

	"github.com/tandemhq/tandem/internal/tandem"
)

func TestMailRules(t *testing.T) {
	t.Parallel()
	for i, role := range []tandem.Role{tandem.RoleOwner, tandem.RoleManager, tandem.RoleViewer, tandem.RoleVendorManager, tandem.RoleVendorAgent} {
		if got := Allows(role, MailOutbox); got != (i == 0) {
			t.Errorf("Allows(%s, MailOutbox) = %v", role, got)
		}
	}
}
