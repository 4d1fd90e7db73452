package web_test

import (
	"strings"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/audit"
	"github.com/tandemhq/tandem/internal/store/storetest"
)

// The audit trail page says how many of the workspace's entries wait to be
// sealed in the chain (PostgreSQL seals after commit) and shows them
// already; once sealed, the line goes. SQLite chains every entry as it is
// written, so it never shows the line.
func TestAuditPageShowsUnsealed(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			clock := storetest.NewClock(time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC))
			e := newEnvAt(t, d, clock.Now)
			f := e.f
			c := e.as(f.Owner)
			if _, err := e.db.SealAudit(ctx); err != nil {
				t.Fatal(err)
			}
			before := strings.Count(c.get("/audit").body, "Exported data")
			for range 2 {
				if err := e.db.Audit.RecordExport(ctx, f.Owner, audit.ActionExport, "workspace", f.WorkspaceID, map[string]any{"list": "partners"}); err != nil {
					t.Fatal(err)
				}
			}
			clock.Add(1500 * time.Millisecond)
			r := c.get("/audit")
			if r.status != 200 {
				t.Fatalf("/audit: %d", r.status)
			}
			const line = "2 entries not yet sealed in the chain, the oldest 1.5 s old."
			if got := strings.Contains(r.body, line); got != (d == "postgres") {
				t.Errorf("%s: the page shows %q: %v", d, line, got)
			}
			if n := strings.Count(r.body, "data-unsealed"); n != map[string]int{"postgres": 1, "sqlite": 0}[d] {
				t.Errorf("%s: %d unsealed lines", d, n)
			}
			// The two exports are on the page, sealed or not.
			if n := strings.Count(r.body, "Exported data"); n != before+2 {
				t.Errorf("%s: %d exports on the page, want %d", d, n, before+2)
			}
			if _, err := e.db.SealAudit(ctx); err != nil {
				t.Fatal(err)
			}
			if r := c.get("/audit"); r.status != 200 || strings.Contains(r.body, "data-unsealed") {
				t.Errorf("after the seal: %d, the line still shown", r.status)
			}
		})
	}
}
