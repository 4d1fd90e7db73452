package importer

import (
	"archive/zip"
	"bytes"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"

	"github.com/tandemhq/tandem/internal/tandem"
)

// fileKey returns the key of Read's field error on "file", failing the
// test when err is not such an error.
func fileKey(t *testing.T, err error) (string, []any) {
	t.Helper()
	e, ok := tandem.AsError(err)
	if !ok || e.Code != tandem.EInvalid || len(e.Fields) != 1 || e.Fields[0].Field != FileField {
		t.Fatalf("error = %v, want an EInvalid error on %q", err, FileField)
	}
	return string(e.Fields[0].Key), e.Fields[0].Args
}

func readString(t *testing.T, name, s string) (*Table, error) {
	t.Helper()
	return Read(name, strings.NewReader(s), 1<<20, 100)
}

func TestReadCSVSemicolonBOM(t *testing.T) {
	t.Parallel()
	src := "\ufeffНазвание; Start date ;Amount\r\n" +
		"Alpha;2024-01-15;\"1 234,50\"\r\n" +
		";;\r\n" +
		"\r\n" +
		"  Beta  ;15.02.2024;12\r\n"
	tb, err := readString(t, "deliverables.csv", src)
	if err != nil {
		t.Fatal(err)
	}
	want := &Table{
		Header:     []string{"Название", "Start date", "Amount"},
		Rows:       [][]string{{"Alpha", "2024-01-15", "1 234,50"}, {"Beta", "15.02.2024", "12"}},
		RowNumbers: []int{2, 5},
		HeaderRow:  1,
		Encoding:   EncodingUTF8BOM,
		Delimiter:  ";",
	}
	if d := cmp.Diff(want, tb); d != "" {
		t.Errorf("table (-want +got):\n%s", d)
	}
}

func TestReadCSVDelimitersAndLines(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, src string
		header    []string
		rows      [][]string
		lines     []int
	}{
		{"comma", "a,b\n1,2\n", []string{"a", "b"}, [][]string{{"1", "2"}}, []int{2}},
		{"tab", "a\tb\tc\n1\t\t3\n", []string{"a", "b", "c"}, [][]string{{"1", "", "3"}}, []int{2}},
		{"quoted semicolons", "\"a;b;c\",d\n1,2\n", []string{"a;b;c", "d"}, [][]string{{"1", "2"}}, []int{2}},
		{"single column", "\n\nname\nx\n", []string{"name"}, [][]string{{"x"}}, []int{4}},
		{"multi-line cell", "name,note\nA,\"x\ny\"\nB,z\n", []string{"name", "note"}, [][]string{{"A", "x\ny"}, {"B", "z"}}, []int{2, 4}},
		{"short and trailing", "a;b;\n1\n2;3;;\n", []string{"a", "b"}, [][]string{{"1", ""}, {"2", "3"}}, []int{2, 3}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tb, err := readString(t, "x.csv", c.src)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(c.header, tb.Header); d != "" {
				t.Errorf("header (-want +got):\n%s", d)
			}
			if d := cmp.Diff(c.rows, tb.Rows); d != "" {
				t.Errorf("rows (-want +got):\n%s", d)
			}
			if d := cmp.Diff(c.lines, tb.RowNumbers); d != "" {
				t.Errorf("row numbers (-want +got):\n%s", d)
			}
		})
	}
}

