package sales_test

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/tandemhq/tandem/internal/importer"
	"github.com/tandemhq/tandem/internal/sales"
)

// planFile reads a sample export, detects its preset and plans it against
// base in a Stockholm workspace.
func planFile(t *testing.T, name string, base *sales.BaseKeys) (*importer.Table, string, *sales.ImportPlan) {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "importer", "testdata", "sales", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tab, err := importer.ReadWith(name, f, importer.Options{Windows1251: true})
	if err != nil {
		t.Fatal(err)
	}
	p, m, ok := sales.DetectPreset(tab.Header)
	if !ok {
		t.Fatalf("%s: no preset detected for %q", name, tab.Header)
	}
	pl := sales.NewPlanner(tab.Header, m, "Europe/Stockholm", base)
	for i, row := range tab.Rows {
		pl.Add(tab.RowNumbers[i], row)
	}
	return tab, p.Key, pl.Plan()
}

type wantContact struct {
	name, position string
	phones, typed  []string
	emails         []string
}

type wantAccount struct {
	name, reg, country, city, website, industry string
	size                                        sales.Size
	status                                      sales.Status
	tags                                        []string
	contacts                                    []wantContact
}

func checkPlan(t *testing.T, plan *sales.ImportPlan, want []wantAccount) {
	t.Helper()
	if plan.ErrorCount != 0 {
		t.Fatalf("errors: %+v", plan.Errors)
	}
	if len(plan.Accounts) != len(want) {
		t.Fatalf("%d accounts, want %d: %+v", len(plan.Accounts), len(want), plan.Accounts)
	}
	for i, w := range want {
		a := plan.Accounts[i].Account
		got := []string{a.Name, a.RegNumber, a.Country, a.City, a.Website, a.Industry, string(a.Size), string(a.Status)}
		exp := []string{w.name, w.reg, w.country, w.city, w.website, w.industry, string(w.size), string(w.status)}
		if !slices.Equal(got, exp) {
			t.Errorf("account %d = %q, want %q", i, got, exp)
		}
		if !slices.Equal(a.Tags, w.tags) && (len(a.Tags) > 0 || len(w.tags) > 0) {
			t.Errorf("account %d tags = %q, want %q", i, a.Tags, w.tags)
		}
		cs := plan.Accounts[i].Contacts
		if len(cs) != len(w.contacts) {
			t.Fatalf("account %d: %d contacts, want %d", i, len(cs), len(w.contacts))
		}
		for j, wc := range w.contacts {
			c := cs[j]
			var phones, typed, emails []string
			for _, d := range c.Phones {
				phones, typed = append(phones, d.Value), append(typed, d.Typed)
			}
			for _, d := range c.Emails {
				emails = append(emails, d.Value)
			}
			if c.Name != wc.name || c.Position != wc.position || !slices.Equal(phones, wc.phones) ||
				!slices.Equal(emails, wc.emails) || (wc.typed != nil && !slices.Equal(typed, wc.typed)) {
				t.Errorf("account %d contact %d = %q %q %q %q %q, want %+v", i, j, c.Name, c.Position, phones, typed, emails, wc)
			}
		}
	}
}

func TestImportAmoCRM(t *testing.T) {
	t.Parallel()
	tab, preset, plan := planFile(t, "amocrm_contacts.csv", nil)
	if preset != "amocrm" || tab.Encoding != importer.EncodingUTF8BOM || tab.Delimiter != "," {
		t.Fatalf("preset %q, encoding %q, delimiter %q", preset, tab.Encoding, tab.Delimiter)
	}
	checkPlan(t, plan, []wantAccount{
		{name: "ООО Северный Ветер", website: "https://severveter.example", status: sales.StatusProspect, tags: []string{"опт", "спб"},
			contacts: []wantContact{
				{name: "Ирина Петрова", position: "Коммерческий директор", phones: []string{"+78125551234", "+79123456789"},
					typed: []string{"+7 (812) 555-12-34", "+7 912 345-67-89"}, emails: []string{"i.petrova@severveter.example"}},
				{name: "Олег Смирнов", position: "Менеджер по закупкам", phones: []string{"+78125551235"}, emails: []string{"o.smirnov@severveter.example"}},
			}},
		{name: "ИП Лебедева М.А.", status: sales.StatusProspect, tags: []string{"розница"},
			contacts: []wantContact{{name: "Мария Лебедева", position: "Владелец", phones: []string{"+74951234567"}, emails: []string{"maria.lebedeva@mail.example"}}}},
	})
	if plan.NewAccounts != 2 || plan.NewContacts != 3 || plan.ExistingAccounts != 0 || plan.MergedContacts != 0 {
		t.Errorf("counts %+v", plan)
	}
}

