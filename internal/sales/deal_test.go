package sales

import (
	"errors"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/engagement"
	"github.com/tandemhq/tandem/internal/money"
	"github.com/tandemhq/tandem/internal/tandem"
)

func TestWeightedIsExactAndRoundedOncePerColumn(t *testing.T) {
	t.Parallel()
	// 10 000,00 at 40 % = 4 000,00; 5 000,00 at 50 % = 2 500,00;
	// 2 500,50 at 50 % = 1 250,25: together 7 750,25.
	got := Weighted([]Weighed{{1000000, 40}, {500000, 50}, {250050, 50}})
	if got != 775025 {
		t.Errorf("weighted = %d, want 775025", got)
	}
	// One stage, its summed amount: (500000 + 250050) × 50 / 100 = 375025.
	if got := Weighted([]Weighed{{750050, 50}}); got != 375025 {
		t.Errorf("one column = %d, want 375025", got)
	}
	// Rounded once: three deals of 0,01 at 50 % are 0,015 → 0,02, where
	// rounding each (0,005 → 0,01) would give 0,03.
	if got := Weighted([]Weighed{{1, 50}, {1, 50}, {1, 50}}); got != 2 {
		t.Errorf("rounded once = %d, want 2", got)
	}
	// Half-up: 0,01 at 50 % is 0,005 → 0,01; at 40 % 0,004 → 0,00.
	if Weighted([]Weighed{{1, 50}}) != 1 || Weighted([]Weighed{{1, 40}}) != 0 {
		t.Error("half-up rounding")
	}
	if Weighted(nil) != 0 {
		t.Error("empty column")
	}
}

func TestDealNewMoveAndClose(t *testing.T) {
	t.Parallel()
	s := contract.DefaultSales()
	now := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	d := Deal{Title: "  Chairs for 40 rooms ", Amount: money.New(1000000, "SEK")}
	if err := d.PrepareNew(s, now); err != nil {
		t.Fatal(err)
	}
	if d.Stage != "new" || d.Title != "Chairs for 40 rooms" || !d.ClosedAt.IsZero() {
		t.Errorf("new deal: %+v", d)
	}
	// Lost without a reason, or with one not on the list: field errors, nothing changes.
	for _, reason := range []string{"", "the moon was wrong"} {
		_, err := d.MoveTo(s, "lost", reason, now)
		if !hasField(err, "lost_reason") || d.Stage != "new" {
			t.Errorf("lost with %q: %v, stage %s", reason, err, d.Stage)
		}
	}
	if _, err := d.MoveTo(s, "nowhere", "", now); !hasField(err, "stage") {
		t.Errorf("unknown stage: %v", err)
	}
	if _, err := d.MoveTo(s, "new", "", now); !hasField(err, "stage") {
		t.Errorf("same stage: %v", err)
	}
	later := now.Add(time.Hour)
	m, err := d.MoveTo(s, "lost", "price", later)
	if err != nil {
		t.Fatal(err)
	}
	if m.From != "new" || m.To != "lost" || m.LostReason != "price" || !d.ClosedAt.Equal(later) || d.Open(s) {
		t.Errorf("lost: %+v %+v", m, d)
	}
	m, err = d.MoveTo(s, "presented", "price", later)
	if err != nil || m.LostReason != "" || d.LostReason != "" || !d.ClosedAt.IsZero() {
		t.Errorf("back to open: %v %+v %+v", err, m, d)
	}
	if _, err := d.MoveTo(s, "won", "", later); err != nil || d.ClosedAt.IsZero() {
		t.Errorf("won: %v %+v", err, d)
	}
}

func TestDealValidate(t *testing.T) {
	t.Parallel()
	s := contract.DefaultSales()
	d := Deal{Amount: money.New(-1, "SEK"), Stage: "lost"}
	err := d.Validate(s)
	for _, f := range []string{"title", "amount", "lost_reason"} {
		if !hasField(err, f) {
			t.Errorf("want a field error on %s: %v", f, err)
		}
	}
}

