package web

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/a-h/templ"
	"github.com/tandemhq/tandem/internal/access"
	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/engagement"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/kpi"
	"github.com/tandemhq/tandem/internal/partner"
	"github.com/tandemhq/tandem/internal/portfolio"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/tandem"
	"github.com/tandemhq/tandem/internal/web/views"
)

// homeTop is how many items each list of a home shows; the rest are
// counted.
const homeTop = 12

// home is the first page after signing in, one per role: the owner reads
// the portfolio's headline and what needs attention; a manager first what
// waits for him; a viewer an overview; the partner's manager what the
// client asked of his people; an agent his Today and his work. Every item
// links to where it is done; the portfolio's attention column counts the
// same items (portfolio.Waiting).
//
// What a home shows is kept between requests until the database changes
// (kept): the home is the page read most, and computing it reads every
// engagement's standing.
func (s *server) home(w http.ResponseWriter, r *http.Request) error {
	st := state(r)
	if !st.member {
		return redirect(w, r, "/workspaces")
	}
	p, l := st.principal, st.loc
	// A client's home shows the partners: the count of active ones and the
	// newest, parts kept apart from the rest (keptPageParts), so that a
	// partner added does not compute the whole home again. A partner's
	// people's homes have no such part.
	var parts []func(r *http.Request) (templ.Component, error)
	if p.Side() != tandem.SidePartner {
		parts = append(parts, func(r *http.Request) (templ.Component, error) {
			_, n, err := s.db.Partners.List(r.Context(), p, tandem.Page{Limit: 1}, string(partner.StatusActive))
			if err != nil {
				return nil, err
			}
			return views.HomeActivePartners(n), nil
		}, func(r *http.Request) (templ.Component, error) {
			ps, _, err := s.db.Partners.List(r.Context(), p, tandem.Page{Sort: "-created", Limit: homeTop}, "")
			if err != nil {
				return nil, err
			}
			return views.HomePartners(ps), nil
		})
	}
	return s.keptPageParts(w, r, func(r *http.Request, cs []templ.Component) (templ.Component, error) {
		d, err := s.homeData(r.Context(), p, l)
		if err != nil {
			return nil, err
		}
		if len(cs) == 2 {
			d.ActivePartners, d.Partners = cs[0], cs[1]
		}
		return views.Home(s.nav(r, l.T("nav.home"), "home"), *d), nil
	}, parts...)
}

