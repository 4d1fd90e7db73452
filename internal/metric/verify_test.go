package metric

import (
	"strconv"
	"testing"

	"github.com/tandemhq/tandem/internal/kpi"
)

func TestCompareAggregates(t *testing.T) {
	t.Parallel()
	var sk kpi.Sketch
	sk.Add(40)
	sk.Add(7)
	enc, err := kpi.EncodeSketch(&sk)
	if err != nil {
		t.Fatal(err)
	}
	a := AggKey{WorkspaceID: 1, EngagementID: 2, Kind: "deliverable.accepted", Day: "2026-03-02"}
	b := AggKey{WorkspaceID: 1, EngagementID: 2, Kind: "deliverable.accepted", Day: "2026-03-03"}
	c := AggKey{WorkspaceID: 1, EngagementID: 3, Kind: "deliverable.accepted", Day: "2026-03-01"}
	row := func(n, flag int64, sketch []byte) AggRow {
		return AggRow{Sums: Sums{N: n, SumValue: 10 * n, SumFlag: flag}, Encoded: sketch}
	}
	both := func() map[AggKey]AggRow {
		return map[AggKey]AggRow{a: row(2, 1, enc), b: row(1, 0, nil), c: row(3, 3, nil)}
	}
	if m := CompareAggregates("kpi_daily", both(), both()); m != nil {
		t.Fatalf("equal aggregates: %v", m)
	}

	// Two rows differ: the first in key order (engagement 2 before 3, then
	// day) is the one reported, in its first differing column.
	st, re := both(), both()
	st[c] = row(3, 2, nil)
	st[b] = row(1, 1, nil)
	m := CompareAggregates("kpi_weekly", st, re)
	want := Mismatch{Table: "kpi_weekly", WorkspaceID: 1, EngagementID: 2, Kind: "deliverable.accepted", Day: "2026-03-03",
		Column: "sum_flag", Stored: "1", Recomputed: "0"}
	if m == nil || *m != want {
		t.Fatalf("CompareAggregates = %+v, want %+v", m, want)
	}
	if got := m.Error(); got != "kpi_weekly differs from the facts: workspace 1, engagement 2, kind deliverable.accepted, week 2026-03-03, sum_flag: stored 1, recomputed 0" {
		t.Errorf("Error() = %q", got)
	}

	// n is compared before the other sums.
	st, re = both(), both()
	st[a] = AggRow{Sums: Sums{N: 3, SumValue: 99}, Encoded: enc}
	if m := CompareAggregates("kpi_daily", st, re); m == nil || m.Column != "n" || m.Stored != "3" || m.Recomputed != "2" {
		t.Fatalf("differing n: %+v", m)
	}

	// A row on one side only.
	st, re = both(), both()
	delete(st, b)
	if m := CompareAggregates("kpi_daily", st, re); m == nil || m.Day != "2026-03-03" || m.Column != "row" || m.Stored != "missing" || m.Recomputed != "n=1" {
		t.Fatalf("a row not stored: %+v", m)
	}
	st, re = both(), both()
	delete(re, a)
	if m := CompareAggregates("kpi_daily", st, re); m == nil || m.Day != "2026-03-02" || m.Column != "row" || m.Stored != "n=2" || m.Recomputed != "missing" {
		t.Fatalf("a row without facts: %+v", m)
	}

	// Sketches compare byte for byte and are described.
	st, re = both(), both()
	st[a] = row(2, 1, nil)
	if m := CompareAggregates("kpi_daily", st, re); m == nil || m.Column != "sketch" || m.Stored != "none" ||
		m.Recomputed != "2 values, min 7, max 40, "+strconv.Itoa(len(enc))+" bytes" {
		t.Fatalf("a missing sketch: %+v", m)
	}
	st[a] = row(2, 1, []byte{0xff, 1})
	if m := CompareAggregates("kpi_daily", st, re); m == nil || m.Stored != "undecodable (2 bytes)" {
		t.Fatalf("an undecodable sketch: %+v", m)
	}
}
