package web

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/tandemhq/tandem/internal/access"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/importer"
	"github.com/tandemhq/tandem/internal/sales"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/tandem"
	"github.com/tandemhq/tandem/internal/web/views"
)

// The import of the sales base (accounts and contacts) from another CRM's
// export or any table: upload → preview (how the file was read, the
// detected preset, the mapping of every column, which can be changed, what
// is new and what is already in the base, every problem by row and
// column) → confirm. Nothing is written until the file is clean.

// salesImportGate lets the client's owners and managers import. The routes
// take everyone who reads the base (access.SalesRead) so that a partner's
// person gets the 404 of an unknown page, as for any record not theirs:
// the import is no part of what a partner may know of; the client's
// viewer gets the 403 of a rule they lack.
func salesImportGate(r *http.Request) error {
	p := state(r).principal
	if access.Allows(p.Role, access.SalesWrite) {
		return nil
	}
	if sales.ScopeOf(p.Role) != sales.ScopeWorkspace {
		return tandem.ErrNotFound
	}
	return access.Can(p, access.SalesWrite)
}

// Import limits. The page carries the file from the preview back to the
// import, so it takes smaller files than the API.
const (
	salesImportPageBytes = 16 << 20
	salesImportPageRows  = 100_000
	salesImportAPIBytes  = 256 << 20
	salesImportAPIRows   = 1_000_000
	salesImportShownRows = 20
)

// salesImportFile is a file read for import, with the mapping to use.
type salesImportFile struct {
	name    string
	data    []byte
	table   *importer.Table
	preset  string
	mapping sales.Mapping
}

// readSalesImport reads the uploaded (or carried) file and chooses the
// mapping: the one posted (map.0, map.1 … on the page, a JSON array on the
// API) when there is one, else the detected preset's, else every column
// ignored (the person maps them by hand).
func readSalesImport(kind sales.ImportKind, name string, data []byte, maxBytes int64, maxRows int, posted func(n int) (sales.Mapping, error)) (*salesImportFile, error) {
	t, err := importer.ReadWith(name, bytes.NewReader(data), importer.Options{MaxBytes: maxBytes, MaxRows: maxRows, Windows1251: true})
	if err != nil {
		return nil, err
	}
	f := &salesImportFile{name: name, data: data, table: t}
	if p, m, ok := sales.DetectPresetFor(kind, t.Header); ok {
		f.preset, f.mapping = p.Key, m
	} else {
		f.mapping = make(sales.Mapping, len(t.Header))
	}
	if posted != nil {
		m, err := posted(len(t.Header))
		if err != nil {
			return nil, err
		}
		if m != nil {
			f.mapping = m
		}
	}
	return f, nil
}

// rows streams the table's rows with their numbers in the file.
func (f *salesImportFile) rows(yield func(int, []string) bool) {
	for i, r := range f.table.Rows {
		if !yield(f.table.RowNumbers[i], r) {
			return
		}
	}
}

// importFields are the choices of the mapping page.
func importFields(l *i18n.Localizer, kind sales.ImportKind) []views.Option {
	out := []views.Option{{Value: "", Label: l.T("sales.import.field.ignore")}}
	for _, f := range kind.Fields() {
		out = append(out, views.Option{Value: string(f), Label: l.T(string(f.Label()))})
	}
	return out
}

// salesImportTargets are where imported accounts may be assigned.
func (s *server) salesImportTargets(r *http.Request) ([]views.Option, error) {
	l := state(r).loc
	targets, err := s.db.Sales().AssignTargets(r.Context(), state(r).principal)
	if err != nil {
		return nil, err
	}
	out := []views.Option{{Value: "", Label: l.T("sales.import.assign_none")}}
	for _, t := range targets {
		out = append(out, views.Option{Value: fmt.Sprintf("%d:0", t.EngagementID),
			Label: l.T("sales.assign.target_team", "engagement", t.Title, "partner", t.PartnerName)})
		for _, a := range t.Agents {
			out = append(out, views.Option{Value: fmt.Sprintf("%d:%d", t.EngagementID, a.ID),
				Label: l.T("sales.assign.target_agent", "engagement", t.Title, "agent", a.Name)})
		}
	}
	return out, nil
}

func (s *server) salesImportPage(w http.ResponseWriter, r *http.Request) error {
	if err := salesImportGate(r); err != nil {
		return err
	}
	l := state(r).loc
	targets, err := s.salesImportTargets(r)
	if err != nil {
		return err
	}
	return s.page(w, r, views.SalesImport(s.nav(r, l.T("sales.import.title"), "sales"), views.SalesImportData{Targets: targets}))
}

