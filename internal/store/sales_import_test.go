package store_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/tandemhq/tandem/internal/importer"
	"github.com/tandemhq/tandem/internal/sales"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
)

// importTable reads a file (a sample export by name, or text) for import.
func importTable(t *testing.T, name, text string) *importer.Table {
	t.Helper()
	var data []byte
	if text == "" {
		var err error
		if data, err = os.ReadFile(filepath.Join("..", "importer", "testdata", "sales", name)); err != nil {
			t.Fatal(err)
		}
	} else {
		data = []byte(text)
	}
	tab, err := importer.ReadWith(name, strings.NewReader(string(data)), importer.Options{Windows1251: true})
	if err != nil {
		t.Fatal(err)
	}
	return tab
}

// salesImport imports a table with its detected preset.
func salesImport(t *testing.T, db *store.DB, p tandem.Principal, tab *importer.Table, to store.Assignment, dry bool) (*sales.ImportPlan, error) {
	t.Helper()
	_, m, ok := sales.DetectPreset(tab.Header)
	if !ok {
		t.Fatalf("no preset for %q", tab.Header)
	}
	return db.Sales().Import(context.Background(), p, store.SalesImport{Header: tab.Header, Mapping: m, Assign: to, DryRun: dry,
		Rows: func(yield func(int, []string) bool) {
			for i, r := range tab.Rows {
				if !yield(tab.RowNumbers[i], r) {
					return
				}
			}
		}})
}

// baseCounts counts the accounts, contacts and details of the fixture's workspace.
func baseCounts(t *testing.T, db *store.DB, p tandem.Principal) [3]int {
	t.Helper()
	ctx := context.Background()
	as, total, err := db.Sales().Accounts(ctx, p, tandem.Page{Limit: 200}, store.AccountFilter{})
	if err != nil {
		t.Fatal(err)
	}
	n := [3]int{total}
	for _, a := range as {
		cs, err := db.Sales().Contacts(ctx, p, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		n[1] += len(cs)
		for _, c := range cs {
			n[2] += len(c.Phones) + len(c.Emails)
		}
	}
	return n
}

// TestSalesImportPresets imports each preset's sample file and checks what
// the base then holds; a second run changes nothing.
func TestSalesImportPresets(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			b := newSalesBase(t, d)
			db, f := b.db, b.f
			before := baseCounts(t, db, f.Manager)
			// accounts, contacts, details each file adds (worked out from the files).
			files := []struct {
				name string
				add  [3]int
			}{
				{"amocrm_contacts.csv", [3]int{2, 3, 7}},
				{"bitrix24_deals.csv", [3]int{2, 3, 5}},
				{"hubspot_contacts.csv", [3]int{2, 3, 7}},
				{"pipedrive_people.csv", [3]int{2, 3, 6}},
			}
			want := before
			for _, file := range files {
				plan, err := salesImport(t, db, f.Manager, importTable(t, file.name, ""), store.Assignment{}, false)
				if err != nil {
					t.Fatalf("%s: %v", file.name, err)
				}
				if plan.ErrorCount != 0 || plan.NewAccounts != file.add[0] || plan.NewContacts != file.add[1] {
					t.Fatalf("%s: plan %+v", file.name, plan)
				}
				for i := range want {
					want[i] += file.add[i]
				}
				if got := baseCounts(t, db, f.Manager); got != want {
					t.Fatalf("after %s: base %v, want %v", file.name, got, want)
				}
			}
			// The same files again: everything is already there.
			for _, file := range files {
				plan, err := salesImport(t, db, f.Manager, importTable(t, file.name, ""), store.Assignment{}, false)
				if err != nil {
					t.Fatal(err)
				}
				if plan.NewAccounts != 0 || plan.NewContacts != 0 || plan.ExistingAccounts != file.add[0] || plan.ExistingContacts != file.add[1] {
					t.Errorf("%s again: plan %+v", file.name, plan)
				}
			}
			if got := baseCounts(t, db, f.Manager); got != want {
				t.Errorf("after the second run: base %v, want %v", got, want)
			}

			// The values of one imported contact, by value.
			as, _, err := db.Sales().Accounts(context.Background(), f.Manager, tandem.Page{Q: "Балтийский", Limit: 10}, store.AccountFilter{})
			if err != nil || len(as) != 1 {
				t.Fatalf("Балтийский Кофе: %v, %v", as, err)
			}
			a := as[0]
			if a.Name != `ООО "Балтийский Кофе"` || a.RegNumber != "7801234567" || a.Country != "RU" || a.Size != sales.SizeMedium ||
				a.Status != sales.StatusCustomer || a.Contacts != 2 || a.EngagementID != 0 {
				t.Errorf("account %+v", a)
			}
			cs, err := db.Sales().Contacts(context.Background(), f.Manager, a.ID)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, c := range cs {
				got = append(got, c.Name+"|"+c.Position)
				for _, p := range c.Phones {
					got = append(got, p.Value+"|"+p.Typed)
				}
				for _, e := range c.Emails {
					got = append(got, e.Value)
				}
			}
			wantC := []string{"Андрей Козлов|Главный инженер", "+79217003040|8 (921) 700-30-40",
				"Елена Волкова|Директор по закупкам", "+78126001020|+7 812 600-10-20", "e.volkova@baltcoffee.example"}
			if !slices.Equal(got, wantC) {
				t.Errorf("contacts %q, want %q", got, wantC)
			}
		})
	}
}

