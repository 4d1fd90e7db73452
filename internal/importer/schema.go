package importer

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/tandemhq/tandem/internal/i18n"
)

// Column describes one field a file may provide.
type Column struct {
	// Name is the canonical field name: the key of the field in the rows
	// Validate returns and RowError.Column. It is also accepted as a
	// header.
	Name string
	// Aliases are the other header names accepted for the column, in
	// every language (en, ru, sv). Headers are compared with Fold: case,
	// accents, spaces and punctuation do not matter.
	Aliases []string
	// Required columns must be present in the header and filled in on
	// every row.
	Required bool
	// Parse converts a non-empty, trimmed cell to the field's value. It
	// returns a message key when the cell is invalid ("" when it is
	// valid); the value returned with a key may be Args, the name/value
	// pairs for the message's placeholders. Nil Parse keeps the cell as a
	// string. Parse is not called for empty cells.
	Parse func(cell string) (any, i18n.Key)
}

// Schema is the set of columns an import accepts, in display order.
type Schema []Column

// Args are the name/value pairs filling a message's placeholders. A
// Column's Parse returns them as the value along with a message key, so
// that a limit can appear in the message ("at most {n} characters").
type Args []any

// RowError is one problem with a file: a cell, or (with Row 0) the file's
// columns as a whole.
type RowError struct {
	// Row is the 1-based row or line number in the file, or 0 for a
	// problem with the columns (a required one is missing).
	Row int
	// Column is the canonical name (Column.Name) of the field.
	Column string
	// Key and Args are the translatable message.
	Key  i18n.Key
	Args []any
	// Value is the cell's content (shortened when long), "" for Row 0.
	Value string
}

// maxValueRunes is how much of a cell a RowError repeats.
const maxValueRunes = 100

