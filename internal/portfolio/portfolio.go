package portfolio

import (
	"context"
	"slices"
	"time"

	"github.com/tandemhq/tandem/internal/access"
	"github.com/tandemhq/tandem/internal/forecast"
	"github.com/tandemhq/tandem/internal/governance"
	"github.com/tandemhq/tandem/internal/worth"

	"github.com/tandemhq/tandem/internal/engagement"
	"github.com/tandemhq/tandem/internal/kpi"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/tandem"
)

// Portfolio is the director's view: every engagement the caller may see
// that the portfolio shows (see Shows), by title, each with its standing in
// the current period, its trend and what needs attention. There is no cap:
// Read pages through every engagement.
type Portfolio struct {
	Kind   string     // the kind of the periods: week, month or quarter
	Period kpi.Period // the current period, in the workspace's time zone
	Items  []Item
}

// Item is one engagement on the portfolio.
type Item struct {
	Engagement engagement.Engagement
	Trend      Trend // the last TrendPeriods periods of the portfolio's kind
	Attention  []Attention
	// Waiting is what waits on the engagement that the caller sees
	// (For), most pressing first; Attention counts it.
	Waiting []Waiting
	// Worth is the spend, cost per result and return over the last
	// WorthMonths months; nil for a reader who may not see them
	// (access.WorthRead: the client's people).
	Worth *worth.Summary
	// Meetings is the cadence's health: meetings held against those due
	// (package governance); nil for a reader who may not see meetings.
	Meetings *governance.Health
	// Judged is the current period's scorecard as judged today
	// (forecast.Judge): while the period runs, its counts and sums at the
	// period's pace, so that the first days of a month do not read as a
	// fall. Current returns it; nil until Read judged it.
	Judged *forecast.Judged
}

// WorthMonths is how many months (up to the current one) the spend, cost
// per result and return of each engagement sum.
const WorthMonths = 6

// Current is the engagement's scorecard of the current period as judged
// today (Judged): what the portfolio and the homes rank, colour and flag.
// The trend keeps the period as measured.
func (it *Item) Current() store.Scorecard {
	sc := it.Trend.Current()
	if it.Judged != nil {
		sc.Scorecard = it.Judged.Scorecard
	}
	return sc
}

// Projected reports whether the current period is judged by its pace
// (forecast.Judged.Projected): the page says so beside its total.
func (it *Item) Projected() bool { return it.Judged != nil && it.Judged.Projected }

// judge sets it.Judged from the trend's current scorecard as of now.
func (it *Item) judge(now time.Time) {
	if len(it.Trend.Scorecards) == 0 {
		return
	}
	j := Judge(it.Trend.Current(), now)
	it.Judged = &j
}

// Judge is sc judged as of now (forecast.Judge), on the local day of the
// period's time zone: a period in progress by its pace. The portfolio, the
// homes and the scorecard page of the period in progress judge so.
func Judge(sc store.Scorecard, now time.Time) forecast.Judged {
	today := now.In(sc.Period.Start.Location()).Format(time.DateOnly)
	return forecast.Judge(sc.Scorecard, sc.Metrics, sc.Calendar, today)
}

// Shows reports whether the portfolio shows an engagement in status s:
// every one but a draft, whose terms are not agreed yet and score nothing.
func Shows(s engagement.Status) bool { return s != engagement.StatusDraft }

// batch is how many engagements Read lists at a time: the most a store
// page holds (tandem.Page.Normalize).
const batch = 200

// Read reads the portfolio of p with periods of kind (week, month or
// quarter). Anyone who may read engagements may call it: partner people
// see their partner's engagements (managers) or those assigned to them
// (agents). Errors: EForbidden, EInvalid for a bad kind.
//
// The result is kept between requests until the database changes
// (store.DB.Remember): the homes, the portfolio page and its API read it
// without computing it again. Each caller gets its own Items slice to sort.
func Read(ctx context.Context, db *store.DB, p tandem.Principal, kind string) (*Portfolio, error) {
	v, err := db.Remember(ctx, readKey{p: p, kind: kind}, func(ctx context.Context) (any, error) {
		return read(ctx, db, p, kind, batch, true)
	})
	if err != nil {
		return nil, err
	}
	return v.(*Portfolio).clone(), nil
}

