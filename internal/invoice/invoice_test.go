package invoice

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/kpi"
)

// Amounts in these tests are öre (SEK minor units): 4500000 is 45 000.00 kr.

func june(t *testing.T) kpi.Period {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Stockholm")
	if err != nil {
		t.Fatal(err)
	}
	return kpi.PeriodOf(kpi.Month, time.Date(2026, 6, 10, 12, 0, 0, 0, loc), loc)
}

// version returns terms version n effective from eff with the price
// components given.
func version(n int, eff string, cs ...contract.PriceComponent) contract.Version {
	return contract.Version{Number: n, EffectiveFrom: eff, Terms: contract.Terms{
		Price: contract.Price{Currency: "SEK", Period: "month", Components: cs},
	}}
}

func fixed(amount int64) contract.PriceComponent {
	return contract.PriceComponent{Kind: "fixed", AmountMinor: amount}
}
func perResult(unit string, amount int64) contract.PriceComponent {
	return contract.PriceComponent{Kind: "per_result", Unit: unit, AmountMinor: amount}
}
func timeRate(unit string, amount int64) contract.PriceComponent {
	return contract.PriceComponent{Kind: "time", Unit: unit, AmountMinor: amount}
}
func share(bp int) contract.PriceComponent {
	return contract.PriceComponent{Kind: "revenue_share", ShareBP: bp}
}

func leads(n int, day string, prefix string) []Result {
	var rs []Result
	for i := range n {
		rs = append(rs, Result{Ref: fmt.Sprintf("%s%d", prefix, i+1), Unit: "qualified_lead", Day: day})
	}
	return rs
}

func compute(t *testing.T, in Input) *Invoice {
	t.Helper()
	inv, err := Compute(in)
	if err != nil {
		t.Fatal(err)
	}
	checkSums(t, inv)
	return inv
}

// checkSums checks that the lines add up to the totals to the minor unit.
func checkSums(t *testing.T, inv *Invoice) {
	t.Helper()
	var net, vat int64
	for _, l := range inv.Lines {
		if l.Kind == KindVAT {
			vat += l.AmountMinor
		} else {
			net += l.AmountMinor
		}
	}
	if net != inv.NetMinor || vat != inv.VATMinor || net+vat != inv.TotalMinor {
		t.Fatalf("lines sum to net %d + VAT %d, invoice says %d + %d = %d", net, vat, inv.NetMinor, inv.VATMinor, inv.TotalMinor)
	}
}

// want is a line as the tests expect it.
type want struct {
	kind    string
	amount  int64
	version int
	clause  string
	refs    int
}

func checkLines(t *testing.T, inv *Invoice, ws ...want) {
	t.Helper()
	if len(inv.Lines) != len(ws) {
		t.Fatalf("%d lines, want %d:\n%s", len(inv.Lines), len(ws), dump(inv))
	}
	for i, w := range ws {
		l := inv.Lines[i]
		if l.Kind != w.kind || l.AmountMinor != w.amount || l.Version != w.version || l.Clause != w.clause || len(l.Refs) != w.refs {
			t.Errorf("line %d = %s %d v%d %s %d refs, want %s %d v%d %s %d refs\n%s", i,
				l.Kind, l.AmountMinor, l.Version, l.Clause, len(l.Refs), w.kind, w.amount, w.version, w.clause, w.refs, dump(inv))
		}
	}
}

func dump(inv *Invoice) string {
	var b strings.Builder
	for i, l := range inv.Lines {
		fmt.Fprintf(&b, "  %d %s %d v%d %s refs=%v\n", i, l.Kind, l.AmountMinor, l.Version, l.Clause, l.Refs)
		for _, s := range l.Steps {
			fmt.Fprintf(&b, "      %s: %s\n", s.Label, s)
		}
	}
	return b.String()
}