// TestSalesImportDedupAndAssign: rows already in the base (a contact's
// phone, an account's name) are skipped; the new accounts go to the
// engagement and agent asked for, and the agent sees them.
func TestSalesImportDedupAndAssign(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			b := newSalesBase(t, d)
			db, f := b.db, b.f
			before := baseCounts(t, db, f.Manager)
			file := "Company,Country,Contact,Phone,Email\n" +
				"Malmö Syd Hotell,SE,Karin N,+46 70 123 45 12,\n" + // Karin Nilsson's phone: her account, her
				"MALMÖ STADSHOTELL,SE,Per Persson,040-55 66 77,per@stadshotell.example\n" + // the account by name; Per is new
				"Lund Kontor AB,SE,Lisa Lund,046-12 34 56,lisa@lundkontor.example\n" + // new
				"Lund Kontor AB,SE,Lisa Lund,046-12 34 56,lisa@lundkontor.example\n" // the same again
			to := store.Assignment{EngagementID: f.A1, AgentID: f.VendorAgent.MembershipID}
			dry, err := salesImport(t, db, f.Manager, importTable(t, "x.csv", file), to, true)
			if err != nil {
				t.Fatal(err)
			}
			if got := baseCounts(t, db, f.Manager); got != before {
				t.Fatalf("a dry run wrote: %v, was %v", got, before)
			}
			plan, err := salesImport(t, db, f.Manager, importTable(t, "x.csv", file), to, false)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range []*sales.ImportPlan{dry, plan} {
				if p.NewAccounts != 1 || p.ExistingAccounts != 2 || p.NewContacts != 2 || p.ExistingContacts != 1 || p.MergedContacts != 1 {
					t.Errorf("plan %+v", p)
				}
			}
			want := before
			want[0], want[1], want[2] = want[0]+1, want[1]+2, want[2]+4
			if got := baseCounts(t, db, f.Manager); got != want {
				t.Errorf("base %v, want %v", got, want)
			}
			// The new account is the agent's; the existing ones kept their assignment.
			ids := accountIDs(t, db, f.VendorAgent, "")
			if len(ids) != 2 || !slices.Contains(ids, b.mine) {
				t.Errorf("the agent sees %v", ids)
			}
			if got := accountIDs(t, db, f.VendorAgent, "Lund"); len(got) != 1 {
				t.Errorf("the agent does not see the imported account: %v", got)
			}
			if ids := accountIDs(t, db, f.VendorManagerB, ""); !sameIDs(ids, []int64{b.otherPartner}) {
				t.Errorf("partner B sees %v", ids)
			}
		})
	}
}

// TestSalesImportBadRow: a bad row is named by row and column and nothing
// is written; a partner may not import; an agent of another partner is
// refused as the assignment's agent.
func TestSalesImportBadRow(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			b := newSalesBase(t, d)
			db, f := b.db, b.f
			before := baseCounts(t, db, f.Manager)
			file := "Company;Country;Contact;Phone;Email\n" +
				"Good AB;SE;Anna;070-111 22 33;anna@good.example\n" +
				"Bad AB;SE;Bert;12;bert@bad.example\n"
			plan, err := salesImport(t, db, f.Manager, importTable(t, "x.csv", file), store.Assignment{}, false)
			if err != nil {
				t.Fatal(err)
			}
			if plan.ErrorCount != 1 || plan.Errors[0].Row != 3 || plan.Errors[0].Column != "Phone" || plan.Errors[0].Value != "12" {
				t.Fatalf("errors %+v", plan.Errors)
			}
			if got := baseCounts(t, db, f.Manager); got != before {
				t.Errorf("a file with an error wrote: %v, was %v", got, before)
			}
			if _, err := salesImport(t, db, f.VendorManager, importTable(t, "x.csv", file), store.Assignment{}, true); tandem.ErrorCode(err) != tandem.EForbidden {
				t.Errorf("partner manager: %v", err)
			}
			good := "Company;Contact\nGood AB;Anna\n"
			_, err = salesImport(t, db, f.Manager, importTable(t, "x.csv", good), store.Assignment{EngagementID: f.A1, AgentID: f.VendorManagerB.MembershipID}, false)
			if tandem.ErrorCode(err) != tandem.EInvalid {
				t.Errorf("another partner's person as agent: %v", err)
			}
			if got := baseCounts(t, db, f.Manager); got != before {
				t.Errorf("a refused import wrote: %v, was %v", got, before)
			}
		})
	}
}
