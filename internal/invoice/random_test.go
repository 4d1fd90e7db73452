package invoice

import (
	"fmt"
	"math/big"
	"math/rand/v2"
	"slices"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/kpi"
	"github.com/tandemhq/tandem/internal/money"
)

// TestRandomInvoices computes many random invoices and checks, against a
// computation written independently here, that the lines always add up to
// the total to the minor unit, that every line's references are exactly the
// inputs it was computed from (each input in exactly the lines of the
// clauses of its day's version that price it, or listed as unpriced), and
// that every amount follows from its references.
func TestRandomInvoices(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(12, 2026))
	zones := []string{"UTC", "Europe/Stockholm", "Europe/Moscow", "America/Sao_Paulo"}
	for n := range 3000 {
		loc, err := time.LoadLocation(zones[rng.IntN(len(zones))])
		if err != nil {
			t.Fatal(err)
		}
		kind := []string{kpi.Month, kpi.Quarter}[rng.IntN(2)]
		p := kpi.PeriodOf(kind, time.Date(2024+rng.IntN(4), time.Month(1+rng.IntN(12)), 1+rng.IntN(28), 12, 0, 0, 0, loc), loc)
		in := randomInput(rng, p)
		inv, err := Compute(in)
		if err != nil {
			t.Fatalf("case %d: %v", n, err)
		}
		if err := verify(in, inv); err != nil {
			t.Fatalf("case %d: %v\n%s", n, err, dump(inv))
		}
	}
}