func TestReadErrors(t *testing.T) {
	t.Parallel()
	notXLSX := func() string {
		var b bytes.Buffer
		zw := zip.NewWriter(&b)
		w, _ := zw.Create("hello.txt")
		w.Write([]byte("hello"))
		zw.Close()
		return b.String()
	}()
	cases := []struct {
		name, file, src string
		key             string
		args            []any
	}{
		{"empty", "x.csv", "", "import.empty", nil},
		{"only BOM and blanks", "x.csv", "\ufeff \r\n\r\n", "import.empty", nil},
		{"header only", "x.csv", "a;b\n;\n", "import.empty", nil},
		{"latin-1", "x.csv", "name;city\nAnna;K\xf6ln\n", "import.not_utf8", []any{"line", 2}},
		{"utf-16", "x.csv", "\xff\xfen\x00a\x00\n\x00", "import.not_utf8", []any{"line", 1}},
		{"too many rows", "x.csv", "a\n" + strings.Repeat("1\n", 101), "import.too_many_rows", []any{"max", 100}},
		{"too large", "x.csv", "a\n" + strings.Repeat("x", 1<<20), "import.too_large", []any{"max", int64(1)}},
		{"zip but not xlsx", "x.xlsx", notXLSX, "import.unknown_format", nil},
		{"broken zip", "x.xlsx", "PK\x03\x04garbage", "import.unreadable", nil},
		{"legacy xls", "x.xls", "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", "import.unknown_format", nil},
		{"text named xlsx", "x.xlsx", "a,b\n1,2\n", "import.unknown_format", nil},
		{"binary", "x.bin", "a\x00b\n1\n", "import.unknown_format", nil},
		{"bad quotes", "x.csv", "a,b\n1,\"2\n3,4\n", "import.bad_csv", []any{"line", 2}},
		{"data without header", "x.csv", "a,,c\n1,2,3\n", "import.no_header", []any{"column", "B"}},
		{"data right of header", "x.csv", "a,b\n1,2\n3,4,5\n", "import.no_header", []any{"column", "C"}},
		{"duplicate header", "x.csv", "Name,Amount,name \n1,2,3\n", "import.duplicate_column", []any{"name", "name"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := readString(t, c.file, c.src)
			key, args := fileKey(t, err)
			if key != c.key {
				t.Errorf("key = %s, want %s (%v)", key, c.key, err)
			}
			if d := cmp.Diff(c.args, args); d != "" {
				t.Errorf("args (-want +got):\n%s", d)
			}
		})
	}
}