func TestFixedFeeAlone(t *testing.T) {
	t.Parallel()
	// 45 000.00 kr a month, in force all June (30 of 30 days):
	// 4500000 × 30 / 30 = 4500000; VAT 25 % = 1125000; total 5625000.
	inv := compute(t, Input{Period: june(t), Versions: []contract.Version{version(1, "2026-01-01", fixed(4500000))}, VATBP: 2500})
	checkLines(t, inv,
		want{KindFixed, 4500000, 1, "price.components.0", 0},
		want{KindVAT, 1125000, 0, "", 0})
	if inv.TotalMinor != 5625000 || inv.Currency != "SEK" || inv.From != "2026-06-01" || inv.To != "2026-06-30" || inv.Days != 30 {
		t.Errorf("invoice %+v", inv)
	}
	if q := inv.Lines[0].Quantity; q.Num != 30 || q.Den != 30 {
		t.Errorf("quantity %+v, want 30/30", q)
	}
}

func TestPerResultAlone(t *testing.T) {
	t.Parallel()
	// 37 accepted qualified leads × 1 500.00 kr = 37 × 150000 = 5550000.
	// A meeting has no price in the terms: unpriced, not dropped.
	rs := append(leads(37, "2026-06-12", "lead-"), Result{Ref: "meet-1", Unit: "meeting", Day: "2026-06-13"})
	inv := compute(t, Input{Period: june(t), Versions: []contract.Version{version(1, "2026-05-01", perResult("qualified_lead", 150000))}, Results: rs})
	checkLines(t, inv,
		want{KindResult, 5550000, 1, "price.components.0", 37},
		want{KindVAT, 0, 0, "", 0})
	l := inv.Lines[0]
	if l.Quantity.Num != 37 || l.UnitMinor != 150000 || l.Refs[36] != "lead-37" {
		t.Errorf("line %+v", l)
	}
	if got := l.Steps[0].String(); got != "37 × 1500.00 = 55500.00" {
		t.Errorf("step %q", got)
	}
	if len(inv.Unpriced) != 1 || inv.Unpriced[0].Ref != "meet-1" || inv.Unpriced[0].Reason != "invoice.unpriced.no_clause" {
		t.Errorf("unpriced %+v", inv.Unpriced)
	}
}

func TestTimeAlone(t *testing.T) {
	t.Parallel()
	// Hourly, 1 200.00 kr/h: 90 + 45 + 120 = 255 min; 255 / 60 × 120000 = 510000.
	inv := compute(t, Input{Period: june(t), Versions: []contract.Version{version(1, "2026-01-01", timeRate("hour", 120000))},
		Time: []TimeEntry{
			{Ref: "t1", Person: "anna", Day: "2026-06-01", Minutes: 90, Service: "bookkeeping"},
			{Ref: "t2", Person: "anna", Day: "2026-06-02", Minutes: 45, Service: "bookkeeping"},
			{Ref: "t3", Person: "erik", Day: "2026-06-30", Minutes: 120, Service: "payroll"},
		}})
	checkLines(t, inv, want{KindTime, 510000, 1, "price.components.0", 3}, want{KindVAT, 0, 0, "", 0})
	if q := inv.Lines[0].Quantity; q.Num != 255 || q.Den != 60 {
		t.Errorf("quantity %+v", q)
	}

	// 7 minutes at 1 000.00 kr/h: 7 / 60 × 100000 = 11666.67 öre exactly
	// 11666.666…, rounded once half up to 11667 öre.
	inv = compute(t, Input{Period: june(t), Versions: []contract.Version{version(1, "2026-01-01", timeRate("hour", 100000))},
		Time: []TimeEntry{{Ref: "t1", Day: "2026-06-03", Minutes: 7}}})
	checkLines(t, inv, want{KindTime, 11667, 1, "price.components.0", 1}, want{KindVAT, 0, 0, "", 0})
	if s := inv.Lines[0].Steps; len(s) != 2 || s[1].Label != "invoice.explain.rounded" || s[1].Result != "116.67" {
		t.Errorf("steps %v", s)
	}

	// Day rate 8 000.00 kr: 480 + 240 = 720 min = 1.5 days × 800000 = 1200000.
	inv = compute(t, Input{Period: june(t), Versions: []contract.Version{version(1, "2026-01-01", timeRate("day", 800000))},
		Time: []TimeEntry{{Ref: "t1", Day: "2026-06-03", Minutes: 480}, {Ref: "t2", Day: "2026-06-04", Minutes: 240}}})
	checkLines(t, inv, want{KindTime, 1200000, 1, "price.components.0", 2}, want{KindVAT, 0, 0, "", 0})
}

