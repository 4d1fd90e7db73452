package store

import (
	"fmt"
	"sort"

	"github.com/tandemhq/tandem/internal/bundle"
)

// PackageContent reads a verified package's rows with every id and
// reference replaced by the row's position in its entity's file (1, 2 …)
// and workspace ids dropped: what two packages of the same content have
// in common whatever installation wrote them. Rows of files are compared
// by their hashes, and the ids inside values (bundle_values.go) by the
// positions of the rows they name. The audit trail (events) is left out: an import
// appends it to the receiver's chain as new entries.
func PackageContent(data []byte) (map[string][]map[string]any, error) {
	pkg, err := bundle.Read(data)
	if err != nil {
		if p, ok := bundle.AsProblem(err); ok {
			return nil, packageRefused(p)
		}
		return nil, err
	}
	im := &importer{pkg: pkg}
	all := map[string][]pkgRow{}
	pos := map[string]map[int64]int{}
	for _, e := range pkgEntities() {
		rows, err := im.rows(e.name)
		if err != nil {
			return nil, err
		}
		all[e.name] = rows
		if e.key != "" {
			pos[e.name] = map[int64]int{}
			for i, r := range rows {
				pos[e.name][asID(r[e.key])] = i + 1
			}
		}
	}
	// The sender's own invoice numbers are those of the series named after
	// its workspace wherever they are imported.
	series := ""
	if ws, err := im.rows(pkgWorkspace); err == nil && len(ws) == 1 {
		series = fmt.Sprint(ws[0]["name"])
	}
	out := map[string][]map[string]any{}
	for _, e := range pkgEntities() {
		list := []map[string]any{}
		for _, r := range all[e.name] {
			n := map[string]any{}
			for col, v := range r {
				ent := e.refs[col]
				if e.name == "facts" && col == "subject_id" {
					ent = factSubjectEntity(fmt.Sprint(r["kind"]))
				}
				if hasValueRefs(e.name, col) && v != nil {
					nv, _, err := remapValue(e.name, col, r, v, func(ent string, id int64) (int64, bool, error) {
						return int64(pos[ent][id]), true, nil
					})
					if err != nil {
						return nil, err
					}
					n[col] = fmt.Sprint(nv)
					continue
				}
				if col == "series" && v == "" {
					v = series
				}
				switch {
				case col == "workspace_id":
				case col == e.key && e.key != "":
					n[col] = pos[e.name][asID(v)]
				case ent != "" && v != nil:
					p, ok := pos[ent][asID(v)]
					if !ok && asID(v) != 0 {
						return nil, fmt.Errorf("%s.%s: %v refers to no row of %s", e.name, col, v, ent)
					}
					n[col] = p
				default:
					n[col] = fmt.Sprint(v)
				}
			}
			list = append(list, n)
		}
		if e.key == "" { // link tables: in no particular order
			sort.Slice(list, func(i, j int) bool { return fmt.Sprint(list[i]) < fmt.Sprint(list[j]) })
		}
		out[e.name] = list
	}
	return out, nil
}
