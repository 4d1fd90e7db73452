package importer

import (
	"archive/zip"
	"bytes"
	"errors"
	"strconv"
	"strings"

	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/tandem"
	"github.com/tandemhq/tandem/internal/xlsx"
)

// XLSX decompression limits: a workbook may unpack to unzipFactor times
// the file size limit (at least minUnzip); without a file size limit, to
// noLimitUnzip. The sheet is read as it is unpacked, never whole; its
// shared strings are held in memory.
const (
	unzipFactor  = 32
	minUnzip     = 64 << 20
	noLimitUnzip = 1 << 30
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
	var rows [][]string
	var lines []int
	err := xlsx.Read(bytes.NewReader(data), int64(len(data)), func(r xlsx.Row) bool {
		cells := make([]string, len(r.Cells))
		for j, c := range r.Cells {
			cells[j] = c.Value
		}
		if !trimRow(cells) {
			return true
		}
		for j, c := range r.Cells {
			if !c.Text {
				cells[j] = normNumber(cells[j])
			}
		}
		rows = append(rows, cells)
		lines = append(lines, r.N)
		return len(rows) < maxRows+2
	})
	switch {
	case errors.Is(err, xlsx.ErrNotWorkbook):
		return nil, nil, fileError(i18n.K("import.unknown_format"))
	case err != nil:
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
var floatRE = tandem.LazyRegexp(`^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$`)

// normNumber returns the value c of a cell that is not a text, with a
// stored binary floating-point number shown as a spreadsheet shows it:
// rounded to 15 significant digits and without an exponent
// ("0.30000000000000004" is "0.3", "1.5E-3" is "0.0015"). A number with
// exactly three decimals gets a fourth, zero ("12.345" is "12.3450"), so
// that Money and Int do not take the decimals for a group of thousands.
// Text cells are not given to it: their "1.5E3" stays as written.
func normNumber(c string) string {
	if !floatRE().MatchString(c) {
		return c
	}
	mant, _, hasExp := strings.Cut(strings.ToLower(c), "e")
	_, frac, hasFrac := strings.Cut(mant, ".")
	sig := strings.TrimLeft(strings.NewReplacer("-", "", ".", "").Replace(mant), "0")
	long := hasExp || (hasFrac && len(sig) > 15) // a long integer would change if rounded
	if !long && len(frac) != 3 {
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