func TestRevenueShareAlone(t *testing.T) {
	t.Parallel()
	// 10 % of 25 000.00 + 12 345.67 kr = 10 % × 3734567 = 373456.7 → 373457.
	inv := compute(t, Input{Period: june(t), Versions: []contract.Version{version(1, "2026-01-01", share(1000))},
		Results: []Result{
			{Ref: "d1", Unit: "deal", Day: "2026-06-04", RevenueMinor: 2500000},
			{Ref: "d2", Unit: "deal", Day: "2026-06-24", RevenueMinor: 1234567},
		}})
	checkLines(t, inv, want{KindRevenueShare, 373457, 1, "price.components.0", 2}, want{KindVAT, 0, 0, "", 0})
	if l := inv.Lines[0]; l.BaseMinor != 3734567 || l.RateBP != 1000 {
		t.Errorf("line %+v", l)
	}
	if len(inv.Unpriced) != 0 {
		t.Errorf("unpriced %v: a deal is priced by the revenue share", inv.Unpriced)
	}
}

func TestComponentsCombined(t *testing.T) {
	t.Parallel()
	// fixed 10 000.00 = 1000000
	// 3 leads × 500.00 = 150000
	// 60 min at 1 000.00/h = 100000
	// 5 % of a 20 000.00 deal = 100000
	// net 1350000; VAT 25 % = 337500; total 1687500.
	v := version(1, "2026-01-01", fixed(1000000), perResult("qualified_lead", 50000), timeRate("hour", 100000), share(500))
	rs := append(leads(3, "2026-06-02", "l"), Result{Ref: "d1", Unit: "deal", Day: "2026-06-03", RevenueMinor: 2000000})
	inv := compute(t, Input{Period: june(t), Versions: []contract.Version{v}, Results: rs,
		Time: []TimeEntry{{Ref: "t1", Day: "2026-06-05", Minutes: 60}}, VATBP: 2500})
	checkLines(t, inv,
		want{KindFixed, 1000000, 1, "price.components.0", 0},
		want{KindResult, 150000, 1, "price.components.1", 3},
		want{KindTime, 100000, 1, "price.components.2", 1},
		want{KindRevenueShare, 100000, 1, "price.components.3", 1},
		want{KindVAT, 337500, 0, "", 0})
	if inv.NetMinor != 1350000 || inv.VATMinor != 337500 || inv.TotalMinor != 1687500 {
		t.Errorf("totals %d %d %d", inv.NetMinor, inv.VATMinor, inv.TotalMinor)
	}
	if got := inv.Lines[4].Basis; !slices.Equal(got, []int{0, 1, 2, 3}) {
		t.Errorf("VAT basis %v", got)
	}
}

