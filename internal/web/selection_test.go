package web_test

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/tandemhq/tandem/internal/engagement"
	"github.com/tandemhq/tandem/internal/file"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/selection"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
)

// upload posts a multipart form with an optional file.
func (c *client) upload(path string, fields url.Values, fileName string, data []byte) resp {
	c.e.t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, vs := range fields {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	if fileName != "" {
		fw, err := mw.CreateFormFile("file", fileName)
		if err != nil {
			c.e.t.Fatal(err)
		}
		fw.Write(data)
	}
	mw.Close()
	return c.do("POST", path, &b, map[string]string{"Content-Type": mw.FormDataContentType()})
}

func idFrom(t *testing.T, location, prefix string) int64 {
	t.Helper()
	id, err := strconv.ParseInt(strings.TrimPrefix(location, prefix), 10, 64)
	if err != nil {
		t.Fatalf("redirect %q", location)
	}
	return id
}

func countSelections(t *testing.T, e *env) int {
	t.Helper()
	_, n, err := e.db.Selections.List(ctx, e.f.Owner, tandem.Page{}, "")
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestSelectionPages(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, dialect)
			f := e.f
			manager, viewer, owner := e.as(f.Manager), e.as(f.Viewer), e.as(f.Owner)
			// The third reviewer is a second manager: viewers only read.
			maja := secondManager(e)
			second := e.as(maja)

			r := manager.get("/selections/new")
			if r.status != 200 || !strings.Contains(r.body, "Expertise and track record") || !strings.Contains(r.body, `name="criteria.3.weight" type="number" min="1" max="100" step="1" value="20"`) {
				t.Fatalf("new form: %d", r.status)
			}
			form := url.Values{
				"title":             {"Sales partner 2026"},
				"candidates":        {fmt.Sprint(f.PartnerA), fmt.Sprint(f.PartnerB)},
				"reviewers":         {fmt.Sprint(f.Owner.UserID), fmt.Sprint(f.Manager.UserID), fmt.Sprint(maja.UserID)},
				"criteria.0.code":   {"expertise_track_record"},
				"criteria.0.weight": {"50"},
				"criteria.1.code":   {"price"},
				"criteria.1.weight": {"0"}, // bad
				"criteria.2.code":   {"reputation"},
				"criteria.2.weight": {""}, // left out
				"criteria.3.name":   {"Speaks Swedish"},
				"criteria.3.weight": {"20"},
			}
			bad := url.Values{}
			for k, v := range form {
				bad[k] = v
			}
			bad.Set("title", " ")
			r = manager.post("/selections", bad)
			if r.status != 422 || !strings.Contains(r.body, "Fill this in.") ||
				!strings.Contains(r.body, `<p class="field-error" id="e-criteria.1.weight">Enter a whole number from 1 to 100.</p>`) {
				t.Fatalf("bad selection: %d %s", r.status, r.body)
			}
			if n := countSelections(t, e); n != 0 {
				t.Fatalf("a bad selection was written: %d", n)
			}
			// The same errors in Swedish.
			manager.lang = "sv"
			e.db.Accounts.SetLanguage(ctx, f.Manager.UserID, "sv")
			r = manager.post("/selections", bad)
			if r.status != 422 || !strings.Contains(r.body, "Ange ett heltal från 1 till 100.") {
				t.Fatalf("bad selection in Swedish: %d", r.status)
			}
			e.db.Accounts.SetLanguage(ctx, f.Manager.UserID, "en")

			form.Set("criteria.1.weight", "30")
			if r := viewer.post("/selections", form); r.status != 403 {
				t.Fatalf("viewer created a selection: %d", r.status)
			}
			r = manager.post("/selections", form)
			if r.status != 303 {
				t.Fatalf("create: %d %s", r.status, r.body)
			}
			id := idFrom(t, r.location, "/selections/")
			x, err := e.db.Selections.Get(ctx, f.Owner, id)
			if err != nil || len(x.Criteria) != 3 {
				t.Fatalf("stored: %+v %v", x, err)
			}
			c1, c2, c3 := x.Criteria[0].ID, x.Criteria[1].ID, x.Criteria[2].ID
			score := func(c *client, partner int64, v1, v2, v3 string) resp {
				return c.post(fmt.Sprintf("/selections/%d/scores", id), url.Values{
					selection.ScoreField(partner, c1): {v1}, selection.ScoreField(partner, c2): {v2},
					selection.ScoreField(partner, c3): {v3}, selection.NoteField(partner, c3): {"fluent"}})
			}
			// The hand-worked example: Alpha 82.5 / 75.0 / 60.0, Beta 72.5 / 65.0 / 82.5.
			for _, s := range []struct {
				c          *client
				partner    int64
				v1, v2, v3 string
			}{
				{owner, f.PartnerA, "5", "4", "3"}, {manager, f.PartnerA, "4", "4", "4"}, {second, f.PartnerA, "3", "5", "2"},
				{owner, f.PartnerB, "4", "3", "5"}, {manager, f.PartnerB, "5", "3", "1"}, {second, f.PartnerB, "4", "5", "4"},
			} {
				if r := score(s.c, s.partner, s.v1, s.v2, s.v3); r.status != 303 {
					t.Fatalf("score: %d %s", r.status, r.body)
				}
			}
			// A score of 7 gets a field error and changes nothing; a
			// viewer may not score at all.
			before, _ := e.db.Selections.Scores(ctx, f.Owner, id)
			if r := score(viewer, f.PartnerB, "3", "3", "3"); r.status != 403 {
				t.Fatalf("viewer scored: %d", r.status)
			}
			r = score(second, f.PartnerB, "7", "1", "1")
			if r.status != 422 || !strings.Contains(r.body, `id="e-`+selection.ScoreField(f.PartnerB, c1)+`">Choose a score from 1 to 5.</p>`) {
				t.Fatalf("score 7: %d", r.status)
			}
			after, _ := e.db.Selections.Scores(ctx, f.Owner, id)
			if fmt.Sprint(before) != fmt.Sprint(after) {
				t.Fatalf("a bad score changed the scores")
			}

			r = viewer.get(fmt.Sprintf("/selections/%d", id))
			if r.status != 200 {
				t.Fatalf("show: %d", r.status)
			}
			// Alpha ranks first on the median (75.0) although Beta's mean (73.3) is higher.
			alpha, beta := strings.Index(r.body, `<th scope="row">Alpha Sales AB</th>`), strings.Index(r.body, `<th scope="row">Beta Support OÜ</th>`)
			if alpha < 0 || beta < alpha {
				t.Fatalf("ranking: alpha at %d, beta at %d", alpha, beta)
			}
			for _, want := range []string{"82.5", "60.0", "<strong>75.0</strong>", "72.5", "22.5", "<strong>72.5</strong>", "73.3", "17.5", "Σ(weight × (score − 1))"} {
				if !strings.Contains(r.body, want) {
					t.Errorf("results lack %q", want)
				}
			}
			// Russian numbers use a decimal comma.
			e.db.Accounts.SetLanguage(ctx, f.Viewer.UserID, "ru")
			if r := viewer.get(fmt.Sprintf("/selections/%d", id)); !strings.Contains(r.body, "<strong>75,0</strong>") || !strings.Contains(r.body, "Медиана") {
				t.Errorf("Russian results")
			}

			// The decision.
			dpath := fmt.Sprintf("/selections/%d/decision", id)
			if r := viewer.post(dpath, url.Values{"partner_id": {fmt.Sprint(f.PartnerA)}, "reason": {"x"}}); r.status != 403 {
				t.Errorf("viewer decided: %d", r.status)
			}
			r = manager.post(dpath, url.Values{"partner_id": {fmt.Sprint(f.PartnerA)}, "reason": {" "}})
			if r.status != 422 || !strings.Contains(r.body, `id="e-reason">Fill this in.`) {
				t.Fatalf("decision without reason: %d", r.status)
			}
			if r := manager.post(dpath, url.Values{"partner_id": {fmt.Sprint(f.PartnerA)}, "reason": {"Best median, strong references."}}); r.status != 303 {
				t.Fatalf("decide: %d %s", r.status, r.body)
			}
			if r := score(owner, f.PartnerA, "1", "1", "1"); r.status != 409 {
				t.Errorf("scored after the decision: %d", r.status)
			}
			r = owner.get(fmt.Sprintf("/selections/%d", id))
			if !strings.Contains(r.body, "Best median, strong references.") || !strings.Contains(r.body, "manager@example.com") || !strings.Contains(r.body, "Start a pilot") {
				t.Errorf("decided page")
			}

			// The pilot.
			ppath := fmt.Sprintf("/selections/%d/pilot", id)
			r = owner.post(ppath, url.Values{"title": {"Pilot: Sales partner 2026"}, "kind": {"sales"}, "starts_on": {"1 March"}})
			if r.status != 422 || !strings.Contains(r.body, "Enter a date as YYYY-MM-DD.") {
				t.Fatalf("bad pilot date: %d", r.status)
			}
			if r := owner.post(ppath, url.Values{"title": {"Pilot: Sales partner 2026"}, "kind": {"sales"}, "starts_on": {"2026-03-01"}, "ends_on": {"2026-05-31"}}); r.status != 303 {
				t.Fatalf("start pilot: %d %s", r.status, r.body)
			}
			x, _ = e.db.Selections.Get(ctx, f.Owner, id)
			eng, err := e.db.Engagements.Get(ctx, f.Owner, x.EngagementID)
			if err != nil || eng.PartnerID != f.PartnerA || eng.Status != engagement.StatusDraft || eng.Title != "Pilot: Sales partner 2026" {
				t.Fatalf("pilot engagement: %+v %v", eng, err)
			}
			rpath := fmt.Sprintf("/selections/%d/pilot/review", id)
			if r := owner.post(rpath, url.Values{"decision": {"go"}}); r.status != 422 || !strings.Contains(r.body, `id="e-reason"`) {
				t.Errorf("review without reason: %d", r.status)
			}
			// The pilot was never activated: the engagement refuses to go live and the form says why.
			r = owner.post(rpath, url.Values{"decision": {"go"}, "reason": {"Met the targets of the pilot."}})
			if r.status != 422 || !strings.Contains(r.body, "The engagement&#39;s status could not be changed; nothing was recorded.") ||
				!strings.Contains(r.body, `id="e-decision"`) || strings.Contains(r.body, `id="e-decision">Please correct`) {
				t.Fatalf("go on a draft: %d %s", r.status, r.body)
			}
			if x, _ := e.db.Selections.Get(ctx, f.Owner, id); len(x.PilotReviews) != 0 {
				t.Fatalf("a refused review was recorded")
			}
			if err := storetest.Exec(e.db, `UPDATE engagements SET status = 'pilot' WHERE id = ?`, x.EngagementID); err != nil {
				t.Fatal(err)
			}
			if r := owner.post(rpath, url.Values{"decision": {"go"}, "reason": {"Met the targets of the pilot."}}); r.status != 303 {
				t.Fatalf("review: %d %s", r.status, r.body)
			}
			if eng, _ := e.db.Engagements.Get(ctx, f.Owner, x.EngagementID); eng.Status != engagement.StatusActive {
				t.Errorf("go left the engagement %s", eng.Status)
			}
			r = viewer.get(fmt.Sprintf("/selections/%d", id))
			if !strings.Contains(r.body, "Met the targets of the pilot.") || !strings.Contains(r.body, "/engagements/"+fmt.Sprint(x.EngagementID)) {
				t.Errorf("review not shown")
			}
			entries, _, _ := e.db.Audit.List(ctx, f.Owner, store.AuditFilter{Action: "selection.pilot_reviewed"}, tandem.Page{})
			if len(entries) != 1 || entries[0].Actor != "owner@example.com" {
				t.Errorf("review audit: %+v", entries)
			}

			// Partner people see none of it.
			for _, p := range []tandem.Principal{f.VendorManager, f.VendorAgent, f.VendorManagerB} {
				c := e.as(p)
				for _, path := range []string{"/selections", fmt.Sprintf("/selections/%d", id), "/selections/999999"} {
					if r := c.get(path); r.status != 403 || strings.Contains(r.body, "Sales partner 2026") {
						t.Errorf("%s GET %s: %d", p.Role, path, r.status)
					}
				}
				if r := c.get("/"); strings.Contains(r.body, `href="/selections"`) {
					t.Errorf("%s sees the selections link", p.Role)
				}
			}
		})
	}
}

