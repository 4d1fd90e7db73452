package store

import (
	"context"
	"time"

	"github.com/tandemhq/tandem/internal/fact"
	"github.com/tandemhq/tandem/internal/kpi"
	"github.com/tandemhq/tandem/internal/metric"
	"github.com/tandemhq/tandem/internal/tandem"
)

// Mismatch is the first difference Verify found between the stored
// aggregates and those recomputed from the facts (metric.Mismatch).
type Mismatch = metric.Mismatch

// Verify recomputes every aggregate row from the raw facts (GROUP BY over
// all facts, sketches rebuilt from each fact's data) and compares them with
// kpi_daily, column by column and the sketch byte for byte (its encoding
// is canonical); then the same for kpi_weekly, with the recomputed days
// summed by week. It returns nil when they agree, and otherwise the first
// difference in key order (kpi_daily's first). It reads every fact: an
// operator's check ("tandem kpi verify"), not a request path.
func (s *KPIStore) Verify(ctx context.Context) (_ *Mismatch, err error) {
	defer wrap(&err, "KPIStore.Verify")
	stored, err := s.storedAggregates(ctx, "kpi_daily", "day")
	if err != nil {
		return nil, err
	}
	storedWeeks, err := s.storedAggregates(ctx, "kpi_weekly", "week")
	if err != nil {
		return nil, err
	}
	// Sketches recomputed from the facts of the kinds that keep one.
	sketches := map[metric.AggKey]*kpi.Sketch{}
	for _, kind := range metric.Kinds {
		if kind.SketchField == "" {
			continue
		}
		rows, err := s.db.query(ctx, `SELECT workspace_id, engagement_id, day, data FROM facts WHERE kind = ?`, kind.Name)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			k := metric.AggKey{Kind: kind.Name}
			var d tandem.Date
			var js string
			if err := rows.Scan(&k.WorkspaceID, &k.EngagementID, dateScan{&d}, &js); err != nil {
				rows.Close()
				return nil, err
			}
			k.Day = d.String()
			v, ok, err := fact.SketchValue(fact.Kind(kind.Name), js)
			if err != nil {
				rows.Close()
				return nil, err
			}
			if ok {
				if sketches[k] == nil {
					sketches[k] = &kpi.Sketch{}
				}
				sketches[k].Add(v)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	daily := map[metric.AggKey]metric.AggRow{}
	weeks := map[metric.AggKey]*metric.Sums{}
	type day struct {
		k metric.AggKey
		v metric.AggRow
		d tandem.Date
	}
	days, err := scanAll(ctx, s.db, func(r scanner, x *day) error {
		err := r.Scan(&x.k.WorkspaceID, &x.k.EngagementID, &x.k.Kind, dateScan{&x.d},
			&x.v.N, &x.v.SumValue, &x.v.SumSqValue, &x.v.SumFlag, &x.v.SumAmount, &x.v.NZero)
		x.k.Day = x.d.String()
		return err
	}, `SELECT workspace_id, engagement_id, kind, day, `+factSums()+` FROM facts GROUP BY workspace_id, engagement_id, kind, day`)
	if err != nil {
		return nil, err
	}
	for _, x := range days {
		sk := sketches[x.k]
		if x.v.Encoded, err = kpi.EncodeSketch(sk); err != nil {
			return nil, err
		}
		daily[x.k] = x.v
		wk := x.k
		wk.Day = kpi.MondayOf(x.d.Time()).Format(time.DateOnly)
		if weeks[wk] == nil {
			weeks[wk] = &metric.Sums{}
		}
		sums := x.v.Sums
		sums.Sketch = sk
		weeks[wk].Add(sums)
	}
	if m := metric.CompareAggregates("kpi_daily", stored, daily); m != nil {
		return m, nil
	}
	weekly := map[metric.AggKey]metric.AggRow{}
	for k, w := range weeks {
		v := metric.AggRow{Sums: *w}
		if v.Encoded, err = kpi.EncodeSketch(w.Sketch); err != nil {
			return nil, err
		}
		weekly[k] = v
	}
	return metric.CompareAggregates("kpi_weekly", storedWeeks, weekly), nil
}

// storedAggregates reads every row of an aggregate table (kpi_daily by
// day, kpi_weekly by week), by key: on PostgreSQL the sum of the key's
// slots' rows (aggSlots), their sketches merged (exact and canonical, so
// the merge compares byte for byte with the recomputed sketch). A key of
// one row keeps its sketch's bytes as stored; a slot's sketch that cannot
// be decoded stands for the key's, so that the comparison reports it.
func (s *KPIStore) storedAggregates(ctx context.Context, table, col string) (map[metric.AggKey]metric.AggRow, error) {
	type row struct {
		k metric.AggKey
		v metric.AggRow
	}
	rows, err := scanAll(ctx, s.db, func(r scanner, x *row) error {
		var d tandem.Date
		err := r.Scan(&x.k.WorkspaceID, &x.k.EngagementID, &x.k.Kind, dateScan{&d},
			&x.v.N, &x.v.SumValue, &x.v.SumSqValue, &x.v.SumFlag, &x.v.SumAmount, &x.v.NZero, &x.v.Encoded)
		x.k.Day = d.String()
		return err
	}, `SELECT workspace_id, engagement_id, kind, `+col+`, n, sum_value, sum_sq_value, sum_flag, sum_amount, n_zero, sketch FROM `+table)
	stored := map[metric.AggKey]metric.AggRow{}
	for _, x := range rows {
		v, ok := stored[x.k]
		if !ok {
			stored[x.k] = x.v
			continue
		}
		v.Sums.Add(x.v.Sums) // no sketch: Encoded holds it
		if merged, err := kpi.MergeEncoded(v.Encoded, x.v.Encoded); err == nil {
			v.Encoded = merged
		} else if _, bad := kpi.DecodeSketch(v.Encoded); bad == nil {
			v.Encoded = x.v.Encoded // the undecodable one
		}
		stored[x.k] = v
	}
	return stored, err
}
