// Package importer reads tabular files (CSV and XLSX) uploaded for import,
// maps their columns onto a schema and validates every cell, so that a
// caller can show a preview with per-row errors (row, column, message) and
// write nothing until the file is clean. It knows nothing about storage:
// capability packages describe their columns with a Schema and turn the
// validated rows into domain records themselves.
//
// The flow is Read (bytes to a Table of trimmed strings), then Validate or
// MakePreview with a Schema. Row numbers are those a person sees in the
// file: the header is row 1 when it is the first line, the first data row
// below it is row 2, and blank rows that were skipped keep their numbers
// counted.
//
// CSV files must be UTF-8 (a byte order mark is allowed); other encodings
// are rejected with import.not_utf8 rather than guessed — unless the
// caller reads with Options.Windows1251, as the sales base import does:
// then a file that is not valid UTF-8 is read as Windows-1251 (what Excel
// and the Russian CRMs write for "CSV" on a Russian Windows). The two are
// told apart by UTF-8 validity alone: a Windows-1251 text with Cyrillic
// letters is practically never valid UTF-8, and a valid UTF-8 file is
// never read as Windows-1251. Table.Encoding and Table.Delimiter say what
// was found, for the preview.
package importer

import (
	"bytes"
	"io"
	"math"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"

	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/tandem"
	"github.com/tandemhq/tandem/internal/xlsx"
)

// FileField is the field name that Read's errors are reported under.
const FileField = "file"

// Table is a file's content as trimmed strings: the header row and the
// non-blank data rows below it.
type Table struct {
	// Header holds the column names of the first non-blank row, trimmed.
	// Trailing columns without a name and without data are dropped.
	Header []string
	// Rows holds the data rows; every row has exactly len(Header) cells.
	Rows [][]string
	// RowNumbers holds, for each row of Rows, its 1-based line (CSV) or row
	// (XLSX) number in the file, for messages.
	RowNumbers []int
	// HeaderRow is the 1-based line or row number of the header.
	HeaderRow int
	// Encoding is how the file was read: EncodingUTF8, EncodingUTF8BOM,
	// EncodingWindows1251 or EncodingXLSX.
	Encoding string
	// Delimiter is the CSV field delimiter found (",", ";" or "\t"); ""
	// for a workbook.
	Delimiter string
}

// The encodings Read reports in Table.Encoding.
const (
	EncodingUTF8        = "utf-8"
	EncodingUTF8BOM     = "utf-8-bom"
	EncodingWindows1251 = "windows-1251"
	EncodingXLSX        = "xlsx"
)

// Options tune ReadWith.
type Options struct {
	MaxBytes int64 // the file size limit; 0 or less: none
	MaxRows  int   // the data row limit; 0 or less: none
	// Windows1251 reads a CSV file that is not valid UTF-8 as
	// Windows-1251 instead of rejecting it with import.not_utf8.
	Windows1251 bool
}

var (
	zipMagic = []byte("PK\x03\x04")
	oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1} // legacy .xls, .doc
	utf8BOM  = []byte{0xEF, 0xBB, 0xBF}
	utf16LE  = []byte{0xFF, 0xFE}
	utf16BE  = []byte{0xFE, 0xFF}
)

// spreadsheetExt are extensions of workbook formats that are not read as
// text even when their content is not a zip archive.
var spreadsheetExt = map[string]bool{
	".xlsx": true, ".xlsm": true, ".xls": true, ".xlsb": true, ".ods": true, ".numbers": true,
}

// Read reads an uploaded file named name (used only to help choose the
// format) from r. A file starting with a zip signature is read as an XLSX
// workbook (its first sheet); anything else not named like a spreadsheet
// is read as CSV, whose delimiter (comma, semicolon or tab) is taken from
// the header line. Blank rows are skipped and every cell is trimmed.
//
// XLSX cells are read as stored, not as displayed: a date is its serial
// number (which Date accepts), a number has a dot as decimal mark and no
// digit grouping, rounded to 15 significant digits, and one with exactly
// three decimals gets a fourth, zero, so that Money does not take them for
// a group of thousands ("12.345" is read as "12.3450"). Formulas give their
// last calculated value.
//
// maxBytes limits the size of the file and maxRows the number of data rows;
// zero or less means no limit. The errors are *tandem.Error values with code
// EInvalid and one field error on FileField whose key is one of
// import.too_large {max} (MiB), import.not_utf8 {line},
// import.empty, import.too_many_rows {max}, import.unknown_format,
// import.unreadable, import.bad_csv {line}, import.no_header {column} and
// import.duplicate_column {name}. An error reading r itself is returned as
// it is.
func Read(name string, r io.Reader, maxBytes int64, maxRows int) (*Table, error) {
	return ReadWith(name, r, Options{MaxBytes: maxBytes, MaxRows: maxRows})
}

