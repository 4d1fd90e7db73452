package web_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"

	"github.com/tandemhq/tandem/internal/sales"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
)

// TestSalesExport downloads the client's customers that no engagement
// works (?status=customer&engagement=none) in the three formats. The
// base is the sales fixture (prospects) plus three customers: "ООО
// Ромашка" with two contacts, "Åre Fjällhotell" without, and "Kund AB"
// assigned to A1, which the filter leaves out. That is three rows: one a
// contact of Ромашка (the decision maker first), and Åre's with the
// contact's columns empty. Windows-1251 has no Å or ä: they are written
// without their accents. Every export is audited; the partner's people
// are refused every export URL.
func TestSalesExport(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			s := newSalesEnv(t, dialect)
			f := s.f
			add := func(a sales.Account, cs ...sales.Contact) {
				t.Helper()
				a.Status = sales.StatusCustomer
				if err := s.db.Sales().CreateAccounts(ctx, f.Manager, []store.NewAccount{{Account: a, Contacts: cs}}); err != nil {
					t.Fatal(err)
				}
			}
			add(sales.Account{Name: "ООО Ромашка", RegNumber: "7701234567", Country: "RU", City: "Москва", Tags: []string{"опт"}},
				sales.Contact{Name: "Ольга Смирнова", Emails: []sales.Detail{{Typed: "olga@romashka.example"}}, Notes: "звонить после 10"},
				sales.Contact{Name: "Иван Петров", Position: "Директор", DecisionMaker: true,
					Phones: []sales.Detail{{Typed: "+7 495 123-45-67"}}, Emails: []sales.Detail{{Typed: "Ivan@Romashka.example"}}})
			add(sales.Account{Name: "Åre Fjällhotell", Country: "SE", City: "Åre", Website: "fjallhotell.example"})
			add(sales.Account{Name: "Kund AB", Country: "SE"})
			if _, err := s.db.Sales().Assign(ctx, f.Manager, store.AccountFilter{Q: "kund ab"}, store.Assignment{EngagementID: f.A1}); err != nil {
				t.Fatal(err)
			}
			header := []string{"Company", "Registration number", "Country", "City", "Website", "Industry", "Size", "Status", "Source",
				"Tags", "Notes", "Engagement", "Agent", "Name", "Position", "Decision maker", "Phone", "E-mail", "Contact notes"}
			want := [][]string{
				{"ООО Ромашка", "7701234567", "RU", "Москва", "", "", "", "customer", "", "опт", "", "", "",
					"Иван Петров", "Директор", "Yes", "+74951234567", "ivan@romashka.example", ""},
				{"ООО Ромашка", "7701234567", "RU", "Москва", "", "", "", "customer", "", "опт", "", "", "",
					"Ольга Смирнова", "", "", "", "olga@romashka.example", "звонить после 10"},
				{"Åre Fjällhotell", "", "SE", "Åre", "https://fjallhotell.example", "", "", "customer", "", "", "", "", "",
					"", "", "", "", "", ""},
			}
			// The databases sort names differently: rows are compared
			// in Go's order, the file's order of contacts kept.
			norm := func(rows [][]string) [][]string {
				sort.SliceStable(rows, func(i, j int) bool { return rows[i][0] < rows[j][0] })
				return rows
			}
			want = norm(want)
			const query = "?status=customer&engagement=none"
			owner := s.as(f.Owner)
			owner.lang = "en"

			r := owner.get("/sales/export/csv" + query)
			if r.status != 200 || r.header.Get("Content-Type") != "text/csv; charset=utf-8" ||
				r.header.Get("Content-Disposition") != "attachment; filename=sales-accounts.csv" || !strings.HasPrefix(r.body, "\uFEFF") {
				t.Fatalf("csv: %d %v", r.status, r.header)
			}
			got, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(r.body, "\uFEFF"))).ReadAll()
			if err != nil || !reflect.DeepEqual(got[0], header) || !reflect.DeepEqual(norm(got[1:]), want) {
				t.Errorf("csv: %v\n%q\nwant %q", err, got, want)
			}

			r = owner.get("/sales/export/csv-excel" + query)
			if r.status != 200 || r.header.Get("Content-Type") != "text/csv; charset=windows-1251" || strings.Contains(r.body, "Ромашка") {
				t.Fatalf("csv-excel: %d %v (not Windows-1251?)", r.status, r.header)
			}
			text, err := charmap.Windows1251.NewDecoder().String(r.body)
			if err != nil {
				t.Fatal(err)
			}
			cr := csv.NewReader(strings.NewReader(text))
			cr.Comma = ';'
			got, err = cr.ReadAll()
			want1251 := [][]string{want[0], want[1], append([]string{}, want[2]...)}
			for i, row := range want1251 {
				want1251[i] = append([]string{}, row...)
				for j, v := range want1251[i] {
					want1251[i][j] = strings.NewReplacer("Å", "A", "ä", "a").Replace(v)
				}
			}
			if err != nil || !reflect.DeepEqual(got[0], header) || !reflect.DeepEqual(norm(got[1:]), norm(want1251)) {
				t.Errorf("csv-excel: %v\n%q\nwant %q", err, got, want1251)
			}

			r = owner.get("/sales/export/xlsx" + query)
			if r.status != 200 || r.header.Get("Content-Disposition") != "attachment; filename=sales-accounts.xlsx" {
				t.Fatalf("xlsx: %d %v", r.status, r.header)
			}
			x, err := excelize.OpenReader(bytes.NewReader([]byte(r.body)))
			if err != nil {
				t.Fatal(err)
			}
			got, err = x.GetRows("Sales base")
			x.Close()
			for i := range got { // GetRows leaves out empty cells at the end of a row
				for len(got[i]) < len(header) {
					got[i] = append(got[i], "")
				}
			}
			if err != nil || len(got) == 0 || !reflect.DeepEqual(got[0], header) || !reflect.DeepEqual(norm(got[1:]), want) {
				t.Errorf("xlsx: %v\n%q\nwant %q", err, got, want)
			}

			// The API serves the same file to the client's token, here in
			// Russian: the header and "yes" follow the reader.
			ru := s.anon()
			ru.lang = "ru"
			r = ru.api("GET", "/api/v1/sales/export/csv"+query, s.token(f.Manager), "")
			if got, _ := csv.NewReader(strings.NewReader(strings.TrimPrefix(r.body, "\uFEFF"))).ReadAll(); r.status != 200 || len(got) != 4 ||
				got[0][0] != "Компания" || !strings.Contains(r.body, "Иван Петров,Директор,Да,") {
				t.Errorf("ru api csv: %d %q", r.status, got)
			}

			entries, _, err := s.db.Audit.List(ctx, f.Owner, storeFilter("data.export"), tandem.Page{Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			formats := map[string]int{}
			for _, e := range entries {
				if e.Entity != "sales_base" {
					continue
				}
				var d struct {
					Format   string
					Rows     int
					Accounts int
				}
				if err := json.Unmarshal([]byte(e.Data), &d); err != nil || d.Rows != 3 || d.Accounts != 2 {
					t.Errorf("audit: %v %s", err, e.Data)
				}
				formats[d.Format]++
			}
			if !reflect.DeepEqual(formats, map[string]int{"csv": 2, "csv-excel": 1, "xlsx": 1}) {
				t.Errorf("audited exports: %v", formats)
			}

			// A partner's people have no export: 403 on every URL, and no
			// control on their list.
			for _, p := range []struct {
				who string
				c   *client
				tok string
			}{{"partner manager", s.as(f.VendorManager), s.token(f.VendorManager)}, {"agent", s.as(f.VendorAgent), s.token(f.VendorAgent)}} {
				for _, format := range sales.ExportFormats {
					path := fmt.Sprintf("/sales/export/%s%s", format, query)
					if r := p.c.get(path); r.status != 403 {
						t.Errorf("%s GET %s: %d", p.who, path, r.status)
					}
					if r := s.anon().api("GET", "/api/v1"+path, p.tok, ""); r.status != 403 {
						t.Errorf("%s API %s: %d", p.who, path, r.status)
					}
				}
				if r := p.c.get("/sales/accounts"); r.status != 200 || strings.Contains(r.body, `id="export"`) || strings.Contains(r.body, "/sales/export/") {
					t.Errorf("%s sees the export control", p.who)
				}
			}
			if r := owner.get("/sales/accounts" + query); !strings.Contains(r.body, `href="/sales/export/xlsx?engagement=none&amp;status=customer"`) {
				t.Errorf("the client's list has no export with its filters")
			}
		})
	}
}
