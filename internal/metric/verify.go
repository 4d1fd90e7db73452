package metric

import (
	"bytes"
	"fmt"

	"github.com/tandemhq/tandem/internal/kpi"
)

// AggKey names an aggregate row of a workspace: kpi_daily's by day,
// kpi_weekly's by the Monday of the week ("2006-01-02").
type AggKey struct {
	WorkspaceID, EngagementID int64
	Kind, Day                 string
}

// less orders keys by workspace, engagement, kind and day.
func (a AggKey) less(b AggKey) bool {
	if a.WorkspaceID != b.WorkspaceID {
		return a.WorkspaceID < b.WorkspaceID
	}
	if a.EngagementID != b.EngagementID {
		return a.EngagementID < b.EngagementID
	}
	if a.Kind != b.Kind {
		return a.Kind < b.Kind
	}
	return a.Day < b.Day
}

// AggRow is an aggregate row's values as compared: the sums, and the
// sketch in its stored encoding (kpi.EncodeSketch; Sums.Sketch is not
// compared).
type AggRow struct {
	Sums
	Encoded []byte
}

// Mismatch is the first difference between the stored aggregates and
// those recomputed from the facts, in the order of (workspace, engagement,
// kind, day). Stored is "missing" for a day with facts but no aggregate
// row; Recomputed is "missing" for a row whose day has no facts.
//
// Table is "kpi_daily" or "kpi_weekly" (whose Day is the Monday of the
// week).
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

// CompareAggregates compares the stored rows of an aggregate table with
// those recomputed from the facts, column by column and the sketch byte
// for byte (its encoding is canonical), and returns the first difference
// in key order, or nil when they agree. A row's first differing column is
// its difference; a row on one side only differs in the column "row".
func CompareAggregates(table string, stored, recomputed map[AggKey]AggRow) *Mismatch {
	var first *Mismatch
	var firstKey AggKey
	note := func(k AggKey, col, st, re string) {
		if first == nil || k.less(firstKey) {
			first, firstKey = &Mismatch{Table: table, WorkspaceID: k.WorkspaceID, EngagementID: k.EngagementID, Kind: k.Kind, Day: k.Day,
				Column: col, Stored: st, Recomputed: re}, k
		}
	}
	for k, re := range recomputed {
		st, ok := stored[k]
		if !ok {
			note(k, "row", "missing", fmt.Sprintf("n=%d", re.N))
			continue
		}
		if col, a, b := firstDifference(st, re); col != "" {
			note(k, col, a, b)
		}
	}
	for k, st := range stored {
		if _, ok := recomputed[k]; !ok {
			note(k, "row", fmt.Sprintf("n=%d", st.N), "missing")
		}
	}
	return first
}

// firstDifference names the first column in which st and re differ, with
// both values as text; "" when they agree.
func firstDifference(st, re AggRow) (col, stored, recomputed string) {
	for _, c := range []struct {
		col    string
		st, re int64
	}{{"n", st.N, re.N}, {"sum_value", st.SumValue, re.SumValue}, {"sum_sq_value", st.SumSqValue, re.SumSqValue},
		{"sum_flag", st.SumFlag, re.SumFlag}, {"sum_amount", st.SumAmount, re.SumAmount}, {"n_zero", st.NZero, re.NZero}} {
		if c.st != c.re {
			return c.col, fmt.Sprint(c.st), fmt.Sprint(c.re)
		}
	}
	if !bytes.Equal(st.Encoded, re.Encoded) {
		return "sketch", sketchText(st.Encoded), sketchText(re.Encoded)
	}
	return "", "", ""
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
