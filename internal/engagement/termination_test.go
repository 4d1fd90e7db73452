package engagement

import (
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/tandem"
)

func TestStartTermination(t *testing.T) {
	t.Parallel()
	live := &Engagement{ID: 7, Status: StatusActive}
	today := day("2026-12-04")
	c := Clause{NoticeDays: 30, DeadlineDays: 14, DataFormat: " CSV export of the base ", RecordsAccess: true, ConsultationHours: 10, Sales: true}

	// By the notice period: 4 Dec + 30 days = 3 Jan; handover 14 days later, 17 Jan.
	x := &Termination{Side: SideClient, Reason: "  Targets missed three months running  "}
	if err := StartTermination(live, false, c, x, today); err != nil {
		t.Fatal(err)
	}
	if x.EffectiveOn != day("2027-01-03") || x.HandoverDue != day("2027-01-17") || x.NoticeOn != today ||
		x.ConsultationHours != 10 || x.Reason != "Targets missed three months running" {
		t.Errorf("termination %+v", x)
	}
	if len(x.Items) != len(ItemKeys) || x.Items[0].Detail != "CSV export of the base" {
		t.Errorf("checklist %+v", x.Items)
	}
	if x.DaysLeft(today) != 30 || x.DaysLeft(day("2027-01-04")) != -1 {
		t.Errorf("days left %d", x.DaysLeft(today))
	}

	// An agreed day; a clause without records access, consultations or deals.
	y := &Termination{Side: SidePartner, Reason: "Closing the Tallinn office", Agreed: true, EffectiveOn: day("2026-12-15")}
	if err := StartTermination(live, false, Clause{DeadlineDays: 0}, y, today); err != nil {
		t.Fatal(err)
	}
	if y.EffectiveOn != day("2026-12-15") || y.HandoverDue != day("2026-12-15") || len(y.Items) != 4 {
		t.Errorf("agreed termination %+v", y)
	}

	for _, c := range []struct {
		name    string
		e       *Engagement
		already bool
		x       Termination
		code    tandem.Code
	}{
		{"a draft", &Engagement{Status: StatusDraft}, false, Termination{Side: SideClient, Reason: "x"}, tandem.EConflict},
		{"twice", live, true, Termination{Side: SideClient, Reason: "x"}, tandem.EConflict},
		{"no reason", live, false, Termination{Side: SideClient}, tandem.EInvalid},
		{"notice in the future", live, false, Termination{Side: SideClient, Reason: "x", NoticeOn: day("2026-12-05")}, tandem.EInvalid},
		{"agreed before notice", live, false, Termination{Side: SideClient, Reason: "x", Agreed: true, EffectiveOn: day("2026-12-01")}, tandem.EInvalid},
		{"agreed without a day", live, false, Termination{Side: SideClient, Reason: "x", Agreed: true}, tandem.EInvalid},
	} {
		if err := StartTermination(c.e, c.already, Clause{}, &c.x, today); tandem.ErrorCode(err) != c.code {
			t.Errorf("%s: %v, want %s", c.name, err, c.code)
		}
	}
}

func TestTerminationDue(t *testing.T) {
	t.Parallel()
	stockholm, _ := time.LoadLocation("Europe/Stockholm")
	x := &Termination{EffectiveOn: day("2027-01-03")}
	// 2 Jan 23:30 UTC is already 3 Jan 00:30 in Stockholm.
	if !x.Due(time.Date(2027, 1, 2, 23, 30, 0, 0, time.UTC), stockholm) || x.Due(time.Date(2027, 1, 2, 22, 30, 0, 0, time.UTC), stockholm) {
		t.Error("the effective day begins at midnight in the workspace's zone")
	}
	x.RevokedAt = time.Now()
	if x.Due(time.Date(2027, 2, 1, 0, 0, 0, 0, time.UTC), stockholm) {
		t.Error("a closed termination is due again")
	}
	for role, want := range map[tandem.Role]string{tandem.RoleOwner: SideClient, tandem.RoleManager: SideClient, tandem.RoleVendorManager: SidePartner, tandem.RoleVendorAgent: "", tandem.RoleViewer: ""} {
		if side, _ := MayTerminate(role); side != want {
			t.Errorf("%s terminates as %q", role, side)
		}
	}
}
