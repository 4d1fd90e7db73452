package contract

import (
	"bytes"
	"encoding/json"
	"sort"
	"strconv"
	"strings"
)

// Change is one difference between two versions of terms: the dotted path
// of a field and its value before and after, as text. A field that is added
// has an empty Before, a removed one an empty After.
//
// Paths mirror the JSON, except that the items of the keyed lists
// (services, goals, metrics, kpis) are named by their key in brackets, e.g.
// "services[outbound-calls].deadline.n", so that reordering them is not a
// change; other lists are indexed, e.g. "price.components.0.amount_minor".
// A keyed list falls back to indices when an item of either side has an
// empty or repeated key.
type Change struct {
	Field  string `json:"field"`
	Before string `json:"before"`
	After  string `json:"after"`
}

// Diff returns the field-level differences between a and b in a stable
// order: by section in the order of the Terms fields, then by path (list
// indices compared as numbers). Empty strings, nulls, empty lists and
// empty objects count as absent.
func Diff(a, b Terms) []Change {
	keyed := map[string]bool{
		"services": uniqueKeys(a.Services, b.Services, func(s Service) string { return s.Key }),
		"goals":    uniqueKeys(a.Goals, b.Goals, func(g Goal) string { return g.Key }),
		"metrics":  uniqueKeys(a.Metrics, b.Metrics, func(m MetricDef) string { return m.Key }),
		"kpis":     uniqueKeys(a.KPIs, b.KPIs, func(k KPI) string { return k.Key }),
	}
	fa, fb := flatten(a, keyed), flatten(b, keyed)
	var out []Change
	for p, va := range fa {
		if vb, ok := fb[p]; !ok || vb != va {
			out = append(out, Change{Field: p, Before: va, After: vb})
		}
	}
	for p, vb := range fb {
		if _, ok := fa[p]; !ok {
			out = append(out, Change{Field: p, After: vb})
		}
	}
	sort.Slice(out, func(i, j int) bool { return pathLess(out[i].Field, out[j].Field) })
	return out
}

// uniqueKeys reports whether every item of a and of b has a non-empty key
// that is unique within its side.
func uniqueKeys[T any](a, b []T, key func(T) string) bool {
	for _, list := range [][]T{a, b} {
		seen := map[string]bool{}
		for _, it := range list {
			k := key(it)
			if k == "" || seen[k] {
				return false
			}
			seen[k] = true
		}
	}
	return true
}

// flatten maps every leaf of t's JSON to its text.
func flatten(t Terms, keyed map[string]bool) map[string]string {
	data, err := json.Marshal(t)
	if err != nil { // cannot happen: Terms holds only plain values
		panic(err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		panic(err)
	}
	out := map[string]string{}
	var walk func(path string, v any)
	walk = func(path string, v any) {
		join := func(seg string) string {
			if path == "" {
				return seg
			}
			return path + "." + seg
		}
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				walk(join(k), e)
			}
		case []any:
			for i, e := range x {
				if m, ok := e.(map[string]any); ok && keyed[path] {
					walk(path+"["+m["key"].(string)+"]", e)
					continue
				}
				walk(join(strconv.Itoa(i)), e)
			}
		case string:
			if x != "" {
				out[path] = x
			}
		case json.Number:
			out[path] = x.String()
		case bool:
			out[path] = strconv.FormatBool(x)
		}
	}
	walk("", v)
	return out
}

// sectionRank orders the top-level sections as the fields of Terms.
var sectionRank = map[string]int{
	"shape": 0, "services": 1, "calendar": 2, "goals": 3, "kpis": 4, "price": 5, "notices": 6,
	"penalties": 7, "confidentiality": 8, "termination": 9, "governance": 10,
}

// pathLess orders paths by section, then segment by segment, comparing
// numeric segments as numbers.
func pathLess(a, b string) bool {
	sa, sb := strings.Split(a, "."), strings.Split(b, ".")
	ra, rb := sectionRank[section(sa[0])], sectionRank[section(sb[0])]
	if ra != rb {
		return ra < rb
	}
	for i := 0; i < len(sa) && i < len(sb); i++ {
		if sa[i] == sb[i] {
			continue
		}
		na, errA := strconv.Atoi(sa[i])
		nb, errB := strconv.Atoi(sb[i])
		if errA == nil && errB == nil {
			return na < nb
		}
		return sa[i] < sb[i]
	}
	return len(sa) < len(sb)
}

// section strips a bracketed key from a top-level segment.
func section(seg string) string {
	if i := strings.IndexByte(seg, '['); i >= 0 {
		return seg[:i]
	}
	return seg
}