func TestCapAndFloor(t *testing.T) {
	t.Parallel()
	// Cap 20 000.00: fixed 1000000 + 30 leads × 50000 = 2500000 > 2000000,
	// a reduction line 2000000 − 2500000 = −500000.
	v := version(1, "2026-01-01", fixed(1000000), perResult("qualified_lead", 50000))
	v.Terms.Price.CapMinor = 2000000
	inv := compute(t, Input{Period: june(t), Versions: []contract.Version{v}, Results: leads(30, "2026-06-09", "l")})
	checkLines(t, inv,
		want{KindFixed, 1000000, 1, "price.components.0", 0},
		want{KindResult, 1500000, 1, "price.components.1", 30},
		want{KindCap, -500000, 1, "price.cap_minor", 0},
		want{KindVAT, 0, 0, "", 0})
	if inv.NetMinor != 2000000 {
		t.Errorf("net %d, want the cap 2000000", inv.NetMinor)
	}

	// Floor 15 000.00: 10 leads × 50000 = 500000 < 1500000, a true-up line
	// 1500000 − 500000 = +1000000. The cap of 20 000.00 is not reached.
	v = version(1, "2026-01-01", perResult("qualified_lead", 50000))
	v.Terms.Price.FloorMinor, v.Terms.Price.CapMinor = 1500000, 2000000
	inv = compute(t, Input{Period: june(t), Versions: []contract.Version{v}, Results: leads(10, "2026-06-09", "l"), VATBP: 2500})
	checkLines(t, inv,
		want{KindResult, 500000, 1, "price.components.0", 10},
		want{KindFloor, 1000000, 1, "price.floor_minor", 0},
		want{KindVAT, 375000, 0, "", 0}) // 25 % × (500000 + 1000000)

	// Floor with nothing at all to bill: the whole floor is the true-up.
	inv = compute(t, Input{Period: june(t), Versions: []contract.Version{v}})
	checkLines(t, inv, want{KindFloor, 1500000, 1, "price.floor_minor", 0}, want{KindVAT, 0, 0, "", 0})

	// Exactly at the cap: no line.
	v = version(1, "2026-01-01", fixed(2000000))
	v.Terms.Price.CapMinor = 2000000
	inv = compute(t, Input{Period: june(t), Versions: []contract.Version{v}})
	checkLines(t, inv, want{KindFixed, 2000000, 1, "price.components.0", 0}, want{KindVAT, 0, 0, "", 0})
}

func breaches(n int) []Breach {
	var bs []Breach
	for i := range n {
		bs = append(bs, Breach{Ref: fmt.Sprintf("b%d", i+1), Day: "2026-06-16", Service: "support", Clock: "resolution"})
	}
	return bs
}

func TestSLACredits(t *testing.T) {
	t.Parallel()
	// Fee 10 000.00; 5 % per breach, at most 20 % per period.
	v := version(1, "2026-01-01", fixed(1000000))
	v.Terms.Penalties = contract.Penalties{SLACreditBP: 500, SLACreditCapBP: 2000}

	// 4 breaches: −4 × 5 % × 1000000 = −200000, exactly the cap: no cap line.
	inv := compute(t, Input{Period: june(t), Versions: []contract.Version{v}, Breaches: breaches(4)})
	checkLines(t, inv,
		want{KindFixed, 1000000, 1, "price.components.0", 0},
		want{KindSLACredit, -200000, 1, "penalties.sla_credit_bp", 4},
		want{KindVAT, 0, 0, "", 0})

	// 6 breaches: −6 × 5 % × 1000000 = −300000; cap 20 % × 1000000 =
	// 200000; the excess 300000 − 200000 = 100000 given back on its own line.
	inv = compute(t, Input{Period: june(t), Versions: []contract.Version{v}, Breaches: breaches(6), VATBP: 2500})
	checkLines(t, inv,
		want{KindFixed, 1000000, 1, "price.components.0", 0},
		want{KindSLACredit, -300000, 1, "penalties.sla_credit_bp", 6},
		want{KindSLACreditCap, 100000, 1, "penalties.sla_credit_cap_bp", 0},
		want{KindVAT, 200000, 0, "", 0}) // 25 % × (1000000 − 300000 + 100000)
	if inv.NetMinor != 800000 || inv.TotalMinor != 1000000 {
		t.Errorf("net %d total %d", inv.NetMinor, inv.TotalMinor)
	}
	if got := inv.Lines[2].Basis; !slices.Equal(got, []int{1}) {
		t.Errorf("cap line basis %v", got)
	}

	// A tie rounds away from zero: 1 × 0.5 % × 1.00 kr (100 öre) = −0.5 öre
	// → −1 öre.
	tie := version(1, "2026-01-01", fixed(100))
	tie.Terms.Penalties.SLACreditBP = 50
	inv = compute(t, Input{Period: june(t), Versions: []contract.Version{tie}, Breaches: breaches(1)})
	checkLines(t, inv,
		want{KindFixed, 100, 1, "price.components.0", 0},
		want{KindSLACredit, -1, 1, "penalties.sla_credit_bp", 1},
		want{KindVAT, 0, 0, "", 0})

	// No credit rate: the breaches are unpriced.
	inv = compute(t, Input{Period: june(t), Versions: []contract.Version{version(1, "2026-01-01", fixed(1000000))}, Breaches: breaches(2)})
	if len(inv.Unpriced) != 2 || len(inv.Lines) != 2 {
		t.Errorf("unpriced %v\n%s", inv.Unpriced, dump(inv))
	}
}

