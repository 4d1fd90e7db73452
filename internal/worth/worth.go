// Package worth answers "is it worth it?" for an engagement: its budget
// against what it actually costs month by month, what each result costs,
// the return on the money where revenue is recorded, and what doing the
// same work in house would cost over the same months.
//
// All arithmetic is exact: money in integer minor units of one currency,
// ratios as integer numerators and denominators, rounded once where a
// person reads them (half away from zero). A figure that is undefined —
// a cost per result without results, a return without cost or without
// recorded revenue — is absent (ok false), shown as "—", never 0.
//
// # In-house presets (2026, per person and month unless said otherwise)
//
// The presets are starting points a user edits; each number is an
// assumption written down here with its source:
//
//   - Sweden (SEK): gross salary 45 000 kr (a experienced sales or
//     operations specialist; SCB's 2024 average was about 40 000 kr, plus
//     two years of ~3.5 % raises); employer contributions 35.92 %
//     (arbetsgivaravgifter 31.42 % + ITP1 occupational pension ~4.5 %);
//     office and equipment 6 000 kr (a desk in a Stockholm office plus a
//     laptop written off over three years); hiring and training 60 000 kr
//     per hire (recruiter fee or in-house time plus two months of ramp-up
//     at part productivity); turnover 15 % a year; management time
//     8 000 kr a month (a tenth of a manager's total cost).
//   - Russia (RUB): gross salary 120 000 ₽ (a Moscow specialist; Rosstat's
//     2025 Moscow average was about 140 000 ₽ across all jobs); employer
//     insurance contributions 30 % (the general rate up to the yearly
//     base; 15.1 % above it is ignored); office and equipment 25 000 ₽;
//     hiring and training 150 000 ₽ per hire; turnover 25 % a year;
//     management time 30 000 ₽ a month.
//   - Estonia (EUR): gross salary 2 300 € (Statistics Estonia's 2025
//     average was about 2 100 €); employer social tax 33 % plus
//     unemployment insurance 0.8 % = 33.8 %; office and equipment 500 €;
//     hiring and training 4 000 € per hire; turnover 18 % a year;
//     management time 700 € a month.
package worth

import (
	"math/big"
	"time"

	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/money"
	"github.com/tandemhq/tandem/internal/tandem"
)

// Variance is actual − budget: positive over budget, negative under.
func Variance(budgetMinor, actualMinor int64) int64 { return actualMinor - budgetMinor }

// CostPer is the cost of one result, costMinor ÷ results rounded once to
// the minor unit; ok is false without results.
func CostPer(costMinor, results int64) (int64, bool) {
	if results <= 0 {
		return 0, false
	}
	return money.RoundRatio(big.NewInt(costMinor), big.NewInt(results)).Int64(), true
}

// ROI is the return on the cost, (revenue − cost) ÷ cost, as an exact
// ratio num/den for a reader to round once (i18n Localizer.Percent); ok
// is false without cost or without recorded revenue.
func ROI(revenueMinor, costMinor int64, hasRevenue bool) (num, den int64, ok bool) {
	if costMinor <= 0 || !hasRevenue {
		return 0, 0, false
	}
	return revenueMinor - costMinor, costMinor, true
}

// Result units counted for the cost per result (the invoice's units).
var Units = []string{"qualified_lead", "meeting", "deal", "accepted_deliverable", "resolved_ticket"}

// Month is one month of an engagement as the worth page reads it.
type Month struct {
	Label        string // "2026-11"
	Currency     string
	HasBudget    bool
	BudgetMinor  int64
	HasActual    bool  // the month's invoice could be computed
	ActualMinor  int64 // the month's invoice total
	Results      map[string]int64
	HasRevenue   bool // a won deal was accepted (or reversed) in the month
	RevenueMinor int64
}

// Country presets of the in-house calculator.
const (
	Sweden  = "SE"
	Russia  = "RU"
	Estonia = "EE"
)

