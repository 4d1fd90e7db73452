// Package kpi is the arithmetic of Tandem's KPI engine: periods in a
// workspace's time zone, exact scores, weighted totals, standings and the
// overall score, formula metrics, and a mergeable quantile sketch for lead
// times. It is pure computation — no storage, no HTTP — over
// contract.KPI terms and actual values the caller has gathered.
//
// Exactness: actual values are rationals (Value), KPI terms fixed point
// (contract.KPI.Scale). Scores, totals and band limits are integers in
// hundredths of a point (0..10000). Every result is computed exactly and
// rounded once, half up. No float enters a stored value or a score; the
// sketch uses none either, except to turn Quantile's q into a rank.
//
// The rules, with the defaults:
//
//   - Score: (actual − threshold) / (target − threshold) × 100, clamped to
//     0..100, for both directions (see Score).
//   - Status: on track from 70.00, at risk from 40.00, off track below
//     (DefaultStatusBands).
//   - Total: weighted mean of the KPIs that have data, weights
//     renormalised over them; no KPI with data means no total (Total).
//   - Standing: excellent from 80.00, good from 60.00, poor from 40.00,
//     very poor below (DefaultBands).
//   - Overall: the last 3 periods with data, weighted 1, 2, 3 from oldest
//     to newest, so the latest counts half (Overall, DefaultRecent).
//   - A KPI without facts in a period has no data: no score, NoData
//     status, left out of the total — never a made-up 0 or 100.
//
// Every figure comes with an Explanation (ExplainScore, ExplainTotal,
// ExplainOverall, Expr.Explain, Scorecard.Explanation): steps with a
// catalogue label, the computation with the numbers substituted, and the
// result.
package kpi
