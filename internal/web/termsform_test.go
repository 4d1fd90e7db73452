package web

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/i18n"
)

// Terms survive a trip through the form in every language, money and
// percentages included; a blank row is dropped; bad numbers are field errors.
func TestTermsFormRoundTrip(t *testing.T) {
	t.Parallel()
	in := contract.Terms{
		Shape:    contract.Shape{Model: "functional", Coverage: "partial", Pilot: true, PilotEnds: "2026-03-31", TermMonths: 12},
		Services: []contract.Service{{Key: "calls", Name: "Outbound calls", Deadline: contract.DeadlineRule{Kind: "business_days", N: 5}, SLA: &contract.SLA{ResponseMinutes: 60, OnTimeBP: 9550}}, {Key: "leads", Name: "Leads"}},
		Calendar: contract.Calendar{TimeZone: "Europe/Stockholm", WorkDays: []int{1, 2, 3, 4, 5}, Holidays: []string{"2026-06-19", "2026-12-24"}},
		KPIs:     []contract.KPI{{Key: "ql", Metric: "qualified_leads", Target: 12050, Threshold: 8000, Scale: 2, Direction: "higher", Weight: 3, Period: "month"}},
		Price: contract.Price{Currency: "SEK", Components: []contract.PriceComponent{{Kind: "fixed", AmountMinor: 4500000}, {Kind: "revenue_share", ShareBP: 250}},
			DaysToPay: 30, WithholdAllowed: true, CapMinor: 123456789},
		Confidentiality: contract.Confidentiality{Clause: true, YearsAfter: 5},
		Sales:           contract.DefaultSales(),
	}
	lo, hi := int64(100), int64(500) // 1.00–5.00
	in.Metrics = []contract.MetricDef{{Key: "rating", Name: "Rating", Kind: "manual", Source: "client", Scale: 2, Min: &lo, Max: &hi},
		{Key: "open", Name: "Open", Kind: "manual", Source: "client", Scale: 0}}
	in.Sales.Stages[1].Name = "Past the receptionist"
	in.Sales.LostReasons = append(in.Sales.LostReasons, "Moved abroad")
	for _, lang := range i18n.Supported {
		c := termsCodec{l: i18n.MustLoad().For(lang, nil)}
		vals := c.values(in)
		if lang == i18n.SV && vals.Get("price.components.0.amount_minor") != "45\u00a0000,00" {
			t.Errorf("sv amount shown as %q", vals.Get("price.components.0.amount_minor"))
		}
		if lang == i18n.SV && (vals.Get("metrics.0.min") != "1,00" || vals.Get("metrics.0.max") != "5,00" || vals.Has("metrics.1.min")) {
			t.Errorf("sv metric bounds shown as %q–%q (open: %q)", vals.Get("metrics.0.min"), vals.Get("metrics.0.max"), vals.Get("metrics.1.min"))
		}
		if vals.Get("services.0.sla.response_minutes") != "1:00" || vals.Has("services.0.sla.resolution_minutes") {
			t.Errorf("%s: SLA times shown as %q, %q", lang, vals.Get("services.0.sla.response_minutes"), vals.Get("services.0.sla.resolution_minutes"))
		}
		if lang == i18n.EN && vals.Get("services.0.sla.on_time_bp") != "95.50" {
			t.Errorf("en percent shown as %q", vals.Get("services.0.sla.on_time_bp"))
		}
		if lang == i18n.RU && (vals.Get("sales.stages.8.name") != "Сделка заключена" || vals.Get("sales.stages.1.name") != "Past the receptionist") {
			t.Errorf("ru stage names shown as %q, %q", vals.Get("sales.stages.8.name"), vals.Get("sales.stages.1.name"))
		}
		if lang == i18n.SV && !strings.HasPrefix(vals.Get("sales.lost_reasons"), "Ingen budget\nInget behov\n") {
			t.Errorf("sv lost reasons shown as %q", vals.Get("sales.lost_reasons"))
		}
		// The form offers a blank extra service row.
		vals.Set("services.2.key", "")
		vals.Set("services.2.name", "")
		out, err := c.terms(vals)
		if err != nil {
			t.Fatalf("%s: %v", lang, err)
		}
		if diff := cmp.Diff(in, out, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("%s: round trip differs (-in +out):\n%s", lang, diff)
		}
	}
	c := termsCodec{l: i18n.MustLoad().For(i18n.RU, nil)}
	vals := c.values(in)
	vals.Set("price.components.0.amount_minor", "45 000,005")
	vals.Set("price.days_to_pay", "тридцать")
	_, err := c.terms(vals)
	want := map[string]bool{"price.components.0.amount_minor": true, "price.days_to_pay": true}
	for _, f := range fieldErrs(err) {
		delete(want, f)
	}
	if len(want) != 0 {
		t.Errorf("bad numbers not reported: %v (got %v)", want, err)
	}

	// A person names a new service and KPI; the keys are made from the
	// names, a service's SLA reads hours and minutes, and a row emptied
	// but for its hidden key is removed.
	vals = c.values(in)
	vals.Set("services.1.name", "")
	vals.Set("services.2.key", "")
	vals.Set("services.2.name", "Квалификация лидов")
	vals.Set("services.2.sla.resolution_minutes", "8:30")
	vals.Set("kpis.1.key", "")
	vals.Set("kpis.1.name", "Win rate")
	vals.Set("kpis.1.metric", "win_rate")
	out, err := c.terms(vals)
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Services) != 2 || out.Services[1].Key != "kvalifikatsiia-lidov" || out.Services[1].SLA == nil || out.Services[1].SLA.ResolutionMinutes != 510 {
		t.Errorf("services after naming one: %+v", out.Services)
	}
	if len(out.KPIs) != 2 || out.KPIs[1].Key != "win-rate" {
		t.Errorf("kpis after naming one: %+v", out.KPIs)
	}
	for _, bad := range []string{"4:5", "4:60", "-1", "четыре", "1:30:00"} {
		vals = c.values(in)
		vals.Set("services.0.sla.response_minutes", bad)
		_, err := c.terms(vals)
		if fs := fieldErrs(err); len(fs) != 1 || fs[0] != "services.0.sla.response_minutes" {
			t.Errorf("SLA time %q: errors %v", bad, fs)
		}
	}
}