func day(p kpi.Period, offset int) string {
	y, m, d := p.Start.Date()
	return time.Date(y, m, d+offset, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
}

func periodDays(p kpi.Period) int {
	y, m, d := p.Start.Date()
	y2, m2, d2 := p.End.Date()
	return int(time.Date(y2, m2, d2, 0, 0, 0, 0, time.UTC).Sub(time.Date(y, m, d, 0, 0, 0, 0, time.UTC)).Hours() / 24)
}

// services are the service keys of random components ("" is every
// service) and inputs ("c" is named by no component).
var services = []string{"", "a", "b", "c"}

func randomInput(rng *rand.Rand, p kpi.Period) Input {
	days := periodDays(p)
	cur := []string{"SEK", "EUR", "JPY"}[rng.IntN(3)]
	in := Input{Period: p, VATBP: []int{0, 600, 1200, 2000, 2500, 2550}[rng.IntN(6)]}
	nv := 1 + rng.IntN(3)
	for i := range nv {
		eff := day(p, -rng.IntN(40)) // the first version starts on or before the period
		if i > 0 {
			eff = day(p, rng.IntN(days))
		}
		v := contract.Version{Number: i + 1, EffectiveFrom: eff}
		pr := &v.Terms.Price
		pr.Currency = cur
		for range rng.IntN(5) {
			c := contract.PriceComponent{Kind: contract.PriceKinds[rng.IntN(len(contract.PriceKinds))], AmountMinor: rng.Int64N(100_000_000)}
			switch c.Kind {
			case "time":
				c.Unit = contract.TimeUnits[rng.IntN(2)]
				c.Service = services[rng.IntN(3)]
			case "per_result":
				c.Unit = contract.ResultUnits[rng.IntN(len(contract.ResultUnits))]
				c.Service = services[rng.IntN(3)]
			case "revenue_share":
				c.AmountMinor, c.ShareBP = 0, rng.IntN(3000)
			}
			pr.Components = append(pr.Components, c)
		}
		if rng.IntN(3) == 0 {
			pr.FloorMinor = rng.Int64N(50_000_000)
		}
		if rng.IntN(3) == 0 {
			pr.CapMinor = pr.FloorMinor + rng.Int64N(200_000_000)
		}
		pe := &v.Terms.Penalties
		if rng.IntN(2) == 0 {
			pe.SLACreditBP = rng.IntN(1000)
			pe.SLACreditCapBP = rng.IntN(3000)
		}
		for range rng.IntN(4) {
			pe.BonusMalus = append(pe.BonusMalus, contract.BonusMalus{MinScore: rng.IntN(101), AdjustBP: rng.IntN(2001) - 1000})
		}
		for _, c := range contract.NoticeCategories[:rng.IntN(3)] {
			v.Terms.Notices = append(v.Terms.Notices, contract.NoticeDuty{Category: c, WithinHours: 24, PenaltyMinor: 1000})
		}
		in.Versions = append(in.Versions, v)
	}
	rng.Shuffle(len(in.Versions), func(i, j int) { in.Versions[i], in.Versions[j] = in.Versions[j], in.Versions[i] })
	ref := 0
	next := func(prefix string) string { ref++; return prefix + strconv.Itoa(ref) }
	for range rng.IntN(40) {
		r := Result{Ref: next("r"), Unit: contract.ResultUnits[rng.IntN(len(contract.ResultUnits))], Day: day(p, rng.IntN(days)), Service: services[rng.IntN(4)]}
		if r.Unit == "deal" {
			r.RevenueMinor = rng.Int64N(1_000_000_000)
			if rng.IntN(4) == 0 {
				r.Clawback, r.RevenueMinor = true, -r.RevenueMinor
			}
		}
		in.Results = append(in.Results, r)
	}
	for range rng.IntN(20) {
		in.Time = append(in.Time, TimeEntry{Ref: next("t"), Person: "p", Day: day(p, rng.IntN(days)), Minutes: 1 + rng.Int64N(600), Service: services[rng.IntN(4)]})
	}
	for range rng.IntN(10) {
		in.Breaches = append(in.Breaches, Breach{Ref: next("b"), Day: day(p, rng.IntN(days))})
	}
	for range rng.IntN(5) {
		in.Penalties = append(in.Penalties, Penalty{Ref: next("p"), Day: day(p, rng.IntN(days)),
			Category: contract.NoticeCategories[rng.IntN(len(contract.NoticeCategories))], AmountMinor: rng.Int64N(1_000_000)})
	}
	if rng.IntN(3) > 0 {
		in.Score = &Score{Ref: "score", Hundredths: rng.IntN(10001)}
	}
	return in
}

// inForce is the version in force on day: the latest effective on or
// before it, of equal dates the higher number.
func inForce(vs []contract.Version, day string) *contract.Version {
	var best *contract.Version
	for i := range vs {
		v := &vs[i]
		if v.EffectiveFrom > day {
			continue
		}
		if best == nil || v.EffectiveFrom > best.EffectiveFrom || (v.EffectiveFrom == best.EffectiveFrom && v.Number > best.Number) {
			best = v
		}
	}
	return best
}

func roundRat(num, den *big.Int) int64 { return money.RoundRatio(num, den).Int64() }

// priceKey names the lines an input belongs to.
type priceKey struct {
	kind    string
	version int
	clause  string
}

func verify(in Input, inv *Invoice) error {
	// The totals are the sums of the lines.
	var net, vat int64
	for _, l := range inv.Lines {
		if l.Kind == KindVAT {
			vat += l.AmountMinor
		} else {
			net += l.AmountMinor
		}
	}
	if net != inv.NetMinor || vat != inv.VATMinor || net+vat != inv.TotalMinor {
		return fmt.Errorf("lines sum to %d + %d, invoice %d + %d = %d", net, vat, inv.NetMinor, inv.VATMinor, inv.TotalMinor)
	}

	// Which lines each input must be in.
	expect := map[string][]priceKey{}
	unpriced := map[string]bool{}
	minutes, revenue := map[string]int64{}, map[string]int64{}
	for _, r := range in.Results {
		v := inForce(in.Versions, r.Day)
		if v == nil {
			unpriced[r.Ref] = true
			continue
		}
		revenue[r.Ref] = r.RevenueMinor
		named := ""
		for _, c := range v.Terms.Price.Components {
			if c.Kind == "per_result" && c.Unit == r.Unit && r.Service != "" && c.Service == r.Service {
				named = r.Service
			}
		}
		for i, c := range v.Terms.Price.Components {
			switch {
			case c.Kind == "per_result" && c.Unit == r.Unit && c.Service == named:
				k := KindResult
				if r.Clawback {
					k = KindResultClawback
				}
				expect[r.Ref] = append(expect[r.Ref], priceKey{k, v.Number, "price.components." + strconv.Itoa(i)})
			case c.Kind == "revenue_share" && r.Unit == "deal":
				k := KindRevenueShare
				if r.Clawback {
					k = KindRevenueClawback
				}
				expect[r.Ref] = append(expect[r.Ref], priceKey{k, v.Number, "price.components." + strconv.Itoa(i)})
			}
		}
		if len(expect[r.Ref]) == 0 {
			unpriced[r.Ref] = true
		}
	}
	for _, e := range in.Time {
		v := inForce(in.Versions, e.Day)
		minutes[e.Ref] = e.Minutes
		if v == nil {
			unpriced[e.Ref] = true
			continue
		}
		i := slices.IndexFunc(v.Terms.Price.Components, func(c contract.PriceComponent) bool {
			return c.Kind == "time" && e.Service != "" && c.Service == e.Service
		})
		if i < 0 {
			i = slices.IndexFunc(v.Terms.Price.Components, func(c contract.PriceComponent) bool { return c.Kind == "time" && c.Service == "" })
		}
		if i < 0 {
			unpriced[e.Ref] = true
			continue
		}
		expect[e.Ref] = []priceKey{{KindTime, v.Number, "price.components." + strconv.Itoa(i)}}
	}
	for _, x := range in.Breaches {
		v := inForce(in.Versions, x.Day)
		if v == nil || v.Terms.Penalties.SLACreditBP == 0 {
			unpriced[x.Ref] = true
			continue
		}
		expect[x.Ref] = []priceKey{{KindSLACredit, v.Number, "penalties.sla_credit_bp"}}
	}
	for _, p := range in.Penalties {
		if inForce(in.Versions, p.Day) == nil {
			unpriced[p.Ref] = true
			continue
		}
		expect[p.Ref] = []priceKey{{KindLateNotice, 0, ""}} // version and clause checked with the line
	}
	last := inForce(in.Versions, inv.To)
	if in.Score != nil {
		bands := last.Terms.Penalties.BonusMalus
		best := -1
		for i, b := range bands {
			if in.Score.Hundredths >= 100*b.MinScore && (best < 0 || b.MinScore > bands[best].MinScore) {
				best = i
			}
		}
		if best >= 0 && bands[best].AdjustBP != 0 {
			k := KindBonus
			if bands[best].AdjustBP < 0 {
				k = KindMalus
			}
			expect[in.Score.Ref] = []priceKey{{k, last.Number, "penalties.bonus_malus." + strconv.Itoa(best)}}
		}
	}

	got := map[string][]priceKey{}
	for i, l := range inv.Lines {
		var sumMin, sumRev int64
		for _, ref := range l.Refs {
			k := priceKey{l.Kind, l.Version, l.Clause}
			if l.Kind == KindLateNotice {
				k = priceKey{KindLateNotice, 0, ""}
			}
			got[ref] = append(got[ref], k)
			sumMin += minutes[ref]
			sumRev += revenue[ref]
		}
		// Every amount follows from the line's references.
		ok := true
		switch l.Kind {
		case KindResult, KindResultClawback:
			n := int64(len(l.Refs))
			if l.Kind == KindResultClawback {
				n = -n
			}
			ok = l.Quantity.Num == n && l.AmountMinor == n*l.UnitMinor
		case KindTime:
			ok = l.Quantity.Num == sumMin && l.AmountMinor == roundRat(big.NewInt(sumMin*l.UnitMinor), big.NewInt(l.Quantity.Den))
		case KindRevenueShare, KindRevenueClawback:
			ok = l.BaseMinor == sumRev && l.AmountMinor == roundRat(new(big.Int).Mul(big.NewInt(sumRev), big.NewInt(int64(l.RateBP))), big.NewInt(10000))
		case KindSLACredit:
			ok = l.Quantity.Num == int64(len(l.Refs)) && l.AmountMinor <= 0
		case KindLateNotice:
			i := slices.IndexFunc(in.Penalties, func(p Penalty) bool { return len(l.Refs) == 1 && p.Ref == l.Refs[0] })
			ok = i >= 0 && !l.Taxable && l.AmountMinor == -in.Penalties[i].AmountMinor
			if ok {
				p := in.Penalties[i]
				v := inForce(in.Versions, p.Day)
				c := slices.IndexFunc(v.Terms.Notices, func(n contract.NoticeDuty) bool { return n.Category == p.Category })
				wantClause := "notices"
				if c >= 0 {
					wantClause = "notices." + strconv.Itoa(c) + ".penalty_minor"
				}
				ok = l.Version == v.Number && l.Clause == wantClause
			}
		case KindVAT:
			var base int64
			for j, m := range inv.Lines {
				if m.Taxable {
					base += m.AmountMinor
					if !slices.Contains(l.Basis, j) {
						ok = false
					}
				}
			}
			ok = ok && i == len(inv.Lines)-1 && l.BaseMinor == base &&
				l.AmountMinor == roundRat(big.NewInt(base*int64(in.VATBP)), big.NewInt(10000))
		case KindFixed, KindFloor, KindCap, KindSLACreditCap, KindBonus, KindMalus:
			ok = len(l.Refs) == 0 || l.Kind == KindBonus || l.Kind == KindMalus
		default:
			ok = false
		}
		if !ok {
			return fmt.Errorf("line %d (%s) does not follow from its references", i, l.Kind)
		}
		if len(l.Steps) == 0 {
			return fmt.Errorf("line %d (%s) has no explanation", i, l.Kind)
		}
	}
	for _, u := range inv.Unpriced {
		if !unpriced[u.Ref] {
			return fmt.Errorf("%s listed as unpriced", u.Ref)
		}
		got[u.Ref] = append(got[u.Ref], priceKey{kind: "unpriced"})
	}
	for ref := range unpriced {
		expect[ref] = append(expect[ref], priceKey{kind: "unpriced"})
	}
	for ref := range got {
		if _, ok := expect[ref]; !ok {
			return fmt.Errorf("reference %s in lines %v, expected in none", ref, got[ref])
		}
	}
	for ref, want := range expect {
		g := got[ref]
		sortKeys(g)
		sortKeys(want)
		if !slices.Equal(g, want) {
			return fmt.Errorf("reference %s is in %v, want %v", ref, g, want)
		}
	}

	// The fixed lines add up to the whole fee rounded once.
	whole := new(big.Rat)
	for _, v := range in.Versions {
		from, to := v.EffectiveFrom, inv.To
		if from < inv.From {
			from = inv.From
		}
		for _, w := range in.Versions {
			if w.EffectiveFrom > v.EffectiveFrom || (w.EffectiveFrom == v.EffectiveFrom && w.Number > v.Number) {
				if w.EffectiveFrom <= to {
					to = prevDay(w.EffectiveFrom)
				}
			}
		}
		if to < from {
			continue
		}
		d := daysBetween(from, to) + 1
		for _, c := range v.Terms.Price.Components {
			if c.Kind == "fixed" {
				whole.Add(whole, new(big.Rat).SetFrac(new(big.Int).Mul(big.NewInt(c.AmountMinor), big.NewInt(d)), big.NewInt(int64(inv.Days))))
			}
		}
	}
	var fixedSum int64
	for _, l := range inv.Lines {
		if l.Kind == KindFixed {
			fixedSum += l.AmountMinor
		}
	}
	if w := roundRat(whole.Num(), whole.Denom()); w != fixedSum {
		return fmt.Errorf("fixed lines sum to %d, the whole fee is %d", fixedSum, w)
	}
	return nil
}

func sortKeys(ks []priceKey) {
	sort.Slice(ks, func(i, j int) bool { return fmt.Sprint(ks[i]) < fmt.Sprint(ks[j]) })
}

func prevDay(s string) string {
	d, _ := time.Parse(time.DateOnly, s)
	return d.AddDate(0, 0, -1).Format(time.DateOnly)
}

func daysBetween(a, b string) int64 {
	x, _ := time.Parse(time.DateOnly, a)
	y, _ := time.Parse(time.DateOnly, b)
	return int64(y.Sub(x).Hours() / 24)
}

// TestRandomInvoicesByDay computes each random invoice again from its
// inputs grouped by day (results by unit, service and sign, breaches, and
// late-notice penalties summed), as the worth of a month reads them from
// the daily aggregates: the total, the net, the VAT and every line's kind,
// quantity and amount are the same.
func TestRandomInvoicesByDay(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(21, 2026))
	for n := range 2000 {
		loc := time.UTC
		if n%2 == 1 {
			loc, _ = time.LoadLocation("Europe/Stockholm")
		}
		kind := []string{kpi.Month, kpi.Quarter}[rng.IntN(2)]
		p := kpi.PeriodOf(kind, time.Date(2024+rng.IntN(4), time.Month(1+rng.IntN(12)), 1+rng.IntN(28), 12, 0, 0, 0, loc), loc)
		in := randomInput(rng, p)
		// Several results, breaches and penalties a day, so that the
		// grouping has something to group.
		for i := range rng.IntN(40) {
			if len(in.Results) == 0 {
				break
			}
			x := in.Results[rng.IntN(len(in.Results))]
			x.Ref = "extra:" + strconv.Itoa(i)
			in.Results = append(in.Results, x)
		}
		want, err := Compute(in)
		if err != nil {
			t.Fatalf("case %d: %v", n, err)
		}
		grouped := byDay(in)
		got, err := Compute(grouped)
		if err != nil {
			t.Fatalf("case %d grouped: %v", n, err)
		}
		if got.TotalMinor != want.TotalMinor || got.NetMinor != want.NetMinor || got.VATMinor != want.VATMinor {
			t.Fatalf("case %d: grouped total %d net %d VAT %d, want %d %d %d", n, got.TotalMinor, got.NetMinor, got.VATMinor,
				want.TotalMinor, want.NetMinor, want.VATMinor)
		}
		// Penalties are one line each, grouped one a day: compare the rest.
		lines := func(inv *Invoice) []string {
			var out []string
			for _, l := range inv.Lines {
				if l.Kind == KindLateNotice {
					continue
				}
				out = append(out, fmt.Sprintf("%s %d/%d %d", l.Kind, l.Quantity.Num, l.Quantity.Den, l.AmountMinor))
			}
			return out
		}
		if g, w := lines(got), lines(want); !slices.Equal(g, w) {
			t.Fatalf("case %d: grouped lines\n%v\nwant\n%v", n, g, w)
		}
		if len(grouped.Results) > len(in.Results) || len(grouped.Breaches) > len(in.Breaches) {
			t.Fatalf("case %d: grouping made more inputs", n)
		}
	}
}

