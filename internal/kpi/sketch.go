package kpi

import (
	"encoding/binary"
	"errors"
	"math"
	"math/bits"
	"slices"
)

// Sketch is a mergeable quantile sketch of non-negative integers — lead
// times in seconds — small enough to keep per engagement per day as bytes.
//
// It is a log-linear histogram (as in HdrHistogram, the integer cousin of
// DDSketch): values 0..127 have a bucket each, and every power-of-two
// range [2^e, 2^(e+1)) above is split into 128 equal buckets. A bucket is
// therefore never wider than 1/128 of its lower bound, and Quantile
// returns the bucket's midpoint (clamped to the exact minimum and
// maximum), so:
//
// Guarantee: for 0 < q < 1 and n values, let k = ⌈q·n⌉ (at least 1) and
// x_k the k-th smallest value added (the nearest-rank q-quantile). Then
// Quantile(q) lies in the same bucket as x_k — the rank is exact, there is
// no rank error — and |Quantile(q) − x_k| <= x_k/256 (0.39 % relative
// value error; exact below 256 s). Quantile(0) and Quantile(1) are the
// exact minimum and maximum.
//
// Everything is integer: the bucket of a value is computed with bit
// operations, no logarithms, so a sketch is the same on every platform.
// The only float is the argument q of Quantile (k = ⌈q·n⌉ is computed in
// float64, with a 1e-9 tolerance for q·n landing next to a whole number);
// QuantileRank takes q as an exact fraction and avoids floats entirely. A sketch
// holds only counts per bucket, the count, the minimum and the maximum,
// all of which add or combine commutatively; its encoding lists the
// buckets in order. Merging per-day sketches in any order thus gives
// byte for byte the sketch of adding all values at once, which lets
// "kpi verify" compare stored sketches with recomputed ones exactly.
//
// The zero Sketch is empty and ready to use. A Sketch is not safe for
// concurrent mutation; copy it with Clone.
type Sketch struct {
	n        uint64
	min, max int64
	idx      []uint16 // bucket indexes, strictly increasing
	cnt      []uint64 // cnt[i] > 0 values in bucket idx[i]
}

const (
	// SketchSubBuckets is the number of buckets per power of two; the
	// relative value error of Quantile is at most 1/(2·SketchSubBuckets).
	SketchSubBuckets = 1 << sketchSubBits
	sketchSubBits    = 7
	// sketchMaxIndex is the bucket of math.MaxInt64.
	sketchMaxIndex = (63-sketchSubBits)<<sketchSubBits + SketchSubBuckets - 1
	// SketchVersion is the first byte of an encoded sketch.
	SketchVersion = 1
)

// bucketOf returns the bucket index of v >= 0.
func bucketOf(v int64) uint16 {
	if v < SketchSubBuckets {
		return uint16(v)
	}
	shift := bits.Len64(uint64(v)) - 1 - sketchSubBits
	return uint16((shift+1)<<sketchSubBits + int(v>>shift) - SketchSubBuckets)
}

// bucketBounds returns the smallest value of bucket i and its width.
func bucketBounds(i uint16) (lo, width int64) {
	if i < SketchSubBuckets {
		return int64(i), 1
	}
	shift := int(i)>>sketchSubBits - 1
	mant := int64(i)&(SketchSubBuckets-1) + SketchSubBuckets
	return mant << shift, 1 << shift
}

// Clone returns an independent copy of s. Copy sketches with Clone, not by
// assignment: an assigned copy shares bucket storage with the original.
func (s *Sketch) Clone() *Sketch {
	c := *s
	c.idx, c.cnt = slices.Clone(s.idx), slices.Clone(s.cnt)
	return &c
}

// Add adds one value. A negative value (clock skew) is added as 0.
func (s *Sketch) Add(v int64) {
	v = max(v, 0)
	if s.n == 0 || v < s.min {
		s.min = v
	}
	if s.n == 0 || v > s.max {
		s.max = v
	}
	s.n++
	b := bucketOf(v)
	i, found := slices.BinarySearch(s.idx, b)
	if found {
		s.cnt[i]++
		return
	}
	s.idx = slices.Insert(s.idx, i, b)
	s.cnt = slices.Insert(s.cnt, i, 1)
}

// Count returns how many values were added.
func (s *Sketch) Count() int64 { return int64(s.n) }

// Min returns the smallest value added, exactly; 0 when empty.
func (s *Sketch) Min() int64 { return s.min }

