package pdfdoc

import (
	"strings"
	"testing"

	"codeberg.org/go-pdf/fpdf"
)

const nbsp = "\u00a0"

// TestColumnWidths checks that tables fit the body width whatever their
// content, and that wrapped lines fit their cells.
func TestColumnWidths(t *testing.T) {
	t.Parallel()
	f := fpdf.New("P", "mm", "A4", "")
	f.AddUTF8FontFromBytes(family, "", fontRegular)
	f.AddUTF8FontFromBytes(family, "B", fontBold)
	f.SetCellMargin(cellPad)
	f.AddPage()
	r := &renderer{f: f, left: marginLeft, width: 174, limit: 277}

	head := []string{"A", "Bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", "C", "D", "E", "F", "G"}
	cells := [][]string{{strings.Repeat("ord ", 80), "x", "45" + nbsp + "000,00" + nbsp + "kr", "y", "z", "w", "v"}}
	for _, tc := range [][][]string{cells, {{"a", "b", "c", "d", "e", "f", "g"}}} {
		w := r.columnWidths(head, tc)
		if s := sum(w); s > r.width+1e-6 {
			t.Errorf("widths %v sum to %.2f > %.2f", w, s, r.width)
		}
		for i, x := range w {
			if x <= 2*cellPad {
				t.Errorf("column %d width %.2f", i, x)
			}
		}
		r.font("", tableSize)
		for i, c := range tc[0] {
			for _, line := range r.wrap(c, w[i]) {
				if lw := f.GetStringWidth(line); lw > w[i]-2*cellPad+1e-6 {
					t.Errorf("line %q (%.2f) wider than column %d (%.2f)", line, lw, i, w[i])
				}
			}
		}
	}
	// An amount is never broken at its no-break spaces, even in a crowded table.
	amounts := [][]string{{strings.Repeat("Фиксированная плата за дни действия условий ", 3), "14/30", "45" + nbsp + "000,00" + nbsp + "SEK",
		"21" + nbsp + "000,00" + nbsp + "SEK"}}
	head4 := []string{"Строка", "Количество", "Цена за единицу", "Сумма"}
	w := r.columnWidths(head4, amounts)
	r.font("", tableSize)
	for i := 2; i < 4; i++ {
		if got := r.wrap(amounts[0][i], w[i]); len(got) != 1 {
			t.Errorf("amount %q broken in a column of %.2f mm: %q", amounts[0][i], w[i], got)
		}
	}
	if got := r.wrap("45"+nbsp+"000,00"+nbsp+"kr", 30); len(got) != 1 {
		t.Errorf("amount broken at a no-break space: %q", got)
	}
}
