// Package views holds the server-rendered pages as templ components. templ
// compiles them to plain Go (the *_templ.go files, regenerated with
// `go tool templ generate` at the repository root), which is several times
// faster than html/template and type-checked by the compiler. Every string
// a person reads comes from the i18n catalogues.
package views

import (
	"context"
	"net/url"
	"strconv"
	"strings"

	"github.com/tandemhq/tandem/internal/access"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/tandem"
)

// Nav is the chrome every page shares: who is signed in, where, and what
// they may open.
type Nav struct {
	Title         string
	Active        string // the nav item to highlight
	Path          string // the current URL, for the language switcher
	CSS, JS       string // fingerprinted asset URLs
	Version       string
	Lang          string
	Langs         []i18n.Lang
	SignedIn      bool
	UserName      string
	HasWorkspace  bool
	WorkspaceName string
	Role          string
	Can           func(access.Rule) bool
	Flash         string // a message shown once at the top
	Return        string // a form answered with errors: the address to show instead of the POST's
	Unread        int    // unread notifications
}

// Form carries what a person typed and the localized errors per field.
type Form struct {
	Values  url.Values
	Errors  map[string]string
	Message string // an error for the whole form
	// ID, when set, prefixes the ids of the form's fields, for a page that
	// shows the same form more than once (one per notice).
	ID string
}

// InputID is the id of a field's input: "f-name", or "f-ID-name".
func (f Form) InputID(name string) string { return "f-" + f.idPart() + name }

// ErrID is the id of a field's error message.
func (f Form) ErrID(name string) string { return "e-" + f.idPart() + name }

func (f Form) idPart() string {
	if f.ID == "" {
		return ""
	}
	return f.ID + "-"
}

// Get returns a field's value.
func (f Form) Get(name string) string {
	if f.Values == nil {
		return ""
	}
	return f.Values.Get(name)
}

// Has reports whether a multi-valued field contains v.
func (f Form) Has(name, v string) bool {
	for _, x := range f.Values[name] {
		if x == v {
			return true
		}
	}
	return false
}

// Rows returns the row indices a repeated group of inputs shows: every row
// present in the values ("services.0.name", "services.1.name" …) and one
// blank row more, for adding.
func (f Form) Rows(prefix string) []int {
	n := 0
	for k := range f.Values {
		rest, ok := strings.CutPrefix(k, prefix+".")
		if !ok {
			continue
		}
		idx, _, _ := strings.Cut(rest, ".")
		if i, err := strconv.Atoi(idx); err == nil && i+1 > n {
			n = i + 1
		}
	}
	rows := make([]int, n+1)
	for i := range rows {
		rows[i] = i
	}
	return rows
}

// Err returns a field's error message, or "".
func (f Form) Err(name string) string { return f.Errors[name] }

// Option is a value with a label for a select box.
type Option struct {
	Value string
	Label string
}

// Pager describes one page of a list.
type Pager struct {
	Total  int
	Offset int
	Limit  int
	Query  url.Values // the list's current query, for building links
	Path   string
	Sort   string // the order when the query names none ("-" first for descending), for the headers' marks
}

// sort is the list's current order: the query's, else the default.
func (p Pager) sort() string {
	if s := p.Query.Get("sort"); s != "" {
		return s
	}
	return p.Sort
}

// More reports whether the list counted no further than CountCap rows past
// this page (tandem.Page.Capped): it has more rows than Total says, and the
// number of pages is not known.
func (p Pager) More() bool { return p.Total > p.Offset+tandem.CountCap }

// Pages returns the number of pages (at least 1).
func (p Pager) Pages() int {
	if p.Limit <= 0 || p.Total == 0 {
		return 1
	}
	return (p.Total + p.Limit - 1) / p.Limit
}

// Page returns the current page, from 1.
func (p Pager) Page() int {
	if p.Limit <= 0 {
		return 1
	}
	return p.Offset/p.Limit + 1
}

// Link returns the URL of page n, keeping the other query parameters.
func (p Pager) Link(n int) string {
	q := url.Values{}
	for k, v := range p.Query {
		q[k] = v
	}
	q.Set("page", strconv.Itoa(n))
	return p.Path + "?" + q.Encode()
}

// Without returns the URL of the list without the query parameter key,
// from its first page.
func (p Pager) Without(key string) string {
	q := url.Values{}
	for k, v := range p.Query {
		q[k] = v
	}
	q.Del(key)
	q.Del("page")
	if len(q) == 0 {
		return p.Path
	}
	return p.Path + "?" + q.Encode()
}

// chosenLabel returns the label of the option of value v ("" for none).
func chosenLabel(os []Option, v string) string {
	for _, o := range os {
		if v != "" && o.Value == v {
			return o.Label
		}
	}
	return ""
}

// SortLink returns the URL that sorts by field, toggling the direction when
// the list is already sorted by it.
func (p Pager) SortLink(field string) string {
	q := url.Values{}
	for k, v := range p.Query {
		q[k] = v
	}
	q.Del("page")
	if p.sort() == field {
		q.Set("sort", "-"+field)
	} else {
		q.Set("sort", field)
	}
	return p.Path + "?" + q.Encode()
}

// SortMark returns "asc", "desc" or "" for a column header.
func (p Pager) SortMark(field string) string {
	switch p.sort() {
	case field:
		return "asc"
	case "-" + field:
		return "desc"
	}
	return ""
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// CountryName is an ISO 3166-1 alpha-2 code as the reader names the
// country ("Sverige" for SE in Swedish), or the code itself for a country
// the catalogue does not name.
func CountryName(ctx context.Context, code string) string {
	l := i18n.From(ctx)
	if key := "country." + strings.ToLower(code); code != "" && l != nil && l.Has(key) {
		return l.T(key)
	}
	return code
}

// optionLabel is the label of the option whose value is v, or v itself
// when none is (a service since removed from the terms).
func optionLabel(opts []Option, v string) string {
	for _, o := range opts {
		if o.Value == v {
			return o.Label
		}
	}
	return v
}
