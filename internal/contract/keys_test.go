package contract

import "testing"

func TestSlug(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ in, want string }{
		{"Lead qualification", "lead-qualification"},
		{"  Outbound calls — Malmö & Göteborg ", "outbound-calls-malmo-goteborg"},
		{"Квалификация лидов", "kvalifikatsiia-lidov"},
		{"Щётка, ёж", "shchetka-ezh"},
		{"Søknad Ærlig", "soknad-aerlig"},
		{"!!!", ""},
		{"24/7 support", "24-7-support"},
	} {
		if got := Slug(c.in); got != c.want {
			t.Errorf("Slug(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	long := ""
	for i := 0; i < 20; i++ {
		long += "word "
	}
	if got := Slug(long); len(got) > MaxKeyLen || got[len(got)-1] == '-' {
		t.Errorf("Slug(long) = %q (%d bytes)", got, len(got))
	}
}

func TestFillKeys(t *testing.T) {
	t.Parallel()
	tm := Terms{
		Services: []Service{{Key: "lead-qualification", Name: "Old name"}, {Name: "Lead qualification"}, {Name: "Lead qualification"}, {Name: "—"}},
		Goals:    []Goal{{Title: "Рост выручки"}},
		KPIs:     []KPI{{Name: "Win rate"}, {Key: "x", Name: "Win rate"}},
	}
	FillKeys(&tm)
	want := []string{"lead-qualification", "lead-qualification-2", "lead-qualification-3", "service-4"}
	for i, w := range want {
		if tm.Services[i].Key != w {
			t.Errorf("service %d key = %q, want %q", i, tm.Services[i].Key, w)
		}
	}
	if tm.Goals[0].Key != "rost-vyruchki" {
		t.Errorf("goal key = %q", tm.Goals[0].Key)
	}
	if tm.KPIs[0].Key != "win-rate" || tm.KPIs[1].Key != "x" {
		t.Errorf("kpi keys = %q, %q", tm.KPIs[0].Key, tm.KPIs[1].Key)
	}
}
