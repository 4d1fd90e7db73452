package importer

import (
	"archive/zip"
	"bytes"
	"regexp"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/tandemhq/tandem/internal/i18n"
)

// XLSX decompression limits: a workbook may unpack to unzipFactor times
// the file size limit (at least minUnzip); without a file size limit, to
// noLimitUnzip. Worksheets larger than xmlInMemory are unpacked to a
// temporary file rather than memory.
const (
	unzipFactor  = 32
	minUnzip     = 64 << 20
	noLimitUnzip = 1 << 30
	xmlInMemory  = 16 << 20
)

// readXLSX reads the first sheet of an XLSX workbook into its non-blank
// rows, trimmed, with their 1-based row numbers. Cell values are raw: a
// date is its serial number and a number is not formatted (no digit
// grouping, a dot as the decimal mark), as normNumber describes. It stops
// after maxRows+2 rows.
func readXLSX(data []byte, maxBytes int64, maxRows int) ([][]string, []int, error) {
	limit := int64(noLimitUnzip)
	if maxBytes > 0 {
		limit = max(maxBytes*unzipFactor, minUnzip)
	}
	if err := checkZip(data, limit); err != nil {
		return nil, nil, err
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		RawCellValue:      true,
		UnzipSizeLimit:    limit,
		UnzipXMLSizeLimit: min(limit, xmlInMemory),
	})
	if err != nil {
		return nil, nil, fileError(i18n.K("import.unreadable"))
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, nil, fileError(i18n.K("import.unknown_format"))
	}
	sheet := sheets[0]
	it, err := f.Rows(sheet)
	if err != nil {
		return nil, nil, fileError(i18n.K("import.unreadable"))
	}
	defer it.Close()

	var rows [][]string
	var lines []int
	for n := 1; len(rows) < maxRows+2 && it.Next(); n++ {
		cells, err := it.Columns()
		if err != nil {
			return nil, nil, fileError(i18n.K("import.unreadable"))
		}
		if !trimRow(cells) {
			continue
		}
		for j, c := range cells {
			cells[j] = normNumber(f, sheet, j, n, c)
		}
		rows = append(rows, cells)
		lines = append(lines, n)
	}
	if it.Error() != nil {
		return nil, nil, fileError(i18n.K("import.unreadable"))
	}
	return rows, lines, nil
}

// checkZip checks that data is a zip archive holding an XLSX workbook
// that unpacks to at most limit bytes.
func checkZip(data []byte, limit int64) error {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return fileError(i18n.K("import.unreadable"))
	}
	workbook := false
	var total uint64
	for _, zf := range zr.File {
		total += zf.UncompressedSize64
		name := strings.ToLower(strings.ReplaceAll(zf.Name, `\`, "/"))
		if name == "xl/workbook.xml" {
			workbook = true
		}
	}
	if !workbook {
		return fileError(i18n.K("import.unknown_format"))
	}
	if total > uint64(limit) {
		return fileError(i18n.K("import.unreadable"))
	}
	return nil
}

// floatRE matches a number as a spreadsheet stores it.
var floatRE = regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$`)

// normNumber returns the cell value c of the 0-based column col of row
// (1-based) of sheet, with a stored binary floating-point number shown as
// a spreadsheet shows it: rounded to 15 significant digits and without an
// exponent ("0.30000000000000004" is "0.3", "1.5E-3" is "0.0015"). A
// number with exactly three decimals gets a fourth, zero ("12.345" is
// "12.3450"), so that Money and Int do not take the decimals for a group of
// thousands. Text cells are left as they are.
func normNumber(f *excelize.File, sheet string, col, row int, c string) string {
	if !floatRE.MatchString(c) {
		return c
	}
	mant, _, hasExp := strings.Cut(strings.ToLower(c), "e")
	_, frac, hasFrac := strings.Cut(mant, ".")
	sig := strings.TrimLeft(strings.NewReplacer("-", "", ".", "").Replace(mant), "0")
	long := hasExp || (hasFrac && len(sig) > 15) // a long integer would change if rounded
	if !long && len(frac) != 3 {
		return c
	}
	cell, err := excelize.CoordinatesToCellName(col+1, row)
	if err != nil {
		return c
	}
	if typ, err := f.GetCellType(sheet, cell); err != nil || typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
		return c
	}
	if long {
		v, err := strconv.ParseFloat(c, 64)
		if err != nil {
			return c
		}
		v, _ = strconv.ParseFloat(strconv.FormatFloat(v, 'g', 15, 64), 64)
		c = strconv.FormatFloat(v, 'f', -1, 64)
	}
	if _, frac, ok := strings.Cut(c, "."); ok && len(frac) == 3 {
		c += "0"
	}
	return c
}
