package web_test

import (
	"regexp"
	"strings"
)

// placeholderRE finds the wildcards of a route pattern ("{id}", "{$}").
var placeholderRE = regexp.MustCompile(`\{([^}/]+)\}`)

// routeKey names a wildcard of a route path by what it stands for: {id} by
// the segment before it ("engagements/{id}" is "engagements",
// "knowledge/pages/{id}" is "pages"), any other wildcard by its own name
// ("{meeting}" is "meeting"; "{$}" is "$").
func routeKey(path string, at int, name string) string {
	if name != "id" {
		return name
	}
	before := strings.TrimSuffix(path[:at], "/")
	return before[strings.LastIndex(before, "/")+1:]
}

// fillRoute writes ids into the wildcards of a route's path, each found by
// its routeKey; an {id} whose segment has no entry takes ids["id"], and a
// wildcard with no value is left as written. The access matrix and the
// statement budget both reach every route through it.
func fillRoute(path string, ids map[string]string) string {
	var b strings.Builder
	last := 0
	for _, m := range placeholderRE.FindAllStringSubmatchIndex(path, -1) {
		name := path[m[2]:m[3]]
		v, ok := ids[routeKey(path, m[0], name)]
		if !ok && name == "id" {
			v, ok = ids["id"]
		}
		if !ok {
			continue
		}
		b.WriteString(path[last:m[0]])
		b.WriteString(v)
		last = m[1]
	}
	b.WriteString(path[last:])
	return b.String()
}
