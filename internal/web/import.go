package web

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"

	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/importer"
	"github.com/tandemhq/tandem/internal/tandem"
	"github.com/tandemhq/tandem/internal/web/views"
	"github.com/tandemhq/tandem/internal/work"
)

// Import limits: a deliverables file is small.
const (
	importMaxBytes = 2 << 20
	importMaxRows  = 2000
)

// deliverableSchema is the columns of a deliverables file; headers are
// accepted in English, Russian and Swedish.
func deliverableSchema(services map[string]string, people map[string]string) importer.Schema {
	return importer.Schema{
		{Name: "title", Aliases: []string{"Title", "Deliverable", "Название", "Результат", "Titel", "Leverans"}, Required: true, Parse: importer.Text(200)},
		{Name: "service", Aliases: []string{"Service", "Услуга", "Tjänst"}, Required: true, Parse: importer.Enum(services)},
		{Name: "due", Aliases: []string{"Due", "Due date", "Срок", "Дата сдачи", "Förfallodag", "Deadline"}, Parse: importer.Date()},
		{Name: "priority", Aliases: []string{"Priority", "Приоритет", "Prioritet"}, Parse: importer.Enum(map[string]string{
			"low": "low", "normal": "normal", "high": "high", "urgent": "urgent",
			"низкий": "low", "обычный": "normal", "высокий": "high", "срочный": "urgent",
			"låg": "low", "hög": "high", "brådskande": "urgent"})},
		{Name: "assignee", Aliases: []string{"Assignee", "Исполнитель", "Ansvarig"}, Parse: importer.Enum(people)},
		{Name: "description", Aliases: []string{"Description", "Описание", "Beskrivning"}, Parse: importer.Text(8000)},
	}
}

// importContext is the schema for an engagement: its services (by key or
// name) and the partner people on it (by e-mail).
func (s *server) importSchema(r *http.Request, engagementID int64) (importer.Schema, error) {
	ctx, p := r.Context(), state(r).principal
	v, err := s.db.Contracts.InForce(ctx, p, engagementID, s.today(r))
	if err != nil {
		return nil, err
	}
	services := map[string]string{}
	for _, svc := range v.Terms.Services {
		services[svc.Key] = svc.Key
		services[svc.Name] = svc.Key
	}
	team, err := s.db.Accounts.Team(ctx, p, engagementID)
	if err != nil {
		return nil, err
	}
	people := map[string]string{}
	for _, m := range team {
		people[m.UserEmail] = fmt.Sprint(m.ID)
	}
	return deliverableSchema(services, people), nil
}

func (s *server) importPage(w http.ResponseWriter, r *http.Request) error {
	e, err := s.engagementOf(r)
	if err != nil {
		return err
	}
	return s.page(w, r, views.Import(s.nav(r, state(r).loc.T("import.title"), "engagements"), e, views.ImportData{}))
}

// importPost previews an uploaded file (step 1) or, with confirm and the
// file carried back from the preview, imports it (step 2). Nothing is
// written unless every row is clean.
func (s *server) importPost(w http.ResponseWriter, r *http.Request) error {
	st := state(r)
	e, err := s.engagementOf(r)
	if err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, 2*importMaxBytes+1<<20)
	if err := r.ParseMultipartForm(4 << 20); err != nil {
		return tandem.Errorf(tandem.EInvalid, i18n.K("error.bad_form"))
	}
	var name string
	var data []byte
	if enc := r.FormValue("carried"); enc != "" {
		if data, err = base64.StdEncoding.DecodeString(enc); err != nil {
			return tandem.Errorf(tandem.EInvalid, i18n.K("error.bad_form"))
		}
		name = r.FormValue("name")
	} else if up, hdr, ferr := r.FormFile("file"); ferr == nil {
		defer up.Close()
		if data, err = io.ReadAll(io.LimitReader(up, importMaxBytes+1)); err != nil {
			return err
		}
		name = hdr.Filename
	}
	d := views.ImportData{Name: name}
	fail := func(err error) error {
		f := views.Form{Errors: map[string]string{}}
		if !withErrors(r, &f, err) {
			return err
		}
		d.Form = f
		s.render(w, r, http.StatusUnprocessableEntity, views.Import(s.nav(r, st.loc.T("import.title"), "engagements"), e, d))
		return nil
	}
	if data == nil {
		return fail(invalidField("file", "validation.required"))
	}
	t, err := importer.Read(name, bytes.NewReader(data), importMaxBytes, importMaxRows)
	if err != nil {
		return fail(err)
	}
	schema, err := s.importSchema(r, e.ID)
	if err != nil {
		return err
	}
	pv := importer.MakePreview(schema, t, 20, 100)
	d.Preview = &pv
	d.Errors = make([]views.ImportError, len(pv.Errors))
	for i, re := range pv.Errors {
		d.Errors[i] = views.ImportError{Row: re.Row, Column: re.Column, Value: re.Value, Message: st.loc.T(string(re.Key), re.Args...)}
	}
	d.Carried = base64.StdEncoding.EncodeToString(data)
	if pv.ErrorCount > 0 || r.FormValue("confirm") == "" {
		status := http.StatusOK
		if pv.ErrorCount > 0 {
			status = http.StatusUnprocessableEntity
		}
		s.render(w, r, status, views.Import(s.nav(r, st.loc.T("import.title"), "engagements"), e, d))
		return nil
	}
	rows, verrs := importer.Validate(schema, t)
	if len(verrs) > 0 { // the preview found none in the same rows: a bug
		return fmt.Errorf("import: %d errors in rows the preview found clean", len(verrs))
	}
	ds := make([]*work.Deliverable, len(rows))
	loc := st.loc.Location()
	for i, row := range rows {
		x := &work.Deliverable{EngagementID: e.ID}
		x.Title, _ = row["title"].(string)
		x.ServiceKey, _ = row["service"].(string)
		x.Priority, _ = row["priority"].(string)
		x.Description, _ = row["description"].(string)
		if a, ok := row["assignee"].(string); ok {
			x.AssigneeID = formID(a)
		}
		if due, ok := row["due"].(tandem.Date); ok && !due.IsZero() {
			x.DueAt = work.DueOn(due, loc)
		}
		ds[i] = x
	}
	if err := s.db.Work.CreateMany(r.Context(), st.principal, e.ID, ds); err != nil {
		return fail(err)
	}
	return redirect(w, r, fmt.Sprintf("/engagements/%d/work", e.ID))
}
