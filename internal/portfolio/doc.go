// Package portfolio holds the read models of performance that the pages and
// the JSON API both show, so that they cannot disagree: an engagement's
// scorecards over time with the overall score (Trend), and the portfolio of
// every engagement with its standing, trend and what needs attention
// (Portfolio).
//
// The package reads through the store's public methods and assembles; the
// arithmetic stays in kpi (kpi.Overall, the scorecard's total and standing)
// and the decisions of what needs attention are the small pure functions
// of attention.go. Handlers in web call Read or ReadTrend and only
// translate the result into a page or JSON.
package portfolio
