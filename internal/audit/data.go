package audit

import (
	"encoding"
	"encoding/json"
	"reflect"
	"slices"
	"strconv"
	"unicode/utf8"
)

// Data returns the JSON text an entry keeps for data: exactly what
// json.Marshal writes, so an entry's text and hash do not depend on which
// way it was written. Most writes record a flat map — a created record's
// fields (strings, whole numbers, booleans) or an edit's changes
// (Changes, each field's [old, new]) — and json.Marshal spends on such a
// map's reflection and key sorting about 5 % of the writer's time for a
// created partner or an entered value (docs/speed.md). Data writes those
// maps itself when every key and value is one whose text json.Marshal
// would write the same way: a string it leaves as it is between its
// quotes (printable ASCII other than " \ < > &, or valid UTF-8 other than
// U+2028 and U+2029), a whole number, a boolean or null, of a type
// without a MarshalJSON or MarshalText of its own. Anything else — a
// string json would escape, a float, a time, a list, a nested map — goes
// to json.Marshal whole.
func Data(data any) ([]byte, error) {
	var b []byte
	ok := false
	switch m := data.(type) {
	case map[string]any:
		b, ok = appendMap(nil, m, appendValue)
	case map[string][2]any:
		b, ok = appendMap(nil, m, appendPair)
	}
	if ok {
		return b, nil
	}
	return json.Marshal(data)
}

// appendMap appends m as a JSON object, its keys in json.Marshal's order
// (sorted as strings), each value by value; false when a key or a value
// is not one Data writes itself.
func appendMap[V any](b []byte, m map[string]V, value func([]byte, V) ([]byte, bool)) ([]byte, bool) {
	var kept [16]string
	keys := kept[:0]
	size := 2
	for k := range m {
		keys = append(keys, k)
		size += len(k) + 24 // the key, quoted, and a short value
	}
	slices.Sort(keys)
	b = slices.Grow(b, size)
	b = append(b, '{')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		var ok bool
		if b, ok = appendString(b, k); !ok {
			return b, false
		}
		b = append(b, ':')
		if b, ok = value(b, m[k]); !ok {
			return b, false
		}
	}
	return append(b, '}'), true
}

// appendPair appends an edit's [old, new] as a JSON array, when both are
// values appendValue writes.
func appendPair(b []byte, v [2]any) ([]byte, bool) {
	b = append(b, '[')
	b, ok := appendValue(b, v[0])
	if !ok {
		return b, false
	}
	b = append(b, ',')
	b, ok = appendValue(b, v[1])
	return append(b, ']'), ok
}

// appendValue appends v as json.Marshal would write it, when v is a
// string, a whole number, a boolean or nil (Data).
func appendValue(b []byte, v any) ([]byte, bool) {
	switch x := v.(type) {
	case nil:
		return append(b, "null"...), true
	case string:
		return appendString(b, x)
	case int:
		return strconv.AppendInt(b, int64(x), 10), true
	case int64:
		return strconv.AppendInt(b, x, 10), true
	case bool:
		return strconv.AppendBool(b, x), true
	case json.Marshaler, encoding.TextMarshaler, json.Number:
		return b, false // json.Number is written unquoted
	}
	// A type of its own over a string, a whole number or a boolean (a
	// status, an id type) without methods json would call.
	switch rv := reflect.ValueOf(v); rv.Kind() {
	case reflect.String:
		return appendString(b, rv.String())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.AppendInt(b, rv.Int(), 10), true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return strconv.AppendUint(b, rv.Uint(), 10), true
	case reflect.Bool:
		return strconv.AppendBool(b, rv.Bool()), true
	}
	return b, false
}

// appendString appends s in quotes when json.Marshal would leave every
// byte of it as it is; false otherwise.
func appendString(b []byte, s string) ([]byte, bool) {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
				return b, false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || r == '\u2028' || r == '\u2029' {
			return b, false
		}
		i += size
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"'), true
}
