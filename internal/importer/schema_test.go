package importer

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/tandemhq/tandem/internal/i18n"
)

// deliverables is a schema like the one for deliverables.
var deliverables = Schema{
	{Name: "title", Aliases: []string{"Title", "Name", "Название", "Наименование", "Benämning", "Namn"}, Required: true, Parse: Text(20)},
	{Name: "due", Aliases: []string{"Due date", "Срок", "Дата", "Förfallodatum", "Datum"}, Required: true, Parse: Date()},
	{Name: "amount", Aliases: []string{"Amount", "Сумма", "Belopp"}, Parse: Money(2)},
	{Name: "note", Aliases: []string{"Note", "Комментарий", "Anteckning"}},
}

func TestFold(t *testing.T) {
	t.Parallel()
	for _, c := range [][2]string{
		{"Start date", "startdate"},
		{" START_DATE ", "startdate"},
		{"Förfallodatum", "forfallodatum"},
		{"Ёмкость", "емкость"},
		{"E-mail", "email"},
		{"№", ""},
	} {
		if got := Fold(c[0]); got != c[1] {
			t.Errorf("Fold(%q) = %q, want %q", c[0], got, c[1])
		}
	}
}

func TestMap(t *testing.T) {
	t.Parallel()
	tb := &Table{Header: []string{"НАЗВАНИЕ", "Colour", "due_date", "", "Сумма", "Belopp"}}
	mapping, missing, unknown := deliverables.Map(tb)
	if d := cmp.Diff([]int{0, 2, 4, -1}, mapping); d != "" {
		t.Errorf("mapping (-want +got):\n%s", d)
	}
	if len(missing) != 0 {
		t.Errorf("missing = %v", missing)
	}
	if d := cmp.Diff([]string{"Colour", "Belopp"}, unknown); d != "" {
		t.Errorf("unknown (-want +got):\n%s", d)
	}

	_, missing, _ = deliverables.Map(&Table{Header: []string{"amount", "note"}})
	if d := cmp.Diff([]string{"title", "due"}, missing); d != "" {
		t.Errorf("missing (-want +got):\n%s", d)
	}
}

func TestValidateRowErrors(t *testing.T) {
	t.Parallel()
	src := "Title,Due date,Amount,Note\n" + // line 1
		"Design,2024-03-01,\"1,234.50\",ok\n" + // 2
		"\n" + // 3: blank, skipped
		",,,\n" + // 4: blank, skipped
		",01.04.2024,\"12,3456\",\n" + // 5: title missing, too many decimals
		"A title that is far too long,2024-02-30,abc,\n" + // 6: three errors
		"Build,1/5/2024,-10,\n" // 7: fine
	tb, err := readString(t, "x.csv", src)
	if err != nil {
		t.Fatal(err)
	}
	rows, errs := Validate(deliverables, tb)
	want := []RowError{
		{Row: 5, Column: "title", Key: "import.cell.required"},
		{Row: 5, Column: "amount", Key: "import.cell.money_decimals", Args: []any{"n", 2}, Value: "12,3456"},
		{Row: 6, Column: "title", Key: "import.cell.too_long", Args: []any{"n", 20}, Value: "A title that is far too long"},
		{Row: 6, Column: "due", Key: "import.cell.date", Value: "2024-02-30"},
		{Row: 6, Column: "amount", Key: "import.cell.money", Value: "abc"},
	}
	if d := cmp.Diff(want, errs); d != "" {
		t.Errorf("errors (-want +got):\n%s", d)
	}
	if rows != nil {
		t.Errorf("rows = %v, want nil", rows)
	}

	p := MakePreview(deliverables, tb, 2, 3)
	if p.Total != 4 || p.ErrorCount != 5 || len(p.Errors) != 3 || len(p.Rows) != 2 {
		t.Errorf("preview: total %d, errors %d/%d, rows %d", p.Total, len(p.Errors), p.ErrorCount, len(p.Rows))
	}
	if d := cmp.Diff([]int{2, 5}, p.RowNumbers); d != "" {
		t.Errorf("preview row numbers (-want +got):\n%s", d)
	}
	if d := cmp.Diff(want[:3], p.Errors); d != "" {
		t.Errorf("preview errors (-want +got):\n%s", d)
	}
	if p := MakePreview(deliverables, tb, 100, 100); len(p.Rows) != 4 || len(p.Errors) != 5 {
		t.Errorf("large preview: rows %d, errors %d", len(p.Rows), len(p.Errors))
	}
}

func TestValidateClean(t *testing.T) {
	t.Parallel()
	tb, err := readString(t, "x.csv", "Наименование;Дата;Сумма;Цвет\nДизайн;01.03.2024;1 234,5;синий\nСборка;2024-04-01;;\n")
	if err != nil {
		t.Fatal(err)
	}
	rows, errs := Validate(deliverables, tb)
	if len(errs) != 0 {
		t.Fatalf("errors = %v", errs)
	}
	if len(rows) != 2 {
		t.Fatalf("rows = %v", rows)
	}
	if rows[0]["title"] != "Дизайн" || rows[0]["amount"] != int64(123450) {
		t.Errorf("row 0 = %v", rows[0])
	}
	if _, ok := rows[1]["amount"]; ok {
		t.Errorf("empty optional cell present: %v", rows[1])
	}
	if _, ok := rows[0]["note"]; ok {
		t.Errorf("absent column present: %v", rows[0])
	}
	p := MakePreview(deliverables, tb, 10, 10)
	if p.ErrorCount != 0 || p.Total != 2 || !cmp.Equal(p.Unknown, []string{"Цвет"}) {
		t.Errorf("preview = %+v", p)
	}
}

func TestValidateMissingColumn(t *testing.T) {
	t.Parallel()
	tb, err := readString(t, "x.csv", "Name,Amount,Namn\nA,1,B\n,2,\n")
	if err != nil {
		t.Fatal(err)
	}
	rows, errs := Validate(deliverables, tb)
	want := []RowError{
		{Column: "title", Key: "import.duplicate_mapped", Args: []any{"name", "title", "header", "Namn"}},
		{Column: "due", Key: "import.missing_column", Args: []any{"name", "due", "aliases", "due, Due date, Срок, Дата, Förfallodatum, Datum"}},
		{Row: 3, Column: "title", Key: "import.cell.required"},
	}
	if d := cmp.Diff(want, errs); d != "" {
		t.Errorf("errors (-want +got):\n%s", d)
	}
	if rows != nil {
		t.Errorf("rows = %v", rows)
	}
}

// TestKeysInCatalogue checks that every key the parsers and Validate can
// return is in all catalogues (the i18n package checks literal keys, this
// also checks the plural ones get their number).
func TestKeysInCatalogue(t *testing.T) {
	t.Parallel()
	c := i18n.MustLoad()
	keys := []string{"import.cell.too_long", "import.cell.money_decimals", "import.missing_column"}
	for _, lang := range i18n.Supported {
		l := c.For(lang, time.UTC)
		for _, k := range keys {
			if s := l.T(k, "n", 2, "name", "x", "aliases", "y"); strings.Contains(s, "⟦") || strings.Contains(s, "{") {
				t.Errorf("%s [%s] = %q", k, lang, s)
			}
		}
	}
}