// Fold returns the comparison form of a header name or enumerated value:
// letters and digits only, lower case, without accents or diacritics
// ("Start date", "start_date" and "STARTDATE" fold alike, as do "Ё" and
// "е", "Å" and "a").
func Fold(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// index maps the folded names and aliases of s to their column index; on
// a clash between columns the first wins.
func (s Schema) index() map[string]int {
	idx := make(map[string]int)
	for i, c := range s {
		for _, name := range append([]string{c.Name}, c.Aliases...) {
			if k := Fold(name); k != "" {
				if _, ok := idx[k]; !ok {
					idx[k] = i
				}
			}
		}
	}
	return idx
}

// Map matches the header of t to the columns of s. mapping[i] is the index
// in t.Header of column s[i], or -1 when the file does not have it;
// missing holds the names of required columns the file does not have, and
// unknown the headers that match no column (they are ignored). When two
// headers match the same column the first is used and the second is
// unknown; Validate reports it.
func (s Schema) Map(t *Table) (mapping []int, missing []string, unknown []string) {
	mapping, missing, unknown, _ = s.mapColumns(t)
	return mapping, missing, unknown
}

// mapColumns is Map that also returns the headers matching a column
// already matched, with that column's index.
func (s Schema) mapColumns(t *Table) (mapping []int, missing, unknown []string, dups map[int]string) {
	idx := s.index()
	mapping = make([]int, len(s))
	for i := range mapping {
		mapping[i] = -1
	}
	for j, h := range t.Header {
		if h == "" {
			continue
		}
		i, ok := idx[Fold(h)]
		switch {
		case !ok:
			unknown = append(unknown, h)
		case mapping[i] >= 0:
			unknown = append(unknown, h)
			if dups == nil {
				dups = make(map[int]string)
			}
			if _, seen := dups[i]; !seen {
				dups[i] = h
			}
		default:
			mapping[i] = j
		}
	}
	for i, c := range s {
		if c.Required && mapping[i] < 0 {
			missing = append(missing, c.Name)
		}
	}
	return mapping, missing, unknown, dups
}

// Validate parses every row of t by the schema s. rows[i] holds the values
// of t.Rows[i] by Column.Name (a column the file lacks or an empty
// optional cell is absent from the map). errs lists every problem in file
// order, first those with Row 0: a required column missing from the header
// (import.missing_column {name} {aliases}) and two headers for one column
// (import.duplicate_mapped {name} {header}); then per cell, in row and
// schema order, import.cell.required for an empty required cell and
// whatever Parse returned. rows is nil unless errs is empty: nothing is to
// be written from a file that is not clean.
func Validate(s Schema, t *Table) (rows []map[string]any, errs []RowError) {
	mapping, _, _, dups := s.mapColumns(t)
	for i, c := range s {
		if c.Required && mapping[i] < 0 {
			aliases := strings.Join(append([]string{c.Name}, c.Aliases...), ", ")
			errs = append(errs, RowError{Column: c.Name, Key: i18n.K("import.missing_column"), Args: []any{"name", c.Name, "aliases", aliases}})
		}
		if h, ok := dups[i]; ok {
			errs = append(errs, RowError{Column: c.Name, Key: i18n.K("import.duplicate_mapped"), Args: []any{"name", c.Name, "header", h}})
		}
	}
	rows = make([]map[string]any, len(t.Rows))
	for r, cells := range t.Rows {
		rec := make(map[string]any, len(s))
		for i, c := range s {
			j := mapping[i]
			if j < 0 || j >= len(cells) {
				continue
			}
			cell := cells[j]
			if cell == "" {
				if c.Required {
					errs = append(errs, RowError{Row: rowNumber(t, r), Column: c.Name, Key: i18n.K("import.cell.required")})
				}
				continue
			}
			if c.Parse == nil {
				rec[c.Name] = cell
				continue
			}
			v, key := c.Parse(cell)
			if key != "" {
				e := RowError{Row: rowNumber(t, r), Column: c.Name, Key: key, Value: shorten(cell)}
				if a, ok := v.(Args); ok {
					e.Args = a
				}
				errs = append(errs, e)
				continue
			}
			rec[c.Name] = v
		}
		rows[r] = rec
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return rows, nil
}

// rowNumber returns the file row number of t.Rows[r].
func rowNumber(t *Table, r int) int {
	if r < len(t.RowNumbers) {
		return t.RowNumbers[r]
	}
	return 0
}

// shorten cuts s to maxValueRunes characters, marking the cut with "…".
func shorten(s string) string {
	if utf8.RuneCountInString(s) <= maxValueRunes {
		return s
	}
	n := 0
	for i := range s {
		if n == maxValueRunes-1 {
			return s[:i] + "…"
		}
		n++
	}
	return s
}

// Preview is what a person sees before confirming an import: the start of
// the file and its problems.
type Preview struct {
	// Header is the file's header row.
	Header []string
	// Rows are the first rows of the file as read, at most the number
	// asked for, and RowNumbers their row numbers in the file.
	Rows       [][]string
	RowNumbers []int
	// Total is the number of data rows in the file.
	Total int
	// Errors are the first problems, at most the number asked for, and
	// ErrorCount the number of all of them. The file may be imported
	// only when ErrorCount is 0.
	Errors     []RowError
	ErrorCount int
	// Unknown are the headers that match no column and will be ignored.
	Unknown []string
}

// MakePreview validates t by s and returns its first n rows with at most
// maxErrors of its problems (and the count of all).
func MakePreview(s Schema, t *Table, n int, maxErrors int) Preview {
	_, errs := Validate(s, t)
	_, _, unknown := s.Map(t)
	n = max(0, min(n, len(t.Rows)))
	p := Preview{
		Header:     t.Header,
		Rows:       t.Rows[:n:n],
		Total:      len(t.Rows),
		ErrorCount: len(errs),
		Unknown:    unknown,
	}
	if n <= len(t.RowNumbers) {
		p.RowNumbers = t.RowNumbers[:n:n]
	}
	k := max(0, min(maxErrors, len(errs)))
	p.Errors = errs[:k:k]
	return p
}
