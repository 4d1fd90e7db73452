package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/sales"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/tandem"
	"github.com/tandemhq/tandem/internal/web/views"
)

// The import of deals and activities onto one sales engagement
// (/engagements/{id}/sales/import and its API): the same upload → preview
// → confirm as the base's import, for the client's owners and managers;
// a partner's people get the 404 of a page not theirs (salesImportGate).

// importKind reads the kind of a deal or activity file ("deals" by default).
func importKind(v string) (sales.ImportKind, error) {
	if v == "" {
		return sales.ImportDeals, nil
	}
	k := sales.ImportKind(v)
	if k != sales.ImportDeals && k != sales.ImportActivities {
		return "", invalidField("kind", "validation.one_of")
	}
	return k, nil
}

func pipelineImportData(l *i18n.Localizer, id int64, kind sales.ImportKind) views.SalesImportData {
	d := views.SalesImportData{Action: "/engagements/" + strconv.FormatInt(id, 10) + "/sales/import",
		Lead: l.T("sales.import.pipeline_lead"), Kind: string(kind), Fields: importFields(l, kind)}
	for _, k := range sales.PipelineKinds {
		d.Kinds = append(d.Kinds, views.Option{Value: string(k), Label: l.T("sales.import.kind." + string(k))})
	}
	return d
}

func (s *server) pipelineImportPage(w http.ResponseWriter, r *http.Request) error {
	if err := salesImportGate(r); err != nil {
		return err
	}
	st := state(r)
	id, err := pathID(r)
	if err != nil {
		return err
	}
	pt, err := s.db.Deals().Pipeline(r.Context(), st.principal, id)
	if err != nil {
		return err
	}
	l := st.loc
	title := l.T("sales.import.pipeline_title", "engagement", pt.Engagement.Title)
	return s.page(w, r, views.SalesImport(s.nav(r, title, "engagements"), pipelineImportData(l, id, sales.ImportDeals)))
}

// pipelineImportPost previews a deal or activity file, previews it again
// with the mapping or kind changed, or (confirm) imports it.
func (s *server) pipelineImportPost(w http.ResponseWriter, r *http.Request) error {
	if err := salesImportGate(r); err != nil {
		return err
	}
	st := state(r)
	l := st.loc
	id, err := pathID(r)
	if err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, 2*salesImportPageBytes+1<<20)
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		if tooBig := (*http.MaxBytesError)(nil); errors.As(err, &tooBig) {
			var v tandem.Validator
			v.Add("file", i18n.K("import.too_large"), "max", salesImportPageBytes>>20)
			return v.Err()
		}
		return tandem.Errorf(tandem.EInvalid, i18n.K("error.bad_form"))
	}
	kind, err := importKind(r.FormValue("kind"))
	if err != nil {
		return err
	}
	d := pipelineImportData(l, id, kind)
	nav := s.nav(r, l.T("sales.import.pipeline_title_short"), "engagements")
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
	// A mapping posted for the kind shown; a changed kind maps afresh.
	if r.FormValue("mapped") != "" && r.FormValue("mapped_kind") == string(kind) {
		posted = func(n int) (sales.Mapping, error) { return formMapping(r.MultipartForm.Value, n, kind) }
	}
	file, err := readSalesImport(kind, name, data, salesImportPageBytes, salesImportPageRows, posted)
	if err != nil {
		return fail(err)
	}
	confirm := r.FormValue("confirm") != ""
	plan, err := s.db.Sales().ImportPipeline(r.Context(), st.principal, store.PipelineImport{EngagementID: id, Kind: kind,
		Header: file.table.Header, Rows: file.rows, Mapping: file.mapping, DryRun: !confirm})
	if err != nil {
		return fail(err)
	}
	if confirm && plan.ErrorCount == 0 {
		back := url.Values{"imported": {strconv.Itoa(plan.New)}}
		return redirect(w, r, "/engagements/"+strconv.FormatInt(id, 10)+"/sales/board?"+back.Encode())
	}
	d.Name, d.Carried = name, encodeCarried(data)
	d.Preview = importPreview(l, file, pipelineCounts(l, plan), plan.Errors, plan.ErrorCount)
	status := http.StatusOK
	if plan.ErrorCount > 0 {
		status = http.StatusUnprocessableEntity
	}
	s.render(w, r, status, views.SalesImport(nav, d))
	return nil
}

// pipelineCounts is "N new deals, M already recorded" (or activities).
func pipelineCounts(l *i18n.Localizer, p *sales.PipelinePlan) string {
	return l.T("sales.import.pipeline_summary",
		"new", l.N("sales.import.new_"+string(p.Kind), int64(p.New)),
		"there", l.N("sales.import.recorded", int64(p.Existing)))
}

// API: POST /api/v1/engagements/{id}/sales/import, multipart/form-data
// with the file in "file", "kind" (deals or activities), and optionally
// "dry_run" and "mapping" as for the base's import.

type apiPipelineImport struct {
	Kind       string                 `json:"kind"`
	DryRun     bool                   `json:"dry_run"`
	Imported   bool                   `json:"imported"`
	Encoding   string                 `json:"encoding"`
	Delimiter  string                 `json:"delimiter"`
	Preset     string                 `json:"preset"`
	Columns    []apiSalesImportColumn `json:"columns"`
	Rows       int                    `json:"rows"`
	Records    apiImportCount         `json:"records"`
	Errors     []apiSalesImportError  `json:"errors"`
	ErrorCount int                    `json:"error_count"`
}

func (s *server) apiPipelineImport(w http.ResponseWriter, r *http.Request) error {
	if err := salesImportGate(r); err != nil {
		return err
	}
	st := state(r)
	l := st.loc
	id, err := pathID(r)
	if err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, salesImportAPIBytes+1<<20)
	if err := r.ParseMultipartForm(32 << 20); err != nil {
		if tooBig := (*http.MaxBytesError)(nil); errors.As(err, &tooBig) {
			return tandem.Errorf(tandem.ETooLarge, i18n.K("error.too_large"), "max", salesImportAPIBytes>>20)
		}
		return invalidField("file", "validation.required")
	}
	defer r.MultipartForm.RemoveAll()
	kind, err := importKind(r.FormValue("kind"))
	if err != nil {
		return err
	}
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
	file, err := readSalesImport(kind, name, data, salesImportAPIBytes, salesImportAPIRows, apiMapping(r, kind))
	if err != nil {
		return err
	}
	plan, err := s.db.Sales().ImportPipeline(r.Context(), st.principal, store.PipelineImport{EngagementID: id, Kind: kind,
		Header: file.table.Header, Rows: file.rows, Mapping: file.mapping, DryRun: dry})
	if err != nil {
		return err
	}
	out := apiPipelineImport{Kind: string(kind), DryRun: dry, Imported: !dry && plan.ErrorCount == 0, Encoding: file.table.Encoding,
		Delimiter: file.table.Delimiter, Preset: file.preset, Rows: plan.Rows, ErrorCount: plan.ErrorCount,
		Records: apiImportCount{New: plan.New, Existing: plan.Existing, Merged: plan.Merged},
		Columns: []apiSalesImportColumn{}, Errors: []apiSalesImportError{}}
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
