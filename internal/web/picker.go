package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/tandemhq/tandem/internal/web/views"
)

// pickerLimit is how many partners a picker lists; a workspace with more
// gets a search box instead of a list of every partner (issue 16: a
// dropdown of 42,600 partners was a 4.5 MB page).
const pickerLimit = 50

// partnerPicker reads the picker of the partners for the field name of f:
// those matching the form's <name>_q search, at most pickerLimit, with the
// ones f has already chosen, led by an entry labelled by the key first
// (none when first is ""). find is the page a search is sent to. When a
// search for a single choice (a select) finds exactly one partner and none
// is chosen, it is chosen in f.
func (s *server) partnerPicker(r *http.Request, f views.Form, name, first, find string) (views.Picker, error) {
	st := state(r)
	var keep []int64
	for _, v := range f.Values[name] {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil && id > 0 {
			keep = append(keep, id)
		}
	}
	q := f.Get(name + "_q")
	ps, more, err := s.db.Partners.Options(r.Context(), st.principal, q, pickerLimit, keep...)
	if err != nil {
		return views.Picker{}, err
	}
	if first != "" && q != "" && f.Get(name) == "" && len(ps) == 1 {
		// One partner found for a single choice: it is the one meant.
		f.Values.Set(name, strconv.FormatInt(ps[0].ID, 10))
	}
	p := views.Picker{Search: more || q != "", Query: q, More: more, Limit: pickerLimit, Find: find}
	if first != "" {
		p.Options = append(p.Options, views.Option{Value: "", Label: st.loc.T(first)})
	}
	for _, o := range ps {
		p.Options = append(p.Options, views.Option{Value: strconv.FormatInt(o.ID, 10), Label: o.Label})
	}
	return p, nil
}

// foundForm returns the values of a form sent to its own page by a
// picker's Find button (a GET with find=<field>), so that the page shows
// the form as it was, with the picker narrowed; ok is false for a plain
// visit of the page.
func foundForm(r *http.Request) (f views.Form, ok bool) {
	q := r.URL.Query()
	if !q.Has("find") {
		return views.Form{}, false
	}
	v := url.Values{}
	for k, xs := range q {
		if k != "find" && k != "_once" {
			v[k] = xs
		}
	}
	return views.Form{Values: v}, true
}

// formPageURL is the page of the form of a new record under base (id 0)
// or of editing the record id.
func formPageURL(base string, id int64) string {
	if id == 0 {
		return base + "/new"
	}
	return base + "/" + strconv.FormatInt(id, 10) + "/edit"
}