// Max returns the largest value added, exactly; 0 when empty.
func (s *Sketch) Max() int64 { return s.max }

// Merge adds all values of o to s; o is not changed. The result does not
// depend on the order of merges.
func (s *Sketch) Merge(o *Sketch) {
	if o == nil || o.n == 0 {
		return
	}
	if s.n == 0 {
		s.n, s.min, s.max = o.n, o.min, o.max
		s.idx, s.cnt = slices.Clone(o.idx), slices.Clone(o.cnt)
		return
	}
	s.n += o.n
	s.min, s.max = min(s.min, o.min), max(s.max, o.max)
	// Count o's buckets that s lacks, grow s by that many, and merge from
	// the back in place: no allocation when s has room.
	extra := 0
	for i, j := 0, 0; j < len(o.idx); {
		switch {
		case i == len(s.idx) || o.idx[j] < s.idx[i]:
			extra++
			j++
		case s.idx[i] < o.idx[j]:
			i++
		default:
			i++
			j++
		}
	}
	i, j := len(s.idx)-1, len(o.idx)-1
	s.idx = slices.Grow(s.idx, extra)[:len(s.idx)+extra]
	s.cnt = slices.Grow(s.cnt, extra)[:len(s.cnt)+extra]
	for k := len(s.idx) - 1; j >= 0; k-- {
		switch {
		case i < 0 || o.idx[j] > s.idx[i]:
			s.idx[k], s.cnt[k] = o.idx[j], o.cnt[j]
			j--
		case s.idx[i] > o.idx[j]:
			s.idx[k], s.cnt[k] = s.idx[i], s.cnt[i]
			i--
		default:
			s.idx[k], s.cnt[k] = s.idx[i], s.cnt[i]+o.cnt[j]
			i--
			j--
		}
	}
}

// Quantile returns the q-quantile (0 <= q <= 1) of the values added, to
// within the guarantee stated on Sketch: the value of nearest rank
// ⌈q·n⌉. It returns 0 for an empty sketch (check Count: an empty sketch
// is "no data"); q <= 0 or NaN gives the minimum, q >= 1 the maximum.
func (s *Sketch) Quantile(q float64) int64 {
	if s.n == 0 {
		return 0
	}
	if !(q > 0) {
		return s.min
	}
	if q >= 1 {
		return s.max
	}
	// q·n in float64 is inexact (0.56·100000 is 56000.000000000007): a
	// product within 1e-9 relative of a whole number counts as that
	// number, so Quantile(0.56) agrees with QuantileRank(56, 100).
	x := q * float64(s.n)
	k := math.Ceil(x)
	if r := math.Round(x); math.Abs(x-r) <= 1e-9*max(1, x) {
		k = r
	}
	if k > float64(s.n) {
		k = float64(s.n)
	}
	return s.rankValue(max(uint64(k), 1))
}

// QuantileRank is Quantile without floats: the quantile num/den (0 <=
// num <= den, den > 0), e.g. QuantileRank(9, 10) for p90.
func (s *Sketch) QuantileRank(num, den uint64) int64 {
	if s.n == 0 || den == 0 {
		return 0
	}
	if num == 0 {
		return s.min
	}
	if num >= den {
		return s.max
	}
	// k = ⌈num·n/den⌉ in 128-bit arithmetic.
	hi, lo := bits.Mul64(num, s.n)
	q, r := bits.Div64(hi, lo, den) // hi < den since num < den
	if r != 0 {
		q++
	}
	return s.rankValue(max(q, 1))
}

// rankValue returns the estimate of the k-th smallest value, 1 <= k <= n.
func (s *Sketch) rankValue(k uint64) int64 {
	var seen uint64
	for i, c := range s.cnt {
		seen += c
		if seen >= k {
			lo, w := bucketBounds(s.idx[i])
			return min(max(lo+(w-1)/2, s.min), s.max)
		}
	}
	return s.max
}

// MarshalBinary encodes s canonically: equal sketches have equal bytes.
// Layout (all integers unsigned varints): version byte SketchVersion,
// byte sketchSubBits (7), count, min, max, number of buckets, then per
// bucket in increasing order the index gap from the previous bucket (the
// index itself for the first) and the count.
func (s *Sketch) MarshalBinary() ([]byte, error) {
	b := make([]byte, 0, 2+4*binary.MaxVarintLen64+len(s.idx)*4)
	b = append(b, SketchVersion, sketchSubBits)
	b = binary.AppendUvarint(b, s.n)
	b = binary.AppendUvarint(b, uint64(s.min))
	b = binary.AppendUvarint(b, uint64(s.max))
	b = binary.AppendUvarint(b, uint64(len(s.idx)))
	prev := uint16(0)
	for i, x := range s.idx {
		b = binary.AppendUvarint(b, uint64(x-prev))
		b = binary.AppendUvarint(b, s.cnt[i])
		prev = x
	}
	return b, nil
}

