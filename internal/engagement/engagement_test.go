package engagement

import (
	"testing"

	"github.com/tandemhq/tandem/internal/tandem"
)

func day(s string) tandem.Date {
	d, err := tandem.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func TestPrepareNewAndUpdate(t *testing.T) {
	t.Parallel()
	e := &Engagement{PartnerID: 1, Title: " Outbound ", Kind: KindSales, StartsOn: day("2026-01-01")}
	if err := e.PrepareNew(); err != nil || e.Status != StatusDraft || e.Title != "Outbound" {
		t.Fatalf("PrepareNew: %v %+v", err, e)
	}
	live := &Engagement{PartnerID: 1, Title: "x", Kind: KindSales, Status: StatusActive, StartsOn: day("2026-01-01")}
	if err := live.PrepareNew(); tandem.FieldErrors(err)[0].Field != "status" {
		t.Errorf("created live: %v", err)
	}
	before := *e
	moved := *e
	moved.StartsOn = day("2026-02-01")
	if err := moved.PrepareUpdate(&before); err != nil || !moved.MovesTermsStart(&before) {
		t.Errorf("a draft's start moves its terms: %v", err)
	}
	same := *e
	if same.MovesTermsStart(&before) {
		t.Error("an unchanged start moves the terms")
	}
	active := *e
	active.Status = StatusActive
	if err := active.PrepareUpdate(&before); tandem.FieldErrors(err)[0].Field != "status" {
		t.Errorf("a draft edited live: %v", err)
	}
	beforeLive := *e
	beforeLive.Status = StatusPilot
	other := beforeLive
	other.PartnerID = 2
	if err := other.PrepareUpdate(&beforeLive); tandem.FieldErrors(err)[0].Field != "partner_id" {
		t.Errorf("partner changed after the draft: %v", err)
	}
	if other.MovesTermsStart(&beforeLive) {
		t.Error("a live engagement's start moves version 1")
	}
	ended := beforeLive
	ended.Status = StatusEnded
	if err := ended.PrepareUpdate(&beforeLive); err != nil {
		t.Errorf("pilot to ended: %v", err)
	}
}

func TestLive(t *testing.T) {
	t.Parallel()
	for s, want := range map[Status]bool{StatusDraft: false, StatusPilot: true, StatusActive: true, StatusEnded: false} {
		if (&Engagement{Status: s}).Live() != want || s.Live() != want {
			t.Errorf("%s: Live != %v", s, want)
		}
	}
	var none *Engagement
	if none.Live() {
		t.Error("nil engagement is live")
	}
}
