package audit

import (
	"testing"
	"time"
)

func chain(n int) []Entry {
	prev := Genesis
	var es []Entry
	at := time.Date(2026, 11, 22, 10, 0, 0, 123456789, time.UTC)
	for i := 1; i <= n; i++ {
		e := Entry{ID: int64(i), WorkspaceID: 7, Seq: int64(i), At: at.Add(time.Duration(i) * time.Minute),
			ActorID: 3, Actor: "a@example.com", Action: "partner.updated", Entity: "partner", EntityID: 9,
			Data: `{"name":"x"}`, PrevHash: prev}
		e.Hash = ComputeHash(e)
		prev = e.Hash
		es = append(es, e)
	}
	return es
}

func verify(es []Entry, headSeq int64, headHash string) *Break {
	v := NewVerifier(7)
	for _, e := range es {
		v.Add(e)
	}
	return v.Finish(headSeq, headHash)
}

func TestVerifier(t *testing.T) {
	t.Parallel()
	es := chain(5)
	if b := verify(es, 5, es[4].Hash); b != nil {
		t.Fatalf("intact chain reported broken: %+v", b)
	}

	altered := chain(5)
	altered[2].Data = `{"name":"y"}`
	if b := verify(altered, 5, altered[4].Hash); b == nil || b.Seq != 3 || b.Reason != "altered" {
		t.Fatalf("altered entry 3: got %+v", b)
	}

	removed := append(chain(5)[:1], chain(5)[2:]...)
	if b := verify(removed, 5, es[4].Hash); b == nil || b.Seq != 2 || b.Reason != "missing" {
		t.Fatalf("removed entry 2: got %+v", b)
	}

	tail := chain(5)[:4]
	if b := verify(tail, 5, es[4].Hash); b == nil || b.Seq != 5 || b.Reason != "missing" {
		t.Fatalf("removed tail: got %+v", b)
	}

	// Rehashing one entry after altering it still breaks the next link.
	rehashed := chain(5)
	rehashed[1].Actor = "mallory@example.com"
	rehashed[1].Hash = ComputeHash(rehashed[1])
	if b := verify(rehashed, 5, rehashed[4].Hash); b == nil || b.Seq != 3 || b.Reason != "reordered" {
		t.Fatalf("rehashed entry 2: got %+v", b)
	}
}

func TestHashIgnoresSubMicrosecondAndZone(t *testing.T) {
	t.Parallel()
	e := chain(1)[0]
	f := e
	f.At = e.At.Truncate(time.Microsecond).In(time.FixedZone("x", 3600))
	if ComputeHash(e) != ComputeHash(f) {
		t.Fatal("hash depends on sub-microsecond precision or zone")
	}
}

func TestChanges(t *testing.T) {
	t.Parallel()
	before := map[string]any{"title": "Support", "status": "draft", "ends_on": nil, "weight": 3}
	after := map[string]any{"title": "Support desk", "status": "draft", "ends_on": "2026-12-31", "weight": int64(3), "kind": "support"}
	got := Changes(before, after)
	want := map[string][2]any{"title": {"Support", "Support desk"}, "ends_on": {nil, "2026-12-31"}, "kind": {nil, "support"}}
	if len(got) != len(want) {
		t.Fatalf("Changes = %v, want %v", got, want)
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("Changes[%s] = %v, want %v", k, got[k], w)
		}
	}
	if got := Changes(before, before); len(got) != 0 {
		t.Errorf("no edit: %v", got)
	}
}