func TestImportBitrix24Windows1251(t *testing.T) {
	t.Parallel()
	tab, preset, plan := planFile(t, "bitrix24_deals.csv", nil)
	if preset != "bitrix24" || tab.Encoding != importer.EncodingWindows1251 || tab.Delimiter != ";" {
		t.Fatalf("preset %q, encoding %q, delimiter %q", preset, tab.Encoding, tab.Delimiter)
	}
	// The trailing ";" adds no column: 18 named columns.
	if len(tab.Header) != 18 || tab.Header[17] != "Количество" {
		t.Fatalf("header %q", tab.Header)
	}
	checkPlan(t, plan, []wantAccount{
		{name: `ООО "Балтийский Кофе"`, reg: "7801234567", country: "RU", city: "Санкт-Петербург", industry: "Розничная торговля",
			size: sales.SizeMedium, status: sales.StatusCustomer, contacts: []wantContact{
				{name: "Елена Волкова", position: "Директор по закупкам", phones: []string{"+78126001020"}, emails: []string{"e.volkova@baltcoffee.example"}},
				{name: "Андрей Козлов", position: "Главный инженер", phones: []string{"+79217003040"}, typed: []string{"8 (921) 700-30-40"}},
			}},
		{name: `АО "Нордик Отель"`, reg: "7709876543", country: "RU", city: "Москва", industry: "Гостиницы", size: sales.SizeLarge,
			status: sales.StatusProspect, contacts: []wantContact{
				{name: "Светлана Орлова", position: "Генеральный менеджер", phones: []string{"+74952003040"}, emails: []string{"s.orlova@nordichotel.example"}},
			}},
	})
	// Four lines: two accounts, three contacts, the product line of deal 12
	// repeats Елена Волкова.
	if plan.Rows != 4 || plan.NewAccounts != 2 || plan.NewContacts != 3 || plan.MergedContacts != 1 {
		t.Errorf("counts %+v", plan)
	}
}

func TestImportHubSpot(t *testing.T) {
	t.Parallel()
	_, preset, plan := planFile(t, "hubspot_contacts.csv", nil)
	if preset != "hubspot" {
		t.Fatalf("preset %q", preset)
	}
	checkPlan(t, plan, []wantAccount{
		{name: "Norrsken Retail AB", country: "SE", city: "Stockholm", website: "https://norrsken.example", industry: "Retail",
			size: sales.SizeMedium, status: sales.StatusCustomer, contacts: []wantContact{
				{name: "Karin Lindqvist", position: "Head of Sales", phones: []string{"+46812345678", "+46707654321"},
					typed: []string{"08-123 456 78", "070-765 43 21"}, emails: []string{"karin.lindqvist@norrsken.example"}},
				{name: "Jonas Ek", position: "Store Manager", phones: []string{"+46702223344"}, emails: []string{"jonas.ek@norrsken.example"}},
			}},
		{name: "Tallinn Harbour Hotel OÜ", country: "EE", city: "Tallinn", website: "https://tallinnhotel.example", industry: "Hospitality",
			size: sales.SizeSmall, status: sales.StatusProspect, contacts: []wantContact{
				{name: "Liis Tamm", position: "Owner", phones: []string{"+37251234567"}, emails: []string{"liis@tallinnhotel.example"}},
			}},
	})
}

