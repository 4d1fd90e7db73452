package export

import (
	"bytes"
	"testing"

	"github.com/xuri/excelize/v2"
)

// A CSV starts with the byte order mark and quotes what needs it; an XLSX
// reads back cell for cell, on a sheet whose name lost the characters a
// sheet may not have and was cut to 31 characters.
func TestWrite(t *testing.T) {
	t.Parallel()
	tb := Table{Sheet: "Leveranser: Norrsken/NordCall 2026 december", Header: []string{"Titel", "Status"},
		Rows: [][]string{{"Möte i Malmö, Syd", "Godkänd"}, {`Säg "hej"`, "Öppen"}}}
	var b bytes.Buffer
	if err := Write(&b, CSV, tb); err != nil {
		t.Fatal(err)
	}
	want := "\uFEFFTitel,Status\r\n\"Möte i Malmö, Syd\",Godkänd\r\n\"Säg \"\"hej\"\"\",Öppen\r\n"
	if b.String() != want {
		t.Errorf("csv = %q, want %q", b.String(), want)
	}
	b.Reset()
	if err := Write(&b, XLSX, tb); err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(&b)
	if err != nil {
		t.Fatal(err)
	}
	sheet := x.GetSheetName(0)
	if sheet != "Leveranser  Norrsken NordCall 2" {
		t.Errorf("sheet %q", sheet)
	}
	rows, err := x.GetRows(sheet)
	if err != nil || len(rows) != 3 || rows[1][0] != "Möte i Malmö, Syd" || rows[2][1] != "Öppen" {
		t.Errorf("rows %q %v", rows, err)
	}
	if !Format("xlsx").Valid() || Format("csv-excel").Valid() || CSV.ContentType() != "text/csv; charset=utf-8" {
		t.Error("formats")
	}
}
