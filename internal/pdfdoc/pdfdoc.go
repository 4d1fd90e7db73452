// Package pdfdoc lays out a document of titled sections — label/value
// rows and bordered tables — as an A4 PDF with embedded DejaVu fonts, so
// that every letter of the supported languages prints: the contract
// annex and the invoice are both written with it. It makes its own page
// breaks (a row never straddles the bottom margin, table headers repeat)
// and prints "Page N of M" in the reader's language in the footer.
package pdfdoc

import (
	_ "embed"
	"fmt"
	"io"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"github.com/tandemhq/tandem/internal/i18n"
)

// DejaVu Sans covers Latin, Cyrillic and much more; see fonts/LICENSE.
var (
	//go:embed fonts/DejaVuSans.ttf
	fontRegular []byte
	//go:embed fonts/DejaVuSans-Bold.ttf
	fontBold []byte
)

// Layout of the A4 page, in millimetres and points.
const (
	family = "DejaVu"

	marginLeft   = 18.0
	marginRight  = 18.0
	marginTop    = 18.0
	marginBottom = 20.0 // the body ends here; the footer sits below
	footerY      = -13.0

	cellPad    = 1.5 // horizontal padding inside a cell
	tablePad   = 0.8 // vertical padding inside a table row
	labelWidth = 58.0

	titleSize     = 16.0
	sectionSize   = 12.0
	bodySize      = 9.5
	tableSize     = 8.5
	footerSize    = 8.0
	watermarkSize = 80.0
)

// lineHeight returns the line height for a font size in points.
func lineHeight(size float64) float64 { return size * 0.5 }

// PagesAlias is replaced by the page count when the document is closed; a
// text read back from a finished PDF never contains it.
const PagesAlias = "{nb}"

// Section is one titled part of a document: label/value rows, followed by
// an optional table.
type Section struct {
	Title string
	Rows  []Row
	Table *Table
}

// Row is one label/value line of a section. A Row with an empty Value is a
// subheading (e.g. the name of a service, followed by its details) and is
// printed across the full width; every other Row has a non-empty Value
// ("—" when there is nothing to show).
type Row struct {
	Label string
	Value string
}

// Table is a grid of plain strings with a header row. Every row has as
// many cells as Head. Right lists the columns aligned to the right
// (amounts, quantities); the others are aligned to the left.
type Table struct {
	Head  []string
	Rows  [][]string
	Right []int
}

// Document is what Write prints: a title with label/value rows under it, a
// rule, then the sections in order.
type Document struct {
	Title    string
	Rows     []Row
	Sections []Section
	// Footer is printed at the bottom left of every page (e.g. the
	// engagement's title), next to "Page N of M".
	Footer string
	// Watermark, when not empty, is printed large and light across every
	// page (e.g. "DRAFT").
	Watermark string
	// Subject is the document's title in the PDF's properties, Author its
	// author (the client company).
	Subject, Author string
	Created         time.Time
	// Localizer gives the language of "Page N of M" and of the PDF.
	Localizer *i18n.Localizer
}

// Write writes d as an A4 PDF to w.
func Write(w io.Writer, d Document) error {
	l := d.Localizer
	f := fpdf.New("P", "mm", "A4", "")
	f.SetCompression(true)
	f.AddUTF8FontFromBytes(family, "", fontRegular)
	f.AddUTF8FontFromBytes(family, "B", fontBold)
	f.AliasNbPages(PagesAlias)
	f.SetMargins(marginLeft, marginTop, marginRight)
	f.SetAutoPageBreak(false, marginBottom) // page breaks are made by the renderer
	f.SetCellMargin(cellPad)
	f.SetTitle(d.Subject, true)
	f.SetAuthor(d.Author, true)
	f.SetCreator("Tandem", true)
	f.SetLang(string(l.Lang()))
	if !d.Created.IsZero() {
		f.SetCreationDate(d.Created)
		f.SetModificationDate(d.Created)
	}

	pw, ph := f.GetPageSize()
	r := &renderer{
		f:     f,
		left:  marginLeft,
		width: pw - marginLeft - marginRight,
		limit: ph - marginBottom,
	}
	f.SetHeaderFunc(func() { r.watermark(d.Watermark, pw, ph) })
	f.SetFooterFunc(func() { r.footer(l, d.Footer) })
	f.AddPage()

	r.title(d.Title)
	r.rows(d.Rows)
	r.rule()
	for _, s := range d.Sections {
		r.section(s)
	}
	if err := f.Error(); err != nil {
		return fmt.Errorf("pdfdoc: %w", err)
	}
	if err := f.Output(w); err != nil {
		return fmt.Errorf("pdfdoc: %w", err)
	}
	return nil
}

