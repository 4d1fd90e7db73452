package web_test

import (
	"encoding/json"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/web"
)

// Every route names an access rule the access package knows.
func TestEveryRouteHasAnAccessRule(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for _, r := range web.Routes() {
		if !r.Rule.Known() {
			t.Errorf("route %q has no known access rule (%q)", r.Pattern, r.Rule)
		}
		if seen[r.Pattern] {
			t.Errorf("route %q declared twice", r.Pattern)
		}
		seen[r.Pattern] = true
	}
}

// The OpenAPI document describes exactly the /api/v1 routes.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	t.Parallel()
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(web.OpenAPIDoc, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.OpenAPI != "3.1.0" {
		t.Errorf("openapi version %q", doc.OpenAPI)
	}
	var documented, routed []string
	for path, ops := range doc.Paths {
		for method := range ops {
			documented = append(documented, strings.ToUpper(method)+" "+path)
		}
	}
	for _, r := range web.Routes() {
		if strings.Contains(r.Pattern, " /api/") {
			routed = append(routed, r.Pattern)
		}
	}
	sort.Strings(documented)
	sort.Strings(routed)
	if strings.Join(documented, "\n") != strings.Join(routed, "\n") {
		t.Fatalf("routes and OpenAPI disagree.\nroutes:\n%s\ndocument:\n%s", strings.Join(routed, "\n"), strings.Join(documented, "\n"))
	}
}

// The Terms schema of the OpenAPI document describes contract.Terms
// completely: every object has exactly the properties of its Go struct (so
// no part is a bare object), closed to others, and every property has the
// type of its Go field; enumerations list the contract's vocabularies.
func TestOpenAPITermsMatchesGoTypes(t *testing.T) {
	t.Parallel()
	var doc struct {
		Components struct {
			Schemas map[string]map[string]any `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(web.OpenAPIDoc, &doc); err != nil {
		t.Fatal(err)
	}
	resolve := func(s map[string]any) map[string]any {
		if r, ok := s["$ref"].(string); ok {
			name := strings.TrimPrefix(r, "#/components/schemas/")
			if doc.Components.Schemas[name] == nil {
				t.Fatalf("%s: no such schema", r)
			}
			return doc.Components.Schemas[name]
		}
		return s
	}
	enums := map[string][]string{}
	var walk func(path string, s map[string]any, ty reflect.Type)
	walk = func(path string, s map[string]any, ty reflect.Type) {
		s = resolve(s)
		for ty.Kind() == reflect.Pointer {
			ty = ty.Elem()
		}
		want := map[reflect.Kind]string{reflect.Struct: "object", reflect.Slice: "array", reflect.String: "string",
			reflect.Int: "integer", reflect.Int64: "integer", reflect.Bool: "boolean"}[ty.Kind()]
		if want == "" {
			t.Fatalf("%s: Go kind %s has no JSON type here", path, ty.Kind())
		}
		if s["type"] != want {
			t.Errorf("%s: type %v, want %s", path, s["type"], want)
			return
		}
		switch ty.Kind() {
		case reflect.Struct:
			props, _ := s["properties"].(map[string]any)
			if len(props) == 0 {
				t.Errorf("%s: a bare object", path)
			}
			if s["additionalProperties"] != false {
				t.Errorf("%s: additionalProperties is not false", path)
			}
			seen := map[string]bool{}
			for f := range ty.Fields() {
				name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
				seen[name] = true
				p, ok := props[name].(map[string]any)
				if !ok {
					t.Errorf("%s: property %s of %s is not documented", path, name, ty)
					continue
				}
				walk(join(path, name), p, f.Type)
			}
			for name := range props {
				if !seen[name] {
					t.Errorf("%s: documented property %s is not in %s", path, name, ty)
				}
			}
		case reflect.Slice:
			items, ok := s["items"].(map[string]any)
			if !ok {
				t.Errorf("%s: array without items", path)
				return
			}
			walk(path+"[]", items, ty.Elem())
		case reflect.String:
			if e, ok := s["enum"].([]any); ok {
				for _, x := range e {
					if x != "" {
						enums[path] = append(enums[path], x.(string))
					}
				}
			}
		}
	}
	walk("", doc.Components.Schemas["Terms"], reflect.TypeFor[contract.Terms]())

	// The OpenAPI document's enumerations are contract.TermVocabularies, except
	// a KPI's metric, which may also be one of the contract's own metrics.
	vocab := map[string][]string{}
	for path, v := range contract.TermVocabularies() {
		if path != "kpis.metric" {
			vocab[openAPIPath(path)] = v.Values
		}
	}
	for path, want := range vocab {
		if got := enums[path]; !slices.Equal(got, want) {
			t.Errorf("%s: enum %v, want %v", path, got, want)
		}
	}
	for path := range enums {
		if vocab[path] == nil {
			t.Errorf("%s: an enumeration this test does not check", path)
		}
	}
}

// openAPIPath writes a term's path as the walk of the OpenAPI schema does,
// with "[]" after each list: "services.deadline.kind" is
// "services[].deadline.kind".
func openAPIPath(path string) string {
	lists := map[string]bool{"services": true, "metrics": true, "kpis": true, "components": true,
		"notices": true, "committee": true, "cadence": true, "stages": true}
	segs := strings.Split(path, ".")
	for i, s := range segs {
		if lists[s] {
			segs[i] = s + "[]"
		}
	}
	return strings.Join(segs, ".")
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}
