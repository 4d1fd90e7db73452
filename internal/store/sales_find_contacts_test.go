package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/tandemhq/tandem/internal/sales"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
)

// A name search finds contacts by the start of their name, case and
// accents ignored, only among the accounts the caller sees, masked for a
// partner's people, in name order and at most the limit; it never matches
// a phone number.
func TestFindContacts(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			b := newSalesBase(t, dialect)
			f := b.f
			// Names around the prefix "kar": before, inside, after it in
			// byte order, with capitals, accents and another alphabet.
			for i, name := range []string{"Kåre Berg", "karl Öst", "Karolina Lind", "Kasper Holm", "Kara", "Karina Ek", "Карина Ильина"} {
				acct := []int64{b.mine, b.theirs, b.teamOnly, b.otherPartner, b.unassigned}[i%5]
				if err := b.db.Sales().AddContact(ctx, f.Manager, &sales.Contact{AccountID: acct, Name: name,
					Phones: []sales.Detail{{Typed: fmt.Sprintf("070-555 00 %02d", i)}}}); err != nil {
					t.Fatal(err)
				}
			}
			names := func(ms []store.ContactMatch) string {
				var out []string
				for _, m := range ms {
					out = append(out, m.Contact.Name)
				}
				return strings.Join(out, ", ")
			}
			// The client's manager sees the whole base: "Kåre" folds to
			// "kare", which is before "kari…" and after "kara".
			got, err := b.db.Sales().FindContacts(ctx, f.Manager, "KAR", 10)
			if err != nil {
				t.Fatal(err)
			}
			if want := "Kara, Kåre Berg, Karin Nilsson, Karina Ek, karl Öst, Karolina Lind"; names(got) != want {
				t.Errorf("manager: %s, want %s", names(got), want)
			}
			if got, _ := b.db.Sales().FindContacts(ctx, f.Manager, "kare b", 10); names(got) != "Kåre Berg" {
				t.Errorf("first and last name: %s", names(got))
			}
			if got, _ := b.db.Sales().FindContacts(ctx, f.Manager, "карин", 10); names(got) != "Карина Ильина" {
				t.Errorf("Cyrillic: %s", names(got))
			}
			if got, _ := b.db.Sales().FindContacts(ctx, f.Manager, "KAR", 2); names(got) != "Kara, Kåre Berg" {
				t.Errorf("limit 2: %s", names(got))
			}
			for _, q := range []string{"", "  ", "-", "070", "+46", "malmosyd", "nilsson"} {
				if got, err := b.db.Sales().FindContacts(ctx, f.Manager, q, 10); err != nil || len(got) != 0 {
					t.Errorf("%q found %s (%v)", q, names(got), err)
				}
			}
			// The agent: only the account assigned to them ("mine": Karin
			// Nilsson, Kåre Berg, Karina Ek), masked, with the account's name.
			got, err = b.db.Sales().FindContacts(ctx, f.VendorAgent, "ka", 10)
			if err != nil {
				t.Fatal(err)
			}
			if names(got) != "Kåre Berg, Karin Nilsson, Karina Ek" {
				t.Errorf("agent: %s", names(got))
			}
			for _, m := range got {
				if !m.Contact.Masked || m.AccountName != "Hotell Malmö Syd AB" || m.Contact.AccountID != b.mine {
					t.Errorf("agent's match: %+v", m)
				}
			}
			// Partner B: its own engagement's account only (Kasper Holm).
			if got, _ := b.db.Sales().FindContacts(ctx, f.VendorManagerB, "ka", 10); names(got) != "Kasper Holm" {
				t.Errorf("partner B: %s", names(got))
			}
		})
	}
}

// The name search of the client's people and of a partner's manager reads
// the contacts in the index's own order and sorts nothing, whatever the
// statistics say of the range: on PostgreSQL the index used to end before
// the id, and a vacuumed million contacts had it sort the whole range.
func TestFindContactsReadsInIndexOrder(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			b := newSalesBase(t, dialect)
			if err := storetest.Exec(b.db, "ANALYZE"); err != nil {
				t.Fatal(err)
			}
			for _, p := range []tandem.Principal{b.f.Manager, b.f.VendorManager} {
				q, args := store.FindContactsQuery(b.db, p, "karin l", 20)
				var plan []string
				var err error
				if dialect == "postgres" {
					plan, err = store.QueryPlanPG(b.db, q, args...)
				} else {
					plan, err = store.QueryPlan(b.db, q, args...)
				}
				if err != nil {
					t.Fatal(err)
				}
				all := strings.Join(plan, "\n")
				// SQLite sorts equal names by id as it reads them (LAST
				// TERM: its index ends with the rowid, which it does not
				// count on after a range); a sort of all the range is
				// "USE TEMP B-TREE FOR ORDER BY".
				if !strings.Contains(all, "sales_contacts_search") || strings.Contains(all, "Sort") || strings.Contains(all, "TEMP B-TREE FOR ORDER BY") {
					t.Errorf("%s: the search does not read sales_contacts_search in order:\n%s", p.Role, all)
				}
			}
		})
	}
}
