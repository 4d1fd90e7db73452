package web

import (
	"github.com/tandemhq/tandem/internal/access"
	"github.com/tandemhq/tandem/internal/tandem"
)

// RouteInfo is a route's pattern and rule, for the external tests.
type RouteInfo struct {
	Pattern string
	Rule    access.Rule
}

// Routes returns the application's route table.
func Routes() []RouteInfo {
	s := &server{}
	var out []RouteInfo
	for _, r := range s.routeTable() {
		out = append(out, RouteInfo{r.pattern, r.rule})
	}
	return out
}

// OpenAPIDoc is the embedded OpenAPI document.
var OpenAPIDoc = openAPIDoc

func fieldErrs(err error) []string {
	var out []string
	for _, f := range tandem.FieldErrors(err) {
		out = append(out, f.Field)
	}
	return out
}
