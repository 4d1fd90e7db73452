// Package portfolio holds the read models of performance that the pages and
// the JSON API both show, so that they cannot disagree: an engagement's
// scorecards over time with the overall score (Trend), and the portfolio of
// every engagement with its standing, trend and what needs attention
// (Portfolio).
//
// The month in progress is judged by its pace (forecast.Judge): a count or
// a sum among its KPIs is scored on where it will land, so that two leads
// on the 4th of a month do not make an engagement "very poor" and "off
// track". The standing, the total, what is off track or at risk and the
// order by risk all read that judgement (Item.Current); the trend keeps
// every period as measured, and the scorecard page shows the month as
// measured with its forecast beside it.
//
// The package reads through the store's public methods and assembles; the
// arithmetic stays in kpi (kpi.Overall, the scorecard's total and standing)
// and the decisions of what needs attention are the small pure functions
// of attention.go. Handlers in web call Read or ReadTrend and only
// translate the result into a page or JSON.
package portfolio
