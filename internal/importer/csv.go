package importer

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"

	"github.com/tandemhq/tandem/internal/i18n"
)

// readCSV parses UTF-8 CSV data into its non-blank records, trimmed, with
// their 1-based line numbers. It stops after maxRows+2 records (the header,
// maxRows rows and one more to tell that there are too many).
func readCSV(data []byte, maxRows int) ([][]string, []int, rune, error) {
	data = bytes.TrimPrefix(data, utf8BOM)
	if line := firstInvalidLine(data); line > 0 {
		return nil, nil, 0, fileError(i18n.K("import.not_utf8"), "line", line)
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.Comma = detectDelimiter(data)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = cr.Comma != '\t'
	cr.ReuseRecord = false

	var rows [][]string
	var lines []int
	for len(rows) < maxRows+2 {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, nil, 0, fileError(i18n.K("import.bad_csv"), "line", pe.StartLine)
			}
			return nil, nil, 0, err
		}
		if !trimRow(rec) {
			continue
		}
		line, _ := cr.FieldPos(0)
		rows = append(rows, rec)
		lines = append(lines, line)
	}
	return rows, lines, cr.Comma, nil
}

// detectDelimiter chooses the delimiter of CSV data from its first
// non-blank line: the one of tab, semicolon and comma that occurs most
// often there outside double quotes; comma when none occurs (a file with a
// single column) and on a tie.
func detectDelimiter(data []byte) rune {
	// Skip leading blank lines.
	for {
		i := bytes.IndexByte(data, '\n')
		if i < 0 || len(bytes.TrimSpace(data[:i])) > 0 {
			break
		}
		data = data[i+1:]
	}
	var commas, semis, tabs int
	quoted := false
	for _, b := range data {
		if b == '"' {
			quoted = !quoted // a doubled quote toggles twice
			continue
		}
		if quoted {
			continue
		}
		if b == '\n' {
			break
		}
		switch b {
		case ',':
			commas++
		case ';':
			semis++
		case '\t':
			tabs++
		}
	}
	switch {
	case tabs > semis && tabs > commas:
		return '\t'
	case semis > commas:
		return ';'
	default:
		return ','
	}
}
