// Package kpi is the arithmetic of Tandem's KPI engine: periods in a
// workspace's time zone, exact scores, weighted totals, standings and the
// overall score, formula metrics, and a mergeable quantile sketch for lead
// times. It is pure computation — no storage, no HTTP — over
// contract.KPI terms and actual values the caller has gathered.
//
// Exactness: actual values are rationals (Value), KPI terms fixed point
// (contract.KPI.Scale). Every figure is computed exactly and rounded once,
// for display: a score is ScoreExact rounded to hundredths of a point; a
// total is computed from the exact scores (TotalExact), the overall score
// from the exact totals — never from figures already rounded — and each is
// rounded once. Shown scores, totals and band limits are integers in
// hundredths of a point (0..10000); statuses and standings are read from
// the shown figure. The lateness spread σ is the square root of an exact
// rational, kept to SqrtDigits decimals by integer square roots, which
// rounds, compares and scores exactly as the root itself (see Sqrt). No
// float enters a stored value or a score; the sketch uses none either,
// except to turn Quantile's q into a rank.
//
// Half up means a tie goes away from zero (RoundHalfUp): 2.5 → 3, 70.305 →
// 70.31, and −1.5 → −2, as for money. Scores, totals and the overall score
// are never negative; an actual value or a formula's result may be.
//
// Which terms score a period: those in force on its last day (TermsFor),
// so an amendment effective mid-period scores the whole period as amended;
// a period that ends before the first terms take effect (the engagement's
// start) has no terms and no KPIs and is not scored. A manual value counts
// for its own period kind (ValueCountsFor): a weekly value for its week, a
// monthly value for its month and its quarter, a quarterly value for its
// quarter.
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