// byDay groups in's results, breaches and penalties by day as the daily
// aggregates hold them.
func byDay(in Input) Input {
	out := in
	out.Results, out.Breaches, out.Penalties = nil, nil, nil
	type rk struct {
		unit, service, day string
		clawback           bool
	}
	ri := map[rk]int{}
	for _, r := range in.Results {
		k := rk{r.Unit, r.Service, r.Day, r.Clawback}
		i, ok := ri[k]
		if !ok {
			ri[k] = len(out.Results)
			out.Results = append(out.Results, Result{Ref: "day:" + strconv.Itoa(len(out.Results)), Unit: r.Unit, Service: r.Service,
				Day: r.Day, Clawback: r.Clawback})
			i = len(out.Results) - 1
		}
		out.Results[i].Count += r.N()
		out.Results[i].RevenueMinor += r.RevenueMinor
	}
	bi := map[string]int{}
	for _, x := range in.Breaches {
		i, ok := bi[x.Day]
		if !ok {
			bi[x.Day] = len(out.Breaches)
			out.Breaches = append(out.Breaches, Breach{Ref: "breaches:" + x.Day, Day: x.Day})
			i = len(out.Breaches) - 1
		}
		out.Breaches[i].Count += max(x.Count, 1)
	}
	pi := map[string]int{}
	for _, x := range in.Penalties {
		i, ok := pi[x.Day]
		if !ok {
			pi[x.Day] = len(out.Penalties)
			out.Penalties = append(out.Penalties, Penalty{Ref: "penalties:" + x.Day, Day: x.Day})
			i = len(out.Penalties) - 1
		}
		out.Penalties[i].AmountMinor += x.AmountMinor
	}
	return out
}
