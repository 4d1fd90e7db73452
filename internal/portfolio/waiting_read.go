package portfolio

import (
	"context"
	"time"

	"github.com/tandemhq/tandem/internal/access"
	"github.com/tandemhq/tandem/internal/engagement"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/tandem"
)

// readWaiting reads what waits on engagement e that p may see, as of now:
// every record is read through the store's scoped lists, so a partner's
// person sees only what the pages show him (his partner's engagements, an
// agent his assigned ones; claims as claimScope allows). The KPIs come
// from the item's current scorecard, already read.
func readWaiting(ctx context.Context, db *store.DB, p tandem.Principal, it *Item, now time.Time) ([]Waiting, error) {
	e := it.Engagement
	ws := KPIsWaiting(e.ID, it.Current().Scorecard)
	add := func(w Waiting, ok bool) {
		if ok {
			ws = append(ws, w)
		}
	}
	if access.Allows(p.Role, access.WorkRead) {
		ns, err := db.Notices.List(ctx, p, e.ID, store.NoticeFilter{Open: true})
		if err != nil {
			return nil, err
		}
		for _, n := range ns {
			add(NoticeWaits(n))
		}
		for pg := (tandem.Page{Limit: 200}); ; pg.Offset += pg.Limit {
			ds, total, err := db.Work.List(ctx, p, pg, store.DeliverableFilter{EngagementID: e.ID, Open: true})
			if err != nil {
				return nil, err
			}
			for _, d := range ds {
				add(DeliverableWaits(d, now))
			}
			if len(ds) < pg.Limit || pg.Offset+len(ds) >= total {
				break
			}
		}
		vs, err := db.OwnMetrics.Values(ctx, p, e.ID, "")
		if err != nil {
			return nil, err
		}
		for _, v := range vs {
			add(ValueWaits(v))
		}
		xs, err := db.Proposals.List(ctx, p, e.ID, "")
		if err != nil {
			return nil, err
		}
		for _, x := range xs {
			add(ProposalWaits(x))
		}
	}
	if access.Allows(p.Role, access.RequestsRead) {
		rs, _, err := db.Requests.List(ctx, p, tandem.Page{Limit: 200, Sort: "opened"}, store.RequestFilter{EngagementID: e.ID, Active: true})
		if err != nil {
			return nil, err
		}
		for _, r := range rs {
			add(RequestWaits(r))
		}
	}
	if e.Kind == engagement.KindSales && access.Allows(p.Role, access.SalesClaimsRead) {
		cs, err := db.Claims().List(ctx, p, e.ID, store.ClaimFilter{DisputedSince: now.Add(-RecentDispute)})
		if err != nil {
			return nil, err
		}
		for _, c := range cs {
			add(ClaimWaits(c, now))
		}
	}
	if access.Allows(p.Role, access.MeetingsRead) {
		as, err := db.Meetings.Actions(ctx, p, store.ActionFilter{EngagementID: e.ID, Open: true})
		if err != nil {
			return nil, err
		}
		for _, a := range as {
			add(ActionWaits(a))
		}
	}
	if access.Allows(p.Role, access.InvoicesRead) {
		ds, err := db.Invoices().OpenDisputes(ctx, p, e.ID)
		if err != nil {
			return nil, err
		}
		for _, d := range ds {
			add(InvoiceDisputeWaits(e.ID, d))
		}
	}
	for i := range ws {
		ws[i].EngagementTitle = e.Title
	}
	return For(p, ws), nil
}

// waitingOn reads what waits on the item's engagement into it.Waiting and
// counts it as the portfolio's Attention.
func waitingOn(ctx context.Context, db *store.DB, p tandem.Principal, it *Item) ([]Attention, error) {
	ws, err := readWaiting(ctx, db, p, it, db.Now())
	if err != nil {
		return nil, err
	}
	it.Waiting = ws
	return Summarize(ws), nil
}
