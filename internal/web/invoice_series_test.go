package web_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
)

// An invoice a handover package brought in keeps its sender's number under
// the sender's series (docs/package-format.md): the invoice page and its
// PDF show the series beside the number; the workspace's own numbers show
// alone.
func TestInvoiceSeriesShown(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			e := newInvoiceEnv(t, dialect)
			f := e.f
			base := fmt.Sprintf("/engagements/%d/invoices/2026-11", f.A1)
			c := e.anon()
			for _, step := range []struct {
				token, path, body string
			}{{e.token(f.Manager), "/approve", ""}, {e.token(f.Owner), "/issue", "{}"}} {
				if r := c.api("POST", "/api/v1"+base+step.path, step.token, step.body); r.status != 200 {
					t.Fatalf("%s: %d %s", step.path, r.status, r.body)
				}
			}
			set := func(series string) {
				t.Helper()
				if err := store.ExecRaw(e.db, `UPDATE invoices SET series = ? WHERE engagement_id = ? AND period_label = '2026-11'`,
					series, f.A1); err != nil {
					t.Fatal(err)
				}
			}
			set("Norrsken AB")
			var n int
			if err := store.QueryRowRaw(e.db, `SELECT COUNT(*) FROM invoices WHERE series = 'Norrsken AB'`).Scan(&n); err != nil || n != 1 {
				t.Fatalf("%d invoices (%v)", n, err)
			}
			const want = "2026-0001 (series “Norrsken AB”)"
			if page := e.as(f.Owner).get(base); !strings.Contains(page.body, want) {
				t.Errorf("the invoice page lacks %q", want)
			}
			if text := downloadText(t, e.as(f.Owner).get(base+"/pdf").body); !strings.Contains(text, want) {
				t.Errorf("the PDF lacks %q:\n%s", want, text)
			}
			if r := c.api("GET", "/api/v1"+base, e.token(f.Owner), ""); !strings.Contains(r.body, `"number":"2026-0001","series":"Norrsken AB"`) {
				t.Errorf("the API lacks the series: %d %s", r.status, r.body)
			}
			set("")
			if r := c.api("GET", "/api/v1"+base, e.token(f.Owner), ""); !strings.Contains(r.body, `"number":"2026-0001"`) || strings.Contains(r.body, `"series"`) {
				t.Errorf("the API shows a series for the workspace's own number: %s", r.body)
			}
			if page := e.as(f.Owner).get(base); !strings.Contains(page.body, "2026-0001") || strings.Contains(page.body, "series “") {
				t.Errorf("the workspace's own number is not shown alone")
			}
		})
	}
}
