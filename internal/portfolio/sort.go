package portfolio

import (
	"cmp"
	"slices"
	"strings"

	"github.com/tandemhq/tandem/internal/tandem"
)

// Sorts are the columns the portfolio may be sorted by, each with how two
// items compare ascending: the title, the partner, the current period's
// total (the standing follows from it; an engagement without a total
// comes below any score), the spend of the last WorthMonths months (none
// below any), and how much needs attention.
var Sorts = map[string]func(a, b *Item) int{
	"title": func(a, b *Item) int {
		return cmp.Compare(tandem.Fold(a.Engagement.Title), tandem.Fold(b.Engagement.Title))
	},
	"partner": func(a, b *Item) int {
		return cmp.Compare(tandem.Fold(a.Engagement.PartnerName), tandem.Fold(b.Engagement.PartnerName))
	},
	"total": func(a, b *Item) int { return cmp.Compare(total(a), total(b)) },
	"spend": func(a, b *Item) int { return cmp.Compare(spend(a), spend(b)) },
	"attention": func(a, b *Item) int {
		return cmp.Compare(attention(a), attention(b))
	},
}

// DefaultSort is the portfolio's order when none is asked for.
const DefaultSort = "title"

// Sort orders the items by sort, a key of Sorts with "-" first for
// descending; an unknown key sorts by DefaultSort. Ties keep the order by
// title. It returns the order applied.
func (pf *Portfolio) Sort(sort string) string {
	desc := strings.HasPrefix(sort, "-")
	by, ok := Sorts[strings.TrimPrefix(sort, "-")]
	if !ok {
		sort, desc, by = DefaultSort, false, Sorts[DefaultSort]
	}
	byTitle := Sorts["title"]
	slices.SortStableFunc(pf.Items, func(a, b Item) int {
		c := by(&a, &b)
		if desc {
			c = -c
		}
		if c == 0 {
			c = byTitle(&a, &b)
		}
		if c == 0 {
			c = cmp.Compare(a.Engagement.ID, b.Engagement.ID)
		}
		return c
	})
	return sort
}

func total(it *Item) int {
	if cur := it.Current(); cur.HasTotal {
		return cur.Total
	}
	return -1
}

func spend(it *Item) int64 {
	if it.Worth == nil || it.Worth.Months == 0 {
		return -1
	}
	return it.Worth.SpendMinor
}

func attention(it *Item) int {
	n := 0
	for _, a := range it.Attention {
		n += a.Count
	}
	return n
}