// renderer lays out sections on pages, making page breaks itself so that
// a row never straddles the bottom margin and table headers repeat.
type renderer struct {
	f     *fpdf.Fpdf
	left  float64 // left edge of the body
	width float64 // width of the body
	limit float64 // y where the body ends
}

func (r *renderer) font(style string, size float64) {
	r.f.SetFont(family, style, size)
}

// room returns the usable height of an empty page.
func (r *renderer) room() float64 { return r.limit - marginTop }

// need starts a new page unless h fits below the current position.
func (r *renderer) need(h float64) {
	if r.f.GetY()+h > r.limit {
		r.f.AddPage()
	}
}

func (r *renderer) footer(l *i18n.Localizer, engagement string) {
	f := r.f
	f.SetY(footerY)
	r.font("", footerSize)
	f.SetTextColor(100, 100, 100)
	page := l.T("common.page_of", "page", f.PageNo(), "pages", PagesAlias)
	pageW := f.GetStringWidth(page) + 2*cellPad + 4
	left := ""
	if lines := r.wrap(engagement, r.width-pageW); len(lines) > 0 {
		left = lines[0]
	}
	f.SetX(r.left)
	f.CellFormat(r.width-pageW, lineHeight(footerSize), left, "", 0, "L", false, 0, "")
	f.CellFormat(pageW, lineHeight(footerSize), page, "", 0, "R", false, 0, "")
	f.SetTextColor(0, 0, 0)
}

// watermark prints w large, light and diagonal across the page, under
// the page's content (it is drawn first).
func (r *renderer) watermark(w string, pw, ph float64) {
	if w == "" {
		return
	}
	f := r.f
	r.font("B", watermarkSize)
	f.SetTextColor(225, 225, 225)
	tw := f.GetStringWidth(w)
	f.TransformBegin()
	f.TransformRotate(45, pw/2, ph/2)
	f.Text(pw/2-tw/2, ph/2+lineHeight(watermarkSize)/2, w)
	f.TransformEnd()
	f.SetTextColor(0, 0, 0)
	f.SetXY(marginLeft, marginTop)
}

func (r *renderer) title(s string) {
	r.font("B", titleSize)
	for _, line := range r.wrap(s, r.width) {
		r.f.SetX(r.left)
		r.f.CellFormat(r.width, lineHeight(titleSize), line, "", 1, "L", false, 0, "")
	}
	r.f.Ln(2)
}

// rule draws a thin horizontal line across the body.
func (r *renderer) rule() {
	y := r.f.GetY() + 2
	r.f.SetDrawColor(160, 160, 160)
	r.f.SetLineWidth(0.3)
	r.f.Line(r.left, y, r.left+r.width, y)
	r.f.SetY(y + 2)
}

func (r *renderer) section(s Section) {
	r.font("B", sectionSize)
	lines := r.wrap(s.Title, r.width)
	h := float64(len(lines))*lineHeight(sectionSize) + 2 + 3*lineHeight(bodySize)
	r.f.Ln(3)
	r.need(h) // keep the title with the start of its content
	for _, line := range lines {
		r.f.SetX(r.left)
		r.f.CellFormat(r.width, lineHeight(sectionSize), line, "", 1, "L", false, 0, "")
	}
	y := r.f.GetY() + 0.5
	r.f.SetDrawColor(160, 160, 160)
	r.f.SetLineWidth(0.3)
	r.f.Line(r.left, y, r.left+r.width, y)
	r.f.SetY(y + 1.5)
	r.rows(s.Rows)
	if s.Table != nil {
		if len(s.Rows) > 0 {
			r.f.Ln(2)
		}
		r.table(s.Table)
	}
}

