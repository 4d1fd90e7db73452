package store_test

import (
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/mail"
	"github.com/tandemhq/tandem/internal/notice"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
)

// E-mail choices are per kind, under their area: a kind's choice overrides
// its area's, choosing an area again drops its kinds' own choices; an
// unknown kind refuses the whole change. An unsubscribe token naming a
// kind turns off that kind only; an older one naming an area the whole
// area.
func TestMailPreferencesPerKind(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			clk := storetest.NewClock(time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC))
			db := storetest.Open(t, dialect, clk.Now)
			f := storetest.Seed(t, db)
			storetest.Activate(t, db, f.Owner, f.A1, nil)
			m := db.Mail()
			p, err := m.SetPreferences(ctx, f.Manager, mail.Preferences{
				Modes: map[string]mail.Mode{"deliverable": mail.InDigest},
				Kinds: map[string]mail.Mode{"deliverable.submitted": mail.Immediate, "notice.filed": mail.Off}})
			if err != nil {
				t.Fatal(err)
			}
			want := map[string]mail.Mode{"deliverable.submitted": mail.Immediate, "deliverable.created": mail.InDigest,
				"notice.filed": mail.Off, "notice.acknowledged": mail.Immediate, "invoice.issued": mail.Immediate}
			check := func(when string, want map[string]mail.Mode) {
				t.Helper()
				p, err := m.Preferences(ctx, f.Manager)
				if err != nil {
					t.Fatal(err)
				}
				for kind, w := range want {
					if got := p.Mode(kind); got != w {
						t.Errorf("%s: %s is %q, want %q", when, kind, got, w)
					}
				}
			}
			if p.Kinds["notice.filed"] != mail.Off || p.Modes["deliverable"] != mail.InDigest {
				t.Errorf("saved %+v", p)
			}
			check("saved", want)

			// An unknown kind, with a valid area beside it: nothing changes.
			_, err = m.SetPreferences(ctx, f.Manager, mail.Preferences{Modes: map[string]mail.Mode{"invoice": mail.Off},
				Kinds: map[string]mail.Mode{"invoice.eaten": mail.Off}})
			if fe := tandem.FieldErrors(err); len(fe) != 1 || fe[0].Field != "kinds.invoice.eaten" {
				t.Errorf("unknown kind: %v", err)
			}
			check("after an unknown kind", want)

			// Notices filed: the owner gets e-mails, the manager (notice.filed off) none.
			if err := db.Notices.File(ctx, f.VendorAgent, &notice.Notice{EngagementID: f.A1, Category: "missing_information", Text: "N"}); err != nil {
				t.Fatal(err)
			}
			es, _, err := m.Outbox(ctx, f.Owner, tandem.Page{Limit: 10})
			if err != nil || len(es) != 1 || es[0].To != f.Emails[tandem.RoleOwner] || es[0].Kind != "notice.filed" {
				t.Errorf("outbox %+v %v", es, err)
			}

			// The area chosen again: its kinds follow it.
			if _, err := m.SetPreferences(ctx, f.Manager, mail.Preferences{Modes: map[string]mail.Mode{"deliverable": mail.Off}}); err != nil {
				t.Fatal(err)
			}
			want["deliverable.submitted"], want["deliverable.created"] = mail.Off, mail.Off
			check("area again", want)

			// Unsubscribe by kind, then by an older area token.
			key, err := m.Key(ctx)
			if err != nil {
				t.Fatal(err)
			}
			tok := func(kind string) string {
				return mail.Unsubscribe{WorkspaceID: f.WorkspaceID, UserID: f.Owner.UserID, Kind: kind}.Sign(key)
			}
			if _, err := m.SetPreferences(ctx, f.Owner, mail.Preferences{Kinds: map[string]mail.Mode{"invoice.paid": mail.InDigest}}); err != nil {
				t.Fatal(err)
			}
			if err := m.Unsubscribe(ctx, tok("invoice.issued")); err != nil {
				t.Fatal(err)
			}
			owner := func(when string, want map[string]mail.Mode) {
				t.Helper()
				p, err := m.Preferences(ctx, f.Owner)
				if err != nil {
					t.Fatal(err)
				}
				for kind, w := range want {
					if got := p.Mode(kind); got != w {
						t.Errorf("%s: the owner's %s is %q, want %q", when, kind, got, w)
					}
				}
			}
			owner("kind token", map[string]mail.Mode{"invoice.issued": mail.Off, "invoice.paid": mail.InDigest, "invoice.approved": mail.Immediate})
			if err := m.Unsubscribe(ctx, tok("invoice")); err != nil {
				t.Fatal(err)
			}
			owner("area token", map[string]mail.Mode{"invoice.issued": mail.Off, "invoice.paid": mail.Off, "invoice.approved": mail.Off, "notice.filed": mail.Immediate})
		})
	}
}