func TestBonusMalus(t *testing.T) {
	t.Parallel()
	v := version(1, "2026-01-01", fixed(1000000))
	v.Terms.Penalties.BonusMalus = []contract.BonusMalus{{MinScore: 90, AdjustBP: 500}, {MinScore: 0, AdjustBP: -1000}, {MinScore: 70, AdjustBP: 0}}
	for _, c := range []struct {
		score  *Score
		kind   string
		amount int64
		clause string
	}{
		// 90.00 reaches the band of 90: +5 % × 1000000 = +50000.
		{&Score{Ref: "sc", Hundredths: 9000}, KindBonus, 50000, "penalties.bonus_malus.0"},
		// 89.99 stays in the band of 70, which adjusts nothing: no line.
		{&Score{Ref: "sc", Hundredths: 8999}, "", 0, ""},
		// 69.50 falls to the band of 0: −10 % × 1000000 = −100000.
		{&Score{Ref: "sc", Hundredths: 6950}, KindMalus, -100000, "penalties.bonus_malus.1"},
		// No score: no line.
		{nil, "", 0, ""},
	} {
		inv := compute(t, Input{Period: june(t), Versions: []contract.Version{v}, Score: c.score})
		ws := []want{{KindFixed, 1000000, 1, "price.components.0", 0}}
		if c.kind != "" {
			ws = append(ws, want{c.kind, c.amount, 1, c.clause, 1})
		}
		checkLines(t, inv, append(ws, want{KindVAT, 0, 0, "", 0})...)
	}
}

func TestAmendmentMidPeriod(t *testing.T) {
	t.Parallel()
	// Version 1 (30 000.00 a month, 1 000.00 a lead) until 14 June;
	// version 2 (36 000.00, 1 200.00 a lead) from 15 June.
	// Fixed: 3000000 × 14/30 = 1400000; 3600000 × 16/30 = 1920000.
	// Leads: 2 on 10 June × 100000 = 200000; 3 on 15 June × 120000 = 360000.
	// Net 3880000.
	v1 := version(1, "2026-01-01", fixed(3000000), perResult("qualified_lead", 100000))
	v2 := version(2, "2026-06-15", fixed(3600000), perResult("qualified_lead", 120000))
	rs := append(leads(2, "2026-06-10", "a"), leads(3, "2026-06-15", "b")...)
	inv := compute(t, Input{Period: june(t), Versions: []contract.Version{v2, v1}, Results: rs})
	checkLines(t, inv,
		want{KindFixed, 1400000, 1, "price.components.0", 0},
		want{KindFixed, 1920000, 2, "price.components.0", 0},
		want{KindResult, 200000, 1, "price.components.1", 2},
		want{KindResult, 360000, 2, "price.components.1", 3},
		want{KindVAT, 0, 0, "", 0})
	if inv.NetMinor != 3880000 {
		t.Errorf("net %d", inv.NetMinor)
	}
	if got := inv.Lines[0].Steps[0].String(); got != "30000.00 × 14 / 30 = 14000.00" {
		t.Errorf("step %q", got)
	}

	// The remainder: 100.00 a month unchanged across three versions of
	// 10 days each: 10000 × 10/30 = 3333.33… → 3333 each, 9999 in all;
	// the whole fee rounded once is 10000, so the last part is
	// 10000 − (3333 + 3333) = 3334.
	inv = compute(t, Input{Period: june(t), Versions: []contract.Version{
		version(1, "2026-06-01", fixed(10000)), version(2, "2026-06-11", fixed(10000)), version(3, "2026-06-21", fixed(10000)),
	}})
	checkLines(t, inv,
		want{KindFixed, 3333, 1, "price.components.0", 0},
		want{KindFixed, 3333, 2, "price.components.0", 0},
		want{KindFixed, 3334, 3, "price.components.0", 0},
		want{KindVAT, 0, 0, "", 0})
	steps := inv.Lines[2].Steps
	if last := steps[len(steps)-1]; last.Label != "invoice.explain.remainder" || last.String() != "100.00 − 66.66 = 33.34" {
		t.Errorf("steps %v", steps)
	}

	// Terms that start mid-period bill only their days: 3000000 × 10/30.
	inv = compute(t, Input{Period: june(t), Versions: []contract.Version{version(1, "2026-06-21", fixed(3000000))},
		Results: leads(1, "2026-06-05", "early"), Penalties: []Penalty{{Ref: "pen", Day: "2026-06-06", AmountMinor: 100}}})
	checkLines(t, inv, want{KindFixed, 1000000, 1, "price.components.0", 0}, want{KindVAT, 0, 0, "", 0})
	if len(inv.Unpriced) != 2 || inv.Unpriced[0].Reason != "invoice.unpriced.no_terms" || inv.Unpriced[1].Ref != "pen" {
		t.Errorf("unpriced %v", inv.Unpriced)
	}

	// A cap prorated like the fee: 1000000 × 14/30 + 2000000 × 16/30 =
	// 466666.67 + 1066666.67 = 1533333.33… → 1533333. Fees 1400000 +
	// 1920000 = 3320000; reduction 1533333 − 3320000 = −1786667.
	v1.Terms.Price.CapMinor, v2.Terms.Price.CapMinor = 1000000, 2000000
	inv = compute(t, Input{Period: june(t), Versions: []contract.Version{v1, v2}})
	checkLines(t, inv,
		want{KindFixed, 1400000, 1, "price.components.0", 0},
		want{KindFixed, 1920000, 2, "price.components.0", 0},
		want{KindCap, -1786667, 2, "price.cap_minor", 0},
		want{KindVAT, 0, 0, "", 0})
}

