package contract

import (
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// full returns good terms with at least one item in every list, and a
// manual (metrics.0) and a formula (metrics.1) metric, so that every string
// of the terms is checked by Validate.
func full() Terms {
	t := good()
	t.Calendar.Holidays = []string{"2026-12-24"}
	t.Calendar.PauseStates = []string{"waiting_for_client"}
	t.Metrics = []MetricDef{{Key: "brand", Name: "Brand presence", Kind: "manual", Source: "client", Scale: 1},
		{Key: "ratio", Name: "Ratio", Kind: "formula", Formula: "brand / 2"}}
	t.Price.Changes = []PriceChange{{Date: "2026-03-01", Justification: "Index"}}
	t.Governance.Committee = []CommitteeMember{{Name: "Anna", Side: "client", Role: "Chair"}}
	t.Sales = DefaultSales()
	return t
}

// Free text in the terms and its limit, by JSON path.
var freeText = map[string]int{
	"shape.pilot_criteria":           MaxTextLen,
	"services.0.name":                MaxNameLen,
	"services.0.description":         MaxTextLen,
	"services.0.acceptance_criteria": MaxTextLen,
	"services.0.acceptor":            MaxNameLen,
	"goals.0.title":                  MaxNameLen,
	"goals.0.description":            MaxTextLen,
	"metrics.0.name":                 MaxNameLen,
	"metrics.1.formula":              MaxFormulaLen,
	"kpis.0.name":                    MaxNameLen,
	"price.components.0.description": MaxTextLen,
	"price.changes.0.justification":  MaxTextLen,
	"confidentiality.liability":      MaxTextLen,
	"termination.data_format":        MaxTextLen,
	"governance.powers":              MaxTextLen,
	"governance.handover_rule":       MaxTextLen,
	"governance.committee.0.name":    MaxNameLen,
	"governance.committee.0.role":    MaxNameLen,
	"sales.stages.0.name":            MaxNameLen,
	"sales.lost_reasons.0":           MaxNameLen,
	"sales.qualification":            MaxTextLen,
}

// Strings bounded otherwise: by a vocabulary, a syntax (dates, times,
// zones, keys), or as references to keys.
var boundedText = []string{
	"shape.model", "shape.coverage", "shape.pilot_ends", "shape.format", "shape.renewal",
	"services.0.key", "services.0.deadline.kind",
	"calendar.time_zone", "calendar.day_start", "calendar.day_end", "calendar.holidays.0", "calendar.pause_states.0",
	"goals.0.key",
	"metrics.0.key", "metrics.0.kind", "metrics.0.source",
	"kpis.0.key", "kpis.0.goal_key", "kpis.0.metric", "kpis.0.direction", "kpis.0.period",
	"price.currency", "price.period", "price.components.0.kind", "price.components.0.unit", "price.components.0.service", "price.changes.0.date",
	"notices.0.category",
	"governance.committee.0.side", "governance.cadence.0.kind",
	"sales.stages.0.key", "sales.stages.0.meaning",
}

var index = regexp.MustCompile(`\.[0-9]+`)

// Every string of the terms is bounded: free text by its length limit
// (counted in characters, not bytes), everything else by a vocabulary or a
// syntax. A new string field fails this test until it is given a limit and
// listed above.
func TestEveryStringOfTheTermsIsBounded(t *testing.T) {
	t.Parallel()
	var listed []string
	for p := range freeText {
		listed = append(listed, index.ReplaceAllString(p, ""))
	}
	for _, p := range boundedText {
		listed = append(listed, index.ReplaceAllString(p, ""))
	}
	for _, p := range stringPaths(reflect.TypeFor[Terms](), "") {
		if !slices.Contains(listed, p) {
			t.Errorf("%s: a string of the terms without a limit in this test", p)
		}
	}

	base := full()
	base.Normalize()
	if err := base.Validate(); err != nil {
		t.Fatalf("base terms: %v", err)
	}
	for path, max := range freeText {
		for _, n := range []int{max, max + 1} {
			// "ö" is two bytes: the limit counts characters.
			tm := full()
			setString(t, &tm, path, "b"+strings.Repeat("ö", n-1))
			if path == "metrics.1.formula" {
				setString(t, &tm, path, "brand"+strings.Repeat(" ", n-6)+"1")
			}
			tm.Normalize()
			errs := fieldErrs(t, tm.Validate())
			want := []string(nil)
			if n > max {
				want = []string{path + "=validation.too_long"}
			}
			if !reflect.DeepEqual(errs, want) {
				t.Errorf("%s with %d characters: %v, want %v", path, n, errs, want)
			}
		}
	}
	for _, path := range boundedText {
		tm := full()
		setString(t, &tm, path, strings.Repeat("a", MaxTextLen+1))
		tm.Normalize()
		errs := fieldErrs(t, tm.Validate())
		if !slices.ContainsFunc(errs, func(e string) bool { return strings.HasPrefix(e, path+"=") }) {
			t.Errorf("%s with %d characters: accepted (%v)", path, MaxTextLen+1, errs)
		}
	}
}

// stringPaths lists the JSON paths of every string in values of type t,
// without list indexes.
func stringPaths(t reflect.Type, path string) []string {
	switch t.Kind() {
	case reflect.Pointer, reflect.Slice:
		return stringPaths(t.Elem(), path)
	case reflect.String:
		return []string{path}
	case reflect.Struct:
		var out []string
		for f := range t.Fields() {
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			out = append(out, stringPaths(f.Type, join(path, name))...)
		}
		return out
	}
	return nil
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// setString sets the string at a JSON path such as "services.0.name".
func setString(t *testing.T, tm *Terms, path, s string) {
	t.Helper()
	v := reflect.ValueOf(tm).Elem()
	for part := range strings.SplitSeq(path, ".") {
		for v.Kind() == reflect.Pointer {
			v = v.Elem()
		}
		if i, err := strconv.Atoi(part); err == nil {
			v = v.Index(i)
			continue
		}
		found := false
		for i := range v.NumField() {
			if name, _, _ := strings.Cut(v.Type().Field(i).Tag.Get("json"), ","); name == part {
				v, found = v.Field(i), true
				break
			}
		}
		if !found {
			t.Fatalf("no field %q in %s", part, path)
		}
	}
	v.SetString(s)
}
