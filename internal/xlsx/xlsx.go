// Package xlsx reads and writes the part of Office Open XML workbooks
// (.xlsx, ECMA-376 SpreadsheetML) that Tandem uses: the imports read the
// first sheet's cells as they are stored, and the exports write sheets of
// texts and numbers, with bold and number formats and column widths.
//
// It replaced a general spreadsheet library whose package initialisation
// (compiled expressions and tables, 1.3 MB of allocations) every command
// of the command line paid for at start, a fifth of `tandem version`'s
// time. The tests read what Writer writes with that library and feed
// Read workbooks it wrote, so an independent implementation checks both
// directions.
//
// What it does not do: formulas are read as their cached value and never
// written; dates are read as stored (a serial number, as the spreadsheet
// keeps them) and written as numbers or texts by the caller; rich text is
// read as its plain text; merged cells, images, comments and the like are
// ignored.
package xlsx

import (
	"strconv"
	"strings"
)

// The XML namespaces and content types of the parts written.
const (
	nsMain      = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
	nsRel       = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
	nsPkgRel    = "http://schemas.openxmlformats.org/package/2006/relationships"
	relDocument = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
	relSheet    = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
	relStyles   = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"
	relStrings  = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
)

// ColumnName is the letters of the 0-based column i: 0 is A, 25 Z, 26 AA.
func ColumnName(i int) string {
	var b []byte
	for i++; i > 0; i = (i - 1) / 26 {
		b = append(b, byte('A'+(i-1)%26))
	}
	for l, r := 0, len(b)-1; l < r; l, r = l+1, r-1 {
		b[l], b[r] = b[r], b[l]
	}
	return string(b)
}

// CellName is the name of the cell in the 0-based column col of the
// 1-based row: CellName(1, 3) is "B3".
func CellName(col, row int) string {
	return ColumnName(col) + strconv.Itoa(row)
}

// parseRef splits a cell reference ("B3", "$B$3") into its 0-based column
// and 1-based row; ok is false when it is not one.
func parseRef(ref string) (col, row int, ok bool) {
	ref = strings.ReplaceAll(ref, "$", "")
	i := 0
	for i < len(ref) && (ref[i] >= 'A' && ref[i] <= 'Z' || ref[i] >= 'a' && ref[i] <= 'z') {
		c := ref[i]
		if c >= 'a' {
			c -= 'a' - 'A'
		}
		col = col*26 + int(c-'A') + 1
		if col > 16384 { // XFD, the last column a workbook may have
			return 0, 0, false
		}
		i++
	}
	if i == 0 || i == len(ref) {
		return 0, 0, false
	}
	row, err := strconv.Atoi(ref[i:])
	if err != nil || row < 1 {
		return 0, 0, false
	}
	return col - 1, row, true
}
