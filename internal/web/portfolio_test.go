package web_test

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/engagement"
	"github.com/tandemhq/tandem/internal/kpi"
	"github.com/tandemhq/tandem/internal/portfolio"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
	"github.com/tandemhq/tandem/internal/work"
)

// portfolioRow is one row of the portfolio page, as a reader sees it.
type portfolioRow struct {
	ID        int64
	Total     string
	Standing  string // the badge; "" without one
	Attention []string
}

var (
	rowIDRE       = regexp.MustCompile(`href="/engagements/(\d+)/scorecard[^"]*"`)
	rowTotalRE    = regexp.MustCompile(`</th><td[^>]*><span class="figure">([^<]*)</span>`)
	rowBadgeRE    = regexp.MustCompile(`<span class="badge [^"]*">([^<]*)</span>`)
	rowAttentinRE = regexp.MustCompile(`<span class="block small">([^<]*)</span>`)
)

// portfolioRows reads the rows of the portfolio page's table.
func portfolioRows(t *testing.T, body string) []portfolioRow {
	t.Helper()
	var out []portfolioRow
	_, tbody, ok := strings.Cut(body, "<tbody>")
	if !ok {
		return nil
	}
	tbody, _, _ = strings.Cut(tbody, "</tbody>")
	for _, tr := range strings.Split(tbody, "<tr>")[1:] {
		m := rowIDRE.FindStringSubmatch(tr)
		tot := rowTotalRE.FindStringSubmatch(tr)
		if m == nil || tot == nil {
			t.Fatalf("a portfolio row without a link or total: %s", tr)
		}
		id, _ := strconv.ParseInt(m[1], 10, 64)
		r := portfolioRow{ID: id, Total: tot[1]}
		if b := rowBadgeRE.FindStringSubmatch(tr); b != nil {
			r.Standing = b[1]
		}
		for _, a := range rowAttentinRE.FindAllStringSubmatch(tr, -1) {
			r.Attention = append(r.Attention, a[1])
		}
		out = append(out, r)
	}
	return out
}