// rows prints label/value rows as two columns; a row without a value is a
// full-width subheading.
func (r *renderer) rows(rows []Row) {
	lh := lineHeight(bodySize)
	valueWidth := r.width - labelWidth
	for _, row := range rows {
		if row.Value == "" {
			r.font("B", bodySize)
			lines := r.wrap(row.Label, r.width)
			r.f.Ln(1.5)
			r.need(float64(len(lines)+1) * lh) // keep with the next row
			r.draw([]float64{r.width}, [][]string{lines}, []string{"B"}, bodySize, 0, false, false, nil, nil)
			continue
		}
		r.font("B", bodySize)
		label := r.wrap(row.Label, labelWidth)
		r.font("", bodySize)
		value := r.wrap(row.Value, valueWidth)
		r.draw([]float64{labelWidth, valueWidth}, [][]string{label, value}, []string{"B", ""}, bodySize, 0.4, false, false, nil, nil)
	}
}

// table prints a table with borders, its header row shaded and repeated
// after every page break. Columns share the body width by their content,
// so the table never runs off the page; long cells wrap.
func (r *renderer) table(t *Table) {
	n := len(t.Head)
	if n == 0 {
		return
	}
	cells := make([][]string, len(t.Rows))
	for i, row := range t.Rows {
		cells[i] = make([]string, n)
		copy(cells[i], row)
	}
	widths := r.columnWidths(t.Head, cells)
	align := make([]string, n)
	for i := range align {
		align[i] = "L"
	}
	for _, i := range t.Right {
		if i >= 0 && i < n {
			align[i] = "R"
		}
	}

	bold := make([]string, n)
	regular := make([]string, n)
	for i := range bold {
		bold[i] = "B"
	}
	r.font("B", tableSize)
	head := r.wrapAll(t.Head, widths)
	header := func() {
		r.draw(widths, head, bold, tableSize, tablePad, true, true, align, nil)
	}

	lh := lineHeight(tableSize)
	first := 0.0
	if len(cells) > 0 {
		r.font("", tableSize)
		first = float64(maxLines(r.wrapAll(cells[0], widths)))*lh + 2*tablePad
	}
	r.need(float64(maxLines(head))*lh + 2*tablePad + min(first, 4*lh))
	header()
	for _, row := range cells {
		r.font("", tableSize)
		r.draw(widths, r.wrapAll(row, widths), regular, tableSize, tablePad, true, false, align, header)
	}
}

// draw prints one row of wrapped cells side by side, line by line. If the
// row does not fit on the page but would fit on an empty one, it moves to
// the next page; a row taller than a page is split between pages. After a
// page break onBreak (if not nil) runs, e.g. to repeat a table header.
// align gives each cell's alignment ("L", "R"; nil: all left).
func (r *renderer) draw(widths []float64, cells [][]string, styles []string, size, pad float64, border, fill bool, align []string, onBreak func()) {
	f := r.f
	lh := lineHeight(size)
	n := maxLines(cells)
	if n == 0 {
		n = 1
	}
	h := float64(n)*lh + 2*pad
	newPage := func() {
		f.AddPage()
		if onBreak != nil {
			onBreak()
		}
	}
	if f.GetY()+h > r.limit && h <= r.room() {
		newPage()
	}
	start := f.GetY()
	if fill {
		f.SetFillColor(230, 230, 230)
		f.Rect(r.left, start, sum(widths), h, "F")
	}
	y := start + pad
	for k := 0; k < n; k++ {
		if y+lh > r.limit {
			if border {
				r.frame(widths, start, y)
			}
			newPage()
			start = f.GetY()
			y = start + pad
		}
		x := r.left
		for i, w := range widths {
			if k < len(cells[i]) {
				r.font(styles[i], size)
				f.SetXY(x, y)
				a := "L"
				if i < len(align) {
					a = align[i]
				}
				f.CellFormat(w, lh, cells[i][k], "", 0, a, false, 0, "")
			}
			x += w
		}
		y += lh
	}
	y += pad
	if border {
		r.frame(widths, start, y)
	}
	f.SetY(y)
}

