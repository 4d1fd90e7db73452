package access

import (
	"slices"
	"testing"

	"github.com/tandemhq/tandem/internal/tandem"
)

// The matrix below is written out by hand from the product brief, so that a
// change to the grants above has to be made twice, on purpose.
func TestAllows(t *testing.T) {
	t.Parallel()
	const (
		O = 1 << iota
		M
		V
		VM
		VA
	)
	want := map[Rule]int{
		Public:           O | M | V | VM | VA,
		SignedIn:         O | M | V | VM | VA,
		Member:           O | M | V | VM | VA,
		PartnersRead:     O | M | V | VM | VA,
		PartnersWrite:    O | M,
		EngagementsRead:  O | M | V | VM | VA,
		EngagementsWrite: O | M,
		MembersRead:      O | M | V | VM,
		MembersManage:    O | M,
		AuditRead:        O | V,
		Amend:            O | M | VM,
		WorkRead:         O | M | V | VM | VA,
		WorkPlan:         O | M | VM,
		WorkSubmit:       VM | VA,
		WorkReview:       O | M,
		Notify:           VM | VA,
		Respond:          O | M,
		SelectionsRead:   O | M | V,
		SelectionsWrite:  O | M,
		SelectionsScore:  O | M,
		RequestsRead:     O | M | V | VM | VA,
		RequestsWrite:    O | M | VM | VA,
	}
	bit := map[tandem.Role]int{tandem.RoleOwner: O, tandem.RoleManager: M, tandem.RoleViewer: V,
		tandem.RoleVendorManager: VM, tandem.RoleVendorAgent: VA}
	for rule, mask := range want {
		if !rule.Known() {
			t.Errorf("%s is not known", rule)
		}
		for role, b := range bit {
			if got := Allows(role, rule); got != (mask&b != 0) {
				t.Errorf("Allows(%s, %s) = %v", role, rule, got)
			}
		}
	}
	if Rule("nonsense").Known() {
		t.Error("unknown rule reported known")
	}
	if Allows("", PartnersRead) {
		t.Error("empty role allowed")
	}
}

func TestCanGrant(t *testing.T) {
	t.Parallel()
	if !CanGrant(tandem.RoleOwner, tandem.RoleOwner) || CanGrant(tandem.RoleManager, tandem.RoleOwner) ||
		!CanGrant(tandem.RoleManager, tandem.RoleVendorAgent) || CanGrant(tandem.RoleViewer, tandem.RoleViewer) {
		t.Fatal("CanGrant matrix wrong")
	}
}

func TestRoles(t *testing.T) {
	t.Parallel()
	if got := Roles(SelectionsScore); !slices.Equal(got, []tandem.Role{tandem.RoleOwner, tandem.RoleManager}) {
		t.Errorf("Roles(SelectionsScore) = %v", got)
	}
	if got := Roles(Notify); !slices.Equal(got, []tandem.Role{tandem.RoleVendorManager, tandem.RoleVendorAgent}) {
		t.Errorf("Roles(Notify) = %v", got)
	}
	if got := Roles(SignedIn); !slices.Equal(got, tandem.Roles) {
		t.Errorf("Roles(SignedIn) = %v", got)
	}
}
