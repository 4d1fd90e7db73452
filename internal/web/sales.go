package web

import (
	"bytes"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/a-h/templ"

	"github.com/tandemhq/tandem/internal/access"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/sales"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/tandem"
	"github.com/tandemhq/tandem/internal/web/views"
)

// The sales base: the accounts list with search and, for the client, the
// assignment control; an account's page with its contacts (masked for the
// partner's people, with a reveal form for agents); the account form; an
// engagement's reveals log. Every read goes through the store, which hands
// out only what the reader may see (sales.ViewAccount, sales.ViewContact).

func salesAccountPath(id int64) string { return recordPath("/sales/accounts", id) }

func salesRevealsPath(engagementID int64) string {
	return recordPath("/engagements", engagementID) + "/sales/reveals"
}

// salesFilter reads the list's filters: status, and engagement (an id, or
// "none" for the unassigned accounts).
func salesFilter(q url.Values) store.AccountFilter {
	f := store.AccountFilter{Status: sales.Status(q.Get("status")), Q: q.Get("q")}
	switch e := q.Get("engagement"); e {
	case "":
	case "none":
		f.Unassigned = true
	default:
		f.EngagementID = formID(e)
		if f.EngagementID == 0 {
			f.EngagementID = -1 // nothing matches a malformed id
		}
	}
	return f
}

func (s *server) salesAccounts(w http.ResponseWriter, r *http.Request) error {
	st := state(r)
	p, l := st.principal, st.loc
	q := r.URL.Query()
	pg := pageOf(q, 50)
	as, total, err := s.db.Sales().Accounts(r.Context(), p, pg, salesFilter(q))
	if err != nil {
		return err
	}
	d := views.SalesListData{
		Pager:    views.Pager{Total: total, Offset: pg.Offset, Limit: pg.Limit, Query: q, Path: r.URL.Path},
		Statuses: options(l, "sales.status.", sales.Statuses, "sales.all_statuses"),
		Client:   sales.SeesDetails(p.Role),
		CanWrite: access.Allows(p.Role, access.SalesWrite),
	}
	for _, a := range as {
		d.Rows = append(d.Rows, salesRow(l, a))
	}
	if f := salesFilter(q); f.EngagementID > 0 && access.Allows(p.Role, access.SalesReveals) {
		d.RevealsURL = salesRevealsPath(f.EngagementID)
	}
	if access.Allows(p.Role, access.SalesExport) {
		for _, f := range sales.ExportFormats {
			d.Exports = append(d.Exports, views.Option{Value: salesExportPath(f, q), Label: l.T(string(f.Label()))})
		}
	}
	if d.CanWrite {
		targets, err := s.db.Sales().AssignTargets(r.Context(), p)
		if err != nil {
			return err
		}
		d.Engagements = []views.Option{{Value: "", Label: l.T("sales.all_engagements")}, {Value: "none", Label: l.T("sales.unassigned")}}
		for _, t := range targets {
			d.Engagements = append(d.Engagements, views.Option{Value: strconv.FormatInt(t.EngagementID, 10), Label: t.Title})
			d.Targets = append(d.Targets, views.Option{Value: fmt.Sprintf("%d:0", t.EngagementID),
				Label: l.T("sales.assign.target_team", "engagement", t.Title, "partner", t.PartnerName)})
			for _, a := range t.Agents {
				d.Targets = append(d.Targets, views.Option{Value: fmt.Sprintf("%d:%d", t.EngagementID, a.ID),
					Label: l.T("sales.assign.target_agent", "engagement", t.Title, "agent", a.Name)})
			}
		}
		// Taking accounts back comes last, so that it is never the default.
		d.Targets = append(d.Targets, views.Option{Value: "0:0", Label: l.T("sales.assign.take_back")})
	}
	n := s.nav(r, l.T("sales.title"), "sales")
	if a := q.Get("assigned"); a != "" {
		k, _ := strconv.ParseInt(a, 10, 64)
		n.Flash = l.N("sales.assign.done", k)
	}
	if a := q.Get("imported"); a != "" {
		accounts, _ := strconv.ParseInt(a, 10, 64)
		contacts, _ := strconv.ParseInt(q.Get("imported_contacts"), 10, 64)
		n.Flash = l.T("sales.import.done", "accounts", l.N("sales.import.done_accounts", accounts),
			"contacts", l.N("sales.import.done_contacts", contacts))
	}
	return s.page(w, r, views.SalesAccounts(n, d))
}

