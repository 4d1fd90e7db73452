package web_test

import (
	"encoding/json"
	"sort"
	"strings"
	"testing"

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