func TestImportPipedrive(t *testing.T) {
	t.Parallel()
	_, preset, plan := planFile(t, "pipedrive_people.csv", nil)
	if preset != "pipedrive" {
		t.Fatalf("preset %q", preset)
	}
	checkPlan(t, plan, []wantAccount{
		{name: "København Office ApS", country: "DK", city: "København", website: "https://kbhoffice.example", status: sales.StatusProspect,
			tags: []string{"hot lead"}, contacts: []wantContact{
				{name: "Mikkel Jensen", position: "Office Manager", phones: []string{"+4533123456"}, emails: []string{"mikkel@kbhoffice.example"}},
				{name: "Sofie Nielsen", position: "CFO", phones: []string{"+4520304050"}, emails: []string{"sofie@kbhoffice.example"}},
			}},
		{name: "Riga Retail SIA", country: "LV", city: "Rīga", website: "https://rigaretail.example", status: sales.StatusProspect,
			tags: []string{"warm lead"}, contacts: []wantContact{
				{name: "Jānis Bērziņš", position: "Owner", phones: []string{"+37126123456"}, emails: []string{"janis@rigaretail.example"}},
			}},
	})
}

// TestImportDedupAgainstBase: an account matched by registration number,
// one by name, a contact by phone and one by e-mail are already there.
func TestImportDedupAgainstBase(t *testing.T) {
	t.Parallel()
	base := sales.NewBaseKeys()
	base.RegNumbers["7801234567"] = 10                                                   // Балтийский Кофе
	base.Details[sales.DetailKey(sales.FieldPhone, "+78126001020")] = 10                 // Елена Волкова
	base.Details[sales.DetailKey(sales.FieldEmail, "s.orlova@nordichotel.example")] = 11 // Светлана Орлова, of an account without a number
	_, _, plan := planFile(t, "bitrix24_deals.csv", base)
	if plan.ErrorCount != 0 {
		t.Fatal(plan.Errors)
	}
	// Балтийский Кофе is in the base with Волкова; Козлов is new there.
	// Нордик Отель has a number the base lacks: a new account, but Орлова
	// is in the base (by e-mail) and is not added again.
	if plan.ExistingAccounts != 1 || plan.NewAccounts != 1 || plan.NewContacts != 1 || plan.ExistingContacts != 2 || plan.MergedContacts != 1 {
		t.Fatalf("counts %+v", plan)
	}
	if len(plan.Accounts) != 2 || plan.Accounts[0].ExistingID != 10 || len(plan.Accounts[0].Contacts) != 1 ||
		plan.Accounts[0].Contacts[0].Name != "Андрей Козлов" || plan.Accounts[1].ExistingID != 0 || len(plan.Accounts[1].Contacts) != 0 {
		t.Fatalf("accounts %+v", plan.Accounts)
	}
}

// TestImportBadRow: a bad cell is reported by row and column, and the
// plan then holds nothing to write.
func TestImportBadRow(t *testing.T) {
	t.Parallel()
	header := []string{"Company", "Country", "Contact", "Phone", "Email", "Size"}
	_, m, ok := sales.DetectPreset(header)
	if !ok {
		t.Fatal("no preset")
	}
	pl := sales.NewPlanner(header, m, "Europe/Stockholm", nil)
	pl.Add(2, []string{"Norrsken AB", "SE", "Karin", "070-123 45 12", "karin@norrsken.example", "12"})
	pl.Add(3, []string{"Fjord AS", "Atlantis", "Ola", "not a number", "ola@fjord", "huge"})
	pl.Add(4, []string{"", "SE", "Nobody", "", "", ""})
	plan := pl.Plan()
	type rc struct {
		row    int
		column string
		key    string
	}
	var got []rc
	for _, e := range plan.Errors {
		got = append(got, rc{e.Row, e.Column, string(e.Key)})
	}
	want := []rc{
		{3, "Country", "validation.country"},
		{3, "Size", "sales.import.bad_size"},
		{3, "Phone", "sales.phone.invalid"},
		{3, "Email", "validation.email"},
		{4, "Company", "import.cell.required"},
	}
	if !slices.Equal(got, want) || plan.ErrorCount != 5 || plan.Accounts != nil {
		t.Fatalf("errors %+v (count %d), accounts %v; want %+v", got, plan.ErrorCount, plan.Accounts, want)
	}
}