// salesImportPost previews an uploaded file, previews it again with the
// mapping changed, or (confirm) imports it.
func (s *server) salesImportPost(w http.ResponseWriter, r *http.Request) error {
	if err := salesImportGate(r); err != nil {
		return err
	}
	st := state(r)
	l := st.loc
	r.Body = http.MaxBytesReader(w, r.Body, 2*salesImportPageBytes+1<<20)
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		if tooBig := (*http.MaxBytesError)(nil); errors.As(err, &tooBig) {
			var v tandem.Validator
			v.Add("file", i18n.K("import.too_large"), "max", salesImportPageBytes>>20)
			return v.Err()
		}
		return tandem.Errorf(tandem.EInvalid, i18n.K("error.bad_form"))
	}
	targets, err := s.salesImportTargets(r)
	if err != nil {
		return err
	}
	d := views.SalesImportData{Targets: targets, To: r.FormValue("to"), Fields: importFields(l, sales.ImportBase)}
	nav := s.nav(r, l.T("sales.import.title"), "sales")
	fail := func(err error) error {
		f := views.Form{Errors: map[string]string{}}
		if !withErrors(r, &f, err) {
			return err
		}
		d.Form = f
		s.render(w, r, http.StatusUnprocessableEntity, views.SalesImport(nav, d))
		return nil
	}
	name, data, err := uploadedFile(r, salesImportPageBytes)
	if err != nil {
		return err
	}
	if data == nil {
		return fail(invalidField("file", "validation.required"))
	}
	var posted func(int) (sales.Mapping, error)
	if r.FormValue("mapped") != "" {
		posted = func(n int) (sales.Mapping, error) { return formMapping(r.MultipartForm.Value, n, sales.ImportBase) }
	}
	file, err := readSalesImport(sales.ImportBase, name, data, salesImportPageBytes, salesImportPageRows, posted)
	if err != nil {
		return fail(err)
	}
	to := store.Assignment{}
	if d.To != "" {
		if to, err = assignmentOf(d.To); err != nil {
			return fail(err)
		}
	}
	confirm := r.FormValue("confirm") != ""
	plan, err := s.db.Sales().Import(r.Context(), st.principal, store.SalesImport{Header: file.table.Header, Rows: file.rows,
		Mapping: file.mapping, Assign: to, DryRun: !confirm})
	if err != nil {
		return fail(err)
	}
	if confirm && plan.ErrorCount == 0 {
		back := url.Values{"imported": {strconv.Itoa(plan.NewAccounts)}, "imported_contacts": {strconv.Itoa(plan.NewContacts)}}
		return redirect(w, r, "/sales/accounts?"+back.Encode())
	}
	d.Name, d.Carried = name, base64.StdEncoding.EncodeToString(data)
	d.Preview = salesImportPreview(l, file, plan)
	status := http.StatusOK
	if plan.ErrorCount > 0 {
		status = http.StatusUnprocessableEntity
	}
	s.render(w, r, status, views.SalesImport(nav, d))
	return nil
}

// uploadedFile is the file of a multipart form: uploaded as "file", or
// carried back from the preview as base64 in "carried" with its "name".
// data is nil when there is none.
func uploadedFile(r *http.Request, maxBytes int64) (name string, data []byte, err error) {
	if enc := r.FormValue("carried"); enc != "" {
		if data, err = base64.StdEncoding.DecodeString(enc); err != nil {
			return "", nil, tandem.Errorf(tandem.EInvalid, i18n.K("error.bad_form"))
		}
		return r.FormValue("name"), data, nil
	}
	up, hdr, ferr := r.FormFile("file")
	if ferr != nil {
		return "", nil, nil
	}
	defer up.Close()
	return readUpload(up, hdr, maxBytes)
}

func readUpload(up multipart.File, hdr *multipart.FileHeader, maxBytes int64) (string, []byte, error) {
	data, err := io.ReadAll(io.LimitReader(up, maxBytes+1))
	if err != nil {
		return "", nil, err
	}
	if len(data) == 0 {
		data = []byte{}
	}
	return hdr.Filename, data, nil
}