func salesRow(l *i18n.Localizer, a sales.Account) views.SalesAccountRow {
	row := views.SalesAccountRow{ID: a.ID, URL: salesAccountPath(a.ID), Name: a.Name, City: a.City, Country: a.Country,
		Status: string(a.Status), Engagement: a.EngagementTitle, Agent: a.AgentName, Contacts: a.Contacts}
	if row.Engagement == "" {
		row.Engagement = l.T("sales.unassigned")
	}
	if row.Agent == "" {
		row.Agent = l.T("common.none")
	}
	return row
}

// salesAssign assigns the selected accounts, or every account matching the
// list's filter, to "engagement:agent" (0:0 takes them back).
func (s *server) salesAssign(w http.ResponseWriter, r *http.Request) error {
	f, err := parseForm(w, r)
	if err != nil {
		return err
	}
	to, err := assignmentOf(f.Get("to"))
	if err != nil {
		return err
	}
	filter := salesFilter(f.Values)
	if f.Get("scope") != "filter" {
		filter = store.AccountFilter{IDs: []int64{}}
		for _, v := range f.Values["id"] {
			if id := formID(v); id > 0 {
				filter.IDs = append(filter.IDs, id)
			}
		}
		if len(filter.IDs) == 0 {
			return tandem.Errorf(tandem.EInvalid, i18n.K("sales.assign.nothing_selected"))
		}
	}
	n, err := s.db.Sales().Assign(r.Context(), state(r).principal, filter, to)
	if err != nil {
		return err
	}
	back := url.Values{"assigned": {strconv.Itoa(n)}}
	for _, k := range []string{"q", "status", "engagement"} {
		if v := f.Get(k); v != "" {
			back.Set(k, v)
		}
	}
	return redirect(w, r, "/sales/accounts?"+back.Encode())
}

// assignmentOf reads "engagement:agent".
func assignmentOf(s string) (store.Assignment, error) {
	e, a, _ := strings.Cut(s, ":")
	eid, err1 := strconv.ParseInt(e, 10, 64)
	aid, err2 := strconv.ParseInt(a, 10, 64)
	if err1 != nil || err2 != nil || eid < 0 || aid < 0 {
		var v tandem.Validator
		v.Add("to", i18n.K("validation.one_of"))
		return store.Assignment{}, v.Err()
	}
	return store.Assignment{EngagementID: eid, AgentID: aid}, nil
}

func salesAccountForm(l *i18n.Localizer, f views.Form, action, cancel string) views.SalesAccountFormData {
	return views.SalesAccountFormData{Form: f, Action: action, Cancel: cancel,
		Statuses: options(l, "sales.status.", sales.Statuses, ""),
		Sizes:    options(l, "sales.size.", sales.Sizes, "sales.size.unknown")}
}

func (s *server) salesAccountNew(w http.ResponseWriter, r *http.Request) error {
	l := state(r).loc
	f := views.Form{Values: url.Values{"status": {string(sales.StatusProspect)}}}
	return s.page(w, r, views.SalesAccountForm(s.nav(r, l.T("sales.account.new"), "sales"),
		salesAccountForm(l, f, "/sales/accounts", "/sales/accounts")))
}

func accountFromForm(f views.Form) *sales.Account {
	return &sales.Account{Name: f.Get("name"), RegNumber: f.Get("reg_number"), Country: f.Get("country"), City: f.Get("city"),
		Website: f.Get("website"), Industry: f.Get("industry"), Size: sales.Size(f.Get("size")), Status: sales.Status(f.Get("status")),
		Source: f.Get("source"), Tags: sales.SplitTags(f.Get("tags")), Notes: f.Get("notes")}
}

