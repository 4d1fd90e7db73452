package portfolio

import (
	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/kpi"
)

// Reason is why an engagement needs attention.
type Reason string

// Reasons for attention.
const (
	// ReasonOffTrack: a KPI of the current period is off track
	// (kpi.OffTrack); Attention.KPI names it.
	ReasonOffTrack Reason = "kpi_off_track"
	// ReasonOverdue: deliverables are not accepted and past due now;
	// Attention.Count says how many.
	ReasonOverdue Reason = "deliverables_overdue"
)

// Key is the catalogue message that says what needs attention. It takes
// the plural count n (Attention.Count) and {kpi} (the KPI's name).
func (r Reason) Key() i18n.Key {
	switch r {
	case ReasonOffTrack:
		return i18n.K("portfolio.off_track")
	case ReasonOverdue:
		return i18n.K("portfolio.overdue")
	}
	if k := Kind(r); k.rank() < len(Kinds) {
		return k.CountKey()
	}
	return i18n.K("portfolio.attention")
}

// Attention is one thing about an engagement that needs someone's
// attention.
type Attention struct {
	Reason Reason
	KPI    contract.KPI // ReasonOffTrack: the KPI
	Count  int          // how many records it is about (1 for one KPI)
}

// OffTrack is what needs attention on the scorecard sc: each KPI that is
// off track, in the scorecard's order.
func OffTrack(sc kpi.Scorecard) []Attention {
	var out []Attention
	for _, r := range sc.Rows {
		if r.Status == kpi.OffTrack {
			out = append(out, Attention{Reason: ReasonOffTrack, KPI: r.KPI, Count: 1})
		}
	}
	return out
}

// Overdue is what needs attention when n deliverables are overdue: nothing
// when n is 0.
func Overdue(n int) []Attention {
	if n <= 0 {
		return nil
	}
	return []Attention{{Reason: ReasonOverdue, Count: n}}
}