// frame draws the borders of a row's cells from y0 to y1.
func (r *renderer) frame(widths []float64, y0, y1 float64) {
	r.f.SetDrawColor(120, 120, 120)
	r.f.SetLineWidth(0.2)
	x := r.left
	for _, w := range widths {
		r.f.Rect(x, y0, w, y1-y0, "D")
		x += w
	}
}

// columnWidths shares the body width between the columns: each gets its
// natural width (the widest cell) if they all fit; otherwise every column
// keeps at least its longest word (scaled down if even that is too wide)
// and the rest goes to the columns in proportion to what they lack.
func (r *renderer) columnWidths(head []string, cells [][]string) []float64 {
	n := len(head)
	natural := make([]float64, n)
	least := make([]float64, n)
	measure := func(i int, s string) {
		natural[i] = max(natural[i], r.f.GetStringWidth(s)+2*cellPad)
		for _, word := range strings.FieldsFunc(s, breakable) { // as wrap breaks: never at a no-break space
			least[i] = max(least[i], r.f.GetStringWidth(word)+2*cellPad)
		}
	}
	r.font("B", tableSize)
	for i, s := range head {
		measure(i, s)
	}
	r.font("", tableSize)
	for _, row := range cells {
		for i, s := range row {
			measure(i, s)
		}
	}
	total := sum(natural)
	widths := make([]float64, n)
	if total <= r.width {
		for i := range widths {
			widths[i] = natural[i] + (r.width-total)/float64(n)
		}
		return widths
	}
	// Never let one column's longest word take more than its fair share
	// of a crowded table; such words are broken.
	for i := range least {
		least[i] = min(least[i], r.width/float64(n))
	}
	base := sum(least)
	lack := total - base
	for i := range widths {
		widths[i] = least[i]
		if lack > 0 {
			widths[i] += (r.width - base) * (natural[i] - least[i]) / lack
		}
	}
	return widths
}

// wrapAll wraps each cell to its column width in the current font.
func (r *renderer) wrapAll(cells []string, widths []float64) [][]string {
	out := make([][]string, len(cells))
	for i, s := range cells {
		out[i] = r.wrap(s, widths[i])
	}
	return out
}

// wrap breaks s into lines that fit a cell of width w in the current font.
// Lines break at newlines and ordinary spaces only, never at a no-break
// space (so "45 000,00 kr" stays whole); a word wider than the cell is
// broken between letters.
func (r *renderer) wrap(s string, w float64) []string {
	avail := w - 2*cellPad
	var lines []string
	for _, para := range strings.Split(strings.ReplaceAll(s, "\r", ""), "\n") {
		line := ""
		for _, word := range strings.Split(para, " ") {
			if word == "" {
				continue
			}
			cand := word
			if line != "" {
				cand = line + " " + word
			}
			if r.f.GetStringWidth(cand) <= avail {
				line = cand
				continue
			}
			if line != "" {
				lines = append(lines, line)
				line = ""
			}
			for r.f.GetStringWidth(word) > avail {
				head, rest := r.split(word, avail)
				lines = append(lines, head)
				word = rest
			}
			line = word
		}
		lines = append(lines, line)
	}
	return lines
}

// split cuts the longest prefix (at least one letter) of word that fits
// in avail.
func (r *renderer) split(word string, avail float64) (string, string) {
	runes := []rune(word)
	i := 1
	for i < len(runes) && r.f.GetStringWidth(string(runes[:i+1])) <= avail {
		i++
	}
	return string(runes[:i]), string(runes[i:])
}

// breakable reports whether a line may break at r: an ordinary space or a
// newline, never a no-break space.
func breakable(r rune) bool { return r == ' ' || r == '\n' || r == '\r' }

func maxLines(cells [][]string) int {
	n := 0
	for _, c := range cells {
		n = max(n, len(c))
	}
	return n
}

func sum(xs []float64) float64 {
	t := 0.0
	for _, x := range xs {
		t += x
	}
	return t
}
