package store

import (
	"github.com/tandemhq/tandem/internal/fact"
)

// sketchValue reads the sketch field of a stored fact's JSON through the
// catalogue's typed payload of its kind (fact.Spec.Sketch); false when the
// kind keeps no sketch or the payload lacks the value.
func sketchValue(kind fact.Kind, js string) (int64, bool, error) {
	s, ok := fact.Lookup(kind)
	if !ok || s.Sketch == nil || js == "{}" || js == "null" || js == "" {
		return 0, false, nil // no payload recorded: nothing to sketch, as when recorded (aggBatch.add)
	}
	p, err := fact.Decode(kind, []byte(js))
	if err != nil {
		return 0, false, err
	}
	v, ok := s.Sketch(p)
	return v, ok, nil
}

// resolve takes the fact's kind from its payload when it has none, and
// refuses a kind outside the catalogue (fact.Lookup) or a payload of
// another kind: nothing records a kind that no reader knows.
func (f *Fact) resolve() error {
	if f.Kind == "" && f.Data != nil {
		f.Kind = f.Data.FactKind()
	}
	if !fact.Known(f.Kind) {
		return invalid("kind", "fact.unknown_kind")
	}
	if f.Data != nil && f.Data.FactKind() != f.Kind {
		return invalid("data", "fact.payload_mismatch")
	}
	return nil
}