func TestClawback(t *testing.T) {
	t.Parallel()
	// 2 000.00 a deal and 10 % of revenue. A deal of 50 000.00 won on
	// 5 June; a deal reversed on 20 June, its 30 000.00 clawed back.
	// Deals: 1 × 200000 = 200000; clawback −1 × 200000 = −200000.
	// Share: 10 % × 5000000 = 500000; clawback 10 % × −3000000 = −300000.
	// Net 200000.
	v := version(1, "2026-01-01", perResult("deal", 200000), share(1000))
	inv := compute(t, Input{Period: june(t), Versions: []contract.Version{v}, Results: []Result{
		{Ref: "d1", Unit: "deal", Day: "2026-06-05", RevenueMinor: 5000000},
		{Ref: "c1", Unit: "deal", Day: "2026-06-20", RevenueMinor: -3000000, Clawback: true},
	}})
	checkLines(t, inv,
		want{KindResult, 200000, 1, "price.components.0", 1},
		want{KindResultClawback, -200000, 1, "price.components.0", 1},
		want{KindRevenueShare, 500000, 1, "price.components.1", 1},
		want{KindRevenueClawback, -300000, 1, "price.components.1", 1},
		want{KindVAT, 0, 0, "", 0})
	if inv.NetMinor != 200000 || inv.Lines[1].Refs[0] != "c1" || inv.Lines[1].Quantity.Num != -1 {
		t.Errorf("net %d\n%s", inv.NetMinor, dump(inv))
	}
}

