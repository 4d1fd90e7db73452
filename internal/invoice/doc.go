// Package invoice computes an engagement's invoice for one invoicing period
// from the terms in force and the period's accepted inputs: every line,
// exactly, with the terms version and clause it came from, the inputs
// behind it and its arithmetic. It is pure: the caller (the store) loads
// the period's inputs — accepted results, approved time, SLA breaches,
// late-notice penalties, the weighted KPI score — and hands them to
// Compute; nothing here reads a database or a clock.
//
// # The period and the terms in force
//
// A period is a month or a quarter in the workspace's time zone (a
// kpi.Period); its days are the local calendar days from its first to its
// last. Every input carries its local day ("YYYY-MM-DD", see DayOf). The
// terms in force on a day are the version with the latest EffectiveFrom on
// or before that day (of two versions effective the same day, the higher
// number). An amendment may take effect mid-period: the period is then
// split into the days each version was in force.
//
// # The lines, in order
//
//  1. Fixed fee (price.components.N of kind fixed): each version's fee ×
//     the days it was in force ÷ the days of the period, one line per
//     version and component. With an amendment on day 15 of a 30-day month,
//     the fee is fee₁ × 14/30 + fee₂ × 16/30.
//  2. Per result (kind per_result): one line per version and component,
//     count × unit price, from the accepted results of the component's
//     unit on the days that version was in force. A component may name a
//     service (price.components.N.service): a result of a service is
//     priced by the components of its unit naming that service or, when
//     none does, by those naming none. A clawback (a won deal reversed) is
//     a separate negative line: −count × unit price, at the price of the
//     version in force on the day of the clawback.
//  3. Time (kind time): approved time entries on the version's days, minutes
//     ÷ 60 × the hourly rate, or minutes ÷ 480 × the day rate (a day is 8
//     hours). A time entry is priced by the first time component of its
//     version naming its service or, when none does, the first naming
//     none; never by two.
//  4. Revenue share (kind revenue_share): share (basis points) × the
//     accepted won revenue of the version's days; the revenue of reversed
//     deals (negative) makes a separate negative line.
//  5. Floor and cap (price.floor_minor, price.cap_minor), per period: the
//     fee so far (lines 1–4) is compared with the floor and the cap, each
//     prorated over the versions by days like the fixed fee (a version
//     without a floor counts 0; there is a cap only if every version in
//     force has one). Below the floor, a true-up line adds the difference;
//     above the cap, a reduction line takes it off. Never silent. The
//     period's fee is lines 1–5.
//  6. SLA credits (penalties.sla_credit_bp): each breach credits the basis
//     points of its day's version × the period's fee (never below zero),
//     one negative line per version. When the credits exceed the cap
//     (penalties.sla_credit_cap_bp of the version in force on the period's
//     last day, × the period's fee; 0 = no cap), a separate line adds the
//     excess back, so the credit is visibly capped.
//  7. Late-notice penalties: one negative line per penalty fact, its amount
//     as recorded (notices.N.penalty_minor of the duty of its category).
//  8. Bonus or malus (penalties.bonus_malus.N of the version in force on the
//     period's last day): the band with the highest min_score at most the
//     period's weighted KPI score (hundredths: a score of 85.00 reaches a
//     band of 85) adjusts the period's fee by its basis points. No score,
//     no band or a zero adjustment: no line.
//  9. VAT at the partner's rate (basis points) on the sum of the taxable
//     lines: every line except late-notice penalties, which compensate a
//     breach and are not a price for a supply. Always one line, 0 % too.
//
// Inputs no clause prices (a result whose unit has no per_result component
// in its version, time without a time component, a breach without a credit
// rate, anything on a day no terms were in force) are listed in
// Invoice.Unpriced with the reason, never dropped silently.
//
// # Money and rounding
//
// Amounts are integer minor units of the terms' currency; no float is
// used. All versions in force during the period must have the same
// currency (one currency per invoice), otherwise Compute fails.
// Every amount is computed as an exact rational and rounded once, per
// line, half up with ties away from zero (2.5 → 3, −2.5 → −3;
// money.RoundRatio). Count × unit price needs no rounding.
//
// One split must add up: the fixed fee across versions. The period's whole
// fixed fee (the exact sum of the prorated parts) is rounded once; each part
// is rounded on its own, and the last fixed line (the latest version's)
// absorbs the difference, so that an unchanged fee of 100.00 split 10/30,
// 10/30, 10/30 is 33.33 + 33.33 + 33.34. Its explanation shows the step.
//
// The invoice's net is the sum of the lines before VAT, the VAT line is
// rounded once, and the total is net + VAT: the sum of the lines, to the
// minor unit.
//
// # Payment schedule
//
// Schedule splits an issued invoice's total into the payments of the
// terms: a prepayment (price.prepayment_bp of the total, rounded once half
// up, due on the period's first day) and the rest in price.instalments
// equal payments, the first due price.days_to_pay days after issue and
// each next one a calendar month later; each is rounded down and the last
// absorbs the remainder, so the payments add up to the total exactly.
//
// # Explanations
//
// Every Line carries its kind, a description key and arguments (catalogue
// invoice.json: the web translates them), its quantity, unit amount, rate
// and base, its amount, the terms version number and clause path
// ("price.components.1"), the references of the inputs behind it (fact ids,
// time entry ids), the lines it is computed from, and the arithmetic as
// steps like kpi.Explanation: a label key, the expression with the numbers
// substituted, the result. An expression holds numbers and operators only
// (a dot as the decimal mark, no grouping, "−" for minus; a rounding step's
// expression is the exact value, its label says how it is rounded), so
// that i18n.Localizer.Expr shows it in the reader's number format; words
// belong in the label. Rules lists the catalogue keys of the rules
// above, for the page that shows an invoice.
//
// # Drafts and where the inputs come from
//
// The store keeps one invoice per engagement and period (Status, see
// workflow.go). AddFact says which recorded fact is which input
// (FactKinds): a lead or meeting accepted, a won deal accepted (its
// revenue) or reversed (a clawback), a deliverable accepted (of its
// service), a request resolved (resolved_ticket), a response or resolution
// breach, a late-notice penalty. A draft is recomputed in memory whenever
// it is read, and stored again (and audited) by the scheduled job and the
// workflow's actions only when its lines changed, so a late-accepted result
// moves it; an issued invoice never moves. An engagement whose terms are still a draft is not invoiced
// (Invoiced). EndedIn picks the period that ended in a scheduler slot.
// VATBP is the partner's VAT rate (partners.vat_bp; 0 until one is set).
//
// A reader that wants only totals and counts — the worth of a month, the
// portfolio, the store's estimates of many engagements — gives a day's
// aggregate instead of its facts (AddDay: a Result or Breach with a Count,
// a day's penalties summed): the same lines and amounts, Refs naming days
// (TestRandomInvoicesByDay). Results of a service are given fact by fact
// where the terms price them by service (ByService).
//
// # The workflow
//
// Disputes, withholding and its release, approval, issue with a number,
// payment and credit notes are in workflow.go; their decisions reach
// Compute as Input.Adjustments, lines of their own before VAT. The
// corrections of an issued invoice — a credit note of chosen lines and a
// supplementary invoice for what the period gained after issue, each its
// own document referring to the invoice — are in corrections.go.
package invoice
