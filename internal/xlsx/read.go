package xlsx

import (
	"archive/zip"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"
)

// ErrNotWorkbook is Read's error for a zip archive that holds no
// workbook (xl/workbook.xml).
var ErrNotWorkbook = errors.New("xlsx: not a workbook")

// Cell is a cell's value as the workbook stores it: a text as written, a
// number as its decimal ("1234.5", "0.30000000000000004", "1.5E-3" — not
// rounded or formatted), a date as its serial number, a boolean as 1 or 0,
// an error as its code ("#N/A"). Text reports a text cell (shared, inline
// or a formula's text), whatever its characters.
type Cell struct {
	Value string
	Text  bool
}

// Row is a row of the sheet: its 1-based number and its cells from column
// A, an empty Cell where the sheet has none.
type Row struct {
	N     int
	Cells []Cell
}

// Read reads the first sheet of the workbook in r (size bytes), calling
// each with every row that has a cell, in order, until each returns false.
// The Row's Cells are reused by the next call. Errors: ErrNotWorkbook, or
// one of a zip or XML that cannot be read (the parts are checked against
// their sizes as the archive declares them: a caller limits those before).
func Read(r io.ReaderAt, size int64, each func(Row) bool) error {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	parts := make(map[string]*zip.File, len(zr.File))
	for _, f := range zr.File {
		parts[partName(f.Name)] = f
	}
	wb := parts["xl/workbook.xml"]
	if wb == nil {
		return ErrNotWorkbook
	}
	rels, err := workbookRels(parts)
	if err != nil {
		return err
	}
	sheet, err := firstSheet(parts, wb, rels)
	if err != nil {
		return err
	}
	strs := "xl/sharedStrings.xml"
	for _, r := range rels {
		if r.typ == relStrings {
			strs = r.target
			break
		}
	}
	var sst []string
	if f := parts[strs]; f != nil {
		if sst, err = sharedStrings(f); err != nil {
			return err
		}
	}
	return readSheet(sheet, sst, each)
}