func TestSizeStatusCountry(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]sales.Size{"1-10": sales.SizeMicro, "11-50": sales.SizeSmall, "менее 50": sales.SizeSmall,
		"50-250": sales.SizeMedium, "более 500": sales.SizeLarge, "250": sales.SizeLarge, "9": sales.SizeMicro, "Medium": sales.SizeMedium} {
		if got, ok := sales.SizeOf(in); !ok || got != want {
			t.Errorf("SizeOf(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	if _, ok := sales.SizeOf("many"); ok {
		t.Error("SizeOf(many) ok")
	}
	for in, want := range map[string]sales.Status{"Клиент": sales.StatusCustomer, "Marketing Qualified Lead": sales.StatusProspect,
		"former customer": sales.StatusFormer, "Tidigare kund": sales.StatusFormer} {
		if got, ok := sales.StatusOf(in); !ok || got != want {
			t.Errorf("StatusOf(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for in, want := range map[string]string{"se": "SE", "Sverige": "SE", "Россия": "RU", "Latvia": "LV"} {
		if got, ok := sales.CountryCode(in); !ok || got != want {
			t.Errorf("CountryCode(%q) = %q, %v", in, got, ok)
		}
	}
	if got := sales.RegKey(" 556677-8899 "); got != "5566778899" {
		t.Errorf("RegKey = %q", got)
	}
}

// TestImportXLSX: a workbook (here the Pipedrive sample saved as XLSX)
// gives the same plan as the CSV.
func TestImportXLSX(t *testing.T) {
	t.Parallel()
	csvData, err := os.ReadFile(filepath.Join("..", "importer", "testdata", "sales", "pipedrive_people.csv"))
	if err != nil {
		t.Fatal(err)
	}
	tab, err := importer.ReadWith("p.csv", bytes.NewReader(csvData), importer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	x := excelize.NewFile()
	for j, h := range tab.Header {
		cell, _ := excelize.CoordinatesToCellName(j+1, 1)
		x.SetCellValue("Sheet1", cell, h)
	}
	for i, row := range tab.Rows {
		for j, c := range row {
			cell, _ := excelize.CoordinatesToCellName(j+1, i+2)
			x.SetCellValue("Sheet1", cell, c)
		}
	}
	var buf bytes.Buffer
	if err := x.Write(&buf); err != nil {
		t.Fatal(err)
	}
	xt, err := importer.ReadWith("people.xlsx", &buf, importer.Options{Windows1251: true})
	if err != nil {
		t.Fatal(err)
	}
	if xt.Encoding != importer.EncodingXLSX || xt.Delimiter != "" {
		t.Fatalf("encoding %q delimiter %q", xt.Encoding, xt.Delimiter)
	}
	p, m, ok := sales.DetectPreset(xt.Header)
	if !ok || p.Key != "pipedrive" {
		t.Fatalf("preset %q %v", p.Key, ok)
	}
	pl := sales.NewPlanner(xt.Header, m, "Europe/Stockholm", nil)
	for i, row := range xt.Rows {
		pl.Add(xt.RowNumbers[i], row)
	}
	plan := pl.Plan()
	if plan.ErrorCount != 0 || plan.NewAccounts != 2 || plan.NewContacts != 3 ||
		plan.Accounts[1].Contacts[0].Phones[0].Value != "+37126123456" || plan.Accounts[0].Account.Country != "DK" {
		t.Fatalf("plan %+v", plan)
	}
}
