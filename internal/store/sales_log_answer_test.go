package store_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/sales"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
)

// The activity LogActivity leaves in its argument is the activity as
// stored: the API answers a logged call from it without reading it back.
// Times given in another zone and to the nanosecond come back in UTC to
// the microsecond, as both databases keep them; the names of the account,
// the contact and the agent are those a read joins.
func TestLoggedActivityIsWhatIsStored(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			b := newActivityBase(t, dialect)
			stockholm, err := time.LoadLocation("Europe/Stockholm")
			if err != nil {
				t.Fatal(err)
			}
			at := b.clock.Now().Add(-90*time.Minute + 123456789*time.Nanosecond).In(stockholm)
			due := b.clock.Now().Add(49*time.Hour + 987654321*time.Nanosecond).In(stockholm)
			cases := []struct {
				name string
				p    tandem.Principal
				a    sales.Activity
			}{
				{"a call with its contact", b.f.VendorAgent, sales.Activity{Kind: sales.KindCall, AccountID: b.mine, ContactID: b.contact,
					At: at, Outcome: sales.OutcomeNoAnswer, DurationS: 42, Notes: "  ring back after lunch  ", RecordingURL: " https://pbx.example/r/1 "}},
				{"a call without a contact, now", b.f.VendorAgent, sales.Activity{Kind: sales.KindCall, AccountID: b.mine,
					Direction: sales.DirectionIn, Outcome: sales.OutcomeNoAnswer, DurationS: 7}},
				{"a follow-up", b.f.VendorAgent, sales.Activity{Kind: sales.KindFollowUp, AccountID: b.mine, ContactID: b.contact,
					ScheduledAt: due, Notes: "send the price list"}},
				{"a proposal by the client's manager", b.f.Manager, sales.Activity{Kind: sales.KindProposal, AccountID: b.teamOnly,
					At: at, AmountMinor: 1_250_000, Currency: "SEK"}},
			}
			for _, c := range cases {
				a := c.a
				if err := b.db.Sales().LogActivity(ctx, c.p, &a, store.LogOptions{}); err != nil {
					t.Fatalf("%s: %v", c.name, err)
				}
				got, err := b.db.Sales().Activity(ctx, c.p, a.ID)
				if err != nil {
					t.Fatalf("%s: %v", c.name, err)
				}
				if a.AccountName == "" || a.AgentName == "" || (a.ContactID != 0) != (a.ContactName != "") {
					t.Errorf("%s: names missing from the logged activity: %+v", c.name, a)
				}
				if logged, stored := inUTC(a), inUTC(*got); !reflect.DeepEqual(logged, stored) {
					t.Errorf("%s:\nlogged %+v\nstored %+v", c.name, logged, stored)
				}
			}
		})
	}
}

// inUTC is x with its times in UTC (a time read back may carry another
// *time.Location for the same zone).
func inUTC(x sales.Activity) sales.Activity {
	for _, t := range []*time.Time{&x.At, &x.ScheduledAt, &x.DoneAt, &x.CreatedAt} {
		if !t.IsZero() {
			*t = t.UTC()
		}
	}
	return x
}
