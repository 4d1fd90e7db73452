package portfolio

import (
	"context"
	"time"

	"github.com/tandemhq/tandem/internal/engagement"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/tandem"
)

// readWaiting reads what waits on the item's engagement that p may see, as
// of now (store.DB.ReadOpenWork: every record through the store's scopes,
// so a partner's person sees only what the pages show him). The KPIs come
// from the item's current scorecard, already read.
func readWaiting(ctx context.Context, db *store.DB, p tandem.Principal, it *Item, now time.Time) ([]Waiting, error) {
	ow, err := db.ReadOpenWork(ctx, p, []int64{it.Engagement.ID}, now.Add(-RecentDispute))
	if err != nil {
		return nil, err
	}
	return waitingIn(p, it, ow, now), nil
}

// waitingIn decides what waits on the item's engagement among ow, the open
// work read for it (and possibly other engagements), as of now.
func waitingIn(p tandem.Principal, it *Item, ow *store.OpenWork, now time.Time) []Waiting {
	e := it.Engagement
	var ws []Waiting
	if len(it.Trend.Scorecards) > 0 {
		var paced map[string]bool
		if it.Judged != nil {
			paced = it.Judged.Paced
		}
		ws = KPIsWaiting(e.ID, it.Current().Scorecard, paced)
	}
	add := func(w Waiting, ok bool) {
		if ok {
			ws = append(ws, w)
		}
	}
	for _, n := range ow.Notices {
		if n.EngagementID == e.ID {
			add(NoticeWaits(n))
		}
	}
	for _, d := range ow.Deliverables {
		if d.EngagementID == e.ID {
			add(DeliverableWaits(d, now))
		}
	}
	for _, v := range ow.Values {
		if v.EngagementID == e.ID {
			add(ValueWaits(v))
		}
	}
	for _, x := range ow.Proposals {
		if x.EngagementID == e.ID {
			add(ProposalWaits(x))
		}
	}
	for _, r := range ow.Requests {
		if r.EngagementID == e.ID {
			add(RequestWaits(r))
		}
	}
	if e.Kind == engagement.KindSales {
		for _, c := range ow.Claims {
			if c.EngagementID == e.ID {
				add(ClaimWaits(c, now))
			}
		}
	}
	for _, a := range ow.Actions {
		if a.EngagementID == e.ID {
			add(ActionWaits(a))
		}
	}
	for _, d := range ow.Disputes {
		if d.EngagementID == e.ID {
			add(InvoiceDisputeWaits(e.ID, d.OpenDispute))
		}
	}
	for i := range ws {
		ws[i].EngagementTitle = e.Title
	}
	return For(p, ws)
}