func TestReadNoLimits(t *testing.T) {
	t.Parallel()
	tb, err := Read("x.csv", strings.NewReader("a\n"+strings.Repeat("1\n", 500)), 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(tb.Rows) != 500 {
		t.Errorf("rows = %d, want 500", len(tb.Rows))
	}
}

// buildXLSX returns a workbook whose first sheet has the given cells
// (values by cell name) and a second sheet that Read must ignore.
func buildXLSX(t *testing.T, cells map[string]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sheet := f.GetSheetName(0)
	for cell, v := range cells {
		if err := f.SetCellValue(sheet, cell, v); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.NewSheet("Other"); err != nil {
		t.Fatal(err)
	}
	if err := f.SetCellValue("Other", "A1", "ignored"); err != nil {
		t.Fatal(err)
	}
	b, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestReadXLSX(t *testing.T) {
	t.Parallel()
	data := buildXLSX(t, map[string]any{
		"A1": "Название", "B1": "Срок", "C1": "Сумма", "D1": "Комментарий",
		"A2": " Alpha ", "B2": time.Date(2024, 1, 15, 0, 0, 0, 0, time.UTC), "C2": 1234.5, "D2": "1.5E3",
		// Row 3 is blank; row 4 has only spaces.
		"A4": "   ",
		"A5": "Beta", "B5": "31.02.2024", "C5": 0.1 + 0.2, "D5": "0.30000000000000004",
		"A6": "Gamma", "B6": 45337, "C6": 7, "D6": "12.345",
		"A7": "Delta", "B7": "2024-03-01", "C7": 12.345,
	})
	// The name does not matter: the content is a zip.
	tb, err := Read("upload.bin", bytes.NewReader(data), 1<<20, 10)
	if err != nil {
		t.Fatal(err)
	}
	want := &Table{
		Header: []string{"Название", "Срок", "Сумма", "Комментарий"},
		Rows: [][]string{
			{"Alpha", "45306", "1234.5", "1.5E3"},
			{"Beta", "31.02.2024", "0.3", "0.30000000000000004"},
			{"Gamma", "45337", "7", "12.345"},
			{"Delta", "2024-03-01", "12.3450", ""},
		},
		RowNumbers: []int{2, 5, 6, 7},
		HeaderRow:  1,
		Encoding:   EncodingXLSX,
	}
	if d := cmp.Diff(want, tb); d != "" {
		t.Errorf("table (-want +got):\n%s", d)
	}

	rows, errs := Validate(deliverables, tb)
	wantErrs := []RowError{
		{Row: 5, Column: "due", Key: "import.cell.date", Value: "31.02.2024"},
		{Row: 7, Column: "amount", Key: "import.cell.money_decimals", Args: []any{"n", 2}, Value: "12.3450"},
	}
	if d := cmp.Diff(wantErrs, errs); d != "" {
		t.Errorf("errors (-want +got):\n%s", d)
	}
	if rows != nil {
		t.Errorf("rows = %v, want nil for a file with errors", rows)
	}

	// Fix the file: the rows come out with the serial date read.
	tb.Rows[1][1] = "2024-02-28"
	tb.Rows[3][2] = "12.34"
	rows, errs = Validate(deliverables, tb)
	if len(errs) != 0 {
		t.Fatalf("errors = %v", errs)
	}
	if got := rows[0]["due"].(tandem.Date).String(); got != "2024-01-15" {
		t.Errorf("due = %s, want 2024-01-15", got)
	}
	if got := rows[2]["due"].(tandem.Date).String(); got != "2024-02-15" {
		t.Errorf("due = %s, want 2024-02-15", got)
	}
	if got := rows[0]["amount"]; got != int64(123450) {
		t.Errorf("amount = %v, want 123450", got)
	}
	if got := rows[1]["amount"]; got != int64(30) {
		t.Errorf("amount = %v, want 30", got)
	}
	if got := rows[2]["note"]; got != "12.345" {
		t.Errorf("note = %v, want the text 12.345", got)
	}
}

func TestReadXLSXLimits(t *testing.T) {
	t.Parallel()
	cells := map[string]any{"A1": "name"}
	for r := 2; r <= 12; r++ {
		cells["A"+strconv.Itoa(r)] = "x"
	}
	_, err := Read("x.xlsx", bytes.NewReader(buildXLSX(t, cells)), 1<<20, 10)
	if key, _ := fileKey(t, err); key != "import.too_many_rows" {
		t.Errorf("key = %s, want import.too_many_rows", key)
	}
	_, err = Read("x.xlsx", bytes.NewReader(buildXLSX(t, map[string]any{"A1": "name"})), 1<<20, 10)
	if key, _ := fileKey(t, err); key != "import.empty" {
		t.Errorf("key = %s, want import.empty", key)
	}
}

func TestColumnLetter(t *testing.T) {
	t.Parallel()
	for i, want := range map[int]string{0: "A", 25: "Z", 26: "AA", 27: "AB", 701: "ZZ", 702: "AAA"} {
		if got := ColumnLetter(i); got != want {
			t.Errorf("ColumnLetter(%d) = %s, want %s", i, got, want)
		}
	}
}

// TestReadWindows1251: with the option, a file that is not UTF-8 is read
// as Windows-1251 (Cyrillic intact) and a trailing ";" on every line adds
// no column; without it, the same file is refused.
func TestReadWindows1251(t *testing.T) {
	t.Parallel()
	src, err := charmap.Windows1251.NewEncoder().String("Компания;Город;\r\nООО «Ёлка»;Санкт-Петербург;\r\n")
	if err != nil {
		t.Fatal(err)
	}
	tb, err := ReadWith("x.csv", strings.NewReader(src), Options{Windows1251: true})
	if err != nil {
		t.Fatal(err)
	}
	want := &Table{Header: []string{"Компания", "Город"}, Rows: [][]string{{"ООО «Ёлка»", "Санкт-Петербург"}}, RowNumbers: []int{2},
		HeaderRow: 1, Encoding: EncodingWindows1251, Delimiter: ";"}
	if d := cmp.Diff(want, tb); d != "" {
		t.Errorf("table (-want +got):\n%s", d)
	}
	if _, err := Read("x.csv", strings.NewReader(src), 0, 0); err == nil {
		t.Error("Read without the option accepted Windows-1251")
	}
	tb, err = ReadWith("x.csv", strings.NewReader("a,b\n1,2\n"), Options{Windows1251: true})
	if err != nil || tb.Encoding != EncodingUTF8 || tb.Delimiter != "," {
		t.Errorf("UTF-8 file read as %+v, %v", tb, err)
	}
}