func TestNoNextStep(t *testing.T) {
	t.Parallel()
	s := contract.DefaultSales()
	today, _ := tandem.ParseDate("2026-12-03")
	yesterday, _ := tandem.ParseDate("2026-12-02")
	for _, tt := range []struct {
		stage string
		next  tandem.Date
		want  bool
	}{{"presented", tandem.Date{}, true}, {"presented", yesterday, true}, {"presented", today, false}, {"won", tandem.Date{}, false}, {"lost", yesterday, false}} {
		d := Deal{Stage: tt.stage, NextStepOn: tt.next}
		if got := d.NoNextStep(s, today); got != tt.want {
			t.Errorf("%s next %s: %v, want %v", tt.stage, tt.next, got, tt.want)
		}
	}
}

func TestFunnelConversionsFromHistory(t *testing.T) {
	t.Parallel()
	s := &contract.Sales{Stages: []contract.Stage{{Key: "a", Name: "A", Meaning: "open"}, {Key: "b", Name: "B", Meaning: "open"},
		{Key: "won", Meaning: "won", Probability: 100}, {Key: "lost", Meaning: "lost"}}}
	reached := map[int64][]string{}
	// Ten deals reach A; four of them B; one of those is won, one of the
	// six others is lost straight from A, and one skips B into won.
	for id := int64(1); id <= 10; id++ {
		reached[id] = []string{"a"}
	}
	for id := int64(1); id <= 3; id++ {
		reached[id] = append(reached[id], "b")
	}
	reached[1] = append(reached[1], "won")
	reached[5] = append(reached[5], "lost")
	reached[6] = append(reached[6], "won") // skipped B: counts as having reached it
	steps := Funnel(s, reached)
	want := []struct{ reached, next int }{{10, 4}, {4, 2}, {2, 0}}
	if len(steps) != 3 {
		t.Fatalf("steps: %+v", steps)
	}
	for i, w := range want {
		if steps[i].Reached != w.reached || steps[i].Next != w.next {
			t.Errorf("step %s: %d → %d, want %d → %d", steps[i].Stage.Key, steps[i].Reached, steps[i].Next, w.reached, w.next)
		}
	}
	if n, d := steps[0].Conversion(); n*100/d != 40 {
		t.Errorf("A → B: %d/%d, want 40 %%", n, d)
	}
}

func TestDealOwnerAndPlace(t *testing.T) {
	t.Parallel()
	e := &engagement.Engagement{ID: 7, Kind: engagement.KindSales, PartnerID: 3}
	agent := tandem.Principal{Role: tandem.RoleVendorAgent, MembershipID: 11, PartnerID: 3}
	if err := CheckDealPlace(e, &Account{EngagementID: 8}); !hasField(err, "account_id") {
		t.Errorf("account of another engagement: %v", err)
	}
	if err := CheckDealPlace(e, &Account{EngagementID: 7}); err != nil {
		t.Error(err)
	}
	if HasPipeline(e) != nil || !errors.Is(HasPipeline(&engagement.Engagement{Kind: engagement.KindSupport}), tandem.ErrNotFound) {
		t.Error("only a sales engagement has a pipeline")
	}
	if err := CheckDealOwner(agent, e, 12, tandem.RoleVendorAgent, 3, true); !hasField(err, "owner_id") {
		t.Errorf("an agent giving a deal to another: %v", err)
	}
	if err := CheckDealOwner(agent, e, 11, tandem.RoleVendorAgent, 3, true); err != nil {
		t.Error(err)
	}
	mgr := tandem.Principal{Role: tandem.RoleManager}
	if err := CheckDealOwner(mgr, e, 12, tandem.RoleVendorAgent, 4, true); !hasField(err, "owner_id") {
		t.Errorf("an agent of another partner: %v", err)
	}
	if DefaultOwner(agent, &Account{AgentID: 12}) != 11 || DefaultOwner(mgr, &Account{AgentID: 12}) != 12 {
		t.Error("default owner")
	}
}

func hasField(err error, field string) bool {
	for _, f := range tandem.FieldErrors(err) {
		if f.Field == field {
			return true
		}
	}
	return false
}
