package ownmetric

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/kpi"
	"github.com/tandemhq/tandem/internal/tandem"
)

func fieldOf(t *testing.T, err error) string {
	t.Helper()
	fs := tandem.FieldErrors(err)
	if len(fs) != 1 {
		t.Fatalf("want one field error, got %v", err)
	}
	return fs[0].Field
}

func TestMayEnter(t *testing.T) {
	t.Parallel()
	byClient := &contract.MetricDef{Key: "mood", Kind: contract.MetricKindManual, Source: string(tandem.SideClient)}
	byPartner := &contract.MetricDef{Key: "brand", Kind: contract.MetricKindManual, Source: string(tandem.SidePartner)}
	formula := &contract.MetricDef{Key: "ratio", Kind: contract.MetricKindFormula, Formula: "a / b"}
	for _, c := range []struct {
		side tandem.Side
		def  *contract.MetricDef
		ok   bool
	}{
		{tandem.SideClient, byClient, true},
		{tandem.SideClient, byPartner, true},
		{tandem.SidePartner, byPartner, true},
		{tandem.SidePartner, byClient, false},
		{tandem.SideClient, formula, false},
		{tandem.SidePartner, formula, false},
		{tandem.SideClient, nil, false},
	} {
		err := MayEnter(c.side, c.def)
		if (err == nil) != c.ok {
			t.Errorf("MayEnter(%s, %+v) = %v, want ok %v", c.side, c.def, err, c.ok)
		}
		if err != nil && fieldOf(t, err) != "metric" {
			t.Errorf("MayEnter(%s, %+v): field %q, want metric", c.side, c.def, fieldOf(t, err))
		}
	}
}

func TestCheckPeriod(t *testing.T) {
	t.Parallel()
	loc := time.UTC
	march := kpi.PeriodOfDate(kpi.Month, tandem.DateOf(time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)), loc)
	starts := tandem.DateOf(time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC))
	// The month has begun (on 1 March) and ends on the day the engagement starts.
	if err := CheckPeriod(march, time.Date(2026, 3, 1, 0, 0, 0, 0, loc), starts); err != nil {
		t.Errorf("March, on 1 March, starting 31 March: %v", err)
	}
	// A period that has not begun.
	if err := CheckPeriod(march, time.Date(2026, 2, 28, 23, 59, 59, 0, loc), starts); err == nil || fieldOf(t, err) != "period_start" {
		t.Errorf("March, on 28 February: %v, want a period_start error", err)
	}
	// A period that ends before the engagement starts.
	if err := CheckPeriod(march, time.Date(2026, 5, 1, 0, 0, 0, 0, loc), tandem.DateOf(time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC))); err == nil || fieldOf(t, err) != "period_start" {
		t.Errorf("March, starting 1 April: %v, want a period_start error", err)
	}
}

func TestEnterAndSuperseded(t *testing.T) {
	t.Parallel()
	var c Value
	if a := c.Enter(tandem.SideClient); a != ActionEntered || c.State != Confirmed || c.Side != tandem.SideClient || !c.Counts() {
		t.Errorf("client: %s %+v", a, c)
	}
	// The client's value replaces the one that counted and the pending report.
	if got := c.Superseded(true); !slices.Equal(got, []string{Confirmed, Pending}) {
		t.Errorf("client entry supersedes %v", got)
	}
	var p Value
	if a := p.Enter(tandem.SidePartner); a != ActionReported || p.State != Pending || p.Side != tandem.SidePartner || p.Counts() {
		t.Errorf("partner: %s %+v", a, p)
	}
	// A report replaces the earlier report only; what counts still counts.
	if got := p.Superseded(true); !slices.Equal(got, []string{Pending}) {
		t.Errorf("partner report supersedes %v", got)
	}
	if a, err := p.Decide(true, ""); err != nil || a != ActionConfirmed || p.State != Confirmed {
		t.Fatalf("confirm: %s %v %+v", a, err, p)
	}
	// Confirming replaces the value that counted; there is no other report.
	if got := p.Superseded(false); !slices.Equal(got, []string{Confirmed}) {
		t.Errorf("confirmation supersedes %v", got)
	}
	if _, err := p.Decide(true, ""); tandem.ErrorCode(err) != tandem.EConflict {
		t.Errorf("confirming twice: %v", err)
	}
}

