package store_test

import (
	"strings"
	"testing"

	"github.com/tandemhq/tandem/internal/engagement"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
)

// A new engagement's terms are written in its creator's language: a
// Russian-speaking owner gets Russian KPI and service names, an owner who
// has not chosen a language the workspace's.
func TestEngagementTermsInCreatorsLanguage(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := storetest.Seed(t, db)
		create := func(lang string) (kpis, services []string) {
			t.Helper()
			p := f.Owner
			p.Lang = lang
			starts, _ := tandem.ParseDate("2026-05-01")
			e := &engagement.Engagement{PartnerID: f.PartnerB, Title: "Outbound " + lang, Kind: "sales", StartsOn: starts}
			if err := db.Engagements.Create(ctx, p, e); err != nil {
				t.Fatal(err)
			}
			vs, err := db.Contracts.Versions(ctx, f.Owner, e.ID)
			if err != nil || len(vs) != 1 {
				t.Fatalf("versions: %d %v", len(vs), err)
			}
			for _, k := range vs[0].Terms.KPIs {
				kpis = append(kpis, k.Name)
			}
			for _, s := range vs[0].Terms.Services {
				services = append(services, s.Key+" "+s.Name)
			}
			return kpis, services
		}
		kpis, services := create("ru")
		if want := "Квалифицированные лиды, Проведённые встречи, Выигранные сделки, Конверсия лидов в сделки"; strings.Join(kpis, ", ") != want {
			t.Errorf("Russian owner's KPIs = %s, want %s", strings.Join(kpis, ", "), want)
		}
		if want := "outbound-calls Исходящие звонки, lead-qualification Квалификация лидов"; strings.Join(services, ", ") != want {
			t.Errorf("Russian owner's services = %s, want %s", strings.Join(services, ", "), want)
		}
		kpis, _ = create("sv")
		if want := "Kvalificerade leads, Genomförda möten, Vunna affärer, Konvertering från lead till affär"; strings.Join(kpis, ", ") != want {
			t.Errorf("Swedish owner's KPIs = %s, want %s", strings.Join(kpis, ", "), want)
		}
		// The fixture's workspace is in English.
		if kpis, _ = create(""); kpis[0] != "Qualified leads" {
			t.Errorf("no language chosen: first KPI %q, want the workspace's English", kpis[0])
		}
	})
}