// ErrSketchEncoding is returned by UnmarshalBinary for bytes that are not
// a canonical encoding of a sketch of a known version.
var ErrSketchEncoding = errors.New("kpi: invalid sketch encoding")

// UnmarshalBinary decodes data written by MarshalBinary into s. It accepts
// only canonical, consistent encodings (counts adding up, buckets in
// order, minimum and maximum in the first and last bucket, minimal
// varints, nothing trailing), so that MarshalBinary gives back data
// exactly; otherwise it returns ErrSketchEncoding and leaves s unchanged.
func (s *Sketch) UnmarshalBinary(data []byte) error {
	if len(data) < 2 || data[0] != SketchVersion || data[1] != sketchSubBits {
		return ErrSketchEncoding
	}
	p := data[2:]
	next := func() (uint64, bool) {
		v, n := binary.Uvarint(p)
		if n <= 0 || n != max(1, (bits.Len64(v)+6)/7) { // minimal varints only
			return 0, false
		}
		p = p[n:]
		return v, true
	}
	var t Sketch
	n, ok1 := next()
	mn, ok2 := next()
	mx, ok3 := next()
	nb, ok4 := next()
	if !ok1 || !ok2 || !ok3 || !ok4 || mn > math.MaxInt64 || mx > math.MaxInt64 || mn > mx ||
		nb > sketchMaxIndex+1 || (n == 0) != (nb == 0) {
		return ErrSketchEncoding
	}
	t.n, t.min, t.max = n, int64(mn), int64(mx)
	t.idx, t.cnt = make([]uint16, 0, nb), make([]uint64, 0, nb)
	var sum, at uint64
	for i := uint64(0); i < nb; i++ {
		gap, ok1 := next()
		c, ok2 := next()
		if !ok1 || !ok2 || c == 0 || (i > 0 && gap == 0) || gap > sketchMaxIndex || at+gap > sketchMaxIndex {
			return ErrSketchEncoding
		}
		at += gap
		var carry uint64
		sum, carry = bits.Add64(sum, c, 0)
		if carry != 0 {
			return ErrSketchEncoding
		}
		t.idx, t.cnt = append(t.idx, uint16(at)), append(t.cnt, c)
	}
	if sum != n || (n > 0 && (bucketOf(t.min) != t.idx[0] || bucketOf(t.max) != t.idx[len(t.idx)-1])) ||
		(n == 0 && (mn != 0 || mx != 0)) {
		return ErrSketchEncoding
	}
	if len(p) != 0 { // trailing bytes
		return ErrSketchEncoding
	}
	*s = t
	return nil
}

// DecodeSketch decodes a stored sketch (UnmarshalBinary); nil when data is
// empty: no sketch stored.
func DecodeSketch(data []byte) (*Sketch, error) {
	if len(data) == 0 {
		return nil, nil
	}
	s := &Sketch{}
	if err := s.UnmarshalBinary(data); err != nil {
		return nil, err
	}
	return s, nil
}

// EncodeSketch encodes s for storage (MarshalBinary); nil, nothing to
// store, when s is nil or holds no value.
func EncodeSketch(s *Sketch) ([]byte, error) {
	if s == nil || s.Count() == 0 {
		return nil, nil
	}
	return s.MarshalBinary()
}

// MergeEncoded merges two encoded sketches, either of which may be empty,
// and returns the encoding of the merge: nil when both are empty, a copy of
// the one that is not when the other is.
func MergeEncoded(a, b []byte) ([]byte, error) {
	switch {
	case len(b) == 0:
		if len(a) == 0 {
			return nil, nil
		}
		return slices.Clone(a), nil
	case len(a) == 0:
		return slices.Clone(b), nil
	}
	sa, err := DecodeSketch(a)
	if err != nil {
		return nil, err
	}
	sb, err := DecodeSketch(b)
	if err != nil {
		return nil, err
	}
	sa.Merge(sb)
	return sa.MarshalBinary()
}
