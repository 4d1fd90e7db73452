package store_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/mail"
	"github.com/tandemhq/tandem/internal/notice"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
)

// The outbox gets an e-mail with each notification, in its transaction,
// unless the person chose the digest or no e-mail for its area. Senders
// claiming at the same time get disjoint messages; a sender whose lease ran
// out loses the message to the next and can no longer record it.
func TestMailOutboxClaims(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			clk := storetest.NewClock(time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC))
			db := storetest.Open(t, dialect, clk.Now)
			f := storetest.Seed(t, db)
			storetest.Activate(t, db, f.Owner, f.A1, nil)
			// The viewer is not told about notices; the manager chose no e-mail about them.
			if _, err := db.Mail().SetPreferences(ctx, f.Manager, mail.Preferences{Modes: map[string]mail.Mode{"notice": mail.Off}}); err != nil {
				t.Fatal(err)
			}
			if _, err := db.Mail().SetPreferences(ctx, f.Manager, mail.Preferences{Modes: map[string]mail.Mode{"notice": "sometimes"}}); tandem.ErrorCode(err) != tandem.EInvalid {
				t.Errorf("invalid mode: %v", err)
			}
			const notices = 12
			for i := range notices {
				if err := db.Notices.File(ctx, f.VendorAgent, &notice.Notice{EngagementID: f.A1, Category: "missing_information", Text: fmt.Sprint("N", i)}); err != nil {
					t.Fatal(err)
				}
			}
			es, total, err := db.Mail().Outbox(ctx, f.Owner, tandem.Page{Limit: 100})
			if err != nil || total != notices {
				t.Fatalf("outbox: %d, %v", total, err)
			}
			for _, e := range es {
				if e.To != f.Emails[tandem.RoleOwner] || e.Kind != "notice.filed" || e.Status != mail.Pending {
					t.Errorf("outbox entry %+v", e)
				}
			}
			if _, _, err := db.Mail().Outbox(ctx, f.Manager, tandem.Page{Limit: 10}); err != tandem.ErrForbidden {
				t.Errorf("the manager reads the outbox: %v", err)
			}

			// Four senders claim at once, three at a time.
			var mu sync.Mutex
			got := map[int64]string{}
			var wg sync.WaitGroup
			for s := range 4 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					holder := fmt.Sprint("sender-", s)
					for {
						os, err := db.Mail().Claim(ctx, holder, time.Minute, 3)
						if err != nil {
							t.Error(err)
							return
						}
						if len(os) == 0 {
							return
						}
						mu.Lock()
						for _, o := range os {
							if prev, dup := got[o.ID]; dup {
								t.Errorf("message %d claimed by %s and %s", o.ID, prev, holder)
							}
							got[o.ID] = holder
							if o.Notification == nil || o.Notification.Kind != "notice.filed" || o.Lang != "en" || o.WorkspaceName != "Fixture AB" || o.TimeZone != "Europe/Stockholm" {
								t.Errorf("claimed %+v", o)
							}
						}
						mu.Unlock()
					}
				}()
			}
			wg.Wait()
			if len(got) != notices {
				t.Fatalf("%d messages claimed, want %d", len(got), notices)
			}
			// Nothing is due while the leases hold; once they ran out the
			// messages are claimed again, and the first holders lose them.
			if os, _ := db.Mail().Claim(ctx, "late", time.Minute, 100); len(os) != 0 {
				t.Errorf("claimed under a live lease: %d", len(os))
			}
			clk.Add(time.Minute + time.Second)
			again, err := db.Mail().Claim(ctx, "late", time.Minute, 100)
			if err != nil || len(again) != notices || again[0].Tries != 2 {
				t.Fatalf("after the leases ran out: %d, %v", len(again), err)
			}
			id := again[0].ID
			if ok, err := db.Mail().Delivered(ctx, got[id], id, again[0].Kind); err != nil || ok {
				t.Errorf("the first holder recorded delivery: %v, %v", ok, err)
			}
			if ok, err := db.Mail().Delivered(ctx, "late", id, again[0].Kind); err != nil || !ok {
				t.Errorf("the holder could not record delivery: %v, %v", ok, err)
			}
			if err := db.Mail().Undelivered(ctx, "late", again[1].ID, "421 try later", false); err != nil {
				t.Fatal(err)
			}
			es, _, _ = db.Mail().Outbox(ctx, f.Owner, tandem.Page{Limit: 100})
			byID := map[int64]store.OutboxEntry{}
			for _, e := range es {
				byID[e.ID] = e
			}
			if e := byID[id]; e.Status != mail.Sent || e.SentAt.IsZero() {
				t.Errorf("delivered: %+v", e)
			}
			if e := byID[again[1].ID]; e.Status != mail.Pending || e.LastError != "421 try later" || !e.NextAttempt.Equal(clk.Now().Add(mail.Backoff(2))) {
				t.Errorf("undelivered: %+v", e)
			}
			// Pruning removes sent e-mails only.
			if n, err := db.Mail().Prune(ctx, clk.Now().Add(time.Hour)); err != nil || n != 1 {
				t.Errorf("prune: %d, %v", n, err)
			}
			if _, total, _ := db.Mail().Outbox(ctx, f.Owner, tandem.Page{Limit: 1}); total != notices-1 {
				t.Errorf("after pruning %d e-mails are left, want %d", total, notices-1)
			}
		})
	}
}
