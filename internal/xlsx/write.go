package xlsx

import (
	"archive/zip"
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Workbook is a workbook being written: its sheets in order, the texts
// they share and the styles their cells use. Write writes it.
type Workbook struct {
	sheets  []*Sheet
	strings map[string]int
	sst     []string
	styles  []style // styles[0] is the default
}

// style is a cell format: bold or not, and a number format ("" for the
// general one).
type style struct {
	bold   bool
	numFmt string
}

// Style is a cell format of a workbook; the zero Style is the default.
type Style int

// New returns an empty workbook.
func New() *Workbook {
	return &Workbook{strings: map[string]int{}, styles: []style{{}}}
}

// Style returns the style that is bold (or not) with the number format
// numFmt (an Excel format code such as "#,##0.00"; "" for the general
// one), the same Style for the same format.
func (w *Workbook) Style(bold bool, numFmt string) Style {
	s := style{bold, numFmt}
	for i, x := range w.styles {
		if x == s {
			return Style(i)
		}
	}
	w.styles = append(w.styles, s)
	return Style(len(w.styles) - 1)
}

// Sheet is one sheet of a workbook being written.
type Sheet struct {
	wb     *Workbook
	name   string
	rows   [][]Value
	widths []width
}

type width struct {
	first, last int
	chars       float64
}

// AddSheet adds a sheet named name made valid (SheetName), after those
// already added.
func (w *Workbook) AddSheet(name string) *Sheet {
	s := &Sheet{wb: w, name: SheetName(name)}
	w.sheets = append(w.sheets, s)
	return s
}

// SheetName is name made a valid sheet name: at most 31 characters, none
// of : \ / ? * [ ] (each becomes a space), trimmed, not empty ("Sheet1").
func SheetName(name string) string {
	name = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`:\/?*[]`, r) {
			return ' '
		}
		return r
	}, strings.TrimSpace(name))
	if rs := []rune(name); len(rs) > 31 {
		name = strings.TrimSpace(string(rs[:31]))
	}
	if name == "" {
		name = "Sheet1"
	}
	return name
}

// Value is a cell to write: a text or a number, in a style.
type Value struct {
	s     string
	num   bool
	style Style
}

// Text is a text cell.
func Text(s string) Value { return Value{s: s} }

// Number is a number cell holding the decimal d as written ("1234.50",
// "-3"): a spreadsheet sums it. A d that is not a decimal number is
// written as a text.
func Number(d string) Value { return Value{s: d, num: decimal(d)} }

// Int is a number cell holding n.
func Int(n int64) Value { return Value{s: strconv.FormatInt(n, 10), num: true} }

// In is v in style st.
func (v Value) In(st Style) Value { v.style = st; return v }

// decimal reports whether d is a decimal number: an optional minus, digits,
// and optionally a point and digits.
func decimal(d string) bool {
	d = strings.TrimPrefix(d, "-")
	whole, frac, point := strings.Cut(d, ".")
	digits := func(s string) bool {
		for i := 0; i < len(s); i++ {
			if s[i] < '0' || s[i] > '9' {
				return false
			}
		}
		return s != ""
	}
	return digits(whole) && (!point || digits(frac))
}

// Row adds a row of cells from column A; a row of none is an empty row.
func (s *Sheet) Row(cells ...Value) {
	s.rows = append(s.rows, cells)
}

// Width sets the width of the 0-based columns first to last, in characters.
func (s *Sheet) Width(first, last int, chars float64) {
	s.widths = append(s.widths, width{first, last, chars})
}

// WriteTable writes a workbook of one sheet, named sheet, holding rows
// (the header first) as texts.
func WriteTable(w io.Writer, sheet string, rows ...[]string) error {
	wb := New()
	s := wb.AddSheet(sheet)
	for _, r := range rows {
		cells := make([]Value, len(r))
		for i, x := range r {
			cells[i] = Text(x)
		}
		s.Row(cells...)
	}
	return wb.Write(w)
}

