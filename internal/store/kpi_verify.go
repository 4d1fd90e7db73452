package store

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"github.com/tandemhq/tandem/internal/fact"
	"github.com/tandemhq/tandem/internal/kpi"
	"github.com/tandemhq/tandem/internal/metric"
	"github.com/tandemhq/tandem/internal/tandem"
)

// Mismatch is the first difference Verify found between the stored
// aggregates and those recomputed from the facts, in the order of
// (workspace, engagement, kind, day). Stored is "missing" for a day with
// facts but no aggregate row; Recomputed is "missing" for a row whose day
// has no facts.
//
// Table is "kpi_daily" or "kpi_weekly" (whose Day is the Monday of the
// week); kpi_daily is checked first.
type Mismatch struct {
	Table                     string
	WorkspaceID, EngagementID int64
	Kind, Day, Column         string
	Stored, Recomputed        string
}

func (m *Mismatch) Error() string {
	day := "day"
	if m.Table == "kpi_weekly" {
		day = "week"
	}
	return fmt.Sprintf("%s differs from the facts: workspace %d, engagement %d, kind %s, %s %s, %s: stored %s, recomputed %s",
		m.Table, m.WorkspaceID, m.EngagementID, m.Kind, day, m.Day, m.Column, m.Stored, m.Recomputed)
}

type dailyKey struct {
	ws, eng   int64
	kind, day string
}

func (a dailyKey) less(b dailyKey) bool {
	if a.ws != b.ws {
		return a.ws < b.ws
	}
	if a.eng != b.eng {
		return a.eng < b.eng
	}
	if a.kind != b.kind {
		return a.kind < b.kind
	}
	return a.day < b.day
}

type dailyVals struct {
	n, sumValue, sumSq, sumFlag, sumAmount, nZero int64
	sketch                                        []byte
}

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
	sketches := map[dailyKey]*kpi.Sketch{}
	for _, kind := range metric.Kinds {
		if kind.SketchField == "" {
			continue
		}
		rows, err := s.db.query(ctx, `SELECT workspace_id, engagement_id, day, data FROM facts WHERE kind = ?`, kind.Name)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			k := dailyKey{kind: kind.Name}
			var d tandem.Date
			var js string
			if err := rows.Scan(&k.ws, &k.eng, dateScan{&d}, &js); err != nil {
				rows.Close()
				return nil, err
			}
			k.day = d.String()
			v, ok, err := sketchValue(fact.Kind(kind.Name), js)
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
	var first *Mismatch
	var firstKey dailyKey
	note := func(table string, k dailyKey, col, st, re string) {
		if first == nil || (first.Table == table && k.less(firstKey)) {
			first, firstKey = &Mismatch{Table: table, WorkspaceID: k.ws, EngagementID: k.eng, Kind: k.kind, Day: k.day, Column: col, Stored: st, Recomputed: re}, k
		}
	}
	compare := func(table string, k dailyKey, st dailyVals, v dailyVals) {
		for _, c := range []struct {
			col    string
			st, re int64
		}{{"n", st.n, v.n}, {"sum_value", st.sumValue, v.sumValue}, {"sum_sq_value", st.sumSq, v.sumSq},
			{"sum_flag", st.sumFlag, v.sumFlag}, {"sum_amount", st.sumAmount, v.sumAmount}, {"n_zero", st.nZero, v.nZero}} {
			if c.st != c.re {
				note(table, k, c.col, fmt.Sprint(c.st), fmt.Sprint(c.re))
				return
			}
		}
		if !bytes.Equal(st.sketch, v.sketch) {
			note(table, k, "sketch", sketchText(st.sketch), sketchText(v.sketch))
		}
	}
	weeks := map[dailyKey]*aggRow{} // recomputed
	type day struct {
		k dailyKey
		v dailyVals
		d tandem.Date
	}
	days, err := scanAll(ctx, s.db, func(r scanner, x *day) error {
		err := r.Scan(&x.k.ws, &x.k.eng, &x.k.kind, dateScan{&x.d}, &x.v.n, &x.v.sumValue, &x.v.sumSq, &x.v.sumFlag, &x.v.sumAmount, &x.v.nZero)
		x.k.day = x.d.String()
		return err
	}, `SELECT workspace_id, engagement_id, kind, day, `+factSums()+` FROM facts GROUP BY workspace_id, engagement_id, kind, day`)
	if err != nil {
		return nil, err
	}
	for _, x := range days {
		k, v, d := x.k, x.v, x.d
		sk := sketches[k]
		if v.sketch, err = kpi.EncodeSketch(sk); err != nil {
			return nil, err
		}
		wk := k
		wk.day = kpi.MondayOf(d.Time()).Format(time.DateOnly)
		if weeks[wk] == nil {
			weeks[wk] = &aggRow{}
		}
		weeks[wk].add(&aggRow{n: v.n, sumValue: v.sumValue, sumSq: v.sumSq, sumFlag: v.sumFlag, sumAmount: v.sumAmount, nZero: v.nZero, sketch: sk})
		st, ok := stored[k]
		if !ok {
			note("kpi_daily", k, "row", "missing", fmt.Sprintf("n=%d", v.n))
			continue
		}
		delete(stored, k)
		compare("kpi_daily", k, st, v)
	}
	for k, st := range stored {
		note("kpi_daily", k, "row", fmt.Sprintf("n=%d", st.n), "missing")
	}
	if first != nil {
		return first, nil
	}
	for k, w := range weeks {
		v := dailyVals{n: w.n, sumValue: w.sumValue, sumSq: w.sumSq, sumFlag: w.sumFlag, sumAmount: w.sumAmount, nZero: w.nZero}
		if v.sketch, err = kpi.EncodeSketch(w.sketch); err != nil {
			return nil, err
		}
		st, ok := storedWeeks[k]
		if !ok {
			note("kpi_weekly", k, "row", "missing", fmt.Sprintf("n=%d", v.n))
			continue
		}
		delete(storedWeeks, k)
		compare("kpi_weekly", k, st, v)
	}
	for k, st := range storedWeeks {
		note("kpi_weekly", k, "row", fmt.Sprintf("n=%d", st.n), "missing")
	}
	return first, nil
}

// storedAggregates reads every row of an aggregate table (kpi_daily by
// day, kpi_weekly by week).
func (s *KPIStore) storedAggregates(ctx context.Context, table, col string) (map[dailyKey]dailyVals, error) {
	type row struct {
		k dailyKey
		v dailyVals
	}
	rows, err := scanAll(ctx, s.db, func(r scanner, x *row) error {
		var d tandem.Date
		err := r.Scan(&x.k.ws, &x.k.eng, &x.k.kind, dateScan{&d}, &x.v.n, &x.v.sumValue, &x.v.sumSq, &x.v.sumFlag, &x.v.sumAmount, &x.v.nZero, &x.v.sketch)
		x.k.day = d.String()
		return err
	}, `SELECT workspace_id, engagement_id, kind, `+col+`, n, sum_value, sum_sq_value, sum_flag, sum_amount, n_zero, sketch FROM `+table)
	stored := map[dailyKey]dailyVals{}
	for _, x := range rows {
		stored[x.k] = x.v
	}
	return stored, err
}

// sketchText describes an encoded sketch for a Mismatch.
func sketchText(b []byte) string {
	if len(b) == 0 {
		return "none"
	}
	var sk kpi.Sketch
	if err := sk.UnmarshalBinary(b); err != nil {
		return fmt.Sprintf("undecodable (%d bytes)", len(b))
	}
	return fmt.Sprintf("%d values, min %d, max %d, %d bytes", sk.Count(), sk.Min(), sk.Max(), len(b))
}
