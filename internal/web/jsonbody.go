package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/tandem"
)

// The rules of a JSON request body, the same for every route of the API
// (and stated in openapi.json's description):
//
//   - A body larger than maxJSONBytes is refused with 413 (code too_large).
//   - A body is one JSON object, decoded strictly: an unknown field, a value
//     of the wrong type (a number for a string, a date-time that does not
//     parse) or data after the object is refused with 422 and a field error
//     at the value's JSON path ("services.0.name", "new_due_at").
//   - A write that needs a body (decodeJSON) refuses an empty body, null or
//     anything but an object with 422 and a field error on "body"; a PUT,
//     which replaces a whole record, refuses {} the same way.
//   - An action whose fields are all optional (decodeOptionalJSON: activate,
//     acknowledge, confirm, submit) takes no body or an object of its own
//     fields, {} included; anything else is refused like any other body.

// maxJSONBytes caps a JSON request body.
const maxJSONBytes = maxFormBytes

// decodeJSON reads the body a write needs into dst.
func decodeJSON(w http.ResponseWriter, r *http.Request, dst any) error {
	return decodeBody(w, r, dst, false)
}

// decodeOptionalJSON reads the body of an action whose fields are all
// optional: no body at all leaves dst as it is.
func decodeOptionalJSON(w http.ResponseWriter, r *http.Request, dst any) error {
	return decodeBody(w, r, dst, true)
}

func decodeBody(w http.ResponseWriter, r *http.Request, dst any, optional bool) error {
	data, err := readBody(w, r, maxJSONBytes)
	if err != nil {
		return err
	}
	data = bytes.TrimSpace(data)
	switch {
	case len(data) == 0 && optional:
		return nil
	case len(data) == 0 || string(data) == "null":
		return bodyError(i18n.K("error.empty_body"), i18n.K("validation.body_required"))
	case !json.Valid(data):
		return syntaxError(data)
	case data[0] != '{':
		return bodyError(i18n.K("error.invalid"), i18n.K("validation.body_object"))
	case r.Method == http.MethodPut && isEmptyObject(data):
		return bodyError(i18n.K("error.invalid"), i18n.K("validation.body_empty"))
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		// The body is valid JSON: a value does not fit dst. Say where.
		var v tandem.Validator
		badValues(&v, data, reflect.TypeOf(dst), "")
		if verr := v.Err(); verr != nil {
			return verr
		}
		return &tandem.Error{Code: tandem.EInvalid, Key: i18n.K("error.bad_json"), Err: err,
			Fields: []tandem.FieldError{{Field: "body", Key: i18n.K("validation.json_type")}}}
	}
	return nil
}

// readBody reads r's body, at most max bytes: a longer one is ETooLarge.
func readBody(w http.ResponseWriter, r *http.Request, max int64) ([]byte, error) {
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, max))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return nil, tandem.Errorf(tandem.ETooLarge, i18n.K("error.too_large"), "max", max>>20)
	case err != nil:
		// The client went away or sent a broken stream: its fault, not ours.
		return nil, &tandem.Error{Code: tandem.EInvalid, Key: i18n.K("error.bad_json"), Err: err}
	}
	return data, nil
}

func bodyError(key, field i18n.Key) error {
	return &tandem.Error{Code: tandem.EInvalid, Key: key, Fields: []tandem.FieldError{{Field: "body", Key: field}}}
}

// syntaxError reports where data stops being JSON.
func syntaxError(data []byte) error {
	offset := int64(len(data))
	var se *json.SyntaxError
	if err := json.Unmarshal(data, new(any)); errors.As(err, &se) {
		offset = se.Offset
	}
	return &tandem.Error{Code: tandem.EInvalid, Key: i18n.K("error.bad_json"),
		Fields: []tandem.FieldError{{Field: "body", Key: i18n.K("validation.json_syntax"), Args: []any{"offset", offset}}}}
}

func isEmptyObject(data []byte) bool {
	var m map[string]json.RawMessage
	return json.Unmarshal(data, &m) == nil && len(m) == 0
}

var (
	unmarshalerType = reflect.TypeFor[json.Unmarshaler]()
	timeType        = reflect.TypeFor[time.Time]()
)

// badValues records a field error for every value in raw that does not fit
// t — an unknown field, a value of the wrong type, a value its own type
// refuses — named by its JSON path below path ("kpis.0.weight"). It is only
// called once decoding failed, so it may decode parts of raw again.
func badValues(v *tandem.Validator, raw []byte, t reflect.Type, path string) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if string(bytes.TrimSpace(raw)) == "null" {
		return // null leaves any value as it is
	}
	field := path
	if field == "" {
		field = "body"
	}
	wrongType := func() {
		key := i18n.K("validation.json_type")
		if t == timeType {
			key = i18n.K("validation.datetime")
		}
		v.Add(field, key)
	}
	switch {
	case reflect.PointerTo(t).Implements(unmarshalerType) || t.Kind() == reflect.Interface:
		if json.Unmarshal(raw, reflect.New(t).Interface()) != nil {
			wrongType()
		}
	case t.Kind() == reflect.Struct:
		var obj map[string]json.RawMessage
		if json.Unmarshal(raw, &obj) != nil {
			wrongType()
			return
		}
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			ft, ok := jsonField(t, k)
			if !ok {
				v.Add(join(path, k), i18n.K("validation.unknown_field"))
				continue
			}
			badValues(v, obj[k], ft, join(path, k))
		}
	case t.Kind() == reflect.Slice && t.Elem().Kind() != reflect.Uint8, t.Kind() == reflect.Array:
		var arr []json.RawMessage
		if json.Unmarshal(raw, &arr) != nil {
			wrongType()
			return
		}
		for i, x := range arr {
			badValues(v, x, t.Elem(), join(path, strconv.Itoa(i)))
		}
	case t.Kind() == reflect.Map:
		var obj map[string]json.RawMessage
		if json.Unmarshal(raw, &obj) != nil {
			wrongType()
			return
		}
		for k, x := range obj {
			badValues(v, x, t.Elem(), join(path, k))
		}
	default:
		if json.Unmarshal(raw, reflect.New(t).Interface()) != nil {
			wrongType()
		}
	}
}

// jsonField finds the type of the field of struct t that encoding/json
// decodes key into: by its JSON name, else case-insensitively, as the
// decoder does; fields of embedded structs count as t's own.
func jsonField(t reflect.Type, key string) (reflect.Type, bool) {
	var fold reflect.Type
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" || !f.IsExported() && !f.Anonymous {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			et := f.Type
			if et.Kind() == reflect.Pointer {
				et = et.Elem()
			}
			if et.Kind() == reflect.Struct {
				if ft, ok := jsonField(et, key); ok {
					return ft, true
				}
				continue
			}
		}
		if name == "" {
			name = f.Name
		}
		switch {
		case name == key:
			return f.Type, true
		case fold == nil && strings.EqualFold(name, key):
			fold = f.Type
		}
	}
	return fold, fold != nil
}