// homeData is what p's home shows, in l.
func (s *server) homeData(ctx context.Context, p tandem.Principal, l *i18n.Localizer) (*views.HomeData, error) {
	d := views.HomeData{Role: string(p.Role), Vendor: p.Side() == tandem.SidePartner, CanWrite: access.Allows(p.Role, access.EngagementsWrite)}
	pf, err := portfolio.Read(ctx, s.db, p, kpi.Month)
	if err != nil {
		return nil, err
	}
	now := s.db.Now()
	var all []portfolio.Waiting
	metrics := map[int64][]contract.MetricDef{}
	for _, it := range pf.Items {
		all = append(all, it.Waiting...)
		metrics[it.Engagement.ID] = it.Current().Metrics
		if it.Engagement.Status == engagement.StatusActive {
			d.Live++
		}
		if it.Current().HasTotal {
			d.Scored++
		}
		for _, a := range it.Attention {
			if a.Reason == portfolio.ReasonOffTrack {
				d.OffTrack++
				break
			}
		}
	}
	portfolio.Sort(all)
	for _, x := range all {
		item := homeItem(l, x, metrics[x.EngagementID], pf.Period, now)
		if x.Yours {
			d.YoursTotal++
			if len(d.Yours) < homeTop {
				d.Yours = append(d.Yours, item)
			}
		} else {
			d.OthersTotal++
			if len(d.Others) < homeTop {
				d.Others = append(d.Others, item)
			}
		}
	}
	// Surveys to answer and handovers waiting on the reader (the viewer's
	// home lists them in its overview).
	asks, err := s.governanceItems(ctx, p, l)
	if err != nil {
		return nil, err
	}
	if p.Role == tandem.RoleViewer {
		d.Others, d.OthersTotal = append(asks, d.Others...), d.OthersTotal+len(asks)
	} else {
		d.Yours, d.YoursTotal = append(asks, d.Yours...), d.YoursTotal+len(asks)
	}
	if p.Role == tandem.RoleOwner || p.Role == tandem.RoleViewer {
		for i, it := range portfolio.Risk(pf.Items) {
			if i == homeTop {
				break
			}
			cur := it.Current()
			row := views.HomeRisk{Title: it.Engagement.Title, Link: scorecardURL(it.Engagement.ID, pf.Period), Partner: it.Engagement.PartnerName,
				Reason: l.T("home.on_course"), Tone: "ok"}
			row.Standing, row.StandingTone = standing(l, cur.Scorecard)
			row.Projected = projectedNote(l, &it)
			if len(it.Attention) > 0 {
				row.Reason, row.Tone = attentionLabel(l, cur.Metrics, it.Attention[0]), kindTone(portfolio.Kind(it.Attention[0].Reason))
				if more := len(it.Waiting) - it.Attention[0].Count; more > 0 {
					row.More = l.N("home.more", int64(more))
				}
			}
			d.Risk = append(d.Risk, row)
		}
	}
	for _, c := range portfolio.Counts(all) {
		d.Counts = append(d.Counts, views.HomeCount{Label: l.N(string(c.Kind.CountKey()), int64(c.N)), Tone: kindTone(c.Kind)})
	}
	if d.Engagements, d.EngagementTotal, err = s.db.Engagements.List(ctx, p, tandem.Page{Sort: "status", Limit: 12}, store.EngagementFilter{}); err != nil {
		return nil, err
	}
	if d.Vendor {
		if pa, err := s.db.Partners.Get(ctx, p, p.PartnerID); err == nil {
			d.PartnerName = pa.LegalName
		}
		if hasSales(d.Engagements) && access.Allows(p.Role, access.SalesLog) {
			t, err := s.db.Sales().Today(ctx, p, now)
			if err != nil {
				return nil, err
			}
			d.Today = &views.HomeToday{FollowUps: len(t.FollowUps), Meetings: len(t.Meetings), Deals: len(t.Deals)}
			for i, f := range t.FollowUps {
				if i == 3 {
					break
				}
				d.Today.Next = append(d.Today.Next, views.HomeItem{Title: f.AccountName, When: l.DateTime(f.ScheduledAt), Tone: dueTone(f.ScheduledAt, now),
					Link: "/sales/today"})
			}
			// Nothing to call back: the deals that need a next step.
			for i, x := range t.Deals {
				if i == 3 || len(t.FollowUps) > 0 {
					break
				}
				it := views.HomeItem{What: l.T("deals.no_next_step"), Title: x.Title, When: x.AccountName, Tone: "warn", Link: dealPath(x.EngagementID, x.ID)}
				if was := nextStepWas(l, x.NextStepOn); was != "" {
					it.What = l.T("deals.next_step_overdue")
					it.When = x.AccountName + " · " + l.T("deals.next_step_was", "date", was)
				}
				d.Today.Next = append(d.Today.Next, it)
			}
		}
	}
	return &d, nil
}

// hasSales reports whether any of es is a sales engagement (the Today list
// is theirs).
func hasSales(es []engagement.Engagement) bool {
	for _, e := range es {
		if e.Kind == engagement.KindSales {
			return true
		}
	}
	return false
}

