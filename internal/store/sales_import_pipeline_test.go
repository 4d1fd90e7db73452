package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/tandemhq/tandem/internal/importer"
	"github.com/tandemhq/tandem/internal/sales"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
)

// pipelineImport imports a table of deals or activities onto an engagement
// with its detected preset, which must be want.
func pipelineImport(t *testing.T, db *store.DB, p tandem.Principal, engagementID int64, kind sales.ImportKind,
	tab *importer.Table, want string, dry bool) (*sales.PipelinePlan, error) {
	t.Helper()
	pr, m, ok := sales.DetectPresetFor(kind, tab.Header)
	if !ok || pr.Key != want {
		t.Fatalf("preset of %q: %q %v, want %q", tab.Header, pr.Key, ok, want)
	}
	return db.Sales().ImportPipeline(context.Background(), p, store.PipelineImport{EngagementID: engagementID, Kind: kind,
		Header: tab.Header, Mapping: m, DryRun: dry, Rows: func(yield func(int, []string) bool) {
			for i, r := range tab.Rows {
				if !yield(tab.RowNumbers[i], r) {
					return
				}
			}
		}})
}

type wantDeal struct {
	account string
	amount  int64 // minor units, SEK
	stage   string
	owner   int64
	reason  string
	closed  bool
}

func TestImportDealsPresets(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			b := newSalesBase(t, dialect)
			db, f := b.db, b.f
			// The Bitrix24 companies come in by the base's import, assigned to A1.
			if _, err := salesImport(t, db, f.Manager, importTable(t, "bitrix24_deals.csv", ""), store.Assignment{EngagementID: f.A1}, false); err != nil {
				t.Fatal(err)
			}
			agent, agent2 := f.VendorAgent.MembershipID, b.agent2.MembershipID
			cases := []struct {
				file, preset string
				merged       int
				deals        map[string]wantDeal
			}{
				{"amocrm_leads.csv", "amocrm", 0, map[string]wantDeal{
					// "125 000,50" → 12,500,050 öre; "48 000" → 4,800,000
					"Конференц-пакет":  {"Hotell Malmö Syd AB", 12500050, "proposal_sent", agent, "", false},
					"Мебель для лобби": {"Göteborg Kontorshotell", 4800000, "lost", agent2, "price", true},
					// found by Karin's phone; no owner column value: the account's agent
					"Кофемашины": {"Hotell Malmö Syd AB", 990000, "new", agent, "", false},
				}},
				{"bitrix24_deal_rows.csv", "bitrix24", 1, map[string]wantDeal{
					// two product rows repeating the total 18 000,00: 1,800,000, not 3,600,000
					"Поставка кофе":          {`ООО "Балтийский Кофе"`, 1800000, "new", agent, "", false},
					"Обслуживание кофемашин": {`ООО "Балтийский Кофе"`, 500000, "presented", 0, "", false},
					"Пилот": {`АО "Нордик Отель"`, 0, "won", agent2, "", true},
				}},
				{"hubspot_deals.csv", "hubspot", 0, map[string]wantDeal{
					"Conference package": {"Hotell Malmö Syd AB", 1250050, "presented", agent, "", false},
					"Office chairs":      {"Uppsala Möbelhus", 300000, "lost", 0, "chose_competitor", true},
				}},
				{"pipedrive_deals.csv", "pipedrive", 0, map[string]wantDeal{
					"Konferenspaket": {"Göteborg Kontorshotell", 2450000, "proposal_sent", agent2, "", false},
					"Möbler":         {"Uppsala Möbelhus", 120050, "needs_identified", 0, "", false},
				}},
			}
			total := 0
			for _, c := range cases {
				tab := importTable(t, c.file, "")
				if c.file == "bitrix24_deal_rows.csv" && tab.Encoding != "windows-1251" {
					t.Errorf("%s read as %s", c.file, tab.Encoding)
				}
				plan, err := pipelineImport(t, db, f.Manager, f.A1, sales.ImportDeals, tab, c.preset, true)
				if err != nil || plan.ErrorCount != 0 || plan.New != len(c.deals) || plan.Merged != c.merged {
					t.Fatalf("%s preview: %+v %v", c.file, plan, err)
				}
				if _, err := pipelineImport(t, db, f.Manager, f.A1, sales.ImportDeals, tab, c.preset, false); err != nil {
					t.Fatal(err)
				}
				total += len(c.deals)
				ds, n, err := db.Deals().List(ctx, f.Manager, tandem.Page{Limit: 100}, store.DealFilter{EngagementID: f.A1})
				if err != nil || n != total {
					t.Fatalf("%s: %d deals, want %d: %v", c.file, n, total, err)
				}
				got := map[string]sales.Deal{}
				for _, d := range ds {
					got[d.Title] = d
				}
				for title, w := range c.deals {
					d, ok := got[title]
					if !ok {
						t.Errorf("%s: no deal %q", c.file, title)
						continue
					}
					if d.AccountName != w.account || d.Amount.Amount != w.amount || d.Amount.Currency != "SEK" || d.Stage != w.stage ||
						d.OwnerID != w.owner || d.LostReason != w.reason || d.ClosedAt.IsZero() == w.closed {
						t.Errorf("%s: %q = %+v, want %+v", c.file, title, d, w)
					}
				}
				// The same file again changes nothing.
				again, err := pipelineImport(t, db, f.Manager, f.A1, sales.ImportDeals, tab, c.preset, false)
				if err != nil || again.New != 0 || again.Existing != len(c.deals) || again.ErrorCount != 0 {
					t.Errorf("%s again: %+v %v", c.file, again, err)
				}
				if _, n, _ := db.Deals().List(ctx, f.Manager, tandem.Page{Limit: 100}, store.DealFilter{EngagementID: f.A1}); n != total {
					t.Errorf("%s again: %d deals, want %d", c.file, n, total)
				}
			}
			// A partner's people cannot import; a viewer neither.
			for _, p := range []tandem.Principal{f.VendorManager, f.VendorAgent, f.Viewer} {
				_, err := pipelineImport(t, db, p, f.A1, sales.ImportDeals, importTable(t, "hubspot_deals.csv", ""), "hubspot", true)
				if !errors.Is(err, tandem.ErrForbidden) {
					t.Errorf("%s imports: %v", p.Role, err)
				}
			}
		})
	}
}

