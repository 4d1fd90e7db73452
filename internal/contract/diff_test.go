package contract

import (
	"reflect"
	"testing"
)

func diffPair() (Terms, Terms) {
	a := Terms{
		Services: []Service{
			{Key: "calls", Name: "Calls", Deadline: DeadlineRule{Kind: "business_days", N: 5}},
			{Key: "leads", Name: "Leads", Deadline: DeadlineRule{Kind: "business_days", N: 2}},
		},
		Calendar:        Calendar{WorkDays: []int{1, 2, 3}},
		Price:           Price{Currency: "SEK", Components: []PriceComponent{{Kind: "fixed", AmountMinor: 100}}},
		Confidentiality: Confidentiality{Clause: true, YearsAfter: 5},
	}
	b := Terms{
		Shape: Shape{Model: "functional"},
		Services: []Service{ // reordered
			{Key: "leads", Name: "Leads", Deadline: DeadlineRule{Kind: "business_days", N: 2}, Acceptor: "Anna",
				SLA: &SLA{ResponseMinutes: 60}},
			{Key: "calls", Name: "Calls", Deadline: DeadlineRule{Kind: "business_days", N: 3}},
		},
		Calendar:        Calendar{WorkDays: []int{1, 2, 3, 4}},
		Goals:           []Goal{{Key: "g", Title: "Grow"}},
		Price:           Price{Currency: "SEK", Components: []PriceComponent{{Kind: "fixed", AmountMinor: 200}}},
		Confidentiality: Confidentiality{Clause: true, YearsAfter: 0},
	}
	return a, b
}

func TestDiff(t *testing.T) {
	t.Parallel()
	a, b := diffPair()
	want := []Change{
		{"shape.model", "", "functional"},
		{"services[calls].deadline.n", "5", "3"},
		{"services[leads].acceptor", "", "Anna"},
		{"services[leads].sla.on_time_bp", "", "0"},
		{"services[leads].sla.resolution_minutes", "", "0"},
		{"services[leads].sla.response_minutes", "", "60"},
		{"calendar.work_days.3", "", "4"},
		{"goals[g].key", "", "g"},
		{"goals[g].title", "", "Grow"},
		{"price.components.0.amount_minor", "100", "200"},
		{"confidentiality.years_after", "5", "0"},
	}
	if got := Diff(a, b); !reflect.DeepEqual(got, want) {
		t.Errorf("Diff(a, b) =\n%v\nwant\n%v", got, want)
	}
	// The other way round: the same paths, Before and After swapped.
	var back []Change
	for _, c := range want {
		back = append(back, Change{c.Field, c.After, c.Before})
	}
	if got := Diff(b, a); !reflect.DeepEqual(got, back) {
		t.Errorf("Diff(b, a) =\n%v\nwant\n%v", got, back)
	}
}

func TestDiffNoChange(t *testing.T) {
	t.Parallel()
	a, _ := diffPair()
	if got := Diff(a, a); len(got) != 0 {
		t.Errorf("Diff(a, a) = %v", got)
	}
	// Reordering services, goals and KPIs is not a change.
	x := Template("sales", "SEK", "Europe/Stockholm")
	y := Template("sales", "SEK", "Europe/Stockholm")
	y.Services[0], y.Services[1] = y.Services[1], y.Services[0]
	y.Goals[0], y.Goals[1] = y.Goals[1], y.Goals[0]
	y.KPIs[0], y.KPIs[3] = y.KPIs[3], y.KPIs[0]
	if got := Diff(x, y); len(got) != 0 {
		t.Errorf("reordered lists: %v", got)
	}
	// nil and empty lists are the same.
	x.Calendar.Holidays, y.Calendar.Holidays = nil, []string{}
	if got := Diff(x, y); len(got) != 0 {
		t.Errorf("nil vs empty: %v", got)
	}
	// Reordering an unkeyed list is a change.
	y.Price.Components[0], y.Price.Components[1] = y.Price.Components[1], y.Price.Components[0]
	if got := Diff(x, y); len(got) == 0 {
		t.Error("reordered price components should differ")
	}
}

func TestDiffFallsBackToIndices(t *testing.T) {
	t.Parallel()
	a := Terms{Services: []Service{{Key: "x", Name: "One"}, {Key: "x", Name: "Two"}}}
	b := Terms{Services: []Service{{Key: "x", Name: "One"}, {Key: "x", Name: "Deux"}, {Name: "Three"}}}
	want := []Change{
		{"services.1.name", "Two", "Deux"},
		{"services.2.deadline.n", "", "0"},
		{"services.2.name", "", "Three"},
	}
	if got := Diff(a, b); !reflect.DeepEqual(got, want) {
		t.Errorf("Diff =\n%v\nwant\n%v", got, want)
	}
}

func TestDiffOrderNumericIndices(t *testing.T) {
	t.Parallel()
	var a, b Terms
	for i := range 12 {
		a.Notices = append(a.Notices, NoticeDuty{Category: "deadline_at_risk", WithinHours: 24})
		b.Notices = append(b.Notices, NoticeDuty{Category: "deadline_at_risk", WithinHours: 24 + i%2})
	}
	var got []string
	for _, c := range Diff(a, b) {
		got = append(got, c.Field)
	}
	want := []string{"notices.1.within_hours", "notices.3.within_hours", "notices.5.within_hours",
		"notices.7.within_hours", "notices.9.within_hours", "notices.11.within_hours"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("order = %v", got)
	}
}

// An engagement's own metrics are keyed like services: reordering them is
// no change, editing a formula names the metric.
func TestDiffOwnMetrics(t *testing.T) {
	t.Parallel()
	m1 := MetricDef{Key: "brand", Name: "Brand", Kind: "manual", Source: "client"}
	m2 := MetricDef{Key: "ratio", Name: "Ratio", Kind: "formula", Formula: "brand / 2"}
	a := Terms{Metrics: []MetricDef{m1, m2}}
	b := Terms{Metrics: []MetricDef{m2, m1}}
	if got := Diff(a, b); len(got) != 0 {
		t.Errorf("reordered metrics: %v", got)
	}
	b.Metrics[0].Formula = "brand / 4"
	want := []Change{{"metrics[ratio].formula", "brand / 2", "brand / 4"}}
	if got := Diff(a, b); !reflect.DeepEqual(got, want) {
		t.Errorf("Diff = %v, want %v", got, want)
	}
}
