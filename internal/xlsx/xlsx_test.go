package xlsx

import (
	"archive/zip"
	"bytes"
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// tricky are texts that must survive a workbook unchanged.
var tricky = []string{
	"Möte i Malmö, Syd", "ООО «Ёлка» & Co <b>", `"quoted"`, "  leading and trailing  ",
	"line one\nline two", "carriage\r\nreturn", "tab\there", "bell\x07", "_x0041_ is not A", "_x005F_", "1.5E3", "0012",
}

// TestWriteReadByExcelize: what Writer writes, read by an independent
// implementation (excelize): sheets in order, texts as shared strings,
// numbers as numbers, the styles' fonts and number formats, the widths.
func TestWriteReadByExcelize(t *testing.T) {
	t.Parallel()
	wb := New()
	money := wb.Style(false, "#,##0.00")
	bold := wb.Style(true, "")
	if again := wb.Style(false, "#,##0.00"); again != money {
		t.Errorf("the same format twice: %d, %d", money, again)
	}
	s := wb.AddSheet("Rader")
	s.Row(Text("N").In(bold), Text("Text"), Text("Belopp").In(bold))
	for i, x := range tricky {
		s.Row(Int(int64(i+1)), Text(x), Number("-1234.50").In(money))
	}
	s.Row()
	s.Row(Text(""), Text("after an empty row"), Number("not a number"))
	s.Width(1, 1, 50)
	s.Width(2, 3, 16.5)
	e := wb.AddSheet("Förklaring & mer")
	e.Row(Text("second"))
	var buf bytes.Buffer
	if err := wb.Write(&buf); err != nil {
		t.Fatal(err)
	}

	x, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if got := x.GetSheetList(); !reflect.DeepEqual(got, []string{"Rader", "Förklaring & mer"}) {
		t.Errorf("sheets %q", got)
	}
	rows, err := x.GetRows("Rader", excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(tricky)+3 {
		t.Fatalf("%d rows: %q", len(rows), rows)
	}
	for i, want := range tricky {
		if got := rows[i+1]; len(got) != 3 || got[0] != strconv.Itoa(i+1) || got[1] != want || got[2] != "-1234.50" {
			t.Errorf("row %d: %q, want [%d %q -1234.50]", i+2, got, i+1, want)
		}
	}
	if got := rows[len(rows)-1]; !reflect.DeepEqual(got, []string{"", "after an empty row", "not a number"}) {
		t.Errorf("last row %q", got)
	}
	for cell, want := range map[string]excelize.CellType{"A2": excelize.CellTypeUnset, "B2": excelize.CellTypeSharedString,
		"C2": excelize.CellTypeUnset, CellName(2, len(tricky)+3): excelize.CellTypeSharedString} {
		if typ, err := x.GetCellType("Rader", cell); err != nil || typ != want {
			t.Errorf("%s: type %v, want %v (%v)", cell, typ, want, err)
		}
	}
	if v, err := x.GetCellValue("Rader", "C2"); err != nil || v != "-1,234.50" {
		t.Errorf("C2 formatted: %q %v", v, err)
	}
	id, _ := x.GetCellStyle("Rader", "A1")
	if st, err := x.GetStyle(id); err != nil || st.Font == nil || !st.Font.Bold {
		t.Errorf("A1 not bold: %+v %v", st, err)
	}
	id, _ = x.GetCellStyle("Rader", "C2")
	if st, err := x.GetStyle(id); err != nil || st.CustomNumFmt == nil || *st.CustomNumFmt != "#,##0.00" {
		t.Errorf("C2 format: %+v %v", st, err)
	}
	for col, want := range map[string]float64{"B": 50, "C": 16.5, "D": 16.5} {
		if w, err := x.GetColWidth("Rader", col); err != nil || w != want {
			t.Errorf("width of %s: %v %v", col, w, err)
		}
	}
	if v, err := x.GetCellValue("Förklaring & mer", "A1"); err != nil || v != "second" {
		t.Errorf("second sheet: %q %v", v, err)
	}
}

// TestReadExcelizeWorkbook: a workbook excelize wrote (shared and inline
// strings, numbers, booleans, rich text, gaps, a second sheet) read by Read.
func TestReadExcelizeWorkbook(t *testing.T) {
	t.Parallel()
	x := excelize.NewFile()
	sheet := x.GetSheetName(0)
	set := func(cell string, v any) {
		t.Helper()
		if err := x.SetCellValue(sheet, cell, v); err != nil {
			t.Fatal(err)
		}
	}
	set("A1", "Название")
	set("C1", 0.1+0.2)
	set("D1", true)
	set("E1", int64(-7))
	if err := x.SetCellDefault(sheet, "F1", "inline text"); err != nil {
		t.Fatal(err)
	}
	if err := x.SetCellRichText(sheet, "G1", []excelize.RichTextRun{{Text: "rich "}, {Text: "text", Font: &excelize.Font{Bold: true}}}); err != nil {
		t.Fatal(err)
	}
	for i, s := range tricky {
		set(CellName(1, i+3), s)
	}
	if _, err := x.NewSheet("Other"); err != nil {
		t.Fatal(err)
	}
	if err := x.SetCellValue("Other", "A1", "ignored"); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := x.Write(&buf); err != nil {
		t.Fatal(err)
	}
	x.Close()

	var got []Row
	err := Read(bytes.NewReader(buf.Bytes()), int64(buf.Len()), func(r Row) bool {
		got = append(got, Row{N: r.N, Cells: append([]Cell(nil), r.Cells...)})
		return true
	})
	if err != nil {
		t.Fatal(err)
	}
	// The values are excelize's own reading of its file (raw: a number
	// as stored; it stores 0.1+0.2 as 0.3, drops the bell and writes
	// "_x0041_" unescaped, so that it reads as "A").
	y, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer y.Close()
	theirs, err := y.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	var want []Row
	for i, r := range theirs {
		if len(r) == 0 {
			continue
		}
		row := Row{N: i + 1}
		for j, v := range r {
			typ, _ := y.GetCellType(sheet, CellName(j, i+1))
			text := typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString
			row.Cells = append(row.Cells, Cell{v, text && v != ""})
		}
		want = append(want, row)
	}
	if len(want) != len(tricky)+1 || want[0].Cells[2].Value != "0.3" || want[0].Cells[6] != (Cell{"rich text", true}) {
		t.Fatalf("excelize's reading: %+v", want)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("rows:\n got %+v\nwant %+v", got, want)
	}

	// each returning false stops the reading.
	n := 0
	if err := Read(bytes.NewReader(buf.Bytes()), int64(buf.Len()), func(Row) bool { n++; return n < 2 }); err != nil || n != 2 {
		t.Errorf("stopped after %d rows: %v", n, err)
	}
}

// TestRoundTrip: what Write writes, Read reads back as written.
func TestRoundTrip(t *testing.T) {
	t.Parallel()
	rows := [][]string{{"Titel", "Status"}}
	for _, s := range tricky {
		rows = append(rows, []string{s, "Öppen"})
	}
	var buf bytes.Buffer
	if err := WriteTable(&buf, "Leveranser", rows...); err != nil {
		t.Fatal(err)
	}
	var got [][]string
	err := Read(bytes.NewReader(buf.Bytes()), int64(buf.Len()), func(r Row) bool {
		var vs []string
		for _, c := range r.Cells {
			if !c.Text {
				t.Errorf("row %d: a text read as a number: %q", r.N, c.Value)
			}
			vs = append(vs, c.Value)
		}
		got = append(got, vs)
		return true
	})
	if err != nil || !reflect.DeepEqual(got, rows) {
		t.Errorf("read back %q, %v\nwant %q", got, err, rows)
	}
	// A text with bytes that are not UTF-8 is written readable.
	buf.Reset()
	if err := WriteTable(&buf, "S", []string{"bad \xff byte"}); err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if v, err := x.GetCellValue("S", "A1"); err != nil || v != "bad \uFFFD byte" {
		t.Errorf("invalid UTF-8: %q %v", v, err)
	}
	x.Close()
}

func TestReadErrors(t *testing.T) {
	t.Parallel()
	read := func(b []byte) error {
		return Read(bytes.NewReader(b), int64(len(b)), func(Row) bool { return true })
	}
	zipOf := func(files map[string]string) []byte {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		for name, body := range files {
			w, _ := zw.Create(name)
			w.Write([]byte(body))
		}
		zw.Close()
		return buf.Bytes()
	}
	if err := read([]byte("a,b\n1,2\n")); err == nil || errors.Is(err, ErrNotWorkbook) {
		t.Errorf("not a zip: %v", err)
	}
	if err := read(zipOf(map[string]string{"word/document.xml": "<w/>"})); !errors.Is(err, ErrNotWorkbook) {
		t.Errorf("a zip without a workbook: %v", err)
	}
	wb := `<workbook xmlns:r="` + nsRel + `"><sheets><sheet name="A" sheetId="1" r:id="rId1"/></sheets></workbook>`
	rels := `<Relationships><Relationship Id="rId1" Type="` + relSheet + `" Target="worksheets/sheet1.xml"/></Relationships>`
	for name, sheet := range map[string]string{
		"shared string out of range": `<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>3</v></c></row></sheetData></worksheet>`,
		"rows out of order":          `<worksheet><sheetData><row r="2"><c r="A2"><v>1</v></c></row><row r="1"><c r="A1"><v>1</v></c></row></sheetData></worksheet>`,
		"cell of another row":        `<worksheet><sheetData><row r="1"><c r="A2"><v>1</v></c></row></sheetData></worksheet>`,
		"broken XML":                 `<worksheet><sheetData><row r="1"><c r="A1"><v>1</v></row></sheetData></worksheet>`,
	} {
		err := read(zipOf(map[string]string{"xl/workbook.xml": wb, "xl/_rels/workbook.xml.rels": rels, "xl/worksheets/sheet1.xml": sheet}))
		if err == nil || errors.Is(err, ErrNotWorkbook) {
			t.Errorf("%s: %v", name, err)
		}
	}
	// Cells without references, a prefixed namespace and an absolute
	// target are read.
	sheet := `<x:worksheet xmlns:x="` + nsMain + `"><x:sheetData><x:row><x:c t="inlineStr"><x:is><x:t>a</x:t></x:is></x:c><x:c><x:v>2</x:v></x:c></x:row>` +
		`<x:row><x:c r="C2" t="str"><x:f>A1</x:f><x:v>a</x:v></x:c></x:row></x:sheetData></x:worksheet>`
	abs := strings.Replace(rels, `Target="worksheets/sheet1.xml"`, `Target="/xl/worksheets/sheet1.xml"`, 1)
	var got []string
	err := Read(bytes.NewReader(zipOf(map[string]string{"xl/workbook.xml": wb, "xl/_rels/workbook.xml.rels": abs, "xl/worksheets/sheet1.xml": sheet})), 0, nil)
	if err == nil {
		t.Error("size 0: no error")
	}
	b := zipOf(map[string]string{"xl/workbook.xml": wb, "xl/_rels/workbook.xml.rels": abs, "xl/worksheets/sheet1.xml": sheet})
	err = Read(bytes.NewReader(b), int64(len(b)), func(r Row) bool {
		for i, c := range r.Cells {
			got = append(got, CellName(i, r.N)+"="+c.Value)
		}
		return true
	})
	if want := []string{"A1=a", "B1=2", "A2=", "B2=", "C2=a"}; err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, %v; want %q", got, err, want)
	}
}

func TestNames(t *testing.T) {
	t.Parallel()
	for i, want := range map[int]string{0: "A", 25: "Z", 26: "AA", 27: "AB", 701: "ZZ", 702: "AAA", 16383: "XFD"} {
		if got := ColumnName(i); got != want {
			t.Errorf("ColumnName(%d) = %s, want %s", i, got, want)
		}
		if c, r, ok := parseRef("$" + want + "$12"); !ok || c != i || r != 12 {
			t.Errorf("parseRef(%s12) = %d %d %v", want, c, r, ok)
		}
	}
	for _, bad := range []string{"", "A", "12", "A0", "XFE1", "A-1", "1A"} {
		if _, _, ok := parseRef(bad); ok {
			t.Errorf("parseRef(%q) ok", bad)
		}
	}
}