func TestImportDealsErrors(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			b := newSalesBase(t, dialect)
			db, f := b.db, b.f
			tab := importTable(t, "bad.csv", "Deal,Stage,Amount,Account,Owner\n"+
				"Chairs,Presented,100,Hotell Malmö Syd AB,agent@alpha.example\n"+
				"Desks,Negotiation,100,Hotell Malmö Syd AB,\n"+ // no such stage
				"Lamps,New,12.3.4,Tallinn Office Park,\n"+ // bad amount; an account of another engagement
				"Sofas,New,5,Uppsala Möbelhus,vm@alpha.example\n") // not an agent
			plan, err := pipelineImport(t, db, f.Manager, f.A1, sales.ImportDeals, tab, "tandem", false)
			if err != nil {
				t.Fatal(err)
			}
			type at struct {
				row    int
				column string
			}
			want := []at{{3, "Stage"}, {4, "Amount"}, {4, "Account"}, {5, "Owner"}}
			var got []at
			for _, e := range plan.Errors {
				got = append(got, at{e.Row, e.Column})
			}
			if len(got) != len(want) {
				t.Fatalf("errors %+v, want %+v", plan.Errors, want)
			}
			for i := range want {
				if got[i] != want[i] {
					t.Errorf("error %d at %+v, want %+v", i, got[i], want[i])
				}
			}
			if _, n, _ := db.Deals().List(ctx, f.Manager, tandem.Page{Limit: 100}, store.DealFilter{}); n != 0 {
				t.Errorf("a file with errors wrote %d deals", n)
			}
		})
	}
}

func TestImportActivities(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			b := newSalesBase(t, dialect)
			db, f := b.db, b.f
			tab := importTable(t, "activities.csv", "")
			plan, err := pipelineImport(t, db, f.Manager, f.A1, sales.ImportActivities, tab, "tandem", false)
			if err != nil || plan.ErrorCount != 0 || plan.New != 4 {
				t.Fatalf("import: %+v %v", plan, err)
			}
			acts, err := db.Sales().Activities(ctx, f.Manager, b.mine)
			if err != nil {
				t.Fatal(err)
			}
			calls := 0
			for _, a := range acts {
				if a.Kind != sales.KindCall {
					continue
				}
				calls++
				// Both calls found Karin by her number's last nine digits.
				if a.ContactID != b.contact || a.AgentID != f.VendorAgent.MembershipID {
					t.Errorf("call %+v", a)
				}
				if a.Outcome == sales.OutcomeDecisionMaker && a.DurationS != 245 { // 4:05
					t.Errorf("duration %d", a.DurationS)
				}
			}
			if calls != 2 {
				t.Errorf("%d calls on Malmö Syd, want 2", calls)
			}
			// The calls are facts, kept in the aggregates like the batch API's.
			if n := importFacts(t, db, f.Owner, f.A1); n != 2 {
				t.Errorf("%d facts, want 2 calls", n)
			}
			if mm, err := db.KPI.Verify(ctx); err != nil || mm != nil {
				t.Errorf("verify: %+v %v", mm, err)
			}
			again, err := pipelineImport(t, db, f.Manager, f.A1, sales.ImportActivities, tab, "tandem", false)
			if err != nil || again.New != 0 || again.Existing != 4 {
				t.Errorf("again: %+v %v", again, err)
			}
			if n := importFacts(t, db, f.Owner, f.A1); n != 2 {
				t.Errorf("%d facts after the same file again, want 2", n)
			}
		})
	}
}

// importFacts counts the facts of an engagement in 2026.
func importFacts(t *testing.T, db *store.DB, p tandem.Principal, engagementID int64) int {
	t.Helper()
	from, _ := tandem.ParseDate("2026-01-01")
	to, _ := tandem.ParseDate("2026-12-31")
	fs, err := db.KPI.Facts(context.Background(), p, engagementID, nil, from, to, 1000)
	if err != nil {
		t.Fatal(err)
	}
	return len(fs)
}
