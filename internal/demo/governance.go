package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/knowledge"
	"github.com/tandemhq/tandem/internal/kpi"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/survey"
	"github.com/tandemhq/tandem/internal/tandem"
)

// The demo's pulse surveys, knowledge base and handover:
//
//   - the outbound sales engagement's terms define the survey's
//     transparency metric and a monthly KPI on it (pulseTerms); a round was
//     sent on the 20th of each of the six months before this one and
//     answered by Karin, Johan and Ingrid (so its results show and count),
//     and this month's round has two answers of the three needed;
//   - the CFO engagement's knowledge base: "Monthly close" (Sofia wrote it,
//     Karin rewrote it, Johan is named: bus factor 2), and "Cash-flow
//     forecast" (Anders wrote it, Johan reviewed it: bus factor 1, flagged
//     on the engagement and the portfolio; its review date has passed, so
//     it is stale); a workspace page on supplier payments;
//   - the support desk's partner-side responsible person changed from Emma
//     to Oskar three days ago: a handover with two of five steps done.

const emma = "emma.nystrom@ksnorrland.example"

// pulseTerms adds the survey's transparency metric (one decimal, 1.0–5.0)
// and a monthly KPI on it to the sales engagement's terms.
func pulseTerms(t *contract.Terms) {
	if len(t.Goals) == 0 {
		return
	}
	lo, hi := int64(10), int64(50)
	t.Metrics = append(t.Metrics, contract.MetricDef{Key: survey.MetricTransparency, Name: "Tydlig kommunikation", Kind: contract.MetricKindManual,
		Source: "client", Scale: 1, Min: &lo, Max: &hi})
	t.KPIs = append(t.KPIs, contract.KPI{Key: "transparency", GoalKey: t.Goals[0].Key, Metric: survey.MetricTransparency,
		Name: "Tydlig kommunikation (pulsenkät)", Target: 45, Threshold: 30, Scale: 1, Direction: "higher", Weight: 1, Period: kpi.Month})
}

// surveyScores are the answers of Karin, Johan and Ingrid, oldest month
// first: clarity, feedback, business language, risks, ideas.
var surveyScores = [6][3][5]int{
	{{3, 3, 4, 2, 3}, {4, 3, 4, 3, 3}, {3, 2, 4, 2, 2}},
	{{4, 3, 4, 3, 3}, {4, 4, 4, 3, 3}, {3, 3, 4, 2, 3}},
	{{4, 4, 4, 3, 4}, {4, 4, 5, 3, 3}, {4, 3, 4, 3, 3}},
	{{4, 4, 5, 4, 4}, {5, 4, 4, 3, 4}, {4, 4, 4, 3, 3}},
	{{5, 4, 5, 4, 4}, {4, 4, 5, 4, 4}, {4, 4, 4, 3, 4}},
	{{5, 5, 5, 4, 4}, {5, 4, 5, 4, 5}, {4, 4, 5, 4, 4}},
}

var surveyComments = [6]string{
	"The weekly summary is late more often than not.",
	"",
	"Better: the Friday call now explains the numbers.",
	"",
	"They warned us early about the Göteborg list quality.",
	"Clear and on time. Keep proposing new segments.",
}

