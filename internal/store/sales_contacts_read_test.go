package store_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/tandemhq/tandem/internal/sales"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
)

// TestContactsInOneStatement: an account's contacts come with their
// phone numbers and e-mail addresses from one statement — decision makers
// first, then by name; each contact's details in the order they were
// given; a contact with none has empty lists; another account's contact
// and its details stay out.
func TestContactsInOneStatement(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			b := newSalesBase(t, dialect)
			ctx := context.Background()
			add := func(c *sales.Contact) {
				t.Helper()
				c.AccountID = b.mine
				if err := b.db.Sales().AddContact(ctx, b.f.Manager, c); err != nil {
					t.Fatal(err)
				}
			}
			// Beside the fixture's decision maker Karin Nilsson (two
			// phones, one e-mail): one more decision maker, a contact
			// with no detail and one with e-mails only.
			add(&sales.Contact{Name: "Adam Berg", Position: "Owner", DecisionMaker: true,
				Phones: []sales.Detail{{Typed: "08-555 111 22"}}})
			add(&sales.Contact{Name: "Cecilia Ek", Position: "Receptionist"})
			add(&sales.Contact{Name: "Bo Alm", Emails: []sales.Detail{{Typed: "bo@malmosyd.example"}, {Typed: "Bo.Alm@Home.example"}}})

			cctx, counter := store.WithStatementCounter(ctx)
			cs, err := b.db.Sales().Contacts(cctx, b.f.Manager, b.mine)
			if err != nil {
				t.Fatal(err)
			}
			type row struct {
				Name          string
				DecisionMaker bool
				Phones        []string
				Emails        []string
			}
			var got []row
			for _, c := range cs {
				r := row{Name: c.Name, DecisionMaker: c.DecisionMaker, Phones: []string{}, Emails: []string{}}
				for _, d := range c.Phones {
					r.Phones = append(r.Phones, d.Value)
				}
				for _, d := range c.Emails {
					r.Emails = append(r.Emails, d.Value)
				}
				if c.Phones == nil || c.Emails == nil {
					t.Errorf("%s: nil lists (phones %v, e-mails %v)", c.Name, c.Phones, c.Emails)
				}
				got = append(got, r)
			}
			want := []row{
				{Name: "Adam Berg", DecisionMaker: true, Phones: []string{"+46855511122"}, Emails: []string{}},
				{Name: "Karin Nilsson", DecisionMaker: true, Phones: []string{"+46701234512", "+4640123456"}, Emails: []string{"karin.nilsson@malmosyd.example"}},
				{Name: "Bo Alm", Phones: []string{}, Emails: []string{"bo@malmosyd.example", "bo.alm@home.example"}},
				{Name: "Cecilia Ek", Phones: []string{}, Emails: []string{}},
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("contacts (-want +got):\n%s", diff)
			}
			// The account's check, then the contacts with their details
			// (the partner's read meter counts only for partner tokens).
			if texts := counter.Texts(); len(texts) != 2 {
				t.Errorf("%d statements, want 2: %q", len(texts), texts)
			}
		})
	}
}
