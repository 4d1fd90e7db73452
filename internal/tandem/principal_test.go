package tandem

import "testing"

func TestSide(t *testing.T) {
	t.Parallel()
	want := map[Role]Side{RoleOwner: SideClient, RoleManager: SideClient, RoleViewer: SideClient,
		RoleVendorManager: SidePartner, RoleVendorAgent: SidePartner}
	for r, s := range want {
		if r.Side() != s || (Principal{Role: r}).Side() != s {
			t.Errorf("%s: Side = %q, want %q", r, r.Side(), s)
		}
	}
}
