package fact

import (
	"reflect"
	"testing"
	"time"
)

// The sales payloads survive Encode and Decode, and each decodes as the
// kind it records (CustomerChange by Lost).
func TestSalesPayloadsRoundTrip(t *testing.T) {
	t.Parallel()
	held := time.Date(2026, 5, 4, 9, 30, 0, 0, time.UTC)
	for _, p := range []Payload{
		LeadAcceptedData{ClaimID: 3, AccountID: 11, Expired: true},
		MeetingAcceptedData{ClaimID: 4, ActivityID: 501, HeldAt: held},
		DealWonData{ClaimID: 5, DealID: 101, OpenedOn: "2026-04-04", WonOn: "2026-05-04", CycleDays: 30},
		DealReversedData{ClaimID: 5, DealID: 101, Reason: "cancelled"},
		DealLostData{DealID: 201, Reason: "price", OpenedOn: "2026-04-01"},
		CustomerChange{AccountID: 7, From: "prospect", To: "customer", Base: 2},
		CustomerChange{Lost: true, AccountID: 7, From: "customer", To: "former_customer", Base: 3},
	} {
		js, err := Encode(p)
		if err != nil {
			t.Fatal(err)
		}
		back, err := Decode(p.FactKind(), js)
		if err != nil || !reflect.DeepEqual(back, p) {
			t.Errorf("%T: %s came back as %#v (%v)", p, js, back, err)
		}
	}
	s, _ := Lookup(DealWonAccepted)
	if v, ok := s.Sketch(DealWonData{CycleDays: 12}); !ok || v != 12 || s.SketchField != "cycle_days" {
		t.Errorf("deal won sketch: %d %v", v, ok)
	}
	if SubjectOf(LeadAccepted) != SubjectClaim || SubjectOf(DealLost) != SubjectDeal || SubjectOf(CustomerLost) != SubjectAccount {
		t.Error("subjects")
	}
}