func TestEvidencePages(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, dialect)
			f := e.f
			owner, viewer := e.as(f.Owner), e.as(f.Viewer)
			path := fmt.Sprintf("/partners/%d/evidence", f.PartnerB)
			pdf := append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte("x"), 3000)...)
			fields := url.Values{"kind": {"registration"}, "title": {"Äriregister extract"}, "url": {"https://ariregister.rik.ee/"}, "verified": {"1"}}
			if r := viewer.upload(path, fields, "extract.pdf", pdf); r.status != 403 {
				t.Errorf("viewer uploaded: %d", r.status)
			}
			r := owner.upload(path, fields, "extract.pdf", pdf)
			if r.status != 303 || r.location != path {
				t.Fatalf("upload: %d %s", r.status, r.body)
			}
			if r := owner.upload(path, url.Values{"kind": {"independent_rating"}, "title": {"Clutch"}, "value": {"4,5"}}, "", nil); r.status != 303 {
				t.Fatalf("rating: %d %s", r.status, r.body)
			}
			count := func() int {
				xs, err := e.db.Selections.Evidence(ctx, f.Owner, f.PartnerB)
				if err != nil {
					t.Fatal(err)
				}
				return len(xs)
			}
			// Bad input: a forbidden type, a file too large, a bad value, a missing title. Nothing is written.
			big := make([]byte, file.MaxFileSize+1)
			copy(big, "%PDF-")
			for _, c := range []struct {
				name   string
				fields url.Values
				file   string
				data   []byte
				status int
				want   string
			}{
				{"html", fields, "page.html", []byte("<!DOCTYPE html><script>alert(1)</script>"), 422, `id="e-file">This type of file is not accepted`},
				{"exe as pdf", fields, "offer.pdf", []byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00"), 422, `id="e-file">This type of file is not accepted`},
				{"10 MiB + 1 byte", fields, "big.pdf", big, 422, `id="e-file">The file is larger than 10 MiB.`},
				{"body over the cap", fields, "huge.pdf", make([]byte, file.MaxFileSize+2<<20), 413, `id="e-file">The file is larger than 10 MiB.`},
				{"value", url.Values{"kind": {"years_in_business"}, "title": {"Founded"}, "value": {"twelve"}}, "", nil, 422, `id="e-value">Enter a number`},
				{"title", url.Values{"kind": {"review"}}, "", nil, 422, `id="e-title">Fill this in.`},
			} {
				r := owner.upload(path, c.fields, c.file, c.data)
				if r.status != c.status || !strings.Contains(r.body, c.want) {
					t.Errorf("%s: %d, want %d with %q", c.name, r.status, c.status, c.want)
				}
			}
			if n := count(); n != 2 {
				t.Fatalf("bad uploads were written: %d pieces of evidence", n)
			}
			xs, _ := e.db.Selections.Evidence(ctx, f.Owner, f.PartnerB)
			pdfID := xs[1].ID
			r = viewer.get(path)
			if r.status != 200 || !strings.Contains(r.body, "Äriregister extract") || !strings.Contains(r.body, "4.5") ||
				!strings.Contains(r.body, fmt.Sprintf(`href="/evidence/%d/file"`, pdfID)) || strings.Contains(r.body, "Add evidence") {
				t.Fatalf("evidence page: %d", r.status)
			}
			r = viewer.get(fmt.Sprintf("/evidence/%d/file", pdfID))
			if r.status != 200 || r.body != string(pdf) || r.header.Get("Content-Type") != "application/pdf" ||
				r.header.Get("Content-Disposition") != `attachment; filename=extract.pdf` || r.header.Get("X-Content-Type-Options") != "nosniff" {
				t.Fatalf("download: %d %v", r.status, r.header)
			}
			entries, _, _ := e.db.Audit.List(ctx, f.Owner, store.AuditFilter{Action: "data.export"}, tandem.Page{})
			if len(entries) != 1 || entries[0].Actor != "viewer@example.com" {
				t.Errorf("download audit: %+v", entries)
			}
			if r := viewer.get(fmt.Sprintf("/evidence/%d/file", xs[0].ID)); r.status != 404 {
				t.Errorf("evidence without a file: %d", r.status)
			}

			// Partner A's manager cannot open partner B's evidence nor download its file, and
			// gets no evidence of its own partner either; the other workspace gets "not found".
			vm := e.as(f.VendorManager)
			for _, p := range []string{path, fmt.Sprintf("/partners/%d/evidence", f.PartnerA), fmt.Sprintf("/evidence/%d/file", pdfID)} {
				if r := vm.get(p); r.status != 403 || strings.Contains(r.body, "Äriregister") || strings.Contains(r.body, "%PDF") {
					t.Errorf("partner manager A GET %s: %d", p, r.status)
				}
			}
			if r := vm.upload(fmt.Sprintf("/partners/%d/evidence", f.PartnerA), url.Values{"kind": {"review"}, "title": {"We are great"}}, "", nil); r.status != 403 {
				t.Errorf("partner manager uploaded evidence: %d", r.status)
			}
			other, _ := e.db.Accounts.UserByEmail(ctx, "other@example.com")
			op, _ := e.db.Accounts.Principal(ctx, other.ID, f.Other)
			oc := e.as(op)
			for _, p := range []string{path, fmt.Sprintf("/evidence/%d/file", pdfID)} {
				if r := oc.get(p); r.status != 404 {
					t.Errorf("other workspace GET %s: %d", p, r.status)
				}
			}
			if entries, _, _ := e.db.Audit.List(ctx, f.Owner, store.AuditFilter{Action: "data.export"}, tandem.Page{}); len(entries) != 1 {
				t.Errorf("refused downloads were audited: %d", len(entries))
			}
		})
	}
}

