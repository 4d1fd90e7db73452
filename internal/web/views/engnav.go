package views

import (
	"context"

	"github.com/tandemhq/tandem/internal/access"
	"github.com/tandemhq/tandem/internal/engagement"
	"github.com/tandemhq/tandem/internal/i18n"
)

// An engagement's pages are shown in two levels: a row of groups (what a
// person looks for: the contract, the results, the work …) and, below it,
// the pages of the group the reader is in. A group's link opens its first
// page, so every page is at most two clicks away from any other.

type navPage struct {
	Key   string // the page's name as the templates pass it as active
	Href  string
	Label string
}

type navGroup struct {
	Key   string
	Label string
	Pages []navPage
}

// Href is the address of the group's first page.
func (g navGroup) Href() string { return g.Pages[0].Href }

// has reports whether active is one of the group's pages.
func (g navGroup) has(active string) bool {
	for _, p := range g.Pages {
		if p.Key == active {
			return true
		}
	}
	return false
}

// pageGroup names the group of pages that have no link of their own in
// the navigation but belong to a group (the termination is reached from
// the overview and is part of the contract).
var pageGroup = map[string]string{"termination": "contract"}

// engagementNav returns the groups the reader sees on e's pages, in order,
// without the pages their role may not open and without empty groups.
func engagementNav(ctx context.Context, e *engagement.Engagement) []navGroup {
	base := "/engagements/" + itoa(e.ID)
	page := func(key, rest, label string) navPage {
		return navPage{Key: key, Href: base + rest, Label: i18n.T(ctx, label)}
	}
	live := e.Status != engagement.StatusDraft
	sales := e.Kind == engagement.KindSales
	var groups []navGroup
	add := func(key string, pages ...navPage) {
		if len(pages) > 0 {
			groups = append(groups, navGroup{Key: key, Label: i18n.T(ctx, "engnav.group_"+key), Pages: pages})
		}
	}
	add("overview", page("overview", "", "contract.tab_overview"))
	add("contract", page("terms", "/terms", "contract.tab_terms"), page("amendments", "/amendments", "contract.tab_amendments"))
	if live {
		add("results", page("scorecard", "/scorecard", "scorecard.tab"), page("values", "/values", "values.tab"),
			page("surveys", "/surveys", "survey.tab"))
		add("work", page("work", "/work", "work.tab"), page("requests", "/requests", "request.list_title"),
			page("time", "/time", "time.tab"))
		add("communication", page("notices", "/notices", "notice.tab_notices"),
			page("proposals", "/proposals", "notice.tab_proposals"), page("reports", "/status-reports", "notice.tab_reports"),
			page("meetings", "/meetings", "meetings.tab"))
		var money []navPage
		if can(ctx, access.InvoicesRead) {
			money = append(money, page("invoices", "/invoices", "invoices.tab"))
		}
		if can(ctx, access.WorthRead) {
			money = append(money, page("worth", "/worth", "worth.tab"))
		}
		add("money", money...)
	}
	if sales {
		s := []navPage{page("board", "/sales/board", "deals.board.tab"), page("funnel", "/sales/funnel", "deals.funnel.tab")}
		if live {
			s = append(s, page("claims", "/sales/claims", "claims.tab"))
			if can(ctx, access.SalesReview) {
				s = append(s, page("recordings", "/sales/recordings", "sales.recording.link_list"))
			}
		}
		add("sales", s...)
	}
	add("knowledge", page("knowledge", "/knowledge", "knowledge.tab"), page("handovers", "/handovers", "handover.tab"))
	return groups
}

// activeGroup returns the group active belongs to, or the first group.
func activeGroup(groups []navGroup, active string) navGroup {
	for _, g := range groups {
		if g.has(active) || pageGroup[active] == g.Key {
			return g
		}
	}
	return groups[0]
}
