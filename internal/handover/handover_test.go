package handover

import (
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/tandem"
)

func TestSteps(t *testing.T) {
	t.Parallel()
	// Free text (the template's rule): the default steps.
	s := Steps("When a responsible person changes, the outgoing person hands over all information within 5 business days.")
	if len(s) != len(DefaultSteps) || s[0].Key != "documents" || s[4].Position != 5 {
		t.Fatalf("default steps %+v", s)
	}
	// A rule that lists its steps: those lines, in order.
	s = Steps("Handover within two weeks:\n1. Hand over documents\n2) Walk through open items\n- Transfer access\nSigned by both.")
	if len(s) != 3 || s[0].Text != "Hand over documents" || s[1].Text != "Walk through open items" || s[2].Text != "Transfer access" || s[2].Key != "" {
		t.Fatalf("listed steps %+v", s)
	}
	if !ListsSteps("- a\n- b") || ListsSteps("- only one") {
		t.Fatal("ListsSteps")
	}
}

func TestChangeAndTick(t *testing.T) {
	t.Parallel()
	c, p := tandem.SideClient, tandem.SidePartner
	if starts, err := Change(tandem.RoleManager, c, c, 0, 5); err != nil || starts {
		t.Fatalf("first naming: %v %v", starts, err)
	}
	if starts, err := Change(tandem.RoleOwner, p, p, 7, 8); err != nil || !starts {
		t.Fatalf("replacing: %v %v", starts, err)
	}
	if _, err := Change(tandem.RoleVendorManager, p, p, 7, 8); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []struct {
		role       tandem.Role
		side, to   tandem.Side
		from, toID int64
		code       tandem.Code
	}{
		{tandem.RoleVendorManager, c, c, 1, 2, tandem.EForbidden},
		{tandem.RoleVendorAgent, p, p, 1, 2, tandem.EForbidden},
		{tandem.RoleViewer, c, c, 1, 2, tandem.EForbidden},
		{tandem.RoleManager, c, p, 1, 2, tandem.EInvalid},
		{tandem.RoleManager, c, c, 2, 2, tandem.EConflict},
	} {
		if _, err := Change(bad.role, bad.side, bad.to, bad.from, bad.toID); tandem.ErrorCode(err) != bad.code {
			t.Errorf("%+v: %v", bad, err)
		}
	}
	h := &Handover{Side: p, FromID: 7, ToID: 8, Steps: Steps("")}
	for _, ok := range []struct {
		user int64
		role tandem.Role
	}{{7, tandem.RoleVendorAgent}, {8, tandem.RoleVendorAgent}, {1, tandem.RoleManager}, {9, tandem.RoleVendorManager}} {
		if err := MayTick(h, ok.user, ok.role); err != nil {
			t.Errorf("%+v: %v", ok, err)
		}
	}
	if MayTick(h, 9, tandem.RoleVendorAgent) == nil || MayTick(h, 9, tandem.RoleViewer) == nil {
		t.Fatal("others may not tick")
	}
	if h.Complete() {
		t.Fatal("complete with open steps")
	}
	for i := range h.Steps {
		h.Steps[i].DoneAt = time.Unix(1, 0)
	}
	if !h.Complete() {
		t.Fatal("not complete")
	}
	h.CompletedAt = time.Unix(2, 0)
	if tandem.ErrorCode(MayTick(h, 7, tandem.RoleVendorAgent)) != tandem.EConflict {
		t.Fatal("ticked after completion")
	}
}
