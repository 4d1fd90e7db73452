package access

import (
	"testing"

	"github.com/tandemhq/tandem/internal/tandem"
)

func TestPackageExportOwnerOnly(t *testing.T) {
	t.Parallel()
	for _, role := range tandem.Roles {
		if got := Allows(role, PackageExport); got != (role == tandem.RoleOwner) {
			t.Errorf("%s: %v", role, got)
		}
	}
}
