package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
)

// TestSalesImportFullChunks imports a file larger than one multi-row
// INSERT (400 rows) of every table: 1,300 rows, 434 accounts, 1,300
// contacts, 2,600 details. It reads back accounts and contacts from a full
// chunk and from the last, partial one: every field, the assignment and
// the time.
func TestSalesImportFullChunks(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			b := newSalesBase(t, d)
			db, f := b.db, b.f
			now := b.clock.Now()
			const rows = 1300
			var file strings.Builder
			file.WriteString("Company,Registration number,Contact,Phone,Email\n")
			for i := range rows {
				c := i / 3
				fmt.Fprintf(&file, "Chunk Company %d AB,556%03d-%04d,Contact %d,070-%03d %02d %02d,Contact.%d@Co%d.example\n",
					c, c, c, i, i/10000%1000, i/100%100, i%100, i, c)
			}
			to := store.Assignment{EngagementID: f.A1, AgentID: f.VendorAgent.MembershipID}
			plan, err := salesImport(t, db, f.Manager, importTable(t, "x.csv", file.String()), to, false)
			if err != nil {
				t.Fatal(err)
			}
			if plan.ErrorCount != 0 || plan.Rows != rows || plan.NewAccounts != 434 || plan.NewContacts != rows || plan.ExistingAccounts != 0 {
				t.Fatalf("plan %+v", plan)
			}
			for _, p := range []tandem.Principal{f.Manager, f.VendorAgent} {
				if _, total, err := db.Sales().Accounts(ctx, p, tandem.Page{Q: "Chunk Company", Limit: 1}, store.AccountFilter{}); err != nil || total != 434 {
					t.Errorf("%v sees %d imported accounts (%v), want 434", p.Role, total, err)
				}
			}
			// The agent's name search finds the imported contacts at once
			// (the trigger on contacts): "contact 12" is the start of 111
			// names (12, 120–129, 1200–1299), the first page is 50, in
			// the order of the folded names.
			ms, err := db.Sales().FindContacts(ctx, f.VendorAgent, "contact 12", store.FindContactsLimit)
			if err != nil || len(ms) != 50 || ms[0].Contact.Name != "Contact 12" || ms[1].Contact.Name != "Contact 120" ||
				ms[2].Contact.Name != "Contact 1200" {
				t.Errorf("the agent's search: %d contacts (%v)", len(ms), err)
			}
			for _, c := range []int{200, 433} { // in the first full chunk of accounts; in the last, partial one
				name := fmt.Sprintf("Chunk Company %d AB", c)
				as, _, err := db.Sales().Accounts(ctx, f.Manager, tandem.Page{Q: name, Limit: 200}, store.AccountFilter{})
				if err != nil {
					t.Fatal(err)
				}
				var id int64
				for _, a := range as {
					if a.Name != name {
						continue
					}
					id = a.ID
					if a.RegNumber != fmt.Sprintf("556%03d-%04d", c, c) || a.EngagementID != f.A1 || a.AgentID != f.VendorAgent.MembershipID ||
						!a.CreatedAt.Equal(now) || !a.UpdatedAt.Equal(now) {
						t.Errorf("account %+v", a)
					}
				}
				if id == 0 {
					t.Fatalf("no account %q among %d", name, len(as))
				}
				a, err := db.Sales().Account(ctx, f.Manager, id)
				if err != nil {
					t.Fatal(err)
				}
				if a.WorkspaceID != f.Manager.WorkspaceID || a.Name != name || a.EngagementID != f.A1 || a.AgentID != f.VendorAgent.MembershipID {
					t.Errorf("account %+v", a)
				}
				cs, err := db.Sales().Contacts(ctx, f.Manager, id)
				if err != nil {
					t.Fatal(err)
				}
				var want []string
				for i := 3 * c; i < min(3*c+3, rows); i++ {
					want = append(want, fmt.Sprintf("Contact %d|070-%03d %02d %02d|+4670%03d%02d%02d|contact.%d@co%d.example|Contact.%d@Co%d.example",
						i, i/10000%1000, i/100%100, i%100, i/10000%1000, i/100%100, i%100, i, c, i, c))
				}
				var got []string
				for _, x := range cs {
					if len(x.Phones) != 1 || len(x.Emails) != 1 || x.AccountID != id || !x.CreatedAt.Equal(now) || !x.UpdatedAt.Equal(now) {
						t.Errorf("contact %+v", x.Contact)
						continue
					}
					got = append(got, strings.Join([]string{x.Name, x.Phones[0].Typed, x.Phones[0].Value, x.Emails[0].Value, x.Emails[0].Typed}, "|"))
				}
				if strings.Join(got, "\n") != strings.Join(want, "\n") {
					t.Errorf("contacts of %s:\n%s\nwant\n%s", name, strings.Join(got, "\n"), strings.Join(want, "\n"))
				}
			}
		})
	}
}
