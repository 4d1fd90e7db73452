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
	for _, r := range b.rows(engagementID, kind, day, week) {
		r.Add(d)
		if hasSketch {
			if r.Sketch == nil {
				r.Sketch = &kpi.Sketch{}
			}
			r.Sketch.Add(v)
		}
	}
}

// Change adds what correcting one recorded fact's value from old to new,
// on the same day, changes in its rows: n stays, Σvalue moves by
// new − old, Σvalue² (kinds that keep it) by new² − old², and the count
// of zero values as the value leaves or reaches 0. It reports false, and
// adds nothing, for a kind that keeps a sketch: a value cannot be taken
// out of a sketch, so its day must be computed again from its facts.
func (b *Deltas) Change(engagementID int64, kind fact.Kind, day, week string, old, new int64) bool {
	k, _ := fact.Lookup(kind)
	if k.Sketch != nil {
		return false
	}
	d := Sums{SumValue: new - old}
	if k.Squares {
		d.SumSqValue = new*new - old*old
	}
	if old == 0 {
		d.NZero--
	}
	if new == 0 {
		d.NZero++
	}
	for _, r := range b.rows(engagementID, kind, day, week) {
		r.Add(d)
	}
	return true
}

// rows returns the day's and the week's row of a kind, created empty
// when b has none yet.
func (b *Deltas) rows(engagementID int64, kind fact.Kind, day, week string) [2]*Sums {
	var out [2]*Sums
	for i, t := range [2]struct {
		m   map[AggKey]*Sums
		key AggKey
	}{{b.Daily, AggKey{EngagementID: engagementID, Kind: string(kind), Day: day}},
		{b.Weekly, AggKey{EngagementID: engagementID, Kind: string(kind), Day: week}}} {
		r := t.m[t.key]
		if r == nil {
			r = &Sums{}
			t.m[t.key] = r
		}
		out[i] = r
	}
	return out
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
