package web_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
)

func init() {
	for k, v := range map[string]string{
		// As the base's import: partner people pass the rule and get the
		// 404 of an unknown page.
		"GET /engagements/{id}/sales/import":         "yynyys",
		"POST /engagements/{id}/sales/import":        "yynyys",
		"POST /api/v1/engagements/{id}/sales/import": "yynyys",
	} {
		accessMatrix[k] = v
	}
}

type apiPipelineAnswer struct {
	Kind     string `json:"kind"`
	DryRun   bool   `json:"dry_run"`
	Imported bool   `json:"imported"`
	Preset   string `json:"preset"`
	Rows     int    `json:"rows"`
	Records  struct{ New, Existing, Merged int }
	Errors   []struct {
		Row     int    `json:"row"`
		Column  string `json:"column"`
		Message string `json:"message"`
	} `json:"errors"`
	ErrorCount int `json:"error_count"`
}

// The API and the page of an engagement's deal import: a dry run writes
// nothing, the import writes the HubSpot sample, the same file again
// changes nothing, a bad stage is 422 with its row, column and a message in
// the reader's language, and a partner's people get 404.
func TestPipelineImportAPIAndPage(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			s := newSalesEnv(t, dialect)
			e, f := s.env, s.env.f
			path := fmt.Sprintf("/api/v1/engagements/%d/sales/import", f.A1)
			post := func(p tandem.Principal, lang string, fields map[string]string, name, content string) (resp, apiPipelineAnswer) {
				t.Helper()
				ct, body := multipartBody(t, fields, name, content)
				c := e.anon()
				c.lang = lang
				r := c.do("POST", path, body, map[string]string{"Content-Type": ct, "Authorization": "Bearer " + e.token(p)})
				var a apiPipelineAnswer
				if r.status == 200 || r.status == 422 {
					if err := json.Unmarshal([]byte(r.body), &a); err != nil {
						t.Fatalf("%v: %s", err, r.body)
					}
				}
				return r, a
			}
			deals := func() int {
				_, n, err := e.db.Deals().List(ctx, f.Manager, tandem.Page{Limit: 1}, store.DealFilter{EngagementID: f.A1})
				if err != nil {
					t.Fatal(err)
				}
				return n
			}
			file := sampleExport(t, "hubspot_deals.csv")
			r, a := post(f.Manager, "en", map[string]string{"kind": "deals", "dry_run": "true"}, "deals.csv", file)
			if r.status != 200 || !a.DryRun || a.Imported || a.Preset != "hubspot" || a.Records.New != 2 || deals() != 0 {
				t.Fatalf("dry run: %d %+v", r.status, a)
			}
			if r, a = post(f.Manager, "en", map[string]string{"kind": "deals"}, "deals.csv", file); r.status != 200 || !a.Imported || deals() != 2 {
				t.Fatalf("import: %d %+v", r.status, a)
			}
			if r, a = post(f.Owner, "en", nil, "deals.csv", file); r.status != 200 || a.Records.New != 0 || a.Records.Existing != 2 || deals() != 2 {
				t.Fatalf("again: %d %+v", r.status, a)
			}
			bad := "Deal,Stage,Account\nChairs,Переговоры,Uppsala Möbelhus\n"
			r, a = post(f.Manager, "ru", map[string]string{"kind": "deals"}, "bad.csv", bad)
			if r.status != 422 || a.ErrorCount != 1 || a.Errors[0].Row != 2 || a.Errors[0].Column != "Stage" ||
				!strings.Contains(a.Errors[0].Message, "этапа") || deals() != 2 {
				t.Fatalf("bad stage: %d %+v", r.status, a)
			}
			if r, _ = post(f.Manager, "en", map[string]string{"kind": "contacts"}, "deals.csv", file); r.status != 422 {
				t.Errorf("a bad kind: %d", r.status)
			}
			for _, p := range []tandem.Principal{f.VendorManager, f.VendorAgent} {
				if r, _ := post(p, "en", map[string]string{"kind": "deals"}, "deals.csv", file); r.status != 404 {
					t.Errorf("%s: %d", p.Role, r.status)
				}
			}
			// The page: the form, a preview of the activities sample, the import.
			page := fmt.Sprintf("/engagements/%d/sales/import", f.A1)
			c := e.as(f.Manager)
			board := fmt.Sprintf("/engagements/%d/sales/board", f.A1)
			if r := c.get(board); !strings.Contains(r.body, `id="pipeline-import"`) {
				t.Errorf("the manager's board has no link to the import")
			}
			if r := e.as(f.VendorManager).get(board); r.status != 200 || strings.Contains(r.body, `id="pipeline-import"`) {
				t.Errorf("the partner's board: %d, with the link to the import", r.status)
			}
			if r := c.get(page); r.status != 200 || !strings.Contains(r.body, `name="kind"`) {
				t.Fatalf("page: %d", r.status)
			}
			acts := "Type;Time;Outcome;Account\nCall;2026-01-05 10:00;No answer;Hotell Malmö Syd AB\n"
			ct, body := multipartBody(t, map[string]string{"kind": "activities"}, "calls.csv", acts)
			r = c.do("POST", page, body, map[string]string{"Content-Type": ct})
			if r.status != 200 || !strings.Contains(r.body, "1 new activity") || !strings.Contains(r.body, "confirm-import") {
				t.Fatalf("preview: %d %s", r.status, r.body)
			}
			ct, body = multipartBody(t, map[string]string{"kind": "activities", "confirm": "1"}, "calls.csv", acts)
			if r = c.do("POST", page, body, map[string]string{"Content-Type": ct}); r.status != 303 {
				t.Fatalf("confirm: %d %s", r.status, r.body)
			}
			if n := len(mustActivities(t, e, f.Manager, s.mine)); n != 1 {
				t.Errorf("%d activities after the import, want 1", n)
			}
		})
	}
}

func mustActivities(t *testing.T, e *env, p tandem.Principal, account int64) []any {
	t.Helper()
	xs, err := e.db.Sales().Activities(ctx, p, account)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]any, len(xs))
	for i := range xs {
		out[i] = xs[i]
	}
	return out
}