// readKey names a portfolio kept by Remember: who reads it, by which
// periods.
type readKey struct {
	p    tandem.Principal
	kind string
}

// clone is pf with an Items slice of its own: callers sort it. The items'
// contents are shared and only read.
func (pf *Portfolio) clone() *Portfolio {
	c := *pf
	c.Items = slices.Clone(pf.Items)
	return &c
}

// read is Read listing size engagements at a time, without computing it
// again; withWorth false leaves every Item.Worth nil (the board pack shows
// the worth of its month, not of the last WorthMonths).
func read(ctx context.Context, db *store.DB, p tandem.Principal, kind string, size int, withWorth bool) (*Portfolio, error) {
	periods, err := db.KPI.Periods(ctx, p, kind, TrendPeriods)
	if err != nil {
		return nil, err
	}
	pf := &Portfolio{Kind: kind, Period: periods[len(periods)-1], Items: []Item{}}
	seen := map[int64]bool{}
	for pg := (tandem.Page{Limit: size, Sort: "title"}); ; pg.Offset += size {
		es, total, err := db.Engagements.List(ctx, p, pg, store.EngagementFilter{})
		if err != nil {
			return nil, err
		}
		for _, e := range es {
			// An engagement created while paging may shift one already read
			// onto the next page.
			if !Shows(e.Status) || seen[e.ID] {
				continue
			}
			seen[e.ID] = true
			pf.Items = append(pf.Items, Item{Engagement: e})
		}
		if len(es) < size || pg.Offset+len(es) >= total {
			break
		}
	}
	ids := make([]int64, len(pf.Items))
	for i := range pf.Items {
		ids[i] = pf.Items[i].Engagement.ID
	}
	// The worth, for all the engagements at once.
	if withWorth && access.Allows(p.Role, access.WorthRead) {
		os, err := db.Worth().Overviews(ctx, p, ids, WorthMonths)
		if err != nil {
			return nil, err
		}
		for i := range pf.Items {
			if o, ok := os[pf.Items[i].Engagement.ID]; ok {
				sum := worth.Summarize(o.Months)
				pf.Items[i].Worth = &sum
			}
		}
	}
	// The trends, likewise.
	trends, err := db.KPI.Trends(ctx, p, ids, kind, TrendPeriods)
	if err != nil {
		return nil, err
	}
	now := db.Now()
	for i := range pf.Items {
		it := &pf.Items[i]
		if scs, ok := trends[it.Engagement.ID]; ok {
			it.Trend = TrendOf(scs)
		} else if it.Trend, err = ReadTrend(ctx, db, p, it.Engagement.ID, kind, TrendPeriods); err != nil {
			return nil, err // an engagement without terms: as Trend reads it
		}
		it.judge(now)
	}
	// The meetings' health, likewise in one read.
	if access.Allows(p.Role, access.MeetingsRead) {
		hs, err := db.Meetings.HealthOf(ctx, p, ids)
		if err != nil {
			return nil, err
		}
		for i := range pf.Items {
			h := hs[pf.Items[i].Engagement.ID]
			pf.Items[i].Meetings = &h
		}
	}
	// What waits, for all the engagements in one read per kind.
	ow, err := db.ReadOpenWork(ctx, p, ids, now.Add(-RecentDispute))
	if err != nil {
		return nil, err
	}
	for i := range pf.Items {
		it := &pf.Items[i]
		it.Waiting = waitingIn(p, it, ow, now)
		it.Attention = append(it.Attention, Summarize(it.Waiting)...)
	}
	return pf, nil
}