func TestVAT(t *testing.T) {
	t.Parallel()
	// Fixed 10 000.00, a late-notice penalty of 500.00 (no VAT on it):
	// net 1000000 − 50000 = 950000; VAT 25 % × 1000000 = 250000; total 1200000.
	v := version(1, "2026-01-01", fixed(1000000))
	v.Terms.Notices = []contract.NoticeDuty{{Category: "deadline_at_risk", WithinHours: 24, PenaltyMinor: 50000}}
	inv := compute(t, Input{Period: june(t), Versions: []contract.Version{v}, VATBP: 2500,
		Penalties: []Penalty{{Ref: "p1", Day: "2026-06-18", Category: "deadline_at_risk", AmountMinor: 50000}}})
	checkLines(t, inv,
		want{KindFixed, 1000000, 1, "price.components.0", 0},
		want{KindLateNotice, -50000, 1, "notices.0.penalty_minor", 1},
		want{KindVAT, 250000, 0, "", 0})
	if inv.TotalMinor != 1200000 || inv.Lines[1].Taxable {
		t.Errorf("total %d", inv.TotalMinor)
	}

	// VAT rounds once on the taxable sum: 25 % × 1002 = 250.5 → 251 (half
	// up); 12 % × 1001 = 120.12 → 120.
	for _, c := range []struct {
		fee  int64
		rate int
		vat  int64
	}{{1002, 2500, 251}, {1001, 1200, 120}, {1000000, 0, 0}} {
		inv := compute(t, Input{Period: june(t), Versions: []contract.Version{version(1, "2026-01-01", fixed(c.fee))}, VATBP: c.rate})
		if inv.VATMinor != c.vat || inv.TotalMinor != c.fee+c.vat {
			t.Errorf("VAT %d bp on %d = %d, want %d", c.rate, c.fee, inv.VATMinor, c.vat)
		}
	}
}

func TestComputeRefuses(t *testing.T) {
	t.Parallel()
	v1 := version(1, "2026-01-01", fixed(1000))
	eur := version(2, "2026-06-15", fixed(1000))
	eur.Terms.Price.Currency = "EUR"
	for name, c := range map[string]struct {
		in  Input
		err error
	}{
		"currencies mixed":  {Input{Versions: []contract.Version{v1, eur}}, ErrCurrencyMix},
		"version twice":     {Input{Versions: []contract.Version{v1, version(1, "2026-06-10", fixed(1))}}, ErrInput},
		"no terms":          {Input{Versions: []contract.Version{version(1, "2026-07-01", fixed(1000))}}, ErrNoTerms},
		"outside":           {Input{Versions: []contract.Version{v1}, Results: leads(1, "2026-07-01", "l")}, ErrOutsidePeriod},
		"twice":             {Input{Versions: []contract.Version{v1}, Results: append(leads(1, "2026-06-02", "l"), leads(1, "2026-06-03", "l")...)}, ErrInput},
		"revenue of lead":   {Input{Versions: []contract.Version{v1}, Results: []Result{{Ref: "x", Unit: "qualified_lead", Day: "2026-06-02", RevenueMinor: 5}}}, ErrInput},
		"positive clawback": {Input{Versions: []contract.Version{v1}, Results: []Result{{Ref: "x", Unit: "deal", Day: "2026-06-02", RevenueMinor: 5, Clawback: true}}}, ErrInput},
		"no minutes":        {Input{Versions: []contract.Version{v1}, Time: []TimeEntry{{Ref: "x", Day: "2026-06-02"}}}, ErrInput},
		"score":             {Input{Versions: []contract.Version{v1}, Score: &Score{Ref: "s", Hundredths: 10001}}, ErrInput},
		"total overflows":   {Input{Versions: []contract.Version{version(1, "2026-01-01", fixed(1<<62), perResult("meeting", 1<<62))}, Results: []Result{{Ref: "a", Unit: "meeting", Day: "2026-06-02"}}}, ErrOverflow},
		"overflow":          {Input{Versions: []contract.Version{version(1, "2026-01-01", perResult("meeting", 1<<62))}, Results: []Result{{Ref: "a", Unit: "meeting", Day: "2026-06-02"}, {Ref: "b", Unit: "meeting", Day: "2026-06-02"}}}, ErrOverflow},
	} {
		c.in.Period = june(t)
		if _, err := Compute(c.in); !errors.Is(err, c.err) {
			t.Errorf("%s: %v, want %v", name, err, c.err)
		}
	}
}