func TestDecideReject(t *testing.T) {
	t.Parallel()
	v := Value{State: Pending}
	for _, reason := range []string{"", strings.Repeat("x", MaxNote+1)} {
		if _, err := v.Decide(false, reason); err == nil || fieldOf(t, err) != "reason" || v.State != Pending {
			t.Errorf("reject with %d characters: %v, state %s", len(reason), err, v.State)
		}
	}
	a, err := v.Decide(false, strings.Repeat("x", MaxNote))
	if err != nil || a != ActionRejected || v.State != Rejected || v.Counts() {
		t.Fatalf("reject: %s %v %+v", a, err, v)
	}
	if got := v.Superseded(false); len(got) != 0 {
		t.Errorf("a rejection supersedes %v", got)
	}
	if _, err := v.Decide(true, ""); tandem.ErrorCode(err) != tandem.EConflict {
		t.Errorf("confirming a rejected value: %v", err)
	}
}

func TestCheckAgainst(t *testing.T) {
	t.Parallel()
	def := &contract.MetricDef{Key: "mood", Kind: contract.MetricKindManual, Source: string(tandem.SideClient), Scale: 1}
	if err := (&Value{Scale: 1, Value: 90}).CheckAgainst(def); err != nil {
		t.Errorf("scale 1 for scale 1, no bounds: %v", err)
	}
	for _, scale := range []int{0, 2} {
		if err := (&Value{Scale: scale}).CheckAgainst(def); err == nil || fieldOf(t, err) != "value" {
			t.Errorf("scale %d for scale 1: %v, want a value error", scale, err)
		}
	}
	// A 1–5 rating with one decimal: 1.0 and 5.0 are in, 0.9 and 9.0 out.
	lo, hi := int64(10), int64(50)
	def.Min, def.Max = &lo, &hi
	for value, ok := range map[int64]bool{10: true, 50: true, 45: true, 9: false, 51: false, 90: false, -10: false} {
		err := (&Value{Scale: 1, Value: value}).CheckAgainst(def)
		if ok != (err == nil) || !ok && fieldOf(t, err) != "value" {
			t.Errorf("value %d on 1.0–5.0: %v", value, err)
		}
	}
	def.Max = nil
	if err := (&Value{Scale: 1, Value: 900}).CheckAgainst(def); err != nil {
		t.Errorf("90.0 with only a minimum of 1.0: %v", err)
	}
}

func TestMessages(t *testing.T) {
	t.Parallel()
	v := Value{Metric: "revenue", PeriodStart: tandem.DateOf(time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)), EnteredBy: 9}
	rep := v.Reported(ActionReported, "Revenue", "March 2026")
	// Only the client's deciders (1, 2) are told of a report, not the
	// partner's people (9, 5) nor the reporter acting (9).
	if got := rep.To.Recipients(9, []int64{1, 2}, []int64{9, 5}); rep.Kind != ActionReported || !slices.Equal(got, []int64{1, 2}) {
		t.Fatalf("Reported: kind %s, recipients %v", rep.Kind, got)
	}
	if rep.Args["metric"] != "Revenue" || rep.Args["period"] != "March 2026" {
		t.Errorf("Reported args %v", rep.Args)
	}
	// A decision by a client's manager (1) tells the partner's people (5)
	// and the reporter (9), once, and no decider.
	dec := v.Decided(ActionRejected, "no invoice")
	if got := dec.To.Recipients(1, []int64{1, 2}, []int64{5, 9}); dec.Kind != ActionRejected || !slices.Equal(got, []int64{5, 9}) {
		t.Fatalf("Decided: kind %s, recipients %v", dec.Kind, got)
	}
	if dec.Args["metric"] != "revenue" || dec.Args["period_start"] != "2026-03-01" || dec.Args["reason"] != "no invoice" {
		t.Errorf("Decided args %v", dec.Args)
	}
}