// The selection pages render in every language with no missing message.
func TestSelectionPagesInEveryLanguage(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sqlite")
	f := e.f
	x := &selection.Selection{Title: "Support partner", Candidates: []selection.Candidate{{PartnerID: f.PartnerA}, {PartnerID: f.PartnerB}},
		Reviewers: []selection.Reviewer{{UserID: f.Owner.UserID}, {UserID: f.Manager.UserID}}, Criteria: selection.DefaultCriteria()}
	if err := e.db.Selections.Create(ctx, f.Owner, x); err != nil {
		t.Fatal(err)
	}
	var scores []selection.Score
	for _, c := range x.Criteria {
		scores = append(scores, selection.Score{PartnerID: f.PartnerA, CriterionID: c.ID, Value: 4})
	}
	if err := e.db.Selections.SaveScores(ctx, f.Owner, x.ID, scores); err != nil {
		t.Fatal(err)
	}
	y := &selection.Selection{Title: "Decided", Candidates: x.Candidates, Reviewers: x.Reviewers, Criteria: selection.DefaultCriteria()}
	if err := e.db.Selections.Create(ctx, f.Owner, y); err != nil {
		t.Fatal(err)
	}
	if err := e.db.Selections.Decide(ctx, f.Owner, y.ID, f.PartnerB, "Reason"); err != nil {
		t.Fatal(err)
	}
	if err := e.db.Selections.AddEvidence(ctx, f.Owner, &selection.Evidence{PartnerID: f.PartnerA, Kind: "sample_call",
		Title: "Call", Value: 120, HasValue: true}, "call.txt", []byte("hello")); err != nil {
		t.Fatal(err)
	}
	paths := []string{"/selections", "/selections/new", fmt.Sprintf("/selections/%d", x.ID), fmt.Sprintf("/selections/%d/edit", x.ID),
		fmt.Sprintf("/selections/%d", y.ID), fmt.Sprintf("/partners/%d/evidence", f.PartnerA),
		"/audit?action=selection.", "/audit?action=evidence."}
	for _, p := range []tandem.Principal{f.Owner, f.Viewer} {
		c := e.as(p)
		for _, lang := range []i18n.Lang{"en", "ru", "sv"} {
			if err := e.db.Accounts.SetLanguage(ctx, p.UserID, lang); err != nil {
				t.Fatal(err)
			}
			for _, path := range paths {
				r := c.get(path)
				if p.Role == tandem.RoleViewer && strings.HasSuffix(path, "/new") || strings.HasSuffix(path, "/edit") && p.Role == tandem.RoleViewer {
					if r.status != 403 {
						t.Errorf("viewer %s: %d", path, r.status)
					}
					continue
				}
				if r.status != 200 {
					t.Errorf("%s %s [%s]: %d", p.Role, path, lang, r.status)
					continue
				}
				if i := strings.Index(r.body, "⟦"); i >= 0 {
					t.Errorf("%s %s [%s]: missing message %s", p.Role, path, lang, r.body[i:min(len(r.body), i+60)])
				}
			}
		}
	}
	if err := e.db.Accounts.SetLanguage(ctx, f.Owner.UserID, "en"); err != nil {
		t.Fatal(err)
	}
	if body := e.as(f.Owner).get("/audit?action=selection.").body; !strings.Contains(body, "Partner chosen") || !strings.Contains(body, "Candidates scored") {
		t.Errorf("audit trail does not name the selection actions")
	}
	// The edit form keeps the criteria and lets the owner change a weight.
	body := e.as(f.Owner).get(fmt.Sprintf("/selections/%d/edit", x.ID)).body
	if !strings.Contains(body, fmt.Sprintf(`name="criteria.0.id" value="%d"`, x.Criteria[0].ID)) {
		t.Fatalf("edit form lacks criterion ids")
	}
}