// Countries are the countries with a preset, in the order offered.
var Countries = []string{Sweden, Russia, Estonia}

// InHouse is the in-house alternative: People doing the work full time,
// each at SalaryMinor a month gross plus EmployerBP of it in employer
// taxes and contributions, OfficeMinor a month for office and equipment;
// HiringMinor to hire and train each person, once at the start and again
// for each leaver (TurnoverBP of the staff a year); ManagementMinor a
// month of a manager's time.
type InHouse struct {
	Country         string
	Currency        string
	People          int64
	SalaryMinor     int64
	EmployerBP      int64
	OfficeMinor     int64
	HiringMinor     int64
	TurnoverBP      int64
	ManagementMinor int64
}

// Preset returns the preset of country (see the package doc); ok is false
// for a country without one.
func Preset(country string) (InHouse, bool) {
	switch country {
	case Sweden:
		return InHouse{Country: Sweden, Currency: "SEK", People: 1, SalaryMinor: 4_500_000, EmployerBP: 3592, OfficeMinor: 600_000,
			HiringMinor: 6_000_000, TurnoverBP: 1500, ManagementMinor: 800_000}, true
	case Russia:
		return InHouse{Country: Russia, Currency: "RUB", People: 1, SalaryMinor: 12_000_000, EmployerBP: 3000, OfficeMinor: 2_500_000,
			HiringMinor: 15_000_000, TurnoverBP: 2500, ManagementMinor: 3_000_000}, true
	case Estonia:
		return InHouse{Country: Estonia, Currency: "EUR", People: 1, SalaryMinor: 230_000, EmployerBP: 3380, OfficeMinor: 50_000,
			HiringMinor: 400_000, TurnoverBP: 1800, ManagementMinor: 70_000}, true
	}
	return InHouse{}, false
}

// Limits of the calculator's inputs.
const (
	MaxPeople = 1000
	MaxMinor  = 1_000_000_000_00 // a billion in major units
	MaxBP     = 100_000          // 1 000 %
)

// Validate checks the inputs: a known country and currency, 1 to
// MaxPeople people, amounts from 0 to MaxMinor, rates from 0 to MaxBP.
// Errors: EInvalid with the field names of the JSON API.
func (c *InHouse) Validate() error {
	var v tandem.Validator
	v.OneOf("country", c.Country, Countries...)
	v.Check(money.ValidCurrency(c.Currency), "currency", i18n.K("validation.one_of"))
	v.Check(c.People >= 1 && c.People <= MaxPeople, "people", i18n.K("worth.bad_people"), "max", int64(MaxPeople))
	for _, f := range []struct {
		name string
		n    int64
	}{{"salary_minor", c.SalaryMinor}, {"office_minor", c.OfficeMinor}, {"hiring_minor", c.HiringMinor}, {"management_minor", c.ManagementMinor}} {
		v.Check(f.n >= 0 && f.n <= MaxMinor, f.name, i18n.K("worth.bad_amount"))
	}
	for _, f := range []struct {
		name string
		n    int64
	}{{"employer_bp", c.EmployerBP}, {"turnover_bp", c.TurnoverBP}} {
		v.Check(f.n >= 0 && f.n <= MaxBP, f.name, i18n.K("worth.bad_rate"))
	}
	return v.Err()
}

// Cost is what the in-house alternative costs over months months, exact
// and rounded once to the minor unit:
//
//	months × people × salary × (1 + employer)          pay and contributions
//	+ months × people × office + months × management   office, management
//	+ people × hiring                                   hiring the team
//	+ people × turnover/year × months/12 × hiring       replacing leavers
func (c *InHouse) Cost(months int64) int64 {
	if months <= 0 {
		return 0
	}
	b := func(n int64) *big.Int { return big.NewInt(n) }
	mul := func(xs ...int64) *big.Int {
		r := b(1)
		for _, x := range xs {
			r.Mul(r, b(x))
		}
		return r
	}
	const den = 10_000 * 12
	num := mul(months, c.People, c.SalaryMinor, 10_000+c.EmployerBP, 12)
	num.Add(num, mul(months*c.People*c.OfficeMinor+months*c.ManagementMinor+c.People*c.HiringMinor, den))
	num.Add(num, mul(c.People, c.TurnoverBP, months, c.HiringMinor))
	return money.RoundRatio(num, b(den)).Int64()
}

