package kpi

import (
	"math/big"
	"time"

	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/tandem"
)

// LastDay is the local date of the last day of period p.
func LastDay(p Period) tandem.Date {
	return tandem.DateOf(p.End.Add(-time.Nanosecond).In(p.End.Location()))
}

// TermsOn picks, from an engagement's versions of its terms, the one in
// force on day: the latest effective date on or before it, the highest
// number breaking ties. It returns nil before the first version takes
// effect (the engagement's start): no terms are in force then.
func TermsOn(versions []contract.Version, day tandem.Date) *contract.Version {
	d := day.String()
	var best *contract.Version
	for i := range versions {
		v := &versions[i]
		if v.EffectiveFrom > d {
			continue
		}
		if best == nil || v.EffectiveFrom > best.EffectiveFrom || (v.EffectiveFrom == best.EffectiveFrom && v.Number > best.Number) {
			best = v
		}
	}
	return best
}

// TermsFor is the version of the terms that scores period p: the one in
// force on p's last day (TermsOn). An amendment effective mid-period thus
// scores the whole period — every fact in it — against the KPIs, targets
// and weights as amended: the terms the two sides had agreed by the time
// the period closed. A period that ends before the first version takes
// effect has no terms (nil), hence no KPIs: it is not scored.
func TermsFor(versions []contract.Version, p Period) *contract.Version {
	return TermsOn(versions, LastDay(p))
}

// PeriodKPIs are the KPIs of v measured over periods of kind, in the
// terms' order; none when v is nil.
func PeriodKPIs(v *contract.Version, kind string) []contract.KPI {
	if v == nil {
		return nil
	}
	var out []contract.KPI
	for _, k := range v.Terms.KPIs {
		if k.Period == kind {
			out = append(out, k)
		}
	}
	return out
}

// SqrtDigits is how many decimals Sqrt keeps: σ = √(415/64) =
// 2.546443… is kept as 2.546443598432 (truncated, not rounded).
//
// Truncating to 12 decimals changes no figure Tandem shows or scores: a
// figure is rounded at most to 6 decimals (contract.MaxScale), and a score
// boundary — where (σ − threshold)/(target − threshold) × 100 is a tie
// between two hundredths — is a multiple of 10^-11 for terms of up to 6
// decimals. For any such multiple b, σ ≥ b exactly when the truncated σ ≥ b,
// so the truncated value falls on the same side of every boundary as the
// exact root and rounds, compares and scores exactly as it does.
const SqrtDigits = 12

// Sqrt returns the square root of the rational num/den (num >= 0, den >
// 0), truncated towards zero to SqrtDigits decimals, or to fewer when the
// root is too large for them to fit in an int64 (beyond 9.2 million):
// floor(√(num/den) × 10^k) / 10^k, computed with integer square roots,
// exactly — no float. ok is false for a negative or invalid input.
func Sqrt(num, den *big.Int) (Value, bool) {
	if den.Sign() <= 0 || num.Sign() < 0 {
		return Value{}, false
	}
	for k := SqrtDigits; k >= 0; k-- {
		// floor(√(x) × 10^k) = isqrt(floor(x × 10^2k)) for x >= 0.
		scaled := new(big.Int).Mul(num, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(2*k)), nil))
		scaled.Quo(scaled, den)
		root := scaled.Sqrt(scaled)
		if root.IsInt64() {
			return Ratio(root.Int64(), pow10[k]), true
		}
	}
	return Value{}, false
}
