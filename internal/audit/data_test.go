package audit

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

type status string

type level int

type upper string

func (u upper) MarshalText() ([]byte, error) { return []byte(strings.ToUpper(string(u))), nil }

type quoted int

func (q quoted) MarshalJSON() ([]byte, error) { return []byte(`"q"`), nil }

// dataCases are audit data of every shape the product records and of the
// shapes Data must leave to json.Marshal.
func dataCases() []any {
	texts := []string{"", "Norrsken Möbler AB", "Кадри Тамм", "Åre, Sälen", "k.tamm@nordcall.example", "+46 70 123 45 67",
		"a<b", "R&D", "x>y", `say "hi"`, `back\slash`, "tab\there", "line\nbreak", "bell\a", "\x7f", "\u2028", "\u2029",
		"bad \xff utf8", "😀 emoji", "/path?x=1"}
	var out []any
	for _, s := range texts {
		out = append(out,
			map[string]any{"legal_name": s, "vat_bp": 2500, "status": status("candidate"), "ok": true, "none": nil},
			map[string]any{s: 1},
			map[string][2]any{"title": {s, "new"}, "partner_id": {int64(3), int64(4)}},
		)
	}
	return append(out,
		map[string]any{},
		map[string][2]any{},
		map[string]any{"level": level(-7), "u8": uint8(200), "u": uint64(1 << 63), "i8": int8(-3)},
		map[string]any{"float": 2.5},
		map[string]any{"at": time.Date(2026, 12, 8, 1, 2, 3, 4, time.UTC)},
		map[string]any{"ids": []int64{1, 2}},
		map[string]any{"nested": map[string]any{"a": 1}},
		map[string]any{"text": upper("x")},
		map[string]any{"json": quoted(1)},
		map[string]any{"number": json.Number("12.50")},
		map[string]any{"ptr": new(int)},
		map[string][2]any{"f": {1.5, nil}},
		[]string{"not", "a", "map"},
		nil,
	)
}

// Data writes exactly what json.Marshal writes, whichever way it takes.
func TestDataAsJSONMarshal(t *testing.T) {
	t.Parallel()
	for _, v := range dataCases() {
		want, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		got, err := Data(v)
		if err != nil {
			t.Fatalf("Data(%#v): %v", v, err)
		}
		if string(got) != string(want) {
			t.Errorf("Data(%#v) = %s, json.Marshal %s", v, got, want)
		}
	}
}

// A created partner's fields and an edit's changes are written without
// json.Marshal: the fast way is really taken for what most writes record.
func TestDataWritesFlatMapsItself(t *testing.T) {
	t.Parallel()
	created := map[string]any{"legal_name": "Norrsken Möbler AB", "reg_number": "556677-8899", "country": "SE",
		"website": "", "contact_email": "k.tamm@nordcall.example", "status": status("candidate"), "vat_bp": 2500}
	if _, ok := appendMap(nil, created, appendValue); !ok {
		t.Error("a created partner's fields went to json.Marshal")
	}
	changed := map[string][2]any{"status": {status("candidate"), status("active")}, "title": {"Old", "Новый"}}
	if _, ok := appendMap(nil, changed, appendPair); !ok {
		t.Error("an edit's changes went to json.Marshal")
	}
}

// FuzzData compares Data with json.Marshal for any text and number.
func FuzzData(f *testing.F) {
	for _, s := range []string{"", "Åre", "a<b&c>", "\u2028", "\xff", `"\`, "\x00\x1f"} {
		f.Add(s, int64(-42))
	}
	f.Fuzz(func(t *testing.T, s string, n int64) {
		for _, v := range []any{
			map[string]any{"s": s, "n": n, s: status(s)},
			map[string][2]any{s: {s, n}},
		} {
			want, _ := json.Marshal(v)
			got, err := Data(v)
			if err != nil || string(got) != string(want) {
				t.Fatalf("Data(%#v) = %s, %v; json.Marshal %s", v, got, err, want)
			}
		}
	})
}

// BenchmarkData writes a created partner's fields as Data does and as
// json.Marshal does; compare the two of one run.
func BenchmarkData(b *testing.B) {
	created := map[string]any{"legal_name": "Norrsken Möbler AB", "reg_number": "556677-8899", "country": "SE",
		"website": "https://norrsken.example", "contact_name": "Karin Lindqvist", "contact_email": "karin@norrsken.example",
		"contact_phone": "+46701234567", "status": status("candidate"), "vat_bp": 2500}
	b.Run("json.Marshal", func(b *testing.B) {
		for b.Loop() {
			if _, err := json.Marshal(created); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Data", func(b *testing.B) {
		for b.Loop() {
			if _, err := Data(created); err != nil {
				b.Fatal(err)
			}
		}
	})
}