// ReadWith is Read with options (see Options).
func ReadWith(name string, r io.Reader, o Options) (*Table, error) {
	maxBytes, maxRows := o.MaxBytes, o.MaxRows
	var data []byte
	var err error
	if maxBytes > 0 {
		data, err = io.ReadAll(io.LimitReader(r, maxBytes+1))
		if err == nil && int64(len(data)) > maxBytes {
			mib := (maxBytes + 1<<19) >> 20 // rounded to the nearest MiB
			return nil, fileError(i18n.K("import.too_large"), "max", max(mib, 1))
		}
	} else {
		data, err = io.ReadAll(r)
	}
	if err != nil {
		return nil, err
	}
	if maxRows <= 0 {
		maxRows = math.MaxInt32
	}

	ext := strings.ToLower(path.Ext(name))
	var raw [][]string
	var lines []int
	encoding, delim := EncodingUTF8, ""
	switch {
	case len(bytes.TrimSpace(bytes.TrimPrefix(data, utf8BOM))) == 0:
		return nil, fileError(i18n.K("import.empty"))
	case bytes.HasPrefix(data, utf16LE), bytes.HasPrefix(data, utf16BE):
		return nil, fileError(i18n.K("import.not_utf8"), "line", 1)
	case bytes.HasPrefix(data, zipMagic):
		raw, lines, err = readXLSX(data, maxBytes, maxRows)
		encoding = EncodingXLSX
	case bytes.HasPrefix(data, oleMagic), spreadsheetExt[ext], bytes.IndexByte(data, 0) >= 0:
		return nil, fileError(i18n.K("import.unknown_format"))
	default:
		if bytes.HasPrefix(data, utf8BOM) {
			encoding = EncodingUTF8BOM
		} else if o.Windows1251 && !utf8.Valid(data) {
			if data, err = charmap.Windows1251.NewDecoder().Bytes(data); err != nil {
				return nil, fileError(i18n.K("import.unreadable"))
			}
			encoding = EncodingWindows1251
		}
		var comma rune
		raw, lines, comma, err = readCSV(data, maxRows)
		delim = string(comma)
	}
	if err != nil {
		return nil, err
	}
	t, err := makeTable(raw, lines, maxRows)
	if err != nil {
		return nil, err
	}
	t.Encoding, t.Delimiter = encoding, delim
	return t, nil
}

// makeTable turns the non-blank rows read from a file (cells trimmed) into
// a Table, checking the header.
func makeTable(raw [][]string, lines []int, maxRows int) (*Table, error) {
	if len(raw) < 2 {
		return nil, fileError(i18n.K("import.empty"))
	}
	if len(raw)-1 > maxRows {
		return nil, fileError(i18n.K("import.too_many_rows"), "max", maxRows)
	}
	header := raw[0]
	// The width is the last column that has a name or any data.
	width := 0
	for _, row := range raw {
		for j := len(row) - 1; j >= width; j-- {
			if row[j] != "" {
				width = j + 1
				break
			}
		}
	}
	for j := range width {
		if j < len(header) && header[j] != "" {
			continue
		}
		return nil, fileError(i18n.K("import.no_header"), "column", ColumnLetter(j))
	}
	seen := make(map[string]bool, width)
	for _, h := range header[:width] {
		k := Fold(h)
		if seen[k] {
			return nil, fileError(i18n.K("import.duplicate_column"), "name", h)
		}
		seen[k] = true
	}
	t := &Table{
		Header:     header[:width:width],
		Rows:       make([][]string, 0, len(raw)-1),
		RowNumbers: lines[1:],
		HeaderRow:  lines[0],
	}
	for _, row := range raw[1:] {
		cells := make([]string, width)
		copy(cells, row)
		t.Rows = append(t.Rows, cells)
	}
	return t, nil
}

// fileError returns the EInvalid error of Read with one field error.
func fileError(key i18n.Key, args ...any) error {
	var v tandem.Validator
	v.Add(FileField, key, args...)
	return v.Err()
}

// trimCell trims white space (including no-break spaces) around a cell.
func trimCell(s string) string {
	return strings.TrimFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || r == '\u200b' || r == '\ufeff'
	})
}

// trimRow trims every cell of row in place and reports whether any cell is
// not empty.
func trimRow(row []string) bool {
	nonEmpty := false
	for i, c := range row {
		row[i] = trimCell(c)
		if row[i] != "" {
			nonEmpty = true
		}
	}
	return nonEmpty
}

// ColumnLetter returns the spreadsheet name of the 0-based column index i:
// "A" for 0, "Z" for 25, "AA" for 26.
func ColumnLetter(i int) string { return xlsx.ColumnName(i) }

// firstInvalidLine returns the 1-based line of the first byte of data that
// is not valid UTF-8, or 0 when data is valid.
func firstInvalidLine(data []byte) int {
	if utf8.Valid(data) {
		return 0
	}
	line := 1
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size <= 1 {
			return line
		}
		if r == '\n' {
			line++
		}
		i += size
	}
	return line
}
