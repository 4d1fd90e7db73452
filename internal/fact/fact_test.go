package fact

import (
	"bytes"
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
)

// payloadTypes are the payload types of the catalogue, by the kind they
// decode for.
func payloadTypes(t *testing.T) map[Kind]string {
	t.Helper()
	out := map[Kind]string{}
	for _, s := range Specs() {
		p := s.decode(s.Kind)
		if got := deref(p).FactKind(); got != s.Kind {
			t.Errorf("%s decodes into a payload of kind %s", s.Kind, got)
		}
		out[s.Kind] = reflect.TypeOf(deref(p)).Name()
	}
	return out
}

func TestCatalogueIsConsistent(t *testing.T) {
	t.Parallel()
	seen := map[Kind]bool{}
	for k, typ := range payloadTypes(t) {
		if seen[k] {
			t.Errorf("%s listed twice", k)
		}
		seen[k] = true
		s, ok := Lookup(k)
		if !ok || s.Kind != k || s.Subject == "" || len(s.ReadBy) == 0 {
			t.Errorf("%s (%s): spec %+v", k, typ, s)
		}
		if (s.SketchField == "") != (s.Sketch == nil) {
			t.Errorf("%s: a sketch field needs its reader and back", k)
		}
		// The once-only kinds are the ones the facts_once index covers.
		once := strings.HasPrefix(string(k), "penalty.") || strings.HasPrefix(string(k), "breach.")
		if once != s.OnceOnly {
			t.Errorf("%s: OnceOnly %v, but the facts_once index says %v", k, s.OnceOnly, once)
		}
	}
	if _, ok := Lookup("made.up"); ok || Known("manual.") || Known("manual.brand") || Known("manual.brand.") || !Known(Manual("brand", "month")) {
		t.Error("Lookup of kinds outside the catalogue")
	}
	if key, period, ok := IsManual(Manual("brand_presence", "quarter")); !ok || key != "brand_presence" || period != "quarter" {
		t.Errorf("IsManual: %q %q %v", key, period, ok)
	}
	if SubjectOf(LateNoticePenalty) != SubjectDeliverable || SubjectOf(ResponseBreach) != SubjectRequest || SubjectOf("x") != "" {
		t.Error("SubjectOf")
	}
}