// formMapping reads the mapping page's map.0 … map.(n-1).
func formMapping(v url.Values, n int, kind sales.ImportKind) (sales.Mapping, error) {
	m := make(sales.Mapping, n)
	for j := range n {
		f := sales.ImportField(strings.TrimSpace(firstValue(v, "map."+strconv.Itoa(j))))
		if !f.ValidFor(kind) {
			return nil, invalidField("mapping", "validation.one_of")
		}
		m[j] = f
	}
	return m, nil
}

func firstValue(v url.Values, k string) string {
	if xs := v[k]; len(xs) > 0 {
		return xs[0]
	}
	return ""
}

// importErrorMessage localizes one problem of a file.
func importErrorMessage(l *i18n.Localizer, e sales.ImportError) string {
	args := e.Args
	if e.Key == "sales.import.mapped_twice" || e.Key == "sales.import.no_column" {
		// name the field, not its key
		args = []any{"field", l.T(string(sales.ImportField(fmt.Sprint(argOf(args, "field"))).Label()))}
	}
	return l.T(string(e.Key), args...)
}

func argOf(args []any, name string) any {
	for i := 0; i+1 < len(args); i += 2 {
		if args[i] == name {
			return args[i+1]
		}
	}
	return nil
}

// importCounts is "N new, M already in the base" for accounts and contacts.
func importCounts(l *i18n.Localizer, p *sales.ImportPlan) string {
	return l.T("sales.import.summary",
		"accounts", l.N("sales.import.accounts_new", int64(p.NewAccounts)),
		"accounts_there", l.N("sales.import.already", int64(p.ExistingAccounts)),
		"contacts", l.N("sales.import.contacts_new", int64(p.NewContacts)),
		"contacts_there", l.N("sales.import.already", int64(p.ExistingContacts)))
}

// salesImportPreview formats a plan for the page.
func salesImportPreview(l *i18n.Localizer, f *salesImportFile, plan *sales.ImportPlan) *views.SalesImportPreview {
	return importPreview(l, f, importCounts(l, plan), plan.Errors, plan.ErrorCount)
}

// importPreview formats how a file was read, its summary and its errors.
func importPreview(l *i18n.Localizer, f *salesImportFile, summary string, errs []sales.ImportError, errorCount int) *views.SalesImportPreview {
	t := f.table
	n := min(salesImportShownRows, len(t.Rows))
	pv := &views.SalesImportPreview{
		Encoding:   l.T("sales.import.encoding." + strings.ReplaceAll(t.Encoding, "-", "_")),
		Rows:       t.Rows[:n],
		RowNumbers: t.RowNumbers[:n],
		Total:      len(t.Rows),
		Summary:    summary,
		ErrorCount: errorCount,
	}
	if t.Delimiter != "" {
		pv.Delimiter = l.T("sales.import.delimiter." + delimiterName(t.Delimiter))
	}
	if f.preset != "" {
		pv.Preset = l.T("sales.import.preset." + f.preset)
	}
	for j, h := range t.Header {
		c := views.SalesImportColumn{Header: h}
		if j < len(f.mapping) {
			c.Field = string(f.mapping[j])
		}
		pv.Columns = append(pv.Columns, c)
	}
	for _, e := range errs {
		pv.Errors = append(pv.Errors, views.ImportError{Row: e.Row, Column: e.Column, Value: e.Value, Message: importErrorMessage(l, e)})
	}
	return pv
}

// encodeCarried is the file carried from the preview to the import.
func encodeCarried(data []byte) string { return base64.StdEncoding.EncodeToString(data) }

func delimiterName(d string) string {
	switch d {
	case ";":
		return "semicolon"
	case "\t":
		return "tab"
	}
	return "comma"
}

// API: POST /api/v1/sales/import, multipart/form-data with the file in
// "file" and optionally "dry_run" (true: the preview only), "mapping" (a
// JSON array of fields, one per column, "" to ignore one),
// "engagement_id" and "agent_id". The answer is the preview, and whether
// the file was imported; a file with errors is 422 and writes nothing.

type apiSalesImport struct {
	DryRun     bool                   `json:"dry_run"`
	Imported   bool                   `json:"imported"`
	Encoding   string                 `json:"encoding"`
	Delimiter  string                 `json:"delimiter"`
	Preset     string                 `json:"preset"`
	Columns    []apiSalesImportColumn `json:"columns"`
	Rows       int                    `json:"rows"`
	Accounts   apiImportCount         `json:"accounts"`
	Contacts   apiImportCount         `json:"contacts"`
	Errors     []apiSalesImportError  `json:"errors"`
	ErrorCount int                    `json:"error_count"`
}

