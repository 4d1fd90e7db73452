package metric

import (
	"slices"

	"github.com/tandemhq/tandem/internal/fact"
	"github.com/tandemhq/tandem/internal/kpi"
)

// Deltas sums recorded facts into what recording them adds to the
// aggregate rows of their day (Daily: kpi_daily) and of their ISO week
// (Weekly: kpi_weekly, by its Monday). Its keys leave WorkspaceID 0: a
// batch is one workspace's.
type Deltas struct {
	Daily, Weekly map[AggKey]*Sums
}

// NewDeltas returns an empty batch.
func NewDeltas() *Deltas {
	return &Deltas{Daily: map[AggKey]*Sums{}, Weekly: map[AggKey]*Sums{}}
}

// Add adds one recorded fact: n 1, Σvalue, Σvalue² (kinds that keep it),
// Σflag, Σamount, value 0, and its sketch field's value (kinds that keep a
// sketch, when the fact's data has the field).
func (b *Deltas) Add(engagementID int64, kind fact.Kind, day, week string, value int64, flag bool, amount int64, data fact.Payload) {
	k, _ := fact.Lookup(kind)
	d := Sums{N: 1, SumValue: value, SumAmount: amount}
	if k.Squares {
		d.SumSqValue = value * value
	}
	if flag {
		d.SumFlag = 1
	}
	if value == 0 {
		d.NZero = 1
	}
	v, hasSketch := int64(0), false
	if k.Sketch != nil && data != nil {
		v, hasSketch = k.Sketch(data)
	}
	for _, t := range [2]struct {
		m   map[AggKey]*Sums
		key AggKey
	}{{b.Daily, AggKey{EngagementID: engagementID, Kind: string(kind), Day: day}},
		{b.Weekly, AggKey{EngagementID: engagementID, Kind: string(kind), Day: week}}} {
		r := t.m[t.key]
		if r == nil {
			r = &Sums{}
			t.m[t.key] = r
		}
		r.Add(d)
		if hasSketch {
			if r.Sketch == nil {
				r.Sketch = &kpi.Sketch{}
			}
			r.Sketch.Add(v)
		}
	}
}

// SortedKeys returns the keys of m in order of workspace, engagement, kind
// and day.
func SortedKeys(m map[AggKey]*Sums) []AggKey {
	keys := make([]AggKey, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b AggKey) int {
		switch {
		case a.less(b):
			return -1
		case b.less(a):
			return 1
		}
		return 0
	})
	return keys
}
