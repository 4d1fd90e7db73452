package portfolio

import (
	"context"

	"github.com/tandemhq/tandem/internal/access"
	"github.com/tandemhq/tandem/internal/kpi"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/tandem"
	"github.com/tandemhq/tandem/internal/worth"
)

// Pack is what the monthly board pack of a workspace shows: the portfolio
// as of a month — each engagement the portfolio shows with its scorecard
// of that month, its trend of the TrendPeriods months up to it, and the
// month's spend and cost per result (internal/worth).
type Pack struct {
	Month kpi.Period
	Items []PackItem
}

// PackItem is one engagement of a board pack.
type PackItem struct {
	Item
	// MonthWorth is the month's spend, results and cost per result (no
	// spend: Months is 0).
	MonthWorth worth.Summary
}

// Card is the engagement's scorecard of the pack's month: the last of
// the trend.
func (it *PackItem) Card() store.Scorecard { return it.Trend.Current() }

// ReadPack reads the board pack of p's workspace for month (any time in
// it). The client's owner and manager may call it (access.BoardPack).
// Errors: EForbidden. (Not kept between requests as Read is: every
// download of a pack is audited, a write.)
func ReadPack(ctx context.Context, db *store.DB, p tandem.Principal, month kpi.Period) (*Pack, error) {
	if err := access.Can(p, access.BoardPack); err != nil {
		return nil, err
	}
	// The portfolio without its worth of the last WorthMonths: the pack
	// shows the worth of its month, read below.
	pf, err := read(ctx, db, p, kpi.Month, batch, false)
	if err != nil {
		return nil, err
	}
	pack := &Pack{Month: month}
	ids := make([]int64, len(pf.Items))
	for i, it := range pf.Items {
		ids[i] = it.Engagement.ID
	}
	trends, err := db.KPI.TrendsTo(ctx, p, ids, kpi.Month, TrendPeriods, month.Start)
	if err != nil {
		return nil, err
	}
	worths, err := db.Worth().Overviews(ctx, p, ids, store.MaxWorthMonths)
	if err != nil {
		return nil, err
	}
	for _, it := range pf.Items {
		if scs, ok := trends[it.Engagement.ID]; ok {
			it.Trend = TrendOf(scs)
		} else if it.Trend, err = ReadTrendTo(ctx, db, p, it.Engagement.ID, kpi.Month, TrendPeriods, month.Start); err != nil {
			return nil, err // an engagement without terms: as TrendTo reads it
		}
		pi := PackItem{Item: it}
		label := month.Label().String()
		var months []worth.Month
		if o := worths[it.Engagement.ID]; o != nil {
			months = o.Months
		}
		for _, m := range months {
			if m.Label == label {
				pi.MonthWorth = worth.Summarize([]worth.Month{m})
			}
		}
		pack.Items = append(pack.Items, pi)
	}
	return pack, nil
}