type apiSalesImportColumn struct {
	Index  int    `json:"index"`
	Header string `json:"header"`
	Field  string `json:"field"`
}

type apiImportCount struct {
	New      int `json:"new"`
	Existing int `json:"existing"`
	Merged   int `json:"merged"`
}

type apiSalesImportError struct {
	Row     int    `json:"row"`
	Column  string `json:"column"`
	Field   string `json:"field"`
	Value   string `json:"value"`
	Message string `json:"message"`
}

func (s *server) apiSalesImport(w http.ResponseWriter, r *http.Request) error {
	if err := salesImportGate(r); err != nil {
		return err
	}
	st := state(r)
	l := st.loc
	r.Body = http.MaxBytesReader(w, r.Body, salesImportAPIBytes+1<<20)
	if err := r.ParseMultipartForm(32 << 20); err != nil {
		if tooBig := (*http.MaxBytesError)(nil); errors.As(err, &tooBig) {
			return tandem.Errorf(tandem.ETooLarge, i18n.K("error.too_large"), "max", salesImportAPIBytes>>20)
		}
		return invalidField("file", "validation.required")
	}
	defer r.MultipartForm.RemoveAll()
	up, hdr, err := r.FormFile("file")
	if err != nil {
		return invalidField("file", "validation.required")
	}
	defer up.Close()
	name, data, err := readUpload(up, hdr, salesImportAPIBytes)
	if err != nil {
		return err
	}
	dry := false
	if v := r.FormValue("dry_run"); v != "" {
		if dry, err = strconv.ParseBool(v); err != nil {
			return invalidField("dry_run", "validation.one_of")
		}
	}
	var to store.Assignment
	for _, x := range []struct {
		field string
		id    *int64
	}{{"engagement_id", &to.EngagementID}, {"agent_id", &to.AgentID}} {
		if v := r.FormValue(x.field); v != "" {
			if *x.id, err = strconv.ParseInt(v, 10, 64); err != nil || *x.id < 0 {
				return invalidField(x.field, "validation.one_of")
			}
		}
	}
	posted := apiMapping(r, sales.ImportBase)
	file, err := readSalesImport(sales.ImportBase, name, data, salesImportAPIBytes, salesImportAPIRows, posted)
	if err != nil {
		return err
	}
	plan, err := s.db.Sales().Import(r.Context(), st.principal, store.SalesImport{Header: file.table.Header, Rows: file.rows,
		Mapping: file.mapping, Assign: to, DryRun: dry})
	if err != nil {
		return err
	}
	out := apiSalesImport{DryRun: dry, Imported: !dry && plan.ErrorCount == 0, Encoding: file.table.Encoding,
		Delimiter: file.table.Delimiter, Preset: file.preset, Rows: plan.Rows, ErrorCount: plan.ErrorCount,
		Accounts: apiImportCount{New: plan.NewAccounts, Existing: plan.ExistingAccounts},
		Contacts: apiImportCount{New: plan.NewContacts, Existing: plan.ExistingContacts, Merged: plan.MergedContacts},
		Columns:  []apiSalesImportColumn{},
		Errors:   []apiSalesImportError{}}
	for j, h := range file.table.Header {
		out.Columns = append(out.Columns, apiSalesImportColumn{Index: j, Header: h, Field: string(file.mapping[j])})
	}
	for _, e := range plan.Errors {
		out.Errors = append(out.Errors, apiSalesImportError{Row: e.Row, Column: e.Column, Field: string(e.Field), Value: e.Value,
			Message: importErrorMessage(l, e)})
	}
	status := http.StatusOK
	if plan.ErrorCount > 0 {
		status = http.StatusUnprocessableEntity
	}
	writeJSON(w, status, out)
	return nil
}

// apiMapping reads the API's "mapping": a JSON array with a field (or ""
// to ignore the column) for every column of a file of kind.
func apiMapping(r *http.Request, kind sales.ImportKind) func(n int) (sales.Mapping, error) {
	return func(n int) (sales.Mapping, error) {
		v := r.FormValue("mapping")
		if v == "" {
			return nil, nil
		}
		var fields []string
		if err := json.Unmarshal([]byte(v), &fields); err != nil || len(fields) != n {
			return nil, invalidField("mapping", "sales.import.bad_mapping")
		}
		m := make(sales.Mapping, n)
		for j, f := range fields {
			if m[j] = sales.ImportField(f); !m[j].ValidFor(kind) {
				return nil, invalidField("mapping", "sales.import.bad_mapping")
			}
		}
		return m, nil
	}
}