func TestPriceForAService(t *testing.T) {
	t.Parallel()
	// Time: 1 000.00/h for every service, 1 500.00/h for payroll.
	// Deliverables: 5 000.00 each, 50 000.00 for the annual report.
	payroll := timeRate("hour", 150000)
	payroll.Service = "payroll"
	annual := perResult("accepted_deliverable", 5000000)
	annual.Service = "annual-report"
	v := version(1, "2026-01-01", timeRate("hour", 100000), payroll, perResult("accepted_deliverable", 500000), annual)
	inv := compute(t, Input{Period: june(t), Versions: []contract.Version{v},
		Results: []Result{
			{Ref: "a1", Unit: "accepted_deliverable", Service: "annual-report", Day: "2026-06-30"},
			{Ref: "m1", Unit: "accepted_deliverable", Service: "monthly-report", Day: "2026-06-05"},
			{Ref: "m2", Unit: "accepted_deliverable", Service: "monthly-report", Day: "2026-06-06"},
			{Ref: "x1", Unit: "accepted_deliverable", Day: "2026-06-07"},
		},
		Time: []TimeEntry{
			{Ref: "t1", Day: "2026-06-02", Minutes: 60, Service: "payroll"},
			{Ref: "t2", Day: "2026-06-02", Minutes: 30, Service: "bookkeeping"},
			{Ref: "t3", Day: "2026-06-03", Minutes: 30},
		}})
	// Deliverables: 3 × 500000 = 1500000 (monthly, monthly, none);
	// 1 × 5000000 (annual). Time: 30 + 30 = 60 min × 100000/h = 100000;
	// payroll 60 min × 150000/h = 150000.
	checkLines(t, inv,
		want{KindResult, 1500000, 1, "price.components.2", 3},
		want{KindResult, 5000000, 1, "price.components.3", 1},
		want{KindTime, 100000, 1, "price.components.0", 2},
		want{KindTime, 150000, 1, "price.components.1", 1},
		want{KindVAT, 0, 0, "", 0})
	// A line of a service's price names the service (its key here: these
	// terms have no services listed).
	if l := inv.Lines[3]; l.Description != "invoice.line.time_service" || fmt.Sprint(l.Args) != "[unit contract.unit.hour service payroll]" {
		t.Errorf("line 3: %s %v", l.Description, l.Args)
	}
	if l := inv.Lines[0]; l.Description != "invoice.line.result" {
		t.Errorf("line 0: %s %v", l.Description, l.Args)
	}
}

// Every key an invoice carries — line descriptions, explanation labels, the
// labels in arguments, unpriced reasons, the rules — is in every catalogue.
// (The key scan of internal/i18n sees only literal keys passed to T, N or
// K; the step labels here are passed to step.)
func TestInvoiceKeysInCatalogues(t *testing.T) {
	t.Parallel()
	c, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]bool{}
	for _, k := range Rules() {
		keys[string(k)] = true
	}
	rng := rand.New(rand.NewPCG(7, 7))
	for range 300 {
		loc := time.UTC
		in := randomInput(rng, kpi.PeriodOf(kpi.Quarter, time.Date(2026, 5, 1, 0, 0, 0, 0, loc), loc))
		inv, err := Compute(in)
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range inv.Unpriced {
			keys[string(u.Reason)] = true
		}
		for _, l := range inv.Lines {
			keys[string(l.Description)] = true
			for _, a := range l.Args {
				if k, ok := a.(i18n.Key); ok {
					keys[string(k)] = true
				}
			}
			for _, s := range l.Steps {
				keys[string(s.Label)] = true
			}
		}
	}
	pays, err := Schedule(1000001, contract.Price{Currency: "SEK", PrepaymentBP: 3333, Instalments: 3}, "2026-06-01", "2026-07-01")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pays {
		for _, s := range p.Steps {
			keys[string(s.Label)] = true
		}
	}
	for _, kind := range []string{"invoice.line.", "invoice.explain.", "invoice.unpriced.", "invoice.rule.", "invoice.explain.last_instalment"} {
		found := false
		for k := range keys {
			found = found || strings.HasPrefix(k, kind)
		}
		if !found {
			t.Errorf("no key %s… seen: the random invoices are too poor to check them", kind)
		}
	}
	for k := range keys {
		for _, lang := range i18n.Supported {
			if !c.Has(lang, k) {
				t.Errorf("%s missing in %s", k, lang)
			}
		}
	}
	if len(keys) < 40 {
		t.Errorf("only %d keys seen", len(keys))
	}
}
