package web_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/money"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
)

// TestBoardPack downloads May 2026's board pack of kpiAPIEnv (13 May) in
// Swedish and Russian and reads it back with pdftotext: A1's first-time
// acceptance 2/3 scores 41.67 (worked out in kpiAPIEnv), the only monthly
// KPI, so the weighted score is 41,67, "poor" (Svag, Слабо); its target
// 90,00 and threshold 50,00; May's spend is the month's invoice total as
// the store computes it (WorthStore.Overview). The manager may download,
// the viewer and partner people may not (403); each download is audited
// with the month and the language.
func TestBoardPack(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			e := kpiAPIEnv(t, dialect)
			f := e.f
			o, err := e.db.Worth().Overview(ctx, f.Owner, f.A1, 1)
			if err != nil || len(o.Months) != 1 || o.Months[0].Label != "2026-05" {
				t.Fatalf("worth: %v %+v", err, o)
			}
			m := o.Months[0]
			for _, c := range []struct {
				lang                                      i18n.Lang
				title, poor, score, fta, target, standing string
			}{
				{i18n.SV, "Styrelserapport, maj 2026", "Svag", "Viktad poäng", "First-time acceptance", "Mål", "Omdöme"},
				{i18n.RU, "Отчёт для правления, май 2026", "Слабо", "Взвешенная оценка", "First-time acceptance", "Цель", "Оценка"},
			} {
				r := e.as(f.Manager).get("/portfolio/board-pack?month=2026-05&lang=" + string(c.lang))
				if r.status != 200 || r.header.Get("Content-Type") != "application/pdf" {
					t.Fatalf("%s: %d %v", c.lang, r.status, r.header)
				}
				text := downloadText(t, r.body)
				l := catalog.For(c.lang, nil)
				for _, want := range []string{c.title, c.poor, c.score, c.fta, c.target, c.score + " 41,67 " + c.standing + " " + c.poor, "66,67 % 90,00 % 50,00 % 41,67"} {
					if !strings.Contains(text, want) {
						t.Errorf("%s: no %q in\n%s", c.lang, want, text)
					}
				}
				if m.HasActual {
					if spend := strings.ReplaceAll(l.Money(money.New(m.ActualMinor, m.Currency)), "\u00a0", " "); !strings.Contains(text, spend) {
						t.Errorf("%s: no spend %q in\n%s", c.lang, spend, text)
					}
				}
			}
			for _, p := range []tandem.Principal{f.Viewer, f.VendorManager, f.VendorAgent} {
				if r := e.as(p).get("/portfolio/board-pack"); r.status != 403 {
					t.Errorf("%s: %d", p.Role, r.status)
				}
				if r := e.as(p).get("/portfolio"); strings.Contains(r.body, "board-pack") {
					t.Errorf("%s sees the board pack form", p.Role)
				}
			}
			if r := e.as(f.Owner).get("/portfolio"); !strings.Contains(r.body, `action="/portfolio/board-pack"`) {
				t.Error("the owner's portfolio has no board pack form")
			}
			entries, _, err := e.db.Audit.List(ctx, f.Owner, storeFilter("data.export"), tandem.Page{Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			langs := map[string]bool{}
			for _, x := range entries {
				var d struct{ List, Month, Language string }
				if json.Unmarshal([]byte(x.Data), &d) == nil && d.List == "board_pack" && d.Month == "2026-05" {
					langs[d.Language] = true
				}
			}
			if !langs["sv"] || !langs["ru"] || len(langs) != 2 {
				t.Errorf("audited board packs: %v", langs)
			}
		})
	}
}
