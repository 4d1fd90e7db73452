package sales_test

import (
	"bytes"
	"reflect"
	"testing"

	"golang.org/x/text/encoding/charmap"

	"github.com/tandemhq/tandem/internal/sales"
)

func TestExportRows(t *testing.T) {
	t.Parallel()
	as := []sales.ExportAccount{
		{Account: sales.Account{Name: "ООО Ромашка", Country: "RU", Status: sales.StatusCustomer, Tags: []string{"опт", "москва"}},
			Contacts: []sales.Contact{{Name: "Иван", DecisionMaker: true,
				Phones: []sales.Detail{{Value: "+74951234567"}, {Value: "+74951234568"}}}}},
		{Account: sales.Account{Name: "Åre Fjällhotell", Status: sales.StatusProspect}},
	}
	got := sales.ExportRows(as, "Yes")
	want := [][]string{
		{"ООО Ромашка", "", "RU", "", "", "", "", "customer", "", "опт, москва", "", "", "", "Иван", "", "Yes", "+74951234567, +74951234568", "", ""},
		{"Åre Fjällhotell", "", "", "", "", "", "", "prospect", "", "", "", "", "", "", "", "", "", "", ""},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ExportRows =\n%q\nwant\n%q", got, want)
	}
	for _, r := range got {
		if len(r) != len(sales.ExportColumns) {
			t.Errorf("%d cells, %d columns", len(r), len(sales.ExportColumns))
		}
	}
}

// Windows-1251 keeps Cyrillic (й and ё included, which decompose), drops
// the accents of the Latin letters it lacks, and writes "?" for the rest.
func TestWriteExportWindows1251(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if err := sales.WriteExport(&buf, sales.ExportExcel, "x", []string{"a", "b"}, [][]string{{"Йошкар-Олёнок", "Åre Fjällhotell; 中 €"}}); err != nil {
		t.Fatal(err)
	}
	got, err := charmap.Windows1251.NewDecoder().String(buf.String())
	if err != nil {
		t.Fatal(err)
	}
	if want := "a;b\r\nЙошкар-Олёнок;\"Are Fjallhotell; ? €\"\r\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	for _, f := range sales.ExportFormats {
		if !f.Valid() || f.Label() == "" {
			t.Errorf("%s", f)
		}
	}
	if sales.ExportFormat("pdf").Valid() {
		t.Error("pdf is valid")
	}
}