func addGovernance(ctx context.Context, db *store.DB, clk *Clock, ids *loaded) error {
	ws, err := db.Accounts.Workspace(ctx, ids.workspace)
	if err != nil {
		return err
	}
	loc := ws.Location()
	as := map[string]tandem.Principal{}
	for _, email := range []string{karin, johan, ingrid, anders, sofia, emma, oskar} {
		p, err := db.Accounts.Principal(ctx, ids.users[email], ids.workspace)
		if err != nil {
			return fmt.Errorf("principal of %s: %w", email, err)
		}
		as[email] = p
	}
	now := time.Now()
	if clk != nil {
		now = clk.Base()
		defer clk.Reset()
	}
	at := func(t time.Time) {
		if clk != nil {
			clk.Set(t)
		}
	}
	// Pulse surveys on the sales engagement: six complete months, then this one.
	sales := ids.engagements[salesTitle]
	month := kpi.PeriodOf(kpi.Month, now, loc)
	respondents := []string{karin, johan, ingrid}
	for i := 0; i < 6 && clk != nil; i++ {
		per := month
		for j := 0; j < 6-i; j++ {
			per = per.Prev()
		}
		at(per.Start.AddDate(0, 0, 19).Add(10 * time.Hour))
		r, err := db.Surveys().Send(ctx, as[johan], sales)
		if err != nil {
			return fmt.Errorf("survey of %s: %w", per, err)
		}
		for k, email := range respondents {
			at(per.Start.AddDate(0, 0, 20+k).Add(11 * time.Hour))
			a := survey.Answer{Scores: map[string]int{}}
			for q, key := range survey.Questions {
				a.Scores[key] = surveyScores[i][k][q]
			}
			if k == 0 {
				a.Comment = surveyComments[i]
			}
			if err := db.Surveys().Answer(ctx, as[email], r.ID, a); err != nil {
				return err
			}
		}
	}
	// This month's round: sent two hours ago (or as the month began), two answers so far.
	sentAt := maxTime(month.Start.Add(time.Minute), now.Add(-2*time.Hour))
	at(sentAt)
	r, err := db.Surveys().Send(ctx, as[johan], sales)
	if err != nil {
		return err
	}
	at(sentAt.Add(now.Sub(sentAt) / 2))
	for _, email := range []string{karin, johan} {
		a := survey.Answer{Scores: map[string]int{survey.QClarity: 5, survey.QFeedback: 4, survey.QLanguage: 5, survey.QRisks: 4, survey.QIdeas: 4}}
		if err := db.Surveys().Answer(ctx, as[email], r.ID, a); err != nil {
			return err
		}
	}

	// The CFO engagement's knowledge base.
	cfo := ids.engagements[cfoTitle]
	kb := db.Knowledge()
	day := func(daysAgo int, hour int) time.Time {
		t := now.In(loc).AddDate(0, 0, -daysAgo)
		return time.Date(t.Year(), t.Month(), t.Day(), hour, 0, 0, 0, loc)
	}
	at(day(40, 9))
	closePage := &knowledge.Page{EngagementID: cfo, Area: "Monthly close", Title: "Closing the month in five days",
		Body: "## Steps\n\n1. Day 1: bank reconciliation and supplier invoices booked.\n2. Day 2: accruals for freight and commissions.\n" +
			"3. Day 3: inventory count of raw timber and finished goods.\n4. Day 4: management report draft.\n5. Day 5: review with the CEO.\n",
		OwnerID: as[sofia].UserID}
	if err := kb.Save(ctx, as[sofia], closePage); err != nil {
		return err
	}
	at(day(12, 14))
	closePage.Body += "\nInventory valuation uses **weighted average cost**; see the [Skatteverket guidance](https://www.skatteverket.se/).\n"
	closePage.OwnerID = as[karin].UserID
	closePage.ReviewOn = tandem.Date{}
	if err := kb.Save(ctx, as[karin], closePage); err != nil {
		return err
	}
	if err := kb.NameRunner(ctx, as[karin], cfo, "Monthly close", as[johan].UserID, false); err != nil {
		return err
	}
	// Without the demo clock everything happens now, when a review date in
	// the past would be refused: the page then takes the default one.
	cashReview, cashReviewed := tandem.DateOf(day(10, 12)), tandem.DateOf(day(8, 12))
	if clk == nil {
		cashReview, cashReviewed = tandem.Date{}, tandem.Date{}
	}
	at(day(45, 10))
	cash := &knowledge.Page{EngagementID: cfo, Area: "Cash-flow forecast", Title: "The 13-week cash-flow forecast",
		Body: "- Opening cash from the bank every Monday.\n- Inflows from the order book by expected delivery week.\n" +
			"- Outflows: suppliers by terms, payroll on the 25th, VAT on the 12th.\n- Covenant headroom at the bottom.\n",
		OwnerID: as[anders].UserID, ReviewOn: cashReview}
	if err := kb.Save(ctx, as[anders], cash); err != nil {
		return err
	}
	at(day(30, 15))
	if err := kb.Review(ctx, as[johan], cash.ID, cashReviewed); err != nil {
		return err
	}
	at(day(20, 9))
	wsPage := &knowledge.Page{Area: "Supplier payments", Title: "Paying suppliers",
		Body: "Payments run on Tuesdays and Fridays. Two people approve anything above SEK 50 000.\n\n" +
			"| Amount | Approved by |\n| :-- | :-- |\n| up to SEK 50 000 | the budget holder |\n" +
			"| SEK 50 000 – 250 000 | the budget holder and the CFO |\n| above SEK 250 000 | the CFO and the CEO |\n\n" +
			"> Never change a supplier's bank account on the strength of an e-mail: call the number on file first.\n"}
	if err := kb.Save(ctx, as[karin], wsPage); err != nil {
		return err
	}
	at(day(18, 9))
	if err := kb.Review(ctx, as[johan], wsPage.ID, tandem.Date{}); err != nil {
		return err
	}

	// The support desk's responsible people; Emma hands over to Oskar.
	support := ids.engagements[supportTitle]
	hs := db.Handovers()
	at(day(60, 9))
	if _, err := hs.SetResponsible(ctx, as[karin], support, tandem.SideClient, as[johan].UserID); err != nil {
		return err
	}
	if _, err := hs.SetResponsible(ctx, as[emma], support, tandem.SidePartner, as[emma].UserID); err != nil {
		return err
	}
	at(day(3, 10))
	h, err := hs.SetResponsible(ctx, as[emma], support, tandem.SidePartner, as[oskar].UserID)
	if err != nil {
		return err
	}
	for i, who := range []string{emma, emma} {
		at(day(2-i, 11))
		if _, err := hs.Tick(ctx, as[who], support, h.ID, h.Steps[i].ID); err != nil {
			return err
		}
	}
	return nil
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
