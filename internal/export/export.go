// Package export writes the client's lists (deliverables, requests, a
// scorecard, the audit trail) as files a person opens in a spreadsheet:
// CSV in UTF-8 with a byte order mark (so that Excel reads it as UTF-8),
// or an XLSX workbook of one sheet. Partner roles export nothing
// (access.ListsExport); every export is audited by the store.
package export

import (
	"encoding/csv"
	"io"
	"slices"

	"github.com/tandemhq/tandem/internal/xlsx"
)

// Format is a file format of an export.
type Format string

const (
	CSV  Format = "csv"  // UTF-8 with a byte order mark, comma-separated, CRLF
	XLSX Format = "xlsx" // one sheet
)

// Formats are the formats offered, in the order shown.
var Formats = []Format{CSV, XLSX}

// Valid reports whether f is a known format.
func (f Format) Valid() bool { return slices.Contains(Formats, f) }

// Extension is the file name's extension of f.
func (f Format) Extension() string { return string(f) }

// ContentType is the media type of f.
func (f Format) ContentType() string {
	if f == XLSX {
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	return "text/csv; charset=utf-8"
}

// Table is what an export holds: a sheet's name, the column headers and
// the rows of cells, all in the reader's language.
type Table struct {
	Sheet  string
	Header []string
	Rows   [][]string
}

// Write writes t to w in format f.
func Write(w io.Writer, f Format, t Table) error {
	if f == XLSX {
		return xlsx.WriteTable(w, t.Sheet, append([][]string{t.Header}, t.Rows...)...)
	}
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.WriteAll(append([][]string{t.Header}, t.Rows...)); err != nil {
		return err
	}
	return cw.Error()
}
