package web_test

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"regexp"
	"strings"
	"testing"

	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
	"github.com/tandemhq/tandem/internal/work"
)

func multipartBody(t *testing.T, fields map[string]string, fileName, content string) (string, *bytes.Buffer) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	if fileName != "" {
		fw, _ := mw.CreateFormFile("file", fileName)
		fw.Write([]byte(content))
	}
	mw.Close()
	return mw.FormDataContentType(), &buf
}

// A file with problems shows each by row and column and writes nothing; a
// clean file previews, then imports every row in one go.
func TestImportDeliverables(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sqlite")
	f := e.f
	storetest.Activate(t, e.db, f.Owner, f.A1, nil)
	c := e.as(f.Manager)
	c.lang = "ru"
	path := fmt.Sprintf("/engagements/%d/deliverables/import", f.A1)
	v, _ := e.db.Contracts.InForce(ctx, f.Owner, f.A1, tandem.DateOf(e.db.Now()))
	svc := v.Terms.Services[0]

	// Russian headers, ";" separated; row 3 has an unknown service, row 4 a bad date.
	bad := "Название;Услуга;Срок\nСписок отелей;" + svc.Key + ";2026-12-01\nЗвонки;чай;2026-12-02\nВстречи;" + svc.Name + ";32.13.2026\n"
	ct, body := multipartBody(t, nil, "plan.csv", bad)
	r := c.do("POST", path, body, map[string]string{"Content-Type": ct})
	if r.status != 422 {
		t.Fatalf("bad file: status %d", r.status)
	}
	rows := regexp.MustCompile(`<tr><td>(\d+)</td><td>(\w+)</td>`).FindAllStringSubmatch(r.body, -1)
	var got []string
	for _, m := range rows {
		got = append(got, m[1]+":"+m[2])
	}
	if strings.Join(got, " ") != "3:service 4:due" {
		t.Fatalf("errors by row and column: %v", got)
	}
	if _, n, _ := e.db.Work.List(ctx, f.Owner, tandem.Page{}, store.DeliverableFilter{EngagementID: f.A1}); n != 0 {
		t.Fatalf("a bad file wrote %d deliverables", n)
	}

	good := "Title,Service,Due,Priority,Assignee\nHotel list,\"" + svc.Name + "\",01.12.2026,high,agent@alpha.example\nFollow-ups," + svc.Key + ",,,\n"
	ct, body = multipartBody(t, nil, "plan.csv", good)
	r = c.do("POST", path, body, map[string]string{"Content-Type": ct})
	m := regexp.MustCompile(`name="carried" value="([^"]+)"`).FindStringSubmatch(r.body)
	if r.status != 200 || m == nil {
		t.Fatalf("clean preview: %d", r.status)
	}
	if _, n, _ := e.db.Work.List(ctx, f.Owner, tandem.Page{}, store.DeliverableFilter{EngagementID: f.A1}); n != 0 {
		t.Fatal("the preview wrote deliverables")
	}
	ct, body = multipartBody(t, map[string]string{"carried": m[1], "name": "plan.csv", "confirm": "1"}, "", "")
	r = c.do("POST", path, body, map[string]string{"Content-Type": ct})
	if r.status != 303 {
		t.Fatalf("import: %d %s", r.status, r.body)
	}
	ds, n, _ := e.db.Work.List(ctx, f.Owner, tandem.Page{Sort: "title"}, store.DeliverableFilter{EngagementID: f.A1})
	if n != 2 || ds[0].Title != "Follow-ups" || ds[1].Title != "Hotel list" || ds[1].Priority != "high" || ds[1].AssigneeID != f.VendorAgent.MembershipID ||
		ds[1].Status != work.StatusPlanned || ds[1].DueAt.In(mustLoc(t, "Europe/Stockholm")).Format("2006-01-02") != "2026-12-01" {
		t.Fatalf("imported: %+v", ds)
	}
	// An agent may not import.
	ct, body = multipartBody(t, nil, "plan.csv", good)
	if r := e.as(f.VendorAgent).do("POST", path, body, map[string]string{"Content-Type": ct}); r.status != 403 {
		t.Fatalf("agent import: %d", r.status)
	}
}