// Every payload survives Encode and Decode unchanged, and the hand-written
// encoding of Accepted is byte for byte json.Marshal's.
func TestPayloadsRoundTrip(t *testing.T) {
	t.Parallel()
	due := time.Date(2026, 3, 6, 16, 0, 0, 0, time.UTC)
	sub := time.Date(2026, 3, 9, 9, 30, 15, 123456000, time.UTC)
	for _, p := range []Payload{
		Accepted{Returns: 2, LeadTimeS: 86400, DueAt: due, SubmittedAt: sub, LateDays: 1},
		Accepted{},
		Returned{Submission: 3, Reason: "Wrong “format”\n"},
		Filed{Category: "delay", DeliverableID: 7, DueAt: OptTime(due)},
		Filed{Category: "other"},
		Acknowledged{Category: "delay", DeliverableID: 7, NewDueAt: OptTime(sub)},
		Penalty{Title: "Q1 report", DueAt: due, WithinHours: 48, LateNotices: 1},
		Raised{Kind: "risk", Title: "Churn", DeliverableID: 0},
		Decided{Kind: "proposal", Decision: "accepted"},
		ClockStopped{Clock: Resolution, Number: 4, Service: "support", TermsVersion: 2, TargetMinutes: 960, ElapsedMinutes: 660},
		ClockStopped{Clock: Response, Number: 5, TargetMinutes: 60, ElapsedMinutes: 150, OverMinutes: 90},
		Breach{Clock: Response, Number: 1, TargetMinutes: 120, ElapsedMinutes: 121, OverMinutes: 1},
		Breach{Clock: Resolution, Number: 1},
		ManualValue{Metric: "brand_presence", PeriodKind: "month", Scale: 1, Side: "partner"},
		Call{AccountID: 3, ContactID: 4, AgentID: 5, Direction: "out", Outcome: "decision_maker_reached"},
		ProposalSent{AccountID: 3, AgentID: 5},
		FollowUp{AccountID: 3, AgentID: 5, DueAt: due},
	} {
		js, err := Encode(p)
		if err != nil {
			t.Fatal(err)
		}
		back, err := Decode(p.FactKind(), js)
		if err != nil {
			t.Fatalf("%T: %v", p, err)
		}
		if !reflect.DeepEqual(back, p) {
			t.Errorf("%T: %s came back as %#v", p, js, back)
		}
		switch p.(type) {
		case Accepted, Call:
			want, _ := json.Marshal(p)
			if !bytes.Equal(js, want) {
				t.Errorf("%T: %s, json.Marshal %s", p, js, want)
			}
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 200; i++ {
		a := Accepted{Returns: rng.IntN(5), LeadTimeS: rng.Int64N(1 << 40), LateDays: rng.IntN(30) - 5,
			DueAt:       time.Unix(rng.Int64N(4e9), rng.Int64N(1e9)).UTC(),
			SubmittedAt: time.Unix(rng.Int64N(4e9), 0).In(time.FixedZone("", 3600*rng.IntN(5)))}
		js, _ := Encode(a)
		if want, _ := json.Marshal(a); !bytes.Equal(js, want) {
			t.Fatalf("Accepted: %s, json.Marshal %s", js, want)
		}
	}
	// Calls, the hand-written path and json.Marshal's for strings it
	// would escape.
	for _, c := range []Call{{}, {AccountID: -1, ContactID: 1 << 62, AgentID: 9, Direction: "in", Outcome: "no_answer"},
		{Direction: `a"b`, Outcome: "<&>"}, {Direction: "ü", Outcome: "x\ny\\"}, {Outcome: "\x7f\x1f"}} {
		js, _ := Encode(c)
		if want, _ := json.Marshal(c); !bytes.Equal(js, want) {
			t.Errorf("Call: %s, json.Marshal %s", js, want)
		}
	}
	if raw, err := Decode("legacy.kind", []byte(`{"x":1}`)); err != nil || raw.FactKind() != "legacy.kind" {
		t.Errorf("unknown kind: %#v %v", raw, err)
	} else if js, _ := json.Marshal(raw); string(js) != `{"x":1}` {
		t.Errorf("raw payload re-encoded as %s", js)
	}
	if _, err := Decode(DeliverableAccepted, []byte(`{"returns":"two"}`)); err == nil {
		t.Error("a payload of the wrong shape decoded")
	}
}

// The catalogue is the only place a kind is spelled: outside this package
// no Go source writes a fact's kind, reads facts by kind or defines a
// metric's kinds with a string literal (audit actions and notifications
// share some names, and are not facts), and every payload type is built by
// some producer. So a kind read that nobody produces fails here; one
// produced that nobody reads cannot be recorded: the store refuses a kind
// outside the catalogue, and each spec names its readers.
func TestKindsSpelledOnlyHereAndEveryPayloadProduced(t *testing.T) {
	t.Parallel()
	kinds := map[string]bool{}
	for _, s := range Specs() {
		kinds[string(s.Kind)] = true
	}
	produced := map[string]bool{}
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		pkg := filepath.Base(filepath.Dir(path))
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") ||
			strings.HasSuffix(path, "_templ.go") || pkg == "fact" {
			return nil
		}
		file, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
		if err != nil {
			return err
		}
		check := func(n ast.Node, where string) {
			ast.Inspect(n, func(n ast.Node) bool {
				if x, ok := n.(*ast.BasicLit); ok && x.Kind == token.STRING {
					if v, err := strconv.Unquote(x.Value); err == nil && (kinds[v] || strings.HasPrefix(v, ManualPrefix) && len(v) > len(ManualPrefix)+2) {
						t.Errorf("%s: the fact kind %q spelled as a string in %s; use the fact constant", path, v, where)
					}
				}
				return true
			})
		}
		ast.Inspect(file, func(n ast.Node) bool {
			switch x := n.(type) {
			case *ast.CompositeLit:
				name := ""
				switch typ := x.Type.(type) {
				case *ast.SelectorExpr:
					name = typ.Sel.Name
					if id, ok := typ.X.(*ast.Ident); ok && id.Name == "fact" {
						produced[typ.Sel.Name] = true
					}
				case *ast.Ident:
					name = typ.Name
				}
				if strings.HasSuffix(name, "Fact") {
					for _, el := range x.Elts {
						if kv, ok := el.(*ast.KeyValueExpr); ok {
							if id, ok := kv.Key.(*ast.Ident); ok && id.Name == "Kind" {
								check(kv.Value, "a fact's kind")
							}
						}
					}
				}
			case *ast.CallExpr:
				// A conversion to a payload type (fact.Breach(stopped)) builds one too.
				if sel, ok := x.Fun.(*ast.SelectorExpr); ok {
					if id, ok := sel.X.(*ast.Ident); ok && id.Name == "fact" {
						produced[sel.Sel.Name] = true
					}
				}
				if sel, ok := x.Fun.(*ast.SelectorExpr); ok && (sel.Sel.Name == "Facts" || sel.Sel.Name == "Lookup") {
					for _, a := range x.Args {
						check(a, "a read of facts")
					}
				}
				if pkg == "metric" {
					for _, a := range x.Args {
						check(a, "a metric")
					}
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for k, typ := range payloadTypes(t) {
		if !produced[typ] {
			t.Errorf("%s is in the catalogue but no code builds its payload fact.%s", k, typ)
		}
	}
	if !produced["ManualValue"] {
		t.Error("no code builds fact.ManualValue")
	}
}

func TestSketchValue(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		kind Kind
		js   string
		v    int64
		ok   bool
	}{
		{DeliverableAccepted, `{"returns":1,"lead_time_s":5400}`, 5400, true},
		{DeliverableAccepted, `{}`, 0, false},
		{DeliverableAccepted, ``, 0, false},
		{DeliverableReturned, `{"submission":2}`, 0, false}, // keeps no sketch
		{"no.such_kind", `{"lead_time_s":1}`, 0, false},
	} {
		v, ok, err := SketchValue(c.kind, c.js)
		if err != nil || v != c.v || ok != c.ok {
			t.Errorf("SketchValue(%s, %s) = %d, %v, %v; want %d, %v", c.kind, c.js, v, ok, err, c.v, c.ok)
		}
	}
	if _, _, err := SketchValue(DeliverableAccepted, `{"lead_time_s":"soon"}`); err == nil {
		t.Error("a payload that does not decode: no error")
	}
}
