package sales

import (
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/contract"
)

func TestParseAmount(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]int64{
		"12 500,50": 1250050, "12,500.50": 1250050, "12.500,50": 1250050, "12500": 1250000, "12,500": 1250000,
		"1,5": 150, "1.5": 150, "0": 0, "12 500 ₽": 1250000, "SEK 1 200": 120000, "1\u00a0234,00 руб.": 123400,
		"1.234.567": 123456700, "-5": -500,
	} {
		if got, ok := ParseAmount(in, 2); !ok || got != want {
			t.Errorf("ParseAmount(%q) = %d %v, want %d", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "abc", "12.3.4", "1,2,3", "1.234,5,6", "1.005", "12;5"} {
		if got, ok := ParseAmount(in, 2); ok && in != "1.005" {
			t.Errorf("ParseAmount(%q) = %d, want refused", in, got)
		}
	}
	// "1.005" is one thousand and five (a lone separator before three digits groups thousands).
	if got, ok := ParseAmount("1.005", 2); !ok || got != 100500 {
		t.Errorf("1.005: %d %v", got, ok)
	}
	if got, ok := ParseAmount("1,5", 0); ok {
		t.Errorf("1,5 in a currency without decimals: %d", got)
	}
}

func TestStageAndWordsInThreeLanguages(t *testing.T) {
	t.Parallel()
	s := contract.DefaultSales()
	for in, want := range map[string]string{"КП отправлено": "proposal_sent", "Offert skickad": "proposal_sent",
		"proposal sent": "proposal_sent", "won": "won", "Сделка проиграна": "lost", "Förlorad": "lost"} {
		if st, ok := StageOf(s, in); !ok || st.Key != want {
			t.Errorf("StageOf(%q) = %q %v, want %q", in, st.Key, ok, want)
		}
	}
	if _, ok := StageOf(s, "Negotiation"); ok {
		t.Error("an unknown stage matched")
	}
	if r, ok := LostReasonOf(s, "Слишком дорого"); !ok || r != "price" {
		t.Errorf("lost reason %q %v", r, ok)
	}
	if k, ok := KindOf("Звонок"); !ok || k != KindCall {
		t.Errorf("kind %q", k)
	}
	if k, ok := KindOf("Follow-up"); !ok || k != KindFollowUp {
		t.Errorf("kind %q", k)
	}
	if o, ok := OutcomeOf("Inget svar"); !ok || o != OutcomeNoAnswer {
		t.Errorf("outcome %q", o)
	}
	if d, ok := ParseDuration("1:02:03"); !ok || d != 3723 {
		t.Errorf("duration %d", d)
	}
	loc, _ := time.LoadLocation("Europe/Stockholm")
	if tm, ok := ParseImportTime("15.03.2026 14:30", loc); !ok || tm.UTC().Hour() != 13 {
		t.Errorf("time %v", tm)
	}
}

// Bitrix24's product rows: one deal, its total taken once.
func TestPipelinePlannerProductRows(t *testing.T) {
	t.Parallel()
	keys := NewEngagementKeys()
	keys.Names[Fold("Nordic Hotel")] = 7
	header := []string{"ID", "Title", "Stage", "Amount", "Company", "Product"}
	m := Mapping{FieldDealID, FieldDealTitle, FieldDealStage, FieldDealAmount, FieldAccountName, FieldIgnore}
	now := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	pl := NewPipelinePlanner(ImportDeals, header, m, keys, contract.DefaultSales(), "SEK", time.UTC, now)
	pl.Add(2, []string{"12", "Pilot", "New", "18 000,00", "Nordic Hotel", "Coffee"})
	pl.Add(3, []string{"12", "Pilot", "New", "18 000,00", "Nordic Hotel", "Filters"})
	pl.Add(4, []string{"13", "Pilot 2", "Won", "1 000", "Nordic Hotel", ""})
	p := pl.Plan()
	if p.ErrorCount != 0 || p.New != 2 || p.Merged != 1 || p.Deals[0].Deal.Amount.Amount != 1800000 || p.Deals[1].Deal.ClosedAt.IsZero() {
		t.Errorf("plan %+v", p)
	}
}
