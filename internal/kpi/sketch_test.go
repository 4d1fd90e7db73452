package kpi

import (
	"bytes"
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestSketchBuckets(t *testing.T) {
	t.Parallel()
	// Buckets are contiguous, in value order, and never wider than 1/128
	// of their lower bound above 127.
	prev := uint16(0)
	check := func(v int64) {
		b := bucketOf(v)
		lo, w := bucketBounds(b)
		if v < lo || v-lo >= w || (lo >= SketchSubBuckets && w*SketchSubBuckets > lo) || (lo < SketchSubBuckets && w != 1) {
			t.Fatalf("value %d in bucket %d = [%d, %d+%d)", v, b, lo, lo, w)
		}
		if b < prev || b > sketchMaxIndex {
			t.Fatalf("bucket %d of %d after %d", b, v, prev)
		}
		prev = b
	}
	for v := int64(0); v < 1<<16; v++ {
		check(v)
	}
	for e := 16; e < 63; e++ {
		for _, v := range []int64{1 << e, 1<<e + 1, 1<<(e+1) - 1} {
			check(v)
		}
	}
	check(math.MaxInt64)
	if bucketOf(math.MaxInt64) != sketchMaxIndex {
		t.Errorf("max bucket %d", bucketOf(math.MaxInt64))
	}
}

// leadTimes returns n seeded pseudo-random lead times in seconds,
// log-uniform between 1 s and about 116 days, with a tenth under 10 min.
func leadTimes(seed uint64, n int) []int64 {
	r := rand.New(rand.NewPCG(seed, 42))
	out := make([]int64, n)
	for i := range out {
		if r.IntN(10) == 0 {
			out[i] = r.Int64N(600)
		} else {
			out[i] = int64(math.Exp(r.Float64() * math.Log(1e7)))
		}
	}
	return out
}

func TestSketchAccuracy(t *testing.T) {
	t.Parallel()
	// 100k values against exact nearest-rank quantiles: the rank is exact
	// and the value within 1/256 relative.
	vals := leadTimes(1, 100000)
	var s Sketch
	for _, v := range vals {
		s.Add(v)
	}
	sorted := slices.Clone(vals)
	slices.Sort(sorted)
	n := len(sorted)
	worst := 0.0
	for i := 1; i < 1000; i++ {
		q := float64(i) / 1000
		k := (i*n + 999) / 1000 // ⌈i·n/1000⌉ in integers
		exact := sorted[k-1]
		got := s.Quantile(q)
		if d := got - exact; d < 0 && -d*256 > exact || d > 0 && d*256 > exact {
			t.Fatalf("q=%v: got %d, exact %d", q, got, exact)
		}
		if exact > 0 {
			worst = max(worst, math.Abs(float64(got-exact))/float64(exact))
		}
		// the estimate is in the bucket of the exact value: no rank error
		if bucketOf(got) != bucketOf(exact) {
			t.Fatalf("q=%v: %d not in the bucket of %d", q, got, exact)
		}
		if i%10 == 0 && s.QuantileRank(uint64(i), 1000) != got {
			t.Fatalf("QuantileRank(%d/1000) = %d, Quantile %d", i, s.QuantileRank(uint64(i), 1000), got)
		}
	}
	t.Logf("100k values: worst relative error %.4f %% (bound %.4f %%)", worst*100, 100.0/256)
	if s.Count() != int64(n) || s.Quantile(0) != sorted[0] || s.Quantile(1) != sorted[n-1] || s.Min() != sorted[0] || s.Max() != sorted[n-1] {
		t.Errorf("count/min/max: %d %d %d", s.Count(), s.Quantile(0), s.Quantile(1))
	}
	b, _ := s.MarshalBinary()
	t.Logf("100k values: %d buckets, %d bytes", len(s.idx), len(b))
}

func TestSketchSmall(t *testing.T) {
	t.Parallel()
	var s Sketch
	if s.Quantile(0.5) != 0 || s.Count() != 0 || s.QuantileRank(1, 2) != 0 {
		t.Error("empty sketch")
	}
	// Values below 256 are exact. p50 of 10, 20, 30, 40 is the 2nd value
	// (⌈0.5·4⌉ = 2): 20; p90 the 4th (⌈3.6⌉): 40.
	for _, v := range []int64{40, 10, 30, 20} {
		s.Add(v)
	}
	if s.Quantile(0.5) != 20 || s.Quantile(0.9) != 40 || s.QuantileRank(1, 4) != 10 || s.QuantileRank(3, 4) != 30 {
		t.Errorf("p50 %d p90 %d", s.Quantile(0.5), s.Quantile(0.9))
	}
	// One value of 86400 s (a day): bucket [86016, 86528), but min/max
	// clamp the estimate to the exact value.
	var one Sketch
	one.Add(86400)
	if one.Quantile(0.5) != 86400 {
		t.Errorf("single value: %d", one.Quantile(0.5))
	}
	var neg Sketch
	neg.Add(-5)
	if neg.Min() != 0 || neg.Quantile(0.5) != 0 {
		t.Error("negative value not added as 0")
	}
	if s.Quantile(math.NaN()) != 10 || s.Quantile(-1) != 10 || s.Quantile(2) != 40 {
		t.Error("out-of-range q")
	}
}

func TestSketchMergeOrderIndependent(t *testing.T) {
	t.Parallel()
	// 100k values over 60 "days" of uneven size. Per-day sketches stored as
	// bytes and merged in any order give exactly the bytes of one sketch
	// of all values.
	vals := leadTimes(7, 100000)
	var all Sketch
	for _, v := range vals {
		all.Add(v)
	}
	want, _ := all.MarshalBinary()

	r := rand.New(rand.NewPCG(3, 4))
	var days [][]byte
	for rest := vals; len(rest) > 0; {
		k := min(len(rest), 1+r.IntN(3400))
		var d Sketch
		for _, v := range rest[:k] {
			d.Add(v)
		}
		b, _ := d.MarshalBinary()
		days = append(days, b)
		rest = rest[k:]
	}
	load := func(b []byte) *Sketch {
		var s Sketch
		if err := s.UnmarshalBinary(b); err != nil {
			t.Fatal(err)
		}
		return &s
	}
	for trial := 0; trial < 20; trial++ {
		order := r.Perm(len(days))
		var m Sketch
		if trial%2 == 1 {
			// pairwise (tree) merging
			parts := make([]*Sketch, len(order))
			for i, j := range order {
				parts[i] = load(days[j])
			}
			for len(parts) > 1 {
				var next []*Sketch
				for i := 0; i+1 < len(parts); i += 2 {
					parts[i].Merge(parts[i+1])
					next = append(next, parts[i])
				}
				if len(parts)%2 == 1 {
					next = append(next, parts[len(parts)-1])
				}
				parts = next
			}
			m = *parts[0]
		} else {
			for _, j := range order {
				m.Merge(load(days[j]))
			}
		}
		got, _ := m.MarshalBinary()
		if !bytes.Equal(got, want) {
			t.Fatalf("trial %d: merged sketch differs (%d vs %d bytes)", trial, len(got), len(want))
		}
	}
	// Merging leaves the argument alone and tolerates empties.
	a, b := load(days[0]), load(days[1])
	before, _ := b.MarshalBinary()
	a.Merge(b)
	a.Merge(nil)
	a.Merge(&Sketch{})
	after, _ := b.MarshalBinary()
	if !bytes.Equal(before, after) {
		t.Error("Merge changed its argument")
	}
	c := b.Clone()
	c.Add(1 << 40)
	c.Merge(a)
	if after2, _ := b.MarshalBinary(); !bytes.Equal(before, after2) {
		t.Error("Clone shares storage")
	}
	var e Sketch
	e.Merge(b)
	e.Add(1)
	if after2, _ := b.MarshalBinary(); !bytes.Equal(before, after2) {
		t.Error("merge into empty shares storage with the argument")
	}
}

func TestSketchEncoding(t *testing.T) {
	t.Parallel()
	var empty Sketch
	eb, _ := empty.MarshalBinary()
	if !bytes.Equal(eb, []byte{SketchVersion, 7, 0, 0, 0, 0}) {
		t.Errorf("empty = %v", eb)
	}
	// A typical day: 40 lead times between 10 min and 3 days.
	var day Sketch
	for i, v := range leadTimes(9, 40) {
		day.Add(600 + v%(3*86400) + int64(i))
	}
	b, _ := day.MarshalBinary()
	t.Logf("a day of 40 lead times: %d bytes", len(b))
	if len(b) > 200 {
		t.Errorf("a day of 40 values takes %d bytes", len(b))
	}
	var back Sketch
	if err := back.UnmarshalBinary(b); err != nil {
		t.Fatal(err)
	}
	if b2, _ := back.MarshalBinary(); !bytes.Equal(b, b2) || back.Quantile(0.9) != day.Quantile(0.9) {
		t.Error("round trip")
	}
	var s Sketch
	s.Add(5)
	s.Add(300)
	good, _ := s.MarshalBinary() // 1 7 | n=2 min=5 max=300(2 bytes) nb=2 | gap 5 c 1 | gap … c 1
	bad := map[string][]byte{
		"nil":          nil,
		"version":      append([]byte{2}, good[1:]...),
		"sub bits":     append([]byte{1, 8}, good[2:]...),
		"truncated":    good[:len(good)-1],
		"trailing":     append(slices.Clone(good), 0),
		"overlong":     {1, 7, 0x80, 0x00, 0, 0, 0},             // count 0 as two bytes
		"count sum":    {1, 7, 3, 5, 5, 1, 5, 1},                // count 3, one bucket of 1
		"zero count":   {1, 7, 1, 5, 5, 2, 5, 1, 1, 0},          // a bucket with count 0
		"empty w/ min": {1, 7, 0, 1, 1, 0},                      // empty but min 1
		"min bucket":   {1, 7, 1, 6, 6, 1, 5, 1},                // min 6 in bucket 5
		"min > max":    {1, 7, 1, 6, 5, 1, 6, 1},                // min 6, max 5
		"order":        {1, 7, 2, 5, 5, 2, 5, 1, 0, 1},          // repeated bucket
		"no buckets":   {1, 7, 1, 5, 5, 0},                      // count 1, no bucket
		"huge index":   {1, 7, 1, 5, 5, 1, 0xff, 0xff, 0x03, 1}, // index 65535
	}
	for name, data := range bad {
		before, _ := s.MarshalBinary()
		if err := s.UnmarshalBinary(data); err == nil {
			t.Errorf("%s: accepted %v", name, data)
		}
		if after, _ := s.MarshalBinary(); !bytes.Equal(before, after) {
			t.Errorf("%s: sketch changed by a failed decode", name)
		}
	}
}

func FuzzSketchUnmarshal(f *testing.F) {
	var s Sketch
	for _, v := range []int64{0, 5, 300, 86400, 1 << 40} {
		s.Add(v)
	}
	good, _ := s.MarshalBinary()
	f.Add(good)
	f.Add([]byte{1, 7, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		var s Sketch
		if s.UnmarshalBinary(data) != nil {
			return
		}
		// Accepted bytes are canonical and usable.
		again, _ := s.MarshalBinary()
		if !bytes.Equal(again, data) {
			t.Fatalf("accepted non-canonical %v, re-encoded %v", data, again)
		}
		if q := s.Quantile(0.5); q < s.Min() || q > s.Max() {
			t.Fatalf("median %d outside [%d, %d]", q, s.Min(), s.Max())
		}
	})
}

func TestSketchStoredForms(t *testing.T) {
	t.Parallel()
	enc := func(vs ...int64) []byte {
		var s Sketch
		for _, v := range vs {
			s.Add(v)
		}
		b, err := EncodeSketch(&s)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	if b := enc(); b != nil {
		t.Fatalf("an empty sketch is stored as %v, want nothing", b)
	}
	if b, err := EncodeSketch(nil); b != nil || err != nil {
		t.Fatalf("EncodeSketch(nil) = %v, %v", b, err)
	}
	if s, err := DecodeSketch(nil); s != nil || err != nil {
		t.Fatalf("DecodeSketch(nil) = %v, %v", s, err)
	}
	s, err := DecodeSketch(enc(3, 5, 900))
	if err != nil || s.Count() != 3 || s.Min() != 3 || s.Max() != 900 {
		t.Fatalf("DecodeSketch = %v, %v; want 3 values from 3 to 900", s, err)
	}
	if _, err := DecodeSketch([]byte{0xff}); !errors.Is(err, ErrSketchEncoding) {
		t.Fatalf("DecodeSketch(junk) = %v, want ErrSketchEncoding", err)
	}
	// Merging encodings gives the encoding of all the values.
	for _, c := range []struct {
		a, b, want []byte
	}{
		{enc(1, 2), enc(300), enc(1, 2, 300)},
		{enc(1, 2), nil, enc(1, 2)},
		{nil, enc(7), enc(7)},
		{nil, nil, nil},
	} {
		got, err := MergeEncoded(c.a, c.b)
		if err != nil || !bytes.Equal(got, c.want) {
			t.Errorf("MergeEncoded(%v, %v) = %v, %v; want %v", c.a, c.b, got, err, c.want)
		}
	}
	if _, err := MergeEncoded(enc(1), []byte{0xff}); !errors.Is(err, ErrSketchEncoding) {
		t.Fatalf("MergeEncoded(junk) = %v, want ErrSketchEncoding", err)
	}
}