// partName is a zip entry's name as a part name: forward slashes, no
// leading slash, lower case (part names compare without case).
func partName(name string) string {
	return strings.ToLower(strings.TrimPrefix(strings.ReplaceAll(name, `\`, "/"), "/"))
}

// decode runs fn over the XML tokens of a part.
func decode(f *zip.File, fn func(d *xml.Decoder, t xml.Token) error) error {
	rc, err := f.Open()
	if err != nil {
		return fmt.Errorf("xlsx: %s: %w", f.Name, err)
	}
	defer rc.Close()
	d := xml.NewDecoder(rc)
	for {
		t, err := d.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("xlsx: %s: %w", f.Name, err)
		}
		if err := fn(d, t); err != nil {
			return err
		}
	}
}

// attr is the value of the attribute named local (any prefix).
func attr(se xml.StartElement, local string) string {
	for _, a := range se.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

// relAttr is the relationship id of a sheet element (r:id, whatever the
// prefix is bound to).
func relAttr(se xml.StartElement) string {
	for _, a := range se.Attr {
		if a.Name.Local == "id" && a.Name.Space != "" {
			return a.Value
		}
	}
	return ""
}

// rel is one relationship of the workbook: its id, type and target part.
type rel struct{ id, typ, target string }

// workbookRels reads the workbook's relationships (none without the part).
func workbookRels(parts map[string]*zip.File) ([]rel, error) {
	f := parts["xl/_rels/workbook.xml.rels"]
	if f == nil {
		return nil, nil
	}
	var out []rel
	err := decode(f, func(_ *xml.Decoder, t xml.Token) error {
		if se, ok := t.(xml.StartElement); ok && se.Name.Local == "Relationship" {
			out = append(out, rel{attr(se, "Id"), attr(se, "Type"), resolve(attr(se, "Target"))})
		}
		return nil
	})
	return out, err
}

// firstSheet finds the part of the workbook's first sheet.
func firstSheet(parts map[string]*zip.File, wb *zip.File, rels []rel) (*zip.File, error) {
	var id string
	errFound := errors.New("found")
	err := decode(wb, func(_ *xml.Decoder, t xml.Token) error {
		if se, ok := t.(xml.StartElement); ok && se.Name.Local == "sheet" {
			id = relAttr(se)
			return errFound
		}
		return nil
	})
	if err != nil && err != errFound {
		return nil, err
	}
	if id == "" {
		return nil, ErrNotWorkbook
	}
	target := ""
	for _, r := range rels {
		if r.id == id {
			target = r.target
			break
		}
	}
	if f := parts[target]; f != nil {
		return f, nil
	}
	if f := parts["xl/worksheets/sheet1.xml"]; f != nil && target == "" {
		return f, nil
	}
	return nil, ErrNotWorkbook
}

// resolve is the part name of a relationship target of the workbook:
// relative to xl/, or absolute.
func resolve(target string) string {
	if strings.HasPrefix(target, "/") {
		return partName(target)
	}
	return partName(path.Join("xl", target))
}

// sharedStrings reads the shared strings: each item's text, the runs of a
// rich text joined, phonetic runs (rPh) left out.
func sharedStrings(f *zip.File) ([]string, error) {
	var out []string
	var b strings.Builder
	in, inT, phonetic := false, false, 0
	err := decode(f, func(_ *xml.Decoder, t xml.Token) error {
		switch t := t.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "si":
				in = true
				b.Reset()
			case "rPh":
				phonetic++
			case "t":
				inT = in && phonetic == 0
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "si":
				out = append(out, unescape(b.String()))
				in = false
			case "rPh":
				phonetic--
			case "t":
				inT = false
			}
		case xml.CharData:
			if inT {
				b.Write(t)
			}
		}
		return nil
	})
	return out, err
}

// readSheet reads a worksheet's rows.
func readSheet(f *zip.File, sst []string, each func(Row) bool) error {
	var (
		row      Row
		rowOpen  bool
		nextRow  = 1
		col      int
		typ      string
		inValue  bool // in <v>, or in <t> of an inline string
		inInline bool
		phonetic int
		val      strings.Builder
	)
	stop := errors.New("stop")
	flush := func() error {
		if rowOpen && len(row.Cells) > 0 && !each(row) {
			return stop
		}
		return nil
	}
	err := decode(f, func(_ *xml.Decoder, t xml.Token) error {
		switch t := t.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "row":
				row.N, row.Cells, rowOpen, col = nextRow, row.Cells[:0], true, 0
				if r := attr(t, "r"); r != "" {
					n, err := strconv.Atoi(r)
					if err != nil || n < nextRow {
						return fmt.Errorf("xlsx: %s: row %q out of order", f.Name, r)
					}
					row.N = n
				}
				nextRow = row.N + 1
			case "c":
				if r := attr(t, "r"); r != "" {
					c, n, ok := parseRef(r)
					if !ok || n != row.N || c < col {
						return fmt.Errorf("xlsx: %s: cell %q out of place", f.Name, r)
					}
					col = c
				}
				typ = attr(t, "t")
				val.Reset()
			case "v":
				inValue = true
			case "is":
				inInline = true
			case "rPh":
				phonetic++
			case "t":
				inValue = inInline && phonetic == 0
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "row":
				if err := flush(); err != nil {
					return err
				}
				rowOpen = false
			case "c":
				cell, err := cellOf(typ, val.String(), sst)
				if err != nil {
					return fmt.Errorf("xlsx: %s: %w", f.Name, err)
				}
				if cell.Value != "" {
					for len(row.Cells) < col {
						row.Cells = append(row.Cells, Cell{})
					}
					row.Cells = append(row.Cells, cell)
				}
				col++
			case "v", "t":
				inValue = false
			case "is":
				inInline = false
			case "rPh":
				phonetic--
			}
		case xml.CharData:
			if inValue {
				val.Write(t)
			}
		}
		return nil
	})
	if err == stop {
		return nil
	}
	return err
}

// cellOf is the Cell of a cell of type typ (its t attribute) whose value
// (the text of <v>, or of an inline string) is v.
func cellOf(typ, v string, sst []string) (Cell, error) {
	switch typ {
	case "s":
		if v == "" {
			return Cell{Text: true}, nil
		}
		i, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || i < 0 || i >= len(sst) {
			return Cell{}, fmt.Errorf("shared string %q out of range", v)
		}
		return Cell{Value: sst[i], Text: true}, nil
	case "inlineStr", "str":
		return Cell{Value: unescape(v), Text: true}, nil
	default: // n (or none), b, d, e: as stored
		return Cell{Value: v}, nil
	}
}

// unescape decodes SpreadsheetML's escapes of characters XML cannot hold:
// _xHHHH_ is the UTF-16 code unit HHHH ("_x000D_" a carriage return;
// "_x005F_x0041_" is the text "_x0041_", its first "_" escaped).
func unescape(s string) string {
	if !strings.Contains(s, "_x") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		if r, ok := escapeAt(s, i); ok {
			b.WriteRune(r)
			i += 7
			continue
		}
		b.WriteByte(s[i])
		i++
	}
	return b.String()
}

// escapeAt reads an escape _xHHHH_ at s[i:].
func escapeAt(s string, i int) (rune, bool) {
	if i+7 > len(s) || s[i] != '_' || s[i+1] != 'x' || s[i+6] != '_' {
		return 0, false
	}
	n, err := strconv.ParseUint(s[i+2:i+6], 16, 16)
	if err != nil {
		return 0, false
	}
	return rune(n), true
}
