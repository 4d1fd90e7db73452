package work

import (
	"math/big"
	"sort"
	"time"
)

// Outcome is what one accepted deliverable gives the figures: recorded as a
// fact when it is accepted.
type Outcome struct {
	DeliverableID int64
	Title         string
	AcceptedAt    time.Time
	LateDays      int   // business days late (0 = on time): sla.LatenessBusinessDays from the due time to the accepted submission
	Returns       int   // returns before acceptance; 0 = accepted first time
	LeadTime      int64 // seconds from creation to acceptance
}

// OnTime reports whether the accepted submission was 0 business days late:
// submitted before the next business day opened after the due time (a
// version submitted later on the due day still counts as on time).
func (o Outcome) OnTime() bool { return o.LateDays == 0 }

// Figures are an engagement's work figures for a period, computed from the
// deliverables accepted in it. Shares are exact fractions; the UI rounds.
type Figures struct {
	Accepted       int
	OnTime         int   // of Accepted
	FirstTime      int   // of Accepted: accepted on the first submission
	Returns        int   // returns, summed over Accepted
	LatenessSpread int64 // population standard deviation of LateDays, in hundredths of a business day
	LeadTimeP50    int64 // seconds, nearest-rank median
	LeadTimeP90    int64 // seconds, nearest-rank 90th percentile
	Overdue        int   // not yet accepted and past due at the period's end (or now)
}

// Compute works out the figures from the outcomes of one period.
//
// Definitions (also shown in the UI): on time = 0 business days late, the
// accepted submission came in before the next business day opened after
// the due time; first-time acceptance = accepted on the first
// submission; returns per deliverable = returns ÷ accepted; predictability =
// how spread the lateness is, the population standard deviation of the
// business days late (0 = every deliverable equally late or on time); lead
// time = creation to acceptance, nearest-rank percentiles.
func Compute(outcomes []Outcome) Figures {
	var f Figures
	f.Accepted = len(outcomes)
	if f.Accepted == 0 {
		return f
	}
	var sum, sumSq int64
	leads := make([]int64, 0, len(outcomes))
	for _, o := range outcomes {
		if o.OnTime() {
			f.OnTime++
		}
		if o.Returns == 0 {
			f.FirstTime++
		}
		f.Returns += o.Returns
		sum += int64(o.LateDays)
		sumSq += int64(o.LateDays) * int64(o.LateDays)
		leads = append(leads, o.LeadTime)
	}
	f.LatenessSpread = stddevHundredths(int64(f.Accepted), sum, sumSq)
	sort.Slice(leads, func(i, j int) bool { return leads[i] < leads[j] })
	f.LeadTimeP50 = nearestRank(leads, 50)
	f.LeadTimeP90 = nearestRank(leads, 90)
	return f
}

// stddevHundredths is the population standard deviation × 100, rounded to
// the nearest integer, computed exactly: sqrt((n·Σx² − (Σx)²) / n²) × 100 =
// sqrt((n·Σx² − (Σx)²) × 10000) / n.
func stddevHundredths(n, sum, sumSq int64) int64 {
	v := new(big.Int).Mul(big.NewInt(n), big.NewInt(sumSq))
	v.Sub(v, new(big.Int).Mul(big.NewInt(sum), big.NewInt(sum)))
	v.Mul(v, big.NewInt(10000))
	// round(sqrt(v) / n): compare with the exact square to round half up.
	num := new(big.Int).Mul(v, big.NewInt(4))
	root := new(big.Int).Sqrt(num) // floor(2·sqrt(v))
	den := big.NewInt(2 * n)
	q, r := new(big.Int).QuoRem(root, den, new(big.Int))
	if new(big.Int).Mul(r, big.NewInt(2)).Cmp(den) >= 0 {
		q.Add(q, big.NewInt(1))
	}
	return q.Int64()
}

// nearestRank is the p-th percentile of sorted values by the nearest-rank
// method: the value at rank ceil(p/100 · n).
func nearestRank(sorted []int64, p int) int64 {
	if len(sorted) == 0 {
		return 0
	}
	rank := (p*len(sorted) + 99) / 100
	if rank < 1 {
		rank = 1
	}
	return sorted[rank-1]
}