// orEmpty is *s, or "" for nil.
func orEmpty(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// portfolioJSON is GET /api/v1/portfolio.
type portfolioJSON struct {
	Period kpiPeriodJSON
	Items  []struct {
		EngagementID  int64 `json:"engagement_id"`
		Status        string
		Total         *int
		Standing      *string
		StandingLabel *string `json:"standing_label"`
		Trend         []struct {
			Label string
			Total *int
		}
		OffTrack []string `json:"off_track"`
		Overdue  int
	}
}

// The portfolio page and the API show the same engagements in the same
// order, with the same totals, standings and what needs attention — more
// than a store page of them (the page used to stop at 200). A1, worked out
// by hand: four deliverables accepted, two of them first time, so
// first-time acceptance is 50 %; the unnamed KPI (target 90 %, threshold
// 50 %) scores 0, off track, the "Easy" one (target 50 %, threshold 0 %)
// 100; the total (0 + 100) / 2 = 50.00 is "Poor"; one deliverable is
// overdue.
func TestPortfolioPageAndAPIAgree(t *testing.T) {
	t.Parallel()
	clock := storetest.NewClock(time.Date(2026, 5, 13, 10, 0, 0, 0, time.UTC))
	e := newEnvAt(t, "sqlite", clock.Now)
	f := e.f
	storetest.Activate(t, e.db, f.Owner, f.A1, func(terms *contract.Terms) {
		terms.Goals = []contract.Goal{{Key: "quality", Title: "Right first time"}}
		terms.KPIs = []contract.KPI{
			{Key: "strict", GoalKey: "quality", Metric: "first_time_acceptance",
				Target: 9000, Threshold: 5000, Scale: 2, Direction: "higher", Weight: 1, Period: "month"},
			{Key: "easy", GoalKey: "quality", Metric: "first_time_acceptance", Name: "Easy",
				Target: 5000, Threshold: 0, Scale: 2, Direction: "higher", Weight: 1, Period: "month"},
		}
	})
	storetest.Activate(t, e.db, f.Owner, f.B1, nil)
	v, err := e.db.Contracts.InForce(ctx, f.Owner, f.A1, tandem.DateOf(e.db.Now()))
	if err != nil {
		t.Fatal(err)
	}
	svc := v.Terms.Services[0].Key
	for i, returned := range []bool{false, true, false, true} {
		e.deliverAccepted(t, svc, fmt.Sprintf("List %d", i+1), 48*time.Hour, returned)
	}
	if err := e.db.Work.Create(ctx, f.Owner, &work.Deliverable{EngagementID: f.A1, ServiceKey: svc, Title: "Late list", DueAt: e.db.Now().Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	// 200 more of partner A's engagements, ended: with A1 and B1 more than
	// a store page holds. Ending them the long way (activate, end) would
	// cost minutes; the portfolio only reads the status.
	start, _ := tandem.ParseDate("2026-01-01")
	for i := range 200 {
		x := &engagement.Engagement{PartnerID: f.PartnerA, Title: fmt.Sprintf("Extra %03d", i), Kind: engagement.KindSales, StartsOn: start}
		if err := e.db.Engagements.Create(ctx, f.Owner, x); err != nil {
			t.Fatal(err)
		}
	}
	if err := storetest.Exec(e.db, `UPDATE engagements SET status = 'ended' WHERE workspace_id = ? AND title LIKE 'Extra %'`, f.WorkspaceID); err != nil {
		t.Fatal(err)
	}
	clock.Add(2 * time.Hour)

	for _, c := range []struct {
		who  string
		p    tandem.Principal
		want int // engagements shown
	}{{"owner", f.Owner, 202}, {"partner A's manager", f.VendorManager, 201}, {"partner A's agent", f.VendorAgent, 1}, {"partner B's manager", f.VendorManagerB, 1}} {
		t.Run(c.who, func(t *testing.T) {
			pf, err := portfolio.Read(ctx, e.db, c.p, kpi.Month)
			if err != nil {
				t.Fatal(err)
			}
			r := e.as(c.p).get("/portfolio")
			if r.status != 200 {
				t.Fatalf("page: %d", r.status)
			}
			rows := portfolioRows(t, r.body)
			var api portfolioJSON
			if r := getJSON(t, e, e.token(c.p), "", "/api/v1/portfolio", &api); r.status != 200 {
				t.Fatalf("API: %d %s", r.status, r.body)
			}
			if len(pf.Items) != c.want || len(rows) != c.want || len(api.Items) != c.want {
				t.Fatalf("%d engagements in the read model, %d on the page, %d in the API; want %d", len(pf.Items), len(rows), len(api.Items), c.want)
			}
			if !strings.Contains(r.body, "standing in May 2026,") || api.Period.Label != "2026-05" || pf.Period.String() != "2026-05" {
				t.Errorf("period: API %s, read model %s", api.Period.Label, pf.Period)
			}
			for i, it := range pf.Items {
				row, ai, cur := rows[i], api.Items[i], it.Current()
				id := it.Engagement.ID
				if row.ID != id || ai.EngagementID != id {
					t.Fatalf("item %d: page %d, API %d, read model %d", i, row.ID, ai.EngagementID, id)
				}
				// The total and the standing.
				wantTotal := "No data"
				if cur.HasTotal {
					wantTotal = fmt.Sprintf("%d.%02d", cur.Total/100, cur.Total%100)
					if ai.Total == nil || *ai.Total != cur.Total {
						t.Errorf("engagement %d: API total %v, want %d", id, ai.Total, cur.Total)
					}
				} else if ai.Total != nil {
					t.Errorf("engagement %d: API total %d without data", id, *ai.Total)
				}
				if row.Total != wantTotal {
					t.Errorf("engagement %d: page total %q, want %q", id, row.Total, wantTotal)
				}
				if orEmpty(ai.Standing) != cur.Standing || row.Standing != orEmpty(ai.StandingLabel) {
					t.Errorf("engagement %d: standing %q, API %q (%q), page %q", id, cur.Standing, orEmpty(ai.Standing), orEmpty(ai.StandingLabel), row.Standing)
				}
				// The trend.
				pts := it.Trend.Points()
				if len(ai.Trend) != len(pts) {
					t.Fatalf("engagement %d: API trend of %d, read model %d", id, len(ai.Trend), len(pts))
				}
				for j, p := range pts {
					if ai.Trend[j].Label != p.Period.String() || (ai.Trend[j].Total != nil) != p.HasTotal {
						t.Errorf("engagement %d, trend %d: API %+v, read model %+v", id, j, ai.Trend[j], p)
					}
				}
				// What needs attention.
				var offTrack []string
				overdue := 0
				for _, a := range it.Attention {
					switch a.Reason {
					case portfolio.ReasonOffTrack:
						offTrack = append(offTrack, a.KPI.Key)
					case portfolio.ReasonOverdue:
						overdue = a.Count
					}
				}
				if !slices.Equal(ai.OffTrack, offTrack) && len(ai.OffTrack)+len(offTrack) > 0 || ai.Overdue != overdue {
					t.Errorf("engagement %d: API off track %v, overdue %d; read model %v, %d", id, ai.OffTrack, ai.Overdue, offTrack, overdue)
				}
				if len(row.Attention) != len(it.Attention) {
					t.Errorf("engagement %d: page attention %q, read model %+v", id, row.Attention, it.Attention)
				}
				if id == f.A1 {
					if row.Total != "50.00" || row.Standing != "Poor" || ptrString(ai.Standing) != "poor" ||
						!slices.Equal(row.Attention, []string{"Accepted the first time is off track", "1 deliverable overdue"}) ||
						!slices.Equal(ai.OffTrack, []string{"strict"}) || ai.Overdue != 1 {
						t.Errorf("A1: page %+v, API %+v", row, ai)
					}
				}
			}
		})
	}
}