// Write writes the workbook as an .xlsx file to w.
func (w *Workbook) Write(out io.Writer) error {
	if len(w.sheets) == 0 {
		w.AddSheet("Sheet1")
	}
	zw := zip.NewWriter(out)
	part := func(name string, fill func(b *bufio.Writer)) error {
		f, err := zw.Create(name)
		if err != nil {
			return err
		}
		b := bufio.NewWriterSize(f, 32<<10)
		b.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n")
		fill(b)
		return b.Flush()
	}
	// The sheets first: they fill the shared strings.
	for i, s := range w.sheets {
		if err := part(fmt.Sprintf("xl/worksheets/sheet%d.xml", i+1), s.write); err != nil {
			return fmt.Errorf("xlsx: %w", err)
		}
	}
	n := len(w.sheets)
	err := part("[Content_Types].xml", func(b *bufio.Writer) {
		b.WriteString(`<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
			`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
			`<Default Extension="xml" ContentType="application/xml"/>` +
			`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>`)
		for i := range n {
			fmt.Fprintf(b, `<Override PartName="/xl/worksheets/sheet%d.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`, i+1)
		}
		b.WriteString(`<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>` +
			`<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>` +
			`</Types>`)
	})
	if err == nil {
		err = part("_rels/.rels", func(b *bufio.Writer) {
			b.WriteString(`<Relationships xmlns="` + nsPkgRel + `"><Relationship Id="rId1" Type="` + relDocument + `" Target="xl/workbook.xml"/></Relationships>`)
		})
	}
	if err == nil {
		err = part("xl/workbook.xml", func(b *bufio.Writer) {
			b.WriteString(`<workbook xmlns="` + nsMain + `" xmlns:r="` + nsRel + `"><sheets>`)
			for i, s := range w.sheets {
				b.WriteString(`<sheet name="`)
				escape(b, s.name)
				fmt.Fprintf(b, `" sheetId="%d" r:id="rId%d"/>`, i+1, i+1)
			}
			b.WriteString(`</sheets></workbook>`)
		})
	}
	if err == nil {
		err = part("xl/_rels/workbook.xml.rels", func(b *bufio.Writer) {
			b.WriteString(`<Relationships xmlns="` + nsPkgRel + `">`)
			for i := range n {
				fmt.Fprintf(b, `<Relationship Id="rId%d" Type="%s" Target="worksheets/sheet%d.xml"/>`, i+1, relSheet, i+1)
			}
			fmt.Fprintf(b, `<Relationship Id="rId%d" Type="%s" Target="styles.xml"/>`, n+1, relStyles)
			fmt.Fprintf(b, `<Relationship Id="rId%d" Type="%s" Target="sharedStrings.xml"/>`, n+2, relStrings)
			b.WriteString(`</Relationships>`)
		})
	}
	if err == nil {
		err = part("xl/styles.xml", w.writeStyles)
	}
	if err == nil {
		err = part("xl/sharedStrings.xml", func(b *bufio.Writer) {
			fmt.Fprintf(b, `<sst xmlns="%s" count="%d" uniqueCount="%d">`, nsMain, len(w.sst), len(w.sst))
			for _, s := range w.sst {
				b.WriteString(`<si><t xml:space="preserve">`)
				escape(b, s)
				b.WriteString(`</t></si>`)
			}
			b.WriteString(`</sst>`)
		})
	}
	if err == nil {
		err = zw.Close()
	}
	if err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	return nil
}

