package web_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
	"github.com/tandemhq/tandem/internal/work"
)

// TestListExports downloads A1's deliverables (two, made here), requests
// (none), scorecard and the audit trail as CSV and XLSX: the CSV starts
// with a byte order mark, the rows are the store's rows (titles in the
// order of the list, the audit trail as many entries as it held before the
// export), in the reader's language. Each export is audited. A partner's
// manager and agent get 403 on every export, by session and by token, and
// see no download on their pages.
func TestListExports(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, dialect)
			f := e.f
			storetest.Activate(t, e.db, f.Owner, f.A1, nil)
			v, err := e.db.Contracts.InForce(ctx, f.Owner, f.A1, tandem.DateOf(e.db.Now()))
			if err != nil {
				t.Fatal(err)
			}
			for i, title := range []string{"Möte i Malmö, Syd", "Annual report"} {
				d := &work.Deliverable{EngagementID: f.A1, ServiceKey: v.Terms.Services[0].Key, Title: title,
					DueAt: e.db.Now().Add(time.Duration(48+24*i) * time.Hour)}
				if err := e.db.Work.Create(ctx, f.Owner, d); err != nil {
					t.Fatal(err)
				}
			}
			owner := e.as(f.Owner)
			owner.lang = "en"
			readCSV := func(path string) [][]string {
				t.Helper()
				r := owner.get(path)
				if r.status != 200 || r.header.Get("Content-Type") != "text/csv; charset=utf-8" || !strings.HasPrefix(r.body, "\uFEFF") {
					t.Fatalf("%s: %d %v %.200s", path, r.status, r.header, r.body)
				}
				rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(r.body, "\uFEFF"))).ReadAll()
				if err != nil {
					t.Fatal(err)
				}
				return rows
			}
			readXLSX := func(path string) [][]string {
				t.Helper()
				r := owner.get(path)
				if r.status != 200 || !strings.HasSuffix(r.header.Get("Content-Disposition"), ".xlsx") {
					t.Fatalf("%s: %d %v", path, r.status, r.header)
				}
				x, err := excelize.OpenReader(bytes.NewReader([]byte(r.body)))
				if err != nil {
					t.Fatal(err)
				}
				defer x.Close()
				rows, err := x.GetRows(x.GetSheetName(0))
				if err != nil {
					t.Fatal(err)
				}
				return rows
			}
			base := fmt.Sprintf("/engagements/%d", f.A1)
			ds, _, err := e.db.Work.List(ctx, f.Owner, tandem.Page{Limit: 200}, store.DeliverableFilter{EngagementID: f.A1})
			if err != nil {
				t.Fatal(err)
			}
			var titles []string
			for _, d := range ds {
				titles = append(titles, d.Title)
			}
			for _, rows := range [][][]string{readCSV(base + "/deliverables/export/csv"), readXLSX(base + "/deliverables/export/xlsx")} {
				var got []string
				for _, r := range rows[1:] {
					got = append(got, r[0])
				}
				if rows[0][0] != "Title" || !reflect.DeepEqual(got, titles) || len(rows[1]) < 5 || rows[1][3] == "" || strings.Contains(rows[1][3], ".") {
					t.Errorf("deliverables: %q, want titles %q", rows, titles)
				}
			}
			if rows := readCSV(base + "/requests/export/csv"); len(rows) != 1 || len(rows[0]) != 11 {
				t.Errorf("requests: %q", rows)
			}
			if rows := readXLSX(base + "/scorecard/export/xlsx"); len(rows) < 1 {
				t.Errorf("scorecard: %q", rows)
			}
			_, before, err := e.db.Audit.List(ctx, f.Owner, store.AuditFilter{}, tandem.Page{Limit: 1})
			if err != nil {
				t.Fatal(err)
			}
			if rows := readCSV("/audit/export/csv"); len(rows) != before+1 {
				t.Errorf("audit trail: %d rows, want %d entries and the header", len(rows), before)
			}
			entries, _, err := e.db.Audit.List(ctx, f.Owner, storeFilter("data.export"), tandem.Page{Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			lists := map[string]int{}
			for _, x := range entries {
				var d struct {
					List, Format string
					Rows         int
				}
				if err := json.Unmarshal([]byte(x.Data), &d); err != nil {
					t.Fatal(err)
				}
				lists[d.List+"."+d.Format]++
				if d.List == "deliverables" && d.Rows != 2 {
					t.Errorf("audited deliverables export of %d rows", d.Rows)
				}
			}
			if want := map[string]int{"deliverables.csv": 1, "deliverables.xlsx": 1, "requests.csv": 1, "scorecard.xlsx": 1, "audit_trail.csv": 1}; !reflect.DeepEqual(lists, want) {
				t.Errorf("audited exports %v, want %v", lists, want)
			}
			if r := owner.get(base + "/work"); !strings.Contains(r.body, `href="`+base+`/deliverables/export/xlsx"`) {
				t.Errorf("the client's deliverables offer no download")
			}

			for _, p := range []tandem.Principal{f.VendorManager, f.VendorAgent} {
				c, tok := e.as(p), e.token(p)
				for _, path := range []string{base + "/deliverables/export/csv", base + "/requests/export/xlsx", base + "/scorecard/export/csv", "/audit/export/csv"} {
					if r := c.get(path); r.status != 403 {
						t.Errorf("%s GET %s: %d", p.Role, path, r.status)
					}
					if r := e.anon().api("GET", "/api/v1"+path, tok, ""); r.status != 403 {
						t.Errorf("%s API %s: %d", p.Role, path, r.status)
					}
				}
				if r := c.get(base + "/work"); r.status != 200 || strings.Contains(r.body, "/export/") {
					t.Errorf("%s sees a download: %d", p.Role, r.status)
				}
			}
			// The client's token downloads through the API too.
			if r := e.anon().api("GET", "/api/v1"+base+"/deliverables/export/csv", e.token(f.Manager), ""); r.status != 200 || !strings.Contains(r.body, "Möte i Malmö, Syd") {
				t.Errorf("manager's API export: %d", r.status)
			}
		})
	}
}
