package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/sales"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
)

// An account's timeline says which of its meetings a claim holds: one
// claimed and open, one whose claim was disputed and may be claimed
// again, one disputed as often as a subject may be claimed (held for
// good), one never claimed; a claimed meeting of another account changes
// nothing. The client and the agent read the same.
func TestTimelineMarksClaimedMeetings(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			b := newClaimsBase(t, dialect)
			db, clock, f := b.db, b.clock, b.f
			accts := addAccounts(t, b, 2, f.VendorAgent)
			meeting := func(acct int64) int64 {
				a := &sales.Activity{Kind: sales.KindMeeting, AccountID: acct, ScheduledAt: clock.Now().Add(-time.Hour), Status: sales.MeetingHeld}
				mustDo(t, db.Sales().LogActivity(ctx, f.VendorAgent, a, store.LogOptions{}))
				return a.ID
			}
			open, again, done, never, elsewhere := meeting(accts[0]), meeting(accts[0]), meeting(accts[0]), meeting(accts[0]), meeting(accts[1])
			call := &sales.Activity{Kind: sales.KindCall, AccountID: accts[0], Direction: sales.DirectionOut, Outcome: sales.OutcomeNoAnswer, DurationS: 20}
			mustDo(t, db.Sales().LogActivity(ctx, f.VendorAgent, call, store.LogOptions{}))
			claims := db.Claims()
			notes := 0
			claim := func(subject int64) int64 {
				notes++ // a claim made again needs more evidence than the one before
				c, err := claims.Create(ctx, f.VendorAgent, f.A1, sales.NewClaim{Kind: sales.ClaimMeeting, SubjectID: subject,
					Note: fmt.Sprintf("Held at the client's office, attendance list %d signed by both sides", notes)})
				mustDo(t, err)
				return c.ID
			}
			dispute := func(id int64) {
				_, err := claims.Decide(ctx, f.Manager, 0, id, sales.Dispute, "No one from the client was there")
				mustDo(t, err)
			}
			claim(open)
			dispute(claim(again))
			dispute(claim(done))
			dispute(claim(done))
			claim(elsewhere)
			want := map[int64]bool{open: true, again: false, done: true, never: false, call.ID: false}
			for _, p := range []tandem.Principal{f.VendorAgent, f.Manager} {
				xs, err := db.Sales().Activities(ctx, p, accts[0])
				mustDo(t, err)
				if len(xs) != len(want) {
					t.Fatalf("%s: %d activities, want %d", p.Role, len(xs), len(want))
				}
				for _, x := range xs {
					if w, ok := want[x.ID]; !ok || x.Claimed != w {
						t.Errorf("%s: activity %d (%s) claimed %v, want %v", p.Role, x.ID, x.Kind, x.Claimed, w)
					}
				}
			}
		})
	}
}