// write writes the sheet's part.
func (s *Sheet) write(b *bufio.Writer) {
	b.WriteString(`<worksheet xmlns="` + nsMain + `" xmlns:r="` + nsRel + `">`)
	if len(s.widths) > 0 {
		b.WriteString(`<cols>`)
		for _, w := range s.widths {
			fmt.Fprintf(b, `<col min="%d" max="%d" width="%s" customWidth="1"/>`, w.first+1, w.last+1, strconv.FormatFloat(w.chars, 'f', -1, 64))
		}
		b.WriteString(`</cols>`)
	}
	b.WriteString(`<sheetData>`)
	for i, r := range s.rows {
		row := strconv.Itoa(i + 1)
		b.WriteString(`<row r="` + row + `">`)
		for j, v := range r {
			if v.s == "" && v.style == 0 {
				continue
			}
			b.WriteString(`<c r="` + ColumnName(j) + row + `"`)
			if v.style != 0 {
				b.WriteString(` s="` + strconv.Itoa(int(v.style)) + `"`)
			}
			switch {
			case v.s == "":
				b.WriteString(`/>`)
			case v.num:
				b.WriteString(`><v>` + v.s + `</v></c>`)
			default:
				k, ok := s.wb.strings[v.s]
				if !ok {
					k = len(s.wb.sst)
					s.wb.strings[v.s] = k
					s.wb.sst = append(s.wb.sst, v.s)
				}
				b.WriteString(` t="s"><v>` + strconv.Itoa(k) + `</v></c>`)
			}
		}
		b.WriteString(`</row>`)
	}
	b.WriteString(`</sheetData></worksheet>`)
}

// writeStyles writes the styles part: a default and a bold font, and a
// cell format per Style (custom number formats from id 164, the first an
// application may define).
func (w *Workbook) writeStyles(b *bufio.Writer) {
	fmtID := map[string]int{}
	var codes []string
	for _, s := range w.styles {
		if _, ok := fmtID[s.numFmt]; s.numFmt != "" && !ok {
			fmtID[s.numFmt] = 164 + len(codes)
			codes = append(codes, s.numFmt)
		}
	}
	b.WriteString(`<styleSheet xmlns="` + nsMain + `">`)
	if len(codes) > 0 {
		fmt.Fprintf(b, `<numFmts count="%d">`, len(codes))
		for i, c := range codes {
			fmt.Fprintf(b, `<numFmt numFmtId="%d" formatCode="`, 164+i)
			escape(b, c)
			b.WriteString(`"/>`)
		}
		b.WriteString(`</numFmts>`)
	}
	b.WriteString(`<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>` +
		`<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>` +
		`<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>` +
		`<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>` +
		`<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>`)
	fmt.Fprintf(b, `<cellXfs count="%d">`, len(w.styles))
	for _, s := range w.styles {
		font, id := 0, fmtID[s.numFmt]
		if s.bold {
			font = 1
		}
		fmt.Fprintf(b, `<xf numFmtId="%d" fontId="%d" fillId="0" borderId="0" xfId="0"`, id, font)
		if id != 0 {
			b.WriteString(` applyNumberFormat="1"`)
		}
		if font != 0 {
			b.WriteString(` applyFont="1"`)
		}
		b.WriteString(`/>`)
	}
	b.WriteString(`</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>`)
}

// escape writes s as XML character data or an attribute's value. XML
// cannot hold most control characters: those are written as SpreadsheetML
// escapes (_xHHHH_), and the "_" of a literal "_xHHHH_" is escaped so that
// it does not read as one. Bytes that are not UTF-8 become U+FFFD.
func escape(b *bufio.Writer, s string) {
	s = strings.ToValidUTF8(s, "\uFFFD")
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		var rep string
		switch {
		case c == '&':
			rep = "&amp;"
		case c == '<':
			rep = "&lt;"
		case c == '>':
			rep = "&gt;"
		case c == '"':
			rep = "&quot;"
		case c == '\t' || c == '\n':
			continue
		case c == '\r':
			rep = "_x000D_"
		case c < 0x20:
			rep = fmt.Sprintf("_x%04X_", c)
		case c == '_':
			if _, ok := escapeAt(s, i); ok {
				rep = "_x005F_"
			} else {
				continue
			}
		default:
			continue
		}
		b.WriteString(s[start:i])
		b.WriteString(rep)
		start = i + 1
	}
	b.WriteString(s[start:])
}