func (s *server) salesAccountCreate(w http.ResponseWriter, r *http.Request) error {
	st := state(r)
	f, err := parseForm(w, r)
	if err != nil {
		return err
	}
	a := accountFromForm(f)
	if err := s.db.Sales().CreateAccount(r.Context(), st.principal, a); err != nil {
		if !withErrors(r, &f, err) {
			return err
		}
		s.render(w, r, invalidStatus(err), views.SalesAccountForm(s.nav(r, st.loc.T("sales.account.new"), "sales"),
			salesAccountForm(st.loc, f, "/sales/accounts", "/sales/accounts")))
		return nil
	}
	return redirect(w, r, salesAccountPath(a.ID))
}

func (s *server) salesAccountEdit(w http.ResponseWriter, r *http.Request) error {
	st := state(r)
	id, err := pathID(r)
	if err != nil {
		return err
	}
	a, err := s.db.Sales().Account(r.Context(), st.principal, id)
	if err != nil {
		return err
	}
	f := views.Form{Values: url.Values{"name": {a.Name}, "reg_number": {a.RegNumber}, "country": {a.Country}, "city": {a.City},
		"website": {a.Website}, "industry": {a.Industry}, "size": {string(a.Size)}, "status": {string(a.Status)},
		"source": {a.Source}, "tags": {strings.Join(a.Tags, ", ")}, "notes": {a.Notes}}}
	return s.page(w, r, views.SalesAccountForm(s.nav(r, a.Name, "sales"),
		salesAccountForm(st.loc, f, salesAccountPath(id), salesAccountPath(id))))
}

func (s *server) salesAccountUpdate(w http.ResponseWriter, r *http.Request) error {
	st := state(r)
	id, err := pathID(r)
	if err != nil {
		return err
	}
	f, err := parseForm(w, r)
	if err != nil {
		return err
	}
	a := accountFromForm(f)
	a.ID = id
	if err := s.db.Sales().UpdateAccount(r.Context(), st.principal, a); err != nil {
		if !withErrors(r, &f, err) {
			return err
		}
		s.render(w, r, invalidStatus(err), views.SalesAccountForm(s.nav(r, st.loc.T("sales.account.edit"), "sales"),
			salesAccountForm(st.loc, f, salesAccountPath(id), salesAccountPath(id))))
		return nil
	}
	return redirect(w, r, salesAccountPath(id))
}

func (s *server) salesAccountShow(w http.ResponseWriter, r *http.Request) error {
	// Kept between requests (keptPage): a page shows details masked as
	// the reader's role requires; a reveal, a refused form or a flash
	// message is answered afresh (showSalesAccount). A browser session is
	// never metered (sales.Metered), so keeping reads nothing it counts.
	return s.keptPage(w, r, func(r *http.Request) (templ.Component, error) {
		return s.salesAccountView(r, salesAccountPage{})
	})
}

// salesAccountPage is what an account's page shows besides the account: the
// contact form after a refused contact, the reveal that was refused, or the
// one detail just revealed.
type salesAccountPage struct {
	contactForm views.Form
	revealForm  views.Form
	revealed    *sales.Detail
	status      int
	// activityForm is a log form refused (sales_activities.go).
	activityForm views.Form
}

func (s *server) showSalesAccount(w http.ResponseWriter, r *http.Request, x salesAccountPage) error {
	status := x.status
	if status == 0 {
		status = http.StatusOK
	}
	return s.rendered(w, r, status)(s.salesAccountView(r, x))
}

