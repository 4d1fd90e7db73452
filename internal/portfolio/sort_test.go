package portfolio

import (
	"testing"

	"github.com/tandemhq/tandem/internal/engagement"
	"github.com/tandemhq/tandem/internal/kpi"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/worth"
)

func item(id int64, title, partner string, total int, hasTotal bool, spend int64, attention int) Item {
	it := Item{Engagement: engagement.Engagement{ID: id, Title: title, PartnerName: partner}}
	it.Trend.Scorecards = []store.Scorecard{{Scorecard: kpi.Scorecard{Total: total, HasTotal: hasTotal}}}
	if spend >= 0 {
		it.Worth = &worth.Summary{SpendMinor: spend, Months: 1}
	}
	if attention > 0 {
		it.Attention = []Attention{{Count: attention}}
	}
	return it
}

func order(pf *Portfolio) []int64 {
	var ids []int64
	for _, it := range pf.Items {
		ids = append(ids, it.Engagement.ID)
	}
	return ids
}

// Each column sorts both ways; an engagement without a total or a spend
// comes below any; titles compare without accents ("Ödla" between "Oak"
// and "Pine" in the folded order); ties keep the order by title.
func TestSort(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		sort, applied string
		want          []int64
	}{
		{"", "title", []int64{2, 4, 1, 3}},
		{"-title", "-title", []int64{3, 1, 4, 2}},
		{"total", "total", []int64{4, 3, 1, 2}},
		{"-total", "-total", []int64{2, 1, 3, 4}},
		{"spend", "spend", []int64{3, 2, 4, 1}},
		{"-attention", "-attention", []int64{1, 3, 2, 4}},
		{"partner", "partner", []int64{4, 2, 1, 3}},
		{"DROP TABLE", "title", []int64{2, 4, 1, 3}},
	} {
		pf := &Portfolio{Items: []Item{
			item(1, "Ödla", "Beta", 5000, true, 900, 3),
			item(2, "Alpha", "Beta", 9000, true, 100, 1),
			item(3, "Pine", "Gamma", 4000, true, -1, 2),
			item(4, "Oak", "Alfa", 0, false, 500, 0),
		}}
		if got := pf.Sort(c.sort); got != c.applied {
			t.Errorf("Sort(%q) applied %q, want %q", c.sort, got, c.applied)
		}
		if got := order(pf); !equal(got, c.want) {
			t.Errorf("Sort(%q) = %v, want %v", c.sort, got, c.want)
		}
	}
}

func equal(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