// ValidateBudget checks a month's budget: a month label ("2026-11") and
// an amount from 0 to MaxMinor. Errors: EInvalid on "month", "amount".
func ValidateBudget(month string, amountMinor int64) error {
	var v tandem.Validator
	v.Check(ValidMonth(month), "month", i18n.K("worth.bad_month"))
	v.Check(amountMinor >= 0 && amountMinor <= MaxMinor, "amount", i18n.K("worth.bad_amount"))
	return v.Err()
}

// ValidMonth reports whether s is a month label "2006-01".
func ValidMonth(s string) bool {
	_, err := time.Parse("2006-01", s)
	return err == nil && len(s) == 7
}

// Count adds n results of unit to m (clawbacks take them away).
func (m *Month) Count(unit string, n int64, clawback bool) {
	if m.Results == nil {
		m.Results = map[string]int64{}
	}
	if clawback {
		m.Results[unit] -= n
	} else {
		m.Results[unit] += n
	}
}

// Comparison is the in-house alternative against the outsourced actual
// over the same months.
type Comparison struct {
	Months          int64 // months with an actual cost in the calculator's currency
	Currency        string
	OutsourcedMinor int64 // the sum of those months' actual costs
	InHouseMinor    int64 // the in-house cost over as many months
}

// SavingMinor is what outsourcing saves against in house (negative: it
// costs more).
func (c Comparison) SavingMinor() int64 { return c.InHouseMinor - c.OutsourcedMinor }

// Compare sets c against the months with an actual cost in c's currency;
// ok is false when there is none (no month, or another currency).
func Compare(months []Month, c *InHouse) (Comparison, bool) {
	out := Comparison{Currency: c.Currency}
	for _, m := range months {
		if m.HasActual && m.Currency == c.Currency {
			out.Months++
			out.OutsourcedMinor += m.ActualMinor
		}
	}
	if out.Months == 0 {
		return out, false
	}
	out.InHouseMinor = c.Cost(out.Months)
	return out, true
}

// Summary is what an engagement cost and brought over some months: the
// spend (the sum of the months' actual costs in Currency), the results
// of its main unit (the unit with the most results; ties by the order of
// Units) and the cost of one, and the revenue won.
type Summary struct {
	Currency     string
	SpendMinor   int64
	Months       int64 // months with an actual cost
	Unit         string
	Results      int64
	HasCostPer   bool
	CostPerMinor int64
	HasRevenue   bool
	RevenueMinor int64
}

// Summarize sums months (those with an actual cost in the first such
// month's currency; a month in another currency is left out).
func Summarize(months []Month) Summary {
	var s Summary
	counts := map[string]int64{}
	for _, m := range months {
		if !m.HasActual || (s.Currency != "" && m.Currency != s.Currency) {
			continue
		}
		s.Currency = m.Currency
		s.Months++
		s.SpendMinor += m.ActualMinor
		for u, n := range m.Results {
			counts[u] += n
		}
		if m.HasRevenue {
			s.HasRevenue, s.RevenueMinor = true, s.RevenueMinor+m.RevenueMinor
		}
	}
	for _, u := range Units {
		if counts[u] > s.Results {
			s.Unit, s.Results = u, counts[u]
		}
	}
	s.CostPerMinor, s.HasCostPer = CostPer(s.SpendMinor, s.Results)
	return s
}

// ROI is the summary's return, as ROI.
func (s Summary) ROI() (num, den int64, ok bool) {
	return ROI(s.RevenueMinor, s.SpendMinor, s.HasRevenue)
}
