package web

import "github.com/tandemhq/tandem/internal/access"

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
