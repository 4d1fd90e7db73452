package worth

import (
	"testing"

	"github.com/tandemhq/tandem/internal/tandem"
)

func TestCostPerAndROI(t *testing.T) {
	t.Parallel()
	// 10 000,00 ÷ 3 leads = 3 333,333… → 3 333,33.
	if v, ok := CostPer(1_000_000, 3); !ok || v != 333_333 {
		t.Errorf("10 000,00 / 3 = %d %v", v, ok)
	}
	// 0,01 ÷ 2 = 0,005 → 0,01 (half away from zero, rounded once).
	if v, ok := CostPer(1, 2); !ok || v != 1 {
		t.Errorf("0,01 / 2 = %d %v", v, ok)
	}
	if _, ok := CostPer(1_000_000, 0); ok {
		t.Error("a cost per result without results")
	}
	// Revenue 150 000,00 on a cost of 100 000,00: (150 000 − 100 000) ÷
	// 100 000 = 50 %.
	if n, d, ok := ROI(15_000_000, 10_000_000, true); !ok || n != 5_000_000 || d != 10_000_000 {
		t.Errorf("ROI %d/%d %v", n, d, ok)
	}
	// Revenue 0 recorded (a deal won and reversed): −100 %.
	if n, d, ok := ROI(0, 10_000_000, true); !ok || n != -10_000_000 || d != 10_000_000 {
		t.Errorf("ROI without net revenue %d/%d %v", n, d, ok)
	}
	if _, _, ok := ROI(15_000_000, 0, true); ok {
		t.Error("ROI without cost")
	}
	if _, _, ok := ROI(0, 10_000_000, false); ok {
		t.Error("ROI without recorded revenue")
	}
	if Variance(1_000_000, 1_250_000) != 250_000 || Variance(1_000_000, 900_000) != -100_000 {
		t.Error("variance is actual − budget")
	}
}

func TestInHouseCost(t *testing.T) {
	t.Parallel()
	se, ok := Preset(Sweden)
	if !ok || se.Currency != "SEK" {
		t.Fatal("the Swedish preset")
	}
	se.People = 2
	// Two people in Sweden for 6 months, by hand:
	//	pay   6 × 2 × 45 000,00 × 1,3592         733 968,00
	//	office 6 × 2 × 6 000,00                   72 000,00
	//	management 6 × 8 000,00                   48 000,00
	//	hiring 2 × 60 000,00                     120 000,00
	//	leavers 2 × 15 % × 6/12 × 60 000,00        9 000,00
	//	total                                    982 968,00
	if got := se.Cost(6); got != 98_296_800 {
		t.Errorf("Sweden, 2 people, 6 months: %d, want 98 296 800", got)
	}
	if se.Cost(0) != 0 {
		t.Error("no months cost nothing")
	}
	// One person at 0,01 a month with 50 % contributions for a month:
	// 0,015 → 0,02, rounded once at the end.
	tiny := InHouse{Country: Estonia, Currency: "EUR", People: 1, SalaryMinor: 1, EmployerBP: 5000}
	if got := tiny.Cost(1); got != 2 {
		t.Errorf("0,01 × 1,5 = %d, want 2", got)
	}
	// Three times the same half minor: 3 × 0,015 = 0,045 → 0,05, not
	// 3 × 0,02.
	if got := tiny.Cost(3); got != 5 {
		t.Errorf("3 × 0,01 × 1,5 = %d, want 5", got)
	}
	// Estonia, 1 person, 12 months, by hand:
	//	pay 12 × 2 300,00 × 1,338        36 928,80
	//	office 12 × 500,00                6 000,00
	//	management 12 × 700,00            8 400,00
	//	hiring 4 000,00                   4 000,00
	//	leavers 18 % × 12/12 × 4 000,00     720,00
	//	total                            56 048,80
	ee, _ := Preset(Estonia)
	if got := ee.Cost(12); got != 5_604_880 {
		t.Errorf("Estonia, 12 months: %d, want 5 604 880", got)
	}
	ru, _ := Preset(Russia)
	if ru.Currency != "RUB" || ru.Validate() != nil || se.Validate() != nil || ee.Validate() != nil {
		t.Error("the presets are valid")
	}
	if _, ok := Preset("FI"); ok {
		t.Error("a preset for Finland")
	}
	bad := InHouse{Country: "FI", Currency: "XXX", People: 0, SalaryMinor: -1, EmployerBP: MaxBP + 1}
	got := map[string]bool{}
	for _, f := range tandem.FieldErrors(bad.Validate()) {
		got[f.Field] = true
	}
	for _, f := range []string{"country", "currency", "people", "salary_minor", "employer_bp"} {
		if !got[f] {
			t.Errorf("no error on %s: %v", f, got)
		}
	}
}

func TestCompare(t *testing.T) {
	t.Parallel()
	se, _ := Preset(Sweden)
	se.People = 2
	months := []Month{
		{Label: "2026-10"}, // no actual: not counted
		{Label: "2026-11", HasActual: true, Currency: "SEK", ActualMinor: 5_650_000},
		{Label: "2026-12", HasActual: true, Currency: "SEK", ActualMinor: 4_500_000},
	}
	// Two months: 407 656,00 in house (see the store's test) against
	// 56 500,00 + 45 000,00 = 101 500,00 outsourced; 306 156,00 saved.
	c, ok := Compare(months, &se)
	if !ok || c.Months != 2 || c.OutsourcedMinor != 10_150_000 || c.InHouseMinor != 40_765_600 || c.SavingMinor() != 30_615_600 {
		t.Errorf("compare %+v %v", c, ok)
	}
	ee, _ := Preset(Estonia)
	if _, ok := Compare(months, &ee); ok {
		t.Error("SEK months compared with a EUR calculator")
	}
}

func TestSummarize(t *testing.T) {
	t.Parallel()
	// Two months in SEK and one in EUR (left out), by hand:
	//	spend 56 500,00 + 45 000,00 = 101 500,00
	//	leads 3 + 4 = 7 (the main unit; 1 deal), per lead 101 500,00 ÷ 7 = 14 500,00
	//	revenue 100 000,00 → return (100 000 − 101 500) ÷ 101 500 = −1 500 / 101 500
	months := []Month{
		{Label: "2026-10", HasActual: true, Currency: "SEK", ActualMinor: 5_650_000, HasRevenue: true, RevenueMinor: 10_000_000,
			Results: map[string]int64{"qualified_lead": 3, "deal": 1}},
		{Label: "2026-11", HasActual: true, Currency: "EUR", ActualMinor: 100, Results: map[string]int64{"meeting": 50}},
		{Label: "2026-12", HasActual: true, Currency: "SEK", ActualMinor: 4_500_000, Results: map[string]int64{"qualified_lead": 4}},
		{Label: "2027-01"},
	}
	s := Summarize(months)
	if s.Currency != "SEK" || s.Months != 2 || s.SpendMinor != 10_150_000 || s.Unit != "qualified_lead" || s.Results != 7 ||
		!s.HasCostPer || s.CostPerMinor != 1_450_000 {
		t.Errorf("summary %+v", s)
	}
	if n, d, ok := s.ROI(); !ok || n != -150_000 || d != 10_150_000 {
		t.Errorf("return %d/%d %v", n, d, ok)
	}
	if e := Summarize(nil); e.HasCostPer || e.HasRevenue || e.SpendMinor != 0 {
		t.Errorf("nothing: %+v", e)
	}
}