// salesAccountView is the account page of r with what x adds.
func (s *server) salesAccountView(r *http.Request, x salesAccountPage) (templ.Component, error) {
	st := state(r)
	p, l := st.principal, st.loc
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	a, err := s.db.Sales().Account(r.Context(), p, id)
	if err != nil {
		return nil, err
	}
	cs, err := s.db.Sales().Contacts(r.Context(), p, id)
	if err != nil {
		return nil, err
	}
	d := views.SalesAccountData{ID: a.ID, Name: a.Name, Status: string(a.Status), Tags: a.Tags, Notes: a.Notes,
		Masked: !sales.SeesDetails(p.Role), CanWrite: access.Allows(p.Role, access.SalesWrite),
		CanReveal: access.Allows(p.Role, access.SalesReveal), ContactForm: x.contactForm, RevealForm: x.revealForm}
	if a.EngagementID != 0 && access.Allows(p.Role, access.SalesReveals) {
		d.RevealsURL = salesRevealsPath(a.EngagementID)
	}
	if a.EngagementID != 0 && access.Allows(p.Role, access.SalesClaim) {
		d.ClaimURL = salesClaimsPath(a.EngagementID) + "?kind=" + string(sales.ClaimLead) + "&account_id=" + strconv.FormatInt(a.ID, 10) + "#claim"
	}
	fact := func(key, v string) {
		if v != "" {
			d.Facts = append(d.Facts, views.SalesFact{Label: l.T(key), Value: v})
		}
	}
	fact("sales.field.reg_number", a.RegNumber)
	fact("sales.field.country", views.CountryName(r.Context(), a.Country))
	fact("sales.field.city", a.City)
	fact("sales.field.website", a.Website)
	fact("sales.field.industry", a.Industry)
	if a.Size != "" {
		fact("sales.field.size", l.T("sales.size."+string(a.Size)))
	}
	fact("sales.field.source", a.Source)
	if a.EngagementTitle != "" {
		fact("sales.field.engagement", a.EngagementTitle)
	} else {
		fact("sales.field.engagement", l.T("sales.unassigned"))
	}
	fact("sales.field.agent", a.AgentName)
	for _, c := range cs {
		card := views.SalesContactCard{ID: c.ID, Name: c.Name, Position: c.Position, DecisionMaker: c.DecisionMaker, Notes: c.Notes}
		for _, det := range append(append([]sales.Detail{}, c.Phones...), c.Emails...) {
			row := views.SalesDetailRow{ID: det.ID, Label: l.T("sales.field." + string(det.Field)), Value: sales.Display(det),
				Masked: c.Masked, RevealURL: fmt.Sprintf("/sales/accounts/%d/contacts/%d/reveal", a.ID, c.ID)}
			if det.Typed != "" && det.Typed != det.Value && det.Typed != row.Value {
				row.Typed = det.Typed
			}
			if x.revealed != nil && x.revealed.ID == det.ID {
				row.Value, row.Masked, row.Revealed = sales.Display(*x.revealed), false, true
				d.RevealedMsg = l.T("sales.reveal.done")
			}
			card.Details = append(card.Details, row)
		}
		d.Contacts = append(d.Contacts, card)
	}
	if d.Activities, err = s.activitiesSection(r, a, cs, x.activityForm); err != nil {
		return nil, err
	}
	if d.Deals, err = s.accountDeals(r, a); err != nil {
		return nil, err
	}
	return views.SalesAccount(s.nav(r, a.Name, "sales"), d), nil
}

// contactFromForm reads a contact; phone numbers and e-mail addresses one a line.
func contactFromForm(accountID int64, f views.Form) *sales.Contact {
	c := &sales.Contact{AccountID: accountID, Name: f.Get("name"), Position: f.Get("position"),
		DecisionMaker: f.Get("decision_maker") != "", Notes: f.Get("notes")}
	for _, line := range strings.Split(f.Get("phones"), "\n") {
		c.Phones = append(c.Phones, sales.Detail{Typed: line})
	}
	for _, line := range strings.Split(f.Get("emails"), "\n") {
		c.Emails = append(c.Emails, sales.Detail{Typed: line})
	}
	return c
}

func (s *server) salesContactCreate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	f, err := parseForm(w, r)
	if err != nil {
		return err
	}
	if err := s.db.Sales().AddContact(r.Context(), state(r).principal, contactFromForm(id, f)); err != nil {
		if !withErrors(r, &f, err) {
			return err
		}
		return s.showSalesAccount(w, r, salesAccountPage{contactForm: f, status: invalidStatus(err)})
	}
	return redirect(w, r, salesAccountPath(id)+"#contacts")
}

