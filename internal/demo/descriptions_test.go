package demo

import (
	"context"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/tandem"
)

var (
	sekFigure = regexp.MustCompile(`SEK (\d{1,3}(?:[  ]\d{3})*)`)
	pctFigure = regexp.MustCompile(`(\d+(?:\.\d+)?) ?%`)
)

// priceFigures reads the sentences of a description that say what the
// partner is paid: its amounts in minor units and its percentages in basis
// points.
func priceFigures(t *testing.T, description string) (amounts, shares []int64) {
	t.Helper()
	for _, sentence := range strings.SplitAfter(description, ". ") {
		if !strings.Contains(sentence, " paid ") {
			continue
		}
		for _, m := range sekFigure.FindAllStringSubmatch(sentence, -1) {
			n, err := strconv.ParseInt(strings.NewReplacer(" ", "", " ", "").Replace(m[1]), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			amounts = append(amounts, n*100)
		}
		for _, m := range pctFigure.FindAllStringSubmatch(sentence, -1) {
			f, err := strconv.ParseFloat(m[1], 64)
			if err != nil {
				t.Fatal(err)
			}
			shares = append(shares, int64(f*100+0.5))
		}
	}
	slices.Sort(amounts)
	slices.Sort(shares)
	return amounts, shares
}

// checkDescriptions: what an engagement's description says it pays is what
// its terms in force hold — every amount and percentage of its price, no
// other — and the three running engagements say it.
func checkDescriptions(t *testing.T, db *store.DB, workspaceID int64) {
	t.Helper()
	ctx := context.Background()
	sys := store.System(workspaceID, "test")
	es, _, err := db.Engagements.List(ctx, sys, tandem.Page{Limit: 100}, store.EngagementFilter{})
	if err != nil {
		t.Fatal(err)
	}
	priced := 0
	for _, e := range es {
		amounts, shares := priceFigures(t, e.Description)
		if len(amounts)+len(shares) == 0 {
			continue
		}
		priced++
		v, err := db.Contracts.InForce(ctx, sys, e.ID, e.StartsOn)
		if err != nil {
			t.Fatalf("%s: %v", e.Title, err)
		}
		var wantAmounts, wantShares []int64
		for _, c := range v.Terms.Price.Components {
			if c.AmountMinor != 0 {
				wantAmounts = append(wantAmounts, c.AmountMinor)
			}
			if c.ShareBP != 0 {
				wantShares = append(wantShares, int64(c.ShareBP))
			}
		}
		slices.Sort(wantAmounts)
		slices.Sort(wantShares)
		if !slices.Equal(amounts, wantAmounts) || !slices.Equal(shares, wantShares) {
			t.Errorf("%q says it pays %v (minor units) and %v (basis points); its terms hold %v and %v",
				e.Title, amounts, shares, wantAmounts, wantShares)
		}
	}
	if priced != 3 {
		t.Errorf("%d descriptions state a price, want 3 (sales, support, CFO)", priced)
	}
}

func TestPriceFigures(t *testing.T) {
	t.Parallel()
	amounts, shares := priceFigures(t, "Claims up to SEK 5 000 go to quality. The agency is paid SEK 45 000 plus SEK 1 500 per lead and 4.5 % of revenue.")
	if !slices.Equal(amounts, []int64{150000, 4500000}) || !slices.Equal(shares, []int64{450}) {
		t.Errorf("figures %v %v", amounts, shares)
	}
}