// homeItem is one waiting item in the reader's language, with the link to
// where it is done.
func homeItem(l *i18n.Localizer, x portfolio.Waiting, defs []contract.MetricDef, period kpi.Period, now time.Time) views.HomeItem {
	e := recordPath("/engagements", x.EngagementID)
	it := views.HomeItem{What: l.T(string(x.Kind.Key())), Title: x.Title, Engagement: x.EngagementTitle, EngagementLink: e,
		Tone: kindTone(x.Kind), Yours: x.Yours}
	switch x.Kind {
	case portfolio.KindRequestBreached, portfolio.KindRequestAtRisk:
		it.Link = requestPath(x.EngagementID, int(x.RecordID))
		switch {
		case x.Breached:
			it.When = l.T("request.clock.overdue", "duration", businessDuration(l, x.Left))
		case !x.Due.IsZero() || x.Left > 0:
			it.When = l.T("request.clock.left", "duration", businessDuration(l, x.Left))
		default:
			it.When = l.T("attention.since", "date", l.Date(x.Since))
		}
	case portfolio.KindNotice:
		it.Link = fmt.Sprintf("%s/notices#notice-%d", e, x.RecordID)
		it.When = l.T("attention.since", "date", l.Date(x.Since))
	case portfolio.KindValue:
		it.Link = fmt.Sprintf("%s/values#value-%d", e, x.RecordID)
		it.Title = metricName(l, defs, x.Metric)
		it.When = l.T("attention.since", "date", l.Date(x.Since))
	case portfolio.KindProposal:
		it.Link = fmt.Sprintf("%s/proposals#proposal-%d", e, x.RecordID)
		it.When = l.T("attention.since", "date", l.Date(x.Since))
	case portfolio.KindClaim, portfolio.KindDisputed:
		// What is claimed beside its subject: a lead and a meeting
		// claimed on one account would read the same.
		it.Link = fmt.Sprintf("%s/sales/claims#claim-%d", e, x.RecordID)
		if x.Claim != "" {
			it.Title = l.T("attention.claim_title", "kind", l.T("claims.kind."+string(x.Claim)), "subject", x.Title)
		}
		if x.Kind == portfolio.KindClaim {
			it.When = l.T("attention.decide_by", "date", l.DateTime(x.Due))
		} else {
			it.When = l.T("attention.disputed_on", "date", l.Date(x.Since))
		}
	case portfolio.KindInvoiceDispute:
		it.Link = invoicePath(x.EngagementID, x.Period)
		it.When = l.T("attention.since", "date", l.Date(x.Since))
	case portfolio.KindAction:
		it.Link = meetingPath(x.EngagementID, x.RecordID)
		if x.Due.Before(now) {
			it.When = l.T("attention.overdue_since", "date", l.Date(x.Due.Add(-time.Second)))
		} else {
			it.When = l.T("attention.due", "date", l.Date(x.Due.Add(-time.Second)))
		}
	case portfolio.KindOffTrack, portfolio.KindAtRisk:
		it.Link = scorecardURL(x.EngagementID, period)
		it.Title = kpiName(l, defs, x.KPI)
		it.When = periodLabel(l, period)
		if x.Paced {
			it.When = l.T("attention.at_pace", "period", it.When)
		}
	default: // deliverables
		it.Link = recordPath("/deliverables", x.RecordID)
		switch {
		case x.Due.IsZero():
			it.When = l.T("attention.since", "date", l.Date(x.Since))
		case x.Due.Before(now):
			it.When = l.T("attention.overdue_since", "date", l.Date(x.Due))
		default:
			it.When = l.T("attention.due", "date", l.Date(x.Due))
		}
	}
	return it
}

// kindTone is the badge tone of what waits: red for what has gone wrong,
// amber for what runs out soon, blue for a decision to take.
func kindTone(k portfolio.Kind) string {
	switch k {
	case portfolio.KindRequestBreached, portfolio.KindOffTrack, portfolio.KindOverdue, portfolio.KindReturned, portfolio.KindDisputed:
		return "bad"
	case portfolio.KindRequestAtRisk, portfolio.KindAtRisk, portfolio.KindDue, portfolio.KindClaim, portfolio.KindInvoiceDispute:
		return "warn"
	}
	return "info"
}

// dueTone is red for a time already past, amber otherwise.
func dueTone(t, now time.Time) string {
	if t.Before(now) {
		return "bad"
	}
	return "warn"
}
func (s *server) workspaces(w http.ResponseWriter, r *http.Request) error {
	st := state(r)
	ms, err := s.db.Accounts.MembershipsOf(r.Context(), st.user.ID)
	if err != nil {
		return err
	}
	var current int64
	if st.member {
		current = st.principal.WorkspaceID
	}
	return s.page(w, r, views.Workspaces(s.nav(r, st.loc.T("workspaces.title"), ""), ms, current))
}

func (s *server) switchWorkspace(w http.ResponseWriter, r *http.Request) error {
	f, err := parseForm(w, r)
	if err != nil {
		return err
	}
	st := state(r)
	if st.session == nil {
		return tandem.ErrUnauthorized
	}
	if err := s.db.Accounts.SetSessionWorkspace(r.Context(), st.session.ID, st.user.ID, formID(f.Get("workspace_id"))); err != nil {
		return err
	}
	return redirect(w, r, "/")
}