// salesReveal answers a reveal with the account's page showing that one
// detail in full — this answer only; the page read again is masked.
func (s *server) salesReveal(w http.ResponseWriter, r *http.Request) error {
	contactID, err := strconv.ParseInt(r.PathValue("contact"), 10, 64)
	if err != nil {
		return tandem.ErrNotFound
	}
	f, err := parseForm(w, r)
	if err != nil {
		return err
	}
	d, err := s.db.Sales().Reveal(r.Context(), state(r).principal, contactID, formID(f.Get("detail_id")), f.Get("reason"))
	if err != nil {
		if !withErrors(r, &f, err) {
			return err
		}
		return s.showSalesAccount(w, r, salesAccountPage{revealForm: f, status: invalidStatus(err)})
	}
	w.Header().Set("Cache-Control", "no-store")
	return s.showSalesAccount(w, r, salesAccountPage{revealed: &d})
}

func (s *server) salesReveals(w http.ResponseWriter, r *http.Request) error {
	st := state(r)
	p, l := st.principal, st.loc
	e, err := s.engagementOf(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	pg := pageOf(q, 50)
	rs, total, err := s.db.Sales().Reveals(r.Context(), p, pg, store.RevealFilter{EngagementID: e.ID, AgentID: formID(q.Get("agent"))})
	if err != nil {
		return err
	}
	agents, err := s.db.Sales().RevealAgents(r.Context(), p, e.ID)
	if err != nil {
		return err
	}
	d := views.SalesRevealsData{Engagement: e, Pager: views.Pager{Total: total, Offset: pg.Offset, Limit: pg.Limit, Query: q, Path: r.URL.Path},
		Agents: []views.Option{{Value: "", Label: l.T("sales.reveals.all_agents")}}}
	for _, a := range agents {
		d.Agents = append(d.Agents, views.Option{Value: strconv.FormatInt(a.ID, 10), Label: a.Name})
	}
	for _, x := range rs {
		d.Rows = append(d.Rows, views.SalesRevealRow{At: l.DateTime(x.At), Agent: x.UserName, Account: x.AccountName,
			AccountURL: salesAccountPath(x.AccountID), Contact: x.ContactName, Field: l.T("sales.field." + string(x.Field)), Reason: x.Reason})
	}
	return s.page(w, r, views.SalesReveals(s.nav(r, l.T("sales.reveals.title"), "engagements"), d))
}

// salesExportPath is the download of the accounts list in format with the
// list's filters q.
func salesExportPath(format sales.ExportFormat, q url.Values) string {
	keep := url.Values{}
	for _, k := range []string{"q", "status", "engagement"} {
		if v := q.Get(k); v != "" {
			keep.Set(k, v)
		}
	}
	path := "/sales/export/" + string(format)
	if len(keep) > 0 {
		path += "?" + keep.Encode()
	}
	return path
}

// salesExport downloads every account matching the list's filters with
// its contacts in full, in the format the path names (sales.ExportFormats).
// The client's owners and managers only (access.SalesExport); the store
// audits every export.
func (s *server) salesExport(w http.ResponseWriter, r *http.Request) error {
	st := state(r)
	format := sales.ExportFormat(r.PathValue("format"))
	if !format.Valid() {
		return tandem.ErrNotFound
	}
	as, err := s.db.Sales().Export(r.Context(), st.principal, salesFilter(r.URL.Query()), format)
	if err != nil {
		return err
	}
	header := make([]string, len(sales.ExportColumns))
	for i, k := range sales.ExportColumns {
		header[i] = st.loc.T(string(k))
	}
	var buf bytes.Buffer
	if err := sales.WriteExport(&buf, format, st.loc.T("sales.title"), header, sales.ExportRows(as, st.loc.T("common.yes"))); err != nil {
		return err
	}
	name := "sales-accounts"
	if format == sales.ExportExcel {
		name += "-excel"
	}
	h := w.Header()
	h.Set("Content-Type", format.ContentType())
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name + "." + format.Extension()}))
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	_, err = w.Write(buf.Bytes())
	return err
}
