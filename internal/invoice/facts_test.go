package invoice

import (
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/engagement"
	"github.com/tandemhq/tandem/internal/fact"
)

func TestParsePeriod(t *testing.T) {
	t.Parallel()
	sthlm, err := time.LoadLocation("Europe/Stockholm")
	if err != nil {
		t.Fatal(err)
	}
	for s, want := range map[string]string{"2026-11": "2026-11-01 2026-12-01", "2026-Q4": "2026-10-01 2027-01-01",
		"2027-Q1": "2027-01-01 2027-04-01", "2026-13": "", "2026-Q5": "", "2026-W45": "", "26-11": "", "": "", "2026-1": ""} {
		p, ok := ParsePeriod(s, sthlm)
		got := ""
		if ok {
			got = p.Start.Format(time.DateOnly) + " " + p.End.Format(time.DateOnly)
			if p.Start.Location() != sthlm || p.Start.Hour() != 0 {
				t.Errorf("%s starts %s", s, p.Start)
			}
		}
		if got != want {
			t.Errorf("ParsePeriod(%q) = %q, want %q", s, got, want)
		}
	}
}

// Each fact kind gives what the invoice reads: two results, a clawback
// with the reversed revenue, a breach and a penalty; another kind nothing.
func TestAddFact(t *testing.T) {
	t.Parallel()
	var in Input
	in.AddFact(FactRow{ID: 1, Kind: fact.LeadAccepted, Day: "2026-11-02"})
	in.AddFact(FactRow{ID: 2, Kind: fact.DealReversed, Day: "2026-11-03", AmountMinor: -800_000})
	in.AddFact(FactRow{ID: 3, Kind: fact.DeliverableAccepted, Day: "2026-11-04", Service: "support"})
	in.AddFact(FactRow{ID: 4, Kind: fact.ResolutionBreach, Day: "2026-11-05", Data: fact.Breach{Service: "support"}})
	in.AddFact(FactRow{ID: 5, Kind: fact.LateNoticePenalty, Day: "2026-11-06", AmountMinor: 50_000})
	in.AddFact(FactRow{ID: 6, Kind: fact.CallMade, Day: "2026-11-06"})
	if len(in.Results) != 3 || in.Results[0] != (Result{Ref: "fact:1", Unit: UnitLead, Day: "2026-11-02"}) ||
		in.Results[1] != (Result{Ref: "fact:2", Unit: UnitDeal, Day: "2026-11-03", RevenueMinor: -800_000, Clawback: true}) ||
		in.Results[2] != (Result{Ref: "fact:3", Unit: UnitDeliverable, Service: "support", Day: "2026-11-04"}) {
		t.Errorf("results %+v", in.Results)
	}
	if len(in.Breaches) != 1 || in.Breaches[0] != (Breach{Ref: "fact:4", Day: "2026-11-05", Service: "support", Clock: "resolution"}) {
		t.Errorf("breaches %+v", in.Breaches)
	}
	if len(in.Penalties) != 1 || in.Penalties[0] != (Penalty{Ref: "fact:5", Day: "2026-11-06", AmountMinor: 50_000}) {
		t.Errorf("penalties %+v", in.Penalties)
	}
}

func TestInvoiced(t *testing.T) {
	t.Parallel()
	for s, want := range map[engagement.Status]bool{engagement.StatusDraft: false, engagement.StatusPilot: true,
		engagement.StatusActive: true, engagement.StatusEnded: true} {
		if Invoiced(s) != want {
			t.Errorf("Invoiced(%s) = %v", s, !want)
		}
	}
}

func TestEndedIn(t *testing.T) {
	t.Parallel()
	sthlm, err := time.LoadLocation("Europe/Stockholm")
	if err != nil {
		t.Fatal(err)
	}
	utc := func(m time.Month, d, h int) time.Time { return time.Date(2026, m, d, h, 0, 0, 0, time.UTC) }
	for _, c := range []struct {
		kind     string
		from, to time.Time
		want     string
	}{
		// 1 December 00:00 in Stockholm is 30 November 23:00 UTC.
		{"month", utc(11, 30, 23), utc(12, 1, 0), "2026-11"},
		{"month", utc(11, 30, 22), utc(11, 30, 23), ""},
		{"month", utc(12, 1, 0), utc(12, 1, 1), ""},
		{"quarter", utc(9, 30, 22), utc(9, 30, 23), "2026-Q3"}, // 1 October 00:00 CEST is 22:00 UTC
		{"quarter", utc(11, 30, 23), utc(12, 1, 0), ""},
		{"month", utc(12, 1, 0), utc(12, 1, 0), ""},
	} {
		p, ok := EndedIn(c.kind, sthlm, c.from, c.to)
		got := ""
		if ok {
			got = p.String()
		}
		if got != c.want {
			t.Errorf("%s ended in [%s, %s): %q, want %q", c.kind, c.from, c.to, got, c.want)
		}
	}
}
